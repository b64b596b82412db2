"""The typed document between markup and typesetting: parts, block types,
numbering, the table grid, and what a template may not write."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE, run

from reportgen import blocks, markup
from reportgen.blocks import AttachmentLabel, Heading, Item, Paragraph, Signature, Table, Title, UnitLine
from reportgen.diagnostics import InvalidInput


def test_numbering_follows_gb_t_9704_7_3_3():
    assert [markup.number(1, n) for n in (1, 10, 12, 20)] == ["一、", "十、", "十二、", "二十、"]
    assert markup.number(2, 3) == "（三）"
    assert markup.number(3, 11) == "11."
    assert markup.number(4, 2) == "（2）"
    assert markup.number(5, 1) == "①" and markup.number(5, 20) == "⑳" and markup.number(5, 21) == "21)"


REPORT = """\
{.title}
甲单位
年度报告

# 基本情况

## 职能

1. 第一条

[小标题。]{.runin}正文

{.signature}
甲单位
2024年3月1日

{.attachment}
附件1

{.title .landscape}
表

{.unit}
单位：万元

| 项目 | 金额 |
|:--|--:|
| 甲 | 1.00 |

# 另一节
"""


def test_the_document_is_parts_of_typed_blocks():
    document = markup.parse(REPORT)
    report, attachment = document.parts
    assert report.label is None and report.title == Title(("甲单位", "年度报告"))
    heading, section, item, paragraph, signature = report.blocks
    assert heading == Heading(1, "一、", (blocks.Run("基本情况"),))
    assert isinstance(section, Heading) and section.text == "（一）职能"
    # An item is one level below the heading above it: under （一） it is 1.
    assert isinstance(item, Item) and item.text == "1.第一条"
    assert paragraph == Paragraph((blocks.Run("小标题。", run_in=True), blocks.Run("正文")))
    assert signature == Signature("甲单位", ("2024年3月1日",))
    assert attachment.label == AttachmentLabel("附件1") and attachment.landscape
    unit, table, heading_again = attachment.blocks
    assert unit == UnitLine("单位：万元") and isinstance(table, Table)
    # Each part numbers its headings afresh.
    assert heading_again.text == "一、另一节"


def test_a_spanning_cell_is_referenced_from_every_slot_it_covers():
    (part,) = markup.parse(
        "| 名称 | []{.joined} | 值 |\n|:--|:--|--:|\n| 甲 | 乙 | 1 |\n| []{.merged} | 丙 | 2 |\n| 短 |\n"
    ).parts
    (table,) = part.blocks
    assert table.columns == 3 and table.header_rows == 1
    head, first, second, short = table.slots
    assert head[0] is head[1] and head[0].columns == 2 and head[2].text == "值"
    assert second[0] is first[0] and first[0].rows == 2 and first[0].text == "甲"
    # markdown-it pads a short row with empty cells.
    assert [cell.text for cell in short] == ["短", "", ""] and short[1] is not short[2]
    assert first[2].align == "right" and head[2].align == "center" and head[0].header
    assert table.row_texts() == [["名称", "值"], ["甲", "乙", "1"], ["", "丙", "2"], ["短", "", ""]]
    assert [cell.text for cell in table.cells()] == ["名称", "值", "甲", "乙", "1", "丙", "2", "短", "", ""]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("正文\n\n##### 五级\n", "模板输出的第 3 行“##### 五级”：不支持5级标题（标题最多 4 级：# 至 ####）"),
        ("- 甲\n- 乙\n", "模板输出的第 1 行“- 甲”：不支持无序列表"),
        ("> 引文\n", "模板输出的第 1 行“> 引文”：不支持引用"),
        ("| []{.merged} | b |\n|--|--|\n| x | y |\n", "表格第 1 行第 1 列的 []{.merged} 上面没有可合并的同宽单元格"),
        (
            "| a | []{.joined} |\n|--|--|\n| []{.merged} | y |\n",
            "表格第 2 行第 1 列的 []{.merged} 上面没有可合并的同宽单元格",
        ),
    ],
)
def test_a_structure_outside_the_markup_is_refused_with_its_line(text, expected):
    with pytest.raises(InvalidInput) as refused:
        markup.parse(text)
    (diagnostic,) = refused.value.diagnostics
    assert expected in diagnostic.message


@pytest.mark.parametrize(
    ("template", "line"),
    [
        # The template's own text, after a loop: line 5 of the file.
        ("{% for duty in 部门职能 %}\n1. {{ duty }}\n{% endfor %}\n\n##### 太深的标题\n", 5),
        # Written by a macro: the line that calls it (a value's own "#" is escaped).
        ("{% macro deep(t) %}##### {{ t }}{% endmacro %}\n正文。\n\n{{ deep('太深的标题') }}\n", 4),
        # In a template included by this one: that template's file and line.
        ("正文。\n\n{% include 'sections/deeper.md.j2' %}\n", None),
    ],
)
def test_check_names_the_template_and_line_writing_a_fifth_level(tmp_path, template, line):
    folder = tmp_path / "我的模板" / "sections"
    folder.mkdir(parents=True)
    (folder / "duties.md.j2").write_text(template, encoding="utf-8")
    (folder / "deeper.md.j2").write_text("\n\n#### 四级\n\n##### 太深的标题\n", encoding="utf-8")
    result = run("check", SAMPLE, "--templates", folder.parent)
    assert result.exit_code == 1, result.output
    assert "“##### 太深的标题”：不支持5级标题（标题最多 4 级：# 至 ####）" in result.output
    written = f"{folder / 'duties.md.j2'}:{line}" if line else f"{folder / 'deeper.md.j2'}:5"
    assert f"{written} 错误" in result.output or f"{written}:" in result.output, result.output
    assert "Traceback" not in result.output


def test_reading_markup_loads_no_pydantic():
    code = "import reportgen.markup, sys; assert 'pydantic' not in sys.modules, 'pydantic loaded'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_measuring_loads_no_python_docx():
    code = "import reportgen.measuring, sys; assert 'docx' not in sys.modules, 'python-docx loaded'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_cell_may_set_its_own_alignment_over_its_column():
    (part,) = markup.parse("| 名称 | 值 |\n|:--|:--|\n| [得分]{.center} | [9.51]{.right} |\n").parts
    (table,) = part.blocks
    heading, value = table.slots[1]
    assert (heading.text, heading.align) == ("得分", "center")
    assert (value.text, value.align) == ("9.51", "right")
