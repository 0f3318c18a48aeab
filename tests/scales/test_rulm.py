"""RULM: Mazzone ES et al. Muscle Nerve 2017;55:869–874; item letters A (entry) and B–T per the
TrakCare QTCRULM dictionary, one tested arm per administration (spec §2.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.sma import RULM_ITEM_MAXIMA

SCORED = list("BCDEFGHIJKLMNOPQRST")
RIGHT = {"side": "R"}


def best(**overrides):
    return {"A": 6, **{letter: RULM_ITEM_MAXIMA[letter] for letter in SCORED}, **overrides}


def test_items_are_the_entry_item_and_nineteen_scored_letters():
    instrument = scales.get("rulm")
    assert [i.id for i in instrument.items] == ["A", *SCORED]
    entry = instrument.items_by_id["A"]
    assert not entry.scored and [c.code for c in entry.choices] == [0, 1, 2, 3, 4, 5, 6]


def test_one_item_is_scored_0_1_and_eighteen_0_1_2_for_a_maximum_of_37():
    """Spec §2.2 / §10: 18 × 2 + 1 = 37; the single 0/1 item is kept as data (decision: item B)."""
    assert list(RULM_ITEM_MAXIMA) == SCORED
    assert sorted(RULM_ITEM_MAXIMA.values()) == [1] + [2] * 18
    assert [letter for letter, maximum in RULM_ITEM_MAXIMA.items() if maximum == 1] == ["B"]
    assert scales.score("rulm", best(), RIGHT).total == 37


def test_a_value_of_2_on_the_single_point_item_is_refused():
    """Spec §10: configure the 0/1 item and reject a value of 2 on it."""
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("rulm", best(B=2), RIGHT)
    (problem,) = raised.value.problems
    assert (problem.code, problem.item, problem.allowed) == ("value_not_allowed", "B", "0, 1")


def test_the_entry_item_is_recorded_but_not_summed():
    high = scales.score("rulm", best(A=6), RIGHT)
    low = scales.score("rulm", best(A=0), RIGHT)
    assert high.total == low.total == 37
    assert (high.derived["entry_item"], low.derived["entry_item"]) == (6, 0)


def test_without_the_entry_item_the_total_stands_but_the_form_is_incomplete():
    responses = best()
    del responses["A"]
    result = scales.score("rulm", responses, RIGHT)
    assert result.total == 37 and result.missing == ("A",) and not result.complete
    assert result.derived["entry_item"] is None


def test_the_tested_side_is_required_and_travels_with_the_result():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("rulm", best())
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_missing", "side")]
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("rulm", best(), {"side": "both"})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_invalid", "side")]
    assert scales.score("rulm", best(), {"side": "L"}).side == "L"


def test_left_and_right_are_two_results_and_are_never_compared():
    """Spec §2.2: a total per side; never add the two sides; compare the same side only."""
    left = scales.score("rulm", best(C=0), {"side": "L"})
    right = scales.score("rulm", best(), RIGHT)
    assert (left.total, right.total) == (35, 37)
    with pytest.raises(scales.ScaleError) as raised:
        scales.classify_change("rulm", left, right)
    assert raised.value.codes == ["side_mismatch"]


def test_two_points_on_the_same_arm_is_a_meaningful_change():
    base = scales.score("rulm", best(C=0, D=0), RIGHT)
    two_up = scales.score("rulm", best(C=1, D=1), RIGHT)
    one_up = scales.score("rulm", best(C=1, D=0), RIGHT)
    assert scales.classify_change("rulm", base, two_up).classification == "improved"
    assert scales.classify_change("rulm", base, one_up).classification == "stable"
    assert scales.classify_change("rulm", two_up, base).classification == "worsened"


def test_a_missing_or_not_tested_item_withholds_the_total():
    responses = best(T={"not_tested": "pain"})
    del responses["K"]
    result = scales.score("rulm", responses, RIGHT)
    assert result.total is None and result.not_tested == ("T",) and result.missing == ("K",)
    (flag,) = result.flags
    assert (flag.code, flag.items, flag.detail) == ("partial_sum", ("K", "T"), "33 from 17 of 19 items")


def test_form_header_fields_are_accepted_and_do_not_change_the_score():
    """Russian clinical-guideline RULM form header and TrakCare Q05–Q12 (spec §2.2)."""
    header = {
        "side": "L",
        "dominant_hand": "ambidextrous",
        "spinal_brace": "yes",
        "spinal_brace_type": "TLSO",
        "elbow_contracture_right": "yes",
        "elbow_contracture_left": "no",
        "elbow_contracture_right_deg": 25,
        "salbutamol": "no",
        "spinal_surgery": "yes",
        "item_e_placement": "shoulder_height",
        "comments": "tired",
    }
    assert scales.score("rulm", best(), header).total == 37


def test_header_fields_refuse_values_outside_their_choices():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score(
            "rulm",
            best(),
            {"side": "R", "salbutamol": True, "dominant_hand": "both", "elbow_contracture_left_deg": 200},
        )
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "dominant_hand"),
        ("context_invalid", "elbow_contracture_left_deg"),
        ("context_invalid", "salbutamol"),
    ]


def test_limited_by_contracture_is_flagged_per_item():
    result = scales.score("rulm", best(), {"side": "R", "limited_by_contracture": {"R": True, "P": True}})
    assert result.total == 37
    assert [(f.code, f.items) for f in result.flags] == [("limited_by_contracture", ("P", "R"))]
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("rulm", best(), {"side": "R", "limited_by_contracture": {"Z": True}})
    assert raised.value.codes == ["context_invalid"]


@pytest.mark.parametrize(("item", "bad"), [("C", 3), ("A", 7), ("N", "2+"), ("Q", -1)])
def test_values_outside_an_item_are_refused(item, bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("rulm", best(**{item: bad}), RIGHT)
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", item)]


@given(st.lists(st.integers(0, 2), min_size=18, max_size=18), st.integers(0, 1), st.integers(0, 6))
def test_total_is_the_sum_of_b_to_t(rest, item_b, entry):
    responses = {"A": entry, "B": item_b, **dict(zip(SCORED[1:], rest, strict=True))}
    result = scales.score("rulm", responses, RIGHT)
    assert result.total == item_b + sum(rest)
    assert 0 <= result.total <= 37
