"""HFMSE: O'Hagen JM et al. Neuromuscul Disord 2007;17:693–697; HFMS items 1–20 from Main M et al.
Eur J Paediatr Neurol 2003;7:155–159; item numbering per the TrakCare HFMSE dictionary (spec §2.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ITEMS = [str(n) for n in range(1, 34)]


def answers(*values):
    return dict(zip(ITEMS, values, strict=True))


def every(value):
    return dict.fromkeys(ITEMS, value)


def test_spec_vectors_all_2_is_66_and_all_0_is_0():
    """Spec §10: all 2 → 66; all 0 → 0; HFMS subtotal 40 and 0."""
    top = scales.score("hfmse", every(2))
    assert (top.total, top.subscores["hfms"], top.complete, top.flags) == (66, 40, True, ())
    bottom = scales.score("hfmse", every(0))
    assert (bottom.total, bottom.subscores["hfms"]) == (0, 0)


def test_the_hfms_subtotal_is_items_1_to_20_only():
    """The original 20-item HFMS (0–40) sits inside the expanded scale as items 1–20."""
    original_only = scales.score("hfmse", answers(*([2] * 20 + [0] * 13)))
    assert (original_only.total, original_only.subscores["hfms"]) == (40, 40)
    add_on_only = scales.score("hfmse", answers(*([0] * 20 + [2] * 13)))
    assert (add_on_only.total, add_on_only.subscores["hfms"]) == (26, 0)


def test_items_are_0_1_2_with_labels_in_three_languages():
    instrument = scales.get("hfmse")
    assert [i.id for i in instrument.items] == ITEMS
    for item in instrument.items:
        assert [c.code for c in item.choices] == [0, 1, 2]
        assert all(c.label.kk and c.label.ru for c in item.choices)
    assert {i.group for i in instrument.items[:20]} == {"hfms"}
    assert {i.group for i in instrument.items[20:]} == {"expanded"}


def test_a_missing_item_withholds_the_total_and_shows_the_partial_sum():
    responses = every(1)
    del responses["25"]
    result = scales.score("hfmse", responses)
    assert result.total is None and not result.complete and result.missing == ("25",)
    assert result.subscores["hfms"] == 20  # item 25 is outside items 1–20
    (flag,) = result.flags
    assert (flag.code, flag.items, flag.detail) == ("partial_sum", ("25",), "32 from 32 of 33 items")


def test_a_missing_item_inside_1_to_20_withholds_the_subtotal_too():
    responses = every(2)
    responses["7"] = None
    result = scales.score("hfmse", responses)
    assert result.total is None and result.subscores["hfms"] is None


def test_an_item_not_tested_keeps_its_reason_and_withholds_the_total():
    result = scales.score("hfmse", {**every(2), "29": {"not_tested": "contracture", "note": "ankles"}})
    assert result.total is None and result.not_tested == ("29",) and not result.complete
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == ("29",)
    assert result.subscores["hfms"] == 40


def test_an_unknown_not_tested_reason_is_refused():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hfmse", {**every(2), "3": {"not_tested": "tired"}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_reason_unknown", "3")]


def test_limited_by_contracture_is_recorded_without_changing_the_score():
    """TrakCare HFMSE dictionary: a per-item 'limited by contracture' flag beside the score."""
    result = scales.score("hfmse", every(1), {"limited_by_contracture": {"21": True, "3": True, "4": False}})
    assert result.total == 33
    assert [(f.code, f.items) for f in result.flags] == [("limited_by_contracture", ("3", "21"))]


def test_limited_by_contracture_names_only_known_items_with_true_or_false():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hfmse", every(1), {"limited_by_contracture": {"34": True, "2": "yes"}})
    assert [(p.code, p.item, p.value) for p in raised.value.problems] == [
        ("context_invalid", "limited_by_contracture", "34=True"),
        ("context_invalid", "limited_by_contracture", "2='yes'"),
    ]
    for lang in scales.LANGUAGES:
        assert "34" in raised.value.problems[0].message(lang)


def test_header_context_is_accepted_and_does_not_change_the_score():
    context = {"manual": "2019", "spine_posture": "kyphotic", "leg_posture": "frog", "comments": "brace off"}
    assert scales.score("hfmse", every(2), context).total == 66


@pytest.mark.parametrize("bad", [3, -1, "2a", 1.5, True, [2]])
def test_values_outside_0_1_2_are_refused_with_the_item_named(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hfmse", {**every(0), "12": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "12")]


def test_every_problem_is_reported_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hfmse", {"1": 5, "34": 0, "2": {"not_tested": "moon"}}, {"manual": "2015", "rater": "x"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "manual"),
        ("context_unknown", "rater"),
        ("not_tested_reason_unknown", "2"),
        ("unknown_item", "34"),
        ("value_not_allowed", "1"),
    ]


def test_three_points_is_a_meaningful_change():
    """≥3 points: responder threshold in CHERISH (Mercuri 2018) and SMA registries (spec §2.1)."""
    base = scales.score("hfmse", answers(*([1] * 33)))
    plus_three = scales.score("hfmse", answers(*([2] * 3 + [1] * 30)))
    plus_two = scales.score("hfmse", answers(*([2] * 2 + [1] * 31)))
    assert scales.classify_change("hfmse", base, plus_three).classification == "improved"
    assert scales.classify_change("hfmse", base, plus_two).classification == "stable"
    change = scales.classify_change("hfmse", plus_three, base)
    assert (change.classification, change.difference, change.threshold.value) == ("worsened", -3, 3)
    assert "CHERISH" in change.threshold.source


@given(st.lists(st.integers(0, 2), min_size=33, max_size=33))
def test_total_and_subtotal_are_the_sums_of_their_items(values):
    result = scales.score("hfmse", answers(*values))
    assert result.total == sum(values)
    assert result.subscores["hfms"] == sum(values[:20])


@given(st.lists(st.integers(0, 2), min_size=33, max_size=33), st.sets(st.sampled_from(ITEMS), min_size=1))
def test_any_missing_item_withholds_the_total_and_the_partial_sum_counts_the_rest(values, gaps):
    responses = {i: v for i, v in zip(ITEMS, values, strict=True) if i not in gaps}
    result = scales.score("hfmse", responses)
    assert result.total is None
    flag = result.flags[0]
    assert set(flag.items) == gaps
    assert flag.detail == f"{sum(responses.values())} from {33 - len(gaps)} of 33 items"
