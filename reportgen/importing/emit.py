"""Imported data written as a data file: the sample's key order and layout, a
comment above each value still to fill in, and the text that found no place
quoted at the end, so that nothing of the report is lost."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from ..loading import TODO, line_end

#: Top-level keys in the order of the sample file.
ORDER = [
    "提纲",
    "年度",
    "部门",
    "自称",
    "附件编号",
    "部门职能",
    "机构人员",
    "重点工作",
    "绩效目标",
    "收支",
    "绩效管理",
    "自评",
    "存在问题",
    "改进措施",
    "其他需要说明的问题",
    "落款",
    "附件",
]
#: Characters a plain YAML scalar may not start with.
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@` ")
_LOOKS_TYPED = re.compile(
    r"^(?:[-+]?[\d.]+(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|true|false|yes|no|on|off|null|~|\d{4}-\d\d-\d\d.*)$", re.I
)


def scalar(value: object) -> str:
    if value is None:
        return TODO
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | int):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    text = str(value)
    if (
        not text
        or text[0] in _INDICATORS
        or text != text.strip()
        or ": " in text
        or " #" in text
        or "\n" in text
        or text.endswith(":")
        or _LOOKS_TYPED.match(text)
        or text == TODO
    ):
        return json.dumps(text, ensure_ascii=False)
    return text


def emit(data: dict, gaps: dict[tuple, str], header: list[str], unplaced: list[str]) -> str:
    lines = [f"# {line}" if line else "#" for line in header] + [""]
    for key in [k for k in ORDER if k in data] + [k for k in data if k not in ORDER]:
        _write(lines, key, data[key], (key,), 0, gaps)
        lines.append("")
    if unplaced:
        lines.append("# 报告中下列文字没有找到对应的位置，请看需要放到哪一项：")
        lines += [f"#   {text}" for text in unplaced]
    return "\n".join(lines).rstrip("\n") + "\n"


def _comment(lines: list[str], path: tuple, indent: int, gaps: dict[tuple, str]) -> None:
    if path in gaps:
        lines.append(" " * indent + f"# {TODO}：{gaps[path]}")


def _write(lines: list[str], key: str, value: object, path: tuple, indent: int, gaps: dict) -> None:
    pad = " " * indent
    _comment(lines, path, indent, gaps)
    if isinstance(value, dict):
        lines.append(f"{pad}{key}:")
        for child, item in value.items():
            _write(lines, child, item, path + (child,), indent + 2, gaps)
    elif isinstance(value, list):
        if not value:
            lines.append(f"{pad}{key}: []")
            return
        lines.append(f"{pad}{key}:")
        for i, item in enumerate(value):
            _item(lines, item, path + (i,), indent + 2, gaps)
    else:
        lines.append(f"{pad}{key}: {scalar(value)}")


def _item(lines: list[str], item: object, path: tuple, indent: int, gaps: dict) -> None:
    pad = " " * indent
    _comment(lines, path, indent, gaps)
    if isinstance(item, dict):
        first = True
        for child, value in item.items():
            if first and not isinstance(value, dict | list):
                _comment(lines, path + (child,), indent, gaps)
                lines.append(f"{pad}- {child}: {scalar(value)}")
            else:
                before = len(lines)
                _write(lines, child, value, path + (child,), indent + 2, gaps)
                if first:  # the first key of a list item carries the dash
                    at = next(i for i in range(before, len(lines)) if not lines[i].lstrip().startswith("#"))
                    lines[at] = pad + "- " + lines[at][indent + 2 :]
            first = False
    else:
        lines.append(f"{pad}- {scalar(item)}")


def patch(
    text: str, values: dict[tuple, object], blocks: dict[tuple, list[dict]]
) -> tuple[str, list[tuple[str, str, str]]]:
    """``text`` with the scalar at each path of ``values`` set (added under its
    mapping when missing) and each list of ``blocks`` written anew, every
    comment and other section kept as it was; and what changed (path, old, new)."""
    import yaml

    from ..diagnostics import format_path

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    edits: list[tuple[int, int, str]] = []
    changes: list[tuple[str, str, str]] = []
    for path, value in values.items():
        node, parent = _find(root, path)
        new = scalar(value)
        if node is not None and isinstance(node, yaml.ScalarNode):
            if node.value != new:
                edits.append((node.start_mark.index, node.end_mark.index, new))
                changes.append((format_path(path), node.value or "（空）", new))
        elif parent is not None and isinstance(parent, yaml.MappingNode) and parent.value and not parent.flow_style:
            last_key, last_value = parent.value[-1]
            at = line_end(
                text, last_value.end_mark.index - 1 if last_value.end_mark.column == 0 else last_value.end_mark.index
            )
            edits.append((at, at, f"{' ' * last_key.start_mark.column}{path[-1]}: {new}\n"))
            changes.append((format_path(path), "（无）", new))
    for path, items in blocks.items():
        node, parent = _find(root, path)
        key = next(
            (k for k, v in (parent.value if isinstance(parent, yaml.MappingNode) else []) if k.value == path[-1]), None
        )
        indent = key.start_mark.column if key is not None else 2
        lines: list[str] = []
        _write(lines, str(path[-1]), items, path, indent, {})
        block = "\n".join(lines) + "\n"
        if key is not None:
            start = text.rfind("\n", 0, key.start_mark.index) + 1
            # Up to the line of the list's last value: comments after it belong to what follows.
            end = line_end(text, _last_scalar(node).end_mark.index) if node is not None else line_end(text, start)
            edits.append((start, end, block))
        elif isinstance(parent, yaml.MappingNode) and parent.value:
            at = line_end(text, parent.value[-1][1].end_mark.index - 1)
            edits.append((at, at, block))
        for i, item in enumerate(items):
            changes.append(
                (f"{format_path(path)}[{i + 1}]", "", "，".join(f"{k} {scalar(v)}" for k, v in item.items()))
            )
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, changes


def _last_scalar(node):
    """The last scalar under a node (where its text really ends)."""
    import yaml

    while not isinstance(node, yaml.ScalarNode):
        children = node.value if isinstance(node, yaml.SequenceNode) else [v for _, v in node.value]
        if not children:
            return node
        node = children[-1]
    return node


def _find(root, path: tuple):
    """(the node at ``path``, its parent); None where the path stops."""
    import yaml

    node, parent = root, None
    for part in path:
        parent = node
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            return None, parent
    return node, parent
