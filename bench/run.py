"""reportgen's benchmark: one command, every figure as a ratio to the floor measured
in the same run (issue #7, #24).  Usage: ``python bench/run.py [--runs N] [--batch-runs N]``.

Whole-process figures are taken in rounds: each round runs the floor (bench/floor.py,
the same paragraphs written by python-docx alone) and then every command once, so
that a machine that slows down for a while (other work on it) slows the floor too;
each figure is reported as its ratio to the floor of its own round, min / median / max.

  * ``reportgen build`` (cold, whole process), ``check``, ``--help``, a rebuild
    that the skip-if-unchanged rule answers, an empty Python, the required imports;
  * peers on the same paragraphs, when installed (``pip install -e .[bench]`` for
    docxtpl; pandoc from the system's packages), else skipped with a note;
  * a batch of 200 generated department files in one call: per report, against a
    zip-and-string writer of the same document's parts; peak memory of the process tree;
  * a department of 50 evaluated projects (the 财政部 example's three, repeated
    at a seventeenth of their amounts): the report and its 50 forms in one build;
  * in-process time per report, stage by stage (``--profile``: cProfile of one report);
  * ``--startup``: where a command's start-up goes, by ``python -X importtime``:
    each module's own import time summed by what it belongs to.

Run it without ``PYTHONDONTWRITEBYTECODE`` in the children (it is removed): with it,
every process compiles every module again, which no installed program does.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "2023.yaml"
MOF_SAMPLE = ROOT / "data" / "examples" / "2023-财政部提纲.yaml"
BATCH = 200
PROJECTS = 50


def command() -> list[str]:
    """reportgen as its installed script runs it (``reportgen.__main__``), from the snapshot."""
    return [sys.executable, "-m", "reportgen"]


def snapshot(site: Path) -> None:
    """The package as it is now, installed as pip lays it out (templates as its package
    data), for this run's children and this process: the figures are those of one
    version of the code however the checkout changes meanwhile."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "reportgen", site / "reportgen", ignore=ignore)
    shutil.copytree(ROOT / "templates", site / "reportgen" / "templates", ignore=ignore)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, str(site))
    os.chdir(site)  # `python -m` puts the working folder first: not the checkout's package


def peak_tree_rss(argv: list[str]) -> tuple[float, int]:
    """Wall time and peak memory (bytes) of a process and its children: the sum of
    their proportional set sizes (a page the workers share with the process that
    forked them counts once), or of their resident sizes where PSS is not shown."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    start = time.perf_counter()

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - start
    sampler.join()
    return elapsed, peak


def _tree_rss(pid: int) -> int:
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            total += _memory(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _memory(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        key = "Pss:"
    except OSError:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        key = "VmRSS:"
    return int(next(line.split()[1] for line in lines if line.startswith(key))) * 1024


def many_projects(path: Path, count: int = PROJECTS) -> Path:
    """The 财政部 example with ``count`` evaluated projects whose amounts still fit
    its 项目支出 (each a seventeenth of the one it copies; a project's amounts are
    the sums of its 资金来源, so every form adds up)."""
    from decimal import Decimal

    import yaml

    data = yaml.safe_load(MOF_SAMPLE.read_text(encoding="utf-8"))
    originals = [p for p in data["收支"]["项目"] if p.get("绩效指标")]
    cent = Decimal("0.01")
    projects = []
    for i in range(count):
        project = json.loads(json.dumps(originals[i % len(originals)], default=str))
        project["名称"] = f"{project['名称']}（{i + 1:02d}）"
        project.pop("上年决算", None)
        sources = {
            name: {key: str((Decimal(str(value)) / 17).quantize(cent)) for key, value in amounts.items()}
            for name, amounts in project["资金来源"].items()
        }
        project["资金来源"] = sources
        for key in ("年初预算", "调整预算", "决算"):
            project[key] = str(sum(Decimal(amounts[key]) for amounts in sources.values()))
        projects.append(project)
    data["收支"]["项目"] = projects
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def stages(runs: int) -> dict[str, float]:
    """Median milliseconds of each pipeline stage for the sample, in process."""
    from reportgen import (
        computation,
        loading,
        markup,
        pipeline,
        typesetting,
        wording,
        writing,
    )
    from reportgen.layout import Layout

    results: dict[str, list[float]] = {}
    for _ in range(runs + 1):  # the first run warms caches and is dropped
        marks = [time.perf_counter()]
        source = loading.load(SAMPLE)
        template_set, report = pipeline.validate(source)
        marks.append(time.perf_counter())
        evaluated = computation.evaluate(report)
        pipeline.check(source, template_set, evaluated)
        marks.append(time.perf_counter())
        worded = wording.word(evaluated, template_set)
        blocks = markup.parse(worded.text)
        marks.append(time.perf_counter())
        metadata = typesetting.Metadata("".join(worded.title), report.department, datetime.datetime(2024, 1, 1))
        document = typesetting.typeset(blocks, Layout.from_options(report.layout), metadata)
        marks.append(time.perf_counter())
        writing.docx_bytes(document)
        marks.append(time.perf_counter())
        for name, start, end in zip(("读取+校验", "计算+核对", "措辞", "排版", "写出"), marks, marks[1:]):
            results.setdefault(name, []).append((end - start) * 1000)
    return {name: statistics.median(values[1:]) for name, values in results.items()}


def profile() -> None:
    """Where one in-process report spends its time (cProfile, cumulative)."""
    import cProfile
    import pstats

    from reportgen import batch

    options = batch.Options(Path(tempfile.mkdtemp()), force=True)
    batch.run_one(SAMPLE, options)  # warm: imports, templates, reference document
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        batch.run_one(SAMPLE, options)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def startup(runs: int) -> None:
    """Each command's whole time, and the median of each part's import time over
    ``runs`` processes: a module's own time (``-X importtime`` "self") counts to
    the library it is in, the standard library's together, reportgen's modules
    each alone (``reportgen.schema`` includes pydantic building its models)."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        snapshot(work / "site")
        argvs = {
            "check": ["check", str(SAMPLE)],
            "build": ["build", "--force", str(SAMPLE), "--out-dir", str(work / "out")],
        }
        parts: dict[str, dict[str, list[float]]] = {name: {} for name in argvs}
        walls: dict[str, list[float]] = {name: [] for name in argvs}
        for argv in argvs.values():  # compiled modules and caches in place before measuring
            subprocess.run([*command(), *argv], check=True, capture_output=True)
        for _ in range(runs):
            for name, argv in argvs.items():
                start = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-X", "importtime", "-m", "reportgen", *argv],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                walls[name].append((time.perf_counter() - start) * 1000)
                for part, ms in _import_times(done.stderr).items():
                    parts[name].setdefault(part, [0.0] * runs)[len(walls[name]) - 1] = ms
    medians = {name: {part: statistics.median(v) for part, v in found.items()} for name, found in parts.items()}
    shown = sorted(set(medians["check"]) | set(medians["build"]), key=lambda p: -medians["build"].get(p, 0))
    print(f"启动耗时（`python -X importtime`，{runs} 次的中位数，ms；importtime 本身使各项略慢）\n")
    print("| 部分 | check | build |")
    print("|---|---|---|")
    for part in shown:
        check_ms, build_ms = (medians[name].get(part, 0.0) for name in ("check", "build"))
        if max(check_ms, build_ms) >= 1:
            print(f"| {part} | {check_ms:.1f} | {build_ms:.1f} |")
    small = {name: sum(ms for ms in found.values() if ms < 1) for name, found in medians.items()}
    print(f"| 其余各不足 1 ms 的模块 | {small['check']:.1f} | {small['build']:.1f} |")
    imports = {name: sum(found.values()) for name, found in medians.items()}
    print(f"| **导入合计** | {imports['check']:.1f} | {imports['build']:.1f} |")
    whole = {name: statistics.median(v) for name, v in walls.items()}
    print(f"| 其余：Python 启动、运行、写出、退出 | {whole['check'] - imports['check']:.1f} | "
          f"{whole['build'] - imports['build']:.1f} |")  # fmt: skip
    print(f"| **整个进程** | {whole['check']:.1f} | {whole['build']:.1f} |")


def _import_times(stderr: str) -> dict[str, float]:
    """Milliseconds of own import time by part, from ``-X importtime`` output."""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = (field.strip() for field in line.removeprefix("import time:").split("|"))
        top = name.split(".")[0]
        if top == "reportgen":
            part = name
        elif top in sys.stdlib_module_names or top.startswith("_"):
            part = "标准库"
        else:
            part = {"pydantic_core": "pydantic", "annotated_types": "pydantic", "typing_extensions": "pydantic",
                    "mdurl": "markdown_it", "mdit_py_plugins": "markdown_it", "markupsafe": "jinja2"}.get(top, top)  # fmt: skip
        found[part] = found.get(part, 0.0) + int(own) / 1000
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="rounds of the whole-process figures")
    parser.add_argument("--batch-runs", type=int, default=3, help="runs of the batch and the 50-project build")
    parser.add_argument("--profile", action="store_true", help="只打印单份报告的 cProfile 摘要")
    parser.add_argument("--startup", action="store_true", help="只打印 check、build 启动时各部分的导入耗时")
    arguments = parser.parse_args()
    if arguments.profile:
        profile()
        return
    if arguments.startup:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        startup(arguments.runs)
        return
    notes = []
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        notes.append("已为子进程去掉 PYTHONDONTWRITEBYTECODE（否则每个进程都重新编译全部模块）")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        snapshot(work / "site")
        rows += whole_processes(work, arguments.runs, notes)
        rows += batch(work, arguments.batch_runs)
        rows.append(forms(work, arguments.batch_runs))
        rows += [Row(f"进程内：{name}", [ms / 1000]) for name, ms in stages(arguments.runs).items()]
    print(
        f"机器：{_cpu()}，{os.cpu_count()} 核，Python {sys.version.split()[0]}；"
        f"整进程各项 {arguments.runs} 轮，批量 {arguments.batch_runs} 次；“× 下限”为 最小 / 中位 / 最大\n"
    )
    print("| 项目 | 中位数 | × 下限 | 目标 |")
    print("|---|---|---|---|")
    for row in rows:
        print(row.markdown())
    for note in notes:
        print(f"\n注：{note}")


@dataclass
class Row:
    name: str
    #: Seconds, one per run.
    times: list[float]
    #: The floor of the same runs (same length), when the figure is a ratio to it.
    floors: list[float] | None = None
    #: (predicate on the median seconds and the median ratio, its text)
    target: tuple[Callable[[float, float], bool], str] | None = None
    #: Shown instead of the median time.
    shown: str | None = None

    def markdown(self) -> str:
        median = statistics.median(self.times)
        ratio = ""
        ratios = [t / f for t, f in zip(self.times, self.floors, strict=True)] if self.floors else []
        if ratios:
            ratio = f"{min(ratios):.2f} / **{statistics.median(ratios):.2f}** / {max(ratios):.2f}"
        verdict = ""
        if self.target:
            ok, text = self.target
            met = ok(median, statistics.median(ratios) if ratios else 0.0)
            verdict = f"{text}：{'达标' if met else '**未达标**'}"
        shown = self.shown or (f"{median * 1000:.0f} ms" if median >= 0.1 else f"{median * 1000:.1f} ms")
        return f"| {self.name} | {shown} | {ratio} | {verdict} |"


def whole_processes(work: Path, runs: int, notes: list[str]) -> list[Row]:
    """The whole-process figures, in rounds that each begin with the floor."""
    reportgen = command()
    out = work / "out"
    subprocess.run([*reportgen, "build", str(SAMPLE), "--out-dir", str(out)], check=True, capture_output=True)
    (built,) = out.glob("*.docx")
    import docx

    texts = [p.text for p in docx.Document(str(built)).paragraphs]
    paragraphs = work / "paragraphs.json"
    paragraphs.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    commands: dict[str, list[str]] = {
        "floor": [sys.executable, str(ROOT / "bench" / "floor.py"), str(paragraphs), str(work / "floor.docx")],
        "bare": [sys.executable, "-c", "pass"],
        "required": [sys.executable, "-c", "import click, jinja2, markdown_it, pydantic, yaml"],
        "build": [*reportgen, "build", "--force", str(SAMPLE), "--out-dir", str(out)],
        "skip": [*reportgen, "build", str(SAMPLE), "--out-dir", str(out)],
        "check": [*reportgen, "check", str(SAMPLE)],
        "help": [*reportgen, "--help"],
    }
    if subprocess.run([sys.executable, "-c", "import docxtpl"], check=False, capture_output=True).returncode == 0:
        from peers import docxtpl_template

        docxtpl_template(work / "template.docx")
        commands["docxtpl"] = [
            sys.executable, str(ROOT / "bench" / "peers.py"), "docxtpl", str(paragraphs),
            str(work / "template.docx"), str(work / "docxtpl.docx"),
        ]  # fmt: skip
    else:
        notes.append("未安装 docxtpl（pip install -e .[bench]），跳过这一项")
    pandoc = shutil.which("pandoc")
    if pandoc:
        from peers import markdown

        (work / "paragraphs.md").write_text(markdown(texts), encoding="utf-8")
        commands["pandoc"] = [pandoc, "-f", "markdown", "-t", "docx", "-o", str(work / "pandoc.docx"),
                              str(work / "paragraphs.md")]  # fmt: skip
    else:
        notes.append("未安装 pandoc（如 apt install pandoc），跳过这一项")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():  # warm the file cache and the template cache once
        subprocess.run(argv, check=True, capture_output=True)
    for _ in range(runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    floor = times["floor"]
    rows = [
        Row("python-docx 下限（`bench/floor.py` 写同样的段落）", floor, floor),
        Row("空 Python 进程", times["bare"], floor),
        Row("仅导入必需依赖（click、jinja2、markdown-it、pydantic、yaml）", times["required"], floor),
        Row("`reportgen build`（整个进程）", times["build"], floor, (lambda s, r: r <= 2.0, "≤ 2.0 × 下限")),
        Row("`reportgen check`", times["check"], floor, (lambda s, r: r <= 1.5, "≤ 1.5 × 下限")),
        Row("`reportgen --help`", times["help"], floor),
        Row("未改动时重新 build（跳过）", times["skip"], floor, (lambda s, r: s <= 0.1, "≤ 100 ms")),
    ]
    if "docxtpl" in times:
        rows.append(Row("同行：docxtpl 填同样的段落", times["docxtpl"], floor))
    if "pandoc" in times:
        rows.append(Row("同行：pandoc 由 Markdown 写同样的段落", times["pandoc"], floor))
    return rows


def batch(work: Path, runs: int) -> list[Row]:
    """A batch of BATCH files in one call, per report, against a zip-and-string writer of the same document."""
    reportgen = command()
    batch_dir = work / "batch"
    batch_dir.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(BATCH):
        (batch_dir / f"dept{i:03d}.yaml").write_text(
            text.replace("部门: 广州番禺经济技术开发区管理委员会", f"部门: 番禺区示例局{i:03d}"), encoding="utf-8"
        )
    per_report, floors, peaks = [], [], []
    for _ in range(runs):
        floors.append(zip_floor(next((work / "out").glob("*.docx")), work / "zip-floor"))
        elapsed, peak = peak_tree_rss(
            [*reportgen, "build", "--force", str(batch_dir), "--out-dir", str(work / "batch-out")]
        )
        per_report.append(elapsed / BATCH)
        peaks.append(peak)
    return [
        Row("zip 与字符串写同一份报告（每份，单核）", floors, floors),
        Row(
            f"批量 {BATCH} 份（{os.cpu_count()} 核），每份",
            per_report,
            floors,
            (lambda s, r: s <= 0.015, "每份 ≤ 15 ms"),
        ),
        Row(
            "批量峰值内存（进程树，PSS 之和）",
            [float(max(peaks))],
            target=(lambda s, r: s < 200 * 2**20, "< 200 MB"),
            shown=f"{max(peaks) / 2**20:.0f} MB",
        ),
    ]


def zip_floor(docx_path: Path, out_dir: Path, count: int = 50) -> float:
    """Seconds per document of the physical minimum: the report's parts, already
    made, deflated into a zip and written to disk (no XML built, no fsync)."""
    with zipfile.ZipFile(docx_path) as archive:
        parts = [(name, archive.read(name)) for name in archive.namelist()]
    out_dir.mkdir(exist_ok=True)
    start = time.perf_counter()
    for i in range(count):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for name, content in parts:
                target.writestr(name, content)
        (out_dir / f"{i}.docx").write_bytes(buffer.getvalue())
    return (time.perf_counter() - start) / count


def forms(work: Path, runs: int) -> Row:
    reportgen = command()
    many = many_projects(work / "many-projects.yaml")
    subprocess.run([*reportgen, "check", str(many)], check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*reportgen, "build", "--force", str(many), "--out-dir", str(work / "many-out")], check=True,
                       capture_output=True)  # fmt: skip
        times.append(time.perf_counter() - start)
    written = len(list((work / "many-out").glob("*项目支出绩效自评表.docx")))
    assert written == PROJECTS, written
    median = statistics.median(times)
    return Row(
        f"{PROJECTS} 个项目：报告 + {written} 张自评表 + 汇总表",
        times,
        target=(lambda s, r: s <= 5, "≤ 5 s"),
        shown=f"{median:.2f} s，每张表 {median / written * 1000:.0f} ms",
    )


def _cpu() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
        return next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        return os.uname().machine


if __name__ == "__main__":
    main()
