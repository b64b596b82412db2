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

from . import formats
from .computation import CENT, HUNDRED, Figures
from .diagnostics import DataPath, Diagnostic, error, note, warning
from .schema import Report

BUDGET: DataPath = ("收支",)
EVALUATION: DataPath = ("自评",)


def check(report: Report, figures: Figures) -> list[Diagnostic]:
    return [
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

    listed = sum((p.budget for p in data.projects), Decimal(0))
    if listed > data.project.budget:
        found.append(
            error(
                f"所列项目的调整预算合计 {listed} 万元，超过项目支出的调整预算 {data.project.budget} 万元",
                BUDGET + ("项目",),
            )
        )
    return found


def _total_against_parts(path: DataPath, stated: Decimal, parts: Decimal, count: int) -> list[Diagnostic]:
    difference = abs(stated - parts)
    tolerance = CENT * count
    if difference == 0:
        return []
    if difference <= tolerance:
        return [
            note(
                f"所填 {stated} 万元与基本支出、项目支出之和 {parts} 万元相差 {difference} 万元，"
                f"在分项各自四舍五入的容差（每项 0.01 万元，共 {tolerance} 万元）之内，按所填数使用",
                path,
            )
        ]
    return [
        error(
            f"所填 {stated} 万元与基本支出、项目支出之和 {parts} 万元相差 {difference} 万元，"
            f"超过容差 {tolerance} 万元；请核对各项金额",
            path,
        )
    ]


def _evaluation(report: Report, figures: Figures) -> list[Diagnostic]:
    found = []
    grades = report.evaluation.grades
    if not grades.excellent > grades.good > grades.fair:
        found.append(error("等级分数线应满足 优 > 良 > 中", EVALUATION + ("等级",)))
    for d, (dimension, dimension_figures) in enumerate(
        zip(report.evaluation.dimensions, figures.evaluation.dimensions, strict=True)
    ):
        for i, (indicator, computed) in enumerate(zip(dimension.indicators, dimension_figures.indicators, strict=True)):
            path = EVALUATION + ("一级指标", d, "二级指标", i)
            found += _indicator(indicator, computed.score, path, figures.budget.rate)
    return found


def _indicator(indicator, score: Decimal, path: DataPath, budget_rate: Decimal | None) -> list[Diagnostic]:
    found = []
    name = indicator.name
    if indicator.full_marks == 0:
        found.append(error(f"“{name}”的分值不能为 0", path + ("分值",)))
    if indicator.formula is not None:
        if indicator.deduction is not None:
            found.append(error(f"“{name}”按{indicator.formula}计分，不能另填扣分", path + ("扣分",)))
        if budget_rate is not None and budget_rate > HUNDRED:
            found.append(note(f"预算执行率 {budget_rate}% 超过 100%，“{name}”按 100% 计分", path + ("计分",)))
    elif indicator.deduction is not None:
        if indicator.deduction > indicator.full_marks:
            found.append(
                error(f"“{name}”扣分 {indicator.deduction} 超过其分值 {indicator.full_marks}", path + ("扣分",))
            )
        if indicator.deduction > 0 and indicator.reason is None:
            found.append(error(f"“{name}”有扣分，必须写明扣分原因", path + ("扣分原因",)))
    if indicator.reason is not None and not indicator.deduction:
        found.append(warning(f"“{name}”写了扣分原因，但没有扣分", path + ("扣分原因",)))
    if score > indicator.full_marks:
        found.append(error(f"“{name}”得分 {score} 超过分值 {indicator.full_marks}", path))
    return found


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
_NAMES = {"名称", "部门", "自称", "单位"}


def _typed_figures(report: Report, figures: Figures) -> list[Diagnostic]:
    """Narrative that types a figure the report derives goes stale at the next
    budget adjustment: point at the reference that would stay right."""
    known = dict(_figures_as_written(figures))
    # One pattern for every figure, longest first, never inside a longer number.
    alternatives = "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
    pattern = re.compile(rf"(?<![\d.])({alternatives})(?!\d)")
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


def _figures_as_written(figures: Figures) -> Iterator[tuple[str, str]]:
    """(how the report writes a figure, the template reference to it)."""
    budget = figures.budget
    lines = [("收支", budget), ("收支.基本支出", budget.basic), ("收支.项目支出", budget.project)]
    lines += [(f"收支.项目[{i}]", project) for i, project in enumerate(budget.projects)]
    for name, line in lines:
        if line.rate is not None:
            yield formats.percent(line.rate), f"{name}.执行率 | percent"
        yield formats.money(line.budget), f"{name}.调整预算 | money"
        yield formats.money(line.actual), f"{name}.决算 | money"
    evaluation = figures.evaluation
    scores = [(evaluation.score, "自评.总分")]
    for d, dimension in enumerate(evaluation.dimensions):
        scores.append((dimension.score, f"自评.一级指标[{d}].得分"))
        for i, indicator in enumerate(dimension.indicators):
            scores.append((indicator.score, f"自评.一级指标[{d}].二级指标[{i}].得分"))
    for value, name in scores:
        # Whole scores (48, 10) are too common in prose to be told apart.
        if "." in formats.score(value):
            yield formats.score(value), f"{name} | score"


def _narrative(value, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _NAMES:
                yield from _narrative(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _narrative(item, path + (i,))
    elif isinstance(value, str):
        yield path, value
