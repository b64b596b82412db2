"""Generate the corpus of departments with many projects, build it in one batch and check
every figure of every 项目支出绩效自评表 against values computed by tests/forms_corpus/rules.py.

    .venv/bin/python tests/forms_corpus/run.py --count 30 --seed 1 [--out DIR] [--keep] [--no-check]

Exits 0 when every figure matches, every form is there and no form is extra; 1 otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import departments, files_of, generate, revise  # noqa: E402 (the folder is on the path now)
from verify import run_corpus, wrongly_rounded  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="生成多项目的部门语料，逐格核对项目支出绩效自评表")
    parser.add_argument("--count", type=int, default=12, help="部门个数")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="写到这个目录（默认临时目录，结束时删除）")
    parser.add_argument("--keep", action="store_true", help="保留临时目录")
    parser.add_argument("--no-check", action="store_true", help="不先运行 reportgen check")
    parser.add_argument("--show", type=int, default=30, help="最多列出几处不一致")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="再改动部分部门的数据（删去绩效指标、改名、改金额、合并/分开）后重新生成并核对",
    )
    arguments = parser.parse_args()
    work = arguments.out or Path(tempfile.mkdtemp(prefix="reportgen-forms-corpus-"))
    if arguments.out and work.exists():
        shutil.rmtree(work)
    started = time.monotonic()
    cases = generate(arguments.seed, arguments.count)
    generated = time.monotonic()
    result = run_corpus(cases, work, check=not arguments.no_check)
    finished = time.monotonic()
    print(f"种子 {arguments.seed}，{arguments.count} 个部门")
    print(result.table(arguments.show))
    ok = result.ok() and not result.check_code
    if arguments.rebuild:
        revised = departments(arguments.seed, arguments.count)
        changes = revise(arguments.seed, revised)
        again = run_corpus(files_of(arguments.seed, revised), work, check=not arguments.no_check)
        print(f"\n改动 {len(changes)} 处后重新生成（同一输出目录）：")
        print("\n".join(f"  {c}" for c in changes[: arguments.show]))
        print(again.table(arguments.show))
        ok = ok and again.ok() and not again.check_code
        finished = time.monotonic()
    corpus = departments(arguments.seed, arguments.count)
    bankers, floats = wrongly_rounded(corpus, "banker's"), wrongly_rounded(corpus, "float")
    print(f"同样的语料若按银行家舍入计算，{bankers} 个数会不同；若用二进制浮点数，{floats} 个数会不同")
    if result.check_code:
        print("check 的输出（末尾）：\n" + result.check_output[-3000:])
    print(f"\n生成 {generated - started:.1f} 秒，check+build+核对 {finished - generated:.1f} 秒；文件在 {work}")
    if not (arguments.out or arguments.keep):
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
