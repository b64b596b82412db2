"""Every figure of every 项目支出绩效自评表 of a generated corpus of departments with many
projects (tests/forms_corpus), built in one batch, against values computed independently from
the README's rules (tests/forms_corpus/rules.py, which does not import reportgen)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "forms_corpus"))

import generate
import rules
from verify import Result, compare_built, run_corpus, wrongly_rounded

EXAMPLE = Path(__file__).parents[1] / "data" / "examples" / "2023-财政部提纲.yaml"
SEED, DEPARTMENTS = 8, 4


def _leaf_score(leaf: dict) -> Decimal:
    marks = Decimal(str(leaf["分值"]))
    if leaf.get("计分") == "定性":
        return marks if leaf["档次"] == "达成" else Decimal(str(leaf["得分"]))
    target, achieved = rules.measure(leaf["年度指标值"]), rules.measure(leaf["实际完成值"])
    return rules.completion_score(target[0], target[1], achieved[1], marks)


def _leaves(node: dict):
    children = node.get("二级指标") or node.get("三级指标")
    if not children:
        yield node
    for child in children or []:
        yield from _leaves(child)


def test_the_rules_give_the_worked_example_by_hand():
    """README / data/examples: 99.5, 95.3 and 89.42, averaging 94.74 — the rules are right before
    they judge reportgen."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    totals = []
    for project in data["收支"]["项目"]:
        budget, actual = (Decimal(str(project[key])) for key in ("调整预算", "决算"))
        rate = rules.execution_rate(actual, budget)
        leaves = [leaf for dimension in project["绩效指标"] for leaf in _leaves(dimension)]
        totals.append(rules.rate_score(rate, Decimal(10)) + sum(map(_leaf_score, leaves)))
    assert [rules.points(t) for t in totals] == ["99.5", "95.3", "89.42"]
    assert rules.points(rules.average(totals)) == "94.74"
    # The README's rounding examples: 96.625 % → 96.63 %, × 10 → 9.663 → 9.66; 97.605 → 97.61.
    assert rules.execution_rate(Decimal("1236.80"), Decimal("1280.00")) == Decimal("96.63")
    assert rules.rate_score(Decimal("96.63"), Decimal(10)) == Decimal("9.66")
    assert rules.half_up(Decimal("97.605")) == Decimal("97.61")


def _corpus() -> list:
    """Seed 1's four departments (66 projects, 57 with indicators), their forms put in every
    place a form can be: one file each beside the report, one file for all (合并), attached to
    the report, and attached as well as filed beside it."""
    corpus = generate.departments(SEED, DEPARTMENTS)
    generate.attach_forms(corpus[0], False)
    generate.attach_forms(corpus[1], False)
    generate.set_output(corpus[1], "合并")
    generate.attach_forms(corpus[2], True)
    generate.attach_forms(corpus[3], True)
    generate.set_output(corpus[3], "分别")
    return corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The corpus, built once: (cases, result, work folder)."""
    work = tmp_path_factory.mktemp("forms-corpus")
    cases = generate.files_of(SEED, _corpus())
    return cases, run_corpus(cases, work, check=False), work


def test_every_figure_of_every_form_is_what_the_rules_say(built):
    cases, result, _ = built
    assert [e["表"] for _, e in cases] == ["files", "combined", "report", "files+report"]
    assert result.build_code == 0, result.build_output[-3000:]
    assert not result.mismatches, "\n".join(map(str, result.mismatches[:30]))
    assert not result.missing, result.missing
    assert not result.extra, result.extra
    # What was compared (seed 1, 4 departments): 66 projects, 57 with indicators, 75 forms read
    # (18 both attached and filed), 2770 figures and 3624 texts.
    assert result.departments == DEPARTMENTS and result.projects >= 60
    assert result.evaluated >= 50
    assert result.forms_read == sum(len(e["forms"]) * len(e["表"].split("+")) for _, e in cases)
    assert result.no_form_checked >= 5
    assert result.figures > 2000 and result.texts > 2500
    assert result.sentences == DEPARTMENTS
    assert result.traps.get("completion", 0) >= 20
    assert result.traps.get("执行率trap3", 0) + result.traps.get("执行率trap4", 0) >= 5


def test_the_corpus_would_catch_a_wrong_rounding(built):
    """Held against figures rounded the banker's way (Python's round()), the same build fails:
    the checker reads real figures, and the corpus has traps that tell the roundings apart."""
    _, _, work = built
    corpus = _corpus()
    assert wrongly_rounded(corpus, "banker's") >= 20
    assert wrongly_rounded(corpus, "float") >= 20
    with rules.rounded_by("banker's"):
        wrong = [generate.expected_of(d) for d in corpus]
    caught = compare_built(work / "out", wrong, Result())
    assert len(caught.mismatches) >= 20, "banker's-rounded expectations went unnoticed"
    assert not caught.missing and not caught.extra


def test_a_second_build_after_edits_leaves_no_stale_form(tmp_path):
    """Edited between two builds into the same folder: a project loses its 绩效指标, another is
    renamed, the forms are merged into one file; in the other department they move into the
    report, less is spent on a project and 预算执行率 weighs 20. Every form is then the new one
    and the old ones are gone."""
    first = run_corpus(generate.generate(2, 2), tmp_path, check=False)
    assert first.ok(), first.table()
    assert first.forms_read == 7
    corpus = generate.departments(2, 2)
    one, other = corpus
    evaluated = [p for p in one.projects if p.dims]
    generate.drop_indicators(one, evaluated[0])
    generate.rename(one, evaluated[1])
    generate.set_output(one, "合并")
    generate.attach_forms(other, True)
    generate.respend(other, other.projects[-1], Decimal("1.23"))
    generate.reweigh(other, Decimal(20))
    second = run_corpus(generate.files_of(2, corpus), tmp_path, check=False)
    assert second.build_code == 0, second.build_output[-3000:]
    assert not second.mismatches, "\n".join(map(str, second.mismatches[:30]))
    assert not second.missing and not second.extra, (second.missing, second.extra)
    assert [e["表"] for e in (generate.expected_of(d) for d in corpus)] == ["combined", "report"]
    assert second.forms_read == 6 and second.figures > 150
