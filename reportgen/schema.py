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
项目支出        project              project spending
项目            projects             individual projects, each with budget and actual
资金来源        sources              the same figures by source of funds (本年财政拨款, 上年结转资金…)
收入/上年收入   income/prior_income  income lines by name, this year and last
执行率          rate                 actual ÷ adjusted budget (computed)
执行率偏低阈值  low_rate_threshold   projects below this rate (%) are named as a problem
绩效管理        management           performance-management narrative and 举措 (measures)
自评            evaluation           the score sheet: a tree of indicators
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

Only shape and form are checked here (types, required keys, amount syntax);
relations between values (sums, deductions within full marks) are the job of
:mod:`reportgen.checks`, after :mod:`reportgen.computation`.
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError

from .diagnostics import DataPath, Diagnostic, InvalidInput, error

# --- value types -------------------------------------------------------------

_CJK = r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F“”‘’…—]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")
# Characters XML 1.0 (and so a .docx) cannot hold.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _text(value: object) -> object:
    if not isinstance(value, str):
        return value
    bad = _FORBIDDEN_CHARS.search(value)
    if bad:
        raise PydanticCustomError(
            "control_character",
            "含有不可见的控制字符 U+{code}（第 {position} 个字符处），Word 文档无法容纳，请删除",
            {"code": f"{ord(bad.group()):04X}", "position": bad.start() + 1},
        )
    # YAML folds wrapped lines with a space; between Chinese characters a space is
    # never meant, so a clerk may wrap long paragraphs freely.
    value = _SPACE_BETWEEN_CJK.sub("", " ".join(value.split()))
    if not value:
        raise PydanticCustomError("empty_text", "不能为空")
    return value


#: The longest paragraph a value may hold (a report's longest is about 800).
MAX_TEXT_CHARS = 10_000


def _limited(limit: int):
    def check(value: str) -> str:
        if len(value) > limit:
            raise PydanticCustomError("text_length", f"过长（{len(value)} 个字），最多 {limit} 个字")
        return value

    return AfterValidator(check)


Text = Annotated[str, BeforeValidator(_text), _limited(MAX_TEXT_CHARS), WithJsonSchema({"type": "string"})]


def Name(limit: int) -> object:  # noqa: N802 - reads as a type in the models below
    """A short name (department, item, font): one line of at most ``limit`` characters."""
    return Annotated[
        str, BeforeValidator(_text), _limited(limit), WithJsonSchema({"type": "string", "maxLength": limit})
    ]


#: 部门 appears in the title and the file name: 50 characters keep the name under
#: 255 bytes (the file systems' limit) and the title under Word's 255 characters.
DEPARTMENT_CHARS = 50
#: Names of items, income lines, sources of funds, grades.
ITEM_CHARS = 60
#: Word's limit for a font name.
FONT_CHARS = 31

_AMOUNT = re.compile(r"-?\d+(\.\d+)?")


def _decimal(kind: str, example: str, places: int, maximum: Decimal):
    """A parser of plain decimal text into Decimal, explaining each common slip."""

    def parse(value: object) -> object:
        if isinstance(value, Decimal | int):
            value = str(value)
        if not isinstance(value, str):
            return value
        text = value.strip()
        expected = f"应为{kind}（如 {example}）"
        if not _AMOUNT.fullmatch(text):
            if re.search(r"[０-９．]", text):
                hint = "，请用半角数字和小数点（输入法切换到英文再输入）"
            elif "," in text or "，" in text:
                hint = "，不要写千分位逗号"
            elif not re.search(r"\d", text):
                hint = "，请用阿拉伯数字填写"
            elif re.search(r"[￥¥$]", text):
                hint = "，不要写货币符号"
            elif re.search(r"[万元分亿]", text):
                hint = "，不要写单位"
            elif text.endswith(("%", "％")):
                hint = "，这里填金额或分值，不是百分比"
            elif re.fullmatch(r"-?\d+(\.\d+)?[eE][+-]?\d+", text):
                hint = "，不要用科学计数法"
            else:
                hint = ""
            raise PydanticCustomError("decimal_form", f'{expected}{hint}，实际为 "{{text}}"', {"text": text})
        number = Decimal(text)
        if number < 0:
            raise PydanticCustomError("negative", f"不能为负数，实际为 {text}")
        if -number.as_tuple().exponent > places:
            if number == round(number, places):  # only zeros past the last place
                shorter = format(number.quantize(Decimal(1).scaleb(-places)), "f")
                raise PydanticCustomError("decimal_places", f"小数点后多写了 0：请写作 {shorter}，实际为 {text}")
            raise PydanticCustomError("decimal_places", f"最多保留 {places} 位小数，实际为 {text}（请按报表四舍五入）")
        if number > maximum:
            raise PydanticCustomError("decimal_range", f"超出范围：应在 0 到 {maximum} 之间，实际为 {text}")
        return number + 0  # "-0" and "-0.00" are 0

    return parse


def _at_least(value: Decimal, minimum: Decimal, unit: str) -> Decimal:
    if value < minimum:
        raise PydanticCustomError("decimal_range", f"超出范围：应在 {minimum} 到 60 {unit}之间，实际为 {value}")
    return value


def _threshold(value: Decimal) -> Decimal:
    if value > 100:
        raise PydanticCustomError("percent_range", "应在 0 到 100 之间（单位为 %）")
    return value


def _number_schema(description: str, maximum: object = None) -> WithJsonSchema:
    """What editors check as the clerk types (the YAML text itself is parsed above).
    No ``multipleOf``: older editor extensions flag 0.01 multiples on every amount."""
    schema: dict = {"type": "number", "minimum": 0, "description": description}
    if maximum is not None:
        schema["maximum"] = float(maximum)
    return WithJsonSchema(schema)


#: 万元: a thousand billion yuan is beyond any department's budget, and keeps every
#: sum and rate well inside Decimal's 28 digits.
MAX_AMOUNT = Decimal("99999999999.99")
MAX_POINTS = Decimal(1000)
Amount = Annotated[
    Decimal,
    BeforeValidator(_decimal("金额（万元）", "1028.77", 2, MAX_AMOUNT)),
    _number_schema("万元，最多两位小数", maximum=MAX_AMOUNT),
]
Points = Annotated[
    Decimal,
    BeforeValidator(_decimal("分值", "10 或 2.5", 2, MAX_POINTS)),
    _number_schema("分，最多两位小数", maximum=MAX_POINTS),
]
#: Page margins in millimetres: GB/T 9704's are 26 to 37; a margin beyond 60 mm
#: leaves no room for a table or a title line.
Millimetres = Annotated[
    Decimal,
    BeforeValidator(_decimal("毫米数", "28", 1, Decimal(60))),
    AfterValidator(lambda value: _at_least(value, Decimal(10), "毫米")),
    _number_schema("毫米，10 到 60", maximum=60),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_decimal("百分数（不带 %）", "95", 2, Decimal(100))),
    AfterValidator(_threshold),
    _number_schema("百分数，不带 %", maximum=100),
]


def _year(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[0-9０-９]{4}\s*年度?", text):
            raise PydanticCustomError("year_form", f'年度只写数字，如 2023（不要写“年”），实际为 "{text}"')
        if re.fullmatch(r"[０-９]+", text):
            raise PydanticCustomError("year_form", f'请用半角数字（输入法切换到英文再输入），实际为 "{text}"')
        if not re.fullmatch(r"\d{4}", text):
            raise PydanticCustomError("year_form", f'应为四位数的年份，如 2023，实际为 "{text}"')
    return value


Year = Annotated[int, BeforeValidator(_year), Field(ge=1990, le=2100)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
#: 是/否 as a clerk writes it, or true/false.
YesNo = Annotated[
    bool,
    BeforeValidator(lambda value: {"是": True, "否": False}.get(value, value) if isinstance(value, str) else value),
    WithJsonSchema({"type": "boolean"}),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


# --- the report's data -------------------------------------------------------


class Execution(_Model):
    """One line of budget against spending."""

    initial: Amount | None = Field(None, alias="年初预算", description="年初预算（万元），用于收支情况表，可不填")
    budget: Amount = Field(alias="调整预算", description="调整预算，即全年预算数（万元）")
    actual: Amount = Field(alias="决算", description="决算，即实际支出、全年执行数（万元）")
    prior: Amount | None = Field(None, alias="上年决算", description="上年决算（万元）；填写后计算增减额与增长率")


class Project(Execution):
    name: Name(ITEM_CHARS) = Field(alias="名称")


class BasicSpending(Execution):
    staff: Amount | None = Field(None, alias="人员经费", description="基本支出决算中的人员经费（万元）")
    running: Amount | None = Field(None, alias="公用经费", description="基本支出决算中的公用经费（万元）")


class Budget(_Model):
    initial: Amount = Field(alias="年初预算", description="年初预算（万元）")
    budget: Amount | None = Field(None, alias="调整预算", description="调整预算；不填则取基本支出与项目支出之和")
    actual: Amount | None = Field(None, alias="决算", description="决算；不填则取基本支出与项目支出之和")
    prior: Amount | None = Field(None, alias="上年决算", description="上年决算（万元）；填写后计算增减额与增长率")
    basic: BasicSpending = Field(alias="基本支出")
    project: Execution = Field(alias="项目支出")
    projects: list[Project] = Field(default_factory=list, alias="项目")
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
    assessment: Text | None = Field(None, alias="评价", description="收支情况段落末尾的总体评价")


class KeyTask(_Model):
    title: Text = Field(alias="标题", description="小标题，末尾不加句号")
    body: Text = Field(alias="内容")


class Goal(_Model):
    target: Text = Field(alias="目标")
    result: Text = Field(alias="完成情况")


class Management(_Model):
    summary: Text = Field(alias="概述")
    measures: list[Text] = Field(alias="举措", min_length=1, description="每条末尾不加标点，按“一是……；二是……”连写")


class Staffing(_Model):
    units: list[Text] = Field(default_factory=list, alias="内设机构")
    authorised: Count | None = Field(None, alias="编制数")
    serving: Count | None = Field(None, alias="在职人数")
    retired: Count | None = Field(None, alias="离退休人数")


class Scored(_Model):
    """What a scored indicator may carry; scoring happens at the leaves."""

    full_marks: Points | None = Field(
        None, alias="分值", description="满分；有下级指标时可不填（为下级之和），填写时程序核对"
    )
    rule: Literal["预算执行率", "完成比例", "扣分", "得分"] | None = Field(
        None,
        alias="计分",
        description="预算执行率：min(执行率, 100%) × 分值；完成比例：实际完成值 ÷ 年度指标值 × 分值；"
        "扣分：分值 − 扣分（写了扣分时的默认）；得分：直接填写得分（写了得分时的默认）",
    )
    basis: Text | None = Field(
        None,
        alias="口径",
        description="按预算执行率计分时所用的执行率：部门整体（默认）、基本支出、项目支出或某个项目的名称",
    )
    target: Text | None = Field(None, alias="年度指标值", description="如 ≥3.2万亩、100%、≤5%")
    achieved: Text | None = Field(None, alias="实际完成值", description="如 3.35万亩")
    deduction: Points | None = Field(None, alias="扣分")
    reason: Text | None = Field(None, alias="扣分原因")
    score: Points | None = Field(None, alias="得分", description="直接给出的得分（定性指标）")
    deviation: Text | None = Field(None, alias="偏差原因")
    remedy: Text | None = Field(None, alias="改进措施")
    analysis: Text | None = Field(None, alias="分析", description="报告中该指标的一段分析")


class Indicator3(Scored):
    name: Name(ITEM_CHARS) = Field(alias="名称")


class Indicator(Scored):
    name: Name(ITEM_CHARS) = Field(alias="名称")
    children: list[Indicator3] | None = Field(None, alias="三级指标", min_length=1)


class Dimension(Scored):
    name: Name(ITEM_CHARS) = Field(alias="名称")
    conclusion: Text | None = Field(None, alias="结论", description="自评结论中该项得分之后的一句话")
    children: list[Indicator] | None = Field(None, alias="二级指标", min_length=1)


#: 财政部 convention: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below.
DEFAULT_GRADES = {"优": Decimal(90), "良": Decimal(80), "中": Decimal(60), "差": Decimal(0)}


class Evaluation(_Model):
    dimensions: list[Dimension] = Field(alias="一级指标", min_length=1)
    grades: dict[Name(10), Points] = Field(
        default_factory=lambda: dict(DEFAULT_GRADES),
        json_schema_extra={"default": {name: int(value) for name, value in DEFAULT_GRADES.items()}},
        alias="等级",
        description="各等级的最低分，如 {优: 90, 良: 80, 中: 60, 差: 0}；低于最低一档为“差”",
    )
    score_first: YesNo = Field(False, alias="得分在前", description="报告以“自评得分情况”开篇")


class Signature(_Model):
    organ: Text = Field(alias="单位")
    date: datetime.date = Field(alias="日期", description="成文日期，如 2024-03-01")


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


#: One paragraph (a string) or several (a list); read as a list either way.
Paragraphs = Annotated[list[Text], BeforeValidator(lambda value: [value] if isinstance(value, str) else value)]


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
    duties: list[Text] = Field(alias="部门职能", min_length=1)
    staffing: Staffing | None = Field(None, alias="机构人员")
    key_tasks: list[KeyTask] | None = Field(None, alias="重点工作", min_length=1)
    goals: list[Goal] = Field(alias="绩效目标", min_length=1)
    budget: Budget = Field(alias="收支")
    management: Management | None = Field(None, alias="绩效管理")
    evaluation: Evaluation = Field(alias="自评")
    problems: list[Text] = Field(default_factory=list, alias="存在问题")
    improvements: list[Text] = Field(alias="改进措施", min_length=1)
    other_matters: Paragraphs | None = Field(
        None, alias="其他需要说明的问题", description="一段文字，或每段一条的列表；不填则不写这一节"
    )
    signature: Signature | None = Field(None, alias="落款")
    attachments: list[Text] = Field(
        default_factory=list, alias="附件", description="随报告附上的表格，按此顺序编为附件1、附件2……"
    )
    layout: LayoutOptions = Field(default_factory=LayoutOptions, alias="版式")


# --- keys an outline adds or requires ------------------------------------------

#: The value types a template set may declare for its own keys (see ``outline.yaml``).
SCALAR_TYPES: dict[str, object] = {
    "文字": Text,
    "金额": Amount,
    "分值": Points,
    "百分数": Percent,
    "整数": Annotated[int, Field(ge=-(10**9), le=10**9)],
    "日期": datetime.date,
    "是否": YesNo,
}
FIELD_TYPES = (*SCALAR_TYPES, "列表", "表")


class FieldSpec(_Model):
    """One key a template set declares in its ``outline.yaml`` (under ``字段``)."""

    type: Literal[FIELD_TYPES] = Field(alias="类型")  # type: ignore[valid-type]
    required: YesNo = Field(False, alias="必填")
    description: Text | None = Field(None, alias="说明")
    item: Literal[tuple(SCALAR_TYPES)] = Field("文字", alias="元素", description="列表每项的类型")  # type: ignore[valid-type]
    columns: dict[Name(ITEM_CHARS), Literal[tuple(SCALAR_TYPES)]] | None = Field(  # type: ignore[valid-type]
        None, alias="列", description="表的每一列：列名: 类型"
    )

    def annotation(self) -> object:
        if self.type == "列表":
            return list[SCALAR_TYPES[self.item]]
        if self.type == "表":
            row = create_model(
                "Row",
                __base__=_Model,
                **{
                    f"column_{i}": (SCALAR_TYPES[kind] | None, Field(None, alias=name))
                    for i, (name, kind) in enumerate((self.columns or {}).items())
                },
            )
            return list[row]
        return SCALAR_TYPES[self.type]


#: Sections that an outline may require (they are optional in :class:`Report`).
REQUIRABLE = ("机构人员", "重点工作", "绩效管理", "其他需要说明的问题", "落款")


@dataclass(frozen=True)
class Extension:
    """What the chosen outline asks of the data beyond :class:`Report`."""

    required: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ("收支情况表", "绩效自评表")
    fields: tuple[tuple[str, FieldSpec], ...] = ()


def builtin_keys() -> set[str]:
    return {f.alias for f in Report.model_fields.values() if f.alias}


def model_for(extension: Extension) -> type[Report]:
    """:class:`Report` with the outline's required sections made required, its
    attachments as the only names ``附件`` accepts, and its own keys added."""
    fields: dict[str, tuple] = {}
    for key in extension.required:
        name, info = next((n, f) for n, f in Report.model_fields.items() if f.alias == key)
        inner = _unwrap_optional(info.annotation)
        limits = {"min_length": 1} if typing.get_origin(inner) is list else {}
        fields[name] = (inner, Field(alias=key, description=info.description, **limits))
    names = Literal[extension.attachments] if extension.attachments else Literal[""]  # type: ignore[valid-type]
    fields["attachments"] = (
        list[names],
        Field(default_factory=list, alias="附件", description=Report.model_fields["attachments"].description),
    )
    for i, (key, spec) in enumerate(extension.fields):
        annotation = spec.annotation()
        default = ... if spec.required else None
        fields[f"extra_{i}"] = (
            annotation if spec.required else annotation | None,
            Field(default, alias=key, description=spec.description),
        )
    return create_model("Report", __base__=Report, __doc__=Report.__doc__, **fields)


def _unwrap_optional(annotation: object) -> object:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def json_schema(model: type[Report] = Report) -> dict:
    schema = _numeric_defaults(model.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "部门整体支出绩效自评报告数据"
    return schema


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


# --- validation with Chinese messages ----------------------------------------


def validate(data: dict, model: type[Report] = Report) -> Report:
    """Validate plain data; raise :class:`InvalidInput` with every problem found."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput([_diagnostic(item, model) for item in exc.errors()]) from None


#: Error kinds raised by the value types above, whose text is already Chinese.
_OWN_ERRORS = {
    "year_form",
    "control_character",
    "empty_text",
    "text_length",
    "decimal_form",
    "negative",
    "decimal_places",
    "decimal_range",
    "percent_range",
}

_MESSAGES = {
    "decimal_type": "应为数字",
    "missing": "缺少此项（必填）",
    "list_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为“键: 值”的形式",
    "model_type": "应为“键: 值”的形式",
    "model_attributes_type": "应为“键: 值”的形式",
    "string_type": "应为一段文字",
    "int_parsing": "应为整数（只写阿拉伯数字，如 18）",
    "int_type": "应为整数（只写阿拉伯数字，如 18）",
    "int_from_float": "应为整数（不带小数）",
    "bool_parsing": "应为 是 或 否（也可写 true 或 false）",
    "bool_type": "应为 是 或 否（也可写 true 或 false）",
    "date_from_datetime_parsing": "应为日期，如 2024-03-01",
    "date_parsing": "应为日期，如 2024-03-01",
    "date_type": "应为日期，如 2024-03-01",
    "literal_error": "只能填：{expected}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
}


def _diagnostic(item: dict, model: type[BaseModel]) -> Diagnostic:
    path: DataPath = tuple(item["loc"])
    kind = item["type"]
    if kind == "extra_forbidden":
        return error(_unknown_key_message(path, model), path)
    if kind == "too_short":
        return error("至少要有一项", path)
    value = item.get("input")
    if kind != "missing" and value is None:
        return error("不能为空", path)
    if kind in _MESSAGES:
        context = dict(item.get("ctx", {}))
        if kind == "literal_error":
            # pydantic lists the choices in English ("'a' or 'b'").
            context["expected"] = "、".join(re.findall(r"'([^']*)'", str(context["expected"])))
        message = _MESSAGES[kind].format(**context)
        if kind != "missing" and isinstance(value, str):
            message += f'，实际为 "{value}"'
        return error(message, path)
    if kind in _OWN_ERRORS:
        return error(item["msg"], path)
    return error("格式不对", path)


def _unknown_key_message(path: DataPath, model: type[BaseModel]) -> str:
    key = str(path[-1])
    allowed = _keys_at(path[:-1], model)
    message = f"未知的键“{key}”"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
    if close:
        return message + f"，是否应为“{close[0]}”？"
    if allowed:
        return message + "，此处可用的键：" + "、".join(allowed)
    return message


def _keys_at(path: DataPath, root: type[BaseModel]) -> list[str]:
    """The YAML keys the model at ``path`` accepts, for "did you mean"."""
    model: object = root
    for part in path:
        model = _unwrap(model)
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = next((f for f in model.model_fields.values() if f.alias == part), None)
        if field is None:
            return []
        model = field.annotation
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias for f in model.model_fields.values() if f.alias]
    return []


def _unwrap(annotation: object) -> object:
    """``list[X] | None`` → ``X``."""
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if args else annotation
    return annotation
