"""LANSS: Bennett M. Pain 2001;92:147–157 — weights 5, 5, 3, 2, 1 and 5, 3; total 0–24; ≥12
neuropathic mechanisms likely (spec §5.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ITEMS = [str(i) for i in range(1, 8)]
WEIGHTS = (5, 5, 3, 2, 1, 5, 3)


def answers(*values):
    return dict(zip(ITEMS, values, strict=True))


@pytest.mark.parametrize(("item", "weight"), list(zip(ITEMS, WEIGHTS, strict=True)))
def test_each_yes_adds_its_weight(item, weight):
    assert scales.score("lanss", {**answers(*[0] * 7), item: 1}).total == weight


def test_paroxysmal_pain_weighs_2_and_thermal_sensation_1_as_on_the_original_form():
    assert scales.score("lanss", {**answers(*[0] * 7), "4": 1}).total == 2
    assert scales.score("lanss", {**answers(*[0] * 7), "5": 1}).total == 1


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((0, 0, 0, 0, 0, 0, 0), 0, "unlikely"),
        ((1, 1, 0, 0, 1, 0, 0), 11, "unlikely"),  # 5 + 5 + 1, the highest score below the cut-off
        ((1, 0, 1, 0, 0, 0, 1), 11, "unlikely"),
        ((1, 0, 0, 1, 0, 1, 0), 12, "likely"),  # 5 + 2 + 5, the cut-off itself
        ((0, 0, 1, 1, 1, 1, 0), 11, "unlikely"),
        ((1, 1, 1, 1, 1, 1, 1), 24, "likely"),
    ],
)
def test_every_band_edge_cut_off_12(values, total, band):
    result = scales.score("lanss", answers(*values))
    assert result.total == total and result.band == band


@pytest.mark.parametrize("bad", [5, 3, 2, -1, "yes", True])
def test_the_rater_answers_no_or_yes_not_the_points(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("lanss", {**answers(*[0] * 7), "1": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "1")]


def test_a_missing_item_gives_no_total_and_a_flagged_partial_sum():
    responses = answers(*[1] * 7)
    del responses["6"]
    result = scales.score("lanss", responses)
    assert result.total is None and result.band is None and result.missing == ("6",)
    assert result.flags[0].code == "partial_sum" and result.flags[0].detail == "19 from 6 of 7 items"


def test_not_tested_unknown_items_and_context_are_refused_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("lanss", {**answers(*[0] * 7), "7": {"not_tested": "pain"}, "8": 0}, {"version": "S-LANSS"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_unknown", "version"),
        ("not_tested_not_allowed", "7"),
        ("unknown_item", "8"),
    ]


@given(st.lists(st.integers(0, 1), min_size=7, max_size=7))
def test_total_is_the_sum_of_the_weights_of_the_yes_answers(values):
    result = scales.score("lanss", answers(*values))
    expected = sum(w for w, v in zip(WEIGHTS, values, strict=True) if v)
    assert result.total == expected
    assert result.band == ("likely" if expected >= 12 else "unlikely")
