"""How wide text is, measured before anything is rendered: title lines, the
closing lines and the 落款 (table columns: :mod:`reportgen.typesetting.columns`).  Pure functions of the text and :mod:`reportgen.layout`,
without python-docx, so that ``check`` can measure as ``build`` does."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import layout as L
from .wordbreaks import parts, words


def chars_wide(text: str, latin_em: float = L.LATIN_EM) -> float:
    """Width in full-width characters: Latin letters and digits are narrower
    (``latin_em``; :data:`layout.BODY_LATIN_EM` for lines of the body face),
    and a gap is added where Chinese and Latin text meet."""
    latin = [ord(ch) < 0x2000 for ch in text]
    gaps = sum(a != b for a, b in itertools.pairwise(latin))
    return sum(latin_em if is_latin else 1 for is_latin in latin) + gaps * L.SCRIPT_GAP_EM


def balance_title(segments: list[str], text_width_pt: float) -> list[str]:
    """Join the template's title segments into the fewest lines that fit the
    版心 (:func:`title_condensing`), and among those the most even (7.2.3:
    梯形或菱形): a title takes one more line rather than a line condensed
    past what both Word and LibreOffice keep whole.

    For each number of lines, the narrowest widest line is found by dynamic
    programming over where the lines break (quadratic in the segments per line
    count), never by trying every split, which would double with each segment;
    of the settings as narrow, the one whose lines end most often where the
    template's segments do (an organ's name whole on its line, the report's
    words on the next) is found the same way."""
    max_chars = text_width_pt / L.SIZE_2.pt
    # A segment too long for a line breaks between its words (an organ's name between its parts).
    pieces, starts = [], set()
    for segment in segments:
        starts.add(len(pieces))
        pieces += [segment] if title_condensing(segment, text_width_pt) is not None else breakable(segment, max_chars)
    n = len(pieces)
    if n == 0:
        return []
    infinite = float("inf")
    width = {
        (i, j): chars_wide(line) if title_condensing(line, text_width_pt) is not None else infinite
        for i in range(n)
        for j in range(i + 1, n + 1)
        for line in ["".join(pieces[i:j])]
    }
    # widest[j]: the narrowest widest line setting pieces[:j] on the current number of lines.
    widest = [0.0] + [infinite] * n
    for count in range(1, n + 1):
        previous, widest = widest, [infinite] * (n + 1)
        for j in range(1, n + 1):
            widest[j] = min(max(previous[i], width[i, j]) for i in range(j))
        # Too wide is accepted only once every piece stands on a line of its own.
        if widest[n] < infinite or count == n:
            break
    limit = widest[n] + 1e-9 if widest[n] < infinite else infinite
    # most[j]: the most line ends at segment ends setting pieces[:j] on the current number of lines, none wider.
    most = [0] + [-1] * n
    breaks: list[list[int]] = []
    for _line in range(count):
        previous, most = most, [-1] * (n + 1)
        cut = [0] * (n + 1)
        for j in range(1, n + 1):
            for i in range(j):
                if previous[i] >= 0 and width[i, j] <= limit and previous[i] + (i in starts) > most[j]:
                    most[j], cut[j] = previous[i] + (i in starts), i
        breaks.append(cut)
    lines, j = [], n
    for cut in reversed(breaks):
        lines.append("".join(pieces[cut[j] : j]))
        j = cut[j]
    return lines[::-1]


def title_condensing(line: str, text_width_pt: float) -> int | None:
    """How much a title line is condensed to fit the 版心, in twentieths of a
    point a character (0: not at all), or None where :data:`layout.TITLE_MAX_CONDENSE`
    does not make it fit or its full-width characters alone overflow."""
    overflow = chars_wide(line) * L.SIZE_2.pt - text_width_pt
    if overflow <= 0:
        return 0
    full_width = sum(ord(ch) >= 0x2000 for ch in line)
    if full_width * L.SIZE_2.pt > text_width_pt or len(line) < 2:
        return None
    twentieths = math.ceil(overflow / (len(line) - 1) * 20)
    return twentieths if twentieths <= L.TITLE_MAX_CONDENSE.pt * 20 else None


def breakable(text: str, room: float, measure: Callable[[str], float] = chars_wide, levels=(words, parts)) -> list[str]:
    """``text`` in the pieces a line may break between, each no wider than
    ``room``: the whole when it fits, else its words (:func:`wordbreaks.words`),
    a word too wide in its parts (:func:`wordbreaks.parts`), and a part still
    too wide cut into near-equal pieces."""
    if measure(text) <= room:
        return [text]
    if not levels:
        return _split_long(text, room, measure)
    return [piece for word in levels[0](text) for piece in breakable(word, room, measure, levels[1:])]


def _split_long(segment: str, max_chars: float, measure: Callable[[str], float]) -> list[str]:
    """A segment wider than a line is cut into near-equal parts."""
    width = measure(segment)
    parts = math.ceil(width / max_chars)
    target = width / parts
    pieces, current = [], ""
    for ch in segment:
        if current and measure(current + ch) > target + 0.5 and len(pieces) < parts - 1:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]


def body_wide(text: str) -> float:
    """Width in characters of a line of the body face, its digits measured as they are drawn."""
    return chars_wide(text, L.BODY_LATIN_EM)


def fill_lines(
    text: str, first_chars: float, other_chars: float, measure: Callable[[str], float] = body_wide
) -> list[str]:
    """``text`` set in lines of ``first_chars`` and then ``other_chars`` characters
    (as ``measure`` finds them: the body face's by default), each line holding
    as many of its pieces (:func:`breakable`) as fit, so that no line ends
    inside a word."""
    lines = [""]
    for piece in breakable(text, min(first_chars, other_chars), measure):
        room = first_chars if len(lines) == 1 else other_chars
        if lines[-1] and measure(lines[-1] + piece) > room:
            lines.append("")
        lines[-1] += piece
    return lines


#: Marks that may not begin a line, and those that may not end one (GB/T 15834
#: practice, as Word and LibreOffice apply it to Chinese text).
_NO_LINE_START = frozenset("，。、；：？！）》”’…%")
_NO_LINE_END = frozenset("（《“‘")
#: Of those, what Word hangs in the margin after a full line (LibreOffice, reading
#: :data:`layout.OVERFLOW_PUNCTUATION` the other way, carries the character before it over).
_HANGING = frozenset("，。、；：？！")
#: Bounds of how wide a Latin character, a “%” and the gap between scripts are
#: drawn in the body face, in characters (仿宋_GB2312 sets every Latin character
#: half an em, 0.49 condensed; Noto Serif CJK, in the PDF, digits of 0.47 to
#: 0.55, “%” 0.93, gaps of about 0.2): a line break found at both is certain.
_LATIN_BOUNDS = ((0.47, 0.47, 0.15), (0.6, 0.95, 0.3))
_UNIT = re.compile(r"[!-~]+|.", re.DOTALL)


def _line_ends(text: str, first_chars: float, other_chars: float, bounds: tuple[float, float, float], hanging: bool):
    """Where the lines of a justified paragraph end (indices into ``text``, the
    last line's end left out), as an office suite fills them: a run of Latin
    letters and digits is never broken, a mark that may not begin a line hangs
    in the margin (``hanging``) or takes the character before it along, and one
    that may not end a line goes to the next."""
    latin_em, percent_em, gap = bounds
    units = [(m.start(), m.end(), m.group()[0].isascii()) for m in _UNIT.finditer(text)]
    widths = [sum(percent_em if ch == "%" else latin_em for ch in text[s:e]) if latin else 1.0 for s, e, latin in units]

    def width(first: int, end: int) -> float:
        return sum(widths[first:end]) + gap * sum(units[k][2] != units[k - 1][2] for k in range(first + 1, end))

    ends: list[int] = []
    first, k, room = 0, 0, first_chars
    while k < len(units):
        if k == first or width(first, k + 1) <= room:
            k += 1
            continue
        unit = text[units[k][0] : units[k][1]]
        cut = k + 1 if hanging and unit in _HANGING else k
        if cut == k and (unit in _NO_LINE_START or text[units[k - 1][0]] in _NO_LINE_END) and k - 1 > first:
            cut -= 1
        ends.append(units[cut - 1][1])
        first = k = cut
        room = other_chars
    return ends


def closing_split(text: str, first_chars: float, other_chars: float) -> int | None:
    """Where the paragraph above the 附件说明 or 落款 is cut in two so that its
    last lines, kept with them, stand on their page without the whole paragraph
    moving there: the start of its last two (or three) lines, at a line that
    ends at the same character however wide :data:`_LATIN_BOUNDS` draws Latin
    text, full and in Chinese only — where Word, which hangs a mark that
    LibreOffice carries over, ends it at that character too, if such a line is
    among them, else as LibreOffice (and so the PDF) ends it.  0 (all of it
    kept) for a paragraph short enough to move whole; None when no line end
    is certain."""
    readings = {
        hanging: [_line_ends(text, first_chars, other_chars, bounds, hanging) for bounds in _LATIN_BOUNDS]
        for hanging in (False, True)
    }
    if max(len(ends) for ends in readings[False]) < L.CLOSING_WHOLE_LINES:
        return 0
    for agreeing in (readings[False] + readings[True], readings[False]):
        for tail in (L.CLOSING_TAIL_LINES, L.CLOSING_TAIL_LINES + 1):
            lines = {(ends[-tail - 1], ends[-tail]) if len(ends) > tail else None for ends in agreeing}
            if len(lines) == 1 and None not in lines:
                ((start, cut),) = lines
                if cut - start >= math.floor(other_chars) and not any(ch.isascii() for ch in text[start:cut]):
                    return cut
    return None


@dataclass(frozen=True)
class SignaturePlace:
    """Where the 落款's lines stand, in characters of the body text: the
    organ's space to the right margin, and the date's — to the left margin
    when it is placed from the organ's first character (``date_left``), else to
    the right one (``date_right``)."""

    organ_right: float
    date_left: float | None = None
    date_right: float | None = None


def signature_place(organ: str, date: str, sealed: bool, text_width_pt: float) -> SignaturePlace:
    """GB/T 9704 7.3.5, measured in characters.

    7.3.5.2 (no seal): the organ 右空二字, the date's first character two
    characters right of the organ's — placed from the organ, so the date's
    digits need no measuring; when the date is the longer, the date 右空二字 and
    the organ's right space grown to stand centred over it.

    7.3.5.1 (a seal): the date 右空四字 and the organ centred over it, so that
    the seal presses both; an organ too long for that keeps 右空二字 and the
    date moves left under its centre."""
    line = text_width_pt / L.BODY_ADVANCE
    organ_chars, date_chars = chars_wide(organ), chars_wide(date, L.BODY_LATIN_EM)
    if sealed:
        centre = min(
            line - L.SEALED_DATE_RIGHT_CHARS - date_chars / 2, line - L.SIGNATURE_RIGHT_CHARS - organ_chars / 2
        )
        return SignaturePlace(line - centre - organ_chars / 2, date_right=line - centre - date_chars / 2)
    if date_chars <= organ_chars:
        organ_left = line - L.SIGNATURE_RIGHT_CHARS - organ_chars
        return SignaturePlace(L.SIGNATURE_RIGHT_CHARS, date_left=organ_left + L.SIGNATURE_DATE_SHIFT_CHARS)
    return SignaturePlace(L.SIGNATURE_RIGHT_CHARS + (date_chars - organ_chars) / 2, date_right=L.SIGNATURE_RIGHT_CHARS)


def organ_too_long(organ: str, text_width_pt: float) -> str | None:
    """7.3.5.2 sets the signing organ on one line, two characters in from the
    right: how long it is when it cannot be, else None."""
    room = math.floor(text_width_pt / L.BODY_ADVANCE) - L.SIGNATURE_RIGHT_CHARS
    if chars_wide(organ) <= room:
        return None
    return f"落款单位 {len(organ)} 个字，一行放不下：右空二字后一行最多 {room} 个字（GB/T 9704 7.3.5.2 单位不折行）；请用规范化简称"
