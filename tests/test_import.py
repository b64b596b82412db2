"""reportgen import: last year's Word report and the finance system's Excel export
become a data file.  The hand-typed reports here are made with python-docx from
the published text (which test_reproduction checks our sample against)."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from conftest import SAMPLE, build, paragraphs, run, write_variant
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from test_outlines import MOF_SAMPLE
from test_reproduction import report_body

SAMPLE_DATA = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def _imported(tmp_path: Path, report: Path) -> tuple[dict, str, Path]:
    target = tmp_path / "imported.yaml"
    result = run("import", report, "-o", target)
    assert result.exit_code == 0, result.output
    return yaml.safe_load(target.read_text(encoding="utf-8")), run("check", target).output, target


def _cells(docx_path: Path) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in docx.Document(str(docx_path)).tables]


@pytest.mark.parametrize("sample", [SAMPLE, MOF_SAMPLE], ids=["广东", "财政部"])
def test_round_trip_gives_the_same_report(tmp_path, sample):
    """build → import → build: the same paragraphs and tables."""
    first = build(sample, tmp_path / "first")
    target = tmp_path / "imported.yaml"
    result = run("import", first, "-o", target)
    assert result.exit_code == 0, result.output
    assert "0 处标为“待填写”" in result.output and "0 段没有用到的文字" in result.output
    # The projects' forms beside the report (the 财政部 example's) go into their projects.
    forms = sorted(first.parent.glob("*项目支出绩效自评表.docx"))
    for form in forms:
        result = run("import", form, "--into", target, "--force")
        assert result.exit_code == 0, result.output
    again = build(target, tmp_path / "again")
    assert paragraphs(again) == paragraphs(first)
    assert _cells(again) == _cells(first)
    for form in forms:
        # A form prints a qualitative indicator's 得分 and 实际完成值, not its 档次: it comes back as a
        # score given (the same score), and the note under the table loses its clause on 定性 scoring.
        assert _without_bands_note(_cells(again.parent / form.name)) == _without_bands_note(_cells(form)), form.name


def _without_bands_note(tables: list[list[list[str]]]) -> list[list[list[str]]]:
    return [[[re.sub(r"3\.定性指标按.*?的分值计分。", "", text) for text in row] for row in rows] for rows in tables]


# --- reports typed by hand ---------------------------------------------------------------------------


def _typed_paragraphs(sample_docx: Path) -> list[str]:
    """The published report's paragraphs (the sample reproduces them), as a clerk typed them."""
    return report_body(sample_docx)


def _literal_report(sample_docx: Path, path: Path) -> Path:
    """Typed numbers (一、（一）1.), no styles at all."""
    document = docx.Document()
    for text in _typed_paragraphs(sample_docx):
        document.add_paragraph(text)
    document.save(str(path))
    return path


#: Word's own multilevel list: 一、 / （一） / 1.
_NUMBERING = (
    '<w:abstractNum {ns} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    "</w:abstractNum>"
)


def _automatic_report(sample_docx: Path, path: Path) -> Path:
    """Heading styles and Word's automatic numbering: the numbers are not in the text."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING.format(ns=nsdecls("w"))))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text in _typed_paragraphs(sample_docx):
        level1 = re.match(r"^[一二三四五六七八九十]+、(.*)$", text)
        level2 = re.match(r"^（[一二三四五六七八九十]+）(.*)$", text)
        item = re.match(r"^\d+\.(.*)$", text)
        if level1 or level2:
            paragraph = document.add_paragraph(
                (level1 or level2).group(1), style="Heading 1" if level1 else "Heading 2"
            )
            level = 0 if level1 else 1
        elif item:
            paragraph = document.add_paragraph(item.group(1))
            level = 2
        else:
            document.add_paragraph(text)
            continue
        properties = paragraph._p.get_or_add_pPr()
        properties.append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )
    document.save(str(path))
    return path


def _table_report(sample_docx: Path, path: Path) -> Path:
    """The 收支 figures in a table, in 元, instead of the sentence."""
    document = docx.Document()
    for text in _typed_paragraphs(sample_docx):
        if text.startswith("2023年本部门预算完成情况"):
            document.add_paragraph("2023年本部门收支情况见下表（单位：元）。")
            rows = [
                ("项目", "年初预算数", "调整预算数", "决算数"),
                ("基本支出", "—", "4,713,800.00", "4,542,500.00"),
                ("项目支出", "—", "5,573,800.00", "5,498,400.00"),
                ("合计", "9,658,400.00", "10,287,700.00", "10,040,900.00"),
            ]
            table = document.add_table(rows=len(rows), cols=4)
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
            continue
        document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    "make", [_literal_report, _automatic_report, _table_report], ids=["typed", "automatic", "table"]
)
def test_a_report_typed_by_hand_imports_with_everything_in_place(tmp_path, sample_docx, make):
    data, checked, _ = _imported(tmp_path, make(sample_docx, tmp_path / "去年的报告.docx"))
    for key in ("年度", "部门", "自称", "附件编号", "部门职能", "重点工作", "绩效目标", "绩效管理", "改进措施"):
        assert data[key] == SAMPLE_DATA[key], key
    budget = data["收支"]
    for key in ("年初预算", "调整预算", "决算"):
        assert budget[key] == SAMPLE_DATA["收支"][key]
    for part in ("基本支出", "项目支出"):
        assert budget[part] == SAMPLE_DATA["收支"][part]
    assert budget.get("评价") == (None if make is _table_report else SAMPLE_DATA["收支"]["评价"])
    assert [p["名称"] for p in budget["项目"]] == ["办公用房经费", "招商业务工作经费"]
    assert data["存在问题"] == []
    evaluation = data["自评"]["一级指标"]
    assert [d["名称"] for d in evaluation] == ["履职效能", "管理效率"]
    assert evaluation[0]["二级指标"][0] == {"名称": "部门预算资金支出率", "分值": 10, "计分": "预算执行率"}
    deducted = next(i for i in evaluation[1]["二级指标"] if i["名称"] == "绩效管理")
    assert (deducted["扣分"], deducted["扣分原因"]) == (2, "缺乏明确绩效要求、科室分工的制度")
    # check lists only what the published text does not say: the projects' amounts
    # (it gives their rates), the scores of the 管理效率 items and the unnamed 40 points.
    missing = re.findall(r"错误：(\S+?)：尚未填写", checked)
    expected = {f"收支.项目[{i}].{key}" for i in (1, 2) for key in ("调整预算", "决算")}
    expected |= {f"自评.一级指标[2].二级指标[{i}].分值" for i in range(1, 8)} | {"自评.一级指标[1].二级指标[2].名称"}
    assert set(missing) == expected, checked
    assert "错误" not in re.sub(r"错误：\S+?：尚未填写[^\n]*\n", "", checked).replace("处错误", "")


def test_a_header_unit_against_the_caption_and_a_one_line_signature(tmp_path, sample_docx):
    """A header "调整预算数（万元）" over figures in 元 (the caption's unit, and the size of
    the columns beside it) is read in 元; "单位　　2024 年 3 月 8 日" after the 附件说明 is the 落款."""
    document = docx.Document()
    source = docx.Document(str(_table_report(sample_docx, tmp_path / "t.docx")))
    for paragraph in source.paragraphs:
        document.add_paragraph(paragraph.text)
    rows = [[c.text for c in row.cells] for row in source.tables[0].rows]
    rows[0][2] = "调整预算数（万元）"
    body = document.paragraphs[[p.text for p in document.paragraphs].index("2023年本部门收支情况见下表（单位：元）。")]
    table = document.add_table(rows=len(rows), cols=4)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    body._p.addnext(table._tbl)
    document.add_paragraph("附件：1.2023年度部门整体支出绩效自评表")
    document.add_paragraph("某市投资促进局\u3000\u30002024 年 3 月 8 日")
    document.save(str(tmp_path / "r.docx"))
    data, _, _ = _imported(tmp_path, tmp_path / "r.docx")
    budget = data["收支"]
    assert (budget["调整预算"], budget["基本支出"]["调整预算"]) == (1028.77, 471.38)
    assert data["落款"] == {"单位": "某市投资促进局", "日期": datetime.date(2024, 3, 8)}
    assert not any("2024" in str(item) for item in data["改进措施"])


def test_the_missing_values_are_explained_in_the_file(tmp_path, sample_docx):
    _, _, target = _imported(tmp_path, _literal_report(sample_docx, tmp_path / "报告.docx"))
    text = target.read_text(encoding="utf-8")
    assert "# 待填写：原文只给出这个项目的执行率 92.05%，没有金额" in text
    assert "# 待填写：“履职效能”满分 50 分，原文列出的二级指标分值合计 10 分，其余 40 分的指标未写明" in text


# --- Excel -------------------------------------------------------------------------------------------------


def _sheet(path: Path) -> Path:
    """A title row, a merged two-row header, amounts in 元, a 合计 row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "预算执行"
    sheet.append(["2023年度部门预算执行情况表（单位：元）"])
    sheet.merge_cells("A1:E1")
    sheet.append(["项目名称", "预算数", None, "决算数", "备注"])
    sheet.append([None, "年初预算数", "调整预算数", None, None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:C2")
    sheet.merge_cells("D2:D3")
    sheet.append(["基本支出", 4600000, 4713800.4, 4542500, None])
    sheet.append(["项目支出", 5058400, 5573800, 5498400, None])
    sheet.append(["其中：办公用房经费", 800000, 880000, 810000, None])
    sheet.append(["招商业务工作经费", 1000000, 1200049.99, 966600, None])
    sheet.append(["园区环保巡查经费", 0, 300000, 270000, "新增"])
    sheet.append(["合计", 9658400, 10287700, 10040900, None])
    book.save(path)
    return path


def test_an_excel_export_fills_the_projects(tmp_path):
    data = write_variant(tmp_path)
    before = data.read_text(encoding="utf-8")
    result = run("import", _sheet(tmp_path / "执行情况.xlsx"), "--into", data, "--force")
    assert result.exit_code == 0, result.output
    assert "从工作表“预算执行”（单位：元）读取第 4、5、6、7、8、9 行。" in result.output
    text = data.read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    # 元 → 万元, half up: 4713800.4 → 471.38; 1200049.99 → 120.00 (120.0049999)
    assert loaded["收支"]["基本支出"] == {"年初预算": 460.0, "调整预算": 471.38, "决算": 454.25}
    assert loaded["收支"]["项目支出"]["年初预算"] == 505.84
    assert loaded["收支"]["项目"] == [
        {"名称": "办公用房经费", "年初预算": 80.0, "调整预算": 88.0, "决算": 81.0},
        {"名称": "招商业务工作经费", "年初预算": 100.0, "调整预算": 120.0, "决算": 96.66},
        {"名称": "园区环保巡查经费", "年初预算": 0.0, "调整预算": 30.0, "决算": 27.0},
    ]
    # Everything else, comments included, as it was.
    assert text.splitlines()[:60] == before.splitlines()[:60]
    assert "  # 执行率（%）低于此值的项目被列为“预算执行率较低”" in text
    assert run("check", data).exit_code == 0


def test_an_excel_import_asks_before_changing_a_file(tmp_path):
    data = write_variant(tmp_path)
    before = data.read_text(encoding="utf-8")
    result = run("import", _sheet(tmp_path / "表.xlsx"), "--into", data)
    assert result.exit_code == 1
    assert "确认后加 --force 再运行" in result.output
    assert data.read_text(encoding="utf-8") == before


# --- refusals and safety ------------------------------------------------------------------------------------


def test_excel_amounts_go_into_a_linked_gbk_file_through_the_link(tmp_path):
    """The data file is a link (to a shared folder, say) and saved by Notepad in GBK with
    CRLF: the amounts are written into the file it links to, in its encoding and line ends."""
    real = tmp_path / "共享" / "2023.yaml"
    real.parent.mkdir()
    real.write_bytes(SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    link = tmp_path / "2023.yaml"
    link.symlink_to(real)
    result = run("import", _sheet(tmp_path / "表.xlsx"), "--into", link, "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    raw = real.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")
    text = raw.decode("gb18030")
    assert "    - 名称: 园区环保巡查经费\r\n" in text and "  基本支出:\r\n" in text
    assert "年初预算: 460.00" in text
    assert run("check", link).exit_code == 0


def test_pdf_and_images_are_refused_with_what_to_provide(tmp_path):
    for name in ("报告.pdf", "扫描件.jpg"):
        (tmp_path / name).write_bytes(b"%PDF-1.7")
        result = run("import", tmp_path / name, "-o", tmp_path / "x.yaml")
        assert result.exit_code == 1
        assert "请提供 Word 文件（.docx 或 .doc）" in result.output
        assert not (tmp_path / "x.yaml").exists()


def test_a_doc_without_libreoffice_says_how(tmp_path, monkeypatch):
    from reportgen import rendering

    monkeypatch.setattr(rendering, "find_office", lambda: None)
    (tmp_path / "旧报告.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("import", tmp_path / "旧报告.doc", "-o", tmp_path / "x.yaml")
    assert result.exit_code == 1
    assert "读取 .doc 需要 LibreOffice" in result.output and "另存为 .docx" in result.output


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path):
    bomb = tmp_path / "报告.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * (60 * 1024 * 1024))
    result = run("import", bomb, "-o", tmp_path / "x.yaml")
    assert result.exit_code == 1
    assert "文件解压后过大" in result.output


def test_an_existing_file_is_not_overwritten(tmp_path, sample_docx):
    target = tmp_path / "2023.yaml"
    target.write_text("年度: 2023\n", encoding="utf-8")
    result = run("import", sample_docx, "-o", target)
    assert result.exit_code == 1
    assert "已存在，未覆盖" in result.output
    assert target.read_text(encoding="utf-8") == "年度: 2023\n"


def test_typed_figures_become_references_and_strays_are_kept(tmp_path, sample_docx):
    document = docx.Document()
    for text in _typed_paragraphs(sample_docx):
        if text.startswith("2023年本部门预算完成情况"):
            text = text.replace("从预算支出情况来看", "全年执行率为97.60%，从预算支出情况来看")
        document.add_paragraph(text)
    document.add_paragraph("五、附注")
    document.add_paragraph("本报告经党组会审议通过。")
    document.save(str(tmp_path / "r.docx"))
    data, _, target = _imported(tmp_path, tmp_path / "r.docx")
    # 97.60% is the computed execution rate: it becomes a reference that follows the figures.
    assert data["收支"]["评价"].startswith("全年执行率为{{ 收支.执行率 | percent }}，从预算支出情况来看")
    text = target.read_text(encoding="utf-8")
    assert "# 报告中下列文字没有用到，按原文的顺序列在所在的标题下" in text
    assert "#   【五、附注】\n#     本报告经党组会审议通过。" in text


def test_a_doc_is_read_through_libreoffice(tmp_path, sample_docx):
    from reportgen.rendering import find_office

    office = find_office()
    if office is None:
        pytest.skip("未安装 LibreOffice（soffice）：读取 .doc 需要它，CI 由 .ci/run 安装")
    import subprocess

    work = tmp_path / "doc"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(work),
            str(_literal_report(sample_docx, tmp_path / "报告.docx")),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    data, _, _ = _imported(tmp_path, work / "报告.doc")
    assert data["部门职能"] == SAMPLE_DATA["部门职能"]
    assert data["收支"]["决算"] == SAMPLE_DATA["收支"]["决算"]


@pytest.mark.parametrize(
    "paragraphs_typed",
    [
        [],
        ["关于某某的通知", "一、总体情况", "今年完成了很多工作。"],
        ["2024年度某局部门整体支出绩效自评报告", "二、存在问题", "问题一。"],
    ],
    ids=["empty", "not a report", "a fragment"],
)
def test_whatever_a_report_lacks_becomes_a_line_for_check(tmp_path, paragraphs_typed):
    document = docx.Document()
    for text in paragraphs_typed:
        document.add_paragraph(text)
    document.add_table(rows=1, cols=2).cell(0, 0).text = "表中文字"
    document.save(str(tmp_path / "r.docx"))
    _, checked, target = _imported(tmp_path, tmp_path / "r.docx")
    # Nothing the file lacks is left for check to find as a shape error: each is a 待填写 with its line.
    errors = [line for line in checked.splitlines() if "错误：" in line]
    assert errors and all("尚未填写" in line for line in errors), checked
    assert "\x00" not in target.read_text(encoding="utf-8")
