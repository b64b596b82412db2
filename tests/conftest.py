"""Shared fixtures: the sample report is built once per test session."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from reportgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "2023.yaml"
PUBLISHED = Path(__file__).parent / "fixtures" / "published-2023.txt"
SAMPLE_NAME = "2023年度广州番禺经济技术开发区管理委员会部门整体支出绩效自评报告"


def run(*args: str | Path, catch: bool = False) -> Result:
    """Run the CLI in-process; ``catch`` lets an exception end it as it would a process."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=catch, prog_name="reportgen")


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def write_variant(
    directory: Path, *replacements: tuple[str, str], name: str = "2023.yaml", source: Path = SAMPLE
) -> Path:
    """A sample's data with some text replaced; each replacement must apply once."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, f"替换目标不唯一或不存在：{old!r}"
        text = text.replace(old, new)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(data: Path, *expected: str, options: tuple = ()) -> Result:
    """``check`` of ``data`` fails, saying each of ``expected``."""
    result = run("check", data, *options)
    assert result.exit_code == 1, result.output
    for message in expected:
        assert message in result.output, result.output
    return result


def reports(directory: Path) -> list[str]:
    """What a user sees in an output folder (the build manifest is hidden)."""
    return sorted(p.name for p in directory.iterdir() if p.name != ".reportgen-builds.json")


def paragraphs(docx_path: Path) -> list[str]:
    """The non-empty paragraphs of a .docx body, whitespace removed; the last lines of one
    that build cut before the 附件说明 or 落款 (style 公文正文续) read as part of it."""
    found: list[str] = []
    for p in docx.Document(str(docx_path)).paragraphs:
        text = re.sub(r"\s", "", p.text)
        if p._p.pPr is not None and p._p.pPr.style == "ReportContinuation" and found:
            found[-1] += text
        elif text:
            found.append(text)
    return found


def build(data: Path, out_dir: Path) -> Path:
    """The report built from ``data`` (the first file the build says it wrote; its
    projects' forms, if any, beside it)."""
    result = run("build", data, "--out-dir", out_dir)
    assert result.exit_code == 0, result.output
    return Path(re.search(r"^已生成 (.+\.docx)$", result.output, re.M).group(1))


@pytest.fixture(scope="session")
def sample_docx(tmp_path_factory) -> Path:
    out_dir = tmp_path_factory.mktemp("sample")
    result = run("build", SAMPLE, "--out-dir", out_dir)
    assert result.exit_code == 0, result.output
    return out_dir / f"{SAMPLE_NAME}.docx"


def rendered(docx_path: Path) -> Path:
    """The .docx rendered by LibreOffice beside it, as ``build --pdf`` does;
    the test is skipped, saying why, where LibreOffice is not installed."""
    from reportgen.rendering import convert_to_pdf, find_office

    office = find_office()
    if office is None:
        pytest.skip("未安装 LibreOffice（soffice）：版式测试需要它，CI 由 .ci/run 安装")
    pdf = docx_path.with_suffix(".pdf")
    convert_to_pdf(docx_path, pdf, office)
    return pdf


@pytest.fixture(scope="session")
def sample_pdf(sample_docx) -> Path:
    return rendered(sample_docx)
