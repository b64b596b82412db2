"""A generated corpus for ``reportgen import``: reports and Excel exports as other people type them.

``generate(out_dir, count, seed)`` writes ``count`` cases under ``out_dir`` and returns them.
Each case is a random but valid data file (the truth; ``reportgen check`` accepts it), the
report ``reportgen build`` makes of it, retyped the way clerks type (typed or automatic
numbering, styles or none, WPS-like runs, content controls, spaces, separators, full-width
digits, other phrasings, tables in 元 …), or an Excel 预算执行情况表 of its amounts.  The
same seed gives the same cases.
"""

from __future__ import annotations

import copy
import datetime
import io
import json
import random
import re
import shutil
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import yaml
from corpus_text import normalise
from corpus_truth import CENT, TruthMaker
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

TODO = "待填写"


@dataclass
class Case:
    name: str
    #: "docx" (a report, imported with -o) or "xlsx" (an export, imported --into ``base``)
    kind: str
    document: Path
    #: The data file whose values the document states.
    truth: Path
    variants: list[str]
    #: xlsx: the data file the amounts are imported into.
    base: Path | None = None
    #: xlsx: only the facts under these top-level keys are the document's.
    scope: list[str] | None = None
    #: (where, text): every text of the document that the import must keep somewhere.
    kept: list[tuple[str, str]] = field(default_factory=list)

    def manifest(self) -> dict:
        values = asdict(self)
        for key in ("document", "truth", "base"):
            values[key] = str(values[key]) if values[key] else None
        return values


# --- data files ------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", f"{value:f}"))
_Dumper.add_representer(datetime.date, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value.isoformat()))


def write_data(path: Path, data: dict) -> None:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)
    path.write_text(text, encoding="utf-8")


def save_reproducibly(document, path: Path) -> None:
    """Save a python-docx or openpyxl document with fixed zip times, so a seed gives the same bytes."""
    from reportgen.writing import normalised_zip

    buffer = io.BytesIO()
    document.save(buffer)
    patched = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                # openpyxl stamps the time of saving as the modification time
                created = re.search(rb"<dcterms:created[^>]*>([^<]*)<", data)
                if created:
                    data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*<", rb"\g<1>" + created.group(1) + b"<", data)
            target.writestr(entry, data)
    path.write_bytes(normalised_zip(patched.getvalue()))


def _valid(path: Path):
    """The prepared report, or None when check finds an error in the data."""
    from reportgen import pipeline
    from reportgen.diagnostics import InvalidInput

    try:
        return pipeline.prepare(path)
    except InvalidInput:
        return None


# --- reading the built report -----------------------------------------------------------------------


@dataclass
class Para:
    #: title, attachment_mark, heading1-3, body, attachments_note, signature, unit
    role: str
    text: str
    #: "report" (what reportgen wrote), "stray" (text added that no data value holds), "made" (rephrased)
    origin: str = "report"


@dataclass
class Table:
    #: Each cell: (text, how it is covered: None, "left" (joined to the left cell) or "up" (merged with above)).
    rows: list[list[list]]
    #: "收支情况表", "自评表", "预算表" (the budget paragraph as a table) …
    kind: str = ""
    origin: str = "report"
    unit: str = "万元"


_ROLES = {"公文标题": "title", "附件标识": "attachment_mark", "一级标题": "heading1", "二级标题": "heading2",
          "三级标题": "heading3", "附件说明": "attachments_note", "落款": "signature", "表格单位": "unit"}


def read_blocks(path: Path) -> list:
    document = docx.Document(str(path))
    blocks: list = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = DocxParagraph(element, document)
            text = paragraph.text
            if paragraph.style.name == "公文正文续" and blocks and isinstance(blocks[-1], Para):
                blocks[-1].text += text  # the last lines of a paragraph build cut before the closing
            elif text.strip():
                blocks.append(Para(_ROLES.get(paragraph.style.name, "body"), text))
        elif element.tag == qn("w:tbl"):
            table = DocxTable(element, document)
            grid = [row.cells for row in table.rows]
            rows = []
            for r, cells in enumerate(grid):
                row = []
                for c, cell in enumerate(cells):
                    if c and cell._tc is cells[c - 1]._tc:
                        row.append(["", "left"])
                    elif r and c < len(grid[r - 1]) and cell._tc is grid[r - 1][c]._tc:
                        row.append(["", "up"])
                    else:
                        row.append([cell.text, None])
                rows.append(row)
            header = "".join(text for text, _ in rows[0])
            kind = "收支情况表" if "调整预算" in header and "一级指标" not in header else "自评表"
            blocks.append(Table(rows, "财政部自评表" if "部门（单位）名称" in header else kind))
    return blocks


# --- perturbations ----------------------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
_CJK = r"[\u4e00-\u9fff]"
_CN_DIGITS = "〇一二三四五六七八九"
_CJK_CHARACTER = re.compile(_CJK)


def _yuan(value) -> Decimal:
    return Decimal(value) * 10000


def _rate(actual: Decimal, budget: Decimal) -> str:
    if not budget:
        return "—"
    return f"{(actual / budget * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def _money(value) -> str:
    return f"{Decimal(value):.2f}"


def _separated(value: Decimal) -> str:
    return f"{value:,.2f}"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n] if n else "〇"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _cn_date(day: datetime.date) -> str:
    return "".join(_CN_DIGITS[int(d)] for d in str(day.year)) + f"年{_cn_number(day.month)}月{_cn_number(day.day)}日"


class Perturber:
    """Applies the chosen features to one report's blocks, keeping them truthful."""

    def __init__(self, rng: random.Random, truth: dict, blocks: list):
        self.rng, self.truth, self.blocks = rng, truth, blocks
        self.applied: list[str] = []

    def chance(self, feature: str, probability: float) -> bool:
        if self.rng.random() < probability:
            self.applied.append(feature)
            return True
        return False

    def run(self) -> list:
        truth = self.truth
        if self.truth.get("提纲") != "财政部" and self.chance("预算段改为元表格", 0.2):
            self.budget_as_table()
        elif self.chance("预算段换说法", 0.45):
            self.rephrase_budget()
        if self.chance("部门在年度之前的标题", 0.3):
            self.department_before_year()
        if "落款" in truth and self.chance("落款位置或写法不同", 0.6):
            self.move_signature()
        if self.chance("无对应数据的文字", 0.5):
            self.add_strays()
        for table in [b for b in self.blocks if isinstance(b, Table)]:
            self.perturb_table(table)
        text_features = [
            ("数字与单位间有空格", 0.5, self.spaced),
            ("千分位逗号", 0.35, self.thousands),
            ("全角数字", 0.25, self.full_width),
            ("百分号前空格与全角％", 0.3, lambda t: re.sub(r"(?<=\d)%", " ％", t)),
            ("英文括号", 0.35, lambda t: re.sub(r"^（([一二三四五六七八九十\d]+)）", r"(\1)", t)),
        ]
        for name, probability, change in text_features:
            if self.chance(name, probability):
                for block in self.blocks:
                    if isinstance(block, Para):
                        block.text = change(block.text)
                    elif name != "英文括号":
                        for row in block.rows:
                            for cell in row:
                                cell[0] = change(cell[0])
        return self.blocks

    # text ------------------------------------------------------------------------------------------

    def spaced(self, text: str) -> str:
        text = re.sub(rf"(?<={_CJK})(?=\d)", " ", text)
        return re.sub(rf"(?<=[\d%])(?={_CJK})", " ", text)

    def thousands(self, text: str) -> str:
        return re.sub(r"(?<![\d,.])\d{4,}\.\d{2}(?!\d)", lambda m: _separated(Decimal(m.group())), text)

    def full_width(self, text: str) -> str:
        # only the amounts, as when they are pasted from a full-width spreadsheet
        return re.sub(r"\d+\.\d{2}(?=万元|元|$)", lambda m: m.group().translate(_FULL_WIDTH), text)

    # budget ----------------------------------------------------------------------------------------

    def budget_paragraph(self) -> int | None:
        year, self_name = self.truth["年度"], self.truth["自称"]
        starts = (f"{year}年本部门预算完成情况", f"{year}年度{self_name}年初预算数")
        for i, block in enumerate(self.blocks):
            if isinstance(block, Para) and block.text.startswith(starts):
                return i
        return None

    def budget_values(self) -> dict:
        budget = self.truth["收支"]
        whole = {"I": budget["年初预算"], "B": budget["调整预算"], "A": budget["决算"]}
        values = {**whole, "R": _rate(whole["A"], whole["B"]), "Y": self.truth["年度"], "self": self.truth["自称"]}
        for prefix, part in (("b", budget["基本支出"]), ("p", budget["项目支出"])):
            values[prefix + "B"], values[prefix + "A"] = part["调整预算"], part["决算"]
            values[prefix + "R"] = _rate(part["决算"], part["调整预算"])
        return {key: _money(value) if isinstance(value, Decimal) else value for key, value in values.items()}

    def rephrase_budget(self) -> None:
        index = self.budget_paragraph()
        if index is None:
            return
        v = self.budget_values()
        original = self.blocks[index].text
        if self.truth.get("提纲") == "财政部":
            shapes = [
                "{Y}年度{self}年初预算{I}万元，全年预算数为{B}万元，本年度支出{A}万元，执行率{R}",
                "本年度年初预算数为{I}万元，调整后全年预算数{B}万元，全年执行数为{A}万元，预算执行率{R}",
            ]
            rest = original[original.index("；全年执行数"):] if "；全年执行数" in original else "。"
            self.blocks[index] = Para("body", self.rng.choice(shapes).format(**v) + rest, "made")
            return
        shapes = [
            "{Y}年，{self}全年预算数为{B}万元，全年执行数为{A}万元，执行率{R}，其中年初预算数{I}万元。"
            "基本支出全年预算数{bB}万元，全年执行数{bA}万元；项目支出全年预算数{pB}万元，全年执行数{pA}万元。",
            "本年度年初预算{I}万元，调整后预算{B}万元，本年度支出{A}万元，预算执行率{R}。按支出类别分，"
            "基本支出预算{bB}万元、支出{bA}万元，项目支出预算{pB}万元、支出{pA}万元。",
            "{Y}年度部门预算收支情况：年初预算数{I}万元，全年预算数{B}万元，决算支出{A}万元；"
            "基本支出调整预算{bB}万元，决算{bA}万元，执行率{bR}；项目支出调整预算{pB}万元，决算{pA}万元，执行率{pR}。",
        ]
        replacement = [Para("body", self.rng.choice(shapes).format(**v), "made")]
        if self.truth["收支"].get("评价"):
            replacement.append(Para("body", self.truth["收支"]["评价"]))
        self.blocks[index : index + 1] = replacement

    def budget_as_table(self) -> None:
        index = self.budget_paragraph()
        if index is None:
            return
        budget = self.truth["收支"]

        def cells(line: dict) -> list[list]:
            return [[_separated(_yuan(line[key])) if key in line else "—", None] for key in ("年初预算", "调整预算", "决算")]

        rows = [
            [[text, None] for text in ("项目", "年初预算数", "调整预算数", "决算数")],
            [["基本支出", None], *cells(budget["基本支出"])],
            [["项目支出", None], *cells(budget["项目支出"])],
            [["合计", None], *cells(budget)],
        ]
        caption = Para("body", f"{self.truth['年度']}年本部门一般公共预算财政拨款收支情况见下表（单位：元）。", "made")
        replacement = [caption, Table(rows, "预算表", "made")]
        if budget.get("评价"):
            replacement.append(Para("body", budget["评价"]))
        self.blocks[index : index + 1] = replacement

    # title, signature, strays ---------------------------------------------------------------------------

    def department_before_year(self) -> None:
        year, department = self.truth["年度"], self.truth["部门"]
        for block in self.blocks:
            if isinstance(block, Para) and block.role == "title" and block.text.startswith(f"{year}年度{department}"):
                block.text = f"{department}{year}年度" + block.text[len(f"{year}年度{department}") :].lstrip("\n")
                return

    def move_signature(self) -> None:
        signature = [i for i, b in enumerate(self.blocks) if isinstance(b, Para) and b.role == "signature"]
        if len(signature) != 2:
            return
        organ, date = (self.blocks[i] for i in signature)
        day = self.truth["落款"]["日期"]
        how = self.rng.choice(["one_line", "at_end", "before_note", "chinese_date", "spaced_date"])
        self.applied.append(f"落款:{how}")
        if how == "chinese_date":
            date.text = _cn_date(day)
            return
        if how == "spaced_date":
            date.text = f"{day.year} 年 {day.month} 月 {day.day} 日"
            return
        del self.blocks[signature[0] : signature[1] + 1]
        if how == "one_line":
            self.blocks.insert(signature[0], Para("signature", f"{organ.text}　　{date.text}"))
        elif how == "at_end":
            self.blocks.extend([organ, date])
        else:
            note = next((i for i, b in enumerate(self.blocks) if isinstance(b, Para) and b.role == "attachments_note"), signature[0])
            self.blocks[note:note] = [organ, date]

    def add_strays(self) -> None:
        truth = self.truth
        headings = [i for i, b in enumerate(self.blocks) if isinstance(b, Para) and b.role == "heading2"]
        if headings:
            self.blocks.insert(headings[0] + 1, Para("body", f"根据“三定”方案，{truth['部门']}的主要职责是：", "stray"))
        last = max((i for i, b in enumerate(self.blocks) if isinstance(b, Para) and b.role == "heading1"), default=None)
        if last is None:
            return
        end = last + 1
        while end < len(self.blocks) and isinstance(self.blocks[end], Para) and self.blocks[end].role == "body":
            end += 1
        count = sum(1 for b in self.blocks if isinstance(b, Para) and b.role == "heading1")
        numeral = "一二三四五六七八九十"[min(count, 9)]
        self.blocks[end:end] = [
            Para("heading1", f"{numeral}、附注", "stray"),
            Para("body", f"本报告经{truth['自称']}党组会议审议通过。联系人：李某，联系电话：020-8312{self.rng.randint(1000, 9999)}。", "stray"),
        ]

    # tables ------------------------------------------------------------------------------------------

    def perturb_table(self, table: Table) -> None:
        if table.kind == "收支情况表":
            if self.chance("收支表单位为元", 0.35):
                self.table_in_yuan(table)
            if self.chance("收支表表头近义词", 0.4):
                self.rename_header(table, {"年初预算": ["年初预算数", f"年初预算（{table.unit}）", "年初预算（万元）"], "调整预算": ["全年预算数", "调整预算数", "调整后预算"],
                                           "决算": ["全年执行数", "决算数", "实际支出"], "执行率": ["预算执行率", "执行率（%）"]})
            if self.chance("收支表行标签带编号", 0.35):
                self.number_labels(table)
            if self.chance("收支表小计行", 0.3):
                self.subtotal(table)
            if self.chance("收支表两行表头", 0.3):
                self.two_row_header(table)
        else:
            synonyms = {"分值": ["分值（分）", "分 值", "标准分"], "得分": ["自评得分", "得分（分）", "得 分"],
                        "年度指标值": ["指标值", "年度目标值"], "实际完成值": ["实际完成情况", "完成值"]}
            if self.chance("自评表表头近义词", 0.4):
                self.rename_header(table, synonyms, all_rows=table.kind == "财政部自评表")
            if self.chance("分数写作“10.0分”", 0.3):
                self.score_cells(table)
            if table.kind == "自评表" and self.chance("自评表行标签带编号", 0.3):
                for number, row in enumerate(r for r in table.rows[1:] if r[1][0] not in ("小计", "")):
                    row[1][0] = f"{number + 1}.{row[1][0]}"
        if self.chance("合并单元格改为空白格", 0.2):
            for row in table.rows:
                for cell in row:
                    if cell[1] is not None:
                        cell[1] = None

    def rename_header(self, table: Table, synonyms: dict, all_rows: bool = False) -> None:
        for row in table.rows if all_rows else table.rows[:1]:
            for cell in row:
                if cell[0] in synonyms:
                    cell[0] = self.rng.choice(synonyms[cell[0]])

    def table_in_yuan(self, table: Table) -> None:
        index = next(i for i, block in enumerate(self.blocks) if block is table)
        before = self.blocks[index - 1]
        if isinstance(before, Para) and before.role == "unit":
            before.text = "单位：元"
        else:
            self.blocks.insert(index, Para("unit", "单位：元"))
        for row in table.rows[1:]:
            for cell in row[1:]:
                if re.fullmatch(r"\d+\.\d{2}", cell[0]) and not cell[0].endswith("%"):
                    cell[0] = _separated(_yuan(cell[0]))
        table.unit = "元"

    def number_labels(self, table: Table) -> None:
        count = 0
        for row in table.rows[1:]:
            label = row[0][0]
            if label == "基本支出":
                row[0][0] = "一、基本支出"
            elif label == "项目支出":
                row[0][0] = "二、项目支出"
            elif label not in ("合计", "小计"):
                count += 1
                name = re.sub(r"^(其中：|\u3000+)", "", label)
                row[0][0] = f"{count}.{name}"

    def subtotal(self, table: Table) -> None:
        projects = self.truth["收支"].get("项目") or []
        if not projects:
            return
        last = max(i for i, row in enumerate(table.rows) if row[0][0] not in ("合计",))
        yuan = any("," in row[2][0] for row in table.rows[1:])
        sums = []
        for key in ("年初预算", "调整预算", "决算"):
            total = sum((p[key] for p in projects if key in p), Decimal(0))
            sums.append(_separated(_yuan(total)) if yuan else _money(total))
        rate = _rate(sum((p["决算"] for p in projects), Decimal(0)), sum((p["调整预算"] for p in projects), Decimal(0)))
        table.rows.insert(last + 1, [["小计", None], *[[s, None] for s in sums], [rate, None]])

    def two_row_header(self, table: Table) -> None:
        header = [cell[0] for cell in table.rows[0]]
        top = [[header[0], None], ["预算数", None], ["", "left"], [header[3], None], [header[4], None]]
        bottom = [["", "up"], [header[1], None], [header[2], None], ["", "up"], ["", "up"]]
        table.rows[0:1] = [top, bottom]

    def score_cells(self, table: Table) -> None:
        header = [cell[0] for cell in table.rows[0]]
        columns = [i for i, text in enumerate(header) if re.sub(r"\s|（分）", "", text) in ("分值", "得分", "标准分", "自评得分")]
        if table.kind == "财政部自评表":
            columns = [5, 6]
        for row in table.rows[1:]:
            for c in columns:
                if c < len(row) and re.fullmatch(r"\d+(\.\d+)?", row[c][0]):
                    value = Decimal(row[c][0])
                    row[c][0] = f"{value:.1f}分" if value == value.to_integral() else f"{value}分"


# --- writing a report as a clerk types it -----------------------------------------------------------

_NUMBERING = (
    '<w:abstractNum {ns} w:abstractNumId="90">'
    '<w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/><w:lvlJc w:val="left"/></w:lvl>'
    "</w:abstractNum>"
)
_LEVELS = [
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    re.compile(r"^\d+\.(?!\d)"),
    re.compile(r"^[（(]\d+[）)]"),
]
_FONTS = ["仿宋_GB2312", "宋体", "仿宋", "Times New Roman"]
MODES = ["手打编号无样式", "手打编号加标题样式", "自动编号加标题样式", "WPS逐字分段"]


class Writer:
    def __init__(self, rng: random.Random, mode: str, controls: bool):
        self.rng, self.mode, self.controls = rng, mode, controls
        self.document = docx.Document()
        if mode == MODES[2]:
            numbering = self.document.part.numbering_part.element
            numbering.insert(0, parse_xml(_NUMBERING.format(ns=nsdecls("w"))))
            numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def write(self, blocks: list, path: Path) -> list[tuple[str, str]]:
        """Write the blocks; return (where, text) of each paragraph and cell as written."""
        written: list[tuple[str, str]] = []
        tables = paragraphs = 0
        for block in blocks:
            if isinstance(block, Table):
                tables += 1
                for r, c, text in self.table(block):
                    written.append((f"表{tables}第{r + 1}行第{c + 1}列", text))
            else:
                paragraphs += 1
                written.append((f"第{paragraphs}段", self.paragraph(block)))
        save_reproducibly(self.document, path)
        return written

    def paragraph(self, block: Para) -> str:
        text = block.text.replace("\n", "")
        style = None
        level = None
        if block.role == "title" and self.mode != MODES[0]:
            style = "Title"
        if block.role.startswith("heading") and self.mode != MODES[0]:
            style = f"Heading {block.role[-1]}"
        if self.mode == MODES[2] and block.role in ("heading1", "heading2", "heading3", "body"):
            for number, pattern in enumerate(_LEVELS):
                match = pattern.match(text)
                if match and (block.role != "body" or number >= 2):
                    level, text = number, text[match.end() :]
                    break
        paragraph = self.document.add_paragraph(style=style)
        if block.role in ("title", "attachment_mark_center"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if block.role in ("signature", "unit"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if level is not None:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
            )
        self.runs(paragraph, text)
        if self.controls and block.role == "body" and self.rng.random() < 0.3:
            self.wrap_in_control(paragraph)
        return text

    def runs(self, paragraph, text: str) -> None:
        if self.mode == MODES[3]:
            # one run per character, the fonts changing every few characters, as WPS leaves them
            runs = "".join(
                f'<w:r><w:rPr><w:rFonts w:ascii="{_FONTS[3]}" w:hAnsi="{_FONTS[3]}" w:eastAsia="{_FONTS[(i // 3) % 2]}"/></w:rPr>'
                f'<w:t xml:space="preserve">{escape(character)}</w:t></w:r>'
                for i, character in enumerate(text)
            )
            for run in parse_xml(f'<w:p {nsdecls("w")}>{runs}</w:p>'):
                paragraph._p.append(run)
        else:
            paragraph.add_run(text)

    def wrap_in_control(self, paragraph) -> None:
        """A block-level content control around the paragraph, or an inline one around its runs."""
        element = paragraph._p
        if self.rng.random() < 0.5:
            control = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="正文"/></w:sdtPr><w:sdtContent/></w:sdt>')
            element.addprevious(control)
            control.find(qn("w:sdtContent")).append(element)
        else:
            control = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="文字"/></w:sdtPr><w:sdtContent/></w:sdt>')
            runs = element.findall(qn("w:r"))
            if not runs:
                return
            runs[0].addprevious(control)
            content = control.find(qn("w:sdtContent"))
            for run in runs:
                content.append(run)

    def table(self, block: Table):
        rows, columns = len(block.rows), max(len(row) for row in block.rows)
        table = self.document.add_table(rows=rows, cols=columns)
        table.style = "Table Grid"
        origins = []
        for r, row in enumerate(block.rows):
            for c, (text, covered) in enumerate(row):
                if covered is None:
                    width = 1
                    while c + width < len(row) and row[c + width][1] == "left":
                        width += 1
                    height = 1
                    while r + height < rows and c < len(block.rows[r + height]) and block.rows[r + height][c][1] == "up":
                        height += 1
                    if width > 1 or height > 1:
                        table.cell(r, c).merge(table.cell(r + height - 1, c + width - 1))
                    origins.append((r, c, text))
        # the grid once, after the merges (python-docx rebuilds it on every cell lookup)
        grid = table._cells
        for r, c, text in origins:
            if text:
                grid[r * columns + c].text = text
                yield r, c, text


# --- one case ------------------------------------------------------------------------------------------


def _truth_data(rng: random.Random, outline: str, work: Path, build: bool = True, budget_table: bool | None = None, adjust=None):
    """A data file that check accepts, its built report (when ``build``), and the features drawn."""
    from reportgen import pipeline

    for _ in range(20):
        maker = TruthMaker(rng, outline, rng.randint(2019, 2026), budget_table)
        data = maker.make()
        if adjust:
            adjust(data, maker.features)
        path = work / "truth.yaml"
        write_data(path, data)
        prepared = _valid(path)
        if prepared is not None:
            built = pipeline.build(prepared, work / "built").output if build else None
            return data, path, built, maker.features
    raise RuntimeError("no valid data drawn in 20 tries")


def _free_texts(data, found: list[str]) -> list[str]:
    """The data's own wording (names, texts, list items): what a paragraph or cell must not lose."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in ("提纲", "年度", "计分", "日期", "附件"):
                _free_texts(value, found)
    elif isinstance(data, list):
        for value in data:
            _free_texts(value, found)
    elif isinstance(data, str) and len(normalise(data)) >= 4 and len(_CJK_CHARACTER.findall(data)) >= 2:
        # wording, not a figure such as ≥95% or 10.8个
        found.append(data)
    return found


def _kept(written: list[tuple[str, str]], blocks: list, truth: dict) -> list[tuple[str, str]]:
    """(where, text) for each data text a paragraph or cell holds, and each stray paragraph whole."""
    texts = {normalise(t): t for t in _free_texts(truth, [])}
    strays = {normalise(b.text) for b in blocks if isinstance(b, Para) and b.origin == "stray"}
    kept = []
    for where, text in written:
        plain = normalise(text)
        if plain in strays:
            kept.append((where, text))
            continue
        for piece in sorted(texts, key=len, reverse=True):
            if piece in plain:
                kept.append((where, texts[piece]))
                plain = plain.replace(piece, "\x00")
    return kept


CONTROL = "原样（reportgen 自己的输出，对照）"
CONTROL_SHARE = 0.08


def _as_written(blocks: list) -> list[tuple[str, str]]:
    written, tables, paragraphs = [], 0, 0
    for block in blocks:
        if isinstance(block, Table):
            tables += 1
            written += [(f"表{tables}第{r + 1}行第{c + 1}列", cell[0]) for r, row in enumerate(block.rows)
                        for c, cell in enumerate(row) if cell[0]]
        else:
            paragraphs += 1
            written.append((f"第{paragraphs}段", block.text))
    return written


def docx_case(rng: random.Random, number: int, out_dir: Path) -> Case:
    outline = "财政部" if rng.random() < 0.45 else "广东"
    name = f"case{number:03d}-docx-{outline}"
    work = out_dir / name
    work.mkdir(parents=True)
    data, truth_path, built, features = _truth_data(rng, outline, work)
    blocks = read_blocks(built)
    document = work / f"{data['年度']}年度部门整体支出绩效自评报告.docx"
    if rng.random() < CONTROL_SHARE:
        # the report exactly as reportgen wrote it: what any reading must get all of
        shutil.move(built, document)
        variants = [f"提纲:{outline}", CONTROL, *features]
        written = _as_written(blocks)
    else:
        perturber = Perturber(rng, data, blocks)
        blocks = perturber.run()
        mode = rng.choice(MODES)
        controls = rng.random() < 0.3
        variants = [f"提纲:{outline}", f"版式:{mode}", *(["内容控件"] if controls else []), *perturber.applied, *features]
        written = Writer(rng, mode, controls).write(blocks, document)
    shutil.rmtree(work / "built")
    case = Case(name, "docx", document, truth_path, variants, kept=_kept(written, blocks, data))
    (work / "case.json").write_text(json.dumps(case.manifest(), ensure_ascii=False, indent=1), encoding="utf-8")
    return case


def generate(out_dir: Path, count: int, seed: int) -> list[Case]:
    """``count`` cases under ``out_dir`` (emptied first), the same for the same seed."""
    from corpus_excel import xlsx_case

    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    cases = []
    for number in range(count):
        rng = random.Random(f"{seed}:{number}")
        make = xlsx_case if rng.random() < 0.2 else docx_case
        cases.append(make(rng, number, out_dir))
    return cases


def case_truth(case: Case) -> dict:
    return copy.deepcopy(yaml.safe_load(case.truth.read_text(encoding="utf-8")))
