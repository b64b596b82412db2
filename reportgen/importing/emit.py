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
#: What a comment line may not hold (a line break would end the comment).
_LINE_BREAKS = re.compile(r"[\r\n\x85\u2028\u2029]+")


def scalar(value: object) -> str:
    """``value`` as YAML text that reportgen's own loader reads back as the
    same text: plain where that holds, double-quoted (with escapes) where not."""
    if value is None:
        return TODO
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return _text(str(value))


def key(name: object) -> str:
    return _text(str(name), as_key=True) if not isinstance(name, int) else str(name)


def _text(text: str, as_key: bool = False) -> str:
    if text and text != TODO and _reads_back(text, text, as_key):
        return text
    quoted = _quoted(text)
    if not _reads_back(quoted, text, as_key):
        raise ValueError(f"cannot write {text!r} as YAML")
    return quoted


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar: JSON's escapes are YAML's, and every
    character YAML would fold or refuse is escaped too."""
    body = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in body)


def _reads_back(written: str, text: str, as_key: bool) -> bool:
    from pathlib import Path

    from ..diagnostics import InvalidInput
    from ..loading import from_text

    try:
        source = from_text(f"{written}: 0\n" if as_key else f"键: {written}\n", Path("键.yaml"))
    except InvalidInput:
        return False
    if as_key:
        return list(source.data) == [text]
    return source.data.get("键") == text and not source.todo


def comment(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def emit(
    data: dict, comments: dict[tuple, list[str]], header: list[str], leftovers: list[tuple[str, list[str]]]
) -> str:
    lines = [f"# {comment(line)}" if line else "#" for line in header] + [""]
    for name in [k for k in ORDER if k in data] + [k for k in data if k not in ORDER]:
        _write(lines, name, data[name], (name,), 0, comments)
        lines.append("")
    if leftovers:
        lines.append("# 报告中下列文字没有用到，按原文的顺序列在所在的标题下，请看需要放到哪一项：")
        for heading, texts in leftovers:
            if heading:
                lines.append(f"#   【{comment(heading)}】")
            lines += [f"#     {comment(text)}" for text in texts]
    return "\n".join(lines).rstrip("\n") + "\n"


def _comment(lines: list[str], path: tuple, indent: int, comments: dict[tuple, list[str]]) -> None:
    for line in comments.get(path, ()):
        lines.append(" " * indent + f"# {comment(line)}")


def _write(lines: list[str], name: str, value: object, path: tuple, indent: int, comments: dict) -> None:
    pad = " " * indent
    _comment(lines, path, indent, comments)
    if isinstance(value, dict):
        if not value:
            lines.append(f"{pad}{key(name)}: {{}}")
            return
        lines.append(f"{pad}{key(name)}:")
        for child, item in value.items():
            _write(lines, child, item, path + (child,), indent + 2, comments)
    elif isinstance(value, list):
        if not value:
            lines.append(f"{pad}{key(name)}: []")
            return
        lines.append(f"{pad}{key(name)}:")
        for i, item in enumerate(value):
            _item(lines, item, path + (i,), indent + 2, comments)
    else:
        lines.append(f"{pad}{key(name)}: {scalar(value)}")


def _item(lines: list[str], item: object, path: tuple, indent: int, comments: dict) -> None:
    pad = " " * indent
    _comment(lines, path, indent, comments)
    if isinstance(item, dict) and item:
        first = True
        for child, value in item.items():
            if first and not isinstance(value, dict | list):
                _comment(lines, path + (child,), indent, comments)
                lines.append(f"{pad}- {key(child)}: {scalar(value)}")
            else:
                before = len(lines)
                _write(lines, child, value, path + (child,), indent + 2, comments)
                if first:  # the first key of a list item carries the dash
                    at = next(i for i in range(before, len(lines)) if not lines[i].lstrip().startswith("#"))
                    lines[at] = pad + "- " + lines[at][indent + 2 :]
            first = False
    else:
        lines.append(f"{pad}- {scalar(item)}")


def patch(text: str, values: dict[tuple, object], items: dict[tuple, list[dict]]) -> tuple[str, list[tuple[str, str, str]]]:
    """``text`` with the scalar at each path of ``values`` set (added, with any
    mapping above it, where missing) and the mappings of ``items`` appended to
    the list at each of its paths, every comment and other key kept as it was;
    and what changed (path, old, new)."""
    import yaml

    from ..diagnostics import format_path

    root = yaml.compose(text, Loader=_LOADER)
    edits: list[tuple[int, int, str]] = []
    changes: list[tuple[str, str, str]] = []
    for path, value in values.items():
        new = scalar(value)
        node, parent, depth = _find(root, path)
        if isinstance(node, yaml.ScalarNode):
            if node.value != new:
                edits.append((node.start_mark.index, node.end_mark.index, new))
                changes.append((format_path(path), node.value or "（空）", new))
        elif node is None and isinstance(parent, yaml.MappingNode):
            nested: object = value
            for part in reversed(path[depth + 1 :]):
                nested = {part: nested}
            edits.append(_add_to_mapping(text, parent, path[depth], nested, path[: depth + 1]))
            changes.append((format_path(path), "（无）", new))
    for path, new_items in items.items():
        node, parent, depth = _find(root, path)
        if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
            dash = text.rfind("-", 0, node.value[0].start_mark.index)
            column = dash - (text.rfind("\n", 0, dash) + 1)
            lines: list[str] = []
            for i, item in enumerate(new_items):
                _item(lines, item, path + (len(node.value) + i,), column, {})
            at = line_end(text, _last_scalar(node).end_mark.index)
            edits.append((at, at, "".join(line + "\n" for line in lines)))
        elif node is None and isinstance(parent, yaml.MappingNode):
            nested = new_items
            for part in reversed(path[depth + 1 :]):
                nested = {part: nested}
            edits.append(_add_to_mapping(text, parent, path[depth], nested, path[: depth + 1]))
        else:
            raise ValueError(format_path(path))
        for i, item in enumerate(new_items):
            changes.append((f"{format_path(path)}（新增）", "", "，".join(f"{k} {scalar(v)}" for k, v in item.items())))
    # From the end, so that indices stay right; of two insertions at one place the first stays first.
    ordered = sorted(((start, end, i, new) for i, (start, end, new) in enumerate(edits)), reverse=True)
    for start, end, _, replacement in ordered:
        text = text[:start] + replacement + text[end:]
    return text, changes


#: The loader ``check`` composes with (libyaml where installed), so that what it accepts is edited.
_LOADER = getattr(__import__("yaml"), "CSafeLoader", None) or __import__("yaml").SafeLoader


def _add_to_mapping(text: str, mapping, key_name: str, value: object, path: tuple) -> tuple[int, int, str]:
    """An edit that adds ``key_name: value`` as the mapping's last key."""
    import yaml

    lines: list[str] = []
    if mapping.flow_style or not mapping.value:
        if not mapping.flow_style:
            raise ValueError(str(path))
        at = mapping.end_mark.index - 1
        return (at, at, f"{', ' if mapping.value else ''}{key(key_name)}: {_flow(value)}")
    column = mapping.value[0][0].start_mark.column
    _write(lines, key_name, value, path, column, {})
    last = mapping.value[-1][1]
    end = _last_scalar(last) if not isinstance(last, yaml.ScalarNode) else last
    at = line_end(text, end.end_mark.index - 1 if end.end_mark.column == 0 else end.end_mark.index)
    return (at, at, "".join(line + "\n" for line in lines))


def _flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    return scalar(value)


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
    """(the node at ``path``, the last node found on the way, how deep it is);
    the node is None where the path stops."""
    import yaml

    node = root
    for depth, part in enumerate(path):
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        else:
            child = None
        if child is None:
            return None, node, depth
        node = child
    return node, None, len(path)
