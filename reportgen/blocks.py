"""Stage 6's output: the typed document the markup reader makes and typesetting lays out.

A :class:`Document` (pandoc's idea) is a list of parts (the report, then each
attachment, from its 附件 label on), each with its label, its title and its
blocks, every block one of a closed set of types; a later stage matches on the
type, never on a name.  A table is a grid in which a spanning cell is referenced
from every slot it covers.  The reader is :mod:`reportgen.markup`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostic


@dataclass(frozen=True)
class Run:
    text: str
    run_in: bool = False


def joined(runs: tuple[Run, ...]) -> str:
    return "".join(run.text for run in runs)


@dataclass(frozen=True)
class AttachmentLabel:
    """附件1 (GB/T 9704 8): the first line of an attachment."""

    text: str


@dataclass(frozen=True)
class Title:
    #: Each line is a place where the title may break.
    lines: tuple[str, ...]
    #: The part it opens is set on landscape pages.
    landscape: bool = False

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class Heading:
    #: 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）.
    level: int
    #: The literal number that precedes the text ("一、", "（二）", "3.").
    number: str
    runs: tuple[Run, ...]

    @property
    def title(self) -> str:
        return joined(self.runs)

    @property
    def text(self) -> str:
        return self.number + self.title


@dataclass(frozen=True)
class Item:
    """A numbered entry one level below the heading above it."""

    #: As for headings, and 5 = ①.
    level: int
    number: str
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return self.number + joined(self.runs)


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return joined(self.runs)


@dataclass(frozen=True)
class Caption:
    """A table's or a section's own title line, centred (表1 ××情况表)."""

    text: str


@dataclass(frozen=True)
class UnitLine:
    """单位：万元, right-aligned above a table."""

    text: str


@dataclass(frozen=True)
class _Lines:
    """A block of lines, each set as a line (or paragraph) of its own."""

    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class TableNotes(_Lines):
    """Lines under a table that belong to it (a form's 填报单位, 填报人, 注), a paragraph each."""


@dataclass(frozen=True)
class AttachmentList(_Lines):
    """附件：1.…, one line an attachment (7.3.4)."""


@dataclass(frozen=True)
class Signature:
    """The signing organ and, below it, the date (7.3.5)."""

    organ: str
    dates: tuple[str, ...] = ()
    #: Laid out for a seal (7.3.5.1: ``{.signature .sealed}``), else without (7.3.5.2).
    sealed: bool = False

    @property
    def text(self) -> str:
        return self.organ + "".join(self.dates)


@dataclass(eq=False)
class Cell:
    """A table cell, at the grid slot of its top-left corner."""

    text: str
    #: left | right | center
    align: str = "left"
    header: bool = False
    row: int = 0
    column: int = 0
    #: How many grid rows and columns it covers (``[]{.merged}`` below it and
    #: ``[]{.joined}`` to its right widen it).
    rows: int = 1
    columns: int = 1
    #: It holds an organ's name (``[名称]{.organ}``): lines break between its words only.
    organ: bool = False
    #: The rows it is merged over stay on one page (``[年度总体目标]{.together}``).
    together: bool = False


@dataclass(frozen=True)
class ColumnWidth:
    """A column's width as the template sets it: a share of what the fixed
    columns leave (``3``), or a width in characters of the table's text (``6字``)."""

    value: float
    chars: bool = False


@dataclass(frozen=True)
class Table:
    #: ``slots[r][c]``: the cell covering row r, column c (a spanning cell is
    #: referenced from every slot it covers).
    slots: tuple[tuple[Cell, ...], ...]
    #: How many rows at the top are column headings (repeated on every page).
    header_rows: int = 1
    #: The widths the template sets (``{widths="3 1 1 6字"}``); None: measured from the text.
    widths: tuple[ColumnWidth, ...] | None = None
    #: ``{.continued}``: it goes on from the table above it, with no space between (one
    #: form in two tables, so that the second's own heading rows repeat on every page).
    continues: bool = False

    @property
    def columns(self) -> int:
        return len(self.slots[0]) if self.slots else 0

    def cells(self) -> list[Cell]:
        """Each cell once, in reading order."""
        return [cell for r, row in enumerate(self.slots) for c, cell in enumerate(row) if starts(cell, r, c)]

    def row_texts(self) -> list[list[str]]:
        """Each row's cells as read across it (a spanned slot read once, a merged one as empty)."""
        return [
            [(cell.text if cell.row == r else "") for c, cell in enumerate(row) if cell.column == c]
            for r, row in enumerate(self.slots)
        ]


def starts(cell: Cell, row: int, column: int) -> bool:
    """Whether the slot (row, column) is the cell's top-left corner."""
    return cell.row == row and cell.column == column


@dataclass(frozen=True)
class CoverLines(_Lines):
    """Lines of a cover page, each a line of its own."""

    centred: bool = False


@dataclass(frozen=True)
class PageBreak:
    """The next block starts a page."""

    text: str = ""


Block = (
    Heading
    | Item
    | Paragraph
    | Table
    | Caption
    | UnitLine
    | TableNotes
    | AttachmentList
    | Signature
    | CoverLines
    | PageBreak
)


@dataclass
class Part:
    """The report, or one attachment, or a cover page: its 附件 label, title and blocks."""

    label: AttachmentLabel | None = None
    title: Title | None = None
    blocks: list[Block] = field(default_factory=list)
    #: A cover page: no page number; the page after it is page 1.
    cover: bool = False

    def in_order(self) -> list:
        """Its 附件 label and title (those it has), then its blocks: as they are set."""
        return [block for block in (self.label, self.title) if block is not None] + self.blocks

    @property
    def landscape(self) -> bool:
        return self.title is not None and self.title.landscape


@dataclass
class Document:
    #: The report first, then its attachments.
    parts: list[Part]
    #: What reads as a slip of the template though it can be typeset (a table without rows),
    #: said at the template line that wrote it.
    warnings: list[Diagnostic] = field(default_factory=list)
