"""After a budget adjustment every dependent figure and sentence follows.

Expected values were worked by hand (fractions, then 四舍五入):
990.19 ÷ 1028.77 = 96.2498…% → 96.25%; 440.35 ÷ 471.38 = 93.417…% → 93.42%;
score 96.25% × 10 = 9.625 → 9.63 (half-even would say 9.62);
dimension 9.63 + 40 = 49.63; total 49.63 + 48 = 97.63.
86.00 ÷ 88.00 = 97.727…% → 97.73%, above the 95% threshold.
"""

from __future__ import annotations

from conftest import build, paragraphs, run, write_variant

ADJUSTED_ACTUAL = [
    ("  决算: 1004.09", "  决算: 990.19"),
    ("    决算: 454.25", "    决算: 440.35"),
]
#: A project spending 27.00 of 30.00: 90.00%, below the 95% threshold.
ADDED_PROJECT = (
    "  # 执行率（%）低于此值",
    "    - 名称: 园区环保巡查经费\n      调整预算: 30.00\n      决算: 27.00\n  # 执行率（%）低于此值",
)
CHANGED_DEDUCTION = ("          扣分: 2\n", "          扣分: 3\n")


def test_adjusted_actual_changes_every_dependent_figure(tmp_path):
    data = write_variant(tmp_path, *ADJUSTED_ACTUAL)
    text = "".join(paragraphs(build(data, tmp_path / "out")))
    assert "部门整体预算执行率为96.25%" in text
    assert "决算数为990.19万元" in text
    assert "基本支出预算471.38万元，实际支出440.35万元，支出进度93.42%" in text
    assert "整体支出绩效自评97.63分（满分100分）" in text
    assert "“履职效能”满分50分，自评得分49.63分" in text
    assert "按评分标准自评得分9.63分，扣减0.37分" in text
    for stale in ("97.60%", "1004.09", "454.25", "96.37%", "97.76", "49.76", "9.76", "0.24"):
        assert stale not in text


def test_a_project_brought_above_the_threshold_leaves_the_problem_list(tmp_path):
    data = write_variant(tmp_path, ("      决算: 81.00", "      决算: 86.00"))
    text = "".join(paragraphs(build(data, tmp_path / "out")))
    assert "部分项目经费预算执行率较低，招商业务工作经费预算执行率为80.55%。" in text
    assert "办公用房经费" not in text


def test_no_under_spent_project_and_no_problem_gives_the_fallback_sentence(tmp_path):
    data = write_variant(
        tmp_path, ("      决算: 81.00", "      决算: 86.00"), ("      决算: 96.66", "      决算: 120.00")
    )
    ours = paragraphs(build(data, tmp_path / "out"))
    after = ours[ours.index("三、存在的主要问题") + 1]
    assert after == "本年度部门整体支出未发现需要说明的主要问题。"


def test_a_changed_deduction_changes_the_scores_and_its_sentence(tmp_path):
    data = write_variant(tmp_path, CHANGED_DEDUCTION)
    text = "".join(paragraphs(build(data, tmp_path / "out")))
    assert "“管理效率”满分50分，自评得分47分" in text
    assert "缺乏明确绩效要求、科室分工的制度，本项目扣3分。" in text
    assert "整体支出绩效自评96.76分" in text


def test_an_added_project_below_the_threshold_is_named(tmp_path):
    data = write_variant(tmp_path, ADDED_PROJECT)
    text = "".join(paragraphs(build(data, tmp_path / "out")))
    assert "招商业务工作经费预算执行率为80.55%、园区环保巡查经费预算执行率为90.00%。" in text


def test_check_prints_the_new_figures(tmp_path):
    data = write_variant(tmp_path, *ADJUSTED_ACTUAL)
    result = run("check", data)
    assert result.exit_code == 0
    assert "执行率 96.25%" in result.output
    assert "自评得分 97.63 分（满分 100 分），等级：优" in result.output


def test_narrative_that_types_a_computed_figure_is_flagged(tmp_path):
    data = write_variant(
        tmp_path,
        ("  评价: 从预算支出情况来看，", "  评价: 全年预算执行率为97.60%，决算1004.09万元。从预算支出情况来看，"),
    )
    result = run("check", data)
    assert result.exit_code == 0
    assert (
        "2023.yaml:79:7 警告：收支.评价：文字中直接写了 97.60%（即计算得出的 收支.执行率），预算调整后不会随之更新；"
        "请改写为 {{ 收支.执行率 | percent }}" in result.output
    )
    assert "文字中直接写了 1004.09（即计算得出的 收支.决算）" in result.output
    assert run("check", data, "--strict").exit_code == 1


def test_narrative_may_refer_to_figures_and_follows_an_adjustment(tmp_path):
    reference = (
        "  评价: 从预算支出情况来看，",
        "  评价: 全年预算执行率为{{ 收支.执行率 | percent }}。从预算支出情况来看，",
    )
    data = write_variant(tmp_path, reference, *ADJUSTED_ACTUAL)
    result = run("check", data)
    assert "警告" not in result.output
    text = "".join(paragraphs(build(data, tmp_path / "out")))
    assert "支出进度98.65%。全年预算执行率为96.25%。从预算支出情况来看" in text


def test_a_reference_to_an_unknown_figure_is_an_error(tmp_path):
    data = write_variant(tmp_path, ("  评价: 从预算支出情况来看，", "  评价: 执行率为{{ 收支.执行律 }}，"))
    result = run("check", data)
    assert result.exit_code == 1
    assert (
        "2023.yaml:79:7 错误：收支.评价：第 5 个字符处：引用了不存在的项“收支.执行律”，是否应为“执行率”？"
        in result.output
    )
