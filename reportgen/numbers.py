"""Decimal arithmetic as a finance clerk does it, and the kinds of figure.

Every figure is a :class:`decimal.Decimal` rounded half up (四舍五入) to two
decimals: 97.605% → 97.61%, never the banker's 97.60% that ``round()`` gives,
and never through binary float.

A computed figure also knows what it is — an amount (:class:`Money`), a
percentage (:class:`Percent`), points (:class:`Points`) or a count
(:class:`Count`) — so that whoever prints it (templates, ``check``, ``diff``)
writes it the same way without deciding again from its name
(:func:`reportgen.formats.written`).  The kinds are Decimals: arithmetic on
them gives plain Decimals, comparisons and formatting work as on any Decimal.

This module imports nothing of the project, so that every stage may use it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def half_up(value: Decimal) -> Decimal:
    """Round to two decimals, 四舍五入."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Money(Decimal):
    """An amount in 万元."""


class Percent(Decimal):
    """A percentage (97.60 means 97.60%)."""


class Points(Decimal):
    """Points of a score sheet."""


class Count(Decimal):
    """A whole number of things (projects, people)."""


def typed(kind: type[Decimal], value: Decimal | int | None) -> Decimal | None:
    """``value`` as a figure of ``kind``; None stays None (a figure that cannot be computed)."""
    return None if value is None else kind(value)


def execution_rate(actual: Decimal, budget: Decimal) -> Percent | None:
    """actual ÷ budget as a percentage with two decimals; None when there is no budget."""
    if budget == 0:
        return None
    return Percent(half_up(actual / budget * HUNDRED))


def change(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """new − old; None when either is missing."""
    return None if new is None or old is None else new - old


def growth(new: Decimal | None, old: Decimal | None) -> Percent | None:
    """(new − old) ÷ old as a percentage with two decimals; None (written "—")
    when there is no base to grow from."""
    if new is None or old is None or old == 0:
        return None
    return Percent(half_up((new - old) / old * HUNDRED))


def share(part: Decimal | None, total: Decimal | None) -> Percent | None:
    """part ÷ total as a percentage with two decimals; None without a total."""
    if part is None or total is None or total == 0:
        return None
    return Percent(half_up(part / total * HUNDRED))


def ratio(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    """value ÷ base with two decimals; None without a base."""
    return None if value is None or base is None or base == 0 else half_up(value / base)
