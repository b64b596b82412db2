"""Titles and 附件说明 names break between words, never inside one (issue 21):
an organ's name only between its parts (地名 / 机构名 / 后缀), checked on the
129 department names of fixtures/department-names.txt, whose allowed breaks were
marked by hand — by the measuring model for all of them, and in LibreOffice's
PDF for the longest."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import rendered
from docx.oxml.ns import qn
from test_layout_pdf import BOTTOM, RIGHT, TITLE_SIZE, Line

from reportgen import layout as L
from reportgen import markup, writing
from reportgen.measuring import chars_wide
from reportgen.typesetting import Metadata, typeset
from reportgen.wordbreaks import words

NAMES = Path(__file__).parent / "fixtures" / "department-names.txt"
YEAR = "2023年度"
#: The report's own words after the organ, with the breaks a reader allows in them (by hand).
TITLE_TAIL = "部门整体/支出/绩效自评报告"
TABLE_NAMES = ("部门整体/收支情况表", "部门整体/支出/绩效自评表", "项目支出/绩效自评/结果汇总表")
WIDTH = L.Layout().text_width.pt


def marked_names() -> list[str]:
    lines = NAMES.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def allowed(*marked: str) -> tuple[str, set[int]]:
    """The text of hand-marked pieces joined, and every place a line may end in it."""
    text, breaks = "", set()
    for piece in marked:
        for part in piece.split("/"):
            text += part
            breaks.add(len(text))
    return text, breaks


def ends(lines: list[str]) -> set[int]:
    positions, length = set(), 0
    for line in lines:
        length += len(line)
        positions.add(length)
    return positions


def document_of(names: list[str]):
    """Each name's report title and 附件说明, a part (a page) each, typeset as the report's are."""
    parts = []
    for i, marked in enumerate(names, 1):
        name = marked.replace("/", "")
        entries = [
            f"{'附件：' if n == 1 else ''}2-{n}.{YEAR}{name}{table.replace('/', '')}"
            for n, table in enumerate(TABLE_NAMES, 1)
        ]
        parts.append(
            f"{{.attachment}}\n附件{i}\n\n{{.title}}\n{YEAR}{name}\n{TITLE_TAIL.replace('/', '')}\n\n正文。\n\n"
            "{.attachments}\n" + "\n".join(entries) + "\n\n"
        )
    metadata = Metadata("断行", "测试", datetime.datetime(2024, 1, 1))
    return typeset(markup.parse("".join(parts)), L.Layout(), metadata)


def set_lines(paragraph) -> list[str]:
    """A paragraph's lines as the typesetter broke them (at its w:br)."""
    lines = [""]
    for element in paragraph._p.iter(qn("w:t"), qn("w:br")):
        if element.tag == qn("w:br"):
            lines.append("")
        else:
            lines[-1] += element.text or ""
    return lines


def entry_breaks(marked: str, n: int) -> tuple[str, set[int]]:
    return allowed(f"{'附件：' if n == 1 else ''}2-{n}.{YEAR}", marked, TABLE_NAMES[n - 1])


@pytest.fixture(scope="module")
def typeset_names():
    return document_of(marked_names())


def test_the_list_has_a_hundred_real_names_with_their_breaks_marked():
    names = marked_names()
    assert len(names) >= 100
    assert len(set(names)) == len(names)
    assert all("/" in name for name in names)
    assert sum(len(name.replace("/", "")) > 15 for name in names) >= 30


@pytest.mark.parametrize("marked", marked_names())
def test_an_organ_name_is_cut_only_between_its_parts(marked):
    name, breaks = allowed(marked)
    pieces = words(name)
    assert "".join(pieces) == name
    assert ends(pieces) <= breaks, " / ".join(pieces)


def test_the_cuts_found_are_most_of_those_marked():
    """The rules find the parts, not merely avoid cutting: of the hand-marked
    breaks inside the names, at least nine in ten are found."""
    found = marked_total = 0
    for marked in marked_names():
        name, breaks = allowed(marked)
        found += len(ends(words(name)) & breaks) - 1
        marked_total += len(breaks) - 1
    assert found >= 0.9 * marked_total


def test_no_title_line_ends_inside_a_word(typeset_names):
    titles = [p for p in typeset_names.paragraphs if p.style.name == L.STYLES["title"].name]
    names = marked_names()
    assert len(titles) == len(names)
    max_chars = WIDTH / (L.SIZE_2.pt - L.TITLE_MAX_CONDENSE.pt)
    inside = 0
    for marked, title in zip(names, titles, strict=True):
        lines = set_lines(title)
        text, breaks = allowed(YEAR, marked, TITLE_TAIL)
        assert "".join(lines) == text
        assert ends(lines) <= breaks, lines
        assert all(chars_wide(line) <= max_chars for line in lines), lines
        inside += bool(ends(lines) & set(range(len(YEAR) + 1, len(YEAR) + len(marked.replace("/", "")))))
    # Names too long for one title line with the year break inside the name: the rules were needed.
    assert inside >= 20


def test_no_attachment_line_ends_inside_a_word(typeset_names):
    listed = [p for p in typeset_names.paragraphs if p.style.name == L.STYLES["attachment_list"].name]
    names = marked_names()
    assert len(listed) == len(TABLE_NAMES) * len(names)
    inside = 0
    for i, paragraph in enumerate(listed):
        marked, n = names[i // len(TABLE_NAMES)], i % len(TABLE_NAMES) + 1
        lines = set_lines(paragraph)
        text, breaks = entry_breaks(marked, n)
        assert "".join(lines) == text
        assert ends(lines) <= breaks, lines
        name_start = len(text) - len(marked.replace("/", "")) - len(TABLE_NAMES[n - 1].replace("/", ""))
        inside += bool(ends(lines[:-1]) & set(range(name_start + 1, name_start + len(marked))))
    assert inside >= 20


def test_the_office_suite_breaks_the_lines_where_they_were_measured(tmp_path):
    """The longest names set as titles and 附件说明, rendered by LibreOffice:
    every printed line ends at a break allowed by hand, so the office suite
    added no break of its own inside a word, and no line runs past the 版心."""
    longest = sorted(marked_names(), key=lambda marked: -len(marked.replace("/", "")))[:10]
    path = tmp_path / "breaks.docx"
    path.write_bytes(writing.docx_bytes(document_of(longest)))
    with pdfplumber.open(rendered(path)) as pdf:
        pages = [page_lines(page) for page in pdf.pages]
    assert len(pages) == len(longest)
    for marked, lines in zip(longest, pages, strict=True):
        assert all(line.x1 <= RIGHT + 1 for line in lines)
        title = [line.text for line in lines if line.size == TITLE_SIZE]
        text, breaks = allowed(YEAR, marked, TITLE_TAIL)
        assert "".join(title) == text
        assert ends(title) <= breaks, title
        start = next(i for i, line in enumerate(lines) if line.text.startswith("附件："))
        entries: list[list[str]] = []
        for line in lines[start:]:
            if re.match(r"(附件：)?2-\d\.", line.text):
                entries.append([])
            entries[-1].append(line.text)
        assert len(entries) == len(TABLE_NAMES)
        for n, entry in enumerate(entries, 1):
            text, breaks = entry_breaks(marked, n)
            assert "".join(entry) == text
            assert ends(entry) <= breaks, entry


def page_lines(page) -> list[Line]:
    """A PDF page's lines of the 版心, top to bottom."""
    rows: dict[int, list] = {}
    for char in page.chars:
        if char["text"].strip() and char["bottom"] <= BOTTOM + 2:
            rows.setdefault(round(char["bottom"]), []).append(char)
    return sorted((Line(chars) for chars in rows.values()), key=lambda line: line.top)
