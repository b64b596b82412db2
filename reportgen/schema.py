"""Stage 2: the shape of a year's data, validated into typed models.

The YAML keys are Chinese (the clerk's words); the Python names are English.
Each field's alias is its YAML key, and the same alias is the name templates use.

Glossary (YAML key → Python name: meaning):

==============  ===================  =================================================
提纲            outline              which built-in outline (template set): 广东, 财政部
年度            year                 the budget year reported on
部门            department           the department's full name
自称            self_name            how the text refers to the department (我委, 本局)
附件编号        attachment_number    n in the "附件n" label when filed as an attachment
部门职能        duties               the department's duties, one item each
机构人员        staffing             optional （设置机构及人员情况）: units and head counts
重点工作        key_tasks            the year's key work: run-in title + narrative
绩效目标        goals                performance goals, each with its 完成情况 (result)
收支            budget               budget and spending (万元)
年初预算        initial              budget approved at the start of the year
调整预算        budget (adjusted)    budget after adjustments (全年预算数); denominator of every rate
决算            actual               what was actually spent (全年执行数)
上年决算        prior                last year's actual; gives 增减额 (change) and 增长率 (growth)
基本支出        basic                running costs; 人员经费 (staff) + 公用经费 (running)
公用经费预算    running_budget       公用经费 as budgeted; gives 公用经费控制率
已支付          paid                 paid by the assessment date; gives 支付进度率
项目支出        project              project spending
项目            projects             individual projects, each with budget and actual
资金来源        sources              the same figures by source of funds (本年财政拨款, 上年结转资金…)
收入/上年收入   income/prior_income  income lines by name, this year and last
执行率          rate                 actual ÷ adjusted budget (computed)
执行率偏低阈值  low_rate_threshold   projects below this rate (%) are named as a problem
绩效管理        management           performance-management narrative and 举措 (measures)
自评            evaluation           the score sheet: a tree of indicators
绩效指标        indicators           a project's own tree: evaluated, it gets a 项目支出绩效自评表
主管部门/实施单位  authority/implementer  the project form's 主管部门 and 实施单位
年度总体目标    overall_goal         a project's 预期目标 and 实际完成情况
执行率分值      rate_marks           the project form's 预算执行率 points (default 10)
项目自评        project_forms        how the project forms are filed: 分别, 合并, 附件; 汇总表
定性档次/档次   bands / band         qualitative bands (达成 100 %, 部分达成 60–80 % …) and a leaf's band
一级/二级/三级指标  dimensions / children  levels of the tree; leaves are scored
分值            full_marks           an indicator's full marks (a parent's: its children's sum)
计分            rule                 scoring rule of a leaf: 预算执行率, 完成比例, 扣分, 得分
口径            basis                whose execution rate 预算执行率 uses (部门整体, 基本支出, a project…)
年度指标值      target               the year's target as written (≥3.2万亩, ≤5%)
实际完成值      achieved             what was reached, as written
扣分/扣分原因   deduction / reason   points lost on a manually scored indicator, and why
得分            score                a score given directly (qualitative indicators)
偏差原因        deviation            why a target was missed
改进措施        remedy / improvements  an indicator's remedy; the report's next steps (一是…二是…)
分析            analysis             the indicator's paragraph in the analysis sections
结论            conclusion           sentence after a dimension's score in 自评结论
等级            grades               grade bands: name → lowest score (优 90, 良 80, 中 60, 差 0)
得分在前        score_first          open the report with 自评得分情况
存在问题        problems             problems stated besides under-spent projects
其他需要说明的问题  other_matters    an optional closing section, one or more paragraphs
落款            signature            signing organ and date, when the report is signed
附件            attachments          tables attached after the report, by name
版式            layout               user overrides of fonts, margins, run-in headings
==============  ===================  =================================================

The value types (amounts, names, texts …) are in :mod:`reportgen.valuetypes`,
validation with Chinese messages in :mod:`reportgen.validation`; the keys a
template set adds are built into the model by :mod:`reportgen.outlines`.

Only shape and form are checked here (types, required keys, amount syntax);
relations between values (sums, deductions within full marks) are the job of
:mod:`reportgen.checks`, after :mod:`reportgen.computation`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from .loading import TODO
from .valuetypes import (
    DEPARTMENT_CHARS,
    FONT_CHARS,
    ITEM_CHARS,
    Amount,
    Count,
    JoinedItem,
    Millimetres,
    Name,
    NumberedItem,
    NumberedSentence,
    Percent,
    Points,
    Sentence,
    Text,
    Year,
    YesNo,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


# --- the report's data -------------------------------------------------------


def _one_or_more(item: object) -> object:
    """One paragraph (a string) or several (a list); read as a list either way."""
    return Annotated[
        list[item],
        BeforeValidator(lambda value: [value] if isinstance(value, str) else value),
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
    ]


Paragraphs = _one_or_more(Text)
#: Paragraphs printed as they are, each ending as a sentence.
SentenceParagraphs = _one_or_more(Sentence)


#: The rates a 比率扣分 indicator may be scored by (computed in :mod:`reportgen.computation`).
RATIOS = (
    "执行率",
    "预算调整率",
    "政府采购执行率",
    "三公经费控制率",
    "公用经费控制率",
    "结转结余率",
    "支付进度率",
    # 财预〔2013〕53号 部门整体支出绩效评价指标
    "在职人员控制率",
    "三公经费变动率",
    "结转结余变动率",
    "重点支出安排率",
    "固定资产利用率",
)


class Scored(_Model):
    """What a scored indicator may carry; scoring happens at the leaves."""

    full_marks: Points | None = Field(
        None, alias="分值", description="满分；有下级指标时可不填（为下级之和），填写时程序核对"
    )
    rule: Literal["预算执行率", "完成比例", "比率扣分", "定性", "扣分", "得分"] | None = Field(
        None,
        alias="计分",
        description="预算执行率：min(执行率, 100%) × 分值；完成比例：实际完成值 ÷ 年度指标值 × 分值；"
        "比率扣分：计算出的比率达到满分线得满分，每差 1 个百分点扣所填分数，扣完为止；"
        "定性：按所填档次（自评.定性档次）计分，档次是一个区间时另填得分；"
        "扣分：分值 − 扣分（写了扣分时的默认）；得分：直接填写得分（写了得分时的默认）",
    )
    ratio: Literal[RATIOS] | None = Field(  # type: ignore[valid-type]
        None, alias="比率", description="按比率扣分时所用的计算结果（执行率另按口径）"
    )
    full_line: Text | None = Field(None, alias="满分线", description="按比率扣分时得满分的界线，如 ≥95%、≤5%")
    penalty: Points | None = Field(None, alias="每个百分点扣", description="按比率扣分时每差 1 个百分点扣的分数")
    basis: Text | None = Field(
        None,
        alias="口径",
        description="按预算执行率计分时所用的执行率：部门整体（默认）、基本支出、项目支出或某个项目的名称",
    )
    target: Text | None = Field(None, alias="年度指标值", description="如 ≥3.2万亩、100%、≤5%")
    achieved: Text | None = Field(None, alias="实际完成值", description="如 3.35万亩")
    band: Name(20) | None = Field(
        None, alias="档次", description="定性指标的完成档次，如 达成、部分达成、未达成（见 自评.定性档次）"
    )
    deduction: Points | None = Field(None, alias="扣分")
    reason: JoinedItem | None = Field(None, alias="扣分原因")
    score: Points | None = Field(None, alias="得分", description="直接给出的得分（定性指标）")
    deviation: JoinedItem | None = Field(None, alias="偏差原因")
    remedy: JoinedItem | None = Field(None, alias="改进措施")
    analysis: Text | None = Field(None, alias="分析", description="报告中该指标的一段分析")


#: Bounds on how many there are, each said at the list with the range, in ``check`` (so that
#: ``build`` never meets it): past them a list is generated or pasted, not written, and the
#: time and memory of a build grow with it.
#: A department's projects: a few hundred in the largest published reports.
MAX_PROJECTS = 2000
#: Of them, those with 绩效指标, each a form of its own: at this bound, each form with
#: ``MAX_TREE_INDICATORS`` 末级指标, a build takes about 25 s and 600 MB.
MAX_FORMS = 100
#: One list of a tree (一级, 二级 or 三级指标): a notice's score sheet has 3 to 5 一级 and seldom
#: more than 10 under one, a long form some 30 数量指标; a tree as a whole at most
#: ``MAX_TREE_INDICATORS`` 末级指标 (a form of a few pages).
MAX_INDICATORS = 50
MAX_TREE_INDICATORS = 100
#: The built-in outlines offer four; the 附件说明 naming them is kept with the body text and the
#: 落款 on one page of 22 lines (GB/T 9704 7.3.4, 5.2.2), which this many names fill.
MAX_ATTACHMENTS = 20


class Indicator3(Scored):
    name: Name(ITEM_CHARS) = Field(alias="名称")


class Indicator(Scored):
    name: Name(ITEM_CHARS) = Field(alias="名称")
    children: list[Indicator3] | None = Field(None, alias="三级指标", min_length=1, max_length=MAX_INDICATORS)


class Dimension(Scored):
    name: Name(ITEM_CHARS) = Field(alias="名称")
    conclusion: JoinedItem | None = Field(
        None, alias="结论", description="自评结论中该项得分之后的一句话（末尾不加标点）"
    )
    children: list[Indicator] | None = Field(None, alias="二级指标", min_length=1, max_length=MAX_INDICATORS)


class Execution(_Model):
    """One line of budget against spending."""

    initial: Amount | None = Field(None, alias="年初预算", description="年初预算（万元），用于收支情况表，可不填")
    budget: Amount = Field(alias="调整预算", description="调整预算，即全年预算数（万元）")
    actual: Amount = Field(alias="决算", description="决算，即实际支出、全年执行数（万元）")
    prior: Amount | None = Field(None, alias="上年决算", description="上年决算（万元）；填写后计算增减额与增长率")


class ProjectGoal(_Model):
    expected: Paragraphs = Field(alias="预期目标", description="一段文字，或每条一项的列表")
    achieved: Paragraphs = Field(alias="实际完成情况", description="一段文字，或每条一项的列表")


class Project(Execution):
    """A project of 收支.项目; with 绩效指标 it is evaluated and gets its own 项目支出绩效自评表."""

    name: Name(ITEM_CHARS) = Field(alias="名称")
    authority: Name(DEPARTMENT_CHARS) | None = Field(
        None, alias="主管部门", description="自评表的主管部门；不填则为本部门"
    )
    implementer: Name(DEPARTMENT_CHARS) | None = Field(
        None, alias="实施单位", description="自评表的实施单位；不填则为本部门"
    )
    sources: dict[Name(ITEM_CHARS), Execution] | None = Field(
        None,
        alias="资金来源",
        description="年度资金总额的分列：当年财政拨款、上年结转资金、其他资金，各有年初预算、调整预算、决算",
    )
    overall_goal: ProjectGoal | None = Field(None, alias="年度总体目标", description="自评表的预期目标与实际完成情况")
    indicators: list[Dimension] | None = Field(
        None,
        alias="绩效指标",
        min_length=1,
        max_length=MAX_INDICATORS,
        description="项目的绩效指标：一级（产出、效益、满意度）→ 二级 → 三级，在末级指标上计分；填写后生成该项目的自评表",
    )
    rate_marks: Points | None = Field(
        None, alias="执行率分值", description="预算执行率的分值；不填则按 项目自评.执行率分值（默认 10）"
    )
    filled_by: Name(20) | None = Field(None, alias="填报人")
    telephone: Name(30) | None = Field(None, alias="联系电话")
    filled_on: datetime.date | None = Field(None, alias="填报日期", description="如 2024-02-20")


class ProjectSpending(Execution):
    """项目支出: its totals may be left out when the projects are listed (they are then summed)."""

    budget: Amount | None = Field(None, alias="调整预算", description="调整预算；列出了项目时可不填，取各项目之和")
    actual: Amount | None = Field(None, alias="决算", description="决算；列出了项目时可不填，取各项目之和")


class BasicSpending(Execution):
    staff: Amount | None = Field(None, alias="人员经费", description="基本支出决算中的人员经费（万元）")
    running: Amount | None = Field(None, alias="公用经费", description="基本支出决算中的公用经费（万元）")
    running_budget: Amount | None = Field(
        None, alias="公用经费预算", description="预算安排的公用经费（万元），用于公用经费控制率"
    )


class FixedAssets(_Model):
    total: Amount = Field(alias="总额", description="所有固定资产总额（万元）")
    in_use: Amount = Field(alias="在用", description="实际在用固定资产总额（万元）")


class Budget(_Model):
    initial: Amount = Field(alias="年初预算", description="年初预算（万元）")
    budget: Amount | None = Field(None, alias="调整预算", description="调整预算；不填则取基本支出与项目支出之和")
    actual: Amount | None = Field(None, alias="决算", description="决算；不填则取基本支出与项目支出之和")
    prior: Amount | None = Field(None, alias="上年决算", description="上年决算（万元）；填写后计算增减额与增长率")
    basic: BasicSpending = Field(alias="基本支出")
    project: ProjectSpending = Field(alias="项目支出")
    projects: list[Project] = Field(default_factory=list, alias="项目", max_length=MAX_PROJECTS)
    sources: dict[Name(ITEM_CHARS), Execution] | None = Field(
        None,
        alias="资金来源",
        description="按资金来源分列，如 本年财政拨款、上年结转资金、其他资金，各有年初预算、调整预算、决算",
    )
    income: dict[Name(ITEM_CHARS), Amount] | None = Field(
        None, alias="收入", description="本年收入，按名称分列（万元），如 财政拨款收入: 1028.77"
    )
    prior_income: dict[Name(ITEM_CHARS), Amount] | None = Field(
        None, alias="上年收入", description="上年收入，名称与“收入”相同（万元）"
    )
    low_rate_threshold: Percent = Field(
        Decimal(95), alias="执行率偏低阈值", description="执行率（%）低于此值的项目列为问题"
    )
    assessment: Sentence | None = Field(None, alias="评价", description="收支情况段落末尾的总体评价")
    procurement: Execution | None = Field(
        None, alias="政府采购", description="政府采购预算（调整预算）与实际采购（决算），用于政府采购执行率"
    )
    official_costs: Execution | None = Field(
        None, alias="三公经费", description="“三公”经费预算（调整预算）与决算，用于“三公”经费控制率"
    )
    carried_over: Amount | None = Field(None, alias="结转结余", description="年末结转结余资金（万元），用于结转结余率")
    prior_carried_over: Amount | None = Field(
        None, alias="上年结转结余", description="上年末结转结余资金（万元），用于结转结余变动率"
    )
    paid: Amount | None = Field(
        None, alias="已支付", description="考核时点（如 9 月底）已支付的资金（万元），用于支付进度率"
    )
    planned_progress: Percent | None = Field(
        None,
        alias="既定支付进度",
        description="考核时点应达到的支付进度（%）；填写后支付进度率 = 实际支付进度 ÷ 既定支付进度（财预〔2013〕53号）",
    )
    key_spending: Amount | None = Field(
        None, alias="重点支出", description="重点项目支出（万元），用于重点支出安排率（÷ 项目支出决算）"
    )
    fixed_assets: FixedAssets | None = Field(None, alias="固定资产", description="用于固定资产利用率")


class KeyTask(_Model):
    title: JoinedItem = Field(alias="标题", description="小标题，末尾不加句号（程序加）")
    body: Text = Field(alias="内容")


class Goal(_Model):
    target: NumberedItem = Field(alias="目标")
    result: NumberedItem = Field(alias="完成情况")


class Management(_Model):
    summary: Sentence = Field(alias="概述")
    measures: list[JoinedItem] = Field(
        alias="举措", min_length=1, description="每条末尾不加标点，按“一是……；二是……”连写"
    )


class Staffing(_Model):
    units: list[Text] = Field(default_factory=list, alias="内设机构")
    authorised: Count | None = Field(None, alias="编制数")
    serving: Count | None = Field(None, alias="在职人数")
    retired: Count | None = Field(None, alias="离退休人数")


def _band(value: object) -> object:
    """A band is a share (100) or a range ([60, 80]); read as (lowest, highest)."""
    return [value, value] if not isinstance(value, list) else value


#: A qualitative band: the lowest and highest share (%) of an indicator's marks it earns.
Band = Annotated[
    list[Percent],
    BeforeValidator(_band),
    Field(min_length=2, max_length=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100}, "minItems": 2},
            ]
        }
    ),
]
#: 财预〔2020〕10号: 达成年度指标 the full share; 部分达成 80 %–60 %; 未达成 below 60 %.
DEFAULT_BANDS = {
    "达成": [Decimal(100), Decimal(100)],
    "部分达成": [Decimal(60), Decimal(80)],
    "未达成": [Decimal(0), Decimal(60)],
}

#: 财政部 convention: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below.
DEFAULT_GRADES = {"优": Decimal(90), "良": Decimal(80), "中": Decimal(60), "差": Decimal(0)}


class Evaluation(_Model):
    dimensions: list[Dimension] = Field(alias="一级指标", min_length=1, max_length=MAX_INDICATORS)
    grades: dict[Name(10), Points] = Field(
        default_factory=lambda: dict(DEFAULT_GRADES),
        json_schema_extra={"default": {name: int(value) for name, value in DEFAULT_GRADES.items()}},
        alias="等级",
        description="各等级的最低分，如 {优: 90, 良: 80, 中: 60, 差: 0}；低于最低一档为“差”",
    )
    score_first: YesNo = Field(False, alias="得分在前", description="报告以“自评得分情况”开篇")
    bands: dict[Name(20), Band] = Field(
        default_factory=lambda: dict(DEFAULT_BANDS),
        json_schema_extra={"default": {name: [int(v) for v in band] for name, band in DEFAULT_BANDS.items()}},
        alias="定性档次",
        description="定性指标各档次得分占分值的百分比：一个数（如 100）或一个区间（如 [60, 80]，得分另填）",
    )


class ProjectForms(_Model):
    """项目自评: how the 项目支出绩效自评表 of the evaluated projects are filed."""

    output: Literal["分别", "合并", "不生成"] | None = Field(
        None,
        alias="输出",
        description="各表另存的方式：分别（每个项目一个 .docx，默认）、合并（全部在一个 .docx）、不生成"
        "（附件中列出“项目支出绩效自评表”时的默认：表已附在报告之后）",
    )
    summary: YesNo | None = Field(
        None,
        alias="汇总表",
        description="另存项目支出绩效自评结果汇总表（.xlsx）；附件中列出“项目自评汇总表”时默认为 是",
    )
    rate_marks: Points = Field(Decimal(10), alias="执行率分值", description="预算执行率的分值（默认 10）")
    low_score: Points = Field(
        Decimal(80), alias="得分偏低线", description="自评得分低于此分数的项目在报告中列出（默认 80）"
    )
    filled_by: Name(20) | None = Field(None, alias="填报人", description="各表的填报人（项目可另填）")
    telephone: Name(30) | None = Field(None, alias="联系电话")
    filled_on: datetime.date | None = Field(None, alias="填报日期", description="如 2024-02-20")


class Signature(_Model):
    organ: Text = Field(alias="单位")
    date: datetime.date = Field(alias="日期", description="成文日期，如 2024-03-01")
    sealed: YesNo = Field(
        False,
        alias="盖章",
        description="是：加盖印章，按 GB/T 9704 7.3.5.1 编排（成文日期右空四字，留出印章位置）；默认否（7.3.5.2）",
    )


class Fonts(_Model):
    body: Name(FONT_CHARS) | None = Field(None, alias="正文")
    title: Name(FONT_CHARS) | None = Field(None, alias="标题")
    heading1: Name(FONT_CHARS) | None = Field(None, alias="一级标题")
    heading2: Name(FONT_CHARS) | None = Field(None, alias="二级标题")


class Margins(_Model):
    """Millimetres, 10 to 60."""

    top: Millimetres | None = Field(None, alias="上")
    bottom: Millimetres | None = Field(None, alias="下")
    left: Millimetres | None = Field(None, alias="左")
    right: Millimetres | None = Field(None, alias="右")


class LayoutOptions(_Model):
    fonts: Fonts = Field(default_factory=Fonts, alias="字体")
    margins: Margins = Field(default_factory=Margins, alias="页边距", description="毫米")
    bold_run_in: YesNo = Field(False, alias="小标题加粗", description="“1.预算编制。”这类段首小标题是否加粗")


class Report(_Model):
    """One department's data for one year.

    Which of the sections are required depends on the outline (``提纲``): see
    :func:`model_for`, which makes the outline's required keys required and
    adds the keys its template set declares.
    """

    outline: Text = Field("广东", alias="提纲", description="报告提纲：广东（默认）或 财政部")
    year: Year = Field(alias="年度")
    department: Name(DEPARTMENT_CHARS) = Field(alias="部门")
    self_name: Name(20) = Field("本部门", alias="自称")
    attachment_number: Annotated[int, Field(ge=1, le=99)] | None = Field(None, alias="附件编号")
    duties: list[NumberedSentence] | None = Field(None, alias="部门职能", min_length=1)
    staffing: Staffing | None = Field(None, alias="机构人员")
    key_tasks: list[KeyTask] | None = Field(None, alias="重点工作", min_length=1)
    goals: list[Goal] | None = Field(None, alias="绩效目标", min_length=1)
    budget: Budget = Field(alias="收支")
    management: Management | None = Field(None, alias="绩效管理")
    evaluation: Evaluation = Field(alias="自评")
    problems: list[NumberedSentence] = Field(default_factory=list, alias="存在问题")
    improvements: list[NumberedItem] | None = Field(None, alias="改进措施", min_length=1)
    other_matters: SentenceParagraphs | None = Field(
        None, alias="其他需要说明的问题", description="一段文字，或每段一条的列表；不填则不写这一节"
    )
    project_forms: ProjectForms = Field(
        default_factory=ProjectForms, alias="项目自评", description="各项目支出绩效自评表的生成方式"
    )
    signature: Signature | None = Field(None, alias="落款")
    attachments: list[Text] = Field(
        default_factory=list,
        alias="附件",
        max_length=MAX_ATTACHMENTS,
        description="随报告附上的表格，按此顺序编为附件1、附件2……",
    )
    layout: LayoutOptions = Field(default_factory=LayoutOptions, alias="版式")


def builtin_keys() -> set[str]:
    return {f.alias for f in Report.model_fields.values() if f.alias}


#: The child list of each level of the indicator tree, by the key the data uses.
CHILD_KEYS = ("二级指标", "三级指标")
#: What templates find on an indicator beside its data (computed, see ``computation.IndicatorNode``).
INDICATOR_FIGURES = ("完成率", "满分", "末级指标")


def indicator_keys() -> set[str]:
    """The keys an indicator has at any level, typed or computed."""
    typed = {f.alias for model in (Dimension, Indicator, Indicator3) for f in model.model_fields.values() if f.alias}
    return typed | set(INDICATOR_FIGURES)


def json_schema(model: type[Report] = Report, outlines: tuple[str, ...] = ()) -> dict:
    """The JSON Schema an editor checks a data file by, as ``check`` sees it: ``提纲`` one of
    ``outlines``, a value left ``待填写`` accepted everywhere (``check`` still lists it),
    bounds under the names editors read, and messages in Chinese."""
    schema = _for_editors(_numeric_defaults(model.model_json_schema(by_alias=True)))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "部门整体支出绩效自评报告数据"
    if outlines:
        schema["properties"]["提纲"].update(enum=list(outlines), errorMessage=f"只能填：{'、'.join(outlines)}")
    return schema


#: Pydantic's bound names, as JSON Schema (and so yaml-language-server) spells them.
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
#: What an editor says for a value of the wrong type (yaml-language-server shows errorMessage).
_TYPE_MESSAGES = {
    "number": "应为数字：不写单位、千分位逗号和 %，如 1028.77",
    "integer": "应为整数，只写阿拉伯数字，如 2023",
    "string": "应为一段文字",
    "boolean": "应为 是 或 否",
    "array": "应为列表（每项以“- ”开头）",
}


def _for_editors(node: object, key: str | None = None) -> object:
    if isinstance(node, list):
        return [_for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {_BOUNDS.get(k, k): v for k, v in node.items()}
    if node.get("type") in _TYPE_MESSAGES and "errorMessage" not in node:
        node["errorMessage"] = _TYPE_MESSAGES[node["type"]]
    for name in ("properties", "$defs"):
        if name in node:
            node[name] = {k: _for_editors(v, name) for k, v in node[name].items()}
    for name in ("items", "additionalProperties", "anyOf"):
        if isinstance(node.get(name), dict | list):
            node[name] = _for_editors(node[name], name)
    if (
        key in ("properties", "items", "additionalProperties")
        and "$ref" not in node
        and node.get("type")
        not in (
            "object",
            "string",
        )
    ):
        # init and import leave 待填写 where a value is still to come: no red mark for it.
        todo = {"const": TODO, "description": "尚未填写（check 会列出）"}
        if "anyOf" in node:
            return {**node, "anyOf": [*node["anyOf"], todo]}
        outer = {k: node.pop(k) for k in ("title", "description", "default") if k in node}
        return {**outer, "anyOf": [node, todo]}
    return node


def _numeric_defaults(node: object) -> object:
    """Decimal defaults come out of pydantic as strings ("95"): an editor
    checking the schema would flag its own default.  Write them as numbers."""
    if isinstance(node, dict):
        node = {key: _numeric_defaults(value) for key, value in node.items()}
        default = node.get("default")
        if node.get("type") == "number" and isinstance(default, str):
            node["default"] = int(Decimal(default)) if Decimal(default) == int(Decimal(default)) else float(default)
        return node
    if isinstance(node, list):
        return [_numeric_defaults(item) for item in node]
    return node
