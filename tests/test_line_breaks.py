"""Titles, 附件说明 names and cells holding an organ's name break between words,
never inside one (issue 21): an organ's name only between its parts (地名 /
机构名 …), checked on the department names of fixtures/department-names.txt,
whose allowed breaks were marked by hand ("/" between words, "|" inside an
organ's name, for a line too narrow to hold it whole) — by the measuring model
for all of them at many widths, and in LibreOffice's PDF for the longest and
for the names the review found broken."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import rendered
from docx.oxml.ns import qn
from test_layout_pdf import BOTTOM, RIGHT, TITLE_SIZE, Line
from test_table_pages import _cells

from reportgen import blocks, markup, writing
from reportgen import layout as L
from reportgen.measuring import balance_title, body_wide, chars_wide, fill_lines, title_condensing
from reportgen.typesetting import Metadata, typeset
from reportgen.typesetting.columns import cell_lines, em_wide
from reportgen.wordbreaks import parts, words

NAMES = Path(__file__).parent / "fixtures" / "department-names.txt"
YEAR = "2023年度"
#: The report's own words after the organ, with the breaks a reader allows in them (by hand).
TITLE_TAIL = "部门整体/支出/绩效自评报告"
TABLE_NAMES = ("部门整体/收支情况表", "部门整体/支出/绩效自评表", "项目支出/绩效自评/结果汇总表")
WIDTH = L.Layout().text_width.pt
#: Names the review found broken inside a word, in the title ("…自评报 / 告"), the 附件说明
#: ("…青秀区市场监督 / 管理局…") and the cells of a project form ("农业农村 / 局", "沙依 / 巴克区",
#: "赛罕区住 / 房和城乡建设局", "委员会组 / 织部", "教育 / 体育局", "管理委员 / 会").
REVIEWED = (
    "中国人民政治协商会议/广东省/深圳市/南山区/委员会/办公室",
    "广西壮族|自治区/南宁市/青秀区/市场监督|管理局",
    "黑龙江省/哈尔滨市/道里区/农业农村局",
    "新疆维吾尔|自治区/乌鲁木齐市/沙依巴克区/住房和|城乡建设局",
    "内蒙古|自治区/呼和浩特市/赛罕区/住房和|城乡建设局",
    "中国共产党/上海市/浦东新区/纪律检查|委员会",
    "江西省/上饶市/信州区/教育体育局",
    "中国共产党/深圳市/南山区/委员会/组织部",
    "广州番禺经济技术开发区/管理委员会",
)


def marked_names() -> list[str]:
    lines = NAMES.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def plain(marked: str) -> str:
    return marked.replace("/", "").replace("|", "")


def allowed(*marked: str, inside: bool = False) -> tuple[str, set[int]]:
    """The text of hand-marked pieces joined, and every place a line may end in
    it: between words, and with ``inside`` also inside an organ's name."""
    text, breaks = "", set()
    for piece in marked:
        for ch in piece:
            if ch == "/" or (ch == "|" and inside):
                breaks.add(len(text))
            elif ch != "|":
                text += ch
        breaks.add(len(text))
    return text, breaks


def ends(lines: list[str]) -> set[int]:
    positions, length = set(), 0
    for line in lines:
        length += len(line)
        positions.add(length)
    return positions


def entry(marked: str, n: int, prefix: str = "2-") -> tuple[str, ...]:
    """The n-th 附件说明 entry of a name, in hand-marked pieces."""
    return f"{'附件：' if n == 1 else ''}{prefix}{n}.{YEAR}", marked, TABLE_NAMES[n - 1]


def document_of(names: list[str]):
    """Each name's report title and 附件说明, a part (a page) each, typeset as the report's are."""
    parts_ = []
    for i, marked in enumerate(names, 1):
        entries = ["".join(map(plain, entry(marked, n))) for n in range(1, len(TABLE_NAMES) + 1)]
        parts_.append(
            f"{{.attachment}}\n附件{i}\n\n{{.title}}\n{YEAR}{plain(marked)}\n{plain(TITLE_TAIL)}\n\n正文。\n\n"
            "{.attachments}\n" + "\n".join(entries) + "\n\n"
        )
    metadata = Metadata("断行", "测试", datetime.datetime(2024, 1, 1))
    return typeset(markup.parse("".join(parts_)), L.Layout(), metadata)


def set_lines(paragraph) -> list[str]:
    """A paragraph's lines as the typesetter broke them (at its w:br)."""
    lines = [""]
    for element in paragraph._p.iter(qn("w:t"), qn("w:br")):
        if element.tag == qn("w:br"):
            lines.append("")
        else:
            lines[-1] += element.text or ""
    return lines


@pytest.fixture(scope="module")
def typeset_names():
    return document_of(marked_names())


def test_the_list_has_real_names_with_their_breaks_marked():
    names = marked_names()
    assert len(names) >= 250
    assert len({plain(name) for name in names}) == len(names)
    assert all("/" in name for name in names)
    assert sum(len(plain(name)) > 15 for name in names) >= 60
    assert set(REVIEWED) <= set(names)


@pytest.mark.parametrize("marked", marked_names())
def test_an_organ_name_is_cut_only_between_its_parts(marked):
    name, between = allowed(marked)
    _, inside = allowed(marked, inside=True)
    pieces = words(name)
    assert "".join(pieces) == name
    assert ends(pieces) <= between, " / ".join(pieces)
    finer = [part for word in pieces for part in parts(word)]
    assert "".join(finer) == name
    assert ends(finer) <= inside, " | ".join(finer)


def test_the_cuts_found_are_most_of_those_marked():
    """The rules find the parts, not merely avoid cutting: of the hand-marked
    breaks between words, at least nine in ten are found; of those inside an
    organ's name, four in five."""
    found = {False: 0, True: 0}
    marked_total = {False: 0, True: 0}
    for marked in marked_names():
        name, between = allowed(marked)
        _, inside = allowed(marked, inside=True)
        pieces = words(name)
        found[False] += len(ends(pieces) & between) - 1
        marked_total[False] += len(between) - 1
        finer = [part for word in pieces for part in parts(word)]
        found[True] += len(ends(finer) & (inside - between))
        marked_total[True] += len(inside - between)
    assert found[False] >= 0.9 * marked_total[False]
    assert found[True] >= 0.8 * marked_total[True]


def _check_lines(lines: list[str], marked: tuple[str, ...], room: float, measure) -> None:
    """Lines end between words (as marked by hand); inside an organ's name (at a
    "|") only where a word is wider than a line — a word as the rules find it,
    whose ends are checked against the marks above (they miss a place of two
    characters: 歙县 / 农业农村局) — and anywhere only where a part is."""
    text, between = allowed(*marked)
    _, inside = allowed(*marked, inside=True)
    assert "".join(lines) == text
    found = words(text)
    if max(map(measure, found)) <= room:
        assert ends(lines) <= between, lines
    elif max(measure(part) for word in found for part in parts(word)) <= room:
        assert ends(lines) <= inside, lines


#: 版心 widths tried, in characters of 三号 text: narrow frames to the landscape 版心.
WIDTHS = (14, 17, 20, 24, 28, 34, 40)


@pytest.mark.parametrize("chars", WIDTHS)
def test_a_title_breaks_between_words_at_every_width(chars):
    width = chars * L.BODY_ADVANCE
    for marked in marked_names():
        segments = [f"{YEAR}{plain(marked)}", plain(TITLE_TAIL)]
        lines = balance_title(segments, width)
        assert all(title_condensing(line, width) is not None for line in lines), lines
        _check_lines(lines, (YEAR, marked, TITLE_TAIL), width / L.SIZE_2.pt, chars_wide)


@pytest.mark.parametrize("chars", WIDTHS)
@pytest.mark.parametrize("prefix", ["", "2-", "12-"])
def test_an_attachment_name_breaks_between_words_at_every_width(chars, prefix):
    """Each entry at several widths, its number of several lengths: the name
    starts at different places of the line."""
    for marked in marked_names():
        for n in range(1, len(TABLE_NAMES) + 1):
            pieces = entry(marked, n, prefix)
            lead = chars_wide(plain(pieces[0][: pieces[0].index(".") + 1]))
            first, other = chars - 2 - (3 if n == 1 else 0), chars - 2 - lead
            lines = fill_lines("".join(map(plain, pieces)), first, other)
            assert all(body_wide(line) <= (first if i == 0 else other) for i, line in enumerate(lines)), lines
            _check_lines(lines, pieces, min(first, other), body_wide)


@pytest.mark.parametrize("ems", [6, 7.5, 9, 11, 13.5, 16, 20])
def test_a_cell_with_an_organ_name_breaks_between_its_words(ems):
    width = ems * L.SIZE_SMALL_4.pt + 2 * L.CELL_PADDING.pt
    room = ems - L.TABLE_LINE_MARGIN_EM  # a line we set keeps a tenth of an em free
    for marked in marked_names():
        cell = blocks.Cell(plain(marked), organ=True)
        lines = cell_lines(cell, width)
        _check_lines(lines, (marked,), room, em_wide)
        if max(em_wide(part) for word in words(plain(marked)) for part in parts(word)) <= room:
            assert all(em_wide(line) <= room for line in lines), lines
            assert len(lines) == 1 or min(map(len, lines)) >= 2, lines


def test_no_title_line_ends_inside_a_word(typeset_names):
    titles = [p for p in typeset_names.paragraphs if p.style.name == L.STYLES["title"].name]
    names = marked_names()
    assert len(titles) == len(names)
    inside = 0
    for marked, title in zip(names, titles, strict=True):
        lines = set_lines(title)
        text, breaks = allowed(YEAR, marked, TITLE_TAIL)
        assert "".join(lines) == text
        assert ends(lines) <= breaks, lines
        # At most 20 full-width characters of 二号 a line in the 442 pt 版心, none condensed;
        # a line condensed (by at most 1 pt) only for its digits, measured at their widest.
        assert all(sum(not ch.isascii() for ch in line) * L.SIZE_2.pt <= WIDTH for line in lines), lines
        for run in title._p.iter(qn("w:r")):
            spacing = run.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
            if spacing is not None:
                assert re.search(r"[0-9]", run.findtext(qn("w:t"))) and 0 < -int(spacing.get(qn("w:val"))) <= 20
        inside += bool(ends(lines) & set(range(len(YEAR) + 1, len(YEAR) + len(plain(marked)))))
    # Names too long for one title line with the year break inside the name: the rules were needed.
    assert inside >= 40


def test_no_attachment_line_ends_inside_a_word(typeset_names):
    listed = [p for p in typeset_names.paragraphs if p.style.name == L.STYLES["attachment_list"].name]
    names = marked_names()
    assert len(listed) == len(TABLE_NAMES) * len(names)
    inside = 0
    for i, paragraph in enumerate(listed):
        marked, n = names[i // len(TABLE_NAMES)], i % len(TABLE_NAMES) + 1
        lines = set_lines(paragraph)
        text, breaks = allowed(*entry(marked, n))
        assert "".join(lines) == text
        assert ends(lines) <= breaks, lines
        name_start = len(text) - len(plain(marked)) - len(plain(TABLE_NAMES[n - 1]))
        inside += bool(ends(lines[:-1]) & set(range(name_start + 1, name_start + len(plain(marked)))))
    assert inside >= 40


def page_lines(page) -> list[Line]:
    """A PDF page's lines of the 版心, top to bottom."""
    rows: dict[int, list] = {}
    for char in page.chars:
        if char["text"].strip() and char["bottom"] <= BOTTOM + 2:
            rows.setdefault(round(char["bottom"]), []).append(char)
    return sorted((Line(chars) for chars in rows.values()), key=lambda line: line.top)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The longest names and those of the review as titles and 附件说明, rendered
    by LibreOffice: per name, its title's printed lines and each entry's."""
    longest = sorted(marked_names(), key=lambda marked: -len(plain(marked)))[:10]
    names = [*REVIEWED, *(name for name in longest if name not in REVIEWED)]
    path = tmp_path_factory.mktemp("breaks") / "breaks.docx"
    path.write_bytes(writing.docx_bytes(document_of(names)))
    with pdfplumber.open(rendered(path)) as pdf:
        pages = [page_lines(page) for page in pdf.pages]
    assert len(pages) == len(names)
    made = {}
    for marked, lines in zip(names, pages, strict=True):
        assert all(line.x1 <= RIGHT + 1 for line in lines)
        title = [line for line in lines if line.size == TITLE_SIZE]
        start = next(i for i, line in enumerate(lines) if line.text.startswith("附件："))
        entries: list[list[str]] = []
        for line in lines[start:]:
            if re.match(r"(附件：)?2-\d\.", line.text):
                entries.append([])
            entries[-1].append(line.text)
        made[marked] = title, entries
    return made


def test_the_office_suite_breaks_the_lines_where_they_were_measured(printed):
    """Every printed line ends at a break allowed by hand, so the office suite
    added no break of its own inside a word, and no line runs past the 版心."""
    for marked, (title, entries) in printed.items():
        text, breaks = allowed(YEAR, marked, TITLE_TAIL)
        assert "".join(line.text for line in title) == text
        assert ends([line.text for line in title]) <= breaks, [line.text for line in title]
        assert len(entries) == len(TABLE_NAMES)
        for n, lines in enumerate(entries, 1):
            text, breaks = allowed(*entry(marked, n))
            assert "".join(lines) == text
            assert ends(lines) <= breaks, lines


def test_a_title_too_long_for_two_uncondensed_lines_takes_three(printed):
    """“…南山区委员会办公室部门整体支出绩效自评报 / 告” was two condensed lines that
    LibreOffice wrapped anyway: three lines of full-width characters now, the
    organ's name whole on the second, each narrower than the 版心."""
    title, _ = printed[REVIEWED[0]]
    assert [line.text for line in title] == [
        "2023年度中国人民政治协商会议",
        "广东省深圳市南山区委员会办公室",
        "部门整体支出绩效自评报告",
    ]
    for line in title:
        # Uncondensed: the characters advance by a full 22 pt (the year's digits aside).
        chinese = [c for c in line.chars if not c["text"].isascii()]
        advances = [b["x0"] - a["x0"] for a, b in zip(chinese, chinese[1:]) if not b["text"].isascii()]
        assert min(advances) == pytest.approx(TITLE_SIZE, abs=0.05)
        assert line.x1 - line.x0 <= WIDTH


def test_an_attachment_name_breaks_before_the_organ_not_inside_it(printed):
    _, entries = printed[REVIEWED[1]]
    assert entries[0][0].endswith("南宁市青秀区")
    assert entries[0][1].startswith("市场监督管理局")


#: Widths (in 小四 characters) of the organ cells tried in the PDF: a project form's
#: 主管部门 cell is about 13, a narrow one 8.
CELL_EMS = (8.4, 10.6, 13.3)


@pytest.fixture(scope="module")
def printed_cells(tmp_path_factory):
    """Tables of organ cells at several widths, rendered by LibreOffice: per
    width, the printed lines of each name's cell, in order."""
    longest = sorted(marked_names(), key=lambda marked: -len(plain(marked)))[:20]
    names = [*REVIEWED, *(name for name in longest if name not in REVIEWED)]
    rest = (WIDTH - 2 * L.CELL_PADDING.pt * 2) / L.SIZE_SMALL_4.pt
    text = ""
    for ems in CELL_EMS:
        text += f'{{widths="{ems}字 {rest - ems - 0.1:.1f}字"}}\n| 单位 | 说明 |\n|:--|:--|\n'
        text += "".join(f"| [{plain(name)}]{{.organ}} | {ems} |\n" for name in names)
        text += "\n"
    path = tmp_path_factory.mktemp("cells") / "cells.docx"
    metadata = Metadata("断行", "测试", datetime.datetime(2024, 1, 1))
    path.write_bytes(writing.docx_bytes(typeset(markup.parse(text), L.Layout(), metadata)))
    found: dict[float, list[list[str]]] = {ems: [] for ems in CELL_EMS}
    with pdfplumber.open(rendered(path)) as pdf:
        for page in pdf.pages:
            row_cells = sorted(_cells(page), key=lambda cell: (cell[0][1], cell[0][0]))
            for (x0, top, x1, bottom), lines in row_cells:
                texts = [line[3] for line in lines]
                if x0 < 100 and texts and texts != ["单位"]:
                    ems = next(
                        e for e in CELL_EMS if abs(e * L.SIZE_SMALL_4.pt + 2 * L.CELL_PADDING.pt - (x1 - x0)) < 2
                    )
                    found[ems].append(texts)
    return names, found


@pytest.mark.parametrize("ems", CELL_EMS)
def test_a_printed_cell_breaks_an_organ_name_between_its_words(printed_cells, ems):
    """“农业农村 / 局”, “沙依 / 巴克区”, “赛罕区住 / 房和城乡建设局” were the office
    suite's; the cell's lines are ours now: each ends between words (inside
    an organ's name only where the name is wider than the cell), none is a
    lone character, and LibreOffice added no break of its own."""
    names, found = printed_cells
    assert len(found[ems]) == len(names)
    for marked, lines in zip(names, found[ems], strict=True):
        _check_lines(lines, (marked,), ems, em_wide)
        assert len(lines) == 1 or min(map(len, lines)) >= 2, lines
    # The widths are narrow enough that most names take two or more lines.
    assert sum(len(lines) > 1 for lines in found[ems]) >= len(names) / 2
