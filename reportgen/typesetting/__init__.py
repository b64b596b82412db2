"""Stage 7: lay the typed document out as a .docx in the official layout.

Every number comes from :mod:`reportgen.layout`, every measurement from
:mod:`reportgen.measuring`.  The document carries named paragraph styles
(公文正文, 一级标题, …) rather than direct formatting, so a clerk who edits the
file in Word or WPS keeps the layout by using the styles.  One writer for each
block type of :mod:`reportgen.blocks`; the modules along the seams:

* :mod:`.reference` — the reference document (styles, defaults, core properties);
* :mod:`.pages` — portrait and turned sections, page-number footers;
* :mod:`.paragraphs` — paragraphs and runs as XML, titles, headings, 落款, 附件说明;
* :mod:`.tables` — tables from the markup's grid, their widths from :mod:`.columns`.

The OOXML traps of Chinese documents handled here, each in one place:
``w:eastAsia`` font names with theme fonts removed (``reference._set_fonts``),
``w:hint="eastAsia"`` so “ ” — … stay in the Chinese face, ``zh-CN`` language,
no inherited first-line indent or 28.95 pt line in titles and footers, and
different footers on odd and even pages.
"""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.enum.section import WD_SECTION_START
from docx.oxml.ns import qn

from .. import blocks
from .. import layout as L
from ..measuring import balance_title
from ..wordxml import on_off, put
from . import paragraphs, tables
from .columns import too_wide
from .pages import Footers, number_from_one, setup_page, turn_landscape, without_page_numbers
from .paragraphs import Frame
from .reference import Metadata, reference_document, set_metadata

__all__ = ["Metadata", "balance_title", "reference_document", "typeset"]

#: The writer of each block type.
_WRITERS = {
    blocks.AttachmentLabel: paragraphs.write_attachment_label,
    blocks.Title: paragraphs.write_title,
    blocks.Heading: paragraphs.write_heading,
    blocks.Item: paragraphs.write_body,
    blocks.Paragraph: paragraphs.write_body,
    blocks.UnitLine: paragraphs.write_unit,
    blocks.Caption: paragraphs.write_caption,
    blocks.AttachmentList: paragraphs.write_attachment_list,
    blocks.Signature: paragraphs.write_signature,
    tables.TableGroup: tables.write_tables,
    blocks.TableNotes: tables.write_notes,
    blocks.CoverLines: paragraphs.write_cover_lines,
    blocks.PageBreak: paragraphs.write_page_break,
}


def typeset(document_model: blocks.Document, page: L.Layout, metadata: Metadata) -> Document:
    document = docx.Document(io.BytesIO(reference_document(page)))
    set_metadata(document, metadata)
    portrait = Frame(page.text_width.pt)
    landscape = Frame(page.text_height.pt)
    footers = Footers(document)
    frame = portrait
    parts = document_model.parts
    if parts and parts[0].cover:
        for block in tables.grouped(parts[0].in_order()):
            _write(document, block, frame)
        section = document.add_section(WD_SECTION_START.NEW_PAGE)
        footers.use_portrait(section)
        without_page_numbers(document.sections[0])
        number_from_one(section)
        frame.fresh_page = True
        parts = parts[1:]
    units = _units(blocks.Document(parts), portrait.text_width)
    widths = [(landscape if turned else portrait).text_width for turned, _ in units]
    laid = tables.with_widths([(width, tables.grouped(unit)) for width, (_, unit) in zip(widths, units, strict=True)])
    for (turned, _), run in zip(units, laid, strict=True):
        wanted = landscape if turned else portrait
        if wanted is not frame:
            # A document that is a form turned as a whole turns its first section, not a second one.
            empty = document.element.body.find(qn("w:p")) is None and document.element.body.find(qn("w:tbl")) is None
            section = document.sections[-1] if empty else document.add_section(WD_SECTION_START.NEW_PAGE)
            if wanted is landscape:
                turn_landscape(section, page)
                footers.use_landscape(section, page)
            else:
                setup_page(section, page)
                footers.use_portrait(section)
            frame = wanted
            frame.fresh_page = True
        for block in run:
            _write(document, block, frame)
    return document


def _write(document: Document, block, frame: Frame) -> None:
    """One block; after a ``{.pagebreak}``, its first paragraph (a table's first
    cell's) starts a page."""
    before = paragraphs.last_paragraph(document)
    _WRITERS[type(block)](document, block, frame)
    if isinstance(block, blocks.PageBreak):
        return
    if frame.page_break and not frame.fresh_page:
        body = document.element.body
        written = before.itersiblings() if before is not None else iter(body)
        first = next((p for element in written for p in element.iter(qn("w:p"))), None)
        if first is not None:
            put(first.get_or_add_pPr(), on_off("w:pageBreakBefore", True))
    frame.page_break = frame.fresh_page = False


#: What a form is made of: its tables, and the lines around them.
_FORM_BLOCKS = (blocks.Table, blocks.Caption, blocks.UnitLine, blocks.TableNotes, blocks.Paragraph, blocks.PageBreak)


def _units(document: blocks.Document, text_width: float) -> list[tuple[bool, list]]:
    """(landscape?, blocks) of the runs of pages that turn together (GB/T 9704 9):
    each attachment as a whole, when its template says so or one of its tables
    cannot fit the portrait 版心; in the report itself, such a table alone."""
    units: list[tuple[bool, list]] = []
    for index, part in enumerate(document.parts):
        head = [block for block in (part.label, part.title) if block is not None]
        wide = [isinstance(block, blocks.Table) and too_wide(block, text_width) for block in part.blocks]
        # A part that is tables only (a form) turns as a whole, like an attachment.
        if index > 0 or part.landscape or (any(wide) and all(isinstance(b, _FORM_BLOCKS) for b in part.blocks)):
            units.append((part.landscape or any(wide), part.in_order()))
            continue
        units.append((False, head))
        for block, turned in zip(part.blocks, wide, strict=True):
            if turned or units[-1][0]:
                units.append((turned, []))
            units[-1][1].append(block)
    return [unit for unit in units if unit[1]]
