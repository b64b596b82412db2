"""reportgen's benchmark: one command, medians over repeated runs, each figure
beside its target (issue #7).  Usage: ``python bench/run.py [--runs N]``.

Measured on this machine in this run, so ratios compare like with like:
  * cold build of the sample (whole process) against bench/floor.py, the same
    paragraphs written by python-docx alone;
  * in-process time per report, stage by stage;
  * a batch of 200 generated department files in one call: reports per second
    and peak memory of the whole process tree;
  * start-up: ``reportgen --help`` and ``reportgen check``; a rebuild that the
    skip-if-unchanged rule answers;
  * a department of 50 evaluated projects (the 财政部 example's three, repeated
    at a seventeenth of their amounts): the report and its 50 forms in one build.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "2023.yaml"
MOF_SAMPLE = ROOT / "data" / "examples" / "2023-财政部提纲.yaml"
BATCH = 200
PROJECTS = 50


def command() -> list[str]:
    script = Path(sys.executable).with_name("reportgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reportgen.cli"]


def timed(argv: list[str], runs: int) -> float:
    """Median wall time of a whole process, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_tree_rss(argv: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (bytes) of a process and its children."""
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
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="只打印单份报告的 cProfile 摘要")
    arguments = parser.parse_args()
    if arguments.profile:
        profile()
        return
    runs = arguments.runs
    reportgen = command()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        out = work / "out"
        subprocess.run([*reportgen, "build", str(SAMPLE), "--out-dir", str(out)], check=True, capture_output=True)
        import docx

        (built,) = out.glob("*.docx")
        paragraphs = work / "paragraphs.json"
        paragraphs.write_text(json.dumps([p.text for p in docx.Document(str(built)).paragraphs], ensure_ascii=False))

        floor = timed(
            [sys.executable, str(ROOT / "bench" / "floor.py"), str(paragraphs), str(work / "floor.docx")], runs
        )
        bare = timed([sys.executable, "-c", "pass"], runs)
        required = timed([sys.executable, "-c", "import click, jinja2, markdown_it, pydantic, yaml"], runs)
        build = timed([*reportgen, "build", "--force", str(SAMPLE), "--out-dir", str(out)], runs)
        check = timed([*reportgen, "check", str(SAMPLE)], runs)
        help_ = timed([*reportgen, "--help"], runs)
        skip = timed([*reportgen, "build", str(SAMPLE), "--out-dir", str(out)], runs)
        rows += [
            ("python-docx 下限（floor.py）", f"{floor * 1000:.0f} ms", ""),
            ("空 Python 进程", f"{bare * 1000:.0f} ms", ""),
            ("仅导入必需依赖（不含 python-docx）", f"{required * 1000:.0f} ms = {required / floor:.2f} × 下限", ""),
            (
                "reportgen build（整个进程）",
                f"{build * 1000:.0f} ms = {build / floor:.2f} × 下限",
                _verdict(build <= 1.1 * floor, "≤ 1.1 × 下限"),
            ),
            (
                "reportgen check",
                f"{check * 1000:.0f} ms = {check / floor:.2f} × 下限",
                _verdict(check <= 0.5 * floor, "≤ 0.5 × 下限"),
            ),
            ("reportgen --help", f"{help_ * 1000:.0f} ms", ""),
            ("未改动时重新 build（跳过）", f"{skip * 1000:.0f} ms", _verdict(skip < 0.1, "< 100 ms")),
        ]

        batch_dir = work / "batch"
        batch_dir.mkdir()
        text = SAMPLE.read_text(encoding="utf-8")
        for i in range(BATCH):
            (batch_dir / f"dept{i:03d}.yaml").write_text(
                text.replace("部门: 广州番禺经济技术开发区管理委员会", f"部门: 番禺区示例局{i:03d}"), encoding="utf-8"
            )
        elapsed, peak = peak_tree_rss(
            [*reportgen, "build", "--force", str(batch_dir), "--out-dir", str(work / "batch-out")]
        )
        per_report = elapsed / BATCH * 1000
        rows += [
            (
                f"批量 {BATCH} 份（{os.cpu_count()} 核）",
                f"{elapsed:.2f} s，{BATCH / elapsed:.0f} 份/秒，每份 {per_report:.1f} ms",
                _verdict(per_report <= 15, "每份 ≤ 15 ms"),
            ),
            ("批量峰值内存（进程树）", f"{peak / 2**20:.0f} MB", _verdict(peak < 200 * 2**20, "< 200 MB")),
        ]
        many = many_projects(work / "many-projects.yaml")
        subprocess.run([*reportgen, "check", str(many)], check=True, capture_output=True)
        forms = timed([*reportgen, "build", "--force", str(many), "--out-dir", str(work / "many-out")], runs)
        written = len(list((work / "many-out").glob("*项目支出绩效自评表.docx")))
        assert written == PROJECTS, written
        rows.append(
            (
                f"{PROJECTS} 个项目：报告 + {written} 张自评表 + 汇总表",
                f"{forms:.2f} s，每张表 {forms / written * 1000:.0f} ms",
                _verdict(forms <= 5, "≤ 5 s"),
            )
        )
    for name, ms in stages(runs).items():
        rows.append((f"进程内：{name}", f"{ms:.1f} ms", ""))

    width = max(len(r[0]) for r in rows) + 2
    print(f"机器：{_cpu()}，{os.cpu_count()} 核，Python {sys.version.split()[0]}；每项取 {runs} 次的中位数\n")
    for name, value, verdict in rows:
        print(f"{name:<{width}}{value:<36}{verdict}")


def _cpu() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
        return next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        return os.uname().machine


def _verdict(ok: bool, target: str) -> str:
    return f"{'达标' if ok else '未达标'}（目标 {target}）"


if __name__ == "__main__":
    main()
