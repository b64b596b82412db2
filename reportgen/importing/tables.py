"""Tables read by what their headers mean, for a report's tables and an Excel sheet alike.

A table is a grid of cells (merged cells already repeated in every slot they
cover).  It may hold several blocks, each under its own header band of one to
three rows (a 财预〔2020〕10号 自评表 has a fund block, a goals block and an
indicator block).  A column is known by its header words and their synonyms
(``分值（分）``, ``分 值`` and ``满分`` are one column); the row labels are the
column of names (a block label merged down the whole block, such as 绩效指标,
is skipped), stripped of 一、 1. （一） 其中：; each row is classed as a total,
a subtotal, a part (基本支出 …), an income line, a subject row of the 功能分类
(a code column) or a project.  A cell that is not what its column needs is
kept as text for the reader to quote, never an exception.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..numbers import half_up
from .normalise import Text, reading

#: Column key → header words that name it, most specific first.  Matched on the
#: header's reading form without brackets (units) and spaces.
COLUMNS: dict[str, tuple[str, ...]] = {
    "编码": ("功能分类科目编码", "科目编码", "科目代码", "功能分类编码", "编码", "代码"),
    "名称": ("项目名称", "科目名称", "支出项目", "功能分类科目名称", "预算项目", "名称", "项目", "科目"),
    "年初预算": ("年初预算数", "年初预算", "年初数", "年初预算安排"),
    "调整预算": ("调整后预算数", "调整预算数", "全年预算数", "调整后预算", "调整预算", "全年预算", "预算数"),
    "决算": (
        "全年执行数",
        "实际支出数",
        "决算数",
        "支出决算数",
        "支出决算",
        "执行数",
        "支出数",
        "决算",
        "实际支出",
        "全年支出",
    ),
    "上年决算": ("上年决算数", "上年决算", "上年执行数", "上年支出数"),
    "执行率": ("预算执行率", "执行率", "支出进度"),
    "分值": ("分值", "满分", "标准分值", "标准分", "权重"),
    "得分": ("自评得分", "得分", "评分"),
    "扣分": ("扣减分值", "扣分"),
    "扣分原因": ("扣分原因", "扣分说明", "扣分理由"),
    "一级指标": ("一级指标",),
    "二级指标": ("二级指标",),
    "三级指标": ("三级指标",),
    "年度指标值": ("年度指标值", "年度目标值", "预期指标值", "指标值", "目标值"),
    "实际完成值": ("实际完成值", "全年实际值", "实际值", "完成值"),
    "偏差原因": ("偏差原因分析及改进措施", "偏差原因及改进措施", "偏差原因分析", "偏差原因"),
    "预期目标": ("预期目标",),
    "完成情况": ("实际完成情况",),
}
AMOUNT_KEYS = ("年初预算", "调整预算", "决算", "上年决算")
LEVELS = ("一级指标", "二级指标", "三级指标")
TOTALS = ("合计", "总计", "支出合计", "本年支出合计", "部门整体支出", "部门整体", "年度资金总额", "总分", "合计总分")
PARTS = ("基本支出", "项目支出", "人员经费", "公用经费")
#: Integer digits an amount may have (99999999999.99 万元 is the largest the data takes).
MAX_DIGITS = 15
MAX_HEADER_ROWS = 3
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|（[一二三四五六七八九十\d]+）|\d{1,2}[、.](?!\d{1,2}(?:\D|$))|[①-⑳]|其中[：，]?)+"
)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_UNIT = re.compile(r"(亿元|万元|元)")


def header_word(text: str) -> str:
    """A header's words: reading form without units in brackets, marks and spaces."""
    plain = re.sub(r"（[^）]*）|［[^］]*］", "", reading(text))
    return re.sub(r"[\s：*＊]", "", plain)


@functools.lru_cache(maxsize=4096)
def column_key(text: str) -> str | None:
    word = header_word(text)
    if not word:
        return None
    best: tuple[int, str] | None = None
    for key, words in COLUMNS.items():
        for synonym in words:
            if word == synonym or (
                len(word) <= len(synonym) + 4 and (word.endswith(synonym) or word.startswith(synonym))
            ):
                if best is None or len(synonym) > best[0]:
                    best = (len(synonym), key)
    return best[1] if best else None


def unit_of(text: str) -> str | None:
    """元, 万元 or 亿元 as a caption or header says it (单位：元, （万元）)."""
    plain = reading(text)
    found = re.search(r"单位[：]?(亿元|万元|元)|（(亿元|万元|元)）|［(亿元|万元|元)］", plain)
    return next(g for g in found.groups() if g) if found else None


def written_label(text: Text) -> str:
    """The clerk's label without the numbering the form adds."""
    found = _NUMBERING.match(text.reading)
    return text.written(found.end() if found else 0).strip("：:，, ")


def label(text: str) -> str:
    """A row label without the numbering the form adds (一、 1. （一） 其中：)."""
    return _NUMBERING.sub("", reading(text)).strip("：，。 ")


def row_kind(name: str, code: str = "") -> str:
    plain = name.replace(" ", "")
    if plain in TOTALS or plain.endswith("合计") or plain.endswith("总计"):
        return "total"
    if plain == "小计" or plain.endswith("小计"):
        return "subtotal"
    if plain in PARTS:
        return "part"
    if code and _CODE.match(code):
        return "subject"
    if plain.endswith("收入") and len(plain) <= 12:
        return "income"
    return "project"


@dataclass(frozen=True)
class Value:
    """What a cell says under a column of amounts or points."""

    #: In 万元 for amounts (converted from the column's unit), as typed for points.
    number: Decimal | None
    #: The cell as typed, when it is not a number (quoted in the comment), else "".
    bad: str = ""


def number_in(text: Text | str, unit: str = "万元", kind: str = "amount") -> Value:
    """A cell's number; "—", "-", "/" and blanks say nothing; anything else not a
    number is bad (quoted for the clerk)."""
    plain = reading(str(text.raw if isinstance(text, Text) else text))
    if plain in ("", "—", "-", "/", "——", "－", "无", "——"):
        return Value(None)
    found_unit = _UNIT.search(plain)
    if found_unit:
        unit = found_unit.group(1)
    stripped = re.sub(r"(亿元|万元|元|分|%)$", "", plain).strip()
    if not _NUMBER.match(stripped) or len(stripped.split(".")[0].lstrip("+-")) > MAX_DIGITS:
        return Value(None, str(text.written() if isinstance(text, Text) else text))
    number = Decimal(stripped)
    if kind == "amount":
        if unit == "元":
            number = half_up(number / 10000)
        elif unit == "亿元":
            number = half_up(number * 10000)
    return Value(number)


@dataclass
class Row:
    #: 1-based row number in the table (or sheet).
    number: int
    name: str
    kind: str
    cells: dict[str, Text]
    #: The label as typed (for the data file).
    written: str = ""
    code: str = ""
    #: The same row read as a named line, where its leading digits may be a code.
    plain: Row | None = None


@dataclass
class Block:
    columns: dict[str, int]
    #: Unit per amount column.
    units: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    #: 1-based number of the block's first header row.
    header: int = 1


def _is_number(text: Text) -> bool:
    plain = re.sub(r"(亿元|万元|元|分|%)$", "", text.reading)
    return bool(_NUMBER.match(plain))


def _header_keys(row: list[Text]) -> dict[str, int]:
    keys: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = column_key(cell.reading) if cell.reading and not _is_number(cell) else None
        if key is not None and key not in keys:
            keys[key] = i
    return keys


def blocks(rows: list[list[Text]], caption: str = "") -> list[Block]:
    """The table's blocks, each under its header band."""
    found: list[Block] = []
    table_unit = unit_of(caption)
    r = 0
    title_unit = None
    while r < len(rows):
        keys = _header_keys(rows[r])
        if len(keys) < 2 or any(_is_number(c) for c in rows[r] if c.reading):
            if not found:
                title_unit = title_unit or unit_of(" ".join(dict.fromkeys(c.reading for c in rows[r])))
            else:
                _add_row(found[-1], rows[r], r + 1)
            r += 1
            continue
        band = [rows[r]]
        while (
            len(band) < MAX_HEADER_ROWS
            and r + len(band) < len(rows)
            and not any(_is_number(c) for c in rows[r + len(band)] if c.reading)
            and _header_keys(rows[r + len(band)])
            and _sub_header(band, rows[r + len(band)])
        ):
            band.append(rows[r + len(band)])
        columns: dict[str, int] = {}
        units: dict[str, str] = {}
        width = max(len(b) for b in band)
        band_unit = None
        for c in range(width):
            parts = [b[c].reading for b in band if c < len(b) and b[c].reading]
            for part in reversed(parts):  # the lowest header row is the most specific
                key = column_key(part)
                if key is not None:
                    if key not in columns:
                        columns[key] = c
                        unit = next((unit_of(p) for p in reversed(parts) if unit_of(p)), None)
                        if unit:
                            units[key] = unit
                    break
            band_unit = band_unit or next((unit_of(p) for p in parts if unit_of(p)), None)
        if "完成情况" in columns and "实际完成值" not in columns and ("年度指标值" in columns or "三级指标" in columns):
            columns["实际完成值"] = columns.pop("完成情况")  # 实际完成情况 beside 年度指标值 is the value
        default = table_unit or title_unit or band_unit or "万元"
        for key in AMOUNT_KEYS:
            units.setdefault(key, default)
        found.append(Block(columns, units, header=r + 1))
        r += len(band)
    for block in found:
        _codes_only_in_a_code_table(block)
        if table_unit:
            _settle_units(block, table_unit)
    return [b for b in found if b.rows or b.columns]


_UNIT_FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def _settle_units(block: Block, table_unit: str) -> None:
    """A header that names a unit other than the caption's is believed only if the
    column's figures then stand beside the other amount columns: 年初预算 and 决算 of
    one table are of one size, never ten thousand times apart."""

    def total(key: str) -> Decimal:
        return sum(
            (abs(number_in(row.cells[key], kind="points").number or 0) for row in block.rows if key in row.cells),
            Decimal(0),
        )

    siblings = [k for k in AMOUNT_KEYS if k in block.columns and block.units.get(k) == table_unit]
    scale = max((total(k) for k in siblings), default=Decimal(0))
    for key in AMOUNT_KEYS:
        unit = block.units.get(key)
        if key not in block.columns or unit == table_unit or not scale:
            continue
        mine = total(key)
        as_header = mine * _UNIT_FACTOR[unit] / _UNIT_FACTOR[table_unit]
        if mine and abs((as_header / scale).ln()) > abs((mine / scale).ln()):
            block.units[key] = table_unit


def _sub_header(band: list[list[Text]], row: list[Text]) -> bool:
    """A row under a header that adds sub-columns (年初预算数 | 调整预算数 under 预算数)."""
    above = {column_key(c.reading) for b in band for c in b if c.reading}
    return any(column_key(c.reading) not in above for c in row if c.reading)


def _add_row(block: Block, cells: list[Text], number: int) -> None:
    if not any(c.reading for c in cells):
        return
    named = {key: cells[i] for key, i in block.columns.items() if i < len(cells)}
    code = named["编码"].reading if "编码" in named else ""
    name_cell = _name_cell(block, cells)
    name = label(name_cell.reading) if name_cell is not None else ""
    written = written_label(name_cell) if name_cell is not None else ""
    leading = re.match(r"^(\d{3,7})\s*(.*)$", name) if not code else None
    if leading and _CODE.match(leading.group(1)):
        row = Row(
            number, leading.group(2), row_kind(leading.group(2), leading.group(1)), named, written, leading.group(1)
        )
        row.plain = Row(number, name, row_kind(name), named, written)
        block.rows.append(row)
        return
    block.rows.append(Row(number, name, row_kind(name, code), named, written, code))


def _codes_only_in_a_code_table(block: Block) -> None:
    """A label that starts with digits is a 功能分类 code only in a table of them
    (several such rows); else it is part of the name ("12345热线运营项目")."""
    coded = [row for row in block.rows if getattr(row, "plain", None) is not None]
    if "编码" not in block.columns and len(coded) < 3:
        block.rows = [row.plain or row for row in block.rows]


def _name_cell(block: Block, cells: list[Text]) -> Text | None:
    """The row's label: the 名称 column, else the last text column before the
    first column of numbers (a block label repeated down the block is skipped)."""
    if "名称" in block.columns and block.columns["名称"] < len(cells):
        return cells[block.columns["名称"]]
    known = set(block.columns.values())
    first_number = min(
        (i for k, i in block.columns.items() if k in AMOUNT_KEYS or k in ("分值", "得分")), default=len(cells)
    )
    candidates = [i for i in range(min(first_number, len(cells))) if i not in known and cells[i].reading]
    if not candidates:
        return None
    # Prefer the rightmost distinct text (a merged block label sits to its left).
    return cells[candidates[-1]]


def fill_levels(block: Block) -> None:
    """Blank cells of the indicator levels taken from the row above, where a
    deeper level of the same row is filled (the parent was not repeated)."""
    present = [key for key in LEVELS if key in block.columns]
    previous: dict[str, Text] = {}
    for row in block.rows:
        filled = [key for key in present if key in row.cells and row.cells[key].reading]
        deepest = present.index(filled[-1]) if filled else -1
        for key in present[:deepest]:
            if key not in row.cells or not row.cells[key].reading:
                if key in previous:
                    row.cells[key] = previous[key]
        for key in present:
            if key in row.cells and row.cells[key].reading:
                previous[key] = row.cells[key]
