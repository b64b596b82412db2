"""The layout as LibreOffice renders it, measured in the PDF (GB/T 9704-2012).

Geometry in PDF points (1 mm = 2.835 pt).  The .docx asks for A4, margins
37/35/28/26 mm, 22 lines of 28 characters; these tests check that an office
suite really lays the text out so.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pdfplumber
import pytest

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT = 28 * MM, (210 - 26) * MM
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
PITCH = 28.95
BODY_SIZE, TITLE_SIZE, NUMBER_SIZE = 16, 22, 14
CJK = re.compile(r"[\u3000-\u303F\u4E00-\u9FFF\uFF00-\uFFEF“”、]")


class Line:
    def __init__(self, chars):
        self.chars = sorted(chars, key=lambda c: c["x0"])
        self.text = "".join(c["text"] for c in self.chars)
        self.top = min(c["top"] for c in chars)
        self.bottom = max(c["bottom"] for c in chars)
        self.x0 = min(c["x0"] for c in chars)
        self.x1 = max(c["x1"] for c in chars)
        self.size = round(max(c["size"] for c in chars))
        self.font = self.chars[0]["fontname"]


@pytest.fixture(scope="module")
def pages(sample_pdf):
    with pdfplumber.open(sample_pdf) as pdf:
        result = []
        for page in pdf.pages:
            rows = defaultdict(list)
            for char in page.chars:
                if char["text"].strip():
                    rows[round(char["bottom"])].append(char)
            lines = sorted((Line(chars) for chars in rows.values()), key=lambda line: line.top)
            result.append({"width": page.width, "height": page.height, "lines": lines})
        return result


def report_pages(pages):
    """The pages of the report itself, before its attachments (附件1 starts a page)."""
    end = next(i for i, page in enumerate(pages) if i and re.fullmatch(r"附件[\d-]+", body_lines(page)[0].text))
    return pages[:end]


def body_lines(page):
    return [line for line in page["lines"] if line.bottom <= BOTTOM + 2]


def footer_lines(page):
    return [line for line in page["lines"] if line.top > BOTTOM]


def test_every_page_is_a4(pages):
    assert len(pages) >= 5
    for page in pages:
        assert page["width"] == pytest.approx(PAGE_W, abs=1)
        assert page["height"] == pytest.approx(PAGE_H, abs=1)


def test_body_starts_28_mm_from_the_left_and_in_the_first_line_under_37_mm(pages):
    for number, page in enumerate(pages, 1):
        lines = body_lines(page)
        assert min(line.x0 for line in lines) == pytest.approx(LEFT, abs=MM), f"第 {number} 页左边距"
        first = lines[0]
        # The first line's glyphs sit inside the first 28.95 pt line slot under the 天头.
        assert first.top >= TOP - MM, f"第 {number} 页首行高于版心"
        assert first.bottom <= TOP + PITCH + MM, f"第 {number} 页首行不在版心第一行"


def test_full_body_pages_hold_22_lines(pages):
    # The page before the last may end early: the paragraph that the 附件说明 is kept
    # with moves over with it (test_closing_lines_stand_with_body_text).
    inner = report_pages(pages)[1:-2]
    assert inner
    for number, page in enumerate(inner, 2):
        lines = body_lines(page)
        assert len(lines) == 22, f"第 {number} 页有 {len(lines)} 行"
        # Lines of the body face sit on the 28.95 pt grid.  (A heading's face sits in
        # its slot by its own ascent, a point or two off the body's: not a pitch.)
        tops = [line.top for line in lines if line.font == lines[-1].font]
        for top in tops:
            slots = (top - tops[0]) / PITCH
            assert slots == pytest.approx(round(slots), abs=0.03), f"第 {number} 页行距不是 28.95 pt"
        assert (tops[-1] - tops[0]) / PITCH >= 15


def test_full_body_lines_hold_28_characters(pages):
    lines = [line for page in pages for line in body_lines(page)]
    full = []
    for line, following in zip(lines, lines[1:]):
        chars = [c for c in line.chars if round(c["size"]) == BODY_SIZE]
        text = "".join(c["text"] for c in chars)
        # A line of Chinese only, running from margin to margin (a paragraph's
        # first line is indented; its last line stops short), and not cut short
        # by a number that cannot be broken onto it.
        if (
            len(chars) >= 20
            and all(CJK.match(ch) for ch in text)
            and line.x0 < LEFT + 2
            and line.x1 >= RIGHT - BODY_SIZE / 2
            and CJK.match(following.text[0])
        ):
            full.append((text, following.text))
            if len(text) == 28:
                pitch = (chars[-1]["x0"] - chars[0]["x0"]) / 27
                # 16 pt condensed by 0.25 pt (w:spacing -5): 28 characters fit 156 mm.
                assert pitch == pytest.approx(BODY_SIZE - 0.25, abs=0.3), text
    assert len(full) >= 20
    # Punctuation never hangs past the margin (layout.OVERFLOW_PUNCTUATION): a line stops
    # at 27 when the 28th character would have a mark after it that may not begin a line,
    # or when its next character may not end one (《“（).
    for text, following in full:
        if len(text) != 28:
            assert len(text) == 27 and (following[1] in "，。、；：”）！？" or following[0] in "《“（"), (
                text,
                following,
            )
    assert sum(len(text) == 28 for text, _ in full) >= 0.7 * len(full)
    assert not any(text[-1] in "，。、；：”）" and len(text) > 28 for text, _ in full)


def test_title_is_centred_in_its_own_face_and_size(pages):
    title = [line for line in body_lines(pages[0]) if line.size == TITLE_SIZE]
    assert [line.text for line in title] == ["2023年度广州番禺经济技术开发区管理委员会", "部门整体支出绩效自评报告"]
    centre = (LEFT + RIGHT) / 2
    for line in title:
        assert (line.x0 + line.x1) / 2 == pytest.approx(centre, abs=3)
        assert line.x0 >= LEFT - 1 and line.x1 <= RIGHT + 1
        # 方正小标宋简体 is rendered by the bold serif face mapped to it.
        assert "Serif" in line.font and "Bold" in line.font


def test_headings_are_in_their_faces(pages):
    lines = [line for page in pages for line in body_lines(page)]
    level1 = [line for line in lines if re.match(r"^[一二三四]、", line.text)]
    level2 = [line for line in lines if re.match(r"^（[一二三四五]）", line.text)]
    assert [line.text for line in level1] == [
        "一、部门基本情况",
        "二、绩效自评情况",
        "三、存在的主要问题",
        "四、下一步改进措施",
    ]
    assert len(level2) == 8
    for line in level1:
        assert "Sans" in line.font  # 黑体 → Noto Sans CJK
    for line in level2:
        assert "WenKai" in line.font  # 楷体_GB2312 → LXGW WenKai
    body = [line for line in lines if line.text.startswith("根据财政预算绩效管理要求")]
    assert body and "Serif" in body[0].font and "Bold" not in body[0].font


def test_headings_are_indented_two_characters(pages):
    lines = [line for page in pages for line in body_lines(page)]
    for line in lines:
        if re.match(r"^([一二三四]、|（[一二三四五]）)", line.text):
            assert line.x0 == pytest.approx(LEFT + 2 * BODY_SIZE, abs=2), line.text


def test_page_numbers_on_every_page_outer_side_7_mm_below_the_text(pages):
    for number, page in enumerate(pages, 1):
        (footer,) = footer_lines(page)
        assert footer.text == f"—{number}—"
        assert footer.size == NUMBER_SIZE
        if number % 2:
            assert footer.x1 == pytest.approx(RIGHT - NUMBER_SIZE, abs=2), "单页页码应右空一字"
        else:
            assert footer.x0 == pytest.approx(LEFT + NUMBER_SIZE, abs=2), "双页页码应左空一字"
        middle = (footer.top + footer.bottom) / 2
        assert middle - BOTTOM == pytest.approx(7 * MM, abs=2 * MM)


def test_no_heading_ends_a_page_and_the_first_page_has_body_text(pages):
    for number, page in enumerate(pages, 1):
        last = body_lines(page)[-1]
        assert not re.match(r"^([一二三四]、|（[一二三四五]）)", last.text), f"第 {number} 页以标题结尾：{last.text}"
    first_page_body = [line for line in body_lines(pages[0]) if line.size == BODY_SIZE and "Serif" in line.font]
    assert len(first_page_body) >= 5


def test_closing_lines_stand_with_body_text(pages):
    """7.3.4/7.3.5: the 附件说明 never alone on a page, and all of it on one page."""
    last = body_lines(report_pages(pages)[-1])
    texts = [line.text.replace(" ", "") for line in last]
    start = next(i for i, text in enumerate(texts) if text.startswith("附件："))
    assert start >= 1 and texts[start - 1].endswith("。"), texts  # body text above it
    assert texts[start:] == [
        "附件：2-1.2023年度广州番禺经济技术开发区管理委员会",
        "部门整体收支情况表",
        "2-2.2023年度广州番禺经济技术开发区管理委员会",
        "部门整体支出绩效自评表",
    ]
    # A wrapped name continues under its own first character; the second entry under the first's number.
    x = [line.x0 for line in last[start:]]
    assert x[1] == pytest.approx(x[3], abs=1) and x[1] > x[2] > x[0]
