"""One 项目支出绩效自评表 (财预〔2020〕10号 style), from a .docx or an .xlsx, as the
data of one project of 收支.项目.

The form is read as one run of rows, whether it is one table, two or more tables
one after another (our own output puts the indicator block in a second table),
or a worksheet; paragraphs between and below the tables are rows of one cell.
Every cell remembers where it was typed (its *origin*): a cell spanning columns,
a ``w:vMerge`` continue cell or an .xlsx merged range is the same cell in each
slot it covers, so that a label is not taken for its own value and a name
merged down is carried to the rows below it (an empty cell under a filled one
carries the name too).

What is read, by words and never by position:

* 项目名称, 主管部门, 实施单位: a label with its value in the next cell or cells
  of the row (or after a colon in the label's own cell, or under a row of
  labels only), on one row or several;
* the fund block, under a header naming 年初预算数, 全年预算数 and 全年执行数 (or
  their synonyms): the 年度资金总额 row and the rows 其中 (当年/本年财政拨款,
  上年结转资金, 其他资金 or any other label with a figure);
* 年度总体目标: 预期目标 and 实际完成情况, under their labels or beside them;
* the indicator block, under a header naming 一级/二级/三级指标: each 三级指标
  with 年度指标值, 实际完成值, 分值, 得分 and 偏差原因 (a row "预算执行率" standing
  alone at 一级 is the fund block's score and is skipped; 小计 and 总分 rows
  are checks);
* 填报人, 联系电话 and 填报日期 from a line below (or in) the table.

The fund block's 分值/执行率/得分, the 总分 and the 自评等级 are computed by the
tool and are not returned; a 三级指标's 得分 is, for a caller to compare.

Safe on hostile files: the file's size and the size of each package entry are
checked before anything is unpacked, word/document.xml is read with a bounded
read and parsed without entities or network, an .xlsx is opened by openpyxl
with its saved values (formulas never evaluated, links and macros left alone),
and only the first rows and columns are read.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from ..diagnostics import InvalidInput, error
from . import package
from .document import CONTAINERS, W, grid, text_of
from .normalise import Text, reading
from .normalise import read as read_text

MAX_ROWS = package.MAX_ROWS
MAX_COLUMNS = package.MAX_COLUMNS
MAX_CELLS = 200_000
MAX_LINES = 20_000
#: Integer digits a figure may have.
MAX_DIGITS = 15

#: Column key → header words naming it (matched on the header's words without
#: brackets, marks and spaces; the longest synonym that fits wins).
COLUMNS: dict[str, tuple[str, ...]] = {
    "一级指标": ("一级指标",),
    "二级指标": ("二级指标",),
    "三级指标": ("三级指标",),
    "年初预算": ("年初预算数", "年初预算", "年初数", "年初安排数"),
    "调整预算": ("全年预算数", "调整后预算数", "调整预算数", "调整后预算", "调整预算", "全年预算", "预算数"),
    "决算": ("全年执行数", "实际执行数", "执行数", "决算数", "实际支出数", "实际支出", "支出数", "决算"),
    "执行率": ("执行率", "预算执行率"),
    "年度指标值": ("年度指标值", "年度目标值", "预期指标值", "指标值", "目标值"),
    "实际完成值": ("实际完成值", "全年实际值", "完成值", "实际值"),
    "分值": ("分值", "权重", "满分", "标准分值", "权重分值"),
    "得分": ("得分", "自评得分", "实际得分", "评分"),
    "偏差原因": (
        "偏差原因分析及改进措施",
        "偏差原因及改进措施",
        "偏差原因分析",
        "偏差原因",
        "未完成原因分析",
        "未完成原因",
    ),
}
AMOUNTS = ("年初预算", "调整预算", "决算")
LEVELS = ("一级指标", "二级指标", "三级指标")
LEAF_TEXTS = ("年度指标值", "实际完成值")
LEAF_POINTS = ("分值", "得分")

#: Labels whose value is beside them (or under them) → the words that name them.
LABELS: dict[str, tuple[str, ...]] = {
    "名称": ("项目名称",),
    "主管部门": ("主管部门", "项目主管部门", "主管单位", "主管部门及代码"),
    "实施单位": ("实施单位", "项目实施单位", "实施单位及代码"),
    "预期目标": ("预期目标", "年度预期目标"),
    "实际完成情况": ("实际完成情况", "全年实际完成情况", "实际完成", "完成情况"),
}
GOALS = ("预期目标", "实际完成情况")
#: Other words of the form's labels: never a value.
_OTHER_LABELS = ("年度总体目标", "总体目标", "项目资金", "年度资金总额", "资金总额", "绩效指标", "项目支出绩效自评表")
_ABSENT = ("", "—", "——", "-", "--", "－", "/", "／", "无", "—/—")
_FILLED = ("填报人", "联系电话", "填报日期")
#: Labels that may follow a 填报 value on its line (where that value ends).
_FILLED_NEXT = (
    "填报人",
    "联系电话",
    "填报日期",
    "填报单位",
    "单位负责人",
    "财务负责人",
    "项目负责人",
    "负责人",
    "审核人",
    "联系人",
    "电话",
    "日期",
)
_TOTALS = ("总分", "合计", "总计", "合计总分", "综合得分")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_DATE = re.compile(r"(\d{4})[年./-](\d{1,2})[月./-](\d{1,2})")


# --- the grid ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: Text
    #: (table or sheet, row, column) where the cell was typed; the same for every
    #: slot a spanning or merged cell covers.
    origin: tuple[int, int, int]

    @property
    def reading(self) -> str:
        return self.text.reading


@dataclass
class Line:
    """A table row by grid column, or a paragraph (one cell)."""

    cells: list[Cell]
    #: (table or sheet, row) of this line, to tell a cell typed here from one merged down.
    key: tuple[int, int]
    paragraph: bool = False

    def at(self, column: int | None) -> Cell | None:
        return self.cells[column] if column is not None and 0 <= column < len(self.cells) else None

    def here(self, cell: Cell) -> bool:
        """Typed in this row (not merged down from one above)."""
        return cell.origin[:2] == self.key

    def distinct(self) -> list[tuple[list[int], Cell]]:
        """The row's cells, a spanning cell once, each with the columns it covers."""
        out: list[tuple[list[int], Cell]] = []
        for column, cell in enumerate(self.cells):
            if out and out[-1][1].origin == cell.origin:
                out[-1][0].append(column)
            else:
                out.append(([column], cell))
        return out

    def empty(self) -> bool:
        return not any(cell.reading for cell in self.cells)


# --- reading the files ---------------------------------------------------------------------------------


def read_form(path: Path, left_out: list[str] | None = None) -> dict:
    """The project's data as the data file's keys (only what the form gives); what the
    reader left out as past its bounds is said in ``left_out``."""
    left_out = [] if left_out is None else left_out
    path = Path(path)
    where = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".xlsx", ".xlsm"):
        hint = {".doc": "；.doc 请先在 Word/WPS 中另存为 .docx", ".xls": "；.xls 请先在 Excel/WPS 中另存为 .xlsx"}
        raise InvalidInput(
            [error("自评表应为 Word 文件（.docx）或 Excel 文件（.xlsx）" + hint.get(suffix, ""), file=where)]
        )
    if suffix == ".docx":
        candidates = [_docx_lines(package.read(path, "Word 文件（.docx）"), where, left_out)]
    else:
        candidates = _xlsx_sheets(path, left_out)
    best: _Form | None = None
    for lines in candidates:
        form = _Form()
        form.read(lines)
        if not form.missing():
            return form.result()
        if best is None or len(form.missing()) < len(best.missing()):
            best = form
    missing = best.missing() if best is not None else _Form().missing()
    raise InvalidInput([error(message, file=where) for message in missing])


def _docx_lines(parts: dict[str, bytes], where: str, left_out: list[str]) -> list[Line]:
    from lxml import etree

    if "word/document.xml" not in parts:
        raise InvalidInput([error("不是 Word 文档（缺少 word/document.xml）", file=where)])
    try:
        root = etree.fromstring(parts["word/document.xml"], package.PARSER)
    except etree.XMLSyntaxError:
        raise InvalidInput([error("无法读取这个 .docx 文件（word/document.xml 不是有效的 XML）", file=where)]) from None
    body = root.find(f"{W}body")
    reader = _DocxReader(where, left_out)
    if body is not None:
        reader.blocks(body)
    return reader.lines


class _DocxReader:
    def __init__(self, where: str, left_out: list[str]) -> None:
        self.where = where
        self.left_out = left_out
        self.lines: list[Line] = []
        self.tables = 0
        self.paragraphs = 0
        self.cells = 0

    def add(self, line: Line) -> None:
        self.lines.append(line)
        if len(self.lines) > MAX_LINES:
            raise InvalidInput([error("段落或表格行过多，不像是一张自评表，未读取", file=self.where)])

    def blocks(self, container) -> None:
        for element in container.iterchildren():
            if element.tag == f"{W}p":
                text = read_text(text_of(element))
                self.paragraphs += 1
                if text.reading:
                    key = (-1, self.paragraphs)
                    self.add(Line([Cell(text, (*key, 0))], key, paragraph=True))
            elif element.tag == f"{W}tbl":
                self.tables += 1
                self.table(element, self.tables)
            elif element.tag in CONTAINERS:
                self.blocks(element)

    def table(self, element, number: int) -> None:
        for r, row in enumerate(grid(element, number, self.left_out)):
            self.cells += len(row)
            if self.cells > MAX_CELLS:
                raise InvalidInput([error("表格过大，不像是一张自评表，未读取", file=self.where)])
            self.add(Line([Cell(slot.text, (number, *slot.origin)) for slot in row], (number, r)))


def _xlsx_sheets(path: Path, left_out: list[str]) -> list[list[Line]]:
    workbook = package.workbook(path, left_out)
    try:
        return [_sheet_lines(sheet, number) for number, sheet in enumerate(package.worksheets(workbook, left_out))]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _sheet_lines(sheet, number: int) -> list[Line]:
    rows = min(sheet.max_row or 0, MAX_ROWS)
    columns = min(sheet.max_column or 0, MAX_COLUMNS)
    if not rows or not columns:
        return []
    raw = [
        list(map(_cell_text, values))
        for values in sheet.iter_rows(min_row=1, max_row=rows, max_col=columns, values_only=True)
    ]
    texts = {t: read_text(t) for t in {t for values in raw for t in values}}
    grid = [[Cell(texts[t], (number, r, c)) for c, t in enumerate(values)] for r, values in enumerate(raw)]
    for merged in sheet.merged_cells.ranges:
        if merged.min_row > len(grid) or merged.min_col > columns:
            continue
        top = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, min(merged.max_col, columns)):
                grid[r][c] = top
    return [Line(cells, (number, r)) for r, cells in enumerate(grid)]


# --- words, figures, dates ----------------------------------------------------------------------------


#: A weight written after a group's name in its label.
_WEIGHT = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[）)]$")


def _word(text: str) -> str:
    """A header's or label's words: reading form without bracketed units, marks and spaces."""
    plain = re.sub(r"（[^）]*）|［[^］]*］|【[^】]*】", "", reading(text))
    return re.sub(r"[\s：*＊·.、]", "", plain)


def _column_key(text: str) -> str | None:
    word = _word(text)
    if not word or _NUMBER.fullmatch(word):
        return None
    best: tuple[int, int, str] | None = None
    for key, synonyms in COLUMNS.items():
        for synonym in synonyms:
            exact = word == synonym
            if exact or (len(word) <= len(synonym) + 4 and (word.endswith(synonym) or word.startswith(synonym))):
                rank = (1 if exact else 0, len(synonym), key)
                if best is None or rank[:2] > best[:2]:
                    best = rank
    return best[2] if best else None


def _is_column_word(text: str) -> bool:
    word = _word(text)
    return any(word in synonyms for synonyms in COLUMNS.values())


def _label_of(cell: Cell) -> tuple[str, int | None] | None:
    """(key, start of the inline value or None) when the cell is a label of :data:`LABELS`."""
    word = _word(cell.reading)
    for key, synonyms in LABELS.items():
        if word in synonyms:
            return key, None
    for key, synonyms in LABELS.items():
        for synonym in sorted(synonyms, key=len, reverse=True):
            found = re.match(rf"^\s*{synonym}(?:（[^）]*）)?\s*：\s*(?=\S)", cell.reading)
            if found:
                return key, found.end()
    return None


def _is_label(cell: Cell) -> bool:
    """A cell that names something of the form, never a value."""
    word = _word(cell.reading)
    return bool(word) and (
        any(word in synonyms for synonyms in LABELS.values()) or word in _OTHER_LABELS or _is_column_word(cell.reading)
    )


def _absent(text: Text) -> bool:
    return text.reading.replace(" ", "") in _ABSENT


def _written(text: Text, start: int = 0) -> str | None:
    if _absent(text):
        return None
    value = text.written(start).strip()
    return value or None


def _decimal(text: Text, unit: str = "万元") -> Decimal | None:
    """A figure as written (万元 for amounts, points as they are), at most two decimals;
    None when absent or not a figure."""
    plain = text.reading.replace(" ", "")
    if plain in _ABSENT:
        return None
    found = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)(万元|万|元|分)?", plain)
    if not found or len(found.group(1).split(".")[0].lstrip("+-")) > MAX_DIGITS:
        return None
    try:
        number = Decimal(found.group(1))
    except InvalidOperation:
        return None
    if (found.group(2) or unit) == "元":
        number = (number / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if number.as_tuple().exponent < -2:
        number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return number


def _date(text: str) -> datetime.date | None:
    found = _DATE.search(text)
    if not found:
        return None
    try:
        return datetime.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def _unit(text: str) -> str | None:
    found = re.search(r"（(万元|元)）|单位[：]?(万元|元)", reading(text))
    return (found.group(1) or found.group(2)) if found else None


# --- reading the form ----------------------------------------------------------------------------------


@dataclass
class _Form:
    found: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    goals: dict = field(default_factory=dict)
    tree: list = field(default_factory=list)
    filled: dict = field(default_factory=dict)
    #: What the lines are read as: None (labels and goals), "fund", "indicators", "done"
    #: (after the 总分 row) or "end" (the next project's form begins: not read).
    state: str | None = None
    fund_columns: dict = field(default_factory=dict)
    fund_unit: str = "万元"
    columns: dict = field(default_factory=dict)
    indicator_header: bool = False
    #: Labels waiting for their value in the line below: key → columns.
    pending: dict = field(default_factory=dict)
    #: Names carried down the indicator block: level → name.
    above: dict = field(default_factory=dict)

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            if self.state == "end":
                break
            if line.empty():
                continue
            if self._filled_line(line):
                continue
            if self.pending and self._below_labels(line):
                continue
            if self._indicator_header(line):
                continue
            if self._fund_header(line):
                continue
            if self._labels(line):
                continue
            if self.state == "fund":
                self._fund_row(line)
            elif self.state == "indicators":
                self._indicator_row(line)

    def missing(self) -> list[str]:
        missing = []
        if "名称" not in self.found:
            missing.append("没有找到“项目名称”（及其后的项目名称），不像是一张项目支出绩效自评表")
        if not self.indicator_header:
            missing.append(
                "没有找到绩效指标的表头（“一级指标”“二级指标”“三级指标”“年度指标值”“实际完成值”“分值”等列），"
                "不像是一张项目支出绩效自评表"
            )
        return missing

    def result(self) -> dict:
        out: dict = {}
        for key in ("名称", "主管部门", "实施单位", *AMOUNTS):
            if key in self.found:
                out[key] = self.found[key]
        if self.sources:
            out["资金来源"] = self.sources
        goals = {key: self.goals[key] for key in GOALS if key in self.goals}
        if goals:
            out["年度总体目标"] = goals
        tree = [d for d in (_tidy(node, 0) for node in self.tree) if d]
        if tree:
            out["绩效指标"] = tree
        for key in _FILLED:
            if key in self.filled:
                out[key] = self.filled[key]
        return out

    # --- label rows ---

    def _labels(self, line: Line) -> bool:
        """项目名称, 主管部门, 实施单位, 预期目标, 实际完成情况 on this line; True when it had any."""
        if self.state == "indicators" and line.paragraph:
            return False
        cells = line.distinct()
        seen: list[str] = []
        waiting: dict[str, list[int]] = {}
        for index, (columns, cell) in enumerate(cells):
            labelled = _label_of(cell)
            if labelled is None:
                continue
            key, inline = labelled
            if key == "名称" and "名称" in self.found and self.indicator_header:
                self.state = "end"  # the next project's form
                return True
            if self.state == "indicators" and key not in ("名称",):
                continue  # a 三级指标 named 完成情况 …
            seen.append(key)
            if inline is not None:
                self._set(key, _written(cell.text, inline))
                continue
            value = None
            for _, after in cells[index + 1 :]:
                if not after.reading or _absent(after.text):
                    if after.reading:  # "—": said to be absent
                        break
                    continue
                if _is_label(after) or _label_of(after):
                    break
                value = after
                break
            if value is not None:
                self._set(key, _written(value.text))
            else:
                waiting[key] = columns
        if not seen:
            return False
        if waiting and all(_is_label(c) or not c.reading for _, c in cells):
            self.pending = waiting
        if self.state == "fund" and any(k in GOALS for k in seen):
            self.state = None  # the fund block ends where the goals begin
        return True

    def _below_labels(self, line: Line) -> bool:
        """Values under a row of labels only (预期目标 | 实际完成情况)."""
        pending, self.pending = self.pending, {}
        taken = False
        for columns, cell in line.distinct():
            if not line.here(cell) or not cell.reading or _is_label(cell) or _label_of(cell):
                continue
            if _NUMBER.fullmatch(cell.reading.replace(" ", "")):
                continue
            overlap = {key: len(set(columns) & set(wanted)) for key, wanted in pending.items()}
            key = max(overlap, key=overlap.get) if overlap else None
            if key is not None and overlap[key]:
                self._set(key, _written(cell.text))
                pending.pop(key)
                taken = True
        return taken

    def _set(self, key: str, value: str | None) -> None:
        if not value:
            return
        target = self.goals if key in GOALS else self.found
        target.setdefault(key, value)

    # --- the fund block ---

    def _fund_header(self, line: Line) -> bool:
        if line.paragraph or self.state == "indicators":
            return False
        keys: dict[str, int] = {}
        for columns, cell in line.distinct():
            if _NUMBER.fullmatch(cell.reading.replace(" ", "").rstrip("%")):
                return False
            key = _column_key(cell.reading)
            if key is not None and key not in keys:
                keys[key] = columns[0]
        if sum(1 for key in AMOUNTS if key in keys) < 2:
            return False
        self.fund_columns = {key: keys[key] for key in AMOUNTS if key in keys}
        units = [_unit(c.reading) for c in line.cells if _unit(c.reading)]
        self.fund_unit = units[0] if units else "万元"
        self.state = "fund"
        return True

    def _fund_row(self, line: Line) -> None:
        first = min(self.fund_columns.values())
        label_cells = []
        for columns, cell in line.distinct():
            if columns[0] >= first:
                break
            if cell.reading:
                label_cells.append(cell)
        values = {}
        for key, column in self.fund_columns.items():
            cell = line.at(column)
            if cell is None or cell in label_cells:
                continue
            number = _decimal(cell.text, self.fund_unit)
            if number is not None:
                values[key] = number
        if not values:
            return
        name = _fund_name(label_cells)
        if name is None:
            return
        if name == "总额":
            for key, value in values.items():
                self.found.setdefault(key, value)
        else:
            self.sources.setdefault(name, values)

    # --- the indicator block ---

    def _indicator_header(self, line: Line) -> bool:
        if line.paragraph:
            return False
        keys: dict[str, int] = {}
        situation = None
        for columns, cell in line.distinct():
            key = _column_key(cell.reading)
            if key is not None and key not in keys:
                keys[key] = columns[0]
            elif key is None and _word(cell.reading) in ("实际完成情况", "完成情况", "全年实际完成情况"):
                situation = columns[0]
        if not ("三级指标" in keys or ("一级指标" in keys and "二级指标" in keys)):
            return False
        if not any(key in keys for key in (*LEAF_TEXTS, *LEAF_POINTS)):
            return False
        if "实际完成值" not in keys and situation is not None:
            keys["实际完成值"] = situation
        self.columns = keys
        self.indicator_header = True
        self.state = "indicators"
        self.pending = {}
        return True

    def _indicator_row(self, line: Line) -> None:
        if line.paragraph or (len(line.cells) > 1 and len({c.origin for c in line.cells}) == 1):
            return  # a paragraph between tables, or a note across the whole table
        levels = [key for key in LEVELS if key in self.columns]
        cells = {key: line.at(self.columns[key]) for key in levels}
        names: dict[str, str] = {}
        for index, key in enumerate(levels):
            cell = cells[key]
            name = _written(cell.text) if cell is not None and cell.reading else None
            if name and any(cells[k] is not None and cells[k].origin == cell.origin for k in levels[:index]):
                name = None  # the level to its left spans into this column
            if name and key != "三级指标":
                name = _WEIGHT.sub("", name)  # “产出指标（50分）”: the weight is the tool's to add up
            names[key] = name or ""
        typed = [key for key in levels if names[key]]
        if not typed:
            return
        first = names[typed[0]]
        word = _word(first)
        if word in _TOTALS or word.startswith(("总分", "合计")):
            self.state = "done"
            return
        if word.endswith("小计") or re.match(r"^(说明|备注|注)(：|$|\d)", reading(first)):
            return
        name_origins = {cell.origin for cell in cells.values() if cell is not None and cell.reading}
        leaf = self._leaf_values(line, name_origins)
        deepest = typed[-1]
        depth = levels.index(deepest)
        if deepest == "一级指标" and _word(names[deepest]).startswith("预算执行率"):
            return  # the fund block's score, computed by the tool
        path = []
        for index, key in enumerate(levels[:depth]):
            name = names[key] or self.above.get(key, "")
            path.append(name)
            self._carry(levels, index, name)
        self._carry(levels, depth, names[deepest])
        if not leaf and deepest != levels[-1]:
            return  # a name alone on its row: the parent of the rows below
        self._place(levels, [*path, names[deepest]], depth, {"名称": names[deepest], **leaf})

    def _carry(self, levels: list[str], index: int, name: str) -> None:
        """``name`` is now the level's name for the rows below; a new name ends the
        names carried at the deeper levels."""
        if self.above.get(levels[index]) != name:
            self.above[levels[index]] = name
            for deeper in levels[index + 1 :]:
                self.above.pop(deeper, None)

    def _leaf_values(self, line: Line, name_origins: set) -> dict:
        leaf: dict = {}
        for key in (*LEAF_TEXTS, *LEAF_POINTS, "偏差原因"):
            cell = line.at(self.columns.get(key))
            if cell is None or cell.origin in name_origins or not cell.reading:
                continue
            if key in LEAF_POINTS:
                number = _decimal(cell.text, unit="分")
                if number is not None:
                    leaf[key] = number
            else:
                value = _written(cell.text)
                if value:
                    leaf[key] = value
        return leaf

    def _place(self, levels: list[str], names: list[str], depth: int, leaf: dict) -> None:
        """Put the leaf at its place in the tree, its parents made where new."""
        # Levels as the form has them: 一级 → 二级 → 三级 (a form without a 二级 column
        # still nests 三级 under 一级 through an unnamed 二级).
        full = ["一级指标", "二级指标", "三级指标"]
        by_level = dict(zip(levels, names))
        target_level = full.index(levels[depth])
        siblings = self.tree
        for index in range(target_level):
            level = full[index]
            name = by_level.get(level, "")
            last = siblings[-1] if siblings else None
            if last is None or last.get("名称", "") != name or "__leaf__" in last:
                last = {"名称": name, "__children__": []}
                siblings.append(last)
            siblings = last.setdefault("__children__", [])
        siblings.append({**leaf, "__leaf__": True})

    # --- 填报人 ---

    def _filled_line(self, line: Line) -> bool:
        pieces = []
        for _, cell in line.distinct():
            if not line.here(cell) and not line.paragraph:
                continue
            pieces += [reading(piece) for piece in re.split(r"[\s\u3000\xa0]+", cell.text.raw) if piece]
        text = "|".join(p for p in pieces if p)
        labels = ("填报人", "填报日期", "联系电话") if self.indicator_header else ("填报人", "填报日期")
        if not re.search(rf"(?:^|\|)(?:{'|'.join(labels)})(?:：|\||$)", text):
            return False
        following = "|".join(sorted(_FILLED_NEXT, key=len, reverse=True))
        for key in _FILLED:
            found = re.search(rf"{key}[：]?\|?(.*?)(?=\||(?:{following})|$)", text)
            if not found:
                continue
            value = found.group(1).strip("：|， ")
            if value in _ABSENT or key in self.filled:
                continue
            if key == "填报日期":
                date = _date(value)
                if date is not None:
                    self.filled[key] = date
            else:
                self.filled[key] = value
        return True


def _fund_name(label_cells: list[Cell]) -> str | None:
    """总额, or the source of funds a row of the fund block names."""
    words = [_word(re.sub(r"^其中[：]?", "", cell.reading)) for cell in label_cells]
    joined = "".join(words)
    if not joined:
        return None
    if "结转" in joined:
        return "上年结转资金"
    if "其他资金" in joined or words[-1] == "其他":
        return "其他资金"
    if "财政拨款" in joined:
        return "当年财政拨款"
    if "资金总额" in joined or "合计" in joined or "总计" in joined or words[-1] in ("总额", "项目资金"):
        return "总额"
    if _is_label(label_cells[-1]):
        return None
    own = label_cells[-1].text
    start = re.match(r"^(其中[：]?)?", own.reading).end()
    return own.written(start).strip("：: ") or None


def _tidy(node: dict, depth: int) -> dict | None:
    """The tree as the data file has it: 二级指标 and 三级指标 lists, the leaves' values
    (``depth`` 0 is a 一级指标); a branch without leaves is dropped."""
    keys = ("二级指标", "三级指标")
    if node.get("__leaf__"):
        return {k: v for k, v in node.items() if k != "__leaf__" and (v or v == 0)}
    children = [c for c in (_tidy(child, depth + 1) for child in node.get("__children__", [])) if c]
    if not children:
        return None
    out = {"名称": node["名称"]} if node.get("名称") else {}
    out[keys[depth]] = children
    return out
