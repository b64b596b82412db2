"""Nothing wrong reaches the report in silence: indicators written the natural way are
scored by what they say (never full marks for a missed target), numbering pasted with
list items is taken off and said, and a typed figure is flagged by what it describes.
Figures worked by hand in the comments."""

from __future__ import annotations

import re

import pytest
from conftest import paragraphs, refused, run, write_variant
from test_outlines import MOF_SAMPLE

TRAINING = """            - 名称: 农业技术培训户次
              分值: 10
              计分: 完成比例
              年度指标值: ≥6000户次
              实际完成值: 5400户次
"""


def _mof(tmp_path, *replacements):
    return write_variant(tmp_path, *replacements, source=MOF_SAMPLE)


def test_targets_without_a_rule_are_scored_by_completion(tmp_path):
    # No 计分 written: 5400 ÷ 6000 = 90% of 10 points = 9, not 10.
    data = _mof(tmp_path, (TRAINING, TRAINING.replace("              计分: 完成比例\n", "")))
    result = run("check", "-v", data)
    assert result.exit_code == 0, result.output
    assert (
        "农业技术培训户次：按完成比例，实际完成值 5400户次 对年度指标值 ≥6000户次，完成 90.00% → 9 分" in result.output
    )


def test_a_rule_less_indicator_that_misses_its_target_needs_a_reason(tmp_path):
    stripped = TRAINING.replace("              计分: 完成比例\n", "")
    original = TRAINING + "              偏差原因: 受汛期影响，部分乡镇的集中培训推迟到次年一季度\n"
    data = _mof(tmp_path, (original, stripped))
    refused(data, "“农业技术培训户次”得分 9 低于分值 10，须写明扣分原因或偏差原因")


def test_a_zero_target_is_refused_with_the_reason(tmp_path):
    data = _mof(tmp_path, ("年度指标值: ≥6000户次", "年度指标值: 0户次"))
    refused(data, "年度指标值为 0，无法按完成比例计分", "≤0户次")


def test_a_zero_target_written_as_at_most_scores_by_what_happened(tmp_path):
    # ≤0 起 with 3 起: 0 ÷ 3 = 0 of the points, and the loss needs its reason (the sample has one).
    data = _mof(
        tmp_path, ("年度指标值: ≥6000户次", "年度指标值: ≤0户次"), ("实际完成值: 5400户次", "实际完成值: 3户次")
    )
    result = run("check", "-v", data)
    assert result.exit_code == 0, result.output
    assert "对年度指标值 ≤0户次，完成 0.00% → 0 分" in result.output


def test_check_shows_the_real_ratio_and_the_cap(tmp_path):
    # 3.35 ÷ 3.2 = 104.6875% → 104.69%, scored as 100%.
    result = run("check", "-v", MOF_SAMPLE)
    assert (
        "新建高标准农田面积：按完成比例，实际完成值 3.35万亩 对年度指标值 ≥3.2万亩，完成 104.69%（超过 100%，按 100% 计分） → 10 分"
        in (result.output)
    )


def test_far_over_achievement_asks_for_its_reason_and_prints_it(tmp_path):
    # 7800 ÷ 6000 = 130% > 120%: a warning without 偏差原因; with one, the report says it.
    over = ("实际完成值: 5400户次", "实际完成值: 7800户次")
    reason = (
        "              偏差原因: 受汛期影响，部分乡镇的集中培训推迟到次年一季度",
        "              偏差原因: 新增两个乡镇的冬季集中培训",
    )
    silent = _mof(tmp_path, over, (reason[0] + "\n", ""))
    result = run("check", silent)
    assert "“农业技术培训户次”完成 130.00%，超出年度指标值较多，请在偏差原因中说明" in result.output
    (tmp_path / "b").mkdir()
    explained = _mof(tmp_path / "b", over, reason)
    out = tmp_path / "out"
    assert run("build", explained, "--out-dir", out).exit_code == 0
    (docx,) = out.glob("*部门整体支出绩效自评报告.docx")
    assert any("偏差原因：新增两个乡镇的冬季集中培训。" in p for p in paragraphs(docx))


# --- numbering and punctuation pasted with list items ------------------------------------------


def test_pasted_numbering_and_end_marks_are_taken_off_with_a_note(tmp_path):
    data = write_variant(
        tmp_path,
        (
            "  - 加强制度建设，进一步加强预算支出及绩效管理全过程监控\n",
            "  - 一是加强制度建设，进一步加强预算支出及绩效管理全过程监控；\n",
        ),
        (
            "    - 科学合理设置绩效目标，绩效目标设定尽量选用可量化指标，方便考核评价\n",
            "    - 1.科学合理设置绩效目标，绩效目标设定尽量选用可量化指标，方便考核评价。\n",
        ),
    )
    result = run("check", "-v", data)
    assert result.exit_code == 0, result.output
    assert ":142:5 提示：改进措施[1]：已删去“一是”：编号和标点由程序按报告格式添加" in result.output
    assert ":85:7 提示：绩效管理.举措[1]：已删去“1.”、“。”：编号和标点由程序按报告格式添加" in result.output
    out = tmp_path / "out"
    assert run("build", data, "--out-dir", out).exit_code == 0
    (docx,) = out.glob("*部门整体支出绩效自评报告.docx")
    text = "".join(paragraphs(docx))
    assert "一是加强制度建设，进一步加强预算支出及绩效管理全过程监控；二是" in text
    assert "一是一是" not in text and "；；" not in text and "。。" not in text
    assert "一是科学合理设置绩效目标，绩效目标设定尽量选用可量化指标，方便考核评价；二是" in text


def test_pasted_marks_on_goals_problems_and_an_indicators_clauses_are_taken_off(tmp_path):
    """Goals and problems are numbered by the templates, a 扣分原因 or 结论 is joined into a
    sentence the template ends: typed numbering and end marks would print twice."""
    data = write_variant(
        tmp_path,
        ("  - 目标: 开展经开区招商引资工作", "  - 目标: 1.开展经开区招商引资工作"),
        ("存在问题: []", "存在问题:\n  - （一）预算编制不够精细。"),
        ("      结论: 所设绩效指标全部完成任务", "      结论: 所设绩效指标全部完成任务。"),
        (
            "          扣分原因: 缺乏明确绩效要求、科室分工的制度",
            "          扣分原因: 缺乏明确绩效要求、科室分工的制度。",
        ),
        ("从严从紧的原则安排预算。", "从严从紧的原则安排预算"),  # an 分析 without its full stop
    )
    out = run("check", "-v", data).output
    for where, mark in (
        ("绩效目标[1].目标", "“1.”"),
        ("存在问题[1]", "“（一）”"),
        ("自评.一级指标[2].结论", "“。”"),
        ("自评.一级指标[2].二级指标[4].扣分原因", "“。”"),
    ):
        assert f"提示：{where}：已删去{mark}：编号和标点由程序按报告格式添加" in out, where
    assert run("build", data, "--out-dir", tmp_path / "out").exit_code == 0
    (docx,) = (tmp_path / "out").glob("*部门整体支出绩效自评报告.docx")
    text = "\n".join(paragraphs(docx))
    assert "1.1." not in text and "1.开展经开区招商引资工作" in text
    assert "预算编制不够精细。" in text and "（一）预算编制" not in text
    assert "所设绩效指标全部完成任务。" in text and "。。" not in text and "。，" not in text
    assert "从严从紧的原则安排预算。\n" in text


def test_a_number_that_begins_the_text_is_not_numbering(tmp_path):
    from reportgen.valuetypes import pasted

    assert pasted("1.5亿元专项资金全部下达", end=True).text == "1.5亿元专项资金全部下达"
    assert pasted("2023年完成全部项目", end=False).number == ""
    assert pasted("（二）明确责任。", end=True) == type(pasted("x", True))("明确责任", "（二）", "。")


# --- figures typed into the narrative --------------------------------------------------------


def _narrative(tmp_path, text):
    data = write_variant(tmp_path, ("  评价: 从预算支出情况来看，", f"  评价: {text}从预算支出情况来看，"))
    return [
        line.split("收支.评价：")[1] for line in run("check", data).output.splitlines() if "警告：收支.评价：" in line
    ]


def test_a_typed_rate_that_no_longer_matches_is_flagged_with_its_reference(tmp_path):
    # The sample's rate is 1004.09 ÷ 1028.77 = 97.60%; a sentence still saying 95.74% is stale.
    assert _narrative(tmp_path, "全年预算执行率为95.74%。") == [
        "文字中直接写了 95.74%，描述的是计算得出的 收支.执行率，而它现在是 97.60%；请改写为 {{ 收支.执行率 | percent }}"
    ]


def test_a_project_and_a_part_are_told_by_the_name_in_the_clause(tmp_path):
    # 办公用房经费: 81.00 ÷ 88.00 = 92.05%; 项目支出决算 549.84万元 (the sample's).
    warnings = _narrative(tmp_path, "办公用房经费预算执行率为90.00%，项目支出决算550.00万元。")
    assert "文字中直接写了 90.00%，描述的是计算得出的 收支.项目[1].执行率，而它现在是 92.05%" in warnings[0]
    assert "文字中直接写了 550.00万元，描述的是计算得出的 收支.项目支出.决算，而它现在是 549.84万元" in warnings[1]


def test_units_of_time_counts_and_worked_differences_are_not_figures(tmp_path):
    assert _narrative(tmp_path, "培训用时3.5天，每次1.5小时，超出预算7.52万元，较上年增长3.5%。") == []


# --- messages that point the right way -------------------------------------------------------


def test_messages_name_the_cause(tmp_path):
    cases = [
        (
            ("  执行率偏低阈值: 95", "  执行率偏低阈值: 95%"),
            "收支.执行率偏低阈值：应为百分数（不带 %）（如 95），不要写 % 号",
        ),
        (
            ("  调整预算: 1028.77", "  全年预算: 1028.77"),
            "收支.全年预算：未知的键“全年预算”：这里叫“调整预算”，请改为“调整预算”",
        ),
        (
            ("  调整预算: 1028.77", "  调整预算: 1028.77\n  执行率: 97.6"),
            "收支.执行率：“执行率”由程序计算，不要填写，请删去此行",
        ),
        (("自评:\n", "自评:\n  等级: 优\n"), "自评.等级：等级由总分算出，不必填写"),
    ]
    for i, (replacement, message) in enumerate(cases):
        folder = tmp_path / str(i)
        folder.mkdir()
        refused(write_variant(folder, replacement), message)


def test_full_width_digits_are_refused_alike_and_a_full_stop_is_no_decimal_point(tmp_path):
    for i, typed in enumerate(("１０２８．７７", "１０２８.７７", "1028。77")):
        folder = tmp_path / str(i)
        folder.mkdir()
        expected = "小数点写成了句号“。”" if "。" in typed else "请用半角数字和小数点（输入法切换到英文再输入）"
        refused(write_variant(folder, ("  调整预算: 1028.77", f"  调整预算: {typed}")), expected)


def test_units_may_carry_a_denominator():
    from decimal import Decimal as D

    from reportgen.scoring import AT_MOST, Measure, completion_score, parse_measure

    # 孕产妇死亡率 ≤15/10万, achieved 12/10万: met, full marks; 18/10万: 15 ÷ 18 × 10 = 8.33.
    assert parse_measure("≤15/10万") == Measure(AT_MOST, D(15), "/10万")
    assert completion_score(parse_measure("≤15/10万"), parse_measure("12/10万"), D(10)) == D(10)
    assert completion_score(parse_measure("≤15/10万"), parse_measure("18/10万"), D(10)) == D("8.33")
    assert parse_measure("3.2万亩2") is None  # two numbers are not one value


# --- totals left out are computed ------------------------------------------------------------

_LISTED = (
    "      调整预算: 120.00\n      决算: 96.66\n",
    "      调整预算: 120.00\n      决算: 96.66\n    - 名称: 其他项目\n      调整预算: 349.38\n      决算: 372.18\n",
)
_TOTALS_LEFT_OUT = [
    ("  调整预算: 1028.77\n  决算: 1004.09\n", ""),
    ("  项目支出:\n    调整预算: 557.38\n    决算: 549.84\n", "  项目支出: {}\n"),
    _LISTED,
]


def test_totals_left_out_are_the_sums_and_one_edit_moves_them_all(tmp_path):
    # Projects 88.00 + 120.00 + 349.38 = 557.38 and 81.00 + 96.66 + 372.18 = 549.84, as stated before:
    # 项目支出 549.84 ÷ 557.38 = 98.65%, 部门整体 (454.25 + 549.84) ÷ (471.38 + 557.38) = 1004.09 ÷ 1028.76 = 97.60%.
    data = write_variant(tmp_path, *_TOTALS_LEFT_OUT)
    result = run("check", data)
    assert result.exit_code == 0, result.output
    assert "调整预算 1028.76 万元，决算 1004.09 万元，执行率 97.60%" in result.output
    assert "项目支出执行率 98.65%" in result.output
    # One line edited (372.18 → 362.18): 539.84 ÷ 557.38 = 96.85%, 994.09 ÷ 1028.76 = 96.63%.
    (tmp_path / "b").mkdir()
    edited = write_variant(tmp_path / "b", *_TOTALS_LEFT_OUT[:2], (_LISTED[0], _LISTED[1].replace("372.18", "362.18")))
    result = run("check", edited)
    assert "决算 994.09 万元，执行率 96.63%" in result.output
    assert "项目支出执行率 96.85%" in result.output


def test_a_project_total_neither_stated_nor_listed_is_refused(tmp_path):
    data = write_variant(
        tmp_path,
        ("  项目支出:\n    调整预算: 557.38\n    决算: 549.84\n", "  项目支出:\n    决算: 549.84\n"),
        ("  项目:\n    - 名称: 办公用房经费\n      调整预算: 88.00\n      决算: 81.00\n", "  项目: []\n"),
        ("    - 名称: 招商业务工作经费\n      调整预算: 120.00\n      决算: 96.66\n", ""),
    )
    refused(data, "收支.项目支出.调整预算：缺少项目支出的调整预算：不列出项目时须填写")


def test_build_pdf_says_what_it_made_and_nothing_about_a_missing_office(tmp_path):
    from reportgen.rendering import find_office

    if find_office() is None:
        pytest.skip("需要 LibreOffice")
    result = run("build", "--pdf", write_variant(tmp_path), "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output and ".pdf" in result.output
    assert "未找到 LibreOffice" not in result.output


# --- small frictions of the command line ------------------------------------------------------


def test_the_command_alone_shows_the_help_and_commands_show_examples():
    alone = run()
    assert alone.exit_code == 0
    assert "用法：reportgen [选项] 命令 [参数]..." in alone.output and "build" in alone.output
    assert "例：reportgen build data/2024.yaml" in run("build", "--help").output
    assert "例：reportgen init 2024 --from data/2023.yaml" in run("init", "--help").output


def test_a_misspelt_command_gets_a_suggestion_and_diff_says_what_it_needs():
    result = run("biuld", "data/2023.yaml")
    assert result.exit_code == 2
    assert "没有“biuld”这个命令，是否应为 build？" in result.output
    result = run("diff", "data/2023.yaml")
    assert result.exit_code == 2
    assert "请给出两个文件，或一个文件加 --against 版本" in result.output


@pytest.mark.parametrize("source", ["data/2023.yaml", "data/examples/2023-财政部提纲.yaml"])
def test_init_keeps_the_outline(tmp_path, source):
    from conftest import ROOT

    text = (ROOT / source).read_text(encoding="utf-8")
    outline = next((line for line in text.splitlines() if line.startswith("提纲:")), None)
    target = tmp_path / "2024.yaml"
    assert run("init", "2024", "--from", ROOT / source, "-o", target).exit_code == 0
    new = target.read_text(encoding="utf-8")
    assert "提纲: 待填写" not in new
    if outline:
        assert outline in new.splitlines()


def test_init_keeps_the_score_sheet_at_every_level_and_asks_what_was_achieved(tmp_path):
    """The 财政部 tree's 三级指标 and a rate rule are the same next year; what was reached is not."""
    target = tmp_path / "2024.yaml"
    assert run("init", "2024", "--from", _rates(tmp_path), "-o", target).exit_code == 0
    new = target.read_text(encoding="utf-8")
    assert (
        "            - 名称: 新建高标准农田面积\n              分值: 10\n              计分: 完成比例\n"
        "              年度指标值: ≥3.2万亩\n              实际完成值: 待填写\n"
    ) in new
    assert "          比率: 预算调整率\n          满分线: ≤5%\n          每个百分点扣: 0.5\n" in new
    assert "          口径: 项目支出\n" in new


# --- rates computed from the figures, scored by a line and points per percentage point ------------

_RATE_INDICATORS = """      计分: 预算执行率
    - 名称: 预算管理
      二级指标:
        - 名称: 预算调整率
          分值: 5
          比率: 预算调整率
          满分线: ≤5%
          每个百分点扣: 0.5
        - 名称: 项目支出进度
          分值: 5
          计分: 比率扣分
          比率: 执行率
          口径: 项目支出
          满分线: ≥95%
          每个百分点扣: 0.5
        - 名称: “三公”经费控制率
          分值: 5
          比率: 三公经费控制率
          满分线: ≤100%
          每个百分点扣: 1
"""


def _rates(tmp_path, *more):
    return _mof(
        tmp_path,
        ("      计分: 预算执行率\n", _RATE_INDICATORS),
        ("\n  资金来源:\n", "\n  三公经费: {调整预算: 12.00, 决算: 12.30}\n  资金来源:\n"),
        *more,
    )


def test_computed_rates_are_scored_by_their_line(tmp_path):
    # 预算调整率 (2618.40 − 2350.00) ÷ 2350.00 = 11.42%: 6.42 points beyond ≤5% × 0.5 = 3.21 off → 1.79.
    # 项目支出 1384.75 ÷ 1492.50 = 92.78%: 2.22 below ≥95% × 0.5 = 1.11 off → 3.89.
    # 三公经费 12.30 ÷ 12.00 = 102.50%: 2.5 beyond ≤100% × 1 = 2.5 off → 2.5.
    result = run("check", "-v", _rates(tmp_path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "预算调整率 11.42%，满分线 ≤5%，差 6.42 个百分点 × 0.5 = 扣 3.21 → 1.79 分" in out
    assert "项目支出执行率 92.78%，满分线 ≥95%，差 2.22 个百分点 × 0.5 = 扣 1.11 → 3.89 分" in out
    assert "三公经费控制率 102.50%，满分线 ≤100%，差 2.5 个百分点 × 1 = 扣 2.5 → 2.5 分" in out


def test_a_computed_rate_follows_the_data(tmp_path):
    # 12.60 ÷ 12.00 = 105.00%: 5 points beyond, 5 off, floor at 0; 11.80 ÷ 12.00 = 98.33%: full marks.
    over = run("check", "-v", _rates(tmp_path, ("决算: 12.30}", "决算: 12.60}")))
    assert "三公经费控制率 105.00%，满分线 ≤100%，差 5 个百分点 × 1 = 扣 5 → 0 分" in over.output
    (tmp_path / "b").mkdir()
    under = run("check", "-v", _rates(tmp_path / "b", ("决算: 12.30}", "决算: 11.80}")))
    assert "三公经费控制率 98.33%，满分线 ≤100%，达到满分线 → 5 分" in under.output


_CONTROL_INDICATORS = """      计分: 预算执行率
    - 名称: 成本控制
      二级指标:
        - 名称: 公用经费控制率
          分值: 5
          比率: 公用经费控制率
          满分线: ≤100%
          每个百分点扣: 0.5
        - 名称: 支付进度
          分值: 5
          比率: 支付进度率
          满分线: ≥75%
          每个百分点扣: 0.2
"""


def test_running_costs_and_payment_progress_are_computed_and_scored(tmp_path):
    # 公用经费 166.17 ÷ 公用经费预算 160.00 = 103.86%: 3.86 beyond ≤100% × 0.5 = 1.93 off → 3.07.
    # 已支付 1800.00 ÷ 调整预算 2618.40 = 68.74%: 6.26 below ≥75% × 0.2 = 1.252, half up 1.25 off → 3.75.
    data = _mof(
        tmp_path,
        ("      计分: 预算执行率\n", _CONTROL_INDICATORS),
        ("    公用经费: 166.17\n", "    公用经费: 166.17\n    公用经费预算: 160.00\n"),
        ("\n  资金来源:\n", "\n  已支付: 1800.00\n  资金来源:\n"),
    )
    out = run("check", "-v", data).output
    assert "公用经费控制率 103.86%，满分线 ≤100%，差 3.86 个百分点 × 0.5 = 扣 1.93 → 3.07 分" in out, out
    assert "支付进度率 68.74%，满分线 ≥75%，差 6.26 个百分点 × 0.2 = 扣 1.25 → 3.75 分" in out


def test_running_costs_and_payment_progress_say_what_they_need(tmp_path):
    refused(
        _mof(tmp_path, ("      计分: 预算执行率\n", _CONTROL_INDICATORS)),
        "无法计算公用经费控制率：须填 收支.基本支出 的公用经费与公用经费预算（不为 0）",
        "无法计算支付进度率：须填 收支.已支付",
    )


def test_a_rate_without_its_inputs_says_what_to_fill_in(tmp_path):
    data = _mof(tmp_path, ("      计分: 预算执行率\n", _RATE_INDICATORS))
    refused(data, "无法计算三公经费控制率：须填 收支.三公经费 的调整预算（不为 0）与决算")


def test_the_report_states_the_computed_rate_and_its_line(tmp_path):
    out = tmp_path / "out"
    assert run("build", _rates(tmp_path), "--out-dir", out).exit_code == 0
    (docx,) = out.glob("*部门整体支出绩效自评报告.docx")
    text = "".join(paragraphs(docx))
    assert "预算调整率。预算调整率为11.42%，满分线≤5%，分值5分，得分1.79分。" in text


# --- the editor's schema agrees with check -----------------------------------------------------


def _editor_errors(path):
    import json

    import jsonschema
    import yaml
    from conftest import ROOT

    schema = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    # JSON has no dates: the editor sees a YAML date as its text, and so do we here.
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize("example", ["data/2023.yaml", "data/examples/2023-财政部提纲.yaml"])
def test_the_editor_accepts_what_check_accepts(example):
    from conftest import ROOT

    assert _editor_errors(ROOT / example) == []


def test_a_fresh_init_file_is_clean_in_the_editor_and_a_slip_is_not(tmp_path):
    from conftest import ROOT

    target = tmp_path / "2024.yaml"
    assert run("init", "2024", "--from", ROOT / "data/examples/2023-财政部提纲.yaml", "-o", target).exit_code == 0
    assert "待填写" in target.read_text(encoding="utf-8")
    assert _editor_errors(target) == []
    slip = tmp_path / "slip.yaml"
    slip.write_text(target.read_text(encoding="utf-8").replace("提纲: 财政部", "提纲: 财务部"), encoding="utf-8")
    assert any(error.startswith("提纲:") for error in _editor_errors(slip))


def test_controlled_spending_is_a_budget_line_of_its_own(tmp_path):
    """“三公”经费 with last year's 决算: its rate, change and growth (worked by hand), a
    warning for spending over its budget, and next year's 上年决算 from init."""
    from reportgen import pipeline

    data = _mof(
        tmp_path, ("\n  资金来源:\n", "\n  三公经费: {调整预算: 12.00, 决算: 12.30, 上年决算: 13.50}\n  资金来源:\n")
    )
    values = pipeline.prepare(data).evaluated.values()["收支"]["三公经费"]
    # 12.30 ÷ 12.00 = 102.50%; 12.30 − 13.50 = −1.20; −1.20 ÷ 13.50 = −8.888…% → −8.89%
    assert (str(values["执行率"]), str(values["增减额"]), str(values["增长率"])) == ("102.50", "-1.20", "-8.89")
    out = run("check", data).output
    assert "警告：收支.三公经费.决算：“三公”经费的决算 12.30 万元超过调整预算 12.00 万元（执行率超过 100%）" in out
    target = tmp_path / "2024.yaml"
    assert run("init", "2024", "--from", data, "-o", target).exit_code == 0
    assert "三公经费: {调整预算: 待填写, 决算: 待填写, 上年决算: 12.30}" in target.read_text(encoding="utf-8")


def test_a_score_sheet_not_worth_100_is_warned(tmp_path):
    """The 广东 sheet with one indicator's weight mistyped: 96 of 100."""
    data = write_variant(
        tmp_path,
        (
            "        - 名称: 部门整体绩效目标完成情况\n          分值: 40",
            "        - 名称: 部门整体绩效目标完成情况\n          分值: 36",
        ),
    )
    out = run("check", data).output
    assert "警告：自评.一级指标：各一级指标的分值合计 96 分，评分表通常满分 100 分；请按当年通知核对各指标的分值" in out
    (tmp_path / "sample").mkdir()
    assert "各一级指标的分值合计" not in run("check", write_variant(tmp_path / "sample")).output


_RULE_2013_INDICATORS = """      计分: 预算执行率
    - 名称: 预算配置与管理
      二级指标:
        - {名称: 在职人员控制率, 分值: 5, 比率: 在职人员控制率, 满分线: ≤100%, 每个百分点扣: 1}
        - {名称: “三公经费”变动率, 分值: 5, 比率: 三公经费变动率, 满分线: ≤0%, 每个百分点扣: 0.5}
        - {名称: 结转结余变动率, 分值: 5, 比率: 结转结余变动率, 满分线: ≤0%, 每个百分点扣: 0.5}
        - {名称: 重点支出安排率, 分值: 5, 比率: 重点支出安排率, 满分线: ≥80%, 每个百分点扣: 0.5}
        - {名称: 固定资产利用率, 分值: 5, 比率: 固定资产利用率, 满分线: ≥95%, 每个百分点扣: 1}
        - {名称: 支付进度率, 分值: 5, 比率: 支付进度率, 满分线: ≥100%, 每个百分点扣: 0.2}
"""


def test_the_2013_rates_are_computed_from_the_figures(tmp_path):
    """财预〔2013〕53号's rates, each worked by hand (Decimal, half up)."""
    data = _mof(
        tmp_path,
        ("      计分: 预算执行率\n", _RULE_2013_INDICATORS),
        ("  在职人数: 33", "  在职人数: 37"),
        (
            "\n  资金来源:\n",
            "\n  三公经费: {调整预算: 12.00, 决算: 12.30, 上年决算: 12.00}\n  结转结余: 130.00\n"
            "  上年结转结余: 150.00\n  重点支出: 1200.00\n  固定资产: {总额: 800.00, 在用: 776.00}\n"
            "  已支付: 1800.00\n  既定支付进度: 75\n  资金来源:\n",
        ),
    )
    result = run("check", "-v", data)
    assert result.exit_code == 0, result.output
    for line in (
        # 37 ÷ 36 = 102.78%: 2.78 beyond ≤100% × 1 → 2.22
        "在职人员控制率 102.78%，满分线 ≤100%，差 2.78 个百分点 × 1 = 扣 2.78 → 2.22 分",
        # (12.30 − 12.00) ÷ 12.00 = 2.50%: × 0.5 = 1.25 off → 3.75
        "三公经费变动率 2.50%，满分线 ≤0%，差 2.5 个百分点 × 0.5 = 扣 1.25 → 3.75 分",
        # (130 − 150) ÷ 150 = −13.33%: under ≤0%, full marks
        "结转结余变动率 -13.33%，满分线 ≤0%，达到满分线 → 5 分",
        # 1200 ÷ 1620.14 (项目支出决算) = 74.07%: 5.93 below ≥80% × 0.5 = 2.965 → 2.97 off → 2.03
        "重点支出安排率 74.07%，满分线 ≥80%，差 5.93 个百分点 × 0.5 = 扣 2.97 → 2.03 分",
        # 776 ÷ 800 = 97.00%
        "固定资产利用率 97.00%，满分线 ≥95%，达到满分线 → 5 分",
        # (1800 ÷ 2618.40) ÷ 75% = 68.744…% ÷ 75% = 91.659…% → 91.66%: 8.34 × 0.2 = 1.668 → 1.67 off → 3.33
        "支付进度率 91.66%，满分线 ≥100%，差 8.34 个百分点 × 0.2 = 扣 1.67 → 3.33 分",
    ):
        assert line in result.output, line
    # Without its inputs a rate cannot be scored, and check says what to fill in.
    (tmp_path / "bare").mkdir()
    bare = _mof(tmp_path / "bare", ("      计分: 预算执行率\n", _RULE_2013_INDICATORS))
    out = run("check", bare).output
    assert "无法计算重点支出安排率：须填 收支.重点支出 与项目支出的决算（不为 0）" in out


def test_invisible_characters_pasted_in_are_taken_out_and_named(tmp_path):
    """A zero-width space in the department's name would make another file, in a key an
    unknown key, in an amount no number; a line separator is a line break only YAML sees."""
    data = write_variant(
        tmp_path,
        ("部门: 广州番禺经济技术开发区管理委员会", "部门: 广州番禺经济技术开发区\u200b管理委员会"),
        ("  决算: 1004.09", "  决\u200b算: 1004\u200b.09"),
        ("  - 拟定汽车城", "  - 拟定\u2028汽车城\u00ad"),
        ("自称: 我委", "自称: 我委\ufeff"),
    )
    result = run("check", "-v", data)
    assert result.exit_code == 0, result.output
    for line, characters in ((12, "U+200B"), (14, "U+FEFF"), (21, "U+00AD、U+2028"), (59, "U+200B")):
        assert f"{data}:{line}:1 提示：已删去看不见的字符 {characters}（常随复制粘贴带入）" in result.output
    assert run("build", data, "--out-dir", tmp_path / "out").exit_code == 0
    (report,) = (tmp_path / "out").glob("*.docx")
    assert report.name == "2023年度广州番禺经济技术开发区管理委员会部门整体支出绩效自评报告.docx"
    text = "".join(paragraphs(report))
    assert "拟定汽车城" in text and not re.search("[\u00ad\u200b\u2028\ufeff]", text)


@pytest.mark.parametrize(
    ("change", "expected", "source"),
    [
        (
            ("  上年决算: 2301.25", "  上年决算: 23012500.00"),
            "警告：收支.上年决算：23012500.00 万元是其他金额的一千倍以上：是否按“元”填写了？",
            MOF_SAMPLE,
        ),
        (
            ("      决算: 142.04\n", "      决算: 124.04\n"),
            # 1236.80 + 241.30 + 124.04 = 1602.14 against 1620.14; the budgets make 1746.24 exactly
            "警告：收支.项目支出.决算：所列项目的调整预算合计正好等于项目支出的调整预算 1746.24 万元，"
            "决算合计 1602.14 万元却与项目支出的决算 1620.14 万元相差 18.00 万元；请核对各项目的决算",
            MOF_SAMPLE,
        ),
        (
            ("  执行率偏低阈值: 95", "  执行率偏低阈值: 0.95"),
            "警告：收支.执行率偏低阈值：执行率偏低阈值 0.95 像是写成了小数：它是百分数，如 95 表示 95%",
            None,
        ),
        (
            ("  等级: {优: 90, 良: 80, 中: 60, 差: 0}", "  等级: {优: 90, 良: 95, 中: 60, 差: 0}"),
            "错误：自评.等级：等级应按高低顺序写，分数线依次降低；实际为 优 90、良 95、中 60、差 0，是否写错了某一档的分数线？",
            MOF_SAMPLE,
        ),
        (
            ("        - 名称: 资产管理", "        - 名称: 采购管理"),
            "错误：自评.一级指标[2].二级指标[6].名称：指标“采购管理”与同一级的另一个指标同名；每个指标的名称应各不相同",
            None,
        ),
    ],
    ids=["上年决算 in 元", "a project's spending mistyped", "threshold as a fraction", "grades out of order", "twin"],
)
def test_slips_that_used_to_reach_the_report_are_said(tmp_path, change, expected, source):
    data = write_variant(tmp_path, change, **({"source": source} if source else {}))
    assert expected in run("check", data).output


def test_a_target_is_no_typed_figure_and_one_number_is_said_once(tmp_path):
    data = write_variant(
        tmp_path,
        ("  评价: 从预算支出情况来看，", "  评价: 自评得分97.76分，执行率要提高到98%以上，从预算支出情况来看，"),
    )
    warned = [line for line in run("check", data).output.splitlines() if "文字中直接写了" in line]
    assert len(warned) == 1 and "直接写了 97.76（即计算得出的 自评.总分）" in warned[0], warned


@pytest.mark.parametrize(
    ("change", "expected", "source"),
    [
        (
            ("  评价: 从预算支出情况来看，", "  评价: 执行率为{收支.执行率}，从预算支出情况来看，"),
            "警告：收支.评价：“{收支.执行率}”只有一层大括号，会照原样印在报告里；引用要写两层：{{ 收支.执行率 }}",
            None,
        ),
        (
            ("    - 名称: 招商业务工作经费", "    - 名称: 办公用房经费(一期)"),
            "与第 1 个项目同名（或只差全角、半角）",
            "paren",
        ),
        (
            ("                  年度指标值: ≥90%\n                  实际完成值: 91.2%\n", ""),
            "警告：收支.项目[2].绩效指标[3].二级指标[1].三级指标[1].实际完成值：“养殖户满意度”只写了分值，"
            "没有年度指标值和实际完成值（也没有得分或扣分），按满分计；请写明完成情况",
            MOF_SAMPLE,
        ),
    ],
    ids=["single braces", "a name typed twice in two widths", "a leaf with nothing but its weight"],
)
def test_more_slips_that_reached_the_report_are_said(tmp_path, change, expected, source):
    if source == "paren":
        base = write_variant(
            tmp_path, ("    - 名称: 办公用房经费", "    - 名称: 办公用房经费（一期）"), name="base.yaml"
        )
        data = write_variant(tmp_path, change, source=base)
    else:
        data = write_variant(tmp_path, change, **({"source": source} if source else {}))
    assert expected in run("check", data).output


@pytest.mark.parametrize(
    ("change", "expected", "source"),
    [
        (
            ("科室分工的制度\n", "科室分工的制度，扣3分\n"),
            "警告：自评.一级指标[2].二级指标[4].扣分原因：扣分原因中写的是扣 3 分，计算出的扣分是 2 分；扣分由程序写出，原因中不必再写",
            None,
        ),
        (
            ("      结论: 所设绩效指标全部完成任务", "      结论: 所设绩效指标全部完成任务，得分48.5分"),
            "警告：自评.一级指标[2].结论：结论中写的是得分 48.5 分，计算出的得分是 48 分；得分由程序写出，结论中不必再写",
            None,
        ),
        (
            ("  评价: 从预算支出情况来看，", "  评价: 经自评等级为良，从预算支出情况来看，"),
            "警告：收支.评价：文字中写的等级是“良”，计算出的等级是“优”；请改写为 {{ 自评.等级 }}",
            None,
        ),
        (
            ("年度指标值: ≥120万头", '年度指标值: ">=120万头"'),
            "警告：收支.项目[2].绩效指标[1].二级指标[1].三级指标[1].年度指标值：“>=”会照原样印在报告里，请写作“≥”",
            MOF_SAMPLE,
        ),
        (
            ("  填报日期: 2024-03-10", "  填报日期: 2024-04-10"),
            "警告：项目自评.填报日期：填报日期 2024-04-10 晚于报告落款的日期 2024-03-15",
            MOF_SAMPLE,
        ),
    ],
    ids=[
        "deduction said otherwise",
        "score said otherwise",
        "grade said otherwise",
        "ascii sign",
        "filled after signing",
    ],
)
def test_words_that_say_otherwise_than_the_figures_are_warned(tmp_path, change, expected, source):
    data = write_variant(tmp_path, change, **({"source": source} if source else {}))
    assert expected in run("check", data).output


def test_paragraphs_printed_as_they_stand_end_as_sentences(tmp_path):
    """A 部门职能 item pasted with “；”, a 评价 without its “。”, a 存在问题 ending in “，”."""
    data = write_variant(
        tmp_path,
        ("  - 承办番禺区委、区政府交办的其他事项。", "  - 承办番禺区委、区政府交办的其他事项；"),
        ("整体支出和项目绩效情况较为理想。", "整体支出和项目绩效情况较为理想"),
        ("存在问题: []", "存在问题:\n  - 预算编制不够精细，"),
    )
    out = run("check", "-v", data).output
    assert "提示：部门职能[6]：末尾的“；”改为“。”：这一段在报告中单独成句" in out
    assert "提示：收支.评价：末尾补上“。”：这一段在报告中单独成句" in out
    assert "提示：存在问题[1]：末尾的“，”改为“。”：这一段在报告中单独成句" in out
    assert run("build", data, "--out-dir", tmp_path / "out").exit_code == 0
    (docx,) = (tmp_path / "out").glob("*.docx")
    text = paragraphs(docx)
    assert "6.承办番禺区委、区政府交办的其他事项。" in text
    assert any(p.endswith("整体支出和项目绩效情况较为理想。") for p in text)
    assert "预算编制不够精细。" in text


def test_a_threshold_in_a_rule_is_no_typed_figure(tmp_path):
    data = write_variant(tmp_path, ("  评价: 从预算支出情况来看，", "  评价: 执行率超过100%的按100%计，从预算支出情况来看，"))
    assert "文字中直接写了" not in run("check", data).output
