"""The one way import opens a .docx or .xlsx: a zip package read with every size
bounded before it is used.

The file must be a regular file of at most :data:`MAX_FILE_BYTES`; the package
at most :data:`MAX_PARTS` parts, each unpacking (as its own header says, and as
read, in bounded chunks) to at most :data:`MAX_PART_BYTES`, all together to at
most :data:`MAX_UNPACKED_BYTES`.  A zip bomb is refused before it is unpacked.

A workbook's sheets are rewritten before openpyxl sees them: only the first
:data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns are kept, merged ranges
are clipped to them and bounded in the cells they cover (openpyxl makes an object for every cell a merged range
covers: ``A1:XFD1048576`` is seventeen billion), and a cell whose saved value is
not what its type says (a shared-string index past the strings there are, a number
that is none or of thousands of digits, a date that is none) is an empty cell, where
openpyxl would refuse the whole workbook.  What is left out is said, a line for each
kind and sheet, for the user's 提示.  Each sheet is streamed, so its work is linear
in its size.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

from lxml import etree

from ..diagnostics import InvalidInput, error

#: A report or a form is well under a megabyte; a workbook of a year's accounts a few.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PARTS = 2_000
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: What is read of each worksheet.
MAX_ROWS = 2_000
MAX_COLUMNS = 64
#: Cells all merged ranges of a sheet may cover (a form has a few hundred); ranges past it are left out.
MAX_MERGED_CELLS = 20_000
#: Worksheets read of a workbook.
MAX_SHEETS = 50
_CHUNK = 1024 * 1024
_SHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CELL_NAME = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_TOO_LARGE = "文件解压后过大，不像是一份报告或表格，未读取"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read(path: Path, kind: str) -> dict[str, bytes]:
    """Every part of the package by name; ``kind`` names the file in messages ("Word 文件（.docx）")."""
    damaged = f"不是有效的{kind}（可能已损坏、已加密，或其实是别的格式）"
    if not path.is_file():
        raise InvalidInput([error("文件不存在，或不是普通文件")])
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput([error(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不像是一份报告或表格，未读取")])
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_PARTS:
                raise InvalidInput([error(f"文件中的部件超过 {MAX_PARTS} 个，不像是一份报告或表格，未读取")])
            declared = [entry.file_size for entry in entries]
            if max(declared, default=0) > MAX_PART_BYTES or sum(declared) > MAX_UNPACKED_BYTES:
                raise InvalidInput([error(_TOO_LARGE)])
            return {entry.filename: _bounded_read(archive, entry) for entry in entries if not entry.is_dir()}
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, RuntimeError, EOFError, NotImplementedError):
        raise InvalidInput([error(damaged)]) from None


def _bounded_read(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """The part, read a chunk at a time and given up once past what its header declared."""
    chunks, size = [], 0
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > entry.file_size or size > MAX_PART_BYTES:
                raise InvalidInput([error(_TOO_LARGE)])
            chunks.append(chunk)
    return b"".join(chunks)


def workbook(path: Path, left_out: list[str]):
    """The workbook (openpyxl, saved values only: formulas, links and macros left alone), its sheets
    bounded; what is left out of them is said in ``left_out``, a line for each kind and sheet."""
    import openpyxl

    parts = read(path, "Excel 文件（.xlsx）")
    try:
        strings = _count_strings(parts.get("xl/sharedStrings.xml"))
        titles = _sheet_titles(parts)
        sheets = {
            name: _bounded_sheet(data, strings, _Said(f"工作表“{titles.get(name, name)}”", left_out))
            for name, data in sorted(parts.items())
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }
        return openpyxl.load_workbook(packed(parts | sheets), data_only=True, keep_links=False, keep_vba=False)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InvalidInput([error("无法读取这个 .xlsx 文件（可能已损坏或加密）")]) from None


def worksheets(book, left_out: list[str]) -> list:
    """The workbook's first :data:`MAX_SHEETS` worksheets (the others said in ``left_out``)."""
    if len(book.worksheets) > MAX_SHEETS:
        left_out.append(
            f"第 {MAX_SHEETS} 个以后的 {len(book.worksheets) - MAX_SHEETS} 个工作表未读取（只读前 {MAX_SHEETS} 个）"
        )
    return book.worksheets[:MAX_SHEETS]


def packed(parts: dict[str, bytes]) -> io.BytesIO:
    """The parts as a package in memory, for a library that opens packages (python-docx, openpyxl)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def _count_strings(data: bytes | None) -> int:
    if not data:
        return 0
    return sum(1 for _ in etree.iterparse(io.BytesIO(data), events=("end",), tag=f"{{{_SHEET}}}si", **_ITERPARSE))


_ITERPARSE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


class _Said:
    """What one sheet's reading left out, gathered so that each kind is one line."""

    def __init__(self, sheet: str, left_out: list[str]) -> None:
        self.sheet = sheet
        self.left_out = left_out
        self.kinds: dict[str, list[str]] = {}

    def add(self, kind: str, where: str) -> None:
        self.kinds.setdefault(kind, []).append(where)

    def close(self) -> None:
        for kind, places in self.kinds.items():
            shown = "、".join(places[:3]) + (f" 等 {len(places)} 处" if len(places) > 3 else "")
            self.left_out.append(f"{self.sheet}{_KINDS[kind].format(where=shown)}")


#: A number as a cell holds it: at most :data:`_DIGITS` characters, finite.
_CELL_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?")
_DIGITS = 40
_TYPES = ("n", "s", "str", "inlineStr", "b", "e", "d")


_KINDS = {
    "rows": f"第 {MAX_ROWS} 行以后有内容的行（第 {{where}} 行）未读取（只读前 {MAX_ROWS} 行）",
    "columns": f"的单元格 {{where}} 在第 {MAX_COLUMNS} 列以后，未读取（只读前 {MAX_COLUMNS} 列）",
    "string": "的单元格 {where} 引用的共享字符串不存在，按空单元格读取",
    "number": f"的单元格 {{where}} 标为数值，所存的却不是数（或超过 {_DIGITS} 位），按空单元格读取",
    "date": "的单元格 {where} 标为日期，所存的却不是日期，按空单元格读取",
    "type": "的单元格 {where} 的类型无法识别，按空单元格读取",
    "merge": "的合并区域 {where} 不是有效的单元格区域，未使用",
    "merged": f"的合并区域 {{where}} 使合并的单元格超过 {MAX_MERGED_CELLS} 个，未按合并读取",
}


def _bounded_sheet(data: bytes, strings: int, said: _Said) -> bytes:
    """The sheet with only its first rows and columns, every cell and row given its
    place explicitly, merged ranges clipped to them and shared-string indexes checked."""
    s = f"{{{_SHEET}}}"
    out = etree.Element(f"{s}worksheet", nsmap={None: _SHEET})
    sheet_data = etree.SubElement(out, f"{s}sheetData")
    merges: list[tuple[int, int, int, int]] = []
    covered = 0
    row_number = 0
    for _, element in etree.iterparse(io.BytesIO(data), events=("end",), **_ITERPARSE):
        if element.tag == f"{s}row":
            row_number = _bounded_index(element.get("r"), row_number + 1)
            if row_number <= MAX_ROWS:
                sheet_data.append(_bounded_row(element, row_number, strings, said))
            elif any(_has_content(cell) for cell in element.iterchildren(f"{s}c")):
                said.add("rows", str(row_number))
            element.clear()
        elif element.tag == f"{s}mergeCell":
            ref = element.get("ref") or ""
            found = _range(ref)
            if found is None:
                said.add("merge", f"“{ref[:30]}”")
            elif found[0] <= MAX_ROWS and found[1] <= MAX_COLUMNS:
                top, left, bottom, right = found
                found = (top, left, min(bottom, MAX_ROWS), min(right, MAX_COLUMNS))
                covered += (found[2] - top + 1) * (found[3] - left + 1)
                if covered <= MAX_MERGED_CELLS:
                    merges.append(found)
                else:
                    said.add("merged", ref)
        elif element.tag == f"{s}sheetData":
            element.clear()
    said.close()
    if merges:
        listed = etree.SubElement(out, f"{s}mergeCells")
        for top, left, bottom, right in merges:
            ref = f"{_column_name(left)}{top}:{_column_name(right)}{bottom}"
            etree.SubElement(listed, f"{s}mergeCell", ref=ref)
    return etree.tostring(out, xml_declaration=True, encoding="UTF-8")


def _bounded_row(row, number: int, strings: int, said: _Said):
    s = f"{{{_SHEET}}}"
    kept = etree.Element(f"{s}row", r=str(number))
    column = 0
    for cell in row.iterchildren(f"{s}c"):
        named = _CELL_NAME.fullmatch(cell.get("r") or "")
        column = _column_number(named.group(1)) if named else column + 1
        if column > MAX_COLUMNS:
            if _has_content(cell):
                said.add("columns", named.group(0) if named else f"第 {number} 行第 {column} 列")
            continue
        value = cell.find(f"{s}v")
        saved = (value.text or "").strip() if value is not None else ""
        if cell.get("t") == "s" and not saved:
            continue  # a shared string without its index: an empty cell
        problem = _value_problem(cell.get("t") or "n", saved, strings)
        if problem:
            said.add(problem, f"{_column_name(column)}{number}")
            continue  # read as an empty cell (openpyxl would refuse the whole workbook)
        cell.set("r", f"{_column_name(column)}{number}")
        kept.append(cell)
    return kept


def _value_problem(kind: str, saved: str, strings: int) -> str | None:
    """Why a cell's saved value cannot be what its type says (a kind of :data:`_KINDS`), or None."""
    if kind not in _TYPES:
        return "type"
    if kind == "s":
        return None if saved.isdigit() and len(saved) <= 9 and int(saved) < strings else "string"
    if not saved or kind in ("str", "inlineStr", "e"):
        return None  # nothing saved (an inline string keeps its text elsewhere), or text
    if len(saved) > _DIGITS:
        return "date" if kind == "d" else "number"
    if kind == "n":
        return None if _CELL_NUMBER.fullmatch(saved) and math.isfinite(float(saved)) else "number"
    if kind == "b":
        return None if saved in ("0", "1") else "number"
    from openpyxl.utils.datetime import from_ISO8601

    try:
        from_ISO8601(saved)
    except ValueError:
        return "date"
    return None


def _has_content(cell) -> bool:
    return any((child.text or "").strip() for child in cell.iter())


def _sheet_titles(parts: dict[str, bytes]) -> dict[str, str]:
    """Each worksheet part's title as the workbook names it ("xl/worksheets/sheet1.xml" → "预算执行")."""
    relations = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = etree.fromstring(parts.get("xl/workbook.xml", b""), PARSER)
        links = etree.fromstring(parts.get("xl/_rels/workbook.xml.rels", b""), PARSER)
    except etree.XMLSyntaxError:
        return {}
    targets = {link.get("Id"): link.get("Target") or "" for link in links}
    titles = {}
    for sheet in book.iter(f"{{{_SHEET}}}sheet"):
        target = targets.get(sheet.get(relations), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        titles[part] = (sheet.get("name") or "")[:31]
    return titles


def _bounded_index(written: str | None, default: int) -> int:
    return int(written) if written and written.isdigit() and len(written) <= 7 else default


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of a range such as B2:C3, or None."""
    corners = [_CELL_NAME.fullmatch(part) for part in ref.split(":")]
    if len(corners) != 2 or not all(corners):
        return None
    (left, top), (right, bottom) = ((_column_number(m.group(1)), int(m.group(2))) for m in corners if m)
    if not (1 <= top <= bottom and 1 <= left <= right):
        return None
    return top, left, bottom, right


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_name(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
