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
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in body)


def _escape(character: str) -> str:
    # YAML's \u takes four hex digits exactly; a character past U+FFFF needs \U and eight.
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


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


class Unpatchable(ValueError):
    """A value the data file's text cannot take without changing something else:
    what to say, at which path and line of the file."""

    def __init__(self, message: str, path: tuple = (), line: int | None = None):
        super().__init__(message)
        self.message, self.path, self.line = message, path, line


def patch(
    text: str, values: dict[tuple, object], items: dict[tuple, list[dict]]
) -> tuple[str, list[tuple[str, str, str]]]:
    """``text`` with the scalar at each path of ``values`` set (added, with any
    mapping above it, where missing or left empty) and the mappings of ``items``
    appended to the list at each of its paths, every comment and other key kept
    as it was; and what changed (path, old, new).  The text is read and the result
    read again by the project's own YAML reader: an edit that would not read back
    as exactly the data asked for, and nothing else changed, raises :class:`Unpatchable`."""
    from ..diagnostics import format_path
    from ..loading import from_text, scalar_edit

    before = from_text(text, _PATCHED)
    text, root = before.text, before.root
    shared = _shared(root)
    edits: list[tuple[int, int, str]] = []
    #: Items appended to a list go after keys added to its last item, at the same place.
    appended: list[tuple[int, int, str]] = []
    #: What goes under a mapping or an empty key (by the node's id): (node, its key, its path, parent, keys or items).
    filled: dict[int, list] = {}

    def put(path: tuple, value: object) -> None:
        """``value`` (a scalar's text, or a list of items to append) at ``path``."""
        steps = _steps(root, path)
        for depth, (key_node, node) in enumerate(steps):
            if id(node) in shared:
                where = (key_node or node).start_mark.line + 1
                raise Unpatchable(_SHARED, path[: depth + 1], where)
        key_node, node = steps[-1] if steps else (None, root)
        depth, yaml = len(steps), _yaml()
        parent = steps[-2][1] if depth > 1 else root
        if depth == len(path) and isinstance(node, yaml.ScalarNode) and isinstance(value, str):
            if node.value != value:
                edits.append(scalar_edit(text, node, value))
            return
        if depth == len(path) and isinstance(node, yaml.SequenceNode) and isinstance(value, list):
            appended.append(_appended(text, node, value, path))
            return
        rest = path[depth:]
        nested = value
        for part in reversed(rest[1:]):
            nested = {part: nested}
        if (isinstance(node, yaml.MappingNode) and rest and isinstance(rest[0], str)) or (
            _empty(node) and key_node is not None and (not rest or isinstance(rest[0], str))
        ):
            entry = filled.setdefault(id(node), [node, key_node, path[:depth], parent, {}])
            if rest:
                _merge(entry[4], {rest[0]: nested})
            else:
                entry[4] = nested
            return
        raise Unpatchable(_NOT_A_PART.format(_kind(node)), path[:depth] or path, node.start_mark.line + 1)

    changes: list[tuple[str, str, str]] = []
    for path, value in _leaves(root, values):
        node = _node_at(root, path)
        new = scalar(value) if not isinstance(value, dict | list) else value
        if isinstance(value, list) and node is not None and not _empty(node):
            if _at(before.data, path) != _as_read(value):
                raise Unpatchable(_DIFFERENT_LIST, path, node.start_mark.line + 1)
            continue
        put(path, new)
        if node is None or _empty(node):
            changes.append((format_path(path), "（无）" if node is None else "（空）", _shown(value)))
        elif isinstance(node, _yaml().ScalarNode) and node.value != new:
            changes.append((format_path(path), node.value, new))
    for path, new_items in items.items():
        put(path, list(new_items))
        changes += [
            (f"{format_path(path)}（新增）", "", "，".join(f"{k} {scalar(v)}" for k, v in item.items()))
            for item in new_items
        ]
    for node, key_node, path, parent, content in filled.values():
        if isinstance(node, _yaml().MappingNode):
            edits.append(_add_to_mapping(text, node, content, path))
        else:
            edits.append(_filled(text, key_node, node, content, path, parent.flow_style))
    # From the end, so that indices stay right; of two insertions at one place the first stays first.
    edits += appended
    ordered = sorted(((start, end, i, new) for i, (start, end, new) in enumerate(edits)), reverse=True)
    for start, end, _, replacement in ordered:
        text = text[:start] + replacement + text[end:]
    _check_reads_back(text, before.data, values, items)
    return text, changes


def _leaves(root, values: dict[tuple, object]) -> list[tuple[tuple, object]]:
    """(path, value) to put: a mapping put where the text has one already goes in key by key."""
    found = []
    for path, value in values.items():
        node = _node_at(root, path)
        if isinstance(value, dict) and isinstance(node, _yaml().MappingNode):
            found += _leaves(root, {path + (k,): v for k, v in value.items()})
        else:
            found.append((path, value))
    return found


def _shown(value: object) -> str:
    return scalar(value) if not isinstance(value, dict | list) else f"（{len(value)} 项）"


def _kind(node) -> str:
    yaml = _yaml()
    if isinstance(node, yaml.MappingNode):
        return "“键: 值”的一节"
    return "列表" if isinstance(node, yaml.SequenceNode) else f"一个值（{node.value[:20]}）"


#: The name patched text is read under (its messages are not shown: a failed check is one message).
_PATCHED = __import__("pathlib").Path("数据.yaml")
_SHARED = "用 YAML 的锚点与引用（&名称、*名称）与别处共用同一内容，填入的值会同时改动别处，未改动；请把引用改写成内容本身再导入"
_NOT_A_PART = "这里写成了{}，放不下要填入的值，未改动；请先改正（reportgen check 会指出）再导入"
_DIFFERENT_LIST = "已有这个列表，与要填入的不同，未改动；若要以导入的为准，请先删去它再导入"
_NOT_KEPT = "填入后文件中别的内容会随之改变（{}），未改动；请把这一处改成每项一行的普通写法再导入"


def _yaml():
    import yaml

    return yaml


def _as_read(value: object) -> object:
    """``value`` as the loader reads back what :func:`scalar` writes of it."""
    if isinstance(value, dict):
        return {str(k): _as_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_read(v) for v in value]
    return None if value is None else scalar(value)


def _at(data: object, path: tuple) -> object:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _check_reads_back(text: str, before: dict, values: dict[tuple, object], items: dict[tuple, list]) -> None:
    """Refuse an edit whose text does not read back as ``before`` with the values
    set and the items appended, and nothing else changed."""
    import copy

    from ..diagnostics import InvalidInput, format_path
    from ..loading import from_text

    expected = copy.deepcopy(before)

    def holder(path: tuple):
        place = expected
        for part in path[:-1]:
            if isinstance(place, dict) and not isinstance(place.get(part), dict | list):
                place[part] = {}
            place = place[part]
        return place

    for path, value in values.items():
        holder(path)[path[-1]] = _as_read(value)
    for path, new_items in items.items():
        place = holder(path)
        place[path[-1]] = [*(place.get(path[-1]) or []), *map(_as_read, new_items)]
    wanted = [*values, *items]
    try:
        after = from_text(text, _PATCHED).data
    except InvalidInput:
        after = None
    if after != expected:
        differs = next((format_path(p) for p in wanted if _at(after, p) != _at(expected, p)), None)
        raise Unpatchable(_NOT_KEPT.format(differs or "写法特殊的键或值"))


def _shared(root) -> set[int]:
    """The nodes an alias (*名称) makes stand in two places, and everything under them."""
    seen: set[int] = set()
    shared: set[int] = set()

    def visit(node, inside: bool) -> None:
        inside = inside or id(node) in seen
        (shared if inside else seen).add(id(node))
        children = node.value if isinstance(node, _yaml().SequenceNode) else None
        if isinstance(node, _yaml().MappingNode):
            children = [v for _, v in node.value]
        for child in children or ():
            visit(child, inside)

    visit(root, False)
    return shared


def _merge(into: dict, more: dict) -> None:
    for name, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            _merge(into[name], value)
        else:
            into[name] = value


def _empty(node) -> bool:
    from ..loading import is_empty

    return node is not None and is_empty(node)


def _filled(text: str, key_node, node, value: object, path: tuple, in_flow: bool) -> tuple[int, int, str]:
    """An edit that puts a mapping or list where a key was left empty (``基本支出:``,
    ``基本支出: 待填写``): in place inside a ``{…}``, else on the lines below the key."""
    from ..loading import scalar_edit

    start, end, _ = scalar_edit(text, node, "")
    if in_flow:
        return start, end, _flow(value)
    lines: list[str] = []
    indent = key_node.start_mark.column + 2
    if isinstance(value, dict):
        for child, item in value.items():
            _write(lines, child, item, path + (child,), indent, {})
    else:
        for i, item in enumerate(value):
            _item(lines, item, path + (i,), indent, {})
    # The key's line keeps what follows the value (a comment); the value's own text goes.
    at = line_end(text, max(end, key_node.end_mark.index))
    if not text[end:at].strip():
        start = len(text[:start].rstrip(" \t"))  # nor the spaces before it
    return start, at, text[end:at] + _inserted(text, at, lines)[2]


def _appended(text: str, node, new_items: list, path: tuple) -> tuple[int, int, str]:
    """An edit that appends ``new_items`` to a list: item lines after its last one,
    or more items in a ``[…]`` list."""
    if node.flow_style:
        at = node.end_mark.index - 1
        return at, at, "".join(f"{', ' if node.value or i else ''}{_flow(item)}" for i, item in enumerate(new_items))
    dash = text.rfind("-", 0, node.value[0].start_mark.index)
    column = dash - (text.rfind("\n", 0, dash) + 1)
    lines: list[str] = []
    for i, item in enumerate(new_items):
        _item(lines, item, path + (len(node.value) + i,), column, {})
    return _inserted(text, _after(text, node), lines)


def _after(text: str, node) -> int:
    """Where the line after a block collection's last value begins."""
    end = _last_scalar(node).end_mark
    # A block scalar's span ends at the next line's start.
    return line_end(text, end.index - 1 if end.column == 0 and end.index else end.index)


def _add_to_mapping(text: str, mapping, keys: dict, path: tuple) -> tuple[int, int, str]:
    """An edit that adds ``keys`` (name → value) as the mapping's last keys."""
    if mapping.flow_style or not mapping.value:
        at = mapping.end_mark.index - 1
        pairs = ", ".join(f"{key(k)}: {_flow(v)}" for k, v in keys.items())
        return at, at, f"{', ' if mapping.value else ''}{pairs}"
    column = mapping.value[0][0].start_mark.column
    lines: list[str] = []
    for name, value in keys.items():
        _write(lines, name, value, path + (name,), column, {})
    return _inserted(text, _after(text, mapping), lines)


def _inserted(text: str, at: int, lines: list[str]) -> tuple[int, int, str]:
    """An edit that inserts whole lines at ``at``, a line's start (or the end of a last line without its break)."""
    body = "".join(line + "\n" for line in lines)
    return at, at, body if text[:at].endswith("\n") or not at else "\n" + body


def _flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _last_scalar(node):
    """The last scalar under a node (where its text really ends)."""
    yaml = _yaml()
    while not isinstance(node, yaml.ScalarNode):
        children = node.value if isinstance(node, yaml.SequenceNode) else [v for _, v in node.value]
        if not children:
            return node
        node = children[-1]
    return node


def _steps(root, path: tuple) -> list[tuple[object, object]]:
    """(key node or None, node) of each part of ``path`` that the text has, in order."""
    yaml = _yaml()
    steps, node = [], root
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = next(
                ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value.strip() == part), None
            )
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            found = (None, node.value[part])
        else:
            found = None
        if found is None:
            break
        steps.append(found)
        node = found[1]
    return steps


def _node_at(root, path: tuple):
    steps = _steps(root, path)
    return steps[-1][1] if len(steps) == len(path) else None
