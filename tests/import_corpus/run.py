"""Generate the corpus and score ``reportgen import`` on it.

    .venv/bin/python tests/import_corpus/run.py --count 60 --seed 1 [--json] [--out DIR] [--program DIR|REV]

Always exits 0: it measures, it does not judge (the tests set the thresholds).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]


def _program(spec: str | None) -> Path | None:
    """A reportgen checkout to run instead of the working tree: a folder, or a git revision (exported)."""
    if spec is None:
        return None
    if Path(spec).is_dir():
        return Path(spec).resolve()
    commit = subprocess.run(["git", "-C", str(PROJECT), "rev-parse", spec], capture_output=True, text=True, check=True).stdout.strip()
    target = Path(tempfile.gettempdir()) / f"reportgen-{commit[:12]}"
    if not (target / "reportgen").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(PROJECT), "archive", commit], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description="生成导入语料并为 reportgen import 打分")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "reportgen-import-corpus")
    parser.add_argument("--json", action="store_true", help="机器可读的输出")
    parser.add_argument("--program", help="用这个目录（或 git 版本）中的 reportgen 生成与导入，而不是工作区")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--show-wrong", type=int, default=20)
    arguments = parser.parse_args()
    program = _program(arguments.program)
    if program is not None:
        sys.path.insert(0, str(program))
    sys.path.insert(0, str(HERE))
    from corpus_generate import generate
    from corpus_score import cli_importer, score, table

    started = time.monotonic()
    cases = generate(arguments.out / "cases", arguments.count, arguments.seed)
    generated = time.monotonic()
    scores = score(cases, cli_importer(program), arguments.out / "imported", arguments.jobs)
    finished = time.monotonic()
    if arguments.json:
        result = scores.as_json()
        result["seconds"] = {"generate": round(generated - started, 1), "import_and_score": round(finished - generated, 1)}
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(table(scores, arguments.show_wrong))
        print(f"\n生成 {generated - started:.1f} 秒，导入与打分 {finished - generated:.1f} 秒；样例在 {arguments.out}")
    sys.exit(0)


if __name__ == "__main__":
    main()
