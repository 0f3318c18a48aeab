"""Berg Balance Scale: Berg K et al. Physiother Can 1989;41:304–311; Berg KO et al. Can J Public Health
1992;83 Suppl 2:S7–11 (fall risk below 45); Hayashi S et al. Clin Rehabil 2022;36:1512 (MCID); spec §3.6."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ITEMS = [str(i) for i in range(1, 15)]


def reaching(total):
    """Item 2 stays below 4 unless every item is 4, so item 3 is always administered here."""
    responses, left = {}, total
    for item_id in ITEMS:
        responses[item_id] = min(4, left)
        left -= responses[item_id]
    assert left == 0
    return responses


def test_all_items_at_4_give_56_and_at_0_give_0():
    assert scales.score("berg", dict.fromkeys(ITEMS, 4)).total == 56
    result = scales.score("berg", dict.fromkeys(ITEMS, 0))
    assert (
        result.total == 0 and result.band == "increased_fall_risk" and result.derived["mobility_level"] == "wheelchair"
    )


@pytest.mark.parametrize(
    ("total", "band", "mobility"),
    [(0, "increased_fall_risk", "wheelchair"), (20, "increased_fall_risk", "wheelchair"),
     (21, "increased_fall_risk", "walks_with_assistance"), (40, "increased_fall_risk", "walks_with_assistance"),
     (41, "increased_fall_risk", "independent"), (44, "increased_fall_risk", "independent"),
     (45, "lower_fall_risk", "independent"), (56, "lower_fall_risk", "independent")],
)  # fmt: skip
def test_every_band_and_mobility_edge(total, band, mobility):
    result = scales.score("berg", reaching(total))
    assert (result.total, result.band, result.derived["mobility_level"]) == (total, band, mobility)
    assert result.has_flag("increased_fall_risk") == (total < 45)


def test_full_marks_on_standing_unsupported_give_full_marks_for_sitting_unsupported():
    responses = dict.fromkeys(ITEMS, 3)
    responses["2"] = 4
    del responses["3"]
    result = scales.score("berg", responses)
    assert result.total == 3 * 12 + 4 + 4 and result.complete and result.missing == ()
    assert result.derived["item_3_by_item_2_rule"] is True


def test_sitting_unsupported_is_needed_when_standing_unsupported_is_below_full_marks():
    responses = dict.fromkeys(ITEMS, 4)
    responses["2"] = 3
    del responses["3"]
    result = scales.score("berg", responses)
    assert result.total is None and not result.complete and result.missing == ("3",)
    assert result.flags[0].code == "partial_sum" and result.flags[0].items == ("3",)


def test_sitting_unsupported_below_full_marks_beside_full_standing_is_refused():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("berg", {**dict.fromkeys(ITEMS, 4), "3": 2})
    problem = raised.value.problems[0]
    assert (problem.code, problem.item, problem.value, problem.allowed) == (
        "inconsistent_items",
        "2, 3",
        "2 = 4, 3 = 2",
        "2 = 4 → 3 = 4",
    )


def test_a_missing_item_gives_no_total():
    responses = dict.fromkeys(ITEMS, 2)
    del responses["14"]
    result = scales.score("berg", responses)
    assert result.total is None and result.missing == ("14",)
    assert result.flags[0].detail == "26 from 13 of 14 items"


@pytest.mark.parametrize(
    ("responses", "expected"),
    [({"5": 5}, ("value_not_allowed", "5")), ({"5": -1}, ("value_not_allowed", "5")),
     ({"15": 0}, ("unknown_item", "15")), ({"6": {"not_tested": "refused"}}, ("not_tested_not_allowed", "6"))],
)  # fmt: skip
def test_every_error_code_names_the_item(responses, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("berg", {**dict.fromkeys(ITEMS, 2), **responses})
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]


def test_a_change_of_7_is_meaningful_and_6_is_not_hayashi_2022():
    base = scales.score("berg", reaching(30))
    assert scales.classify_change("berg", base, scales.score("berg", reaching(37))).classification == "improved"
    assert scales.classify_change("berg", base, scales.score("berg", reaching(36))).classification == "stable"
    assert scales.classify_change("berg", base, scales.score("berg", reaching(23))).classification == "worsened"


@given(st.lists(st.integers(0, 4), min_size=14, max_size=14))
def test_total_is_the_sum_of_the_fourteen_items(values):
    responses = dict(zip(ITEMS, values, strict=True))
    if responses["2"] == 4:
        responses["3"] = 4
    result = scales.score("berg", responses)
    assert result.total == sum(responses.values())
    assert result.band == ("increased_fall_risk" if result.total < 45 else "lower_fall_risk")
