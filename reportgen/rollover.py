"""``reportgen init 2024 --from data/2023.yaml``: start next year's data.

The new file is last year's text with its year-specific values replaced by the
marker :data:`loading.TODO` and the year's deductions removed, so that the
clerk keeps the comments, the layout and everything stable (the department,
its duties, the score sheet, the projects' names) and ``check`` lists what is
still to fill in, line by line.
"""

from __future__ import annotations

import re

import yaml

from .loading import TODO

#: Paths (keys and "*" for any list position) whose values carry over.
_KEPT = [
    ("部门",),
    ("自称",),
    ("附件编号",),
    ("部门职能", "*"),
    ("机构人员", "内设机构", "*"),
    ("收支", "执行率偏低阈值"),
    ("收支", "项目", "*", "名称"),
    ("自评", "一级指标", "*", "名称"),
    ("自评", "一级指标", "*", "二级指标", "*", "名称"),
    ("自评", "一级指标", "*", "二级指标", "*", "分值"),
    ("自评", "一级指标", "*", "二级指标", "*", "计分"),
    ("自评", "等级", "*"),
    ("附件", "*"),
    ("版式",),
    ("落款", "单位"),
]
#: Entries of last year that must not carry over even as placeholders.
_DROPPED = [("自评", "一级指标", "*", "二级指标", "*", key) for key in ("扣分", "扣分原因")]


def next_year(text: str, old_year: int, year: int) -> tuple[str, int]:
    """The new file's text and how many values wait to be filled in."""
    edits: list[tuple[int, int, str]] = []
    _walk(yaml.compose(text, Loader=yaml.SafeLoader), (), text, edits, year)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    # Comments that name last year (“2023 年度……的数据”) now speak of the new one.
    text = re.sub(r"(?m)^(\s*#.*)$", lambda m: m.group(1).replace(str(old_year), str(year)), text)
    return text, sum(replacement.startswith(TODO) for _, _, replacement in edits)


def _matches(path: tuple, patterns: list[tuple]) -> bool:
    return any(
        len(pattern) <= len(path) and all(p == "*" or p == k for p, k in zip(pattern, path, strict=False))
        for pattern in patterns
    )


def _walk(node: yaml.Node, path: tuple, text: str, edits: list, year: int) -> None:
    if _matches(path, _KEPT):
        return
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            if _matches(child, _DROPPED):
                edits.append(_whole_lines(key_node, value_node, text))
            else:
                _walk(value_node, child, text, edits, year)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), text, edits, year)
    elif path == ("年度",):
        edits.append((node.start_mark.index, node.end_mark.index, str(year)))
    elif node.value or node.style:
        span = text[node.start_mark.index : node.end_mark.index]
        # A block scalar's span runs through its line breaks and the blank lines after it.
        edits.append((node.start_mark.index, node.end_mark.index, TODO + span[len(span.rstrip("\n")) :]))


def _whole_lines(key: yaml.Node, value: yaml.Node, text: str) -> tuple[int, int, str]:
    start = text.rfind("\n", 0, key.start_mark.index) + 1
    end = value.end_mark.index
    if not text[start:end].endswith("\n"):
        newline = text.find("\n", end)
        end = len(text) if newline < 0 else newline + 1
    return start, end, ""
