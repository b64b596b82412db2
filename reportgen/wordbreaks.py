"""Where a title or an 附件说明 name may break between lines: between the words
of an organ's name (地名 / 机构名 / 后缀), never inside one ("…区市场 / 监督管理局",
"办 / 公室" are what a 文秘 sends back).

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
_LEADING = ("中国人民政治协商会议", "中国共产党", "中共", "政协", "共青团")
#: Suffixes of several characters that end an organ's name or a part of it:
#: a break may come before and after them (发展和改革 / 委员会, 人民政府 / 办公室).
#: A one-character suffix (局、厅、委) stays with its 机构名 (财政局).
_SUFFIXES = (
    "常务委员会",
    "管理委员会",
    "委员会",
    "人民政府",
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
#: The last character of a place's name (广东省, 越秀区, 伊金霍洛旗, 恩施土家族苗族自治州).
_PLACE_ENDS = "省市县区旗盟州"
#: A place's last character that is part of a common word instead (城市, 社区, 园区 …).
_NOT_PLACE = {"市": "城都超", "区": "社园景片校辖小街矿林营"}
#: What follows a place's last character when that character begins an abbreviation
#: (广东省委, 广州市政府, 市直, 市属): no break after the place there.
_ATTACHED = re.compile(r"委(?!员会)|政府|政协|直|属|级|域")
_WORDS = re.compile("|".join(map(re.escape, sorted(_SUFFIXES + _REPORT_WORDS, key=len, reverse=True))))
_OPENING = re.compile("|".join(map(re.escape, _LEADING)))
#: A year (2023年度) ends a word; a run of Latin letters, digits and marks is never broken.
_YEAR = re.compile(r"[0-9]{4}年度")
_LATIN = re.compile(r"[!-~]+")
#: No piece shorter than this many characters is cut off (县 / 审计局).
_SHORTEST = 2
#: Nor a 机构名 shorter than this from its suffix (应急 / 管理局).
_BEFORE_SUFFIX = 3


def words(text: str) -> list[str]:
    """``text`` cut where a line may break; joined, the pieces are ``text``."""
    # Each place a break may come, with the fewest characters the piece before it must have.
    cuts = {match.end(): _SHORTEST for match in _OPENING.finditer(text)}
    cuts |= {match.end(): _SHORTEST for match in _YEAR.finditer(text)}
    for match in _WORDS.finditer(text):
        # 应急管理局 and 城市管理局 stay whole: a two-character 机构名 is no part of its own.
        cuts.setdefault(match.start(), _BEFORE_SUFFIX)
        cuts[match.end()] = _SHORTEST
    start = 0
    for i, ch in enumerate(text):
        if i in cuts:
            start = i
        if (
            ch in _PLACE_ENDS
            and i - start >= _SHORTEST
            and text[i - 1] not in _NOT_PLACE.get(ch, "")
            and not _ATTACHED.match(text, i + 1)
        ):
            cuts[i + 1] = _SHORTEST
            start = i + 1
    for run in _LATIN.finditer(text):
        for inside in range(run.start() + 1, run.end()):
            cuts.pop(inside, None)
    pieces, last = [], 0
    for cut in sorted(cuts):
        if cut - last >= cuts[cut] and len(text) - cut >= _SHORTEST:
            pieces.append(text[last:cut])
            last = cut
    return [*pieces, text[last:]] if text else []
