"""Hostile text values anywhere text goes: the contract holds for check and build
alike (exit 0 or 1, a Chinese message, no traceback, nothing half-written), in
bounded time, and whenever check says the data is fine, build succeeds."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from conftest import run, sample_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: Where a value is put: (the line of the sample it replaces, how the new line starts).
PLACES = [
    (
        "  评价: 从预算支出情况来看，我委较好的完成了履行职能职责和各项重点工作任务，整体支出和项目绩效情况较为理想。",
        "  评价: ",
    ),
    ("  - 承办番禺区委、区政府交办的其他事项。", "  - "),
    ("自称: 我委", "自称: "),
    ("部门: 广州番禺经济技术开发区管理委员会", "部门: "),
    ("    - 名称: 办公用房经费", "    - 名称: "),
    ("          扣分原因: 缺乏明确绩效要求、科室分工的制度", "          扣分原因: "),
]

TEMPLATE_SYNTAX = st.sampled_from(
    [
        "{{ 1/0 }}",
        "{{ 收支 }}",
        "{% for i in range(9**9) %}x{% endfor %}",
        "{{ 9**(9**10) }}",
        "{#",
        "}}",
        "{{",
        "{% raw %}",
        "{{ 收支.项目[9].执行率 | percent }}",
        "{{ 收支.执行率 | percent }}",
        "{{''.__class__}}",
        "# 标题",
        "1. 条目",
        "| a | b |",
        "[x]{.runin}",
        "{.title}",
        "\\",
        "*强调*",
        "`code`",
        "<b>",
    ]
)
CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from(
    ["\u2028", "\u2029", "\x85", "\ufeff", "\x7f"]
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
LONG = st.integers(5_000, 12_000).map(lambda n: "长" * n)
VALUE = st.lists(st.one_of(TEXT, TEMPLATE_SYNTAX, CONTROL.map(str), LONG), min_size=1, max_size=4).map("".join)
#: Values written without quotes: YAML structure itself (deep nesting, anchors, flow collections).
RAW = st.sampled_from(
    [
        "[" * 60 + "]" * 60,
        "{a: " * 50 + "1" + "}" * 50,
        "&a [*a]",
        "!!python/object:os.system x",
        "*undefined",
        "|",
        ">-",
        "? x",
        "[]",
        "{}",
        "~",
        "'",
        '"',
        "- - -",
        "0x1F",
        "1e400",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(place=st.sampled_from(PLACES), value=VALUE, quoted=st.booleans(), raw=st.none() | RAW)
def test_hostile_values_keep_the_contract(place, value, quoted, raw):
    line, start = place
    text = sample_text()
    assert text.count(line) == 1
    written = raw if raw is not None else (json.dumps(value, ensure_ascii=False) if quoted else value)
    text = text.replace(line, start + written)
    work = Path(tempfile.mkdtemp())
    try:
        data = work / "2023.yaml"
        data.write_text(text, encoding="utf-8", errors="surrogatepass")
        checked = run("check", data, catch=True)
        out = work / "out"
        built = run("build", data, "--out-dir", out, catch=True)
        for result in (checked, built):
            assert result.exit_code in (0, 1), result.output
            assert isinstance(result.exception, SystemExit | None), repr(result.exception)
            assert "Traceback" not in result.output and "意外错误" not in result.output, result.output
        if checked.exit_code == 0:
            assert built.exit_code == 0, built.output  # check passing means build succeeds
            assert len(list(out.glob("*.docx"))) == 1
        else:
            assert built.exit_code == 1
            assert not out.exists() or not list(out.glob("*.docx"))
    finally:
        shutil.rmtree(work)
