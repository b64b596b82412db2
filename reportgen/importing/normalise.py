"""One reading form for text that other people typed, made once on reading.

Clerks and PDF converters write the same thing many ways: "1,865.20 万元",
"１２３.４５", "97.6 ％", "(一)", "2024 年 3 月 8 日", "二〇二四年三月八日".  Every
reader sees one canonical form (:attr:`Text.reading`): NFKC (full-width digits
and letters become ASCII), Chinese punctuation and brackets, no thousands
separators, no spaces next to Chinese characters or digits, Arabic numerals in
dates and years.  What is written to the data file is the clerk's own text
(:meth:`Text.written`): each reading character remembers where it came from,
so a span the readers found is cut out of the original, its whitespace as a
data file means it (a PDF converter's spaces between Chinese characters taken
out, a space the clerk typed between Chinese and Latin kept).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..valuetypes import as_meant

#: ASCII punctuation (after NFKC) → the Chinese mark the readers match on.
_CANONICAL = {"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "?": "？", "!": "！", "[": "［", "]": "］"}
#: Characters that carry nothing: zero-width spaces and joiners, the BOM, soft hyphens.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(r"[〇○零Ｏ一二三四五六七八九]{4}(?=年)")
_MONTH_DAY = re.compile(r"(?<=年)([一二三四五六七八九十]{1,3})(?=月)|(?<=月)([一二三四五六七八九十]{1,3})(?=日|号)")
#: A comma between digits that groups thousands: "1,865.20", "12,345,678".
_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?:\D|$))")


def _cn_small(text: str) -> int | None:
    """一 … 三十一 (a month or a day) as a number."""
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    return value or None


def _is_word(character: str) -> bool:
    return character.isascii() and character.isalnum()


def _drop_space(before: str, after: str) -> bool:
    """Whitespace between these two characters means nothing (a PDF or WPS artefact):
    only a space between two ASCII words or numbers is kept."""
    return not (_is_word(before) and _is_word(after))


@dataclass(frozen=True)
class Text:
    """A paragraph or cell: what was typed, and the form the readers read."""

    raw: str
    reading: str
    #: For each reading character, the span of ``raw`` it stands for.
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def written(self, start: int = 0, end: int | None = None) -> str:
        """The clerk's own text behind ``reading[start:end]``, for the data file."""
        end = len(self.reading) if end is None else end
        if start >= end:
            return ""
        return tidy(self.raw[self.starts[start] : self.ends[end - 1]])

    def __str__(self) -> str:
        return self.reading


def tidy(raw: str) -> str:
    """The clerk's text as the data file says it: invisible and control characters
    taken out, a line break (the layout's: a title's or a cell's next line) a space
    only between two ASCII words, and other whitespace as the data reads it
    (:func:`~reportgen.valuetypes.as_meant`: one space, none between two Chinese
    characters), so that a text the report prints comes back as it is."""
    kept = "".join(c for c in raw if c not in _INVISIBLE and (c.isspace() or unicodedata.category(c)[0] != "C"))
    return as_meant(_LINE_BREAK.sub(lambda m: _joined(kept, m.start(), m.end()), kept))


#: Whitespace around a line break (str.splitlines' boundaries).
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]\s*")


def _joined(text: str, start: int, end: int) -> str:
    if start == 0 or end == len(text):
        return ""
    return "" if _drop_space(_nfkc(text[start - 1]), _nfkc(text[end])) else " "


def _nfkc(character: str) -> str:
    return unicodedata.normalize("NFKC", character)[:1] or character


def read(raw: str) -> Text:
    """The reading form of ``raw``, each character mapped back to it."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, character in enumerate(raw):
        if character in _INVISIBLE:
            continue
        if character.isspace():
            chars.append(" ")
            starts.append(index)
            ends.append(index + 1)
            continue
        if unicodedata.category(character)[0] == "C":
            continue
        for piece in unicodedata.normalize("NFKC", character):
            chars.append(_CANONICAL.get(piece, piece))
            starts.append(index)
            ends.append(index + 1)
    # Spaces: kept (as one) only between two ASCII words or numbers.
    kept = [i for i, c in enumerate(chars) if c != " "]
    keep = set(kept)
    for position, i in enumerate(kept[1:], 1):
        previous = kept[position - 1]
        if i - previous > 1 and not _drop_space(chars[previous], chars[i]):
            keep.add(previous + 1)
    order = sorted(keep)
    text = "".join(chars[i] for i in order)
    text_starts = [starts[i] for i in order]
    text_ends = [ends[i] for i in order]
    for pattern, replace in ((_THOUSANDS, lambda m: ""), (_YEAR, _year), (_MONTH_DAY, _month_day)):
        text, text_starts, text_ends = _substitute(pattern, replace, text, text_starts, text_ends)
    return Text(raw, text, tuple(text_starts), tuple(text_ends))


def _year(match: re.Match) -> str:
    return "".join(str(_CN_DIGITS[c]) for c in match.group(0))


def _month_day(match: re.Match) -> str:
    value = _cn_small(match.group(0))
    return str(value) if value is not None else match.group(0)


def _substitute(pattern: re.Pattern, replace, text: str, starts: list[int], ends: list[int]):
    """``pattern.sub`` that keeps each character's origin: a replacement stands
    for the whole span it replaced."""
    out: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    at = 0
    for match in pattern.finditer(text):
        out.append(text[at : match.start()])
        out_starts += starts[at : match.start()]
        out_ends += ends[at : match.start()]
        new = replace(match)
        if match.end() > match.start():
            span_start, span_end = starts[match.start()], ends[match.end() - 1]
        else:
            span_start = span_end = starts[match.start()] if match.start() < len(starts) else (ends[-1] if ends else 0)
        out.append(new)
        out_starts += [span_start] * len(new)
        out_ends += [span_end] * len(new)
        at = match.end()
    out.append(text[at:])
    out_starts += starts[at:]
    out_ends += ends[at:]
    return "".join(out), out_starts, out_ends


def reading(raw: str) -> str:
    """Only the reading form (for header words and labels)."""
    return read(raw).reading


def name_key(name: str) -> str:
    """What tells one name from another: its reading form without any whitespace, so that
    a project typed "12345 热线运营经费" in a table and "12345热线运营经费" in the text,
    or in the data file, is one project."""
    return "".join(reading(name).split())


@dataclass
class Names:
    """Names in the order first given, each as first spelt: a name spelt otherwise
    (by :func:`name_key`) is the same one."""

    spelt: dict[str, str] = field(default_factory=dict)

    def add(self, name: str) -> str:
        """The name ``name`` stands for, added when new."""
        return self.spelt.setdefault(name_key(name), name)

    def known(self, name: str) -> str | None:
        return self.spelt.get(name_key(name))

    def __iter__(self):
        return iter(self.spelt.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name_key(name) in self.spelt
