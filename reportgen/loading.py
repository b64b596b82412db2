"""Stage 1: read a YAML file into plain data, remembering where each value stood.

Only YAML's node graph is used (``yaml.compose``), never its constructors, so:

* every scalar stays the text the clerk typed: ``010``, ``1e3``, ``yes`` and
  ``2024-03-01`` are not silently turned into numbers, booleans or dates (the
  schema decides what a field means, and amounts become ``Decimal`` from the
  text, not through float);
* no Python object is ever built from a tag;
* duplicate keys, which PyYAML would silently resolve to the last one, are
  reported with both lines;
* aliases are followed under a node budget, so an alias bomb stops early.

Encodings: UTF-8 (with or without BOM) and UTF-16 with BOM are read as they are.
A file that is not UTF-8 but is valid GB18030 (what Notepad on Chinese Windows
saves as "ANSI") is read as GB18030 with a warning suggesting UTF-8.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from . import files
from .diagnostics import DataPath, Diagnostic, InvalidInput, display_width, error, note, warning
from .files import YAML_SUFFIXES

#: What ``reportgen init`` writes where a value of the new year is still to come.
TODO = "待填写"
#: A year's report has a few hundred values; far more means an alias bomb.
MAX_NODES = 50_000
MAX_DEPTH = 40

_NULLS = {"", "~", "null", "Null", "NULL"}
_CORE_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

#: PyYAML's English problem texts, as a clerk should read them.
_YAML_PROBLEMS = [
    ("found character '\\t'", "不能用 Tab 键缩进，请改用空格"),
    ("mapping values are not allowed", "此处不能出现“键: 值”（上一行缩进不对，或冒号后少了空格？）"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found unexpected ':'", "冒号位置不对（冒号后应有空格）"),
    ("expected <block end>", "缩进不一致：同一层的键应左对齐"),
    ("could not find expected ':'", "缺少冒号，或缩进不对"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
    ("special characters are not allowed", "文件中含有不可见的控制字符，请删除"),
    ("expected '<document start>'", "缩进不一致，或一行开头多了字符"),
    ("did not find expected key", "缩进不一致，或列表项（- ）与键混在同一层"),
    ("did not find expected '-' indicator", "列表项（- ）缩进不一致"),
    ("found a tab character", "不能用 Tab 键缩进，请改用空格"),
]


@dataclass(frozen=True)
class Source:
    """One input file: its plain data and where each value stands in it."""

    path: Path
    text: str
    data: dict
    #: data path → (line, column), 1-based, of the value (scalars) or the key.
    locations: dict[DataPath, tuple[int, int]]
    warnings: list[Diagnostic] = field(default_factory=list)
    #: Values still marked :data:`TODO`; they load as empty.
    todo: list[DataPath] = field(default_factory=list)
    #: How the file was encoded, so that an edit of it is saved the same way.
    encoding: str = files.UTF8
    #: The composed YAML, for edits that keep the file's text (init, import --into).
    root: yaml.MappingNode | None = field(default=None, compare=False, repr=False)


def load(path: Path, inside: Path | None = None) -> Source:
    """Read and parse one data file; raise :class:`InvalidInput` if it cannot be.
    The only way reportgen reads a data file (check, build, init, diff, import --into)
    or a template set's ``outline.yaml`` (which must lie ``inside`` its folder)."""
    text, encoding, warnings = _read(path, inside)
    return from_text(text, path, warnings, encoding)


def from_text(text: str, path: Path, warnings: list[Diagnostic] | None = None, encoding: str = files.UTF8) -> Source:
    """Parse text that stood (or stands) at ``path``, e.g. a version from git."""
    text, invisible = _without_invisible(text)
    walker = _parse(text)
    return Source(
        path,
        text,
        walker.data,
        walker.locations,
        [*(warnings or []), *invisible, *walker.warnings],
        walker.todo,
        encoding,
        walker.root,
    )


#: Characters that show nothing, pasted from Word or the web: zero-width spaces and joiners,
#: a byte-order mark inside the text, soft hyphens, and Unicode's line and paragraph
#: separators (which YAML, but no editor, takes for line breaks).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]")


def _without_invisible(text: str) -> tuple[str, list[Diagnostic]]:
    """The text without invisible characters, each line that had them said as a 提示:
    in a name they would make another file, in a key an unknown key, in an amount no number."""
    if not _INVISIBLE.search(text):
        return text, []
    found = []
    lines = text.split("\n")
    for number, line in enumerate(lines):
        characters = sorted({f"U+{ord(c):04X}" for c in _INVISIBLE.findall(line)})
        if characters:
            found.append(
                note(f"已删去看不见的字符 {'、'.join(characters)}（常随复制粘贴带入）", line=number + 1, column=1)
            )
            lines[number] = _INVISIBLE.sub("", line)
    return "\n".join(lines), found


def compose(text: str) -> yaml.MappingNode:
    """The YAML node tree of a data file's text, read and checked exactly as
    :func:`load` reads it: for edits that keep the text (init, import --into)."""
    return _parse(text).root


def from_bytes(raw: bytes, path: Path) -> Source:
    """Parse a data file's bytes got elsewhere (a version from git), decoded as :func:`load` does."""
    text, encoding, warnings = files.decode(raw)
    return from_text(text, path, warnings, encoding)


#: libyaml composes ten times faster; its error texts differ, so a file it
#: rejects is parsed again by the pure-Python loader for the message.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: How much text the slips of one file may have read again, all told (characters):
#: bounds the work of a large file full of slips; a typical file is read up to 20 times.
_REREAD_CHARS = 4_000_000
_MAX_SLIPS = 20


def _parse(text: str) -> _Walker:
    _check_depth(text)
    root = _compose_every_slip(text)
    if root is None:
        raise InvalidInput([error("文件是空的")])
    if not isinstance(root, yaml.MappingNode):
        line, column = _position(root)
        raise InvalidInput([error("文件顶层应是“键: 值”的形式", line=line, column=column)])
    walker = _Walker(text)
    walker.root = root
    walker.data = walker.walk(root, ())
    if walker.errors:
        raise InvalidInput(walker.errors)
    return walker


def _compose_every_slip(text: str) -> yaml.Node | None:
    """The node tree, or every syntax slip at once: a known slip (a Chinese colon,
    a missing space, text that reads as syntax) is mended in a copy and the copy
    read again, so the clerk sees them all, each at its line, in one run."""
    found: list[Diagnostic] = []
    attempt, budget = text, _REREAD_CHARS
    while True:
        try:
            try:
                root = yaml.compose(attempt, Loader=_FAST_LOADER)
            except yaml.YAMLError:
                root = yaml.compose(attempt, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            diagnostic, mended = _syntax_error(exc, attempt)
            found.append(diagnostic)
            budget -= len(attempt)
            if mended is None or mended == attempt:
                raise InvalidInput(found) from None
            if len(found) >= _MAX_SLIPS or budget < len(mended):
                more = f"格式错误较多，只列出了前 {len(found)} 处；改正后再运行，会列出其余的"
                raise InvalidInput([*found, error(more)]) from None
            attempt = mended
            continue
        except yaml.reader.ReaderError as exc:
            line = attempt.count("\n", 0, exc.position) + 1
            character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "控制字符"
            raise InvalidInput([*found, error(f"文件中含有不可见的字符 {character}，请删除", line=line)]) from None
        except yaml.YAMLError:
            raise InvalidInput([*found, error("YAML 格式错误，无法读取")]) from None
        if found:
            raise InvalidInput(found)
        return root


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` before YAML's composer, which
    recurses once per level, meets it.  A bound read off the text (indentation,
    brackets, "- " on one line) clears almost every file at once; only a file it
    does not clear is scanned event by event, which does not recurse."""
    indent = max(map(len, re.findall(r"(?m)^[ \t]*", text)), default=0)
    compact = max(map(len, re.findall(r"(?:[-?:] +)+", text)), default=0)
    if 2 * (indent + 1) + compact + text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    # libyaml gives up at its own depth (1000); the pure-Python parser does not recurse either.
    for loader in dict.fromkeys((_FAST_LOADER, yaml.SafeLoader)):
        depth = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        line, column = event.start_mark.line + 1, event.start_mark.column + 1
                        raise InvalidInput([error(_TOO_DEEP, line=line, column=column)])
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
            return
        except yaml.YAMLError:
            continue  # a syntax error before any deep nesting: the parse that follows says where


_TOO_DEEP = f"数据的层次过深：不能超过 {MAX_DEPTH} 层（是否有括号没有闭合，或缩进一层层加深了？）"


#: Only so many names of a folder are looked at for a hint.
_MAX_LISTED = 1000


def _folder_message(path: Path) -> str:
    """A folder given where a data file is read: what it holds instead, if that helps."""
    names = sorted(entry.name for _, entry in zip(range(_MAX_LISTED), os.scandir(path), strict=False))
    hidden = [n for n in names if _hidden_txt(n)]
    message = "这是一个目录，其中没有 .yaml 或 .yml 数据文件"
    if hidden:
        return f"{message}；其中的 {hidden[0]} {_HIDDEN_TXT.format(name=hidden[0][:-4])}"
    return message


def _hidden_txt(name: str) -> bool:
    return name.lower().endswith(tuple(suffix + ".txt" for suffix in YAML_SUFFIXES))


#: Windows hides known extensions: a file saved from Notepad as "2023.yaml" is "2023.yaml.txt".
_HIDDEN_TXT = "实际文件名以 .txt 结尾（Windows 默认隐藏扩展名），请改名为 {name}"
#: Files a clerk may mistake for the data file, and what to do with them instead.
_OTHER_FILES = {
    ".docx": "而是 Word 文件；要从中生成数据文件，请用 reportgen import",
    ".doc": "而是 Word 文件；要从中生成数据文件，请用 reportgen import",
    ".xlsx": "而是 Excel 文件；要把其中的金额填入数据文件，请用 reportgen import 表格 --into 数据文件",
}


def _suffix_message(path: Path) -> str:
    if _hidden_txt(path.name):
        return "不是 YAML 文件：" + _HIDDEN_TXT.format(name=path.name[:-4])
    hint = _OTHER_FILES.get(path.suffix.lower())
    return f"不是 YAML 文件，{hint}" if hint else "不是 YAML 文件：文件名应以 .yaml 或 .yml 结尾"


def _read(path: Path, inside: Path | None = None) -> tuple[str, str, list[Diagnostic]]:
    """(text, encoding, warnings) of a data file, read through the guarded reader."""
    if not os.path.lexists(path):
        raise InvalidInput([error("文件不存在")])  # a link that leads nowhere is said by the reader: a loop, say
    if os.path.isdir(path):
        raise InvalidInput([error(_folder_message(path))])
    if path.suffix.lower() not in YAML_SUFFIXES:
        raise InvalidInput([error(_suffix_message(path))])
    try:
        raw = files.read_bytes(path, inside=inside)
    except InvalidInput as exc:
        # The data file is the input itself: its messages need no file of their own.
        raise InvalidInput([replace(d, file=None) for d in exc.diagnostics]) from None
    return files.decode(raw)


#: Slips that YAML reports only as a broken structure, often a line late:
#: (pattern of the line, what to say, the line mended: group 1 kept, then the replacement).
_SLIPS = [
    (
        re.compile(r"^(\s*(?:-\s+)?[^\s:：#\"'\-][^\s:：#\"']*):\u3000"),
        "冒号后面是全角空格，请改为半角空格（输入法切换到英文再输入）：应写作“键: 值”",
        ": ",
    ),
    (
        re.compile(r"^(\s*(?:-\s+)?[^\s:：#\"'\-][^\s:：#\"']*)[ \t]*："),
        "键后面用了中文冒号“：”，请改为英文冒号加一个空格“: ”",
        ": ",
    ),
    (re.compile(r"^(\s*(?:-\s+)?[^\s:#\"'\-][^\s:#\"']*):(?=[^\s/])"), "冒号后面少了一个空格：应写作“键: 值”", ": "),
    (re.compile(r"^(\s*-)(?=[^\s\-])"), "列表项的“-”后面要有一个空格：应写作“- 内容”", " "),
]


def _slip(lines: list[str], around: int) -> tuple[int, str, str] | None:
    """A typing slip on the error's line or the two before it: (0-based line, what
    to say, the line as it should be)."""
    for number in range(min(around, len(lines) - 1), max(around - 3, -1), -1):
        for pattern, message, replacement in _SLIPS:
            if pattern.match(lines[number]):
                return number, message, pattern.sub(lambda m: m.group(1) + replacement, lines[number], count=1)
    return None


#: A line "键: 值" (or "- 值"), its value as typed.
_VALUE_LINE = re.compile(r"^(\s*(?:- )?(?:[^\s:#'\"][^:#]*?:\s+)?)(\S.*?)\s*$")
#: Characters YAML reads as its own at the start of a value.
_SYNTAX_STARTS = "*&!%@`{[|>"


def _text_as_syntax(line: str) -> tuple[int, str, str] | None:
    """(0-based column of the value, what to say, the line as it should be) when a
    value that is plain text reads as YAML syntax: it starts with one of YAML's
    characters, or holds “: ”."""
    found = _VALUE_LINE.match(line)
    if found is None or found.group(1).strip() in ("", "-") and ": " in found.group(2):
        return None
    lead, value = found.groups()
    if value[:2] in (">=", "<="):
        sign = "≥" if value[0] == ">" else "≤"
        fixed = lead + sign + value[2:]
        return len(lead), f"“{value[:2]}”开头会被 YAML 当作符号，请写作“{sign}”：{fixed.strip()}", fixed
    quoted = json.dumps(value, ensure_ascii=False)
    if value[0] in "\"'" and (len(value) < 2 or value[-1] != value[0] or value[0] in value[1:-1]):
        why = f"文字以引号“{value[0]}”开头，YAML 把它当作括起整段文字的引号"
        return (
            len(lead),
            f"{why}；文字中的引号请用中文的“”或‘’，或给整段文字加上引号，写作 {lead.strip()} {quoted}",
            lead + quoted,
        )
    if value[0] in "\"'" or (value[0] in "[{" and value[-1] in "]}"):
        return None  # a quoted text, or a list or mapping written on one line
    if value[0] in _SYNTAX_STARTS:
        why = f"文字以“{value[0]}”开头，YAML 把它当作符号"
    elif ": " in value:
        why = "文字中的“: ”（冒号加空格）被 YAML 当作“键: 值”"
    else:
        return None
    return len(lead), f"{why}；请给整段文字加上引号，写作 {lead.strip()} {quoted}", lead + quoted


def _outdented_before(lines: list[str], line: int) -> int | None:
    """A line just above ``line`` indented less than the keys around it (a key that slipped
    to the left), which YAML reports only at the next line that is indented right."""

    def indent(text: str) -> int:
        return len(text) - len(text.lstrip(" "))

    meaningful = [
        n for n in range(max(0, line - 6), line) if lines[n].strip() and not lines[n].lstrip().startswith("#")
    ]
    if not meaningful or line >= len(lines):
        return None
    here = indent(lines[line])
    for before, after in zip(meaningful, [*meaningful[1:], line], strict=True):
        previous = [n for n in meaningful if n < before]
        if (
            previous
            and indent(lines[before]) < here
            and indent(lines[before]) < indent(lines[previous[-1]])
            and indent(lines[after]) == here
        ):
            return before
    return None


def _known_slip(lines: list[str], line: int, at_end: bool) -> tuple[int, int, str, str] | None:
    """(0-based line, column, what to say, the line mended) of a known slip near
    where YAML stopped: text read as syntax on that line, or a typing slip on it
    or just before it."""
    if 0 <= line < len(lines) and not at_end:
        quoting = _text_as_syntax(lines[line])
        if quoting is not None:
            return (line, *quoting)
    slip = _slip(lines, line) if lines else None
    if slip is None:
        return None
    number, message, fixed = slip
    return number, len(lines[number]) - len(lines[number].lstrip()), message, fixed


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[Diagnostic, str | None]:
    """What to say of a syntax error, and the text with the slip mended when it
    is one of the known slips (so that reading can go on to the next)."""
    problem = f"{exc.problem or ''} {exc.context or ''}"
    # At the end of the file the useful place is where the open construct began.
    at_end = "end of stream" in problem and exc.context_mark is not None
    mark = exc.context_mark if at_end else (exc.problem_mark or exc.context_mark)
    lines = text.splitlines(keepends=True)
    shown = [line.rstrip("\r\n") for line in lines]
    known = _known_slip(shown, mark.line, at_end) if mark is not None else None
    if known is not None:
        number, column, message, fixed = known
        caret = " " * display_width(shown[number][:column]) + "^"
        diagnostic = error(message, line=number + 1, column=column + 1, excerpt=(shown[number], caret))
        ending = lines[number][len(shown[number]) :]
        return diagnostic, "".join([*lines[:number], fixed + ending, *lines[number + 1 :]])
    message = next(
        (chinese for english, chinese in _YAML_PROBLEMS if english in problem),
        f"YAML 格式错误（{(exc.problem or exc.context or '').strip()}）",
    )
    if mark is None:
        return error(message), None
    outdented = _outdented_before(shown, mark.line) if "expected <block end>" in problem else None
    if outdented is not None:
        line = shown[outdented]
        message = f"第 {outdented + 1} 行的缩进比上下文少：它是否也属于上面那一层？若是，请与上下的键左对齐"
        caret = "^"
        return error(message, line=outdented + 1, column=1, excerpt=(line, caret)), None
    excerpt: tuple[str, ...] = ()
    if 0 <= mark.line < len(lines):
        excerpt = (shown[mark.line], " " * display_width(shown[mark.line][: mark.column]) + "^")
    return error(message, line=mark.line + 1, column=mark.column + 1, excerpt=excerpt), None


_NUMBER_OR_DATE = re.compile(r"[-+]?[\d.,]+%?|\d{4}-\d{1,2}-\d{1,2}")


def line_end(text: str, index: int) -> int:
    """Where the line holding ``index`` ends (after its newline): for edits that
    keep a YAML file's other lines, comments included, as they are."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


#: What may stand before a value's own text: its anchor (&名称) and tag (!!str).
_ANCHOR_OR_TAG = re.compile(r"(?:[&!]\S*\s+)*")


def scalar_edit(text: str, node: yaml.ScalarNode, new: str) -> tuple[int, int, str]:
    """(start, end, replacement) that puts ``new`` for a scalar's own text: after its
    anchor or tag, which stay for the aliases, and before the line breaks a block
    scalar's span runs through."""
    start, end = node.start_mark.index, node.end_mark.index
    start += len(_ANCHOR_OR_TAG.match(text, start, end).group())
    span = text[start:end]
    return start, end, new + span[len(span.rstrip("\r\n")) :]


def is_empty(node: yaml.Node) -> bool:
    """A value left empty (``键:``, ``~``) or still :data:`TODO`: as the loader reads it, nothing."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in (*_NULLS, TODO)


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    """Turns a composed node graph into dicts, lists and strings."""

    @staticmethod
    def _duplicate_message(key: str, line: int, first_seen: dict[str, int], parent: str | None) -> str:
        if parent is not None and first_seen[key] < first_seen[parent]:
            # The second one follows an empty key: its lines most likely lost their indent.
            return f"键“{key}”重复出现（第 {first_seen[key]} 行）：它是否属于上面的“{parent}”？“{parent}:”下面的各行应再缩进两格"
        return f"键“{key}”重复出现（第 {first_seen[key]} 行和第 {line} 行），请删去其中一个"

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.locations: dict[DataPath, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.todo: list[DataPath] = []
        self.nodes = 0
        self.data: dict = {}
        self.root: yaml.MappingNode | None = None

    def walk(self, node: yaml.Node, path: DataPath):
        self.nodes += 1
        if self.nodes > MAX_NODES or len(path) > MAX_DEPTH:
            line, column = _position(node)
            message = (
                _TOO_DEEP
                if len(path) > MAX_DEPTH
                else f"数据的条目过多：不能超过 {MAX_NODES} 个（可能是大量展开的 YAML 锚点引用）"
            )
            raise InvalidInput([error(message, path, line=line, column=column)])
        if node.tag not in _CORE_TAGS:
            line, column = _position(node)
            self.errors.append(error(f"不支持 YAML 标签 {node.tag}，请直接写值", path, line=line, column=column))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.locations[path + (index,)] = _position(child)
                items.append(self.walk(child, path + (index,)))
            return items
        # Plain (unquoted) style: None from PyYAML, "" from libyaml.
        plain = not node.style
        if plain and node.value in _NULLS:
            return None
        if plain and node.value == TODO:
            self.todo.append(path)
            return None
        if plain:
            self._comment_after(node, path)
            self._merged_item(node, path)
        return node.value

    def _merged_item(self, node: yaml.ScalarNode, path: DataPath) -> None:
        """A line starting with "-" inside a plain value: YAML folded what was
        meant as the next list item into this one."""
        for number in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(self.lines))):
            if self.lines[number].lstrip().startswith("-"):
                self.warnings.append(
                    warning(
                        f"第 {number + 1} 行以“-”开头，却被并入了这一项的文字；如果它是列表的另一项，"
                        "请让它的“-”与上一项的“-”对齐，并在“-”后加一个空格",
                        path,
                        line=number + 1,
                        column=len(self.lines[number]) - len(self.lines[number].lstrip()) + 1,
                    )
                )
                return

    def _comment_after(self, node: yaml.ScalarNode, path: DataPath) -> None:
        """Text after " #" on a value's line is a YAML comment, silently dropped:
        a clerk who wrote "依据#1号文件" or "第 #1 项" meant it as text."""
        end = node.end_mark
        # A comment after an amount or a date is the file's own style (决算: 241.30  # 全年执行数).
        if _NUMBER_OR_DATE.fullmatch(node.value):
            return
        if end.line < len(self.lines) and re.match(r"[ \t]+#", self.lines[end.line][end.column :]):
            self.warnings.append(
                warning(
                    "“ #”及其后的文字被当作注释忽略了；如果它是文字的一部分，请给整段文字加上引号",
                    path,
                    line=end.line + 1,
                    column=end.column + 1,
                )
            )

    def _mapping(self, node: yaml.MappingNode, path: DataPath) -> dict:
        result: dict = {}
        first_seen: dict[str, int] = {}
        #: The last key so far left without a value, e.g. "基本支出:" whose lines lost their indent.
        last_empty: str | None = None
        missing_dash = False

        for key_node, value_node in node.value:
            key_line, key_column = _position(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.errors.append(error("键必须是一段文字", path, line=key_line, column=key_column))
                continue
            key = key_node.value.strip()
            if key == "<<":
                self.errors.append(
                    error("不支持 YAML 合并键 <<，请把内容直接写出", path, line=key_line, column=key_column)
                )
                continue
            if key in first_seen:
                if missing_dash:
                    continue  # the rest of the item the "- " would have begun: said once
                message = self._duplicate_message(key, key_line, first_seen, last_empty)
                # A list item's first key again: the next item lost its "- " and ran into this one.
                if path and isinstance(path[-1], int) and key == node.value[0][0].value.strip():
                    missing_dash = True
                    message = (
                        f"键“{key}”重复出现（第 {first_seen[key]} 行和第 {key_line} 行）：若第 {key_line} 行起是列表的"
                        f"另一项，应在“{key}”前写“- ”，与上一项的“- ”对齐"
                    )
                self.errors.append(error(message, path + (key,), line=key_line, column=key_column))
                continue
            first_seen[key] = key_line
            if isinstance(value_node, yaml.ScalarNode) and not value_node.style and value_node.value in _NULLS:
                last_empty = key
            child_path = path + (key,)
            where = value_node if isinstance(value_node, yaml.ScalarNode) and value_node.value else key_node
            self.locations[child_path] = _position(where)
            result[key] = self.walk(value_node, child_path)
        return result
