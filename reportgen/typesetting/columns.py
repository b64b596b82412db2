"""Table column widths from the text of the cells, before anything is rendered.

A column of figures gets the room of its widest figure (and of its heading,
whole where there is room); the columns of text share the rest of the 版心,
moved between them while the table reads better: lower, and with fewer cells
that end on a line of one character (“…评审服务 / 费”, “（第3 / 批）”), a
weight in brackets broken inside (“产出指标（50 / 分）”) or a heading broken
inside a word (“年度指 / 标值”).  A table and the tables continuing it
(``{.continued}``, one form in several tables) are measured together, so that
their columns line up — and so are the forms of one file (see
:func:`.tables.with_widths`).  Pure functions of the text and
:mod:`reportgen.layout` (no python-docx).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .. import layout as L
from ..blocks import Cell, Table
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
#: A figure with its unit (≥6000人次, 3.35万亩, ≤4000元/亩), not a name with a number (数量完成情况01).
_VALUE = re.compile(r"^[≥≤<>＞＜=约]?[-+]?\d[\d,]*(?:\.\d+)?(?:%|[^\d\s]{1,4})?$")
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


def _lone(line: str) -> bool:
    """Whether a cell's last line holds one character at most, its marks aside
    (“…考 / 核”, “（第3 / 批）”, “…规 / 范。”)."""
    return sum(not (unicodedata.category(ch)[0] in "PZ" or ch in "%\u3000") for ch in line) <= 1


def _set(cell: Cell, width_pt: float) -> tuple[float, int]:
    # Measured once a process for each text, kind and width: the width search asks again and again.
    return _set_measured(cell.text, cell.header, cell.organ, width_pt)


@functools.lru_cache(maxsize=1 << 16)
def _set_measured(cell_text: str, header: bool, organ: bool, width_pt: float) -> tuple[float, int]:
    """How the cell reads in a column this wide: (what its breaks cost, its
    lines), the cost in lines of table height (:data:`layout.TABLE_BREAK_COSTS`):
    a part of it that ends on a line of one character, a weight in brackets
    broken inside (“产出指标（50 / 分）”, which still reads), a heading on more
    than two lines, each line of a cell past its second, and a heading's
    break inside a word — one after an odd
    number of its characters, for headings are words of two characters
    (年度 / 指标 / 值, 全年 / 预算 / 数): “年度指 / 标值” is one, “年初 / 预算”
    is not.  The parts are the lines :func:`cell_lines` sets the cell in, each
    wrapped as the office suites wrap it."""
    cell = Cell(cell_text, header=header, organ=organ)
    room = (width_pt - _PADDING) / _SIZE - (L.TABLE_LINE_MARGIN_EM if cell.header else 0)
    costs = L.TABLE_BREAK_COSTS
    cost, lines = 0.0, 0
    for part in cell_lines(cell, width_pt):
        text, left, hanging = cell_indent(part)
        lengths = line_lengths(text, room - (left - hanging), room - left)
        lines += len(lengths)
        # At our widths and half an em wider (narrower digits and gaps of the office suites), as a weight is.
        wider = line_lengths(
            text, room + L.TABLE_LINE_LEEWAY_EM - (left - hanging), room + L.TABLE_LINE_LEEWAY_EM - left
        )
        last = [text[sum(made[:-1]) :] for made in (lengths, wider) if len(made) > 1]
        if cell.header and any(map(_lone, last)):
            cost += costs["lone heading"]
        elif any(len(line) == 1 for line in last):
            cost += costs["lone"]
        elif any(map(_lone, last)):
            cost += costs["lone with its mark"]
        elif _broken_weight(text, left, hanging, room) is not None:
            cost += costs["weight"]
        if cell.header:
            cost += costs["inside a word"] * sum(end % 2 for end in itertools.accumulate(lengths[:-1]))
    if lines > 2 and cell.header:
        cost += costs["heading on three lines"]
    elif lines > 2:
        cost += costs["line past two"] * (lines - 2)
    return cost, lines


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
        return _organ_lines(text, room - L.TABLE_LINE_MARGIN_EM)
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
    if _VALUE.match(text) and whole <= L.UNBROKEN_VALUE_EMS:
        hard = whole  # a figure with its unit is never broken (one after a word, 平均 99.19, may stand under it)
    return hard, max(whole / lines, hard), whole


def column_needs(tables: Sequence[Table]) -> ColumnNeeds:
    columns = tables[0].columns
    least = _pt(L.MIN_COLUMN_CHARS)  # with the slack: two characters that just fit may still wrap (“得 / 分”)
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
        if figures[c] and cell.row >= table.header_rows:
            # A figure is never broken, and needs no slack: its digits are measured at the widest faces' widths.
            whole = needs[2] - L.COLUMN_SLACK_CHARS
            needs = (min(needs[0], whole), whole, whole)
        elif figures[c] and needs[2] <= L.UNBROKEN_CELL_CHARS:
            needs = (needs[0], needs[2], needs[2])  # a short heading over figures is kept whole where there is room
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
    """Column widths (pt) filling the 版心, shared by the tables measured
    together: the template's when the first sets them; else each column of
    figures at what its widest figure needs and the rest shared
    (:func:`_start`), then moved between columns while that reads better
    (:func:`_improved`); when even the least the columns need does not fit,
    the least scaled down."""
    if tables[0].widths is not None:
        return _declared_widths(tables[0].widths, total_pt)
    needs = column_needs(tables)
    if sum(needs.hard) > total_pt:
        return [w * total_pt / sum(needs.hard) for w in needs.hard]
    return _improved(tables, _start(needs, total_pt), needs)


def _start(needs: ColumnNeeds, total_pt: float) -> list[float]:
    """Figures at the least they need; the columns of text at the most generous
    of their needs that fits, what is left shared in proportion to what each
    would still like (beyond one line each, in proportion to their widths)."""
    pinned = [h if figure else None for h, figure in zip(needs.hard, needs.figures, strict=True)]
    if all(w is not None for w in pinned):
        pinned = [None] * len(pinned)  # a table of figures only: they share the page
    left = total_pt - sum(w for w in pinned if w is not None)
    free = [c for c, w in enumerate(pinned) if w is None]
    made = list(pinned)
    for lower, upper in ((needs.single, needs.single), (needs.even, needs.single), (needs.hard, needs.even)):
        least = sum(lower[c] for c in free)
        if least <= left:
            extra = [upper[c] - lower[c] for c in free]
            if not any(extra):
                extra = [lower[c] for c in free]
            for c, e in zip(free, extra, strict=True):
                made[c] = lower[c] + (left - least) * e / sum(extra)
            break
    return made


#: The steps a width is moved by between two columns (pt): a point (what a
#: name may lack of its line, gathered from several columns), and a quarter
#: character to eight, for a line is often won only several characters on.
_MOVES = (1.0, *(L.SIZE_SMALL_4.pt / 4 * 2**k for k in range(6)))


def _improved(tables: Sequence[Table], start: list[float], needs: ColumnNeeds) -> list[float]:
    """The widths moved between columns, the move that reads best at a time,
    while one reads better: a lower table — the sum of its rows' heights in
    lines, each the height of its tallest cell, and what its cells' breaks
    cost (:func:`_set`) — and, as good, figures no wider than they need.  A
    move takes from one column, from two (a column no other can widen enough
    alone), or from a reserve that a column gives to when it reads as well
    narrower; no column goes below what it cannot do without.  A cell merged
    down over several rows has as many lines of room (at least).  The rows of
    all the tables count, so tables measured together (40 forms) get the
    widths that read best over all of them."""
    # Where each table's rows start among the rows of all.
    firsts = [0, *itertools.accumulate(len(table.slots) for table in tables)]
    height = firsts[-1]
    spans: dict[tuple[int, int], list[tuple[int, Cell]]] = {}
    for table, first in zip(tables, firsts[:-1], strict=True):
        for cell in table.cells():
            if cell.text:
                spans.setdefault((cell.column, cell.columns), []).append((first + cell.row, cell))
    seen: dict[tuple, tuple[float, int]] = {}
    #: Each span's (cost, taller rows) by width.
    cached: dict[tuple[int, int], dict[float, tuple[float, int]]] = {key: {} for key in spans}

    def measured(cell: Cell, width: float) -> tuple[float, int]:
        key = (cell.text, cell.header, width)
        if key not in seen:
            seen[key] = _set(cell, width)
        return seen[key]

    def span(key: tuple[int, int], width: float) -> tuple[float, int]:
        """What the breaks of the cells spanning these columns cost, and which rows
        they make taller, as one integer of bits: bit ``k * height + row`` is set
        when the row takes more than k + 1 lines.  A table's height is then its
        rows plus the bits set in the OR of its spans, not a sum over its rows for
        every width tried (40 forms are 1,200 rows)."""
        known = cached[key]
        if width not in known:
            lines: dict[int, int] = {}
            costs = 0.0
            for row, cell in spans[key]:
                cost, count = measured(cell, width)
                costs += cost
                lines[row] = max(lines.get(row, 0), count - cell.rows + 1)
            taller = 0
            for row, count in lines.items():
                for k in range(count - 1):
                    taller |= 1 << (k * height + row)
            known[width] = costs, taller
        return known[width]

    keys = list(spans)
    by_width = [cached[key] for key in keys]
    #: The spans over each set of columns a move changes.
    over: dict[tuple[int, ...], list[int]] = {}
    #: The spans at the widths the search stands at (:func:`settle`), and for each set
    #: of columns a move changes, what the other spans, which stay so, add up to.
    settled: list[tuple[float, int]] = []
    others: dict[tuple[int, ...], tuple[float, int]] = {}
    figure_columns = [c for c, figure in enumerate(needs.figures) if figure]

    def settle(widths: list[float]) -> None:
        settled[:] = [span(key, round(sum(widths[key[0] : key[0] + key[1]]), 2)) for key in keys]
        others.clear()

    def cost(widths: list[float], changed: tuple[int, ...] = ()) -> tuple[float, float]:
        """(the height in lines and what the breaks cost, how much wider than they need the
        figures are) at these widths; with ``changed``, at widths that differ from where
        the search stands only in those columns, so that only the spans over them are
        looked up (a move changes two columns of many).  The costs are whole numbers
        (:data:`layout.TABLE_BREAK_COSTS`): their sum is the same in any order."""
        if not changed:
            costs, taller = _gathered(span(key, round(sum(widths[key[0] : key[0] + key[1]]), 2)) for key in keys)
        else:
            if changed not in over:
                over[changed] = [s for s, (c, n) in enumerate(keys) if any(c <= d < c + n for d in changed)]
            if changed not in others:
                touched = over[changed]
                others[changed] = _gathered(part for s, part in enumerate(settled) if s not in touched)
            costs, taller = others[changed]
            for s in over[changed]:
                c, n = keys[s]
                width = round(sum(widths[c : c + n]), 2)
                part_cost, rows = by_width[s].get(width) or span(keys[s], width)  # without a call: 350,000 for 50 forms
                costs += part_cost
                taller |= rows
        rows_high = height + taller.bit_count() if keys else 0
        wider = sum(widths[c] - needs.hard[c] for c in figure_columns)
        return rows_high + costs, round(wider, 2)

    # The last place holds what no column takes: a column may read as well narrower, or better
    # (“…经费（第3 / 批）”), and its room is then there for one that reads better wider.
    made = [*start, 0.0]
    least = [*needs.hard, 0.0]
    spare = len(start)
    best = cost(made)
    while True:
        tried = []
        settle(made)
        for i, j, step in itertools.product(range(len(made)), range(len(made)), _MOVES):
            if i != j and made[j] - step >= least[j] - 1e-9:
                moved = list(made)
                moved[i] += step
                moved[j] -= step
                tried.append((cost(moved, (i, j)), -step if i == spare else step, moved))
        better = min(tried, key=lambda t: t[:2], default=None)
        if better is not None and better[0] < best:
            best, _, made = better
            continue
        # As good and narrower: the widest such step.
        freed = [t for t in tried if t[1] < 0 and t[0][0] <= best[0]]
        if freed:
            best, _, made = min(freed, key=lambda t: t[1])
            continue
        # A column that no other can widen enough alone, two together (“项目工程验收合格 / 率” on every form).
        joint = []
        for i, step in itertools.product(range(spare), _MOVES[:3]):
            for j, k in itertools.combinations([d for d in range(len(made)) if d != i], 2):
                if min(made[j] - least[j], made[k] - least[k]) >= step - 1e-9:
                    moved = list(made)
                    moved[i] += 2 * step
                    moved[j] -= step
                    moved[k] -= step
                    joint.append((cost(moved, (i, j, k)), step, moved))
        better = min(joint, key=lambda t: t[:2], default=None)
        if better is None or better[0] >= best:
            break
        best, _, made = better
    *made, left = made
    text = [c for c in range(len(made)) if not needs.figures[c]]
    figures = [c for c in range(len(made)) if needs.figures[c]]
    given = [max(s - w, 0.0) for s, w in zip(start, made, strict=True)]
    # What no column wants goes back to the columns that gave it, in proportion, else to the columns of text
    # in proportion to their widths, else to the columns of figures alike, else to all in proportion, where
    # it breaks nothing; else the table is that narrower.
    for takers, shares in (
        ([c for c in range(len(made)) if given[c]], given),
        (text, made),
        (figures, [1.0] * len(made)),
        (range(len(made)), made),
    ):
        if left and takers:
            whole = sum(shares[c] for c in takers)
            spread = [w + (left * shares[c] / whole if c in takers else 0) for c, w in enumerate(made)]
            if cost([*spread, 0.0])[0] <= best[0]:
                return spread
    return made


def _gathered(parts) -> tuple[float, int]:
    """What spans' breaks cost together, and the rows they make taller (:func:`_improved`)."""
    costs, taller = 0.0, 0
    for part_cost, rows in parts:
        costs += part_cost
        taller |= rows
    return costs, taller


def _declared_widths(widths, total_pt: float) -> list[float]:
    """Columns in characters get their width; shares divide what is left.  What
    cannot fit is scaled down to the 版心, never past it."""
    fixed = [_fixed(w) for w in widths]
    shared = [w.value for w in widths if not w.chars]
    # A shared column is never narrower than two characters, even when the fixed ones fill the 版心.
    left = max(total_pt - sum(fixed), L.MIN_COLUMN_CHARS * _SIZE * len(shared))
    made = [f if w.chars else left * w.value / sum(shared) for w, f in zip(widths, fixed, strict=True)]
    return [w * total_pt / sum(made) for w in made] if sum(made) > total_pt else made
