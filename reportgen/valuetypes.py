"""The value types of the data (part of stage 2, schema): text, names, amounts, points, percentages, years.

Each is an annotated type with its own check and its Chinese message: an
amount is a number of 万元 with at most two decimals (no thousands separators,
no unit), a text holds no control character a .docx cannot carry, a name has
a length limit because titles and file names are made of it.  The JSON
Schema an editor reads says the same bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

_CJK = r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F“”‘’…—]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def as_meant(value: str) -> str:
    """A text with its whitespace as the data means it (and the report prints it):
    each run of whitespace one space, none between two Chinese characters, ends stripped.
    YAML folds wrapped lines with a space; between Chinese characters a space is
    never meant, so a clerk may wrap long paragraphs freely."""
    return _SPACE_BETWEEN_CJK.sub("", " ".join(value.split()))


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
    value = as_meant(value)
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


#: Numbering a clerk pastes with an item the templates number themselves: 1. 1、 （1） (1) 一、 （一） ① 一是 第一，
_PASTED_NUMBER = re.compile(
    r"^\s*(?:[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.．、，,](?!\d)"
    r"|[\u2460-\u2473]|[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[，,、])\s*"
)
#: End punctuation the templates add after an item (；between items, 。after the last).
_PASTED_END = re.compile(r"[；;。，,、]+\s*$")


@dataclass(frozen=True)
class Pasted:
    """What :func:`pasted` found around an item's text."""

    text: str
    number: str
    end: str


def pasted(text: str, end: bool) -> Pasted:
    """The item without the numbering pasted before it (and, with ``end``, the
    end punctuation after it), which the templates add themselves."""
    number = _PASTED_NUMBER.match(text)
    prefix = number.group() if number and number.end() < len(text) else ""
    rest = text[len(prefix) :]
    found = _PASTED_END.search(rest) if end else None
    suffix = found.group() if found and found.start() > 0 else ""
    return Pasted(rest[: len(rest) - len(suffix)], prefix.strip(), suffix.strip())


def _numbered(value: object) -> object:
    return pasted(value, end=False).text if isinstance(value, str) else value


def _joined(value: object) -> object:
    return pasted(value, end=True).text if isinstance(value, str) else value


#: How a sentence may end; a clause mark there (；，、：) was pasted from a list.
_SENTENCE_ENDS = "。！？…”’）)"
_CLAUSE_END = re.compile(r"[；;，,、：:]+$")


def sentence_end(text: str) -> tuple[str, str]:
    """A paragraph or sentence item ended as a sentence: a trailing clause mark becomes
    “。”, and a missing end is added; with what was changed ("" when nothing)."""
    found = _CLAUSE_END.search(text)
    if found:
        return text[: found.start()] + "。", f"末尾的“{found.group()}”改为“。”"
    if text and text[-1] not in _SENTENCE_ENDS:
        return text + "。", "末尾补上“。”"
    return text, ""


def _sentence(value: object) -> object:
    return sentence_end(value)[0] if isinstance(value, str) else value


#: An item the templates number (1. …): pasted numbering is taken off.
NumberedItem = Annotated[Text, BeforeValidator(_numbered)]
#: A paragraph the templates print as it is: it ends as a sentence.
Sentence = Annotated[Text, AfterValidator(_sentence)]
#: A numbered item that is a sentence of its own (部门职能, 存在问题).
NumberedSentence = Annotated[Text, BeforeValidator(_numbered), AfterValidator(_sentence)]
#: An item the templates join and punctuate (一是……；二是……。): numbering and end punctuation are taken off.
JoinedItem = Annotated[Text, BeforeValidator(_joined)]


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
        # \d also matches full-width digits: refuse them alike, with or without a full-width point.
        if not _AMOUNT.fullmatch(text) or not text.isascii():
            if re.search(r"\d[。、]\d", text):
                mark = "句号“。”" if "。" in text else "顿号“、”"
                hint = f"，小数点写成了{mark}，请改为“.”"
            elif text.startswith(("－", "—", "–")):
                hint = "，开头的“－”是全角的减号或破折号：金额不能为负数，请删去它"
            elif re.search(r"[０-９．]", text):
                hint = "，请用半角数字和小数点（输入法切换到英文再输入）"
            elif "," in text or "，" in text:
                hint = "，不要写千分位逗号"
            elif not re.search(r"\d", text):
                hint = "，请用阿拉伯数字填写"
            elif re.search(r"[￥¥$]", text):
                hint = "，不要写货币符号"
            elif re.search(r"[万元分亿]", text):
                hint = "，不要写单位"
            elif text.endswith("%"):
                hint = (
                    "，不要写 % 号（写 95 即表示 95%）"
                    if kind.startswith("百分数")
                    else "，这里填金额或分值，不是百分比"
                )
            elif re.fullmatch(r"-?\d+(\.\d+)?[eE][+-]?\d+", text):
                hint = "，不要用科学计数法"
            else:
                hint = ""
            raise PydanticCustomError("decimal_form", f'{expected}{hint}，实际为 "{{text}}"', {"text": text})
        number = Decimal(text)
        if number < 0:
            raise PydanticCustomError("negative", f"不能为负数，实际为 {text}")
        if -number.as_tuple().exponent > places:
            shorter = format(number.quantize(Decimal(1).scaleb(-places)), "f")
            if number == Decimal(shorter):  # only zeros past the last place
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
