"""6MWT: ATS 2002 statement; SMA protocol and fatigue after Montes J et al. Neurology 2010;74:833–838;
predicted distance by Enright PL, Sherrill DL. Am J Respir Crit Care Med 1998;158:1384–1387, as
tabulated in the ERS/ATS field-walking-test standard (Holland 2014, Table 5). Spec §2.3 and §10."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.sma import fatigue_index_pct

MAN_50 = {"sex": "male", "age": 50, "height_cm": 175, "weight_kg": 80}
WOMAN_50 = {"sex": "female", "age": 50, "height_cm": 165, "weight_kg": 65}
MINUTES = [f"minute_{n}_m" for n in range(1, 7)]


def walk(distance, *minutes, **context):
    responses = {"distance_m": distance, **dict(zip(MINUTES, minutes, strict=False))}
    return scales.score("6mwt", responses, context)


def test_spec_vector_enright_man():
    """Spec §10: man, 175 cm, 80 kg, 50 y → 623.95 m predicted, LLN 470.95 m."""
    result = walk(500, **MAN_50)
    assert result.total == 500
    assert (result.derived["predicted_m"], result.derived["lower_limit_m"]) == (623.95, 470.95)
    assert result.derived["percent_predicted"] == 80.1  # 500 / 623.95
    assert result.derived["below_lower_limit"] is False
    assert "Enright" in result.derived["reference_equation"] and result.flags == ()


def test_spec_vector_enright_woman():
    """Spec §10: woman, 165 cm, 65 kg, 50 y → 577.3 m predicted, LLN 438.3 m."""
    result = walk(400, **WOMAN_50)
    assert (result.derived["predicted_m"], result.derived["lower_limit_m"]) == (577.3, 438.3)
    assert result.derived["below_lower_limit"] is True


def test_fatigue_index_montes_2010_means():
    """Spec §10: d1 = 57.5 m, d6 = 48 m (Montes 2010 group means) → −16.5 %."""
    assert fatigue_index_pct(57.5, 48) == -16.5
    result = walk(318, 57.5, 55, 53, 53, 51.5, 48)
    assert result.derived["fatigue_index_pct"] == -16.5


def test_fatigue_index_is_positive_when_minute_6_is_longer():
    assert fatigue_index_pct(50, 55) == 10.0


@pytest.mark.parametrize(("d1", "d6"), [(0, 10), (None, 48), (57.5, None)])
def test_fatigue_index_is_none_when_minute_1_is_0_or_either_is_missing(d1, d6):
    assert fatigue_index_pct(d1, d6) is None


def test_without_minute_distances_there_is_no_fatigue_index():
    result = walk(450)
    assert result.total == 450 and result.complete and result.derived["fatigue_index_pct"] is None


def test_a_test_stopped_early_keeps_the_distance_achieved_and_is_flagged():
    result = walk(180, 60, 50, 40, 30, 0, 0, stopped_early="yes", stopped_early_reason="fatigue")
    assert result.total == 180
    assert [(f.code, f.detail) for f in result.flags] == [("stopped_early", "fatigue")]
    assert result.derived["fatigue_index_pct"] is None  # no true sixth minute


def test_minute_distances_must_add_up_to_the_total():
    assert walk(300.5, 50, 50, 50, 50, 50, 50).total == 300.5  # within 1 m
    with pytest.raises(scales.ScaleError) as raised:
        walk(310, 50, 50, 50, 50, 50, 50)
    (problem,) = raised.value.problems
    assert problem.code == "inconsistent_items" and problem.value == "300 m over the minutes, 310 m in total"
    for lang in scales.LANGUAGES:
        assert problem.message(lang)


def test_some_minutes_can_never_exceed_the_total():
    assert walk(300, 50, 50).total == 300
    with pytest.raises(scales.ScaleError) as raised:
        walk(90, 50, 50)
    assert raised.value.codes == ["inconsistent_items"]


@pytest.mark.parametrize(
    ("age", "flag"), [(18, "reference_extrapolated"), (39.9, "reference_extrapolated"), (81, "reference_extrapolated")]
)
def test_ages_outside_the_derivation_sample_are_flagged(age, flag):
    result = walk(500, **{**MAN_50, "age": age})
    assert result.derived["predicted_m"] is not None
    assert [f.code for f in result.flags] == [flag]


@pytest.mark.parametrize("age", [40, 80])
def test_ages_40_and_80_are_inside_the_derivation_sample(age):
    assert walk(500, **{**MAN_50, "age": age}).flags == ()


def test_children_get_no_adult_prediction():
    result = walk(500, **{**MAN_50, "age": 12})
    assert result.derived["predicted_m"] is None and result.derived["percent_predicted"] is None
    assert [f.code for f in result.flags] == ["no_reference_for_age"]


def test_the_25_m_sma_course_is_flagged_against_an_ats_reference():
    result = walk(500, **MAN_50, protocol="sma_25m", course_length_m=25)
    assert [f.code for f in result.flags] == ["reference_protocol_differs"]
    assert walk(500, **MAN_50, protocol="ats_2002", course_length_m=30).flags == ()


def test_a_prediction_below_zero_is_not_used():
    # 7.57·100 − 5.02·60 − 1.76·100 − 309 = −29.2 m
    result = walk(200, sex="male", age=60, height_cm=100, weight_kg=100)
    assert result.derived["predicted_m"] is None
    assert [(f.code, f.detail) for f in result.flags] == [("reference_not_applicable", "predicted distance -29.2 m")]


def test_without_sex_age_height_and_weight_there_is_no_prediction_and_no_flag():
    result = walk(500, sex="male", age=50, height_cm=175)
    assert result.derived["predicted_m"] is None and result.flags == ()


def test_the_distance_can_be_marked_not_tested():
    result = scales.score("6mwt", {"distance_m": {"not_tested": "refused"}})
    assert result.total is None and not result.complete and result.not_tested == ("distance_m",)


@pytest.mark.parametrize(
    ("item", "bad", "code"),
    [
        ("distance_m", -1, "value_out_of_range"),
        ("distance_m", 1501, "value_out_of_range"),
        ("minute_3_m", 251, "value_out_of_range"),
        ("minute_1_m", "fast", "not_a_number"),
    ],
)
def test_distances_outside_their_range_are_refused(item, bad, code):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("6mwt", {"distance_m": 300, item: bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [(code, item)]


def test_minute_distances_are_not_tested_items():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("6mwt", {"distance_m": 300, "minute_2_m": {"not_tested": "pain"}})
    assert raised.value.codes == ["not_tested_not_allowed"]


def test_context_values_are_checked():
    with pytest.raises(scales.ScaleError) as raised:
        walk(300, sex="m", age=-1, protocol="6mwt", stopped_early=True, heart_rate_post=400, borg_pre=11)
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "age"),
        ("context_invalid", "borg_pre"),
        ("context_invalid", "heart_rate_post"),
        ("context_invalid", "protocol"),
        ("context_invalid", "sex"),
        ("context_invalid", "stopped_early"),
    ]


def test_thirty_metres_is_a_meaningful_change():
    """≥30 m: the SMArtCARE convention (spec §2.3)."""
    base = walk(400)
    assert scales.classify_change("6mwt", base, walk(430)).classification == "improved"
    assert scales.classify_change("6mwt", base, walk(429.5)).classification == "stable"
    change = scales.classify_change("6mwt", base, walk(370))
    assert (change.classification, change.difference) == ("worsened", -30)


def test_the_distance_carries_loinc_64098_7():
    assert scales.get("6mwt").loinc.total == "64098-7"


@given(st.lists(st.integers(0, 250), min_size=6, max_size=6))
def test_total_is_the_distance_and_the_fatigue_index_follows_minutes_1_and_6(minutes):
    result = walk(sum(minutes), *minutes)
    assert result.total == sum(minutes)
    expected = None if minutes[0] == 0 else round(100 * (minutes[5] - minutes[0]) / minutes[0], 1)
    assert result.derived["fatigue_index_pct"] == expected
