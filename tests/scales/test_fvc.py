"""FVC % predicted by GLI-2012: Quanjer PH et al. Eur Respir J 2012;40:1324–1343 (spec §2.5).

Results are checked against pyspiro (test-only dependency) and against a hand calculation from the
published look-up table row at 25 years (see test_reference.py)."""

from __future__ import annotations

import pytest
from pyspiro import GLI_2012 as PySpiroGli2012

from qadam import scales

PYSPIRO = PySpiroGli2012()
MAN_25 = {"sex": "male", "age": 25, "height_cm": 175, "ethnicity": "caucasian"}
ETHNIC_CODES = {"caucasian": 1, "african_american": 2, "north_east_asian": 3, "south_east_asian": 4, "other": 5}


def fvc(litres=None, percent=None, **context):
    responses = {"fvc_l": litres, "fvc_percent_predicted": percent}
    return scales.score("fvc", {k: v for k, v in responses.items() if v is not None}, context)


def test_worked_example_man_25_years_175_cm():
    """Hand calculation from the GLI table row at 25 years: predicted 5.326 L, LLN 4.308 L;
    4.0 L is 75.1 % predicted, z = ((4/5.326)^0.9481 − 1)/(0.9481·0.1168) = −2.15: below the LLN."""
    result = fvc(4.0, **MAN_25)
    assert result.total == 75.1 and result.band == "below_lln"
    derived = result.derived
    assert (derived["predicted_l"], derived["lln_l"], derived["z_score"]) == (5.326, 4.308, -2.15)
    assert derived["below_lln"] is True and derived["percent_source"] == "gli_2012"
    assert derived["reference_equation"] == "GLI-2012" and result.flags == ()


def test_a_value_above_the_lln_is_within_normal():
    result = fvc(4.5, **MAN_25)
    assert result.band == "within_normal" and result.derived["below_lln"] is False


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("ethnicity", list(ETHNIC_CODES))
@pytest.mark.parametrize(
    ("age", "height", "litres"),
    [(3, 96, 0.6), (8.4, 128, 1.5), (16.2, 168, 3.9), (33, 180, 4.1), (57.9, 162, 2.2), (88, 155, 1.4)],
)
def test_results_match_pyspiro(sex, ethnicity, age, height, litres):
    result = fvc(litres, sex=sex, age=age, height_cm=height, ethnicity=ethnicity)
    args = ({"female": 0, "male": 1}[sex], age, height, ETHNIC_CODES[ethnicity], 2, litres)
    l_value, m, s = (float(v) for v in PYSPIRO.lms(*args))
    assert result.derived["predicted_l"] == round(m, 3)
    assert result.derived["lln_l"] == round(float(PYSPIRO.lln(*args)), 3)
    assert result.derived["uln_l"] == round(float(PYSPIRO.uln(*args)), 3)
    assert result.derived["z_score"] == round(float(PYSPIRO.zscore(*args)), 2)
    assert result.total == round(100 * litres / m, 1)
    assert result.band == ("below_lln" if float(PYSPIRO.zscore(*args)) < -1.645 else "within_normal")


def test_without_an_ethnic_group_caucasian_is_used_and_flagged():
    result = fvc(4.0, sex="male", age=25, height_cm=175)
    assert result.total == fvc(4.0, **MAN_25).total
    assert result.derived["ethnicity"] == "caucasian"
    assert [f.code for f in result.flags] == ["ethnicity_assumed"]


def test_the_other_mixed_group_predicts_less_than_caucasian():
    other = fvc(4.0, **{**MAN_25, "ethnicity": "other"})
    assert other.derived["predicted_l"] < 5.326 and other.total > 75.1


def test_the_spirometer_percentage_alone_is_the_total_without_band_or_z():
    result = fvc(percent=62)
    assert result.total == 62 and result.band is None and result.complete
    assert result.derived["z_score"] is None and result.derived["percent_source"] == "reported"
    assert [f.code for f in result.flags] == ["percent_as_reported"]


def test_with_both_the_gli_value_is_the_total_and_a_different_device_value_is_flagged():
    close = fvc(4.0, 75.6, **MAN_25)
    assert close.total == 75.1 and close.flags == ()
    far = fvc(4.0, 80, **MAN_25)
    assert far.total == 75.1 and far.derived["reported_percent_predicted"] == 80
    assert [(f.code, f.detail) for f in far.flags] == [("reported_percent_differs", "spirometer 80 %, GLI-2012 75.1 %")]


def test_with_neither_value_there_is_no_total():
    result = fvc()
    assert result.total is None and not result.complete and result.band is None


def test_a_measured_volume_needs_sex_age_and_height():
    with pytest.raises(scales.ScaleError) as raised:
        fvc(3.0, ethnicity="other")
    assert [(p.code, p.item) for p in raised.value.problems] == [
        ("context_missing", "sex"),
        ("context_missing", "age"),
        ("context_missing", "height_cm"),
    ]
    for lang in scales.LANGUAGES:
        assert all(p.message(lang) for p in raised.value.problems)


def test_a_measured_volume_needs_an_age_inside_the_gli_range():
    with pytest.raises(scales.ScaleError) as raised:
        fvc(1.0, sex="female", age=2.5, height_cm=90)
    assert [(p.code, p.item, p.value) for p in raised.value.problems] == [("context_invalid", "age", 2.5)]
    assert fvc(percent=70, sex="female", age=2.5, height_cm=90).total == 70


@pytest.mark.parametrize(
    ("item", "bad", "code"),
    [
        ("fvc_l", 0, "value_out_of_range"),
        ("fvc_l", 12, "value_out_of_range"),
        ("fvc_percent_predicted", "low", "not_a_number"),
        ("fvc_percent_predicted", 300, "value_out_of_range"),
    ],
)
def test_values_outside_their_range_are_refused(item, bad, code):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("fvc", {item: bad}, MAN_25)
    assert [(p.code, p.item) for p in raised.value.problems] == [(code, item)]


def test_an_unknown_ethnic_group_is_refused():
    with pytest.raises(scales.ScaleError) as raised:
        fvc(3.0, **{**MAN_25, "ethnicity": "kazakh"})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_invalid", "ethnicity")]


def test_change_is_reported_but_not_classified_without_a_published_threshold():
    change = scales.classify_change("fvc", fvc(4.0, **MAN_25), fvc(3.5, **MAN_25))
    assert change.classification == "not_classifiable" and change.reason == "no_meaningful_change_threshold"
    assert change.difference == pytest.approx(-9.4)


def test_the_total_carries_loinc_19872_1():
    assert scales.get("fvc").loinc.total == "19872-1"
