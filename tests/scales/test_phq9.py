"""PHQ-9: Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med 2001;16:606–613."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ITEMS = [str(i) for i in range(1, 10)]


def answers(*values):
    return dict(zip(ITEMS, values, strict=True))


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (27, "severe")],
)  # fmt: skip
def test_every_band_edge_of_kroenke_2001(total, band):
    values = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    values[-1] = total - sum(values[:-1])
    result = scales.score("phq9", answers(*values))
    assert result.total == total
    assert result.band == band


def test_item_9_above_zero_raises_the_safety_flag_whatever_the_total():
    result = scales.score("phq9", answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert result.total == 1 and result.band == "minimal"
    assert [f.code for f in result.flags] == ["safety_self_harm"]
    assert not scales.score("phq9", answers(3, 3, 3, 3, 3, 3, 3, 3, 0)).has_flag("safety_self_harm")


def test_a_missing_item_gives_no_total_by_default():
    responses = answers(1, 1, 1, 1, 1, 1, 1, 1, 0)
    del responses["4"]
    result = scales.score("phq9", responses)
    assert result.total is None and not result.complete and result.missing == ("4",)
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == ("4",)


def test_prorating_is_applied_only_on_request_and_only_up_to_two_missing_items():
    responses = answers(2, 2, 1, 1, 1, 1, 1, 0, 0)
    del responses["8"], responses["9"]
    result = scales.score("phq9", responses, {"missing_rule": "prorate"})
    assert result.total == 12  # 9 × 9 / 7 = 11.57 → 12, rounded half up
    assert result.has_flag("prorated") and not result.complete
    del responses["7"]
    assert scales.score("phq9", responses, {"missing_rule": "prorate"}).total is None


def test_item_10_is_recorded_but_not_scored():
    result = scales.score("phq9", {**answers(1, 1, 1, 1, 1, 1, 1, 1, 0), "10": 3})
    assert result.total == 8


@pytest.mark.parametrize("bad", [4, -1, "2a", 1.5, True, [1]])
def test_values_outside_0_to_3_are_refused_with_the_item_named(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("phq9", {**answers(0, 0, 0, 0, 0, 0, 0, 0, 0), "3": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "3")]


def test_text_digits_from_a_form_are_the_same_answer():
    assert scales.score("phq9", {i: "2" for i in ITEMS}).total == 18


def test_every_problem_is_reported_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("phq9", {"1": 9, "2": -1, "x": 0}, {"missing_rule": "guess"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "missing_rule"),
        ("unknown_item", "x"),
        ("value_not_allowed", "1"),
        ("value_not_allowed", "2"),
    ]


def test_change_of_five_points_is_meaningful_lowe_2004():
    base = scales.score("phq9", answers(2, 2, 2, 2, 2, 2, 1, 1, 0))
    better = scales.score("phq9", answers(1, 1, 1, 1, 1, 1, 1, 1, 0))
    slightly = scales.score("phq9", answers(2, 2, 2, 1, 1, 1, 1, 1, 1))
    assert scales.classify_change("phq9", base, better).classification == "improved"
    assert scales.classify_change("phq9", base, slightly).classification == "stable"
    assert scales.classify_change("phq9", better, base).classification == "worsened"


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_total_is_the_sum_of_the_nine_items(values):
    result = scales.score("phq9", answers(*values))
    assert result.total == sum(values)
    assert result.has_flag("safety_self_harm") == (values[8] > 0)
