"""MG-QOL15r: Burns TM et al. Muscle Nerve 2016;54:1015–1022 (15 items, 0–2, total 0–30; spec §4.4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ITEMS = [str(i) for i in range(1, 16)]


def answers(*values):
    return dict(zip(ITEMS, values, strict=True))


def test_the_total_runs_from_0_to_30():
    assert scales.score("mg_qol15r", answers(*[0] * 15)).total == 0
    assert scales.score("mg_qol15r", answers(*[2] * 15)).total == 30


def test_a_worked_questionnaire():
    result = scales.score("mg_qol15r", answers(2, 1, 0, 1, 1, 0, 2, 1, 0, 0, 1, 1, 0, 2, 0))
    assert result.total == 12 and result.complete


@pytest.mark.parametrize("bad", [3, 4, -1, 1.5, "very"])
def test_values_of_the_original_0_to_4_version_are_refused(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mg_qol15r", {**answers(*[0] * 15), "15": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "15")]


def test_a_self_reported_item_cannot_be_marked_not_tested():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mg_qol15r", {**answers(*[0] * 15), "3": {"not_tested": "refused"}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_not_allowed", "3")]


def test_unknown_items_and_context_are_refused():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mg_qol15r", {**answers(*[0] * 15), "16": 0}, {"version": "MG-QOL15"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_unknown", "version"),
        ("unknown_item", "16"),
    ]


def test_a_missing_item_gives_no_total():
    responses = answers(*[1] * 15)
    del responses["10"]
    result = scales.score("mg_qol15r", responses)
    assert result.total is None and result.missing == ("10",)
    assert result.flags[0].code == "partial_sum" and result.flags[0].detail == "14 from 14 of 15 items"


def test_no_band_and_no_meaningful_change_are_claimed():
    instrument = scales.get("mg_qol15r")
    assert instrument.bands == () and instrument.mcid is None
    base = scales.score("mg_qol15r", answers(*[2] * 15))
    after = scales.score("mg_qol15r", answers(*[0] * 15))
    change = scales.classify_change("mg_qol15r", base, after)
    assert change.classification == "not_classifiable" and change.reason == "no_meaningful_change_threshold"


@given(st.lists(st.integers(0, 2), min_size=15, max_size=15))
def test_total_is_the_sum_of_the_fifteen_items(values):
    assert scales.score("mg_qol15r", answers(*values)).total == sum(values)
