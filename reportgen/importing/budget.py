"""Amounts and rates by label and subject, confirmed before they are believed.

Every number with a unit (万元, 元, 亿元, %) in the 收支 text gets the nearest
label before it in its clause (年初预算, 调整预算/全年预算, 决算/全年执行/实际支出,
上年, 较上年增加/减少, 执行率/支出进度, 占, 增长) and the subject the sentence is
about (部门整体, 基本支出, 项目支出, 人员经费, 公用经费, a project, an income
line), a parenthesis speaking of its own subject.  Tables give more readings
(:mod:`.tables`).  Every reading of a value is collected, and the value is
taken only when they agree; a value read without its label ("基本支出868.52万元")
is taken only when a stated rate, share or sum confirms it.  Where readings
disagree, or a stated rate or the parts' sum contradicts them, the value is
待填写 with every reading quoted.  Nothing is first-wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..numbers import half_up
from . import tables
from .document import Paragraph, Table
from .normalise import Names, Text
from .sections import Reading

TOLERANCE = Decimal("0.01")
_TOKEN = re.compile(r"(?<![\d.])(\d{1,15}(?:\.\d+)?)(亿元|万元|元|%)")
_SUBJECTS = [
    ("收入合计", r"收入合计|总收入|收入总计|本年收入合计|本年收入"),
    ("基本支出", r"基本支出"),
    ("项目支出", r"项目支出"),
    ("人员经费", r"人员经费|人员支出"),
    ("公用经费", r"公用经费|公用支出"),
    ("整体", r"部门整体|整体支出|合计|总计|一般公共预算财政拨款支出|财政拨款支出|年度资金总额|部门预算|本部门|全部门"),
    ("收入", r"[^，；。：、（）\d%]{1,10}?收入(?!合计)"),
]
_SUBJECT = re.compile("|".join(f"(?P<s{i}>{p})" for i, (_, p) in enumerate(_SUBJECTS)))
#: Label → its key and whether it names the value (strong) or only suggests it.
_LABELS = [
    (r"年初预算(?:数|安排)?", "年初预算", True),
    (r"(?:调整后?预算|全年预算)数?", "调整预算", True),
    (r"预算数?", "调整预算", False),
    (r"(?:决算|全年执行|实际执行|执行|实际支出|实际完成支出|累计支出|支出决算)(?:数|金额)?", "决算", True),
    (r"支出", "决算", False),
    (r"上年(?:决算|支出|执行)数?", "上年决算", True),
    (r"较上年(?:同期)?(?:增加|增长|多)", "增加", True),
    (r"较上年(?:同期)?(?:减少|下降|少)", "减少", True),
    (r"(?:增长|增幅)率?", "增长率", True),
    (r"(?:下降|降幅)率?", "下降率", True),
    (r"(?:预算)?执行率|支出进度|支出率|完成率", "执行率", True),
    (r"占比?|比重", "占比", True),
]
_LABEL = re.compile("|".join(f"(?P<l{i}>{p})(?:为|是|达到|达|共计|共|计|约)?$" for i, (p, _, _) in enumerate(_LABELS)))
_FILLER = re.compile(
    r"^(?:其中|另外|此外|以及|各项目执行情况|项目执行情况|\d{4}年度?|本年度?|当年|全年|我[委局厅办院部处]|本部门|本单位|部门|的|，|：)+"
)
_PROJECT_WORDS = ("经费", "项目", "资金", "专项", "补助", "补贴", "工程", "费用", "工作费")
LINE_KEYS = ("年初预算", "调整预算", "决算", "上年决算")
_STATES_AMOUNT = re.compile(r"\d(?:亿元|万元|元)|支出进度")


@dataclass(frozen=True)
class Candidate:
    path: tuple
    value: Decimal
    strong: bool
    source: str


@dataclass(frozen=True)
class Statement:
    """A rate, share or change the report states about a subject."""

    subject: tuple
    kind: str
    value: Decimal
    source: str


@dataclass
class Readings:
    candidates: list[Candidate] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    #: Project names in the order the report first gives them, each as first spelt.
    projects: Names = field(default_factory=Names)
    #: Amounts whose subject could not be told (quoted for the clerk).
    unknown: list[str] = field(default_factory=list)
    #: Cells of amount columns that are not amounts (path → quoted cell).
    bad: dict[tuple, str] = field(default_factory=dict)


def _subject_path(subject: tuple, key: str) -> tuple | None:
    kind = subject[0]
    if kind == "整体":
        return ("收支", key)
    if kind in ("基本支出", "项目支出"):
        return ("收支", kind, key)
    if kind in ("人员经费", "公用经费"):
        return ("收支", "基本支出", kind) if key == "决算" else None
    if kind == "项目":
        return ("收支", "项目", subject[1], key)
    if kind == "收入":
        return ("收支", "收入", subject[1]) if key == "决算" else None
    return None


def _quote(text: Text, start: int, end: int) -> str:
    left = max(0, start - 14)
    right = min(len(text.reading), end + 8)
    return ("……" if left else "") + text.written(left, right) + ("……" if right < len(text.reading) else "")


class _Scanner:
    """The subject at each point of a sentence part: the last one named, a
    parenthesis having its own."""

    def __init__(self, subject: tuple) -> None:
        self.subject = subject
        self.stack: list[tuple] = []

    def advance(self, text: str) -> None:
        events = [(m.start(), "subject", m) for m in _SUBJECT.finditer(text)]
        events += [(i, c, None) for i, c in enumerate(text) if c in "（）"]
        for _, kind, match in sorted(events, key=lambda e: e[0]):
            if kind == "（":
                self.stack.append(self.subject)
            elif kind == "）":
                if self.stack:
                    self.subject = self.stack.pop()
            else:
                index = next(i for i in range(len(_SUBJECTS)) if match.group(f"s{i}"))
                name = _SUBJECTS[index][0]
                self.subject = (name, match.group(0)) if name == "收入" else (name,)


def _label(clause: str) -> tuple[str, bool, int] | None:
    """The label just before a number (its key, strength, where it starts)."""
    best = None
    for start in range(len(clause)):
        found = _LABEL.match(clause, start)
        if found:
            index = next(i for i in range(len(_LABELS)) if found.group(f"l{i}"))
            best = (_LABELS[index][1], _LABELS[index][2], start)
            break  # the earliest start that reaches the end is the longest label
    return best


def from_text(reading: Reading, paragraphs: list[Paragraph], found: Readings, tabled: Names) -> None:
    """Amounts stated in the text; a project is one of those ``tabled`` or named as one."""
    subject: tuple = ("整体",)
    for paragraph in paragraphs:
        text = paragraph.text
        where = reading.where(paragraph)
        if not _TOKEN.search(text.reading):
            continue
        reading.use(paragraph)
        for part in re.finditer(r"[^。；]+[。；]?", text.reading):
            scanner = _Scanner(subject)
            at = part.start()
            for token in _TOKEN.finditer(text.reading, part.start(), part.end()):
                before = text.reading[at : token.start()]
                clause_start = max(text.reading.rfind(c, part.start(), token.start()) for c in "，：（）、")
                clause_start = max(clause_start + 1, part.start())
                clause = text.reading[clause_start : token.start()]
                label = _label(clause)
                # Subject words inside the label ("基本支出" holding "支出") are the subject, not a label.
                scanner.advance(before)
                named_here = _SUBJECT.search(clause[: label[2]] if label else clause)
                if label is not None and label[0] == "决算" and not label[1]:
                    mention = _SUBJECT.search(clause)
                    if mention and mention.end() >= len(clause) - 1:
                        label = None
                if not named_here and label is not None:
                    leading = _FILLER.sub("", clause[: label[2]])
                    if leading and (leading in tabled or leading.endswith(_PROJECT_WORDS)) and len(leading) <= 40:
                        scanner.subject = ("项目", found.projects.add(leading))
                _add(found, scanner.subject, label, token, text, where)
                at = token.end()
            subject = scanner.subject if scanner.subject[0] in ("整体", "项目") else ("整体",)


def _add(found: Readings, subject: tuple, label, token: re.Match, text: Text, where: str) -> None:
    value = Decimal(token.group(1))
    unit = token.group(2)
    quote = f"{where}“{_quote(text, token.start(), token.end())}”"
    if unit == "%":
        if label is not None and label[0] in ("执行率", "增长率", "下降率", "占比", "增加", "减少"):
            kind = {"增加": "增长率", "减少": "下降率"}.get(label[0], label[0])
            found.statements.append(Statement(subject, kind, value, quote))
        return
    if unit == "元":
        value = half_up(value / 10000)
    elif unit == "亿元":
        value = half_up(value * 10000)
    if label is None:
        if subject[0] in ("基本支出", "项目支出", "整体", "项目"):
            key, strong = "决算", False
        elif subject[0] in ("人员经费", "公用经费", "收入"):
            key, strong = "决算", True
        elif subject[0] == "收入合计":
            found.statements.append(Statement(subject, "合计", value, quote))
            return
        else:
            found.unknown.append(quote)
            return
    else:
        key, strong = label[0], label[1]
    if key in ("增加", "减少"):
        found.statements.append(Statement(subject, key, value, quote))
        return
    if key not in LINE_KEYS:
        return
    path = _subject_path(subject, key)
    if path is None:
        found.unknown.append(quote)
        return
    found.candidates.append(Candidate(path, value, strong, quote))


def from_tables(reading: Reading, found: Readings) -> None:
    for table in reading.document.tables:
        for block in tables.blocks(table.rows, table.caption):
            amounts = [k for k in tables.AMOUNT_KEYS if k in block.columns]
            if not amounts:
                continue
            _from_block(reading, table, block, amounts, found)


def _from_block(reading: Reading, table: Table, block: tables.Block, amounts: list[str], found: Readings) -> None:
    fund = any(row.name == "年度资金总额" for row in block.rows)
    name = reading.table_name(table)
    # The 项目支出绩效自评结果汇总表 totals the evaluated projects only, not the department.
    summary = "汇总表" in name and "自评" in name
    headers = {
        key: table.rows[block.header - 1][i].written()
        if block.header - 1 < len(table.rows) and i < len(table.rows[block.header - 1])
        else key
        for key, i in block.columns.items()
    }
    for row in block.rows:
        if row.kind in ("subject", "subtotal") or not row.name:
            if row.kind in ("subject", "subtotal"):
                reading.used_rows.add((table.index, row.number))
            continue
        if summary and row.kind == "total":
            reading.used_rows.add((table.index, row.number))
            continue
        for key in amounts:
            cell = row.cells.get(key)
            if cell is None:
                continue
            value = tables.number_in(cell, block.units.get(key, "万元"))
            if fund:
                path = ("收支", key) if row.kind == "total" else ("收支", "资金来源", row.written, key)
            elif row.kind == "total":
                path = ("收支", key)
            elif row.kind == "part":
                path = _subject_path((row.name,), key)
            elif row.kind == "income":
                path = ("收支", "收入", row.written) if key == "决算" else None
            else:
                path = ("收支", "项目", found.projects.add(row.written), key)
            if path is None:
                continue
            source = f"{name}“{row.written}”行“{headers.get(key, key)}”列"
            reading.used_rows.add((table.index, row.number))
            if value.bad:
                found.bad[path] = f"{source}为“{value.bad}”，不是金额"
            elif value.number is not None:
                found.candidates.append(Candidate(path, value.number, True, source))
        rate = row.cells.get("执行率")
        if rate is not None and not fund:
            number = tables.number_in(rate, kind="rate").number
            project = ("项目", found.projects.known(row.written) or row.written)
            subject = ("整体",) if row.kind == "total" else (row.name,) if row.kind == "part" else project
            if number is not None:
                found.statements.append(Statement(subject, "执行率", number, f"{name}“{row.written}”行执行率"))
    first = block.rows[0].number if block.rows else block.header + 1
    reading.used_rows.update((table.index, n) for n in range(block.header, first))


@dataclass
class Resolved:
    values: dict[tuple, Decimal] = field(default_factory=dict)
    #: Path → why it is 待填写 (every reading quoted).
    gaps: dict[tuple, str] = field(default_factory=dict)
    sources: dict[tuple, str] = field(default_factory=dict)
    #: Values taken from a reading without its label, still to be confirmed.
    unconfirmed: set[tuple] = field(default_factory=set)


def _readings_text(candidates: list[Candidate]) -> str:
    return "；".join(f"{c.source}读作 {c.value}" for c in candidates)


def resolve(found: Readings) -> Resolved:
    result = Resolved()
    by_path: dict[tuple, list[Candidate]] = {}
    for candidate in found.candidates:
        by_path.setdefault(candidate.path, []).append(candidate)
    for path, candidates in by_path.items():
        strong = [c for c in candidates if c.strong]
        chosen = strong or candidates
        values = sorted({c.value for c in chosen})
        if len(values) > 1:
            result.gaps[path] = "原文各处不一致：" + _readings_text(chosen)
            continue
        result.values[path] = values[0]
        result.sources[path] = "；".join(dict.fromkeys(c.source for c in chosen))
        if not strong:
            result.unconfirmed.add(path)
    for path, quoted in found.bad.items():
        if path not in result.values and path not in result.gaps:
            result.gaps[path] = quoted
    _derive_prior(found, result)
    _confirm(found, result)
    for path in sorted(result.unconfirmed, key=str):
        quoted = result.sources.pop(path, "")
        value = result.values.pop(path)
        result.gaps[path] = (
            f"原文{quoted}只写了 {value} 万元，没有写明是预算数还是决算数，也没有执行率、占比或合计可以核实"
        )
    return result


def _line(path_prefix: tuple, key: str) -> tuple:
    return (*path_prefix, key)


def _prefix(subject: tuple) -> tuple | None:
    if subject[0] == "整体":
        return ("收支",)
    if subject[0] in ("基本支出", "项目支出"):
        return ("收支", subject[0])
    if subject[0] == "项目":
        return ("收支", "项目", subject[1])
    return None


def _derive_prior(found: Readings, result: Resolved) -> None:
    """上年决算 from "较上年增加/减少 X万元", where this year's 决算 is known."""
    for statement in found.statements:
        if statement.kind not in ("增加", "减少"):
            continue
        prefix = _prefix(statement.subject)
        if prefix is None or _line(prefix, "决算") not in result.values:
            continue
        actual = result.values[_line(prefix, "决算")]
        prior = actual - statement.value if statement.kind == "增加" else actual + statement.value
        path = _line(prefix, "上年决算")
        if path in result.gaps:
            continue
        if path in result.values and result.values[path] != prior:
            result.gaps[path] = (
                f"原文不一致：{result.sources[path]}读作 {result.values.pop(path)}；{statement.source}算得 {prior}"
            )
            continue
        result.values[path] = prior
        result.sources[path] = (
            f"{statement.source}（{actual} {'−' if statement.kind == '增加' else '+'} {statement.value}）"
        )
        if _line(prefix, "决算") in result.unconfirmed:
            result.unconfirmed.add(path)


def _agrees(stated: Decimal, computed: Decimal) -> bool:
    """A stated percentage agrees when the computed one rounds to it at its own precision."""
    places = -stated.as_tuple().exponent if stated.as_tuple().exponent < 0 else 0
    quantum = Decimal(1).scaleb(-places)
    return abs(computed - stated) <= quantum / 2 + Decimal("0.005")


def _contradict(result: Resolved, paths: list[tuple], why: str) -> None:
    for path in paths:
        if path in result.values:
            value = result.values.pop(path)
            result.gaps[path] = f"{why}；原文{result.sources.pop(path, '')}读作 {value}"
            result.unconfirmed.discard(path)


def _confirm(found: Readings, result: Resolved) -> None:
    values = result.values
    for statement in found.statements:
        prefix = _prefix(statement.subject)
        if statement.kind == "执行率" and prefix is not None:
            budget, actual = _line(prefix, "调整预算"), _line(prefix, "决算")
            if budget in values and actual in values and values[budget]:
                computed = actual_rate = values[actual] / values[budget] * 100
                if _agrees(statement.value, computed):
                    result.unconfirmed -= {budget, actual}
                elif statement.subject[0] != "整体" or budget in result.unconfirmed or actual in result.unconfirmed:
                    _contradict(
                        result,
                        [budget, actual],
                        f"与{statement.source}的执行率 {statement.value}% 不符（算得 {half_up(actual_rate)}%）",
                    )
        elif statement.kind == "占比" and statement.subject[0] in ("基本支出", "项目支出"):
            part, whole = ("收支", statement.subject[0], "决算"), ("收支", "决算")
            if (
                part in values
                and whole in values
                and values[whole]
                and _agrees(statement.value, values[part] / values[whole] * 100)
            ):
                result.unconfirmed.discard(part)
        elif statement.kind in ("增长率", "下降率") and prefix is not None:
            prior, actual = _line(prefix, "上年决算"), _line(prefix, "决算")
            if prior in values and actual in values and values[prior]:
                growth = (values[actual] - values[prior]) / values[prior] * 100
                sign = 1 if statement.kind == "增长率" else -1
                if _agrees(sign * statement.value, growth):
                    result.unconfirmed -= {prior, actual}
                else:
                    _contradict(result, [prior], f"与{statement.source}的增长率不符（算得 {half_up(growth)}%）")
    for key in ("年初预算", "调整预算", "决算"):
        whole, parts = ("收支", key), [("收支", "基本支出", key), ("收支", "项目支出", key)]
        if whole in values and all(p in values for p in parts):
            total = sum(values[p] for p in parts)
            if abs(total - values[whole]) <= TOLERANCE * len(parts):
                result.unconfirmed -= {whole, *parts}
            else:
                _contradict(result, [whole, *parts], f"基本支出与项目支出之和 {total} 与合计 {values[whole]} 不符")
    staff = [("收支", "基本支出", "人员经费"), ("收支", "基本支出", "公用经费")]
    basic = ("收支", "基本支出", "决算")
    if basic in values and all(p in values for p in staff):
        total = sum(values[p] for p in staff)
        if abs(total - values[basic]) <= TOLERANCE * 2:
            result.unconfirmed -= {basic, *staff}
        else:
            _contradict(result, staff, f"人员经费与公用经费之和 {total} 与基本支出决算 {values[basic]} 不符")
    income = [p for p in values if p[:2] == ("收支", "收入")]
    totals = [s for s in found.statements if s.kind == "合计" and s.subject[0] == "收入合计"]
    if income and totals:
        total = sum(values[p] for p in income)
        if all(abs(total - s.value) > TOLERANCE * len(income) for s in totals):
            _contradict(result, income, f"各项收入之和 {total} 与{totals[0].source}的收入合计 {totals[0].value} 不符")


_LOW_RATE = re.compile(r"([^、，。；：]+?)(?:的)?(?:预算)?执行率(?:为|是|仅为|仅)?(\d{1,3}(?:\.\d+)?)%")


def _low_rates(reading: Reading, found: Readings) -> None:
    """The projects 存在问题 names for their low execution rate (the rate is
    a check on their amounts; often the only place a project is named)."""
    section = reading.by_key.get("存在问题")
    for paragraph in section.paragraphs if section else []:
        if "执行率较低" not in paragraph.reading and "执行率偏低" not in paragraph.reading:
            continue
        reading.use(paragraph)
        listed = paragraph.reading.split("：" if "：" in paragraph.reading else "，", 1)[-1]
        offset = len(paragraph.reading) - len(listed)
        for match in _LOW_RATE.finditer(listed):
            name = paragraph.text.written(offset + match.start(1), offset + match.end(1))
            name = re.sub(r"^(?:其中|分别是|包括|如)", "", name)
            if not name:
                continue
            name = found.projects.add(name)
            source = (
                f"{reading.where(paragraph)}“{_quote(paragraph.text, offset + match.start(), offset + match.end())}”"
            )
            found.statements.append(Statement(("项目", name), "执行率", Decimal(match.group(2)), source))


def read(reading: Reading) -> None:
    section = reading.by_key.get("收支")
    paragraphs = section.paragraphs if section else []
    found = Readings()
    from_tables(reading, found)
    from_text(reading, paragraphs, found, Names(dict(found.projects.spelt)))
    _low_rates(reading, found)
    resolved = resolve(found)
    budget: dict = {}
    for key in LINE_KEYS:
        _put(budget, ("收支", key), resolved, reading, required=key == "年初预算")
    for part in ("基本支出", "项目支出"):
        line: dict = {}
        for key in (*LINE_KEYS, "人员经费", "公用经费"):
            _put(line, ("收支", part, key), resolved, reading, required=key in ("调整预算", "决算"))
        budget[part] = line
    projects = []
    for name in found.projects:
        project: dict = {"名称": name}
        path = ("收支", "项目", name)
        for key in LINE_KEYS:
            _put(project, (*path, key), resolved, reading, required=key in ("调整预算", "决算"))
        index = len(projects)
        for key in list(project):
            if (*path, key) in reading.gaps:
                reading.gaps[("收支", "项目", index, key)] = reading.gaps.pop((*path, key))
            if (*path, key) in reading.sources:
                reading.sources[("收支", "项目", index, key)] = reading.sources.pop((*path, key))
        rates = [s for s in found.statements if s.subject == ("项目", name) and s.kind == "执行率"]
        for key in ("调整预算", "决算"):
            gap = ("收支", "项目", index, key)
            if project[key] is None and rates and gap in reading.gaps and reading.gaps[gap].startswith("报告中没有"):
                reading.gaps[gap] = f"原文只给出这个项目的执行率 {rates[0].value}%，没有金额（{rates[0].source}）"
        projects.append(project)
    if projects:
        budget["项目"] = projects
    for group in ("资金来源", "收入"):
        lines = {}
        for path in [p for p in list(resolved.values) + list(resolved.gaps) if p[:2] == ("收支", group)]:
            if group == "收入":
                _put(lines, path, resolved, reading)
            else:
                _put(lines.setdefault(path[2], {}), path, resolved, reading)
        if lines:
            budget[group] = lines
    prior_income = _prior_income(found, budget.get("收入"))
    if prior_income is not None:
        # The data keeps last year's income by line, the report states only its total:
        # the total stands under the first line (the report says the same), for the clerk to split.
        first = next(iter(budget["收入"]))
        budget["上年收入"] = {first: prior_income[0]}
        reading.sources[("收支", "上年收入", first)] = prior_income[1]
        reading.notes[("收支", "上年收入")] = (
            f"原文只给出上年收入合计 {prior_income[0]} 万元，已全部记在“{first}”下，请按上年决算分列"
        )
    if found.unknown:
        reading.notes[("收支",)] = "下列金额看不出是哪一项的，未导入：" + "；".join(found.unknown)
    assessment = _assessment(paragraphs)
    if assessment:
        budget["评价"] = assessment
    reading.data["收支"] = budget


def _prior_income(found: Readings, income: dict | None) -> tuple[Decimal, str] | None:
    """Last year's income total from "收入合计X万元，较上年增加Y万元", where this
    year's lines add up to the stated total (the only check there is)."""
    totals = [s for s in found.statements if s.subject[0] == "收入合计" and s.kind == "合计"]
    changes = [s for s in found.statements if s.subject[0] == "收入合计" and s.kind in ("增加", "减少")]
    if len(totals) != 1 or len(changes) != 1 or not income or None in income.values():
        return None
    total, change = totals[0], changes[0]
    if abs(sum(income.values()) - total.value) > TOLERANCE * len(income):
        return None
    prior = total.value - change.value if change.kind == "增加" else total.value + change.value
    return prior, f"{change.source}（{total.value} {'−' if change.kind == '增加' else '+'} {change.value}）"


def _put(target: dict, path: tuple, resolved: Resolved, reading: Reading, required: bool = False) -> None:
    key = path[-1]
    if path in resolved.values:
        target[key] = resolved.values[path]
        reading.sources[path] = resolved.sources[path]
    elif path in resolved.gaps:
        target[key] = None
        reading.gaps[path] = resolved.gaps[path]
    elif required:
        target[key] = None
        reading.gaps[path] = (
            f"报告中没有找到{'、'.join(str(p) for p in path[1:-1] if isinstance(p, str)) or '部门整体'}的{key}数"
        )


def _assessment(paragraphs: list[Paragraph]) -> str | None:
    """The closing judgement of the 收支 text: the sentences after the last one
    that states an amount or a rate, in the paragraph that states them."""
    for paragraph in paragraphs:
        text = paragraph.text
        sentences = [m for m in re.finditer(r"[^。]+。?", text.reading)]
        last = max((i for i, s in enumerate(sentences) if _STATES_AMOUNT.search(s.group(0))), default=None)
        if last is not None and last + 1 < len(sentences):
            return text.written(sentences[last + 1].start())
    return None
