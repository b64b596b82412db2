"""Hostile template sets: a folder given to --templates is a program and a set of files
a clerk (or a colleague) wrote, and may hold anything.  Generated folders, each with
an outline.yaml of random or hostile values, templates of random Jinja2 fragments and
markup markers, links out of the folder, huge, binary and special files: check and
build keep the contract (exit 0 or 1, a Chinese message, never a traceback nor the
internal-error message, bounded time), and whenever check says the data is fine,
build writes the report; when check refuses, build writes nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from conftest import ROOT, SAMPLE, run
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reportgen import pipeline

#: One command on a generated folder may take this long (a template runs for 10 s at most,
#: and no fragment below loops that long).
BOUND = 15

#: Data of both built-in outlines (广东's sample, 财政部's example with its project forms).
DATA = [SAMPLE, ROOT / "data" / "examples" / "2023-财政部提纲.yaml"]

#: Where a template set's files go: the names the outlines look up, and some they do not.
PLACES = [
    "report.md.j2",
    "title.j2",
    "filename.j2",
    "sections/problems.md.j2",
    "sections/duties.md.j2",
    "sections/closing.md.j2",
    "attachments/budget.md.j2",
    "attachments/extra.md.j2",
    "forms/project.md.j2",
    "section/problems.md.j2",
]

JINJA = st.sampled_from(
    [
        "{{ 部门 }}",
        "{{ 年度 }}",
        "{{ 收支.执行率 | percent }}",
        "{{ 收支.项目[0].名称 }}",
        "{{ 收支.项目[99].名称 }}",
        "{{ 机构人员 }}",
        "{{ 1/0 }}",
        "{{ 9**(9**9) }}",
        "{{ 1.5 }}",
        "{{ 收支 | float }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ 部门 | random }}",
        "{{ (['x' * 100000] * 100000) | join }}",
        "{% for i in range(9**9) %}x{% endfor %}",
        "{% for p in 收支.项目 %}| {{ p.名称 }} | {{ p.决算 | money }} |\n{% endfor %}",
        "{% include '../../etc/passwd' %}",
        "{% include 'sections/problems.md.j2' %}",
        "{% include 'report.md.j2' %}",
        "{% include 附件模板['收支情况表'] %}",
        "{% extends 'nothing.j2' %}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "{% set ns = namespace(s='x') %}{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        "{% if %}",
        "{% endfor %}",
        "{{",
        "}}",
        "{#",
        "{% raw %}",
        "{%- if true -%}",
        "{{ " + "(" * 500 + "1" + ")" * 500 + " }}",
        "{% for i in [1] %}" * 30 + "x" + "{% endfor %}" * 30,
    ]
)
MARKUP = st.sampled_from(
    [
        "{.title}",
        "{.title .landscape}",
        "{.attachment}",
        "{.attachments}",
        "{.signature}",
        "{.signature .sealed}",
        "{.unit}",
        "{.caption}",
        "{.cover}",
        "{.cover .center}",
        "{.pagebreak}",
        "{.continued}",
        '{widths="1 2"}',
        '{widths="0 -1 x"}',
        "{header=2}",
        "{header=99}",
        "# 标题",
        "##### 五级标题",
        "1. 条目",
        "- 无序",
        "> 引用",
        "---",
        "| 甲 | 乙 |\n|--|--|\n| 1 | 2 |",
        "| 甲 | 乙 |\n|--|--|",
        "| 甲 |\n|--|\n| 1 | 2 | 3 |",
        "| []{.merged} |\n|--|\n| x |",
        "| []{.joined} | x |\n|--|--|",
        "[小标题。]{.runin}正文",
        "附件：1." + "表" * 250,
        "附" * 400,
        "",
        "\u3000",
    ]
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
#: Plain text and data most often, so that many folders get as far as the typesetter.
BENIGN = st.sampled_from(["正文。", "{{ 部门 }}的情况。", "{{ 收支.决算 | money }}万元。", "", "# 标题", "## 小标题"])
LINE = st.one_of(BENIGN, BENIGN, BENIGN, JINJA, MARKUP, TEXT)
TEMPLATE = st.lists(LINE, max_size=8).map("\n\n".join)

#: What outline.yaml may say: keys it knows with odd values, and keys it does not.
OUTLINE_VALUE = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "广东",
            "财政部",
            "湖南",
            "[部门职能, 绩效目标]",
            "[不存在的节]",
            "{收支情况表: attachments/budget.md.j2}",
            "{甲表: ../../etc/passwd}",
            "{甲表: /etc/passwd}",
            "{甲表: attachments/extra.md.j2}",
            "{文号: {类型: 文字, 必填: 是}}",
            "{文号: {类型: 未知}}",
            "{部门: {类型: 文字}}",
            "{评分标准: {类型: 文字, 必填: 是}}",
            "{预算调整率: {比率: 预算调整率, 满分线: ≤5%, 每个百分点扣: 0.5}}",
            "['{1}、', '（{1}）']",
            "['# {1}']",
            "&a [*a]",
            "[" * 50 + "]" * 50,
            "!!python/object:os.system x",
            "|",
            "~",
            "1e400",
        ]
    ),
)
OUTLINE_KEYS = st.sampled_from(["名称", "继承", "说明", "必填", "附件", "字段", "指标字段", "评分规则", "编号", "未知"])
OUTLINE = st.one_of(
    st.lists(st.tuples(OUTLINE_KEYS, OUTLINE_VALUE), max_size=5).map(
        lambda pairs: "".join(f"{key}: {value}\n" for key, value in pairs)
    ),
    TEXT,
    st.binary(max_size=64).map(lambda raw: raw.decode("latin-1")),
)
#: Files no template set should hold, put where a template or outline.yaml would be read.
SPECIAL = st.sampled_from(["link out", "huge", "binary", "fifo", "directory", "gbk", "empty"])


def _body(docx: Path) -> str:
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml").decode("utf-8")


def _special(path: Path, kind: str, outside: Path) -> None:
    if kind == "link out":
        secret = outside / f"secret-{path.name}"
        secret.write_text("{{ 部门 }}机密内容\n", encoding="utf-8")
        path.symlink_to(secret)
    elif kind == "huge":
        with path.open("wb") as file:
            file.truncate(3 * 1024 * 1024)
    elif kind == "binary":
        path.write_bytes(os.urandom(512))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "gbk":
        path.write_bytes("{{ 部门 }}的问题\n".encode("gb18030"))
    else:
        path.write_bytes(b"")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    outline=st.none() | st.none() | OUTLINE,
    templates=st.dictionaries(st.sampled_from(PLACES), TEMPLATE, max_size=4),
    specials=st.dictionaries(st.sampled_from(["outline.yaml", *PLACES]), SPECIAL, max_size=2) | st.just({}),
    source=st.sampled_from(DATA),
)
def test_hostile_template_sets_keep_the_contract(outline, templates, specials, source):
    work = Path(tempfile.mkdtemp())
    try:
        folder = work / "t"
        folder.mkdir()
        if outline is not None:
            (folder / "outline.yaml").write_text(outline, encoding="utf-8", errors="surrogatepass")
        for place, body in templates.items():
            (folder / place).parent.mkdir(parents=True, exist_ok=True)
            (folder / place).write_text(body, encoding="utf-8", errors="surrogatepass")
        for place, kind in specials.items():
            path = folder / place
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                path.unlink()
            _special(path, kind, work)
        data = work / "2023.yaml"
        shutil.copyfile(source, data)
        out = work / "out"
        results = []
        for command, where in (("check", ()), ("build", ("--out-dir", out))):
            started = time.monotonic()
            result = run(command, data, "--templates", folder, *where, catch=True)
            assert time.monotonic() - started < BOUND, (command, result.output)
            results.append(result)
        checked, built = results
        event(f"check exit {checked.exit_code}")
        for result in results:
            assert result.exit_code in (0, 1), result.output
            assert isinstance(result.exception, SystemExit | None), repr(result.exception)
            assert "Traceback" not in result.output and "意外错误" not in result.output, result.output
            assert "机密内容" not in result.output
        if checked.exit_code == 0:
            assert built.exit_code == 0, built.output  # check passing means build succeeds
            written = list(out.glob("*.docx"))  # the report, and 财政部's project forms
            assert written and all("机密内容" not in _body(docx) for docx in written)
        else:
            assert built.exit_code == 1, built.output
            assert "错误" in checked.output
            assert not out.exists() or not list(out.glob("*.docx"))
    finally:
        pipeline.forget_templates()
        shutil.rmtree(work)
