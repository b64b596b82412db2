"""Pages and footers: A4 portrait and turned sections, and the page numbers
“— N —” on odd and even pages (GB/T 9704 5.1, 5.2, 7.5, 9)."""

from __future__ import annotations

import copy

from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

from .. import layout as L
from ..wordxml import element, put
from .paragraphs import add_run, set_style


def setup_page(section, page: L.Layout) -> None:
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


def turn_landscape(section, page: L.Layout) -> None:
    """9 (表格): a table too wide for the page is set on the sheet turned a
    quarter: its head toward the sheet's left edge, the 版心 where it was."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = L.PAGE_HEIGHT, L.PAGE_WIDTH
    section.top_margin = page.margin("left")
    section.bottom_margin = page.margin("right")
    section.left_margin = page.margin("bottom")
    section.right_margin = page.margin("top")


def without_page_numbers(section) -> None:
    """A cover has no page number: its section has no footers of its own, and being
    the first, none to inherit."""
    for reference in section._sectPr.findall(qn("w:footerReference")):
        section._sectPr.remove(reference)


def number_from_one(section) -> None:
    """The body after a cover is numbered from 1 (the cover is not counted)."""
    put(section._sectPr, element("w:pgNumType", start="1"))


class Footers:
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
    set_style(paragraph, "page_number")
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
    set_style(inner, "page_number")
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
    add_run(paragraph, "— ")
    _add_field(paragraph, "PAGE", "1")
    add_run(paragraph, " —")


def add_page_numbers(document: Document) -> None:
    """“— N —”: odd pages right, even pages left, one character in (7.5)."""
    section = document.sections[0]
    for footer, alignment, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        set_style(paragraph, "page_number")
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
