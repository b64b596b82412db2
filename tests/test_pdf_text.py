"""The PDF carries every character of the .docx (page numbers and white space
aside): nothing a renderer drops, such as a mark hung past the margin."""

from __future__ import annotations

import collections
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import rendered, run
from lxml import etree
from test_outlines import MOF_NAME, MOF_SAMPLE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAGE_NUMBER = re.compile(r"^\s*—\s*\d+\s*—\s*$", re.M)


def _body(docx_path: Path):
    with zipfile.ZipFile(docx_path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def _characters(element) -> collections.Counter:
    return collections.Counter(re.sub(r"\s", "", "".join(t.text or "" for t in element.iter(W + "t"))))


def docx_characters(docx_path: Path) -> collections.Counter:
    """Every character the body holds (page numbers live in the footers)."""
    return _characters(_body(docx_path))


def repeated_headers(docx_path: Path) -> list[collections.Counter]:
    """The characters of each table's header row, which a renderer repeats on every page the table runs onto."""
    return [
        _characters(row) for row in _body(docx_path).iter(W + "tr") if row.find(f"{W}trPr/{W}tblHeader") is not None
    ]


def pdf_characters(pdf_path: Path) -> collections.Counter:
    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0:
        pytest.skip("未安装 pdftotext（poppler-utils）：CI 由 .ci/run 安装")
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    return collections.Counter(re.sub(r"\s", "", PAGE_NUMBER.sub("", text)))


def difference(docx_path: Path, pdf_path: Path | None = None) -> dict[str, tuple[int, int]]:
    """Characters whose count differs between a .docx and its PDF (rendered here unless
    given), once the repeated header rows are set aside."""
    ours, theirs = docx_characters(docx_path), pdf_characters(pdf_path or rendered(docx_path))
    # The longest first: a header row whose characters another one's include (项目名称 甲, 项目名称
    # 甲（第2批）) would otherwise take the other's repetitions for its own.
    for header in sorted(repeated_headers(docx_path), key=lambda counter: -counter.total()):
        while header and theirs - ours >= header:
            theirs -= header
    return {ch: (ours[ch], theirs[ch]) for ch in ours.keys() | theirs.keys() if ours[ch] != theirs[ch]}


def test_sample_pdf_holds_every_character(sample_docx, tmp_path):
    copy = tmp_path / sample_docx.name
    copy.write_bytes(sample_docx.read_bytes())
    assert difference(copy) == {}
    # The marks the published sample ends full lines with are all there (6 were lost
    # when LibreOffice hung them past the margin).
    assert docx_characters(copy)["，"] >= 160


def test_second_outline_pdf_holds_every_character(tmp_path):
    result = run("build", MOF_SAMPLE, "--out-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert difference(tmp_path / f"{MOF_NAME}.docx") == {}
