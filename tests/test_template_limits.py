"""A template set is a program: what it builds is bounded in size, not only its
arguments.  Each of these is small to write and huge (or endless) to run; each
ends at once with a Chinese message naming the template and its line, and
``check`` says so exactly as ``build`` would."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import paragraphs, refused, run, write_variant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen import wording
from reportgen.diagnostics import InvalidInput
from reportgen.sandbox import MAX_OUTPUT_CHARS


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
        ("{{ '%*s' % (1000000000, 'x') }}", "格式中的宽度不能取自参数"),
        ("{{ '%9999999s' % 'x' }}", "格式中的宽度过大"),
        # Widths count, each field's (hd-findings T1, T2), and a Decimal counts in full digits.
        ("{{ '{0:{1}}'.format('x', '999999999') }}", "格式中的宽度不能取自参数"),
        ("{{ ('{0:99999}' * 20000).format('x') }}", _LONG),
        ("{{ ('%(a)99999s' * 30) % {'a': 'x'} }}", _LONG),
        ("{{ ('%99999s' * 30) | format(*(['x'] * 30)) }}", _LONG),
        # A number grown by arithmetic step by step is refused once past about 4,000 digits:
        # int() of it would be quadratic inside C, where no clock interrupts (T8).
        (
            "{% set ns = namespace(d=收支.决算) %}{% for i in range(30) %}{% set ns.d = ns.d * ns.d %}{% endfor %}"
            "{{ ns.d | int }}",
            "数值过大",
        ),
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
    refused(write_variant(tmp_path), "模板中不能用过滤器“random”", options=("--templates", templates))
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


#: A text the layout sets on one line (two for a caption), as a template writes it; its
#: room in the default 版心 (28 characters a line, GB/T 9704 5.2.3).
_ONE_LINE = {
    "attachment": ("{{.attachment}}\n{text}\n\n正文\n", "附件标识", 28, "一行"),
    "unit": ("{{.unit}}\n{text}\n\n| 问题 |\n|--|\n| 甲 |\n", "表格单位", 28, "一行"),
    "caption": ("{{.caption}}\n{text}\n\n| 问题 |\n|--|\n| 甲 |\n", "表题", 56, "两行"),
}


@pytest.mark.parametrize("kind", list(_ONE_LINE))
def test_a_line_longer_than_the_layout_holds_is_refused_at_its_template_line(tmp_path, kind):
    """check refuses it as build would, with the range; the longest that fits builds."""
    body, what, room, lines = _ONE_LINE[kind]
    data = write_variant(tmp_path)
    too_long = _template(tmp_path, "前文\n\n" + body.format(text="附" * (room + 1)))
    for command, where in (("check", ()), ("build", ("--out-dir", tmp_path / "out"))):
        result = run(command, data, "--templates", too_long, *where)
        assert result.exit_code == 1, result.output
        assert "problems.md.j2:4 错误：模板输出的第 " in result.output
        assert f"{what}过长：{room + 1} 个字（最多 {room} 个字，须在{lines}之内）" in result.output
    assert not (tmp_path / "out").exists()
    fits = _template(tmp_path / "fits", "前文\n\n" + body.format(text="附" * room))
    assert run("check", data, "--templates", fits).exit_code == 0
    result = run("build", data, "--templates", fits, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (report,) = (tmp_path / "out").glob("*.docx")
    assert "附" * room in paragraphs(report)


def test_the_room_of_a_line_follows_the_margins(tmp_path):
    """Margins of 60 mm leave 90 mm: 16 characters of 3号 text (5.64 mm each, condensed)."""
    data = write_variant(tmp_path, ("存在问题: []", "存在问题: []\n版式:\n  页边距: {左: 60, 右: 60}"))
    templates = _template(tmp_path, "前文\n\n{.attachment}\n附件" + "一" * 15 + "\n\n正文\n")
    refused(data, "附件标识过长：17 个字（最多 16 个字，须在一行之内）", options=("--templates", templates))


def test_an_attachment_named_longer_than_a_title_can_be_is_refused(tmp_path):
    """The 附件说明 names an attachment by its title (GB/T 9704 8): at most 200 characters after its number."""
    templates = _template(tmp_path, "前文\n\n{.attachments}\n附件：1." + "表" * 200 + "\n2." + "表" * 201 + "\n")
    result = refused(
        write_variant(tmp_path),
        "problems.md.j2:5 错误：",
        "附件说明中的名称过长：201 个字（与附件的标题相同，最多 200 个字）",
        options=("--templates", templates),
    )
    assert "意外错误" not in result.output


_EMPTY_TABLE = "前文\n\n{.caption}\n表1 问题清单\n\n| 问题 | 原因 |\n|--|--|\n{% for 问题 in 存在问题 %}\n| {{ 问题 }} | — |\n{% endfor %}\n\n后文\n"


def test_a_table_without_rows_is_a_warning_at_its_template_line(tmp_path):
    """The sample has no 存在问题: the loop writes no row, and the clerk is told, at check and build alike."""
    templates = _template(tmp_path, _EMPTY_TABLE)
    data = write_variant(tmp_path)
    said = "problems.md.j2:6 警告：模板输出的第 "
    table = "表格“表1 问题清单”只有表头，没有数据行，报告中会是一张空表"
    checked = run("check", data, "--templates", templates)
    assert checked.exit_code == 0, checked.output
    assert said in checked.output and table in checked.output
    assert "数据可以生成报告，但有 1 处警告" in checked.output
    built = run("build", data, "--templates", templates, "--out-dir", tmp_path / "out")
    assert built.exit_code == 0 and said in built.output and table in built.output, built.output
    strict = run("check", "--strict", data, "--templates", templates)
    assert strict.exit_code == 1 and "problems.md.j2:6 错误：" in strict.output and table in strict.output
    # With a problem listed the table has a row, and nothing is said.
    listed = write_variant(tmp_path, ("存在问题: []", "存在问题: [制度不健全]"), name="listed.yaml")
    result = run("check", listed, "--templates", templates)
    assert result.exit_code == 0 and "只有表头" not in result.output, result.output


def test_a_table_without_rows_or_caption_is_named_by_its_headings(tmp_path):
    templates = _template(tmp_path, "前文\n\n| 序号 | 项目名称 |\n|--|--|\n")
    result = run("check", write_variant(tmp_path), "--templates", templates)
    assert "problems.md.j2:3 警告：" in result.output and "表格“序号、项目名称”只有表头" in result.output


@pytest.mark.parametrize(
    "nested",
    [
        "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
        "{% if true %}" * 300 + "正文" + "{% endif %}" * 300,
        "{{ " + "-" * 3000 + "1 }}",
        "{{ " + "[" * 3000 + "]" * 3000 + " }}",
    ],
    ids=["brackets", "blocks", "unary minus", "lists"],
)
def test_a_template_nested_past_what_jinja_parses_is_a_syntax_error_at_its_line(tmp_path, nested):
    """Jinja's parser recurses once a level: thousands of levels are a message, not a RecursionError."""
    templates = _template(tmp_path, f"前文\n\n{nested}\n")
    for command, where in (("check", ()), ("build", ("--out-dir", tmp_path / "out"))):
        result = run(command, write_variant(tmp_path), "--templates", templates, *where)
        assert result.exit_code == 1, result.output
        assert (
            "problems.md.j2:3 错误：模板语法错误：括号或 for、if 等嵌套过深，或一个表达式过长，无法编译"
            in result.output
        )
        assert "意外错误" not in result.output


@pytest.mark.parametrize(
    ("name", "body", "line"),
    [
        ("sections/problems.md.j2", "前文\n\n正文\x1f内容\n", 3),
        ("sections/problems.md.j2", '前文\n\n{{ "甲\\x01乙" }}\n', 3),
        ("title.j2", "{{ 年度 }}年度\x0b自评报告\n", 1),
    ],
    ids=["pasted into the text", "written by an expression", "in the title"],
)
def test_a_control_character_a_template_writes_is_refused_at_its_line(tmp_path, name, body, line):
    """A .docx cannot hold it: check refuses it at the template line instead of build failing in the XML writer."""
    templates = _template(tmp_path, body, name=name)
    for command, where in (("check", ()), ("build", ("--out-dir", tmp_path / "out"))):
        result = run(command, write_variant(tmp_path), "--templates", templates, *where)
        assert result.exit_code == 1, result.output
        assert f"{Path(name).name}:{line} 错误：模板写出了 Word 文件中不能有的控制字符 U+00" in result.output
        assert "意外错误" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # Each builds what neither its value nor its arguments show (hd-findings T2b, T3, T4, T8).
        ("{{ ('a' * 100000).translate({97: 'b' * 100000}) }}", "模板中不能调用文字的方法 translate，可用的有："),
        ("{{ (('x' * 100000).encode() * 15000) | length }}", "模板中不能调用文字的方法 encode"),
        ("{{ '7'.zfill(100000) }}", "模板中不能调用文字的方法 zfill"),
        ("{{ (收支.决算.scaleb(99999) | int) % 7 }}", "模板中不能调用数的方法 scaleb，数没有可调用的方法"),
        ("{{ (2).to_bytes(100000, 'big') | length }}", "模板中不能调用数的方法 to_bytes"),
        # Each list copied into the next: quadratic inside C's sum(), seconds no clock interrupts.
        ("{{ ([[1] * 8] * 80000) | sum(start=[]) | length }}", "过滤器 sum 只能把数相加"),
    ],
)
def test_methods_whose_results_no_measure_bounds_are_not_offered(tmp_path, body, message):
    templates = _template(tmp_path, f"前文\n\n{body}\n")
    result = refused(
        write_variant(tmp_path), "problems.md.j2:3 错误：模板运行出错：", message, options=("--templates", templates)
    )
    assert "意外错误" not in result.output


@pytest.mark.parametrize(
    ("body", "name"),
    [
        # Its indent multiplies every line (T5); a regular expression quadratic inside C (T7).
        ("{{ range(10000) | list | tojson(indent=99999) }}", "tojson"),
        ("{{ ((')' * 40000) ~ 'x)') | urlize }}", "urlize"),
        ("{{ ('<' * 100000) | striptags }}", "striptags"),
        ("{{ 部门 | pprint }}", "pprint"),
    ],
)
def test_filters_whose_cost_no_measure_bounds_are_not_offered(tmp_path, body, name):
    templates = _template(tmp_path, f"前文\n\n{body}\n")
    started = time.monotonic()
    refused(
        write_variant(tmp_path),
        f"problems.md.j2:3 错误：模板语法错误：模板中不能用过滤器“{name}”（报告用不到，或它的用时、结果的大小无法限制）",
        options=("--templates", templates),
    )
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "chain",
    [
        "{{ 1" + "+1" * 1000 + " }}",
        "{{ 1" + "|abs" * 3000 + " }}",
        "{{ 部门" + ".x" * 3000 + " }}",
        "{{ 部门" + "[0]" * 3000 + " }}",
        "{{ 1" + " and 1" * 3000 + " }}",
        "{{ range(1)" + "(1)" * 3000 + " }}",
        "{% set x = 1" + "+1" * 3000 + " %}",
    ],
    ids=["sum", "filters", "attributes", "items", "and", "calls", "set"],
)
def test_an_expression_chained_past_what_jinja_walks_is_a_syntax_error_at_its_line(tmp_path, chain):
    """A chain of a thousand steps is a tree a thousand deep: said at its line, first
    while the templates others include are listed (hd-findings T6), not a RecursionError."""
    templates = _template(tmp_path, f"前文\n\n{chain}\n")
    result = refused(
        write_variant(tmp_path),
        "problems.md.j2:3 错误：模板语法错误：括号或 for、if 等嵌套过深，或一个表达式过长，无法编译；"
        "请减少嵌套的层数，或用 {% set %} 分几步写",
        options=("--templates", templates),
    )
    assert "意外错误" not in result.output and "RecursionError" not in result.output


#: What one step of a template may do to a text, list or number (a placeholder ``{}``
#: for another expression): repeating, joining, replacing, widening, formatting.
_STEPS = [
    "({} ~ {})",
    "({} + {})",
    "({} * 1000)",
    "({} * 100000)",
    "({} ** 3)",
    "({} | list)",
    "({} | join({}))",
    '({} | replace("x", {}))',
    '({} | string).replace("x", {})',
    "({} | indent(100000))",
    "({} | string | center(100000))",
    "({} | string | wordwrap(1))",
    "({} | string).split()",
    '("{{0:99999}}" * {}).format({})',
    '("%99999s" * {}) | format({})',
    '"{{0}}{{1}}".format({}, {})',
    "[{}, {}]",
    "({} | string | upper)",
    "({} | sum(start=[]))",
    "({} * {})",
    "({} | int)",
    '("%s" % {})',
    '("{{:.99999f}}".format({}))',
    "({} | batch(3, {}))",
]
_ATOMS = st.sampled_from(['"x"', '("x" * 100000)', "[1, 2]", "12345", "(2 ** 64)", "3", "决算"])
_EXPRESSIONS = st.recursive(
    _ATOMS,
    # str.format leaves out the second expression where a step takes one.
    lambda inner: st.tuples(st.sampled_from(_STEPS), inner, inner).map(lambda t: t[0].format(t[1], t[2])),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expression=_EXPRESSIONS)
def test_any_chain_of_steps_ends_within_the_limits(tmp_path, expression):
    """Whatever the steps, rendering ends in seconds and without gigabytes: with the
    text (at most the report's limit), or with a message at the template's line."""
    folder = tmp_path / str(hash(expression))
    folder.mkdir(exist_ok=True)
    (folder / "t.j2").write_text(f"前文\n{{{{ ({expression}) | string | length }}}}\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        text, _ = wording._render("t.j2", {"决算": Decimal("1028.77")}, (folder,))
    except InvalidInput as exc:
        (said,) = exc.diagnostics
        assert said.file.endswith("t.j2") and said.line == 2, said
        assert said.message.startswith(("模板运行超出限制：", "模板运行出错：")), said.message
    else:
        assert int(text.split("\n")[1]) <= MAX_OUTPUT_CHARS
    assert time.monotonic() - started < 15
    # ru_maxrss is in kilobytes: what this example made the process grow by at its peak.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 400_000


#: The red team's templates (hd-findings), each of which took gigabytes or a minute.
_REPRODUCERS = {
    "T1": ("{{ '{0:{1}}'.format('x', '999999999') | length }}", "格式中的宽度不能取自参数"),
    "T2": ("{{ ('{0:99999}' * 20000).format('x') | length }}", _LONG),
    "T2b": ("{% set d = 收支.决算" + ".scaleb(99999)" * 10 + " %}{{ ('{0:f}' * 3000).format(d) | length }}", "scaleb"),
    "T3": ("{{ ('a' * 100000).translate({97: 'b' * 100000}) }}", "translate"),
    "T4": ("{{ (('x' * 100000).encode() * 15000) | length }}", "encode"),
    "T4-hex": (
        "{% set ns = namespace(s='x' * 100000) %}{% for i in range(13) %}{% set ns.s = ns.s.encode().hex() %}"
        "{% endfor %}{{ ns.s | length }}",
        "encode",
    ),
    "T5": ("{{ (range(10000) | list | tojson(indent=99999)) | length }}", "tojson"),
    "T7": ("{{ ((')' * 40000) ~ 'x)') | urlize | length }}", "urlize"),
    "T8": ("{% set d = 收支.决算" + ".scaleb(99999)" * 10 + " %}{{ (d | int) % 7 }}", "scaleb"),
}

#: Runs check on each (data, templates) given, in a process of at most 1.5 GB of address space.
_LIMITED = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
from click.testing import CliRunner
from reportgen.cli import main
results = []
for data, templates in json.loads(sys.argv[1]):
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", data, "--templates", templates])
    results.append((result.exit_code, result.output, time.monotonic() - started))
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory) -> dict[str, tuple[int, str, float]]:
    """Each reproducer's exit code, output and seconds, run in one address-space-limited process."""
    root = tmp_path_factory.mktemp("reproducers")
    data = write_variant(root)
    cases = [[str(data), str(_template(root / name, f"前文\n\n{body}\n"))] for name, (body, _) in _REPRODUCERS.items()]
    child = subprocess.run(
        [sys.executable, "-c", _LIMITED, json.dumps(cases)], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 0, child.stderr
    return dict(zip(_REPRODUCERS, json.loads(child.stdout)))


@pytest.mark.parametrize("name", list(_REPRODUCERS))
def test_the_red_teams_templates_end_at_once_within_bounded_memory(reproduced, name):
    exit_code, output, seconds = reproduced[name]
    assert exit_code == 1, output
    assert "problems.md.j2:3 错误：" in output and _REPRODUCERS[name][1] in output, output
    assert "意外错误" not in output and "内存不足" not in output and "Traceback" not in output
    assert seconds < 15


def test_memory_running_out_is_said_as_such_at_the_template_line(tmp_path, monkeypatch):
    """Not as a template nested too deeply to compile: the template compiled, a value was too large."""
    folder = _template(tmp_path, "前文\n{{ 'x' | upper }}\n", name="t.j2")

    def exhausted(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setitem(wording.environment((folder,)).filters, "upper", exhausted)
    with pytest.raises(InvalidInput) as refusal:
        wording._render("t.j2", {}, (folder,))
    (said,) = refusal.value.diagnostics
    assert (Path(said.file).name, said.line) == ("t.j2", 2)
    assert said.message == "模板运行超出限制：生成的值过大，内存不足"


def test_the_methods_and_filters_a_report_needs_are_offered(tmp_path):
    body = (
        "{% set xs = ' 甲, 乙 '.split(',') %}{% do xs.append('丙') %}"
        "{{ xs | map('trim') | join('、') }}；{{ '第{}项'.format(2) }}；{{ '%s年' % 2024 }}；"
        "{{ {'a': 1}.get('a') }}{{ {'b': 2}.items() | list | length }}；{{ [3, 1, 2] | sort | sum }}；"
        "{{ '项目'.startswith('项') }}\n"
    )
    folder = _template(tmp_path, body, name="t.j2")
    text, _ = wording._render("t.j2", {}, (folder,))
    assert wording._plain(text) == "甲、乙、丙；第2项；2024年；11；6；True\n"


def test_a_list_nested_ten_thousand_deep_is_said_as_nesting(tmp_path):
    """Writing it out recurses inside Python once a level: a message at its line, with lists named."""
    body = "{% set ns = namespace(x=1) %}{% for i in range(10000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}"
    templates = _template(tmp_path, f"前文\n\n{body}\n")
    refused(
        write_variant(tmp_path),
        "problems.md.j2:3 错误：模板运行出错：",
        "或列表、字典一层套一层过深",
        options=("--templates", templates),
    )
