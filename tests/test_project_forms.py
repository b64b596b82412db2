"""The package: each evaluated project's 项目支出绩效自评表, the 汇总表, and the report's summary.

Every expected figure below is worked by hand from data/examples/2023-财政部提纲.yaml (the arithmetic is in
the comments), half up to two decimals, never read back from the program's output.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import ROOT, paragraphs, refused, rendered, reports, run, write_variant
from ooxml import violations

MOF = ROOT / "data" / "examples" / "2023-财政部提纲.yaml"
TEXT = MOF.read_text(encoding="utf-8")
REPORT = "2023年度青山县农业农村局部门整体支出绩效自评报告.docx"
FORMS = {
    "高标准农田建设项目": "2023年度高标准农田建设项目支出绩效自评表.docx",
    "动物防疫补助经费": "2023年度动物防疫补助经费项目支出绩效自评表.docx",
    "农业技术推广与培训经费": "2023年度农业技术推广与培训经费项目支出绩效自评表.docx",
}
SUMMARY = "2023年度青山县农业农村局项目支出绩效自评结果汇总表.xlsx"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package")
    result = run("build", MOF, "--out-dir", out)
    assert result.exit_code == 0, result.output
    return out


def rows(docx_path: Path) -> list[list[str]]:
    """Every table row of a .docx as read across it, a spanning cell once."""
    found = []
    for table in docx.Document(str(docx_path)).tables:
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if not cells or cells[-1][0] is not cell._tc:
                    cells.append((cell._tc, cell.text))
            found.append([text for _, text in cells])
    return found


def test_the_package_is_the_report_three_forms_and_the_summary(package):
    assert reports(package) == sorted([REPORT, SUMMARY, *FORMS.values()])


# Hand-worked, 高标准农田建设项目: 1236.80 ÷ 1280.00 = 0.96625 exactly → 96.63% (half up; float gives 96.62),
# 9.663 → 9.66 points; 时效 93.5 ÷ 95 × 10 = 9.8421 → 9.84; the rest met: 20 + 10 + 10 + 15 + 15 + 10;
# indicators 89.84, total 99.50 → 优.
# 动物防疫补助经费: 241.30 ÷ 246.24 = 0.97994 → 97.99%, 9.799 → 9.80; 定性 部分达成 of 15 is 9 to 12, 10.5 given;
# 20 + 15 + 15 + 15 + 10.5 + 10 = 85.5; total 95.30 → 优.
# 农业技术推广与培训经费: 142.04 ÷ 220.00 = 0.64564 → 64.56% (under 95%), 6.456 → 6.46; 5400 ÷ 6000 × 25 = 22.50;
# 90 ÷ 95 × 15 = 14.2105 → 14.21; 45 ÷ 60 × 15 = 11.25; 定性 达成 15; 10 + 10 met; indicators 82.96,
# total 89.42 → 良.
@pytest.mark.parametrize(
    ("project", "fund", "indicators", "total"),
    [
        (
            "高标准农田建设项目",
            [
                ["年度资金总额", "1100.00", "1280.00", "1236.80", "10", "96.63%", "9.66"],
                ["其中：当年财政拨款", "1100.00", "1200.00", "1160.80", "—", "96.73%", "—"],
                ["上年结转资金", "0.00", "80.00", "76.00", "—", "95.00%", "—"],
                # The 财政部 form's three source rows are always there; one the data leaves out is left blank.
                ["其他资金", "", "", "", "—", "—", "—"],
            ],
            {"新建高标准农田面积": ("20", "20"), "项目按期完工率": ("10", "9.84"), "亩均投资": ("10", "10")},
            ["总分", "100", "99.5", "自评等级：优"],
        ),
        (
            "动物防疫补助经费",
            [
                ["年度资金总额", "210.00", "246.24", "241.30", "10", "97.99%", "9.8"],
                ["其中：当年财政拨款", "210.00", "230.00", "226.30", "—", "98.39%", "—"],
                ["上年结转资金", "", "", "", "—", "—", "—"],
                ["其他资金", "0.00", "16.24", "15.00", "—", "92.36%", "—"],
            ],
            {"基层防疫体系运行机制": ("15", "10.5"), "区域性重大动物疫情发生次数": ("15", "15")},
            ["总分", "100", "95.3", "自评等级：优"],
        ),
        (
            "农业技术推广与培训经费",
            [
                ["年度资金总额", "180.00", "220.00", "142.04", "10", "64.56%", "6.46"],
                ["其中：当年财政拨款", "180.00", "220.00", "142.04", "—", "64.56%", "—"],
                ["上年结转资金", "", "", "", "—", "—", "—"],
                ["其他资金", "", "", "", "—", "—", "—"],
            ],
            {
                "农业技术培训人次": ("25", "22.5"),
                "培训按计划完成率": ("15", "14.21"),
                "主推技术到位率": ("15", "11.25"),
                "基层农技推广体系建设": ("15", "15"),
            },
            ["总分", "100", "89.42", "自评等级：良"],
        ),
    ],
    ids=["rounding trap", "qualitative below full marks", "under 95%"],
)
def test_every_figure_of_a_form_is_the_hand_worked_one(package, project, fund, indicators, total):
    table = rows(package / FORMS[project])
    assert table[0] == ["项目名称", project]
    assert table[2] == ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert table[3 : 3 + len(fund)] == [[row[0].strip("\u3000"), *row[1:]] for row in fund]
    header = table.index(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    )
    # The indicators, the 总分 row, and the lines under the table as its last row.
    scored = {row[2]: (row[5], row[6]) for row in table[header + 1 : -2]}
    assert {name: scored[name] for name in indicators} == indicators
    assert table[-2] == total
    assert table[-1][0].startswith("填报单位（盖章）：青山县") and "注：1.预算执行率得分" in table[-1][0]


def test_a_form_names_its_units_goals_and_reasons(package):
    table = rows(package / FORMS["动物防疫补助经费"])
    assert table[1] == ["主管部门", "青山县农业农村局", "实施单位", "青山县动物疫病预防控制中心"]
    goals = next(row for row in table if row[0] == "年度总体目标" and row[1] != "预期目标")
    # Items are numbered and joined in their cell.
    assert goals[1] == "1.完成春秋两季重大动物疫病集中免疫，强制免疫密度保持在90%以上；2.不发生区域性重大动物疫情。"
    qualitative = next(row for row in table if row[2:3] == ["基层防疫体系运行机制"])
    assert qualitative[7] == (
        "三个乡镇村级防疫员缺编，防疫工作依靠临时聘用人员；申请补充防疫员编制，建立防疫员补贴动态调整机制"
    )
    # The lines under the table, in its last row: a paragraph each.
    (notes,) = docx.Document(str(package / FORMS["动物防疫补助经费"])).tables[-1].rows[-1].cells[:1]
    (line,) = [p.text for p in notes.paragraphs if p.text.startswith("填报人")]
    assert line == "填报人：王建国\u3000\u3000联系电话：0730-8123456\u3000\u3000填报日期：2024年3月10日"


def test_the_report_sums_up_its_projects(package):
    text = "".join(paragraphs(package / REPORT))
    # 1280.00 + 246.24 + 220.00 = 1746.24; 1236.80 + 241.30 + 142.04 = 1620.14; ÷ = 92.78%;
    # (99.50 + 95.30 + 89.42) ÷ 3 = 94.74.
    assert (
        "我局对3个项目开展了项目支出绩效自评，涉及全年预算数1746.24万元、全年执行数1620.14万元，执行率92.78%；"
        "项目平均得分94.74分，其中“优”2个、“良”1个。"
    ) in text
    assert "2.2023年度青山县农业农村局项目支出绩效自评结果汇总表" in text


def test_the_summary_is_attached_and_saved_as_exact_numbers(package):
    attached = rows(package / REPORT)
    start = attached.index(["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "自评得分", "等级"])
    assert attached[start + 1 :] == [
        ["1", "高标准农田建设项目", "1280.00", "1236.80", "96.63%", "99.5", "优"],
        ["2", "动物防疫补助经费", "246.24", "241.30", "97.99%", "95.3", "优"],
        ["3", "农业技术推广与培训经费", "220.00", "142.04", "64.56%", "89.42", "良"],
        ["合计", "1746.24", "1620.14", "92.78%", "平均 94.74", "—"],
    ]
    sheet = openpyxl.load_workbook(package / SUMMARY).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "2023年度青山县农业农村局项目支出绩效自评结果汇总表"
    assert values[3] == [1, "高标准农田建设项目", 1280, 1236.8, 0.9663, 99.5, "优"]
    assert sheet["E4"].number_format == "0.00%" and sheet["C4"].number_format == "0.00"
    with zipfile.ZipFile(package / SUMMARY) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # Written from Decimal: no binary-float tail like 0.96630000000000005.
    assert "<v>0.9663</v>" in sheet_xml and "<v>1236.8</v>" in sheet_xml


def test_every_output_is_valid_ooxml(package):
    for name in [REPORT, *FORMS.values()]:
        assert violations(package / name) == [], name


def test_the_same_data_gives_the_same_bytes(package, tmp_path):
    result = run("build", MOF, "--out-dir", tmp_path, "--force")
    assert result.exit_code == 0, result.output
    for name in [REPORT, SUMMARY, *FORMS.values()]:
        assert (tmp_path / name).read_bytes() == (package / name).read_bytes(), name


def test_check_shows_each_project_and_how_it_was_scored():
    result = run("check", MOF)
    assert result.exit_code == 0, result.output
    assert (
        "项目“农业技术推广与培训经费”：执行率 64.56%，预算执行率得分 6.46（满分 10），指标得分 82.96（满分 90），"
        "自评得分 89.42 分，等级：良"
    ) in result.output
    assert "基层防疫体系运行机制：按定性，档次“部分达成”（9 至 12 分） → 10.5 分（满分 15）" in result.output


# --- regeneration and slips --------------------------------------------------------------------


def test_an_indicator_changed_moves_its_form_the_summary_and_the_sentence(tmp_path):
    # 54 ÷ 60 × 15 = 13.50 (was 11.25): 89.42 + 2.25 = 91.67 → 优; (99.50 + 95.30 + 91.67) ÷ 3 = 95.49.
    data = write_variant(tmp_path, ("实际完成值: 45%\n", "实际完成值: 54%\n"), source=MOF)
    data.write_text(
        data.read_text(encoding="utf-8").replace(
            "偏差原因: 培训推迟，部分主推技术未能在当季应用\n", "偏差原因: 培训推迟\n"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run("build", data, "--out-dir", out).exit_code == 0
    assert rows(out / FORMS["农业技术推广与培训经费"])[-2] == ["总分", "100", "91.67", "自评等级：优"]
    text = "".join(paragraphs(out / REPORT))
    assert "项目平均得分95.49分，其中“优”3个。" in text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (
                "当年财政拨款: {年初预算: 1100.00, 调整预算: 1200.00, 决算: 1160.80}",
                "当年财政拨款: {年初预算: 1100.00, 调整预算: 1200.00, 决算: 1100.80}",
            ),
            "收支.项目[1].决算：所填 1236.80 万元与各资金来源之和 1176.80 万元相差 60.00 万元",
        ),
        (
            ("                  偏差原因: 两个标段因征地协调延期完工\n", ""),
            "收支.项目[1].绩效指标[1].二级指标[3].三级指标[1].偏差原因：“项目按期完工率”得分 9.84 低于分值 10，须写明扣分原因或偏差原因",
        ),
        (
            (
                "                  档次: 部分达成\n                  得分: 10.5\n",
                "                  档次: 部分达成\n                  得分: 13\n",
            ),
            "“基层防疫体系运行机制”档次“部分达成”得 9 至 12 分，所填得分 13 不在其中",
        ),
        (
            ("                  档次: 部分达成\n", "                  档次: 基本达成\n"),
            '须填档次：达成、部分达成、未达成（见 自评.定性档次），实际为 "基本达成"',
        ),
        (
            ("                - 名称: 培训考核合格率\n", "                - 名称: 农业技术培训人次\n"),
            "项目“农业技术推广与培训经费”的指标“农业技术培训人次”出现了两次",
        ),
        (
            ("    - 名称: 动物防疫补助经费\n", "    - 名称: 高标准农田建设项目\n"),
            "收支.项目[2].名称：项目“高标准农田建设项目”与第 1 个项目同名",
        ),
        (
            (
                "        其他资金: {年初预算: 0, 调整预算: 16.24, 决算: 15.00}\n",
                "        其他资金: {年初预算: 0, 调整预算: 16.24, 决算: 15.00}\n"
                "        本年财政拨款: {年初预算: 210.00, 调整预算: 230.00, 决算: 226.30}\n",
            ),
            "收支.项目[2].资金来源.本年财政拨款：资金来源“本年财政拨款”与“当年财政拨款”是表中同一行（当年财政拨款），请只写一个",
        ),
    ],
    ids=[
        "fund block",
        "reason missing",
        "score outside band",
        "unknown band",
        "repeated indicator",
        "repeated project",
        "one row under two names",
    ],
)
def test_check_refuses_a_form_that_does_not_hold_together(tmp_path, change, expected):
    refused(write_variant(tmp_path, change, source=MOF), expected)


def test_weights_that_do_not_make_100_are_warned():
    # 20 + 10 + 10 + 10 + 15 + 15 + 10 = 90; 25 makes 95, + 10 = 105.
    variant = TEXT.replace(
        "                - 名称: 新建高标准农田面积\n                  分值: 20\n",
        "                - 名称: 新建高标准农田面积\n                  分值: 25\n",
    )
    assert variant != TEXT
    from reportgen import loading, pipeline

    prepared = pipeline.prepare_source(loading.from_bytes(variant.encode(), MOF))
    messages = [d.message for d in prepared.diagnostics]
    assert "项目“高标准农田建设项目”的绩效指标分值合计 95 分，加预算执行率 10 分共 105 分，应为 100 分" in messages


# --- where the forms go ------------------------------------------------------------------------


def test_forms_combined_in_one_document(tmp_path):
    result = run("build", MOF, "--out-dir", tmp_path, "--forms", "合并")
    assert result.exit_code == 0, result.output
    combined = tmp_path / "2023年度青山县农业农村局项目支出绩效自评表.docx"
    assert reports(tmp_path) == sorted([REPORT, SUMMARY, combined.name])
    names = [row[1] for row in rows(combined) if row[0] == "项目名称"]
    assert names == list(FORMS)
    assert violations(combined) == []
    # Each form after the first starts a page.
    xml = zipfile.ZipFile(combined).read("word/document.xml").decode()
    assert xml.count("<w:pageBreakBefore/>") == 2


def test_forms_attached_to_the_report_are_not_written_again(tmp_path):
    data = write_variant(
        tmp_path, ("附件: [绩效自评表, 项目自评汇总表]", "附件: [绩效自评表, 项目支出绩效自评表]"), source=MOF
    )
    out = tmp_path / "out"
    result = run("build", data, "--out-dir", out)
    assert result.exit_code == 0, result.output
    # No summary asked for (not attached, 项目自评.汇总表 not set), no separate forms.
    assert reports(out) == [REPORT]
    text = paragraphs(out / REPORT)
    assert "附件：1.2023年度青山县农业农村局部门整体支出绩效自评表" in text
    assert "2.2023年度青山县农业农村局项目支出绩效自评表" in text
    assert [row[1] for row in rows(out / REPORT) if row[0] == "项目名称"] == list(FORMS)


def test_a_mode_changed_removes_the_forms_no_longer_built(tmp_path):
    assert run("build", MOF, "--out-dir", tmp_path).exit_code == 0
    result = run("build", MOF, "--out-dir", tmp_path, "--forms", "不生成")
    assert result.exit_code == 0, result.output
    assert reports(tmp_path) == sorted([REPORT, SUMMARY])
    assert f"已删除本次不再生成的 {tmp_path / FORMS['动物防疫补助经费']}" in result.output
    # Unchanged since: skipped, all of it.
    again = run("build", MOF, "--out-dir", tmp_path, "--forms", "不生成")
    assert "未改动，跳过" in again.output and "及另外 1 个文件" in again.output


# --- on the page -------------------------------------------------------------------------------


def _many_indicators(tmp_path: Path) -> Path:
    """农业技术推广与培训经费 with 30 quantity indicators of 1 point each (and 产出 50 kept by 20 of quality)."""
    leaves = "".join(
        f"                - 名称: 培训班次{i:02d}\n                  分值: 1\n"
        f"                  年度指标值: ≥{i}期\n                  实际完成值: {i}期\n"
        for i in range(1, 31)
    )
    old = "                - 名称: 农业技术培训人次\n                  分值: 25\n"
    return write_variant(
        tmp_path, (old, leaves + "                - 名称: 农业技术培训人次\n                  分值: 25\n"), source=MOF
    )


def test_a_long_form_repeats_its_indicator_heading_and_never_orphans_it(tmp_path):
    import pdfplumber

    data = _many_indicators(tmp_path)
    out = tmp_path / "out"
    result = run("build", data, "--out-dir", out)
    assert result.exit_code == 0, result.output
    form = out / FORMS["农业技术推广与培训经费"]
    assert violations(form) == []
    pdf = rendered(form)
    with pdfplumber.open(pdf) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        lines = [line.replace(" ", "") for line in text.splitlines() if line.strip()]
        if not any("培训班次" in line or line.startswith("总分") for line in lines):
            continue  # the lines under the table (填报人…, 注) may go on a page of their own
        heading = [i for i, line in enumerate(lines) if line.startswith("一级指标二级指标三级指标")]
        # On every page the indicator heading, with an indicator under it (not the page number alone).
        assert heading, f"第 {number} 页没有指标表头"
        below = [line for line in lines[heading[0] + 1 :] if not re.fullmatch(r"[—\-]?\d+[—\-]?", line)]
        assert below, f"第 {number} 页的表头下没有指标"
    # Every indicator printed once: no row split over two pages, none lost.
    everything = "".join(pages).replace(" ", "")
    assert all(everything.count(f"培训班次{i:02d}") == 1 for i in range(1, 31))
    assert "总分" in "".join(pages[-2:]).replace(" ", "")


def test_a_short_form_fits_one_page(package):
    import pdfplumber

    pdf = rendered(package / FORMS["高标准农田建设项目"])
    with pdfplumber.open(pdf) as document:
        texts = [(page.extract_text() or "").replace(" ", "") for page in document.pages]
    assert len(texts) <= 2
    joined = "".join(texts)
    # Every character of the form reaches the PDF.
    for word in (
        "项目支出绩效自评表",
        "（2023年度）",
        "高标准农田建设项目",
        "自评等级：优",
        "填报人：王建国",
        "9.84",
        "99.5",
    ):
        assert word in joined, word


def test_the_rounding_is_half_up_on_the_exact_half():
    from reportgen.numbers import execution_rate

    assert execution_rate(Decimal("1236.80"), Decimal("1280.00")) == Decimal("96.63")


def test_two_departments_with_a_project_of_one_name_are_told_how_to_tell_their_forms_apart(tmp_path):
    """One output folder, two departments, both with 高标准农田建设项目: the form's default
    name has no department, so the batch says which template gives it one."""
    data = tmp_path / "data"
    data.mkdir()
    first = write_variant(data, name="甲.yaml", source=MOF)
    second = write_variant(data, ("部门: 青山县农业农村局", "部门: 绿水县农业农村局"), name="乙.yaml", source=MOF)
    result = run("build", data, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    both = "、".join(sorted(map(str, (first, second))))
    assert f"{both} 生成同一个文件 2023年度高标准农田建设项目支出绩效自评表.docx；" in result.output
    assert (
        "若是两个部门的同名项目，请让模板 forms/filename.j2 在文件名中写出部门"
        "（如 {{ 年度 }}年度{{ 部门 }}{{ 表.名称 }}项目支出绩效自评表），或把它们输出到不同的目录（--out-dir）"
        in result.output
    )
    # With the department in the form's name, both packages build side by side.
    templates = tmp_path / "t"
    (templates / "forms").mkdir(parents=True)
    (templates / "forms" / "filename.j2").write_text(
        "{{ 年度 }}年度{{ 部门 }}{{ 表.名称 }}项目支出绩效自评表\n", encoding="utf-8"
    )
    result = run("build", data, "--out-dir", tmp_path / "out2", "--templates", templates)
    assert result.exit_code == 0, result.output
    assert len([n for n in reports(tmp_path / "out2") if n.endswith("项目支出绩效自评表.docx")]) == 6


def test_a_rate_indicator_in_a_projects_tree_takes_the_projects_rate(tmp_path):
    """计分: 预算执行率 without 口径 in a project's own tree means that project's rate:
    1236.80 ÷ 1280.00 = 96.63% × 10 = 9.663 → 9.66, not the department's 95.05% → 9.51."""
    data = write_variant(
        tmp_path,
        (
            "                  年度指标值: ≥90%\n                  实际完成值: 93%\n",
            "                  计分: 预算执行率\n",
        ),
        source=MOF,
    )
    out = run("check", "-v", data).output
    assert "受益农户满意度：按预算执行率，高标准农田建设项目执行率 96.63% × 10（最高按 100%） → 9.66 分" in out, out
