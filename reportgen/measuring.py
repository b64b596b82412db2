"""How wide text is, measured before anything is rendered: title lines and
table column widths.  Pure functions of the text and :mod:`reportgen.layout`,
without python-docx, so that ``check`` can measure as ``build`` does."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from . import layout as L
from .markup import Table


def chars_wide(text: str) -> float:
    """Width in full-width characters: Latin letters and digits are narrower,
    and a gap is added where Chinese and Latin text meet."""
    latin = [ord(ch) < 0x2000 for ch in text]
    gaps = sum(a != b for a, b in itertools.pairwise(latin))
    return sum(L.LATIN_EM if is_latin else 1 for is_latin in latin) + gaps * L.SCRIPT_GAP_EM


def balance_title(segments: list[str], text_width_pt: float) -> list[str]:
    """Join the template's title segments into the fewest lines that fit the
    版心 (allowing the slight condensing of :data:`layout.TITLE_MAX_CONDENSE`),
    and among those the most even (7.2.3: 梯形或菱形).

    For each number of lines, the narrowest widest line is found by dynamic
    programming over where the lines break (quadratic in the segments per line
    count), never by trying every split, which would double with each segment."""
    max_chars = text_width_pt / (L.SIZE_2.pt - L.TITLE_MAX_CONDENSE.pt)
    pieces = [part for segment in segments for part in _split_long(segment, max_chars)]
    n = len(pieces)
    if n == 0:
        return []
    width = {(i, j): chars_wide("".join(pieces[i:j])) for i in range(n) for j in range(i + 1, n + 1)}
    infinite = float("inf")
    # widest[j]: the narrowest widest line setting pieces[:j] on the current number of lines.
    widest = [0.0] + [infinite] * n
    breaks: list[list[int]] = []
    for _lines in range(1, n + 1):
        previous, widest = widest, [infinite] * (n + 1)
        cut = [0] * (n + 1)
        for j in range(1, n + 1):
            for i in range(j):
                candidate = max(previous[i], width[i, j])
                if candidate < widest[j]:
                    widest[j], cut[j] = candidate, i
        breaks.append(cut)
        # Too wide is accepted only once every piece stands on a line of its own.
        if widest[n] <= max_chars or len(breaks) == n:
            break
    lines, j = [], n
    for cut in reversed(breaks):
        lines.append("".join(pieces[cut[j] : j]))
        j = cut[j]
    return lines[::-1]


def _split_long(segment: str, max_chars: float) -> list[str]:
    """A segment wider than a line is cut into near-equal parts."""
    width = chars_wide(segment)
    if width <= max_chars:
        return [segment]
    parts = math.ceil(width / max_chars)
    target = width / parts
    pieces, current = [], ""
    for ch in segment:
        if current and chars_wide(current + ch) > target + 0.5 and len(pieces) < parts - 1:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]


def signature_spaces(organ: str, date: str) -> tuple[float, float] | None:
    """GB/T 9704 7.3.5.2 when the date is longer than the organ: the date
    右空二字 and the organ's right space grown so that the date still starts
    two characters right of it — (organ's, date's) right space in characters.
    None in the usual case (organ 右空二字, the date placed from the organ's
    first character), which needs no measuring of the date's digits."""
    organ_chars, date_chars = chars_wide(organ), chars_wide(date)
    if organ_chars - date_chars >= L.SIGNATURE_RIGHT_CHARS:
        return None
    shift = L.SIGNATURE_DATE_SHIFT_CHARS
    return L.SIGNATURE_RIGHT_CHARS + date_chars + shift - organ_chars, L.SIGNATURE_RIGHT_CHARS


def organ_too_long(organ: str, text_width_pt: float) -> str | None:
    """7.3.5.2 sets the signing organ on one line, two characters in from the
    right: how long it is when it cannot be, else None."""
    room = math.floor(text_width_pt / L.BODY_ADVANCE) - L.SIGNATURE_RIGHT_CHARS
    if chars_wide(organ) <= room:
        return None
    return f"落款单位 {len(organ)} 个字，一行放不下：右空二字后一行最多 {room} 个字（GB/T 9704 7.3.5.2 单位不折行）；请用规范化简称"


# --- table columns -----------------------------------------------------------------


@dataclass(frozen=True)
class ColumnNeeds:
    """Per column (pt), from least to most: what it cannot do without (its
    longest number, a label on two even lines), what keeps labels whole and
    long texts in lines of even length, and what sets every text on one line."""

    hard: list[float]
    even: list[float]
    single: list[float]


def column_needs(table: Table) -> ColumnNeeds:
    size = L.SIZE_SMALL_4.pt
    padding = 2 * L.CELL_PADDING.pt
    least = L.MIN_COLUMN_CHARS * size + padding
    hard, even, single = ([least] * table.columns for _ in range(3))
    for cell in table.cells():
        if cell.columns > 1:
            continue  # a spanning cell has the room of several columns
        c = cell.column
        text = chars_wide(cell.text)
        latin = max(map(chars_wide, _LATIN_RUN.findall(cell.text)), default=0)
        lines = max(math.ceil(text / L.UNBROKEN_CELL_CHARS), 1)
        # A label may take two lines, never leaving one character on the second.
        two_lines = math.ceil(text / 2) if lines == 1 else L.UNBROKEN_CELL_CHARS / 2
        slack = L.COLUMN_SLACK_CHARS
        hard[c] = max(hard[c], (max(latin, two_lines) + slack) * size + padding)
        even[c] = max(even[c], (text / lines + slack) * size + padding)
        single[c] = max(single[c], (text + slack) * size + padding)
    for cell in table.cells():
        if cell.columns > 1:
            # A spanning cell's text wants the room of its columns together: what they lack is shared among them.
            text = chars_wide(cell.text)
            lines = max(math.ceil(text / L.UNBROKEN_CELL_CHARS), 1)
            spanned = range(cell.column, cell.column + cell.columns)
            for widths, want in ((even, text / lines), (single, text)):
                lacking = (want + L.COLUMN_SLACK_CHARS) * size + padding - sum(widths[c] for c in spanned)
                for c in spanned:
                    widths[c] += max(lacking, 0) / cell.columns
    even = [max(e, h) for e, h in zip(even, hard, strict=True)]
    return ColumnNeeds(hard, even, [max(s, e) for s, e in zip(single, even, strict=True)])


def too_wide(table: Table, text_width_pt: float) -> bool:
    """Whether even the least the columns need overflows the 版心."""
    if table.widths is not None:
        return sum(_fixed(width) for width in table.widths) > text_width_pt
    return sum(column_needs(table).hard) > text_width_pt


def _fixed(width) -> float:
    """A width in characters, in pt (with the cell's padding); 0 for a share."""
    return width.value * L.SIZE_SMALL_4.pt + 2 * L.CELL_PADDING.pt if width.chars else 0.0


def column_widths(table: Table, total_pt: float) -> list[float]:
    """Column widths (pt) filling the 版心: the template's when it sets them;
    else the most generous of the needs that fits, with what is left shared in
    proportion to what each column would still like; when even the least does
    not fit, the least scaled down."""
    if table.widths is not None:
        return _declared_widths(table.widths, total_pt)
    needs = column_needs(table)
    if sum(needs.single) <= total_pt:
        return [w * total_pt / sum(needs.single) for w in needs.single]
    for lower, upper in ((needs.even, needs.single), (needs.hard, needs.even)):
        if sum(lower) <= total_pt:
            spare = total_pt - sum(lower)
            extra = [u - w for u, w in zip(upper, lower, strict=True)]
            return [w + spare * e / sum(extra) for w, e in zip(lower, extra, strict=True)]
    return [w * total_pt / sum(needs.hard) for w in needs.hard]


_LATIN_RUN = re.compile(r"[!-~]+")


def _declared_widths(widths, total_pt: float) -> list[float]:
    """Columns in characters get their width; shares divide what is left.  What
    cannot fit is scaled down to the 版心, never past it."""
    fixed = [_fixed(w) for w in widths]
    shared = [w.value for w in widths if not w.chars]
    # A shared column is never narrower than two characters, even when the fixed ones fill the 版心.
    left = max(total_pt - sum(fixed), L.MIN_COLUMN_CHARS * L.SIZE_SMALL_4.pt * len(shared))
    made = [f if w.chars else left * w.value / sum(shared) for w, f in zip(widths, fixed, strict=True)]
    return [w * total_pt / sum(made) for w in made] if sum(made) > total_pt else made
