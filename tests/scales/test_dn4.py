"""DN4: Bouhassira D et al. Pain 2005;114:29–36 — 10 yes/no items, ≥4/10 neuropathic pain likely;
the 7 interview items alone (DN4-interview) positive from 3 (spec §5.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ITEMS = [str(i) for i in range(1, 11)]


def answers(*values):
    return dict(zip(ITEMS, values, strict=True))


def with_yes(count):
    return answers(*([1] * count + [0] * (10 - count)))


@pytest.mark.parametrize(("total", "band"), [(0, "unlikely"), (3, "unlikely"), (4, "likely"), (10, "likely")])
def test_every_band_edge_cut_off_4(total, band):
    result = scales.score("dn4", with_yes(total))
    assert result.total == total and result.band == band


def test_a_worked_example_burning_tingling_numbness_and_reduced_pin_prick():
    result = scales.score("dn4", answers(1, 0, 0, 1, 0, 1, 0, 0, 1, 0))
    assert result.total == 4 and result.band == "likely"
    assert result.derived == {"interview_score": 3, "interview_positive": True}


@pytest.mark.parametrize(("yes", "positive"), [(2, False), (3, True), (7, True), (0, False)])
def test_the_interview_version_is_positive_from_3_of_7(yes, positive):
    result = scales.score("dn4", answers(*([1] * yes + [0] * (7 - yes)), 0, 0, 0))
    assert result.derived["interview_score"] == yes
    assert result.derived["interview_positive"] is positive


def test_an_interview_only_administration_gives_its_own_result_but_no_dn4_total():
    result = scales.score("dn4", {str(i): 1 for i in range(1, 8)})
    assert result.total is None and result.band is None and result.missing == ("8", "9", "10")
    assert result.derived == {"interview_score": 7, "interview_positive": True}
    assert result.flags[0].code == "partial_sum" and result.flags[0].detail == "7 from 7 of 10 items"


def test_a_missing_interview_item_leaves_both_scores_empty():
    responses = with_yes(5)
    del responses["2"]
    result = scales.score("dn4", responses)
    assert result.total is None and result.derived == {"interview_score": None, "interview_positive": None}


@pytest.mark.parametrize("bad", [2, -1, "yes", 0.5, True])
def test_answers_other_than_0_and_1_are_refused(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("dn4", {**with_yes(0), "10": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "10")]


def test_not_tested_unknown_items_and_context_are_refused_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("dn4", {**with_yes(0), "9": {"not_tested": "pain"}, "11": 1}, {"version": "DN4"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_unknown", "version"),
        ("not_tested_not_allowed", "9"),
        ("unknown_item", "11"),
    ]


def test_a_screening_tool_has_no_meaningful_change():
    change = scales.classify_change("dn4", scales.score("dn4", with_yes(6)), scales.score("dn4", with_yes(1)))
    assert change.classification == "not_classifiable"


@given(st.lists(st.integers(0, 1), min_size=10, max_size=10))
def test_total_counts_the_yes_answers(values):
    result = scales.score("dn4", answers(*values))
    assert result.total == sum(values)
    assert result.band == ("likely" if sum(values) >= 4 else "unlikely")
    assert result.derived["interview_score"] == sum(values[:7])
