"""Derived figures, checked against hand computation, rounded 四舍五入."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from conftest import SAMPLE

from reportgen.computation import evaluate
from reportgen.formats import cn_date, cn_number, enumerate_cn, money, percent, score
from reportgen.loading import load
from reportgen.numbers import execution_rate, half_up
from reportgen.schema import Indicator
from reportgen.scoring import Known, score_leaf
from reportgen.validation import validate


@pytest.fixture(scope="module")
def sample():
    report = validate(load(SAMPLE).data)
    return report, evaluate(report)


def test_sample_rates_match_the_published_report(sample):
    _, figures = sample
    assert figures.budget.rate == D("97.60")
    assert figures.budget.basic.rate == D("96.37")
    assert figures.budget.project.rate == D("98.65")
    assert [(p.name, p.rate) for p in figures.budget.low_rate_projects] == [
        ("办公用房经费", D("92.05")),
        ("招商业务工作经费", D("80.55")),
    ]


def test_sample_scores_match_the_published_report(sample):
    _, figures = sample
    results, management = figures.evaluation.dimensions
    assert results.children[0].score == D("9.76")
    assert results.children[0].deduction == D("0.24")
    assert results.score == D("49.76")
    assert management.score == D("48")
    assert figures.evaluation.score == D("97.76")
    assert figures.evaluation.full_marks == D("100")
    assert figures.evaluation.grade == "优"


def test_parts_are_summed_for_the_consistency_check(sample):
    _, figures = sample
    assert figures.budget.parts.budget == D("1028.76")
    assert figures.budget.parts.actual == D("1004.09")
    # The stated total stands when it is within tolerance.
    assert figures.budget.budget == D("1028.77")


@pytest.mark.parametrize(
    ("actual", "budget", "expected"),
    [
        ("976.05", "1000", "97.61"),  # 97.605: half-up gives .61 where half-even gives .60
        ("976.15", "1000", "97.62"),  # 97.615
        ("1004.09", "1028.77", "97.60"),
        ("454.25", "471.38", "96.37"),
        ("81.00", "88.00", "92.05"),  # 92.04545…
        ("1", "3", "33.33"),
        ("2", "3", "66.67"),
        ("0", "5", "0.00"),
    ],
)
def test_execution_rate_rounds_half_up(actual, budget, expected):
    assert execution_rate(D(actual), D(budget)) == D(expected)


def test_a_line_without_budget_has_no_rate():
    assert execution_rate(D("5"), D("0")) is None


def test_half_up_is_not_bankers_rounding():
    assert half_up(D("0.125")) == D("0.13")
    assert half_up(D("2.675")) == D("2.68")  # float would give 2.67
    assert half_up(D("-0.125")) == D("-0.13")


def _indicator(**fields) -> Indicator:
    return Indicator.model_validate({"名称": "甲", "分值": "10", **fields})


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("97.60", "9.76"), ("96.25", "9.63"), ("100.00", "10.00"), ("104.30", "10.00"), ("0.00", "0.00")],
)
def test_budget_rate_indicator_is_capped_at_full_marks(rate, expected):
    assert score_leaf(_indicator(计分="预算执行率"), Known({"部门整体": D(rate)})).score == D(expected)


def test_manual_indicator_loses_its_deduction():
    assert score_leaf(_indicator(扣分="2.5", 扣分原因="某原因"), Known({})).score == D("7.5")
    assert score_leaf(_indicator(), Known({})).score == D("10")


@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.99", "差")],
)
def test_grades_follow_the_ministry_convention(sample, total, grade):
    from reportgen.computation import grade as grade_of

    report, _ = sample
    assert grade_of(D(total), report.evaluation.grades) == grade


def test_number_filters():
    assert money(D("965.8")) == "965.80"
    assert money(D("1028.765")) == "1028.77"
    assert percent(D("97.6")) == "97.60%"
    assert percent(None) == "—"
    assert score(D("48.00")) == "48"
    assert score(D("9.76")) == "9.76"
    assert score(D("2.50")) == "2.5"
    assert score(D("100")) == "100"


def test_chinese_numbering_filters():
    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == ["一", "九", "十", "十一", "二十", "二十一", "九十九"]
    assert enumerate_cn(["甲", "乙", "丙"]) == "一是甲；二是乙；三是丙。"
    assert cn_date(datetime.date(2024, 3, 1)) == "2024年3月1日"
