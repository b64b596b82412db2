"""WordprocessingML elements in the order Word reads them (used by typesetting).

Word rejects (or quietly drops) property children out of their schema order,
where LibreOffice forgives.  As python-docx does in ``docx/oxml``, the order of
each property container is declared once here, and every element we add goes
through :func:`put`, which places it by that order; no call site appends.

Orders: ECMA-376 Part 1 (Transitional) §17.3.1.26 (pPr), §17.4.60 (tblPr),
§17.4.70 (tcPr), §17.4.82 (trPr), §17.6.17 (sectPr); for ``w:rPr`` the 1st
edition's sequence, which Word and the Open XML SDK still require although
ISO/IEC 29500 relaxed it to a choice.
"""

from __future__ import annotations

import copy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ORDERS: dict[str, tuple[str, ...]] = {
    "pPr": (
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ),
    "rPr": (
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ),
    "tblPr": (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
        "tblPrChange",
    ),
    "trPr": (
        "cnfStyle",
        "divId",
        "gridBefore",
        "gridAfter",
        "wBefore",
        "wAfter",
        "cantSplit",
        "trHeight",
        "tblHeader",
        "tblCellSpacing",
        "jc",
        "hidden",
    ),
    "tcPr": (
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
    ),
    "sectPr": (
        "headerReference",
        "footerReference",
        "footnotePr",
        "endnotePr",
        "type",
        "pgSz",
        "pgMar",
        "paperSrc",
        "pgBorders",
        "lnNumType",
        "pgNumType",
        "cols",
        "formProt",
        "vAlign",
        "noEndnote",
        "titlePg",
        "textDirection",
        "bidi",
        "rtlGutter",
        "docGrid",
        "printerSettings",
        "sectPrChange",
    ),
    # Table borders and cell margins are sequences too (§17.4.39, §17.4.42).
    "tblBorders": ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"),
    "tblCellMar": ("top", "left", "start", "bottom", "right", "end"),
    "tcBorders": ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV", "tl2br", "tr2bl"),
}


def local_name(element) -> str:
    return element.tag.rpartition("}")[2]


def put(parent, child):
    """Place ``child`` in ``parent`` where the schema orders it, replacing a
    child of the same name; return it."""
    order = ORDERS[local_name(parent)]
    name = local_name(child)
    existing = parent.find(child.tag)
    if existing is not None:
        parent.replace(existing, child)
        return child
    rank = order.index(name)
    for sibling in parent:
        sibling_name = local_name(sibling)
        if sibling_name in order and order.index(sibling_name) > rank:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


#: One empty element of each tag, copied for every new one: python-docx's
#: OxmlElement parses a string each time, ten times slower than a copy.
_PROTOTYPES: dict[str, object] = {}


def element(tag: str, **attributes: str):
    """``element("w:jc", val="center")`` → ``<w:jc w:val="center"/>``."""
    if tag not in _PROTOTYPES:
        _PROTOTYPES[tag] = OxmlElement(tag)
    made = copy.copy(_PROTOTYPES[tag])  # an lxml element copies its whole subtree either way
    for name, value in attributes.items():
        made.set(qn(f"w:{name}"), value)
    return made


def on_off(tag: str, value: bool):
    """An on/off property as Word writes it: bare when on (the Open XML SDK
    rejects ``w:val="1"`` on some of them), ``w:val="0"`` when off."""
    return element(tag) if value else element(tag, val="0")
