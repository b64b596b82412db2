"""How the tool is used across a year: many departments at once, rebuilding only
what changed, starting next year's file, and rebuilding on save."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, SAMPLE_NAME, paragraphs, reports, run, sample_text, write_variant
from test_regeneration import ADJUSTED_ACTUAL

DEPARTMENTS = 52


def department_files(directory: Path) -> list[Path]:
    directory.mkdir()
    paths = []
    for i in range(DEPARTMENTS):
        text = sample_text().replace("部门: 广州番禺经济技术开发区管理委员会", f"部门: 番禺区示例局{i:02d}")
        if i == 7:  # the adjusted 决算 of test_regeneration: 96.25%, 97.63 points
            for old, new in ADJUSTED_ACTUAL:
                text = text.replace(old, new)
        if i == 13:  # deliberately broken
            text = text.replace("  年初预算: 965.84", "  年初预算: 九百六十五")
        path = directory / f"dept{i:02d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_batch_of_departments_builds_all_but_the_broken_one(tmp_path):
    files = department_files(tmp_path / "data")
    out = tmp_path / "out"
    result = run("build", tmp_path / "data", "--out-dir", out)
    assert result.exit_code == 1
    assert f"{files[13]}:57:9 错误：收支.年初预算：应为金额（万元）（如 1028.77），请用阿拉伯数字填写" in result.output
    built = reports(out)
    assert len(built) == DEPARTMENTS - 1
    assert "2023年度番禺区示例局13部门整体支出绩效自评报告.docx" not in built
    assert f"共 {DEPARTMENTS} 个文件：{DEPARTMENTS - 1} 个成功，1 个失败。" in result.output
    summary = {
        line.split()[0]: line.split()[1:]
        for line in result.output.splitlines()
        if line.startswith(str(files[0].parent))
    }
    assert summary[str(files[0])] == ["番禺区示例局00", "97.60%", "97.76（优）", "已生成"]
    assert summary[str(files[7])] == ["番禺区示例局07", "96.25%", "97.63（优）", "已生成"]
    assert summary[str(files[13])] == ["失败"]


def test_unchanged_inputs_are_skipped_until_something_changes(tmp_path):
    data = write_variant(tmp_path)
    out = tmp_path / "out"
    assert "已生成" in run("build", data, "--out-dir", out).output
    report = out / f"{SAMPLE_NAME}.docx"
    before = report.stat().st_mtime_ns

    again = run("build", data, "--out-dir", out)
    assert again.exit_code == 0
    assert f"{data}：未改动，跳过 {report}（--force 可强制重新生成）" in again.output
    assert report.stat().st_mtime_ns == before

    assert "已生成" in run("build", data, "--force", "--out-dir", out).output

    templates = tmp_path / "templates" / "sections"
    templates.mkdir(parents=True)
    (templates / "problems.md.j2").write_text("无。\n", encoding="utf-8")
    assert "已生成" in run("build", data, "--templates", templates.parent, "--out-dir", out).output

    data.write_text(
        data.read_text(encoding="utf-8")
        .replace("  决算: 1004.09", "  决算: 1004.10")
        .replace("    决算: 454.25", "    决算: 454.26"),
        encoding="utf-8",
    )
    assert "已生成" in run("build", data, "--out-dir", out).output


def test_a_report_edited_by_hand_is_rebuilt(tmp_path):
    out = tmp_path / "out"
    assert run("build", SAMPLE, "--out-dir", out).exit_code == 0
    report = out / f"{SAMPLE_NAME}.docx"
    report.write_bytes(b"not what we built")
    result = run("build", SAMPLE, "--out-dir", out)
    assert "已生成" in result.output
    assert report.read_bytes().startswith(b"PK")


def test_init_starts_next_year_from_this_years_file(tmp_path):
    last = write_variant(tmp_path)
    result = run("init", "2024", "--from", last)
    assert result.exit_code == 0
    new = tmp_path / "2024.yaml"
    assert f"已生成 {new}" in result.output
    text = new.read_text(encoding="utf-8")
    assert "\n年度: 2024\n" in text
    assert "# 2024 年度部门整体支出绩效自评报告的数据" in text
    for kept in (
        "部门: 广州番禺经济技术开发区管理委员会",
        "  - 承办番禺区委、区政府交办的其他事项。",
        "    - 名称: 办公用房经费",
        "          分值: 40",
        "          计分: 预算执行率",
        "  执行率偏低阈值: 95",
        "附件: [收支情况表, 绩效自评表]",
    ):
        assert kept in text
    for gone in (
        "965.84",
        "1028.77",
        "靶向招商",
        "缺乏明确绩效要求",
        "已发布的报告只公布了",
        "其余二级指标的分值是示意值",
    ):
        assert gone not in text
    # Last year's deduction and its reason are this year's to fill in, as the README says.
    assert "          扣分: 待填写\n          扣分原因: 待填写\n" in text
    # Last year's spending becomes this year's prior-year figure, under each line's 决算.
    assert "  决算: 待填写\n  上年决算: 1004.09\n  基本支出:\n" in text
    assert "    决算: 待填写\n    上年决算: 454.25\n  项目支出:\n" in text
    assert "      决算: 待填写\n      上年决算: 96.66\n" in text
    assert "  年初预算: 待填写\n" in text
    assert "  - 标题: 待填写\n    内容: 待填写\n" in text

    check = run("check", new)
    assert check.exit_code == 1
    assert f"{new}:53:9 错误：收支.年初预算：尚未填写（待填写）" in check.output
    assert f"{new}:29:9 错误：重点工作[1].标题：尚未填写（待填写）" in check.output
    count = text.count("待填写")
    assert f"发现 {count} 处错误" in check.output

    refused = run("init", "2024", "--from", last)
    assert refused.exit_code == 1
    assert "已存在，未覆盖" in refused.output
    assert new.read_text(encoding="utf-8") == text


def test_init_output_once_filled_in_builds_with_fresh_scores(tmp_path):
    last = write_variant(tmp_path)
    run("init", "2024", "--from", last, "-o", tmp_path / "next.yaml")
    text = (tmp_path / "next.yaml").read_text(encoding="utf-8")
    for placeholder, value in (
        (
            "  年初预算: 待填写\n  调整预算: 待填写\n  决算: 待填写",
            "  年初预算: 965.84\n  调整预算: 1028.77\n  决算: 1004.09",
        ),
        ("    调整预算: 待填写\n    决算: 待填写", "    调整预算: 500.00\n    决算: 490.00"),  # 基本支出
        ("    调整预算: 待填写\n    决算: 待填写", "    调整预算: 528.77\n    决算: 514.09"),  # 项目支出
    ):
        text = text.replace(placeholder, value, 1)
    text = text.replace("      调整预算: 待填写\n      决算: 待填写", "      调整预算: 10.00\n      决算: 10.00")
    text = text.replace("          扣分: 待填写\n          扣分原因: 待填写\n", "")  # no deduction this year
    (tmp_path / "next.yaml").write_text(text.replace("待填写", "某项内容"), encoding="utf-8")
    result = run("check", tmp_path / "next.yaml")
    assert result.exit_code == 0, result.output
    # 490 ÷ 500 = 98.00%; 514.09 ÷ 528.77 = 97.2237…% → 97.22%; last year's deductions
    # did not carry over: 9.76 + 40 + 50 = 99.76.
    assert "基本支出执行率 98.00%，项目支出执行率 97.22%" in result.output
    assert "自评得分 99.76 分（满分 100 分），等级：优" in result.output


def test_watch_rebuilds_on_save(tmp_path):
    data = write_variant(tmp_path)
    out = tmp_path / "out"
    process = _watch(data, out)
    try:
        seen = _read_until(process, "执行率 97.60%")
        assert "正在监视" in seen
        time.sleep(0.5)
        for old, new in ADJUSTED_ACTUAL:
            data.write_text(data.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        assert "执行率 96.25%" in _read_until(process, "执行率 96.25%")
        data.write_text(
            data.read_text(encoding="utf-8").replace("  年初预算: 965.84", "  年初预算: 九百"), encoding="utf-8"
        )
        assert "收支.年初预算：应为金额" in _read_until(process, "未生成报告")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_watch_rebuilds_when_a_template_is_saved(tmp_path):
    data = write_variant(tmp_path)
    templates = tmp_path / "templates" / "sections"
    templates.mkdir(parents=True)
    template = templates / "problems.md.j2"
    template.write_text("{{ 自称 }}暂无问题。\n", encoding="utf-8")
    out = tmp_path / "out"
    process = _watch(data, out, "--templates", templates.parent)
    try:
        _read_until(process, "执行率 97.60%")
        assert any("我委暂无问题。" in p for p in paragraphs(out / f"{SAMPLE_NAME}.docx"))
        time.sleep(0.5)
        template.write_text("{{ 自称 }}改过的模板。\n", encoding="utf-8")
        _read_until(process, "执行率 97.60%")
        assert any("我委改过的模板。" in p for p in paragraphs(out / f"{SAMPLE_NAME}.docx"))
    finally:
        process.terminate()
        process.wait(timeout=10)


def _watch(data, out, *options) -> subprocess.Popen:
    """``reportgen build --watch`` in a process of its own, its output line by line."""
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", "--watch", str(data), "--out-dir", str(out), *map(str, options)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


def _read_until(process, marker: str, timeout: float = 60) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, f"等待“{marker}”超时，已输出：{seen}"
        line = process.stdout.readline()
        assert line, f"进程已结束，输出：{seen}"
        seen += line
    return seen


def test_two_inputs_for_the_same_report_are_reported(tmp_path):
    first = write_variant(tmp_path, name="a.yaml")
    second = write_variant(tmp_path, ("  年初预算: 965.84", "  年初预算: 965.85"), name="b.yaml")
    result = run("build", first, second, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{first}、{second} 生成同一个文件 {SAMPLE_NAME}.docx；" in result.output
    assert "请改正其中一个的年度或部门；若它们本是不同的报告，让模板 filename.j2 写出不同的文件名" in result.output
    assert "共 2 个文件：0 个成功，2 个失败。" in result.output
    assert f"已生成 {tmp_path / 'out'}" not in result.output  # neither claims a report of its own
    # The report on disk is one of the two: the message says which.
    kept = [line for line in result.output.splitlines() if "现在是由本文件生成的" in line]
    overwritten = [line for line in result.output.splitlines() if "的覆盖" in line]
    assert len(kept) == 1 and len(overwritten) == 1


def test_init_from_a_gbk_file_with_windows_line_ends_keeps_both(tmp_path):
    """A clerk's file saved by Notepad in GBK with CRLF: next year's is written the same way, and loads."""
    last = tmp_path / "2023.yaml"
    last.write_bytes(sample_text().replace("\n", "\r\n").encode("gb18030"))
    assert run("init", "2024", "--from", last).exit_code == 0
    raw = (tmp_path / "2024.yaml").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 100
    text = raw.decode("gb18030")
    assert "部门: 广州番禺经济技术开发区管理委员会\r\n" in text and "  年初预算: 待填写\r\n" in text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    # It loads: what check finds are only the values left to fill in.
    errors = [line for line in run("check", tmp_path / "2024.yaml").output.splitlines() if " 错误：" in line]
    assert len(errors) == text.count("待填写") and all(line.endswith("尚未填写（待填写）") for line in errors)


def test_init_carries_each_projects_form_but_not_its_results(tmp_path):
    """Next year's projects keep who runs them and their indicator trees (names, 分值, 计分,
    年度指标值); what was spent and achieved is 待填写."""
    import yaml
    from test_outlines import MOF_SAMPLE

    target = tmp_path / "2024.yaml"
    assert run("init", "2024", "--from", MOF_SAMPLE, "-o", target).exit_code == 0
    old = yaml.safe_load(MOF_SAMPLE.read_text(encoding="utf-8"))
    new = yaml.safe_load(target.read_text(encoding="utf-8"))

    def leaves(project):
        return [leaf for d in project["绩效指标"] for i in d["二级指标"] for leaf in i["三级指标"]]

    evaluated = [p for p in old["收支"]["项目"] if "绩效指标" in p]
    assert len(evaluated) == 3
    for before, after in zip(old["收支"]["项目"], new["收支"]["项目"], strict=True):
        assert after["名称"] == before["名称"]
        if "绩效指标" not in before:
            continue
        assert after.get("实施单位") == before.get("实施单位")
        assert [d["名称"] for d in after["绩效指标"]] == [d["名称"] for d in before["绩效指标"]]
        for a, b in zip(leaves(after), leaves(before), strict=True):
            assert {k: a.get(k) for k in ("名称", "分值", "计分", "年度指标值")} == {
                k: b.get(k) for k in ("名称", "分值", "计分", "年度指标值")
            }
            assert a["实际完成值"] == "待填写"
            assert all(a[k] == "待填写" for k in ("偏差原因", "改进措施", "档次") if k in b)
        assert after["年度总体目标"]["实际完成情况"] in (
            "待填写",
            ["待填写"] * len(before["年度总体目标"]["实际完成情况"]),
        )
        for amounts in after["资金来源"].values():
            assert set(amounts.values()) == {"待填写"}
        assert after["上年决算"] == before["决算"]
    assert new["项目自评"] == {**old["项目自评"], "填报日期": "待填写"}
    assert any(leaf.get("档次") == "待填写" for p in new["收支"]["项目"] if "绩效指标" in p for leaf in leaves(p))
    # check names each result still to fill in, on its line
    out = run("check", target).output
    lines = target.read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines, 1) if "实际完成值: 待填写" in line and n > 60)
    assert f"{target}:{first}:" in out and "三级指标[1].实际完成值：尚未填写（待填写）" in out
