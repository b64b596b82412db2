"""How numbers, dates and ordinals are written in the report (and in messages).

Used as Jinja2 filters by the templates, and by the checks and the CLI so that
a figure is always spelt the same way wherever it appears.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from .numbers import Count, Money, Percent, Points, half_up

_CN_DIGITS = "零一二三四五六七八九"


class FloatValue(TypeError):
    """A binary float reached a figure: it would print a wrongly rounded number."""


def exact(value: object) -> Decimal:
    """The value as a Decimal; a float is refused rather than rounded silently."""
    if isinstance(value, float):
        raise FloatValue(value)
    return Decimal(value)


def _fixed(value: object) -> str:
    # "-0.00" is no figure a report prints.
    return format(half_up(exact(value)) + 0, "f")


def money(value: Decimal | None) -> str:
    """Two decimals, for 万元 amounts and table figures: 1028.77; — when not given."""
    return "—" if value is None else _fixed(value)


def percent(value: Decimal | None) -> str:
    """97.60%; a rate that has no budget to divide by prints as —."""
    return "—" if value is None else f"{_fixed(value)}%"


def score(value: Decimal | None) -> str:
    """Points as a clerk writes them: 48, 9.76, 2.5."""
    if value is None:
        return "—"
    text = _fixed(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def written(value: object) -> str:
    """A figure as the report writes it, by its kind (:mod:`reportgen.numbers`);
    anything else as its text."""
    if isinstance(value, Money):
        return money(value)
    if isinstance(value, Percent):
        return percent(value)
    if isinstance(value, Points):
        return score(value)
    if isinstance(value, Count):
        return str(int(value))
    return "" if value is None else str(value)


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    if not 0 < n < 100:
        raise ValueError(f"序号超出范围：{n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


#: GB/T 9704 7.3.3: the numbers of heading levels 1 to 4 (一、 （一） 1. （1））, as patterns
#: in which ``{一}`` stands for a Chinese numeral and ``{1}`` for an Arabic one.
HEADING_NUMBERS = ("{一}、", "（{一}）", "{1}.", "（{1}）")
CHINESE_DIGIT, ARABIC_DIGIT = "{一}", "{1}"


def numbered_by(pattern: str, n: int) -> str:
    """The n-th number in a pattern of :data:`HEADING_NUMBERS`' kind."""
    if CHINESE_DIGIT in pattern:
        return pattern.replace(CHINESE_DIGIT, cn_number(n))
    return pattern.replace(ARABIC_DIGIT, str(n))


def numbering_problem(pattern: str) -> str | None:
    """What is wrong with a numbering pattern an outline declares, if anything."""
    digits = pattern.count(CHINESE_DIGIT) + pattern.count(ARABIC_DIGIT)
    if digits != 1:
        return f'应含且只含一个 {CHINESE_DIGIT}（汉字序号）或 {ARABIC_DIGIT}（阿拉伯数字序号），如“{{一}}、”“{{1}}、”，实际为 "{pattern}"'
    if len(pattern) > 12 or any(c in pattern for c in "#*|[]`\n"):
        return f'应是一个短的序号写法（最多 12 个字，不含 # * | [ ] `），实际为 "{pattern}"'
    return None


def enumerate_cn(items: list[str]) -> str:
    """``['甲', '乙']`` → ``一是甲；二是乙。``"""
    # An item's own end mark would double the joining one ("；；", "。。").
    return "；".join(f"{cn_number(i)}是{item.rstrip('；;。，,、 ')}" for i, item in enumerate(items, 1)) + "。"


def cn_date(value: datetime.date) -> str:
    """2024-03-01 → 2024年3月1日 (GB/T 9704 7.3.5: no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"
