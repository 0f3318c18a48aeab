"""MG Composite: weights from Burns TM et al. Muscle Nerve 2008;38:1553–1562 (spec §4.3, §10);
3-point MCID from Burns TM, Conaway M, Sanders DB. Neurology 2010;74:1434–1440."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.mg import mgc_history_from_mg_adl

ITEMS = [str(i) for i in range(1, 11)]
WEIGHTS = {
    "1": (0, 1, 2, 3),  # ptosis
    "2": (0, 1, 3, 4),  # double vision
    "3": (0, 0, 1, 2),  # eye closure: two levels weigh 0
    "4": (0, 2, 4, 6),  # talking
    "5": (0, 2, 4, 6),  # chewing
    "6": (0, 2, 5, 6),  # swallowing
    "7": (0, 2, 4, 9),  # breathing
    "8": (0, 1, 3, 4),  # neck
    "9": (0, 2, 4, 5),  # shoulder abduction
    "10": (0, 2, 4, 5),  # hip flexion
}


def levels(*values):
    return dict(zip(ITEMS, values, strict=True))


def test_all_maximum_levels_give_50_as_in_spec_10():
    # 3 + 4 + 2 + 6 + 6 + 6 + 9 + 4 + 5 + 5 = 50
    assert scales.score("mgc", levels(*[3] * 10)).total == 50
    assert scales.score("mgc", levels(*[0] * 10)).total == 0


@pytest.mark.parametrize(("item", "level"), [(i, level) for i in ITEMS for level in range(4)])
def test_each_level_adds_its_published_weight(item, level):
    responses = {**levels(*[0] * 10), item: level}
    assert scales.score("mgc", responses).total == WEIGHTS[item][level]


def test_mild_eye_closure_weakness_weighs_nothing():
    assert scales.score("mgc", {**levels(*[0] * 10), "3": 1}).total == 0


def test_a_worked_composite():
    # Ptosis 11–45 s, diplopia 1–10 s, eye closure moderate, talking intermittent, chewing normal,
    # swallowing frequent choking, breathing on exertion, neck mild, shoulder moderate, hip normal.
    result = scales.score("mgc", levels(1, 2, 2, 1, 0, 2, 1, 1, 2, 0))
    assert result.total == 1 + 3 + 1 + 2 + 0 + 5 + 2 + 1 + 4 + 0 == 19


def test_the_rater_enters_levels_not_weights():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mgc", {**levels(*[0] * 10), "7": 9})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "7")]


def test_history_items_carry_over_from_the_same_day_mg_adl():
    mg_adl = {"1": 1, "2": 2, "3": 1, "4": 3, "5": 0, "6": 1, "7": 2, "8": 2}
    carried = mgc_history_from_mg_adl(mg_adl)
    assert carried == {"4": 1, "5": 2, "6": 1, "7": 3}
    result = scales.score("mgc", {**levels(*[0] * 10), **carried}, {"history_source": "mg_adl"})
    assert result.total == 2 + 4 + 2 + 9
    assert result.derived["history_source"] == "mg_adl"


def test_only_answered_mg_adl_items_are_carried_over():
    assert mgc_history_from_mg_adl({"1": 0, "2": None, "3": ""}) == {"4": 0}


def test_the_history_source_defaults_to_the_interview():
    assert scales.score("mgc", levels(*[0] * 10)).derived["history_source"] == "interview"


def test_a_missing_item_gives_no_total_and_a_flagged_partial_sum():
    responses = levels(*[1] * 10)
    del responses["9"]
    result = scales.score("mgc", responses)
    assert result.total is None and result.missing == ("9",) and not result.complete
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == ("9",)


def test_examination_items_may_be_not_tested_history_items_may_not():
    result = scales.score("mgc", {**levels(*[0] * 10), "10": {"not_tested": "pain"}})
    assert result.total is None and result.not_tested == ("10",) and result.has_flag("partial_sum")
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mgc", {**levels(*[0] * 10), "5": {"not_tested": "pain"}, "1": {"not_tested": "sleepy"}})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("not_tested_not_allowed", "5"),
        ("not_tested_reason_unknown", "1"),
    ]


def test_unknown_items_and_context_are_refused():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mgc", {**levels(*[0] * 10), "11": 0}, {"history_source": "guess", "sex": "male"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "history_source"),
        ("context_unknown", "sex"),
        ("unknown_item", "11"),
    ]


def test_three_points_is_a_meaningful_change_burns_2010():
    base = scales.score("mgc", levels(1, 1, 0, 1, 0, 0, 0, 0, 0, 0))  # 1 + 1 + 2 = 4
    better = scales.score("mgc", levels(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    slightly = scales.score("mgc", levels(0, 0, 0, 1, 0, 0, 0, 0, 0, 0))
    assert scales.classify_change("mgc", base, better).classification == "improved"
    assert scales.classify_change("mgc", base, slightly).classification == "stable"
    assert scales.classify_change("mgc", better, base).classification == "worsened"


@given(st.lists(st.integers(0, 3), min_size=10, max_size=10))
def test_total_is_the_sum_of_the_weights_of_the_levels(values):
    result = scales.score("mgc", levels(*values))
    assert result.total == sum(WEIGHTS[i][v] for i, v in zip(ITEMS, values, strict=True))
    assert 0 <= result.total <= 50
