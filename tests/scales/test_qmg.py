"""QMG: thresholds of the MGFA form (Jaretzki A 3rd et al. Neurology 2000;55:16–23) as reproduced in
spec §4.2 (S1, S2) and the test vectors of spec §10; reliability Barohn RJ et al. Ann N Y Acad Sci
1998;841:769–772; MCID Katzberg HD et al. Muscle Nerve 2014;49:661–665."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.mg import qmg_level_from_measurement

LEVELS = [str(i) for i in range(1, 14)]
MALE = {"sex": "male"}
FEMALE = {"sex": "female"}


def levels(value=0, **overrides):
    responses = dict.fromkeys(LEVELS, value)
    responses.update(overrides)
    return responses


def derived_level(measurement_id, value, context=None):
    """Score with the level of one item left out and its raw measurement given instead."""
    responses = levels(0)
    del responses[measurement_id.split("_")[0]]
    responses[measurement_id] = value
    result = scales.score("qmg", responses, context or {})
    assert result.complete and result.missing == ()
    return result.total


SPEC_10_VECTORS = [
    # speech: count at onset of dysarthria (50 = none)
    ("5_count", 50, None, 0), ("5_count", 30, None, 1), ("5_count", 29, None, 2),
    ("5_count", 10, None, 2), ("5_count", 9, None, 3),
    # right grip, man and woman
    ("9_kg", 45, "male", 0), ("9_kg", 44, "male", 1), ("9_kg", 15, "male", 1), ("9_kg", 14, "male", 2),
    ("9_kg", 4, "male", 3), ("9_kg", 30, "female", 0), ("9_kg", 29, "female", 1), ("9_kg", 9, "female", 2),
    # left grip, man and woman
    ("10_kg", 35, "male", 0), ("10_kg", 34, "male", 1), ("10_kg", 25, "female", 0), ("10_kg", 24, "female", 1),
    ("10_kg", 10, "female", 1), ("10_kg", 9, "female", 2),
    # arm held at 90°
    ("6_s", 240, None, 0), ("6_s", 239, None, 1), ("6_s", 89, None, 2), ("6_s", 9, None, 3),
    # leg held at 45°
    ("12_s", 100, None, 0), ("12_s", 31, None, 1), ("12_s", 30, None, 2), ("12_s", 0, None, 3),
    # head lift
    ("11_s", 120, None, 0), ("11_s", 30, None, 1), ("11_s", 29, None, 2),
    # vital capacity, % predicted
    ("8_pct", 80, None, 0), ("8_pct", 79, None, 1), ("8_pct", 50, None, 2), ("8_pct", 49, None, 3),
]  # fmt: skip


@pytest.mark.parametrize(("measurement", "value", "sex", "level"), SPEC_10_VECTORS)
def test_every_threshold_vector_of_spec_10(measurement, value, sex, level):
    assert qmg_level_from_measurement(measurement, value, sex) == level
    assert derived_level(measurement, value, {"sex": sex} if sex else None) == level


# The remaining edges of every printed range, so that each threshold is pinned from both sides.
OTHER_EDGES = [
    ("5_count", 49, None, 1), ("5_count", 1, None, 3),
    ("7_s", 240, None, 0), ("7_s", 90, None, 1), ("7_s", 10, None, 2), ("7_s", 0, None, 3),
    ("6_s", 90, None, 1), ("6_s", 10, None, 2),
    ("8_pct", 65, None, 1), ("8_pct", 64, None, 2), ("8_pct", 0, None, 3),
    ("9_kg", 5, "male", 2), ("9_kg", 10, "female", 1), ("9_kg", 5, "female", 2), ("9_kg", 4, "female", 3),
    ("10_kg", 15, "male", 1), ("10_kg", 14, "male", 2), ("10_kg", 5, "male", 2), ("10_kg", 4, "male", 3),
    ("10_kg", 5, "female", 2), ("10_kg", 4, "female", 3),
    ("11_s", 119, None, 1), ("11_s", 1, None, 2), ("11_s", 0, None, 3),
    ("12_s", 99, None, 1), ("12_s", 1, None, 2),
    ("13_s", 100, None, 0), ("13_s", 31, None, 1), ("13_s", 30, None, 2), ("13_s", 1, None, 2), ("13_s", 0, None, 3),
]  # fmt: skip


@pytest.mark.parametrize(("measurement", "value", "sex", "level"), OTHER_EDGES)
def test_the_other_edge_of_every_range(measurement, value, sex, level):
    assert qmg_level_from_measurement(measurement, value, sex) == level


def test_the_leg_boundary_follows_s1_31_to_99_not_s2_30_to_99():
    assert qmg_level_from_measurement("12_s", 30) == 2
    assert qmg_level_from_measurement("13_s", 30) == 2


def test_right_and_left_grip_thresholds_differ():
    assert qmg_level_from_measurement("9_kg", 40, "male") == 1
    assert qmg_level_from_measurement("10_kg", 40, "male") == 0
    assert qmg_level_from_measurement("9_kg", 27, "female") == 1
    assert qmg_level_from_measurement("10_kg", 27, "female") == 0


@pytest.mark.parametrize(
    ("measurement", "value", "sex", "level"),
    [("9_kg", 44.9, "male", 1), ("8_pct", 79.9, None, 1), ("12_s", 30.5, None, 2), ("11_s", 0.5, None, 3)],
)
def test_a_fraction_short_of_a_printed_lower_bound_stays_in_the_worse_level(measurement, value, sex, level):
    assert derived_level(measurement, value, {"sex": sex} if sex else None) == level


def test_all_items_at_level_3_give_39_and_at_level_0_give_0():
    assert scales.score("qmg", levels(3)).total == 39
    assert scales.score("qmg", levels(0)).total == 0


def test_no_band_is_applied_because_none_is_validated():
    assert scales.get("qmg").bands == ()
    assert scales.score("qmg", levels(2)).band is None


def test_a_full_examination_from_measurements_matches_the_levels_entered_by_hand():
    measured = {
        "1": 1, "2": 2, "3": 1, "4": 0,
        "5_count": 35, "6_s": 120, "7_s": 240, "8_pct": 70,
        "9_kg": 12, "10_kg": 20, "11_s": 20, "12_s": 45, "13_s": 100,
    }  # fmt: skip
    result = scales.score("qmg", measured, FEMALE)
    by_hand = scales.score(
        "qmg",
        levels(
            **{
                "1": 1,
                "2": 2,
                "3": 1,
                "4": 0,
                "5": 1,
                "6": 1,
                "7": 0,
                "8": 1,
                "9": 1,
                "10": 1,
                "11": 2,
                "12": 1,
                "13": 0,
            }
        ),
    )
    assert result.total == by_hand.total == 12
    assert result.derived["levels_from_measurements"] == {
        "5": 1, "6": 1, "7": 0, "8": 1, "9": 1, "10": 1, "11": 2, "12": 1, "13": 0,
    }  # fmt: skip
    assert result.complete and result.missing == ()


def test_a_level_and_its_measurement_may_both_be_entered_when_they_agree():
    result = scales.score("qmg", {**levels(0), "9": 1, "9_kg": 44}, MALE)
    assert result.total == 1 and result.derived["levels_from_measurements"] == {"9": 1}


def test_a_level_that_contradicts_its_measurement_is_refused():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("qmg", {**levels(0), "9_kg": 44}, MALE)
    [problem] = raised.value.problems
    assert (problem.code, problem.item, problem.value) == ("inconsistent_items", "9, 9_kg", "level 0")
    assert problem.allowed == "9_kg = 44 kg, male → level 1"
    for lang in scales.LANGUAGES:
        assert "9_kg" in problem.message(lang)


def test_a_not_tested_item_cannot_also_have_a_measurement():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("qmg", {**levels(0), "6": {"not_tested": "pain"}, "6_s": 100})
    assert [(p.code, p.item, p.value) for p in raised.value.problems] == [
        ("inconsistent_items", "6, 6_s", "not tested")
    ]


def test_a_grip_measurement_needs_the_sex():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("qmg", {**levels(0), "9_kg": 50, "10_kg": 40})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_missing", "sex")]
    # Levels entered directly need no sex.
    assert scales.score("qmg", levels(1)).total == 13


def test_every_contradiction_and_the_missing_sex_are_reported_together():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("qmg", {**levels(0), "5_count": 9, "12_s": 30, "9_kg": 20})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_missing", "sex"),
        ("inconsistent_items", "12, 12_s"),
        ("inconsistent_items", "5, 5_count"),
    ]


@pytest.mark.parametrize(
    ("item", "bad", "code"),
    [
        ("9_kg", 151, "value_out_of_range"),
        ("9_kg", -1, "value_out_of_range"),
        ("6_s", 241, "value_out_of_range"),
        ("12_s", 101, "value_out_of_range"),
        ("11_s", 121, "value_out_of_range"),
        ("8_pct", 201, "value_out_of_range"),
        ("5_count", 0, "value_out_of_range"),
        ("5_count", 51, "value_out_of_range"),
        ("5_count", 30.5, "not_an_integer"),
        ("6_s", "abc", "not_a_number"),
        ("1_side", "up", "value_not_allowed"),
        ("3", 4, "value_not_allowed"),
    ],
)
def test_measurements_and_levels_outside_their_range_are_refused(item, bad, code):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("qmg", {**levels(0), item: bad}, MALE)
    assert [(p.code, p.item) for p in raised.value.problems] == [(code, item)]


def test_the_gaze_side_of_item_1_is_recorded_but_not_scored():
    assert scales.score("qmg", {**levels(1), "1_side": "L"}).total == 13


def test_a_missing_level_without_a_measurement_gives_no_total():
    responses = levels(1)
    del responses["8"]
    result = scales.score("qmg", responses)
    assert result.total is None and not result.complete and result.missing == ("8",)
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == ("8",)
    assert result.flags[0].detail == "12 from 12 of 13 items"


def test_a_not_tested_item_gives_no_total_and_is_named():
    result = scales.score("qmg", {**levels(1), "7": {"not_tested": "amputation", "note": "left forearm"}})
    assert result.total is None and not result.complete
    assert result.not_tested == ("7",) and result.missing == ()
    assert result.has_flag("partial_sum")


def test_an_unknown_not_tested_reason_is_refused():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("qmg", {**levels(0), "4": {"not_tested": "bored"}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_reason_unknown", "4")]


def test_context_values_are_checked():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("qmg", levels(0), {"sex": "m", "hours_since_pyridostigmine": 200, "height": 170})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "hours_since_pyridostigmine"),
        ("context_invalid", "sex"),
        ("context_unknown", "height"),
    ]


def test_timing_of_pyridostigmine_and_the_vc_reference_are_kept_with_the_result():
    result = scales.score("qmg", levels(0), {"hours_since_pyridostigmine": 12, "vc_reference": "GLI-2012"})
    assert result.derived["hours_since_pyridostigmine"] == 12
    assert result.derived["vc_reference"] == "GLI-2012"


def test_three_points_is_a_meaningful_change():
    base = scales.score("qmg", levels(1))
    better = scales.score("qmg", levels(1, **{"1": 0, "2": 0, "3": 0}))
    slightly = scales.score("qmg", levels(1, **{"1": 0, "2": 0}))
    assert scales.classify_change("qmg", base, better).classification == "improved"
    assert scales.classify_change("qmg", base, slightly).classification == "stable"
    assert scales.classify_change("qmg", better, base).classification == "worsened"


@given(st.lists(st.integers(0, 3), min_size=13, max_size=13))
def test_total_is_the_sum_of_the_thirteen_levels(values):
    result = scales.score("qmg", dict(zip(LEVELS, values, strict=True)))
    assert result.total == sum(values)


MEASUREMENT_RANGES = {
    "5_count": (1, 50), "6_s": (0, 240), "7_s": (0, 240), "8_pct": (0, 200), "9_kg": (0, 150),
    "10_kg": (0, 150), "11_s": (0, 120), "12_s": (0, 100), "13_s": (0, 100),
}  # fmt: skip


@given(
    st.sampled_from(sorted(MEASUREMENT_RANGES)),
    st.sampled_from(["male", "female"]),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_a_better_measurement_never_gives_a_worse_level(measurement, sex, a, b):
    low, high = MEASUREMENT_RANGES[measurement]
    worse, better = sorted((low + a * (high - low), low + b * (high - low)))
    if measurement == "5_count":
        worse, better = round(worse), round(better)
    assert qmg_level_from_measurement(measurement, better, sex) <= qmg_level_from_measurement(measurement, worse, sex)
    assert derived_level(measurement, worse, {"sex": sex}) == qmg_level_from_measurement(measurement, worse, sex)
