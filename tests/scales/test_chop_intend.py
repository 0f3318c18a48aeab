"""CHOP INTEND: Glanzman AM et al. Neuromuscul Disord 2010;20:155–161; CNT from the CHOP INTEND
Manual of Procedures; item order, sides and the better-side rule per spec §2.4 and §10."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.sma import CHOP_INTEND_LEVELS

BILATERAL = {3, 5, 6, 7, 8, 9, 10, 11, 13, 16}
SINGLE = [n for n in range(1, 17) if n not in BILATERAL]


def ids():
    out = []
    for n in range(1, 17):
        out.extend([f"{n}_L", f"{n}_R"] if n in BILATERAL else [str(n)])
    return out


def every(value, **overrides):
    return {**dict.fromkeys(ids(), value), **overrides}


def test_item_ids_are_1_to_16_with_sides_on_bilateral_items():
    instrument = scales.get("chop_intend")
    assert [i.id for i in instrument.items] == ids()
    assert {i.side for i in instrument.items if "_" in i.id} == {"L", "R"}
    assert all(i.label.kk and i.label.ru for i in instrument.items)


def test_every_item_accepts_0_to_4_and_cnt():
    """Per-item level sets are unverified (spec §11.3): every item keeps 0–4 until transcribed."""
    assert set(CHOP_INTEND_LEVELS) == set(range(1, 17))
    for item in scales.get("chop_intend").items:
        assert [c.code for c in item.choices] == [0, 1, 2, 3, 4, "CNT"]


def test_all_maximum_is_64_and_all_zero_is_0():
    assert scales.score("chop_intend", every(4)).total == 64
    assert scales.score("chop_intend", every(0)).total == 0


def test_spec_vector_a_bilateral_item_scores_its_better_side():
    """Spec §10: L = 2, R = 3 contributes 3 under the better-side rule."""
    result = scales.score("chop_intend", every(0, **{"3_L": 2, "3_R": 3}))
    assert result.total == 3 and result.side is None
    assert result.derived["item_scores"]["3"] == 3 and result.derived["side_rule"] == "better_side"


def test_one_side_can_be_chosen_and_then_travels_with_the_result():
    responses = every(0, **{"3_L": 2, "3_R": 3})
    left = scales.score("chop_intend", responses, {"scored_side": "L"})
    right = scales.score("chop_intend", responses, {"scored_side": "R"})
    assert (left.total, left.side, left.derived["side_rule"]) == (2, "L", "left")
    assert (right.total, right.side) == (3, "R")


def test_results_under_different_side_rules_are_never_compared():
    responses = every(2)
    with pytest.raises(scales.ScaleError) as raised:
        scales.classify_change(
            "chop_intend",
            scales.score("chop_intend", responses),
            scales.score("chop_intend", responses, {"scored_side": "L"}),
        )
    assert raised.value.codes == ["side_mismatch"]


def test_cnt_is_not_zero_it_withholds_the_total_and_flags_the_partial_sum():
    """Manual of Procedures: CNT, not 0; registry policy: no total, partial sum flagged (spec §2.4)."""
    result = scales.score("chop_intend", every(4, **{"12": "CNT", "5_R": "CNT"}))
    assert result.total is None and not result.complete
    assert [(f.code, f.items, f.detail) for f in result.flags] == [
        ("cannot_test", ("5_R", "12"), "n_CNT = 2"),
        ("partial_sum", ("5", "12"), "56 from 14 of 16 items"),
    ]
    assert result.derived["n_cnt"] == 2 and result.derived["item_scores"]["5"] is None


def test_cnt_on_the_side_not_scored_leaves_the_total_but_is_still_counted():
    result = scales.score("chop_intend", every(1, **{"16_R": "CNT"}), {"scored_side": "L"})
    assert result.total == 16 and result.complete
    assert [(f.code, f.items) for f in result.flags] == [("cannot_test", ("16_R",))]


def test_a_missing_side_withholds_the_total_under_the_better_side_rule():
    responses = every(3)
    del responses["10_R"]
    result = scales.score("chop_intend", responses)
    assert result.total is None and not result.complete and result.missing == ("10_R",)
    assert [(f.code, f.items) for f in result.flags] == [("partial_sum", ("10",))]


def test_the_side_not_scored_may_be_missing():
    responses = {i: 2 for i in ids() if not i.endswith("_R")}
    result = scales.score("chop_intend", responses, {"scored_side": "L"})
    assert result.total == 32 and result.complete


def test_not_tested_is_recorded_as_cnt_not_as_a_reason():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("chop_intend", every(2, **{"4": {"not_tested": "behaviour"}}))
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_not_allowed", "4")]


@pytest.mark.parametrize(("item", "bad"), [("1", 5), ("3_L", -1), ("14", "cnt"), ("16_R", 2.5), ("3", 2)])
def test_values_and_items_outside_the_scale_are_refused(item, bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("chop_intend", every(0, **{item: bad}))
    expected = "unknown_item" if item == "3" else "value_not_allowed"
    assert [(p.code, p.item) for p in raised.value.problems] == [(expected, item)]


def test_scored_side_accepts_only_l_or_r():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("chop_intend", every(0), {"scored_side": "best"})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_invalid", "scored_side")]


def test_four_points_is_a_meaningful_change():
    """≥4 points: ENDEAR (Finkel 2017) and later cohorts (spec §2.4)."""
    base = scales.score("chop_intend", every(1))
    up_four = scales.score("chop_intend", every(1, **{"1": 3, "2": 3}))
    up_three = scales.score("chop_intend", every(1, **{"1": 3, "2": 2}))
    assert scales.classify_change("chop_intend", base, up_four).classification == "improved"
    assert scales.classify_change("chop_intend", base, up_three).classification == "stable"
    assert scales.classify_change("chop_intend", up_four, base).classification == "worsened"


@given(st.lists(st.integers(0, 4), min_size=26, max_size=26))
def test_total_is_the_sum_of_single_items_and_better_sides(values):
    responses = dict(zip(ids(), values, strict=True))
    result = scales.score("chop_intend", responses)
    expected = sum(responses[str(n)] for n in SINGLE) + sum(
        max(responses[f"{n}_L"], responses[f"{n}_R"]) for n in BILATERAL
    )
    assert result.total == expected
    left = scales.score("chop_intend", responses, {"scored_side": "L"}).total
    assert left == sum(responses[str(n)] for n in SINGLE) + sum(responses[f"{n}_L"] for n in BILATERAL)
    assert left <= result.total
