"""The reference document: styles, defaults, page and footers, built once per
layout and process, and the core properties each report sets on its copy."""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from lxml import etree

from .. import __version__, caching
from .. import layout as L
from ..layout import style_id
from ..wordxml import element, on_off, put
from .pages import add_page_numbers, setup_page
from .paragraphs import JC, RUN_IN_STYLE_ID

_THEME_ATTRIBUTES = [qn(f"w:{name}") for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")]


@functools.cache
@caching.on_disk("reference", docx, etree)
def reference_document(page: L.Layout) -> bytes:
    """An empty document with our styles, page and footers, built once per
    layout and process (a batch then pays for it once, not per report) and
    kept between runs."""
    document = docx.Document()
    _drop_template_leftovers(document)
    _setup_defaults(document, page)
    _define_styles(document, page)
    setup_page(document.sections[0], page)
    add_page_numbers(document)
    _set_compatibility(document)
    _part(document, "/docProps/app.xml")._blob = _APP_PROPERTIES
    _part(document, "/word/fontTable.xml")._blob = _font_table(page.fonts)
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


#: Parts of python-docx's default template that would misrepresent our file: a
#: thumbnail of an empty Letter page that Windows Explorer shows, a second copy
#: of the styles with theme fonts (stylesWithEffects, read by Word 2010), and
#: list numbering we never use (numbers are literal text, GB/T 9704 7.3.3).
_LEFTOVER_PARTS = ("/thumbnail", "/stylesWithEffects", "/customXml", "/numbering")


def _part(document: Document, name: str):
    return next(part for part in document.part.package.iter_parts() if part.partname == name)


def _set_compatibility(document: Document) -> None:
    setting = document.settings.element.find(
        f"{qn('w:compat')}/{qn('w:compatSetting')}[@{qn('w:name')}='compatibilityMode']"
    )
    setting.set(qn("w:val"), L.WORD_COMPATIBILITY_MODE)


#: Extended properties that say what made the file — its name and version, as
#: LibreOffice writes “LibreOffice/7.4…” (AppVersion is left out: ECMA-376
#: §22.2.2.2 wants it as XX.YYYY, which no version of ours is) — and no page or
#: word counts, which only a program that lays the pages out can know
#: (python-docx's template claims “Microsoft Macintosh Word”, 1 page, 0 words).
_APP_PROPERTIES = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    f"<Application>reportgen/{__version__}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
).encode()


def _font_table(fonts: L.Fonts) -> bytes:
    """Every face the document names, with the one Word should substitute and
    its character set, so that a machine without the GB2312 faces still sets
    仿宋 in 仿宋 (ECMA-376 §17.8.3.1, §17.8.3.2)."""
    entries = []
    for name in dict.fromkeys(vars(fonts).values()):
        alternative = L.FONT_ALT_NAMES.get(name)
        alt = f"<w:altName w:val={quoteattr(alternative)}/>" if alternative else ""
        # A face of 版式 we do not know is said to be Chinese only when its name is.
        chinese = alternative or any("\u4e00" <= ch <= "\u9fff" for ch in name)
        charset = f'<w:charset w:val="{L.FONT_CHARSET_GB2312}"/>' if chinese else ""
        entries.append(
            f'<w:font w:name={quoteattr(name)}>{alt}{charset}<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{"".join(entries)}</w:fonts>'
    ).encode()


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
        # python-docx reads a docx Length as an exact height (a bare int as a multiple).
        fmt.line_spacing = Emu(spec.line)
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
    put(ppr, element("w:jc", val=JC[spec.alignment]))
    if spec.outline_level is not None:
        put(ppr, element("w:outlineLvl", val=str(spec.outline_level)))


@dataclass(frozen=True)
class Metadata:
    """Core properties; fixed values from the data keep the output reproducible."""

    title: str
    author: str
    date: datetime.datetime
    #: What the report was built from (see :mod:`reportgen.batch`).
    identifier: str = ""


def set_metadata(document: Document, metadata: Metadata) -> None:
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
