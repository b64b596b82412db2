"""A template set is a program: what it builds is bounded in size, not only its
arguments.  Each of these is small to write and huge (or endless) to run; each
ends at once with a Chinese message naming the template and its line, and
``check`` says so exactly as ``build`` would."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import paragraphs, refused, run, write_variant


def _template(tmp_path: Path, body: str, name: str = "sections/problems.md.j2") -> Path:
    folder = tmp_path / "t"
    (folder / Path(name).parent).mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


_LONG = "生成的文字或列表过长（最多 2000000 个字符）"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # Each argument is allowed; the result would be ten gigabytes.
        ('{{ (["x" * 100000] * 100000) | join }}', _LONG),
        ('{{ ["x" * 100000] * 100000 }}', _LONG),
        ('{{ ("x" * 100000) | replace("x", "y" * 1000) }}', _LONG),
        ('{{ ("x" * 100000).replace("x", "y" * 1000) }}', _LONG),
        ('{{ ("\\n" * 100000) | indent(100000) }}', _LONG),
        ('{{ ("{0}" * 50000).format("x" * 100000) }}', _LONG),
        ('{{ ("%s" * 50000) % ("x" * 100000) }}', _LONG),
        ('{{ "、".join(["x" * 100000] * 100) }}', _LONG),
        # A lazy sequence is measured as it is built, not once joined (a gigabyte of centred letters).
        ('{{ ("ab" * 50000) | list | map("center", 10000) | join }}', _LONG),
        ('{{ "".join(("ab" * 50000) | list | map("center", 10000)) }}', _LONG),
        ('{{ ("\\t" * 100000).expandtabs(100000) }}', _LONG),
        # Doubling in a loop: each step is measured before it is made.
        (
            '{% set ns = namespace(s="x" * 100000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
            _LONG,
        ),
        (
            '{% set ns = namespace(s="x" * 100000) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
            _LONG,
        ),
        ("{% set xs = [1] %}{% for i in range(40) %}{% do xs.extend(xs) %}{% endfor %}", "列表或字典最多 100000 项"),
        # Numbers of millions of digits, in one line.
        ("{{ ((2 ** 64) ** 64) ** 64 }}", "乘方的结果过大"),
        # Each product can still be written out: the one past 4,300 digits is refused, not a ValueError.
        ("{% set m = (2 ** 64) ** 64 %}{{ m * m * m * m * m * m * m }}", "乘积过大"),
        (
            "{% set ns = namespace(n=2) %}{% set ns.n = 2 ** 60 %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
            "乘积过大",
        ),
        ("{{ '%*s' % (1000000000, 'x') }}", "格式中的宽度过大"),
    ],
)
def test_results_too_large_are_refused_before_they_are_built(tmp_path, body, message):
    templates = _template(tmp_path, f"前文\n\n{body}\n")
    started = time.monotonic()
    result = refused(
        write_variant(tmp_path),
        "problems.md.j2:3 错误：模板运行超出限制：",
        message,
        options=("--templates", templates),
    )
    assert time.monotonic() - started < 5
    assert "意外错误" not in result.output


def test_loops_nested_past_what_python_compiles_are_a_message(tmp_path):
    depth = 25
    body = "".join(f"{{% for i{n} in [1] %}}" for n in range(depth)) + "x" + "{% endfor %}" * depth
    templates = _template(tmp_path, body + "\n")
    result = refused(write_variant(tmp_path), "嵌套过深", options=("--templates", templates))
    assert "problems.md.j2" in result.output and "意外错误" not in result.output


def test_nothing_random_in_a_template(tmp_path):
    """The same data gives the same report: Jinja's random filter and lipsum are not offered."""
    templates = _template(tmp_path, "{{ 部门职能 | random }}\n")
    refused(write_variant(tmp_path), "没有名为“random”的过滤器", options=("--templates", templates))
    templates = _template(tmp_path, "{{ lipsum(2) }}\n")
    refused(write_variant(tmp_path), "引用了不存在的变量或键“lipsum”", options=("--templates", templates))


def test_sizes_within_the_limits_still_work(tmp_path):
    body = '{{ (["甲"] * 3) | join("、") }}；{{ ("乙" * 2).replace("乙", "丙") }}；{{ 2 ** 10 }}；{{ "a" ~ "b" }}\n'
    templates = _template(tmp_path, body)
    result = run("build", write_variant(tmp_path), "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (report,) = (tmp_path / "out").glob("*.docx")
    assert "甲、甲、甲；丙丙；1024；ab" in paragraphs(report)


@pytest.mark.parametrize("block", ["{.signature}\n   \n", "{.title}\n \n", "{.attachments}\n\n", "| 列 |\n"])
def test_an_empty_or_odd_block_that_check_accepts_builds(tmp_path, block):
    """check passes ⇒ build succeeds, for blocks with nothing (or only spaces) under them."""
    templates = _template(tmp_path, f"正文\n\n{block}")
    data = write_variant(tmp_path)
    checked = run("check", data, "--templates", templates)
    built = run("build", data, "--templates", templates, "--out-dir", tmp_path / "out")
    assert "意外错误" not in checked.output + built.output
    assert checked.exit_code == built.exit_code, (checked.output, built.output)
    if built.exit_code == 0:
        (report,) = (tmp_path / "out").glob("*.docx")
        assert "正文" in paragraphs(report)


@pytest.mark.parametrize(
    ("body", "marker", "line"),
    [
        # The comment's "-#}" eats the line break: the unit marker is joined to the text before.
        ("下表列出各项问题。\n{#- 单位行 -#}\n{.unit}\n单位：万元\n", "{.unit}", 1),
        ('正文{% if true %}\n{%- endif %}{widths="1 2"}\n| 甲 | 乙 |\n|--|--|\n| 1 | 2 |\n', '{widths="1 2"}', 1),
        # The blank line before the marker is eaten by the statement's own line end.
        ("各项得分如下。{% if true %}{% endif %}\n\n{.caption}\n表1 问题清单\n", "{.caption}", 3),
    ],
    ids=["comment", "statement", "blank line eaten"],
)
def test_a_block_marker_joined_to_text_is_refused_at_its_template_line(tmp_path, body, marker, line):
    """Said at the template line, not printed as text in the report."""
    templates = _template(tmp_path, body)
    result = run("check", write_variant(tmp_path), "--templates", templates)
    assert result.exit_code == 1, result.output
    assert f"problems.md.j2:{line} 错误：模板输出的第 " in result.output
    assert f"标记 {marker} 要单独占一行" in result.output or f"标记 {marker} 的上一行要空着" in result.output
    assert run("build", write_variant(tmp_path), "--templates", templates, "--out-dir", tmp_path / "o").exit_code == 1


def test_a_value_the_data_leaves_empty_is_not_printed_as_none(tmp_path):
    """The sample has no 机构人员: writing it out is said at the template line, not printed “None”."""
    templates = _template(tmp_path, "正文\n\n编制情况：{{ 机构人员 }}。\n")
    result = run("check", write_variant(tmp_path), "--templates", templates)
    assert result.exit_code == 1, result.output
    assert "problems.md.j2:3 错误：模板写出了一个数据中没有填写的值，报告里会印成“None”" in result.output
