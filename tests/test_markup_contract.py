"""What ``check`` accepts with a user's template set, ``build`` lays out: a markup
block the typesetter cannot set is refused by both, at the template's line, and
nothing is written."""

from __future__ import annotations

import docx
import pytest
from conftest import ROOT, SAMPLE, SAMPLE_NAME, paragraphs, run

CLOSING = ROOT / "templates" / "common" / "sections" / "closing.md.j2"
SIGNATURE = (
    "{% if 落款 %}\n{.signature{% if 落款.盖章 %} .sealed{% endif %}}\n{{ 落款.单位 }}\n{{ 落款.日期 | cn_date }}\n"
)
AFTER_SIGNATURE = "{% if 落款 %}"
TEMPLATE = "sections/closing.md.j2"


def _templates(tmp_path, old: str, new: str):
    text = CLOSING.read_text(encoding="utf-8")
    assert text.count(old) == 1
    folder = tmp_path / "t"
    (folder / "sections").mkdir(parents=True)
    (folder / TEMPLATE).write_text(text.replace(old, new), encoding="utf-8")
    return folder


REFUSED = [
    ("signature-then-nothing", SIGNATURE, "{% if true %}\n{.signature}\n", "标记 {.signature} 的下一行是空的"),
    ("signature-then-spaces", SIGNATURE, "{% if true %}\n{.signature}\n   \n", "标记 {.signature} 的下一行是空的"),
    (
        "signature-then-full-width-spaces",
        SIGNATURE,
        "{% if true %}\n{.signature}\n\u3000\u3000\n",
        "标记 {.signature} 的下一行是空的",
    ),
    (
        "row-wider-than-header",
        AFTER_SIGNATURE,
        "| 项目 | 金额 |\n|---|---|\n| 甲 | 1 | 多出 |\n\n{% if 落款 %}",
        "表格第 2 行有 3 个单元格，多于第 1 行的 2 个",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_check_and_build_refuse_at_the_template_line(tmp_path, old, new, message):
    templates = _templates(tmp_path, old, new)
    for command in (("check",), ("build", "--out-dir", tmp_path / "out")):
        result = run(command[0], "--templates", templates, SAMPLE, *command[1:], catch=True)
        assert result.exit_code == 1, result.output
        assert f"{templates / TEMPLATE}:1" in result.output and message in result.output, result.output
        assert "Traceback" not in result.output and "内部错误" not in result.output
    assert not (tmp_path / "out").exists()


LAID_OUT = [
    ("one-line-signature", SIGNATURE, "{% if true %}\n{.signature}\n某某局\n", "某某局"),
    # The longest label one line of the 版心 holds (28 characters); a longer one is refused
    # (test_template_limits.test_a_line_longer_than_the_layout_holds_is_refused_at_its_template_line).
    (
        "longest-attachment-label",
        "附件{{ 编号前缀 }}{{ loop.index }}\n",
        "附件{{ 编号前缀 }}{{ loop.index }}" + "长" * 23 + "\n",
        "附件2-1" + "长" * 23,
    ),
    ("empty-table", AFTER_SIGNATURE, "空表之前\n\n| |\n|-|\n\n{% if 落款 %}", "空表之前"),
]


@pytest.mark.parametrize(("old", "new", "shown"), [c[1:] for c in LAID_OUT], ids=[c[0] for c in LAID_OUT])
def test_what_check_accepts_build_lays_out(tmp_path, old, new, shown):
    templates = _templates(tmp_path, old, new)
    checked = run("check", "--templates", templates, SAMPLE, catch=True)
    assert checked.exit_code == 0, checked.output
    built = run("build", "--templates", templates, SAMPLE, "--out-dir", tmp_path / "out", catch=True)
    assert built.exit_code == 0, built.output
    report = tmp_path / "out" / f"{SAMPLE_NAME}.docx"
    assert shown in paragraphs(report)
    docx.Document(str(report))  # a package Word opens


def test_lines_under_a_table_must_follow_one(tmp_path):
    # {.notes} lines belong to the table above them (kept on the page of its last rows): after a
    # paragraph there is no table to keep them with, and both commands say so at the template line.
    templates = _templates(tmp_path, AFTER_SIGNATURE, "{.notes}\n填报人：某某\n\n{% if 落款 %}")
    for command in (("check",), ("build", "--out-dir", tmp_path / "out")):
        result = run(command[0], "--templates", templates, SAMPLE, *command[1:], catch=True)
        assert result.exit_code == 1, result.output
        assert f"{templates / TEMPLATE}:1" in result.output and "{.notes} 的各行须紧接在表格之后" in result.output
    assert not (tmp_path / "out").exists()
