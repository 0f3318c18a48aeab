"""NIHSS: Brott T et al. Stroke 1989;20:864–870; NINDS NIH Stroke Scale booklet; spec §3.1 and §10."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.stroke import NIHSS_INTERVALS, NIHSS_UN_LOINC_ANSWERS

ITEMS = ["1a", "1b", "1c", "2", "3", "4", "5a", "5b", "6a", "6b", "7", "8", "9", "10", "11"]
MAXIMUM = {"1a": 3, "1b": 2, "1c": 2, "2": 2, "3": 3, "4": 3, "5a": 4, "5b": 4, "6a": 4, "6b": 4, "7": 2, "8": 2, "9": 3, "10": 2, "11": 2}  # fmt: skip
UN_ALLOWED = ["5a", "5b", "6a", "6b", "7", "10"]


def reaching(total):
    """Responses summing to ``total``; 1a is filled last so a coma only comes with 8 = 2 and 9 = 3."""
    responses = dict.fromkeys(ITEMS, 0)
    left = total
    for item_id in [i for i in ITEMS if i != "1a"] + ["1a"]:
        responses[item_id] = min(MAXIMUM[item_id], left)
        left -= responses[item_id]
    assert left == 0
    return responses


def test_motor_arm_left_untestable_and_all_others_zero_gives_0_with_one_un_spec_10():
    result = scales.score("nihss", {**dict.fromkeys(ITEMS, 0), "5a": "UN"})
    assert result.total == 0 and result.complete and result.missing == ()
    assert result.derived["n_un"] == 1
    assert result.derived["total_with_un_as_0"] == 0
    assert result.derived["un_items"] == ["5a"]
    assert [(f.code, f.items) for f in result.flags] == [("untestable_items", ("5a",))]


def test_un_adds_no_points_and_lowers_the_reachable_maximum():
    responses = {**MAXIMUM, "5a": "UN", "10": "UN"}
    result = scales.score("nihss", responses)
    assert result.total == 42 - 4 - 2
    assert result.derived == {"n_un": 2, "un_items": ["5a", "10"], "testable_maximum": 36, "total_with_un_as_0": 36}


def test_the_highest_answers_give_42():
    result = scales.score("nihss", MAXIMUM)
    assert result.total == 42 and result.band == "severe" and result.flags == ()
    assert result.derived["n_un"] == 0 and result.derived["testable_maximum"] == 42


@pytest.mark.parametrize("item_id", UN_ALLOWED)
def test_un_is_accepted_on_the_limb_and_dysarthria_items(item_id):
    result = scales.score("nihss", {**dict.fromkeys(ITEMS, 1), item_id: "UN"})
    assert result.total == 14 and result.derived["un_items"] == [item_id]


@pytest.mark.parametrize("item_id", [i for i in ITEMS if i not in UN_ALLOWED])
def test_un_is_refused_where_the_booklet_does_not_allow_it(item_id):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("nihss", {**dict.fromkeys(ITEMS, 0), item_id: "UN"})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", item_id)]


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "no_symptoms"), (1, "minor"), (4, "minor"), (5, "moderate"), (15, "moderate"),
     (16, "moderate_to_severe"), (20, "moderate_to_severe"), (21, "severe"), (42, "severe")],
)  # fmt: skip
def test_every_band_edge(total, band):
    result = scales.score("nihss", reaching(total))
    assert result.total == total and result.band == band


def test_a_missing_item_gives_no_total_and_no_proration():
    responses = dict.fromkeys(ITEMS, 1)
    del responses["9"]
    responses["5b"] = "UN"
    result = scales.score("nihss", responses)
    assert result.total is None and not result.complete and result.missing == ("9",)
    assert result.derived["total_with_un_as_0"] is None and result.derived["n_un"] == 1
    partial = next(f for f in result.flags if f.code == "partial_sum")
    assert partial.items == ("9",) and partial.detail == "13 from 14 of 15 items"


@pytest.mark.parametrize(("item_id", "value"), [("8", 0), ("8", 1), ("9", 0), ("9", 2)])
def test_coma_with_sensory_other_than_2_or_language_other_than_3_is_refused(item_id, value):
    responses = {**reaching(0), "1a": 3, "8": 2, "9": 3, item_id: value}
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("nihss", responses)
    problem = raised.value.problems[0]
    assert (problem.code, problem.item) == ("inconsistent_items", f"1a, {item_id}")
    assert problem.allowed == f"1a = 3 → {item_id} = {2 if item_id == '8' else 3}"
    for lang in scales.LANGUAGES:
        assert item_id in problem.message(lang)


def test_both_coma_contradictions_are_reported_together():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("nihss", {**reaching(0), "1a": 3})
    assert [(p.code, p.item) for p in raised.value.problems] == [
        ("inconsistent_items", "1a, 8"),
        ("inconsistent_items", "1a, 9"),
    ]


def test_the_coma_rule_fills_nothing_in_and_applies_only_to_1a_3():
    draft = {"1a": 3}
    result = scales.score("nihss", draft)
    assert result.total is None and "8" in result.missing and "9" in result.missing
    assert scales.score("nihss", {**reaching(0), "1a": 2}).total == 2
    assert scales.score("nihss", {**reaching(0), "1a": 3, "8": 2, "9": 3}).total == 8


@pytest.mark.parametrize(
    ("responses", "context", "expected"),
    [
        ({"1a": 4}, None, ("value_not_allowed", "1a")),
        ({"5a": 5}, None, ("value_not_allowed", "5a")),
        ({"12": 0}, None, ("unknown_item", "12")),
        ({"3": {"not_tested": "refused"}}, None, ("not_tested_not_allowed", "3")),
        ({}, {"interval": "day_1"}, ("context_invalid", "interval")),
        ({}, {"side": "L"}, ("context_unknown", "side")),
    ],
)
def test_every_error_code_names_the_item(responses, context, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("nihss", {**dict.fromkeys(ITEMS, 0), **responses}, context)
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]
    for lang in scales.LANGUAGES:
        assert raised.value.problems[0].message(lang)


@pytest.mark.parametrize("interval", list(NIHSS_INTERVALS))
def test_the_assessment_interval_of_loinc_70183_9_is_an_optional_context_value(interval):
    assert scales.score("nihss", dict.fromkeys(ITEMS, 0), {"interval": interval}).total == 0
    assert scales.score("nihss", dict.fromkeys(ITEMS, 0)).total == 0


def test_loinc_codes_of_the_panel_total_items_and_answers():
    """Spec §3.1 [V]; interval and UN answers as in the LOINC 70182-1 LForms Questionnaire."""
    instrument = scales.get("nihss")
    assert (instrument.loinc.panel, instrument.loinc.total) == ("70182-1", "72089-6")
    assert instrument.loinc.items == {
        "1a": "70184-7", "1b": "70185-4", "1c": "70186-2", "2": "70187-0", "3": "70188-8", "4": "70189-6",
        "5a": "70190-4", "5b": "70967-5", "6a": "70191-2", "6b": "70968-3", "7": "70192-0", "8": "70193-8",
        "9": "70194-6", "10": "70195-3", "11": "70196-1",
    }  # fmt: skip
    assert {key: code for key, (_, code) in NIHSS_INTERVALS.items()} == {
        "baseline": "LA16758-7", "2h_post_treatment": "LA18432-7", "24h_after_onset": "LA18433-5",
        "7_10_days": "LA18434-3", "3_months": "LA18435-0", "other": "LA46-8",
    }  # fmt: skip
    assert set(NIHSS_UN_LOINC_ANSWERS) == set(UN_ALLOWED)
    for text, _ in NIHSS_INTERVALS.values():
        assert text.en and text.kk and text.ru


def test_a_change_of_four_points_is_major_improvement_or_deterioration():
    base = scales.score("nihss", reaching(10))
    assert scales.classify_change("nihss", base, scales.score("nihss", reaching(6))).classification == "improved"
    assert scales.classify_change("nihss", base, scales.score("nihss", reaching(7))).classification == "stable"
    assert scales.classify_change("nihss", base, scales.score("nihss", reaching(14))).classification == "worsened"


def test_every_choice_has_a_label_in_three_languages():
    for item in scales.get("nihss").items:
        for choice in item.choices:
            assert choice.label.en and choice.label.kk and choice.label.ru, (item.id, choice.code)


@st.composite
def administrations(draw):
    responses = {}
    for item_id in ITEMS:
        options = list(range(MAXIMUM[item_id] + 1)) + (["UN"] if item_id in UN_ALLOWED else [])
        responses[item_id] = draw(st.sampled_from(options))
    if responses["1a"] == 3:
        responses["8"], responses["9"] = 2, 3
    return responses


@given(administrations())
def test_total_is_the_sum_of_the_numeric_entries_and_un_is_counted(responses):
    result = scales.score("nihss", responses)
    numeric = [v for v in responses.values() if v != "UN"]
    assert result.total == sum(numeric) == result.derived["total_with_un_as_0"]
    assert result.derived["n_un"] == len(responses) - len(numeric)
    assert result.total <= result.derived["testable_maximum"] <= 42
    assert result.has_flag("untestable_items") == (result.derived["n_un"] > 0)
