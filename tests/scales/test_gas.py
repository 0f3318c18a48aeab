"""Goal Attainment Scaling: Kiresuk TJ, Sherman RE. Community Ment Health J 1968;4:443–453; Turner-Stokes L.
Clin Rehabil 2009;23:362–370 and erratum (corrected formula); worked examples of spec §3.7 and §10."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales
from qadam.scales.rehab import gas_t_score


def unweighted_t(values):
    n = len(values)
    return 50 + 10 * sum(values) / math.sqrt(0.7 * n + 0.3 * n * n)


@pytest.mark.parametrize(
    ("responses", "t"),
    [({"1": 2}, 70.0), ({"1": -1, "2": -1, "3": -1}, 36.31), ({"1": 1, "2": 0}, 56.2)],
)
def test_the_three_worked_examples_of_spec_3_7(responses, t):
    result = scales.score("gas", responses)
    assert result.total == t and result.complete
    assert result.derived["n_goals"] == len(responses) and result.derived["rho"] == 0.3


def test_the_worked_examples_unrounded():
    assert gas_t_score({"1": 2}) == pytest.approx(70.0)
    assert gas_t_score({"a": -1, "b": -1, "c": -1}) == pytest.approx(50 - 30 / math.sqrt(4.8))
    assert gas_t_score({"a": 1, "b": 0}) == pytest.approx(50 + 10 / math.sqrt(2.6))


def test_weighted_goals_follow_the_corrected_turner_stokes_formula():
    # Σwx = 2·1 + 1·(−1) = 1; 0.7·Σw² + 0.3·(Σw)² = 0.7·5 + 0.3·9 = 6.2; T = 50 + 10/√6.2 = 54.02
    result = scales.score("gas", {"1": 1, "2": -1}, {"weights": {"1": 2, "2": 1}})
    assert result.total == 54.02
    assert result.derived["weighting"] == "other"


def test_goals_named_in_the_weights_are_accepted_beside_the_numbered_ones():
    context = {"weights": {"walk_outdoors": 6, "dress_alone": 2, "1": 1}, "weighting": "importance_x_difficulty"}
    result = scales.score("gas", {"walk_outdoors": 0, "dress_alone": 1, "1": -1}, context)
    assert result.total == round(gas_t_score({"w": 0, "d": 1, "o": -1}, {"w": 6, "d": 2, "o": 1}), 2)
    assert result.derived["n_goals"] == 3 and result.derived["goals_met"] == 2


def test_a_named_goal_without_a_weight_is_unknown():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("gas", {"walk_outdoors": 0})
    assert [(p.code, p.item) for p in raised.value.problems] == [("unknown_item", "walk_outdoors")]


def test_a_goal_with_a_weight_but_no_rating_leaves_no_t():
    result = scales.score("gas", {"walk": 1}, {"weights": {"walk": 1, "cook": 1}})
    assert result.total is None and not result.complete and result.missing == ("cook",)
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == ("cook",)


def test_no_goal_rated_gives_no_t():
    result = scales.score("gas", {})
    assert result.total is None and not result.complete and [f.code for f in result.flags] == ["no_goals"]


@pytest.mark.parametrize(
    ("weights", "weighting"),
    [({"1": 0}, None), ({"1": -1}, None), ({"1": True}, None), ({"1": "2"}, None), ({"1": math.inf}, None),
     ({"1": 5}, "importance_x_difficulty"), ({"1": 0}, "importance_x_difficulty"), ({"1": 5}, "importance_1_4"),
     ({"1": 2}, "unweighted")],
)  # fmt: skip
def test_a_weight_of_0_or_one_outside_the_scheme_is_refused(weights, weighting):
    context = {"weights": weights, **({"weighting": weighting} if weighting else {})}
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("gas", {"1": 1}, context)
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_invalid", "weights.1")]
    assert raised.value.problems[0].allowed.startswith("w ")


@pytest.mark.parametrize(("weight", "weighting"), [(9, "importance_x_difficulty"), (6, "importance_x_difficulty"), (4, "importance_1_4"), (1, "unweighted"), (0.5, "other")])  # fmt: skip
def test_weights_allowed_by_each_scheme(weight, weighting):
    result = scales.score("gas", {"1": 1, "2": 0}, {"weights": {"1": weight, "2": weight}, "weighting": weighting})
    assert result.total == 56.2  # equal weights give the unweighted T
    assert result.derived["weighting"] == weighting


def test_every_rated_goal_needs_a_weight_once_weights_are_given():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("gas", {"1": 1, "2": 0}, {"weights": {"1": 2}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_missing", "weights.2")]


def test_baseline_and_outcome_t_and_the_improvement():
    context = {"baseline": {"1": -1, "2": -1, "3": -2}}
    result = scales.score("gas", {"1": 0, "2": 1, "3": -1}, context)
    assert result.total == 50.0 and result.band == "as_expected"
    assert result.derived["baseline_t"] == round(unweighted_t([-1, -1, -2]), 2) == 31.74
    assert result.derived["improvement"] == round(50.0 - 31.74, 2)
    assert not result.has_flag("goal_deteriorated")


def test_a_goal_rated_below_its_baseline_is_flagged_as_deterioration():
    result = scales.score("gas", {"1": -2, "2": -1}, {"baseline": {"1": -1, "2": -1}})
    assert [(f.code, f.items) for f in result.flags] == [("goal_deteriorated", ("1",))]
    assert result.derived["improvement"] < 0


@pytest.mark.parametrize(
    ("baseline", "expected"),
    [({"1": 0, "2": -1}, ("context_invalid", "baseline.1")), ({"1": -3, "2": -1}, ("context_invalid", "baseline.1")),
     ({"1": "-1", "2": -1}, ("context_invalid", "baseline.1")), ({"1": -1}, ("context_missing", "baseline.2"))],
)  # fmt: skip
def test_a_baseline_is_minus_2_or_minus_1_for_every_goal(baseline, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("gas", {"1": 0, "2": 0}, {"baseline": baseline})
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]


@pytest.mark.parametrize(
    ("responses", "context", "expected"),
    [({"1": 3}, None, ("value_not_allowed", "1")), ({"1": "+2"}, None, ("value_not_allowed", "1")),
     ({"11": 0}, None, ("unknown_item", "11")), ({"1": {"not_tested": "refused"}}, None, ("not_tested_not_allowed", "1")),
     ({"1": 0}, {"weights": [1]}, ("context_invalid", "weights")), ({"1": 0}, {"weighting": "double"}, ("context_invalid", "weighting")),
     ({"1": 0}, {"rho": 0.5}, ("context_unknown", "rho"))],
)  # fmt: skip
def test_every_other_error_code_names_the_item(responses, context, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("gas", responses, context)
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]
    for lang in scales.LANGUAGES:
        assert raised.value.problems[0].message(lang)


@pytest.mark.parametrize(("t", "band"), [(13.49, "less_than_expected"), (49.99, "less_than_expected"), (50, "as_expected"), (50.01, "better_than_expected"), (86.51, "better_than_expected")])  # fmt: skip
def test_every_band_edge(t, band):
    assert scales.get("gas").band_for(t).code == band


def test_scored_bands_below_at_and_above_expectation():
    assert scales.score("gas", {"1": -1, "2": 0}).band == "less_than_expected"
    assert scales.score("gas", {"1": 1, "2": -1}).band == "as_expected"
    assert scales.score("gas", {"1": 1}).band == "better_than_expected"


def test_the_declared_range_is_the_bound_50_plus_or_minus_20_over_root_rho():
    low, high = scales.get("gas").total_range
    assert (low, high) == (13.49, 86.51)
    many = {str(n): 2 for n in range(1, 11)}
    assert 80 < scales.score("gas", many).total < high


def test_change_between_administrations_reports_the_difference_without_a_threshold():
    change = scales.classify_change("gas", scales.score("gas", {"1": -1}), scales.score("gas", {"1": 1}))
    assert change.classification == "not_classifiable" and change.difference == 20


goal_sets = st.dictionaries(st.sampled_from([str(n) for n in range(1, 11)]), st.integers(-2, 2), min_size=1)


@given(goal_sets)
def test_unweighted_t_follows_the_closed_form(responses):
    result = scales.score("gas", responses)
    assert result.total == round(unweighted_t(list(responses.values())), 2)
    assert result.derived["goals_met"] == sum(x >= 0 for x in responses.values())


@given(goal_sets, st.data())
def test_any_positive_weights_keep_t_inside_the_declared_range(responses, data):
    weights = {g: data.draw(st.floats(0.01, 1000)) for g in responses}
    result = scales.score("gas", responses, {"weights": weights})
    low, high = scales.get("gas").total_range
    assert low <= result.total <= high
    assert result.total == round(gas_t_score(responses, weights), 2)
    assert result.band is not None


def test_a_weight_beyond_the_float_range_is_refused_not_a_crash():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("gas", {"1": 1}, {"weights": {"1": 10**400}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_invalid", "weights.1")]
