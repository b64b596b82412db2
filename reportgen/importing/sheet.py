"""Amounts from an Excel export of the 预算管理一体化系统 or a 决算报表.

Columns are found by their header words (项目名称, 年初预算数, 调整预算数 or
全年预算数, 决算数 or 支出数 or 执行数), over one or two header rows with merged
cells; the unit from the headers or the title (元 is turned into 万元, half up);
合计 rows give the totals.  Safe on hostile files: the package is measured
before it is opened, formulas are read as their saved values and never
evaluated, external links are not followed, macros are never run, and only the
first rows and columns of each sheet are read.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..computation import half_up
from ..diagnostics import InvalidInput, error

MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 2_000
MAX_COLUMNS = 50
HEADER_ROWS = 20

#: Column → the header words that name it.
COLUMNS = {
    "名称": ("项目名称", "科目名称", "项目", "名称"),
    "年初预算": ("年初预算数", "年初预算"),
    "调整预算": ("调整预算数", "调整后预算数", "全年预算数", "调整预算"),
    "决算": ("决算数", "全年执行数", "支出数", "执行数", "决算", "实际支出"),
}
TOTALS = ("合计", "总计")
PARTS = ("基本支出", "项目支出")


@dataclass
class SheetAmounts:
    sheet: str
    #: 元 or 万元, as the sheet says.
    unit: str
    parts: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    projects: list[dict] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    #: Row numbers (1-based, as Excel shows them) that were used.
    rows: list[int] = field(default_factory=list)


def read(path: Path) -> SheetAmounts:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InvalidInput([error("应为 Excel 文件（.xlsx）；.xls 请先在 Excel/WPS 中另存为 .xlsx")])
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(item.file_size for item in archive.infolist())
    except (OSError, zipfile.BadZipFile):
        raise InvalidInput([error("不是有效的 .xlsx 文件（可能已损坏）")]) from None
    if size > MAX_PACKAGE_BYTES:
        raise InvalidInput([error("文件解压后过大，不像是一张预算表，未读取")])
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True, keep_links=False, keep_vba=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InvalidInput([error("无法读取这个 .xlsx 文件（可能已损坏或加密）")]) from None
    for sheet in workbook.worksheets:
        found = _read_sheet(sheet)
        if found is not None:
            return found
    raise InvalidInput([error("没有找到有“项目名称”和“调整预算数/全年预算数”“决算数/支出数”等列的工作表")])


def _cells(sheet) -> list[list[str]]:
    """The sheet's first rows and columns as text, merged cells filled with their value."""
    rows = []
    for row in sheet.iter_rows(max_row=min(sheet.max_row, MAX_ROWS), max_col=min(sheet.max_column, MAX_COLUMNS)):
        rows.append(["" if cell.value is None else str(cell.value).strip() for cell in row])
    for merged in sheet.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else ""
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            for c in range(merged.min_col, min(merged.max_col, MAX_COLUMNS) + 1):
                if c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = value
    return rows


def _column_of(words: tuple[str, ...], headers: list[str]) -> int | None:
    for word in words:
        for i, header in enumerate(headers):
            if re.sub(r"\s|（.*?）|\(.*?\)", "", header).endswith(word) or header == word:
                return i
    return None


def _read_sheet(sheet) -> SheetAmounts | None:
    rows = _cells(sheet)
    for top in range(min(HEADER_ROWS, len(rows))):
        # One header row, or two where a merged cell stands over its sub-columns.
        for depth in (1, 2):
            if top + depth > len(rows):
                continue
            headers = [
                " ".join(dict.fromkeys(rows[top + d][c] for d in range(depth) if rows[top + d][c]))
                for c in range(len(rows[top]))
            ]
            headers = [h.split(" ")[-1] if h else "" for h in headers]
            columns = {key: _column_of(words, headers) for key, words in COLUMNS.items()}
            if columns["名称"] is not None and columns["决算"] is not None and columns["调整预算"] is not None:
                context = " ".join(" ".join(row) for row in rows[: top + depth])
                return _amounts(sheet.title, rows, top + depth, columns, context)
    return None


def _amounts(title: str, rows: list[list[str]], first: int, columns: dict, context: str) -> SheetAmounts:
    in_yuan = bool(re.search(r"单位[：:]\s*元|（元）|\(元\)", context)) and not re.search(
        r"单位[：:]\s*万元|（万元）", context
    )
    found = SheetAmounts(title, "元" if in_yuan else "万元")
    for number, row in enumerate(rows[first:], first + 1):
        name = re.sub(r"^(其中[：:])|\s", "", row[columns["名称"]])
        if not name:
            continue
        values = {}
        for key in ("年初预算", "调整预算", "决算"):
            column = columns[key]
            amount = _decimal(row[column]) if column is not None and column < len(row) else None
            if amount is not None:
                values[key] = half_up(amount / 10000) if in_yuan else half_up(amount)
        if not values:
            continue
        found.rows.append(number)
        if name in TOTALS:
            found.totals = values
        elif name in PARTS:
            found.parts[name] = values
        else:
            found.projects.append({"名称": name, **values})
    return found


def _decimal(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None
