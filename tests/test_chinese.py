"""Everything reportgen prints is Chinese: help, usage errors, diagnostics, the
batch summary, diff — English only in file names, user data, option and command
names the clerk types, and the names of products (Word, LibreOffice …)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, SAMPLE, run, write_variant

#: Words that may stand in Chinese text: products, formats, and what is typed at the prompt.
ALLOWED = {
    "reportgen",
    # The folder of the data files in the help's examples (data/2024.yaml).
    "data",
    "build",
    "check",
    "diff",
    "init",
    "schema",
    "import",
    "Excel",
    "xlsx",
    "doc",
    "YAML",
    "JSON",
    "Schema",
    "PDF",
    "pdf",
    "docx",
    "yaml",
    "yml",
    "LibreOffice",
    "Word",
    "WPS",
    "VS",
    "Code",
    "GB",
    "git",
    "HEAD",
    "Ctrl",
    "money",
    "percent",
    "score",
    "cn_date",
    "cn_number",
    "enumerate_cn",
    "change",
    "growth",
    "share",
    "ratio",
    "true",
    "false",
    "Tab",
    "GBK",
    "UTF",
    "ANSI",
    "soffice",
    "PATH",
    "apt",
    "get",
    "install",
    "sudo",
    "writer",
    "nogui",
    "fonts",
    "noto",
    "cjk",
    "lxgw",
    "wenkai",
    "Debian",
    "Ubuntu",
    "Windows",
    "libreoffice",
    "org",
    "range",
    "out",
}


def english_words(output: str, *paths) -> list[str]:
    for path in sorted((str(p) for p in paths), key=len, reverse=True):
        output = output.replace(path, "")
    output = re.sub(r"(?<![\w-])--?[a-z][\w-]*", "", output)  # options as typed
    output = re.sub(r"\S+\.(?:yaml|yml|docx|pdf|j2|json)\b", "", output)  # file names
    output = re.sub(r"“[^”]*”", "", output)  # what the clerk typed, quoted back
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]+", output) if w not in ALLOWED]


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("build", "--help"),
        ("check", "--help"),
        ("diff", "--help"),
        ("init", "--help"),
        ("schema", "--help"),
        ("import", "--help"),
        ("build",),
        ("build", "--bogus", "x.yaml"),
        ("nosuch",),
        ("init", "abc", "--from", "x"),
        ("init", "1800", "--from", str(SAMPLE)),
        ("check", "--templates", "/no/such/dir", "x.yaml"),
        ("diff", str(SAMPLE)),
        ("diff", str(SAMPLE), "--against", "--output=x"),
        ("schema", "--outline", "湖南"),
    ],
)
def test_help_and_usage_errors_are_chinese(args):
    result = run(*args)
    assert result.output.strip()
    assert english_words(result.output, ROOT) == [], result.output


def test_reports_of_a_batch_are_chinese(tmp_path):
    good = write_variant(tmp_path, name="a.yaml")
    bad = write_variant(tmp_path, ("  年初预算: 965.84", "  年初预算: 九百"), name="b.yaml")
    warned = write_variant(tmp_path, ("      决算: 81.00", "      决算: 90.00"), name="c.yaml")
    for args in (("check", good, bad, warned), ("build", tmp_path, "--out-dir", tmp_path / "out", "-v")):
        result = run(*args)
        assert english_words(result.output, tmp_path, ROOT) == [], result.output
    templates = tmp_path / "t" / "sections"
    templates.mkdir(parents=True)
    (templates / "problems.md.j2").write_text("{{ 收支.执行率 | percnt }}\n", encoding="utf-8")
    result = run("check", good, "--templates", templates.parent)
    assert "没有名为“percnt”的过滤器" in result.output
    assert english_words(result.output, tmp_path, ROOT) == [], result.output


def test_diff_is_chinese(tmp_path):
    old = write_variant(tmp_path, name="old.yaml")
    new = write_variant(
        tmp_path, ("  决算: 1004.09", "  决算: 1000.09"), ("    决算: 549.84", "    决算: 545.84"), name="new.yaml"
    )
    result = run("diff", old, new)
    assert result.exit_code == 0
    assert english_words(result.output, tmp_path, ROOT) == [], result.output
