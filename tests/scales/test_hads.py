"""HADS: Zigmond AS, Snaith RP. Acta Psychiatr Scand 1983;67:361–370.

Bands per subscale from the original paper: 7 or less non-case, 8–10 doubtful case, 11 or more
definite case. Meaningful change per subscale: Puhan MA et al. Health Qual Life Outcomes 2008;6:46
("around 1.5"). Missing items: Bell ML et al. BMC Res Notes 2016;9:479.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ANXIETY = ["1", "3", "5", "7", "9", "11", "13"]
DEPRESSION = ["2", "4", "6", "8", "10", "12", "14"]


def spread(total: int) -> list[int]:
    """Seven item values 0–3 that add up to ``total`` (0–21)."""
    values = []
    for _ in range(7):
        values.append(min(3, total))
        total -= values[-1]
    assert total == 0
    return values


def answers(anxiety: list[int], depression: list[int]) -> dict:
    return {**dict(zip(ANXIETY, anxiety, strict=True)), **dict(zip(DEPRESSION, depression, strict=True))}


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "normal"), (7, "normal"), (8, "borderline"), (10, "borderline"), (11, "abnormal"), (21, "abnormal")],
)
def test_every_band_edge_of_zigmond_snaith_1983_on_both_subscales(score, band):
    anxious = scales.score("hads", answers(spread(score), spread(0)))
    assert anxious.subscores == {"anxiety": score, "depression": 0}
    assert anxious.subscore_bands == {"anxiety": band, "depression": "normal"}
    depressed = scales.score("hads", answers(spread(0), spread(score)))
    assert depressed.subscores == {"anxiety": 0, "depression": score}
    assert depressed.subscore_bands == {"anxiety": "normal", "depression": band}


def test_odd_items_are_anxiety_and_even_items_depression():
    result = scales.score("hads", {**answers(spread(0), spread(0)), "1": 3, "13": 2, "14": 1})
    assert result.subscores == {"anxiety": 5, "depression": 1}


def test_there_is_no_total_but_the_0_42_sum_is_derived():
    result = scales.score("hads", answers(spread(9), spread(12)))
    assert result.total is None and result.band is None and result.complete
    assert result.derived == {"band_scheme": "zigmond_snaith_1983", "combined_0_42": 21}


def test_a_missing_item_leaves_only_its_own_subscale_without_a_score():
    responses = answers(spread(9), spread(12))
    del responses["6"]
    result = scales.score("hads", responses)
    assert result.subscores == {"anxiety": 9, "depression": None}
    assert result.subscore_bands == {"anxiety": "borderline", "depression": None}
    assert result.missing == ("6",) and not result.complete
    assert [(f.code, f.items) for f in result.flags] == [("partial_sum", ("6",))]
    assert result.derived["combined_0_42"] is None


def test_prorating_one_item_per_subscale_is_off_by_default_and_rounds_half_up():
    responses = answers([2, 2, 2, 1, 1, 1, 0], spread(4))
    del responses["13"]  # six anxiety items answered, sum 9: 9 × 7 / 6 = 10.5
    assert scales.score("hads", responses).subscores["anxiety"] is None
    result = scales.score("hads", responses, {"missing_rule": "prorate"})
    assert result.subscores == {"anxiety": 11, "depression": 4}
    assert result.subscore_bands["anxiety"] == "abnormal"
    assert [(f.code, f.items) for f in result.flags] == [("prorated", ("13",))]
    assert not result.complete


def test_prorating_works_on_each_subscale_but_never_beyond_one_missing_item():
    responses = answers(spread(12), [3, 2, 1, 1, 1, 1, 0])
    del responses["1"], responses["2"]
    prorated = scales.score("hads", responses, {"missing_rule": "prorate"})
    assert prorated.subscores == {"anxiety": 11, "depression": 7}  # 9 × 7/6 = 10.5 → 11; 6 × 7/6 = 7
    assert [f.code for f in prorated.flags] == ["prorated", "prorated"]
    del responses["3"]
    result = scales.score("hads", responses, {"missing_rule": "prorate"})
    assert result.subscores == {"anxiety": None, "depression": 7}
    assert [(f.code, f.items) for f in result.flags] == [("partial_sum", ("1", "3")), ("prorated", ("2",))]


def test_the_strict_rule_can_be_named_explicitly():
    responses = answers(spread(12), spread(6))
    del responses["1"]
    assert scales.score("hads", responses, {"missing_rule": "strict"}).subscores["anxiety"] is None


@pytest.mark.parametrize("bad", [4, -1, "often", 1.5, True, [1]])
def test_values_outside_0_to_3_are_refused_with_the_item_named(bad):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hads", {**answers(spread(0), spread(0)), "7": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", "7")]


def test_an_item_cannot_be_marked_not_tested():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hads", {**answers(spread(0), spread(0)), "2": {"not_tested": "refused"}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_not_allowed", "2")]


def test_every_problem_is_reported_in_one_pass_in_three_languages():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hads", {"1": 5, "15": 0, "4": "x"}, {"missing_rule": "mean", "value_set": "uk"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "missing_rule"),
        ("context_unknown", "value_set"),
        ("unknown_item", "15"),
        ("value_not_allowed", "1"),
        ("value_not_allowed", "4"),
    ]
    for problem in raised.value.problems:
        assert problem.message("kk") != problem.message("ru") != problem.message("en")


def test_responses_must_be_an_object():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("hads", [0] * 14)
    assert raised.value.codes == ["invalid_request"]


@pytest.mark.parametrize(
    ("before", "after", "classification"),
    [(10, 8, "improved"), (10, 9, "stable"), (9, 11, "worsened"), (11, 10, "stable")],
)
def test_change_of_1_5_points_per_subscale_is_meaningful_puhan_2008(before, after, classification):
    base = scales.score("hads", answers(spread(before), spread(before)))
    later = scales.score("hads", answers(spread(after), spread(before)))
    change = scales.classify_change("hads", base, later, subscale="anxiety")
    assert change.classification == classification
    assert change.threshold.value == 1.5 and "Puhan" in change.threshold.source
    assert scales.classify_change("hads", base, later, subscale="depression").classification == "stable"


def test_the_total_cannot_be_classified_because_there_is_none():
    base = scales.score("hads", answers(spread(12), spread(12)))
    later = scales.score("hads", answers(spread(2), spread(2)))
    assert scales.classify_change("hads", base, later).classification == "not_classifiable"


@given(st.lists(st.integers(0, 3), min_size=14, max_size=14))
def test_subscales_are_the_sums_of_the_odd_and_even_items(values):
    result = scales.score("hads", {str(i + 1): v for i, v in enumerate(values)})
    assert result.subscores == {"anxiety": sum(values[0::2]), "depression": sum(values[1::2])}
    assert result.derived["combined_0_42"] == sum(values)


@given(st.lists(st.integers(0, 3), min_size=7, max_size=7), st.sampled_from(ANXIETY))
def test_a_prorated_subscale_is_the_rounded_mean_of_six_items_times_seven(values, gap):
    responses = answers(values, spread(0))
    del responses[gap]
    answered = [v for item, v in zip(ANXIETY, values, strict=True) if item != gap]
    result = scales.score("hads", responses, {"missing_rule": "prorate"})
    exact = sum(answered) * 7 / 6
    assert abs(result.subscores["anxiety"] - exact) <= 0.5
    assert 0 <= result.subscores["anxiety"] <= 21
