"""MG-ADL: Wolfe GI et al. Neurology 1999;52:1487–1489; MCID Muppidi S et al. Muscle Nerve 2011;44:727."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ITEMS = [str(i) for i in range(1, 9)]


def answers(*values):
    return dict(zip(ITEMS, values, strict=True))


def test_the_total_runs_from_0_to_24_over_eight_items_of_0_to_3():
    assert scales.score("mg_adl", answers(*[0] * 8)).total == 0
    assert scales.score("mg_adl", answers(*[3] * 8)).total == 24


def test_a_worked_profile_sums_its_eight_levels():
    # Talking 1, chewing 2, swallowing 1, breathing 0, grooming 1, chair 2, diplopia 3, ptosis 2.
    result = scales.score("mg_adl", answers(1, 2, 1, 0, 1, 2, 3, 2))
    assert result.total == 12 and result.complete and result.flags == ()


def test_no_band_is_given_because_none_is_published():
    instrument = scales.get("mg_adl")
    assert instrument.bands == ()
    assert scales.score("mg_adl", answers(*[2] * 8)).band is None


def test_a_missing_item_gives_no_total_and_a_flagged_partial_sum():
    responses = answers(1, 1, 1, 1, 1, 1, 1, 1)
    del responses["7"]
    result = scales.score("mg_adl", responses)
    assert result.total is None and not result.complete and result.missing == ("7",)
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == ("7",)
    assert result.flags[0].detail == "7 from 7 of 8 items"


@pytest.mark.parametrize("bad", [4, -1, "3+", 2.5, True, [1]])
def test_values_outside_0_to_3_are_refused(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mg_adl", {**answers(*[0] * 8), "4": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "4")]


def test_a_patient_reported_item_cannot_be_marked_not_tested():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mg_adl", {**answers(*[0] * 8), "2": {"not_tested": "refused"}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_not_allowed", "2")]


def test_unknown_items_and_context_are_reported_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mg_adl", {**answers(*[0] * 8), "9": 1, "1": 7}, {"sex": "male"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_unknown", "sex"),
        ("unknown_item", "9"),
        ("value_not_allowed", "1"),
    ]
    for lang in scales.LANGUAGES:
        assert all(raised.value.messages(lang))


def test_two_points_is_a_meaningful_change_muppidi_2011():
    base = scales.score("mg_adl", answers(2, 2, 1, 1, 1, 1, 1, 1))
    assert scales.get("mg_adl").mcid.value == 2
    better = scales.score("mg_adl", answers(1, 1, 1, 1, 1, 1, 1, 1))
    slightly = scales.score("mg_adl", answers(1, 2, 1, 1, 1, 1, 1, 1))
    assert scales.classify_change("mg_adl", base, better).classification == "improved"
    assert scales.classify_change("mg_adl", base, slightly).classification == "stable"
    assert scales.classify_change("mg_adl", better, base).classification == "worsened"


@given(st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_total_is_the_sum_of_the_eight_levels(values):
    result = scales.score("mg_adl", answers(*values))
    assert result.total == sum(values) and result.complete
