"""``reportgen import``: start from what a department already has.

Readers turn a report typed in Word or WPS (``document`` → ``normalise`` →
``sections``, ``budget``, ``evaluation``, orchestrated by ``report``) and a
finance system's Excel export (``sheet``; both read tables through
``tables``) into the data model, and ``emit`` writes it as a data file in the
project's schema, with a comment above each value saying where it was read or
why it is still 待填写.  Nothing here writes a report: the pipeline does that
from the imported file, like from any other (pandoc's reader → model → writer).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..loading import TODO
from . import document, emit, report, sheet

#: Where the editor's JSON Schema is looked for, from the working directory.
SCHEMA = Path("schema") / "report.schema.json"


@dataclass(frozen=True)
class FromReport:
    text: str
    #: How many values are left 待填写.
    todo: int
    #: What was read, for the screen.
    summary: str


def from_report(path: Path, output: Path) -> FromReport:
    """The data file read from a report."""
    imported = report.read_report(document.read(path), _stages.required, _stages.completion)
    _references(imported)
    header = []
    if SCHEMA.exists():
        relative = os.path.relpath(SCHEMA.resolve(), output.resolve().parent)
        header.append(f"yaml-language-server: $schema={Path(relative).as_posix()}")
        header.append("")
    header += [
        f"由 reportgen import 从 {path.name} 读取生成。请逐项核对：每个读到的数上方注明了出处；标为“{TODO}”的值",
        "报告中没有或各处不一致，运行 reportgen check 会逐条列出。执行率、合计、得分、等级等由程序计算，不必填写。",
    ]
    comments = _comments(imported)
    text = emit.emit(imported.data, comments, header, imported.leftovers)
    todo = text.count(f": {TODO}") + text.count(f"- {TODO}")
    return FromReport(text, todo, _summary(imported, todo))


def _comments(imported: report.Imported) -> dict[tuple, list[str]]:
    comments: dict[tuple, list[str]] = {}
    for path, why in imported.gaps.items():
        comments.setdefault(path, []).append(f"{TODO}：{why}")
    for path, where in imported.sources.items():
        if path not in imported.gaps:
            comments.setdefault(path, []).append(f"来源：{where}")
    for path, note in imported.notes.items():
        comments.setdefault(path, []).append(f"注意：{note}")
    return comments


def _summary(imported: report.Imported, todo: int) -> str:
    amounts = sum(1 for path in imported.sources if path[0] == "收支")
    data = imported.data
    listed = sum(len(data.get(key) or []) for key in ("部门职能", "重点工作", "绩效目标", "存在问题", "改进措施"))
    indicators = sum(
        len(d.get("二级指标", [])) + sum(len(i.get("三级指标", [])) for i in d.get("二级指标", []))
        for d in (data.get("自评") or {}).get("一级指标", [])
    )
    left = sum(len(texts) for _, texts in imported.leftovers)
    return (
        f"读到 {amounts} 个金额、{listed} 条列表项、{indicators} 行指标；{todo} 处标为“{TODO}”；"
        f"{left} 段没有用到的文字放在文件末尾的注释里。"
    )


def _references(imported: report.Imported) -> None:
    """Figures typed in the narrative that equal a computed one become references
    to it, so that they follow the next budget adjustment (when the amounts are
    all there to compute them)."""
    from .. import checks

    text = emit.emit(imported.data, {}, [], [])
    written = _stages.figures_as_written(text)
    if written is None:
        return
    unfilled, written = written
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


class _stages:
    """Where importing uses the pipeline's stages (one place, to follow their API)."""

    @staticmethod
    def required(outline: str) -> tuple[str, ...]:
        """The sections ``outline`` cannot do without, as its ``outline.yaml`` says."""
        from .. import outlines

        model = outlines.choose({outlines.OUTLINE_KEY: outline}).model
        return tuple(f.alias for f in model.model_fields.values() if f.alias and f.is_required())

    @staticmethod
    def completion(target: str | None, achieved: str | None, full: Decimal) -> Decimal | None:
        from ..scoring import completion_score, parse_measure

        measure_t, measure_a = parse_measure(target), parse_measure(achieved)
        if not (measure_t and measure_a) or measure_t.unit != measure_a.unit:
            return None
        return completion_score(measure_t, measure_a, full)

    @staticmethod
    def figures_as_written(text: str) -> tuple[bool, dict[str, str]] | None:
        """(whether values are missing, each computed figure as written → its
        reference), computed from a data file's text; None when it cannot be."""
        from .. import checks, computation, loading, outlines, schema
        from ..diagnostics import InvalidInput

        try:
            source = loading.from_text(text, Path("导入.yaml"))
            unfilled = bool(source.todo)
            if unfilled:
                # Stand-ins for what the report did not give, to compute the rest; only
                # figures that cannot depend on a stand-in are used.
                source = loading.from_text(re.sub(rf"(?m)(:|-) {TODO}$", r"\1 0", text), Path("导入.yaml"))
            model = outlines.choose(source.data).model
            evaluated = computation.evaluate(schema.validate(source.data, model))
        except InvalidInput:
            return None
        return unfilled, dict(checks.figures_as_written(evaluated))


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
