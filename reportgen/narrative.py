"""Stage 4, continued: figures typed into the data's narrative.

A clerk writes "执行率为97.60%" in a 说明 where the report computes the rate: it
reads right today and goes stale at the next budget adjustment.  Such figures are
found (a number equal to a computed figure, or one the words of its clause
describe: "得分95分", "等级为良"), said with the reference that would follow the
figure (``{{ 收支.执行率 }}``), and listed by ``diff`` when the figure changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from . import computation, formats, references
from .computation import Evaluated, Role
from .diagnostics import DataPath, Diagnostic, warning
from .numbers import Points
from .schema import Report

#: Keys whose text is a name, not narrative that could quote a figure.
NAMES = {"名称", "部门", "自称", "单位"}


@dataclass(frozen=True)
class TypedFigure:
    """A number typed into the data's narrative where the report computes it."""

    #: Where the text stands in the data.
    where: DataPath
    written: str
    #: The computed figure it is, or by the words of its clause describes.
    figure: DataPath
    #: That figure now; the typed number equals it unless the text has gone stale.
    value: object

    @property
    def reference(self) -> str:
        return references.reference(self.figure, self.value)

    @property
    def stale(self) -> bool:
        return not self.says(self.value)

    def says(self, figure: object) -> bool:
        """Whether the typed number is this value of the figure."""
        return Decimal(_number(self.written)) == figure


def typed_figures(evaluated: Evaluated) -> list[TypedFigure]:
    """Every figure typed into narrative: those that equal a computed figure today,
    and those whose clause describes one (a rate, an amount, a score) whatever their value."""
    known = {formats.written(value): (path, value) for path, value in _quotable(evaluated)}
    pattern = figure_pattern(known)
    described = _described_figures(evaluated)
    found = []
    for where, text in narrative(evaluated.report):
        literal = re.sub(r"{{.*?}}", "", text)
        flagged = set()  # the numbers said, each once (97.76 and 97.76分 are one figure)
        for match in pattern.finditer(literal):
            written, (path, value) = match.group(1), known[match.group(1)]
            # A score is only a score when it says so: 3.5天 and 1.5小时 are not.
            if _number(written) in flagged or (isinstance(value, Points) and not literal.startswith("分", match.end())):
                continue
            flagged.add(_number(written))
            found.append(TypedFigure(where, written, path, value))
        for written, path, value in _described(literal, described):
            if _number(written) not in flagged:
                flagged.add(_number(written))
                found.append(TypedFigure(where, written, path, value))
    return found


def _number(written: str) -> str:
    return re.sub(r"[^\d.]", "", written)


def typed_figure_notices(evaluated: Evaluated) -> list[Diagnostic]:
    """What :func:`reportgen.checks.check` says of the narrative: figures typed where a
    reference would follow them, references written with single braces, and scores,
    deductions and grades the text states otherwise than computed."""
    return [*_typed_figures(evaluated), *_single_braces(evaluated), *_said_otherwise(evaluated)]


def _typed_figures(evaluated: Evaluated) -> list[Diagnostic]:
    """Narrative that types a figure the report derives goes stale at the next
    budget adjustment: point at the reference that would stay right."""
    found = []
    for typed in typed_figures(evaluated):
        name = typed.reference.split(" | ")[0]
        if typed.stale:
            message = f"文字中直接写了 {typed.written}，描述的是计算得出的 {name}，而它现在是 {_shown(typed)}"
        else:
            message = f"文字中直接写了 {typed.written}（即计算得出的 {name}），预算调整后不会随之更新"
        found.append(warning(f"{message}；请改写为 {{{{ {typed.reference} }}}}", typed.where))
    return found


#: A reference written with one pair of braces ({收支.执行率}): printed as it stands.
_SINGLE_BRACES = re.compile(r"(?<!\{)\{\s*((?:收支|自评|项目自评|机构人员|年度|部门)[^{}]*?)\s*\}(?!\})")


def _single_braces(evaluated: Evaluated) -> list[Diagnostic]:
    return [
        warning(f"“{found.group()}”只有一层大括号，会照原样印在报告里；引用要写两层：{{{{ {found.group(1)} }}}}", where)
        for where, text in narrative(evaluated.report)
        for found in _SINGLE_BRACES.finditer(text)
    ]


_DEDUCTION_SAID = re.compile(r"扣(?:减|除)?\s*(\d+(?:\.\d+)?)\s*分")
_SCORE_SAID = re.compile(r"得分\s*(\d+(?:\.\d+)?)\s*分")
_GRADE_SAID = re.compile(r"等级(?:为|是|评定为)?[“\"]?([\u4e00-\u9fff]{1,2})[”\"]?")


def _said_otherwise(evaluated: Evaluated) -> list[Diagnostic]:
    """What the data's own words say against what the program computes: an indicator's
    扣分原因 naming another deduction, a 结论 another score, a text another grade."""
    report, found = evaluated.report, []
    forms = [node for form in evaluated.project_forms() for node in form.indicators()]
    for node in (*evaluated.indicators(), *forms):
        data = node.data
        # (key, the text, what it says, the figure, how it says it, the figure's name, where not to say it)
        for key, attribute, pattern, computed, says, what, where in (
            ("扣分原因", "reason", _DEDUCTION_SAID, node.deduction, "扣", "扣分", "原因"),
            ("结论", "conclusion", _SCORE_SAID, node.score, "得分", "得分", "结论"),
        ):
            said = pattern.search(getattr(data, attribute, None) or "")
            if said and Decimal(said.group(1)) != computed:
                found.append(
                    warning(
                        f"{key}中写的是{says} {said.group(1)} 分，计算出的{what}是 {formats.score(computed)} 分；"
                        f"{what}由程序写出，{where}中不必再写",
                        node.path + (key,),
                    )
                )
    grades = set(report.evaluation.grades) | {computation.LOWEST_GRADE}
    for where, text in narrative(report):
        for said in _GRADE_SAID.finditer(text):
            grade = next((g for g in grades if said.group(1).startswith(g)), None)
            # A project's grade (“该项目自评等级为良”) is not the department's.
            if "项目" in text[max(0, said.start() - 10) : said.start()]:
                continue
            if grade is not None and grade != evaluated.evaluation.grade:
                found.append(
                    warning(
                        f"文字中写的等级是“{grade}”，计算出的等级是“{evaluated.evaluation.grade}”；"
                        "请改写为 {{ 自评.等级 }}",
                        where,
                    )
                )
    return found


def _shown(typed: TypedFigure) -> str:
    unit = next((u for u in ("万元", "分") if typed.written.endswith(u)), "")
    return formats.written(typed.value) + unit


#: A figure typed in a clause, with its unit: 95.74%, 1,031.18万元, 9.5分.
_TYPED = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(%|％|万元|分)(?![钟之])")
_CLAUSE = re.compile(r"[^，。；;！？\n]+")
#: What a clause calls each computed figure of a budget line, by the unit it is written in.
_LINE_WORDS = {
    "%": (("执行率", ("执行率", "支出进度", "支出率")), ("增长率", ("增长", "下降", "增幅", "降幅"))),
    "万元": (
        ("年初预算", ("年初预算",)),
        ("调整预算", ("调整预算", "全年预算", "预算数", "预算")),
        ("增减额", ("增加", "减少")),
        ("决算", ("决算", "实际支出", "执行数", "支出")),
    ),
}
#: Words after a figure that make it a target or a bound, not a result.
_BOUND = re.compile(r"\s*(?:以上|以下|以内|左右|上下|的目标)")
#: Words right before a figure that compare with it.
_COMPARED = re.compile(r"(?:超过|低于|高于|不低于|不高于|不超过|不足|未达到|按)\s*$")
#: Words of a difference the clerk worked out ("超出预算7.52万元"): no figure of its own, so the
#: clause is left alone rather than misnamed.
_DIFFERENCE = re.compile("超出|超支|结余|节约|差额|尚未支出|相差")


def _described_figures(evaluated: Evaluated) -> list[tuple[tuple[str, ...], str, dict]]:
    """(names a clause uses for a subject, its unit, label → (path, figure)) for each
    budget line and the score sheet; the whole department last, as the subject of a clause naming none."""
    subjects = []
    for line in evaluated.budget_lines():
        if line.role is Role.SOURCE:
            continue
        figures = line.figures()
        for unit, words in _LINE_WORDS.items():
            labels = {key: (line.path + (key,), figures[key]) for key, _ in words if figures.get(key) is not None}
            names = () if line.role is Role.WHOLE else (line.name,)
            subjects.append((names, unit, labels))
    subjects.append(((), "分", {"总分": (("自评", "总分"), evaluated.evaluation.score)}))
    return sorted(subjects, key=lambda subject: not subject[0])


def _described(text: str, described) -> Iterator[tuple[str, DataPath, object]]:
    """(as typed, path, figure) of each typed figure whose clause describes a computed figure."""
    for clause in _CLAUSE.finditer(text):
        words = clause.group()
        for typed in _TYPED.finditer(words):
            unit = "%" if typed.group(2) in "%％" else typed.group(2)
            before = words[: typed.start()]
            # “提高到98%以上”, “超过100%按100%计”: a target or a threshold, not the figure the report computes.
            if _BOUND.match(words, typed.end()) or _COMPARED.search(before):
                continue
            for names, subject_unit, labels in described:
                if subject_unit != unit or (names and not any(name in before for name in names)):
                    continue
                label = _nearest_label(before, unit)
                if label in labels:
                    yield typed.group().strip(), *labels[label]
                break


def _nearest_label(before: str, unit: str) -> str | None:
    """The label word closest before a figure, among those its unit can mean."""
    if unit == "分":
        return "总分" if re.search(r"(总分|自评得分|综合得分)[^分]*$", before) else None
    if _DIFFERENCE.search(before):
        return None
    best, at = None, -1
    for key, words in _LINE_WORDS[unit]:
        for word in words:
            position = before.rfind(word)
            if position > at:
                best, at = key, position
    return best


def figure_pattern(known: dict[str, str]) -> re.Pattern:
    """One pattern for every figure as written, longest first, never inside a longer number."""
    alternatives = "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
    return re.compile(rf"(?<![\d.])({alternatives})(?!\d)")


#: The figures of a budget line that narrative is likely to quote.
_QUOTED_LINE_FIGURES = ("执行率", "调整预算", "决算", "增长率")


def figures_as_written(evaluated: Evaluated) -> Iterator[tuple[str, str]]:
    """(how the report writes a figure, the reference to it in the data's text)."""
    for path, value in _quotable(evaluated):
        yield formats.written(value), references.reference(path, value)


def _quotable(evaluated: Evaluated) -> Iterator[tuple[DataPath, object]]:
    """(path, figure) of each figure narrative is likely to quote."""
    for line in evaluated.budget_lines():
        if line.role is Role.SOURCE:
            continue
        figures = line.figures()
        for key in _QUOTED_LINE_FIGURES:
            if figures[key] is not None:
                yield line.path + (key,), figures[key]
    scores = [(("自评", "总分"), evaluated.evaluation.score)]
    scores += [(node.path + ("得分",), node.score) for node in evaluated.indicators()]
    # Whole scores (48, 10) are too common in prose to be told apart.
    yield from ((path, value) for path, value in scores if "." in formats.score(value))


def narrative(report: Report) -> Iterator[tuple[DataPath, str]]:
    """(path, text) of each text of the data that could quote a figure."""
    return _narrative(report.model_dump(by_alias=True), ())


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
