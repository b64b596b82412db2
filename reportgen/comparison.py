"""What an edit of the data changes in the report: ``reportgen diff``.

Compares two prepared reports (the output of the pipeline up to the numbered
blocks) at three levels, the way a clerk checks an adjustment: the input values
that changed, the computed figures that change with them, and the paragraphs
whose text changes, as a word-level diff.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from . import blocks, formats, narrative, references
from .computation import BudgetLine, Evaluated, IndicatorNode, Role
from .diagnostics import format_path
from .pipeline import Prepared

_TOKEN = re.compile(r"[0-9A-Za-z.%]+|.", re.S)
_SHORT = 40


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ParagraphChange:
    #: Where it stands, as a clerk finds it: the heading above it and its place
    #: under that heading ("一、（四）部门整体收支情况…，第 1 段"); in the new
    #: report, or the old one for a removed paragraph.
    where: str
    #: (kind, text) pieces: kind is "same", "old" or "new".
    pieces: list[tuple[str, str]]


@dataclass(frozen=True)
class TypedChange:
    """A number typed into the new data's text whose computed figure changes: the
    text does not follow (and may already say the old value)."""

    where: str
    written: str
    figure: str
    old: str
    new: str
    #: The reference that would follow.
    reference: str
    #: The typed number is not the figure's new value.
    stale: bool


@dataclass(frozen=True)
class Comparison:
    inputs: list[Change]
    figures: list[Change]
    paragraphs: list[ParagraphChange]
    typed: list[TypedChange]

    @property
    def differs(self) -> bool:
        return bool(self.inputs or self.figures or self.paragraphs)


def compare(old: Prepared, new: Prepared) -> Comparison:
    inputs = _changes(_leaves(old), _leaves(new))
    # An amount the clerk typed is also a figure of the report; say it once.
    typed = {(c.field, c.old, c.new) for c in inputs}
    figures = [c for c in _changes(_figures(old), _figures(new)) if (c.field, c.old, c.new) not in typed]
    return Comparison(inputs, figures, _paragraph_changes(_texts(old), _texts(new)), _typed_changes(old, new))


def _typed_changes(old: Prepared, new: Prepared) -> list[TypedChange]:
    """Typed figures of the new text whose figure changes: those the new data's
    text holds, and those the old text typed that the new text still says (a
    stale score no longer equals any figure, so only the old data knows it)."""
    before, after = old.evaluated.values(), new.evaluated.values()
    new_texts = dict(narrative.narrative(new.report))
    candidates = narrative.typed_figures(new.evaluated) + [
        typed for typed in narrative.typed_figures(old.evaluated) if typed.written in new_texts.get(typed.where, "")
    ]
    changes, seen = [], set()
    for typed in candidates:
        was, now = _value_at(before, typed.figure), _value_at(after, typed.figure)
        if (typed.where, typed.written) in seen or was is None or now is None:
            continue
        seen.add((typed.where, typed.written))
        if formats.written(was) != formats.written(now):
            changes.append(
                TypedChange(
                    format_path(typed.where),
                    typed.written,
                    label(typed.figure, new),
                    formats.written(was),
                    formats.written(now),
                    references.reference(typed.figure, now),
                    not typed.says(now),
                )
            )
    return changes


def _value_at(values, path: tuple):
    for step in path:
        try:
            values = values[step]
        except (KeyError, IndexError, TypeError):
            return None
    return values


def _texts(prepared: Prepared) -> list[tuple[str, str]]:
    """(where, text) of each paragraph of the report and of each form beside it;
    each table row counts as a paragraph."""
    texts = _document_texts(prepared.document, "标题")
    for form in prepared.forms:
        texts += _document_texts(form.document, form.name)
    return texts


def _document_texts(document: blocks.Document, name: str) -> list[tuple[str, str]]:
    """Paragraphs are placed under the document's name (a report's first part has none)."""
    prefix = "" if name == "标题" else name + "，"
    texts: list[tuple[str, str]] = []
    for part in document.parts:
        numbers: list[str] = []  # of the headings above, outermost first
        section, count = (prefix + part.label.text if part.label else name), 0
        for block in part.in_order():
            if isinstance(block, blocks.Heading):
                numbers = numbers[: block.level - 1] + [block.number]
                section, count = prefix + "".join(numbers) + block.title, 0
                texts.append((section, block.text))
            elif isinstance(block, blocks.Table):
                texts += [(f"{section}，表格第 {i} 行", "｜".join(row)) for i, row in enumerate(block.row_texts(), 1)]
            elif not isinstance(block, blocks.PageBreak):
                count += 1
                texts.append((f"{section}，第 {count} 段", block.text))
    return texts


def _leaves(prepared: Prepared) -> dict[str, str]:
    leaves = {}
    for path, value in _flatten(prepared.source.data, ()).items():
        text = "" if value is None else str(value)
        leaves[label(path, prepared)] = text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"
    return leaves


_PART_NAMES = {"执行率偏低项目": "执行率偏低的项目"}
_FORM_NAMES = {"总分": "得分"}


def _line_label(line: BudgetLine) -> str:
    if line.role is Role.ITEM:
        return f"项目“{line.name}”"
    if line.role is Role.SOURCE:
        return f"资金来源“{line.name}”"
    return line.name


def label(path: tuple, prepared: Prepared) -> str:
    """A data or figure path as a clerk would name the thing: ``('收支', '决算')``
    → 部门整体决算, ``('收支', '项目', 2, '决算')`` → 项目“招商业务工作经费”决算,
    ``('自评', '一级指标', 1, '二级指标', 3, '扣分')`` → 指标“管理效率/绩效管理”扣分,
    ``('收支', '项目', 0, '绩效指标', 0, '二级指标', 0, '三级指标', 0, '得分')``
    → 项目“高标准农田建设项目”指标“产出指标/数量指标/新建高标准农田面积”得分."""
    evaluated = prepared.evaluated
    for owner, node in _indicators(evaluated):
        if path[: len(node.path)] == node.path and not any(
            path[: len(child.path)] == child.path for child in node.children
        ):
            return f"{owner}指标“{'/'.join(node.names)}”" + _join(path[len(node.path) :])
    for owner, line in _lines(evaluated):
        rest = path[len(line.path) :]
        if path[: len(line.path)] == line.path and len(rest) == 1 and rest[0] in line.figures():
            return owner + _line_label(line) + rest[0]
    for form in evaluated.project_forms():
        if path[: len(form.path)] == form.path:
            return f"项目“{form.name}”" + _join(path[len(form.path) :])
    return _join(path[1:] if path[:1] == ("收支",) else path)


def _indicators(evaluated: Evaluated) -> Iterator[tuple[str, IndicatorNode]]:
    """Every indicator with whose it is: the department's ("") or a project's."""
    for node in evaluated.indicators():
        yield "", node
    for form in evaluated.project_forms():
        for node in form.indicators():
            yield f"项目“{form.name}”", node


def _lines(evaluated: Evaluated) -> Iterator[tuple[str, BudgetLine]]:
    """Every budget line with whose it is: the department's or a project form's 资金来源."""
    for line in evaluated.budget_lines():
        yield "", line
    for form in evaluated.project_forms():
        for line in form.sources.values():
            yield f"项目“{form.name}”", line


def _join(path: tuple) -> str:
    return "".join(f"第 {part + 1} 项" if isinstance(part, int) else _PART_NAMES.get(part, part) for part in path)


def _figures(prepared: Prepared) -> dict[str, str]:
    """Every computed figure under the name the report gives it, as it is written."""
    evaluated = prepared.evaluated
    budget = evaluated.budget
    named: list[tuple[str, dict]] = [(owner + _line_label(line), line.figures()) for owner, line in _lines(evaluated)]
    named.append((budget.parts.name, budget.parts.figures()))
    named += [(f"收入“{income.name}”", income.values()) for income in budget.income]
    named += [(f"{owner}指标“{'/'.join(node.names)}”", node.figures()) for owner, node in _indicators(evaluated)]
    named.append(("", _scalars(budget.figures())))
    named.append(("自评", {key: value for key, value in evaluated.evaluation.values().items() if key != "一级指标"}))
    # A form's 总分 is what a clerk calls the project's 得分.
    named += [
        (f"项目“{form.name}”", {_FORM_NAMES.get(k, k): v for k, v in _scalars(form.values()).items()})
        for form in evaluated.project_forms()
    ]
    summary = evaluated.forms.values()
    named.append(("项目自评", _scalars(summary)))
    named.append(("项目自评等级", summary["等级分布"]))
    flat = {
        name + key: formats.written(value)
        for name, figures in named
        for key, value in figures.items()
        if value is not None and not isinstance(value, bool | BudgetLine) and key != "名称"
    }
    flat["执行率偏低的项目"] = (
        "、".join(f"{p.name} {formats.percent(p.rate)}" for p in budget.low_rate_projects) or "无"
    )
    if evaluated.project_forms():
        flat["得分偏低的项目"] = "、".join(f"{f.name} {formats.written(f.score)}" for f in evaluated.forms.low) or "无"
    return flat


def _scalars(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if not isinstance(value, list | dict)}


def _flatten(value, path: tuple) -> dict[tuple, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flatten(item, path + (key,)).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, path + (i,)).items()}
    return {path: value}


def _changes(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    changes = []
    for field in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(field, "（无）"), new.get(field, "（无）")
        if before != after:
            changes.append(Change(field, before, after))
    return changes


def _paragraph_changes(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[ParagraphChange]:
    changes = []
    a, b = [text for _, text in old], [text for _, text in new]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for kind, a0, a1, b0, b1 in matcher.get_opcodes():
        if kind == "equal":
            continue
        pairs = min(a1 - a0, b1 - b0) if kind == "replace" else 0
        for offset in range(pairs):
            changes.append(ParagraphChange(new[b0 + offset][0], word_diff(a[a0 + offset], b[b0 + offset])))
        for i in range(a0 + pairs, a1):
            changes.append(ParagraphChange(old[i][0] + "（已删去）", [("old", a[i])]))
        for j in range(b0 + pairs, b1):
            changes.append(ParagraphChange(new[j][0], [("new", b[j])]))
    return changes


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Pieces of a word-level diff; numbers count as one word, each Chinese
    character as one."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[tuple[str, str]] = []
    for kind, a0, a1, b0, b1 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if kind == "equal":
            pieces.append(("same", "".join(a[a0:a1])))
            continue
        if a1 > a0:
            pieces.append(("old", "".join(a[a0:a1])))
        if b1 > b0:
            pieces.append(("new", "".join(b[b0:b1])))
    return pieces
