"""Table column widths from the text of the cells, before anything is rendered.

A column of figures gets the room of its widest figure (and of its heading,
whole where there is room); the columns of text share the rest of the 版心.
A table and the tables continuing it (``{.continued}``, one form in several
tables) are measured together, so that their columns line up.  A width that
would leave a single character on a cell's last line (“…评审服务 / 费”), or
break inside a weight in brackets (“产出指标（50 / 分）”), is narrowed
until no cell of the column does.  Pure functions of the text and
:mod:`reportgen.layout` (no python-docx).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import layout as L
from ..markup import Cell, Table
from ..measuring import fill_lines

_SIZE = L.SIZE_SMALL_4.pt
_PADDING = 2 * L.CELL_PADDING.pt


def em_wide(text: str) -> float:
    """Width in ems of the table face: a Chinese character is one; Latin ones as
    wide as the widest face that sets them (:data:`layout.TABLE_LATIN_EM`), and
    the gap the office suites put where the scripts meet."""
    width, previous = 0.0, None
    for ch in text:
        latin = ord(ch) < 0x2000
        width += (L.TABLE_LATIN_EM.get(ch, L.TABLE_LATIN_DEFAULT_EM) if latin else 1) + (
            L.SCRIPT_GAP_EM if previous is not None and previous != latin else 0
        )
        previous = latin
    return width


#: A figure: an amount, a score, a rate, or the dash of a figure that does not apply.
_FIGURE = re.compile(r"^(?:[\u4e00-\u9fff]{1,2} )?(?:[-+]?\d[\d,]*(?:\.\d+)?%?|—|-|)$")
_DIGIT = re.compile(r"\d")
#: What the office suites never break: a run of Latin letters and digits.
_LATIN_RUN = re.compile(r"[!-~]+")
#: Marks a line may not start with, and marks it may not end with (GB/T 15834
#: practice, and what Word and LibreOffice do): the mark takes a character with it.
_NO_START = set("，。、；：！？）》」』】〕”’…%")
_NO_END = set("（《「『【〔“‘")
#: A lead-in the lines after it hang under (“其中：项目甲” → 项目乙 below 项目甲).
LEAD_IN = re.compile(r"^(其中：|其中:|含：)")


def cell_indent(text: str) -> tuple[str, float, float]:
    """(text, left indent, hanging) in characters: a cell that starts indented
    (full-width spaces) keeps the indent on every line it wraps to, and one
    that starts with a lead-in wraps under the text after it."""
    stripped = text.lstrip("\u3000")
    spaces = len(text) - len(stripped)
    lead = LEAD_IN.match(stripped)
    hanging = em_wide(lead.group(1)) if lead else 0
    return (stripped if spaces else text), spaces + hanging, hanging


def line_lengths(text: str, first: float, rest: float) -> list[int]:
    """How many characters each line of ``text`` holds when the first line has
    ``first`` ems of room and the others ``rest`` (greedy, as the office suites
    fill a line; Latin runs unbroken; a closing mark never starts a line)."""
    tokens = [m.group(0) for m in re.finditer(r"[!-~]+|.", text)]
    lines: list[list[str]] = [[]]
    used = 0.0
    for token in tokens:
        room = first if len(lines) == 1 else rest
        # The token's own width, and the gap where it meets the line's other script.
        width = em_wide(lines[-1][-1][-1] + token) - em_wide(lines[-1][-1][-1]) if lines[-1] else em_wide(token)
        if lines[-1] and used + width > room + 1e-9:
            carried: list[str] = []
            if token[0] in _NO_START and len(lines[-1]) > 1:
                carried = [lines[-1].pop()]
            while len(lines[-1]) > 1 and lines[-1][-1][-1] in _NO_END:
                carried.insert(0, lines[-1].pop())
            lines.append(carried)
            used = em_wide("".join(carried))
            width = em_wide("".join(carried) + token) - used
        lines[-1].append(token)
        used += width
    return [len("".join(line)) for line in lines if line]


#: A weight in brackets, read as one word: “产出指标（50分）” of a project form.
_BRACKETED = re.compile(r"（\d{1,3}(?:\.\d{1,2})?分）")


def _breaks_badly(cell: Cell, width_pt: float) -> int:
    """How badly the cell's text breaks, set in a column this wide: 2 where it
    ends on a line of one character, 1 where it breaks inside a weight in
    brackets (“产出指标（50 / 分）”, which still reads), else 0."""
    text, left, hanging = cell_indent(cell.text)
    room = (width_pt - _PADDING) / _SIZE
    lengths = line_lengths(text, room - (left - hanging), room - left)
    if len(lengths) > 1 and lengths[-1] == 1:
        return 2
    return 1 if _broken_weight(text, left, hanging, room) is not None else 0


def _broken_weight(text: str, left: float, hanging: float, room: float) -> int | None:
    """Where the first weight in brackets that a line ends inside starts, at our
    widths or half an em wider (Word's half-width digits), if one does."""
    brackets = [m.span() for m in _BRACKETED.finditer(text)]
    for leeway in (0, L.TABLE_LINE_LEEWAY_EM) if brackets else ():
        ends = list(itertools.accumulate(line_lengths(text, room + leeway - (left - hanging), room + leeway - left)))
        broken = [start for start, stop in brackets if any(start < end < stop for end in ends[:-1])]
        if broken:
            return broken[0]
    return None


def cell_lines(cell: Cell, width_pt: float) -> list[str]:
    """The cell's text in the lines we break it into ourselves: an organ's name
    (``{.organ}``) too long for one line of the column in lines that break
    between its words only (“道里区 / 农业农村局”, never “农业农村 / 局”); a
    weight in brackets that the column would break inside on a line of its own
    (“效益指标 / （30分）”), where it fits one; else one line, for the office
    suite to wrap."""
    text, left, hanging = cell_indent(cell.text)
    room = (width_pt - _PADDING) / _SIZE
    if cell.organ and not left:
        return _organ_lines(text, room)
    start = _broken_weight(text, left, hanging, room) if not left else None
    if start is None or em_wide(text[start:]) > room:
        return [cell.text]
    return [text[:start], text[start:]]


def _organ_lines(text: str, room: float) -> list[str]:
    """An organ's name filled into lines of ``room`` ems, measured as wide as
    the widest face draws it, so that the office suite never wraps a line further."""
    if em_wide(text) <= room:
        return [text]
    return fill_lines(text, room, room, em_wide)


@dataclass(frozen=True)
class ColumnNeeds:
    """Per column (pt), from least to most: what it cannot do without (its
    longest figure, a label on two even lines), what keeps labels whole and
    long texts in lines of even length, and what sets every text on one line;
    and whether it is a column of figures (which takes no more than it needs)."""

    hard: list[float]
    even: list[float]
    single: list[float]
    figures: list[bool]


def _pt(ems: float) -> float:
    return (ems + L.COLUMN_SLACK_CHARS) * _SIZE + _PADDING


def _cell_needs(cell: Cell) -> tuple[float, float, float]:
    """(hard, even, single) of one cell, in ems before slack and padding."""
    text, left, hanging = cell_indent(cell.text)
    body = em_wide(text) - hanging
    first = left - hanging
    latin = max(map(em_wide, _LATIN_RUN.findall(text)), default=0)
    whole = first + hanging + body
    lines = max(math.ceil(whole / L.UNBROKEN_CELL_CHARS), 1)
    # A label may take two lines, never leaving one character on the second.
    two_lines = math.ceil(whole / 2) if lines == 1 else L.UNBROKEN_CELL_CHARS / 2
    hard = max(latin + left, two_lines)
    if _DIGIT.search(text) and whole <= L.UNBROKEN_VALUE_EMS:
        hard = whole  # a figure with its unit (≥6000人次, 3.35万亩) is never broken
    return hard, max(whole / lines, hard), whole


def column_needs(tables: Sequence[Table]) -> ColumnNeeds:
    columns = tables[0].columns
    least = _pt(L.MIN_COLUMN_CHARS - L.COLUMN_SLACK_CHARS)
    hard, even, single = ([least] * columns for _ in range(3))
    figures = [False] * columns
    body_cells = [[] for _ in range(columns)]
    cells = [(cell, table) for table in tables for cell in table.cells()]
    for cell, table in cells:
        if cell.columns == 1 and cell.row >= table.header_rows:
            body_cells[cell.column].append(cell.text)
    for c, texts in enumerate(body_cells):
        figures[c] = bool(texts) and all(_FIGURE.match(t.strip()) for t in texts)
    for cell, table in cells:
        if cell.columns > 1:
            continue  # a spanning cell has the room of several columns
        c = cell.column
        needs = _cell_needs(cell)
        if figures[c] and (cell.row >= table.header_rows or needs[2] <= L.UNBROKEN_CELL_CHARS):
            # A figure is never broken, and a short heading over figures is kept whole where there is room.
            needs = (needs[0], needs[2], needs[2])
        for widths, need in zip((hard, even, single), needs, strict=True):
            widths[c] = max(widths[c], _pt(need))
    for cell, _ in cells:
        if cell.columns > 1:
            # A spanning cell's text wants the room of its columns together: what they lack is shared among them.
            spanned = range(cell.column, cell.column + cell.columns)
            for widths, need in zip((hard, even, single), _cell_needs(cell), strict=True):
                lacking = _pt(need) - sum(widths[c] for c in spanned)
                for c in spanned:
                    widths[c] += max(lacking, 0) / cell.columns
    even = [max(e, h) for e, h in zip(even, hard, strict=True)]
    single = [max(s, e) for s, e in zip(single, even, strict=True)]
    return ColumnNeeds(hard, even, single, figures)


def too_wide(table: Table, text_width_pt: float) -> bool:
    """Whether even the least the columns need overflows the 版心."""
    if table.widths is not None:
        return sum(_fixed(width) for width in table.widths) > text_width_pt
    return sum(column_needs([table]).hard) > text_width_pt


def _fixed(width) -> float:
    """A width in characters, in pt (with the cell's padding); 0 for a share."""
    return width.value * _SIZE + _PADDING if width.chars else 0.0


def column_widths(tables: Sequence[Table], total_pt: float) -> list[float]:
    """Column widths (pt) filling the 版心, shared by a table and those continuing
    it: the template's when the first sets them; else measured (:func:`_measured`)."""
    if tables[0].widths is not None:
        return _declared_widths(tables[0].widths, total_pt)
    needs = column_needs(tables)
    widths = _measured(needs, total_pt)
    return _without_lone_characters(tables, widths, needs)


def _measured(needs: ColumnNeeds, total_pt: float) -> list[float]:
    """The most generous of the needs that fits, what is left shared in proportion
    to what each column would still like — beyond one line each, among the
    columns of text only; when even the least does not fit, the least scaled down."""
    if sum(needs.single) <= total_pt:
        grow = [0.0 if figure else w for w, figure in zip(needs.single, needs.figures, strict=True)]
        if not any(grow):
            grow = list(needs.single)
        spare = total_pt - sum(needs.single)
        return [w + spare * g / sum(grow) for w, g in zip(needs.single, grow, strict=True)]
    for lower, upper in ((needs.even, needs.single), (needs.hard, needs.even)):
        if sum(lower) <= total_pt:
            spare = total_pt - sum(lower)
            extra = [u - w for u, w in zip(upper, lower, strict=True)]
            return [w + spare * e / sum(extra) for w, e in zip(lower, extra, strict=True)]
    return [w * total_pt / sum(needs.hard) for w in needs.hard]


#: How finely widths are tried when a column is kept free of lone characters (pt).
_STEP = _SIZE / 4


def _without_lone_characters(tables: Sequence[Table], widths: list[float], needs: ColumnNeeds) -> list[float]:
    """Each column is narrowed, a quarter character at a time down to what it
    cannot do without, to the widest width at which no cell of it ends on a
    line of one character (“全年预算 / 数”, “…评审服务 / 费”) or breaks inside
    a weight in brackets (“产出指标（50 / 分）”) — to that least
    when there is none below; the room so freed is then given back a column
    at a time, each to the next width above that leaves none, those that
    still leave one first, then the furthest from their comfortable width.
    What no column can take whole goes where it breaks nothing (the columns
    of figures first); the table is narrower by what is left, never wider."""
    count = len(widths)
    cells: list[list[Cell]] = [[] for _ in range(count)]
    for table in tables:
        for cell in table.cells():
            if cell.columns == 1 and cell.text:
                cells[cell.column].append(cell)

    def badly_broken(column: int, width: float) -> int:
        return sum(_breaks_badly(cell, width) for cell in cells[column])

    def lone(column: int, width: float) -> bool:
        return badly_broken(column, width) > 0

    total = sum(widths)
    made = list(widths)
    for c in range(count):
        if lone(c, made[c]):
            narrower = _steps_down(made[c], needs.hard[c])[::-1]
            free = next((x for x in narrower if not lone(c, x)), None)
            # With none free below, the least broken, the widest of those (a narrower width that only
            # moves the break from one cell to a worse one frees room but reads worse).
            made[c] = free if free is not None else min([made[c], *narrower], key=lambda x: (badly_broken(c, x), -x))
    while True:
        spare = total - sum(made)
        grown = []
        for c in range(count):
            width = made[c] + _STEP
            while width <= made[c] + spare and lone(c, width):
                width += _STEP
            if width <= made[c] + spare and (lone(c, made[c]) or made[c] < needs.single[c]):
                grown.append((not lone(c, made[c]), made[c] - needs.even[c], c, width))
        if not grown:
            break
        *_, c, width = min(grown)
        made[c] = width
    for c in [*range(count), *range(count)]:  # twice: a column widened may leave another room to borrow
        if lone(c, made[c]):
            _borrow(c, made, total, needs, badly_broken)
    spare = total - sum(made)
    order = sorted(range(count), key=lambda c: not needs.figures[c])
    taker = next((c for c in order if not lone(c, made[c] + spare)), None)
    if taker is not None:
        made[taker] += spare
    return made


def _borrow(c: int, made: list[float], total: float, needs: ColumnNeeds, badly_broken) -> None:
    """Widen column ``c`` to its next width that breaks none of its cells badly,
    the room taken from other columns (those with the most to spare first), none
    left broken worse than it is nor narrower than it must be; nothing changes
    when they cannot give enough."""
    others = sorted((d for d in range(len(made)) if d != c), key=lambda d: needs.even[d] - made[d])
    most = made[c] + sum(max(made[d] - needs.hard[d], 0) for d in others) + total - sum(made)
    width = made[c] + _STEP
    while width <= most:
        if not badly_broken(c, width):
            wanted = width - made[c] - (total - sum(made))
            given = {}
            for d in others:
                if wanted <= 0:
                    break
                least = max(made[d] - wanted, needs.hard[d])
                # The narrowest width this column may give, down to what is wanted, breaking it no worse.
                now = badly_broken(d, made[d])
                best = next((x for x in _steps_down(made[d], least) if badly_broken(d, x) <= now), None)
                if best is not None and best < made[d]:
                    given[d] = best
                    wanted -= made[d] - best
            if wanted <= 1e-9:
                made.__setitem__(c, width)
                for d, x in given.items():
                    made[d] = x
                return
        width += _STEP


def _steps_down(start: float, least: float) -> list[float]:
    """Widths from ``least`` (rounded up to a step below ``start``) up to ``start``, narrowest first."""
    count = int((start - least) / _STEP + 1e-9)
    return [start - k * _STEP for k in range(count, 0, -1)]


def _declared_widths(widths, total_pt: float) -> list[float]:
    """Columns in characters get their width; shares divide what is left.  What
    cannot fit is scaled down to the 版心, never past it."""
    fixed = [_fixed(w) for w in widths]
    shared = [w.value for w in widths if not w.chars]
    # A shared column is never narrower than two characters, even when the fixed ones fill the 版心.
    left = max(total_pt - sum(fixed), L.MIN_COLUMN_CHARS * _SIZE * len(shared))
    made = [f if w.chars else left * w.value / sum(shared) for w, f in zip(widths, fixed, strict=True)]
    return [w * total_pt / sum(made) for w in made] if sum(made) > total_pt else made
