"""The corpus and its scorer measure what they say: an importer that returns the truth scores
100 % with nothing wrong, one that writes nothing scores 0, a changed amount is one wrong value,
and the same seed gives the same files."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_generate import generate  # noqa: E402
from corpus_score import Imported, score  # noqa: E402


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("corpus"), 10, seed=7)


def _returning(change=None):
    """An importer that writes the truth (changed by ``change``) as its data file."""

    def run(case, work: Path) -> Imported:
        target = work / "imported.yaml"
        shutil.copyfile(case.truth, target)
        if change:
            data = yaml.safe_load(target.read_text(encoding="utf-8"))
            change(data)
            target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return Imported(0, "", target)

    return run


def test_the_truth_itself_scores_everything_right(cases, tmp_path):
    scores = score(cases, _returning(), tmp_path)
    totals = scores.totals
    assert totals["facts"] > 500
    assert (totals["right"], totals["wrong"], totals["missed"]) == (totals["facts"], 0, 0)
    assert totals["extra"] == 0 and totals["internal_errors"] == 0
    # only the paragraphs added with text no data value holds are missing from the truth file
    lost = {text for c in scores.cases for _, text in c.lost}
    assert all("三定" in text or "党组会议" in text or text.endswith("附注") for text in lost), lost


def test_an_importer_that_writes_nothing_scores_nothing(cases, tmp_path):
    scores = score(cases, lambda case, work: Imported(1, "错误：读不出", None), tmp_path)
    assert scores.totals["right"] == 0 and scores.totals["wrong"] == 0
    assert scores.totals["refused"] == len(cases)
    assert scores.totals["lost"] == scores.totals["kept_texts"]


def test_a_changed_amount_is_one_wrong_value_and_a_traceback_an_internal_error(cases, tmp_path):
    def change(data):
        data["收支"]["决算"] = float(data["收支"]["决算"]) + 1

    docx_cases = [c for c in cases if c.kind == "docx"][:2]
    scores = score(docx_cases, _returning(change), tmp_path)
    assert [w["path"] for w in scores.wrong_values()] == ["收支.决算", "收支.决算"]
    crashed = score(docx_cases[:1], lambda case, work: Imported(0, "Traceback (most recent call last):\n", None), tmp_path)
    assert crashed.totals["internal_errors"] == 1


def test_the_same_seed_gives_the_same_files(tmp_path):
    def digest(folder: Path) -> str:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".docx", ".xlsx", ".yaml"))
        return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()

    generate(tmp_path / "a", 4, seed=3)
    generate(tmp_path / "b", 4, seed=3)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
