"""Running the pipeline over many files, as ``build`` and ``check`` do.

* Folders stand for the ``.yaml``/``.yml`` files in them.
* Files are built in parallel on all cores; one bad file never stops the others.
* A report whose input, templates and tool version have not changed since it
  was built is skipped: the .docx records a fingerprint of what it was built
  from (its ``dc:identifier``), and ``out/.reportgen-builds.json`` remembers
  which output belongs to which input, so the check needs no pipeline run.

Each file's outcome carries its messages instead of printing them, so that
parallel workers never interleave their output.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import DEFAULT_TEMPLATES, __version__, caching, files
from .diagnostics import InvalidInput, Level, OutputError, unexpected
from .files import YAML_SUFFIXES

MANIFEST = ".reportgen-builds.json"
#: What a report depends on besides its data: the tool's code, templates and outline.yaml.
SOURCE_SUFFIXES = (".py", ".j2", ".yaml")
#: The build record holds a line or two per input; far more is not ours.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    #: None: check only, write nothing.
    out_dir: Path | None
    templates: Path | None = None
    strict: bool = False
    pdf: bool = False
    force: bool = False
    #: Show notes too (a tolerance used, a rate capped): by default only what needs the clerk.
    verbose: bool = False
    #: How the projects' forms are filed, over what the data says (分别, 合并, 不生成).
    forms: str | None = None


@dataclass
class Outcome:
    path: Path
    #: 已生成 | 无误 | 跳过 | 失败
    status: str
    #: (text, for the error stream)
    lines: list[tuple[str, bool]] = field(default_factory=list)
    output: Path | None = None
    fingerprint: str | None = None
    department: str = ""
    rate: str = ""
    score: str = ""
    #: Every file written (or skipped): the report, then its forms and 汇总表.
    outputs: list[Path] = field(default_factory=list)
    #: Why the program's own cache was not used (a full disk): said once for a whole run, under -v.
    cache_problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "失败"


def expand(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given; folders as the YAML files directly inside them."""
    found: list[Path] = []
    for path in paths:
        inside: list[Path] = []
        if files.is_dir(path):
            try:
                inside = sorted(c for c in path.iterdir() if c.suffix.lower() in YAML_SUFFIXES)
            except OSError:
                pass  # a folder that cannot be listed is passed on, to be reported as such
        # A folder without YAML files, and a path the system cannot look up, are passed on as they are.
        found += [c for c in inside if files.is_file(c)] or [path]
    return found


def run_all(
    paths: list[Path], options: Options, done: Callable[[Outcome], None] = lambda outcome: None
) -> list[Outcome]:
    if options.out_dir is not None:
        from .writing import remove_leftovers

        remove_leftovers(options.out_dir)
    manifest = _Manifest.load(options.out_dir)
    jobs = [(path, options, manifest.entry(path)) for path in paths]
    workers = min(len(jobs), os.cpu_count() or 1)
    many = len(jobs) > 1
    if many and any(_to_run(*job) for job in jobs):
        _preload(options)
    run = run_collected if many else run_one
    if workers <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(run(*job))
            done(outcomes[-1])
    else:
        import concurrent.futures  # not on the path of a single (often skipped) report

        with concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(os.getpid(), gc.get_threshold())
        ) as pool:
            futures = [pool.submit(run, *job) for job in jobs]
            for future in concurrent.futures.as_completed(futures):
                done(future.result())
            outcomes = [future.result() for future in futures]
    _flag_shared_outputs(outcomes)
    manifest.record(outcomes, options)
    # Each worker finds the same full disk: one 提示 for the run, not one a file.
    problems = [*caching.problems(), *(p for outcome in outcomes for p in outcome.cache_problems), *manifest.problems]
    if options.verbose and problems and outcomes:
        outcomes[-1].lines += notes(problems)
    return outcomes


def notes(problems: list[str]) -> list[tuple[str, bool]]:
    """The program's own troubles that cost only time, each once: 提示 lines for the error stream."""
    return [(f"提示：{problem}", True) for problem in dict.fromkeys(problems)]


def _to_run(path: Path, options: Options, previous: dict | None) -> bool:
    """Whether the file will (likely) go through the pipeline rather than be skipped."""
    if options.out_dir is None or options.force or previous is None:
        return True
    return previous.get("fingerprint") != _fingerprint(path, options)


def _preload(options: Options) -> None:
    """What every report needs, once before the first (and before the workers
    fork, on Linux): the pipeline's modules and, for a build, python-docx and the
    reference document of the default layout.  The workers start at once and
    share these pages.  All of it lives to the end: frozen, it is left out of the
    garbage collector's passes (:func:`run_collected`)."""
    from . import pipeline  # noqa: F401 - imported for the workers to inherit

    if options.out_dir is not None:
        from . import schema, typesetting
        from .layout import Layout

        typesetting.reference_document(Layout.from_options(schema.LayoutOptions()))
    gc.collect()  # what is garbage already is not frozen with the rest
    gc.freeze()


def run_collected(path: Path, options: Options, previous: dict | None) -> Outcome:
    """:func:`run_one`, then the cycles the report left (its document's parts
    refer to each other) collected: the command line runs the collector rarely
    (``__main__.GC_THRESHOLDS``), and a worker, or ``build --watch``, would
    otherwise hold twenty reports' documents at once.  With what lives to the end frozen, a pass looks
    only at what the report made: 1 ms, not 50."""
    try:
        return run_one(path, options, previous)
    finally:
        gc.collect()
        if not gc.get_freeze_count():  # a worker that started afresh (Windows spawns them): freeze it now
            gc.freeze()


def _start_worker(parent: int, collector: tuple[int, int, int]) -> None:
    """A worker collects garbage as the process that started it does (a spawned
    one, as on Windows, starts with Python's defaults), and ends when that
    process is gone (killed, say): no report is then half-built by an orphan."""
    gc.set_threshold(*collector)
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _flag_shared_outputs(outcomes: list[Outcome]) -> None:
    """Two inputs of the same year and department write the same report: only
    one of them survives, so both are failures the clerk must resolve, told
    which input the report on disk now comes from (its recorded fingerprint)."""
    by_output: dict[Path, list[Outcome]] = {}
    for outcome in outcomes:
        for output in outcome.outputs:
            by_output.setdefault(output, []).append(outcome)
    for output, sharing in by_output.items():
        if len(sharing) < 2:
            continue
        names = "、".join(str(o.path) for o in sharing)
        on_disk = recorded_fingerprint(output)
        kept = next((o for o in sharing if o.fingerprint and o.fingerprint == on_disk), None)
        report = all(output == o.output for o in sharing)
        for outcome in sharing:
            outcome.status = "失败"
            outcome.lines = [line for line in outcome.lines if line[0] != f"已生成 {output}"]
            if outcome is kept:
                fate = f"{output} 现在是由本文件生成的"
            elif kept is not None:
                fate = f"本文件生成的{'报告' if report else '这个文件'}已被 {kept.path} 的覆盖"
            else:
                fate = f"{output} 是其中哪一个生成的无法确定"
            outcome.lines.append(
                (f"{outcome.path}：{names} 生成同一个文件 {output.name}；{fate}。{_remedy(output, report)}", True)
            )


def _remedy(output: Path, report: bool) -> str:
    """What to do about two inputs writing one file: the report, or a form (whose
    default name has the project's name but not the department's)."""
    # Only here: a batch of skipped reports has not imported the pipeline, and need not.
    from .wording import FILE_NAME_TEMPLATE, FORM_FILE_NAME_TEMPLATE, SUMMARY_FILE_NAME_TEMPLATE

    if report:
        return f"请改正其中一个的年度或部门；若它们本是不同的报告，让模板 {FILE_NAME_TEMPLATE} 写出不同的文件名"
    if output.suffix == ".xlsx":
        template, example = SUMMARY_FILE_NAME_TEMPLATE, "{{ 年度 }}年度{{ 部门 }}项目支出绩效自评结果汇总表"
    else:
        template, example = FORM_FILE_NAME_TEMPLATE, "{{ 年度 }}年度{{ 部门 }}{{ 表.名称 }}项目支出绩效自评表"
    return (
        f"若是两个部门的同名项目，请让模板 {template} 在文件名中写出部门（如 {example}），"
        "或把它们输出到不同的目录（--out-dir）"
    )


def run_one(path: Path, options: Options, previous: dict | None = None) -> Outcome:
    """Check or build one file; never raises for anything the file or the disk does."""
    fingerprint = _fingerprint(path, options) if options.out_dir is not None else None
    if fingerprint and not options.force and _unchanged(previous, fingerprint, options):
        outputs = [options.out_dir / name for name in _recorded_outputs(previous)]
        others = f"及另外 {len(outputs) - 1} 个文件" if len(outputs) > 1 else ""
        return Outcome(
            path,
            "跳过",
            [(f"{path}：未改动，跳过 {outputs[0]}{others}（--force 可强制重新生成）", False)],
            outputs[0],
            fingerprint,
            previous.get("部门", ""),
            previous.get("执行率", ""),
            previous.get("得分", ""),
            outputs,
        )
    # Imported only now, so that a skipped report costs no more than reading files.
    from . import pipeline

    lines: list[tuple[str, bool]] = []
    try:
        prepared = pipeline.prepare(path, options.templates, options.strict, options.forms)
        shown = [d for d in prepared.diagnostics if options.verbose or d.level is not Level.NOTE]
        lines += [(d.format(path), True) for d in shown]
        outcome = Outcome(path, "无误", lines, fingerprint=fingerprint, **_summary(prepared))
        warnings = sum(d.level is Level.WARNING for d in prepared.diagnostics)
        if options.out_dir is None:
            verdict = f"数据可以生成报告，但有 {warnings} 处警告，请逐条核对" if warnings else "数据无误"
            lines.append((f"{path}：{verdict}", False))
        else:
            built = pipeline.build(prepared, options.out_dir, pdf=options.pdf, fingerprint=fingerprint)
            outcome.status, outcome.output = "已生成", built.output
            for one in (built, *built.forms):
                lines += _written_lines(one)
                outcome.outputs.append(one.output)
            if built.summary is not None:
                lines.append((f"已生成 {built.summary}", False))
                outcome.outputs.append(built.summary)
            lines += _remove_unbuilt(previous, outcome.outputs, options.out_dir)
            if options.pdf and not built.pdf:
                from .rendering import INSTALL_HINT

                lines.append((INSTALL_HINT, True))
            elif options.pdf:
                lines += [(line, True) for line in _face_warnings(prepared)]
        lines += [(line, False) for line in figure_lines(prepared)]
        if options.out_dir is None:
            lines += [(line, False) for line in scoring_lines(prepared)]
        outcome.cache_problems = caching.problems()
        return outcome
    except Exception as exc:
        consequence = "未生成报告" if options.out_dir is not None else ""
        failed = Outcome(path, "失败", lines + failure_lines(path, exc, consequence, options.verbose))
        failed.cache_problems = caching.problems()
        return failed


def _face_warnings(prepared) -> list[str]:
    """A face named in 版式 that this machine lacks: the PDF is set in another (the .docx keeps the name)."""
    from .diagnostics import Diagnostic
    from .rendering import missing_faces

    fonts = prepared.report.layout.fonts
    named = {key: getattr(fonts, field) for field, key in _FONT_KEYS.items() if getattr(fonts, field)}
    used = missing_faces(list(named.values()))
    return [
        Diagnostic(
            Level.WARNING,
            f"本机未安装字体“{name}”，PDF 中用“{used[name]}”代替（.docx 中仍是“{name}”，在装有它的电脑上用 Word/WPS 打开或另存 PDF 即是原字体）",
            ("版式", "字体", key),
        )
        .located(prepared.source.locations)
        .format(prepared.source.path)
        for key, name in named.items()
        if name in used
    ]


#: 版式.字体's keys by the field of schema.Fonts.
_FONT_KEYS = {"body": "正文", "title": "标题", "heading1": "一级标题", "heading2": "二级标题"}


def _remove_unbuilt(previous: dict | None, outputs: list[Path], out_dir: Path) -> list[tuple[str, bool]]:
    """Files the last build of this input wrote and this one did not (a form of a
    project dropped, forms now combined): removed, with their PDFs, when they are
    still as built (they carry the last build's fingerprint), so none is left to be
    filed by mistake; a file changed since is left alone."""
    from .writing import remove_stale

    if not previous:
        return []
    written = {output.name for output in outputs}
    lines = []
    for name in _recorded_outputs(previous):
        old = out_dir / name
        if name in written or recorded_fingerprint(old) != previous.get("fingerprint"):
            continue
        for path in (old, old.with_suffix(".pdf")) if old.suffix == ".docx" else (old,):
            if path.exists() and remove_stale(path):
                lines.append((f"已删除本次不再生成的 {path}", False))
    return lines


def _written_lines(built) -> list[tuple[str, bool]]:
    """What was written for one document: the .docx, its PDF, an old PDF removed or left."""
    lines = [(f"已生成 {built.output}", False)]
    if built.pdf:
        lines.append((f"已生成 {built.pdf}", False))
    old_pdf = built.output.with_suffix(".pdf")
    if built.stale_pdf is True:
        lines.append((f"已删除与新报告不一致的旧 PDF {old_pdf}（加 --pdf 可重新生成）", False))
    elif built.stale_pdf is False:
        lines.append((f"警告：旧的 {old_pdf} 与新报告不一致，但无法删除（是否正在打开？），请勿使用", True))
    return lines


#: The messages listed for one file, at most (the count of its errors is said in full).
MAX_SHOWN_DIAGNOSTICS = 200


def failure_lines(
    path: Path, exc: Exception, consequence: str = "未生成报告", verbose: bool = False
) -> list[tuple[str, bool]]:
    """Why a file could not be used, for the error stream; ``consequence`` says
    what was therefore not done (nothing for ``check``, which writes nothing)."""
    if isinstance(exc, InvalidInput):
        errors = sum(d.level is Level.ERROR for d in exc.diagnostics)
        shown = [d for d in exc.diagnostics if verbose or d.level is not Level.NOTE]
        # Past the limit the errors are listed first (warnings above them in the file would
        # push them out), each kept in its place in the file.
        listed = {id(d) for d in sorted(shown, key=lambda d: d.level is not Level.ERROR)[:MAX_SHOWN_DIAGNOSTICS]}
        lines = [(d.format(path), True) for d in shown if id(d) in listed]
        if len(shown) > MAX_SHOWN_DIAGNOSTICS:
            # Thousands of lines (a file of repeated keys) would bury the first, which are read first.
            rest = len(shown) - MAX_SHOWN_DIAGNOSTICS
            lines.append((f"{path}：……其余 {rest} 条未列出；改正以上各处后再运行一次，可看到其余的", True))
        return lines + [(f"{path}：发现 {errors} 处错误{'，' + consequence if consequence else ''}。", True)]
    if isinstance(exc, OutputError):
        return [(f"{path}：{exc}", True)]
    # A bug of ours must still not cost the other files, nor show a traceback.
    if os.environ.get("REPORTGEN_DEBUG"):
        raise exc
    return [(unexpected(exc, str(path), consequence), True)]


def _summary(prepared) -> dict:
    from .formats import percent, score

    evaluated = prepared.evaluated
    return {
        "department": prepared.report.department,
        "rate": percent(evaluated.budget.rate),
        "score": f"{score(evaluated.evaluation.score)}（{evaluated.evaluation.grade}）",
    }


def figure_lines(prepared) -> list[str]:
    """The key figures, as ``build`` and ``check`` print them."""
    from .formats import money, percent, score

    budget = prepared.evaluated.budget
    evaluation = prepared.evaluated.evaluation
    lines = [
        f"  调整预算 {money(budget.budget)} 万元，决算 {money(budget.actual)} 万元，执行率 {percent(budget.rate)}",
        f"  基本支出执行率 {percent(budget.basic.rate)}，项目支出执行率 {percent(budget.project.rate)}",
        f"  自评得分 {score(evaluation.score)} 分（满分 {score(evaluation.full_marks)} 分），等级：{evaluation.grade}",
    ]
    if budget.low_rate_projects:
        listed = "、".join(f"{p.name} {percent(p.rate)}" for p in budget.low_rate_projects)
        lines.append(f"  执行率偏低的项目：{listed}")
    for form in prepared.evaluated.project_forms():
        lines.append(
            f"  项目“{form.name}”：执行率 {percent(form.line.rate)}，预算执行率得分 {score(form.rate_score)}"
            f"（满分 {score(form.rate_marks)}），指标得分 {score(form.indicator_score)}"
            f"（满分 {score(form.indicator_marks)}），自评得分 {score(form.score)} 分，等级：{form.grade}"
        )
    return lines


def scoring_lines(prepared) -> list[str]:
    """How each scored indicator got its points, as ``check`` lists them."""
    from .formats import percent, score

    def leaves(nodes) -> list[str]:
        return [
            f"    {'/'.join(node.names)}：按{node.rule}，{node.scoring.how} → {score(node.score)} 分"
            f"（满分 {score(node.full_marks)}）"
            for node in nodes
            if not node.children
        ]

    lines = ["  各指标计分：", *leaves(prepared.evaluated.indicators())]
    for form in prepared.evaluated.project_forms():
        lines.append(f"  项目“{form.name}”各指标计分：")
        lines.append(
            f"    预算执行率：执行率 {percent(form.line.rate)} × {score(form.rate_marks)}（最高按 100%）"
            f" → {score(form.rate_score)} 分"
        )
        lines += leaves(form.indicators())
    return lines


# --- what a report was built from ----------------------------------------------------


def _fingerprint(path: Path, options: Options) -> str | None:
    """A digest of everything the .docx depends on: the input's bytes, every
    template, the tool itself and the options that change the output."""
    try:
        data = files.read_bytes(path)
    except InvalidInput:
        return None  # the pipeline says why
    # Options that do not change the report's content (--pdf, --strict) stay out:
    # the .docx carries this digest and must not differ with them.
    digest = hashlib.sha256(_tool_digest(options.templates))
    digest.update(data)
    return digest.hexdigest()


@functools.cache
def _tool_digest(user_templates: Path | None) -> bytes:
    """The tool's version, its code (every module's bytes: an editable install
    changes them under the same version) and the templates, once per process."""
    digest = hashlib.sha256(f"reportgen {__version__}\n".encode())
    digest.update(caching.code_digest())
    digest.update(caching.folder_digest("templates", DEFAULT_TEMPLATES, SOURCE_SUFFIXES))
    if user_templates is not None:
        digest.update(caching.folder_digest("user templates", user_templates, SOURCE_SUFFIXES, confined=True))
    return digest.digest()


def recorded_fingerprint(docx_path: Path) -> str | None:
    """The fingerprint a built .docx carries in its core properties."""
    if not files.is_file(docx_path):
        return None  # a FIFO in its place would never end the read
    try:
        with zipfile.ZipFile(docx_path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, RuntimeError, EOFError):
        return None
    # Word and python-docx declare the prefix on the root; openpyxl on the element itself.
    found = re.search(r"<dc:identifier(?: [^>]*)?>([^<]*)</dc:identifier>", core)
    return found.group(1) if found else None


def _recorded_outputs(entry: dict) -> list[str]:
    """The files a record says were built: the report, then the others (``另外``, joined by "/")."""
    others = [name for name in entry.get("另外", "").split("/") if name]
    return [entry["output"], *others]


def _unchanged(previous: dict | None, fingerprint: str, options: Options) -> bool:
    """Every file built last time is there and carries this fingerprint (and its PDF, when asked)."""
    if not previous or previous.get("fingerprint") != fingerprint:
        return False
    if previous.get("forms", "") != (options.forms or ""):
        return False  # the same data, but its forms filed another way
    for name in _recorded_outputs(previous):
        output = options.out_dir / name
        if options.pdf and output.suffix == ".docx" and not output.with_suffix(".pdf").exists():
            return False
        if recorded_fingerprint(output) != fingerprint:
            return False
    return True


def _key(path: Path) -> str:
    """An input's place in the record: its real path (os.path.realpath, which a link loop
    does not stop; the loader says what is wrong with the file)."""
    return os.path.realpath(path)


class _Manifest:
    """``out/.reportgen-builds.json``: input path → what was last built from it."""

    def __init__(self, path: Path | None, entries: dict, problems: list[str] | None = None):
        self.path, self.entries = path, entries
        #: Why the record could not be read or written: it is only a cache, so a build goes on without it.
        self.problems = problems or []

    @classmethod
    def load(cls, out_dir: Path | None) -> _Manifest:
        if out_dir is None:
            return cls(None, {})
        path = out_dir / MANIFEST
        if not os.path.lexists(path):
            return cls(path, {})
        try:
            entries = json.loads(files.read_text(path, MAX_MANIFEST_BYTES))
        except InvalidInput as exc:
            return cls(path, {}, [f"构建记录 {path} 无法读取（{exc}），本次不跳过未改动的报告"])
        except (ValueError, RecursionError):
            return cls(path, {}, [f"构建记录 {path} 已损坏，本次不跳过未改动的报告"])
        return cls(path, entries if isinstance(entries, dict) else {})

    def entry(self, path: Path) -> dict | None:
        """What was last built from ``path``, if the record is whole (a hand-edited
        or damaged record only means the report is built again)."""
        entry = self.entries.get(_key(path))
        if not isinstance(entry, dict):
            return None
        output, fingerprint = entry.get("output"), entry.get("fingerprint")
        if not (isinstance(output, str) and isinstance(fingerprint, str)) or Path(output).name != output:
            return None
        others = entry.get("另外", "")
        if not isinstance(others, str) or any(Path(name).name != name for name in others.split("/") if name):
            return None
        return {key: value if isinstance(value, str) else "" for key, value in entry.items()}

    def record(self, outcomes: list[Outcome], options: Options) -> None:
        if self.path is None:
            return
        changed = False
        for outcome in outcomes:
            if outcome.status == "已生成" and outcome.fingerprint:
                self.entries[_key(outcome.path)] = {
                    "output": outcome.output.name,
                    "另外": "/".join(output.name for output in outcome.outputs[1:]),
                    "forms": options.forms or "",
                    "fingerprint": outcome.fingerprint,
                    "部门": outcome.department,
                    "执行率": outcome.rate,
                    "得分": outcome.score,
                }
                changed = True
        if changed:
            from .writing import write_atomically

            text = json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True)
            try:
                write_atomically(self.path, text.encode("utf-8"))
            except (OutputError, UnicodeEncodeError) as exc:
                # Only a cache (a file name that is not Unicode cannot enter it): the next build will not skip.
                self.problems.append(f"构建记录 {self.path} 无法写入（{exc}），下次生成时不会跳过未改动的报告")
