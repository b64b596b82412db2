"""Attached tables: 收支情况表 and 部门整体支出绩效自评表, cell by cell."""

from __future__ import annotations

import re

import docx
import pdfplumber
import pytest
from conftest import (
    SAMPLE,
    build,
    paragraphs,
    rendered,
    run,
    sample_text,
    write_variant,
)
from docx.oxml.ns import qn

MM = 72 / 25.4
TEXT_WIDTH_TWIPS = 8844  # 156 mm


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def sample_tables(sample_docx):
    return docx.Document(str(sample_docx)).tables


def test_budget_table_of_the_sample(sample_tables):
    assert cells(sample_tables[0]) == [
        ["项目", "年初预算", "调整预算", "决算", "执行率"],
        ["基本支出", "—", "471.38", "454.25", "96.37%"],
        ["项目支出", "—", "557.38", "549.84", "98.65%"],
        ["其中：办公用房经费", "—", "88.00", "81.00", "92.05%"],
        ["招商业务工作经费", "—", "120.00", "96.66", "80.55%"],
        ["合计", "965.84", "1028.77", "1004.09", "97.60%"],
    ]


def test_indented_cells_keep_their_indent_on_every_line(sample_tables):
    """“其中：” hangs: a long name wraps under the name, not under “其中”; the
    projects below it stand three characters in, on every line they take."""
    rows = sample_tables[0].rows

    def indent(row):
        ind = row.cells[0].paragraphs[0]._p.pPr.find(qn("w:ind"))
        return {key.split("}")[1]: value for key, value in ind.attrib.items() if key.endswith("Chars")}

    assert indent(rows[3]) == {"leftChars": "300", "hangingChars": "300"}
    assert indent(rows[4]) == {"leftChars": "300", "firstLineChars": "0"}
    assert rows[1].cells[0].paragraphs[0]._p.pPr.find(qn("w:ind")) is None


def test_evaluation_table_of_the_sample(sample_tables):
    rate_reason = "预算执行率97.60%，按评分标准扣0.24分"
    # Points as published score tables write them: 10, 9.76, 48 (not 10.00).
    assert cells(sample_tables[1]) == [
        ["一级指标", "二级指标", "分值", "得分", "扣分原因"],
        ["履职效能", "部门预算资金支出率", "10", "9.76", rate_reason],
        ["履职效能", "部门整体绩效目标完成情况", "40", "40", ""],
        ["履职效能", "小计", "50", "49.76", ""],
        ["管理效率", "预算编制", "10", "10", ""],
        ["管理效率", "预算执行", "10", "10", ""],
        ["管理效率", "信息公开", "5", "5", ""],
        ["管理效率", "绩效管理", "10", "8", "缺乏明确绩效要求、科室分工的制度"],
        ["管理效率", "采购管理", "5", "5", ""],
        ["管理效率", "资产管理", "5", "5", ""],
        ["管理效率", "运行成本", "5", "5", ""],
        ["管理效率", "小计", "50", "48", ""],
        # 合计 across both label columns, as 等级 below it (python-docx reads a spanning cell in each slot).
        ["合计", "合计", "100", "97.76", ""],
        # The grade on a row of its own, not in the 扣分原因 column (python-docx reads a spanning cell in each slot).
        ["等级", "等级", "优", "优", "优"],
    ]


def test_first_level_cells_are_merged_vertically(sample_tables):
    table = sample_tables[1]
    first_column = [row.cells[0]._tc for row in table.rows]
    # python-docx hands out the same cell for every row a vertical merge spans.
    assert len({id(tc) for tc in first_column[1:4]}) == 1
    assert len({id(tc) for tc in first_column[4:12]}) == 1
    assert first_column[1] is not first_column[4]


def test_table_figures_are_the_figures_of_the_text(sample_docx, sample_tables):
    text = "".join(paragraphs(sample_docx))
    budget = cells(sample_tables[0])
    for row in budget[1:]:
        assert f"{row[4]}" in text
    assert "决算数为1004.09万元" in text and budget[-1][3] == "1004.09"
    evaluation = cells(sample_tables[1])
    assert f"自评{evaluation[-2][3]}分" in text
    assert f"自评得分{evaluation[3][3]}分" in text


def test_attachments_follow_the_body_and_are_listed(sample_docx):
    ours = paragraphs(sample_docx)
    # The report is itself 附件2 of its covering document: its own attachments are
    # 附件2-1 and 附件2-2, and each is listed under the very title it carries (GB/T 9704 8).
    start = ours.index("附件：2-1.2023年度广州番禺经济技术开发区管理委员会部门整体收支情况表")
    assert ours[start + 1] == "2-2.2023年度广州番禺经济技术开发区管理委员会部门整体支出绩效自评表"
    assert ours[start + 2 : start + 4] == ["附件2-1", "2023年度广州番禺经济技术开发区管理委员会部门整体收支情况表"]
    assert ours[start + 4] == "单位：万元"
    assert ours[start + 5 + ours[start + 5 :].index("附件2-2") + 1] == (
        "2023年度广州番禺经济技术开发区管理委员会部门整体支出绩效自评表"
    )
    document = docx.Document(str(sample_docx))
    labels = [p for p in document.paragraphs if re.fullmatch(r"附件[\d-]+", p.text)]
    assert [p.text for p in labels] == ["附件2", "附件2-1", "附件2-2"]
    # The report's own label stands first; each attached table starts a page.
    assert [bool(p.paragraph_format.page_break_before) for p in labels] == [False, True, True]
    # 8: the label on line 1, an empty line 2, the title on line 3.
    for label in labels:
        following = label._p.getnext()
        assert following.xpath("string(.)") == "" and following.getnext().xpath("string(.)") != ""


def test_attachments_of_a_report_filed_on_its_own_are_numbered_plainly(tmp_path):
    data = write_variant(tmp_path, ("附件编号: 2\n", ""))
    ours = paragraphs(build(data, tmp_path / "out"))
    assert "附件：1.2023年度广州番禺经济技术开发区管理委员会部门整体收支情况表" in ours
    assert "附件1" in ours and "附件2" in ours and "附件2-1" not in ours


def test_table_xml_fits_the_text_block_with_half_point_borders_and_repeated_header(sample_tables):
    for table in sample_tables:
        grid = table._tbl.tblGrid
        assert sum(int(col.get(docx.oxml.ns.qn("w:w"))) for col in grid) <= TEXT_WIDTH_TWIPS
        borders = table._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders"))
        assert {b.get(docx.oxml.ns.qn("w:sz")) for b in borders} == {"4"}
        header = table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader"))
        assert header is not None
        assert table.rows[1]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is None
        assert table.rows[0].cells[0].paragraphs[0].style.name == "表格表头"
        assert table.rows[1].cells[1].paragraphs[0].style.name == "表格文字"
        assert table.rows[1].cells[2].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_without_attachments_no_table_and_no_list(tmp_path):
    data = write_variant(tmp_path, ("附件: [收支情况表, 绩效自评表]", "附件: []"))
    built = build(data, tmp_path / "out")
    assert docx.Document(str(built)).tables == []
    assert not any(p.startswith("附件：") for p in paragraphs(built))


# --- a larger department: 45 projects, several deductions ------------------------------

PROJECTS = 45


def large_data(directory):
    """Project i has budget 10.00 and spends 10.00 − i × 0.10, so its rate is (100 − i)%."""
    projects = "".join(
        f"    - 名称: 项目{i:02d}\n      调整预算: 10.00\n      决算: {10 - i / 10:.2f}\n"
        for i in range(1, PROJECTS + 1)
    )
    text = sample_text()
    start = text.index("  项目:\n    - 名称: 办公用房经费")
    end = text.index("  # 执行率（%）低于此值")
    text = text[:start] + "  项目:\n" + projects + text[end:]
    text = text.replace(
        "          分值: 10\n          分析: 我委在充分梳理",
        "          分值: 10\n          扣分: 1.5\n          扣分原因: 预算编制不够细化\n          分析: 我委在充分梳理",
    )
    text = text.replace(
        "          分值: 5\n          分析: 按时、按要求",
        "          分值: 5\n          扣分: 0.5\n          扣分原因: 个别信息公开不及时\n          分析: 按时、按要求",
    )
    path = directory / "large.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def large_docx(tmp_path_factory):
    directory = tmp_path_factory.mktemp("large")
    return build(large_data(directory), directory / "out")


def test_large_budget_table_lists_every_project(large_docx):
    rows = cells(docx.Document(str(large_docx)).tables[0])
    assert len(rows) == 1 + 2 + PROJECTS + 1
    for i in range(1, PROJECTS + 1):
        name = ("其中：" if i == 1 else "") + f"项目{i:02d}"
        assert rows[2 + i] == [name, "—", "10.00", f"{10 - i / 10:.2f}", f"{100 - i}.00%"]
    assert rows[-1] == ["合计", "965.84", "1028.77", "1004.09", "97.60%"]


def test_large_evaluation_table_with_several_deductions(large_docx):
    rows = cells(docx.Document(str(large_docx)).tables[1])
    assert rows[4] == ["管理效率", "预算编制", "10", "8.5", "预算编制不够细化"]
    assert rows[6] == ["管理效率", "信息公开", "5", "4.5", "个别信息公开不及时"]
    assert rows[7] == ["管理效率", "绩效管理", "10", "8", "缺乏明确绩效要求、科室分工的制度"]
    # 50 − 1.5 − 0.5 − 2 = 46; 49.76 + 46 = 95.76
    assert rows[11] == ["管理效率", "小计", "50", "46", ""]
    assert rows[12:] == [["合计", "合计", "100", "95.76", ""], ["等级", "等级", "优", "优", "优"]]


def test_large_report_names_every_project_below_the_threshold(large_docx):
    text = "".join(paragraphs(large_docx))
    # Rates below 95%: projects 06 to 45.
    named = re.findall(r"项目(\d\d)预算执行率为(\d+\.\d\d)%", text)
    assert [int(n) for n, _ in named] == list(range(6, PROJECTS + 1))
    assert all(rate == f"{100 - int(n)}.00" for n, rate in named)


def test_header_row_repeats_on_the_second_page_of_a_long_table(large_docx):
    with pdfplumber.open(rendered(large_docx)) as pdf:
        texts = [re.sub(r"\s", "", page.extract_text() or "") for page in pdf.pages]
    start = next(i for i, t in enumerate(texts) if t.startswith("附件2-1"))
    assert "项目01" in texts[start] and "项目45" not in texts[start]
    continued = texts[start + 1]
    assert "项目45" in continued
    assert continued.startswith("项目年初预算调整预算决算执行率")


# --- a table too wide for a portrait page ---------------------------------------------

WIDE_TABLE = """{{.title}}
{{{{ 年度 }}}}年度{{{{ 部门 }}}}
{title}

{{.unit}}
单位：万元

| 项目 | 1月 | 2月 | 3月 | 4月 | 5月 | 6月 | 7月 | 8月 | 合计 |
|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|
{{% for 名称, 行 in [("基本支出", 收支.基本支出), ("项目支出", 收支.项目支出)] %}}
| {{{{ 名称 }}}} |{{% for _ in range(9) %}} {{{{ 行.决算 | money }}}} |{{% endfor %}}

{{% endfor %}}
"""


@pytest.fixture(scope="module")
def wide_pdf(tmp_path_factory):
    """Both attachments replaced by ten-column tables: pages 9 (odd) and 10 (even) turn landscape."""
    directory = tmp_path_factory.mktemp("wide")
    templates = directory / "templates" / "attachments"
    templates.mkdir(parents=True)
    (templates / "budget.md.j2").write_text(WIDE_TABLE.format(title="分月支出情况表"), encoding="utf-8")
    (templates / "evaluation.md.j2").write_text(WIDE_TABLE.format(title="分月支出情况续表"), encoding="utf-8")
    out = directory / "out"
    result = run("build", SAMPLE, "--templates", templates.parent, "--out-dir", out)
    assert result.exit_code == 0, result.output
    (docx_path,) = out.glob("*.docx")
    with pdfplumber.open(rendered(docx_path)) as pdf:
        return [(page.width, page.height, page.chars) for page in pdf.pages]


def test_wide_table_goes_on_a_landscape_page_and_back(wide_pdf):
    sizes = [(round(w), round(h)) for w, h, _ in wide_pdf]
    titles = {i: "".join(c["text"] for c in chars) for i, (_, _, chars) in enumerate(wide_pdf)}
    turned = [i for i, size in enumerate(sizes) if size == (842, 595)]
    # The last two pages, one each attachment; everything before them upright.
    assert turned == [len(sizes) - 2, len(sizes) - 1]
    assert "分月支出情况表" in titles[turned[0]] and "分月支出情况续表" in titles[turned[1]]
    assert all(size == (595, 842) for i, size in enumerate(sizes) if i not in turned)
    # The ten columns use the 225 mm of the turned 版心, left edge 35 mm in.
    table = [c for c in wide_pdf[turned[0]][2] if c["upright"] and round(c["size"]) == 12]
    assert min(c["x0"] for c in table) == pytest.approx(35 * MM, abs=2 * MM)
    assert max(c["x1"] for c in table) <= (297 - 37) * MM + 1


@pytest.mark.parametrize("which", [-2, -1])
def test_page_number_of_a_landscape_page_stays_where_the_sheet_has_it(wide_pdf, which):
    """Both turned pages, an odd and an even one whichever comes first."""
    index = len(wide_pdf) + which
    odd = (index + 1) % 2 == 1
    width, height, chars = wide_pdf[index]
    number = sorted((c for c in chars if not c["upright"] and c["text"].strip()), key=lambda c: -c["top"])
    # Read bottom to top, as the sheet is held upright.
    assert "".join(c["text"] for c in number) == f"—{index + 1}—"
    middle = sum((c["x0"] + c["x1"]) / 2 for c in number) / len(number)
    # 35 mm is the 版心's edge on this side; the number stands 7 mm beyond it.
    assert middle == pytest.approx((35 - 7) * MM, abs=2 * MM)
    if odd:  # outer corner of an odd sheet: its right edge, here the page's foot
        assert max(c["bottom"] for c in number) == pytest.approx(height - 26 * MM - 14, abs=3)
    else:
        assert min(c["top"] for c in number) == pytest.approx(28 * MM + 14, abs=3)


def test_a_wide_table_in_the_body_turns_alone(tmp_path):
    from docx.enum.section import WD_ORIENT

    templates = tmp_path / "templates" / "sections"
    templates.mkdir(parents=True)
    (templates / "problems.md.j2").write_text(
        "执行情况见下表。\n\n" + "\n".join(WIDE_TABLE.format(title="").splitlines()[6:]) + "\n\n表后的段落。\n",
        encoding="utf-8",
    )
    result = run("build", SAMPLE, "--templates", templates.parent, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (built,) = (tmp_path / "out").glob("*.docx")
    document = docx.Document(str(built))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    # The paragraph before the table ends the first section; the one after opens the third.
    body = [p.text for p in document.paragraphs]
    assert body.index("执行情况见下表。") < body.index("表后的段落。")


def test_short_labels_are_never_broken(sample_tables):
    """The 二级指标 column holds its longest label (12 characters of 小四, 12 pt,
    plus the cell's 4 pt padding each side) on one line."""
    grid = sample_tables[1]._tbl.tblGrid.findall(qn("w:gridCol"))
    second = int(grid[1].get(qn("w:w"))) / 20
    assert second >= 12 * 12 + 8
    # …and the five columns still fill the 156 mm 版心, no wider.
    assert sum(int(col.get(qn("w:w"))) for col in grid) / 20 == pytest.approx(156 / 25.4 * 72, abs=3)
