"""Every layout number of the report, with the clause of GB/T 9704-2012 《党政机关
公文格式》 it comes from ("practice" where the standard is silent and Word users
have settled on a value).  Nothing outside this module names a size, a font or
a margin; typesetting reads them from here, and a department may override
fonts and margins in its data (``版式``).  It imports no python-docx, so that
lines can be measured (:mod:`reportgen.measuring`) where nothing is typeset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import LayoutOptions


class Length(int):
    """A length in EMU (914 400 an inch), the int python-docx takes for every
    length; its conversions as python-docx's ``docx.shared.Length`` has them."""

    _EMUS_PER_PT = 12700
    _EMUS_PER_TWIP = 635

    @property
    def pt(self) -> float:
        return self / float(self._EMUS_PER_PT)

    @property
    def twips(self) -> int:
        return round(self / float(self._EMUS_PER_TWIP))


def Pt(points: float) -> Length:
    return Length(int(points * Length._EMUS_PER_PT))


def Mm(mm: float) -> Length:
    return Length(int(mm * 36000))


def Twips(twips: float) -> Length:
    return Length(int(twips * Length._EMUS_PER_TWIP))


# --- page (5.1, 5.2) -------------------------------------------------------------
#: 5.1: A4 paper.  python-docx's own default template is US Letter.
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
#: 5.2.1: 天头 37 mm, 订口 28 mm; the 版心 is 156 × 225 mm, so bottom 35, right 26.
MARGIN_TOP_MM = Decimal(37)
MARGIN_BOTTOM_MM = Decimal(35)
MARGIN_LEFT_MM = Decimal(28)
MARGIN_RIGHT_MM = Decimal(26)
#: 5.2.3: 22 lines a page, 28 characters a line.
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
_TEXT_HEIGHT = Length(PAGE_HEIGHT - Mm(float(MARGIN_TOP_MM)) - Mm(float(MARGIN_BOTTOM_MM)))
_TEXT_WIDTH = Length(PAGE_WIDTH - Mm(float(MARGIN_LEFT_MM)) - Mm(float(MARGIN_RIGHT_MM)))
#: 22 lines fill the 225 mm 版心: 579 twips = 28.95 pt (29 pt would give only 21).
LINE_PITCH = Twips(int(_TEXT_HEIGHT.twips / LINES_PER_PAGE))
#: 7.5: the page number's dash line stands 7 mm below the 版心.
PAGE_NUMBER_GAP = Mm(7)
#: The portrait footer's distance from the page edge that puts it there.
FOOTER_DISTANCE = Mm(25)
HEADER_DISTANCE = Mm(15)

# --- type (5.2.2, 7.2, 7.3) ------------------------------------------------------
SIZE_2 = Pt(22)  # 二号: title (7.2.3)
SIZE_3 = Pt(16)  # 三号: body and headings (5.2.2)
SIZE_4 = Pt(14)  # 四号: page numbers (7.5), tables (practice)
#: 28 × 16 pt = 448 pt overflows the 442.2 pt 版心 width: 3号 text is condensed
#: (w:spacing, twentieths of a point) just enough for 28 to fit: −0.25 pt.
CHARACTER_SPACING_TWENTIETHS = -math.ceil((SIZE_3.pt - _TEXT_WIDTH.pt / CHARS_PER_LINE) * 20)
#: How far one character of the condensed body text advances (pt).
BODY_ADVANCE = SIZE_3.pt + CHARACTER_SPACING_TWENTIETHS / 20
#: 7.2.3 practice: the title's exact line height (2号 text on ~35 pt).
TITLE_LINE = Pt(35)
#: 7.2.3 practice: a title line whose Latin digits, measured at their widest
#: (LATIN_EM), take it past the 版心 is condensed, by at most this much a
#: character, rather than broken in two.  Only the digits' uncertain width is
#: absorbed so: a line holds no more full-width characters than fit the 版心
#: uncondensed (20 of 二号 in 442.25 pt).  LibreOffice leaves the last
#: character's spacing out when it fills a line (21 characters condensed by
#: 0.95 pt wrap, 20 × 21.05 + 22 = 443 pt), so n characters gain (n − 1) spacings.
TITLE_MAX_CONDENSE = Pt(1)
#: Width of a Latin letter or digit, in ems, for measuring lines before they are
#: rendered; proportional digits of the CJK faces reach 0.65 em.
LATIN_EM = 0.65
#: Table text (practice; GB/T 9704 9 says only that a table stays in the 版心):
#: Latin characters as wide as the widest face that may set them — 仿宋_GB2312
#: and 黑体 set every one half an em, the free faces of the PDF on Linux digits
#: up to 0.56 em (Noto Serif CJK SC), “%” 0.92 em — so a column sized to its
#: widest figure holds it in Word and in the PDF, without the body's 0.65 em.
TABLE_LATIN_EM = {**dict.fromkeys("0123456789", 0.56), ".": 0.5, ",": 0.5, "-": 0.5, " ": 0.5, "%": 0.93}
#: Other Latin letters in table text (Noto Serif's capitals reach 0.72 em).
TABLE_LATIN_DEFAULT_EM = 0.75
#: How much more a line of table text may hold than measured with the widths
#: above (half-width digits of 仿宋_GB2312, a narrower gap between scripts): a
#: line end that must not fall inside a weight in brackets is looked for
#: at both widths.
TABLE_LINE_LEEWAY_EM = 0.5
#: The widest digit of the body face (Noto Serif CJK's, in the PDF, 0.56 em;
#: 仿宋_GB2312's are half-width): lines of body text filled to the margin by
#: measuring (附件说明, 落款) are measured with it, not with the looser LATIN_EM.
BODY_LATIN_EM = 0.56
#: Word and LibreOffice put about a quarter em between Chinese and Latin text
#: (w:autoSpaceDE / w:autoSpaceDN, on by default).
SCRIPT_GAP_EM = 0.25
#: 5.2.2 / 7.3: paragraphs and headings start two characters in.
INDENT_CHARS = 2
#: 7.5: "— N —", one character in from the outer edge.
PAGE_NUMBER_INDENT = SIZE_4


@dataclass(frozen=True)
class Fonts:
    """Font names as a Windows office suite knows them (7.2.3, 7.3.3, 5.2.2, 7.5)."""

    body: str = "仿宋_GB2312"
    title: str = "方正小标宋简体"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"
    table_header: str = "黑体"


#: The face Word substitutes for each of ours where it is not installed (the
#: font table's ``w:altName``): Windows carries 仿宋, 楷体, 黑体 and 宋体 without
#: the GB2312 suffix, and no 方正小标宋简体.
FONT_ALT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
    "宋体": "SimSun",
    # Faces a department may name in 版式: their Windows names in Latin letters.
    "仿宋": "FangSong",
    "楷体": "KaiTi",
    "微软雅黑": "Microsoft YaHei",
}
#: ``w:charset`` of a Chinese face: GB2312 (ECMA-376 §17.8.3.2).
FONT_CHARSET_GB2312 = "86"
#: ``compatibilityMode`` 15: Word 2013 and later open the file without 兼容模式.
WORD_COMPATIBILITY_MODE = "15"


# Pagination (how a typist keeps things together; see typesetting):
# * headings and the 附件/table-unit lines are kept with the next paragraph
#   (ParagraphStyle.keep_with_next), so no heading ends a page;
# * 7.3.4/7.3.5: the body paragraph before the 附件说明 or the 落款, the blank
#   line, every 附件说明 entry but the last, and the organ line are kept with
#   the next paragraph: the closing lines never stand alone, organ and date
#   never part, and their page carries body text;
# * 7.3.4/7.3.5 practice: at least two lines of text stand above the 附件说明 and
#   the 落款 on their page.  keepNext (ECMA-376 17.3.1.15) keeps "the paragraph (or
#   at least part of it)" with the next: Word moves its last lines, LibreOffice
#   the whole paragraph (or, when that cannot fit, nothing).  Every paragraph kept
#   with the closing lines therefore also carries keepLines (17.3.1.14: all its
#   lines on one page), where both readings are the same: a paragraph above them
#   of up to CLOSING_WHOLE_LINES lines moves whole; a longer one is cut in two
#   (measuring.closing_split) and only its last lines, a paragraph of their
#   own, are kept with the closing lines;
# * 9: table rows never split across pages (w:cantSplit); header rows repeat.

#: ``w:overflowPunct`` as written in every paragraph style.  Word reads it as
#: “允许标点溢出边界” (its default for Chinese: a comma after a full line hangs
#: in the margin).  LibreOffice reads the value inverted (writerfilter maps
#: overflowPunct=1 to “no hanging punctuation”) and, when it does hang a mark
#: at the end of a justified line, leaves it out of the PDF: the sample lost 6
#: marks (“落户建设，” …).  Writing it on keeps Word as it always was and makes
#: LibreOffice carry the character before the mark to the next line instead, so
#: the PDF holds every character of the .docx.
OVERFLOW_PUNCTUATION = True


def style_id(key: str) -> str:
    """The XML id of one of our paragraph styles (its name is Chinese), by its key in :data:`STYLES`."""
    return "Report" + key.title().replace("_", "")


@dataclass(frozen=True)
class ParagraphStyle:
    """One named paragraph style of the .docx (what Word and WPS show in the style list)."""

    name: str
    font: str  # a field name of Fonts
    size: Length = SIZE_3
    bold: bool = False
    #: justify | center | right | left
    alignment: str = "justify"
    first_line_chars: int = INDENT_CHARS
    outline_level: int | None = None
    keep_with_next: bool = False
    #: Exact line height; None for single spacing (table cells: the body's
    #: 28.95 pt would blow their rows up).
    line: Length | None = LINE_PITCH
    condensed: bool = True
    on_grid: bool = True


SIZE_SMALL_4 = Pt(12)  # 小四号: table text (practice), so five columns of figures fit 156 mm

#: Every paragraph style of the document, by the block kind of
#: :mod:`reportgen.markup` that uses it.  Heading levels 3 and 4 are in the body
#: face (7.3.3); numbered items are body paragraphs that carry a number.
STYLES = {
    "body": ParagraphStyle("公文正文", "body"),
    "title": ParagraphStyle(
        "公文标题",
        "title",
        size=SIZE_2,
        alignment="center",
        first_line_chars=0,
        line=TITLE_LINE,
        condensed=False,
        on_grid=False,
        outline_level=0,
        keep_with_next=True,
    ),
    "attachment": ParagraphStyle("附件标识", "heading1", first_line_chars=0, keep_with_next=True),
    "heading1": ParagraphStyle("一级标题", "heading1", outline_level=1, keep_with_next=True),
    "heading2": ParagraphStyle("二级标题", "heading2", outline_level=2, keep_with_next=True),
    "heading3": ParagraphStyle("三级标题", "body", outline_level=3, keep_with_next=True),
    "heading4": ParagraphStyle("四级标题", "body", outline_level=4, keep_with_next=True),
    # The last lines of a body paragraph cut before the 附件说明 or 落款 (see the pagination
    # note): a paragraph of their own for the page break, read back by import as the rest
    # of the paragraph above.
    "continuation": ParagraphStyle("公文正文续", "body", first_line_chars=0),
    "signature": ParagraphStyle("落款", "body", first_line_chars=0),
    # 7.3.4: "附件：1.…" two characters in under the body; flush left, since its lines end
    # in breaks set between words, and a justified line before a break is spread out.
    "attachment_list": ParagraphStyle("附件说明", "body", alignment="left"),
    # A cover page (practice: GB/T 9704 has none; the finance bureaus' forms set its lines in the body face).
    "cover": ParagraphStyle("封面", "body", first_line_chars=0, alignment="left"),
    # Tables (practice: GB/T 9704 says only that they stay within the 版心).
    "caption": ParagraphStyle("表题", "body", first_line_chars=0, keep_with_next=True, alignment="center"),
    # A form's lines under its table (填报单位…, 注：…), in the table's size, flush left.
    "note": ParagraphStyle(
        "表下说明", "body", size=SIZE_SMALL_4, first_line_chars=0, line=None, condensed=False, on_grid=False, alignment="left"
    ),
    "unit": ParagraphStyle("表格单位", "body", first_line_chars=0, keep_with_next=True, alignment="right"),
    "cell": ParagraphStyle(
        "表格文字", "body", size=SIZE_SMALL_4, first_line_chars=0, line=None, condensed=False, on_grid=False
    ),
    "header": ParagraphStyle(
        "表格表头",
        "table_header",
        size=SIZE_SMALL_4,
        first_line_chars=0,
        line=None,
        condensed=False,
        on_grid=False,
        alignment="center",
    ),
    # 7.5: 四号 page numbers, off the grid, without the body's indent.
    "page_number": ParagraphStyle(
        "页码", "page_number", size=SIZE_4, first_line_chars=0, line=Pt(18), condensed=False, on_grid=False
    ),
}
RUN_IN_STYLE = "段首小标题"
#: A cover's first lines stand this many lines below its title (practice, as the bureaus' forms have it).
COVER_GAP_LINES = 4
#: 7.3.5.2: the signing organ stands two characters in from the right.
SIGNATURE_RIGHT_CHARS = 2
#: 7.3.5.2: the date's first character is two characters right of the organ's.
SIGNATURE_DATE_SHIFT_CHARS = 2
#: 7.3.5.2: the organ stands one blank line under the text (或附件说明).
SIGNATURE_BLANK_LINES = 1
#: 7.3.5.1: with a seal, the date stands four characters in from the right.
SEALED_DATE_RIGHT_CHARS = 4
#: 7.3.5.1: the seal's top within a line under the text, organ and date pressed
#: by it below its centre: a 42 mm seal is 4.1 lines high, so two blank lines
#: put organ and date on its third and fourth lines with its top half a line
#: under the text.
SEALED_SIGNATURE_BLANK_LINES = 2
#: Practice: the diameter of a department's seal (42 mm; 45 mm for a government).
SEAL_DIAMETER_MM = 42
#: 7.3.4/7.3.5 practice: the lines of the text kept above the 附件说明 or 落款, at least.
CLOSING_TAIL_LINES = 2
#: A paragraph above them of up to this many lines moves whole with them; a longer
#: one is cut, its last lines moving: a four-line paragraph moved whole, with the
#: heading kept above it, left half a page empty before a 附件说明 and 落款.
CLOSING_WHOLE_LINES = 3
#: 9 practice: a table's last rows kept with its final one (合计, 总分), so that
#: it never stands alone on a page (w:keepNext in every paragraph of a row:
#: ECMA-376 17.3.1.15, which Word and LibreOffice both read as keeping the row
#: with the next).
ROWS_KEPT_WITH_LAST = 2
#: Table borders in eighths of a point (w:sz): 0.5 pt lines.
TABLE_BORDER_EIGHTHS = 4
#: The line between two tables set as one (a form whose second table repeats its own
#: headings): 1 pt, which keeps them apart for Word without a visible gap.
HAIRLINE_TWIPS = 20
#: Space left and right inside a table cell.
CELL_PADDING = Pt(4)
#: A table column is never narrower than this many characters.
MIN_COLUMN_CHARS = 2
#: Slack, in characters, added to a cell's measured text: a header that fits
#: exactly by our estimate may still wrap in the office suite.
COLUMN_SLACK_CHARS = 0.5
#: A cell text of up to this many characters is never broken (“部门预算资金支出率”
#: kept whole); a longer one may wrap into lines of about equal length, none
#: shorter than needed to keep to this many lines' worth.
UNBROKEN_CELL_CHARS = 12
#: Room a line of a table cell keeps free, in ems, where it must not wrap (a heading
#: when widths are chosen, a line of an organ's name we set): one that exactly fits
#: its column by the widths above wraps in LibreOffice (“自评得 / 分” with 48 pt of
#: room for 48 pt; “广州番禺经济 / 技术开发区” of an 11-character line), one with
#: a point to spare does not.
TABLE_LINE_MARGIN_EM = 0.1
#: What a break in a table cell costs, in lines of the table's height, when
#: column widths are chosen (practice: what a reviewer sends back first): a
#: cell ending on a line of one character (“…考 / 核”), or of one with its
#: marks (“（第3 / 批）”, “…规 / 范。”), a
#: heading so (“全年预算 / 数”, atop every page of the table), a weight in
#: brackets broken inside, a heading on three lines or more, each line of a
#: cell past its second (a name on five lines of four characters reads worse
#: than its lines alone say), and a heading broken inside a word (“年度指 / 标值”).
TABLE_BREAK_COSTS = {
    "lone": 10,
    "lone with its mark": 4,
    "lone heading": 1000,
    "weight": 2,
    "heading on three lines": 4,
    "line past two": 2,
    "inside a word": 4,
}
#: A table cell of a figure with its unit (≥6000人次, 3.35万亩) up to this many
#: ems wide is never broken between lines (practice).
UNBROKEN_VALUE_EMS = 8
#: 9: width of the upright text box that carries a landscape page's number.
LANDSCAPE_NUMBER_BOX = Pt(21)


@dataclass(frozen=True)
class Layout:
    """The layout of one report: the defaults above with the data's overrides."""

    fonts: Fonts = Fonts()
    margin_top_mm: Decimal = MARGIN_TOP_MM
    margin_bottom_mm: Decimal = MARGIN_BOTTOM_MM
    margin_left_mm: Decimal = MARGIN_LEFT_MM
    margin_right_mm: Decimal = MARGIN_RIGHT_MM
    bold_run_in: bool = False

    @classmethod
    def from_options(cls, options: LayoutOptions) -> Layout:
        fonts = Fonts()
        for name in ("body", "title", "heading1", "heading2"):
            chosen = getattr(options.fonts, name)
            if chosen:
                fonts = replace(fonts, **{name: chosen})
        margins = {
            f"margin_{side}_mm": getattr(options.margins, side)
            for side in ("top", "bottom", "left", "right")
            if getattr(options.margins, side) is not None
        }
        return cls(fonts=fonts, bold_run_in=options.bold_run_in, **margins)

    def margin(self, side: str) -> Length:
        return Mm(float(getattr(self, f"margin_{side}_mm")))

    @property
    def text_width(self) -> Length:
        return Length(PAGE_WIDTH - self.margin("left") - self.margin("right"))

    @property
    def line_chars(self) -> int:
        """How many characters of the body text a line of the portrait 版心 holds (5.2.3: 28)."""
        return int(self.text_width.pt / BODY_ADVANCE)

    @property
    def text_height(self) -> Length:
        """The 版心's height: a landscape page's text width (9: the sheet is only turned)."""
        return Length(PAGE_HEIGHT - self.margin("top") - self.margin("bottom"))
