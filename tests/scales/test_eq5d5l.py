"""EQ-5D-5L: Herdman M et al. Qual Life Res 2011;20:1727–1736.

Worked example: the EQ-5D-5L example response of the German Medical Informatics Initiative PRO
implementation guide (MII IG PRO, QuestionnaireResponse "mii-exa-pro-euroqol-eq5d5l-coded-response"):
mobility 3, self-care 2, usual activities 4, pain/discomfort 3, anxiety/depression 1 → profile 32431.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

DIMENSIONS = ["1", "2", "3", "4", "5"]


def answers(*levels, vas=80):
    return {**dict(zip(DIMENSIONS, levels, strict=True)), "vas": vas}


def test_the_worked_example_of_the_mii_implementation_guide_gives_profile_32431():
    result = scales.score("eq5d5l", answers(3, 2, 4, 3, 1, vas=65))
    assert result.derived == {"profile": "32431", "vas": 65, "index": None, "value_set": None}
    assert result.complete and result.flags == ()


def test_the_best_and_worst_states_are_11111_and_55555():
    assert scales.score("eq5d5l", answers(1, 1, 1, 1, 1)).derived["profile"] == "11111"
    assert scales.score("eq5d5l", answers(5, 5, 5, 5, 5)).derived["profile"] == "55555"


def test_there_is_no_total_no_band_and_no_sum_of_levels():
    result = scales.score("eq5d5l", answers(2, 2, 2, 2, 2, vas=70))
    assert result.total is None and result.band is None and result.subscores == {}
    assert result.derived == {"profile": "22222", "vas": 70, "index": None, "value_set": None}


@pytest.mark.parametrize("vas", [0, 100, "55", 72.0])
def test_the_vas_accepts_whole_numbers_from_0_to_100(vas):
    assert scales.score("eq5d5l", answers(1, 1, 1, 1, 1, vas=vas)).derived["vas"] == int(float(vas))


@pytest.mark.parametrize(
    ("vas", "code"),
    [
        (-1, "value_out_of_range"),
        (101, "value_out_of_range"),
        (50.5, "not_an_integer"),
        ("good", "not_a_number"),
        (True, "not_a_number"),
    ],
)
def test_a_vas_outside_0_to_100_or_not_whole_is_refused(vas, code):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("eq5d5l", answers(1, 1, 1, 1, 1, vas=vas))
    assert [(p.code, p.item) for p in raised.value.problems] == [(code, "vas")]


@pytest.mark.parametrize("level", [0, 6, 9, "1a", 2.5])
def test_levels_outside_1_to_5_are_refused_including_the_missing_code_9(level):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("eq5d5l", answers(1, 1, level, 1, 1))
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "3")]


def test_a_missing_dimension_gives_no_profile_and_is_flagged():
    responses = answers(1, 2, 3, 4, 5)
    del responses["4"]
    result = scales.score("eq5d5l", responses)
    assert result.derived["profile"] is None and result.derived["vas"] == 80
    assert [(f.code, f.items) for f in result.flags] == [("incomplete_profile", ("4",))]
    assert result.missing == ("4",) and not result.complete


def test_a_missing_vas_keeps_the_profile_but_the_form_is_incomplete():
    responses = answers(1, 2, 3, 4, 5)
    del responses["vas"]
    result = scales.score("eq5d5l", responses)
    assert result.derived["profile"] == "12345" and result.derived["vas"] is None
    assert result.missing == ("vas",) and not result.complete


def test_no_context_is_used_so_a_value_set_cannot_be_requested():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("eq5d5l", answers(1, 1, 1, 1, 1), {"value_set": "england_2018"})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_unknown", "value_set")]


def test_an_item_cannot_be_marked_not_tested():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("eq5d5l", {**answers(1, 1, 1, 1, 1), "5": {"not_tested": "refused"}})
    assert raised.value.codes == ["not_tested_not_allowed"]


def test_every_problem_is_reported_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("eq5d5l", {"1": 0, "2": 6, "vas": 200, "6": 1})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("unknown_item", "6"),
        ("value_not_allowed", "1"),
        ("value_not_allowed", "2"),
        ("value_out_of_range", "vas"),
    ]


def test_change_is_not_classified_without_an_index_or_a_threshold():
    base = scales.score("eq5d5l", answers(3, 3, 3, 3, 3, vas=40))
    later = scales.score("eq5d5l", answers(1, 1, 1, 1, 1, vas=90))
    assert scales.classify_change("eq5d5l", base, later).classification == "not_classifiable"


@given(st.lists(st.integers(1, 5), min_size=5, max_size=5), st.integers(0, 100))
def test_the_profile_is_the_five_levels_in_dimension_order(levels, vas):
    result = scales.score("eq5d5l", answers(*levels, vas=vas))
    assert result.derived["profile"] == "".join(map(str, levels))
    assert result.derived["vas"] == vas and result.total is None
