"""Stage 3: every figure the report derives from the data.

All arithmetic is on :class:`decimal.Decimal`, rounded half up (四舍五入) to two
decimals, the way a finance clerk rounds: 97.605% → 97.61%, never the
banker's 97.60% that ``round()`` would give, and never through float.

The figures mirror the shape of the data: they carry the same aliases at the
same places (``收支.执行率`` beside ``收支.调整预算``), so the wording stage can lay
them over the data and templates read one tree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field

from .schema import Budget, Evaluation, Execution, Indicator, Report

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


class _Figures(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class ExecutionFigures(_Figures):
    budget: Decimal = Field(alias="调整预算")
    actual: Decimal = Field(alias="决算")
    rate: Decimal | None = Field(alias="执行率")

    @classmethod
    def of(cls, line: Execution, **extra) -> ExecutionFigures:
        return cls.from_amounts(line.budget, line.actual, **extra)

    @classmethod
    def from_amounts(cls, budget: Decimal, actual: Decimal, **extra) -> ExecutionFigures:
        return cls(budget=budget, actual=actual, rate=execution_rate(actual, budget), **extra)


class ProjectFigures(ExecutionFigures):
    name: str = Field(alias="名称")
    low: bool = Field(alias="偏低")


class BudgetFigures(_Figures):
    budget: Decimal = Field(alias="调整预算")
    actual: Decimal = Field(alias="决算")
    rate: Decimal | None = Field(alias="执行率")
    #: 基本支出 + 项目支出, to hold against the stated totals.
    parts: ExecutionFigures = Field(alias="分项合计")
    basic: ExecutionFigures = Field(alias="基本支出")
    project: ExecutionFigures = Field(alias="项目支出")
    projects: list[ProjectFigures] = Field(alias="项目")
    low_rate_projects: list[ProjectFigures] = Field(alias="执行率偏低项目")


class IndicatorFigures(_Figures):
    score: Decimal = Field(alias="得分")
    deduction: Decimal = Field(alias="扣分")


class DimensionFigures(_Figures):
    full_marks: Decimal = Field(alias="满分")
    score: Decimal = Field(alias="得分")
    deduction: Decimal = Field(alias="扣分")
    indicators: list[IndicatorFigures] = Field(alias="二级指标")


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
    return Figures(budget=budget, evaluation=evaluation_figures(report.evaluation, budget.rate))


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
    return BudgetFigures(
        budget=budget,
        actual=actual,
        rate=execution_rate(actual, budget),
        parts=parts,
        basic=ExecutionFigures.of(data.basic),
        project=ExecutionFigures.of(data.project),
        projects=projects,
        low_rate_projects=[p for p in projects if p.low],
    )


def _below(rate: Decimal | None, threshold: Decimal) -> bool:
    return rate is not None and rate < threshold


def indicator_score(indicator: Indicator, budget_rate: Decimal | None) -> Decimal:
    """Points earned: by formula for 预算执行率 (rate capped at 100%), else full − deduction."""
    if indicator.formula == "预算执行率":
        rate = min(budget_rate or Decimal(0), HUNDRED)
        return half_up(rate * indicator.full_marks / HUNDRED)
    return indicator.full_marks - (indicator.deduction or Decimal(0))


def evaluation_figures(data: Evaluation, budget_rate: Decimal | None) -> EvaluationFigures:
    dimensions = []
    for dimension in data.dimensions:
        indicators = []
        for indicator in dimension.indicators:
            score = indicator_score(indicator, budget_rate)
            indicators.append(IndicatorFigures(score=score, deduction=indicator.full_marks - score))
        full = sum((i.full_marks for i in dimension.indicators), Decimal(0))
        score = sum((i.score for i in indicators), Decimal(0))
        dimensions.append(DimensionFigures(full_marks=full, score=score, deduction=full - score, indicators=indicators))
    total = sum((d.score for d in dimensions), Decimal(0))
    return EvaluationFigures(
        full_marks=sum((d.full_marks for d in dimensions), Decimal(0)),
        score=total,
        grade=grade(total, data),
        dimensions=dimensions,
    )


def grade(total: Decimal, data: Evaluation) -> str:
    scale = data.grades
    if total >= scale.excellent:
        return "优"
    if total >= scale.good:
        return "良"
    if total >= scale.fair:
        return "中"
    return "差"
