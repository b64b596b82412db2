"""Random edits of the sample never crash the tool or leave an output behind."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from conftest import run, sample_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LINES = sample_text().splitlines()

_edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(LINES) - 1), st.just("")),
    st.tuples(st.just("duplicate"), st.integers(0, len(LINES) - 1), st.just("")),
    st.tuples(st.just("retype"), st.integers(0, len(LINES) - 1), st.text(max_size=30)),
    st.tuples(
        st.just("renumber"),
        st.integers(0, len(LINES) - 1),
        st.from_regex(r"-?[0-9]{0,5}(\.[0-9]{0,4})?", fullmatch=True),
    ),
)


def _apply(lines: list[str], edit: tuple[str, int, str]) -> list[str]:
    kind, index, text = edit
    lines = list(lines)
    index %= len(lines)
    if kind == "delete":
        del lines[index]
    elif kind == "duplicate":
        lines.insert(index, lines[index])
    elif kind == "retype":
        lines[index] = text
    elif ":" in lines[index]:
        key = lines[index].split(":", 1)[0]
        lines[index] = f"{key}: {text}"
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_edit, min_size=1, max_size=3))
def test_random_edits_pass_or_fail_cleanly(edits):
    lines = LINES
    for edit in edits:
        lines = _apply(lines, edit)
    work = Path(tempfile.mkdtemp())
    try:
        data = work / "2023.yaml"
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = work / "out"
        result = run("build", data, "--out-dir", out, catch=True)
        assert result.exit_code in (0, 1), result.output
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        assert "Traceback" not in result.output and "意外错误" not in result.output, result.output
        if result.exit_code == 1:
            assert "未生成报告" in result.output
            assert not out.exists() or not any(out.iterdir())
        else:
            assert len(list(out.glob("*.docx"))) == 1
    finally:
        shutil.rmtree(work)
