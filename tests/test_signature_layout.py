"""The 落款 by GB/T 9704 7.3.5, measured in characters in LibreOffice's PDF:
7.3.5.2 without a seal (organ 右空二字, the date two characters right of it, or
when the date is the longer, the date 右空二字 and the organ centred over it),
7.3.5.1 with one (date 右空四字, organ centred over it, room for the seal);
and the closing lines' pagination (at least two lines of text above them,
no long paragraph moved whole)."""

from __future__ import annotations

import datetime
import re

import docx
import pdfplumber
import pytest
from conftest import build, refused, rendered, write_variant
from test_layout_pdf import LEFT, MM, PITCH, RIGHT, TOP
from test_line_breaks import page_lines

from reportgen import layout as L
from reportgen import markup, writing
from reportgen.measuring import chars_wide, signature_place
from reportgen.typesetting import Metadata, typeset

CHAR = L.BODY_ADVANCE  # one character of the condensed body text, in pt
WIDTH = L.Layout().text_width.pt
LINE = WIDTH / CHAR
LONG_ORGAN = "中国人民政治协商会议广东省广州市越秀区委员会办公室"  # 25 characters
#: (organ, date, sealed): short organ and long date, equal lengths, the usual
#: case, an organ as long as a line allows, and the same with a seal.
CASES = [
    ("县审计局", "2024年12月25日", False),
    ("青山县农业农村局", "2024年12月25日", False),
    ("广州番禺经济技术开发区管理委员会", "2024年3月1日", False),
    (LONG_ORGAN, "2024年3月1日", False),
    ("县审计局", "2024年12月25日", True),
    ("广州市越秀区财政局", "2024年3月1日", True),
    (LONG_ORGAN, "2024年12月25日", True),
]


def test_the_places_follow_the_clauses():
    # 7.3.5.2, the date shorter: organ 右空二字, the date from two characters right of the organ's start.
    place = signature_place("广州番禺经济技术开发区管理委员会", "2024年3月1日", False, WIDTH)
    assert place.organ_right == 2 and place.date_right is None
    assert place.date_left == pytest.approx(LINE - 2 - 16 + 2)
    # The date the longer (四 characters against 8.73): date 右空二字, organ centred over it.
    date = chars_wide("2024年12月25日", L.BODY_LATIN_EM)
    assert date == pytest.approx(8 * 0.56 + 3 + 5 * 0.25)
    place = signature_place("县审计局", "2024年12月25日", False, WIDTH)
    assert place.date_right == 2 and place.organ_right == pytest.approx(2 + (date - 4) / 2)
    # 7.3.5.1: date 右空四字, the organ centred over it ...
    place = signature_place("县审计局", "2024年12月25日", True, WIDTH)
    assert place.date_right == pytest.approx(4) and place.organ_right == pytest.approx(4 + (date - 4) / 2)
    # ... unless that would put the organ closer than two characters to the margin.
    place = signature_place(LONG_ORGAN, "2024年12月25日", True, WIDTH)
    assert place.organ_right == pytest.approx(2) and place.date_right == pytest.approx(2 + (25 - date) / 2)


@pytest.fixture(scope="module")
def signed_pages(tmp_path_factory):
    """One page for each case: a line of text, then the 落款."""
    text = ""
    for i, (organ, date, sealed) in enumerate(CASES, 1):
        text += (
            f"{{.attachment}}\n附件{i}\n\n正文。\n\n{{.signature{' .sealed' if sealed else ''}}}\n{organ}\n{date}\n\n"
        )
    metadata = Metadata("落款", "测试", datetime.datetime(2024, 1, 1))
    path = tmp_path_factory.mktemp("signatures") / "signatures.docx"
    path.write_bytes(writing.docx_bytes(typeset(markup.parse(text), L.Layout(), metadata)))
    with pdfplumber.open(rendered(path)) as pdf:
        return [page_lines(page) for page in pdf.pages]


def _placed(signed_pages, case):
    """The text line above the 落款, the organ's line and the date's, each found whole on one line."""
    organ, date, _ = case
    lines = signed_pages[CASES.index(case)]
    texts = [line.text for line in lines]
    assert organ in texts and date in texts, texts  # neither wraps
    return lines[texts.index("正文。")], lines[texts.index(organ)], lines[texts.index(date)]


def right_space(line) -> float:
    return (RIGHT - line.x1) / CHAR


@pytest.mark.parametrize("case", [case for case in CASES if not case[2]], ids=lambda case: case[0])
def test_without_a_seal_7_3_5_2(signed_pages, case):
    text, organ, date = _placed(signed_pages, case)
    # 下空一行: the organ on the second line under the text, the date on the next.
    assert (organ.top - text.top) / PITCH == pytest.approx(2, abs=0.05)
    assert (date.top - organ.top) / PITCH == pytest.approx(1, abs=0.05)
    assert date.x1 <= RIGHT + 1 and organ.x0 >= LEFT - 1
    organ_width, date_width = organ.x1 - organ.x0, date.x1 - date.x0
    if date_width <= organ_width:
        # 右空二字; the date's first character two characters right of the organ's.
        assert right_space(organ) == pytest.approx(2, abs=0.1)
        assert (date.x0 - organ.x0) / CHAR == pytest.approx(2, abs=0.1)
    else:
        # The date the longer: date 右空二字, the organ's right space grown, centred over it.
        assert right_space(date) == pytest.approx(2, abs=0.1)
        assert right_space(organ) > 2
        assert (organ.x0 + organ.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=0.5 * CHAR)


def test_the_cases_cover_a_short_an_equal_and_a_long_organ(signed_pages):
    widths = []
    for case in CASES[:4]:
        _, organ, date = _placed(signed_pages, case)
        widths.append(((organ.x1 - organ.x0) / CHAR, (date.x1 - date.x0) / CHAR))
    (short, long_date), (equal, date_of_equal), _, (longest, _) = widths
    assert short < long_date - 3
    assert equal == pytest.approx(date_of_equal, abs=0.5)
    assert longest == pytest.approx(len(LONG_ORGAN), abs=0.1)


@pytest.mark.parametrize("case", [case for case in CASES if case[2]], ids=lambda case: case[0])
def test_with_a_seal_7_3_5_1(signed_pages, case):
    text, organ, date = _placed(signed_pages, case)
    long_organ = case[0] == LONG_ORGAN
    # 成文日期右空四字 (an organ too long to centre over it keeps 右空二字 and the date moves left).
    assert right_space(organ if long_organ else date) == pytest.approx(2 if long_organ else 4, abs=0.1)
    # 以成文日期为准居中编排发文机关署名.
    centre = (date.x0 + date.x1) / 2
    assert (organ.x0 + organ.x1) / 2 == pytest.approx(centre, abs=0.5 * CHAR)
    # Room for the seal: a 42 mm seal centred on the date, its top half a line under the
    # text (一行之内), presses organ and date below its centre and stays inside the 版心.
    radius = L.SEAL_DIAMETER_MM * MM / 2
    top = text.bottom + PITCH / 2
    assert top + 2 * radius > date.bottom  # it covers the date
    assert top < organ.top  # and the organ
    assert top + radius < (organ.top + date.bottom) / 2  # both below its centre
    assert centre - radius >= LEFT and centre + radius <= RIGHT
    # The seal does not press the text: two blank lines between.
    assert (organ.top - text.top) / PITCH == pytest.approx(3, abs=0.05)


def test_the_seal_is_chosen_in_the_data_and_checked(tmp_path):
    data = write_variant(
        tmp_path, ("年度: 2023\n", "年度: 2023\n落款:\n  单位: 县审计局\n  日期: 2024-12-25\n  盖章: 是\n")
    )
    made = docx.Document(str(build(data, tmp_path / "out")))
    texts = [p.text for p in made.paragraphs]
    date = made.paragraphs[texts.index("2024年12月25日")]
    assert date.paragraph_format.right_indent.pt == pytest.approx(4 * CHAR, abs=0.1)
    assert texts[texts.index("县审计局") - 2 : texts.index("县审计局")] == ["", ""]
    wrong = write_variant(
        tmp_path, ("年度: 2023\n", "年度: 2023\n落款:\n  单位: 县审计局\n  日期: 2024-12-25\n  盖章: 也许\n")
    )
    refused(wrong, "盖章")


def test_an_organ_too_long_for_a_line_is_refused_with_the_limit(tmp_path):
    too_long = LONG_ORGAN + "秘书处"  # 28 characters: a line holds 28, 右空二字 leaves 26
    data = write_variant(tmp_path, ("年度: 2023\n", f"年度: 2023\n落款:\n  单位: {too_long}\n  日期: 2024-12-25\n"))
    refused(data, "最多 26 个字")


# --- pagination of the closing lines --------------------------------------------------

#: Items of 改进措施 that lengthen the paragraph above the 附件说明 until it, the
#: 附件说明 and the 落款 cannot end the page it begins on (Chinese only, so that its
#: line ends are certain; see measuring.closing_split).
EXTRA_ITEMS = "".join(
    f"  - 健全预算绩效管理制度体系，压实{n}级支出责任，推动绩效目标落实到位\n" for n in "一二三四五六七八九十一二三四"
)


@pytest.fixture(scope="module")
def closing_at_a_page_end(tmp_path_factory):
    directory = tmp_path_factory.mktemp("closing")
    last = "  - 及时调整，优化预算项目，提高预算执行率\n"
    data = write_variant(
        directory,
        (last, last + EXTRA_ITEMS),
        ("年度: 2023\n", "年度: 2023\n落款:\n  单位: 广州番禺经济技术开发区管理委员会\n  日期: 2024-03-01\n"),
    )
    made = build(data, directory / "out")
    with pdfplumber.open(rendered(made)) as pdf:
        return made, [page_lines(page) for page in pdf.pages]


def test_the_closing_lines_keep_two_lines_of_text_without_the_paragraph_moving(closing_at_a_page_end):
    made, pages = closing_at_a_page_end
    index = next(i for i, page in enumerate(pages) if any(line.text.startswith("附件：") for line in page))
    page, before = pages[index], pages[index - 1]
    texts = [line.text for line in page]
    start = next(i for i, text in enumerate(texts) if text.startswith("附件："))
    # Two (or three) lines of the paragraph stand above the 附件说明: its last lines, from the left margin.
    assert 2 <= start <= 3
    assert texts[start - 1].endswith("绩效目标落实到位。")
    assert all(line.x0 == pytest.approx(LEFT, abs=1) for line in page[:start])
    # All of the 附件说明 and the 落款 on this page.
    assert texts[-2:] == ["广州番禺经济技术开发区管理委员会", "2024年3月1日"]
    # The page before ends inside the same paragraph, as full as it could be: the
    # kept lines with all that follows them (and the two blank lines) did not fit under it.
    assert not re.search(r"[。：]$", before[-1].text)
    used = round((before[-1].top - TOP) / PITCH) + 1
    assert used + len(texts) + 2 > L.LINES_PER_PAGE
    # In the .docx: the paragraph cut in two, only its last lines kept with the closing, whole.
    body = docx.Document(str(made)).paragraphs
    first = next(i for i, p in enumerate(body) if p.text.startswith("附件："))
    head, tail = body[first - 3], body[first - 2]
    assert (head.text + tail.text).startswith("一是加强制度建设")
    assert tail.text == "".join(texts[:start])
    assert tail._p.pPr.keepNext is not None and tail._p.pPr.keepLines is not None
    # Its own style, without the first-line indent (the lines go on from those above).
    assert tail._p.pPr.style == "ReportContinuation" and not tail.style.paragraph_format.first_line_indent
    assert head._p.pPr.keepNext is None and head._p.pPr.keepLines is None


def test_a_four_line_paragraph_above_the_closing_is_cut_and_a_three_line_one_moves_whole(sample_docx, tmp_path):
    """The sample's last paragraph, four lines, is cut: its last two lines are kept with the 附件说明,
    a paragraph in 公文正文续 (moved whole with its heading, it left half a page empty before);
    without its third item it is three lines, and kept with the 附件说明 whole."""
    body = docx.Document(str(sample_docx)).paragraphs
    first = next(i for i, p in enumerate(body) if p.text.startswith("附件："))
    head, tail = body[first - 3], body[first - 2]
    assert head.text.startswith("一是加强制度建设") and tail.text.endswith("提高预算执行率。")
    assert tail._p.pPr.style == "ReportContinuation" and tail._p.pPr.keepLines is not None
    # Cut at a line end: the head is its first two lines (26 and 28 characters), the tail the rest.
    assert len(head.text) == 26 + 28
    assert head._p.pPr.keepNext is None

    shorter = build(write_variant(tmp_path, ("  - 及时调整，优化预算项目，提高预算执行率\n", "")), tmp_path / "out")
    body = docx.Document(str(shorter)).paragraphs
    first = next(i for i, p in enumerate(body) if p.text.startswith("附件："))
    above = body[first - 2]
    assert above.text.startswith("一是加强制度建设") and above.text.endswith("强化项目全过程管理。")
    assert above._p.pPr.style == "ReportBody"
    assert above._p.pPr.keepNext is not None and above._p.pPr.keepLines is not None


def test_a_heading_and_a_four_line_paragraph_above_the_closing_leave_no_half_empty_page(tmp_path):
    import yaml
    from conftest import SAMPLE

    # A long organ name makes the 附件说明 four lines: the heading 四、, the four-line paragraph
    # under it and the closing lines no longer fit under 三、.  They moved together and left the page
    # before with 13 of its 22 lines; now the heading and the paragraph's first two lines stay there.
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["部门"] = "中国人民政治协商会议广东省深圳市南山区委员会办公室"
    data["落款"] = {"单位": data["部门"], "日期": datetime.date(2024, 3, 15)}
    source = tmp_path / "2023.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pdfplumber.open(rendered(build(source, tmp_path / "out"))) as pdf:
        pages = [[line.text for line in page_lines(page)] for page in pdf.pages]
    closing = next(i for i, page in enumerate(pages) if any(text.startswith("附件：") for text in page))
    before, page = pages[closing - 1], pages[closing]
    assert before[-3:-2] == ["四、下一步改进措施"] and before[-2].startswith("一是加强制度建设")
    assert "".join(page[:2]).replace(" ", "") == "项目全过程管理；三是及时调整，优化预算项目，提高预算执行率。"
