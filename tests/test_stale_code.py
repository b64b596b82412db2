"""A report is skipped as unchanged only if the program that would build it is
unchanged too: an update of an editable install keeps the version number but
changes the code, and the report must then be built again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE, paragraphs


def _install_copy(site: Path) -> Path:
    """The package as pip installs it (templates as the package data reportgen.templates)."""
    package = site / "reportgen"
    shutil.copytree(ROOT / "reportgen", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", package / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    return package


def _build(site: Path, out_dir: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(SAMPLE), "--out-dir", str(out_dir)],
        env={**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_changed_formatter_rebuilds_the_report(tmp_path):
    site, out_dir = tmp_path / "site", tmp_path / "out"
    package = _install_copy(site)
    assert "已生成" in _build(site, out_dir)
    assert "未改动，跳过" in _build(site, out_dir)

    # An update of the program: amounts are now written differently, version unchanged.
    with (package / "formats.py").open("a", encoding="utf-8") as formats:
        formats.write("\n\n_money = money\n\n\ndef money(value):\n    return _money(value) + '〔新〕'\n")
    output = _build(site, out_dir)
    assert "未改动，跳过" not in output and "已生成" in output
    (report,) = out_dir.glob("*.docx")
    assert any("1028.77〔新〕万元" in paragraph for paragraph in paragraphs(report))
    assert "未改动，跳过" in _build(site, out_dir)
