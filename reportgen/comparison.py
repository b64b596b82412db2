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
from decimal import Decimal

from . import formats
from .diagnostics import format_path
from .pipeline import Prepared

#: How a figure is written, by the last key of its path.
_FIGURE_FORMATS = {
    "执行率": formats.percent,
    "调整预算": formats.money,
    "决算": formats.money,
    "年初预算": formats.money,
    "得分": formats.score,
    "扣分": formats.score,
    "满分": formats.score,
    "总分": formats.score,
}
_TOKEN = re.compile(r"[0-9A-Za-z.%]+|.", re.S)
_SHORT = 40


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ParagraphChange:
    #: 1-based position in the new report (in the old one for a removed paragraph).
    number: int
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
    inputs = _changes(_leaves(old.source.data), _leaves(new.source.data))
    # An amount the clerk typed is also a figure of the report; say it once.
    typed = {(c.field, c.old, c.new) for c in inputs}
    figures = [c for c in _changes(_figures(old), _figures(new)) if (c.field, c.old, c.new) not in typed]
    return Comparison(inputs, figures, _paragraph_changes(_texts(old), _texts(new)))


def _texts(prepared: Prepared) -> list[str]:
    """Each paragraph's text; each table row counts as a paragraph."""
    texts = []
    for block in prepared.blocks:
        if block.kind == "table":
            texts += ["｜".join(cell.text for cell in row) for row in block.rows]
        else:
            texts.append("".join(block.lines) if block.lines else block.text)
    return texts


def _leaves(data: dict) -> dict[str, str]:
    leaves = {}
    for path, value in _flatten(data, ()).items():
        text = "" if value is None else str(value)
        leaves[format_path(path)] = text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"
    return leaves


def _figures(prepared: Prepared) -> dict[str, str]:
    dump = prepared.figures.model_dump(by_alias=True)
    low = dump["收支"].pop("执行率偏低项目")
    dump["收支"].pop("项目")  # listed by name below, not by position
    flat = {}
    for key, value in _flatten(dump, ()).items():
        name = key[-1]
        if isinstance(value, bool):
            continue
        write = _FIGURE_FORMATS.get(name, str) if isinstance(value, Decimal | None) else str
        flat[format_path(key)] = write(value)
    for project in prepared.figures.budget.projects:
        flat[f"收支.项目“{project.name}”.执行率"] = formats.percent(project.rate)
    flat["收支.执行率偏低项目"] = "、".join(f"{p['名称']} {formats.percent(p['执行率'])}" for p in low) or "无"
    # Name the scoring items rather than numbering them.
    return {_name_indicators(key, prepared): value for key, value in flat.items()}


def _flatten(value, path: tuple) -> dict[tuple, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flatten(item, path + (key,)).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, path + (i,)).items()}
    return {path: value}


def _name_indicators(key: str, prepared: Prepared) -> str:
    """``自评.一级指标[2].二级指标[4].得分`` → ``自评“管理效率/绩效管理”.得分``."""
    match = re.match(r"自评\.一级指标\[(\d+)\](?:\.二级指标\[(\d+)\])?(?:\.三级指标\[(\d+)\])?\.(.+)", key)
    if not match:
        return key
    node = prepared.report.evaluation
    names = []
    for position in match.groups()[:3]:
        if position is None:
            break
        children = node.dimensions if not names else node.children
        node = children[int(position) - 1]
        names.append(node.name)
    return f"自评“{'/'.join(names)}”.{match.group(4)}"


def _changes(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    changes = []
    for field in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(field, "（无）"), new.get(field, "（无）")
        if before != after:
            changes.append(Change(field, before, after))
    return changes


def _paragraph_changes(old: list[str], new: list[str]) -> list[ParagraphChange]:
    changes = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for kind, a0, a1, b0, b1 in matcher.get_opcodes():
        if kind == "equal":
            continue
        pairs = min(a1 - a0, b1 - b0) if kind == "replace" else 0
        for offset in range(pairs):
            changes.append(ParagraphChange(b0 + offset + 1, word_diff(old[a0 + offset], new[b0 + offset])))
        for i in range(a0 + pairs, a1):
            changes.append(ParagraphChange(i + 1, [("old", old[i])]))
        for j in range(b0 + pairs, b1):
            changes.append(ParagraphChange(j + 1, [("new", new[j])]))
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
