"""Stage 4: relations between values that the schema cannot see.

Runs on the validated data and the computed figures and returns diagnostics:
errors stop the build, warnings are printed (``--strict`` makes them errors),
notes say when a tolerance was used.

Totals versus parts: each published amount is rounded from 元 on its own, so
the stated total may differ from the sum of its parts by up to 0.01 万元 per
part (the sample: 471.38 + 557.38 = 1028.76 against 1028.77).  Within that
tolerance the stated total stands and a note says so; beyond it, an error.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

from . import computation, formats, narrative, scoring, valuetypes
from .computation import Evaluated, Role
from .diagnostics import DataPath, Diagnostic, error, note, warning
from .numbers import CENT
from .schema import CHILD_KEYS, MAX_FORMS, MAX_TREE_INDICATORS, Report

BUDGET: DataPath = ("收支",)
EVALUATION: DataPath = ("自评",)


def check(evaluated: Evaluated, forms_attached: list[str] = (), rules: tuple[str, ...] = ()) -> list[Diagnostic]:
    """``forms_attached``: the built-in attachments made of the projects' forms that the report attaches;
    ``rules``: the indicator names the outline's 评分规则 scores."""
    report = evaluated.report
    return [
        *_staffing(report),
        *_units(evaluated),
        *_budget(evaluated),
        *_grades(report.evaluation.grades),
        *_indicators(evaluated, rules),
        *_tree_sizes(evaluated),
        *_attachments(report),
        *_project_forms(evaluated, forms_attached),
        *_signature(report),
        *_ascii_signs(evaluated),
        *_filled_after_signing(report),
        *narrative.typed_figure_notices(evaluated),
    ]


def _budget(evaluated: Evaluated) -> list[Diagnostic]:
    data, computed = evaluated.report.budget, evaluated.budget
    found = []
    for key, stated, parts in (
        ("调整预算", data.budget, computed.parts.budget),
        ("决算", data.actual, computed.parts.actual),
    ):
        if stated is not None:
            found += _total_against_parts(BUDGET + (key,), stated, parts, count=2)

    for line in evaluated.budget_lines():
        if line.role is Role.SOURCE:
            continue
        # No “三公”经费 budgeted is common, and nothing then to take a rate of.
        if line.budget == 0 and line.role is not Role.CONTROLLED:
            found.append(error(f"{line.name}的调整预算为 0，无法计算执行率", line.path + ("调整预算",)))
        elif line.actual > line.budget:
            found.append(
                warning(
                    f"{line.name}的决算 {line.actual} 万元超过调整预算 {line.budget} 万元（执行率超过 100%）",
                    line.path + ("决算",),
                )
            )

    for key, stated in (("调整预算", data.project.budget), ("决算", data.project.actual)):
        if stated is None and not data.projects:
            found.append(error(f"缺少项目支出的{key}：不列出项目时须填写", BUDGET + ("项目支出", key)))
    if data.projects:
        sums = {
            "调整预算": (sum((p.budget for p in data.projects), Decimal(0)), computed.project.budget),
            "决算": (sum((p.actual for p in data.projects), Decimal(0)), computed.project.actual),
        }
        # Each project is rounded from 元 on its own: one cent each.
        tolerance = CENT * len(data.projects)
        for key, (listed, whole) in sums.items():
            if listed > whole + tolerance:
                found.append(
                    error(f"所列项目的{key}合计 {listed} 万元，超过项目支出的{key} {whole} 万元", BUDGET + ("项目",))
                )
        # The projects' budgets making up 项目支出's exactly say the list is complete: then so must their spending.
        (budgets, whole_budget), (actuals, whole_actual) = sums.values()
        if data.project.actual is not None and budgets == whole_budget and abs(whole_actual - actuals) > tolerance:
            found.append(
                warning(
                    f"所列项目的调整预算合计正好等于项目支出的调整预算 {whole_budget} 万元，决算合计 {actuals} 万元"
                    f"却与项目支出的决算 {whole_actual} 万元相差 {formats.money(abs(whole_actual - actuals))} 万元；"
                    "请核对各项目的决算",
                    BUDGET + ("项目支出", "决算"),
                )
            )
    if data.low_rate_threshold < 1:
        found.append(
            warning(
                f"执行率偏低阈值 {data.low_rate_threshold} 像是写成了小数：它是百分数，如 95 表示 95%",
                BUDGET + ("执行率偏低阈值",),
            )
        )
    basic = data.basic
    if basic.staff is not None and basic.running is not None:
        found += _total_against_parts(
            BUDGET + ("基本支出", "决算"), basic.actual, basic.staff + basic.running, 2, "人员经费、公用经费"
        )
    for key in ("人员经费", "公用经费"):
        amount = basic.staff if key == "人员经费" else basic.running
        if amount is not None and amount > basic.actual:
            found.append(error(f"{key} {amount} 万元超过基本支出决算 {basic.actual} 万元", BUDGET + ("基本支出", key)))
    if data.sources:
        sources = list(data.sources.values())
        for key, stated, summed in (
            ("调整预算", computed.budget, sum((s.budget for s in sources), Decimal(0))),
            ("决算", computed.actual, sum((s.actual for s in sources), Decimal(0))),
        ):
            found += _total_against_parts(BUDGET + (key,), stated, summed, len(sources), "各资金来源")
    for name in (data.prior_income or {}).keys() - (data.income or {}).keys():
        found.append(error(f"上年收入中的“{name}”在本年收入中没有", BUDGET + ("上年收入", name)))
    return found


def _total_against_parts(
    path: DataPath, stated: Decimal, parts: Decimal, count: int, what: str = "基本支出、项目支出"
) -> list[Diagnostic]:
    difference = abs(stated - parts)
    tolerance = CENT * count
    if difference == 0:
        return []
    if difference <= tolerance:
        return [
            note(
                f"所填 {stated} 万元与{what}之和 {parts} 万元相差 {difference} 万元，"
                f"在分项各自四舍五入的容差（每项 0.01 万元，共 {tolerance} 万元）之内，按所填数使用",
                path,
            )
        ]
    return [
        error(
            f"所填 {stated} 万元与{what}之和 {parts} 万元相差 {difference} 万元，"
            f"超过容差 {tolerance} 万元；请核对各项金额",
            path,
        )
    ]


def _grades(bands: dict[str, Decimal]) -> list[Diagnostic]:
    path = EVALUATION + ("等级",)
    lowest = sorted(bands.values())
    if len(set(lowest)) != len(lowest):
        return [error("各等级的分数线不能相同", path)]
    if list(bands.values()) not in (lowest, lowest[::-1]):
        written = "、".join(f"{name} {formats.score(line)}" for name, line in bands.items())
        return [error(f"等级应按高低顺序写，分数线依次降低；实际为 {written}，是否写错了某一档的分数线？", path)]
    if computation.LOWEST_GRADE in bands and bands[computation.LOWEST_GRADE] != lowest[0]:
        return [error(f"“{computation.LOWEST_GRADE}”应是最低一档", path + (computation.LOWEST_GRADE,))]
    return []


_LEVELS = {scoring.ERROR: error, scoring.WARNING: warning, scoring.NOTE: note}


#: What a score sheet weighs, the department's and (indicators with the execution rate) a
#: project form's (财预〔2020〕10号).
FORM_MARKS = Decimal(100)


def _nothing_but_marks(node) -> bool:
    data = node.data
    return all(
        value is None
        for value in (data.rule, data.score, data.deduction, data.target, data.achieved, data.band, data.ratio)
    )


def _indicators(evaluated: Evaluated, rules: tuple[str, ...] = ()) -> list[Diagnostic]:
    """What each scoring rule found wrong with its indicator's inputs, at the indicator's keys:
    the department's score sheet and every project's."""
    nodes = [*evaluated.indicators(), *(node for form in evaluated.project_forms() for node in form.indicators())]
    found = [
        _LEVELS[problem.level](problem.message, node.path + (problem.key,))
        for node in nodes
        for problem in node.scoring.problems
    ]
    # A leaf of a project's form, or of a three-level sheet, states what was achieved; one with
    # nothing but its 分值 would score full marks unseen (the 广东 sheet's 二级指标 may: 扣分 0).
    three_levels = [node for node in evaluated.indicators() if node.level == len(CHILD_KEYS) + 1]
    projects = [node for form in evaluated.project_forms() for node in form.indicators() if not node.children]
    for node in (*three_levels, *projects):
        if _nothing_but_marks(node):
            found.append(
                warning(
                    f"“{node.name}”只写了分值，没有年度指标值和实际完成值（也没有得分或扣分），按满分计；请写明完成情况",
                    node.path + ("实际完成值",),
                )
            )
    # Where the outline scores indicators by name, a leaf it did not score was most likely misnamed.
    for node in evaluated.indicators() if rules else ():
        close = difflib.get_close_matches(node.name, rules, n=1, cutoff=0.5)
        if not node.children and close and _nothing_but_marks(node):
            found.append(
                warning(
                    f"“{node.name}”没有对上 outline.yaml 评分规则中的任何名称（是否应为“{close[0]}”？），"
                    "也没有写得分依据，按满分计",
                    node.path + ("名称",),
                )
            )
    for siblings in (evaluated.evaluation.dimensions, *(node.children for node in evaluated.indicators())):
        seen: set[str] = set()
        for node in siblings:
            if node.name in seen:
                found.append(
                    error(f"指标“{node.name}”与同一级的另一个指标同名；每个指标的名称应各不相同", node.path + ("名称",))
                )
            seen.add(node.name)
    full = evaluated.evaluation.full_marks
    if full != FORM_MARKS:
        found.append(
            warning(
                f"各一级指标的分值合计 {formats.score(full)} 分，评分表通常满分 {FORM_MARKS} 分；请按当年通知核对各指标的分值",
                EVALUATION + ("一级指标",),
            )
        )
    return found


def _tree_sizes(evaluated: Evaluated) -> list[Diagnostic]:
    """Each tree's 末级指标 bounded as a whole (each list of it is by the schema): a
    score sheet or a form of a few pages, not a pasted list; and the forms bounded."""
    forms = evaluated.project_forms()
    found = []
    if len(forms) > MAX_FORMS:
        # Said at the list, where it is read before the forms' own warnings.
        message = (
            f"填写了绩效指标的项目（各有一张自评表）最多 {MAX_FORMS} 个，实际为 {len(forms)} 个"
            f"（第 {MAX_FORMS + 1} 个是“{forms[MAX_FORMS].name}”）"
        )
        found.append(error(message, BUDGET + ("项目",)))
    trees = [(EVALUATION + ("一级指标",), evaluated.indicators())]
    trees += [(form.path + ("绩效指标",), form.indicators()) for form in forms]
    for path, nodes in trees:
        leaves = sum(1 for node in nodes if not node.children)
        if leaves > MAX_TREE_INDICATORS:
            found.append(error(f"末级指标最多 {MAX_TREE_INDICATORS} 个，实际为 {leaves} 个", path))
    return found


def _attachments(report: Report) -> list[Diagnostic]:
    """An attachment listed twice is a slip: it would be attached, and numbered, twice."""
    first: dict[str, int] = {}
    found = []
    for i, name in enumerate(report.attachments):
        if name in first:
            found.append(error(f"“{name}”已是第 {first[name] + 1} 项；每个附件只列一次", ("附件", i)))
        first.setdefault(name, i)
    return found


def _project_forms(evaluated: Evaluated, forms_attached: list[str]) -> list[Diagnostic]:
    """Per evaluated project: its fund block against its total, the weights, its
    indicator names; and the projects named once each, the attachments that need them."""
    report, forms = evaluated.report, evaluated.project_forms()
    found = []
    seen: dict[str, int] = {}
    for i, project in enumerate(report.budget.projects):
        # 办公用房经费(一期) and 办公用房经费（一期） are one project typed twice.
        name = unicodedata.normalize("NFKC", project.name)
        if name in seen:
            found.append(
                error(
                    f"项目“{project.name}”与第 {seen[name] + 1} 个项目同名（或只差全角、半角）；每个项目的名称应各不相同",
                    BUDGET + ("项目", i, "名称"),
                )
            )
        seen.setdefault(name, i)
    for name in forms_attached:
        if not forms:
            found.append(
                error(f"附件中列出了“{name}”，但没有项目填写绩效指标（收支.项目 中各项目的 绩效指标）", ("附件",))
            )
    for form in forms:
        label = f"项目“{form.name}”"
        by_row: dict[str, str] = {}
        for name in form.data.sources or {}:
            row = computation.SOURCE_ALIASES.get(name, name)
            if row in by_row:
                found.append(
                    error(
                        f"资金来源“{name}”与“{by_row[row]}”是表中同一行（{row}），请只写一个",
                        form.path + ("资金来源", name),
                    )
                )
            by_row.setdefault(row, name)
        sources = list(form.sources.values())
        # With two names for one row the sums would be of what is left after the merge: say the names only.
        for key in ("年初预算", "调整预算", "决算") if len(by_row) == len(form.data.sources or {}) else ():
            stated = form.line.stated(key)
            given = [line.stated(key) for line in sources if line.stated(key) is not None]
            if stated is not None and given:
                found += _total_against_parts(
                    form.path + (key,), stated, sum(given, Decimal(0)), len(given), "各资金来源"
                )
        if form.full_marks != FORM_MARKS:
            found.append(
                warning(
                    f"{label}的绩效指标分值合计 {formats.score(form.indicator_marks)} 分，加预算执行率 "
                    f"{formats.score(form.rate_marks)} 分共 {formats.score(form.full_marks)} 分，应为 {FORM_MARKS} 分",
                    form.path + ("绩效指标",),
                )
            )
        names: dict[str, DataPath] = {}
        for node in form.indicators():
            if node.children:
                continue
            if node.name in names:
                found.append(
                    error(f"{label}的指标“{node.name}”出现了两次；同一项目的指标名称应各不相同", node.path + ("名称",))
                )
            names.setdefault(node.name, node.path)
        if form.data.overall_goal is None:
            found.append(warning(f"{label}没有填写年度总体目标，自评表中此栏将为“—”", form.path + ("年度总体目标",)))
    return found


#: An amount this many times its siblings' middle one was most likely typed in 元.
YUAN_FACTOR = 1000


def _units(evaluated: Evaluated) -> list[Diagnostic]:
    """A clerk who copies one figure from a table in 元 types 9658400 beside
    1028.77: the amounts of the whole and its parts differ by about 10^4."""
    amounts = []
    for line in evaluated.budget_lines():
        if line.role in (Role.WHOLE, Role.BASIC, Role.PROJECT):
            keys = ("年初预算", "调整预算", "决算") if line.role is Role.WHOLE else ("调整预算", "决算")
            keys += ("上年决算",)
            amounts += [(line.path + (key,), value) for key in keys if (value := line.stated(key))]
    if len(amounts) < 3:
        return []
    middle = sorted(value for _, value in amounts)[len(amounts) // 2]
    return [
        warning(
            f"{value} 万元是其他金额的一千倍以上：是否按“元”填写了？金额应以“万元”为单位（{value} 元 = "
            f"{formats.money(value / 10000)} 万元）",
            path,
        )
        for path, value in amounts
        if value >= middle * YUAN_FACTOR
    ]


def _staffing(report: Report) -> list[Diagnostic]:
    staffing = report.staffing
    if (
        staffing is not None
        and not staffing.units
        and all(value is None for value in (staffing.authorised, staffing.serving, staffing.retired))
    ):
        return [
            error(
                "机构人员是空的：请填写内设机构或编制数、在职人数、离退休人数，不需要这一节时删去“机构人员”",
                ("机构人员",),
            )
        ]
    return []


def _signature(report: Report) -> list[Diagnostic]:
    if report.signature is not None and report.signature.date.year <= report.year:
        return [
            warning(
                f"成文日期 {report.signature.date} 不晚于报告年度 {report.year} 年，请确认",
                ("落款", "日期"),
            )
        ]
    return []


# --- numbering and punctuation pasted with list items -----------------------------

#: Lists whose items the templates number (False) or join and punctuate (True), by path ("*": each item).
PASTED_LISTS = {
    ("部门职能", "*"): False,
    ("改进措施", "*"): False,
    ("存在问题", "*"): False,
    ("绩效目标", "*", "目标"): False,
    ("绩效目标", "*", "完成情况"): False,
    ("绩效管理", "举措", "*"): True,
    ("重点工作", "*", "标题"): True,
    # An indicator's clauses, which the templates join into sentences and punctuate, at every
    # level of the department's tree and of each project's.
    **{
        (*root, "*", *(step for level in CHILD_KEYS[:depth] for step in (level, "*")), key): True
        for root in (("自评", "一级指标"), ("收支", "项目", "*", "绩效指标"))
        for depth in range(len(CHILD_KEYS) + 1)
        for key in ("扣分原因", "偏差原因", "改进措施", "结论")
    },
}


def pasted_marks(data: dict) -> list[Diagnostic]:
    """Numbering and end punctuation typed with an item, which the schema takes
    off (:func:`reportgen.valuetypes.pasted`) because the templates add their own:
    said as a 提示 at the item, so that the clerk sees what changed."""
    found = []
    for pattern, end in PASTED_LISTS.items():
        for path, text in _at(data, pattern, ()):
            marks = valuetypes.pasted(text, end)
            taken = "、".join(f"“{mark}”" for mark in (marks.number, marks.end) if mark)
            if taken:
                found.append(note(f"已删去{taken}：编号和标点由程序按报告格式添加", path))
    for pattern in SENTENCES:
        for path, text in _at(data, pattern, ()):
            changed = valuetypes.sentence_end(valuetypes.pasted(text, False).text.strip())[1]
            if changed:
                found.append(note(f"{changed}：这一段在报告中单独成句", path))
    return found


#: Texts printed as they stand, which end as sentences (see :data:`reportgen.valuetypes.Sentence`).
SENTENCES = (
    ("部门职能", "*"),
    ("存在问题", "*"),
    ("其他需要说明的问题",),
    ("其他需要说明的问题", "*"),
    ("收支", "评价"),
    ("绩效管理", "概述"),
)


def _at(value, pattern: tuple, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    if not pattern:
        if isinstance(value, str):
            yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _at(item, rest, path + (i,))
    elif isinstance(value, dict) and head in value:
        yield from _at(value[head], rest, path + (head,))


_ASCII_SIGNS = {">=": "≥", "<=": "≤"}


def _ascii_signs(evaluated: Evaluated) -> list[Diagnostic]:
    """An ASCII ">=" in an indicator's values, which the report would print as it is."""
    found = []
    forms = [node for form in evaluated.project_forms() for node in form.indicators()]
    for node in (*evaluated.indicators(), *forms):
        for key, value in (
            ("年度指标值", getattr(node.data, "target", None)),
            ("实际完成值", getattr(node.data, "achieved", None)),
        ):
            sign = next((ascii for ascii in _ASCII_SIGNS if ascii in (value or "")), None)
            if sign:
                found.append(warning(f"“{sign}”会照原样印在报告里，请写作“{_ASCII_SIGNS[sign]}”", node.path + (key,)))
    return found


def _filled_after_signing(report: Report) -> list[Diagnostic]:
    """A project form filled in after the report is signed."""
    signed = report.signature.date if report.signature else None
    return [
        warning(f"填报日期 {filled} 晚于报告落款的日期 {signed}", path)
        for path, filled in [
            (("项目自评", "填报日期"), report.project_forms.filled_on),
            *((BUDGET + ("项目", i, "填报日期"), p.filled_on) for i, p in enumerate(report.budget.projects)),
        ]
        if signed and filled and filled > signed
    ]
