"""Stage 5: word the report with the Jinja2 templates in ``templates/``.

Templates see one tree: the data under its YAML keys with the computed figures
laid over it at the same places (``收支.调整预算`` and ``收支.执行率`` side by side).
They write the report as structured text, a small Markdown subset read by
:mod:`reportgen.markup`; every value inserted with ``{{ }}`` is escaped so
that no character of the data can change that structure.

Templates run in Jinja2's sandbox with StrictUndefined: a user's template set
(``--templates DIR``, consulted before the built-in one) can neither reach
Python internals nor silently print nothing for a misspelt name.
"""

from __future__ import annotations

import datetime
import functools
import re
import traceback
from decimal import Decimal
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .computation import Figures, half_up
from .diagnostics import Diagnostic, InvalidInput, error
from .schema import Report

MAIN_TEMPLATE = "report.md.j2"
TITLE_TEMPLATE = "title.j2"

DEFAULT_TEMPLATES = Path(str(resources.files("reportgen.templates")))

_MARKUP_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_CN_DIGITS = "零一二三四五六七八九"


# --- filters -------------------------------------------------------------------


def money(value: Decimal | None) -> str:
    """Two decimals, for 万元 amounts and table figures: 1028.77; — when not given."""
    return "—" if value is None else format(half_up(Decimal(value)), "f")


def percent(value: Decimal | None) -> str:
    """97.60%; a rate that has no budget to divide by prints as —."""
    return "—" if value is None else f"{half_up(Decimal(value))}%"


def score(value: Decimal) -> str:
    """Points as a clerk writes them: 48, 9.76, 2.5."""
    text = format(half_up(Decimal(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    if not 0 < n < 100:
        raise ValueError(f"序号超出范围：{n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


def enumerate_cn(items: list[str]) -> str:
    """``['甲', '乙']`` → ``一是甲；二是乙。``"""
    return "；".join(f"{cn_number(i)}是{item}" for i, item in enumerate(items, 1)) + "。"


def cn_date(value: datetime.date) -> str:
    """2024-03-01 → 2024年3月1日 (GB/T 9704 7.3.5: no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


FILTERS = {
    "money": money,
    "percent": percent,
    "score": score,
    "cn_number": cn_number,
    "enumerate_cn": enumerate_cn,
    "cn_date": cn_date,
}


def escape_markup(value: object) -> Markup:
    """Make any value literal text in the structured text (all ASCII punctuation
    backslash-escaped, line breaks folded)."""
    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).split("\n"))
    return Markup(_MARKUP_PUNCTUATION.sub(r"\\\1", text))


# --- environment and context ----------------------------------------------------


@functools.cache
def environment(user_templates: Path | None = None) -> SandboxedEnvironment:
    """One environment per template set, built once per process."""
    search = [DEFAULT_TEMPLATES] if user_templates is None else [user_templates, DEFAULT_TEMPLATES]
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        # Autoescape keeps macro output (Markup) from being escaped twice; the
        # escaping itself is ours, done in finalize.
        autoescape=True,
        finalize=escape_markup,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def context(report: Report, figures: Figures) -> dict:
    """The data with the figures laid over it, under the YAML keys."""
    return _overlay(report.model_dump(by_alias=True), figures.model_dump(by_alias=True))


def _overlay(base, over):
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _overlay(base.get(key), value)
        return merged
    if isinstance(base, list) and isinstance(over, list) and len(base) == len(over):
        return [_overlay(b, o) for b, o in zip(base, over, strict=True)]
    return over


# --- rendering ------------------------------------------------------------------


def title_lines(report: Report, figures: Figures, user_templates: Path | None = None) -> list[str]:
    """The report's title, one entry per line break the template allows."""
    text = _render(TITLE_TEMPLATE, context(report, figures), user_templates)
    # The title is plain text, not markup: undo the escaping.
    return [re.sub(r"\\(.)", r"\1", line).strip() for line in text.splitlines() if line.strip()]


def render(report: Report, figures: Figures, user_templates: Path | None = None) -> str:
    """The whole report as structured text."""
    values = context(report, figures)
    values["标题行"] = title_lines(report, figures, user_templates)
    return _render(MAIN_TEMPLATE, values, user_templates)


def _render(name: str, values: dict, user_templates: Path | None) -> str:
    env = environment(user_templates)
    try:
        return env.get_template(name).render(values)
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput([_template_error(f"模板语法错误：{exc.message}", exc.filename or exc.name, exc.lineno)]) from None
    except jinja2.TemplateNotFound as exc:
        raise InvalidInput([_template_error(f"找不到模板 {exc.name}", None, None)]) from None
    except (jinja2.UndefinedError, jinja2.sandbox.SecurityError, TypeError, ValueError) as exc:
        file, line = _template_frame(exc)
        kind = "模板中引用了不存在的变量或键" if isinstance(exc, jinja2.UndefinedError) else "模板运行出错"
        raise InvalidInput([_template_error(f"{kind}：{exc}", file, line)]) from None


def _template_error(message: str, file: str | None, line: int | None) -> Diagnostic:
    return error(message, file=file, line=line)


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """Jinja rewrites tracebacks so that template lines appear as frames."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno
    return None, None
