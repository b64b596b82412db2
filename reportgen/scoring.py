"""The scoring rules of an indicator, each explaining what it did.

A rule takes a leaf indicator's data and the rates it may need, and returns a
:class:`Scoring`: the points, the rate they were earned at, how (in the words
``check -v`` prints) and the problems that keep its inputs from being usable.
Only the rule knows its preconditions, so they are written once, here;
:mod:`reportgen.checks` turns the problems into diagnostics at the indicator's
place, and computation scores a leaf with problems 0.

A parent node is scored by :func:`parent`: the sum of its children, with the
keys a parent must not carry as its problems.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .formats import percent, score
from .numbers import HUNDRED, half_up
from .schema import RATIOS

#: The 口径 of a 预算执行率 indicator when none is written.
WHOLE = "部门整体"

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True)
class Problem:
    """Something about one key of an indicator: level is error, warning or note."""

    level: str
    key: str
    message: str


@dataclass(frozen=True)
class Scoring:
    rule: str | None
    full_marks: Decimal
    score: Decimal
    #: For 预算执行率: the rate used (%); for 完成比例: achieved ÷ target (%), capped at 100.
    rate: Decimal | None
    #: How the points were earned, e.g. "部门整体执行率 97.60% × 10（最高按 100%）".
    how: str
    problems: tuple[Problem, ...] = ()

    @property
    def deduction(self) -> Decimal:
        return self.full_marks - self.score


# --- target values: ≥3.2万亩, 100%, ≤5%, 95%以上 ---------------------------------------------

AT_LEAST, AT_MOST, EQUAL = "≥", "≤", "="
_DIRECTION_WORDS = {
    AT_LEAST: (">=", ">", "≥", "≧", "不低于", "不少于", "不小于", "大于等于", "大于", "高于", "超过", "至少", "达到"),
    AT_MOST: (
        "<=",
        "<",
        "≤",
        "≦",
        "不高于",
        "不超过",
        "不大于",
        "不多于",
        "小于等于",
        "小于",
        "低于",
        "至多",
        "控制在",
    ),
    EQUAL: ("=",),
}
_SUFFIX_WORDS = {AT_LEAST: ("及以上", "以上"), AT_MOST: ("及以下", "以下", "以内")}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")
#: The denominator of a rate unit: /10万, /1000, 每10万.
_PER_UNIT = re.compile(r"^(?:/|每)\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Measure:
    """A target or achieved value as clerks write it: direction, number, unit."""

    direction: str
    number: Decimal
    unit: str


def parse_measure(text: str | None) -> Measure | None:
    """``≥3.2万亩`` → (≥, 3.2, 万亩); None when the text holds no single number."""
    if text is None:
        return None
    # Full-width digits, ％, ＞ and ＝ become their ASCII forms; thousands separators go.
    value = re.sub(r"(?<=\d)[,，](?=\d{3})", "", unicodedata.normalize("NFKC", text)).strip()
    direction = EQUAL
    for kind, words in _DIRECTION_WORDS.items():
        word = next((w for w in sorted(words, key=len, reverse=True) if value.startswith(w)), None)
        if word:
            direction, value = kind, value[len(word) :].strip()
            break
    for kind, words in _SUFFIX_WORDS.items():
        word = next((w for w in words if value.endswith(w)), None)
        if word:
            direction, value = kind, value[: -len(word)].strip()
            break
    match = _NUMBER.match(value)
    unit = value[match.end() :].strip() if match else ""
    # A unit may hold digits of its own (15/10万 for a rate per 100,000, 5‰): only a second
    # number outside such a unit makes the text two values.
    if match is None or _NUMBER.search(_PER_UNIT.sub("", unit)):
        return None
    return Measure(direction, Decimal(match.group(1)), unit)


def completion_ratio(target: Measure, achieved: Measure) -> Decimal:
    """How much of the target was reached, uncapped (1 = met exactly, 1.08 =
    8% beyond it): for a ≤ target (lower is better) the target's share of what
    was reached, 1 when it stayed at or below; a target of 0 is met by 0."""
    if target.direction == AT_MOST:
        if achieved.number <= target.number:
            return Decimal(1)
        return target.number / achieved.number
    if target.number == 0:
        return Decimal(1)
    return achieved.number / target.number


def completion_score(target: Measure, achieved: Measure, full_marks: Decimal) -> Decimal:
    """完成比例: full marks when the target is met, else that share of them, half up."""
    ratio = completion_ratio(target, achieved)
    return full_marks if ratio >= 1 else half_up(ratio * full_marks)


#: Beyond this share of its target (%) an indicator's over-achievement needs its 偏差原因:
#: a target far exceeded was likely set too low, and the notice asks either way to be explained.
OVERACHIEVED = Decimal(120)


# --- the rules ------------------------------------------------------------------------

#: Keys only a leaf carries (a parent's score is its children's sum), by attribute.
LEAF_ONLY = {
    "计分": "rule",
    "口径": "basis",
    "扣分": "deduction",
    "得分": "score",
    "比率": "ratio",
    "满分线": "full_line",
    "每个百分点扣": "penalty",
    "档次": "band",
}
#: Keys of the 比率扣分 rule.
_RATIO_KEYS = {"比率", "满分线", "每个百分点扣"}


def rule_of(indicator) -> str:
    """The scoring rule a leaf follows: as written; else 得分 when a score is
    given, 扣分 when a deduction is; else 完成比例 when it states a target and
    what was achieved (so that a missed target never scores full marks in
    silence); else 扣分 (full marks less nothing)."""
    if indicator.rule is not None:
        return indicator.rule
    if indicator.score is not None:
        return "得分"
    if indicator.ratio is not None:
        return "比率扣分"
    if indicator.band is not None:
        return "定性"
    if indicator.deduction is None and indicator.target is not None and indicator.achieved is not None:
        return "完成比例"
    return "扣分"


@dataclass(frozen=True)
class Known:
    """What a rule may need besides the indicator: execution rates by 口径, the
    other computed rates by name, and the qualitative bands (name → lowest and
    highest share of the marks, %)."""

    rates: dict[str, Decimal | None]
    ratios: dict[str, Decimal | None] = field(default_factory=dict)
    bands: dict[str, list[Decimal]] = field(default_factory=dict)
    #: The 口径 of a rate written without one: the whole department, or in a project's
    #: own tree, that project.
    basis: str = WHOLE


def score_leaf(indicator, known: Known) -> Scoring:
    """A leaf indicator scored by its rule; 0 points when its inputs are unusable."""
    rule = rule_of(indicator)
    full = indicator.full_marks or Decimal(0)
    if indicator.full_marks is None:
        problem = Problem(ERROR, "分值", f"“{indicator.name}”没有下级指标，须填分值")
    elif indicator.full_marks == 0:
        problem = Problem(ERROR, "分值", f"“{indicator.name}”的分值不能为 0")
    else:
        return RULES[rule](indicator, known)
    return Scoring(rule, full, Decimal(0), None, "缺少分值", (problem,))


def _others(indicator, rule: str, allowed: set[str]) -> tuple[Problem, ...]:
    """Keys of another rule written beside this one."""
    return tuple(
        Problem(ERROR, key, f"“{indicator.name}”按{rule}计分，不能另填{key}")
        for key, attribute in LEAF_ONLY.items()
        if key not in allowed and key != "计分" and getattr(indicator, attribute) is not None
    )


def _explained(indicator, full: Decimal, points: Decimal) -> tuple[Problem, ...]:
    """Points lost need a reason the report can print."""
    if points < full and indicator.reason is None and indicator.deviation is None:
        return (
            Problem(
                ERROR,
                "偏差原因",
                f"“{indicator.name}”得分 {score(points)} 低于分值 {score(full)}，须写明扣分原因或偏差原因",
            ),
        )
    return ()


def by_rate(indicator, known: Known) -> Scoring:
    """预算执行率: min(执行率, 100%) × 分值."""
    full, rates = indicator.full_marks, known.rates
    problems = _others(indicator, "预算执行率", {"口径"})
    basis = indicator.basis or known.basis
    if basis not in rates:
        problems += (Problem(ERROR, "口径", f'口径只能填：{"、".join(rates)}，实际为 "{basis}"'),)
        return Scoring("预算执行率", full, Decimal(0), None, f"口径“{basis}”不存在", problems)
    rate = rates[basis]
    if rate is not None and rate > HUNDRED:
        problems += (Problem(NOTE, "计分", f"{basis}执行率 {percent(rate)} 超过 100%，“{indicator.name}”按 100% 计分"),)
    points = half_up(min(rate or Decimal(0), HUNDRED) * full / HUNDRED)
    how = f"{basis}执行率 {percent(rate)} × {score(full)}（最高按 100%）"
    return Scoring("预算执行率", full, points, rate, how, problems)


def by_completion(indicator, known: Known) -> Scoring:
    """完成比例: achieved ÷ target × 分值 (target ÷ achieved for a ≤ target), full marks when met."""
    full = indicator.full_marks
    problems = _others(indicator, "完成比例", set())
    measures = {}
    for key, text in (("年度指标值", indicator.target), ("实际完成值", indicator.achieved)):
        if text is None:
            problems += (Problem(ERROR, key, f"“{indicator.name}”按完成比例计分，须填{key}"),)
            continue
        measures[key] = parse_measure(text)
        if measures[key] is None:
            problems += (
                Problem(
                    ERROR,
                    key,
                    f'按完成比例计分，{key}应是一个数（可带 ≥、≤ 和单位，如 ≥3.2万亩、95%），实际为 "{text}"',
                ),
            )
    target, achieved = measures.get("年度指标值"), measures.get("实际完成值")
    if target and achieved and target.unit != achieved.unit:
        problems += (
            Problem(
                ERROR,
                "实际完成值",
                f"单位不一致：年度指标值的单位是“{target.unit or '无'}”，实际完成值的单位是“{achieved.unit or '无'}”",
            ),
        )
    if target and target.number == 0 and target.direction != AT_MOST:
        problems += (
            Problem(
                ERROR,
                "年度指标值",
                f"年度指标值为 0，无法按完成比例计分（任何实际完成值都会是满分）；越少越好的指标请写成“≤{indicator.target}”，"
                "否则请改用 计分: 得分",
            ),
        )
    if problems or target is None or achieved is None:
        return Scoring("完成比例", full, Decimal(0), None, "无法比较年度指标值与实际完成值", problems)
    ratio = completion_ratio(target, achieved) * HUNDRED
    rate = half_up(min(ratio, HUNDRED))
    points = completion_score(target, achieved, full)
    how = f"实际完成值 {indicator.achieved} 对年度指标值 {indicator.target}，完成 {percent(half_up(ratio))}"
    if ratio > HUNDRED:
        how += "（超过 100%，按 100% 计分）"
    problems = _explained(indicator, full, points)
    if ratio > OVERACHIEVED and indicator.deviation is None:
        problems += (
            Problem(
                WARNING,
                "偏差原因",
                f"“{indicator.name}”完成 {percent(half_up(ratio))}，超出年度指标值较多，请在偏差原因中说明"
                f"（超过 {score(OVERACHIEVED)}% 时须说明）",
            ),
        )
    return Scoring("完成比例", full, points, rate, how, problems)


def by_deduction(indicator, known: Known) -> Scoring:
    """扣分: 分值 − 扣分."""
    full, name = indicator.full_marks, indicator.name
    deduction = indicator.deduction or Decimal(0)
    problems = _others(indicator, "扣分", {"扣分"})
    if deduction > full:
        problems += (Problem(ERROR, "扣分", f"“{name}”扣分 {indicator.deduction} 超过其分值 {full}"),)
    if deduction > 0 and indicator.reason is None:
        problems += (Problem(ERROR, "扣分原因", f"“{name}”有扣分，必须写明扣分原因"),)
    if indicator.reason is not None and not deduction:
        problems += (Problem(WARNING, "扣分原因", f"“{name}”写了扣分原因，但没有扣分"),)
    return Scoring("扣分", full, full - deduction, None, f"{score(full)} − 扣分 {score(deduction)}", problems)


def by_score(indicator, known: Known) -> Scoring:
    """得分: the score as given (qualitative indicators)."""
    full, name = indicator.full_marks, indicator.name
    problems = _others(indicator, "得分", {"得分"})
    if indicator.score is None:
        problems += (Problem(ERROR, "得分", f"“{name}”按得分计分，须填得分"),)
    elif indicator.score > full:
        problems += (Problem(ERROR, "得分", f"“{name}”得分 {indicator.score} 超过分值 {full}"),)
    else:
        problems += _explained(indicator, full, indicator.score)
    return Scoring("得分", full, indicator.score or Decimal(0), None, "直接给出得分", problems)


#: What each computed rate needs in the data, for the message when it cannot be computed.
RATIO_INPUTS = {
    "预算调整率": "收支.年初预算（不为 0）与调整预算",
    "政府采购执行率": "收支.政府采购 的调整预算（不为 0）与决算",
    "三公经费控制率": "收支.三公经费 的调整预算（不为 0）与决算",
    "公用经费控制率": "收支.基本支出 的公用经费与公用经费预算（不为 0）",
    "结转结余率": "收支.结转结余",
    "支付进度率": "收支.已支付",
    "在职人员控制率": "机构人员 的编制数（不为 0）与在职人数",
    "三公经费变动率": "收支.三公经费 的决算与上年决算（不为 0）",
    "结转结余变动率": "收支.结转结余 与 收支.上年结转结余（不为 0）",
    "重点支出安排率": "收支.重点支出 与项目支出的决算（不为 0）",
    "固定资产利用率": "收支.固定资产 的总额（不为 0）与在用",
}


def by_ratio(indicator, known: Known) -> Scoring:
    """比率扣分: a computed rate against a line (≥95%, ≤5%); full marks on the right side of it,
    else 每个百分点扣 points off per percentage point beyond it, never below 0."""
    full, name, rates, ratios = indicator.full_marks, indicator.ratio, known.rates, known.ratios
    allowed = _RATIO_KEYS | ({"口径"} if name == "执行率" else set())
    problems = _others(indicator, "比率扣分", allowed)
    line = parse_measure(indicator.full_line)
    if name is None:
        problems += (Problem(ERROR, "比率", f"“{indicator.name}”按比率扣分，须填比率：{'、'.join(RATIOS)}"),)
    if line is None or line.unit != "%" or line.direction == EQUAL:
        problems += (
            Problem(ERROR, "满分线", f'满分线应是带 ≥ 或 ≤ 的百分数，如 ≥95%、≤5%，实际为 "{indicator.full_line}"'),
        )
    if indicator.penalty is None:
        problems += (Problem(ERROR, "每个百分点扣", f"“{indicator.name}”按比率扣分，须填每个百分点扣几分，如 0.5"),)
    if name == "执行率":
        basis = indicator.basis or known.basis
        label, rate = f"{basis}执行率", rates.get(basis)
        if basis not in rates:
            problems += (Problem(ERROR, "口径", f'口径只能填：{"、".join(rates)}，实际为 "{basis}"'),)
    else:
        label, rate = name, ratios.get(name)
        if name is not None and rate is None:
            problems += (Problem(ERROR, "比率", f"无法计算{name}：须填 {RATIO_INPUTS[name]}"),)
    if problems or rate is None:
        return Scoring("比率扣分", full, Decimal(0), None, "无法计算比率", problems)
    gap = max(rate - line.number, Decimal(0)) if line.direction == AT_MOST else max(line.number - rate, Decimal(0))
    deduction = min(full, half_up(gap * indicator.penalty))
    how = f"{label} {percent(rate)}，满分线 {indicator.full_line}，" + (
        f"差 {score(gap)} 个百分点 × {score(indicator.penalty)} = 扣 {score(deduction)}" if gap else "达到满分线"
    )
    return Scoring("比率扣分", full, full - deduction, rate, how)


def by_band(indicator, known: Known) -> Scoring:
    """定性: the band's share of 分值 (财预〔2020〕10号: 达成 100 %, 部分达成 80 %–60 %, 未达成 below);
    where the band is a range, the 得分 given, which must lie inside it."""
    full, name, band, given = indicator.full_marks, indicator.name, indicator.band, indicator.score
    problems = _others(indicator, "定性", {"档次", "得分"})
    if band not in known.bands:
        named = "、".join(known.bands)
        written = "没有填写" if band is None else f'实际为 "{band}"'
        problems += (Problem(ERROR, "档次", f"“{name}”按定性计分，须填档次：{named}（见 自评.定性档次），{written}"),)
        return Scoring("定性", full, Decimal(0), None, "档次不存在", problems)
    low, high = (half_up(share * full / HUNDRED) for share in sorted(known.bands[band]))
    span = f"{score(low)} 分" if low == high else f"{score(low)} 至 {score(high)} 分"
    points = low if low == high and given is None else given
    if points is None:
        problems += (Problem(ERROR, "得分", f"“{name}”档次“{band}”的得分在 {span}之间，须填得分"),)
    elif not low <= points <= high:
        problems += (Problem(ERROR, "得分", f"“{name}”档次“{band}”得 {span}，所填得分 {score(points)} 不在其中"),)
    if problems:
        return Scoring("定性", full, Decimal(0), None, f"档次“{band}”（{span}）", problems)
    return Scoring("定性", full, points, None, f"档次“{band}”（{span}）", _explained(indicator, full, points))


RULES: dict[str, Callable[..., Scoring]] = {
    "预算执行率": by_rate,
    "完成比例": by_completion,
    "比率扣分": by_ratio,
    "定性": by_band,
    "扣分": by_deduction,
    "得分": by_score,
}


def parent(indicator, children: list[Scoring]) -> Scoring:
    """A node with children: the sum of theirs; it may carry no leaf-only keys."""
    full = sum((c.full_marks for c in children), Decimal(0))
    points = sum((c.score for c in children), Decimal(0))
    problems = tuple(
        Problem(ERROR, key, f"“{indicator.name}”有下级指标，得分由下级合计，不能填{key}")
        for key, attribute in LEAF_ONLY.items()
        if getattr(indicator, attribute) is not None
    )
    if indicator.full_marks is not None and indicator.full_marks != full:
        problems += (
            Problem(
                ERROR,
                "分值",
                f"“{indicator.name}”的分值 {score(indicator.full_marks)} 与下级指标分值之和 {score(full)} 不符",
            ),
        )
    return Scoring(None, full, points, None, "下级指标得分之和", problems)
