"""Validation with Chinese messages (part of stage 2, schema).

Runs pydantic on the plain data and turns every error at once into a
:class:`Diagnostic` that names the key (with "是否应为…" for a near miss) and
says what the value should be, in the clerk's words.
"""

from __future__ import annotations

import difflib
import re
import types
import typing

from pydantic import (
    BaseModel,
    ValidationError,
)

from .diagnostics import DataPath, Diagnostic, InvalidInput, error
from .schema import Report


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
    "too_long": "最多 {max_length} 项",
}


def _diagnostic(item: dict, model: type[BaseModel]) -> Diagnostic:
    path: DataPath = tuple(item["loc"])
    kind = item["type"]
    if kind == "extra_forbidden":
        return error(_unknown_key_message(path, model), path)
    if kind == "too_short":
        return error("至少要有一项", path)
    if path == ("自评", "等级") and kind == "dict_type":
        # A clerk writing the grade itself: it is computed from the total.
        return error(
            f'等级由总分算出，不必填写；这里写各等级的最低分，如 {{优: 90, 良: 80, 中: 60, 差: 0}}，实际为 "{item.get("input")}"',
            path,
        )
    value = item.get("input")
    if kind != "missing" and value is None:
        return error("不能为空", path)
    if kind in _MESSAGES:
        context = dict(item.get("ctx", {}))
        if kind == "literal_error":
            # pydantic lists the choices in English ("'a' or 'b'").
            context["expected"] = "、".join(re.findall(r"'([^']*)'", str(context["expected"])))
            if not context["expected"] and path[:1] == ("附件",):
                return error(f'所选的提纲没有附表，“附件”只能不写或写 []，实际为 "{value}"', path)
        message = _MESSAGES[kind].format(**context)
        if kind == "too_long" and isinstance(value, list | dict):
            # pydantic counts a dict only as "more"; the count says how far over it is.
            message += f"，实际为 {len(value)} 项"
        if kind.startswith("date") and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            return error(f"{value} 不是日历上的日期：月份为 1 至 12，日不超过该月的天数", path)
        if kind == "list_type" and isinstance(value, str) and value.startswith("-"):
            message += "；“-”后面要有一个空格"
        if kind == "literal_error" and isinstance(value, str) and "，" in value:
            message += "；列表的各项之间要用英文逗号“,”分开，不能用中文逗号“，”"
        if kind != "missing" and isinstance(value, str):
            message += f'，实际为 "{value}"'
        return error(message, path)
    if kind in _OWN_ERRORS:
        return error(item["msg"], path)
    return error("格式不对", path)


#: What clerks call a key in their own words (the forms and the finance system's): the key meant.
SYNONYMS = {
    "全年预算": "调整预算",
    "全年预算数": "调整预算",
    "调整后预算": "调整预算",
    "预算数": "调整预算",
    "全年执行数": "决算",
    "执行数": "决算",
    "实际支出": "决算",
    "支出数": "决算",
    "决算数": "决算",
    "年初预算数": "年初预算",
    "上年支出": "上年决算",
    "上年决算数": "上年决算",
    "扣分理由": "扣分原因",
    "扣分说明": "扣分原因",
    "偏差说明": "偏差原因",
    "分数": "分值",
    "权重": "分值",
    "标准分": "分值",
    "自评得分": "得分",
    "指标值": "年度指标值",
    "目标值": "年度指标值",
    "完成值": "实际完成值",
    "实际值": "实际完成值",
}
#: Keys of figures the program computes: typed into the data they would go stale.
COMPUTED = {
    "执行率", "增减额", "增长率", "占比", "收入合计", "上年收入合计", "基本支出占比", "项目支出占比",
    "人员经费占比", "公用经费占比", "总分", "满分", "完成率", "执行率偏低项目", "分项合计",
}  # fmt: skip


def _unknown_key_message(path: DataPath, model: type[BaseModel]) -> str:
    key = str(path[-1])
    allowed = _keys_at(path[:-1], model)
    if key in COMPUTED:
        return f"“{key}”由程序计算，不要填写，请删去此行"
    if SYNONYMS.get(key) in allowed:
        return f"未知的键“{key}”：这里叫“{SYNONYMS[key]}”，请改为“{SYNONYMS[key]}”"
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
