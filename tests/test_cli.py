"""The command line: build, check, schema, exit codes, reproducible output."""

from __future__ import annotations

import json
import os
import time

from conftest import ROOT, SAMPLE, SAMPLE_NAME, paragraphs, reports, run, write_variant


def test_build_writes_the_report_named_after_year_and_department(tmp_path):
    result = run("build", SAMPLE, "--out-dir", tmp_path)
    assert result.exit_code == 0, result.output
    output = tmp_path / f"{SAMPLE_NAME}.docx"
    assert output.is_file()
    assert f"已生成 {output}" in result.output
    assert "执行率 97.60%" in result.output
    assert "自评得分 97.76 分（满分 100 分），等级：优" in result.output
    assert "执行率偏低的项目：办公用房经费 92.05%、招商业务工作经费 80.55%" in result.output
    # The published 1028.77 against 471.38 + 557.38 = 1028.76 is a note, shown only with -v:
    # on every build of the unchanged sample it would read as a fault to a clerk.
    assert "容差" not in result.output and "提示" not in result.output
    verbose = run("build", SAMPLE, "--out-dir", tmp_path, "-v", "--force")
    assert (
        "提示：收支.调整预算：所填 1028.77 万元与基本支出、项目支出之和 1028.76 万元相差 0.01 万元，在分项各自四舍五入的容差"
        in (verbose.output)
    )
    assert reports(tmp_path) == [output.name]


def test_check_says_how_many_warnings_stand_and_never_that_no_report_was_made(tmp_path):
    from conftest import write_variant

    data = write_variant(tmp_path, ("      决算: 81.00", "      决算: 90.00"))  # over its 88.00 budget
    result = run("check", data)
    assert result.exit_code == 0, result.output
    assert "警告：收支.项目[1].决算：办公用房经费的决算 90.00 万元超过调整预算 88.00 万元" in result.output
    assert "数据可以生成报告，但有 1 处警告，请逐条核对" in result.output and "数据无误" not in result.output
    strict = run("check", data, "--strict")
    assert strict.exit_code == 1
    assert "发现 1 处错误。" in strict.output and "未生成报告" not in strict.output


def test_build_defaults_to_out_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("build", SAMPLE).exit_code == 0
    assert (tmp_path / "out" / f"{SAMPLE_NAME}.docx").is_file()


def test_same_input_gives_byte_identical_output(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", SAMPLE, "--out-dir", first).exit_code == 0
    time.sleep(2.1)  # past the zip format's two-second time resolution
    assert run("build", SAMPLE, "--out-dir", second).exit_code == 0
    name = f"{SAMPLE_NAME}.docx"
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_check_writes_nothing_and_reports_figures(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", SAMPLE)
    assert result.exit_code == 0
    assert "数据无误" in result.output
    assert "基本支出执行率 96.37%，项目支出执行率 98.65%" in result.output
    assert list(tmp_path.iterdir()) == []


def test_several_files_one_bad_the_others_still_built(tmp_path):
    good = write_variant(tmp_path, name="good.yaml")
    bad = write_variant(tmp_path, ("  年初预算: 965.84", "  年初预算: 九百万"), name="bad.yaml")
    other = write_variant(tmp_path, ("部门: 广州番禺经济技术开发区管理委员会", "部门: 番禺区示例局"), name="other.yaml")
    out = tmp_path / "out"
    result = run("build", good, bad, other, "--out-dir", out)
    assert result.exit_code == 1
    assert "bad.yaml:" in result.output and "收支.年初预算" in result.output
    assert reports(out) == sorted([f"{SAMPLE_NAME}.docx", "2023年度番禺区示例局部门整体支出绩效自评报告.docx"])


def test_usage_errors_exit_2():
    assert run("build").exit_code == 2
    assert run("build", SAMPLE, "--no-such-option").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_unsafe_characters_of_a_department_name_do_not_reach_the_file_name(tmp_path):
    data = write_variant(tmp_path, ("部门: 广州番禺经济技术开发区管理委员会", "部门: 甲/乙:丙*局?"))
    result = run("build", data, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert reports(tmp_path / "out") == ["2023年度甲_乙_丙_局_部门整体支出绩效自评报告.docx"]


def test_schema_command_matches_the_schema_file_the_sample_points_to():
    result = run("schema")
    schema = json.loads(result.output)
    assert {"年度", "部门", "收支", "自评"} <= set(schema["required"])
    assert schema["$defs"]["Budget"]["properties"]["调整预算"]["description"].startswith("调整预算")
    first_line = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../schema/report.schema.json"
    committed = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    stale = "schema/report.schema.json 已过期：运行 reportgen schema > schema/report.schema.json"
    # Keys and required keys, not pydantic's exact rendering, which varies by version.
    for name, definition in [("", schema), *schema["$defs"].items()]:
        kept = committed if not name else committed["$defs"][name]
        assert set(kept["properties"]) == set(definition["properties"]), stale
        assert kept.get("required") == definition.get("required"), stale
    # A number, or 待填写 where init left it (the editor shows no red mark for that).
    initial = schema["$defs"]["Budget"]["properties"]["年初预算"]["anyOf"]
    assert [s.get("type") for s in initial] == ["number", None] and initial[1]["const"] == "待填写"


def test_user_templates_override_only_what_they_contain(tmp_path):
    templates = tmp_path / "templates"
    (templates / "sections").mkdir(parents=True)
    (templates / "sections" / "problems.md.j2").write_text("{{ 自称 }}暂无需要说明的问题。\n", encoding="utf-8")
    result = run("build", SAMPLE, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    ours = paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx")
    assert ours[ours.index("三、存在的主要问题") + 1] == "我委暂无需要说明的问题。"
    assert "（一）部门职能" in ours  # the rest still comes from the built-in set


def test_an_interrupted_build_leaves_the_previous_report(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("build", SAMPLE, "--out-dir", out).exit_code == 0
    report = out / f"{SAMPLE_NAME}.docx"
    before = report.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = run("build", SAMPLE, "--force", "--out-dir", out, catch=True)
    assert result.exit_code != 0
    assert report.read_bytes() == before
    assert reports(out) == [report.name]  # no temporary left behind


def test_pdf_without_libreoffice_still_writes_the_docx_and_says_how_to_install(tmp_path, monkeypatch):
    from reportgen import rendering

    monkeypatch.setattr(rendering, "find_office", lambda: None)
    result = run("build", SAMPLE, "--pdf", "--out-dir", tmp_path)
    assert result.exit_code == 0
    assert (tmp_path / f"{SAMPLE_NAME}.docx").exists()
    assert not list(tmp_path.glob("*.pdf"))
    assert "未找到 LibreOffice，已只生成 .docx" in result.output
    assert "apt-get install libreoffice-writer-nogui" in result.output


def test_build_pdf_writes_the_pdf_beside_the_docx(tmp_path):
    from reportgen.rendering import find_office

    if find_office() is None:
        import pytest

        pytest.skip("未安装 LibreOffice（soffice）")
    result = run("build", SAMPLE, "--pdf", "--out-dir", tmp_path)
    assert result.exit_code == 0, result.output
    pdf = tmp_path / f"{SAMPLE_NAME}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert f"已生成 {pdf}" in result.output


def test_output_does_not_depend_on_where_the_input_lies(tmp_path):
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    copy = elsewhere / "2023.yaml"
    copy.write_bytes(SAMPLE.read_bytes())
    assert run("build", SAMPLE, "--out-dir", tmp_path / "a").exit_code == 0
    assert run("build", copy, "--out-dir", tmp_path / "b").exit_code == 0
    name = f"{SAMPLE_NAME}.docx"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_options_that_do_not_change_the_content_do_not_change_the_bytes(tmp_path, monkeypatch):
    from reportgen import rendering

    monkeypatch.setattr(rendering, "find_office", lambda: None)  # --pdf without making one
    name = f"{SAMPLE_NAME}.docx"
    builds = {
        "plain": (),
        "pdf": ("--pdf",),
        "strict": ("--strict",),
        "all": ("--pdf", "--strict", "--force"),
    }
    for label, options in builds.items():
        result = run("build", SAMPLE, "--out-dir", tmp_path / label, *options)
        assert result.exit_code == 0, result.output
    reference = (tmp_path / "plain" / name).read_bytes()
    assert all((tmp_path / label / name).read_bytes() == reference for label in builds)


def test_a_pdf_of_an_earlier_report_is_removed_when_the_report_changes(tmp_path):
    from conftest import write_variant

    data = write_variant(tmp_path)
    out = tmp_path / "out"
    assert run("build", data, "--out-dir", out).exit_code == 0
    pdf = out / f"{SAMPLE_NAME}.pdf"
    pdf.write_bytes(b"%PDF-1.7 as made by an earlier build --pdf")
    # The same content again: the PDF still shows it and stays.
    assert run("build", data, "--out-dir", out, "--force").exit_code == 0
    assert pdf.exists()
    data.write_text(data.read_text(encoding="utf-8").replace("决算: 1004.09", "决算: 1004.10"), encoding="utf-8")
    result = run("build", data, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert not pdf.exists()
    assert f"已删除与新报告不一致的旧 PDF {pdf}（加 --pdf 可重新生成）" in result.output


def test_schema_reads_well_in_older_editors():
    """No multipleOf (older YAML extensions flag every amount), numbers as numbers, margins in mm."""
    text = (ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert "multipleOf" not in text
    assert schema["$defs"]["Evaluation"]["properties"]["等级"]["default"] == {"优": 90, "良": 80, "中": 60, "差": 0}
    assert schema["$defs"]["Budget"]["properties"]["执行率偏低阈值"]["default"] == 95
    margin = schema["$defs"]["Margins"]["properties"]["左"]["anyOf"][0]
    assert margin["description"].startswith("毫米") and margin["maximum"] == 60
