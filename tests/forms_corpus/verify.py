"""Build a generated corpus with ``reportgen build`` (one batch) and hold every figure of every
项目支出绩效自评表 against what :mod:`generate` expects.

What is read (the layout of ``templates/common/forms/project.md.j2`` as built):

* the form's first table: 项目名称; 主管部门, 实施单位; 年度资金总额 (年初预算数, 全年预算数,
  全年执行数, 分值, 执行率, 得分); each 其中 row (name, three amounts, —, 执行率, —);
  预期目标 and 实际完成情况;
* its second table: each leaf indicator (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分,
  偏差原因分析及改进措施), the 总分 row (满分, 总分, 自评等级) and the last row, the lines
  under the table (填报单位, the 填报人 line, 注);
* the report: the summary sentence (…项目平均得分…) and, when attached, the 汇总表;
* the 汇总表 .xlsx, when there is one (numbers as numbers).

A *figure* is a number compared as the form writes it (``246.24``, ``97.99%``, ``9.8``); the
names, grades and texts are counted apart as *texts*.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
from rules import D, money, percent, points

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
FORM_SUFFIX = "项目支出绩效自评表.docx"
SUMMARY_HEADER = ["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "自评得分", "等级"]


FORM_SOURCES = ("当年财政拨款", "上年结转资金", "其他资金")


def reportgen() -> list[str]:
    exe = Path(sys.executable).with_name("reportgen")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "reportgen"]


@dataclass
class Mismatch:
    department: str
    where: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.department} · {self.where}: 应为 {self.expected!r}，实为 {self.found!r}"


@dataclass
class Result:
    departments: int = 0
    projects: int = 0
    evaluated: int = 0
    figures: int = 0
    texts: int = 0
    forms_read: int = 0
    no_form_checked: int = 0
    sentences: int = 0
    sheets: int = 0
    traps: dict[str, int] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    check_code: int | None = None
    check_output: str = ""
    build_code: int | None = None
    build_output: str = ""

    def ok(self) -> bool:
        return not (self.mismatches or self.missing or self.extra) and self.build_code == 0

    def table(self, show: int = 30) -> str:
        lines = [
            f"部门 {self.departments}，项目 {self.projects}（有绩效指标 {self.evaluated}，读了 {self.forms_read} 张自评表）",
            (
                f"核对数字 {self.figures} 个、文字 {self.texts} 处；汇总句 {self.sentences} 句、"
                f"汇总表 .xlsx {self.sheets} 份；无绩效指标的项目确认无表 {self.no_form_checked} 个"
            ),
            "陷阱：" + "、".join(f"{k} {v}" for k, v in sorted(self.traps.items())),
            f"check 退出码 {self.check_code}，build 退出码 {self.build_code}",
            f"不一致 {len(self.mismatches)}，缺少的自评表 {len(self.missing)}，多出的自评表 {len(self.extra)}",
        ]
        lines += [f"  不一致：{m}" for m in self.mismatches[:show]]
        lines += [f"  缺少：{name}" for name in self.missing[:show]]
        lines += [f"  多出：{name}" for name in self.extra[:show]]
        if self.build_code:
            lines.append("build 的输出（末尾）：\n" + self.build_output[-3000:])
        return "\n".join(lines)


class Comparer:
    def __init__(self, result: Result, department: str):
        self.result, self.department = result, department

    def figure(self, where: str, expected: str, found: str) -> None:
        self.result.figures += 1
        self._same(where, expected, found)

    def text(self, where: str, expected: str, found: str) -> None:
        self.result.texts += 1
        self._same(where, expected, found)

    def _same(self, where: str, expected: str, found: str) -> None:
        if expected != found:
            self.result.mismatches.append(Mismatch(self.department, where, expected, found))


def _cells(row) -> list[str]:
    # A line break inside a cell is the layout's (“效益指标 / （30分）”), not the text's.
    return [cell.text.replace("\n", "") for cell in row.cells]


def _notes_row(row) -> bool:
    """The form's lines under the table (填报单位, 填报人, 注), set as its last row."""
    return row.cells[0].text.startswith("填报单位")


def _strip_label(text: str) -> str:
    return text.replace("其中：", "", 1).strip(" \u3000")


def forms_in(document) -> list[tuple]:
    """The (资金与目标, 指标) table pairs of every 项目支出绩效自评表 in a document, in order."""
    tables = document.tables
    return [
        (table, following)
        for table, following in itertools.pairwise(tables)
        if _cells(table.rows[0])[0] == "项目名称" and _cells(following.rows[0])[0] == "一级指标"
    ]


def filled_lines(document) -> list[str]:
    notes = [table.rows[-1].cells[0] for table in document.tables if _notes_row(table.rows[-1])]
    paragraphs = [*document.paragraphs, *(p for cell in notes for p in cell.paragraphs)]
    return [p.text for p in paragraphs if p.text.startswith(("填报人", "联系电话", "填报日期"))]


def check_form(top, indicators, form: dict, compare: Comparer) -> None:
    name = form["名称"]
    rows = [_cells(r) for r in top.rows]
    at = f"“{name}”"
    compare.text(f"{at}项目名称", name, rows[0][2])
    compare.text(f"{at}主管部门", form["主管部门"], rows[1][2])
    compare.text(f"{at}实施单位", form["实施单位"], rows[1][5])
    total = rows[3]
    compare.text(f"{at}年度资金总额行", "年度资金总额", total[0])
    compare.figure(f"{at}年初预算数", money(form["年初预算"]), total[2])
    compare.figure(f"{at}全年预算数", money(form["调整预算"]), total[3])
    compare.figure(f"{at}全年执行数", money(form["决算"]), total[4])
    compare.figure(f"{at}执行率分值", points(form["执行率分值"]), total[5])
    compare.figure(f"{at}执行率", percent(form["执行率"]), total[6])
    compare.figure(f"{at}执行率得分", points(form["执行率得分"]), total[7])
    goal_at = next((i for i, r in enumerate(rows) if r[0] == "年度总体目标"), len(rows))
    fund_rows = rows[4:goal_at]
    # The form always lists the three sources of the 财政部 form, blank where the data has none, then any others.
    given = {source["名称"]: source for source in form["资金来源"]}
    names = list(dict.fromkeys([*FORM_SOURCES, *given]))
    compare.text(f"{at}资金来源行数", str(len(names)), str(len(fund_rows)))
    for i, (name, row) in enumerate(zip(names, fund_rows)):
        label = f"{at}资金来源“{name}”"
        compare.text(f"{label}名称", ("其中：" if i == 0 else "") + name, row[0].strip(" \u3000"))
        source = given.get(name)
        if source is None:
            continue
        compare.figure(f"{label}年初预算数", money(source["年初预算"]), row[2])
        compare.figure(f"{label}全年预算数", money(source["调整预算"]), row[3])
        compare.figure(f"{label}全年执行数", money(source["决算"]), row[4])
        compare.figure(f"{label}执行率", percent(source["执行率"]), row[6])
        compare.text(f"{label}分值、得分栏", "— —", f"{row[5]} {row[7]}")
    if goal_at + 1 < len(rows):
        expected_goal, achieved_goal = form["年度总体目标"] or ("—", "—")
        compare.text(f"{at}预期目标", expected_goal, rows[goal_at + 1][1])
        compare.text(f"{at}实际完成情况", achieved_goal, rows[goal_at + 1][4])
    else:
        compare.text(f"{at}年度总体目标行", "有", "无")

    rows = list(indicators.rows)
    noted = _notes_row(rows[-1])
    compare.text(f"{at}表下的填报单位、填报人、注", "有", "有" if noted else "无")
    lines = [_cells(r) for r in (rows[:-1] if noted else rows)]
    body, last = lines[1:-1], lines[-1]
    compare.text(f"{at}指标行数", str(len(form["指标"])), str(len(body)))
    weights: dict[str, Decimal] = {}
    for expected in form["指标"]:
        weights[expected["一级"]] = weights.get(expected["一级"], Decimal(0)) + expected["分值"]
    for expected, row in zip(form["指标"], body):
        label = f"{at}指标“{expected['一级']}/{expected['二级']}/{expected['三级']}”"
        found_names = "/".join(row[:3])
        first = f"{expected['一级']}（{points(weights[expected['一级']])}分）"
        # A level the tree lacks is the cell on its left merged across, so it reads as that cell.
        lower = [first if name == expected["一级"] else name for name in (expected["二级"], expected["三级"])]
        compare.text(f"{label}各级名称", "/".join([first, *lower]), found_names)
        compare.text(f"{label}年度指标值", expected["年度指标值"], row[3])
        compare.text(f"{label}实际完成值", expected["实际完成值"], row[4])
        compare.figure(f"{label}分值", points(expected["分值"]), row[5])
        compare.figure(f"{label}得分", points(expected["得分"]), row[6])
        compare.text(f"{label}偏差原因", expected["原因"], row[7])
    compare.text(f"{at}总分行", "总分", last[0])
    compare.figure(f"{at}满分", points(form["满分"]), last[5])
    compare.figure(f"{at}总分", points(form["总分"]), last[6])
    compare.text(f"{at}自评等级", f"自评等级：{form['等级']}", last[7])


def check_document_forms(document, forms: list[dict], compare: Comparer, result: Result, where: str) -> None:
    """Several forms in one document (合并, or attached to the report), in the data's order."""
    pairs = forms_in(document)
    compare.text(f"{where}中的自评表张数", str(len(forms)), str(len(pairs)))
    for form, (top, indicators) in zip(forms, pairs):
        result.forms_read += 1
        check_form(top, indicators, form, compare)
    result.missing += [f"{compare.department}：{where}中“{form['名称']}”的表" for form in forms[len(pairs) :]]
    wanted = [form["填报"] for form in forms if form["填报"]]
    found = filled_lines(document)
    compare.text(f"{where}中的填报行数", str(len(wanted)), str(len(found)))
    for i, (line, seen) in enumerate(zip(wanted, found), 1):
        compare.text(f"{where}中第 {i} 个填报行", line, seen)


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return D(str(value))


def check_sheet(path: Path, expected: dict, compare: Comparer) -> None:
    sheet = openpyxl.load_workbook(str(path)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next((i for i, r in enumerate(rows) if list(r[:7]) == SUMMARY_HEADER), None)
    if start is None:
        compare.text("汇总表 .xlsx 表头", "、".join(SUMMARY_HEADER), "（没有）")
        return
    body = rows[start + 1 :]
    forms, summary = expected["forms"], expected["summary"]
    compare.text("汇总表 .xlsx 行数", str(len(forms) + 1), str(len(body)))

    def amount(where: str, value: Decimal | None, cell, scale: int = 1, as_text=money) -> None:
        number = _number(cell)
        found = "（不是数值）" + repr(cell) if number is None else as_text(number * scale)
        compare.figure(where, as_text(value), found)

    for i, (form, row) in enumerate(zip(forms, body), 1):
        at = f"汇总表 .xlsx 第 {i} 行"
        compare.text(f"{at}序号", str(i), str(row[0]))
        compare.text(f"{at}项目名称", form["名称"], str(row[1]))
        amount(f"{at}全年预算数", form["调整预算"], row[2])
        amount(f"{at}全年执行数", form["决算"], row[3])
        amount(f"{at}执行率", form["执行率"], row[4], 100, percent)
        amount(f"{at}自评得分", form["总分"], row[5], 1, points)
        compare.text(f"{at}等级", form["等级"], str(row[6]))
    if len(body) > len(forms):
        row = body[len(forms)]
        compare.text("汇总表 .xlsx 合计行", "合计", str(row[0]))
        amount("汇总表 .xlsx 合计全年预算数", summary["全年预算数"], row[2])
        amount("汇总表 .xlsx 合计全年执行数", summary["全年执行数"], row[3])
        amount("汇总表 .xlsx 合计执行率", summary["执行率"], row[4], 100, percent)
        compare.figure("汇总表 .xlsx 平均得分", f"平均 {points(summary['平均得分'])}", str(row[5]))


def check_report(path: Path, expected: dict, compare: Comparer, result: Result) -> None:
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    words = expected["报告文字"]
    each = [t for t in paragraphs if t.startswith("各项目执行情况：")]
    compare.text("报告“各项目执行情况”", words["各项目执行情况"], each[0] if each else "（没有）")
    low = [t for t in paragraphs if t.startswith("部分项目经费预算执行率较低")]
    compare.text("报告“执行率偏低的项目”", words["执行率偏低"] or "（没有）", low[0] if low else "（没有）")
    spending = [t for t in paragraphs if t.startswith("支出结构：")]
    found = spending[0][spending[0].find("项目支出全年预算数") :] if spending else "（没有）"
    compare.text("报告“项目支出全年预算数……”", words["项目支出"], found)
    if "report" in expected["表"]:
        check_document_forms(document, expected["forms"], compare, result, "报告的附件")
    elif forms_in(document):
        compare.text("报告中的项目自评表", "（没有）", f"{len(forms_in(document))} 张")
    budget_header = ["项目", "年初预算", "调整预算", "决算", "执行率"]
    budget_tables = [t for t in document.tables if _cells(t.rows[0])[:5] == budget_header]
    if expected["收支情况表"] is None:
        compare.text("报告所附收支情况表", "（没有）", "有" if budget_tables else "（没有）")
    elif not budget_tables:
        compare.text("报告所附收支情况表", "有", "（没有）")
    else:
        rows = [_cells(r) for r in budget_tables[0].rows][1:]
        compare.text("收支情况表行数", str(len(expected["收支情况表"])), str(len(rows)))
        for (label, initial, budget, actual, rate), row in zip(expected["收支情况表"], rows):
            at = f"收支情况表“{label}”"
            compare.text(f"{at}名称", label, row[0].strip(" \u3000"))
            compare.figure(f"{at}年初预算", money(initial), row[1])
            compare.figure(f"{at}调整预算", money(budget), row[2])
            compare.figure(f"{at}决算", money(actual), row[3])
            compare.figure(f"{at}执行率", percent(rate), row[4])
    summary = expected["summary"]
    said = [p.text for p in document.paragraphs if "开展了项目支出绩效自评" in p.text]
    if summary is None:
        compare.text("报告中的项目自评汇总句", "（没有）", said[0] if said else "（没有）")
        return
    result.sentences += 1
    compare.text("报告中的项目自评汇总句", summary["句子"], said[0] if said else "（没有）")
    tables = [t for t in document.tables if _cells(t.rows[0])[:7] == SUMMARY_HEADER]
    if not expected["汇总表附件"]:
        compare.text("报告所附汇总表", "（没有）", "有" if tables else "（没有）")
        return
    if not tables:
        compare.text("报告所附汇总表", "有", "（没有）")
        return
    rows = [_cells(r) for r in tables[0].rows][1:]
    compare.text("报告所附汇总表行数", str(len(expected["forms"]) + 1), str(len(rows)))
    for i, (form, row) in enumerate(zip(expected["forms"], rows), 1):
        at = f"报告所附汇总表第 {i} 行"
        compare.text(f"{at}项目名称", form["名称"], row[1])
        compare.figure(f"{at}全年预算数", money(form["调整预算"]), row[2])
        compare.figure(f"{at}全年执行数", money(form["决算"]), row[3])
        compare.figure(f"{at}执行率", percent(form["执行率"]), row[4])
        compare.figure(f"{at}自评得分", points(form["总分"]), row[5])
        compare.text(f"{at}等级", form["等级"], row[6])
    if len(rows) > len(expected["forms"]):
        row = rows[len(expected["forms"])]
        compare.figure("报告所附汇总表合计全年预算数", money(summary["全年预算数"]), row[2])
        compare.figure("报告所附汇总表合计全年执行数", money(summary["全年执行数"]), row[3])
        compare.figure("报告所附汇总表合计执行率", percent(summary["执行率"]), row[4])
        compare.figure("报告所附汇总表平均得分", f"平均 {points(summary['平均得分'])}", row[5])


def figures_of(expected: dict) -> list[tuple[str, str]]:
    """The computed figures of one department's expectation, as written: (where, text)."""
    found = []
    for form in expected["forms"]:
        at = f"“{form['名称']}”"
        found += [(f"{at}执行率", percent(form["执行率"])), (f"{at}执行率得分", points(form["执行率得分"]))]
        found += [(f"{at}“{s['名称']}”执行率", percent(s["执行率"])) for s in form["资金来源"]]
        found += [(f"{at}“{r['三级']}”得分", points(r["得分"])) for r in form["指标"]]
        found += [(f"{at}总分", points(form["总分"])), (f"{at}等级", form["等级"])]
    if expected["summary"]:
        found.append(("汇总句", expected["summary"]["句子"]))
    return found


def wrongly_rounded(departments: list, how: str) -> int:
    """How many figures of the corpus an implementation rounding the wrong way would get wrong."""
    import generate
    import rules

    right = [figures_of(generate.expected_of(d)) for d in departments]
    with rules.rounded_by(how):
        wrong = [figures_of(generate.expected_of(d)) for d in departments]
    return sum(a != b for r, w in zip(right, wrong) for a, b in zip(r, w))


def _run(command: list[str]) -> tuple[int, str]:
    environment = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=PROJECT, env=environment)
    return done.returncode, done.stdout + done.stderr


def run_corpus(cases: list[tuple[str, dict]], work: Path, check: bool = True) -> Result:
    """Write the cases under ``work``, check and build them in one batch each, and compare."""
    data, out = work / "data", work / "out"
    data.mkdir(parents=True, exist_ok=True)
    for i, (text, _) in enumerate(cases):
        (data / f"{i:03d}.yaml").write_bytes(text.encode("utf-8"))
    result = Result()
    if check:
        result.check_code, result.check_output = _run([*reportgen(), "check", str(data)])
    result.build_code, result.build_output = _run([*reportgen(), "build", str(data), "--out-dir", str(out)])
    compare_built(out, [expected for _, expected in cases], result)
    return result


def compare_built(out: Path, expectations: list[dict], result: Result) -> Result:
    """Hold what is in ``out`` against the expectations, one per department."""
    built = {p.name for p in out.glob(f"*{FORM_SUFFIX}")} if out.is_dir() else set()
    wanted: set[str] = set()
    unevaluated: set[str] = set()
    for expected in expectations:
        compare = Comparer(result, expected["部门"])
        result.departments += 1
        result.projects += len(expected["forms"]) + len(expected["未评价项目"])
        result.evaluated += len(expected["forms"])
        result.traps[f"自评表：{expected['表']}"] = result.traps.get(f"自评表：{expected['表']}", 0) + 1
        for form in expected["forms"]:
            for row in form["指标"]:
                if row["trap"]:
                    result.traps[row["trap"]] = result.traps.get(row["trap"], 0) + 1
            result.traps[f"执行率{form['rate_kind']}"] = result.traps.get(f"执行率{form['rate_kind']}", 0) + 1
            if "files" not in expected["表"]:
                continue
            wanted.add(form["文件"])
            path = out / form["文件"]
            if not path.exists():
                result.missing.append(f"{expected['部门']}：{form['文件']}")
                continue
            document = docx.Document(str(path))
            pairs = forms_in(document)
            if len(pairs) != 1:
                compare.text(f"{form['文件']}中的自评表张数", "1", str(len(pairs)))
            if not pairs:
                continue
            result.forms_read += 1
            check_form(*pairs[0], form, compare)
            lines = filled_lines(document)
            compare.text(f"“{form['名称']}”填报行", form["填报"], lines[0] if lines else "")
        if "combined" in expected["表"]:
            wanted.add(expected["合并文件"])
            path = out / expected["合并文件"]
            if path.exists():
                check_document_forms(docx.Document(str(path)), expected["forms"], compare, result, "合并的自评表")
            else:
                result.missing.append(f"{expected['部门']}：{expected['合并文件']}")
        for name in expected["未评价项目"]:
            result.no_form_checked += 1
            unevaluated.add(f"{expected['年度']}年度{name}{FORM_SUFFIX}")
            if (out / f"{expected['年度']}年度{name}{FORM_SUFFIX}").exists():
                result.extra.append(f"{expected['部门']}：没有绩效指标的“{name}”也生成了自评表")
        report = out / expected["报告"]
        if report.exists():
            check_report(report, expected, compare, result)
        else:
            result.missing.append(f"{expected['部门']}：报告 {expected['报告']}")
        sheet = out / f"{expected['年度']}年度{expected['部门']}项目支出绩效自评结果汇总表.xlsx"
        if expected["汇总表文件"]:
            if sheet.exists():
                result.sheets += 1
                check_sheet(sheet, expected, compare)
            else:
                result.missing.append(f"{expected['部门']}：{expected['汇总表文件']}")
        elif sheet.exists():
            result.extra.append(f"{expected['部门']}：不应有的 {sheet.name}")
    result.extra += sorted(f"（不属于任何项目）{name}" for name in built - wanted - unevaluated)
    return result
