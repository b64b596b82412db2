"""Measuring text before it is rendered: character widths, title lines,
table column widths (reportgen.measuring; the PDF tests check the outcome)."""

from __future__ import annotations

import pytest

from reportgen import blocks, markup
from reportgen import layout as L
from reportgen.measuring import balance_title, chars_wide
from reportgen.typesetting.columns import column_widths, too_wide


def test_chinese_characters_are_one_wide_latin_narrower_with_a_gap_between_scripts():
    assert chars_wide("部门整体") == 4
    assert chars_wide("2024") == pytest.approx(4 * L.LATIN_EM)
    # “2024年”: four digits, one character, one gap where the scripts meet.
    assert chars_wide("2024年") == pytest.approx(4 * L.LATIN_EM + 1 + L.SCRIPT_GAP_EM)
    assert chars_wide("") == 0


def test_a_title_is_set_on_the_fewest_lines_and_evenly():
    width = L.Layout().text_width.pt  # 442 pt: 20 characters of 二号 at most
    assert balance_title(["2023年度", "部门整体支出绩效自评报告"], width) == ["2023年度部门整体支出绩效自评报告"]
    lines = balance_title(["2023年度广州番禺经济技术开发区", "管理委员会", "部门整体支出", "绩效自评报告"], width)
    # 15.85 and 17 characters wide: evener than 20.85 and 12 (…开发区管理委员会 / 部门整体…).
    assert lines == ["2023年度广州番禺经济技术开发区", "管理委员会部门整体支出绩效自评报告"]
    # A segment too long for any line is cut into near-equal parts.
    long = balance_title(["甲" * 50], width)
    assert len(long) == 3 and {len(line) for line in long} <= {16, 17, 18}


def _table(text: str) -> blocks.Table:
    (part,) = markup.parse(text).parts
    (table,) = part.blocks
    return table


def test_columns_fill_the_text_width_and_a_long_label_gets_the_most():
    table = _table("| 项目 | 金额 |\n|:--|--:|\n| 部门预算资金支出率 | 1028.77 |\n")
    widths = column_widths([table], 400)
    assert sum(widths) == pytest.approx(400)
    assert widths[0] > widths[1]


def test_a_spanning_cell_claims_no_single_column():
    narrow = _table("| 甲 | 乙 |\n|--|--|\n| 很长很长很长很长很长很长的说明文字 | []{.joined} |\n")
    assert column_widths([narrow], 400) == pytest.approx([200, 200])


def test_a_table_whose_numbers_cannot_fit_is_too_wide_for_the_page():
    row = " | ".join(["99999999999.99"] * 9)
    table = _table("| " + " | ".join("列" * 9) + " |\n|" + "--|" * 9 + "\n| " + row + " |\n")
    assert too_wide(table, L.Layout().text_width.pt)
    assert not too_wide(table, L.Layout().text_height.pt * 2)


def test_a_spanning_cell_gets_the_room_of_its_text_from_the_columns_it_spans():
    spanned = "甲" * 30
    table = _table(f"| 一 | 二 | 三 |\n|--|--|--|\n| {spanned} | []{{.joined}} | {'乙' * 10} |\n")
    widths = column_widths([table], 600)
    # One line of 30 characters (12 pt, with half a character of slack and 4 pt padding each
    # side) against one of 10: 374 pt to 134 pt, scaled up together to fill 600 pt.
    assert widths[0] + widths[1] == pytest.approx(374 * 600 / 508)
    assert widths[2] == pytest.approx(134 * 600 / 508)


def test_a_weight_in_brackets_is_not_broken_where_the_columns_can_keep_it_whole():
    from reportgen.typesetting.columns import cell_lines, line_lengths

    label = "满意度指标（10分）"
    table = _table(
        "| 一级指标 | 二级指标 | 偏差原因分析及改进措施 |\n|--|--|--|\n"
        f"| {label} | 服务对象满意度指标 | {'受汛期影响部分工作推迟至次年一季度' * 3} |\n"
        "| 年度总体目标 | 社会效益指标 | 无 |\n"
    )
    # 300 pt: the first column could be left at its even width (“满意度指标（10 / 分）”); the
    # weight stands whole, on the label's line or, set by us, on a line of its own.
    first = column_widths([table], 300)[0]
    room = (first - 2 * L.CELL_PADDING.pt) / L.SIZE_SMALL_4.pt
    parts = cell_lines(blocks.Cell(label), first)
    assert parts in ([label], ["满意度指标", "（10分）"]), (first, parts)
    for leeway in (0, L.TABLE_LINE_LEEWAY_EM):  # in Word's half-width digits as in the PDF's
        assert [line_lengths(part, room + leeway, room + leeway) for part in parts] == [[len(p)] for p in parts]
    assert line_lengths("年度总体目标", room, room) == [6]
