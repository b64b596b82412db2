"""``reportgen import``: start from what a department already has.

Readers turn a report typed in Word or WPS (``document``, ``report``) and a
finance system's Excel export (``sheet``) into the data model, and ``emit``
writes it as a data file in the project's schema, with comments where the text
left a gap.  Nothing here writes a report: the pipeline does that from the
imported file, like from any other (pandoc's reader → model → writer).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

from ..loading import TODO
from . import document, emit, report, sheet

#: Where the editor's JSON Schema is looked for, from the working directory.
SCHEMA = Path("schema") / "report.schema.json"


def from_report(path: Path, output: Path) -> tuple[str, int]:
    """The data file read from a report, and how many values it leaves 待填写."""
    imported = report.read_report(document.read(path))
    imported.data["自评"].pop("_等级", None)
    _references(imported)
    header = []
    if SCHEMA.exists():
        relative = os.path.relpath(SCHEMA.resolve(), output.resolve().parent)
        header.append(f"yaml-language-server: $schema={Path(relative).as_posix()}")
        header.append("")
    header += [
        f"由 reportgen import 从 {path.name} 读取生成。请逐项核对；标为“{TODO}”的值报告中没有，",
        "运行 reportgen check 会逐条列出。执行率、合计、得分、等级等由程序计算，不必填写。",
    ]
    text = emit.emit(imported.data, imported.gaps, header, imported.unplaced)
    return text, text.count(f": {TODO}") + text.count(f"- {TODO}")


def _references(imported: report.Imported) -> None:
    """Figures typed in the narrative that equal a computed one become references
    to it, so that they follow the next budget adjustment (when the amounts are
    all there to compute them)."""
    from .. import checks, computation, loading, outlines, schema
    from ..diagnostics import InvalidInput

    text = emit.emit(imported.data, {}, [], [])
    try:
        source = loading.from_text(text, Path("导入.yaml"))
        unfilled = bool(source.todo)
        if unfilled:
            # Stand-ins for what the report did not give, to compute the rest; only
            # figures that cannot depend on a stand-in are used below.
            source = loading.from_text(re.sub(rf"(?m)(:|-) {TODO}$", r"\1 0", text), Path("导入.yaml"))
        model = outlines.choose(source.data).model
        figures = computation.compute(schema.validate(source.data, model))
    except InvalidInput:
        return
    written = dict(checks.figures_as_written(figures))
    if unfilled:
        whole = re.compile(r"^收支(\.基本支出|\.项目支出)?\.(执行率|调整预算|决算|增长率) \|")
        if any(path[0] == "收支" and (len(path) < 3 or path[1] in ("基本支出", "项目支出")) for path in imported.gaps):
            return
        written = {text: reference for text, reference in written.items() if whole.match(reference)}
    if not written:
        return
    pattern = checks.figure_pattern(written)

    def replace(value, key=None):
        if isinstance(value, dict):
            return {k: replace(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [replace(v, key) for v in value]
        if isinstance(value, str) and key not in checks.NAMES:
            return pattern.sub(lambda m: "{{ " + written[m.group(1)] + " }}", value)
        return value

    imported.data = replace(imported.data)


def into_data(sheet_path: Path, data_path: Path) -> tuple[str, list[tuple[str, str, str]], sheet.SheetAmounts]:
    """The data file with the sheet's amounts put in; what changed (label, old, new)."""
    amounts = sheet.read(sheet_path)
    text = data_path.read_text(encoding="utf-8-sig")
    values: dict[tuple, Decimal] = {}
    for part, line in amounts.parts.items():
        for key, value in line.items():
            if key != "年初预算":
                values[("收支", part, key)] = value
    for key, value in amounts.totals.items():
        values[("收支", key)] = value
    projects = [
        {key: value for key, value in project.items() if key in ("名称", "年初预算", "调整预算", "决算")}
        for project in amounts.projects
    ]
    return emit.patch(text, values, {("收支", "项目"): projects} if projects else {}) + (amounts,)
