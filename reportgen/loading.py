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

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import DataPath, Diagnostic, InvalidInput, display_width, error, warning

#: What ``reportgen init`` writes where a value of the new year is still to come.
TODO = "待填写"
MAX_FILE_BYTES = 2 * 1024 * 1024
#: A year's report has a few hundred values; far more means an alias bomb.
MAX_NODES = 50_000
MAX_DEPTH = 40
YAML_SUFFIXES = (".yaml", ".yml")

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


def load(path: Path) -> Source:
    """Read and parse one input file; raise :class:`InvalidInput` if it cannot be."""
    text, warnings = _read_text(path)
    return from_text(text, path, warnings)


def from_text(text: str, path: Path, warnings: list[Diagnostic] | None = None) -> Source:
    """Parse text that stood (or stands) at ``path``, e.g. a version from git."""
    walker = _parse(text)
    return Source(path, text, walker.data, walker.locations, [*(warnings or []), *walker.warnings], walker.todo)


#: libyaml composes ten times faster; its error texts differ, so a file it
#: rejects is parsed again by the pure-Python loader for the message.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str) -> _Walker:
    try:
        try:
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise InvalidInput([_syntax_error(exc, text)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "控制字符"
        raise InvalidInput([error(f"文件中含有不可见的字符 {character}，请删除", line=line)]) from None
    except yaml.YAMLError:
        raise InvalidInput([error("YAML 格式错误，无法读取")]) from None
    if root is None:
        raise InvalidInput([error("文件是空的")])
    if not isinstance(root, yaml.MappingNode):
        line, column = _position(root)
        raise InvalidInput([error("文件顶层应是“键: 值”的形式", line=line, column=column)])
    walker = _Walker(text)
    walker.data = walker.walk(root, ())
    if walker.errors:
        raise InvalidInput(walker.errors)
    return walker


def _read_text(path: Path) -> tuple[str, list[Diagnostic]]:
    if not path.exists():
        raise InvalidInput([error("文件不存在")])
    if path.is_dir():
        raise InvalidInput([error("这是一个目录，不是 YAML 文件")])
    if path.suffix.lower() not in YAML_SUFFIXES:
        raise InvalidInput([error("不是 YAML 文件：文件名应以 .yaml 或 .yml 结尾")])
    if not path.is_file():
        # A device, a pipe or a socket named .yaml: reading it might never end.
        raise InvalidInput([error("不是普通文件（可能是设备或管道），请给出数据文件本身")])
    too_large = error(f"文件过大，一份报告的数据不应超过 {MAX_FILE_BYTES // 1024} KB")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidInput([too_large])
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        raise InvalidInput([error(f"无法读取文件：{exc.strerror or exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInput([too_large])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), []
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as utf8_error:
        bad_at = utf8_error.start
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        line = raw.count(b"\n", 0, bad_at) + 1
        raise InvalidInput(
            [
                error(
                    "文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）。"
                    "请用记事本或 VS Code 打开，另存为时选择“UTF-8”编码",
                    line=line,
                )
            ]
        ) from None
    return text, [warning("文件按 GBK/GB18030 编码读取。建议另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）")]


#: Slips that YAML reports only as a broken structure, often a line late:
#: (pattern of the line, what to say).
_SLIPS = [
    (re.compile(r"^\s*(?:-\s+)?[^\s:：#\"'\-][^\s:：#\"']*："), "键后面用了中文冒号“：”，请改为英文冒号加一个空格“: ”"),
    (re.compile(r"^\s*(?:-\s+)?[^\s:#\"'\-][^\s:#\"']*:[^\s/]"), "冒号后面少了一个空格：应写作“键: 值”"),
    (re.compile(r"^\s*-[^\s\-]"), "列表项的“-”后面要有一个空格：应写作“- 内容”"),
]


def _slip(lines: list[str], around: int) -> tuple[int, str] | None:
    """A typing slip on the error's line or the two before it: (0-based line, what to say)."""
    for number in range(min(around, len(lines) - 1), max(around - 3, -1), -1):
        for pattern, message in _SLIPS:
            if pattern.match(lines[number]):
                return number, message
    return None


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> Diagnostic:
    problem = f"{exc.problem or ''} {exc.context or ''}"
    # At the end of the file the useful place is where the open construct began.
    at_end = "end of stream" in problem and exc.context_mark is not None
    mark = exc.context_mark if at_end else (exc.problem_mark or exc.context_mark)
    lines = text.splitlines()
    slip = _slip(lines, mark.line) if mark is not None and lines else None
    if slip is not None:
        number, message = slip
        column = len(lines[number]) - len(lines[number].lstrip())
        return error(
            message,
            line=number + 1,
            column=column + 1,
            excerpt=(lines[number], " " * display_width(lines[number][:column]) + "^"),
        )
    message = next(
        (chinese for english, chinese in _YAML_PROBLEMS if english in problem),
        f"YAML 格式错误（{(exc.problem or exc.context or '').strip()}）",
    )
    if mark is None:
        return error(message)
    excerpt: tuple[str, ...] = ()
    if 0 <= mark.line < len(lines):
        excerpt = (lines[mark.line], " " * display_width(lines[mark.line][: mark.column]) + "^")
    return error(message, line=mark.line + 1, column=mark.column + 1, excerpt=excerpt)


def line_end(text: str, index: int) -> int:
    """Where the line holding ``index`` ends (after its newline): for edits that
    keep a YAML file's other lines, comments included, as they are."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


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

    def walk(self, node: yaml.Node, path: DataPath):
        self.nodes += 1
        if self.nodes > MAX_NODES or len(path) > MAX_DEPTH:
            line, column = _position(node)
            raise InvalidInput(
                [
                    error(
                        "数据层次过深或条目过多（可能是循环或大量展开的 YAML 锚点引用）", path, line=line, column=column
                    )
                ]
            )
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
        #: Keys left without a value (line → key), e.g. "基本支出:" whose lines lost their indent.
        empty: dict[int, str] = {}

        def empty_before(line: int) -> str | None:
            earlier = [number for number in empty if number < line]
            return empty[max(earlier)] if earlier else None

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
                message = self._duplicate_message(key, key_line, first_seen, empty_before(key_line))
                self.errors.append(error(message, path + (key,), line=key_line, column=key_column))
                continue
            first_seen[key] = key_line
            if isinstance(value_node, yaml.ScalarNode) and not value_node.style and value_node.value in _NULLS:
                empty[key_line] = key
            child_path = path + (key,)
            where = value_node if isinstance(value_node, yaml.ScalarNode) and value_node.value else key_node
            self.locations[child_path] = _position(where)
            result[key] = self.walk(value_node, child_path)
        return result
