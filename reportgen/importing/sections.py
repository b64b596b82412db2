"""A report's structure and its plain text: title, sections, lists, 落款.

The outline is found from the numbers the text carries (一、 （一） 1. （1）,
typed or Word's own) or from heading styles and outline levels, and each
section from its heading words and their usual synonyms.  Within a section:
numbered items (a paragraph without a number after an item continues it, as
when a page break cut it), run-in titles ("1.靶向招商，……。正文"), 一是……；二是……
lists.  Every reader marks the paragraphs it used (:meth:`Reading.use`), so
what is left can be kept in the closing comment.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .document import Document, Paragraph, Table
from .normalise import Text, read

CN = "一二三四五六七八九十"
_LEVEL1 = re.compile(rf"^(?:[{CN}]+[、.]|第[{CN}]+部分[、：]?)\s*")
_LEVEL2 = re.compile(rf"^（[{CN}]+）[、.]?\s*")
_ITEM = re.compile(r"^(?:\d{1,2}[.、](?!\d)|（\d{1,2}）|[①-⑳])\s*")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_SELF = re.compile(r"[我本](?:委|局|厅|办|院|部|处|中心|单位|部门|所|站|队|馆|会)")
_TITLE = re.compile(r"\d{4}年.*(?:自评报告|自评的报告)$|^附件\d{1,2}$")
#: A heading is a short line; a long one that starts with 一、 is a list item.
MAX_HEADING = 40

#: Section key → heading words that name it (the longest that a heading contains wins).
SECTIONS = {
    "部门职能": ["部门职能", "主要职能", "部门职责", "主要职责", "职能职责", "单位职能", "基本职能"],
    "机构人员": ["机构设置及人员", "设置机构及人员", "机构设置", "人员情况", "机构人员", "人员编制"],
    "重点工作": ["年度总体工作和重点工作任务", "重点工作", "年度主要任务", "主要任务", "工作任务", "主要工作"],
    "年度总体目标": ["年度总体目标完成情况", "年度总体目标", "总体目标完成情况"],
    "绩效目标": ["部门整体支出绩效目标", "绩效目标"],
    "绩效指标": ["绩效指标完成情况", "绩效指标"],
    "收支": ["部门整体收支情况", "收支情况", "预算执行情况", "预算收支", "资金使用情况", "支出情况"],
    "绩效管理": ["部门整体绩效管理情况", "绩效管理情况", "绩效管理工作"],
    "自评结论": ["自评结论", "自评得分情况", "自评得分", "自评结果"],
    "履职效能": ["履职效能分析", "履职效能"],
    "管理效率": ["管理效率分析", "管理效率"],
    "存在问题": ["存在的主要问题", "存在问题及原因", "存在的问题", "存在问题", "主要问题"],
    "改进措施": [
        "下一步改进措施",
        "改进措施及建议",
        "改进措施",
        "下一步工作",
        "整改措施",
        "改进建议",
        "下一步工作计划",
    ],
    "其他需要说明的问题": ["其他需要说明的问题", "其他需要说明的情况", "其他说明", "其他事项"],
    "概况": ["部门概况", "部门基本情况", "单位基本概况", "单位基本情况", "基本情况", "单位概况"],
    "绩效自评": ["绩效自评情况", "绩效目标及完成情况", "自评情况"],
}
#: Heading cues for each outline: (section key, level it stands at) or a heading word.
OUTLINE_CUES = {
    "财政部": [
        "部门概况",
        "绩效目标及完成情况",
        "年度总体目标",
        "绩效指标完成情况",
        "预算执行情况",
        "自评得分情况",
        "存在问题及原因",
        "其他需要说明的问题",
    ],
    "广东": [
        "部门基本情况",
        "绩效自评情况",
        "自评结论",
        "履职效能",
        "管理效率",
        "部门整体收支情况",
        "部门整体绩效管理情况",
        "年度总体工作和重点工作任务",
        "存在的主要问题",
    ],
}


@dataclass
class Section:
    key: str | None
    heading: str
    level: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    #: The heading's paragraph (None for the text before the first heading).
    block: Paragraph | None = None


@dataclass
class Reading:
    """What the readers share: the document, its sections, what they used and
    what they found."""

    document: Document
    sections: list[Section]
    data: dict = field(default_factory=dict)
    #: Data path → why it is 待填写.
    gaps: dict[tuple, str] = field(default_factory=dict)
    #: Data path → where its value was read (quoted above it).
    sources: dict[tuple, str] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)
    #: (table index, row number) of table rows used.
    used_rows: set[tuple[int, int]] = field(default_factory=set)
    #: Data path → a remark for the clerk that is not a gap.
    notes: dict[tuple, str] = field(default_factory=dict)
    #: Section key → the section (paragraphs of same-keyed sections together).
    by_key: dict[str, Section] = field(default_factory=dict)

    def use(self, *paragraphs: Paragraph) -> None:
        self.used.update(p.index for p in paragraphs)

    def where(self, paragraph: Paragraph) -> str:
        """Where a paragraph stands, as the clerk finds it: its heading and number."""
        for section in self.sections:
            if paragraph in section.paragraphs:
                number = section.paragraphs.index(paragraph) + 1
                return f"“{section.heading}”第{number}段" if section.heading else f"开头第{number}段"
        return "正文"

    def table_name(self, table: Table) -> str:
        number = self.document.tables.index(table) + 1
        title = re.sub(r"^附件[\d-]+\s*|\s*单位：.*$", "", table.caption).strip()
        return f"表{number}" + (f"（{title[:30]}）" if title else "")


def section_key(heading: str) -> str | None:
    plain = re.sub(r"（[^）]*）$", "", heading)
    best = None
    for key, words in SECTIONS.items():
        for word in words:
            if word in plain and (best is None or len(word) > best[0]):
                best = (len(word), key)
    return best[1] if best else None


def heading_of(paragraph: Paragraph) -> tuple[int, str] | None:
    """(level, words) of a level-1 or level-2 heading (numbered 一、/（一） or in a
    heading style); None for anything else, and for a long line that only starts so."""
    text = paragraph.reading
    if len(text) > MAX_HEADING or text.endswith("。") and len(text) > 20:
        return None
    for level, pattern in ((1, _LEVEL1), (2, _LEVEL2)):
        found = pattern.match(text)
        if found and text[found.end() :]:
            return level, text[found.end() :].rstrip("：")
    if paragraph.heading in (1, 2) and not _ITEM.match(text):
        return paragraph.heading, text.rstrip("：")
    return None


def split(document: Document) -> list[Section]:
    """The paragraphs under their headings.  A level-2 "heading" that names no
    section, under a section that does, is one of that section's items
    (（一）加强预算管理……)."""
    sections = [Section(None, "", 0)]
    for paragraph in document.paragraphs:
        if len(sections) > 1 and _ATTACHMENT_LABEL.match(paragraph.reading) and sections[-1].key != "附件":
            # The attachments begin: what follows is theirs, not the last section's.
            sections.append(Section("附件", "", 1, block=None))
        if sections[-1].key == "附件":
            sections[-1].paragraphs.append(paragraph)
            continue
        found = heading_of(paragraph)
        if len(sections) == 1 and _TITLE.search(paragraph.reading) or _TABLE_TITLE.match(paragraph.reading):
            found = None  # the title or an attachment's, whatever its style
        if found is not None:
            level, words = found
            key = section_key(words)
            current = sections[-1]
            if key is None and level == 2 and current.key is not None:
                current.paragraphs.append(paragraph)
                continue
            sections.append(Section(key, words, level, block=paragraph))
        else:
            sections[-1].paragraphs.append(paragraph)
    return sections


_ATTACHMENT_LABEL = re.compile(r"^附件\d{1,2}(?:-\d{1,2})?$")
#: Lines that only label what follows (an attachment's number and title, a table's unit).
_LABEL_LINE = re.compile(r"^(?:附件\d{1,2}(?:-\d{1,2})?|单位：\s*(?:万元|元|亿元))$")
_TABLE_TITLE = re.compile(r"^\d{4}年度?[^。；]{2,60}(?:情况表|自评表|明细表|执行表|汇总表)$")


def new_reading(document: Document) -> Reading:
    sections = split(document)
    reading = Reading(document, sections)
    reading.use(*[p for p in document.paragraphs if _LABEL_LINE.match(p.reading) or _TABLE_TITLE.match(p.reading)])
    for section in sections:
        if section.key is None or section.key == "附件":
            continue
        reading.use(section.block)
        if section.key in reading.by_key:
            reading.by_key[section.key].paragraphs += section.paragraphs
        else:
            reading.by_key[section.key] = Section(
                section.key, section.heading, section.level, list(section.paragraphs), section.block
            )
    return reading


def outline(reading: Reading) -> str | None:
    """The outline the headings and tables speak for; None when they do not agree."""
    headings = " ".join(s.heading for s in reading.sections)
    cells = " ".join(c.reading for t in reading.document.tables for row in t.rows[:40] for c in row[:10])
    votes = {name: sum(cue in headings for cue in cues) for name, cues in OUTLINE_CUES.items()}
    if "三级指标" in cells or "年度资金总额" in cells:
        votes["财政部"] += 2
    elif "二级指标" in cells:
        votes["广东"] += 1
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    (first, top), (_, second) = ranked[0], ranked[1]
    return first if top >= 2 and top - second >= 2 else None


def self_name(reading: Reading) -> str | None:
    """How the report calls its department (我委, 我局), the most frequent form."""
    found = Counter(_SELF.findall("".join(p.reading for p in reading.document.paragraphs)))
    if not found:
        return None
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))[0][0]


# --- title and 落款 --------------------------------------------------------------------------


def title(reading: Reading) -> None:
    front = reading.sections[0].paragraphs
    lines = []
    for paragraph in front:
        label = re.match(r"^附件(\d{1,2})$", paragraph.reading)
        if label:
            reading.data["附件编号"] = int(label.group(1))
            reading.use(paragraph)
        elif (
            "报告" in paragraph.reading or not lines and len(paragraph.reading) <= 40 and "。" not in paragraph.reading
        ):
            lines.append(paragraph)
            if "报告" in paragraph.reading:
                break
    text = read("".join(p.text.raw for p in lines))
    year = re.search(r"(\d{4})年度?", text.reading)
    end = re.search(r"(?:部门)?整体支出|(?:部门)?(?:整体)?绩效自评的?报告|自评报告", text.reading)
    if year and end:
        reading.use(*lines)
        reading.data["年度"] = int(year.group(1))
        before = re.match(r"^(?:关于)?(.*?)(?:关于)?$", text.reading[: year.start()])
        if before.group(1):
            start, stop = before.start(1), before.end(1)
        else:
            start, stop = year.end(), end.start()
        name = text.written(start, stop).strip() if stop > start else ""
        if name.endswith("部门") and len(name) > 4:
            name = name[:-2]
        reading.data["部门"] = name or None
        if name:
            reading.sources[("部门",)] = f"标题“{text.written()}”"
        else:
            reading.gaps[("部门",)] = f"标题“{text.written()}”中没有部门名称"
    else:
        reading.data["年度"] = None
        reading.data["部门"] = None
        reading.gaps[("年度",)] = "标题中没有找到“XXXX年度……部门整体支出绩效自评报告”"
        reading.gaps[("部门",)] = "标题中没有找到部门名称"


def department_rows(reading: Reading) -> None:
    """A form's "部门（单位）名称 | …" row says the department the title gave."""
    department = reading.data.get("部门")
    for table in reading.document.tables:
        for number, row in enumerate(table.rows, 1):
            cells = [c.reading for c in row]
            if department and any("名称" in c for c in cells[:2]) and any(c == read(department).reading for c in cells):
                reading.used_rows.add((table.index, number))


def signature(reading: Reading) -> None:
    """The 落款 wherever it stands: the last date line with a short line before it
    (the organ), or the last short line of an organ, a space and a date."""
    paragraphs = reading.document.paragraphs
    for i in range(len(paragraphs) - 1, -1, -1):
        date = _DATE.match(paragraphs[i].reading)
        organ = paragraphs[i - 1] if i else None
        if (
            date
            and organ
            and len(organ.reading) <= 40
            and "。" not in organ.reading
            and not organ.reading.startswith("附件")
        ):
            if _sign(reading, organ.text.written(), date.groups(), organ, paragraphs[i]):
                return
        one_line = _SIGNED.match(paragraphs[i].reading)
        if one_line and not date:
            text, year = paragraphs[i].text, one_line.start(2)
            # A space between them tells an organ and its date from a sentence ending in a date.
            between = text.raw[text.ends[year - 1] : text.starts[year]]
            if (
                between.strip() == ""
                and between
                and _sign(reading, text.written(0, year), one_line.groups()[1:], paragraphs[i])
            ):
                return


#: 单位 and 日期 on one line (reading form: the spaces between them are gone).
_SIGNED = re.compile(r"^([^，。；：、！？\d]{3,40}?)(\d{4})年(\d{1,2})月(\d{1,2})日$")


def _sign(reading: Reading, organ: str, date: tuple[str, ...], *used: Paragraph) -> bool:
    year, month, day = map(int, date)
    if organ.startswith("附件") or not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    reading.data["落款"] = {"单位": organ, "日期": f"{year}-{month:02d}-{day:02d}"}
    reading.use(*used)
    for section in reading.sections + list(reading.by_key.values()):
        section.paragraphs = [p for p in section.paragraphs if p not in used]
    return True


def attachments(reading: Reading) -> None:
    """The 附件说明 (附件：1.…… 2.……), wherever it stands."""
    found = []
    listing = False
    for paragraph in reading.document.paragraphs:
        text = paragraph.reading
        head = re.match(r"^附件：\s*", text)
        if head:
            listing = True
            text = text[head.end() :]
        elif not listing:
            continue
        item = re.match(r"^(?:\d+-)?\d+[.、]\s*(.+)$", text)
        if not item:
            listing = False
            continue
        name = item.group(1)
        found.append(_attachment_name(name))
        reading.use(paragraph)
        for section in reading.sections + list(reading.by_key.values()):
            if paragraph in section.paragraphs:
                section.paragraphs.remove(paragraph)
    reading.data["附件"] = [name for name in dict.fromkeys(found) if name in ATTACHMENTS.values()]


#: The built-in attachments, by what their titles say (most particular first).
ATTACHMENTS = {
    "自评结果汇总表": "项目自评汇总表",
    "项目支出绩效自评表": "项目支出绩效自评表",
    "收支情况表": "收支情况表",
    "收支表": "收支情况表",
    "自评表": "绩效自评表",
}


def _attachment_name(title: str) -> str:
    return next((name for words, name in ATTACHMENTS.items() if words in title), title)


# --- lists and items -----------------------------------------------------------------


@dataclass
class Item:
    text: Text
    #: Where the item's own words start in ``text`` (after its number) and end.
    start: int
    paragraphs: list[Paragraph]
    end: int | None = None

    def written(self, start: int = 0, end: int | None = None) -> str:
        stop = self.end if end is None else self.start + end
        return self.text.written(self.start + start, stop)

    @property
    def reading(self) -> str:
        return self.text.reading[self.start : self.end]


def items(reading: Reading, paragraphs: list[Paragraph]) -> list[Item]:
    """Numbered items (a paragraph after an item without a number of its own
    continues it), or an 一是……；二是…… list, or else each paragraph."""
    numbered: list[Item] = []
    for paragraph in paragraphs:
        found = _ITEM.match(paragraph.reading) or _LEVEL2.match(paragraph.reading)
        if found:
            numbered.append(Item(paragraph.text, found.end(), [paragraph]))
        elif numbered:
            last = numbered[-1]
            joined = read(last.text.raw + paragraph.text.raw)
            numbered[-1] = Item(joined, last.start, [*last.paragraphs, paragraph])
    if numbered and len(numbered[0].paragraphs[0].reading) and paragraphs.index(numbered[0].paragraphs[0]) <= 1:
        for item in numbered:
            reading.use(*item.paragraphs)
        return numbered
    listed = []
    for paragraph in paragraphs:
        parts = enumerated(paragraph.text)
        if parts:
            listed += parts
            reading.use(paragraph)
    if listed:
        return listed
    reading.use(*paragraphs)
    return [Item(p.text, 0, [p]) for p in paragraphs]


def enumerated(text: Text) -> list[Item]:
    """``一是甲；二是乙。`` → the items 甲 and 乙 (nothing if the text is not such a list)."""
    marks = list(re.finditer(rf"(?:^|(?<=[；。，：]))\s*(?:[{CN}]+是|第[{CN}]+[，、])", text.reading))
    if len(marks) < 2:
        return []
    found = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text.reading)
        while end > mark.end() and text.reading[end - 1] in "；;。，, ":
            end -= 1
        if end > mark.end():
            found.append(Item(text, mark.end(), [], end))
    return found


def run_in(item: Item) -> tuple[str, str]:
    """``靶向招商，加速….牢牢把握…`` → (title, body): the title ends at the first 。"""
    text = item.reading
    at = text.find("。")
    if at <= 0 or at == len(text) - 1 or at > 60:
        return "", item.written()
    return item.written(0, at), item.written(at + 1)


def intro_and_list(reading: Reading, paragraphs: list[Paragraph]) -> tuple[list[str], list[str]]:
    """The paragraphs that say something, and the items of any 一是……；二是…… among them."""
    summary, listed = [], []
    for paragraph in paragraphs:
        parts = enumerated(paragraph.text)
        if parts:
            head = paragraph.text.written(0, _start_of(parts[0]))
            head = re.sub(r"[：:，,]?$", "", head)
            if head and not re.fullmatch(r"[（(]?[一二三四五六七八九十\d]+[）)、.]?", head):
                summary.append(head if head.endswith("。") else head)
            listed += [p.written() for p in parts]
        else:
            summary.append(paragraph.text.written())
        reading.use(paragraph)
    return summary, listed


def _start_of(item: Item) -> int:
    """Where an 一是 mark starts (the item text starts after it)."""
    before = item.text.reading[: item.start]
    mark = re.search(rf"(?:[{CN}]+是|第[{CN}]+[，、])$", before)
    return mark.start() if mark else item.start


def duties(reading: Reading) -> None:
    section = reading.by_key.get("部门职能")
    if section is None or not section.paragraphs:
        reading.data["部门职能"] = [None]
        reading.gaps[("部门职能",)] = "报告中没有找到“部门职能”一节"
        return
    reading.data["部门职能"] = [item.written() for item in items(reading, section.paragraphs)]


_COUNTS = {
    "编制数": r"(?:核定)?(?:行政|事业)?编制(?:数|人数)?(?:为|共)?(\d{1,6})(?:名|人|个)",
    "在职人数": r"(?:在职|实有)(?:人员|人数)?(?:为|共)?(\d{1,6})(?:名|人)",
    "离退休人数": r"离退休(?:人员|人数)?(?:为|共)?(\d{1,6})(?:名|人)",
}


def staffing(reading: Reading) -> None:
    """内设机构 by its own label (up to the next clause that has a label of its
    own), and the counts of staff."""
    section = reading.by_key.get("机构人员")
    if section is None:
        return
    text = read("".join(p.text.raw for p in section.paragraphs))
    found: dict = {}
    units = re.search(r"内设(?:机构|科室|部门)(?:共)?(\d{1,3})?个?(?:，分别为|，包括|：)", text.reading)
    if units:
        end = re.search(r"[；。]|，(?=[^，；。]*?(?:\d+个|\d+名|\d+人))", text.reading[units.end() :])
        stop = units.end() + (end.start() if end else len(text.reading) - units.end())
        names = [n for n in re.split(r"[、，]", text.written(units.end(), stop)) if n.strip()]
        if names and (not units.group(1) or int(units.group(1)) == len(names)):
            found["内设机构"] = [re.sub(r"等$", "", n.strip()) for n in names]
        elif names:
            reading.gaps[("机构人员", "内设机构")] = (
                f"原文写内设机构{units.group(1)}个，列出的是 {len(names)} 个：“{text.written(units.start(), stop)}”"
            )
            found["内设机构"] = [None]
    for key, pattern in _COUNTS.items():
        numbers = {m.group(1) for m in re.finditer(pattern, text.reading)}
        if len(numbers) == 1:
            found[key] = int(numbers.pop())
        elif numbers:
            found[key] = None
            reading.gaps[("机构人员", key)] = f"原文中有几个不同的{key}：{'、'.join(sorted(numbers))}"
    if found:
        reading.data["机构人员"] = found
        reading.use(*section.paragraphs)


def key_tasks(reading: Reading, required: tuple[str, ...]) -> None:
    section = reading.by_key.get("重点工作")
    if section is None or not section.paragraphs:
        if "重点工作" in required:
            reading.data["重点工作"] = [{"标题": None, "内容": None}]
            reading.gaps[("重点工作",)] = "报告中没有找到“年度总体工作和重点工作任务”一节"
        return
    tasks = []
    for item in items(reading, section.paragraphs):
        heading, body = run_in(item)
        tasks.append({"标题": heading or None, "内容": body})
    reading.data["重点工作"] = tasks
    for i, task in enumerate(tasks):
        if task["标题"] is None:
            reading.gaps[("重点工作", i, "标题")] = "这一项没有“小标题。”形式的段首标题"


def management(reading: Reading, required: tuple[str, ...]) -> None:
    section = reading.by_key.get("绩效管理")
    if section is None or not section.paragraphs:
        if "绩效管理" in required:
            reading.data["绩效管理"] = {"概述": None, "举措": [None]}
            reading.gaps[("绩效管理",)] = "报告中没有找到“部门整体绩效管理情况”一节"
        return
    summary, measures = intro_and_list(reading, section.paragraphs)
    reading.data["绩效管理"] = {"概述": "".join(summary) or None, "举措": measures or [None]}


def closing_sections(reading: Reading) -> None:
    problems = reading.by_key.get("存在问题")
    if problems is not None:
        stated = [p for p in problems.paragraphs if "执行率较低" not in p.reading and "未发现需要说明" not in p.reading]
        reading.use(*[p for p in problems.paragraphs if p not in stated and "执行率较低" not in p.reading])
        reading.data["存在问题"] = [item.written() for item in items(reading, stated)] if stated else []
    measures = reading.by_key.get("改进措施")
    if measures is None or not measures.paragraphs:
        reading.data["改进措施"] = [None]
        reading.gaps[("改进措施",)] = "报告中没有找到“改进措施”一节"
    else:
        reading.data["改进措施"] = [item.written() for item in items(reading, measures.paragraphs)]
    other = reading.by_key.get("其他需要说明的问题")
    if other is not None and other.paragraphs:
        texts = [p.text.written() for p in other.paragraphs]
        reading.use(*other.paragraphs)
        reading.data["其他需要说明的问题"] = texts[0] if len(texts) == 1 else texts
