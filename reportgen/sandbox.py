"""The Jinja2 sandbox templates run in, with every result's size bounded.

A user's template set (``--templates``) is a program.  Jinja's own sandbox keeps
it from Python's internals; this one also keeps it from building values no
report needs: ``(["x"*100000]*100000) | join`` is ten gigabytes made of two
small arguments, ``((2**64)**64)**64`` a number of millions of digits.  So the
size a value would have written out is checked before every operation that can
multiply it (repetition, joining, replacing, indenting, formatting, ``~``,
output), not only the arguments' sizes; numbers are bounded in digits; lists in
items.  Every result of an operator, method or filter is measured too, before the
next step can use it.  Only methods whose cost follows what they are given are
offered (:data:`_METHODS`): a measure cannot see what ``translate`` or ``encode``
will build.  What is refused raises :class:`TemplateLimit`, which the wording stage
reports at the template's line.
"""

from __future__ import annotations

import datetime
import functools
import re
import string
import time
from collections.abc import Iterator
from decimal import Decimal

from jinja2 import TemplateSyntaxError
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment

from . import formats

#: The longest text a template may build, the report's own limit.
MAX_OUTPUT_CHARS = 2_000_000
MAX_RANGE = 10_000
MAX_POWER = 64
#: A numeric argument (a width, a count) and a repetition.
MAX_REPEAT = 100_000
#: Items of a list or dict a template builds.
MAX_ITEMS = 100_000
#: About 4,200 decimal digits: far past any figure, and short of the 4,300 digits
#: past which Python refuses to write a number out (a ValueError, not a message).
MAX_INT_BITS = 14_000


class TemplateLimit(Exception):
    """A template exceeded what one rendering may cost; the message is Chinese."""


class NotOffered(TemplateLimit):
    """A method or filter templates are not given (the message names it)."""


_TOO_LONG = f"生成的文字或列表过长（最多 {MAX_OUTPUT_CHARS} 个字符）"
_TOO_MANY = f"列表或字典最多 {MAX_ITEMS} 项"
_TOO_BIG = "数值过大（最多约四千位数字）"


def extent(value: object, budget: int = MAX_OUTPUT_CHARS) -> int:
    """About how many characters ``value`` takes written out, counted only until
    past ``budget``: a list holding one long text many times cannot hide its size
    (the same text counts each time it appears), and a list holding itself ends."""
    if isinstance(value, str):
        return len(value)  # most of what templates write: no walk
    total, pending = 0, [value]
    while pending and total <= budget:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list | tuple | set | frozenset | dict):
            total += 2 + len(item)
            if total <= budget:
                pending.extend(item.items() if isinstance(item, dict) else item)
        elif isinstance(item, bytes | bytearray):
            total += len(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Decimal):
            total += _decimal_digits(item)
        else:
            total += 1
    return total


def _decimal_digits(number: Decimal) -> int:
    """The digits ``number`` takes written out in full ("{:f}"), its exponent's zeros included."""
    if not number.is_finite():
        return 3
    _, digits, exponent = number.as_tuple()
    return len(digits) + abs(exponent) + 2


def _bounded(size: int) -> None:
    if size > MAX_OUTPUT_CHARS:
        raise TemplateLimit(_TOO_LONG)


def _within_limits(value: object) -> object:
    """``value`` if it stays within what a template may build, else refused: every
    result of an operator, method or filter is measured before the next can use it,
    so no chain of steps (a Decimal scaled again and again, a text doubled) grows
    past the limits one step at a time.  A number is bounded in digits as well as in
    written size: ``int()`` of 1E+999999 is a minute of work inside C, which no
    clock interrupts."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_INT_BITS:
            raise TemplateLimit(_TOO_BIG)
    elif isinstance(value, Decimal):
        if _decimal_digits(value) > MAX_INT_BITS // 3:
            raise TemplateLimit(_TOO_BIG)
    elif isinstance(value, list | tuple | set | frozenset | dict) and len(value) > MAX_ITEMS:
        raise TemplateLimit(_TOO_MANY)
    _bounded(extent(value))
    return value


def _materialized(value: object) -> object:
    """A lazy sequence (what map or select give, a generator) as a list, built only
    while it stays within the bounds: a filter or method measures what it is given,
    and a lazy one would show its size only once the result was built."""
    if not isinstance(value, Iterator):
        return value
    items, size = [], 0
    for item in value:
        items.append(item)
        size += extent(item)
        _bounded(size)
        if len(items) > MAX_ITEMS:
            raise TemplateLimit(_TOO_MANY)
    return items


def _check_arguments(args: tuple, kwargs: dict) -> None:
    """Arguments that would make a filter or method build a huge result
    (center(10**9), indent(10**9)): refused before they run."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_REPEAT:
            raise TemplateLimit(f"数值参数不能超过 {MAX_REPEAT}")


def _replaced(text: str, old: object, new: object, count: object = None) -> int:
    times = len(text) + 1 if old == "" else text.count(old) if isinstance(old, str) else 0
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(text) + times * extent(new)


#: A field of ``template % values``: its width and precision ("%-9.2f", "%(名称)s", "%*d").
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?")


#: A width taken from the arguments (``%*s``, ``{0:{1}}``) is refused: no report needs
#: one, and its size is not in the format string.
_WIDTH_FROM_ARGUMENTS = "格式中的宽度不能取自参数"


def _width(digits: str) -> int:
    """A field's width or precision as the format string writes it."""
    if digits == "*":
        raise TemplateLimit(_WIDTH_FROM_ARGUMENTS)
    if len(digits) > len(str(MAX_REPEAT)):
        raise TemplateLimit("格式中的宽度过大")
    return int(digits or 0)


def _field_bound(values: tuple) -> int:
    # A field writes at most its value (twice: digit grouping, escapes) besides its width.
    return 2 * max((extent(v) for v in values), default=0)


def _percent_formatted(template: str, values: object) -> int:
    """A bound for ``template % values``: each field its width and precision and the largest value."""
    field = _field_bound((values,))
    return len(template) + sum(
        _width(width) + _width(precision or "") + field for width, precision in _PERCENT_FIELD.findall(template)
    )


def _formatted(template: str, *args, **kwargs) -> int:
    """A bound for ``template.format(...)``: each field its width and precision and the largest argument."""
    field = _field_bound((*args, *kwargs.values()))
    total = len(template)
    try:
        fields = [spec for _, name, spec, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return total  # format() itself says what is wrong
    for spec in fields:
        if "{" in spec:
            raise TemplateLimit(_WIDTH_FROM_ARGUMENTS)
        total += sum(_width(digits) for digits in re.findall(r"\d+", spec)) + field
    return total


def _indented(text: str, width: object = 4, *_args, **_kwargs) -> int:
    return len(text) + (text.count("\n") + 1) * (len(width) if isinstance(width, str) else int(width or 0))


def _joined(items: object, separator: object = "", *_args, **_kwargs) -> int:
    count = len(items) if isinstance(items, list | tuple | set | frozenset | dict | str) else 0
    return extent(items) + count * extent(separator)


def _wrapped(text: str, width: object = 79, break_long: object = True, wrapstring: object = None, *_a, **_k) -> int:
    return len(text) * (1 + len(wrapstring if isinstance(wrapstring, str) else "\n"))


def _summed(items: object, attribute: object = None, start: object = 0, *_a, **_k) -> int:
    # Lists added one to the next are copied each time: quadratic, inside C's sum().
    if not isinstance(start, int | Decimal):
        raise NotOffered("过滤器 sum 只能把数相加（列表请用 + 连接，文字请用 join）")
    return extent(items)


#: How large a filter's result may be, from its arguments, where that can exceed their sizes.
_FILTER_RESULTS = {
    "sum": _summed,
    "join": _joined,
    "replace": lambda text, old="", new="", count=None, *_a, **_k: _replaced(str(text), old, new, count),
    "indent": lambda text, width=4, *a, **k: _indented(str(text), width),
    "wordwrap": lambda text, *a, **k: _wrapped(str(text), *a, **k),
    "format": lambda template, *a, **k: _percent_formatted(str(template), k or a),
}
#: The same for methods of a text.
_STR_METHOD_RESULTS = {
    "join": lambda text, items, *_a: _joined(items, text),
    "replace": _replaced,
    "format": _formatted,
    "format_map": lambda template, mapping, *_a: _formatted(template, mapping),
    "expandtabs": lambda text, size=8, *_a, **_k: len(text) + text.count("\t") * int(size),
}
#: The methods of a value templates may call, by its kind: what reads a text, list or
#: dict, or builds one in time and size proportional to it and its arguments.  The
#: rest are not offered (translate, encode, zfill, Decimal's scaleb, int's to_bytes…):
#: no report needs them, and many build what neither their value nor their arguments
#: show (a table of long replacements, bytes no measure reads, an exponent of a million).
_METHODS: dict[object, tuple[str, frozenset[str]]] = {
    str: (
        "文字",
        frozenset(
            "capitalize casefold count endswith expandtabs find format format_map index isalnum isalpha isascii "
            "isdecimal isdigit islower isnumeric isspace istitle isupper join lower lstrip partition removeprefix "
            "removesuffix replace rfind rindex rpartition rsplit rstrip split splitlines startswith strip swapcase "
            "title upper".split()
        ),
    ),
    list: ("列表", frozenset("append copy count extend index insert pop remove reverse sort".split())),
    tuple: ("列表", frozenset("count index".split())),
    dict: ("字典", frozenset("copy get items keys pop setdefault update values".split())),
    set | frozenset: ("集合", frozenset("difference intersection isdisjoint issubset issuperset union".split())),
    datetime.date: ("日期", frozenset("isoformat isoweekday replace strftime weekday".split())),
    bytes | bytearray: ("字节串", frozenset()),
    # Figures are computed and written with the filters (money, change, growth…).
    int | float | Decimal: ("数", frozenset()),
}


def _offered(receiver: object, name: str) -> None:
    """Refuses a method of a value (a text, a list, a number…) that templates are not given,
    or of its class (``{}.fromkeys``)."""
    of = receiver if isinstance(receiver, type) else type(receiver)
    for kinds, (kind, names) in _METHODS.items():
        if issubclass(of, kinds):
            if name not in names:
                offered = f"，可用的有：{'、'.join(sorted(names))}" if names else f"，{kind}没有可调用的方法"
                raise NotOffered(f"模板中不能调用{kind}的方法 {name}{offered}")
            return


#: Methods that grow a list or dict in place, and by how many items.
_GROWING = {"append": lambda *_a: 1, "insert": lambda *_a: 1, "extend": len, "update": len, "setdefault": lambda *_a: 1}


def bounded_filter(name: str, function, subject_position: int):
    """A Jinja filter refused, before it runs, where its arguments (after the
    value it filters, which may be any figure of the data) or the result they
    would give are too large."""
    estimate = _FILTER_RESULTS.get(name)

    @functools.wraps(function)
    def checked(*args, **kwargs):
        args = tuple(map(_materialized, args))
        _check_arguments(args[subject_position + 1 :], kwargs)
        subject = args[subject_position:]
        for value in subject:
            _within_limits(value)
        _bounded(estimate(*subject, **kwargs) if estimate and subject else extent(subject))
        return _within_limits(function(*args, **kwargs))

    return checked


class BoundedCode(CodeGenerator):
    """Jinja's code generator, with the parts of ``a ~ b`` measured before they
    are written out and joined (Jinja's own visit_Concat, one call added)."""

    def visit_Concat(self, node, frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"{join}(environment.measured((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write(")))")


#: The message of :meth:`Sandbox.compile` for a template nested past what Jinja's
#: recursive parser and code generator can follow (wording says it in Chinese).
TOO_DEEP = "nested too deeply to compile"
_OPENERS = {"lparen": 1, "lbracket": 1, "lbrace": 1, "rparen": -1, "rbracket": -1, "rbrace": -1}
_BLOCK_TAGS = {"for", "if", "macro", "call", "filter", "block", "with", "raw", "autoescape", "trans"}


class Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with arithmetic that stays exact and results that stay small."""

    code_generator_class = BoundedCode
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    deadline = float("inf")
    seconds = 10

    # Jinja's parser and code generator recurse once a bracket or block: a template
    # nested some hundreds deep is a syntax error at its deepest line, not a RecursionError.
    def _parse(self, source, name, filename):
        try:
            return super()._parse(source, name, filename)
        except RecursionError:
            raise TemplateSyntaxError(TOO_DEEP, self._deepest_line(source, name, filename), name, filename) from None

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        try:
            return super().compile(source, name, filename, raw, defer_init)
        except RecursionError:
            raise TemplateSyntaxError(TOO_DEEP, self._deepest_line(source, name, filename), name, filename) from None

    def _deepest_line(self, source: str, name, filename) -> int:
        """The line where brackets and blocks nest deepest, else the one of most tokens
        (``- - - 1``): found by the lexer, which does not recurse."""
        depth, deepest, line = 0, 1, None
        tokens: dict[int, int] = {}
        after_tag = False
        try:
            for lineno, kind, value in self.lex(source, name, filename):
                tokens[lineno] = tokens.get(lineno, 0) + 1
                if after_tag and kind == "name":
                    depth += 1 if value in _BLOCK_TAGS else -1 if value.startswith("end") else 0
                depth += _OPENERS.get(kind, 0)
                after_tag = kind == "block_begin"
                if depth > deepest:
                    deepest, line = depth, lineno
        except TemplateSyntaxError:
            pass  # the tokens up to here tell as much
        return line or max(tokens, key=tokens.get, default=1)

    def call_binop(self, context, operator, left, right):
        self.tick()
        if isinstance(left, float) or isinstance(right, float):
            raise formats.FloatValue(left if isinstance(left, float) else right)
        numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))
        if operator == "**":
            if not (isinstance(right, int) and abs(right) <= MAX_POWER):
                raise TemplateLimit(f"乘方的指数不能超过 {MAX_POWER}")
            if numbers and left.bit_length() * right > MAX_INT_BITS:
                raise TemplateLimit("乘方的结果过大（最多约四千位数字）")
        elif operator == "*" and numbers:
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise TemplateLimit("乘积过大（最多约四千位数字）")
        elif operator == "*" and any(isinstance(v, str | list | tuple) for v in (left, right)):
            sequence, count = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(count, int) and count > 0:
                if count > MAX_REPEAT:
                    raise TemplateLimit(f"文字或列表重复的次数不能超过 {MAX_REPEAT}")
                _bounded(extent(sequence) * count)
        elif operator == "+" and not numbers:
            _bounded(extent(left) + extent(right))
        elif operator == "%" and isinstance(left, str):
            _within_limits(right)
            _bounded(_percent_formatted(left, right))
        return _within_limits(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        __self.tick()
        receiver, name = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
        _offered(receiver, name)
        args = tuple(map(_materialized, args))
        _check_arguments(args, kwargs)
        if isinstance(receiver, str) and name in _STR_METHOD_RESULTS:
            _bounded(_STR_METHOD_RESULTS[name](receiver, *args, **kwargs))
        elif isinstance(receiver, list | dict) and name in _GROWING:
            if len(receiver) + _GROWING[name](*args) > MAX_ITEMS:
                raise TemplateLimit(_TOO_MANY)
        for value in (*args, *kwargs.values()):
            _within_limits(value)
        return _within_limits(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj, attribute):
        self.tick()
        found = super().getattr(obj, attribute)
        # Jinja hands out str.format wrapped in its own safe formatter: measured here, not in call.
        if isinstance(obj, str) and attribute in ("format", "format_map") and callable(found):
            measure = _STR_METHOD_RESULTS[attribute]

            @functools.wraps(found)
            def measured_format(*args, **kwargs):
                _bounded(measure(obj, *args, **kwargs))
                return found(*args, **kwargs)

            return measured_format
        return found

    def getitem(self, obj, argument):
        self.tick()
        return super().getitem(obj, argument)

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"模板运行超过 {self.seconds} 秒，可能有死循环或过大的循环")

    @staticmethod
    def measured(parts: tuple) -> tuple:
        """The parts of ``a ~ b``, refused if written out they would be too long."""
        _bounded(sum(extent(part) for part in parts))
        return parts

    @staticmethod
    def concat(pieces) -> str:
        """Jinja joins a block's or macro's output with this: measured before joining."""
        pieces = list(pieces)
        _bounded(sum(len(piece) for piece in pieces))
        return "".join(pieces)

    def bounded_range(self, *args):
        """range() for templates: at most :data:`MAX_RANGE` numbers, watched by the clock."""
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise TemplateLimit(f"range() 最多 {MAX_RANGE} 项")
        for number in numbers:
            self.tick()
            yield number

    @staticmethod
    def finalized(escape):
        """Jinja's finalize (what ``{{ }}`` writes) with the value measured first."""

        def finalize(value):
            if not isinstance(value, str):
                _bounded(extent(value))
            return escape(value)

        return finalize
