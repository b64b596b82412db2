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
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from . import computation, formats, references, scoring, valuetypes
from .computation import Evaluated, Role
from .diagnostics import DataPath, Diagnostic, error, note, warning
from .numbers import CENT, Points
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
        *_typed_figures(evaluated),
        *_single_braces(evaluated),
        *_said_otherwise(evaluated),
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


# --- figures typed into the narrative ----------------------------------------------

#: Keys whose text is a name, not narrative that could quote a figure.
NAMES = {"名称", "部门", "自称", "单位"}


@dataclass(frozen=True)
class TypedFigure:
    """A number typed into the data's narrative where the report computes it."""

    #: Where the text stands in the data.
    where: DataPath
    written: str
    #: The computed figure it is, or by the words of its clause describes.
    figure: DataPath
    #: That figure now; the typed number equals it unless the text has gone stale.
    value: object

    @property
    def reference(self) -> str:
        return references.reference(self.figure, self.value)

    @property
    def stale(self) -> bool:
        return not self.says(self.value)

    def says(self, figure: object) -> bool:
        """Whether the typed number is this value of the figure."""
        return Decimal(_number(self.written)) == figure


def typed_figures(evaluated: Evaluated) -> list[TypedFigure]:
    """Every figure typed into narrative: those that equal a computed figure today,
    and those whose clause describes one (a rate, an amount, a score) whatever their value."""
    known = {formats.written(value): (path, value) for path, value in _quotable(evaluated)}
    pattern = figure_pattern(known)
    described = _described_figures(evaluated)
    found = []
    for where, text in narrative(evaluated.report):
        literal = re.sub(r"{{.*?}}", "", text)
        flagged = set()  # the numbers said, each once (97.76 and 97.76分 are one figure)
        for match in pattern.finditer(literal):
            written, (path, value) = match.group(1), known[match.group(1)]
            # A score is only a score when it says so: 3.5天 and 1.5小时 are not.
            if _number(written) in flagged or (isinstance(value, Points) and not literal.startswith("分", match.end())):
                continue
            flagged.add(_number(written))
            found.append(TypedFigure(where, written, path, value))
        for written, path, value in _described(literal, described):
            if _number(written) not in flagged:
                flagged.add(_number(written))
                found.append(TypedFigure(where, written, path, value))
    return found


def _number(written: str) -> str:
    return re.sub(r"[^\d.]", "", written)


def _typed_figures(evaluated: Evaluated) -> list[Diagnostic]:
    """Narrative that types a figure the report derives goes stale at the next
    budget adjustment: point at the reference that would stay right."""
    found = []
    for typed in typed_figures(evaluated):
        name = typed.reference.split(" | ")[0]
        if typed.stale:
            message = f"文字中直接写了 {typed.written}，描述的是计算得出的 {name}，而它现在是 {_shown(typed)}"
        else:
            message = f"文字中直接写了 {typed.written}（即计算得出的 {name}），预算调整后不会随之更新"
        found.append(warning(f"{message}；请改写为 {{{{ {typed.reference} }}}}", typed.where))
    return found


#: A reference written with one pair of braces ({收支.执行率}): printed as it stands.
_SINGLE_BRACES = re.compile(r"(?<!\{)\{\s*((?:收支|自评|项目自评|机构人员|年度|部门)[^{}]*?)\s*\}(?!\})")


def _single_braces(evaluated: Evaluated) -> list[Diagnostic]:
    return [
        warning(f"“{found.group()}”只有一层大括号，会照原样印在报告里；引用要写两层：{{{{ {found.group(1)} }}}}", where)
        for where, text in narrative(evaluated.report)
        for found in _SINGLE_BRACES.finditer(text)
    ]


_DEDUCTION_SAID = re.compile(r"扣(?:减|除)?\s*(\d+(?:\.\d+)?)\s*分")
_SCORE_SAID = re.compile(r"得分\s*(\d+(?:\.\d+)?)\s*分")
_GRADE_SAID = re.compile(r"等级(?:为|是|评定为)?[“\"]?([\u4e00-\u9fff]{1,2})[”\"]?")
_ASCII_SIGNS = {">=": "≥", "<=": "≤"}


def _said_otherwise(evaluated: Evaluated) -> list[Diagnostic]:
    """What the data's own words say against what the program computes: an indicator's
    扣分原因 naming another deduction, a 结论 another score, a text another grade; an
    ASCII ">=" the report would print; a form filled in after the report is signed."""
    report, found = evaluated.report, []
    forms = [node for form in evaluated.project_forms() for node in form.indicators()]
    for node in (*evaluated.indicators(), *forms):
        data = node.data
        # (key, the text, what it says, the figure, how it says it, the figure's name, where not to say it)
        for key, attribute, pattern, computed, says, what, where in (
            ("扣分原因", "reason", _DEDUCTION_SAID, node.deduction, "扣", "扣分", "原因"),
            ("结论", "conclusion", _SCORE_SAID, node.score, "得分", "得分", "结论"),
        ):
            said = pattern.search(getattr(data, attribute, None) or "")
            if said and Decimal(said.group(1)) != computed:
                found.append(
                    warning(
                        f"{key}中写的是{says} {said.group(1)} 分，计算出的{what}是 {formats.score(computed)} 分；"
                        f"{what}由程序写出，{where}中不必再写",
                        node.path + (key,),
                    )
                )
        for key, value in (
            ("年度指标值", getattr(data, "target", None)),
            ("实际完成值", getattr(data, "achieved", None)),
        ):
            sign = next((ascii for ascii in _ASCII_SIGNS if ascii in (value or "")), None)
            if sign:
                found.append(warning(f"“{sign}”会照原样印在报告里，请写作“{_ASCII_SIGNS[sign]}”", node.path + (key,)))
    grades = set(report.evaluation.grades) | {computation.LOWEST_GRADE}
    for where, text in narrative(report):
        for said in _GRADE_SAID.finditer(text):
            grade = next((g for g in grades if said.group(1).startswith(g)), None)
            # A project's grade (“该项目自评等级为良”) is not the department's.
            if "项目" in text[max(0, said.start() - 10) : said.start()]:
                continue
            if grade is not None and grade != evaluated.evaluation.grade:
                found.append(
                    warning(
                        f"文字中写的等级是“{grade}”，计算出的等级是“{evaluated.evaluation.grade}”；"
                        "请改写为 {{ 自评.等级 }}",
                        where,
                    )
                )
    signed = report.signature.date if report.signature else None
    for path, filled in [
        (("项目自评", "填报日期"), report.project_forms.filled_on),
        *((BUDGET + ("项目", i, "填报日期"), p.filled_on) for i, p in enumerate(report.budget.projects)),
    ]:
        if signed and filled and filled > signed:
            found.append(warning(f"填报日期 {filled} 晚于报告落款的日期 {signed}", path))
    return found


def _shown(typed: TypedFigure) -> str:
    unit = next((u for u in ("万元", "分") if typed.written.endswith(u)), "")
    return formats.written(typed.value) + unit


#: A figure typed in a clause, with its unit: 95.74%, 1,031.18万元, 9.5分.
_TYPED = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(%|％|万元|分)(?![钟之])")
_CLAUSE = re.compile(r"[^，。；;！？\n]+")
#: What a clause calls each computed figure of a budget line, by the unit it is written in.
_LINE_WORDS = {
    "%": (("执行率", ("执行率", "支出进度", "支出率")), ("增长率", ("增长", "下降", "增幅", "降幅"))),
    "万元": (
        ("年初预算", ("年初预算",)),
        ("调整预算", ("调整预算", "全年预算", "预算数", "预算")),
        ("增减额", ("增加", "减少")),
        ("决算", ("决算", "实际支出", "执行数", "支出")),
    ),
}
#: Words after a figure that make it a target or a bound, not a result.
_BOUND = re.compile(r"\s*(?:以上|以下|以内|左右|上下|的目标)")
#: Words right before a figure that compare with it.
_COMPARED = re.compile(r"(?:超过|低于|高于|不低于|不高于|不超过|不足|未达到|按)\s*$")
#: Words of a difference the clerk worked out ("超出预算7.52万元"): no figure of its own, so the
#: clause is left alone rather than misnamed.
_DIFFERENCE = re.compile("超出|超支|结余|节约|差额|尚未支出|相差")


def _described_figures(evaluated: Evaluated) -> list[tuple[tuple[str, ...], str, dict]]:
    """(names a clause uses for a subject, its unit, label → (path, figure)) for each
    budget line and the score sheet; the whole department last, as the subject of a clause naming none."""
    subjects = []
    for line in evaluated.budget_lines():
        if line.role is Role.SOURCE:
            continue
        figures = line.figures()
        for unit, words in _LINE_WORDS.items():
            labels = {key: (line.path + (key,), figures[key]) for key, _ in words if figures.get(key) is not None}
            names = () if line.role is Role.WHOLE else (line.name,)
            subjects.append((names, unit, labels))
    subjects.append(((), "分", {"总分": (("自评", "总分"), evaluated.evaluation.score)}))
    return sorted(subjects, key=lambda subject: not subject[0])


def _described(text: str, described) -> Iterator[tuple[str, DataPath, object]]:
    """(as typed, path, figure) of each typed figure whose clause describes a computed figure."""
    for clause in _CLAUSE.finditer(text):
        words = clause.group()
        for typed in _TYPED.finditer(words):
            unit = "%" if typed.group(2) in "%％" else typed.group(2)
            before = words[: typed.start()]
            # “提高到98%以上”, “超过100%按100%计”: a target or a threshold, not the figure the report computes.
            if _BOUND.match(words, typed.end()) or _COMPARED.search(before):
                continue
            for names, subject_unit, labels in described:
                if subject_unit != unit or (names and not any(name in before for name in names)):
                    continue
                label = _nearest_label(before, unit)
                if label in labels:
                    yield typed.group().strip(), *labels[label]
                break


def _nearest_label(before: str, unit: str) -> str | None:
    """The label word closest before a figure, among those its unit can mean."""
    if unit == "分":
        return "总分" if re.search(r"(总分|自评得分|综合得分)[^分]*$", before) else None
    if _DIFFERENCE.search(before):
        return None
    best, at = None, -1
    for key, words in _LINE_WORDS[unit]:
        for word in words:
            position = before.rfind(word)
            if position > at:
                best, at = key, position
    return best


def figure_pattern(known: dict[str, str]) -> re.Pattern:
    """One pattern for every figure as written, longest first, never inside a longer number."""
    alternatives = "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
    return re.compile(rf"(?<![\d.])({alternatives})(?!\d)")


#: The figures of a budget line that narrative is likely to quote.
_QUOTED_LINE_FIGURES = ("执行率", "调整预算", "决算", "增长率")


def figures_as_written(evaluated: Evaluated) -> Iterator[tuple[str, str]]:
    """(how the report writes a figure, the reference to it in the data's text)."""
    for path, value in _quotable(evaluated):
        yield formats.written(value), references.reference(path, value)


def _quotable(evaluated: Evaluated) -> Iterator[tuple[DataPath, object]]:
    """(path, figure) of each figure narrative is likely to quote."""
    for line in evaluated.budget_lines():
        if line.role is Role.SOURCE:
            continue
        figures = line.figures()
        for key in _QUOTED_LINE_FIGURES:
            if figures[key] is not None:
                yield line.path + (key,), figures[key]
    scores = [(("自评", "总分"), evaluated.evaluation.score)]
    scores += [(node.path + ("得分",), node.score) for node in evaluated.indicators()]
    # Whole scores (48, 10) are too common in prose to be told apart.
    yield from ((path, value) for path, value in scores if "." in formats.score(value))


def narrative(report: Report) -> Iterator[tuple[DataPath, str]]:
    """(path, text) of each text of the data that could quote a figure."""
    return _narrative(report.model_dump(by_alias=True), ())


def _narrative(value, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in NAMES:
                yield from _narrative(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _narrative(item, path + (i,))
    elif isinstance(value, str):
        yield path, value
