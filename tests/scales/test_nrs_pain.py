"""NRS 0–10: Farrar JT et al. Pain 2001;94:149–158 (about 2 points or 30 % is clinically important);
LOINC 72514-3 (spec §5.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales


@pytest.mark.parametrize("rating", [0, 10, 6])
def test_the_score_is_the_rating(rating):
    result = scales.score("nrs_pain", {"score": rating})
    assert result.total == rating and result.complete and result.band is None


def test_text_and_float_forms_of_a_whole_rating_are_accepted():
    assert scales.score("nrs_pain", {"score": "7"}).total == 7
    assert scales.score("nrs_pain", {"score": 7.0}).total == 7


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (11, "value_out_of_range"),
        (-1, "value_out_of_range"),
        (6.5, "not_an_integer"),
        ("severe", "not_a_number"),
        (True, "not_a_number"),
    ],
)
def test_ratings_outside_0_to_10_are_refused(bad, code):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("nrs_pain", {"score": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [(code, "score")]


def test_a_rating_cannot_be_marked_not_tested():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("nrs_pain", {"score": {"not_tested": "refused"}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_not_allowed", "score")]


def test_no_rating_gives_no_score():
    result = scales.score("nrs_pain", {})
    assert result.total is None and result.missing == ("score",) and not result.complete


def test_the_recall_period_is_validated_and_kept():
    assert (
        scales.score("nrs_pain", {"score": 3}, {"recall_period": "7d_average"}).derived["recall_period"] == "7d_average"
    )
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("nrs_pain", {"score": 3, "worst": 5}, {"recall_period": "week", "side": "R"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "recall_period"),
        ("context_unknown", "side"),
        ("unknown_item", "worst"),
    ]


def test_the_loinc_code_is_declared():
    assert scales.get("nrs_pain").loinc.total == "72514-3"


@pytest.mark.parametrize(
    ("before", "after", "classification"),
    [
        (6, 4, "improved"),
        (6, 5, "stable"),
        (2, 4, "worsened"),
        (0, 2, "worsened"),
        (3, 2, "stable"),
        (10, 8, "improved"),
    ],
)
def test_two_points_is_a_meaningful_change_farrar_2001(before, after, classification):
    change = scales.classify_change(
        "nrs_pain", scales.score("nrs_pain", {"score": before}), scales.score("nrs_pain", {"score": after})
    )
    assert change.classification == classification
    assert change.threshold.kind == "points" and change.threshold.value == 2


def test_the_percent_change_is_reported_beside_the_points():
    change = scales.classify_change(
        "nrs_pain", scales.score("nrs_pain", {"score": 10}), scales.score("nrs_pain", {"score": 7})
    )
    assert change.classification == "improved" and change.percent_change == -30.0


@given(st.integers(0, 10))
def test_every_rating_from_0_to_10_is_its_own_score(rating):
    assert scales.score("nrs_pain", {"score": rating}).total == rating
