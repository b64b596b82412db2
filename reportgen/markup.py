"""Stage 6: the structured text the templates write, read into numbered blocks.

The structured text is a Markdown subset (parsed by markdown-it-py):

==========================  =================================================
``# 标题``                   level-1 heading, numbered 一、二、… (or as the
                             outline's ``编号`` says, for levels 1 to 4)
``## 标题``                  level-2 heading, numbered （一）（二）…
``### 标题``                 level-3 heading, numbered 1. 2. …
``#### 标题``                level-4 heading, numbered （1）（2）…
``1. 文字``                  numbered item one level below the heading above it
                             (under （一）: 1.; nested or under 1.: （1）)
``[小标题。]{.runin}正文``   run-in heading at the start of a paragraph or item
``{.title}`` + lines         document title; each line is a place it may break
                             (``{.title .landscape}``: that attachment on
                             landscape pages)
``{.attachment}`` + text     the 附件 label above the title
``{.signature}`` + lines     signing organ, then date (``{.signature .sealed}``:
                             laid out for a seal, GB/T 9704 7.3.5.1)
``{.attachments}`` + lines   the list of attachments after the body (附件：1.…)
``{.unit}`` + text           a table's unit, right-aligned above it (单位：万元)
``{.notes}`` + lines         lines under the table above it (填报单位…, 注：…):
                             its last row, a paragraph each, on the page of
                             the rows above
``{.cover}`` + lines         a line each of a cover page (部门（单位）名称：…);
                             ``{.cover .center}`` centres them (××财政局（制）).
                             A cover is the title before them and its lines;
                             the first other block starts the body.  It has no
                             page number, and the page after it is page 1
``{.pagebreak}`` before a    that block starts a new page
block
``{widths="3 1 6字"}``,       before a table: its column widths (shares of the
``{header=2}``               版心, or characters), and how many rows head it
                             (repeated on every page); ``{.continued}``: the
                             table goes on from the one above, no space between
``| a | b |`` table          a table; the alignment row sets each column's
                             alignment; a cell ``[]{.merged}`` continues the
                             cell above it (vertically merged), a cell
                             ``[]{.joined}`` the cell to its left (one cell
                             spanning both columns); ``[文字]{.right}``
                             (``.left``, ``.center``) aligns one cell;
                             ``[名称]{.organ}``: the cell holds an organ's
                             name, its lines broken between its words;
                             ``[名称]{.together}``: the rows it is merged
                             over stay on one page
plain paragraph              body text
==========================  =================================================

What comes out is the typed document of :mod:`reportgen.blocks` (a list of
parts, each with its label, its title and its blocks).  Numbers come only from this
structure (the n-th item is "n."), never from the data or the template's own
digits; each part numbers its headings afresh.  A table is a grid in which a
A structure outside
this set (``#####``, a bullet list, a cell merged with nothing) is refused
with the line of the template's output it stands on.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin

from .blocks import (
    AttachmentLabel,
    AttachmentList,
    Block,
    Caption,
    Cell,
    ColumnWidth,
    CoverLines,
    Document,
    Heading,
    Item,
    PageBreak,
    Paragraph,
    Part,
    Run,
    Signature,
    Table,
    TableNotes,
    Title,
    UnitLine,
    joined,
)
from .diagnostics import Diagnostic, InvalidInput, error, warning
from .formats import CHINESE_DIGIT, HEADING_NUMBERS, numbered_by

_CJK = re.compile(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F“”‘’…—]")


def number(level: int, n: int, numbering: tuple[str, ...] = HEADING_NUMBERS) -> str:
    """The numbering of the n-th entry at a level: GB/T 9704 7.3.3's, or the
    outline's own patterns for levels 1 to 4; ① below them."""
    if level <= len(numbering):
        return numbered_by(numbering[level - 1], n)
    return chr(0x2460 + n - 1) if n <= 20 else f"{n})"


_PARSER = MarkdownIt("commonmark", {"html": False}).use(attrs_block_plugin).use(attrs_plugin, spans=True)
_PARSER.enable("table")
_PARSER.disable(["code", "fence", "html_block", "html_inline", "image", "link", "autolink", "backticks"])
_ALIGNMENT = re.compile(r"text-align:(left|right|center)")
#: Heading levels the structured text has (GB/T 9704 7.3.3 numbers four).
HEADING_LEVELS = 4
#: A cell ``[9.51]{.right}`` is aligned so whatever its column's alignment.
_CELL_ALIGNMENTS = ("left", "right", "center")
#: 一、 and （一） are written in Chinese numerals up to 九十九.
MAX_CHINESE_NUMBER = 99
#: The tokens that open a block of the structured text.
_BLOCK_OPENERS = ("heading_open", "paragraph_open", "table_open", "ordered_list_open")
#: Structures markdown-it knows that the structured text does not have.
_UNSUPPORTED = {
    "bullet_list_open": "无序列表（以 - 、* 或 + 开头的行）",
    "blockquote_open": "引用（以 > 开头的行）",
    "hr": "分隔线（---、***）",
}


#: A template file and a line of it (see :attr:`reportgen.wording.Wording.origin_of`).
Origin = tuple[str, int]


def parse(
    text: str,
    origin_of: Callable[[int], Origin | None] = lambda line: None,
    numbering: tuple[str, ...] = HEADING_NUMBERS,
    line_chars: int | None = None,
) -> Document:
    """``origin_of`` gives the template line that wrote a line of ``text``
    (0-based), so that what cannot be read is reported there; ``numbering`` are
    the outline's number patterns of heading levels 1 to 4; ``line_chars``, how
    many characters a line of the portrait 版心 holds, bounds the texts set on
    one line (see :data:`ONE_LINE_BLOCKS`)."""
    reader = _Reader(text.splitlines(), origin_of, numbering, line_chars)
    for line, text_line in enumerate(reader.lines):
        alone = _MARKER_LINE.fullmatch(text_line)
        if alone and line > 0 and reader.lines[line - 1].strip() and not _MARKER_LINE.fullmatch(reader.lines[line - 1]):
            raise refused_at(
                reader,
                line,
                f"标记 {alone.group(1)} 的上一行要空着：紧接在文字之后，它会被当作那一段的文字印出"
                "（模板中行末的 {% … %} 会吞掉换行，空行也随之没了）",
            )
        below = reader.lines[line + 1] if line + 1 < len(reader.lines) else ""
        if alone and not _MARKER_LINE.fullmatch(below):
            if not below.strip():  # str.strip: a line of full-width spaces marks nothing either
                raise refused_at(
                    reader,
                    line,
                    f"标记 {alone.group(1)} 的下一行是空的：它标的是紧接在它下一行的段落或表格，"
                    "空着时它会被丢掉或标到更后面的段落上",
                )
        # Searched from after the line's first character, not with a leading \S.*?, which
        # tries every start of a long paragraph's line (quadratic: 20 ms a report).
        start = len(text_line) - len(text_line.lstrip()) + 1
        inside = _MARKER_INSIDE.search(text_line, start) if start <= len(text_line) else None
        if inside:
            raise refused_at(
                reader,
                line,
                f"标记 {inside.group(1)} 要单独占一行，写在它所标的段落或表格的前一行（模板中的 {{#- … -#}}、"
                "{%- … %} 或行末的 {% … %} 会吞掉换行，把它接到了别的文字上）",
            )
    return reader.read(_PARSER.parse(text))


#: A block's marker ({.unit}, {widths=…}) that is not at the start of its line, as
#: when a template's whitespace control joined it to the text before: it would be
#: printed as text.  Data cannot make one (its punctuation is escaped); a cell's
#: span ([9.51]{.right}) follows a "]".
_MARKER_LINE = re.compile(r"\s*(\{(?:\.[a-z]+|widths=|header=)[^{}\n]*\})\s*")
_MARKER_INSIDE = re.compile(r"(?<![\\\]])(\{(?:\.[a-z]+|widths=|header=)[^{}\n]*\})")


def refused(reader: _Reader, token: Token, problem: str) -> InvalidInput:
    """The template's output cannot be typeset: said at the template line that wrote
    it, with the line of the output it stands on."""
    if token.map is None:
        return InvalidInput([error(f"模板输出中{problem}")])
    return refused_at(reader, token.map[0], problem)


def refused_at(reader: _Reader, line: int, problem: str) -> InvalidInput:
    return InvalidInput([said_at(reader, line, problem, error)])


def said_at(reader: _Reader, line: int, problem: str, level: Callable[..., Diagnostic]) -> Diagnostic:
    """A problem of the output's ``line`` (0-based), at the template line that wrote it."""
    if (
        0 < line < len(reader.lines)
        and not reader.lines[line].strip()
        and _MARKER_LINE.fullmatch(reader.lines[line - 1])
    ):
        line -= 1  # a line of full-width spaces has no template line of its own: its marker's is said
    shown = reader.lines[line].strip() if line < len(reader.lines) else ""
    message = f"模板输出的第 {line + 1} 行“{_shortened(shown)}”：{problem}"
    origin = reader.origin_of(line)
    if origin is None:
        return level(message)
    file, template_line = origin
    return level(message, file=file, line=template_line)


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Reader:
    def __init__(
        self,
        lines: list[str],
        origin_of: Callable[[int], Origin | None],
        numbering: tuple[str, ...] = HEADING_NUMBERS,
        line_chars: int | None = None,
    ) -> None:
        self.lines, self.origin_of, self.numbering, self.line_chars = lines, origin_of, numbering, line_chars
        self.warnings: list[Diagnostic] = []
        self.parts = [Part()]
        #: Counters of headings at levels 1..4 within the current part.
        self.headings = [0] * (HEADING_LEVELS + 1)
        self.heading_level = 0
        #: One counter per open ordered list.
        self.lists: list[int] = []
        #: The table being read: its rows of (cell, merged) as written, and the token opening it.
        self.rows: list[list[tuple[Cell, bool]]] = []
        self.table_token: Token | None = None

    def read(self, tokens: list[Token]) -> Document:
        for index, token in enumerate(tokens):
            handler = getattr(self, f"_{token.type}", None)
            classes = str(token.attrs.get("class", "")).split()
            if self.part.cover and token.type in _BLOCK_OPENERS and "cover" not in classes:
                self._begin_part()  # the cover ends with its last lines
            if "pagebreak" in classes:
                self._add(PageBreak())
            if handler is not None:
                handler(token, tokens[index + 1] if index + 1 < len(tokens) else None)
            elif token.type in _UNSUPPORTED:
                raise refused(self, token, f"不支持{_UNSUPPORTED[token.type]}")
        parts = [part for part in self.parts if part.label or part.title or part.blocks]
        return Document(parts, self.warnings)

    @property
    def part(self) -> Part:
        return self.parts[-1]

    def _begin_part(self) -> None:
        self.parts.append(Part())
        self.headings = [0] * len(self.headings)
        self.heading_level = 0

    def _add(self, block: Block) -> None:
        self.part.blocks.append(block)
        self.part.cover = self.part.cover or isinstance(block, CoverLines)

    def _heading_open(self, token: Token, inline: Token | None) -> None:
        level = int(token.tag[1])
        if level > HEADING_LEVELS:
            raise refused(
                self, token, f"不支持{level}级标题（标题最多 {HEADING_LEVELS} 级：# 至 {'#' * HEADING_LEVELS}）"
            )
        self.headings[level] += 1
        for deeper in range(level + 1, len(self.headings)):
            self.headings[deeper] = 0
        self.heading_level = level
        self._add(Heading(level, self._number(token, level, self.headings[level]), _runs(inline)))

    def _number(self, token: Token, level: int, n: int) -> str:
        chinese = level <= len(self.numbering) and CHINESE_DIGIT in self.numbering[level - 1]
        if chinese and n > MAX_CHINESE_NUMBER:
            raise refused(self, token, f"同一级的标题或条目超过 {MAX_CHINESE_NUMBER} 个，无法用汉字编号")
        return number(level, n, self.numbering)

    def _ordered_list_open(self, token: Token, _next: Token | None) -> None:
        self.lists.append(0)

    def _ordered_list_close(self, token: Token, _next: Token | None) -> None:
        self.lists.pop()

    def _list_item_open(self, token: Token, _next: Token | None) -> None:
        self.lists[-1] += 1

    def _paragraph_open(self, token: Token, inline: Token | None) -> None:
        classes = [c for c in str(token.attrs.get("class", "")).split() if c != "pagebreak"]
        css = classes[0] if classes else None
        if css == "attachment":
            self._begin_part()
            self.part.label = AttachmentLabel(self._one_line(token, css, inline))
        elif css == "title":
            lines = _lines(inline)
            if title_too_long(lines):
                raise refused(self, token, f"标题过长：{title_too_long(lines)}")
            # A title opens a part of its own unless it follows its part's 附件 label.
            if self.part.title or self.part.blocks:
                self._begin_part()
            self.part.title = Title(tuple(lines), landscape="landscape" in classes)
        elif css == "signature":
            lines = _lines(inline)
            if not lines:
                raise refused(self, token, "落款没有内容")
            self._add(Signature(lines[0], tuple(lines[1:]), sealed="sealed" in classes))
        elif css == "attachments":
            self._add(AttachmentList(self._attachment_names(token, inline)))
        elif css == "unit":
            self._add(UnitLine(self._one_line(token, css, inline)))
        elif css == "notes":
            if not self.part.blocks or not isinstance(self.part.blocks[-1], Table):
                raise refused(self, token, "{.notes} 的各行须紧接在表格之后")
            self._add(TableNotes(tuple(_lines(inline))))
        elif css == "caption":
            self._add(Caption(self._one_line(token, css, inline)))
        elif css == "cover":
            lines = _lines(inline)
            if not lines:
                raise refused(self, token, "封面没有内容")
            self._add(CoverLines(tuple(lines), centred="center" in classes))
        elif self.lists and token.level == _item_paragraph_level(len(self.lists)):
            level = max(self.heading_level, 2) + len(self.lists)
            self._add(Item(level, self._number(token, level, self.lists[-1]), _runs(inline)))
        else:
            self._add(Paragraph(_runs(inline)))

    def _one_line(self, token: Token, css: str, inline: Token | None) -> str:
        """The text of a 附件 label, a unit or a caption, refused when longer than
        the lines the layout gives it (a Latin letter counted as a whole character)."""
        what, lines = ONE_LINE_BLOCKS[css]
        text = joined(_runs(inline))
        room = None if self.line_chars is None else self.line_chars * lines
        if room is not None and len(text) > room:
            within = ("一行", "两行")[lines - 1]
            raise refused(self, token, f"{what}过长：{len(text)} 个字（最多 {room} 个字，须在{within}之内）")
        return text

    def _attachment_names(self, token: Token, inline: Token | None) -> tuple[str, ...]:
        """The 附件说明's entries; an attachment's name there is its title (GB/T 9704 8), as long at most."""
        entries = tuple(_lines(inline))
        start, end = token.map or (0, 0)
        written = [line for line in range(start, end) if self.lines[line].strip()]
        for i, entry in enumerate(entries):
            number = ATTACHMENT_NUMBER.match(entry)
            name = entry[number.end() :] if number else entry
            if len(name) > MAX_TITLE_CHARS:
                problem = f"附件说明中的名称过长：{len(name)} 个字（与附件的标题相同，最多 {MAX_TITLE_CHARS} 个字）"
                raise refused_at(self, written[i] if i < len(written) else start, problem)
        return entries

    def _table_open(self, token: Token, _next: Token | None) -> None:
        self.rows, self.table_token = [], token
        self.chosen: set[tuple[int, int]] = set()

    def _tr_open(self, token: Token, _next: Token | None) -> None:
        self.rows.append([])
        if token.map is None or self.table_token is None or self.table_token.map is None:
            return
        written = _cells_written(self.lines[token.map[0]])
        columns = _cells_written(self.lines[self.table_token.map[0]])
        if written > columns:
            # markdown-it drops the cells past the header's: their text would be lost unsaid.
            raise refused(
                self,
                token,
                f"表格第 {len(self.rows)} 行有 {written} 个单元格，多于第 1 行的 {columns} 个（多出的会被丢掉）",
            )

    def _th_open(self, token: Token, inline: Token | None) -> None:
        self._cell(token, inline, header=True)

    def _td_open(self, token: Token, inline: Token | None) -> None:
        self._cell(token, inline, header=False)

    def _cell(self, token: Token, inline: Token | None, header: bool) -> None:
        alignment = _ALIGNMENT.search(str(token.attrs.get("style", "")))
        children = inline.children if inline is not None and inline.children else []
        classes = {c.attrs.get("class") for c in children if c.type == "span_open"}
        row = self.rows[-1]
        if "joined" in classes and row:
            row[-1][0].columns += 1
            return
        text = joined(_runs(inline))
        chosen = next((name for name in _CELL_ALIGNMENTS if name in classes), None)
        if chosen:
            self.chosen.add((len(self.rows) - 1, len(row)))
        align = chosen or ("center" if header else (alignment.group(1) if alignment else "left"))
        cell = Cell(text, align, header, organ="organ" in classes, together="together" in classes)
        row.append((cell, "merged" in classes))

    def _table_close(self, token: Token, _next: Token | None) -> None:
        assert self.table_token is not None
        token = self.table_token

        def refuse(problem: str) -> InvalidInput:
            return refused(self, token, problem)

        header_rows = _header_rows(token.attrs.get("header"), len(self.rows), refuse)
        for r, row in enumerate(self.rows[1:header_rows], 1):
            for i, (cell, _) in enumerate(row):
                cell.header = True
                cell.align = cell.align if (r, i) in self.chosen else "center"
        slots = _grid(self.rows, refuse)
        widths = _widths(token.attrs.get("widths"), len(slots[0]) if slots else 0, refuse)
        continues = "continued" in str(token.attrs.get("class", "")).split()
        if continues and not (self.part.blocks and isinstance(self.part.blocks[-1], Table)):
            raise refuse("{.continued} 的表格须紧接在另一个表格之后")
        if len(slots) <= header_rows:
            self._warn_empty(token, slots)
        self._add(Table(slots, header_rows, widths, continues))

    def _warn_empty(self, token: Token, slots: tuple[tuple[Cell, ...], ...]) -> None:
        """A table of headings only is a slip (the rows' loop ran over nothing): it is
        typeset as it is, said at its template line, named by its caption or headings."""
        above = self.part.blocks[-1] if self.part.blocks else None
        name = above.text if isinstance(above, Caption) else "、".join(c.text for c in slots[0] if c.text)
        problem = (
            f"表格“{_shortened(name or '（无表头文字）')}”只有表头，没有数据行，报告中会是一张空表；"
            "没有可列的内容时，请让模板写一行“无”或不写这张表"
        )
        self.warnings.append(said_at(self, token.map[0] if token.map else 0, problem, warning))


#: A width a template sets: a share (``3``, ``1.5``) or characters (``6字``).
_WIDTH = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)(字?)$")


def _widths(written, columns: int, refuse) -> tuple[ColumnWidth, ...] | None:
    if written is None:
        return None
    parts = str(written).split()
    found = [_WIDTH.match(part) for part in parts]
    if len(parts) != columns or not all(found) or any(float(m.group(1)) <= 0 for m in found if m):
        raise refuse(
            f'widths 应为每列一个宽度、以空格分隔，共 {columns} 个：正数表示所占份数，“6字”表示 6 个字宽，实际为 "{written}"'
        )
    return tuple(ColumnWidth(float(m.group(1)), bool(m.group(2))) for m in found if m)


def _header_rows(written, rows: int, refuse) -> int:
    if written is None:
        return 1
    if not str(written).isdigit() or not 1 <= int(written) < rows:
        raise refuse(f'header 应为表头的行数，1 至 {rows - 1}（表格共 {rows} 行），实际为 "{written}"')
    return int(written)


def _grid(rows: list[list[tuple[Cell, bool]]], refuse) -> tuple[tuple[Cell, ...], ...]:
    """The slots of a table as written: a cell is placed at the next free
    column of its row; a merged one is the cell above it grown by a row; a
    row shorter than the widest ends in empty cells."""
    width = max(sum(cell.columns for cell, _ in row) for row in rows)
    slots: list[list[Cell]] = []
    for r, row in enumerate(rows):
        line = [Cell("", row=r, column=c) for c in range(width)]
        column = 0
        for cell, merged in row:
            if merged:
                above = slots[r - 1][column] if r else None
                if above is None or above.column != column or above.columns != cell.columns:
                    raise refuse(f"表格第 {r + 1} 行第 {column + 1} 列的 []{{.merged}} 上面没有可合并的同宽单元格")
                above.rows += 1
                cell = above
            else:
                cell.row, cell.column = r, column
            line[column : column + cell.columns] = [cell] * cell.columns
            column += cell.columns
        slots.append(line)
    return tuple(map(tuple, slots))


def _cells_written(line: str) -> int:
    """How many cells a table row's line writes (a ``\\|`` is a cell's text, not a border)."""
    row = line.strip()
    borders, escaped = [], False
    for at, char in enumerate(row):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            borders.append(at)
    if not borders:
        return 1
    return len(borders) + 1 - (borders[0] == 0) - (borders[-1] == len(row) - 1 and len(row) > 1)


#: A title longer than this is no title (GB/T 9704 7.2.3 sets one to three lines).
MAX_TITLE_LINES = 10
MAX_TITLE_CHARS = 200
#: Blocks set on a line or two of the 版心 (their name in messages, and how many lines):
#: GB/T 9704 8 puts the 附件 label on the first line and the title on the third; a
#: unit stands right-aligned on the line above its table; a caption may wrap once.
ONE_LINE_BLOCKS = {"attachment": ("附件标识", 1), "unit": ("表格单位", 1), "caption": ("表题", 2)}
#: The number of an entry in the 附件说明: "1." or "2-1.", after an optional "附件：".
ATTACHMENT_NUMBER = re.compile(r"^(?:附件：)?([0-9]+(?:-[0-9]+)?\.)")


def title_too_long(lines: list[str]) -> str | None:
    """How long a title is, when it is longer than a title can be; else None."""
    chars = sum(map(len, lines))
    if len(lines) > MAX_TITLE_LINES or chars > MAX_TITLE_CHARS:
        return f"{len(lines)} 行、{chars} 个字（最多 {MAX_TITLE_LINES} 行、{MAX_TITLE_CHARS} 个字）"
    return None


def _item_paragraph_level(depth: int) -> int:
    # markdown-it nests list > item > paragraph: each list adds two levels.
    return depth * 2


def _runs(inline: Token | None) -> tuple[Run, ...]:
    runs: list[Run] = []
    in_span = False
    children = inline.children if inline is not None and inline.children else []
    for i, child in enumerate(children):
        if child.type == "span_open":
            in_span = child.attrs.get("class") == "runin"
        elif child.type == "span_close":
            in_span = False
        elif child.type == "text" and child.content:
            runs.append(Run(child.content, in_span))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(Run(_join_space(children, i), in_span))
    return tuple(_merge(runs))


def _join_space(children: list[Token], i: int) -> str:
    """A template's line break inside a paragraph joins Chinese text with
    nothing and Latin words with a space."""
    before = children[i - 1].content[-1:] if i > 0 else ""
    after = children[i + 1].content[:1] if i + 1 < len(children) else ""
    return "" if _CJK.match(before or "a") or _CJK.match(after or "a") else " "


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].run_in == run.run_in:
            merged[-1] = Run(merged[-1].text + run.text, run.run_in)
        elif run.text:
            merged.append(run)
    return merged


def _lines(inline: Token | None) -> list[str]:
    lines = [""]
    for child in inline.children if inline is not None and inline.children else []:
        if child.type in ("softbreak", "hardbreak"):
            lines.append("")
        else:
            lines[-1] += child.content
    return [line.strip() for line in lines if line.strip()]
