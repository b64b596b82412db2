"""Each command loads only what it needs (start-up is most of a command's time):
``--help`` no library beyond click, a skipped build no YAML parser, validator or
process pool, ``check`` nothing that writes a document."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import SAMPLE

HEAVY = ("yaml", "pydantic", "jinja2", "markdown_it", "docx", "lxml", "openpyxl", "concurrent.futures")


def _loaded(arguments: list[str]) -> tuple[str, list[str]]:
    """What the command printed, and which of HEAVY it loaded."""
    probe = (
        "import json, sys\n"
        "from reportgen.cli import main\n"
        "try:\n"
        f"    main({arguments!r}, prog_name='reportgen')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    *printed, loaded = result.stdout.strip().splitlines()
    return "\n".join(printed), json.loads(loaded)


@pytest.mark.parametrize("arguments", [["--help"], ["build", "--help"], ["--version"]])
def test_help_loads_no_library(arguments):
    printed, loaded = _loaded(arguments)
    assert "reportgen" in printed
    assert loaded == []


def test_a_skipped_build_loads_no_parser_validator_or_pool(tmp_path):
    arguments = ["build", str(SAMPLE), "--out-dir", str(tmp_path)]
    subprocess.run([sys.executable, "-m", "reportgen", *arguments], capture_output=True, check=True)
    printed, loaded = _loaded(arguments)
    assert "未改动，跳过" in printed
    assert loaded == []


def test_check_loads_nothing_that_writes_a_document():
    printed, loaded = _loaded(["check", str(SAMPLE)])
    assert "数据无误" in printed or "警告" in printed
    assert not {"docx", "lxml", "openpyxl", "concurrent.futures"} & set(loaded)
    assert {"yaml", "pydantic", "jinja2", "markdown_it"} <= set(loaded)  # what checking does need


@pytest.mark.parametrize(("setting", "scanned"), [(None, False), ("", True)])
def test_pydantic_plugins_are_not_looked_for_unless_asked(setting, scanned):
    """pydantic scans every installed distribution's entry points for plugins when it
    builds its first model; the command line switches that off with pydantic's own
    variable, and a user who sets the variable (here to "", plugins wanted) decides."""
    probe = (
        "import importlib.metadata, sys\n"
        "original = importlib.metadata.entry_points\n"
        "def recording(**selection):\n"
        "    sys.stderr.write(f'entry points asked for: {selection.get(\"group\")}\\n')\n"
        "    return original(**selection)\n"
        "importlib.metadata.entry_points = recording\n"
        f"sys.argv = ['reportgen', 'check', {str(SAMPLE)!r}]\n"
        "from reportgen.__main__ import main\n"
        "main()\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        environment["PYDANTIC_DISABLE_PLUGINS"] = setting
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environment)
    assert "数据无误" in result.stdout
    assert ("entry points asked for: pydantic" in result.stderr) is scanned


def test_a_check_of_the_sample_runs_no_garbage_collection():
    """Each pass of Python's collector looks at every young object still alive (the
    validators, templates and XML a run keeps to its end): the command line makes
    them rare, and a check of the sample needs none."""
    probe = (
        "import gc, os, sys\n"
        "passes = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and passes.append(info['generation']))\n"
        "def finish(code=0):\n"
        "    sys.stdout.write(f'\\ncollector passes: {len(passes)}\\n'); sys.stdout.flush()\n"
        "    os.abort() if code else None\n"
        "os._exit = finish\n"
        f"sys.argv = ['reportgen', 'check', {str(SAMPLE)!r}]\n"
        "from reportgen.__main__ import main\n"
        "passes.clear()\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "数据无误" in result.stdout
    assert "collector passes: 0" in result.stdout, result.stdout[-200:]


def test_a_batch_leaves_no_report_uncollected(tmp_path):
    """With the collector run rarely, each report of a batch is followed by a pass
    (over what the report made: what lives to the end is frozen), so a worker does
    not hold many reports' documents at once."""
    printed = _batch_probe(
        tmp_path,
        "from reportgen.__main__ import GC_THRESHOLDS\n"
        "gc.set_threshold(*GC_THRESHOLDS)\n"
        "batch._preload(options)\n"
        "outcome = batch.run_collected(sample, options, None)\n"
        "print(outcome.status, 'left:', gc.collect())\n"
        "outcome = batch.run_one(sample, options, None)\n"
        "print(outcome.status, 'left without:', gc.collect())\n",
    )
    assert "已生成 left: 0" in printed
    left_without = int(printed.split("left without:")[1])
    assert left_without > 0  # what the pass after each report collects: the test sees it


def test_a_worker_that_started_afresh_freezes_after_its_first_report(tmp_path):
    """Where workers are spawned, not forked (Windows), nothing was frozen before
    them: the first report's pass freezes what is left, so the later passes stay small."""
    printed = _batch_probe(
        tmp_path,
        "print('frozen before:', gc.get_freeze_count())\n"
        "batch.run_collected(sample, options, None)\n"
        "print('frozen after:', gc.get_freeze_count())\n",
    )
    assert "frozen before: 0" in printed
    assert int(printed.split("frozen after:")[1]) > 10_000  # the modules, validators and templates


def _batch_probe(out_dir, code: str) -> str:
    """What ``code`` prints in a fresh process, given ``batch``, ``gc``, build
    ``options`` into ``out_dir`` and the ``sample``'s path."""
    probe = (
        "import gc\n"
        "from pathlib import Path\n"
        "from reportgen import batch\n"
        f"options = batch.Options(Path({str(out_dir)!r}), force=True)\n"
        f"sample = Path({str(SAMPLE)!r})\n"
    ) + code
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
