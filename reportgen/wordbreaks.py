"""Where a title, an 附件说明 name or a cell holding an organ's name may break
between lines: between the words of an organ's name (地名 / 机构名 / 后缀 …),
never inside one ("…区市场 / 监督管理局", "办 / 公室", "沙依 / 巴克区" are what a
文秘 sends back).

Two levels.  :func:`words` cuts between places, organs and the report's own
words: whatever stands between a place (or an organ) and the end of the next
organ is one organ's name, whatever its 机构名 (市场监督管理局, 住房和城乡建设局,
文化广电旅游局), so a name never seen is kept whole by the same rule.
:func:`parts` cuts one word further, for a line too narrow to hold it: before
a suffix of several characters (市场监督 / 管理局), after a 和 (住房和 /
城乡建设局), around the people's name of an autonomous place (广西 / 壮族 /
自治区).

A small dictionary and rules of our own rather than a segmenter: jieba and
rjieba cut ordinary words (市场 / 监督 / 管理局, 发展 / 和 / 改革 / 委员会), which
put a break inside the organ's name in 73 of the 129 names of
tests/fixtures/department-names.txt, and jieba needs over a second to load its
dictionary.  What is not recognised here is never broken, so a rule missed
costs a line that could have broken, not a word cut in two.
"""

from __future__ import annotations

import re

#: Names that open an organ's name: a break may follow them (中共 / 广州市 / …).
_LEADING = ("中国人民政治协商会议", "中国共产党", "中共", "政协", "共青团", "国家税务总局")
#: Suffixes of several characters that end an organ (人民政府, 委员会, 办公室):
#: a break may follow them (委员会 / 办公室); one before them only inside the
#: organ's name (发展和改革 / 委员会), unless a place stands there (南山区 / 委员会).
#: A one-character suffix (局、厅、部) ends the organ where the next word begins.
_SUFFIXES = (
    "常务委员会",
    "管理委员会",
    "委员会",
    "常委会",
    "管委会",
    "人民政府",
    "政府",
    "办公室",
    "办公厅",
    "办事处",
    "管理局",
    "管理中心",
    "中心",
)
#: The report's own words after the organ (部门整体 / 支出 / 绩效自评报告): breaks around them.
_REPORT_WORDS = (
    "部门整体",
    "项目支出",
    "收支情况表",
    "支出",
    "绩效自评报告",
    "绩效自评表",
    "绩效自评",
    "结果汇总表",
)
#: The last character of a place's name (广东省, 越秀区, 伊金霍洛旗, 恩施土家族苗族自治州, 沙湾镇).
_PLACE_ENDS = "省市县区旗盟州镇乡"
#: A place's last character that is part of a common word instead, after a 和 or deep in a
#: 机构名 (住房和城乡建设局, 综合执法和城市管理局, 智慧城市建设中心; but 晋城市, 苏州工业园区).
#: Such a word opening a 机构名 (城市管理局, 社区服务中心) is too short for a place.
_NOT_PLACE = re.compile(r"(?:和|[\u4e00-\u9fff]{2})(?:[城都超]市|社区)$|和(?:[园景片校辖小街矿林营]区|城镇)$|城乡$")
#: What follows a place's last character when that character begins a word
#: (广东省委, 广州市政府, 市直, 市属, 乡村, 乡镇), or a branch of the organ before the place
#: (公安局越秀区分局, 消防救援支队): no break after the place there.
_ATTACHED = re.compile(r"委(?!员会)|政府|政协|直|属|级|域|村|镇|分[局院会所处]|[支大中]队")
#: A place's abbreviated party committee (广州市委, 越秀区委): an organ, a break after it.
_PARTY_COMMITTEE = re.compile(r"(?<=[省市县区州旗])委(?!员会)")
_WORDS = re.compile("|".join(map(re.escape, sorted(_SUFFIXES + _REPORT_WORDS, key=len, reverse=True))))
_SUFFIX = re.compile("|".join(map(re.escape, sorted(_SUFFIXES, key=len, reverse=True))))
_OPENING = re.compile("|".join(map(re.escape, _LEADING)))
#: Inside a word: after a 和 that joins two 机构名 (住房和 / 城乡建设局; not 共和国),
#: around a people's name (广西 / 壮族 / 自治区, 恩施 / 土家族 / 苗族 / 自治州).
_JOINED = re.compile(r"(?<!共)和")
_PEOPLE = re.compile(r"族(?=[\u4e00-\u9fff]*自治[区州县旗])")
_AUTONOMOUS = re.compile(r"自治[区州县旗]")
#: A year (2023年度) ends a word; a run of Latin letters, digits and marks is never broken.
_YEAR = re.compile(r"[0-9]{4}年度")
_LATIN = re.compile(r"[!-~]+")
#: Marks a line may not start with, and marks it may not end with (GB/T 15834 practice).
_NO_START = frozenset("，。、；：？！）》”’…%")
_NO_END = frozenset("（《“‘")
_BRACKETED = re.compile(r"（[^（）]*）")
#: No piece shorter than this many characters is cut off (县 / 审计局).
_SHORTEST = 2
#: Nor a 机构名 shorter than this from its suffix (应急 / 管理局).
_BEFORE_SUFFIX = 3


def words(text: str) -> list[str]:
    """``text`` cut where a line may break; joined, the pieces are ``text``."""
    # Each place a break may come, with the fewest characters the piece before it must have.
    cuts = {match.end(): _SHORTEST for match in _OPENING.finditer(text)}
    cuts |= {match.end(): _SHORTEST for match in _YEAR.finditer(text)}
    cuts |= {match.end(): _SHORTEST for match in _PARTY_COMMITTEE.finditer(text)}
    # A name in brackets is a word of its own: 黄埔区 / （广州开发区） / 财政局.
    cuts |= {match.start(): _SHORTEST for match in _BRACKETED.finditer(text)}
    cuts |= {match.end(): _SHORTEST for match in _BRACKETED.finditer(text)}
    for match in _WORDS.finditer(text):
        if match.group() not in _SUFFIXES:
            cuts[match.start()] = _SHORTEST
        cuts[match.end()] = _SHORTEST
    start = 0
    for i, ch in enumerate(text):
        if i in cuts or ch in _NO_END:
            start = i + (ch in _NO_END)
        if (
            ch in _PLACE_ENDS
            and i - start >= _SHORTEST
            and not _NOT_PLACE.search(text, start, i + 1)
            and not _ATTACHED.match(text, i + 1)
        ):
            cuts[i + 1] = _SHORTEST
            start = i + 1
    return _cut(text, cuts)


def parts(word: str) -> list[str]:
    """One word of :func:`words` cut further, for a line too narrow to hold it whole."""
    cuts = {}
    for match in _SUFFIX.finditer(word):
        # 应急管理局 and 城市管理局 stay whole: a two-character 机构名 is no part of its own.
        cuts.setdefault(match.start(), _BEFORE_SUFFIX)
        cuts[match.end()] = _SHORTEST
    if word[-1] not in _PLACE_ENDS:  # a place's 和 is no conjunction (呼和浩特市)
        cuts |= {match.end(): _SHORTEST for match in _JOINED.finditer(word)}
    cuts |= {match.end(): _SHORTEST for match in _PEOPLE.finditer(word)}
    cuts |= {match.start(): _SHORTEST for match in _AUTONOMOUS.finditer(word)}
    return _cut(word, cuts)


def _cut(text: str, cuts: dict[int, int]) -> list[str]:
    """``text`` cut at ``cuts`` (each with the fewest characters the piece before
    it must have), none inside a Latin run, before a closing mark or after an
    opening one (“黄埔区（广州开发区 / ）”), none leaving a piece too short."""
    for run in _LATIN.finditer(text):
        for inside in range(run.start() + 1, run.end()):
            cuts.pop(inside, None)
    for cut in [cut for cut in cuts if 0 < cut < len(text) and (text[cut] in _NO_START or text[cut - 1] in _NO_END)]:
        del cuts[cut]
    pieces, last = [], 0
    for cut in sorted(cuts):
        if cut - last >= cuts[cut] and len(text) - cut >= _SHORTEST:
            pieces.append(text[last:cut])
            last = cut
    return [*pieces, text[last:]] if text else []
