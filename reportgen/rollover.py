"""``reportgen init 2024 --from data/2023.yaml``: start next year's data.

The new file is last year's text with its year-specific values (deductions
included) replaced by the marker :data:`loading.TODO`, so that the
clerk keeps the comments, the layout and everything stable (the department,
its duties, the score sheet, the projects' names) and ``check`` lists what is
still to fill in, line by line.  Last year's 决算 figures become the new
year's ``上年决算`` (and its 收入 the ``上年收入``), so year-on-year changes
need no retyping.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from .formats import written
from .loading import TODO, compose, line_end, scalar_edit
from .outlines import indicator_paths

#: Paths (keys and "*" for any list position) whose values carry over.
_KEPT = [
    ("提纲",),
    ("部门",),
    ("自称",),
    ("附件编号",),
    ("部门职能", "*"),
    ("机构人员", "内设机构", "*"),
    ("收支", "执行率偏低阈值"),
    # A project's name, who runs it and what its form is worth stay; its amounts and results do not.
    *(("收支", "项目", "*", key) for key in ("名称", "主管部门", "实施单位", "执行率分值", "填报人", "联系电话")),
    # The score sheets (the department's and each project's) are the same next year at every
    # level: indicators, weights, rules and targets; what was achieved, lost and why is the
    # new year's to say.
    *(
        path
        for key in ("名称", "分值", "计分", "比率", "满分线", "每个百分点扣", "口径", "年度指标值")
        for path in indicator_paths(key)
    ),
    ("自评", "等级", "*"),
    ("自评", "定性档次"),
    *(("项目自评", key) for key in ("输出", "汇总表", "执行率分值", "得分偏低线", "填报人", "联系电话")),
    ("附件", "*"),
    ("版式",),
    ("落款", "单位"),
]
#: A comment block starting so holds for its year only (how last year's figures were
#: published, say): it does not carry over.
YEAR_ONLY_COMMENT = "# 说明："


#: The key that receives last year's 决算 in each budget line.
PRIOR = "上年决算"


#: The budget lines whose 决算 becomes next year's 上年决算 (资金来源 are set anew each year;
#: 政府采购 and “三公”经费 are compared year on year).
_CARRIED_ROLES = ("部门整体", "基本支出", "项目支出", "项目", "控制项")


def carried_figures(evaluated) -> dict[tuple, str]:
    """What carries into next year's prior-year keys, path → value as written:
    each line's 决算 as its 上年决算, each income line as 上年收入."""
    carried = {
        line.path + (PRIOR,): written(line.actual)
        for line in evaluated.budget_lines()
        if line.role.value in _CARRIED_ROLES
    }
    carried.update({("收支", "上年收入", income.name): written(income.amount) for income in evaluated.budget.income})
    return carried


def next_year(
    text: str, old_year: int, year: int, carried: dict[tuple, str] | None = None, kept: tuple[tuple, ...] = ()
) -> tuple[str, int]:
    """The new file's text and how many values wait to be filled in; ``carried``
    (path → value) are written as they are, added where the file lacks them;
    ``kept`` are paths (like :data:`_KEPT`) the template set declares as carried over."""
    carried = dict(carried or {})
    edits: list[tuple[int, int, str]] = []
    mappings: dict[tuple, yaml.MappingNode] = {}
    _walk(compose(text), (), text, edits, year, carried, mappings, set(), [*_KEPT, *kept])
    edits += _insertions(carried, mappings, text)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    text = _drop_year_only_comments(text)
    # Comments that name last year (“2023 年度……的数据”) now speak of the new one.
    text = re.sub(r"(?m)^(\s*#.*)$", lambda m: m.group(1).replace(str(old_year), str(year)), text)
    return text, sum(replacement.startswith(TODO) for _, _, replacement in edits)


def _matches(path: tuple, patterns: list[tuple]) -> bool:
    return any(
        len(pattern) <= len(path) and all(p == "*" or p == k for p, k in zip(pattern, path, strict=False))
        for pattern in patterns
    )


def _walk(
    node: yaml.Node,
    path: tuple,
    text: str,
    edits: list,
    year: int,
    carried: dict,
    mappings: dict,
    seen: set,
    kept: list,
) -> None:
    # A node met again through an alias (*名称) stands in the text once, where its anchor is.
    if _matches(path, kept) or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        mappings[path] = node
        for key_node, value_node in node.value:
            _walk(value_node, path + (key_node.value,), text, edits, year, carried, mappings, seen, kept)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), text, edits, year, carried, mappings, seen, kept)
    else:
        if path in carried:
            edits.append(scalar_edit(text, node, carried.pop(path)))
        elif path == ("年度",):
            edits.append(scalar_edit(text, node, str(year)))
        elif node.value or node.style:
            edits.append(scalar_edit(text, node, TODO))


def _insertions(carried: dict[tuple, str], mappings: dict, text: str) -> list[tuple[int, int, str]]:
    """Lines for carried values the file does not have yet: under their mapping
    (after its 决算 line where there is one), or as a new mapping after 收入."""
    edits = []
    by_parent: dict[tuple, list[tuple[str, str]]] = {}
    for path, value in carried.items():
        by_parent.setdefault(path[:-1], []).append((path[-1], value))
    for parent, entries in by_parent.items():
        node = mappings.get(parent)
        if node is not None and node.flow_style is False:
            keys = [k for k, _ in node.value]
            anchor = next((k for k in keys if k.value == "决算"), keys[0])
            at = line_end(text, anchor.start_mark.index)
            lines = "".join(f"{' ' * anchor.start_mark.column}{key}: {value}\n" for key, value in entries)
            edits.append((at, at, lines))
        elif node is None and parent == ("收支", "上年收入") and ("收支", "收入") in mappings:
            income = mappings[("收支", "收入")]
            indent = income.value[0][0].start_mark.column if income.flow_style is False else 4
            at = line_end(text, income.end_mark.index - 1)
            block = f"{' ' * (indent - 2)}上年收入:\n" + "".join(f"{' ' * indent}{k}: {v}\n" for k, v in entries)
            edits.append((at, at, block))
    return edits


def _drop_year_only_comments(text: str) -> str:
    """Remove each "# 说明：" comment and the comment lines that continue it."""
    kept, dropping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith(YEAR_ONLY_COMMENT):
            dropping = True
        elif not stripped.startswith("#"):
            dropping = False
        if not dropping:
            kept.append(line)
    return "".join(kept)


def schema_line(text: str, source: Path, output: Path) -> str:
    """The editor's ``$schema=`` reference, made relative to where the new file lies."""

    def moved(match: re.Match) -> str:
        target = (source.parent / match.group(2)).resolve()
        try:
            relative = os.path.relpath(target, output.parent.resolve())
        except ValueError:  # another drive on Windows
            relative = str(target)
        return match.group(1) + Path(relative).as_posix()

    return re.sub(r"(?m)^(#\s*yaml-language-server:\s*\$schema=)(\S+)", moved, text, count=1)
