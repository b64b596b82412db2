"""Amounts from an Excel export of the 预算管理一体化系统 or a 决算报表.

Every sheet is read as a table by what its headers mean (:mod:`.tables`: one
to three header rows with merged cells, the unit from the title or a header);
合计 rows give the totals, 基本支出/项目支出 rows the parts (人员经费 and 公用经费
go to 基本支出), other named rows the projects.  Rows of a 功能分类 table (a
column of codes such as 2010101) are subjects, never projects; 小计 rows are
checks, not lines.  Where two sheets give a value differently, it is not used
and the difference is said.  Safe on hostile files: the package is measured
before it is opened, formulas are read as their saved values and never
evaluated, external links are not followed, macros are never run, and only
the first rows and columns of each sheet are read, merged ranges included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..diagnostics import InvalidInput, error
from . import package, tables
from .normalise import Names, Text
from .normalise import read as read_text


@dataclass
class SheetAmounts:
    #: Sheet name → the row numbers (as Excel shows them) used from it.
    used: dict[str, list[int]] = field(default_factory=dict)
    #: The unit each used sheet gave its amounts in.
    units: dict[str, str] = field(default_factory=dict)
    #: Data path under 收支 → value (万元).
    values: dict[tuple, Decimal] = field(default_factory=dict)
    #: Project name → its amounts, in the order of the sheets.
    projects: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    #: Each row's name as first spelt (a sheet that spaces a name otherwise names the same project).
    names: Names = field(default_factory=Names)
    #: What was read differently in two places, or is not an amount.
    problems: list[str] = field(default_factory=list)
    #: What was left out as past the reader's bounds, one line each, for a 提示.
    left_out: list[str] = field(default_factory=list)


def read(path: Path) -> SheetAmounts:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InvalidInput([error("应为 Excel 文件（.xlsx）；.xls 请先在 Excel/WPS 中另存为 .xlsx")])
    found = SheetAmounts()
    workbook = package.workbook(path, found.left_out)
    seen: dict[tuple, tuple[Decimal, str]] = {}
    for sheet in package.worksheets(workbook, found.left_out):
        _read_sheet(sheet, found, seen)
    if not found.used:
        raise InvalidInput([error("没有找到有“项目名称”和“调整预算数/全年预算数”“决算数/支出数”等列的工作表")])
    return found


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return str(value).strip()


def _grid(sheet) -> list[list[Text]]:
    """The sheet's first rows and columns as text, merged cells filled with their value."""
    rows_count = min(sheet.max_row or 0, package.MAX_ROWS)
    columns = min(sheet.max_column or 0, package.MAX_COLUMNS)
    raw = (
        [
            [_cell_text(cell.value) for cell in row]
            for row in sheet.iter_rows(min_row=1, max_row=rows_count, max_col=columns)
        ]
        if rows_count and columns
        else []
    )
    for merged in sheet.merged_cells.ranges:
        if merged.min_row > len(raw) or merged.min_col > columns:
            continue
        value = raw[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, min(merged.max_row, len(raw)) + 1):
            for c in range(merged.min_col, min(merged.max_col, columns) + 1):
                raw[r - 1][c - 1] = value
    texts = {value: read_text(value) for value in {value for row in raw for value in row}}
    return [[texts[value] for value in row] for row in raw]


def _read_sheet(sheet, found: SheetAmounts, seen: dict) -> None:
    grid = _grid(sheet)
    for block in tables.blocks(grid, sheet.title):
        amounts = [k for k in tables.AMOUNT_KEYS if k in block.columns]
        if not amounts or not ({"名称", "编码"} & set(block.columns) or block.rows):
            continue
        coded = "编码" in block.columns or any(row.kind == "subject" for row in block.rows)
        used = []
        for row in block.rows:
            if row.kind in ("subject", "subtotal", "income") or not row.name:
                continue
            if row.kind == "project" and coded:
                continue  # a 功能分类 table names subjects, not projects
            name = found.names.add(row.written)
            for key in amounts:
                cell = row.cells.get(key)
                if cell is None:
                    continue
                value = tables.number_in(cell, block.units.get(key, "万元"))
                where = f"工作表“{sheet.title}”第 {row.number} 行“{row.written}”"
                if value.bad:
                    found.problems.append(f"{where}的“{key}”为“{value.bad}”，不是金额，未使用")
                    continue
                if value.number is None:
                    continue
                path = _path(row, name, key)
                if path is None:
                    continue
                if path in seen and seen[path][0] != value.number:
                    found.problems.append(
                        f"{'.'.join(map(str, path))}：{seen[path][1]}为 {seen[path][0]}，{where}为 {value.number}，两处不一致，未使用"
                    )
                    found.values.pop(path, None)
                    found.projects.get(name, {}).pop(key, None)
                    continue
                seen[path] = (value.number, where)
                if path[1] == "项目":
                    found.projects.setdefault(name, {})[key] = value.number
                else:
                    found.values[path] = value.number
                if row.number not in used:
                    used.append(row.number)
        if used:
            found.used.setdefault(sheet.title, []).extend(used)
            found.units[sheet.title] = block.units.get(amounts[0], "万元")


def _path(row: tables.Row, name: str, key: str) -> tuple | None:
    if row.kind == "total":
        return ("收支", key)
    if row.kind == "part":
        if row.name in ("人员经费", "公用经费"):
            return ("收支", "基本支出", row.name) if key == "决算" else None
        return ("收支", row.name, key)
    return ("收支", "项目", name, key)


def summary(found: SheetAmounts) -> str:
    lines = [
        f"从工作表“{name}”（单位：{found.units[name]}）读取第 {'、'.join(map(str, rows))} 行。"
        for name, rows in found.used.items()
    ]
    lines += [f"注意：{problem}" for problem in found.problems]
    return "\n".join(lines)
