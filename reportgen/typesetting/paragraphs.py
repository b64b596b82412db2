"""Paragraphs and runs as XML, and the writers of the blocks that are paragraphs.

Paragraphs, runs and cells are built as XML here, each in one place: python-docx's
generic setters look up every style and every allowed successor on each call,
which made typesetting the slowest stage by far.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .. import layout as L
from ..markup import (
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
from ..markup import Paragraph as BodyParagraph
from ..measuring import balance_title, chars_wide, signature_spaces
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


def style_id(key: str) -> str:
    """The XML id of one of our paragraph styles (its name is Chinese)."""
    return "Report" + key.title().replace("_", "")


def set_style(paragraph: Paragraph, key: str) -> None:
    paragraph._p.get_or_add_pPr().style = style_id(key)


def properties(key: str, alignment: str | None = None):
    """A ``w:pPr`` naming one of our styles (and an alignment, for table cells)."""
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
    content.text = text
    if text != text.strip():
        content.set(qn("xml:space"), "preserve")
    run.append(content)
    paragraph._p.append(run)
    return Run(run, paragraph)


def paragraph(document: Document, key: str, text: str | None = None) -> Paragraph:
    """A new paragraph at the end of the body, in style ``key``, with ``text`` as one run."""
    p = element("w:p")
    p.append(properties(key))
    document.element.body.sectPr.addprevious(p)
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


def last_paragraph(document: Document):
    return document.element.body.sectPr.getprevious()


def keep_with_next(p) -> None:
    """GB/T 9704 7.3.5: the 落款 and the 附件说明 stand on a page with body text;
    a paragraph kept with the next one is never the last on its page."""
    if p is not None and local_name(p) == "p":
        put(p.get_or_add_pPr(), on_off("w:keepNext", True))


# --- block writers -------------------------------------------------------------------


def write_title(document: Document, block: Title, frame: Frame) -> None:
    made = paragraph(document, "title")
    width = frame.text_width
    for i, line in enumerate(balance_title(list(block.lines), width)):
        run = add_run(made, line)
        overflow = chars_wide(line) * L.SIZE_2.pt - width
        if overflow > 0:
            put(run._r.get_or_add_rPr(), element("w:spacing", val=str(-math.ceil(overflow / len(line) * 20))))
        if i:
            run._r.addprevious(_line_break())
    # 7.2.3: one blank line between the title and what follows.
    paragraph(document, "body")


def _line_break():
    run = element("w:r")
    run.append(element("w:br"))
    return run


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
    """7.3.5.2: a blank line, the organ two characters in from the right, the
    date below it starting two characters further right.  The date is placed
    from the organ's left edge, so only the organ (Chinese, of known width) is
    measured, never the date's digits — unless the date is the longer, when it
    stands two characters in from the right and the organ moves left to keep
    the two characters between their starts; neither line wraps.  Organ and
    date stay together, on the page of the body text (or 附件说明) above them."""
    keep_with_next(last_paragraph(document))
    keep_with_next(paragraph(document, "body")._p)
    long_date = signature_spaces(block.organ, block.dates[0]) if block.dates else None
    organ_space, date_space = long_date or (L.SIGNATURE_RIGHT_CHARS, None)
    right = organ_space * L.SIZE_3.pt
    made = paragraph(document, "signature")
    made.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    made.paragraph_format.right_indent = L.Pt(right)
    add_run(made, block.organ)
    organ_left = frame.text_width - right - chars_wide(block.organ) * L.BODY_ADVANCE
    for line in block.dates:
        keep_with_next(made._p)
        made = paragraph(document, "signature")
        if date_space is None:
            made.alignment = WD_ALIGN_PARAGRAPH.LEFT
            made.paragraph_format.left_indent = L.Pt(max(organ_left + L.SIGNATURE_DATE_SHIFT_CHARS * L.SIZE_3.pt, 0))
        else:
            made.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            made.paragraph_format.right_indent = L.Pt(date_space * L.SIZE_3.pt)
        add_run(made, line)


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
    keep_with_next(last_paragraph(document))
    keep_with_next(paragraph(document, "body")._p)
    first = _ATTACHMENT_NUMBER.match(block.lines[0])
    label_chars = chars_wide(block.lines[0][: first.start(1)]) if first else 0
    for i, line in enumerate(block.lines):
        number = _ATTACHMENT_NUMBER.match(line)
        number_chars = chars_wide(number.group(1)) if number else 0
        made = paragraph(document, "attachment_list")
        lead = number_chars + (label_chars if i == 0 else 0)
        indent(made, L.INDENT_CHARS + label_chars + number_chars, -lead)
        add_run(made, line)
        if i < len(block.lines) - 1:
            keep_with_next(made._p)


#: The number of an entry in the 附件说明: "1." or "2-1.", after an optional "附件：".
_ATTACHMENT_NUMBER = re.compile(r"^(?:附件：)?([0-9]+(?:-[0-9]+)?\.)")
