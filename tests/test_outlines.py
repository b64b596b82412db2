"""The second built-in outline (财政部) and the data model it needs: the indicator
tree and its scoring rules, grade bands, prior-year and income figures.

Every expected figure below is worked by hand from the sample's amounts (the
working is in the comments), not copied from the program's output.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import ROOT, build, paragraphs, refused, run, write_variant
from docx.oxml.ns import qn

from reportgen.scoring import AT_LEAST, AT_MOST, EQUAL, Measure, completion_score, parse_measure

MOF_SAMPLE = ROOT / "data" / "examples" / "2023-财政部提纲.yaml"
MOF_NAME = "2023年度青山县农业农村局部门整体支出绩效自评报告"


def mof_variant(directory: Path, *replacements: tuple[str, str], name: str = "2023.yaml") -> Path:
    return write_variant(directory, *replacements, name=name, source=MOF_SAMPLE)


@pytest.fixture(scope="module")
def mof_docx(tmp_path_factory) -> Path:
    return build(MOF_SAMPLE, tmp_path_factory.mktemp("mof"))


@pytest.fixture(scope="module")
def mof_text(mof_docx) -> list[str]:
    return paragraphs(mof_docx)


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:  # a spanning cell is listed once per column it covers
            if not cells or cell._tc is not cells[-1][0]:
                cells.append((cell._tc, re.sub(r"\s", "", cell.text)))
        rows.append([text for _, text in cells])
    return rows


# --- the sample of the second outline, figure by figure ------------------------------------


def test_mof_outline_headings_in_its_order(mof_text):
    headings = [p for p in mof_text if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert headings == [
        "一、部门概况",
        "二、绩效目标及完成情况",
        "三、预算执行情况",
        "四、自评得分情况",
        "五、存在问题及原因",
        "六、下一步改进措施",
        "七、其他需要说明的问题",
    ]
    assert "（二）机构设置及人员情况" in mof_text
    assert "（二）绩效指标完成情况" in mof_text


def test_mof_budget_paragraph_states_rates_and_year_on_year_change(mof_text):
    # 2488.66 ÷ 2618.40 = 0.950450…  → 95.05%
    # 2488.66 − 2301.25 = 187.41; 187.41 ÷ 2301.25 = 0.081438… → 8.14%
    assert (
        "2023年度我局年初预算数2350.00万元，全年预算数2618.40万元，全年执行数2488.66万元，预算执行率为95.05%；"
        "全年执行数较上年增加187.41万元，增长8.14%。"
    ) in mof_text
    # 收入 2488.40 + 12.60 = 2501.00; 上年 2310 + 15 = 2325; +176.00, 176 ÷ 2325 = 7.5698…% → 7.57%
    # shares: 2488.40 ÷ 2501 = 99.496…% → 99.50%; 12.60 ÷ 2501 = 0.5037…% → 0.50%
    assert (
        "2023年度收入合计2501.00万元，较上年增加176.00万元，增长7.57%。"
        "其中：财政拨款收入2488.40万元，占99.50%；其他收入12.60万元，占0.50%。"
    ) in mof_text
    # 868.52 ÷ 2488.66 = 34.899…% → 34.90%; 868.52 − 845.10 = 23.42, ÷ 845.10 = 2.7712…% → 2.77%
    # 1620.14 ÷ 2488.66 = 65.100…% → 65.10%; 1620.14 − 1456.15 = 163.99, ÷ 1456.15 = 11.2619…% → 11.26%
    # 868.52 ÷ 872.16 = 99.582…% → 99.58%; 1620.14 ÷ 1746.24 = 92.778…% → 92.78%
    assert (
        "支出结构：基本支出868.52万元，占34.90%（其中人员经费702.35万元，公用经费166.17万元），"
        "较上年增加23.42万元，增长2.77%；项目支出1620.14万元，占65.10%，较上年增加163.99万元，增长11.26%。"
        "基本支出全年预算数872.16万元，预算执行率为99.58%；项目支出全年预算数1746.24万元，预算执行率为92.78%。"
    ) in mof_text
    # 1236.80 ÷ 1280 = 0.96625 exactly: half up → 96.63% (the banker's rounding would say 96.62%)
    # 241.30 ÷ 246.24 = 97.993…% → 97.99%; 142.04 ÷ 220 = 64.563…% → 64.56%
    assert (
        "各项目执行情况：高标准农田建设项目全年预算数1280.00万元，执行数1236.80万元，执行率96.63%；"
        "动物防疫补助经费全年预算数246.24万元，执行数241.30万元，执行率97.99%；"
        "农业技术推广与培训经费全年预算数220.00万元，执行数142.04万元，执行率64.56%。"
    ) in mof_text


def test_mof_indicators_scored_by_their_rules(mof_text):
    # met ≥ targets: full marks
    assert "（1）数量指标——新建高标准农田面积。年度指标值≥3.2万亩，实际完成值3.35万亩，分值10分，得分10分。" in mof_text
    # 5400 ÷ 6000 × 10 = 9; the shortfall explained
    assert (
        "（2）数量指标——农业技术培训户次。年度指标值≥6000户次，实际完成值5400户次，分值10分，得分9分。"
        "偏差原因：受汛期影响，部分乡镇的集中培训推迟到次年一季度。改进措施：提前制定培训计划，汛期改为线上培训。"
    ) in mof_text
    # 93.5 ÷ 95 × 10 = 9.8421… → 9.84
    assert any(p.startswith("（4）时效指标——农田建设项目按期完工率。") and "得分9.84分。" in p for p in mof_text)
    # ≤ targets: 3850 ≤ 4000 and 0 ≤ 0 are met
    assert any("年度指标值≤4000元/亩，实际完成值3850元/亩，分值10分，得分10分。" in p for p in mof_text)
    assert any("年度指标值≤0次，实际完成值0次，分值10分，得分10分。" in p for p in mof_text)
    # a score given directly
    assert any("化学农药使用量。年度指标值较上年减少，实际完成值基本实现，分值10分，得分8.5分。" in p for p in mof_text)
    # 95.05% × 10 = 9.505 → half up 9.51
    assert "（1）预算执行率。部门整体预算执行率为95.05%，分值10分，得分9.51分。" in mof_text
    # 产出 10 + 9 + 10 + 9.84 + 10 = 48.84; 效益 10 + 10 + 8.5 = 28.5
    assert "1.产出指标（满分50分，得分48.84分）" in mof_text
    assert "2.效益指标（满分30分，得分28.5分）" in mof_text


def test_mof_total_grade_and_problems(mof_text):
    # 48.84 + 28.5 + 10 + 9.51 = 96.85 ≥ 90 → 优
    assert (
        "经自评，2023年度我局部门整体支出绩效自评得分96.85分（满分100分），自评等级为“优”。"
        "其中，“产出指标”满分50分，得分48.84分；“效益指标”满分30分，得分28.5分；"
        "“满意度指标”满分10分，得分10分；“预算执行率”满分10分，得分9.51分。"
    ) in mof_text
    # 64.56% < 95%: the only project named
    assert "部分项目经费预算执行率较低，农业技术推广与培训经费预算执行率为64.56%。" in mof_text
    assert mof_text[mof_text.index("七、其他需要说明的问题") + 1] == "本报告所列数据以2023年度部门决算报表为准。"


def test_mof_evaluation_table(mof_docx):
    import docx

    # The 自评表 is two tables touching: the fund block and goals, then the indicators,
    # whose heading row is the one repeated on every page.
    funds, indicators = docx.Document(str(mof_docx)).tables[:2]
    assert [r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None for r in indicators.rows][:2] == [
        True,
        False,
    ]
    rows = _table_rows(funds) + _table_rows(indicators)
    assert rows[0] == ["部门（单位）名称", "青山县农业农村局"]
    assert rows[1] == ["年度资金情况", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert rows[2] == ["年度资金总额", "2350.00", "2618.40", "2488.66", "10", "95.05%", "9.51"]
    # 2378.66 ÷ 2488.40 = 95.589…% → 95.59%; 110 ÷ 130 = 84.615…% → 84.62%
    assert rows[3] == ["其中：本年财政拨款", "2350.00", "2488.40", "2378.66", "—", "95.59%", "—"]
    assert rows[4] == ["上年结转资金", "0.00", "130.00", "110.00", "—", "84.62%", "—"]
    # 其他资金: a row of the 财政部 form even when the data has none, left blank.
    assert rows[5] == ["其他资金", "", "", "", "—", "—", "—"]
    assert rows[6] == ["年度总体目标", "预期目标", "实际完成情况"]
    header = rows.index(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    )
    assert rows[header + 4] == [
        "产出指标",
        "时效指标",
        "农田建设项目按期完工率",
        "≥95%",
        "93.5%",
        "10",
        "9.84",
        "两个标段因征地协调延期完工；提前做好用地协调，按月调度项目进度",
    ]
    assert rows[-2] == ["预算执行率", "100%", "95.05%", "10", "9.51", ""]
    assert rows[-1] == ["总分", "100", "96.85", "自评等级：优"]


def test_horizontal_merges_are_grid_spans(mof_docx):
    with zipfile.ZipFile(mof_docx) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    # 部门（单位）名称 over two columns, the department over six.
    assert '<w:gridSpan w:val="2"/>' in xml and '<w:gridSpan w:val="6"/>' in xml
    evaluation_table = xml.split("<w:tbl>")[1]
    assert evaluation_table.count("<w:gridCol ") == 8


# --- scoring rules at their edges ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥3.2万亩", Measure(AT_LEAST, D("3.2"), "万亩")),
        (">=95%", Measure(AT_LEAST, D("95"), "%")),
        ("≤5%", Measure(AT_MOST, D("5"), "%")),
        ("100%", Measure(EQUAL, D("100"), "%")),
        ("３.３５万亩", Measure(EQUAL, D("3.35"), "万亩")),  # full-width digits
        ("95%以上", Measure(AT_LEAST, D("95"), "%")),
        ("不超过4,000元/亩", Measure(AT_MOST, D("4000"), "元/亩")),
        ("≤0次", Measure(AT_MOST, D("0"), "次")),
        ("按时完成", None),
        ("3至5个", None),
    ],
)
def test_target_values_are_read_as_clerks_write_them(text, expected):
    assert parse_measure(text) == expected


@pytest.mark.parametrize(
    ("target", "achieved", "score"),
    [
        ("≥3.2万亩", "3.35万亩", "10"),  # over target: capped at 分值
        ("≥6000户次", "5400户次", "9.00"),  # 5400 ÷ 6000 × 10
        ("≥95%", "93.5%", "9.84"),  # 9.8421…
        ("≥8", "6.33", "7.91"),  # 6.33 ÷ 8 × 10 = 7.9125 → 7.91
        ("≥8", "6.34", "7.93"),  # 7.925 → half up 7.93 (banker's: 7.92)
        ("≤5%", "4%", "10"),  # lower is better, met
        ("≤5%", "8%", "6.25"),  # 5 ÷ 8 × 10
        ("≤0次", "0次", "10"),
        ("≤0次", "2次", "0.00"),  # 0 ÷ 2 × 10
        ("≥0个", "0个", "10"),  # a zero target is met by anything
    ],
)
def test_completion_score(target, achieved, score):
    assert completion_score(parse_measure(target), parse_measure(achieved), D(10)) == D(score)


#: The 成本指标 leaf of the sample, to be replaced by the cases below.
COST_LEAF = (
    "            - 名称: 高标准农田亩均投资\n              分值: 10\n              计分: 完成比例\n"
    "              年度指标值: ≤4000元/亩\n              实际完成值: 3850元/亩\n"
)
LEAF = "            - 名称: 高标准农田亩均投资\n              分值: 10\n"


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        (
            (
                COST_LEAF,
                LEAF
                + "              计分: 完成比例\n              年度指标值: ≤4000元/亩\n              实际完成值: 0.385万元/亩\n",
            ),
            "2023.yaml:291:22 错误：自评.一级指标[1].二级指标[4].三级指标[1].实际完成值：单位不一致：年度指标值的单位是“元/亩”，"
            "实际完成值的单位是“万元/亩”",
        ),
        (
            (COST_LEAF, LEAF + "              计分: 完成比例\n              年度指标值: 合理控制\n"),
            "三级指标[1].年度指标值：按完成比例计分，年度指标值应是一个数",
        ),
        ((COST_LEAF, LEAF + "              计分: 完成比例\n"), "“高标准农田亩均投资”按完成比例计分，须填实际完成值"),
        (
            (COST_LEAF, LEAF + "              得分: 9\n"),
            "“高标准农田亩均投资”得分 9 低于分值 10，须写明扣分原因或偏差原因",
        ),
        (
            ("\n    - 名称: 效益指标\n", "\n    - 名称: 效益指标\n      分值: 35\n"),
            "自评.一级指标[2].分值：“效益指标”的分值 35 与下级指标分值之和 30 不符",
        ),
        (("提纲: 财政部", "提纲: 湖南"), '2023.yaml:7:5 错误：提纲：只能填：广东、财政部，实际为 "湖南"'),
        (
            ("附件: [绩效自评表, 项目自评汇总表]", "附件: [绩效自评表, 项目明细表]"),
            '附件[2]：只能填：收支情况表、绩效自评表、项目自评汇总表、项目支出绩效自评表，实际为 "项目明细表"',
        ),
    ],
    ids=[
        "mismatched units",
        "target not a number",
        "achieved missing",
        "score without reason",
        "parent marks",
        "unknown outline",
        "attachment not in outline",
    ],
)
def test_what_the_indicator_tree_and_outline_refuse(tmp_path, replacement, expected):
    refused(mof_variant(tmp_path, replacement), expected)


def test_rate_of_a_part_or_a_project(tmp_path):
    data = mof_variant(
        tmp_path,
        ("      分值: 10\n      计分: 预算执行率\n", "      分值: 10\n      计分: 预算执行率\n      口径: 项目支出\n"),
    )
    result = run("check", data)
    assert result.exit_code == 0, result.output
    # 92.78% × 10 = 9.278 → 9.28; total 48.84 + 28.5 + 10 + 9.28 = 96.62
    assert "自评得分 96.62 分（满分 100 分），等级：优" in result.output
    wrong = mof_variant(
        tmp_path,
        ("      分值: 10\n      计分: 预算执行率\n", "      分值: 10\n      计分: 预算执行率\n      口径: 培训经费\n"),
    )
    refused(
        wrong,
        '口径只能填：高标准农田建设项目、动物防疫补助经费、农业技术推广与培训经费、部门整体、基本支出、项目支出，实际为 "培训经费"',
    )


def test_custom_grade_bands(tmp_path):
    data = mof_variant(tmp_path, ("  等级: {优: 90, 良: 80, 中: 60, 差: 0}", "  等级: {好: 97, 较好: 90, 一般: 0}"))
    result = run("check", data)
    assert result.exit_code == 0, result.output
    assert "等级：较好" in result.output  # 96.85 is below 97, at least 90
    bad = mof_variant(tmp_path, ("  等级: {优: 90, 良: 80, 中: 60, 差: 0}", "  等级: {优: 90, 差: 50, 中: 40}"))
    refused(bad, "自评.等级.差：“差”应是最低一档")


def test_zero_prior_year_is_a_dash_not_a_crash(tmp_path):
    data = mof_variant(tmp_path, ("    上年决算: 845.10\n", "    上年决算: 0\n"))
    text = paragraphs(build(data, tmp_path / "out"))
    assert any("较上年增加868.52万元，增长—；" in p for p in text)


def test_staff_and_running_costs_are_checked_against_basic_spending(tmp_path):
    within = mof_variant(tmp_path, ("    公用经费: 166.17\n", "    公用经费: 166.16\n"))
    result = run("check", within, "-v")
    assert result.exit_code == 0, result.output
    assert "与人员经费、公用经费之和 868.51 万元相差 0.01 万元，在分项各自四舍五入的容差" in result.output
    beyond = mof_variant(tmp_path, ("    公用经费: 166.17\n", "    公用经费: 160.00\n"))
    refused(beyond, "收支.基本支出.决算：所填 868.52 万元与人员经费、公用经费之和 862.35 万元相差 6.17 万元，超过容差")


def test_score_first_opening_renumbers_the_headings(tmp_path):
    data = mof_variant(tmp_path, ("  等级: {优: 90", "  得分在前: 是\n  等级: {优: 90"))
    text = paragraphs(build(data, tmp_path / "out"))
    headings = [p for p in text if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert headings[:3] == ["一、自评得分情况", "二、部门概况", "三、绩效目标及完成情况"]
    assert headings[-1] == "七、其他需要说明的问题" and len(headings) == 7


def test_sections_without_data_are_left_out(tmp_path):
    data = mof_variant(
        tmp_path,
        ("其他需要说明的问题: 本报告所列数据以2023年度部门决算报表为准。\n", ""),
        (
            "机构人员:\n  内设机构: [办公室, 计划财务股, 农田建设管理股, 种植业管理股, 畜牧兽医股]\n"
            "  编制数: 36\n  在职人数: 33\n  离退休人数: 21\n",
            "",
        ),
    )
    text = paragraphs(build(data, tmp_path / "out"))
    assert "（二）机构设置及人员情况" not in text
    assert not any("其他需要说明的问题" in p for p in text)
    assert "六、下一步改进措施" in text


def test_other_matters_take_several_paragraphs(tmp_path):
    data = mof_variant(
        tmp_path,
        (
            "其他需要说明的问题: 本报告所列数据以2023年度部门决算报表为准。\n",
            "其他需要说明的问题:\n  - 第一段。\n  - 第二段。\n",
        ),
    )
    text = paragraphs(build(data, tmp_path / "out"))
    at = text.index("七、其他需要说明的问题")
    assert text[at + 1 : at + 3] == ["第一段。", "第二段。"]


def test_the_sample_file_moves_between_outlines(tmp_path):
    """附件 names are the same in both outlines; 广东 needs 重点工作 and 绩效管理."""
    data = mof_variant(tmp_path, ("提纲: 财政部", "提纲: 广东"))
    refused(data, "重点工作：缺少此项（必填）", "绩效管理：缺少此项（必填）")


def test_check_shows_how_each_indicator_was_scored():
    result = run("check", MOF_SAMPLE)
    assert result.exit_code == 0, result.output
    # 93.5 ÷ 95 = 98.421…% → 98.42%, and × 10 = 9.84
    assert (
        "产出指标/时效指标/农田建设项目按期完工率：按完成比例，实际完成值 93.5% 对年度指标值 ≥95%，"
        "完成 98.42% → 9.84 分（满分 10）"
    ) in result.output
    assert "效益指标/生态效益指标/化学农药使用量：按得分，直接给出得分 → 8.5 分（满分 10）" in result.output
    assert "预算执行率：按预算执行率，部门整体执行率 95.05% × 10（最高按 100%） → 9.51 分（满分 10）" in result.output
