"""Messages about a user's input: errors, warnings and notes, in Chinese.

Every stage that judges input (loading, schema, checks, wording) reports through
:class:`Diagnostic` so that the CLI can print them in one form,
``文件:行:列 级别：字段：说明`` (级别 is 错误, 警告 or 提示), sorted by line.  A stage that finds errors raises
:class:`InvalidInput` with all of them at once, never the first one alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from pathlib import Path

#: A position in the data: mapping keys (str) and 0-based list indices (int).
DataPath = tuple[str | int, ...]


class Level(enum.Enum):
    ERROR = "错误"
    WARNING = "警告"
    NOTE = "提示"


@dataclass(frozen=True)
class Diagnostic:
    level: Level
    message: str
    path: DataPath = ()
    line: int | None = None
    column: int | None = None
    #: Lines of the input shown under the message (e.g. the line with a YAML error).
    excerpt: tuple[str, ...] = field(default=())
    #: Set when the problem is in another file than the input (a template).
    file: str | None = None

    def located(self, locations: dict[DataPath, tuple[int, int]]) -> Diagnostic:
        """Fill in line and column from the loader's map, walking up to the
        nearest ancestor that has a position (a missing key has none)."""
        if self.line is not None:
            return self
        path = self.path
        while path not in locations and path:
            path = path[:-1]
        if path not in locations:
            return self
        line, column = locations[path]
        return replace(self, line=line, column=column)

    def in_file(self, path: Path | str) -> Diagnostic:
        """The same problem, said to be in another file than the input."""
        return replace(self, file=str(path))

    def format(self, file: Path | str) -> str:
        where = self.file or str(file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        label = f"{self.level.value}："
        field_name = format_path(self.path)
        text = f"{where} {label}{field_name + '：' if field_name else ''}{self.message}"
        return "\n".join([text, *(f"    {line}" for line in self.excerpt)])


def format_path(path: DataPath) -> str:
    """``('收支', '项目', 1, '决算')`` → ``收支.项目[2].决算`` (lists counted from 1,
    as a clerk counts them)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + part
    return text


def display_width(text: str) -> int:
    """Columns a terminal gives the text (CJK characters take two): for carets
    under an input line and for tables of results."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def sort_key(diagnostic: Diagnostic) -> tuple[int, int]:
    return (diagnostic.line or 0, diagnostic.column or 0)


class InvalidInput(Exception):
    """The input cannot be turned into a report; carries every reason found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = sorted(diagnostics, key=sort_key)


def error(message: str, path: DataPath = (), **where) -> Diagnostic:
    return Diagnostic(Level.ERROR, message, path, **where)


def warning(message: str, path: DataPath = (), **where) -> Diagnostic:
    return Diagnostic(Level.WARNING, message, path, **where)


def note(message: str, path: DataPath = (), **where) -> Diagnostic:
    return Diagnostic(Level.NOTE, message, path, **where)


class OutputError(Exception):
    """The report could not be written; the message is for the user, in Chinese."""


def unexpected(exc: BaseException, where: str = "", consequence: str = "") -> str:
    """What the clerk is told of a bug of ours: in Chinese, without a traceback,
    with what to send to the maintainers (``where`` names the file being worked on)."""
    return (
        f"{where + '：' if where else '错误：'}处理时发生意外错误（{type(exc).__name__}: {exc}）"
        f"{'，' + consequence if consequence else ''}。请把所用的文件和这条信息反馈给维护者。"
    )
