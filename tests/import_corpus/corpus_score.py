"""Scoring an importer on the generated corpus, fact by fact.

``score(cases, importer)`` imports every case with ``importer`` (``cli_importer()`` runs the
real ``reportgen import``) and compares the data file it wrote with the case's truth:

* a fact is a leaf value of the truth (an amount, a name, a text, a list item, an indicator's
  分值/得分/年度指标值/实际完成值/扣分原因, a count, a date, 提纲, 部门, 年度 …), keyed by its data
  path; lists of named things are matched by name, lists of texts by content, so one
  missing item does not shift the rest;
* right: the imported value equals the truth (amounts and points as decimals, texts after
  :func:`corpus_text.normalise`; a reference ``{{ … }}`` resolved with the figures reportgen
  computes from the truth); wrong: a value other than ``待填写`` that differs; missed: absent
  or ``待填写``.  An indicator's 扣分 and 得分 are one fact, its score (分值 − 扣分, or 得分);
* lost: a text of the document (each paragraph's and cell's own wording, and every text
  added that no data value holds) found nowhere in the imported file, values or comments;
* internal error: an exit code other than 0 and 1, or a traceback / 意外错误 in the output.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from corpus_generate import Case
from corpus_text import normalise

TODO = "待填写"
CLASSES = ("金额", "文字", "列表项", "评分", "其他")
AMOUNT_KEYS = {"年初预算", "调整预算", "决算", "上年决算", "人员经费", "公用经费"}
NUMBER_KEYS = {"分值", "得分", "扣分", "编制数", "在职人数", "离退休人数", "年度", "附件编号", "执行率偏低阈值"}
OTHER_KEYS = {"提纲", "年度", "部门", "自称", "附件编号", "编制数", "在职人数", "离退休人数", "日期", "得分在前"}
IDENTITY_KEYS = ("名称", "标题", "目标")
REFERENCE = re.compile(r"{{.*?}}")
INTERNAL = re.compile(r"Traceback \(most recent call last\)|意外错误")


# --- running the importer ----------------------------------------------------------------------------


@dataclass
class Imported:
    exit_code: int
    output: str
    #: the data file written (or, for Excel, the file imported into); None if none
    data_file: Path | None


def cli_importer(program: Path | None = None, timeout: float = 120):
    """The real ``reportgen import``: the project's own (``.venv/bin/reportgen``), or the
    checkout in ``program`` run with this Python."""
    project = Path(__file__).resolve().parents[2]

    def run(case: Case, work: Path) -> Imported:
        if program is None:
            command = [str(project / ".venv" / "bin" / "reportgen"), "import"]
            env = dict(os.environ)
        else:
            command = [sys.executable, "-m", "reportgen", "import"]
            env = {**os.environ, "PYTHONPATH": str(program)}
        target = work / "imported.yaml"
        if target.exists():
            target.unlink()
        if case.kind == "xlsx":
            shutil.copyfile(case.base, target)
            command += [str(case.document), "--into", str(target), "--force"]
        else:
            command += [str(case.document), "-o", str(target)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=work, env=env)
        except subprocess.TimeoutExpired:
            return Imported(-9, f"超时（{timeout} 秒）", None)
        return Imported(done.returncode, done.stdout + done.stderr, target if target.exists() else None)

    return run


# --- facts -----------------------------------------------------------------------------------------------


@dataclass
class Fact:
    path: str
    kind: str
    truth: str
    imported: str | None = None
    verdict: str = "missed"  # right, wrong, missed


@dataclass
class CaseScore:
    name: str
    kind: str
    variants: list[str]
    status: str  # ok, refused (exit 1), internal
    facts: list[Fact] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)
    kept_total: int = 0
    #: imported values under list items that match nothing in the truth (bogus projects, indicators …)
    extra: list[str] = field(default_factory=list)
    message: str = ""

    def count(self, verdict: str, kind: str | None = None) -> int:
        return sum(1 for f in self.facts if f.verdict == verdict and (kind is None or f.kind == kind))


def _plain(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in ("", TODO) else text


def _decimal(text: str) -> Decimal | None:
    cleaned = normalise(text).replace("万元", "").replace("分", "").replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


class Comparer:
    def __init__(self, resolve):
        #: text with references → text with their figures, or None when it cannot be resolved
        self.resolve = resolve
        self.facts: list[Fact] = []
        self.extra: list[str] = []

    def walk(self, truth, imported, path: tuple, in_list: bool = False) -> None:
        # a value the data model takes as one text or a list of them (其他需要说明的问题)
        if isinstance(truth, list) and isinstance(imported, str):
            imported = [imported]
        elif isinstance(truth, str) and isinstance(imported, list) and len(imported) == 1:
            imported = imported[0]
        if isinstance(truth, dict):
            self.mapping(truth, imported if isinstance(imported, dict) else {}, path)
        elif isinstance(truth, list):
            self.sequence(truth, imported if isinstance(imported, list) else [], path)
        else:
            self.leaf(truth, imported, path, in_list)

    def mapping(self, truth: dict, imported: dict, path: tuple) -> None:
        scored = path[:1] == ("自评",) and "名称" in truth
        for key, value in truth.items():
            if scored and key in ("扣分", "得分"):
                continue
            if scored and key == "计分" and value in ("扣分", "得分"):
                continue
            self.walk(value, imported.get(key), path + (key,))
        if scored:
            truth_score = _effective(truth, truth)
            if truth_score is not None:
                imported_score = _effective(imported, truth)
                self.record(path + ("得分",), "评分", f"{truth_score}",
                            None if imported_score is None else f"{imported_score}", numeric=True)

    def sequence(self, truth: list, imported: list, path: tuple) -> None:
        def identity(item):
            if isinstance(item, dict):
                for key in IDENTITY_KEYS:
                    if key in item and _plain(item[key]):
                        return normalise(self.resolve(str(item[key])) or item[key])
                return None
            return normalise(self.resolve(str(item)) or item) if _plain(item) else None

        free = list(range(len(imported)))
        pairs: dict[int, int | None] = {}
        for i, item in enumerate(truth):
            wanted = identity(item)
            match = next((j for j in free if wanted is not None and identity(imported[j]) == wanted), None)
            if match is not None:
                free.remove(match)
            pairs[i] = match
        # an item read with its text altered ("1.（一）……", a name with its number) is the
        # same item, wrongly read; anything less alike is a missed item and an extra one
        for i, item in enumerate(truth):
            if pairs[i] is None:
                wanted = identity(item)
                pairs[i] = next((j for j in free if _alike(wanted, identity(imported[j]))), None)
                if pairs[i] is not None:
                    free.remove(pairs[i])
        for i, item in enumerate(truth):
            other = imported[pairs[i]] if pairs[i] is not None else None
            self.walk(item, other, path + (i,), in_list=True)
        for j in free:
            if _filled(imported[j]):
                self.extra.append(f"{_shown(path + (j,))}: {_brief(imported[j])}")

    def leaf(self, truth, imported, path: tuple, in_list: bool) -> None:
        key = next((step for step in reversed(path) if isinstance(step, str)), "")
        if path[:1] == ("自评",):
            kind = "评分"
        elif key in AMOUNT_KEYS or path[:2] in (("收支", "收入"), ("收支", "上年收入")):
            kind = "金额"
        elif in_list and isinstance(path[-1], int):
            kind = "列表项"
        elif key in OTHER_KEYS:
            kind = "其他"
        else:
            kind = "文字"
        numeric = kind == "金额" or key in NUMBER_KEYS
        if isinstance(imported, (dict, list)):
            imported = str(imported) if _filled(imported) else None
        self.record(path, kind, str(truth), _plain(imported), numeric)

    def record(self, path: tuple, kind: str, truth: str, imported: str | None, numeric: bool) -> None:
        fact = Fact(_shown(path), kind, truth, imported)
        if imported is not None:
            value = self.resolve(imported) if REFERENCE.search(imported) else imported
            if value is None:
                fact.verdict = "wrong"
            elif numeric:
                a, b = _decimal(truth), _decimal(value)
                fact.verdict = "right" if a is not None and a == b else "wrong"
            else:
                fact.verdict = "right" if _text(value) == _text(truth) else "wrong"
        self.facts.append(fact)


def _text(value: str) -> str:
    """A text as compared: normalised, without its closing punctuation (the templates end
    "……以上；" and "……以上。" alike, so a report cannot tell them apart)."""
    return normalise(value).rstrip("。；;，,、.")


def _filled(value) -> bool:
    """Whether an imported item holds anything but 待填写 (a placeholder is not an extra value)."""
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return _plain(value) is not None


def _alike(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def _effective(indicator: dict, truth: dict) -> Decimal | None:
    """An indicator's score as its data states it: 得分, or 分值 − 扣分."""
    if not isinstance(indicator, dict):
        return None
    points = _decimal(str(indicator.get("分值") or truth.get("分值") or ""))
    if _plain(indicator.get("得分")):
        return _decimal(str(indicator["得分"]))
    if _plain(indicator.get("扣分")) and points is not None:
        deduction = _decimal(str(indicator["扣分"]))
        return None if deduction is None else points - deduction
    return None


def _shown(path: tuple) -> str:
    shown = ""
    for step in path:
        shown += f"[{step + 1}]" if isinstance(step, int) else ("." if shown else "") + step
    return shown


def _brief(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# --- references --------------------------------------------------------------------------------------------


def reference_resolver(truth_path: Path):
    """``text → text`` with every ``{{ … }}`` replaced by the figure reportgen computes from the truth.

    Returns (resolver, how): how says whether the figures could be computed."""
    try:
        from reportgen import pipeline, references

        prepared = pipeline.prepare(truth_path)
        evaluated = getattr(prepared, "evaluated", None)
        if evaluated is not None:
            values = references.resolve(evaluated.values())
        else:  # an older pipeline
            from reportgen import wording

            values = references.resolve(
                wording._overlay(prepared.report.model_dump(by_alias=True), prepared.figures.model_dump(by_alias=True))
            )
    except Exception:  # noqa: BLE001 - a measuring tool: say the figures were not there
        return (lambda text: None if REFERENCE.search(text) else text), "unresolved"

    def resolve(text: str) -> str | None:
        if not REFERENCE.search(text):
            return text
        try:
            return references.resolve({**values, "__probe__": text})["__probe__"]
        except Exception:  # noqa: BLE001 - a reference that names nothing is a wrong value
            return None

    return resolve, "computed"


# --- one case, all cases ------------------------------------------------------------------------------------


def _load(path: Path | None) -> tuple[dict, set[str]]:
    """The imported data (待填写 values empty) and the paths still 待填写."""
    if path is None or not path.exists():
        return {}, set()
    from reportgen import loading

    try:
        source = loading.load(path)
        return source.data, {_shown(p) for p in source.todo}
    except Exception:  # noqa: BLE001 - an unreadable file imports nothing
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001
            return {}, set()
        return (data if isinstance(data, dict) else {}), set()


def _file_text(path: Path | None, resolve) -> str:
    """The imported file as one normalised string: values and comments, references resolved."""
    if path is None or not path.exists():
        return ""
    raw = path.read_text(encoding="utf-8", errors="replace")
    raw = re.sub(r"\\\n\s*", "", raw)
    raw = REFERENCE.sub(lambda m: resolve(m.group()) or m.group(), raw)
    lines = [line.strip().lstrip("#").strip() for line in raw.splitlines()]
    return normalise("".join(lines).replace("''", "'"))


def score_case(case: Case, importer, work: Path) -> CaseScore:
    from reportgen import loading

    work.mkdir(parents=True, exist_ok=True)
    result = importer(case, work)
    internal = result.exit_code not in (0, 1) or INTERNAL.search(result.output or "")
    status = "internal" if internal else ("ok" if result.exit_code == 0 else "refused")
    resolve, _ = reference_resolver(case.truth)
    truth = loading.load(case.truth).data
    if case.scope:
        truth = {key: truth[key] for key in case.scope if key in truth}
    imported, todo = _load(result.data_file) if status == "ok" else ({}, set())
    comparer = Comparer(resolve)
    comparer.walk(truth, imported, ())
    for fact in comparer.facts:
        if fact.path in todo:
            fact.imported, fact.verdict = None, "missed"
    text = _file_text(result.data_file, resolve) if status == "ok" else ""
    lost = [(where, piece) for where, piece in case.kept if _text(piece) not in text]
    message = "" if status == "ok" else (result.output or "")[-600:]
    return CaseScore(case.name, case.kind, case.variants, status, comparer.facts, lost, len(case.kept),
                     comparer.extra, message)


@dataclass
class Scores:
    cases: list[CaseScore]
    references: str = "computed"

    def _sum(self, cases, verdict, kind=None) -> int:
        return sum(c.count(verdict, kind) for c in cases)

    def figures(self, cases=None, kind=None) -> dict:
        cases = self.cases if cases is None else cases
        right, wrong, missed = (self._sum(cases, v, kind) for v in ("right", "wrong", "missed"))
        total = right + wrong + missed
        return {
            "facts": total, "right": right, "wrong": wrong, "missed": missed,
            "recall": right / total if total else None,
            "precision": right / (right + wrong) if right + wrong else None,
        }

    @property
    def totals(self) -> dict:
        figures = self.figures()
        figures.update(
            cases=len(self.cases),
            internal_errors=sum(1 for c in self.cases if c.status == "internal"),
            refused=sum(1 for c in self.cases if c.status == "refused"),
            lost=sum(len(c.lost) for c in self.cases),
            kept_texts=sum(c.kept_total for c in self.cases),
            extra=sum(len(c.extra) for c in self.cases),
        )
        return figures

    def by_class(self) -> dict:
        return {kind: self.figures(kind=kind) for kind in CLASSES}

    def by_variant(self) -> dict:
        groups: dict[str, list[CaseScore]] = defaultdict(list)
        for case in self.cases:
            for variant in case.variants:
                groups[variant].append(case)
        rows = {}
        for variant in sorted(groups):
            cases = groups[variant]
            figures = self.figures(cases)
            figures.update(cases=len(cases), lost=sum(len(c.lost) for c in cases),
                           internal_errors=sum(1 for c in cases if c.status == "internal"))
            rows[variant] = figures
        return rows

    def wrong_values(self) -> list[dict]:
        return [{"case": c.name, "path": f.path, "truth": f.truth, "imported": f.imported}
                for c in self.cases for f in c.facts if f.verdict == "wrong"]

    def as_json(self) -> dict:
        return {
            "references": self.references,
            "totals": self.totals,
            "by_class": self.by_class(),
            "by_variant": self.by_variant(),
            "wrong": self.wrong_values(),
            "lost": [{"case": c.name, "where": w, "text": t} for c in self.cases for w, t in c.lost],
            "extra": [{"case": c.name, "value": e} for c in self.cases for e in c.extra],
            "failed": [{"case": c.name, "status": c.status, "output": c.message} for c in self.cases if c.status != "ok"],
        }


def score(cases: list[Case], importer=None, work: Path | None = None, jobs: int | None = None) -> Scores:
    """Import every case with ``importer`` (default: the real ``reportgen import``) and score it."""
    importer = importer or cli_importer()
    work = Path(work) if work else cases[0].document.parent.parent / "_imported" if cases else Path(".")
    jobs = jobs or os.cpu_count() or 2
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda case: score_case(case, importer, work / case.name), cases))
    _, how = reference_resolver(cases[0].truth) if cases else (None, "computed")
    return Scores(results, how)


# --- the table -----------------------------------------------------------------------------------------------------


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def table(scores: Scores, show_wrong: int = 20, show_lost: int = 10) -> str:
    lines = []
    totals = scores.totals
    lines.append(f"{totals['cases']} 个样例：{totals['facts']} 项事实，对 {totals['right']}，错 {totals['wrong']}，"
                 f"缺 {totals['missed']}；查全率 {_percent(totals['recall'])}，查准率 {_percent(totals['precision'])}")
    lines.append(f"丢失的文字 {totals['lost']} / {totals['kept_texts']}；内部错误 {totals['internal_errors']} 个样例；"
                 f"拒绝导入（退出码 1）{totals['refused']} 个；多出的列表项 {totals['extra']}；引用：{scores.references}")
    lines.append("")
    lines.append(f"{'类别':<8}{'事实':>6}{'对':>6}{'错':>6}{'缺':>6}{'查全率':>9}{'查准率':>9}")
    for kind, f in scores.by_class().items():
        lines.append(f"{kind:<8}{f['facts']:>7}{f['right']:>7}{f['wrong']:>7}{f['missed']:>7}"
                     f"{_percent(f['recall']):>10}{_percent(f['precision']):>10}")
    lines.append("")
    lines.append(f"{'变体':<28}{'样例':>5}{'事实':>6}{'错':>5}{'查全率':>9}{'查准率':>9}{'丢失':>6}{'内部错误':>6}")
    for variant, f in scores.by_variant().items():
        lines.append(f"{variant:<28}{f['cases']:>6}{f['facts']:>7}{f['wrong']:>6}{_percent(f['recall']):>10}"
                     f"{_percent(f['precision']):>10}{f['lost']:>7}{f['internal_errors']:>7}")
    wrong = scores.wrong_values()
    if wrong:
        lines.append("")
        lines.append(f"错值（前 {min(show_wrong, len(wrong))} 个，共 {len(wrong)} 个）：")
        for w in wrong[:show_wrong]:
            lines.append(f"  {w['case']} {w['path']}: 应为 {_brief(w['truth'])!r}，导入为 {_brief(w['imported'])!r}")
    lost = [(c.name, w, t) for c in scores.cases for w, t in c.lost]
    if lost:
        lines.append("")
        lines.append(f"丢失的文字（前 {min(show_lost, len(lost))} 个，共 {len(lost)} 个）：")
        for name, where, text in lost[:show_lost]:
            lines.append(f"  {name} {where}: {_brief(text)}")
    failed = [c for c in scores.cases if c.status != "ok"]
    if failed:
        lines.append("")
        lines.append("没有导入的样例：")
        for c in failed[:10]:
            last = [line for line in c.message.strip().splitlines() if line.strip()][-1:] or [""]
            lines.append(f"  {c.name}（{'内部错误' if c.status == 'internal' else '退出码 1'}）：{_brief(last[0])}")
    return "\n".join(lines)
