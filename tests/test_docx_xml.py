"""The .docx XML avoids the known traps of Chinese official documents."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

import reportgen

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@pytest.fixture(scope="module")
def parts(sample_docx):
    with zipfile.ZipFile(sample_docx) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(parts, name):
    return etree.fromstring(parts[name])


def test_no_theme_font_is_left_anywhere(parts):
    for name, data in parts.items():
        if name.endswith(".xml") and not name.startswith("word/theme"):
            for fonts in etree.fromstring(data).iter(w("rFonts")):
                themed = [a for a in fonts.attrib if a.lower().endswith("theme")]
                assert not themed, f"{name} 中仍有主题字体属性 {themed}"


def test_every_paragraph_style_of_ours_names_an_east_asian_font_with_hint(parts):
    styles = xml(parts, "word/styles.xml")
    ours = styles.xpath("//w:style[starts-with(@w:styleId, 'Report') and @w:type='paragraph']", namespaces=NS)
    assert {s.get(w("styleId")) for s in ours} >= {
        "ReportBody",
        "ReportTitle",
        "ReportHeading1",
        "ReportHeading2",
        "ReportAttachment",
        "ReportPageNumber",
    }
    expected = {
        "ReportBody": "仿宋_GB2312",
        "ReportTitle": "方正小标宋简体",
        "ReportHeading1": "黑体",
        "ReportHeading2": "楷体_GB2312",
        "ReportAttachment": "黑体",
        "ReportPageNumber": "宋体",
    }
    for style in ours:
        fonts = style.find("w:rPr/w:rFonts", NS)
        assert fonts.get(w("eastAsia")) == fonts.get(w("ascii")) == fonts.get(w("hAnsi"))
        assert fonts.get(w("hint")) == "eastAsia"
        if style.get(w("styleId")) in expected:
            assert fonts.get(w("eastAsia")) == expected[style.get(w("styleId"))]


def test_document_defaults_are_chinese(parts):
    defaults = xml(parts, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:lang", NS).get(w("eastAsia")) == "zh-CN"
    assert defaults.find("w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    spacing = xml(parts, "word/styles.xml").find("w:docDefaults/w:pPrDefault/w:pPr/w:spacing", NS)
    assert spacing.get(w("after")) == "0"


def test_body_style_is_on_the_28_95_pt_grid_with_two_character_indent(parts):
    body = xml(parts, "word/styles.xml").xpath("//w:style[@w:styleId='ReportBody']", namespaces=NS)[0]
    spacing = body.find("w:pPr/w:spacing", NS)
    assert (spacing.get(w("line")), spacing.get(w("lineRule"))) == ("579", "exact")
    assert body.find("w:pPr/w:ind", NS).get(w("firstLineChars")) == "200"
    assert body.find("w:pPr/w:widowControl", NS).get(w("val")) in ("0", "false")
    assert body.find("w:rPr/w:sz", NS).get(w("val")) == "32"  # 三号 16 pt
    assert body.find("w:rPr/w:spacing", NS).get(w("val")) == "-5"


def test_title_and_page_number_styles_do_not_inherit_indent_or_grid(parts):
    styles = xml(parts, "word/styles.xml")
    for style_id in ("ReportTitle", "ReportPageNumber"):
        style = styles.xpath(f"//w:style[@w:styleId='{style_id}']", namespaces=NS)[0]
        assert style.find("w:pPr/w:ind", NS).get(w("firstLineChars")) == "0"
        assert style.find("w:pPr/w:snapToGrid", NS).get(w("val")) == "0"


def test_page_is_a4_with_official_margins_and_line_grid(parts):
    section = xml(parts, "word/document.xml").find(".//w:body/w:sectPr", NS)
    size = section.find("w:pgSz", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    margins = section.find("w:pgMar", NS)
    assert {k: margins.get(w(k)) for k in ("top", "bottom", "left", "right")} == {
        "top": "2098",
        "bottom": "1984",
        "left": "1587",
        "right": "1474",
    }
    grid = section.find("w:docGrid", NS)
    assert (grid.get(w("type")), grid.get(w("linePitch"))) == ("lines", "579")


def test_odd_and_even_footers_carry_a_real_page_field(parts):
    settings = xml(parts, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    section = xml(parts, "word/document.xml").find(".//w:body/w:sectPr", NS)
    kinds = {ref.get(w("type")) for ref in section.findall("w:footerReference", NS)}
    assert kinds == {"default", "even"}
    alignments = set()
    for name in ("word/footer1.xml", "word/footer2.xml"):
        footer = xml(parts, name)
        runs = footer.findall(".//w:r", NS)
        sequence = []
        for run in runs:
            for child in run:
                if child.tag == w("fldChar"):
                    sequence.append(child.get(w("fldCharType")))
                elif child.tag in (w("instrText"), w("t")):
                    sequence.append(child.text)
        assert sequence == ["— ", "begin", " PAGE ", "separate", "1", "end", " —"]
        alignments.add(footer.find(".//w:jc", NS).get(w("val")))
    assert alignments == {"right", "left"}


def test_title_is_one_paragraph_broken_into_balanced_lines(parts):
    body = xml(parts, "word/document.xml").find("w:body", NS)
    # The report's title, then one for each attached table.
    title = body.xpath("w:p[w:pPr/w:pStyle/@w:val='ReportTitle']", namespaces=NS)
    assert len(title) == 3
    texts = [t.text for t in title[0].iter(w("t"))]
    assert texts == ["2023年度广州番禺经济技术开发区管理委员会", "部门整体支出绩效自评报告"]
    assert len(title[0].findall(".//w:br", NS)) == 1


def test_no_leftovers_of_python_docx_default_template(parts):
    assert not any("thumbnail" in name or "stylesWithEffects" in name for name in parts)
    core = parts["docProps/core.xml"].decode()
    assert "广州番禺经济技术开发区管理委员会" in core and "python-docx" not in core
    assert "2024-01-01T00:00:00Z" in core


def test_table_cell_styles_use_single_spacing_off_the_grid(parts):
    styles = xml(parts, "word/styles.xml")
    for style_id in ("ReportCell", "ReportHeader"):
        style = styles.xpath(f"//w:style[@w:styleId='{style_id}']", namespaces=NS)[0]
        spacing = style.find("w:pPr/w:spacing", NS)
        assert (spacing.get(w("line")), spacing.get(w("lineRule"))) == ("240", "auto")
        assert style.find("w:pPr/w:snapToGrid", NS).get(w("val")) == "0"
        assert style.find("w:pPr/w:ind", NS).get(w("firstLineChars")) == "0"
        assert style.find("w:rPr/w:sz", NS).get(w("val")) == "24"  # 小四 12 pt


def test_word_opens_it_in_its_own_mode_and_reads_an_honest_generator(parts):
    settings = xml(parts, "word/settings.xml")
    (mode,) = [s for s in settings.iter(w("compatSetting")) if s.get(w("name")) == "compatibilityMode"]
    assert mode.get(w("val")) == "15"  # 14 would open in 兼容模式 in Word 2013 and later
    app = xml(parts, "docProps/app.xml")
    names = {etree.QName(child).localname: child.text for child in app}
    assert names["Application"] == f"reportgen/{reportgen.__version__}"
    assert not {"Pages", "Words", "Characters", "Lines", "Paragraphs", "AppVersion", "Template"} & names.keys()


def test_the_font_table_lists_every_face_used_with_its_substitute(parts):
    fonts = {
        font.get(w("name")): (font.find(w("altName")).get(w("val")), font.find(w("charset")).get(w("val")))
        for font in xml(parts, "word/fontTable.xml").iter(w("font"))
    }
    used = {f.get(w("eastAsia")) for f in xml(parts, "word/styles.xml").iter(w("rFonts"))} - {None}
    assert used and used <= fonts.keys()
    assert fonts["仿宋_GB2312"] == ("仿宋", "86") and fonts["楷体_GB2312"] == ("楷体", "86")
    assert fonts["方正小标宋简体"][1] == "86" and fonts["黑体"] == ("SimHei", "86")
