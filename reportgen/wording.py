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

import difflib
import functools
import os
import pickle
import re
import time
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta
from markupsafe import Markup

from . import caching, files, formats, numbers, references
from .computation import Evaluated
from .diagnostics import Diagnostic, InvalidInput, error, warning
from .outlines import ATTACHMENT_TEMPLATES_KEY, COMMON, MAIN_TEMPLATE, TITLE_LINES_KEY, TemplateSet
from .sandbox import MAX_OUTPUT_CHARS, TOO_DEEP, NotOffered, Sandbox, TemplateLimit, bounded_filter
from .watchdog import WATCHDOG, Overtime

TITLE_TEMPLATE = "title.j2"
#: The output's name without its suffix; by default the title's lines written together.
FILE_NAME_TEMPLATE = "filename.j2"
#: One project's 项目支出绩效自评表 (given as 表), and its file's name when filed on its own.
FORM_TEMPLATE, FORM_FILE_NAME_TEMPLATE = "forms/project.md.j2", "forms/filename.j2"
#: Every form in one document, and that document's name.
COMBINED_TEMPLATE, COMBINED_FILE_NAME_TEMPLATE = "forms/combined.md.j2", "forms/combined_filename.j2"
#: The 汇总表 as its spreadsheet holds it, and the spreadsheet's name.
SUMMARY_TEMPLATE, SUMMARY_FILE_NAME_TEMPLATE = "forms/summary.md.j2", "forms/summary_filename.j2"
#: The title of a form, for the file's properties.
FORM_TITLE = "项目支出绩效自评表"

#: What one rendering may cost: a user's template set is a program, and a
#: runaway one must end with a message, not hang a clerk's machine.
RENDER_SECONDS = 10


_MARKUP_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def _decimal_only(function):
    """A filter that computes: Decimal in, half up out, a float refused."""

    @functools.wraps(function)
    def wrapper(*args):
        return function(*(None if a is None else formats.exact(a) for a in args))

    return wrapper


def _defined_only(function):
    """Our filters given a missing key (``收支.三公经费.增长率 | percent``) say which key
    is missing, as the same reference without the filter does, not that a value has the wrong type."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for value in (*args, *kwargs.values()):
            if isinstance(value, jinja2.Undefined):
                value._fail_with_undefined_error()
        return function(*args, **kwargs)

    return wrapper


FILTERS = {
    "money": formats.money,
    "percent": formats.percent,
    "score": formats.score,
    "cn_number": formats.cn_number,
    "enumerate_cn": formats.enumerate_cn,
    "cn_date": formats.cn_date,
    # 本年 | change(上年) → 增减额; | growth(上年) → 增长率 (%); | share(合计) → 占比 (%); | ratio(b) → a ÷ b
    "change": _decimal_only(numbers.change),
    "growth": _decimal_only(numbers.growth),
    "share": _decimal_only(numbers.share),
    "ratio": _decimal_only(numbers.ratio),
}
#: Jinja's own filters templates are given: what selects, orders and writes out data
#: in time and size proportional to it.  Not given: float and round (binary floats;
#: round() is the banker's, too), random and shuffle (the same data gives the same
#: report), and what a report does not need and costs past what the sandbox can bound:
#: urlize and striptags run regular expressions quadratic in their text, inside C where
#: no clock interrupts them; tojson(indent=…) and pprint write more than they are given.
_JINJA_FILTERS = frozenset(
    "abs attr batch capitalize center count d default dictsort e escape first forceescape format groupby indent "
    "int items join last length list lower map max min reject rejectattr replace reverse safe select selectattr "
    "slice sort string sum title trim truncate unique upper wordcount wordwrap".split()
)


class _EmptyValue(Exception):
    """``{{ }}`` given a value the data leaves empty (None), which would print as "None"."""


def escape_markup(value: object) -> Markup:
    """Make any value literal text in the structured text (all ASCII punctuation
    backslash-escaped, line breaks folded)."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, float):
        raise formats.FloatValue(value)
    if value is None:
        raise _EmptyValue()
    text = " ".join(str(value).split("\n"))
    return Markup(_MARKUP_PUNCTUATION.sub(r"\\\1", text))


class _Loader(jinja2.BaseLoader):
    """Templates through the guarded reader, first folder that has one wins: a
    link out of its folder, a FIFO, a device or a huge file is refused with a
    message naming it, never read."""

    def __init__(self, folders: tuple[Path, ...]):
        self.folders = folders
        #: Each template's text by file name, to find its lines in (see :class:`_Origins`).
        self.sources: dict[str, str] = {}

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".."
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if os.path.lexists(path):
                source = self.sources[str(path)] = files.read_text(path, inside=folder)
                return source, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


# --- which templates the outline uses ------------------------------------------------

#: A user's folder is looked through this far for templates nobody uses.
MAX_USER_TEMPLATES = 1000
#: Close enough to a used template's path to be a misspelling of it.
_MISSPELT = 0.8


def unused_templates(template_set: TemplateSet) -> list[Diagnostic]:
    """Templates of the user's folder that nothing the outline renders includes,
    found by following ``include``, ``import`` and ``extends`` from the report,
    its title, its file name and its attachments: they would silently not be
    used.  Said only when every reference in the user's templates can be followed
    (a name computed at render time cannot), and when they can all be read."""
    user = template_set.user_folder
    if user is None:
        return []
    env = environment(template_set.folders)
    used: dict[str, Path] = {}
    waiting = [
        MAIN_TEMPLATE,
        TITLE_TEMPLATE,
        FILE_NAME_TEMPLATE,
        FORM_TEMPLATE,
        FORM_FILE_NAME_TEMPLATE,
        COMBINED_TEMPLATE,
        COMBINED_FILE_NAME_TEMPLATE,
        SUMMARY_TEMPLATE,
        SUMMARY_FILE_NAME_TEMPLATE,
        *dict(template_set.attachments).values(),
    ]
    while waiting:
        name = waiting.pop()
        if name in used:
            continue
        try:
            source, path, _ = env.loader.get_source(env, name)
            names = list(jinja2.meta.find_referenced_templates(env.parse(source)))
        except (jinja2.TemplateError, InvalidInput, RecursionError, MemoryError):
            return []  # rendering says what is wrong with it (a RecursionError: a tree too deep to walk)
        # A built-in template's computed name is an attachment's (附件模板), already followed.
        if None in names and Path(path).is_relative_to(user):
            return []
        used[name] = Path(path)
        waiting += [n for n in names if n is not None]
    found = []
    for path in sorted(user.rglob("*.j2"))[:MAX_USER_TEMPLATES]:
        relative = path.relative_to(user).as_posix()
        if relative in used or not path.is_file():
            continue
        close = difflib.get_close_matches(relative, sorted(used), n=1, cutoff=_MISSPELT)
        if close and used[close[0]].is_relative_to(user):
            close = []  # the user's own template of that name is there: this one is an extra
        # templates/common/ is a folder searched like the user's, so its files have no "common/" in their names.
        shared = relative.removeprefix(f"{COMMON.name}/")
        if shared != relative and shared in used:
            reason = f"templates/{COMMON.name}/ 中的模板在自己的目录里不带 {COMMON.name}/，应放在 {shared}"
        elif close:
            reason = f"没有这个位置的模板，是否应为 {close[0]}？"
        else:
            reason = f'没有模板引用它（要用它，在提纲的模板中写 {{% include "{relative}" %}}）'

        found.append(warning(f"模板 {relative} 不会被使用：{reason}", file=str(path)))
    return found


# --- environment and context ----------------------------------------------------


@functools.cache
def environment(folders: tuple[Path, ...]) -> Sandbox:
    """One environment per template set, built once per process."""
    env = Sandbox(
        loader=_Loader(folders),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        # Autoescape keeps macro output (Markup) from being escaped twice; the
        # escaping itself is ours, done in finalize.
        autoescape=True,
        finalize=Sandbox.finalized(escape_markup),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )
    env.filters = {name: function for name, function in env.filters.items() if name in _JINJA_FILTERS}
    env.globals.pop("lipsum", None)
    env.filters.update({name: _defined_only(function) for name, function in FILTERS.items()})
    env.filters.update(
        {name: bounded_filter(name, function, _subject_position(function)) for name, function in env.filters.items()}
    )
    env.globals["range"] = env.bounded_range
    env.template_class = _TracedTemplate
    env.rendering, env.origin = [], None
    return env


def _subject_position(function) -> int:
    """Where a filter's value stands among its arguments: after the context or
    environment that Jinja passes first to some filters."""
    return 1 if getattr(function, "jinja_pass_arg", None) is not None else 0


class _BestEffortCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache on disk, best-effort as :mod:`reportgen.caching` is: a cache
    file that cannot be read or written (a full disk, a FIFO or a damaged file in
    its place) only means the template is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        if not os.path.lexists(path):
            return
        try:
            stored = files.read_bytes(path, caching.MAX_ENTRY_BYTES)
            bucket.bytecode_from_string(stored)
        except Exception:  # noqa: BLE001 - InvalidInput, or whatever a damaged file makes Jinja's reader raise
            bucket.reset()
            caching.unreadable()
            return
        # Jinja drops an entry quietly both when its template changed (its checksum differs:
        # nothing wrong) and when the file is damaged (no header, or code that does not load).
        current = jinja2.bccache.bc_magic + pickle.dumps(bucket.checksum, 2)
        if bucket.code is None and (not stored.startswith(jinja2.bccache.bc_magic) or stored.startswith(current)):
            caching.unreadable()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            caching.unwritable(exc)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (keyed by each template's checksum),
    so a clerk's rebuild does not compile them again; none if there is nowhere
    to keep them."""
    directory = caching.folder("templates")
    return None if directory is None else _BestEffortCache(str(directory))


def context(evaluated: Evaluated, template_set: TemplateSet) -> dict:
    """The evaluated report as templates see it, with references in the data's
    own text (``执行率为{{ 收支.执行率 | percent }}``) resolved."""
    values = references.resolve(evaluated.values())
    values[ATTACHMENT_TEMPLATES_KEY] = dict(template_set.attachments)
    return values


# --- where each piece of output was written ---------------------------------------

#: A template file and a line of it.
Origin = tuple[str, int]


class _TracedTemplate(jinja2.Template):
    """A template whose output says where in which template file each piece was written.

    A line of the output that markup cannot read (``#####``) is then reported at
    the template's own line, not at a line of a text the user never sees.  Jinja
    writes an ``{% include %}`` as a loop over the included template's pieces, so
    each template's rendering is wrapped, and the innermost one at work names the
    piece; inside it, ``{% block %}`` and ``{% extends %}`` are ``yield from``
    chains, followed to the frame that wrote the piece."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func = _traced(template.root_render_func, environment)
        return template


def _traced(render, env):
    def traced_render(context):
        generator = render(context)
        env.rendering.append(generator)
        try:
            for piece in generator:
                if env.rendering[-1] is generator:
                    env.origin = _written_at(generator, piece)
                yield piece
        finally:
            # Not always the top: a rendering given up on is closed when it is collected.
            env.rendering.remove(generator)

    return traced_render


def _written_at(generator: types.GeneratorType, piece: str) -> tuple[str, int, bool]:
    """The template file and line of the statement that yielded ``piece``, and
    whether the piece is the template's own text."""
    while isinstance(generator.gi_yieldfrom, types.GeneratorType):
        generator = generator.gi_yieldfrom
    frame = generator.gi_frame
    names = frame.f_globals
    line = _template_line(names.get("debug_info", ""), frame.f_lineno)
    return names.get("__file__", ""), line, piece in frame.f_code.co_consts


@functools.lru_cache(maxsize=256)
def _debug_lines(debug_info: str) -> tuple[tuple[int, int], ...]:
    return tuple(tuple(map(int, pair.split("="))) for pair in debug_info.split("&") if pair)


def _template_line(debug_info: str, code_line: int) -> int:
    # As jinja2.Template.get_corresponding_lineno, on the frame's own module.
    for template_line, line in reversed(_debug_lines(debug_info)):
        if line <= code_line:
            return template_line
    return 1


@dataclass(frozen=True)
class _Origins:
    """Where each line of a rendering was written, worked out for the line asked about."""

    pieces: list[str]
    written: list[tuple[str, int, bool] | None]
    sources: dict[str, str]

    def __call__(self, line: int) -> Origin | None:
        """The template file and line that wrote the first visible character of
        ``line`` (0-based) of the output."""
        at = 0
        for piece, where in zip(self.pieces, self.written):
            for offset, segment in enumerate(piece.split("\n")):
                at += bool(offset)
                if at == line and segment.strip() and where is not None:
                    return self._in_source(piece, offset, *where)
                if at > line:
                    return None
        return None

    def _in_source(self, piece: str, offset: int, file: str, line: int, literal: bool) -> Origin:
        # Jinja records lines for statements, not for the template's own text: a
        # literal piece is found in the source after its statement's line.
        source = self.sources.get(file, "")
        if literal and source:
            after = _line_start(source, line)
            found = source.find(piece, after)
            if found >= 0:
                return file, source.count("\n", 0, found) + 1 + offset
        return file, line


def _line_start(text: str, line: int) -> int:
    at = 0
    for _ in range(line - 1):
        at = text.find("\n", at) + 1
        if at == 0:
            return len(text)
    return at


# --- rendering ------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    #: The title, one entry per place the template allows a line break.
    title: list[str]
    #: The whole report as structured text (see :mod:`reportgen.markup`).
    text: str
    #: The output file's name as its template wrote it (not yet made safe for a file system).
    file_name: str
    #: The template file and line that wrote a line of ``text`` (0-based).
    origin_of: Callable[[int], Origin | None] = lambda line: None


def word(evaluated: Evaluated, template_set: TemplateSet) -> Wording:
    values = context(evaluated, template_set)
    title, _ = _render(TITLE_TEMPLATE, values, template_set.folders)
    # The title is plain text, not markup: undo the escaping.
    lines = [_plain(line).strip() for line in title.splitlines() if line.strip()]
    values[TITLE_LINES_KEY] = lines
    name = _file_name(FILE_NAME_TEMPLATE, values, template_set, "{{ 标题行 | join }}")
    text, origin_of = _render(MAIN_TEMPLATE, values, template_set.folders)
    return Wording(lines, text, name, origin_of)


def word_forms(evaluated: Evaluated, template_set: TemplateSet, combined: bool) -> list[Wording]:
    """The 项目支出绩效自评表 as documents of their own: one per evaluated project,
    or (``combined``) all of them in one."""
    values = context(evaluated, template_set)
    if combined:
        name = _file_name(
            COMBINED_FILE_NAME_TEMPLATE, values, template_set, "{{ 年度 }}年度{{ 部门 }}项目支出绩效自评表"
        )
        text, origin_of = _render(COMBINED_TEMPLATE, values, template_set.folders)
        return [Wording([FORM_TITLE], text, name, origin_of)]
    worded = []
    for form in values["项目自评"]["项目"]:
        one = {**values, "表": form, "另页": False}
        name = _file_name(FORM_FILE_NAME_TEMPLATE, one, template_set, "{{ 年度 }}年度{{ 表.名称 }}项目支出绩效自评表")
        text, origin_of = _render(FORM_TEMPLATE, one, template_set.folders)
        worded.append(Wording([FORM_TITLE], text, name, origin_of))
    return worded


def word_summary(evaluated: Evaluated, template_set: TemplateSet) -> Wording:
    """The 项目支出绩效自评结果汇总表 for its spreadsheet."""
    values = context(evaluated, template_set)
    example = "{{ 年度 }}年度{{ 部门 }}项目支出绩效自评结果汇总表"
    name = _file_name(SUMMARY_FILE_NAME_TEMPLATE, values, template_set, example)
    text, origin_of = _render(SUMMARY_TEMPLATE, values, template_set.folders)
    return Wording([], text, name, origin_of)


def _plain(text: str) -> str:
    """Rendered text as plain text: the markup escapes undone."""
    return re.sub(r"\\(.)", r"\1", text)


def _file_name(template: str, values: dict, template_set: TemplateSet, example: str) -> str:
    name, _ = _render(template, values, template_set.folders)
    # One line of plain text: a template's line breaks and markup escapes are not part of a name.
    name = "".join(_plain(line).strip() for line in name.splitlines())
    if not name:
        raise InvalidInput([error(f"文件名模板的输出为空；应写出文件名（不含扩展名），如 {example}", file=template)])
    return name


#: Python compiles a template's loops and blocks as its own: about 20 may nest.
_TOO_NESTED = "模板的 for、if、宏等嵌套过深或模板过大，无法编译；请减少嵌套的层数"


def _render(name: str, values: dict, folders: tuple[Path, ...]) -> tuple[str, _Origins]:
    """The template's output, and for each of its lines the template line that wrote it."""
    env = environment(folders)
    env.seconds, env.deadline = RENDER_SECONDS, time.monotonic() + RENDER_SECONDS
    try:
        with WATCHDOG.watching(RENDER_SECONDS + 1):
            pieces, written, size = [], [], 0
            for piece in env.get_template(name).generate(values):
                size += len(piece)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateLimit(f"模板输出超过 {MAX_OUTPUT_CHARS} 个字符")
                env.tick()
                pieces.append(piece)
                written.append(env.origin)
                env.origin = None
            origins = _Origins(pieces, written, env.loader.sources)
            _refuse_unwritable(pieces, origins, env.get_template(name).filename)
            return "".join(pieces), origins
    except Overtime as exc:
        file, line = _template_frame(exc)
        message = f"模板运行超出限制：模板运行超过 {RENDER_SECONDS} 秒，可能有死循环或过大的循环"
        raise InvalidInput([_template_error(message, file, line)]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput(
            [
                _template_error(
                    f"模板语法错误：{_syntax_problem(exc.message or '')}", exc.filename or exc.name, exc.lineno
                )
            ]
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise InvalidInput([_template_error(f"找不到模板 {exc.name}", None, None)]) from None
    except _EmptyValue as exc:
        file, line = _template_frame(exc)
        message = '模板写出了一个数据中没有填写的值，报告里会印成“None”；请用 {% if 值 %} 判断，或写 {{ 值 or "—" }}'
        raise InvalidInput([_template_error(message, file, line)]) from None
    except formats.FloatValue as exc:
        file, line = _template_frame(exc)
        message = (
            f"模板中出现了二进制小数 {exc.args[0]!r}，写出的数可能舍入有误；请不要在模板里写带小数点的数或 float，"
            "增减额、增长率、占比、比值请用过滤器 change、growth、share、ratio"
        )
        raise InvalidInput([_template_error(message, file, line)]) from None
    except TemplateLimit as exc:
        file, line = _template_frame(exc)
        said = "模板运行出错" if isinstance(exc, NotOffered) else "模板运行超出限制"
        raise InvalidInput([_template_error(f"{said}：{exc}", file, line)]) from None
    except MemoryError as exc:
        file, line = _template_frame(exc)
        if file is None:  # compiling it: Python's parser gives up on code nested too deeply
            message = _TOO_NESTED
        else:
            message = "模板运行超出限制：生成的值过大，内存不足"
        raise InvalidInput([_template_error(message, file or name, line)]) from None
    except SyntaxError as exc:
        # The error is in the Python compiled from the template, whose lines are not the template's.
        compiled = exc.filename or ""
        file, line = (compiled, None) if compiled.endswith(".j2") else _template_frame(exc)
        raise InvalidInput([_template_error(_TOO_NESTED, file or name, line)]) from None
    except (
        jinja2.UndefinedError,
        jinja2.sandbox.SecurityError,
        TypeError,
        AttributeError,  # a filter given what it cannot read: indent of a list
        ValueError,
        ArithmeticError,
        RecursionError,
        LookupError,
    ) as exc:
        file, line = _template_frame(exc)
        raise InvalidInput([_template_error(f"模板运行出错：{_explain(exc)}", file, line)]) from None


#: What a .docx (XML 1.0) cannot hold: control characters but tab and line ends, lone
#: surrogates, U+FFFE and U+FFFF.  The data cannot bring them (its text is checked);
#: a template's own text can (a character pasted from elsewhere, ``\x1f`` in a string).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _refuse_unwritable(pieces: list[str], origins: _Origins, template: str | None) -> None:
    """A character the report cannot carry, refused at the template line that wrote it
    (check would pass and build fail at the XML writer otherwise)."""
    for piece, where in zip(pieces, origins.written):
        found = _UNWRITABLE.search(piece)
        if found is None:
            continue
        file, line = template, None
        if where is not None:
            offset = piece.count("\n", 0, found.start())
            file, line, literal = where
            if literal and piece in origins.sources.get(file, ""):
                file, line = origins._in_source(piece, offset, *where)
            else:  # text and expressions (folded into one piece, too) start at their statement's line
                line += offset
        message = (
            f"模板写出了 Word 文件中不能有的控制字符 U+{ord(found.group()):04X}（看不见，常随复制粘贴带入），"
            "请从模板中删去它"
        )
        raise InvalidInput([_template_error(message, file, line)])


_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def _explain(exc: Exception) -> str:
    """Jinja's English error, in the clerk's words where we know them."""
    missing = _UNDEFINED.search(str(exc)) if isinstance(exc, jinja2.UndefinedError) else None
    if missing:
        return f"引用了不存在的变量或键“{missing.group(1) or missing.group(2)}”"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return _syntax_problem(exc.message or "")
    for kind, chinese in _RUNTIME_PROBLEMS:
        if isinstance(exc, kind):
            return chinese
    return "无法执行"


_RUNTIME_PROBLEMS = [
    (ZeroDivisionError, "除数为零"),
    (ArithmeticError, "数值超出可以计算的范围"),
    # Python recurses once a call, and once a level of a list or dict it writes out or compares.
    (RecursionError, "宏或 include 的嵌套过深（是否调用了自己？），或列表、字典一层套一层过深"),
    (jinja2.sandbox.SecurityError, "模板不能访问 Python 的内部属性"),
    (LookupError, "列表或字典中没有这一项"),
    (TypeError | AttributeError, "值的类型不对，不能这样使用（例如把文字当数字计算）"),
    (ValueError, "值不对，不能这样使用"),
]


#: Jinja's syntax messages, as a template writer should read them.
_SYNTAX_PROBLEMS = [
    # A chain (1+1+…, a|abs|abs…) is a tree as deep as it is long: said with the nesting.
    (
        re.compile(re.escape(TOO_DEEP)),
        "括号或 for、if 等嵌套过深，或一个表达式过长，无法编译；请减少嵌套的层数，或用 {{% set %}} 分几步写",
    ),
    (
        re.compile("No filter named '(" + "|".join(sorted(set(jinja2.filters.FILTERS) - _JINJA_FILTERS)) + ")'"),
        "模板中不能用过滤器“{0}”（报告用不到，或它的用时、结果的大小无法限制），可用的有：" + "、".join(FILTERS),
    ),
    (re.compile(r"No filter named '([^']+)'"), "没有名为“{0}”的过滤器，可用的有：" + "、".join(FILTERS)),
    (re.compile(r"No test named '([^']+)'"), "没有名为“{0}”的测试"),
    (re.compile(r"Encountered unknown tag '([^']+)'"), "不认识的标签“{0}”（是否少了 {{% end… %}} 或拼错了？）"),
    (re.compile(r"Unexpected end of template"), "模板意外结束：有 {{% for %}} 或 {{% if %}} 没有对应的 end 标签"),
    (re.compile(r"unexpected '([^']+)'"), "此处不应出现“{0}”"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"), "此处应为“{0}”，实际为“{1}”"),
]


def _syntax_problem(message: str) -> str:
    for pattern, chinese in _SYNTAX_PROBLEMS:
        found = pattern.search(message)
        if found:
            return chinese.format(*found.groups())
    return "语法错误"


def _template_error(message: str, file: str | None, line: int | None) -> Diagnostic:
    return error(message, file=file, line=line)


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """Jinja rewrites tracebacks so that template lines appear as frames."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno
    return None, None
