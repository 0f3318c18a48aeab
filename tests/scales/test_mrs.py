"""mRS: van Swieten JC et al. Stroke 1988;19:604–607; outcome dichotomies as in spec §3.2."""

from __future__ import annotations

import pytest

from qadam import scales


@pytest.mark.parametrize(
    ("grade", "band", "excellent", "independent"),
    [(0, "independent", True, True), (1, "independent", True, True), (2, "independent", False, True),
     (3, "dependent", False, False), (5, "dependent", False, False), (6, "dead", False, False)],
)  # fmt: skip
def test_every_band_edge_and_the_outcome_dichotomies(grade, band, excellent, independent):
    result = scales.score("mrs", {"score": grade})
    assert result.total == grade and result.band == band and result.complete
    assert result.derived == {"excellent_outcome": excellent, "functional_independence": independent}


def test_grade_4_is_dependent():
    assert scales.score("mrs", {"score": "4"}).band == "dependent"


def test_no_grade_gives_no_total():
    result = scales.score("mrs", {})
    assert result.total is None and not result.complete and result.missing == ("score",)
    assert result.flags[0].code == "partial_sum"


@pytest.mark.parametrize(
    ("responses", "context", "expected"),
    [
        ({"score": 7}, None, ("value_not_allowed", "score")),
        ({"score": -1}, None, ("value_not_allowed", "score")),
        ({"score": 2.5}, None, ("value_not_allowed", "score")),
        ({"score": {"not_tested": "refused"}}, None, ("not_tested_not_allowed", "score")),
        ({"score": 1, "grade": 1}, None, ("unknown_item", "grade")),
        ({"score": 1}, {"method": "telephone"}, ("context_invalid", "method")),
        ({"score": 1}, {"reference_period": "last_week"}, ("context_invalid", "reference_period")),
        ({"score": 1}, {"interval": "baseline"}, ("context_unknown", "interval")),
    ],
)
def test_every_error_code_names_the_item(responses, context, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("mrs", responses, context)
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]


def test_method_and_pre_stroke_grade_are_recorded_in_context():
    context = {"method": "structured_interview", "reference_period": "pre_stroke"}
    assert scales.score("mrs", {"score": 1}, context).total == 1


def test_change_is_not_classified_by_points_but_the_difference_is_reported():
    change = scales.classify_change("mrs", scales.score("mrs", {"score": 4}), scales.score("mrs", {"score": 2}))
    assert change.classification == "not_classifiable"
    assert change.reason == "no_meaningful_change_threshold" and change.difference == -2


def test_loinc_and_labels():
    instrument = scales.get("mrs")
    assert instrument.loinc.total == "75859-9"
    for choice in instrument.items[0].choices:
        assert choice.label.en and choice.label.kk and choice.label.ru
