"""reportgen diff: inputs, figures and paragraphs an edit changes (figures worked by hand,
see test_regeneration.py)."""

from __future__ import annotations

import shutil
import subprocess

from conftest import SAMPLE, run, write_variant
from test_outlines import MOF_SAMPLE
from test_regeneration import ADDED_PROJECT, ADJUSTED_ACTUAL, CHANGED_DEDUCTION


def test_adjusted_actual(tmp_path):
    new = write_variant(tmp_path, *ADJUSTED_ACTUAL)
    result = run("diff", SAMPLE, new)
    assert result.exit_code == 0
    out = result.output
    assert "输入的改动：\n  部门整体决算：1004.09 → 990.19\n  基本支出决算：454.25 → 440.35\n" in out
    for line in (
        "  部门整体执行率：97.60% → 96.25%",
        "  基本支出执行率：96.37% → 93.42%",
        "  自评总分：97.76 → 97.63",
        "  指标“履职效能”得分：49.76 → 49.63",
        "  指标“履职效能/部门预算资金支出率”得分：9.76 → 9.63",
        "  指标“履职效能/部门预算资金支出率”扣分：0.24 → 0.37",
    ):
        assert line + "\n" in out
    assert "部门整体决算：1004.09 → 990.19" in out.split("计算结果的改动")[0]  # said once, as an input
    assert "部门整体预算执行率为〔删：97.60%〕〔增：96.25%〕" in out
    assert "支出进度〔删：96.37%〕〔增：93.42%〕" in out
    assert "自评〔删：97.76〕〔增：97.63〕分（满分100分）" in out
    assert "合计｜965.84｜1028.77｜〔删：1004.09〕〔增：990.19〕｜〔删：97.60%〕〔增：96.25%〕" in out


def test_added_project(tmp_path):
    new = write_variant(tmp_path, ADDED_PROJECT)
    out = run("diff", SAMPLE, new).output
    assert "  项目第 3 项名称：（无） → 园区环保巡查经费" in out
    assert "  项目“园区环保巡查经费”调整预算：（无） → 30.00" in out
    assert "  项目“园区环保巡查经费”执行率：（无） → 90.00%" in out
    assert (
        "  执行率偏低的项目：办公用房经费 92.05%、招商业务工作经费 80.55% → "
        "办公用房经费 92.05%、招商业务工作经费 80.55%、园区环保巡查经费 90.00%" in out
    )
    assert "执行率为80.55%〔增：、园区环保巡查经费预算执行率为90.00%〕。" in out
    assert "〔增：　　　园区环保巡查经费｜—｜30.00｜27.00｜90.00%〕" in out


def test_changed_deduction(tmp_path):
    new = write_variant(tmp_path, CHANGED_DEDUCTION)
    out = run("diff", SAMPLE, new).output
    assert "  指标“管理效率/绩效管理”扣分：2 → 3" in out
    assert "  指标“管理效率”得分：48 → 47" in out
    assert "  指标“管理效率/绩效管理”得分：8 → 7" in out
    assert "  自评总分：97.76 → 96.76" in out
    assert "本项目扣〔删：2〕〔增：3〕分。" in out
    # Paragraphs are found by their heading, as a clerk finds them.
    assert "  二、（三）管理效率分析，第 4 段：4.绩效管理。" in out
    assert "  附件2-2，表格第 8 行：｜绩效管理｜10｜〔删：8〕〔增：7〕｜" in out


def test_no_difference_and_exit_code(tmp_path):
    same = write_variant(tmp_path)
    result = run("diff", SAMPLE, same, "--exit-code")
    assert (result.exit_code, result.output) == (0, "没有差异。\n")
    changed = write_variant(tmp_path, CHANGED_DEDUCTION, name="changed.yaml")
    assert run("diff", SAMPLE, changed).exit_code == 0
    assert run("diff", SAMPLE, changed, "--exit-code").exit_code == 1


def test_against_the_committed_version(tmp_path):
    if shutil.which("git") is None:
        import pytest

        pytest.skip("git 未安装")
    data = tmp_path / "data" / "2023.yaml"
    data.parent.mkdir()
    shutil.copy(SAMPLE, data)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "2023"], check=True)
    data.write_text(
        data.read_text(encoding="utf-8")
        .replace("  决算: 1004.09", "  决算: 990.19")
        .replace("    决算: 454.25", "    决算: 440.35"),
        encoding="utf-8",
    )
    result = run("diff", data, "--against", "HEAD")
    assert result.exit_code == 0
    assert "部门整体执行率：97.60% → 96.25%" in result.output


def test_diff_usage_and_bad_input(tmp_path):
    assert run("diff", SAMPLE).exit_code == 2
    bad = write_variant(tmp_path, ("  年初预算: 965.84", "  年初预算: 九百"))
    result = run("diff", SAMPLE, bad)
    assert result.exit_code == 1
    assert "收支.年初预算：应为金额" in result.output


def test_changes_named_by_project(tmp_path):
    """A project's indicator falls short and another project spends less: each figure of
    its form is named by project (worked by hand from the 财政部 example)."""
    new = write_variant(
        tmp_path,
        (
            "                  实际完成值: 3.35万亩",
            "                  实际完成值: 3.0万亩\n                  偏差原因: 部分地块延期",
        ),
        ("      决算: 241.30", "      决算: 236.30"),
        ("决算: 226.30}", "决算: 221.30}"),
        source=MOF_SAMPLE,
    )
    out = run("diff", MOF_SAMPLE, new).output
    inputs, figures = out.split("计算结果的改动：")[0], out.split("计算结果的改动：")[1].split("文字有变化的段落：")[0]
    assert (
        "  项目“高标准农田建设项目”指标“产出指标/数量指标/新建高标准农田面积”实际完成值：3.35万亩 → 3.0万亩" in inputs
    )
    assert "  项目“动物防疫补助经费”资金来源“当年财政拨款”决算：226.30 → 221.30" in inputs
    for line in (
        # 3.0 ÷ 3.2 = 93.75 % of 20 marks
        "  项目“高标准农田建设项目”指标“产出指标/数量指标/新建高标准农田面积”得分：20 → 18.75",
        "  项目“高标准农田建设项目”指标“产出指标”得分：49.84 → 48.59",
        "  项目“高标准农田建设项目”得分：99.5 → 98.25",
        # 236.30 ÷ 246.24 = 95.96 %, worth 9.596 → 9.6 of 10
        "  项目“动物防疫补助经费”执行率：97.99% → 95.96%",
        "  项目“动物防疫补助经费”执行率得分：9.8 → 9.6",
        "  项目“动物防疫补助经费”得分：95.3 → 95.1",
        # 221.30 ÷ 230.00
        "  项目“动物防疫补助经费”资金来源“当年财政拨款”执行率：98.39% → 96.22%",
        # (98.25 + 95.1 + 89.42) ÷ 3 = 94.2567; 1615.14 ÷ 1746.24 = 92.49 %
        "  项目自评平均得分：94.74 → 94.26",
        "  项目自评执行率：92.78% → 92.49%",
    ):
        assert line + "\n" in figures, line
    assert (
        "2023年度动物防疫补助经费项目支出绩效自评表，表格第 8 行：总分｜100｜〔删：95.3〕〔增：95.1〕｜自评等级：优"
        in out
    )


def test_project_falling_below_the_line(tmp_path):
    """农业技术推广 (89.42) falls under a raised 得分偏低线 of 90 only in the new data."""
    new = write_variant(tmp_path, ("项目自评:\n", "项目自评:\n  得分偏低线: 90\n"), source=MOF_SAMPLE)
    out = run("diff", MOF_SAMPLE, new).output
    assert "  得分偏低的项目：无 → 农业技术推广与培训经费 89.42\n" in out


def test_typed_figures_whose_figure_changes_are_listed(tmp_path):
    """The old text typed 97.60 % (the department's rate) and 9.76 (a score); after the
    adjustment both figures change (96.25 %, 9.63), and diff says the text did not follow."""
    typed = ("  评价: 从预算支出情况来看，", "  评价: 部门整体执行率为97.60%，支出率得分9.76分，从预算支出情况来看，")
    old = write_variant(tmp_path, typed, name="old.yaml")
    new = write_variant(tmp_path, typed, *ADJUSTED_ACTUAL, name="new.yaml")
    out = run("diff", old, new).output
    section = out.split("文字中直接写的数（不随计算结果改变）：\n")[1].split("文字有变化的段落：")[0]
    assert section.splitlines() == [
        "  收支.评价：97.60% 描述的 部门整体执行率 由 97.60% 变为 96.25%，文字仍是旧值；请改写为 {{ 收支.执行率 | percent }}",
        "  收支.评价：9.76 描述的 指标“履职效能/部门预算资金支出率”得分 由 9.76 变为 9.63，文字仍是旧值；"
        "请改写为 {{ 自评.一级指标[1].二级指标[1].得分 | score }}",
    ]
    # Retyped by hand this time: still listed, since the next adjustment will leave it behind.
    retyped = ("  评价: 从预算支出情况来看，", "  评价: 部门整体执行率为96.25%，从预算支出情况来看，")
    out = run("diff", old, write_variant(tmp_path, retyped, *ADJUSTED_ACTUAL, name="retyped.yaml")).output
    assert (
        "  收支.评价：96.25% 描述的 部门整体执行率 由 97.60% 变为 96.25%；请改写为 {{ 收支.执行率 | percent }}\n" in out
    )
    # A typed figure whose figure stays the same is not listed.
    assert "文字中直接写的数" not in run("diff", old, write_variant(tmp_path, typed, name="same.yaml")).output
