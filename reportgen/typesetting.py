"""Stage 7: lay the numbered blocks out as a .docx in the official layout.

Every number comes from :mod:`reportgen.layout`.  The document carries named
paragraph styles (公文正文, 一级标题, …) rather than direct formatting, so a
clerk who edits the file in Word or WPS keeps the layout by using the styles.

The OOXML traps of Chinese documents handled here, each in one place:
``w:eastAsia`` font names with theme fonts removed (:func:`_set_fonts`),
``w:hint="eastAsia"`` so “ ” — … stay in the Chinese face, ``zh-CN`` language,
no inherited first-line indent or 28.95 pt line in titles and footers, and
different footers on odd and even pages.
"""

from __future__ import annotations

import copy
import datetime
import functools
import io
import itertools
import math
import re
from dataclasses import dataclass

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Pt, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import layout as L
from .markup import Block, Cell
from .wordxml import element, local_name, on_off, put

#: Alignment names of the markup → ``w:jc`` values.
_JC = {"justify": "both", "center": "center", "right": "right", "left": "left"}
_THEME_ATTRIBUTES = [qn(f"w:{name}") for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")]


@dataclass(frozen=True)
class Metadata:
    """Core properties; fixed values from the data keep the output reproducible."""

    title: str
    author: str
    date: datetime.datetime
    #: What the report was built from (see :mod:`reportgen.batch`).
    identifier: str = ""


@dataclass
class _Frame:
    """Where the next block goes: the width of the current 版心 (pt), and
    whether a section break has just begun a page."""

    text_width: float
    fresh_page: bool = False


def typeset(blocks: list[Block], page: L.Layout, metadata: Metadata) -> Document:
    document = docx.Document(io.BytesIO(reference_document(page)))
    _set_metadata(document, metadata)
    portrait = _Frame(page.text_width.pt)
    landscape = _Frame(page.text_height.pt)
    footers = _Footers(document)
    frame = portrait
    for part in _parts(blocks, portrait.text_width):
        wanted = landscape if any(_too_wide(b, portrait.text_width) for b in part) else portrait
        if wanted is not frame:
            section = document.add_section(WD_SECTION_START.NEW_PAGE)
            if wanted is landscape:
                _turn_landscape(section, page)
                footers.use_landscape(section, page)
            else:
                _setup_page(section, page)
                footers.use_portrait(section)
            frame = wanted
            frame.fresh_page = True
        for block in part:
            _BLOCK_WRITERS[block.kind](document, block, frame)
            frame.fresh_page = False
    return document


def _parts(blocks: list[Block], text_width: float) -> list[list[Block]]:
    """The units that turn to a landscape page together: each attachment (from
    its 附件 label on) as a whole; in the report itself, a wide table alone."""
    parts: list[list[Block]] = [[]]
    for block in blocks:
        in_attachment = bool(parts[-1]) and parts[-1][0].kind == "attachment"
        if block.kind == "attachment" and parts[-1]:
            parts.append([])
        elif _too_wide(block, text_width) and not in_attachment:
            parts += [[block], []]
            continue
        parts[-1].append(block)
    return [part for part in parts if part]


def _too_wide(block: Block, text_width: float) -> bool:
    """A table that cannot fit the portrait 版心, or a document its template
    sets on landscape pages (a form with many columns, GB/T 9704 9)."""
    if block.landscape:
        return True
    return block.kind == "table" and sum(_column_needs(block.rows).hard) > text_width


@functools.cache
def reference_document(page: L.Layout) -> bytes:
    """An empty document with our styles, page and footers, built once per
    layout and process: a batch then pays for it once, not per report."""
    document = docx.Document()
    _drop_template_leftovers(document)
    _setup_defaults(document, page)
    _define_styles(document, page)
    _setup_page(document.sections[0], page)
    _add_page_numbers(document)
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- document-wide settings ------------------------------------------------------


#: Parts of python-docx's default template that would misrepresent our file: a
#: thumbnail of an empty Letter page that Windows Explorer shows, a second copy
#: of the styles with theme fonts (stylesWithEffects, read by Word 2010), and
#: list numbering we never use (numbers are literal text, GB/T 9704 7.3.3).
_LEFTOVER_PARTS = ("/thumbnail", "/stylesWithEffects", "/customXml", "/numbering")


def _drop_template_leftovers(document: Document) -> None:
    for rels in (document.part.package.rels, document.part.rels):
        for rId, rel in list(rels.items()):
            if rel.reltype.endswith(_LEFTOVER_PARTS):
                rels.pop(rId)
    # Of the template's ~160 styles only the defaults (Normal, Table Normal, …)
    # are kept: ours replace the rest, and every style lookup walks them all.
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:default")) != "1":
            styles.remove(style)


def _set_fonts(rpr, name: str) -> None:
    """Name the face for every script and drop theme fonts, which would win."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = put(rpr, element("w:rFonts"))
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(attribute, None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _setup_defaults(document: Document, page: L.Layout) -> None:
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in _THEME_ATTRIBUTES:
            fonts.attrib.pop(attribute, None)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, page.fonts.body)
    language = rpr.find(qn("w:lang"))
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    for size in ("w:sz", "w:szCs"):
        rpr.find(qn(size)).set(qn("w:val"), str(int(L.SIZE_3.pt * 2)))
    # The template's 10 pt after every paragraph and 1.15 lines would leak into
    # every paragraph without a style of ours (table cells, footers).
    default_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = default_ppr.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    document.settings.odd_and_even_pages_header_footer = True


def _define_styles(document: Document, page: L.Layout) -> None:
    for key, spec in L.STYLES.items():
        _paragraph_style(document, key, spec, page)
    run_in = document.styles.add_style(L.RUN_IN_STYLE, WD_STYLE_TYPE.CHARACTER)
    run_in.style_id = RUN_IN_STYLE_ID
    run_in.font.bold = page.bold_run_in


def style_id(key: str) -> str:
    """The XML id of one of our paragraph styles (its name is Chinese)."""
    return "Report" + key.title().replace("_", "")


RUN_IN_STYLE_ID = "ReportRunIn"


def _paragraph_style(document: Document, key: str, spec: L.ParagraphStyle, page: L.Layout) -> None:
    style = document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id(key)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = spec.size
    style.font.bold = spec.bold
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, getattr(page.fonts, spec.font))
    if spec.condensed:
        put(rpr, element("w:spacing", val=str(L.CHARACTER_SPACING_TWENTIETHS)))
    fmt = style.paragraph_format
    if spec.line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = spec.line
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.keep_with_next = spec.keep_with_next
    # A full page is exactly 22 lines: widow control would leave 21.
    fmt.widow_control = False
    ppr = style.element.get_or_add_pPr()
    put(
        ppr,
        element(
            "w:ind",
            firstLineChars=str(spec.first_line_chars * 100),
            firstLine=str(int(spec.first_line_chars * spec.size.twips)),
        ),
    )
    put(ppr, on_off("w:overflowPunct", L.OVERFLOW_PUNCTUATION))
    if not spec.on_grid:
        put(ppr, on_off("w:snapToGrid", False))
    put(ppr, element("w:jc", val=_JC[spec.alignment]))
    if spec.outline_level is not None:
        put(ppr, element("w:outlineLvl", val=str(spec.outline_level)))


def _setup_page(section, page: L.Layout) -> None:
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = L.PAGE_WIDTH
    section.page_height = L.PAGE_HEIGHT
    section.top_margin = page.margin("top")
    section.bottom_margin = page.margin("bottom")
    section.left_margin = page.margin("left")
    section.right_margin = page.margin("right")
    section.footer_distance = L.FOOTER_DISTANCE
    section.header_distance = L.HEADER_DISTANCE
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(L.LINE_PITCH.twips)))


def _turn_landscape(section, page: L.Layout) -> None:
    """9 (表格): a table too wide for the page is set on the sheet turned a
    quarter: its head toward the sheet's left edge, the 版心 where it was."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = L.PAGE_HEIGHT, L.PAGE_WIDTH
    section.top_margin = page.margin("left")
    section.bottom_margin = page.margin("right")
    section.left_margin = page.margin("bottom")
    section.right_margin = page.margin("top")


class _Footers:
    """Which page-number footers each section uses.  Portrait sections share
    the reference document's; landscape ones share a pair made on first need."""

    def __init__(self, document: Document):
        self.document = document
        self.portrait = [copy.deepcopy(r) for r in document.sections[0]._sectPr.findall(qn("w:footerReference"))]
        self.landscape: list | None = None

    def use_portrait(self, section) -> None:
        self._replace(section, self.portrait)

    def use_landscape(self, section, page: L.Layout) -> None:
        if self.landscape is None:
            self._replace(section, [])
            for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
                footer.is_linked_to_previous = False
                _landscape_page_number(footer.paragraphs[0], odd, page)
            self.landscape = [copy.deepcopy(r) for r in section._sectPr.findall(qn("w:footerReference"))]
        else:
            self._replace(section, self.landscape)

    @staticmethod
    def _replace(section, references: list) -> None:
        sectPr = section._sectPr
        for reference in sectPr.findall(qn("w:footerReference")):
            sectPr.remove(reference)
        for reference in reversed(references):
            sectPr.insert(0, copy.deepcopy(reference))


def _landscape_page_number(paragraph: Paragraph, odd: bool, page: L.Layout) -> None:
    """7.5 and 9: on a turned page the number stays where it is on every other
    sheet — 7 mm below the 版心 as the sheet is held, outer corner, one
    character in — so it stands in the page's left margin, reading upward
    (VML text box: the form Word and LibreOffice both place and turn)."""
    _set_style(paragraph, "page_number")
    box = L.LANDSCAPE_NUMBER_BOX.pt
    left = page.margin("bottom").pt - L.PAGE_NUMBER_GAP.pt - box / 2
    style = (
        f"position:absolute;margin-left:{left:.1f}pt;margin-top:{page.margin('left').pt:.1f}pt;"
        f"width:{box:.1f}pt;height:{page.text_width.pt:.1f}pt;z-index:1;"
        "mso-position-horizontal-relative:page;mso-position-vertical-relative:page;"
        "layout-flow:vertical;mso-layout-flow-alt:bottom-to-top"
    )
    # Read bottom to top, a line starts at the box's foot: the odd page's
    # number sits at the foot (the sheet's right), the even page's at the head.
    inner = Paragraph(element("w:p"), paragraph._parent)
    _set_style(inner, "page_number")
    inner.alignment = WD_ALIGN_PARAGRAPH.LEFT if odd else WD_ALIGN_PARAGRAPH.RIGHT
    setattr(inner.paragraph_format, "left_indent" if odd else "right_indent", L.PAGE_NUMBER_INDENT)
    _add_page_number_runs(inner)
    shape = parse_xml(
        f"<w:pict {nsdecls('w')} {_VML_NAMESPACES}>"
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f'<v:shape id="PageNumber{int(odd)}" type="#_x0000_t202" '
        f'style="{style}" filled="f" stroked="f"><v:textbox style="layout-flow:vertical;'
        'mso-layout-flow-alt:bottom-to-top" inset="0,0,0,0"><w:txbxContent/></v:textbox></v:shape></w:pict>'
    )
    shape.find(".//" + qn("w:txbxContent")).append(inner._p)
    run = element("w:r")
    run.append(shape)
    paragraph._p.append(run)


_VML_NAMESPACES = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


def _add_page_number_runs(paragraph: Paragraph) -> None:
    """“— N —” with a real PAGE field."""
    _add_run(paragraph, "— ")
    _add_field(paragraph, "PAGE", "1")
    _add_run(paragraph, " —")


def _add_page_numbers(document: Document) -> None:
    """“— N —”: odd pages right, even pages left, one character in (7.5)."""
    section = document.sections[0]
    for footer, alignment, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        _set_style(paragraph, "page_number")
        paragraph.alignment = alignment
        setattr(paragraph.paragraph_format, side, L.PAGE_NUMBER_INDENT)
        _add_page_number_runs(paragraph)


def _add_field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A real field (begin / instruction / separate / cached result / end)."""

    def char(kind: str):
        paragraph.add_run()._r.append(element("w:fldChar", fldCharType=kind))

    char("begin")
    code = element("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    paragraph.add_run(cached)
    char("end")


def _set_metadata(document: Document, metadata: Metadata) -> None:
    core = document.core_properties
    core.title = metadata.title
    core.author = metadata.author
    core.last_modified_by = metadata.author
    core.created = metadata.date
    core.modified = metadata.date
    core.last_printed = metadata.date
    core.revision = 1
    core.language = "zh-CN"
    core.comments = ""
    core.subject = ""
    core.keywords = ""
    core.category = ""
    core.identifier = metadata.identifier


# --- blocks ----------------------------------------------------------------------


# Paragraphs, runs and cells are built as XML here, each in one place: python-docx's
# generic setters look up every style and every allowed successor on each call,
# which made typesetting the slowest stage by far.


def _set_style(paragraph: Paragraph, key: str) -> None:
    paragraph._p.get_or_add_pPr().style = style_id(key)


def _properties(key: str, alignment: str | None = None):
    """A ``w:pPr`` naming one of our styles (and an alignment, for table cells)."""
    properties = element("w:pPr")
    put(properties, element("w:pStyle", val=style_id(key)))
    if alignment is not None:
        put(properties, element("w:jc", val=_JC[alignment]))
    return properties


def _add_run(paragraph: Paragraph, text: str, run_in: bool = False) -> Run:
    run = element("w:r")
    if run_in:
        properties = element("w:rPr")
        put(properties, element("w:rStyle", val=RUN_IN_STYLE_ID))
        run.append(properties)
    content = element("w:t")
    content.text = text
    if text != text.strip():
        content.set(qn("xml:space"), "preserve")
    run.append(content)
    paragraph._p.append(run)
    return Run(run, paragraph)


def _paragraph(document: Document, key: str, block: Block | None = None) -> Paragraph:
    p = element("w:p")
    p.append(_properties(key))
    document.element.body.sectPr.addprevious(p)
    paragraph = Paragraph(p, document._body)
    if block is None:
        return paragraph
    runs = list(block.runs)
    if block.number:
        _add_run(paragraph, block.number, run_in=bool(runs and runs[0].run_in))
    for run in runs:
        _add_run(paragraph, run.text, run.run_in)
    return paragraph


def _write_title(document: Document, block: Block, frame: _Frame) -> None:
    paragraph = _paragraph(document, "title")
    width = frame.text_width
    for i, line in enumerate(balance_title(block.lines, width)):
        run = _add_run(paragraph, line)
        overflow = chars_wide(line) * L.SIZE_2.pt - width
        if overflow > 0:
            put(run._r.get_or_add_rPr(), element("w:spacing", val=str(-math.ceil(overflow / len(line) * 20))))
        if i:
            run._r.addprevious(_line_break())
    # 7.2.3: one blank line between the title and what follows.
    _paragraph(document, "body")


def _line_break():
    run = element("w:r")
    run.append(element("w:br"))
    return run


def _write_heading(document: Document, block: Block, frame: _Frame) -> None:
    _paragraph(document, f"heading{min(block.level, 4)}", block)


def _write_signature(document: Document, block: Block, frame: _Frame) -> None:
    """7.3.5.2: a blank line, the organ two characters in from the right, the
    date below it starting two characters further right.  The date is placed
    from the organ's left edge, so only the organ (Chinese, of known width) is
    measured, never the date's digits.  Organ and date stay together, on the
    page of the body text (or 附件说明) above them."""
    _keep_with_next(_last_paragraph(document))
    _keep_with_next(_paragraph(document, "body")._p)
    organ, *dates = block.lines
    advance = L.SIZE_3.pt + L.CHARACTER_SPACING_TWENTIETHS / 20
    indent = L.SIGNATURE_RIGHT_CHARS * L.SIZE_3.pt
    paragraph = _paragraph(document, "signature")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.right_indent = Pt(indent)
    _add_run(paragraph, organ)
    organ_left = frame.text_width - indent - chars_wide(organ) * advance
    for line in dates:
        _keep_with_next(paragraph._p)
        paragraph = _paragraph(document, "signature")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.left_indent = Pt(max(organ_left + indent, 0))
        _add_run(paragraph, line)


def _write_attachment_label(document: Document, block: Block, frame: _Frame) -> None:
    """附件n: flush left; every attachment after the first block starts a page."""
    starts_page = frame.fresh_page or document.element.body.find(qn("w:p")) is None
    paragraph = _paragraph(document, "attachment", block)
    if not starts_page:
        paragraph.paragraph_format.page_break_before = True
    # 8: the label on the first line of the 版心, the attachment's title on the third.
    _paragraph(document, "attachment")


def _write_attachment_list(document: Document, block: Block, frame: _Frame) -> None:
    """7.3.4: a blank line under the body, then "附件：1.…" two characters in;
    later entries aligned under the first one's number, and a name that wraps
    continues under its own first character (a hanging indent).  The list is
    kept with the body text above it, never alone on a page."""
    _keep_with_next(_last_paragraph(document))
    _keep_with_next(_paragraph(document, "body")._p)
    first = _ATTACHMENT_NUMBER.match(block.lines[0])
    label_chars = chars_wide(block.lines[0][: first.start(1)]) if first else 0
    for i, line in enumerate(block.lines):
        number = _ATTACHMENT_NUMBER.match(line)
        number_chars = chars_wide(number.group(1)) if number else 0
        paragraph = _paragraph(document, "attachment_list")
        lead = number_chars + (label_chars if i == 0 else 0)
        _indent(paragraph, L.INDENT_CHARS + label_chars + number_chars, -lead)
        _add_run(paragraph, line)
        if i < len(block.lines) - 1:
            _keep_with_next(paragraph._p)


def _indent(paragraph: Paragraph, left_chars: float, first_line_chars: float, size: Length = L.SIZE_3) -> None:
    """Indents in characters, Word's own unit for Chinese text (and what the
    styles use, so a paragraph's value must be in it to override them), with
    the same in twips for readers that only know those."""
    twips_per_char = size.twips
    indent = element("w:ind", leftChars=str(round(left_chars * 100)), left=str(round(left_chars * twips_per_char)))
    kind = "firstLine" if first_line_chars >= 0 else "hanging"
    indent.set(qn(f"w:{kind}Chars"), str(round(abs(first_line_chars) * 100)))
    indent.set(qn(f"w:{kind}"), str(round(abs(first_line_chars) * twips_per_char)))
    put(paragraph._p.get_or_add_pPr(), indent)


def _last_paragraph(document: Document):
    return document.element.body.sectPr.getprevious()


def _keep_with_next(p) -> None:
    """GB/T 9704 7.3.5: the 落款 and the 附件说明 stand on a page with body text;
    a paragraph kept with the next one is never the last on its page."""
    if p is not None and local_name(p) == "p":
        put(p.get_or_add_pPr(), on_off("w:keepNext", True))


#: The number of an entry in the 附件说明: "1." or "2-1.", after an optional "附件：".
_ATTACHMENT_NUMBER = re.compile(r"^(?:附件：)?([0-9]+(?:-[0-9]+)?\.)")


def _write_table(document: Document, block: Block, frame: _Frame) -> None:
    rows = block.rows
    columns = grid_columns(rows)
    # Whole twips, rounded down, so that the columns never add up past the 版心.
    widths = [Twips(int(width * 20)) for width in column_widths(rows, frame.text_width)]
    table = document.add_table(rows=len(rows), cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_frame(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for tr, row in zip(table._tbl.tr_lst, rows, strict=True):
        _table_row(tr, header=all(cell.header for cell in row))
        spare = list(tr.tc_lst)
        for start, cell in grid_positions(row):
            tc = spare.pop(0)
            # A spanning cell takes the places of the cells it covers.
            for _ in range(cell.span - 1):
                tr.remove(spare.pop(0))
            if cell.span > 1:
                tc.tcPr.grid_span = cell.span
            _fill_cell(tc, cell, Twips(sum(int(w.twips) for w in widths[start : start + cell.span])), table)
        filled = sum(cell.span for cell in row)
        for offset, tc in enumerate(spare):  # a short row: its missing cells stay, empty
            _fill_cell(tc, Cell(""), widths[filled + offset], table)
    _start_vertical_merges(table._tbl)
    # A table is followed by an empty line so that what follows does not touch it.
    _paragraph(document, "body")


def _table_frame(table) -> None:
    """0.5 pt single lines around and between every cell; fixed column widths."""
    properties = table._tbl.tblPr
    borders = put(properties, element("w:tblBorders"))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        put(borders, element(f"w:{edge}", val="single", sz=str(L.TABLE_BORDER_EIGHTHS), space="0", color="000000"))
    put(properties, element("w:tblLayout", type="fixed"))
    margins = put(properties, element("w:tblCellMar"))
    for side in ("left", "right"):
        put(margins, element(f"w:{side}", w=str(int(L.CELL_PADDING.twips)), type="dxa"))


def _fill_cell(tc, cell: Cell, width: Length, table) -> None:
    """Width, vertical centring, and the text in its style and alignment.
    (Cells straight from the XML: python-docx's table.cell() rebuilds the
    whole grid on every call.)"""
    properties = tc.tcPr
    properties.tcW.set(qn("w:w"), str(int(width.twips)))
    properties.tcW.set(qn("w:type"), "dxa")
    if cell.merged:
        put(properties, element("w:vMerge", val="continue"))
    put(properties, element("w:vAlign", val="center"))
    if cell.merged:
        return
    paragraph = Paragraph(tc.p_lst[0], _Cell(tc, table))
    paragraph._p.insert(0, _properties("header" if cell.header else "cell", cell.align))
    text, left, hanging = _cell_indent(cell.text)
    if left:
        _indent(paragraph, left, -hanging, L.SIZE_SMALL_4)
    _add_run(paragraph, text)


#: A lead-in that the lines after it hang under (“其中：项目甲” → 项目乙 below 项目甲).
_LEAD_IN = re.compile(r"^(其中：|其中:|含：)")


def _cell_indent(text: str) -> tuple[str, float, float]:
    """(text, left indent, hanging) in characters: a cell that starts indented
    (full-width spaces) keeps the indent on every line it wraps to, and one
    that starts with a lead-in wraps under the text after it."""
    stripped = text.lstrip("\u3000")
    spaces = len(text) - len(stripped)
    lead = _LEAD_IN.match(stripped)
    hanging = chars_wide(lead.group(1)) if lead else 0
    return (stripped if spaces else text), spaces + hanging, hanging


def _start_vertical_merges(tbl) -> None:
    """A cell that the next row's cell continues opens the merge (vMerge restart)."""
    rows = [_cells_by_column(tr) for tr in tbl.tr_lst]
    for above, below in zip(rows, rows[1:]):
        for column, bottom in below.items():
            top = above.get(column)
            if top is not None and bottom.vMerge == "continue" and top.vMerge is None:
                top.vMerge = "restart"


def _cells_by_column(tr) -> dict:
    cells, column = {}, 0
    for tc in tr.tc_lst:
        cells[column] = tc
        column += tc.grid_span
    return cells


def grid_columns(rows: list[list[Cell]]) -> int:
    return max(sum(cell.span for cell in row) for row in rows)


def grid_positions(row: list[Cell]):
    """(first grid column, cell) for each cell of a row."""
    column = 0
    for cell in row:
        yield column, cell
        column += cell.span


def _table_row(tr, header: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    properties = tr.get_or_add_trPr()
    put(properties, on_off("w:cantSplit", True))
    if header:
        put(properties, on_off("w:tblHeader", True))


_BLOCK_WRITERS = {
    "attachment": _write_attachment_label,
    "title": _write_title,
    "heading": _write_heading,
    "item": lambda document, block, frame: _paragraph(document, "body", block),
    "body": lambda document, block, frame: _paragraph(document, "body", block),
    "signature": _write_signature,
    "attachment_list": _write_attachment_list,
    "unit": lambda document, block, frame: _paragraph(document, "unit", block),
    "table": _write_table,
}


# --- measuring text ----------------------------------------------------------------


def chars_wide(text: str) -> float:
    """Width in full-width characters: Latin letters and digits are narrower,
    and a gap is added where Chinese and Latin text meet."""
    latin = [ord(ch) < 0x2000 for ch in text]
    gaps = sum(a != b for a, b in itertools.pairwise(latin))
    return sum(L.LATIN_EM if is_latin else 1 for is_latin in latin) + gaps * L.SCRIPT_GAP_EM


def balance_title(segments: list[str], text_width_pt: float) -> list[str]:
    """Join the template's title segments into the fewest lines that fit the
    版心 (allowing the slight condensing of :data:`layout.TITLE_MAX_CONDENSE`),
    and among those the most even (7.2.3: 梯形或菱形).

    For each number of lines, the narrowest widest line is found by dynamic
    programming over where the lines break (quadratic in the segments per line
    count), never by trying every split, which would double with each segment."""
    max_chars = text_width_pt / (L.SIZE_2.pt - L.TITLE_MAX_CONDENSE.pt)
    pieces = [part for segment in segments for part in _split_long(segment, max_chars)]
    n = len(pieces)
    if n == 0:
        return []
    width = {(i, j): chars_wide("".join(pieces[i:j])) for i in range(n) for j in range(i + 1, n + 1)}
    infinite = float("inf")
    # widest[j]: the narrowest widest line setting pieces[:j] on the current number of lines.
    widest = [0.0] + [infinite] * n
    breaks: list[list[int]] = []
    for _lines in range(1, n + 1):
        previous, widest = widest, [infinite] * (n + 1)
        cut = [0] * (n + 1)
        for j in range(1, n + 1):
            for i in range(j):
                candidate = max(previous[i], width[i, j])
                if candidate < widest[j]:
                    widest[j], cut[j] = candidate, i
        breaks.append(cut)
        # Too wide is accepted only once every piece stands on a line of its own.
        if widest[n] <= max_chars or len(breaks) == n:
            break
    lines, j = [], n
    for cut in reversed(breaks):
        lines.append("".join(pieces[cut[j] : j]))
        j = cut[j]
    return lines[::-1]


@dataclass(frozen=True)
class _ColumnNeeds:
    """Per column (pt), from least to most: what it cannot do without (its
    longest number, a label on two even lines), what keeps labels whole and
    long texts in lines of even length, and what sets every text on one line."""

    hard: list[float]
    even: list[float]
    single: list[float]


def _column_needs(rows: list[list[Cell]]) -> _ColumnNeeds:
    size = L.SIZE_SMALL_4.pt
    padding = 2 * L.CELL_PADDING.pt
    columns = grid_columns(rows)
    least = L.MIN_COLUMN_CHARS * size + padding
    hard, even, single = [least] * columns, [least] * columns, [least] * columns
    for row in rows:
        for c, cell in grid_positions(row):
            if cell.span > 1:
                continue  # a spanning cell has the room of several columns
            text = chars_wide(cell.text)
            latin = max(map(chars_wide, _LATIN_RUN.findall(cell.text)), default=0)
            lines = max(math.ceil(text / L.UNBROKEN_CELL_CHARS), 1)
            # A label may take two lines, never leaving one character on the second.
            two_lines = math.ceil(text / 2) if lines == 1 else L.UNBROKEN_CELL_CHARS / 2
            slack = L.COLUMN_SLACK_CHARS
            hard[c] = max(hard[c], (max(latin, two_lines) + slack) * size + padding)
            even[c] = max(even[c], (text / lines + slack) * size + padding)
            single[c] = max(single[c], (text + slack) * size + padding)
    even = [max(e, h) for e, h in zip(even, hard, strict=True)]
    return _ColumnNeeds(hard, even, [max(s, e) for s, e in zip(single, even, strict=True)])


def column_widths(rows: list[list[Cell]], total_pt: float) -> list[float]:
    """Column widths (pt) filling the 版心: the most generous of the needs that
    fits, with what is left shared in proportion to what each column would
    still like; when even the least does not fit, the least scaled down."""
    needs = _column_needs(rows)
    if sum(needs.single) <= total_pt:
        return [w * total_pt / sum(needs.single) for w in needs.single]
    for lower, upper in ((needs.even, needs.single), (needs.hard, needs.even)):
        if sum(lower) <= total_pt:
            spare = total_pt - sum(lower)
            extra = [u - w for u, w in zip(upper, lower, strict=True)]
            return [w + spare * e / sum(extra) for w, e in zip(lower, extra, strict=True)]
    return [w * total_pt / sum(needs.hard) for w in needs.hard]


_LATIN_RUN = re.compile(r"[!-~]+")


def _split_long(segment: str, max_chars: float) -> list[str]:
    """A segment wider than a line is cut into near-equal parts."""
    width = chars_wide(segment)
    if width <= max_chars:
        return [segment]
    parts = math.ceil(width / max_chars)
    target = width / parts
    pieces, current = [], ""
    for ch in segment:
        if current and chars_wide(current + ch) > target + 0.5 and len(pieces) < parts - 1:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]
