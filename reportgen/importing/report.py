"""A report typed by hand, read back into the data model.

The readers run in turn over one :class:`~.sections.Reading` of the document
(:mod:`.sections` for the structure and plain text, :mod:`.budget` for the
amounts, :mod:`.evaluation` for the score sheet and goals).  Each marks what
it used; whatever no reader used is kept, in document order under its
heading, for the closing comment of the data file, so nothing of the report
is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import budget, evaluation, sections
from .document import Document, Paragraph, Table


@dataclass
class Imported:
    """The data read from a report, and what goes into comments beside it."""

    data: dict
    #: Data path → why it is 待填写 (a comment for the clerk).
    gaps: dict[tuple, str] = field(default_factory=dict)
    #: Data path → where its value was read.
    sources: dict[tuple, str] = field(default_factory=dict)
    #: Data path → a remark that is neither.
    notes: dict[tuple, str] = field(default_factory=dict)
    #: What no reader used: (heading, texts) in document order.
    leftovers: list[tuple[str, list[str]]] = field(default_factory=list)


def read_report(
    document: Document, required: Callable[[str], tuple[str, ...]], completion: Callable
) -> Imported:
    """``required(outline)`` are the sections an outline cannot do without;
    ``completion(target, achieved, full)`` the score of the 完成比例 rule."""
    reading = sections.new_reading(document)
    chosen = sections.outline(reading)
    reading.data["提纲"] = chosen
    if chosen is None:
        reading.gaps[("提纲",)] = "标题用语既像广东提纲又像财政部提纲（或都不像），请填写“广东”或“财政部”"
    sections.title(reading)
    sections.department_rows(reading)
    name = sections.self_name(reading)
    if name:
        reading.data["自称"] = name
    sections.signature(reading)
    sections.attachments(reading)
    needed = required(chosen or "广东")
    sections.duties(reading)
    sections.staffing(reading)
    sections.key_tasks(reading, needed)
    evaluation.goals(reading)
    budget.read(reading)
    sections.management(reading, needed)
    evaluation.read(reading, completion)
    sections.closing_sections(reading)
    data = {key: reading.data[key] for key in reading.data if reading.data[key] is not None or (key,) in reading.gaps}
    return Imported(data, reading.gaps, reading.sources, reading.notes, _leftovers(reading))


def _leftovers(reading: sections.Reading) -> list[tuple[str, list[str]]]:
    headings = {s.block.index: s for s in reading.sections if s.block is not None}
    groups: list[tuple[str, list[str]]] = [("", [])]
    unnamed = set()
    for block in reading.document.blocks:
        if isinstance(block, Paragraph):
            if block.index in headings:
                groups.append((block.text.written(), []))
                if headings[block.index].key is None:
                    unnamed.add(len(groups) - 1)
            elif block.index not in reading.used:
                groups[-1][1].append(block.text.written())
        elif isinstance(block, Table):
            for number, row in enumerate(block.rows, 1):
                if (block.index, number) in reading.used_rows:
                    continue
                cells = [c.written() for c in dict.fromkeys(row) if c.reading]
                if cells:
                    groups[-1][1].append(f"{reading.table_name(block)}第{number}行：" + "｜".join(cells))
    # A heading that names no section is kept even when nothing under it is left.
    return [(heading, texts) for i, (heading, texts) in enumerate(groups) if texts or i in unnamed]
