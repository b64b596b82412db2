"""The text of a Word document as a reader needs it: paragraphs with the
number they show (typed, or Word's automatic numbering worked out), their
heading level where a style gives one, and tables as rows of cell texts.

Safe on hostile files: the package's size and entries are checked before
anything is unpacked, and a .doc is converted by LibreOffice in a separate,
time-limited process; nothing in the file is ever run.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InvalidInput, error
from ..formats import cn_number

#: What a report's package may hold at most (a report is well under 1 MB).
MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2_000
MAX_PARAGRAPHS = 20_000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Paragraph:
    #: The number the reader sees before the text, typed or automatic ("一、", "（二）", "3.").
    label: str
    text: str
    #: 1–4 for a heading style (Heading 1, 标题 2 …), else 0.
    heading: int = 0


@dataclass
class Document:
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    #: The text just before each table (where a unit such as 单位：元 is given).
    captions: list[str] = field(default_factory=list)


def read(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"):
        raise InvalidInput(
            [
                error(
                    "PDF 和图片中没有可读取的文字结构：请提供 Word 文件（.docx 或 .doc）；只有 PDF 时，可在 WPS/Word 中把它另存为 .docx"
                )
            ]
        )
    if suffix == ".doc":
        return _read_converted(path)
    if suffix != ".docx":
        raise InvalidInput([error("应为 Word 文件（.docx 或 .doc）")])
    return _read_docx(path)


def _read_converted(path: Path) -> Document:
    from ..rendering import find_office

    office = find_office()
    if office is None:
        raise InvalidInput(
            [error("读取 .doc 需要 LibreOffice（未找到）；请安装 LibreOffice，或在 Word/WPS 中把文件另存为 .docx")]
        )
    with tempfile.TemporaryDirectory(prefix="reportgen-import-") as work:
        command = [
            office,
            f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            work,
            str(path),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=180, check=True)
        except (OSError, subprocess.SubprocessError):
            raise InvalidInput([error("LibreOffice 无法转换这个 .doc 文件；请在 Word/WPS 中另存为 .docx")]) from None
        converted = Path(work) / (path.stem + ".docx")
        if not converted.exists():
            raise InvalidInput([error("LibreOffice 没有转换出 .docx；请在 Word/WPS 中另存为 .docx")])
        return _read_docx(converted)


def _check_package(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (OSError, zipfile.BadZipFile):
        raise InvalidInput([error("不是有效的 .docx 文件（可能已损坏，或其实是别的格式）")]) from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_PACKAGE_BYTES:
        raise InvalidInput([error("文件解压后过大，不像是一份报告，未读取")])
    if "word/document.xml" not in {e.filename for e in entries}:
        raise InvalidInput([error("不是 Word 文档（缺少 word/document.xml）")])


def _read_docx(path: Path) -> Document:
    import docx

    _check_package(path)
    try:
        word = docx.Document(str(path))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for a broken package
        raise InvalidInput([error("无法读取这个 .docx 文件（可能已损坏）")]) from None
    numbering = _Numbering(word)
    document = Document()
    body = word.element.body
    for element in body.iterchildren():
        if element.tag == f"{W}p":
            paragraph = _paragraph(element, word, numbering)
            if paragraph.text or paragraph.label:
                document.paragraphs.append(paragraph)
        elif element.tag == f"{W}tbl":
            document.tables.append(_table(element))
            document.captions.append(document.paragraphs[-1].text if document.paragraphs else "")
        if len(document.paragraphs) > MAX_PARAGRAPHS:
            raise InvalidInput([error("段落过多，不像是一份报告，未读取")])
    return document


def _text(element) -> str:
    pieces = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br"):
        pieces.append(node.text or "" if node.tag == f"{W}t" else "\n" if node.tag == f"{W}br" else " ")
    return "".join(pieces)


def _paragraph(element, word, numbering: _Numbering) -> Paragraph:
    properties = element.find(f"{W}pPr")
    style_id = None
    if properties is not None and properties.find(f"{W}pStyle") is not None:
        style_id = properties.find(f"{W}pStyle").get(f"{W}val")
    heading = _heading_level(word, style_id)
    label = numbering.label(properties, style_id)
    text = _text(element).replace("\n", "").strip()
    return Paragraph(label, text, heading)


def _heading_level(word, style_id: str | None) -> int:
    if not style_id:
        return 0
    style = next((s for s in word.styles if getattr(s, "style_id", None) == style_id), None)
    name = (style.name if style is not None else style_id) or ""
    found = re.match(r"^(?:heading|标题)\s*(\d)$", name.strip(), re.IGNORECASE)
    return int(found.group(1)) if found and 1 <= int(found.group(1)) <= 4 else 0


def _table(element) -> list[list[str]]:
    """Rows of cell texts by grid column: a cell spanning columns repeats its
    text in each, a cell merged with the one above takes that one's text."""
    rows: list[list[str]] = []
    for row in element.iter(f"{W}tr"):
        cells: list[str] = []
        for cell in row.iter(f"{W}tc"):
            text = "".join(_text(p).strip() for p in cell.iter(f"{W}p"))
            merge = cell.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val") in (None, "continue") and rows and len(rows[-1]) > len(cells):
                text = rows[-1][len(cells)]
            span = cell.find(f"{W}tcPr/{W}gridSpan")
            cells += [text] * (int(span.get(f"{W}val")) if span is not None else 1)
        rows.append(cells)
    return rows


class _Numbering:
    """Word's automatic numbering, worked out as Word shows it: for each list
    and level, its format (一, 1, …) and its text ("%1、", "（%1）")."""

    def __init__(self, word) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_numbers: dict[str, tuple[str, int]] = {}
        try:
            part = word.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract = {}
        for definition in root.iter(f"{W}abstractNum"):
            levels = {}
            for level in definition.iter(f"{W}lvl"):
                fmt = level.find(f"{W}numFmt")
                text = level.find(f"{W}lvlText")
                start = level.find(f"{W}start")
                levels[int(level.get(f"{W}ilvl"))] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else "",
                    int(start.get(f"{W}val")) if start is not None else 1,
                )
            abstract[definition.get(f"{W}abstractNumId")] = levels
        for number in root.iter(f"{W}num"):
            reference = number.find(f"{W}abstractNumId")
            for ilvl, spec in abstract.get(reference.get(f"{W}val") if reference is not None else "", {}).items():
                self.levels[(number.get(f"{W}numId"), ilvl)] = spec
        for style in word.styles:
            properties = getattr(style, "element", None)
            numbering = properties.find(f"{W}pPr/{W}numPr") if properties is not None else None
            if numbering is not None and numbering.find(f"{W}numId") is not None:
                level = numbering.find(f"{W}ilvl")
                self.style_numbers[style.style_id] = (
                    numbering.find(f"{W}numId").get(f"{W}val"),
                    int(level.get(f"{W}val")) if level is not None else 0,
                )

    def label(self, properties, style_id: str | None) -> str:
        number = properties.find(f"{W}numPr") if properties is not None else None
        if number is not None and number.find(f"{W}numId") is not None:
            level = number.find(f"{W}ilvl")
            key = (number.find(f"{W}numId").get(f"{W}val"), int(level.get(f"{W}val")) if level is not None else 0)
        elif style_id in self.style_numbers:
            key = self.style_numbers[style_id]
        else:
            return ""
        if key not in self.levels or key[0] == "0":
            return ""
        counters = self.counters.setdefault(key[0], [0] * 9)
        ilvl = key[1]
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, start = self.levels[key]

        def value(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            count = counters[level] + self.levels.get((key[0], level), (fmt, text, start))[2] - 1
            return _format_number(count, self.levels.get((key[0], level), (fmt,))[0])

        return re.sub(r"%(\d)", value, text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
        return cn_number(n) if 0 < n < 100 else str(n)
    if fmt == "decimalEnclosedCircle" and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)
