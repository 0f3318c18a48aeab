"""Barthel Index: Mahoney & Barthel 1965; Collin & Wade 1988; bands Shah 1989; spec §3.3 and §10."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

ALLOWED = {
    "feeding": (0, 5, 10), "bathing": (0, 5), "grooming": (0, 5), "dressing": (0, 5, 10),
    "bowels": (0, 5, 10), "bladder": (0, 5, 10), "toilet": (0, 5, 10),
    "transfers": (0, 5, 10, 15), "mobility": (0, 5, 10, 15), "stairs": (0, 5, 10),
}  # fmt: skip
INDEPENDENT = {item_id: max(values) for item_id, values in ALLOWED.items()}


def reaching(total):
    responses, left = {}, total
    for item_id, values in ALLOWED.items():
        responses[item_id] = max(v for v in values if v <= left)
        left -= responses[item_id]
    assert left == 0
    return responses


def test_independent_on_every_item_gives_100_and_20_on_the_0_20_form_spec_10():
    result = scales.score("barthel", INDEPENDENT)
    assert result.total == 100 and result.band == "independent"
    assert result.derived == {"total_0_20": 20}


def test_the_items_and_their_point_values_are_those_of_the_100_point_form():
    instrument = scales.get("barthel")
    assert {i.id: tuple(c.code for c in i.choices) for i in instrument.items} == ALLOWED
    assert [i.id for i in instrument.items] == list(ALLOWED)


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "total"), (20, "total"), (25, "severe"), (60, "severe"), (65, "moderate"), (90, "moderate"),
     (95, "slight"), (100, "independent")],
)  # fmt: skip
def test_every_reachable_band_edge(total, band):
    result = scales.score("barthel", reaching(total))
    assert (result.total, result.band, result.derived["total_0_20"]) == (total, band, total // 5)


@pytest.mark.parametrize(("value", "band"), [(20, "total"), (21, "severe"), (60, "severe"), (61, "moderate"), (90, "moderate"), (91, "slight"), (99, "slight")])  # fmt: skip
def test_band_edges_as_published_by_shah_1989(value, band):
    assert scales.get("barthel").band_for(value).code == band


@pytest.mark.parametrize(("item_id", "value"), [("bathing", 10), ("grooming", 10), ("feeding", 15), ("stairs", 15), ("transfers", 7), ("mobility", 20), ("toilet", 1)])  # fmt: skip
def test_only_the_forms_point_values_are_accepted(item_id, value):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("barthel", {**INDEPENDENT, item_id: value})
    problem = raised.value.problems[0]
    assert (problem.code, problem.item) == ("value_not_allowed", item_id)
    assert problem.allowed == ", ".join(str(v) for v in ALLOWED[item_id])


@pytest.mark.parametrize(
    ("responses", "expected"),
    [
        ({"walking": 15}, ("unknown_item", "walking")),
        ({"stairs": {"not_tested": "pain"}}, ("not_tested_not_allowed", "stairs")),
    ],
)
def test_other_error_codes(responses, expected):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("barthel", {**INDEPENDENT, **responses})
    assert [(p.code, p.item) for p in raised.value.problems] == [expected]


def test_a_missing_activity_gives_no_total():
    responses = dict(INDEPENDENT)
    del responses["stairs"]
    result = scales.score("barthel", responses)
    assert result.total is None and result.derived == {"total_0_20": None}
    assert result.missing == ("stairs",) and result.flags[0].code == "partial_sum"
    assert result.flags[0].detail == "90 from 9 of 10 items"


def test_a_change_of_10_is_meaningful_and_5_is_not_hsieh_2007():
    base = scales.score("barthel", reaching(50))
    assert scales.classify_change("barthel", base, scales.score("barthel", reaching(60))).classification == "improved"
    assert scales.classify_change("barthel", base, scales.score("barthel", reaching(55))).classification == "stable"
    assert scales.classify_change("barthel", base, scales.score("barthel", reaching(40))).classification == "worsened"


def test_loinc_total_and_item_codes():
    instrument = scales.get("barthel")
    assert instrument.loinc.total == "96761-2" and instrument.loinc.panel is None
    assert instrument.loinc.items == {
        "feeding": "83184-2", "bathing": "83181-8", "grooming": "96767-9", "dressing": "83182-6",
        "bowels": "96759-6", "bladder": "96760-4", "toilet": "83183-4", "transfers": "83185-9",
        "mobility": "83186-7", "stairs": "96758-8",
    }  # fmt: skip


@given(st.fixed_dictionaries({item_id: st.sampled_from(values) for item_id, values in ALLOWED.items()}))
def test_total_is_the_sum_and_the_0_20_form_is_a_fifth(responses):
    result = scales.score("barthel", responses)
    assert result.total == sum(responses.values())
    assert result.derived["total_0_20"] * 5 == result.total
