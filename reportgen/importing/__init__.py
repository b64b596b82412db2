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
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from ..loading import TODO
from . import document, emit, report, sheet
from .normalise import name_key

#: Where the editor's JSON Schema is looked for, from the working directory.
SCHEMA = Path("schema") / "report.schema.json"


@dataclass(frozen=True)
class FromReport:
    text: str
    #: How many values are left 待填写.
    todo: int
    #: What was read, for the screen.
    summary: str
    year: int | None
    #: What the reader left out of the report as past its bounds, one line each.
    left_out: tuple[str, ...] = ()


#: A report with its photos, or an export of the whole year's accounts, stays well below this.
MAX_SOURCE_BYTES = 50 * 1024 * 1024


def _source(path: Path) -> Path:
    """The .docx/.xlsx to read, checked before any reader opens it: a regular file
    (a FIFO would never end, a device never stop) of a report's size."""
    from .. import files

    files.require_regular(path, MAX_SOURCE_BYTES)
    return path


def from_report(path: Path, output: Path) -> FromReport:
    """The data file read from a report."""
    read = document.read(_source(path))
    imported = report.read_report(read, _stages.required, _stages.completion)
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
    year = imported.data.get("年度")
    return FromReport(
        text, todo, _summary(imported, todo), year if isinstance(year, int) else None, tuple(read.left_out)
    )


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
    from .. import narrative

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
    pattern = narrative.figure_pattern(written)

    def replace(value, key=None):
        if isinstance(value, dict):
            return {k: replace(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [replace(v, key) for v in value]
        if isinstance(value, str) and key not in narrative.NAMES:
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
        from .. import computation, loading, narrative, pipeline
        from ..diagnostics import InvalidInput

        try:
            source = loading.from_text(text, Path("导入.yaml"))
            unfilled = bool(source.todo)
            if unfilled:
                # Stand-ins for what the report did not give, to compute the rest; only
                # figures that cannot depend on a stand-in are used.
                source = loading.from_text(re.sub(rf"(?m)(:|-) {TODO}$", r"\1 0", text), Path("导入.yaml"))
            evaluated = computation.evaluate(pipeline.validate(source)[1])
        except InvalidInput:
            return None
        return unfilled, dict(narrative.figures_as_written(evaluated))


@dataclass(frozen=True)
class Merged:
    """A data file with a sheet's amounts put in."""

    source: object
    text: str
    changes: list[tuple[str, str, str]]
    summary: str
    #: What the reader left out of the sheet or form as past its bounds, one line each.
    left_out: tuple[str, ...] = ()

    def save(self, target: Path) -> None:
        """Written as the data file is saved (encoding, line ends, through a link)."""
        from .. import writing

        writing.save_data_file(self.source, self.text, target)


def into_data(sheet_path: Path, data_path: Path) -> Merged:
    """The data file with the sheet's amounts put in: totals, parts, and each
    project matched by name (its other keys and comments kept; new ones added
    at the end of the list)."""
    amounts = sheet.read(_source(sheet_path))
    source = _data_file(data_path)
    values: dict[tuple, object] = dict(amounts.values)
    budget = source.data.get("收支") if isinstance(source.data.get("收支"), dict) else {}
    existing = budget.get("项目") if isinstance(budget.get("项目"), list) else []
    names = _project_names(existing)
    added = []
    for name, line in amounts.projects.items():
        if name_key(name) in names:
            for key, value in line.items():
                values[("收支", "项目", names.index(name_key(name)), key)] = value
        else:
            added.append(
                {"名称": name, **{k: line[k] for k in ("年初预算", "调整预算", "决算", "上年决算") if k in line}}
            )
    text, changes = _patched(source, values, {("收支", "项目"): added} if added else {})
    return Merged(source, text, changes, sheet.summary(amounts), tuple(amounts.left_out))


def _project_names(projects: list) -> list[str | None]:
    """Each project's name by :func:`.normalise.name_key` (a sheet or form that spaces or
    widens a name otherwise still names the data file's project), None where it has none."""
    return [name_key(p["名称"]) if isinstance(p, dict) and isinstance(p.get("名称"), str) else None for p in projects]


def _data_file(path: Path):
    """The data file to put values into, read as ``check`` reads it; its problems name it."""
    from .. import loading
    from ..diagnostics import InvalidInput

    try:
        return loading.load(path)
    except InvalidInput as exc:
        raise InvalidInput([replace(d, file=d.file or str(path)) for d in exc.diagnostics]) from None


def _patched(source, values: dict, items: dict) -> tuple[str, list[tuple[str, str, str]]]:
    """The data file's text with the values put in, or why it cannot take them (naming the file)."""
    from ..diagnostics import InvalidInput, error

    try:
        return emit.patch(source.text, values, items)
    except emit.Unpatchable as exc:
        raise InvalidInput([error(exc.message, exc.path, file=str(source.path), line=exc.line)]) from None


def output_problem(output: Path, source: Path) -> str | None:
    """Why ``output`` cannot be written (not a data file's name, or the source itself)."""
    if output.suffix.lower() not in (".yaml", ".yml"):
        return f"{output} 不是数据文件名（应以 .yaml 结尾），未写入；请用 -o 指定如 data/2023.yaml"
    if is_source(output, source):
        return f"{output} 就是要读取的文件，未覆盖"
    return None


def is_source(path: Path, source: Path) -> bool:
    """``path`` names the file being read, however spelt (a link, a hard link, ``a/../b``)."""
    try:
        return path.exists() and source.exists() and os.path.samefile(path, source)
    except OSError:
        return False


def form_into_data(form_path: Path, data_path: Path) -> Merged:
    """The data file with a 项目支出绩效自评表 put into its project (matched by
    name; added to 收支.项目 when there is none of that name): the project's
    amounts, 主管部门, 实施单位, 资金来源, 年度总体目标, 绩效指标 and 填报 lines.
    An indicator's 得分 is kept only where the tool would not compute the same
    (a qualitative one, or one the form scored otherwise)."""
    from ..diagnostics import InvalidInput, error
    from .form import read_form

    left_out: list[str] = []
    read = read_form(_source(form_path), left_out)
    name = read.get("名称")
    source = _data_file(data_path)
    budget = source.data.get("收支") if isinstance(source.data.get("收支"), dict) else {}
    existing = budget.get("项目") if isinstance(budget.get("项目"), list) else []
    names = _project_names(existing)
    project = {**read, "绩效指标": [_without_computed_scores(d) for d in read.get("绩效指标", [])]}
    index = names.index(name_key(name)) if name_key(name) in names else None
    if index is not None:
        if isinstance(existing[index], dict) and existing[index].get("绩效指标"):
            message = f"项目“{name}”已有绩效指标，未改动；若要以表中的为准，请先删去该项目的 绩效指标 再导入"
            raise InvalidInput([error(message, ("收支", "项目", index, "绩效指标"), file=str(data_path))])
        values = {("收支", "项目", index, key): value for key, value in project.items() if key != "名称"}
        items = {}
    else:
        values, items = {}, {("收支", "项目"): [project]}
    text, changes = _patched(source, values, items)
    leaves = sum(len(i.get("三级指标", [])) for d in project["绩效指标"] for i in d.get("二级指标", []))
    where = "填入已有的项目" if index is not None else "新增到 收支.项目"
    summary = f"从 {form_path.name} 读到项目“{name}”的自评表：{leaves} 个三级指标，{where}。"
    counted = {key: len(value) for key, value in project.items() if isinstance(value, dict | list)}
    changes = [
        (label, old, f"（{counted[label.rsplit('.', 1)[-1]]} 项）" if label.rsplit(".", 1)[-1] in counted else new)
        for label, old, new in changes
    ]
    return Merged(source, text, changes, summary, tuple(left_out))


def _without_computed_scores(node: dict) -> dict:
    """A form's tree with each 得分 the tool computes alike left out (it is computed
    again, and follows the next change); others stay, to be scored as given."""
    children = {
        key: [_without_computed_scores(c) for c in node[key]] for key in ("二级指标", "三级指标") if key in node
    }
    if children:
        return {k: v for k, v in node.items() if k != "得分"} | children
    given, full = node.get("得分"), node.get("分值")
    if (
        given is not None
        and full is not None
        and _stages.completion(node.get("年度指标值"), node.get("实际完成值"), full) == given
    ):
        return {k: v for k, v in node.items() if k != "得分"}
    return node
