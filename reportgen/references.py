"""References to computed figures inside the data's own text (part of stage 5, wording).

A clerk may write ``执行率为{{ 收支.执行率 | percent }}`` in a narrative value so
that the sentence follows the figures after a budget adjustment.  That is a
reference, not a program: a dotted path of keys, list positions counted from 1
as a clerk counts them (``收支.项目[2].执行率``, the same count the messages
use), and at most one of the number formats.  It is resolved by looking the
path up, never by a template engine, so no text in a data file can run code,
loop, or grow the report.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal

from . import formats, numbers
from .diagnostics import DataPath, Diagnostic, InvalidInput, error

#: The formats a reference may name (the template filters of the same names).
FORMATS = {
    "money": formats.money,
    "percent": formats.percent,
    "score": formats.score,
    "cn_date": formats.cn_date,
}

EXAMPLE = "{{ 收支.执行率 | percent }}"
#: The format a figure of each kind is written in.
_FORMAT_OF_KIND = {numbers.Money: "money", numbers.Percent: "percent", numbers.Points: "score"}
_OPENING = re.compile(r"{{|{%|{#")
_REFERENCE = re.compile(r"{{\s*(?P<path>[^{}|]*?)\s*(?:\|\s*(?P<format>[^{}|]*?)\s*)?}}")
_STEP = re.compile(r"\.?(?P<key>[^\s.\[\]{}|]+)|\[(?P<index>\d{1,4})\]")


def reference(path: DataPath, figure: object = None) -> str:
    """The reference to the value at a data path, as a clerk writes it: list
    positions from 1, with the format of the figure's kind
    (``("收支", "项目", 1, "执行率")`` → ``收支.项目[2].执行率 | percent``)."""
    written = "".join(f"[{step + 1}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")
    kind = _FORMAT_OF_KIND.get(type(figure))
    return f"{written} | {kind}" if kind else written


def has_reference(text: str) -> bool:
    return _OPENING.search(text) is not None


def resolve(values: dict) -> dict:
    """``values`` with every reference in its text replaced by the figure it
    names; raise :class:`InvalidInput` with every reference that names none."""
    found: list[Diagnostic] = []
    resolved = _walk(values, values, (), found)
    if found:
        raise InvalidInput(found)
    return resolved


def _walk(value, values: dict, path: DataPath, found: list[Diagnostic]):
    if isinstance(value, dict):
        return {key: _walk(item, values, path + (key,), found) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, values, path + (i,), found) for i, item in enumerate(value)]
    if isinstance(value, str) and has_reference(value):
        return _substitute(value, values, path, found)
    return value


def _substitute(text: str, values: dict, path: DataPath, found: list[Diagnostic]) -> str:
    pieces, position = [], 0
    for opening in _OPENING.finditer(text):
        if opening.start() < position:
            continue
        pieces.append(text[position : opening.start()])
        match = _REFERENCE.match(text, opening.start())
        try:
            if match is None:
                raise _Unresolved(f"“{text[opening.start() : opening.start() + 12]}…”不是一个引用")
            pieces.append(_value(match.group("path"), match.group("format"), values))
            position = match.end()
        except _Unresolved as exc:
            found.append(
                error(
                    f"第 {opening.start() + 1} 个字符处：{exc}。文字中只能引用一个计算结果，"
                    f"写法如 {EXAMPLE}（列表中的第几项写作 [1]、[2]……）",
                    path,
                )
            )
            position = match.end() if match else opening.end()
    pieces.append(text[position:])
    return "".join(pieces)


class _Unresolved(Exception):
    pass


def _value(path: str, format_name: str | None, values: dict) -> str:
    target: object = values
    position = 0
    shown = ""
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None or (position == 0 and step.group("key") is None) or path[position] == " ":
            raise _Unresolved(f"“{path}”的写法不对")
        position = step.end()
        if step.group("key") is not None:
            key = step.group("key")
            shown += ("." if shown else "") + key
            if not isinstance(target, dict) or key not in target:
                close = difflib.get_close_matches(key, list(target) if isinstance(target, dict) else [], n=1)
                raise _Unresolved(f"引用了不存在的项“{shown}”" + (f"，是否应为“{close[0]}”？" if close else ""))
            target = target[key]
        else:
            index = int(step.group("index"))
            shown += f"[{index}]"
            if not isinstance(target, list):
                raise _Unresolved(f"“{shown}”：此处不是列表")
            if not 1 <= index <= len(target):
                raise _Unresolved(f"“{shown}”：只有 {len(target)} 项（从 1 数起）")
            target = target[index - 1]
    if not path:
        raise _Unresolved("引用是空的")
    if isinstance(target, dict | list):
        raise _Unresolved(f"“{path}”是一组数据，不是一个数或一段文字")
    if isinstance(target, str) and has_reference(target):
        raise _Unresolved(f"“{path}”的文字本身含有引用")
    if format_name is None:
        if isinstance(target, Decimal):
            raise _Unresolved(f"“{path}”是数字，请写明格式：| money（金额）、| percent（百分比）或 | score（分值）")
        if target is None:
            raise _Unresolved(f"“{path}”没有填写")
        return str(target)
    if format_name not in FORMATS:
        raise _Unresolved(f"没有“{format_name}”这种格式，可用：{'、'.join(FORMATS)}")
    try:
        return FORMATS[format_name](target)
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        raise _Unresolved(f"“{path}”不能按 {format_name} 的格式写出") from None
