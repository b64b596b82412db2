"""Stage 3: every figure the report derives from the data.

All arithmetic is on :class:`decimal.Decimal`, rounded half up (四舍五入) to two
decimals, the way a finance clerk rounds: 97.605% → 97.61%, never the
banker's 97.60% that ``round()`` would give, and never through float.

The figures mirror the shape of the data: they carry the same aliases at the
same places (``收支.执行率`` beside ``收支.调整预算``), so the wording stage can lay
them over the data and templates read one tree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field

from .schema import Budget, Evaluation, Execution, Report, Scored

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def half_up(value: Decimal) -> Decimal:
    """Round to two decimals, 四舍五入."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def execution_rate(actual: Decimal, budget: Decimal) -> Decimal | None:
    """actual ÷ budget as a percentage with two decimals; None when there is no budget."""
    if budget == 0:
        return None
    return half_up(actual / budget * HUNDRED)


def change(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """new − old; None when either is missing."""
    return None if new is None or old is None else new - old


def growth(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """(new − old) ÷ old as a percentage with two decimals; None (written "—")
    when there is no base to grow from."""
    if new is None or old is None or old == 0:
        return None
    return half_up((new - old) / old * HUNDRED)


def share(part: Decimal | None, total: Decimal | None) -> Decimal | None:
    """part ÷ total as a percentage with two decimals; None without a total."""
    if part is None or total is None or total == 0:
        return None
    return half_up(part / total * HUNDRED)


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
    if match is None or _NUMBER.search(value, match.end()):
        return None
    return Measure(direction, Decimal(match.group(1)), value[match.end() :].strip())


def completion_ratio(target: Measure, achieved: Measure) -> Decimal:
    """How much of the target was reached, from 0 to 1: for a ≤ target (lower
    is better) the target's share of what was reached; a met target is 1."""
    if target.direction == AT_MOST:
        return Decimal(1) if achieved.number <= target.number else target.number / achieved.number
    if target.number == 0 or achieved.number >= target.number:
        return Decimal(1)
    return achieved.number / target.number


def completion_score(target: Measure, achieved: Measure, full_marks: Decimal) -> Decimal:
    """完成比例: full marks when the target is met, else that share of them, half up."""
    ratio = completion_ratio(target, achieved)
    return full_marks if ratio == 1 else half_up(ratio * full_marks)


class _Figures(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class ExecutionFigures(_Figures):
    initial: Decimal | None = Field(None, alias="年初预算")
    budget: Decimal = Field(alias="调整预算")
    actual: Decimal = Field(alias="决算")
    rate: Decimal | None = Field(alias="执行率")
    prior: Decimal | None = Field(None, alias="上年决算")
    #: 决算 − 上年决算, and its growth rate (%).
    change: Decimal | None = Field(None, alias="增减额")
    growth: Decimal | None = Field(None, alias="增长率")

    @classmethod
    def of(cls, line: Execution, **extra) -> ExecutionFigures:
        return cls.from_amounts(line.budget, line.actual, initial=line.initial, prior=line.prior, **extra)

    @classmethod
    def from_amounts(cls, budget: Decimal, actual: Decimal, prior: Decimal | None = None, **extra) -> ExecutionFigures:
        return cls(
            budget=budget,
            actual=actual,
            rate=execution_rate(actual, budget),
            prior=prior,
            change=change(actual, prior),
            growth=growth(actual, prior),
            **extra,
        )


class ProjectFigures(ExecutionFigures):
    name: str = Field(alias="名称")
    low: bool = Field(alias="偏低")


class IncomeFigures(_Figures):
    name: str = Field(alias="名称")
    amount: Decimal = Field(alias="金额")
    prior: Decimal | None = Field(alias="上年")
    change: Decimal | None = Field(alias="增减额")
    growth: Decimal | None = Field(alias="增长率")
    share: Decimal | None = Field(alias="占比")


class BudgetFigures(ExecutionFigures):
    #: 基本支出 + 项目支出, to hold against the stated totals.
    parts: ExecutionFigures = Field(alias="分项合计")
    basic: ExecutionFigures = Field(alias="基本支出")
    project: ExecutionFigures = Field(alias="项目支出")
    projects: list[ProjectFigures] = Field(alias="项目")
    low_rate_projects: list[ProjectFigures] = Field(alias="执行率偏低项目")
    sources: dict[str, ExecutionFigures] | None = Field(alias="资金来源")
    income: list[IncomeFigures] = Field(alias="收入明细")
    income_total: Decimal | None = Field(alias="收入合计")
    prior_income_total: Decimal | None = Field(alias="上年收入合计")
    income_change: Decimal | None = Field(alias="收入增减额")
    income_growth: Decimal | None = Field(alias="收入增长率")
    #: Shares of 基本支出 (人员经费, 公用经费) and of the whole (基本支出, 项目支出), in %.
    staff_share: Decimal | None = Field(alias="人员经费占比")
    running_share: Decimal | None = Field(alias="公用经费占比")
    basic_share: Decimal | None = Field(alias="基本支出占比")
    project_share: Decimal | None = Field(alias="项目支出占比")


class IndicatorFigures(_Figures):
    """A scored node of the indicator tree; a parent's figures are its children's sums."""

    full_marks: Decimal = Field(alias="分值")
    score: Decimal = Field(alias="得分")
    deduction: Decimal = Field(alias="扣分")
    #: The rule that scored a leaf (预算执行率, 完成比例, 扣分, 得分); None for a parent.
    rule: str | None = Field(alias="计分")
    #: For 预算执行率: the rate used (%); for 完成比例: achieved ÷ target (%), capped at 100.
    rate: Decimal | None = Field(None, alias="完成率")


class Indicator3Figures(IndicatorFigures):
    pass


class Indicator2Figures(IndicatorFigures):
    children: list[Indicator3Figures] = Field(alias="三级指标")


class DimensionFigures(Indicator2Figures):
    children: list[Indicator2Figures] = Field(alias="二级指标")
    #: 分值 under the name the 自评结论 uses.
    total_marks: Decimal = Field(alias="满分")


class EvaluationFigures(_Figures):
    full_marks: Decimal = Field(alias="满分")
    score: Decimal = Field(alias="总分")
    grade: str = Field(alias="等级")
    dimensions: list[DimensionFigures] = Field(alias="一级指标")


class Figures(_Figures):
    budget: BudgetFigures = Field(alias="收支")
    evaluation: EvaluationFigures = Field(alias="自评")


def compute(report: Report) -> Figures:
    budget = budget_figures(report.budget)
    return Figures(budget=budget, evaluation=evaluation_figures(report.evaluation, rates(budget)))


def budget_figures(data: Budget) -> BudgetFigures:
    parts = ExecutionFigures.from_amounts(
        data.basic.budget + data.project.budget, data.basic.actual + data.project.actual
    )
    budget = data.budget if data.budget is not None else parts.budget
    actual = data.actual if data.actual is not None else parts.actual
    projects = [
        ProjectFigures.of(p, name=p.name, low=_below(execution_rate(p.actual, p.budget), data.low_rate_threshold))
        for p in data.projects
    ]
    income = data.income or {}
    prior_income = data.prior_income or {}
    income_total = sum(income.values(), Decimal(0)) if data.income is not None else None
    prior_income_total = sum(prior_income.values(), Decimal(0)) if data.prior_income is not None else None
    whole = ExecutionFigures.from_amounts(budget, actual, prior=data.prior, initial=data.initial)
    return BudgetFigures(
        **whole.model_dump(),
        parts=parts,
        basic=ExecutionFigures.of(data.basic),
        project=ExecutionFigures.of(data.project),
        projects=projects,
        low_rate_projects=[p for p in projects if p.low],
        sources=None if data.sources is None else {k: ExecutionFigures.of(v) for k, v in data.sources.items()},
        income=[
            IncomeFigures(
                name=name,
                amount=amount,
                prior=prior_income.get(name),
                change=change(amount, prior_income.get(name)),
                growth=growth(amount, prior_income.get(name)),
                share=share(amount, income_total),
            )
            for name, amount in income.items()
        ],
        income_total=income_total,
        prior_income_total=prior_income_total,
        income_change=change(income_total, prior_income_total),
        income_growth=growth(income_total, prior_income_total),
        staff_share=share(data.basic.staff, data.basic.actual),
        running_share=share(data.basic.running, data.basic.actual),
        basic_share=share(data.basic.actual, actual),
        project_share=share(data.project.actual, actual),
    )


def _below(rate: Decimal | None, threshold: Decimal) -> bool:
    return rate is not None and rate < threshold


#: The 口径 of a 预算执行率 indicator when none is written.
WHOLE = "部门整体"


def rates(budget: BudgetFigures) -> dict[str, Decimal | None]:
    """Execution rate by 口径: the whole, its two parts, and each project by name."""
    found = {p.name: p.rate for p in budget.projects}
    found.update({WHOLE: budget.rate, "基本支出": budget.basic.rate, "项目支出": budget.project.rate})
    return found


def rule_of(indicator: Scored) -> str:
    """The scoring rule a leaf follows: as written, else 得分 when a score is
    given, else 扣分."""
    if indicator.rule is not None:
        return indicator.rule
    return "得分" if indicator.score is not None else "扣分"


def leaf_score(indicator: Scored, rates: dict[str, Decimal | None]) -> tuple[Decimal, Decimal | None]:
    """(points earned, the rate they were earned at) for a leaf indicator; a
    leaf whose inputs are unusable scores 0 and :mod:`checks` says why."""
    full = indicator.full_marks or Decimal(0)
    rule = rule_of(indicator)
    if rule == "预算执行率":
        rate = rates.get(indicator.basis or WHOLE)
        capped = min(rate or Decimal(0), HUNDRED)
        return half_up(capped * full / HUNDRED), rate
    if rule == "完成比例":
        target, achieved = parse_measure(indicator.target), parse_measure(indicator.achieved)
        if target is None or achieved is None or target.unit != achieved.unit:
            return Decimal(0), None
        return completion_score(target, achieved, full), half_up(completion_ratio(target, achieved) * HUNDRED)
    if rule == "得分":
        return indicator.score or Decimal(0), None
    return full - (indicator.deduction or Decimal(0)), None


def _node(indicator: Scored, children: list, rates: dict, figures_class, **extra) -> IndicatorFigures:
    if children:
        full = sum((c.full_marks for c in children), Decimal(0))
        score = sum((c.score for c in children), Decimal(0))
        return figures_class(
            full_marks=full, score=score, deduction=full - score, rule=None, children=children, **extra
        )
    full = indicator.full_marks or Decimal(0)
    score, rate = leaf_score(indicator, rates)
    fields = {"children": []} if figures_class is not Indicator3Figures else {}
    return figures_class(
        full_marks=full, score=score, deduction=full - score, rule=rule_of(indicator), rate=rate, **fields, **extra
    )


def evaluation_figures(data: Evaluation, rates: dict[str, Decimal | None]) -> EvaluationFigures:
    dimensions = []
    for dimension in data.dimensions:
        level2 = []
        for indicator in dimension.children or []:
            level3 = [_node(leaf, [], rates, Indicator3Figures) for leaf in indicator.children or []]
            level2.append(_node(indicator, level3, rates, Indicator2Figures))
        node = _node(dimension, level2, rates, DimensionFigures, total_marks=Decimal(0))
        dimensions.append(node.model_copy(update={"total_marks": node.full_marks}))
    total = sum((d.score for d in dimensions), Decimal(0))
    return EvaluationFigures(
        full_marks=sum((d.full_marks for d in dimensions), Decimal(0)),
        score=total,
        grade=grade(total, data.grades),
        dimensions=dimensions,
    )


#: The grade below every band a notice names.
LOWEST_GRADE = "差"


def grade(total: Decimal, bands: dict[str, Decimal]) -> str:
    """The first band, from the highest, whose lowest score the total reaches."""
    for name, lowest in sorted(bands.items(), key=lambda band: band[1], reverse=True):
        if total >= lowest:
            return name
    return LOWEST_GRADE
