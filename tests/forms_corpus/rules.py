"""The arithmetic of a 项目支出绩效自评表, written again from README.md ("项目支出绩效自评表",
"评分表：指标树与计分规则", "计算规则与舍入") and deliberately *not* imported from
``reportgen.computation`` or ``reportgen.scoring``: the corpus checks reportgen against it.

Everything is :class:`~decimal.Decimal`, rounded half up (四舍五入) to two places; no float and
no ``round()`` (banker's rounding) anywhere.

* 执行率 = 决算 ÷ 调整预算 × 100, half up to 2 places (96.625 → 96.63).
* 预算执行率得分 = 执行率分值 × min(执行率, 100) ÷ 100 of the *rounded* rate, half up
  (README: "96.63% × 10 = 9.663 → 9.66").
* 完成比例: the target met → full marks; else 实际完成值 ÷ 年度指标值 × 分值 (≥ or a plain
  target), 年度指标值 ÷ 实际完成值 × 分值 (≤), the points rounded once, half up.
* 定性: 达成 → 分值 × 100 %; a band that is a range → the 得分 typed (inside it).
* 得分 → as typed; 扣分 → 分值 − 扣分.
* 总分 = 预算执行率得分 + Σ 指标得分; 等级 by the lowest score of each grade (优 90, 良 80, 中 60, 差).
* 平均得分 = Σ 总分 ÷ 个数, half up.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

D = Decimal
CENT = D("0.01")
HUNDRED = D(100)
#: The grades of 自评.等级 when a file writes the example's: name → lowest score.
DEFAULT_GRADES = {"优": D(90), "良": D(80), "中": D(60), "差": D(0)}
LOWEST = "差"
AT_LEAST, AT_MOST, PLAIN = "≥", "≤", "="


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@contextmanager
def rounded_by(how: str):
    """Compute with a wrong rounding for a while, to measure what the corpus would catch:
    "banker's" (ROUND_HALF_EVEN, what ``round()`` does) or "float" (binary floating point)."""
    global half_up
    saved = half_up
    def bankers(value: Decimal) -> Decimal:
        return value.quantize(CENT, rounding=ROUND_HALF_EVEN)

    def through_float(value: Decimal) -> Decimal:
        return Decimal(str(round(float(value), 2))).quantize(CENT)

    wrong = {"banker's": bankers, "float": through_float}
    if how not in wrong:
        raise ValueError(how)
    half_up = wrong[how]
    try:
        yield
    finally:
        half_up = saved


def execution_rate(actual: Decimal, budget: Decimal) -> Decimal | None:
    """决算 ÷ 调整预算 × 100 (%), half up; None without a budget (the form writes —)."""
    if budget == 0:
        return None
    return half_up(actual / budget * HUNDRED)


def rate_score(rate: Decimal | None, marks: Decimal) -> Decimal:
    """预算执行率得分 of the rounded rate, capped at 100 %."""
    return half_up(min(rate or D(0), HUNDRED) * marks / HUNDRED)


def completion_score(direction: str, target: Decimal, achieved: Decimal, marks: Decimal) -> Decimal:
    """完成比例: full marks when met, else the achieved share of the marks (one rounding)."""
    if direction == AT_MOST:
        if achieved <= target:
            return marks
        return half_up(target / achieved * marks)
    if achieved >= target:
        return marks
    return half_up(achieved / target * marks)


def band_score(marks: Decimal, share: Decimal) -> Decimal:
    """定性 with a band that is one share: 分值 × the share, half up."""
    return half_up(marks * share / HUNDRED)


def grade(total: Decimal, grades: dict[str, Decimal]) -> str:
    for name, lowest in sorted(grades.items(), key=lambda item: item[1], reverse=True):
        if total >= lowest:
            return name
    return LOWEST


def grade_order(grades: dict[str, Decimal]) -> list[str]:
    """The grades from the highest; 差 is always a grade (the lowest)."""
    names = sorted(grades, key=grades.get, reverse=True)
    return names if LOWEST in names else names + [LOWEST]


def average(totals: list[Decimal]) -> Decimal | None:
    return half_up(sum(totals, D(0)) / len(totals)) if totals else None


# --- how the form writes figures (README "模板中可用的名称": money, percent, score) -----------


def money(value: Decimal | None) -> str:
    return "—" if value is None else format(half_up(value) + 0, "f")


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{money(value)}%"


def points(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = money(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def items(paragraphs: list[str]) -> str:
    """年度总体目标 in the form: one paragraph as written; several as 1.…；2.…。"""
    if len(paragraphs) == 1:
        return paragraphs[0]
    return "".join(
        f"{i}.{text.strip('；。;')}{'；' if i < len(paragraphs) else '。'}" for i, text in enumerate(paragraphs, 1)
    )


# --- a small reader of the targets the worked example writes (for the test of these rules) ---------

_MEASURE = re.compile(r"^(≥|≤)?\s*(\d+(?:\.\d+)?)(.*?)(以上|以内)?$")


def measure(text: str) -> tuple[str, Decimal, str]:
    """``≥3.2万亩`` → (≥, 3.2, 万亩); ``100%`` → (=, 100, %)."""
    found = _MEASURE.match(str(text).strip())
    if found is None:
        raise ValueError(f"not a measure: {text!r}")
    direction = found.group(1) or {"以上": AT_LEAST, "以内": AT_MOST}.get(found.group(4) or "", PLAIN)
    return direction, D(found.group(2)), found.group(3)
