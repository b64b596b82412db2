"""A report typed by hand, read back into the data model.

The outline is found from the numbers the text carries (一、 （一） 1. （1）,
typed or Word's own) or from heading styles, and each section from its heading
words and their usual synonyms.  Within a section: numbered items, run-in
titles ("1.靶向招商，……。正文"), 一是……；二是…… lists, and the amounts and
scores the sentences state.  What cannot be placed is kept as a gap: the value
becomes 待填写 with a comment quoting the text, so that ``check`` lists it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..computation import half_up
from .document import Document, Paragraph

CN = "一二三四五六七八九十"
_LEVEL1 = re.compile(rf"^([{CN}]+)、\s*(.*)$")
_LEVEL2 = re.compile(rf"^（([{CN}]+)）\s*(.*)$")
_ITEM = re.compile(r"^(\d+)[.．、]\s*(.*)$")
_ITEM4 = re.compile(r"^[（(](\d+)[）)]\s*(.*)$")
_AMOUNT = r"(\d+(?:\.\d+)?)"
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_SELF = re.compile(r"[我本](?:委|局|厅|办|院|部|处|中心|单位|部门|所|站|队)")

#: Section key → heading words that name it (the first that a heading contains wins).
SECTIONS = {
    "部门职能": ["部门职能", "主要职能", "部门职责", "主要职责", "职能职责"],
    "机构人员": ["机构设置及人员", "设置机构及人员", "机构设置", "人员情况", "机构人员"],
    "重点工作": ["年度总体工作和重点工作任务", "重点工作", "年度主要任务", "主要任务", "工作任务"],
    "年度总体目标": ["年度总体目标完成情况", "年度总体目标"],
    "绩效目标": ["部门整体支出绩效目标", "绩效目标"],
    "绩效指标": ["绩效指标完成情况", "绩效指标"],
    "收支": ["部门整体收支情况", "收支情况", "预算执行情况", "预算收支"],
    "绩效管理": ["部门整体绩效管理情况", "绩效管理情况", "绩效管理"],
    "自评结论": ["自评结论", "自评得分情况", "自评得分"],
    "履职效能": ["履职效能分析", "履职效能"],
    "管理效率": ["管理效率分析", "管理效率"],
    "存在问题": ["存在的主要问题", "存在问题及原因", "存在问题", "主要问题"],
    "改进措施": ["下一步改进措施", "改进措施及建议", "改进措施", "下一步工作", "整改措施"],
    "其他需要说明的问题": ["其他需要说明的问题", "其他需要说明的情况", "其他说明"],
    "概况": ["部门概况", "部门基本情况", "单位基本概况", "基本情况"],
    "绩效自评": ["绩效自评情况", "绩效目标及完成情况"],
}


@dataclass
class Section:
    key: str | None
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Imported:
    """The data read from a report, and what it could not fill in."""

    data: dict
    #: Data path → why it is 待填写 (a comment for the clerk).
    gaps: dict[tuple, str] = field(default_factory=dict)
    #: Text that stood in the report but has no place in the data.
    unplaced: list[str] = field(default_factory=list)


def section_key(heading: str) -> str | None:
    plain = re.sub(r"[（(][^）)]*[）)]$", "", heading)
    for key, words in SECTIONS.items():
        if any(word in plain for word in words):
            return key
    return None


def read_report(document: Document) -> Imported:
    result = Imported({})
    front, sections, closing = _split(document.paragraphs)
    _front(front, result)
    keys = [s.key for s in sections]
    result.data["提纲"] = "财政部" if "年度总体目标" in keys or "绩效指标" in keys else "广东"
    by_key: dict[str, Section] = {}
    for section in sections:
        if section.key in by_key:
            by_key[section.key].paragraphs += section.paragraphs
        elif section.key is not None:
            by_key[section.key] = section
        else:
            result.unplaced += [_full(p) for p in section.paragraphs]
    all_text = "".join(p.text for p in document.paragraphs)
    selves = _SELF.findall(all_text)
    if selves:
        result.data["自称"] = max(set(selves), key=selves.count)
    _duties(by_key, result)
    _staffing(by_key, result)
    _key_tasks(by_key, result)
    _goals(by_key, document, result)
    _budget(by_key, document, result)
    _management(by_key, result)
    _evaluation(by_key, document, result)
    _closing_sections(by_key, result)
    _closing(closing, document, result)
    return result


def _full(paragraph: Paragraph) -> str:
    return paragraph.label + paragraph.text


def _split(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[Section], list[Paragraph]]:
    """Title lines; the sections under their headings; the closing lines
    (附件说明, 落款 and the attachments)."""
    front: list[Paragraph] = []
    sections: list[Section] = []
    closing: list[Paragraph] = []
    for paragraph in paragraphs:
        full = _full(paragraph)
        if closing or (sections and (full.startswith("附件：") or full.startswith("附件:"))):
            closing.append(paragraph)
            continue
        heading = _heading_text(paragraph, full)
        if heading is not None:
            sections.append(Section(section_key(heading), heading))
        elif not sections:
            front.append(paragraph)
        else:
            sections[-1].paragraphs.append(paragraph)
    # 落款 typed straight after the last section: the organ line and a date line.
    if sections and not closing:
        tail = sections[-1].paragraphs
        if len(tail) >= 2 and _DATE.match(tail[-1].text):
            closing = tail[-2:]
            del tail[-2:]
    return front, sections, closing


def _heading_text(paragraph: Paragraph, full: str) -> str | None:
    """A level-1 or level-2 heading's words (numbered 一、/（一） or in a heading
    style); None for anything else, and for a long line that only starts so."""
    numbered = _LEVEL1.match(full) or _LEVEL2.match(full)
    if numbered:
        text = numbered.group(2)
    elif paragraph.heading in (1, 2):
        text = full
    else:
        return None
    return text if len(full) <= 40 else None


def _front(front: list[Paragraph], result: Imported) -> None:
    lines = [_full(p) for p in front]
    label = next((re.match(r"^附件\s*(\d+)$", line) for line in lines if re.match(r"^附件\s*\d+$", line)), None)
    if label:
        result.data["附件编号"] = int(label.group(1))
    title = "".join(line for line in lines if not re.match(r"^附件\s*\d+$", line))
    found = re.search(r"(\d{4})\s*年度?(.*?)(?:部门)?整体支出绩效自评报告", title)
    if found:
        result.data["年度"] = int(found.group(1))
        department = found.group(2).strip()
        result.data["部门"] = department[:-2] if department.endswith("部门") and len(department) > 4 else department
    else:
        result.data["年度"] = None
        result.data["部门"] = None
        result.gaps[("年度",)] = "标题中没有找到“XXXX年度……部门整体支出绩效自评报告”"
        result.gaps[("部门",)] = "标题中没有找到部门名称"


# --- lists and items -----------------------------------------------------------------


def _items(paragraphs: list[Paragraph]) -> list[str]:
    """Numbered items, or an 一是……；二是…… list, or else the paragraphs."""
    numbered = [m.group(2) for p in paragraphs if (m := _ITEM.match(_full(p)) or _ITEM4.match(_full(p)))]
    if numbered:
        return numbered
    joined = "".join(p.text for p in paragraphs)
    listed = enumerated(joined)
    return listed or [p.text for p in paragraphs]


def enumerated(text: str) -> list[str]:
    """``一是甲；二是乙。`` → ``['甲', '乙']`` (nothing if the text is not such a list)."""
    parts = re.split(rf"(?:^|[；;。])\s*[{CN}]+是", text)
    if len(parts) < 3:
        return []
    return [part.rstrip("；;。 ") for part in parts[1:] if part.strip()]


def run_in(text: str) -> tuple[str, str]:
    """``靶向招商，加速….牢牢把握…`` → (title, body): the title ends at the first 。"""
    title, mark, body = text.partition("。")
    return (title, body) if mark and body else ("", text)


def _duties(by_key: dict, result: Imported) -> None:
    section = by_key.get("部门职能")
    if section is None:
        result.data["部门职能"] = [None]
        result.gaps[("部门职能",)] = "报告中没有找到“部门职能”一节"
        return
    result.data["部门职能"] = _items(section.paragraphs)


def _staffing(by_key: dict, result: Imported) -> None:
    section = by_key.get("机构人员")
    if section is None:
        return
    text = "".join(p.text for p in section.paragraphs)
    staffing: dict = {}
    units = re.search(r"内设机构\d*个[：:](.*?)。", text)
    if units:
        staffing["内设机构"] = [u for u in re.split(r"[、，,]", units.group(1)) if u]
    for key in ("编制数", "在职人数", "离退休人数"):
        found = re.search(rf"{key}(\d+)名", text)
        if found:
            staffing[key] = int(found.group(1))
    if staffing:
        result.data["机构人员"] = staffing
    else:
        result.unplaced.append(text)


def _key_tasks(by_key: dict, result: Imported) -> None:
    section = by_key.get("重点工作")
    if section is None:
        if result.data["提纲"] == "广东":  # a section that outline cannot do without
            result.data["重点工作"] = [{"标题": None, "内容": None}]
            result.gaps[("重点工作",)] = "报告中没有找到“年度总体工作和重点工作任务”一节"
        return
    tasks = []
    for item in _items(section.paragraphs):
        title, body = run_in(item)
        tasks.append({"标题": title or None, "内容": body})
    result.data["重点工作"] = tasks


def _goals_from_table(document: Document) -> list[dict]:
    """The 年度总体目标 rows of a 财政部-style 自评表: each goal as written, with its result."""
    for table in document.tables:
        rows = [row for row in table if row and row[0] == "年度总体目标" and len(row) >= 5]
        if rows and rows[0][1] == "预期目标":
            middle = rows[0].index("实际完成情况")
            return [{"目标": row[1], "完成情况": row[middle]} for row in rows[1:]]
    return []


def _goals(by_key: dict, document: Document, result: Imported) -> None:
    """Goals from their section; each one's result from the 履职效能 analysis
    (广东) or from the run-in goal itself (财政部: "目标。完成情况")."""
    tabled = _goals_from_table(document)
    if tabled:
        result.data["绩效目标"] = tabled
        return
    if "年度总体目标" in by_key:
        goals = []
        for item in _items(by_key["年度总体目标"].paragraphs):
            target, achieved = run_in(item)
            goals.append({"目标": target + "；" if target else item, "完成情况": achieved or None})
        result.data["绩效目标"] = goals
        return
    targets = _items(by_key["绩效目标"].paragraphs) if "绩效目标" in by_key else []
    results_section = by_key.get("履职效能")
    achieved = []
    if results_section is not None:
        after = False
        for paragraph in results_section.paragraphs:
            if "完成情况" in paragraph.text and paragraph.text.endswith(("：", ":")):
                after = True
                continue
            found = _ITEM.match(_full(paragraph))
            if found and (after or not achieved):
                achieved.append(found.group(2))
    goals = []
    for i, target in enumerate(targets):
        goals.append({"目标": target, "完成情况": achieved[i] if i < len(achieved) else None})
        if i >= len(achieved):
            result.gaps[("绩效目标", i, "完成情况")] = "报告中没有找到这一目标的完成情况"
    if not goals:
        goals = [{"目标": None, "完成情况": None}]
        result.gaps[("绩效目标",)] = "报告中没有找到绩效目标"
    result.data["绩效目标"] = goals


# --- money ---------------------------------------------------------------------------


def _number(pattern: str, text: str) -> Decimal | None:
    found = re.search(pattern, text)
    return Decimal(found.group(1)) if found else None


def budget_from_text(text: str) -> dict:
    """Amounts (万元) stated in a 收支 paragraph, under the data's keys."""
    budget: dict = {}
    money = {
        "年初预算": rf"年初预算数?为?{_AMOUNT}万元",
        "调整预算": rf"(?:调整预算数?|全年预算数?)为?{_AMOUNT}万元",
        "决算": rf"(?:决算数?|全年执行数?)为?{_AMOUNT}万元",
    }
    head = re.split(r"其中[，,：:]|支出结构", text)[0]
    for key, pattern in money.items():
        value = _number(pattern, head)
        if value is not None:
            budget[key] = value
    change = re.search(rf"全年执行数较上年(增加|减少){_AMOUNT}万元", text)
    if change and "决算" in budget:
        sign = 1 if change.group(1) == "增加" else -1
        budget["上年决算"] = budget["决算"] - sign * Decimal(change.group(2))
    for part in ("基本支出", "项目支出"):
        line: dict = {}
        pair = re.search(rf"{part}预算{_AMOUNT}万元，实际支出{_AMOUNT}万元", text)  # 广东: budget, then spending
        if pair:
            line["调整预算"], line["决算"] = Decimal(pair.group(1)), Decimal(pair.group(2))
        else:  # 财政部: 支出结构 gives the spending, a later sentence the full-year budget
            actual = _number(rf"{part}{_AMOUNT}万元，占", text)
            planned = _number(rf"{part}全年预算数{_AMOUNT}万元", text)
            line.update({k: v for k, v in (("调整预算", planned), ("决算", actual)) if v is not None})
        change = re.search(rf"{part}{_AMOUNT}万元[^；。]*?较上年(增加|减少){_AMOUNT}万元", text)
        if change and "决算" in line:
            sign = 1 if change.group(2) == "增加" else -1
            line["上年决算"] = line["决算"] - sign * Decimal(change.group(3))
        staff = re.search(rf"其中人员经费{_AMOUNT}万元，公用经费{_AMOUNT}万元", text) if part == "基本支出" else None
        if staff:
            line["人员经费"], line["公用经费"] = Decimal(staff.group(1)), Decimal(staff.group(2))
        budget[part] = line
    return budget


def _budget(by_key: dict, document: Document, result: Imported) -> None:
    section = by_key.get("收支")
    paragraphs = section.paragraphs if section else []
    text = "".join(p.text for p in paragraphs)
    budget = budget_from_text(text)
    projects = [
        {"名称": m.group(1), "调整预算": Decimal(m.group(2)), "决算": Decimal(m.group(3))}
        for m in re.finditer(rf"(?:^|[：；])([^：；，。]+?)全年预算数{_AMOUNT}万元，执行数{_AMOUNT}万元", text)
    ]
    income = re.search(rf"收入合计{_AMOUNT}万元(?:，较上年(增加|减少){_AMOUNT}万元)?[^。]*。其中：(.*?)。", text)
    if income:
        lines = {
            m.group(1): Decimal(m.group(2)) for m in re.finditer(rf"([^：；，。]+?){_AMOUNT}万元，占", income.group(4))
        }
        budget["收入"] = lines
        if income.group(2) and lines:
            sign = 1 if income.group(2) == "增加" else -1
            first = next(iter(lines))
            prior_total = sum(lines.values()) - sign * Decimal(income.group(3))
            budget["上年收入"] = {first: prior_total}
            result.gaps[("收支", "上年收入")] = (
                f"原文只给出上年收入合计 {prior_total} 万元，已全部记在“{first}”下，请按上年决算分列"
            )
    _budget_from_tables(document, budget)
    if not projects:
        projects = budget.pop("_表中项目", [])
    budget.pop("_表中项目", None)
    for key in ("年初预算",):
        if key not in budget:
            budget[key] = None
            result.gaps[("收支", key)] = "报告中没有找到年初预算数"
    for part in ("基本支出", "项目支出"):
        for key in ("调整预算", "决算"):
            if budget[part].get(key) is None:
                budget[part][key] = None
                result.gaps[("收支", part, key)] = f"报告中没有找到{part}的{key}数"
    low = (
        re.search(r"执行率较低，(.*?)。", "".join(p.text for p in by_key["存在问题"].paragraphs))
        if "存在问题" in by_key
        else None
    )
    if low and not projects:
        for found in re.finditer(rf"([^、，。]+?)预算执行率为{_AMOUNT}%", low.group(1)):
            index = len(projects)
            projects.append({"名称": found.group(1), "调整预算": None, "决算": None})
            for key in ("调整预算", "决算"):
                result.gaps[("收支", "项目", index, key)] = f"原文只给出这个项目的执行率 {found.group(2)}%，没有金额"
    if projects:
        budget["项目"] = projects
    assessment = _assessment(paragraphs)
    if assessment:
        budget["评价"] = assessment
    result.data["收支"] = budget


def _budget_from_tables(document: Document, budget: dict) -> None:
    """Amounts from a 收支 table (项目 | 年初预算 | 调整预算 | 决算 | …) and the
    fund block of a 财政部-style 自评表, where the text left them out."""
    for table, caption in zip(document.tables, document.captions, strict=True):
        header = table[0] if table else []
        columns = {_column_name(name): i for i, name in enumerate(header)}
        in_yuan = bool(re.search(r"单位[：:]\s*元|（元）", caption + "".join(header)))
        if {"调整预算", "决算"} <= set(columns):
            _rows_of_amounts(table, columns, budget, in_yuan)
        for row in table:
            if row and row[0] in ("年度资金情况",):
                columns = {name: i for i, name in enumerate(row)}
            elif (
                row
                and "年初预算数" in columns
                and (row[0].startswith(("其中：", "其中:")) or _is_source_row(row, columns))
            ):
                name = re.sub(r"^其中[：:]", "", row[0])
                source = _amounts(
                    row, columns, {"年初预算": "年初预算数", "调整预算": "全年预算数", "决算": "全年执行数"}
                )
                if source:
                    budget.setdefault("资金来源", {})[name] = source


def _is_source_row(row: list[str], columns: dict) -> bool:
    return row[0] not in ("年度资金总额", "年度资金情况", "年度总体目标", "一级指标", "总分") and all(
        re.fullmatch(r"\d+(?:\.\d+)?", row[columns[key]] or "")
        for key in ("全年预算数", "全年执行数")
        if key in columns
    )


def _amounts(row: list[str], columns: dict, names: dict) -> dict:
    found = {}
    for key, column in names.items():
        if column in columns and columns[column] < len(row) and re.fullmatch(r"\d+(?:\.\d+)?", row[columns[column]]):
            found[key] = Decimal(row[columns[column]])
    return found


def _column_name(header: str) -> str:
    """年初预算数 / 调整预算数 / 全年预算数 / 决算数 / 全年执行数 → the data's key."""
    plain = re.sub(r"\s|（.*?）|\(.*?\)", "", header)
    for key, words in (
        ("年初预算", ("年初预算",)),
        ("调整预算", ("调整预算", "全年预算")),
        ("决算", ("决算", "全年执行", "实际支出")),
    ):
        if plain.startswith(words):
            return key
    return plain


def _rows_of_amounts(table: list[list[str]], columns: dict, budget: dict, in_yuan: bool) -> None:
    names = {"年初预算": "年初预算", "调整预算": "调整预算", "决算": "决算"}
    for row in table[1:]:
        name = row[0].replace("其中：", "").strip("\u3000 ")
        amounts = _amounts([cell.replace(",", "") for cell in row], columns, names)
        if in_yuan:
            amounts = {key: half_up(value / 10000) for key, value in amounts.items()}
        if name in ("基本支出", "项目支出"):
            for key, value in amounts.items():
                budget[name].setdefault(key, value)
        elif name == "合计":
            for key, value in amounts.items():
                budget.setdefault(key, value)
        elif amounts:
            budget.setdefault("_表中项目", []).append({"名称": name, **amounts})


def _assessment(paragraphs: list[Paragraph]) -> str | None:
    """The closing judgement of the 收支 paragraph: the sentences after the last
    one that states amounts (万元) or a part's progress (支出进度)."""
    for paragraph in paragraphs:
        sentences = [s + "。" for s in paragraph.text.split("。") if s]
        last = max((i for i, s in enumerate(sentences) if "万元" in s or "支出进度" in s), default=None)
        if last is not None and last + 1 < len(sentences):
            return "".join(sentences[last + 1 :])
    return None


# --- management, evaluation and the end ------------------------------------------------------


def _management(by_key: dict, result: Imported) -> None:
    section = by_key.get("绩效管理")
    if section is None:
        if result.data["提纲"] == "广东":
            result.data["绩效管理"] = {"概述": None, "举措": [None]}
            result.gaps[("绩效管理",)] = "报告中没有找到“部门整体绩效管理情况”一节"
        return
    summary, measures = [], []
    for paragraph in section.paragraphs:
        listed = enumerated(paragraph.text)
        if listed:
            measures += listed
        else:
            summary.append(paragraph.text)
    result.data["绩效管理"] = {"概述": "".join(summary) or None, "举措": measures or [None]}


def _evaluation(by_key: dict, document: Document, result: Imported) -> None:
    evaluation = _evaluation_from_table(document)
    if evaluation is None:
        evaluation = _evaluation_from_text(by_key, document, result)
    result.data["自评"] = evaluation


def _evaluation_from_text(by_key: dict, document: Document, result: Imported) -> dict:
    """广东: dimensions and their full marks from 自评结论; indicators with a
    deduction from the conclusion and the 管理效率 analysis."""
    conclusion = by_key.get("自评结论")
    dimensions: list[dict] = []
    if conclusion is not None:
        for paragraph in conclusion.paragraphs:
            found = re.match(
                rf"^“([^”]+)”满分{_AMOUNT}分，自评得分{_AMOUNT}分(?:，(.*?))?。(.*)$",
                _ITEM.sub(r"\2", _full(paragraph)),
            )
            if not found:
                continue
            dimension: dict = {"名称": found.group(1)}
            if found.group(4):
                dimension["结论"] = found.group(4)
            indicators = []
            for item in re.finditer(
                rf"“([^”]+)”满分{_AMOUNT}分，(按评分标准)?自评得分{_AMOUNT}分，扣减{_AMOUNT}分(?:（([^）]*)）)?",
                found.group(5) or "",
            ):
                indicator = {"名称": item.group(1), "分值": Decimal(item.group(2))}
                if item.group(3):
                    indicator["计分"] = "预算执行率"
                else:
                    indicator["扣分"] = Decimal(item.group(5))
                    indicator["扣分原因"] = item.group(6) or None
                indicators.append(indicator)
            dimension["二级指标"] = indicators
            dimension["_满分"] = Decimal(found.group(2))
            dimensions.append(dimension)
    analysed = by_key.get("管理效率")
    if analysed is not None and len(dimensions) >= 2:
        for paragraph in analysed.paragraphs:
            found = _ITEM.match(_full(paragraph))
            if not found:
                continue
            name, body = run_in(found.group(2))
            indicator = next((i for i in dimensions[1]["二级指标"] if i["名称"] == name), None)
            if indicator is None:
                indicator = {"名称": name, "分值": None}
                dimensions[1]["二级指标"].append(indicator)
            deduction = re.search(rf"^(.*?。)?([^。]*?)，本项目扣{_AMOUNT}分。$", body)
            if deduction:
                indicator["分析"] = deduction.group(1) or None
                indicator["扣分"] = Decimal(deduction.group(3))
                indicator["扣分原因"] = deduction.group(2)
            else:
                indicator["分析"] = body
    _marks_from_table(dimensions, document)
    for d, dimension in enumerate(dimensions):
        full = dimension.pop("_满分")
        known = sum((i["分值"] for i in dimension["二级指标"] if i.get("分值") is not None), Decimal(0))
        missing = [i for i, item in enumerate(dimension["二级指标"]) if item.get("分值") is None]
        if not dimension["二级指标"]:
            dimension["二级指标"] = [{"名称": None, "分值": full}]
            result.gaps[("自评", "一级指标", d, "二级指标")] = (
                f"原文只给出“{dimension['名称']}”满分 {full} 分，没有列出二级指标"
            )
        elif missing:
            for i in missing:
                dimension["二级指标"][i]["分值"] = None
                result.gaps[("自评", "一级指标", d, "二级指标", i, "分值")] = (
                    f"原文没有给出分值；“{dimension['名称']}”满分 {full} 分，已知分值合计 {known} 分"
                )
        elif known != full:
            dimension["二级指标"].append({"名称": None, "分值": full - known})
            result.gaps[("自评", "一级指标", d, "二级指标", len(dimension["二级指标"]) - 1, "名称")] = (
                f"“{dimension['名称']}”满分 {full} 分，原文列出的二级指标分值合计 {known} 分，其余 {full - known} 分的指标未写明"
            )
    if not dimensions:
        result.gaps[("自评",)] = "报告中没有找到自评结论"
        return {"一级指标": [{"名称": None, "二级指标": [{"名称": None, "分值": None}]}]}
    return {"一级指标": dimensions}


def _marks_from_table(dimensions: list[dict], document: Document) -> None:
    """Full marks from a 广东-style 自评表 (一级指标 | 二级指标 | 分值 | 得分 | 扣分原因):
    each indicator's 分值, and the indicators the text never names (none lost
    marks), in the table's order."""
    for table in document.tables:
        if not table or table[0][:3] != ["一级指标", "二级指标", "分值"]:
            continue
        for dimension in dimensions:
            stated = list(dimension["二级指标"])
            ordered = []
            for row in table[1:]:
                if row[0] != dimension["名称"] or row[1] == "小计" or not re.fullmatch(r"\d+(?:\.\d+)?", row[2]):
                    continue
                item = next((i for i in stated if i["名称"] == row[1]), None)
                if item is None:
                    item = {"名称": row[1]}
                else:
                    stated.remove(item)
                item["分值"] = Decimal(row[2])
                ordered.append(item)
            dimension["二级指标"] = ordered + stated
        return


def _evaluation_from_table(document: Document) -> dict | None:
    """财政部: the indicator tree from the 自评表 (一级 | 二级 | 三级 | 年度指标值 |
    实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施), each leaf's rule worked out."""
    from ..computation import completion_score, parse_measure

    for table in document.tables:
        start = next((i for i, row in enumerate(table) if row[:3] == ["一级指标", "二级指标", "三级指标"]), None)
        if start is None:
            continue
        header = table[start]
        at = {name: header.index(name) for name in ("年度指标值", "实际完成值", "分值", "得分") if name in header}
        reason_at = next((i for i, name in enumerate(header) if name.startswith("偏差原因")), None)
        dimensions: list[dict] = []
        grades = None
        for row in table[start + 1 :]:
            if row[0] == "总分":
                grade = re.search(r"等级[：:](.+)$", row[-1])
                grades = grade.group(1) if grade else None
                continue
            first, second, third = row[0], row[1], row[2]
            if not dimensions or dimensions[-1]["名称"] != first:
                dimensions.append({"名称": first, "二级指标": []})
            dimension = dimensions[-1]
            leaf: dict = {"名称": third if third not in (first, second) else second}
            target, achieved = row[at["年度指标值"]], row[at["实际完成值"]]
            full, score = Decimal(row[at["分值"]]), Decimal(row[at["得分"]])
            leaf["分值"] = full
            if second == first and third == first:  # a first-level indicator scored by itself
                dimension.pop("二级指标")
                dimension.update({"分值": full, "计分": "预算执行率"})
                continue
            measure_t, measure_a = parse_measure(target), parse_measure(achieved)
            if target not in ("", "—"):
                leaf["年度指标值"] = target
            if achieved not in ("", "—"):
                leaf["实际完成值"] = achieved
            if (
                measure_t
                and measure_a
                and measure_t.unit == measure_a.unit
                and completion_score(measure_t, measure_a, full) == score
            ):
                leaf["计分"] = "完成比例"
            else:
                leaf["计分"] = "得分"
                leaf["得分"] = score
            reason = row[reason_at] if reason_at is not None else ""
            if reason:
                cause, _, remedy = reason.partition("；")
                leaf["偏差原因"] = cause
                if remedy:
                    leaf["改进措施"] = remedy
            if third not in (first, second):
                parents = dimension["二级指标"]
                if not parents or parents[-1]["名称"] != second:
                    parents.append({"名称": second, "三级指标": []})
                parents[-1]["三级指标"].append(leaf)
            else:
                dimension["二级指标"].append(leaf)
        evaluation: dict = {"一级指标": dimensions}
        if grades:
            evaluation["_等级"] = grades
        return evaluation
    return None


def _closing_sections(by_key: dict, result: Imported) -> None:
    problems = by_key.get("存在问题")
    if problems is not None:
        stated = [
            p.text
            for p in problems.paragraphs
            if "执行率较低" not in p.text and "未发现需要说明的主要问题" not in p.text
        ]
        result.data["存在问题"] = stated
    measures = by_key.get("改进措施")
    result.data["改进措施"] = _items(measures.paragraphs) if measures else [None]
    if measures is None:
        result.gaps[("改进措施",)] = "报告中没有找到“改进措施”一节"
    other = by_key.get("其他需要说明的问题")
    if other is not None:
        texts = [p.text for p in other.paragraphs]
        result.data["其他需要说明的问题"] = texts[0] if len(texts) == 1 else texts


def _closing(closing: list[Paragraph], document: Document, result: Imported) -> None:
    attachments = []
    lines = [_full(p) for p in closing]
    for i, line in enumerate(lines):
        if _DATE.match(line) and i > 0 and not lines[i - 1].startswith(("附件", "2-", "1-")):
            year, month, day = _DATE.match(line).groups()
            result.data["落款"] = {"单位": lines[i - 1], "日期": f"{year}-{int(month):02d}-{int(day):02d}"}
        listed = re.match(r"^(?:附件[：:])?\s*(?:\d+-)?\d+[.．]\s*(.+)$", line)
        if listed and (line.startswith("附件") or attachments):
            name = listed.group(1)
            attachments.append("收支情况表" if "收支情况表" in name else "绩效自评表" if "自评表" in name else name)
    result.data["附件"] = attachments
