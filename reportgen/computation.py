"""Stage 3: the evaluated report — the data and every figure derived from it, as one tree.

:func:`evaluate` builds it once.  Each budget line (the whole, 基本支出,
项目支出, each project, each 资金来源) is a :class:`BudgetLine` that knows its
place in the data, its name, its data and its figures; each indicator of the
score sheet is an :class:`IndicatorNode` that knows its names, data, figures,
the rule that scored it and how (:mod:`reportgen.scoring`).  Figures are typed
by kind (:mod:`reportgen.numbers`), so they know how they are written.

Everything downstream walks the tree through two iterators,
:meth:`Evaluated.budget_lines` and :meth:`Evaluated.indicators`: the checks,
the templates' context, the batch summaries, ``diff`` and ``init``.  A
template sees a node as :meth:`values`: its data under the YAML keys with its
figures beside them (``收支.调整预算`` and ``收支.执行率``).

All arithmetic is Decimal, rounded half up (四舍五入) to two decimals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from . import scoring
from .diagnostics import DataPath
from .numbers import HUNDRED, Count, Money, Percent, Points, change, execution_rate, growth, half_up, share, typed
from .schema import CHILD_KEYS, Budget, Execution, Project, Report
from .scoring import Scoring


def _key(chinese: str, default=dataclasses.MISSING):
    """A figure's field, named as templates and references name it."""
    if default is dataclasses.MISSING:
        return field(metadata={"key": chinese})
    return field(default=default, metadata={"key": chinese})


def _figures(node) -> dict[str, object]:
    """The figures of a node under their Chinese keys, nested nodes as their values."""
    values = {}
    for f in dataclasses.fields(node):
        if "key" in f.metadata:
            values[f.metadata["key"]] = _value(getattr(node, f.name))
    return values


def _value(value):
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    return value.values() if hasattr(value, "values") and dataclasses.is_dataclass(value) else value


def _data(model) -> dict:
    return {} if model is None else model.model_dump(by_alias=True)


class Role(Enum):
    """What a budget line is, for the walks that want some kinds only."""

    WHOLE = "部门整体"
    BASIC = "基本支出"
    PROJECT = "项目支出"
    ITEM = "项目"
    SOURCE = "资金来源"
    #: 政府采购, “三公”经费: spending held to a budget of its own.
    CONTROLLED = "控制项"


@dataclass(frozen=True)
class BudgetLine:
    """One line of budget against spending, with its figures."""

    #: Where it stands in the data: ("收支",), ("收支", "项目", 2) …
    path: DataPath
    role: Role
    name: str
    data: Execution | Budget | None
    initial: Money | None = _key("年初预算")
    budget: Money = _key("调整预算")
    actual: Money = _key("决算")
    rate: Percent | None = _key("执行率")
    prior: Money | None = _key("上年决算")
    #: 决算 − 上年决算, and its growth rate.
    change: Money | None = _key("增减额")
    growth: Percent | None = _key("增长率")
    #: A project whose rate is below 收支.执行率偏低阈值.
    low: bool = _key("偏低", False)

    def figures(self) -> dict[str, object]:
        """Its figures under their keys: 调整预算, 决算, 执行率 …"""
        return _figures(self)

    def stated(self, key: str) -> Decimal | None:
        """The amount the data states under ``key`` (None where it states none)."""
        return None if self.data is None else self.data.model_dump(by_alias=True).get(key)

    def values(self) -> dict:
        """The line as templates see it: its data with its figures beside it."""
        values = {**_data(self.data), **_figures(self)}
        if self.role is Role.ITEM:
            values["名称"] = self.name
        else:
            values.pop("偏低")
        return values


def line(
    path: DataPath,
    role: Role,
    name: str,
    data,
    budget: Decimal,
    actual: Decimal,
    initial: Decimal | None = None,
    prior: Decimal | None = None,
    threshold: Decimal | None = None,
) -> BudgetLine:
    rate = execution_rate(actual, budget)
    return BudgetLine(
        path=path,
        role=role,
        name=name,
        data=data,
        initial=typed(Money, initial),
        budget=Money(budget),
        actual=Money(actual),
        rate=rate,
        prior=typed(Money, prior),
        change=typed(Money, change(actual, prior)),
        growth=growth(actual, prior),
        low=threshold is not None and rate is not None and rate < threshold,
    )


def _of(path: DataPath, role: Role, name: str, data: Execution, threshold: Decimal | None = None) -> BudgetLine:
    return line(path, role, name, data, data.budget, data.actual, data.initial, data.prior, threshold)


@dataclass(frozen=True)
class IncomeLine:
    name: str = _key("名称")
    amount: Money = _key("金额")
    prior: Money | None = _key("上年")
    change: Money | None = _key("增减额")
    growth: Percent | None = _key("增长率")
    share: Percent | None = _key("占比")

    def values(self) -> dict:
        return _figures(self)


@dataclass(frozen=True)
class BudgetFigures:
    """收支: the department's whole line and everything it is made of."""

    whole: BudgetLine
    basic: BudgetLine = _key("基本支出")
    project: BudgetLine = _key("项目支出")
    projects: list[BudgetLine] = _key("项目")
    sources: dict[str, BudgetLine] | None = _key("资金来源")
    procurement: BudgetLine | None = _key("政府采购")
    official_costs: BudgetLine | None = _key("三公经费")
    #: 基本支出 + 项目支出, to hold against the stated totals.
    parts: BudgetLine = _key("分项合计")
    low_rate_projects: list[BudgetLine] = _key("执行率偏低项目")
    income: list[IncomeLine] = _key("收入明细")
    income_total: Money | None = _key("收入合计")
    prior_income_total: Money | None = _key("上年收入合计")
    income_change: Money | None = _key("收入增减额")
    income_growth: Percent | None = _key("收入增长率")
    #: Shares of 基本支出 (人员经费, 公用经费) and of the whole (基本支出, 项目支出).
    staff_share: Percent | None = _key("人员经费占比")
    running_share: Percent | None = _key("公用经费占比")
    basic_share: Percent | None = _key("基本支出占比")
    project_share: Percent | None = _key("项目支出占比")
    #: (调整预算 − 年初预算) ÷ 年初预算; 政府采购 and “三公”经费 决算 ÷ 调整预算; 公用经费 ÷ 公用经费预算;
    #: 结转结余 and 已支付 ÷ 调整预算.
    adjustment_rate: Percent | None = _key("预算调整率")
    procurement_rate: Percent | None = _key("政府采购执行率")
    official_costs_rate: Percent | None = _key("三公经费控制率")
    running_costs_rate: Percent | None = _key("公用经费控制率")
    carried_over_rate: Percent | None = _key("结转结余率")
    payment_rate: Percent | None = _key("支付进度率")
    #: 财预〔2013〕53号: 三公 and 结转结余 against last year's; 重点支出 ÷ 项目支出决算; 在用 ÷ 全部固定资产.
    official_costs_change_rate: Percent | None = _key("三公经费变动率")
    carried_over_change_rate: Percent | None = _key("结转结余变动率")
    key_spending_rate: Percent | None = _key("重点支出安排率")
    fixed_assets_rate: Percent | None = _key("固定资产利用率")

    def ratios(self) -> dict[str, Decimal | None]:
        """The computed rates a 比率扣分 indicator may name, by name."""
        return {key: value for key, value in _figures(self).items() if key in scoring.RATIO_INPUTS}

    # The whole line's figures read as 收支's own: budget.rate, budget.actual.
    initial = property(lambda self: self.whole.initial)
    budget = property(lambda self: self.whole.budget)
    actual = property(lambda self: self.whole.actual)
    rate = property(lambda self: self.whole.rate)
    prior = property(lambda self: self.whole.prior)
    change = property(lambda self: self.whole.change)
    growth = property(lambda self: self.whole.growth)

    def lines(self) -> Iterator[BudgetLine]:
        yield self.whole
        yield self.basic
        yield self.project
        yield from self.projects
        yield from (self.sources or {}).values()
        yield from (line for line in (self.procurement, self.official_costs) if line is not None)

    def figures(self) -> dict[str, object]:
        """收支's own figures (shares, income totals) and its lines, under their keys."""
        return _figures(self)

    def values(self) -> dict:
        return {**self.whole.values(), **_figures(self)}


def budget_figures(data: Budget) -> BudgetFigures:
    where = ("收支",)
    project = _project_spending(where + ("项目支出",), data)
    parts_budget = data.basic.budget + project.budget
    parts_actual = data.basic.actual + project.actual
    budget = data.budget if data.budget is not None else parts_budget
    actual = data.actual if data.actual is not None else parts_actual
    whole = line(where, Role.WHOLE, Role.WHOLE.value, data, budget, actual, data.initial, data.prior)
    projects = [
        _of(where + ("项目", i), Role.ITEM, p.name, p, data.low_rate_threshold) for i, p in enumerate(data.projects)
    ]
    income = data.income or {}
    prior_income = data.prior_income or {}
    procurement, official_costs = (
        None if amounts is None else _of(where + (key,), Role.CONTROLLED, name, amounts)
        for key, name, amounts in (
            ("政府采购", "政府采购", data.procurement),
            ("三公经费", "“三公”经费", data.official_costs),
        )
    )
    income_total = sum(income.values(), Decimal(0)) if data.income is not None else None
    prior_income_total = sum(prior_income.values(), Decimal(0)) if data.prior_income is not None else None
    return BudgetFigures(
        whole=whole,
        basic=_of(where + ("基本支出",), Role.BASIC, "基本支出", data.basic),
        project=project,
        projects=projects,
        sources=None
        if data.sources is None
        else {k: _of(where + ("资金来源", k), Role.SOURCE, k, v) for k, v in data.sources.items()},
        procurement=procurement,
        official_costs=official_costs,
        parts=line(where + ("分项合计",), Role.WHOLE, "基本支出与项目支出合计", None, parts_budget, parts_actual),
        low_rate_projects=[p for p in projects if p.low],
        income=[
            IncomeLine(
                name=name,
                amount=Money(amount),
                prior=typed(Money, prior_income.get(name)),
                change=typed(Money, change(amount, prior_income.get(name))),
                growth=growth(amount, prior_income.get(name)),
                share=share(amount, income_total),
            )
            for name, amount in income.items()
        ],
        income_total=typed(Money, income_total),
        prior_income_total=typed(Money, prior_income_total),
        income_change=typed(Money, change(income_total, prior_income_total)),
        income_growth=growth(income_total, prior_income_total),
        staff_share=share(data.basic.staff, data.basic.actual),
        running_share=share(data.basic.running, data.basic.actual),
        basic_share=share(data.basic.actual, actual),
        project_share=share(project.actual, actual),
        adjustment_rate=growth(budget, data.initial),
        procurement_rate=None if procurement is None else procurement.rate,
        official_costs_rate=None if official_costs is None else official_costs.rate,
        running_costs_rate=None
        if data.basic.running is None or data.basic.running_budget is None
        else execution_rate(data.basic.running, data.basic.running_budget),
        carried_over_rate=share(data.carried_over, budget),
        payment_rate=_payment_rate(data.paid, budget, data.planned_progress),
        official_costs_change_rate=None if official_costs is None else official_costs.growth,
        carried_over_change_rate=growth(data.carried_over, data.prior_carried_over),
        key_spending_rate=share(data.key_spending, project.actual),
        fixed_assets_rate=None
        if data.fixed_assets is None
        else share(data.fixed_assets.in_use, data.fixed_assets.total),
    )


def _payment_rate(paid: Decimal | None, budget: Decimal, planned: Decimal | None) -> Percent | None:
    """已支付 ÷ 调整预算; with 既定支付进度, that progress against the planned one (财预〔2013〕53号)."""
    if paid is None or budget == 0 or planned is None or planned == 0:
        return share(paid, budget)
    # One rounding, of the ratio of the two progresses.
    return Percent(half_up(paid / budget * HUNDRED / planned * HUNDRED))


def _project_spending(path: DataPath, data: Budget) -> BudgetLine:
    """项目支出 as stated, or where a total is left out, the sum of the listed projects'."""
    stated, projects = data.project, data.projects

    def total(key: str) -> Decimal | None:
        amounts = [getattr(p, key) for p in projects]
        if getattr(stated, key) is not None:
            return getattr(stated, key)
        return sum(amounts, Decimal(0)) if amounts and None not in amounts else None

    budget, actual = total("budget"), total("actual")
    # Neither stated nor listed: checks refuses it; 0 keeps the arithmetic going until then.
    return line(
        path,
        Role.PROJECT,
        "项目支出",
        stated,
        budget or Decimal(0),
        actual or Decimal(0),
        total("initial"),
        stated.prior,
    )


def rates(budget: BudgetFigures) -> dict[str, Decimal | None]:
    """Execution rate by 口径: the whole, its two parts, and each project by name."""
    found = {p.name: p.rate for p in budget.projects}
    found.update({scoring.WHOLE: budget.rate, "基本支出": budget.basic.rate, "项目支出": budget.project.rate})
    return found


@dataclass(frozen=True)
class IndicatorNode:
    """One indicator of the score sheet; a parent's figures are its children's sums."""

    #: Where it stands in the data: ("自评", "一级指标", 0, "二级指标", 2).
    path: DataPath
    #: Its name and its parents', outermost first: ("管理效率", "绩效管理").
    names: tuple[str, ...]
    data: object
    scoring: Scoring
    children: list[IndicatorNode]
    full_marks: Points = _key("分值")
    score: Points = _key("得分")
    deduction: Points = _key("扣分")
    #: The rule that scored a leaf (预算执行率, 完成比例, 扣分, 得分); None for a parent.
    rule: str | None = _key("计分")
    rate: Percent | None = _key("完成率")

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def level(self) -> int:
        return len(self.names)

    def walk(self) -> Iterator[IndicatorNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self) -> list[IndicatorNode]:
        """The scored indicators under this one (itself when it has none)."""
        return [node for node in self.walk() if not node.children]

    def figures(self) -> dict[str, object]:
        return _figures(self)

    def values(self) -> dict:
        values = {**_data(self.data), **_figures(self)}
        if self.level <= len(CHILD_KEYS):
            values[CHILD_KEYS[self.level - 1]] = [child.values() for child in self.children]
        if self.level == 1:
            # 分值 under the name the 自评结论 uses, and what was scored whatever the depth.
            values["满分"] = self.full_marks
            # A dimension scored itself is its own only leaf: a copy, so the tree stays a tree.
            values["末级指标"] = [leaf.values() if leaf is not self else dict(values) for leaf in self.leaves()]
        return values


def indicator(data, path: DataPath, parents: tuple[str, ...], known: scoring.Known) -> IndicatorNode:
    names = parents + (data.name,)
    level = len(names)
    child_data = (getattr(data, "children", None) or []) if level <= len(CHILD_KEYS) else []
    children = [indicator(child, path + (CHILD_KEYS[level - 1], i), names, known) for i, child in enumerate(child_data)]
    scored = scoring.parent(data, [c.scoring for c in children]) if children else scoring.score_leaf(data, known)
    return IndicatorNode(
        path=path,
        names=names,
        data=data,
        scoring=scored,
        children=children,
        full_marks=Points(scored.full_marks),
        score=Points(scored.score),
        deduction=Points(scored.deduction),
        rule=scored.rule,
        rate=typed(Percent, scored.rate),
    )


@dataclass(frozen=True)
class EvaluationFigures:
    """自评: the score sheet's tree and its totals."""

    dimensions: list[IndicatorNode] = _key("一级指标")
    full_marks: Points = _key("满分")
    score: Points = _key("总分")
    grade: str = _key("等级")

    def values(self) -> dict:
        return _figures(self)


#: The grade below every band a notice names.
LOWEST_GRADE = "差"


def grade(total: Decimal, bands: dict[str, Decimal]) -> str:
    """The first band, from the highest, whose lowest score the total reaches."""
    for name, lowest in sorted(bands.items(), key=lambda band: band[1], reverse=True):
        if total >= lowest:
            return name
    return LOWEST_GRADE


def known(report: Report, budget: BudgetFigures) -> scoring.Known:
    return scoring.Known(rates(budget), {**budget.ratios(), **staff_ratios(report)}, report.evaluation.bands)


def staff_ratios(report: Report) -> dict[str, Percent | None]:
    """在职人员控制率: 在职人数 ÷ 编制数 (财预〔2013〕53号)."""
    staffing = report.staffing
    if staffing is None:
        return {"在职人员控制率": None}
    serving, authorised = (None if n is None else Decimal(n) for n in (staffing.serving, staffing.authorised))
    return {"在职人员控制率": share(serving, authorised)}


def evaluation_figures(report: Report, budget: BudgetFigures) -> EvaluationFigures:
    dimensions = [
        indicator(d, ("自评", "一级指标", i), (), known(report, budget))
        for i, d in enumerate(report.evaluation.dimensions)
    ]
    total = sum((d.score for d in dimensions), Decimal(0))
    return EvaluationFigures(
        dimensions=dimensions,
        full_marks=Points(sum((d.full_marks for d in dimensions), Decimal(0))),
        score=Points(total),
        grade=grade(total, report.evaluation.grades),
    )


# --- the projects' own forms (项目支出绩效自评表) ------------------------------------

#: A form's 其中 rows, as the published form names them, and the names clerks use for them.
FORM_SOURCES = ("当年财政拨款", "上年结转资金", "其他资金")
SOURCE_ALIASES = {"本年财政拨款": "当年财政拨款", "财政拨款": "当年财政拨款", "上年结转": "上年结转资金"}


@dataclass(frozen=True)
class ProjectForm:
    """An evaluated project: the figures of its 项目支出绩效自评表.

    预算执行率 earns 执行率分值 (10) × min(执行率, 100%), the indicators the rest
    (90); the total is graded by 自评.等级."""

    line: BudgetLine
    data: Project
    authority: str = _key("主管部门")
    implementer: str = _key("实施单位")
    #: 其中 rows by the form's names: 当年财政拨款, 上年结转资金, 其他资金 (those given), then any others.
    sources: dict[str, BudgetLine] = _key("资金来源")
    rate_marks: Points = _key("执行率分值")
    rate_score: Points = _key("执行率得分")
    dimensions: list[IndicatorNode] = _key("一级指标")
    #: What the indicators weigh together (90 by the notice), and what they scored.
    indicator_marks: Points = _key("指标分值")
    indicator_score: Points = _key("指标得分")
    full_marks: Points = _key("满分")
    score: Points = _key("总分")
    grade: str = _key("等级")
    #: Scored below 项目自评.得分偏低线.
    low: bool = _key("得分偏低")

    @property
    def path(self) -> DataPath:
        return self.line.path

    @property
    def name(self) -> str:
        return self.line.name

    def indicators(self) -> Iterator[IndicatorNode]:
        for dimension in self.dimensions:
            yield from dimension.walk()

    def values(self) -> dict:
        return {**self.line.values(), **_figures(self)}


def project_form(report: Report, line: BudgetLine, known: scoring.Known) -> ProjectForm:
    data: Project = line.data
    settings = report.project_forms
    where = line.path + ("绩效指标",)
    own = dataclasses.replace(known, basis=line.name)
    dimensions = [indicator(d, where + (i,), (), own) for i, d in enumerate(data.indicators or [])]
    rate_marks = data.rate_marks if data.rate_marks is not None else settings.rate_marks
    rate_score = half_up(min(line.rate or Decimal(0), HUNDRED) * rate_marks / HUNDRED)
    indicator_marks = sum((d.full_marks for d in dimensions), Decimal(0))
    indicator_score = sum((d.score for d in dimensions), Decimal(0))
    total = rate_score + indicator_score
    named = {SOURCE_ALIASES.get(name, name): (name, amounts) for name, amounts in (data.sources or {}).items()}
    order = [name for name in FORM_SOURCES if name in named] + [name for name in named if name not in FORM_SOURCES]
    return ProjectForm(
        line=line,
        data=data,
        authority=data.authority or report.department,
        implementer=data.implementer or report.department,
        sources={
            name: _of(line.path + ("资金来源", named[name][0]), Role.SOURCE, name, named[name][1]) for name in order
        },
        rate_marks=Points(rate_marks),
        rate_score=Points(rate_score),
        dimensions=dimensions,
        indicator_marks=Points(indicator_marks),
        indicator_score=Points(indicator_score),
        full_marks=Points(rate_marks + indicator_marks),
        score=Points(total),
        grade=grade(total, report.evaluation.grades),
        low=total < settings.low_score,
    )


@dataclass(frozen=True)
class FormsSummary:
    """项目自评: what the evaluated projects come to, for the report's text and the 汇总表."""

    forms: list[ProjectForm] = _key("项目")
    count: Count = _key("个数")
    budget: Money = _key("全年预算数")
    actual: Money = _key("全年执行数")
    rate: Percent | None = _key("执行率")
    #: The mean of the totals, half up; None when no project is evaluated.
    average: Points | None = _key("平均得分")
    #: How many projects in each grade, every grade named (0 where none).
    grades: dict[str, Count] = _key("等级分布")
    low: list[ProjectForm] = _key("得分偏低项目")

    def values(self) -> dict:
        return _figures(self)


def forms_summary(report: Report, budget: BudgetFigures) -> FormsSummary:
    known_rates = known(report, budget)
    forms = [project_form(report, line, known_rates) for line in budget.projects if line.data.indicators]
    total_budget = sum((f.line.budget for f in forms), Decimal(0))
    total_actual = sum((f.line.actual for f in forms), Decimal(0))
    names = sorted(report.evaluation.grades, key=report.evaluation.grades.get, reverse=True)
    if LOWEST_GRADE not in names:
        names.append(LOWEST_GRADE)
    return FormsSummary(
        forms=forms,
        count=Count(len(forms)),
        budget=Money(total_budget),
        actual=Money(total_actual),
        rate=execution_rate(total_actual, total_budget) if forms else None,
        average=Points(half_up(sum((f.score for f in forms), Decimal(0)) / len(forms))) if forms else None,
        grades={name: Count(sum(f.grade == name for f in forms)) for name in names},
        low=[f for f in forms if f.low],
    )


@dataclass(frozen=True)
class Evaluated:
    """The validated data and everything computed from it."""

    report: Report
    budget: BudgetFigures
    evaluation: EvaluationFigures
    forms: FormsSummary

    def project_forms(self) -> list[ProjectForm]:
        """The evaluated projects (those with 绩效指标), in the data's order."""
        return self.forms.forms

    def budget_lines(self) -> Iterator[BudgetLine]:
        """Every line of budget against spending: the whole, 基本支出, 项目支出, each project, each 资金来源."""
        return self.budget.lines()

    def indicators(self) -> Iterator[IndicatorNode]:
        """Every indicator of the score sheet, parents before their children, in the data's order."""
        for dimension in self.evaluation.dimensions:
            yield from dimension.walk()

    def values(self) -> dict:
        """The whole report as templates see it: the data under its keys with the figures beside it."""
        values = self.report.model_dump(by_alias=True)
        values["收支"] = {**values["收支"], **self.budget.values()}
        values["自评"] = {**values["自评"], **self.evaluation.values()}
        values["项目自评"] = {**values["项目自评"], **self.forms.values()}
        if values.get("机构人员") is not None:
            values["机构人员"] = {**values["机构人员"], **staff_ratios(self.report)}
        return values


def evaluate(report: Report) -> Evaluated:
    budget = budget_figures(report.budget)
    return Evaluated(report, budget, evaluation_figures(report, budget), forms_summary(report, budget))
