"""Excel cases: a 预算执行情况表 as a finance system exports it, and the data file it is imported into.

Sheet one has a title row, a unit, a two-row header, the 合计 / 基本支出 (人员经费, 公用经费) /
项目支出 rows and the same amounts by 功能分类 (类/款/项 rows with codes such as 2010101);
the projects are on a second sheet (or below, on the same one) with a 小计 row.  Amounts
are in 元 or 万元.  The truth is the data file; the base is the same file with the amounts
the sheet states left to fill in (or last year's), so only the import can put them back.
"""

from __future__ import annotations

import copy
import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

import openpyxl
from corpus_generate import TODO, Case, _truth_data, save_reproducibly, write_data

#: (类, 款, 项) of the 功能分类, with codes and names as the 政府收支分类科目 writes them.
FUNCTIONS = [
    (("201", "一般公共服务支出"), ("20103", "政府办公厅（室）及相关机构事务"), [("2010301", "行政运行"), ("2010302", "一般行政管理事务"), ("2010350", "事业运行")]),
    (("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"), [("2080505", "机关事业单位基本养老保险缴费支出"), ("2080506", "机关事业单位职业年金缴费支出")]),
    (("210", "卫生健康支出"), ("21011", "行政事业单位医疗"), [("2101101", "行政单位医疗"), ("2101103", "公务员医疗补助")]),
    (("213", "农林水支出"), ("21301", "农业农村"), [("2130101", "行政运行"), ("2130104", "事业运行"), ("2130199", "其他农业农村支出")]),
    (("221", "住房保障支出"), ("22102", "住房改革支出"), [("2210201", "住房公积金")]),
]
AMOUNT_KEYS = ("年初预算", "调整预算", "决算")


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` (in cents of the sheet's unit) in ``parts`` pieces that add up to it exactly."""
    if parts == 1 or total == 0:
        return [total] + [0] * (parts - 1)
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


class Sheet:
    def __init__(self, rng: random.Random, unit: str):
        self.rng, self.unit = rng, unit
        self.scale = Decimal(10000) if unit == "元" else Decimal(1)

    def value(self, amount: Decimal | None):
        if amount is None:
            return None
        scaled = amount * self.scale
        # a number cell, as exported; whole 元 often come out as integers
        return int(scaled) if scaled == scaled.to_integral() and self.rng.random() < 0.5 else float(scaled)

    def cents(self, amount: Decimal) -> int:
        return int(amount * self.scale * 100)


def _adjust(rng: random.Random):
    def adjust(data: dict, features: list[str]) -> None:
        for project in data["收支"].get("项目", []):
            if rng.random() < 0.3:
                project["上年决算"] = (project["决算"] * Decimal("0.9")).quantize(Decimal("0.01"))
                features.append("truth:项目上年决算")
    return adjust


def xlsx_case(rng: random.Random, number: int, out_dir: Path) -> Case:
    outline = "财政部" if rng.random() < 0.5 else "广东"
    name = f"case{number:03d}-xlsx-{outline}"
    work = out_dir / name
    work.mkdir(parents=True)
    truth, truth_path, _, features = _truth_data(rng, outline, work, build=False, budget_table=True, adjust=_adjust(rng))
    budget = truth["收支"]
    unit = rng.choice(["元", "元", "万元"])
    sheet = Sheet(rng, unit)
    variants = [f"单位:{unit}", *features]
    book = openpyxl.Workbook()
    main = book.active
    main.title = rng.choice(["预算执行情况", "支出决算表", "Sheet1"])
    headers = [("科目编码", "科目名称"), ("预算数", None), ("决算数", None)]
    budget_words = rng.choice([("年初预算数", "调整预算数"), ("年初预算", "全年预算数"), ("年初预算数", "调整后预算数")])
    actual_word = rng.choice(["决算数", "支出数", "全年执行数", "实际支出"])
    columns = 5
    title = f"{truth['年度']}年度{truth['部门']}预算执行情况表"
    if rng.random() < 0.5:
        main.append([title + f"（单位：{unit}）"])
        variants.append("单位在标题中")
    else:
        main.append([title])
        main.append([None, None, None, None, f"单位：{unit}"])
    main.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    top = main.max_row + 1
    main.append(["功能分类科目编码", "科目名称", headers[1][0], None, actual_word])
    main.append([None, None, budget_words[0], budget_words[1], None])
    main.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    main.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
    main.merge_cells(start_row=top, start_column=3, end_row=top, end_column=4)
    main.merge_cells(start_row=top, start_column=5, end_row=top + 1, end_column=5)
    variants.append("两行表头")

    def line(label, values: dict, code=None, only_actual=False):
        amounts = [None, None, sheet.value(values.get("决算"))] if only_actual else [sheet.value(values.get(k)) for k in AMOUNT_KEYS]
        main.append([code, label, *amounts])

    summary_first = rng.random() < 0.6
    functions_rows = []
    chosen = rng.sample(FUNCTIONS, rng.randint(2, len(FUNCTIONS)))
    splits = {key: _split(sheet.cents(budget[key]), len(chosen), rng) for key in AMOUNT_KEYS}
    for i, (kind, section, items) in enumerate(chosen):
        shares = {key: splits[key][i] for key in AMOUNT_KEYS}
        functions_rows.append((kind, shares))
        functions_rows.append((section, shares))
        item_splits = {key: _split(shares[key], len(items), rng) for key in AMOUNT_KEYS}
        for j, item in enumerate(items):
            functions_rows.append((item, {key: item_splits[key][j] for key in AMOUNT_KEYS}))

    def write_summary():
        line("合计", budget)
        line(rng.choice(["基本支出", "一、基本支出"]), budget["基本支出"])
        if "人员经费" in budget["基本支出"]:
            basic = budget["基本支出"]
            line(rng.choice(["其中：人员经费", "　　人员经费"]), {"决算": basic["人员经费"]}, only_actual=True)
            line("　　公用经费", {"决算": basic["公用经费"]}, only_actual=True)
            variants.append("人员经费公用经费行")
        line(rng.choice(["项目支出", "二、项目支出"]), budget["项目支出"])

    def write_functions():
        for (code, label), shares in functions_rows:
            main.append([code, label, *[_cell(shares[key], sheet, rng) for key in AMOUNT_KEYS]])
        variants.append("功能分类类款项行")

    if summary_first:
        write_summary()
        write_functions()
    else:
        variants.append("功能分类在前")
        write_functions()
        write_summary()
    projects = budget.get("项目", [])
    same_sheet = rng.random() < 0.25
    if same_sheet:
        variants.append("项目在同一工作表")
        target = main
        target.append([])
        target.append(["三、项目支出明细"])
    else:
        variants.append("项目在第二个工作表")
        target = book.create_sheet(rng.choice(["项目支出明细", "项目明细表", "Sheet2"]))
        target.append([f"{truth['年度']}年度项目支出执行明细（单位：{unit}）"])
    target.append(["序号", "项目名称", *budget_words, actual_word, "执行率"])
    for i, project in enumerate(projects):
        values = [sheet.value(project.get(key)) for key in AMOUNT_KEYS]
        rate = f"{(project['决算'] / project['调整预算'] * 100).quantize(Decimal('0.01'))}%" if project["调整预算"] else "—"
        target.append([i + 1, project["名称"], *values, rate])
    if projects and rng.random() < 0.7:
        variants.append("项目小计行")
        sums = [sum((p[key] for p in projects), Decimal(0)) for key in AMOUNT_KEYS]
        target.append([None, "小计", *[sheet.value(s) for s in sums], None])
    document = work / f"{truth['年度']}年预算执行情况.xlsx"
    # the time of writing would make every run differ
    book.properties.created = book.properties.modified = datetime.datetime(truth["年度"] + 1, 1, 10)
    save_reproducibly(book, document)
    base, base_variants = _base(truth, rng)
    base_path = work / "base.yaml"
    write_data(base_path, base)
    case = Case(name, "xlsx", document, truth_path, variants + base_variants, base=base_path, scope=["收支"])
    (work / "case.json").write_text(json.dumps(case.manifest(), ensure_ascii=False, indent=1), encoding="utf-8")
    return case


def _cell(cents: int, sheet: Sheet, rng: random.Random):
    value = Decimal(cents) / 100
    return int(value) if value == value.to_integral() and rng.random() < 0.5 else float(value)


def _base(truth: dict, rng: random.Random) -> tuple[dict, list[str]]:
    """The data file before the import: the amounts the sheet states are not in it yet."""
    base = copy.deepcopy(truth)
    budget = base["收支"]
    stale = rng.random() < 0.3
    variants = ["底稿为上年金额" if stale else "底稿金额待填写"]

    def blank(line: dict, keys) -> None:
        for key in keys:
            if key in line:
                line[key] = (line[key] * Decimal("0.9")).quantize(Decimal("0.01")) if stale else TODO

    blank(budget, AMOUNT_KEYS)
    blank(budget["基本支出"], (*AMOUNT_KEYS, "人员经费", "公用经费"))
    blank(budget["项目支出"], AMOUNT_KEYS)
    projects = budget.get("项目", [])
    # a project's 上年决算 is only in the base: the base keeps the projects then
    shapes = ["同名项目", "同名项目顺序不同"] + ([] if any("上年决算" in p for p in projects) else ["无项目"])
    shape = rng.choice(shapes) if projects else "无项目"
    variants.append(f"底稿{shape}")
    if shape == "无项目":
        budget.pop("项目", None)
    else:
        for project in projects:
            blank(project, AMOUNT_KEYS)
        if shape == "同名项目顺序不同":
            rng.shuffle(projects)
    return base, variants
