"""Stage 4: relations between values that the schema cannot see.

Runs on the validated data and the computed figures and returns diagnostics:
errors stop the build, warnings are printed (``--strict`` makes them errors),
notes say when a tolerance was used.

Totals versus parts: each published amount is rounded from 元 on its own, so
the stated total may differ from the sum of its parts by up to 0.01 万元 per
part (the sample: 471.38 + 557.38 = 1028.76 against 1028.77).  Within that
tolerance the stated total stands and a note says so; beyond it, an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from . import computation, formats
from .computation import CENT, HUNDRED, Figures
from .diagnostics import DataPath, Diagnostic, error, note, warning
from .schema import Report

BUDGET: DataPath = ("收支",)
EVALUATION: DataPath = ("自评",)


def check(report: Report, figures: Figures) -> list[Diagnostic]:
    return [
        *_staffing(report),
        *_units(report),
        *_budget(report, figures),
        *_evaluation(report, figures),
        *_signature(report),
        *_typed_figures(report, figures),
    ]


def _budget(report: Report, figures: Figures) -> list[Diagnostic]:
    data, computed = report.budget, figures.budget
    found = []
    for key, stated, parts in (
        ("调整预算", data.budget, computed.parts.budget),
        ("决算", data.actual, computed.parts.actual),
    ):
        if stated is not None:
            found += _total_against_parts(BUDGET + (key,), stated, parts, count=2)

    lines = [
        (BUDGET, "部门整体", data.budget or computed.budget, data.actual or computed.actual),
        (BUDGET + ("基本支出",), "基本支出", data.basic.budget, data.basic.actual),
        (BUDGET + ("项目支出",), "项目支出", data.project.budget, data.project.actual),
    ] + [(BUDGET + ("项目", i), p.name, p.budget, p.actual) for i, p in enumerate(data.projects)]
    for path, name, budget, actual in lines:
        if budget == 0:
            found.append(error(f"{name}的调整预算为 0，无法计算执行率", path + ("调整预算",)))
        elif actual > budget:
            found.append(
                warning(f"{name}的决算 {actual} 万元超过调整预算 {budget} 万元（执行率超过 100%）", path + ("决算",))
            )

    if data.projects:
        for key, listed, whole in (
            ("调整预算", sum((p.budget for p in data.projects), Decimal(0)), data.project.budget),
            ("决算", sum((p.actual for p in data.projects), Decimal(0)), data.project.actual),
        ):
            # Each project is rounded from 元 on its own: one cent each.
            if listed > whole + CENT * len(data.projects):
                found.append(
                    error(
                        f"所列项目的{key}合计 {listed} 万元，超过项目支出的{key} {whole} 万元",
                        BUDGET + ("项目",),
                    )
                )
    basic = data.basic
    if basic.staff is not None and basic.running is not None:
        found += _total_against_parts(
            BUDGET + ("基本支出", "决算"), basic.actual, basic.staff + basic.running, 2, "人员经费、公用经费"
        )
    for key in ("人员经费", "公用经费"):
        amount = basic.staff if key == "人员经费" else basic.running
        if amount is not None and amount > basic.actual:
            found.append(error(f"{key} {amount} 万元超过基本支出决算 {basic.actual} 万元", BUDGET + ("基本支出", key)))
    if data.sources:
        sources = list(data.sources.values())
        for key, stated, summed in (
            ("调整预算", computed.budget, sum((s.budget for s in sources), Decimal(0))),
            ("决算", computed.actual, sum((s.actual for s in sources), Decimal(0))),
        ):
            found += _total_against_parts(BUDGET + (key,), stated, summed, len(sources), "各资金来源")
    for name in (data.prior_income or {}).keys() - (data.income or {}).keys():
        found.append(error(f"上年收入中的“{name}”在本年收入中没有", BUDGET + ("上年收入", name)))
    return found


def _total_against_parts(
    path: DataPath, stated: Decimal, parts: Decimal, count: int, what: str = "基本支出、项目支出"
) -> list[Diagnostic]:
    difference = abs(stated - parts)
    tolerance = CENT * count
    if difference == 0:
        return []
    if difference <= tolerance:
        return [
            note(
                f"所填 {stated} 万元与{what}之和 {parts} 万元相差 {difference} 万元，"
                f"在分项各自四舍五入的容差（每项 0.01 万元，共 {tolerance} 万元）之内，按所填数使用",
                path,
            )
        ]
    return [
        error(
            f"所填 {stated} 万元与{what}之和 {parts} 万元相差 {difference} 万元，"
            f"超过容差 {tolerance} 万元；请核对各项金额",
            path,
        )
    ]


def _evaluation(report: Report, figures: Figures) -> list[Diagnostic]:
    found = _grades(report.evaluation.grades)
    known_rates = computation.rates(figures.budget)
    for d, (dimension, computed) in enumerate(zip(report.evaluation.dimensions, figures.evaluation.dimensions)):
        path = EVALUATION + ("一级指标", d)
        found += _node(dimension, computed, path, known_rates)
        for i, (indicator, computed2) in enumerate(zip(dimension.children or [], computed.children)):
            path2 = path + ("二级指标", i)
            found += _node(indicator, computed2, path2, known_rates)
            for j, (leaf, computed3) in enumerate(zip(indicator.children or [], computed2.children)):
                found += _node(leaf, computed3, path2 + ("三级指标", j), known_rates)
    return found


def _grades(bands: dict[str, Decimal]) -> list[Diagnostic]:
    path = EVALUATION + ("等级",)
    lowest = sorted(bands.values())
    if len(set(lowest)) != len(lowest):
        return [error("各等级的分数线不能相同", path)]
    if computation.LOWEST_GRADE in bands and bands[computation.LOWEST_GRADE] != lowest[0]:
        return [error(f"“{computation.LOWEST_GRADE}”应是最低一档", path + (computation.LOWEST_GRADE,))]
    return []


_LEAF_ONLY = {"计分": "rule", "口径": "basis", "扣分": "deduction", "得分": "score"}


def _node(indicator, computed, path: DataPath, known_rates: dict) -> list[Diagnostic]:
    """One node of the indicator tree: a parent adds up its children, a leaf is scored by its rule."""
    name = indicator.name
    if computed.rule is None:
        found = [
            error(f"“{name}”有下级指标，得分由下级合计，不能填{key}", path + (key,))
            for key, attribute in _LEAF_ONLY.items()
            if getattr(indicator, attribute) is not None
        ]
        if indicator.full_marks is not None and indicator.full_marks != computed.full_marks:
            found.append(
                error(
                    f"“{name}”的分值 {formats.score(indicator.full_marks)} 与下级指标分值之和 "
                    f"{formats.score(computed.full_marks)} 不符",
                    path + ("分值",),
                )
            )
        return found
    if indicator.full_marks is None:
        return [error(f"“{name}”没有下级指标，须填分值", path + ("分值",))]
    if indicator.full_marks == 0:
        return [error(f"“{name}”的分值不能为 0", path + ("分值",))]
    return _RULES[computed.rule](indicator, computed, path, known_rates)


def _exclusive(indicator, path: DataPath, rule: str, allowed: set[str]) -> list[Diagnostic]:
    return [
        error(f"“{indicator.name}”按{rule}计分，不能另填{key}", path + (key,))
        for key, attribute in _LEAF_ONLY.items()
        if key not in allowed and key != "计分" and getattr(indicator, attribute) is not None
    ]


def _by_rate(indicator, computed, path: DataPath, known_rates: dict) -> list[Diagnostic]:
    found = _exclusive(indicator, path, "预算执行率", {"口径"})
    basis = indicator.basis or computation.WHOLE
    if basis not in known_rates:
        found.append(error(f'口径只能填：{"、".join(known_rates)}，实际为 "{basis}"', path + ("口径",)))
    elif computed.rate is not None and computed.rate > HUNDRED:
        found.append(
            note(
                f"{basis}执行率 {formats.percent(computed.rate)} 超过 100%，“{indicator.name}”按 100% 计分",
                path + ("计分",),
            )
        )
    return found


def _by_completion(indicator, computed, path: DataPath, known_rates: dict) -> list[Diagnostic]:
    found = _exclusive(indicator, path, "完成比例", set())
    measures = {}
    for key in ("年度指标值", "实际完成值"):
        text = indicator.target if key == "年度指标值" else indicator.achieved
        if text is None:
            found.append(error(f"“{indicator.name}”按完成比例计分，须填{key}", path + (key,)))
            continue
        measure = computation.parse_measure(text)
        if measure is None:
            found.append(
                error(
                    f'按完成比例计分，{key}应是一个数（可带 ≥、≤ 和单位，如 ≥3.2万亩、95%），实际为 "{text}"',
                    path + (key,),
                )
            )
        measures[key] = measure
    target, achieved = measures.get("年度指标值"), measures.get("实际完成值")
    if target and achieved and target.unit != achieved.unit:
        found.append(
            error(
                f"单位不一致：年度指标值的单位是“{target.unit or '无'}”，实际完成值的单位是“{achieved.unit or '无'}”",
                path + ("实际完成值",),
            )
        )
    # A score that could not be computed needs no reason for its loss.
    return found or _explained_loss(indicator, computed, path)


def _by_deduction(indicator, computed, path: DataPath, known_rates: dict) -> list[Diagnostic]:
    found = _exclusive(indicator, path, "扣分", {"扣分"})
    name = indicator.name
    if indicator.deduction is not None:
        if indicator.deduction > indicator.full_marks:
            found.append(
                error(f"“{name}”扣分 {indicator.deduction} 超过其分值 {indicator.full_marks}", path + ("扣分",))
            )
        if indicator.deduction > 0 and indicator.reason is None:
            found.append(error(f"“{name}”有扣分，必须写明扣分原因", path + ("扣分原因",)))
    if indicator.reason is not None and not indicator.deduction:
        found.append(warning(f"“{name}”写了扣分原因，但没有扣分", path + ("扣分原因",)))
    return found


def _by_score(indicator, computed, path: DataPath, known_rates: dict) -> list[Diagnostic]:
    found = _exclusive(indicator, path, "得分", {"得分"})
    if indicator.score is None:
        return found + [error(f"“{indicator.name}”按得分计分，须填得分", path + ("得分",))]
    if indicator.score > indicator.full_marks:
        return found + [
            error(f"“{indicator.name}”得分 {indicator.score} 超过分值 {indicator.full_marks}", path + ("得分",))
        ]
    return found + _explained_loss(indicator, computed, path)


def _explained_loss(indicator, computed, path: DataPath) -> list[Diagnostic]:
    if computed.deduction > 0 and indicator.reason is None and indicator.deviation is None:
        return [
            error(
                f"“{indicator.name}”得分 {formats.score(computed.score)} 低于分值 {formats.score(computed.full_marks)}，"
                "须写明扣分原因或偏差原因",
                path + ("偏差原因",),
            )
        ]
    return []


_RULES = {"预算执行率": _by_rate, "完成比例": _by_completion, "扣分": _by_deduction, "得分": _by_score}


#: An amount this many times its siblings' middle one was most likely typed in 元.
YUAN_FACTOR = 1000


def _units(report: Report) -> list[Diagnostic]:
    """A clerk who copies one figure from a table in 元 types 9658400 beside
    1028.77: the amounts of the whole and its parts differ by about 10^4."""
    budget = report.budget
    amounts = [
        (("收支", key), value)
        for key, value in (("年初预算", budget.initial), ("调整预算", budget.budget), ("决算", budget.actual))
        if value
    ]
    for part in ("基本支出", "项目支出"):
        line = budget.basic if part == "基本支出" else budget.project
        amounts += [
            (("收支", part, key), value) for key, value in (("调整预算", line.budget), ("决算", line.actual)) if value
        ]
    if len(amounts) < 3:
        return []
    middle = sorted(value for _, value in amounts)[len(amounts) // 2]
    return [
        warning(
            f"{value} 万元是其他金额的一千倍以上：是否按“元”填写了？金额应以“万元”为单位（{value} 元 = "
            f"{formats.money(value / 10000)} 万元）",
            path,
        )
        for path, value in amounts
        if value >= middle * YUAN_FACTOR
    ]


def _staffing(report: Report) -> list[Diagnostic]:
    staffing = report.staffing
    if (
        staffing is not None
        and not staffing.units
        and all(value is None for value in (staffing.authorised, staffing.serving, staffing.retired))
    ):
        return [
            error(
                "机构人员是空的：请填写内设机构或编制数、在职人数、离退休人数，不需要这一节时删去“机构人员”",
                ("机构人员",),
            )
        ]
    return []


def _signature(report: Report) -> list[Diagnostic]:
    if report.signature is not None and report.signature.date.year <= report.year:
        return [
            warning(
                f"成文日期 {report.signature.date} 不晚于报告年度 {report.year} 年，请确认",
                ("落款", "日期"),
            )
        ]
    return []


# --- figures typed into the narrative ----------------------------------------------

#: Keys whose text is a name, not narrative that could quote a figure.
NAMES = {"名称", "部门", "自称", "单位"}


def _typed_figures(report: Report, figures: Figures) -> list[Diagnostic]:
    """Narrative that types a figure the report derives goes stale at the next
    budget adjustment: point at the reference that would stay right."""
    known = dict(figures_as_written(figures))
    pattern = figure_pattern(known)
    found = []
    for path, text in _narrative(report.model_dump(by_alias=True), ()):
        literal = re.sub(r"{{.*?}}", "", text)
        for written in dict.fromkeys(pattern.findall(literal)):
            reference = known[written]
            found.append(
                warning(
                    f"文字中直接写了 {written}（即计算得出的 {reference.split(' | ')[0]}），预算调整后不会随之更新；"
                    f"请改写为 {{{{ {reference} }}}}",
                    path,
                )
            )
    return found


def figure_pattern(known: dict[str, str]) -> re.Pattern:
    """One pattern for every figure as written, longest first, never inside a longer number."""
    alternatives = "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
    return re.compile(rf"(?<![\d.])({alternatives})(?!\d)")


def figures_as_written(figures: Figures) -> Iterator[tuple[str, str]]:
    """(how the report writes a figure, the template reference to it)."""
    budget = figures.budget
    lines = [("收支", budget), ("收支.基本支出", budget.basic), ("收支.项目支出", budget.project)]
    lines += [(f"收支.项目[{i}]", project) for i, project in enumerate(budget.projects, 1)]
    for name, line in lines:
        if line.rate is not None:
            yield formats.percent(line.rate), f"{name}.执行率 | percent"
        yield formats.money(line.budget), f"{name}.调整预算 | money"
        yield formats.money(line.actual), f"{name}.决算 | money"
        if line.growth is not None:
            yield formats.percent(line.growth), f"{name}.增长率 | percent"
    evaluation = figures.evaluation
    scores = [(evaluation.score, "自评.总分")]
    for d, dimension in enumerate(evaluation.dimensions, 1):
        scores.append((dimension.score, f"自评.一级指标[{d}].得分"))
        for i, indicator in enumerate(dimension.children, 1):
            scores.append((indicator.score, f"自评.一级指标[{d}].二级指标[{i}].得分"))
            for j, leaf in enumerate(indicator.children, 1):
                scores.append((leaf.score, f"自评.一级指标[{d}].二级指标[{i}].三级指标[{j}].得分"))
    for value, name in scores:
        # Whole scores (48, 10) are too common in prose to be told apart.
        if "." in formats.score(value):
            yield formats.score(value), f"{name} | score"


def _narrative(value, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in NAMES:
                yield from _narrative(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _narrative(item, path + (i,))
    elif isinstance(value, str):
        yield path, value
