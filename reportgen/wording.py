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

import functools
import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import DEFAULT_TEMPLATES, formats
from .computation import Figures
from .diagnostics import Diagnostic, InvalidInput, error
from .schema import Report

MAIN_TEMPLATE = "report.md.j2"
TITLE_TEMPLATE = "title.j2"


_MARKUP_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


FILTERS = {
    "money": formats.money,
    "percent": formats.percent,
    "score": formats.score,
    "cn_number": formats.cn_number,
    "enumerate_cn": formats.enumerate_cn,
    "cn_date": formats.cn_date,
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
        bytecode_cache=_bytecode_cache(),
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


@functools.cache
def _narrative_environment() -> SandboxedEnvironment:
    """For references inside the data's own text: plain text out, escaped later
    like any other value when the report template inserts it."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(FILTERS)
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (keyed by each template's checksum),
    so a clerk's rebuild does not compile them again; none if there is nowhere
    to keep them."""
    root = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    directory = Path(root) / "reportgen" / "templates"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(directory)) if os.access(directory, os.W_OK) else None


def context(report: Report, figures: Figures) -> dict:
    """The data with the figures laid over it, under the YAML keys; text in the
    data may itself refer to figures (``执行率为{{ 收支.执行率 | percent }}``)."""
    values = _overlay(report.model_dump(by_alias=True), figures.model_dump(by_alias=True))
    return _resolve_references(values, values, ())


def _overlay(base, over):
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _overlay(base.get(key), value)
        return merged
    if isinstance(base, list) and isinstance(over, list) and len(base) == len(over):
        return [_overlay(b, o) for b, o in zip(base, over, strict=True)]
    return over


def _resolve_references(value, values: dict, path: tuple):
    if isinstance(value, dict):
        return {key: _resolve_references(item, values, path + (key,)) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_references(item, values, path + (i,)) for i, item in enumerate(value)]
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        try:
            return _narrative_environment().from_string(value).render(values)
        except (jinja2.TemplateError, TypeError, ValueError) as exc:
            raise InvalidInput([error(f"文字中的引用无法计算：{_explain(exc)}", path)]) from None
    return value


# --- rendering ------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    #: The title, one entry per place the template allows a line break.
    title: list[str]
    #: The whole report as structured text (see :mod:`reportgen.markup`).
    text: str


def word(report: Report, figures: Figures, user_templates: Path | None = None) -> Wording:
    values = context(report, figures)
    title = _render(TITLE_TEMPLATE, values, user_templates)
    # The title is plain text, not markup: undo the escaping.
    lines = [re.sub(r"\\(.)", r"\1", line).strip() for line in title.splitlines() if line.strip()]
    values["标题行"] = lines
    return Wording(lines, _render(MAIN_TEMPLATE, values, user_templates))


def _render(name: str, values: dict, user_templates: Path | None) -> str:
    env = environment(user_templates)
    try:
        return env.get_template(name).render(values)
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput(
            [_template_error(f"模板语法错误：{exc.message}", exc.filename or exc.name, exc.lineno)]
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise InvalidInput([_template_error(f"找不到模板 {exc.name}", None, None)]) from None
    except (jinja2.UndefinedError, jinja2.sandbox.SecurityError, TypeError, ValueError) as exc:
        file, line = _template_frame(exc)
        raise InvalidInput([_template_error(f"模板运行出错：{_explain(exc)}", file, line)]) from None


_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def _explain(exc: Exception) -> str:
    """Jinja's English error, in the clerk's words where we know them."""
    missing = _UNDEFINED.search(str(exc)) if isinstance(exc, jinja2.UndefinedError) else None
    if missing:
        return f"引用了不存在的变量或键“{missing.group(1) or missing.group(2)}”"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"语法错误（{exc.message}）"
    return str(exc)


def _template_error(message: str, file: str | None, line: int | None) -> Diagnostic:
    return error(message, file=file, line=line)


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """Jinja rewrites tracebacks so that template lines appear as frames."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno
    return None, None
