"""The text of a Word document as a reader needs it: its paragraphs and tables
in document order, each paragraph with the number it shows (typed, or Word's
automatic numbering worked out) and its heading level where a style or an
outline level gives one, each table as a grid of cells.

Every text is read once into its reading form (:mod:`.normalise`).  Text in
content controls (``w:sdt``) and tracked insertions is read like any other;
deleted text is not.

Safe on hostile files: the package's size and entries are checked before
anything is unpacked, every number taken from the XML (spans, levels, start
values) is bounded before it is used (one grid reader, :func:`grid`, for reports
and forms), what lies past the bounds is left out and said in
:attr:`Document.left_out`, styles are indexed once, and a .doc is
converted by LibreOffice in a separate, time-limited process; nothing in the
file is ever run.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InvalidInput, error
from ..formats import cn_number
from ..layout import style_id
from . import package
from .normalise import Text
from .normalise import read as read_text

MAX_PARAGRAPHS = 20_000
MAX_CELLS = 200_000
#: Grid columns a table row may have (a report's widest form has about 10).
MAX_COLUMNS = package.MAX_COLUMNS
MAX_ROWS = package.MAX_ROWS
#: How far a chain of styles based on styles is followed.
MAX_STYLE_DEPTH = 10
MAX_LEVELS = 9
MAX_START = 100_000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
CONTAINERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag")
#: The style build gives the last lines of a paragraph it cut in two before the 附件说明 or
#: 落款 (so that they, not the whole paragraph, move to the closing lines' page).
CONTINUATION_STYLE = style_id("continuation")


@dataclass
class Paragraph:
    #: The number Word shows before the text (automatic numbering), and the text.
    label: str
    text: Text
    #: 1–4 for a heading style or outline level, else 0.
    heading: int = 0
    #: Place in the document (paragraphs and tables counted together).
    index: int = 0
    #: In our style for the rest of the paragraph above (:data:`CONTINUATION_STYLE`).
    continues: bool = False

    @property
    def reading(self) -> str:
        return self.text.reading


@dataclass
class Table:
    #: Rows of cells by grid column; a cell spanning columns or merged with the
    #: one above is the same :class:`Text` in each slot it covers.
    rows: list[list[Text]]
    #: The short paragraphs just before it (a title, 单位：元).
    caption: str
    index: int = 0


@dataclass
class Document:
    blocks: list[Paragraph | Table] = field(default_factory=list)
    #: What was left out as past the reader's bounds, one line each, for a 提示.
    left_out: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def read(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"):
        raise InvalidInput(
            [
                error(
                    "PDF 和图片中没有可读取的文字结构：请提供 Word 文件（.docx 或 .doc）；只有 PDF 时，可在 WPS/Word 中把它另存为 .docx"
                )
            ]
        )
    if suffix == ".doc":
        return _read_converted(path)
    if suffix != ".docx":
        raise InvalidInput([error("应为 Word 文件（.docx 或 .doc）")])
    return _read_docx(path)


def _read_converted(path: Path) -> Document:
    from ..rendering import find_office, office_convert

    office = find_office()
    if office is None:
        raise InvalidInput(
            [error("读取 .doc 需要 LibreOffice（未找到）；请安装 LibreOffice，或在 Word/WPS 中把文件另存为 .docx")]
        )
    with tempfile.TemporaryDirectory(prefix="reportgen-import-") as work:
        try:
            converted = office_convert(path, "docx", Path(work), office)
        except (OSError, subprocess.SubprocessError):
            raise InvalidInput([error("LibreOffice 无法转换这个 .doc 文件；请在 Word/WPS 中另存为 .docx")]) from None
        if not converted.exists():
            raise InvalidInput([error("LibreOffice 没有转换出 .docx；请在 Word/WPS 中另存为 .docx")])
        return _read_docx(converted)


def _read_docx(path: Path) -> Document:
    import docx

    parts = package.read(path, "Word 文件（.docx）")
    if "word/document.xml" not in parts:
        raise InvalidInput([error("不是 Word 文档（缺少 word/document.xml）")])
    try:
        word = docx.Document(package.packed(parts))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for a broken package
        raise InvalidInput([error("无法读取这个 .docx 文件（可能已损坏）")]) from None
    reader = _Reader(_Styles(word), _Numbering(word))
    reader.blocks(word.element.body)
    return reader.document


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.document = Document()
        self.cells = 0
        self.count = 0
        self.tables = 0

    def blocks(self, container) -> None:
        for element in container.iterchildren():
            if element.tag == f"{W}p":
                paragraph = self.paragraph(element)
                above = self.document.blocks[-1] if self.document.blocks else None
                if paragraph.continues and isinstance(above, Paragraph):
                    # The last lines of a paragraph that build cut before the 附件说明 or 落款.
                    above.text = read_text(above.text.raw + paragraph.text.raw)
                elif paragraph.text.reading:
                    self.document.blocks.append(paragraph)
                    self.count += 1
            elif element.tag == f"{W}tbl":
                self.document.blocks.append(Table(self.table(element), self.caption(), len(self.document.blocks)))
            elif element.tag in CONTAINERS:
                self.blocks(element)
            elif element.tag == f"{W}altChunk":
                self.document.left_out.append(f"{self.after()}嵌入的另一个文档（altChunk）未读取")
            if self.count > MAX_PARAGRAPHS:
                raise InvalidInput([error("段落过多，不像是一份报告，未读取")])

    def after(self) -> str:
        """Where the next block stands, for a clerk looking for it: after the text before it."""
        before = next((b.reading for b in reversed(self.document.blocks) if isinstance(b, Paragraph)), None)
        if before is None:
            return "文档开头"
        return f"“{before[:20]}{'…' if len(before) > 20 else ''}”之后"

    def caption(self) -> str:
        """The short paragraphs right before a table (its title, its unit)."""
        before = []
        for block in reversed(self.document.blocks):
            if not isinstance(block, Paragraph) or len(before) == 2 or len(block.reading) > 60:
                break
            before.insert(0, block.reading)
        return " ".join(before)

    def paragraph(self, element) -> Paragraph:
        properties = element.find(f"{W}pPr")
        style_id = attribute(properties, f"{W}pStyle")
        level = bounded_int(attribute(properties, f"{W}outlineLvl"), 0, MAX_LEVELS)
        heading = level + 1 if level is not None and level < 4 else self.styles.heading(style_id)
        label = self.numbering.label(properties, self.styles.numbering(style_id))
        continues = style_id == CONTINUATION_STYLE
        return Paragraph(label, read_text(label + text_of(element)), heading, len(self.document.blocks), continues)

    def table(self, element) -> list[list[Text]]:
        self.tables += 1
        rows = [[slot.text for slot in row] for row in grid(element, self.tables, self.document.left_out)]
        self.cells += sum(map(len, rows))
        if self.cells > MAX_CELLS:
            raise InvalidInput([error("表格过大，不像是一份报告，未读取")])
        return rows


@dataclass(frozen=True)
class Slot:
    """One grid column of a table row."""

    text: Text
    #: (row, column) where the cell was typed: the same in every slot a spanning or merged cell covers.
    origin: tuple[int, int]


def grid(table, number: int, left_out: list[str]) -> list[list[Slot]]:
    """The rows of table ``number`` (counted from 1) by grid column: a cell spanning
    columns (``w:gridSpan``, ``w:hMerge``) is the same slot in each, a ``w:vMerge``
    continue cell the one above.  Rows and cells inside content controls are read;
    a nested table's text is its cell's.  Every count and attribute is bounded before
    it is used; what lies past the bounds is left out and said in ``left_out``."""
    empty = read_text("")
    rows: list[list[Slot]] = []
    past: list[int] = []  # rows with text past the last column read
    spans: list[tuple[int, int, str]] = []  # (row, column, value) of a span that is no count of columns
    for r, row in enumerate(children(table, f"{W}tr")):
        if r >= MAX_ROWS:
            left_out.append(f"第 {number} 个表格第 {MAX_ROWS} 行以后的行未读取（只读前 {MAX_ROWS} 行）")
            break
        before = bounded_int(attribute(row.find(f"{W}trPr"), f"{W}gridBefore"), 0, MAX_COLUMNS) or 0
        cells = [Slot(empty, (r, c)) for c in range(before)]
        above = rows[-1] if rows else []
        for tc in children(row, f"{W}tc"):
            column = len(cells)
            if column >= MAX_COLUMNS:
                if cell_text(tc).strip():
                    past.append(r)
                continue
            properties = tc.find(f"{W}tcPr")
            if _continues(properties, f"{W}vMerge") and column < len(above):
                slot = above[column]
            elif _continues(properties, f"{W}hMerge") and cells:
                slot = cells[-1]
            else:
                slot = Slot(read_text(cell_text(tc)), (r, column))
            written = attribute(properties, f"{W}gridSpan")
            span = bounded_int(written, 1, MAX_COLUMNS)
            if span is None and written is not None:
                spans.append((r, column, written))
            cells += [slot] * min(span or 1, MAX_COLUMNS - column)
        rows.append(cells)
    if past:
        left_out.append(
            f"第 {number} 个表格第 {'、'.join(str(r + 1) for r in dict.fromkeys(past))} 行在第 {MAX_COLUMNS} 列以后的文字未读取"
            f"（只读前 {MAX_COLUMNS} 列）"
        )
    if spans:
        r, column, written = spans[0]
        more = f"等 {len(spans)} 处" if len(spans) > 1 else ""
        left_out.append(
            f"第 {number} 个表格第 {r + 1} 行第 {column + 1} 列{more}的跨列数 gridSpan=“{written[:20]}”不是 1 到 {MAX_COLUMNS}"
            "，按 1 列读取"
        )
    return rows


def children(element, tag: str):
    """Direct children of that tag, also inside content controls (never a nested table's)."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in CONTAINERS:
            yield from children(child, tag)


def _continues(properties, tag: str) -> bool:
    """A ``w:vMerge``/``w:hMerge`` that continues the cell before (not one that restarts, or any other value)."""
    found = properties.find(tag) if properties is not None else None
    return found is not None and found.get(f"{W}val") in (None, "continue")


def attribute(properties, tag: str) -> str | None:
    if properties is None:
        return None
    found = properties.find(tag)
    return found.get(f"{W}val") if found is not None else None


def bounded_int(value: str | None, low: int, high: int) -> int | None:
    """An integer attribute, or None when it is missing, not a number or out of range."""
    if value is None or not re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        return None
    number = int(value)
    return number if low <= number <= high else None


#: Text under these is not what the document shows (deleted, moved away, a copy for old readers).
HIDDEN = (f"{W}del", f"{W}moveFrom", FALLBACK)


def text_of(element) -> str:
    """The text a paragraph shows, a line break as a line break (:func:`.normalise.tidy`
    tells the layout's breaks from the clerk's spaces)."""
    pieces = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if any(ancestor.tag in HIDDEN for ancestor in node.iterancestors()):
            continue
        tag = node.tag
        pieces.append(
            node.text or ""
            if tag == f"{W}t"
            else "\n"
            if tag in (f"{W}br", f"{W}cr")
            else "-"
            if tag == f"{W}noBreakHyphen"
            else " "
        )
    return "".join(pieces)


def cell_text(cell) -> str:
    """A table cell's paragraphs, each on a line of its own."""
    return "\n".join(text_of(p).strip() for p in cell.iter(f"{W}p"))


class _Styles:
    """Each paragraph style's heading level and numbering, worked out once
    (following ``basedOn``), so that a paragraph costs one look-up."""

    def __init__(self, word) -> None:
        elements = {}
        try:
            root = word.styles.element
        except (KeyError, AttributeError, NotImplementedError):
            root = None
        for style in root.iter(f"{W}style") if root is not None else ():
            style_id = style.get(f"{W}styleId")
            if style_id and style_id not in elements:
                elements[style_id] = style
        self._headings: dict[str, int] = {}
        self._numbers: dict[str, tuple[str, int]] = {}
        for style_id in elements:
            chain = []
            at = style_id
            while at in elements and at not in chain and len(chain) < MAX_STYLE_DEPTH:
                chain.append(at)
                at = attribute(elements[at], f"{W}basedOn")
            self._headings[style_id] = next((h for h in (_style_heading(elements[s]) for s in chain) if h), 0)
            number = next((n for n in (_style_number(elements[s]) for s in chain) if n), None)
            if number is not None:
                self._numbers[style_id] = number

    def heading(self, style_id: str | None) -> int:
        return self._headings.get(style_id or "", 0)

    def numbering(self, style_id: str | None) -> tuple[str, int] | None:
        return self._numbers.get(style_id or "")


def _style_heading(style) -> int:
    name = attribute(style, f"{W}name") or style.get(f"{W}styleId") or ""
    found = re.match(r"^\s*(?:heading|标题)\s*(\d)\s*$", name, re.IGNORECASE)
    if found and 1 <= int(found.group(1)) <= 4:
        return int(found.group(1))
    level = bounded_int(attribute(style.find(f"{W}pPr"), f"{W}outlineLvl"), 0, MAX_LEVELS)
    return level + 1 if level is not None and level < 4 else 0


def _style_number(style) -> tuple[str, int] | None:
    properties = style.find(f"{W}pPr/{W}numPr")
    number = attribute(properties, f"{W}numId")
    if number is None:
        return None
    return number, bounded_int(attribute(properties, f"{W}ilvl"), 0, MAX_LEVELS - 1) or 0


class _Numbering:
    """Word's automatic numbering, worked out as Word shows it: for each list
    and level, its format (一, 1, …), its text ("%1、", "（%1）") and start."""

    def __init__(self, word) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = word.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for definition in root.iter(f"{W}abstractNum"):
            levels = {}
            for level in definition.iter(f"{W}lvl"):
                ilvl = bounded_int(level.get(f"{W}ilvl"), 0, MAX_LEVELS - 1)
                if ilvl is None:
                    continue
                levels[ilvl] = (
                    attribute(level, f"{W}numFmt") or "decimal",
                    (attribute(level, f"{W}lvlText") or "")[:40],
                    bounded_int(attribute(level, f"{W}start"), 0, MAX_START) or 1,
                )
            abstract.setdefault(definition.get(f"{W}abstractNumId") or "", levels)
        for number in root.iter(f"{W}num"):
            levels = dict(abstract.get(attribute(number, f"{W}abstractNumId") or "", {}))
            for override in number.iter(f"{W}lvlOverride"):
                ilvl = bounded_int(override.get(f"{W}ilvl"), 0, MAX_LEVELS - 1)
                start = bounded_int(attribute(override, f"{W}startOverride"), 0, MAX_START)
                if ilvl in levels and start is not None:
                    levels[ilvl] = (*levels[ilvl][:2], start)
            for ilvl, spec in levels.items():
                self.levels.setdefault((number.get(f"{W}numId") or "", ilvl), spec)

    def label(self, properties, from_style: tuple[str, int] | None) -> str:
        number = properties.find(f"{W}numPr") if properties is not None else None
        if number is not None and attribute(number, f"{W}numId") is not None:
            key = (attribute(number, f"{W}numId"), bounded_int(attribute(number, f"{W}ilvl"), 0, MAX_LEVELS - 1) or 0)
        elif from_style is not None:
            key = from_style
        else:
            return ""
        if key not in self.levels or key[0] == "0":
            return ""
        counters = self.counters.setdefault(key[0], [0] * MAX_LEVELS)
        ilvl = key[1]
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            counters[deeper] = 0
        fmt, text, _ = self.levels[key]

        def value(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            if not 0 <= level < MAX_LEVELS:
                return ""
            spec = self.levels.get((key[0], level), (fmt, text, 1))
            return _format_number(counters[level] + spec[2] - 1, spec[0])

        return re.sub(r"%(\d)", value, text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
        return cn_number(n) if 0 < n < 100 else str(n)
    if fmt == "decimalEnclosedCircle" and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("upperLetter", "lowerLetter") and 0 < n <= 26:
        return chr((0x41 if fmt == "upperLetter" else 0x61) + n - 1)
    return str(n)
