"""What an edit of the data changes in the report: ``reportgen diff``.

Compares two prepared reports (the output of the pipeline up to the numbered
blocks) at three levels, the way a clerk checks an adjustment: the input values
that changed, the computed figures that change with them, and the paragraphs
whose text changes, as a word-level diff.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from . import formats, markup
from .computation import BudgetLine, Role
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
class Comparison:
    inputs: list[Change]
    figures: list[Change]
    paragraphs: list[ParagraphChange]

    @property
    def differs(self) -> bool:
        return bool(self.inputs or self.figures or self.paragraphs)


def compare(old: Prepared, new: Prepared) -> Comparison:
    inputs = _changes(_leaves(old), _leaves(new))
    # An amount the clerk typed is also a figure of the report; say it once.
    typed = {(c.field, c.old, c.new) for c in inputs}
    figures = [c for c in _changes(_figures(old), _figures(new)) if (c.field, c.old, c.new) not in typed]
    return Comparison(inputs, figures, _paragraph_changes(_texts(old), _texts(new)))


def _texts(prepared: Prepared) -> list[tuple[str, str]]:
    """(where, text) of each paragraph; each table row counts as a paragraph."""
    texts: list[tuple[str, str]] = []
    for part in prepared.document.parts:
        numbers: list[str] = []  # of the headings above, outermost first
        section, count = (part.label.text if part.label else "标题"), 0
        for block in part.in_order():
            if isinstance(block, markup.Heading):
                numbers = numbers[: block.level - 1] + [block.number]
                section, count = "".join(numbers) + block.title, 0
                texts.append((section, block.text))
            elif isinstance(block, markup.Table):
                texts += [(f"{section}，表格第 {i} 行", "｜".join(row)) for i, row in enumerate(block.row_texts(), 1)]
            elif not isinstance(block, markup.PageBreak):
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


def _line_label(line: BudgetLine) -> str:
    if line.role is Role.ITEM:
        return f"项目“{line.name}”"
    if line.role is Role.SOURCE:
        return f"资金来源“{line.name}”"
    return line.name


def label(path: tuple, prepared: Prepared) -> str:
    """A data or figure path as a clerk would name the thing: ``('收支', '决算')``
    → 部门整体决算, ``('收支', '项目', 2, '决算')`` → 项目“招商业务工作经费”决算,
    ``('自评', '一级指标', 1, '二级指标', 3, '扣分')`` → 指标“管理效率/绩效管理”扣分."""
    evaluated = prepared.evaluated
    for node in evaluated.indicators():
        if path[: len(node.path)] == node.path and not any(
            path[: len(child.path)] == child.path for child in node.children
        ):
            return f"指标“{'/'.join(node.names)}”" + _join(path[len(node.path) :])
    for line in evaluated.budget_lines():
        rest = path[len(line.path) :]
        if path[: len(line.path)] == line.path and len(rest) == 1 and rest[0] in line.figures():
            return _line_label(line) + rest[0]
    return _join(path[1:] if path[:1] == ("收支",) else path)


def _join(path: tuple) -> str:
    return "".join(f"第 {part + 1} 项" if isinstance(part, int) else _PART_NAMES.get(part, part) for part in path)


def _figures(prepared: Prepared) -> dict[str, str]:
    """Every computed figure under the name the report gives it, as it is written."""
    evaluated = prepared.evaluated
    budget = evaluated.budget
    named: list[tuple[str, dict]] = [(_line_label(line), line.figures()) for line in evaluated.budget_lines()]
    named.append((budget.parts.name, budget.parts.figures()))
    named += [(f"收入“{income.name}”", income.values()) for income in budget.income]
    named += [(f"指标“{'/'.join(node.names)}”", node.figures()) for node in evaluated.indicators()]
    named.append(("", {key: value for key, value in budget.figures().items() if not isinstance(value, list | dict)}))
    named.append(("自评", {key: value for key, value in evaluated.evaluation.values().items() if key != "一级指标"}))
    flat = {
        name + key: formats.written(value)
        for name, figures in named
        for key, value in figures.items()
        if value is not None and not isinstance(value, bool | BudgetLine) and key != "名称"
    }
    flat["执行率偏低的项目"] = (
        "、".join(f"{p.name} {formats.percent(p.rate)}" for p in budget.low_rate_projects) or "无"
    )
    return flat


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
