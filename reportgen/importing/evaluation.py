"""The score sheet and the goals, from the 自评表 and the text around it.

Both shapes of 自评表 are read by their headers (:mod:`.tables`): 广东's
(一级指标 | 二级指标 | 分值 | 得分 | 扣分原因) and 财预〔2020〕10号's (一级 | 二级 |
三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施, under its
fund and goals blocks).  A parent not repeated on each row is taken from the
row above; 小计 and 合计 rows are checks, not indicators; a score cell that is
not a number is 待填写 with the cell quoted.  Where there is no table, the
自评结论 sentences give each dimension's full marks and the indicators that
lost points, by their labels (满分、得分、扣减), and the 管理效率 analysis the
rest.
"""

from __future__ import annotations

import re
from decimal import Decimal

from . import tables
from .normalise import Text
from .normalise import read as read_text
from .normalise import reading as reading_of
from .sections import Reading, items, run_in

_QUOTED = re.compile(r"[“\"「]([^”\"」]{1,40})[”\"」]")
_POINTS = r"(\d{1,4}(?:\.\d{1,2})?)分"
_GRADE = re.compile(r"等级[：为是]?\s*[“\"]?([^”\"，。；\s]{1,4})")
#: A row of its own under the 合计 giving the grade (等级 | 优), as 广东's table has it.
_GRADE_ROW = re.compile(r"^(?:自评|评价|绩效|综合)?等级$")


def read(reading: Reading, completion) -> None:
    """``completion(target, achieved, full)`` is the score the 完成比例 rule gives, or None."""
    evaluation = _from_tables(reading, completion)
    if evaluation is None:
        evaluation = _indicators_from_text(reading, completion)
    if evaluation is None:
        evaluation = _from_text(reading)
    else:
        _text_into(reading, evaluation)
        _use_indicator_text(reading, evaluation)
    reading.data["自评"] = evaluation


_DIMENSION_LINE = re.compile(rf"^\d{{1,2}}[.、](.+?)（满分{_POINTS}(?:，得分{_POINTS})?）$")
_LEAF_LINE = re.compile(r"^（\d{1,2}）(?:(.+?)——)?([^。]+?)。(.*)$")
_LEAF_LABELS = {
    "年度指标值": r"年度指标值[：为]?([^，。；]+)",
    "实际完成值": r"实际完成值[：为]?([^，。；]+)",
    "分值": rf"分值{_POINTS}",
    "得分": rf"得分{_POINTS}",
    "偏差原因": r"偏差原因[：:]([^。]+)",
    "扣分原因": r"扣分原因[：:]([^。]+)",
    "改进措施": r"改进措施[：:]([^。]+)",
}
#: How far each label's clause runs in an indicator's line: a figure to the next
#: comma, a note to the end of its sentence.
_LEAF_CLAUSES = re.compile(
    r"(?:年度指标值|实际完成值|分值|得分|满分线)[^，。；]*[，。；]?"
    r"|[^，。；]*为-?\d[\d.]*%[，。；]?"  # 部门整体预算执行率为97.60%，
    r"|(?:偏差原因|扣分原因|改进措施)[：:][^。]*。?"
)


def _leaf_values(text: Text, start: int) -> dict[str, str]:
    """The labelled figures and notes of an indicator's line, from ``start`` (after its name)."""
    values = {}
    for key, pattern in _LEAF_LABELS.items():
        found = re.compile(pattern).search(text.reading, start)
        if found:
            values[key] = text.written(found.start(1), found.end(1))
    return values


#: What an indicator's line may say about it in words, beside the figures.
_LEAF_NOTES = ("偏差原因", "扣分原因", "改进措施")


def _leaf_analysis(text: Text, start: int) -> str | None:
    """What an indicator's line says beside its figures and labelled notes (from
    ``start``, after its name): its 分析, which must not be lost."""
    pieces, at = [], start
    for clause in _LEAF_CLAUSES.finditer(text.reading, start):
        pieces.append(text.written(at, clause.start()))
        at = clause.end()
    pieces.append(text.written(at))
    analysis = "".join(piece.strip(" ，,；;") for piece in pieces).strip()
    return analysis if analysis.strip("。.") else None


def _add_analysis(indicator: dict, analysis: str | None) -> None:
    """An indicator's 分析, in the order the report gave its parts."""
    known = indicator.get("分析") or ""
    if analysis and analysis not in known:  # the 自评表 may have given it already
        indicator["分析"] = known + analysis


def _use_indicator_text(reading: Reading, evaluation: dict) -> None:
    """With the tree from the 自评表, the 绩效指标 text repeats it line by line."""
    section = reading.by_key.get("绩效指标")
    names = set()
    for dimension in evaluation["一级指标"]:
        names.add(tables.label(dimension["名称"] or ""))
        for child in dimension.get("二级指标", []):
            names.add(tables.label(child["名称"] or ""))
            names.update(tables.label(leaf["名称"] or "") for leaf in child.get("三级指标", []))
    leaves = {}
    for dimension in evaluation["一级指标"]:
        if not dimension.get("二级指标"):
            leaves.setdefault(tables.label(dimension["名称"] or ""), dimension)
        for child in dimension.get("二级指标", []):
            for leaf in child.get("三级指标", [child]):
                leaves.setdefault(tables.label(leaf["名称"] or ""), leaf)
    last = None
    for paragraph in section.paragraphs if section else []:
        found = _DIMENSION_LINE.match(paragraph.reading) or _LEAF_LINE.match(paragraph.reading)
        if found and any(name and name in paragraph.reading for name in names):
            reading.use(paragraph)
            if found.re is _LEAF_LINE:
                last = leaves.get(tables.label(found.group(2)))
                if last is not None:
                    notes = _leaf_values(paragraph.text, found.start(3))
                    for key in _LEAF_NOTES:
                        if key in notes and not last.get(key):  # the 自评表 left it out
                            last[key] = notes[key]
                    _add_analysis(last, _leaf_analysis(paragraph.text, found.start(3)))
            else:
                last = None
        elif last is not None and paragraph.index not in reading.used:
            _add_analysis(last, paragraph.text.written())  # the analysis below an indicator's line
            reading.use(paragraph)


def _indicators_from_text(reading: Reading, completion) -> dict | None:
    """财政部 without a 自评表: each "（1）二级——三级。年度指标值…，实际完成值…，分值N分，得分M分。"
    under its "1.一级指标（满分N分）" line."""
    section = reading.by_key.get("绩效指标")
    dimensions: list[dict] = []
    last = None
    for paragraph in section.paragraphs if section else []:
        text = paragraph.text
        head = _DIMENSION_LINE.match(text.reading)
        if head:
            dimensions.append({"名称": text.written(head.start(1), head.end(1))})
            reading.use(paragraph)
            last = None
            continue
        leaf_line = _LEAF_LINE.match(text.reading)
        if not leaf_line and last is not None:
            _add_analysis(last, text.written())  # the analysis below an indicator's line
            reading.use(paragraph)
        if not leaf_line or not dimensions:
            continue
        reading.use(paragraph)
        dimension = dimensions[-1]
        d = len(dimensions) - 1
        values = _leaf_values(text, leaf_line.start(3))
        leaf: dict = {"名称": text.written(leaf_line.start(2), leaf_line.end(2))}
        full = Decimal(values["分值"]) if "分值" in values else None
        score = Decimal(values["得分"]) if "得分" in values else None
        where = f"{reading.where(paragraph)}"
        analysis = _leaf_analysis(text, leaf_line.start(3))
        if leaf_line.group(1) is None and dimension["名称"] == leaf["名称"] or "执行率" in leaf["名称"] and "年度指标值" not in values:
            dimension.update({"分值": full, "计分": "预算执行率"})
            _add_analysis(dimension, analysis)
            reading.sources[("自评", "一级指标", d, "分值")] = where
            last = dimension
            continue
        leaf["分值"] = full
        for key in ("年度指标值", "实际完成值"):
            if key in values:
                leaf[key] = values[key]
        if full is not None and score is not None and completion(
            reading_of(leaf.get("年度指标值") or ""), reading_of(leaf.get("实际完成值") or ""), full
        ) == score:
            leaf["计分"] = "完成比例"
        else:
            leaf["计分"] = "得分"
            leaf["得分"] = score
        for key in _LEAF_NOTES:
            if key in values:
                leaf[key] = values[key]
        _add_analysis(leaf, analysis)
        children = dimension.setdefault("二级指标", [])
        if leaf_line.group(1):
            parent = text.written(leaf_line.start(1), leaf_line.end(1))
            if not children or children[-1]["名称"] != parent:
                children.append({"名称": parent, "三级指标": []})
            children[-1]["三级指标"].append(leaf)
            path = ("自评", "一级指标", d, "二级指标", len(children) - 1, "三级指标", len(children[-1]["三级指标"]) - 1)
        else:
            children.append(leaf)
            path = ("自评", "一级指标", d, "二级指标", len(children) - 1)
        reading.sources[(*path, "分值")] = where
        last = leaf
        if full is None:
            reading.gaps[(*path, "分值")] = f"{where}没有写分值"
    return {"一级指标": dimensions} if dimensions and any("二级指标" in d or "计分" in d for d in dimensions) else None


def _points(reading: Reading, cell: Text | None, path: tuple, source: str) -> Decimal | None:
    if cell is None:
        return None
    value = tables.number_in(cell, kind="points")
    if value.bad:
        reading.gaps[path] = f"{source}为“{value.bad}”，不是分数"
    elif value.number is not None:
        reading.sources.setdefault(path, source)
    return value.number


def _from_tables(reading: Reading, completion) -> dict | None:
    for table in reading.document.tables:
        for block in tables.blocks(table.rows, table.caption):
            present = [k for k in tables.LEVELS if k in block.columns]
            if len(present) < 2 or not ({"分值", "得分"} & set(block.columns)):
                continue
            tables.fill_levels(block)
            first = block.rows[0].number if block.rows else block.header + 1
            reading.used_rows.update((table.index, n) for n in range(block.header, first))
            return _tree(reading, table, block, present, completion)
    return None


def _tree(reading: Reading, table, block: tables.Block, present: list[str], completion) -> dict:
    name_of_table = reading.table_name(table)
    dimensions: list[dict] = []
    grade = None
    for row in block.rows:
        reading.used_rows.add((table.index, row.number))
        names: list[Text] = []
        for key in present:
            cell = row.cells.get(key)
            if cell is not None and cell.reading and (not names or cell.reading != names[-1].reading):
                names.append(cell)
        if not names:
            continue
        first = tables.label(names[0].reading)
        if _GRADE_ROW.match(first):
            grade = grade or next((c.reading for c in row.cells.values() if c.reading and c.reading != names[0].reading), None)
            continue
        if tables.row_kind(first) == "total" or any(tables.row_kind(n.reading) == "subtotal" for n in names):
            found = _GRADE.search(" ".join(c.reading for c in row.cells.values()))
            grade = grade or (found.group(1) if found else None)
            continue
        if not dimensions or dimensions[-1]["名称"] != tables.written_label(names[0]):
            dimensions.append({"名称": tables.written_label(names[0])})
        d = len(dimensions) - 1
        dimension = dimensions[-1]
        where = f"{name_of_table}“{tables.written_label(names[-1])}”行"
        if len(names) == 1:  # a first-level indicator scored by itself (预算执行率)
            path = ("自评", "一级指标", d)
            dimension["分值"] = _points(reading, row.cells.get("分值"), (*path, "分值"), f"{where}分值")
            dimension["计分"] = "预算执行率" if "执行率" in first else "得分"
            if dimension["计分"] == "得分":
                dimension["得分"] = _points(reading, row.cells.get("得分"), (*path, "得分"), f"{where}得分")
            continue
        children = dimension.setdefault("二级指标", [])
        if len(names) == 3:
            if not children or children[-1]["名称"] != tables.written_label(names[1]) or "三级指标" not in children[-1]:
                children.append({"名称": tables.written_label(names[1]), "三级指标": []})
            siblings = children[-1]["三级指标"]
            path = ("自评", "一级指标", d, "二级指标", len(children) - 1, "三级指标", len(siblings))
        else:
            siblings = children
            path = ("自评", "一级指标", d, "二级指标", len(siblings))
        siblings.append(_leaf(reading, row, names[-1], path, where, "年度指标值" in block.columns, completion))
    if not dimensions:
        return None
    evaluation: dict = {"一级指标": dimensions}
    if grade:
        reading.notes[("自评",)] = f"{name_of_table}写明的等级：{grade}（等级由程序按得分计算）"
    return evaluation


def _leaf(reading: Reading, row: tables.Row, name: Text, path: tuple, where: str, measured: bool, completion) -> dict:
    leaf: dict = {"名称": tables.written_label(name)}
    full = _points(reading, row.cells.get("分值"), (*path, "分值"), f"{where}分值")
    leaf["分值"] = full
    score = _points(reading, row.cells.get("得分"), (*path, "得分"), f"{where}得分")
    reason_cell = row.cells.get("偏差原因") or row.cells.get("扣分原因")
    reason = reason_cell.written() if reason_cell is not None and reason_cell.reading not in ("", "—", "无", "/") else ""
    if measured:
        target = row.cells.get("年度指标值")
        achieved = row.cells.get("实际完成值")
        for key, cell in (("年度指标值", target), ("实际完成值", achieved)):
            if cell is not None and cell.reading not in ("", "—", "/"):
                leaf[key] = cell.written()
        if "执行率" in name.reading and "年度指标值" not in leaf:
            leaf["计分"] = "预算执行率"
        elif full is not None and score is not None and completion(
            target.reading if target is not None else None, achieved.reading if achieved is not None else None, full
        ) == score:
            leaf["计分"] = "完成比例"
        else:
            leaf["计分"] = "得分"
            leaf["得分"] = score
            if score is None and (*path, "得分") not in reading.gaps:
                reading.gaps[(*path, "得分")] = f"{where}没有得分"
        if reason:
            cause, _, remedy = reason.partition("；")
            leaf["偏差原因"] = cause
            if remedy:
                leaf["改进措施"] = remedy
        return leaf
    if full is not None and score is not None and score < full:
        if "支出率" in name.reading or "执行率" in name.reading:
            leaf["计分"] = "预算执行率"
        else:
            leaf["扣分"] = full - score
            leaf["扣分原因"] = reason or None
            if not reason:
                reading.gaps[(*path, "扣分原因")] = f"{where}扣了 {full - score} 分，没有写扣分原因"
    elif score is None and (*path, "得分") in reading.gaps:
        leaf["得分"] = None
        reading.gaps[(*path, "得分")] = reading.gaps[(*path, "得分")]
    return leaf


def _segments(text: str) -> list[tuple[str, int, int]]:
    """Each quoted name and the text after it up to the next quoted name."""
    marks = list(_QUOTED.finditer(text))
    return [(m.group(1), m.end(), marks[i + 1].start() if i + 1 < len(marks) else len(text)) for i, m in enumerate(marks)]


def _text_into(reading: Reading, evaluation: dict) -> None:
    """What the text adds to the table's tree: each dimension's 结论, each
    indicator's 分析 and its reason for lost points."""
    conclusion = reading.by_key.get("自评结论")
    by_name = {d["名称"]: d for d in evaluation["一级指标"]}
    for paragraph in conclusion.paragraphs if conclusion else []:
        text = paragraph.text
        segments = _segments(text.reading)
        if segments and segments[0][0] in by_name:
            reading.use(paragraph)
            _, start, end = segments[0]
            after = re.match(rf"^满分{_POINTS}，(?:自评)?得分{_POINTS}，?", text.reading[start:end])
            # The 结论 is the sentence's own end; 主要扣减原因 starts the next one.
            begin = start + after.end() if after else end
            stop = text.reading.find("。", begin, end)
            stop = end if stop < 0 else stop
            rest = text.reading[begin:stop]
            if rest and "扣" not in rest and "”" not in rest:
                by_name[segments[0][0]]["结论"] = text.written(begin, stop)
        elif _TOTAL.search(text.reading):
            reading.use(paragraph)
    _analysis(reading, evaluation)


_TOTAL = re.compile(rf"(?:自评|得分)[^，。]*?{_POINTS}")


def _analysis(reading: Reading, evaluation: dict) -> None:
    """The 管理效率 analysis: one run-in item per indicator ("1.预算编制。……")."""
    section = reading.by_key.get("管理效率")
    if section is None:
        return
    leaves = {}
    for d, dimension in enumerate(evaluation["一级指标"]):
        for i, indicator in enumerate(dimension.get("二级指标", [])):
            leaves.setdefault(indicator["名称"], (d, i, indicator))
    for item in items(reading, section.paragraphs):
        heading, body = run_in(item)
        if heading not in leaves:
            continue
        d, i, indicator = leaves[heading]
        path = ("自评", "一级指标", d, "二级指标", i)
        text = read_text(body)
        deduction = re.search(rf"(?:^|(?<=。))([^。]*?)，?(?:本项目|本指标|此项|该项)?扣(?:减)?{_POINTS}。?$", text.reading)
        if deduction:
            analysis = text.written(0, deduction.start())
            reason = text.written(deduction.start(1), deduction.end(1))
            indicator["分析"] = analysis or None
            stated = Decimal(deduction.group(2))
            if indicator.get("扣分") is not None and indicator["扣分"] != stated:
                reading.gaps[(*path, "扣分")] = f"自评表扣 {indicator['扣分']} 分，分析中写扣 {stated} 分"
                indicator["扣分"] = None
            elif "计分" not in indicator:
                indicator["扣分"] = stated
                indicator["扣分原因"] = indicator.get("扣分原因") or reason or None
        else:
            indicator["分析"] = body


def _from_text(reading: Reading) -> dict:
    """广东 without a table: dimensions and their full marks from 自评结论;
    indicators that lost points from the conclusion and the 管理效率 analysis."""
    conclusion = reading.by_key.get("自评结论")
    dimensions: list[dict] = []
    fulls: list[Decimal] = []
    for paragraph in conclusion.paragraphs if conclusion else []:
        text = paragraph.text
        segments = _segments(text.reading)
        head = re.match(r"^(?:\d{1,2}[.、]|（[一二三四五六七八九十\d]+）)?[“\"「]", text.reading)
        if not segments or not head:
            if _TOTAL.search(text.reading):
                reading.use(paragraph)
            continue
        reading.use(paragraph)
        name, start, end = segments[0]
        full = re.search(rf"满分{_POINTS}", text.reading[start:end])
        if not full:
            continue
        dimension: dict = {"名称": text.written(start - len(name) - 1, start - 1)}
        after = re.match(rf"^满分{_POINTS}，(?:自评)?得分{_POINTS}，?", text.reading[start:end])
        rest = text.reading[start + after.end() : end] if after else ""
        if after and rest and "扣" not in rest:
            dimension["结论"] = text.written(start + after.end(), end).rstrip("。")
        indicators = []
        for name, s, e in segments[1:]:
            part = text.reading[s:e]
            points = re.search(rf"满分{_POINTS}", part)
            if not points:
                continue
            indicator: dict = {"名称": text.written(s - len(name) - 1, s - 1), "分值": Decimal(points.group(1))}
            if "按评分标准" in part or "执行率" in name or "支出率" in name:
                indicator["计分"] = "预算执行率"
            else:
                deduction = re.search(rf"扣(?:减)?{_POINTS}", part)
                if deduction:
                    indicator["扣分"] = Decimal(deduction.group(1))
                    reason = re.search(r"[（(]([^）)]*)[）)]", part[deduction.end() :])
                    indicator["扣分原因"] = reason.group(1) if reason else None
            indicators.append(indicator)
        dimension["二级指标"] = indicators
        dimensions.append(dimension)
        fulls.append(Decimal(full.group(1)))
    if len(dimensions) >= 2:
        _analysis_adding(reading, dimensions)
    if not dimensions:
        reading.gaps[("自评",)] = "报告中没有找到自评结论"
        return {"一级指标": [{"名称": None, "二级指标": [{"名称": None, "分值": None}]}]}
    for d, (dimension, full) in enumerate(zip(dimensions, fulls, strict=True)):
        known = sum((i["分值"] for i in dimension["二级指标"] if i.get("分值") is not None), Decimal(0))
        missing = [i for i, item in enumerate(dimension["二级指标"]) if item.get("分值") is None]
        if not dimension["二级指标"]:
            dimension["二级指标"] = [{"名称": None, "分值": full}]
            reading.gaps[("自评", "一级指标", d, "二级指标")] = f"原文只给出“{dimension['名称']}”满分 {full} 分，没有列出二级指标"
        elif missing:
            for i in missing:
                reading.gaps[("自评", "一级指标", d, "二级指标", i, "分值")] = (
                    f"原文没有给出分值；“{dimension['名称']}”满分 {full} 分，已知分值合计 {known} 分"
                )
        elif known != full:
            dimension["二级指标"].append({"名称": None, "分值": full - known})
            reading.gaps[("自评", "一级指标", d, "二级指标", len(dimension["二级指标"]) - 1, "名称")] = (
                f"“{dimension['名称']}”满分 {full} 分，原文列出的二级指标分值合计 {known} 分，其余 {full - known} 分的指标未写明"
            )
    return {"一级指标": dimensions}


def _analysis_adding(reading: Reading, dimensions: list[dict]) -> None:
    """Without a table, the 管理效率 analysis names the second dimension's
    indicators (their 分值 unknown)."""
    section = reading.by_key.get("管理效率")
    if section is None:
        return
    known = {i["名称"] for d in dimensions for i in d["二级指标"]}
    for item in items(reading, section.paragraphs):
        heading, _ = run_in(item)
        if heading and heading not in known:
            dimensions[1]["二级指标"].append({"名称": heading, "分值": None})
            known.add(heading)
    _analysis(reading, {"一级指标": dimensions})


# --- goals ---------------------------------------------------------------------------------------


def goals(reading: Reading) -> None:
    """Goals from the 自评表's goals block, or their section; each one's result
    from the 履职效能 analysis (广东) or from the run-in goal itself (财政部:
    "目标。完成情况")."""
    for table in reading.document.tables:
        for block in tables.blocks(table.rows, table.caption):
            if {"预期目标", "完成情况"} <= set(block.columns):
                found = []
                for row in block.rows:
                    target, achieved = row.cells.get("预期目标"), row.cells.get("完成情况")
                    if target is not None and target.reading:
                        found.append({"目标": target.written(), "完成情况": achieved.written() if achieved and achieved.reading else None})
                        reading.used_rows.add((table.index, row.number))
                reading.used_rows.add((table.index, block.header))
                if found:
                    reading.data["绩效目标"] = found
                    _use_goal_text(reading)
                    return
    if "年度总体目标" in reading.by_key:
        found = []
        for item in items(reading, reading.by_key["年度总体目标"].paragraphs):
            target, achieved = run_in(item)
            # The goal as the report writes it, with its own full stop.
            found.append({"目标": target + "。" if target else item.written(), "完成情况": achieved or None})
        reading.data["绩效目标"] = found
        for i, goal in enumerate(found):
            if goal["完成情况"] is None:
                reading.gaps[("绩效目标", i, "完成情况")] = "这一目标后面没有写完成情况"
        return
    targets = [item.written() for item in items(reading, reading.by_key["绩效目标"].paragraphs)] if "绩效目标" in reading.by_key else []
    achieved = []
    results = reading.by_key.get("履职效能")
    if results is not None:
        listed = [p for p in results.paragraphs if not (p.reading.endswith("：") and "完成情况" in p.reading)]
        reading.use(*[p for p in results.paragraphs if p not in listed])
        achieved = [item.written() for item in items(reading, listed)]
    found = []
    for i, target in enumerate(targets):
        found.append({"目标": target, "完成情况": achieved[i] if i < len(achieved) else None})
        if i >= len(achieved):
            reading.gaps[("绩效目标", i, "完成情况")] = "报告中没有找到这一目标的完成情况"
    if not found:
        found = [{"目标": None, "完成情况": None}]
        reading.gaps[("绩效目标",)] = "报告中没有找到绩效目标"
    reading.data["绩效目标"] = found


def _use_goal_text(reading: Reading) -> None:
    """With the goals in the table, the 年度总体目标 section repeats them."""
    section = reading.by_key.get("年度总体目标")
    if section is not None:
        items(reading, section.paragraphs)
