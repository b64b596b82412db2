"""A .docx or .xlsx given to ``import`` is untrusted: every count and attribute in
it is bounded before it is used.  Real documents the tool writes (a report, a project
form as .docx and .xlsx, a budget sheet) are mutated (merged ranges to the last column,
cell and row references far out, shared-string indexes past the strings, spans, merges,
numbering, outline levels and style ids of any value, styles based on each other in a
loop, cells and rows missing, score cells left empty, headers without 年度指标值 or 得分,
figures of 30 digits, negative or no number at all, content in content controls) and
each import ends at once with exit 0 or 1 and a Chinese message, never a traceback; what
it writes loads; what it leaves out is said as a 提示."""

from __future__ import annotations

import copy
import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from conftest import ROOT, SAMPLE, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from reportgen.loading import load

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Seconds an import of a small hostile file may take on a loaded CI machine (a hang takes minutes).
BOUND = 20


@pytest.fixture(scope="module")
def project_form_docx(tmp_path_factory) -> Path:
    """A 项目支出绩效自评表 as the tool writes it."""
    out = tmp_path_factory.mktemp("forms")
    assert run("build", ROOT / "data" / "examples" / "2023-财政部提纲.yaml", "--out-dir", out).exit_code == 0
    return min(out.glob("*项目支出绩效自评表.docx"))


def _budget_sheet(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["部门预算执行情况表（单位：元）"])
    sheet.merge_cells("A1:D1")
    sheet.append(["项目名称", "年初预算数", "调整预算数", "决算数"])
    sheet.append(["基本支出", 4600000, 4713800.4, 4542500])
    sheet.append(["项目支出", 5058400, 5573800, 5498400])
    sheet.append(["办公用房经费", 800000, 880000, 810000])
    sheet.append(["合计", 9658400, 10287700, 10040900])
    book.save(path)
    return path


def _rewritten(package: bytes, part: str, change) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(package)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            archive.writestr(info.filename, data)
    return out.getvalue()


def _imported(tmp: Path, name: str, data: bytes, into: bool = True) -> Result:
    """``data`` imported as a file ``name``: into a copy of the sample (a sheet, a form), or as a
    data file of its own (a report); within the contract, and what it writes loads."""
    source = tmp / name
    source.write_bytes(data)
    target = tmp / ("2023.yaml" if into else "导入.yaml")
    if into:
        shutil.copy(SAMPLE, target)
    started = time.monotonic()
    result = run("import", source, *(("--into", target, "--force") if into else ("-o", target)), catch=True)
    assert time.monotonic() - started < BOUND
    assert result.exit_code in (0, 1), result.output
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    assert "意外错误" not in result.output and "Traceback" not in result.output, result.output
    if result.exit_code == 0:
        load(target)  # what import writes always loads
    return result


def _said(result, source: Path, *hints: str) -> None:
    """The import succeeded and said, on stderr, exactly these 提示 about ``source``."""
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"{source} 提示：{hint}" for hint in hints]


def test_a_merged_range_to_the_last_cell_of_a_sheet_is_left_out(tmp_path):
    """openpyxl would make an object for each of the 17 billion cells A1:XFD1048576 covers."""
    data = _budget_sheet(tmp_path / "表.xlsx").read_bytes()

    def merge_everything(root):
        root.find(f"{SHEET}mergeCells")[0].set("ref", "A1:XFD1048576")

    result = _imported(tmp_path, "预算.xlsx", _rewritten(data, "xl/worksheets/sheet1.xml", merge_everything))
    # A range covering more than any form could is left out: the amounts read as without it, and said.
    assert result.exit_code == 0
    assert "读取第 3、4、5、6 行" in result.output and "收支.基本支出.年初预算：（无） → 460.00" in result.output
    assert result.stderr.splitlines() == [
        f"{tmp_path / '预算.xlsx'} 提示：工作表“Sheet”的合并区域 A1:XFD1048576 使合并的单元格超过 20000 个，未按合并读取"
    ]


def test_cells_far_out_and_a_missing_shared_string_are_left_out(tmp_path):
    data = _budget_sheet(tmp_path / "表.xlsx").read_bytes()

    def far_out(root):
        cells = list(root.iter(f"{SHEET}c"))
        cells[-1].set("r", "XFD1048576")
        etree.SubElement(root.find(f"{SHEET}sheetData"), f"{SHEET}row", r="99999999")
        broken = etree.SubElement(root.find(f"{SHEET}sheetData")[2], f"{SHEET}c", r="E3", t="s")
        etree.SubElement(broken, f"{SHEET}v").text = "999999"

    result = _imported(tmp_path, "预算.xlsx", _rewritten(data, "xl/worksheets/sheet1.xml", far_out))
    assert result.exit_code == 0 and "读取第" in result.output and "已写入" in result.output
    # The 合计 row's 决算 moved past the 64th column: the sum of its parts is used; the row of
    # no cells past row 2000 holds nothing to leave out.
    source = tmp_path / "预算.xlsx"
    assert result.stderr.splitlines() == [
        f"{source} 提示：工作表“Sheet”的单元格 E3 引用的共享字符串不存在，按空单元格读取",
        f"{source} 提示：工作表“Sheet”的单元格 XFD1048576 在第 64 列以后，未读取（只读前 64 列）",
    ]


def test_a_cell_whose_value_is_not_its_type_is_an_empty_cell_said(tmp_path):
    """openpyxl refuses the whole workbook for one such cell; each is read as empty instead."""
    data = _budget_sheet(tmp_path / "表.xlsx").read_bytes()

    def odd_values(root):
        cells = {cell.get("r"): cell for cell in root.iter(f"{SHEET}c")}
        cells["B3"].find(f"{SHEET}v").text = "abc"  # 基本支出's 年初预算, typed as a number
        cells["B4"].find(f"{SHEET}v").text = "9" * 5000  # past Python's 4,300 digits
        cells["C4"].find(f"{SHEET}v").text = "1e400"
        cells["D5"].set("t", "d")  # a date that is 810000
        cells["C5"].set("t", "x")

    result = _imported(tmp_path, "预算.xlsx", _rewritten(data, "xl/worksheets/sheet1.xml", odd_values))
    assert result.exit_code == 0, result.output
    source = tmp_path / "预算.xlsx"
    assert result.stderr.splitlines() == [
        f"{source} 提示：工作表“Sheet”的单元格 B3、B4、C4 标为数值，所存的却不是数（或超过 40 位），按空单元格读取",
        f"{source} 提示：工作表“Sheet”的单元格 C5 的类型无法识别，按空单元格读取",
        f"{source} 提示：工作表“Sheet”的单元格 D5 标为日期，所存的却不是日期，按空单元格读取",
    ]
    # The cells read as empty give nothing (without them: 基本支出 and 项目支出's 年初预算 460.00, 505.84);
    # the rest of the sheet is read as before.
    assert "年初预算：（无） → 460.00" not in result.output and "505.84" not in result.output
    assert "收支.项目[1].年初预算：（无） → 80.00" in result.output


def test_rows_past_the_last_read_and_sheets_past_the_fiftieth_are_said(tmp_path):
    data = _budget_sheet(tmp_path / "表.xlsx").read_bytes()

    def far_down(root):
        for number in ("2001", "2500"):
            row = etree.SubElement(root.find(f"{SHEET}sheetData"), f"{SHEET}row", r=number)
            etree.SubElement(etree.SubElement(row, f"{SHEET}c", r=f"B{number}"), f"{SHEET}v").text = "7"

    result = _imported(tmp_path, "预算.xlsx", _rewritten(data, "xl/worksheets/sheet1.xml", far_down))
    _said(
        result,
        tmp_path / "预算.xlsx",
        "工作表“Sheet”第 2000 行以后有内容的行（第 2001、2500 行）未读取（只读前 2000 行）",
    )
    book = openpyxl.load_workbook(_budget_sheet(tmp_path / "多表.xlsx"))
    for n in range(52):
        book.create_sheet(f"空表{n}")
    book.save(tmp_path / "多表.xlsx")
    result = _imported(tmp_path, "多表.xlsx", (tmp_path / "多表.xlsx").read_bytes())
    _said(result, tmp_path / "多表.xlsx", "第 50 个以后的 3 个工作表未读取（只读前 50 个）")


def test_a_span_past_the_grid_in_a_form_is_said_and_read_as_one_column(tmp_path, project_form_docx):
    def span(root):
        # The 项目名称 row: its value cell, after the label spanning two columns, asks for 3.2 billion.
        cell = list(next(root.iter(f"{WORD}tbl")).iter(f"{WORD}tc"))[1]
        cell.find(f"{WORD}tcPr/{WORD}gridSpan").set(f"{WORD}val", "3200000000")

    result = _imported(tmp_path, "自评表.docx", _rewritten(project_form_docx.read_bytes(), "word/document.xml", span))
    _said(
        result,
        tmp_path / "自评表.docx",
        "第 1 个表格第 1 行第 3 列的跨列数 gridSpan=“3200000000”不是 1 到 64，按 1 列读取",
    )


def test_text_past_the_last_column_of_a_report_table_is_said(tmp_path, sample_docx):
    def widen(root):
        row = list(next(root.iter(f"{WORD}tbl")).iter(f"{WORD}tr"))[2]
        for n in range(70):
            cell = etree.SubElement(row, f"{WORD}tc")
            etree.SubElement(
                etree.SubElement(etree.SubElement(cell, f"{WORD}p"), f"{WORD}r"), f"{WORD}t"
            ).text = f"多出的第{n}格"

    source = tmp_path / "报告.docx"
    source.write_bytes(_rewritten(sample_docx.read_bytes(), "word/document.xml", widen))
    result = run("import", source, "-o", tmp_path / "导入.yaml")
    _said(result, source, "第 1 个表格第 3 行在第 64 列以后的文字未读取（只读前 64 列）")


def test_an_embedded_document_is_said_as_left_out(tmp_path, sample_docx):
    """A w:altChunk brings in another document (HTML, another .docx) that Word shows inline; import does not
    read it, and says where it stands (after the title: its first 20 characters)."""

    def embed(root):
        body = root.find(f"{WORD}body")
        relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        body[2].addnext(etree.Element(f"{WORD}altChunk", {relation: "rIdChunk"}))

    source = tmp_path / "报告.docx"
    source.write_bytes(_rewritten(sample_docx.read_bytes(), "word/document.xml", embed))
    result = run("import", source, "-o", tmp_path / "导入.yaml")
    _said(result, source, "“2023年度广州番禺经济技术开发区管理委…”之后嵌入的另一个文档（altChunk）未读取")


_REFERENCES = st.sampled_from(["A1", "B2", "D4", "XFD1", "A1048576", "XFD1048576", "AZ9", "ZZZ7", "A0", "1A", ""])
_VALUES = st.sampled_from(["9" * 30, "1" * 30 + ".5", "1e400", "nan", "-1", "", "abc", "4294967296", "99999999"])
_SHEET_MUTATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("merge"), _REFERENCES, _REFERENCES),
        st.tuples(st.just("cell"), st.integers(0, 30), _REFERENCES),
        st.tuples(st.just("row"), st.integers(0, 8), st.sampled_from(["99999999", "0", "-1", "1048576", "x"])),
        st.tuples(st.just("value"), st.integers(0, 30), _VALUES),
        st.tuples(st.just("type"), st.integers(0, 30), st.sampled_from(["s", "n", "b", "e", "str", "d"])),
    ),
    min_size=1,
    max_size=6,
)


def _mutate_sheet(root, mutations) -> None:
    cells, rows = list(root.iter(f"{SHEET}c")), list(root.iter(f"{SHEET}row"))
    merges = root.find(f"{SHEET}mergeCells")
    for kind, at, value in mutations:
        if kind == "merge" and merges is not None:
            etree.SubElement(merges, f"{SHEET}mergeCell", ref=f"{at}:{value}")
        elif kind == "cell":
            cells[at % len(cells)].set("r", value)
        elif kind == "row":
            rows[at % len(rows)].set("r", value)
        elif kind == "value":
            found = cells[at % len(cells)].find(f"{SHEET}v")
            if found is not None:
                found.text = value
        else:
            cells[at % len(cells)].set("t", value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=_SHEET_MUTATIONS)
def test_hostile_sheets_keep_the_contract(tmp_path_factory, mutations):
    tmp = tmp_path_factory.mktemp("sheet")
    data = _budget_sheet(tmp / "表.xlsx").read_bytes()
    result = _imported(
        tmp, "预算.xlsx", _rewritten(data, "xl/worksheets/sheet1.xml", lambda r: _mutate_sheet(r, mutations))
    )
    # A cell, a row or a range of any value is left out (and said), never the whole workbook.
    assert "无法读取这个 .xlsx 文件" not in result.output


_WORD_VALUES = st.sampled_from(
    ["999999999", "3200000000", "-1", "", "abc", "0", "9" * 30, " 5 ", "%1%2%9", "%" * 40, "continue", "restart"]
)
_WORD_MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["gridSpan", "vMerge", "gridBefore", "hMerge", "ilvl", "numId", "outlineLvl"]),
        st.integers(0, 10_000),
        _WORD_VALUES,
    ),
    min_size=1,
    max_size=8,
)


def _set_cell_properties(root, mutations) -> None:
    """Each (tag, at, value) sets w:tag to value in the properties of a cell chosen by ``at``."""
    cells = list(root.iter(f"{WORD}tc"))
    for tag, at, value in mutations:
        cell = cells[at % len(cells)]
        properties = cell.find(f"{WORD}tcPr")
        if properties is None:
            properties = etree.Element(f"{WORD}tcPr")
            cell.insert(0, properties)
        etree.SubElement(properties, f"{WORD}{tag}", {f"{WORD}val": value})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=_WORD_MUTATIONS, wrapped=st.booleans())
def test_hostile_forms_keep_the_contract(tmp_path_factory, project_form_docx, mutations, wrapped):
    """A project form the tool wrote, its spans, merges and levels set to anything, and
    (``wrapped``) its rows in content controls, which must not drop their text."""

    def mutate(root):
        _set_cell_properties(root, mutations)
        if wrapped:
            for row in list(root.iter(f"{WORD}tr"))[::2]:
                control = etree.Element(f"{WORD}sdt")
                row.addprevious(control)
                etree.SubElement(control, f"{WORD}sdtContent").append(row)

    tmp = tmp_path_factory.mktemp("form")
    data = _rewritten(project_form_docx.read_bytes(), "word/document.xml", mutate)
    _imported(tmp, "自评表.docx", data)


def test_the_same_report_imports_identically_under_any_hash_seed(tmp_path, sample_docx):
    """Nothing in import depends on the order of a set or of a dict built from one."""
    written = []
    for seed in ("1", "4242"):
        output = tmp_path / f"{seed}.yaml"
        subprocess.run(
            [sys.executable, "-m", "reportgen", "import", str(sample_docx), "-o", str(output)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
            timeout=120,
        )
        written.append(output.read_text(encoding="utf-8"))
    assert written[0] == written[1]
    assert "部门: 广州番禺经济技术开发区管理委员会" in written[0]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=_WORD_MUTATIONS, levels=st.lists(_WORD_VALUES, min_size=1, max_size=4), nested=st.booleans())
def test_hostile_reports_keep_the_contract(tmp_path_factory, sample_docx, mutations, levels, nested):
    """The sample report, its cells' spans and merges, its paragraphs' numbering and
    outline levels set to anything, a table nested in a cell and text in a text box."""

    def mutate(root):
        _set_cell_properties(root, mutations)
        cells, paragraphs = list(root.iter(f"{WORD}tc")), list(root.iter(f"{WORD}p"))
        for i, value in enumerate(levels):
            properties = etree.Element(f"{WORD}pPr")
            paragraphs[i * 7 % len(paragraphs)].insert(0, properties)
            numbering = etree.SubElement(properties, f"{WORD}numPr")
            etree.SubElement(numbering, f"{WORD}ilvl", {f"{WORD}val": value})
            etree.SubElement(numbering, f"{WORD}numId", {f"{WORD}val": value})
            etree.SubElement(properties, f"{WORD}outlineLvl", {f"{WORD}val": value})
        if nested:
            table = next(root.iter(f"{WORD}tbl"))
            cells[-1].append(copy.deepcopy(table))
            box = etree.SubElement(etree.SubElement(paragraphs[0], f"{WORD}r"), f"{WORD}pict")
            etree.SubElement(box, f"{WORD}txbxContent").append(copy.deepcopy(paragraphs[1]))

    tmp = tmp_path_factory.mktemp("report")
    _imported(tmp, "报告.docx", _rewritten(sample_docx.read_bytes(), "word/document.xml", mutate), into=False)


# --- structure and every attribute, for reports, forms (.docx and .xlsx) and sheets ---------------------------

#: Words a reader finds a column or a row by; replaced, a header lacks them (no 年度指标值, no 得分 ...).
_HEADER_WORDS = st.sampled_from(
    [
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "三级指标",
        "一级指标",
        "项目名称",
        "全年执行数",
        "决算",
        "合计",
        "预期目标",
    ]
)
_INSTEAD = st.sampled_from(["", "指标", "得 分", "年度指标值年度指标值", "（空）"])
#: Numbers of any size and sign, and what only looks like one, in a cell where a figure or a score goes.
_NUMBERS = st.sampled_from(
    ["9" * 30, "-5", "-0", "1e400", "NaN", "inf", "abc", "１２", "10.0分", "—", "", "4294967296", "0.0000001", "1,2,3"]
)
_STYLE_IDS = st.sampled_from(["", "Heading1", "Heading9", "标题 1", "x" * 300, "ReportHeading1", "9" * 30, "-1", "a b"])
_STRUCTURE = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["drop cell", "drop row", "empty cell", "drop cell properties"]), st.integers(0, 10_000)
        ),
        st.tuples(st.just("header"), _HEADER_WORDS, _INSTEAD),
        st.tuples(st.just("number"), st.integers(0, 10_000), _NUMBERS),
        st.tuples(st.just("style"), st.integers(0, 10_000), _STYLE_IDS),
    ),
    min_size=1,
    max_size=8,
)


def _pick(elements: list, at: int):
    return elements[at % len(elements)] if elements else None


def _mutate_structure(root, mutations) -> None:
    """Cells and rows removed, cells emptied (a score cell left blank), header words taken out,
    figures of any size, paragraphs given any style id."""
    for kind, at, *value in mutations:
        if kind == "header":
            for text in root.iter(f"{WORD}t"):
                if text.text and at in text.text:
                    text.text = text.text.replace(at, value[0])
            continue
        if kind == "style":
            paragraph = _pick(list(root.iter(f"{WORD}p")), at)
            properties = paragraph.find(f"{WORD}pPr")
            if properties is None:
                properties = etree.Element(f"{WORD}pPr")
                paragraph.insert(0, properties)
            for old in properties.findall(f"{WORD}pStyle"):
                properties.remove(old)
            properties.insert(0, etree.Element(f"{WORD}pStyle", {f"{WORD}val": value[0]}))
            continue
        target = _pick(list(root.iter(f"{WORD}tr" if kind == "drop row" else f"{WORD}tc")), at)
        if target is None:
            continue
        if kind in ("drop cell", "drop row"):
            target.getparent().remove(target)
        elif kind == "drop cell properties":
            for properties in target.findall(f"{WORD}tcPr"):
                target.remove(properties)
        else:
            texts = list(target.iter(f"{WORD}t"))
            for text in texts:
                text.text = ""
            if kind == "number" and texts:
                texts[0].text = value[0]


_STYLE_MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["basedOn", "outlineLvl", "numId", "ilvl", "styleId", "name"]),
        st.integers(0, 1_000),
        st.one_of(_WORD_VALUES, _STYLE_IDS, st.integers(0, 1_000).map(str)),
    ),
    max_size=6,
)


def _mutate_styles(root, mutations) -> None:
    """Styles based on any style (loops included), with any outline level, numbering, id or name."""
    styles = list(root.iter(f"{WORD}style"))
    for tag, at, value in mutations:
        style = _pick(styles, at)
        if tag == "styleId":
            style.set(f"{WORD}styleId", value)
            continue
        if tag == "basedOn" and value.isdigit():
            value = _pick(styles, int(value)).get(f"{WORD}styleId") or value  # a chain, maybe a loop
        if tag in ("basedOn", "name"):
            parent = style
        else:
            parent = style.find(f"{WORD}pPr")
            if parent is None:
                parent = etree.SubElement(style, f"{WORD}pPr")
            if tag in ("numId", "ilvl"):
                parent = (
                    parent.find(f"{WORD}numPr")
                    if parent.find(f"{WORD}numPr") is not None
                    else etree.SubElement(parent, f"{WORD}numPr")
                )
        for old in parent.findall(f"{WORD}{tag}"):
            parent.remove(old)
        etree.SubElement(parent, f"{WORD}{tag}", {f"{WORD}val": value})


_NUMBERING = st.lists(
    st.tuples(
        st.sampled_from(["ilvl", "start", "lvlText", "numFmt", "abstractNumId", "numId", "startOverride"]),
        _WORD_VALUES,
    ),
    max_size=6,
)


def _numbering_part(mutations) -> bytes:
    """A numbering part as Word writes one (a list 1、 2、 and its levels), its values set to anything."""
    values = {"ilvl": "0", "start": "1", "lvlText": "%1、", "numFmt": "decimal", "abstractNumId": "0", "numId": "1"}
    values |= dict(mutations)
    override = dict(mutations).get("startOverride")
    extra = (
        f'<w:lvlOverride w:ilvl="{values["ilvl"]}"><w:startOverride w:val="{override}"/></w:lvlOverride>'
        if override is not None
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="{values["ilvl"]}"><w:start w:val="{values["start"]}"/>'
        f'<w:numFmt w:val="{values["numFmt"]}"/><w:lvlText w:val="{values["lvlText"]}"/></w:lvl></w:abstractNum>'
        f'<w:num w:numId="{values["numId"]}"><w:abstractNumId w:val="{values["abstractNumId"]}"/>{extra}</w:num>'
        "</w:numbering>"
    ).encode()


def _with_numbering(package: bytes, numbering: bytes) -> bytes:
    """The package with a numbering part, linked from the document and declared in the content types."""
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
    source, out = zipfile.ZipFile(io.BytesIO(package)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>", f'<Override PartName="/word/numbering.xml" ContentType="{kind}"/></Types>'.encode()
                )
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdNumbering" Type="{relation}" Target="numbering.xml"/></Relationships>'.encode(),
                )
            archive.writestr(info.filename, data)
        archive.writestr("word/numbering.xml", numbering)
    return out.getvalue()


def _numbered(root, at_every: int, ilvl: str, num_id: str) -> None:
    """Every ``at_every``-th paragraph in the list (numId, ilvl), as Word's automatic numbering does."""
    for paragraph in list(root.iter(f"{WORD}p"))[::at_every]:
        properties = paragraph.find(f"{WORD}pPr")
        if properties is None:
            properties = etree.Element(f"{WORD}pPr")
            paragraph.insert(0, properties)
        numbering = etree.SubElement(properties, f"{WORD}numPr")
        etree.SubElement(numbering, f"{WORD}ilvl", {f"{WORD}val": ilvl})
        etree.SubElement(numbering, f"{WORD}numId", {f"{WORD}val": num_id})


def _hostile_docx(package: bytes, structure, styles, numbering, every: int) -> bytes:
    ilvl, num_id = dict(numbering).get("ilvl", "0"), dict(numbering).get("numId", "1")
    data = _rewritten(
        package,
        "word/document.xml",
        lambda root: (_mutate_structure(root, structure), _numbered(root, every, ilvl, num_id)),
    )
    data = _rewritten(data, "word/styles.xml", lambda root: _mutate_styles(root, styles))
    return _with_numbering(data, _numbering_part(numbering))


_BOUNDED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@_BOUNDED
@given(structure=_STRUCTURE, styles=_STYLE_MUTATIONS, numbering=_NUMBERING, every=st.integers(1, 9))
def test_reports_of_any_structure_style_and_numbering_keep_the_contract(
    tmp_path_factory, sample_docx, structure, styles, numbering, every
):
    tmp = tmp_path_factory.mktemp("report")
    _imported(
        tmp, "报告.docx", _hostile_docx(sample_docx.read_bytes(), structure, styles, numbering, every), into=False
    )


@_BOUNDED
@given(structure=_STRUCTURE, styles=_STYLE_MUTATIONS, numbering=_NUMBERING, every=st.integers(1, 9))
def test_project_forms_of_any_structure_style_and_numbering_keep_the_contract(
    tmp_path_factory, project_form_docx, structure, styles, numbering, every
):
    """Empty score cells, rows and cells missing, a header without 年度指标值 or 得分, figures of any size."""
    tmp = tmp_path_factory.mktemp("form")
    _imported(tmp, "自评表.docx", _hostile_docx(project_form_docx.read_bytes(), structure, styles, numbering, every))


_SHEET_STRUCTURE = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["drop cell", "drop row", "empty cell"]), st.integers(0, 10_000), st.just("")),
        st.tuples(st.just("text"), st.integers(0, 10_000), st.one_of(_NUMBERS, _INSTEAD, _HEADER_WORDS)),
    ),
    max_size=6,
)


def _mutate_sheet_structure(root, mutations) -> None:
    """Cells and rows removed, cells emptied, any text or number where a figure or a header goes."""
    for kind, at, value in mutations:
        target = _pick(list(root.iter(f"{SHEET}row" if kind == "drop row" else f"{SHEET}c")), at)
        if target is None:
            continue
        if kind in ("drop cell", "drop row"):
            target.getparent().remove(target)
            continue
        for child in list(target):
            target.remove(child)
        if kind == "text":
            target.set("t", "inlineStr")
            etree.SubElement(etree.SubElement(target, f"{SHEET}is"), f"{SHEET}t").text = value


def _sheet_of_any_structure_keeps_the_contract(tmp, sheet: Path, name: str, structure, mutations) -> None:
    def mutate(root):
        _mutate_sheet_structure(root, structure)
        _mutate_sheet(root, mutations)

    result = _imported(tmp, name, _rewritten(sheet.read_bytes(), "xl/worksheets/sheet1.xml", mutate))
    assert "无法读取这个 .xlsx 文件" not in result.output


@_BOUNDED
@given(structure=_SHEET_STRUCTURE, mutations=_SHEET_MUTATIONS)
def test_project_forms_in_xlsx_of_any_structure_keep_the_contract(tmp_path_factory, structure, mutations):
    from test_import_form import _xlsx_form

    tmp = tmp_path_factory.mktemp("xlsx-form")
    _sheet_of_any_structure_keeps_the_contract(tmp, _xlsx_form(tmp / "表.xlsx"), "自评表.xlsx", structure, mutations)


@_BOUNDED
@given(structure=_SHEET_STRUCTURE, mutations=_SHEET_MUTATIONS)
def test_budget_sheets_of_any_structure_keep_the_contract(tmp_path_factory, structure, mutations):
    tmp = tmp_path_factory.mktemp("sheet")
    _sheet_of_any_structure_keeps_the_contract(tmp, _budget_sheet(tmp / "表.xlsx"), "预算.xlsx", structure, mutations)


_WRAPS = st.lists(
    st.tuples(st.sampled_from(["p", "r", "tr", "tc", "tbl"]), st.integers(0, 10_000)), min_size=1, max_size=12
)


def _wrapped(root, wraps) -> None:
    """Paragraphs, runs, rows, cells and tables put into content controls (w:sdt), as a template's fields are."""
    for tag, at in wraps:
        target = _pick(list(root.iter(f"{WORD}{tag}")), at)
        if target is None or target.getparent().tag == f"{WORD}sdtContent":
            continue
        control = etree.Element(f"{WORD}sdt")
        target.addprevious(control)
        etree.SubElement(control, f"{WORD}sdtContent").append(target)


@pytest.fixture(scope="module")
def plain_imports(tmp_path_factory, sample_docx, project_form_docx) -> dict[str, str]:
    """The sample report and a project form as imported without content controls."""
    tmp = tmp_path_factory.mktemp("plain")
    assert run("import", sample_docx, "-o", tmp / "报告.yaml").exit_code == 0
    shutil.copy(SAMPLE, tmp / "2023.yaml")
    assert run("import", project_form_docx, "--into", tmp / "2023.yaml", "--force").exit_code == 0
    return {
        "report": (tmp / "报告.yaml").read_text(encoding="utf-8"),
        "form": (tmp / "2023.yaml").read_text(encoding="utf-8"),
    }


@_BOUNDED
@given(wraps=_WRAPS)
def test_text_in_content_controls_is_read_as_without_them(
    tmp_path_factory, sample_docx, project_form_docx, plain_imports, wraps
):
    tmp = tmp_path_factory.mktemp("controls")
    report = tmp / "报告.docx"
    report.write_bytes(_rewritten(sample_docx.read_bytes(), "word/document.xml", lambda root: _wrapped(root, wraps)))
    assert run("import", report, "-o", tmp / "报告.yaml").exit_code == 0
    written = (tmp / "报告.yaml").read_text(encoding="utf-8")
    assert written.replace("报告.docx", "X") == plain_imports["report"].replace(sample_docx.name, "X")
    form = tmp / project_form_docx.name
    form.write_bytes(
        _rewritten(project_form_docx.read_bytes(), "word/document.xml", lambda root: _wrapped(root, wraps))
    )
    shutil.copy(SAMPLE, tmp / "2023.yaml")
    assert run("import", form, "--into", tmp / "2023.yaml", "--force").exit_code == 0
    assert (tmp / "2023.yaml").read_text(encoding="utf-8") == plain_imports["form"]


def test_rows_past_the_last_read_of_a_word_table_are_said(tmp_path, sample_docx, monkeypatch):
    """(At a bound of 3 rows, so that a small report crosses it.)"""
    from reportgen.importing import document

    monkeypatch.setattr(document, "MAX_ROWS", 3)
    result = run("import", sample_docx, "-o", tmp_path / "导入.yaml")
    assert result.exit_code == 0, result.output
    said = result.stderr.splitlines()
    assert f"{sample_docx} 提示：第 1 个表格第 3 行以后的行未读取（只读前 3 行）" in said
    assert all("行以后的行未读取（只读前 3 行）" in line for line in said)
