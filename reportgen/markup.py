"""Stage 6: the structured text the templates write, read into numbered blocks.

The structured text is a Markdown subset (parsed by markdown-it-py):

==========================  =================================================
``# 标题``                   level-1 heading, numbered 一、二、…
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
``{.signature}`` + lines     signing organ, then date
``{.attachments}`` + lines   the list of attachments after the body (附件：1.…)
``{.unit}`` + text           a table's unit, right-aligned above it (单位：万元)
``| a | b |`` table          a table; the alignment row sets each column's
                             alignment; a cell ``[]{.merged}`` continues the
                             cell above it (vertically merged), a cell
                             ``[]{.joined}`` the cell to its left (one cell
                             spanning both columns)
plain paragraph              body text
==========================  =================================================

Numbers come only from this structure (the n-th item is "n."), never from the
data or the template's own digits.  Each ``{.title}`` starts a new document
(the report, then each attachment), so heading numbers restart there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin

from .diagnostics import InvalidInput, error
from .formats import cn_number

_CJK = re.compile(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F“”‘’…—]")


@dataclass(frozen=True)
class Run:
    text: str
    run_in: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    #: left | right | center
    align: str = "left"
    header: bool = False
    #: True: this cell continues the one above (a vertical merge).
    merged: bool = False
    #: How many grid columns the cell spans (``[]{.joined}`` cells to its right widen it).
    span: int = 1


@dataclass
class Block:
    """One paragraph of the document, before it is given a style."""

    #: title | attachment | heading | item | body | signature | attachment_list | unit | table
    kind: str
    runs: list[Run] = field(default_factory=list)
    #: table: rows of cells, the header row first.
    rows: list[list[Cell]] = field(default_factory=list)
    #: Heading or item level: 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）, 5 = ①.
    level: int = 0
    #: The literal number that precedes the text ("一、", "（二）", "3.").
    number: str = ""
    #: title and signature: their lines.
    lines: list[str] = field(default_factory=list)
    #: title: the document it opens (an attachment) is set on landscape pages.
    landscape: bool = False

    @property
    def text(self) -> str:
        return self.number + "".join(run.text for run in self.runs)


def number(level: int, n: int) -> str:
    """The GB/T 9704 7.3.3 numbering of the n-th entry at a level."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    return chr(0x2460 + n - 1) if n <= 20 else f"{n})"


_PARSER = MarkdownIt("commonmark", {"html": False}).use(attrs_block_plugin).use(attrs_plugin, spans=True)
_PARSER.enable("table")
_PARSER.disable(["code", "fence", "html_block", "html_inline", "image", "link", "autolink", "backticks"])
_ALIGNMENT = re.compile(r"text-align:(left|right|center)")


def parse(text: str) -> list[Block]:
    return _Reader().read(_PARSER.parse(text))


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        #: Counters of headings at levels 1..4 within the current document.
        self.headings = [0, 0, 0, 0, 0]
        self.heading_level = 0
        #: One counter per open ordered list.
        self.lists: list[int] = []

    def read(self, tokens: list[Token]) -> list[Block]:
        for index, token in enumerate(tokens):
            handler = getattr(self, f"_{token.type}", None)
            if handler is not None:
                handler(token, tokens[index + 1] if index + 1 < len(tokens) else None)
            elif token.type in ("bullet_list_open", "blockquote_open", "hr"):
                raise InvalidInput(
                    [error(f"模板输出中不支持此结构（{token.type}），第 {token.map[0] + 1 if token.map else '?'} 行")]
                )
        return self.blocks

    def _heading_open(self, token: Token, inline: Token | None) -> None:
        level = int(token.tag[1])
        self.headings[level] += 1
        for deeper in range(level + 1, len(self.headings)):
            self.headings[deeper] = 0
        self.heading_level = level
        self.blocks.append(Block("heading", _runs(inline), level=level, number=number(level, self.headings[level])))

    def _ordered_list_open(self, token: Token, _next: Token | None) -> None:
        self.lists.append(0)

    def _ordered_list_close(self, token: Token, _next: Token | None) -> None:
        self.lists.pop()

    def _list_item_open(self, token: Token, _next: Token | None) -> None:
        self.lists[-1] += 1

    def _paragraph_open(self, token: Token, inline: Token | None) -> None:
        classes = str(token.attrs.get("class", "")).split()
        css = classes[0] if classes else None
        if css in ("title", "signature", "attachments"):
            kind = "attachment_list" if css == "attachments" else str(css)
            lines = _lines(inline)
            if css == "title" and title_too_long(lines):
                raise InvalidInput([error(f"模板输出的标题过长：{title_too_long(lines)}")])
            self.blocks.append(Block(kind, lines=lines, landscape="landscape" in classes))
            if css == "title":
                self.headings = [0] * len(self.headings)
                self.heading_level = 0
            return
        if css in ("attachment", "unit"):
            self.blocks.append(Block(str(css), _runs(inline)))
            return
        if self.lists and token.level == _item_paragraph_level(len(self.lists)):
            level = max(self.heading_level, 2) + len(self.lists)
            self.blocks.append(Block("item", _runs(inline), level=level, number=number(level, self.lists[-1])))
            return
        self.blocks.append(Block("body", _runs(inline)))

    def _table_open(self, token: Token, _next: Token | None) -> None:
        self.blocks.append(Block("table"))

    def _tr_open(self, token: Token, _next: Token | None) -> None:
        self.blocks[-1].rows.append([])

    def _th_open(self, token: Token, inline: Token | None) -> None:
        self._cell(token, inline, header=True)

    def _td_open(self, token: Token, inline: Token | None) -> None:
        self._cell(token, inline, header=False)

    def _cell(self, token: Token, inline: Token | None, header: bool) -> None:
        alignment = _ALIGNMENT.search(str(token.attrs.get("style", "")))
        children = inline.children if inline is not None and inline.children else []
        classes = {c.attrs.get("class") for c in children if c.type == "span_open"}
        row = self.blocks[-1].rows[-1]
        if "joined" in classes and row:
            row[-1] = replace(row[-1], span=row[-1].span + 1)
            return
        text = "".join(run.text for run in _runs(inline))
        align = "center" if header else (alignment.group(1) if alignment else "left")
        row.append(Cell(text, align, header, "merged" in classes))


#: A title longer than this is no title (GB/T 9704 7.2.3 sets one to three lines).
MAX_TITLE_LINES = 10
MAX_TITLE_CHARS = 200


def title_too_long(lines: list[str]) -> str | None:
    """How long a title is, when it is longer than a title can be; else None."""
    chars = sum(map(len, lines))
    if len(lines) > MAX_TITLE_LINES or chars > MAX_TITLE_CHARS:
        return f"{len(lines)} 行、{chars} 个字（最多 {MAX_TITLE_LINES} 行、{MAX_TITLE_CHARS} 个字）"
    return None


def _item_paragraph_level(depth: int) -> int:
    # markdown-it nests list > item > paragraph: each list adds two levels.
    return depth * 2


def _runs(inline: Token | None) -> list[Run]:
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
    return _merge(runs)


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
