"""Other departments' outlines: an added section renumbers what follows; a signed report."""

from __future__ import annotations

import collections

import pdfplumber
import pytest
from conftest import build, paragraphs, rendered, write_variant

MM = 72 / 25.4
RIGHT = (210 - 26) * MM
STAFFING = (
    "# 一、（二）年度总体工作",
    "机构人员:\n  内设机构: [综合办公室, 招商服务科, 规划建设科]\n  编制数: 20\n  在职人数: 18\n  离退休人数: 3\n\n"
    "落款:\n  单位: 广州番禺经济技术开发区管理委员会\n  日期: 2024-03-01\n\n# 一、（二）年度总体工作",
)


@pytest.fixture(scope="module")
def variant_docx(tmp_path_factory):
    directory = tmp_path_factory.mktemp("variant")
    return build(write_variant(directory, STAFFING), directory / "out")


def test_an_added_section_renumbers_every_later_heading(variant_docx):
    ours = paragraphs(variant_docx)
    start = ours.index("（二）设置机构及人员情况")
    assert (
        ours[start + 1]
        == "我委内设机构3个：综合办公室、招商服务科、规划建设科。编制数20名，在职人数18名，离退休人数3名。"
    )
    assert ours[start + 2 : start + 3] == ["（三）年度总体工作和重点工作任务"]
    for heading in (
        "（四）部门整体支出绩效目标",
        "（五）部门整体收支情况（以决算数为统计口径）",
        "（六）部门整体绩效管理情况",
    ):
        assert heading in ours
    assert "（二）年度总体工作和重点工作任务" not in ours
    # Level-2 numbering restarts under the next level-1 heading.
    assert ours[ours.index("二、绩效自评情况") + 1] == "（一）自评结论"


def test_signature_follows_the_attachment_list(variant_docx):
    ours = paragraphs(variant_docx)
    end = ours.index("2-2.2023年度广州番禺经济技术开发区管理委员会部门整体支出绩效自评表")
    assert ours[end + 1 : end + 3] == ["广州番禺经济技术开发区管理委员会", "2024年3月1日"]


def _lines_of(pdf_path):
    """Each text line of the PDF: its (left, right, top) and its page, by its text."""
    lines, pages = {}, {}
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages):
            rows = collections.defaultdict(list)
            for char in page.chars:
                rows[round(char["bottom"])].append(char)
            for chars in rows.values():
                text = "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]))
                lines[text] = (min(c["x0"] for c in chars), max(c["x1"] for c in chars), min(c["top"] for c in chars))
                pages[text] = number
    return lines, pages


def test_signature_geometry_in_the_rendered_pdf(variant_docx):
    lines, pages = _lines_of(rendered(variant_docx))
    organ_left, organ_right, organ_top = lines["广州番禺经济技术开发区管理委员会"]
    date_left, _, date_top = lines["2024年3月1日"]
    # 7.3.5.2: organ two characters in from the right; date on the next line,
    # its first character two characters right of the organ's.
    # Organ and date on one page, and that page carries text above them (7.3.5).
    assert pages["广州番禺经济技术开发区管理委员会"] == pages["2024年3月1日"]
    above = [text for text, number in pages.items() if number == pages["2024年3月1日"] and lines[text][2] < organ_top]
    assert any(text.startswith("附件：") for text in above)
    assert RIGHT - organ_right == pytest.approx(2 * 16, abs=2)
    assert date_left - organ_left == pytest.approx(2 * 16, abs=2)
    assert date_top - organ_top == pytest.approx(28.95, abs=1)


def test_fonts_margins_and_bold_run_in_headings_can_be_overridden(tmp_path):
    import docx

    data = write_variant(
        tmp_path,
        (
            "存在问题: []",
            "存在问题: []\n\n版式:\n  字体: {正文: 仿宋, 标题: 方正小标宋_GBK}\n  页边距: {左: 30, 右: 24}\n  小标题加粗: true",
        ),
    )
    document = docx.Document(str(build(data, tmp_path / "out")))
    body = document.styles["公文正文"].element.rPr.rFonts
    assert body.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    title = document.styles["公文标题"].element.rPr.rFonts
    assert title.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋_GBK"
    assert document.styles["一级标题"].font.name == "黑体"  # untouched
    section = document.sections[0]
    assert (round(section.left_margin.mm, 1), round(section.right_margin.mm, 1)) == (30.0, 24.0)
    assert document.styles["段首小标题"].font.bold is True


def test_a_date_longer_than_the_organ_stands_two_characters_in_with_the_organ_over_it(tmp_path):
    """7.3.5.2: 如成文日期长于发文机关署名，应当使成文日期右空二字编排，并相应增加发文机关署名右空字数."""
    short_organ = (
        "# 一、（二）年度总体工作",
        "落款:\n  单位: 县审计局\n  日期: 2024-12-25\n\n# 一、（二）年度总体工作",
    )
    lines, _ = _lines_of(rendered(build(write_variant(tmp_path, short_organ), tmp_path / "out")))
    assert "2024年12月25日" in lines, [text for text in lines if "2024" in text]  # on one line
    organ_left, organ_right, organ_top = lines["县审计局"]
    date_left, date_right, date_top = lines["2024年12月25日"]
    assert RIGHT - date_right == pytest.approx(2 * 16, abs=2)
    # The organ's right space grows: it stands centred over the date (as 7.3.5.1
    # centres it), a short organ well left of the right margin.
    assert RIGHT - organ_right > 4 * 16
    assert (organ_left + organ_right) / 2 == pytest.approx((date_left + date_right) / 2, abs=8)
    assert date_top - organ_top == pytest.approx(28.95, abs=1)
