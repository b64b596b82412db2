"""Every kind of output is valid OOXML as Word reads it (ECMA-376 Transitional,
Word's run-property order, the Open XML SDK's on/off rule), checked with the
schemas carried in tests/ooxml-schemas/ — and the check is shown to catch the
misorderings Word rejects."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE, build, run, write_variant
from ooxml import violations
from test_attachments import WIDE_TABLE, large_data
from test_outlines import MOF_SAMPLE
from test_variants import STAFFING

LAYOUT_OVERRIDES = (
    "存在问题: []",
    "存在问题: []\n\n版式:\n  字体: {正文: 仿宋, 标题: 方正小标宋_GBK}\n  页边距: {左: 30, 右: 24}\n  小标题加粗: 是",
)


def _wide(directory: Path) -> Path:
    templates = directory / "templates" / "attachments"
    templates.mkdir(parents=True)
    (templates / "budget.md.j2").write_text(WIDE_TABLE.format(title="分月支出情况表"), encoding="utf-8")
    result = run("build", SAMPLE, "--templates", templates.parent, "--out-dir", directory / "out")
    assert result.exit_code == 0, result.output
    (built,) = (directory / "out").glob("*.docx")
    return built


OUTPUTS = {
    "样本": lambda d: build(SAMPLE, d / "out"),
    "财政部提纲样本": lambda d: build(MOF_SAMPLE, d / "out"),
    "机构人员与落款": lambda d: build(write_variant(d, STAFFING), d / "out"),
    "版式覆盖": lambda d: build(write_variant(d, LAYOUT_OVERRIDES), d / "out"),
    "45个项目": lambda d: build(large_data(d), d / "out"),
    "横向附表": _wide,
    "无附件": lambda d: build(write_variant(d, ("附件: [收支情况表, 绩效自评表]", "附件: []")), d / "out"),
}


@pytest.mark.parametrize("name", OUTPUTS)
def test_output_is_valid_ooxml(tmp_path, name):
    docx_path = OUTPUTS[name](tmp_path)
    assert violations(docx_path) == []


def _mutated(docx_path: Path, part: str, change) -> Path:
    """A copy of the package with one part's XML text changed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(docx_path) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == part:
                changed = change(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), "the mutation changed nothing"
                data = changed.encode("utf-8")
            target.writestr(item, data)
    path = docx_path.with_name("mutated.docx")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    ("part", "change", "reported"),
    [
        # w:spacing (character spacing) after w:sz: valid ISO, rejected by Word's order.
        (
            "word/styles.xml",
            lambda xml: re.sub(r"(<w:spacing w:val=\"-?\d+\"/>)(<w:sz w:val=\"\d+\"/>)", r"\2\1", xml, count=1),
            "spacing': This element is not expected",
        ),
        # w:tblBorders after w:tblLook.
        (
            "word/document.xml",
            lambda xml: re.sub(r"(<w:tblBorders>.*?</w:tblBorders>)(.*?)(<w:tblLook [^>]*/>)", r"\2\3\1", xml, count=1),
            "tblBorders': This element is not expected",
        ),
        # on/off as w:val="1": valid ISO, rejected by the Open XML SDK.
        (
            "word/document.xml",
            lambda xml: xml.replace("<w:cantSplit/>", '<w:cantSplit w:val="1"/>', 1),
            'cantSplit w:val="1"',
        ),
        # a cell without its paragraph.
        (
            "word/document.xml",
            lambda xml: re.sub(r"(<w:tc>.*?</w:tcPr>)<w:p>.*?</w:p>", r"\1", xml, count=1),
            "must end with a paragraph",
        ),
    ],
)
def test_the_check_catches_what_word_rejects(sample_docx, tmp_path, part, change, reported):
    copy = tmp_path / sample_docx.name
    copy.write_bytes(sample_docx.read_bytes())
    found = violations(_mutated(copy, part, change))
    assert any(reported in v for v in found), found
