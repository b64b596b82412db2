"""No input, template or fault hangs reportgen, crashes it, or makes it write a
wrong report: each class of hostile or careless input ends with a Chinese
message at its place, exit 1, and nothing written (or a correct report)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, SAMPLE_NAME, build, paragraphs, refused, run, write_variant
from docx.oxml.document import CT_Body

from reportgen import markup
from reportgen.layout import Layout
from reportgen.measuring import balance_title
from reportgen.typesetting import Metadata, typeset

# --- reading ---------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="需要 POSIX 的命名管道")
def test_a_pipe_or_device_named_yaml_is_refused_at_once(tmp_path):
    pipe = tmp_path / "管道.yaml"
    os.mkfifo(pipe)
    device = tmp_path / "zero.yaml"
    device.symlink_to("/dev/zero")
    for path in (pipe, device):
        result = run("check", path)
        assert result.exit_code == 1
        assert "不是普通文件（可能是设备或管道）" in result.output


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        (
            ("  决算: 1004.09", "  决算：1004.09"),
            "2023.yaml:59:3 错误：键后面用了中文冒号“：”，请改为英文冒号加一个空格“: ”",
        ),
        (("  决算: 1004.09", "  决算:1004.09"), "2023.yaml:59:3 错误：冒号后面少了一个空格：应写作“键: 值”"),
        (("  - 承办番禺区委", "  -承办番禺区委"), "2023.yaml:25:3 错误：列表项的“-”后面要有一个空格：应写作“- 内容”"),
        (
            ("    调整预算: 471.38\n    决算: 454.25\n", "  调整预算: 471.38\n  决算: 454.25\n"),
            "2023.yaml:61:3 错误：收支.调整预算：键“调整预算”重复出现（第 58 行）：它是否属于上面的“基本支出”？"
            "“基本支出:”下面的各行应再缩进两格",
        ),
    ],
)
def test_typing_slips_are_named_at_their_line(tmp_path, replacement, expected):
    refused(write_variant(tmp_path, replacement), expected)


def test_text_after_a_hash_is_not_lost_silently(tmp_path):
    data = write_variant(tmp_path, ("  评价: 从预算支出情况来看，", "  评价: 依据 #1号文件，从预算支出情况来看，"))
    result = run("check", data)
    assert result.exit_code == 0
    assert (
        "2023.yaml:79:9 警告：收支.评价：“ #”及其后的文字被当作注释忽略了；如果它是文字的一部分，请给整段文字加上引号"
        in (result.output)
    )
    # A comment after an amount or a date is the README's own style, not lost text.
    commented = write_variant(
        tmp_path,
        ("  决算: 1004.09", "  决算: 1004.09   # 决算报表第 3 行"),
        ("年度: 2023", "年度: 2023  # 本年"),
        name="c.yaml",
    )
    assert "注释忽略" not in run("check", commented).output


# --- what check must catch for build ----------------------------------------------------------

_PROJECTS = "  项目:\n    - 名称: 办公用房经费"


def _projects(count: int, evaluated: bool = False) -> str:
    """``count`` small projects, each with a one-indicator 绩效指标 when ``evaluated``."""
    tree = "      绩效指标:\n        - {名称: 产出指标, 二级指标: [{名称: 数量指标, 三级指标: [{名称: 完成数, 分值: 90}]}]}\n"
    return "".join(
        f"    - 名称: 项目{n}\n      调整预算: 0.01\n      决算: 0\n" + (tree if evaluated else "")
        for n in range(count)
    )


def _dimension(indicators: int) -> str:
    """A 一级指标 of ``indicators`` 二级指标 scored 0."""
    return "    - 名称: 其他\n      二级指标:\n" + "".join(
        f"        - {{名称: 指标{n}, 分值: 0}}\n" for n in range(indicators)
    )


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        (("部门: 广州番禺经济技术开发区管理委员会", "部门: " + "广" * 51), "部门：过长（51 个字），最多 50 个字"),
        (("  年初预算: 965.84", "  年初预算: 100000000000000000000000000"), "超出范围：应在 0 到 99999999999.99 之间"),
        (
            ("存在问题: []", "存在问题: []\n版式:\n  页边距: {左: 175}"),
            "版式.页边距.左：超出范围：应在 0 到 60 之间，实际为 175",
        ),
        (
            ("存在问题: []", "存在问题: []\n版式:\n  页边距: {左: 5}"),
            "版式.页边距.左：超出范围：应在 10 到 60 毫米之间，实际为 5",
        ),
        (("存在问题: []", "存在问题: []\n机构人员: {}"), "机构人员：机构人员是空的"),
        (
            (
                "    - 名称: 办公用房经费\n      调整预算: 88.00\n      决算: 81.00",
                "    - 名称: 办公用房经费\n      调整预算: 88.00\n      决算: 581.00",
            ),
            "收支.项目：所列项目的决算合计 677.66 万元，超过项目支出的决算 549.84 万元",
        ),
        # Lists a report could not hold, or only in minutes: bounded at the list, with the range.
        (
            ("附件: [收支情况表, 绩效自评表]", "附件: [收支情况表, 绩效自评表, 收支情况表]"),
            "2023.yaml:138:20 错误：附件[3]：“收支情况表”已是第 1 项；每个附件只列一次",
        ),
        (
            ("附件: [收支情况表, 绩效自评表]", f"附件: [{', '.join(['收支情况表', '绩效自评表'] * 11)}]"),
            "2023.yaml:138:1 错误：附件：最多 20 项，实际为 22 项",
        ),
        (
            (_PROJECTS, _PROJECTS.replace("  项目:\n", "  项目:\n" + _projects(1999))),
            "2023.yaml:69:3 错误：收支.项目：最多 2000 项，实际为 2001 项",
        ),
        (
            (_PROJECTS, _PROJECTS.replace("  项目:\n", "  项目:\n" + _projects(101, evaluated=True))),
            "2023.yaml:69:3 错误：收支.项目：填写了绩效指标的项目（各有一张自评表）最多 100 个，实际为 101 个（第 101 个是“项目100”）",
        ),
        (
            ("  一级指标:\n", "  一级指标:\n" + "    - {名称: 其他, 分值: 0}\n" * 49),
            "2023.yaml:98:3 错误：自评.一级指标：最多 50 项，实际为 51 项",
        ),
        (
            ("  一级指标:\n", "  一级指标:\n" + _dimension(51)),
            "2023.yaml:100:7 错误：自评.一级指标[1].二级指标：最多 50 项，实际为 51 项",
        ),
        (
            ("  一级指标:\n", "  一级指标:\n" + _dimension(25) * 4),
            "2023.yaml:98:3 错误：自评.一级指标：末级指标最多 100 个，实际为 109 个",
        ),
    ],
)
def test_what_build_cannot_do_is_caught_by_check_with_the_range(tmp_path, replacement, expected):
    data = write_variant(tmp_path, replacement)
    for command in ("check", "build"):
        result = run(command, data, *(("--out-dir", tmp_path / "out") if command == "build" else ()))
        assert result.exit_code == 1, result.output
        assert expected in result.output
    assert not (tmp_path / "out").exists()


def test_the_longest_allowed_name_and_margins_build(tmp_path):
    data = write_variant(
        tmp_path,
        ("部门: 广州番禺经济技术开发区管理委员会", "部门: " + "广" * 50),
        ("存在问题: []", "存在问题: []\n版式:\n  页边距: {上: 60, 下: 60, 左: 60, 右: 60}"),
    )
    result = run("build", data, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (built,) = (tmp_path / "out").glob("*.docx")
    assert len(built.name.encode("utf-8")) <= 255
    assert built.name.endswith("部门整体支出绩效自评报告.docx")


def test_minus_zero_prints_as_zero(tmp_path):
    data = write_variant(tmp_path, ("  年初预算: 965.84", "  年初预算: -0.00"))
    text = paragraphs(build(data, tmp_path / "out"))
    assert any("一般公共预算财政拨款支出年初预算数0.00万元" in p for p in text)
    assert not any("-0.00" in p for p in text)


def test_projects_rounded_from_yuan_are_within_tolerance(tmp_path):
    """14 projects, each rounded from 元: their sum may pass 项目支出 by up to 0.01 each."""
    projects = "".join(f"    - 名称: 项目{i}\n      调整预算: 39.82\n      决算: 39.27\n" for i in range(14))
    text = write_variant(tmp_path).read_text(encoding="utf-8")
    start, end = text.index("  项目:\n"), text.index("  # 执行率（%）低于此值")
    (tmp_path / "2023.yaml").write_text(text[:start] + "  项目:\n" + projects + text[end:], encoding="utf-8")
    # 14 × 39.82 = 557.48 (0.10 over 557.38, within 14 × 0.01); 14 × 39.27 = 549.78
    result = run("check", tmp_path / "2023.yaml")
    assert result.exit_code == 0, result.output


def test_an_item_folded_into_the_one_above_is_pointed_out(tmp_path):
    data = write_variant(
        tmp_path,
        (
            "  - 对汽车城开发建设工作进行组织、协调、督促和检查。\n",
            "  - 对汽车城开发建设工作进行组织、协调、督促和检查。\n    -另一项职能。\n",
        ),
    )
    result = run("check", data)
    assert "2023.yaml:24:5 警告：部门职能[4]：第 24 行以“-”开头，却被并入了这一项的文字" in result.output


def test_typesetting_never_looks_up_the_section_among_all_paragraphs(monkeypatch):
    """Finding the body's w:sectPr scans every child: done for each paragraph and
    table it made a build of 49,000 short items take 105 s."""
    lookups = []
    found = CT_Body.sectPr

    def counted(body):
        lookups.append(1)
        return found.fget(body)

    monkeypatch.setattr(CT_Body, "sectPr", property(counted))
    text = "# 问题\n\n" + "".join(f"{n}. 第{n}条。\n" for n in range(1, 2001)) + "\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n"
    document = typeset(markup.parse(text), Layout(), Metadata("测试", "测试", datetime.datetime(2024, 1, 1)))
    assert len(document.paragraphs) > 2000 and len(document.tables) == 1
    assert len(lookups) < 10


# --- templates and the title ----------------------------------------------------------------------


def test_a_title_of_many_lines_is_balanced_at_once():
    started = time.perf_counter()
    lines = balance_title([f"第{i}行" for i in range(22)], 442.2)
    assert time.perf_counter() - started < 2  # trying every split would take 2^21 tries
    assert "".join(lines) == "".join(f"第{i}行" for i in range(22))
    assert len(lines) == 4  # 22 segments of 3 to 4 characters: 81 characters, 20 a line


def test_a_runaway_title_template_is_an_error(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "title.j2").write_text("{% for i in range(30) %}第{{ i }}行\n{% endfor %}", encoding="utf-8")
    result = run("check", write_variant(tmp_path), "--templates", folder)
    assert result.exit_code == 1
    assert "title.j2 错误：标题模板输出了 30 行" in result.output


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="需要符号链接")
def test_a_template_linking_outside_its_folder_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容\n", encoding="utf-8")
    folder = tmp_path / "t" / "sections"
    folder.mkdir(parents=True)
    (folder / "problems.md.j2").symlink_to(secret)
    result = run("build", write_variant(tmp_path), "--templates", folder.parent, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    assert "problems.md.j2 错误：是指向目录 " in result.output and "之外的链接，不予读取" in result.output
    assert "机密内容" not in result.output


# --- processes, files and the console ------------------------------------------------------------


def test_diff_against_takes_only_a_revision(tmp_path):
    target = tmp_path / "written-by-git.txt"
    result = run("diff", SAMPLE, "--against", f"--output={target}")
    assert result.exit_code == 1
    assert "不是 git 的版本名" in result.output
    assert not target.exists()


def test_diff_against_outside_git_says_so_in_chinese(tmp_path):
    data = write_variant(tmp_path)
    result = run("diff", data, "--against", "HEAD")
    assert result.exit_code == 1
    assert "不在 git 仓库中" in result.output
    assert "fatal" not in result.output


def test_a_damaged_build_record_only_means_a_rebuild(tmp_path):
    out = tmp_path / "out"
    data = write_variant(tmp_path)
    assert run("build", data, "--out-dir", out).exit_code == 0
    record = out / ".reportgen-builds.json"
    record.write_text(json.dumps({str(data.resolve()): {"output": ["not", "a", "name"], "fingerprint": 7}}))
    result = run("build", data, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output


def test_temporary_files_of_a_killed_build_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    old = out / f".{SAMPLE_NAME[:40]}.k1ll3d.part"
    old.write_bytes(b"half a report")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    fresh = out / ".another.n0w.part"  # another build may be writing it right now
    fresh.write_bytes(b"being written")
    assert run("build", write_variant(tmp_path), "--out-dir", out).exit_code == 0
    assert not old.exists() and fresh.exists()


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        capture_output=True,
        env=dict(os.environ, **(env or {})),
        timeout=120,
        check=False,
    )


def test_a_console_that_cannot_show_a_character_gets_a_stand_in(tmp_path):
    """A Chinese Windows console is GBK (cp936): an emoji in the data must not crash the output."""
    data = write_variant(
        tmp_path, ("自称: 我委", "自称: 我委😀"), ("部门: 广州番禺经济技术开发区管理委员会", "部门: 广州😀管理委员会")
    )
    done = _cli("build", str(data), "--out-dir", str(tmp_path / "out"), env={"PYTHONIOENCODING": "cp936"})
    assert done.returncode == 0, done.stderr.decode("cp936", "replace")
    assert b"Traceback" not in done.stderr
    assert "已生成".encode("cp936") in done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="Windows 的文件名总是 Unicode")
def test_a_file_name_that_is_not_unicode(tmp_path):
    name = os.fsdecode(b"\xff\xfe-2023.yaml")
    (tmp_path / name).write_bytes(SAMPLE.read_bytes())
    done = _cli("build", os.path.join(str(tmp_path), name), "--out-dir", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert list((tmp_path / "out").glob("*.docx"))


@pytest.mark.parametrize("pdf", [(), ("--pdf",)], ids=["docx", "pdf"])
def test_a_name_too_long_for_the_system_is_a_message(tmp_path, pdf):
    # 90 Chinese characters are 270 bytes: more than a file system's 255 for one name.
    long = "长" * 90
    for command in ("check", "build"):
        result = run(command, tmp_path / f"{long}.yaml", catch=True)
        assert result.exit_code == 1 and f"{long}.yaml 错误：文件不存在" in result.output, result.output
    result = run("build", *pdf, SAMPLE, "--out-dir", tmp_path / long, catch=True)
    assert result.exit_code == 1, result.output
    assert "文件名或路径过长" in result.output and "意外错误" not in result.output


def test_usage_errors_and_interrupts_exit_with_their_codes(tmp_path):
    assert _cli("build").returncode == 2
    assert _cli("check", str(Path(tmp_path) / "none.yaml")).returncode == 1


def test_a_pdf_that_fails_after_the_docx_says_the_docx_was_written(tmp_path, monkeypatch):
    from reportgen import rendering
    from reportgen.diagnostics import OutputError

    def full_disk(*args):
        raise OutputError("写入失败：磁盘已满（原文件未改动）")

    monkeypatch.setattr(rendering, "find_office", lambda: "soffice")
    monkeypatch.setattr(rendering, "convert_to_pdf", full_disk)
    out = tmp_path / "out"
    result = run("build", write_variant(tmp_path), "--out-dir", out, "--pdf")
    assert result.exit_code == 1
    assert f"已生成 {out / (SAMPLE_NAME + '.docx')}，但未能生成 PDF：写入失败：磁盘已满" in result.output
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [SAMPLE_NAME + ".docx"]


# --- the wording of unusual data --------------------------------------------------------------


def test_staffing_without_some_counts_reads_well(tmp_path):
    data = write_variant(
        tmp_path,
        ("存在问题: []", "存在问题: []\n机构人员:\n  内设机构: [综合科, 招商科]\n  在职人数: 18"),
    )
    text = paragraphs(build(data, tmp_path / "out"))
    # No 编制数: the counts that are there, without a dangling "。，".
    assert text[text.index("（二）设置机构及人员情况") + 1] == "我委内设机构2个：综合科、招商科。在职人数18名。"


def test_analysis_of_a_rate_scored_indicator_stays_under_its_dimension(tmp_path):
    data = write_variant(
        tmp_path,
        ("          计分: 预算执行率\n", "          计分: 预算执行率\n          分析: 全年支出进度总体正常。\n"),
    )
    text = paragraphs(build(data, tmp_path / "out"))
    results = text.index("（二）履职效能分析")
    efficiency = text.index("（三）管理效率分析")
    analysed = next(i for i, p in enumerate(text) if "部门预算资金支出率。全年支出进度总体正常。" in p)
    assert results < analysed < efficiency  # under 履职效能, not 管理效率
    assert text[analysed].endswith("预算执行率97.60%，本项目扣0.24分。")
    assert not any("None" in p for p in text)


def test_thousands_of_errors_list_the_first_and_count_them_all(tmp_path):
    # 1,000 repeated keys: 999 errors; the first 200 are listed, the rest counted, the total said.
    data = tmp_path / "重复.yaml"
    data.write_text("年度: 2023\n" + "".join(f"部门: 甲{i}\n" for i in range(1000)), encoding="utf-8")
    result = run("check", data)
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert len([line for line in lines if "错误：部门：键“部门”重复出现" in line]) == 200
    assert f"{data}：……其余 799 条未列出；改正以上各处后再运行一次，可看到其余的" in lines
    assert lines[-1] == f"{data}：发现 999 处错误。"


def test_past_the_listed_messages_an_error_is_not_pushed_out_by_warnings():
    from reportgen.batch import MAX_SHOWN_DIAGNOSTICS, failure_lines
    from reportgen.diagnostics import InvalidInput, error, warning

    # 300 warnings above one error in the file: the error is listed, the warnings fill the rest.
    found = [warning(f"警告{i}") for i in range(300)] + [error("最后的错误")]
    lines = [text for text, _ in failure_lines(Path("数据.yaml"), InvalidInput(found))]
    assert any("最后的错误" in line for line in lines)
    assert sum("警告" in line for line in lines) == MAX_SHOWN_DIAGNOSTICS - 1
    assert lines[-1] == "数据.yaml：发现 1 处错误，未生成报告。"
