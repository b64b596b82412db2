"""Paragraphs and runs as XML, and the writers of the blocks that are paragraphs.

Paragraphs, runs and cells are built as XML here, each in one place: python-docx's
generic setters look up every style and every allowed successor on each call,
which made typesetting the slowest stage by far.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .. import layout as L
from ..blocks import (
    AttachmentLabel,
    AttachmentList,
    Caption,
    CoverLines,
    Heading,
    Item,
    PageBreak,
    Signature,
    Title,
    UnitLine,
)
from ..blocks import Paragraph as BodyParagraph
from ..layout import style_id
from ..markup import ATTACHMENT_NUMBER
from ..measuring import balance_title, chars_wide, closing_split, fill_lines, signature_place, title_condensing
from ..wordxml import element, local_name, on_off, put

#: Alignment names of the markup → ``w:jc`` values.
JC = {"justify": "both", "center": "center", "right": "right", "left": "left"}
RUN_IN_STYLE_ID = "ReportRunIn"


@dataclass
class Frame:
    """Where the next block goes: the width of the current 版心 (pt), and
    whether a section break has just begun a page."""

    text_width: float
    fresh_page: bool = False
    #: The next block starts a page (``{.pagebreak}``).
    page_break: bool = False
    #: Cover lines have been set (the first ones stand lower).
    cover_begun: bool = False


def set_style(paragraph: Paragraph, key: str) -> None:
    paragraph._p.get_or_add_pPr().style = style_id(key)


def properties(key: str, alignment: str | None = None):
    """A ``w:pPr`` naming one of our styles (and an alignment, for table cells)."""
    return copy.copy(_properties(key, alignment))  # one copy of the subtree: every paragraph and cell has one


@functools.cache
def _properties(key: str, alignment: str | None):
    made = element("w:pPr")
    put(made, element("w:pStyle", val=style_id(key)))
    if alignment is not None:
        put(made, element("w:jc", val=JC[alignment]))
    return made


def add_run(paragraph: Paragraph, text: str, run_in: bool = False) -> Run:
    run = element("w:r")
    if run_in:
        run_properties = element("w:rPr")
        put(run_properties, element("w:rStyle", val=RUN_IN_STYLE_ID))
        run.append(run_properties)
    content = element("w:t")
    _set_text(content, text)
    run.append(content)
    paragraph._p.append(run)
    return Run(run, paragraph)


def paragraph(document: Document, key: str, text: str | None = None) -> Paragraph:
    """A new paragraph at the end of the body, in style ``key``, with ``text`` as one run."""
    p = element("w:p")
    p.append(properties(key))
    append(document, p)
    made = Paragraph(p, document._body)
    if text:
        add_run(made, text)
    return made


def numbered(document: Document, key: str, block: Heading | Item | BodyParagraph) -> Paragraph:
    """A paragraph of runs, after its number (in the run-in face when the text starts with a run-in heading)."""
    made = paragraph(document, key)
    runs = block.runs
    if isinstance(block, Heading | Item):
        add_run(made, block.number, run_in=bool(runs and runs[0].run_in))
    for run in runs:
        add_run(made, run.text, run.run_in)
    return made


def indent(paragraph: Paragraph, left_chars: float, first_line_chars: float, size: L.Length = L.SIZE_3) -> None:
    """Indents in characters, Word's own unit for Chinese text (and what the
    styles use, so a paragraph's value must be in it to override them), with
    the same in twips for readers that only know those."""
    twips_per_char = size.twips
    made = element("w:ind", leftChars=str(round(left_chars * 100)), left=str(round(left_chars * twips_per_char)))
    kind = "firstLine" if first_line_chars >= 0 else "hanging"
    made.set(qn(f"w:{kind}Chars"), str(round(abs(first_line_chars) * 100)))
    made.set(qn(f"w:{kind}"), str(round(abs(first_line_chars) * twips_per_char)))
    put(paragraph._p.get_or_add_pPr(), made)


def append(document: Document, made) -> None:
    """``made`` at the end of the body, before the ``w:sectPr`` that always ends it.
    Reached from the end: python-docx's ``body.sectPr`` and ``add_table`` look it up
    among all the body's children, which made a build quadratic in its paragraphs."""
    document.element.body[-1].addprevious(made)


def last_paragraph(document: Document):
    """The last block of the body (a ``w:p`` or ``w:tbl``), or None in an empty body."""
    return document.element.body[-1].getprevious()


def keep_with_next(p) -> None:
    """GB/T 9704 7.3.5: the 落款 and the 附件说明 stand on a page with body text;
    a paragraph kept with the next one is never the last on its page."""
    if p is not None and local_name(p) == "p":
        put(p.get_or_add_pPr(), on_off("w:keepNext", True))


def keep_text_with_closing(document: Document, frame: Frame) -> None:
    """The text above the 附件说明 or 落款 stands with it on its page, at least
    two lines of it, without a long paragraph moving there whole (see the
    pagination note in :mod:`reportgen.layout`): a short body paragraph is kept
    with them whole, a longer one cut where :func:`measuring.closing_split`
    finds a certain line end, its last lines a paragraph of their own kept with
    them; any other block above them is kept with the next as it stands."""
    p = last_paragraph(document)
    keep_with_next(p)
    if p is None or local_name(p) != "p" or p.pPr is None or p.pPr.style != style_id("body"):
        return
    if p.pPr.find(qn("w:ind")) is not None:
        return
    runs = p.findall(qn("w:r"))
    if any(r.find(qn("w:t")) is None or len(r) > 2 for r in runs):
        return  # a run carrying anything but its text (a break, a field) is not cut
    text = "".join(r.find(qn("w:t")).text or "" for r in runs)
    line = frame.text_width / L.BODY_ADVANCE
    cut = closing_split(text, line - L.INDENT_CHARS * L.SIZE_3.pt / L.BODY_ADVANCE, line)
    if cut == 0:
        put(p.pPr, on_off("w:keepLines", True))
    if not cut:
        return
    p.pPr.remove(p.pPr.find(qn("w:keepNext")))
    tail = element("w:p")
    tail.append(copy.deepcopy(p.pPr))
    tail.pPr.style = style_id("continuation")
    for kind in ("w:keepNext", "w:keepLines"):
        put(tail.pPr, on_off(kind, True))
    p.addnext(tail)
    position = 0
    for r in runs:
        t = r.find(qn("w:t"))
        run_text = t.text or ""
        start, position = position, position + len(run_text)
        if position <= cut:
            continue
        if start >= cut:
            tail.append(r)
            continue
        moved = copy.deepcopy(r)
        _set_text(t, run_text[: cut - start])
        _set_text(moved.find(qn("w:t")), run_text[cut - start :])
        tail.append(moved)


def _set_text(t, text: str) -> None:
    t.text = text
    if text != text.strip():
        t.set(qn("xml:space"), "preserve")


# --- block writers -------------------------------------------------------------------


def write_title(document: Document, block: Title, frame: Frame) -> None:
    for run in add_lines(paragraph(document, "title"), balance_title(list(block.lines), frame.text_width)):
        # A line set alone that fits no better (a word wider than the 版心) is left as it is.
        condensed = title_condensing(run.text, frame.text_width)
        if condensed:
            put(run._r.get_or_add_rPr(), element("w:spacing", val=str(-condensed)))
    # 7.2.3: one blank line between the title and what follows.
    paragraph(document, "body")


def add_lines(paragraph: Paragraph, lines: list[str]) -> list[Run]:
    """One run a line, each after the first starting with a line break
    (the breaks measured between words, not left to the office suite)."""
    runs = []
    for i, line in enumerate(lines):
        runs.append(add_run(paragraph, line))
        if i:
            line_break = element("w:r")
            line_break.append(element("w:br"))
            runs[-1]._r.addprevious(line_break)
    return runs


def write_heading(document: Document, block: Heading, frame: Frame) -> None:
    numbered(document, f"heading{block.level}", block)


def write_body(document: Document, block: BodyParagraph | Item, frame: Frame) -> None:
    numbered(document, "body", block)


def write_cover_lines(document: Document, block: CoverLines, frame: Frame) -> None:
    """A cover's lines, each a paragraph of its own; the first lines of a cover
    stand some lines below what is above them (the title)."""
    first, frame.cover_begun = not frame.cover_begun, True
    for i, line in enumerate(block.lines):
        made = paragraph(document, "cover", line)
        if block.centred:
            made.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if i == 0 and document.element.body.index(made._p) > 0:
            made.paragraph_format.space_before = L.Pt(L.LINE_PITCH.pt * (L.COVER_GAP_LINES if first else 1))


def write_page_break(document: Document, block: PageBreak, frame: Frame) -> None:
    frame.page_break = True


def write_unit(document: Document, block: UnitLine, frame: Frame) -> None:
    paragraph(document, "unit", block.text)


def write_caption(document: Document, block: Caption, frame: Frame) -> None:
    paragraph(document, "caption", block.text)


def write_signature(document: Document, block: Signature, frame: Frame) -> None:
    """7.3.5: a blank line under the text (two with a seal, whose top then stands
    within a line of the text and whose centre above the organ and date it
    presses), the organ and below it the date, placed as
    :func:`reportgen.measuring.signature_place` measures.  A line set from the
    right cannot wrap; a date set from the organ's first character may run
    into the right margin rather than wrap, should its face draw digits wider
    than measured.  Organ and date stay together, on the page of the body text
    (or 附件说明) above them."""
    keep_text_with_closing(document, frame)
    for _blank in range(L.SEALED_SIGNATURE_BLANK_LINES if block.sealed else L.SIGNATURE_BLANK_LINES):
        keep_with_next(paragraph(document, "body")._p)
    place = signature_place(block.organ, block.dates[0] if block.dates else "", block.sealed, frame.text_width)
    made = _signature_line(document, block.organ, right=place.organ_right)
    for line in block.dates:
        keep_with_next(made._p)
        if place.date_right is None:
            # Its right indent reaches into the margin: a date drawn wider than measured overruns, never wraps.
            made = _signature_line(document, line, left=place.date_left, right=-L.SIGNATURE_RIGHT_CHARS)
        else:
            made = _signature_line(document, line, right=place.date_right)


def _signature_line(document: Document, text: str, right: float, left: float | None = None) -> Paragraph:
    """A line of the 落款, set from the left edge when ``left`` is given, else from the right (characters)."""
    made = paragraph(document, "signature", text)
    made.alignment = WD_ALIGN_PARAGRAPH.RIGHT if left is None else WD_ALIGN_PARAGRAPH.LEFT
    if left is not None:
        made.paragraph_format.left_indent = L.Pt(max(left, 0) * L.BODY_ADVANCE)
    made.paragraph_format.right_indent = L.Pt(right * L.BODY_ADVANCE)
    return made


def write_attachment_label(document: Document, block: AttachmentLabel, frame: Frame) -> None:
    """附件n: flush left; every attachment after the first block starts a page."""
    starts_page = frame.fresh_page or document.element.body.find(qn("w:p")) is None
    made = paragraph(document, "attachment", block.text)
    if not starts_page:
        made.paragraph_format.page_break_before = True
    # 8: the label on the first line of the 版心, the attachment's title on the third.
    paragraph(document, "attachment")


def write_attachment_list(document: Document, block: AttachmentList, frame: Frame) -> None:
    """7.3.4: a blank line under the body, then "附件：1.…" two characters in;
    later entries aligned under the first one's number, and a name that wraps
    continues under its own first character (a hanging indent).  The list is
    kept with the body text above it, never alone on a page."""
    keep_text_with_closing(document, frame)
    keep_with_next(paragraph(document, "body")._p)
    first = ATTACHMENT_NUMBER.match(block.lines[0])
    label_chars = chars_wide(block.lines[0][: first.start(1)]) if first else 0
    for i, line in enumerate(block.lines):
        number = ATTACHMENT_NUMBER.match(line)
        number_chars = chars_wide(number.group(1)) if number else 0
        made = paragraph(document, "attachment_list")
        lead = number_chars + (label_chars if i == 0 else 0)
        hang = L.INDENT_CHARS + label_chars + number_chars
        indent(made, hang, -lead)
        room = frame.text_width / L.BODY_ADVANCE
        first_room = room - (hang - lead) * L.SIZE_3.pt / L.BODY_ADVANCE
        add_lines(made, fill_lines(line, first_room, room - hang * L.SIZE_3.pt / L.BODY_ADVANCE))
        if i < len(block.lines) - 1:
            keep_with_next(made._p)
