"""MoCA: Nasreddine ZS et al. J Am Geriatr Soc 2005;53:695–699.

One point is added for 12 years of formal education or fewer, up to 30; 26 or more is normal. The
test vectors of spec §10 (raw 25 with 12 years → 26; raw 30 with 10 years → 30) come first.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

MAXIMA = {
    "visuospatial_executive": 5,
    "naming": 3,
    "attention": 6,
    "language": 3,
    "abstraction": 2,
    "delayed_recall": 5,
    "orientation": 6,
}


def domains(**lower) -> dict:
    """Every domain at its maximum except those given."""
    return {**MAXIMA, **lower}


@pytest.mark.parametrize(("raw", "years", "total"), [(25, 12, 26), (30, 10, 30)])
def test_the_spec_vectors_for_the_education_point(raw, years, total):
    result = scales.score("moca", {"raw_total": raw, "education_years": years})
    assert result.total == total
    assert result.derived["raw_total"] == raw and result.derived["education_years"] == years
    assert result.derived["adjusted_total"] == total


@pytest.mark.parametrize(("years", "point"), [(0, 1), (12, 1), (12.5, 0), (13, 0), (25, 0)])
def test_the_point_is_added_for_12_years_or_fewer_only(years, point):
    result = scales.score("moca", {"raw_total": 20, "education_years": years})
    assert result.derived["education_point"] == point
    assert result.total == 20 + point


@pytest.mark.parametrize(
    ("raw", "years", "band"),
    [(0, 13, "below_cutoff"), (25, 13, "below_cutoff"), (24, 12, "below_cutoff"), (25, 12, "normal"),
     (26, 13, "normal"), (30, 13, "normal")],
)  # fmt: skip
def test_every_band_edge_applies_to_the_adjusted_total(raw, years, band):
    assert scales.score("moca", {"raw_total": raw, "education_years": years}).band == band


def test_the_seven_domains_give_the_raw_total():
    result = scales.score("moca", {**domains(attention=4, delayed_recall=1), "education_years": 16})
    assert result.total == 24 and result.band == "below_cutoff"
    assert result.subscores["attention"] == 4 and result.subscores["delayed_recall"] == 1
    assert result.complete


def test_both_forms_together_are_accepted_when_they_agree():
    result = scales.score("moca", {**domains(naming=2), "raw_total": 29, "education_years": 8})
    assert result.total == 30 and result.derived["raw_total"] == 29


def test_both_forms_together_are_refused_when_they_contradict():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("moca", {**domains(naming=2), "raw_total": 27, "education_years": 8})
    (problem,) = raised.value.problems
    assert problem.code == "inconsistent_items" and problem.value == 27
    assert problem.item.startswith("raw_total, visuospatial_executive")
    assert problem.allowed == "raw_total = Σ = 29"
    assert "MoCA" in problem.message("kk") and "MoCA" in problem.message("ru")


@pytest.mark.parametrize(("orientation", "raw"), [(0, 0), (0, 24), (6, 6), (6, 30)])
def test_a_raw_total_beside_some_domains_is_accepted_when_reachable_from_them(orientation, raw):
    result = scales.score("moca", {"orientation": orientation, "raw_total": raw, "education_years": 14})
    assert result.total == raw and result.subscores["orientation"] == orientation


@pytest.mark.parametrize(("orientation", "raw", "allowed"), [(0, 25, "raw_total ∈ 0–24"), (6, 5, "raw_total ∈ 6–30")])
def test_a_raw_total_beside_some_domains_is_refused_when_out_of_their_reach(orientation, raw, allowed):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("moca", {"orientation": orientation, "raw_total": raw, "education_years": 14})
    assert [(p.code, p.item, p.allowed) for p in raised.value.problems] == [
        ("inconsistent_items", "raw_total, orientation", allowed)
    ]


def test_without_the_years_of_education_there_is_no_total():
    result = scales.score("moca", {"raw_total": 25})
    assert result.total is None and result.band is None and not result.complete
    assert result.missing == ("education_years",)
    assert [(f.code, f.items) for f in result.flags] == [("education_missing", ("education_years",))]
    assert result.derived["raw_total"] == 25 and result.derived["adjusted_total"] is None


def test_incomplete_domains_without_a_raw_total_give_no_total():
    responses = {**domains(), "education_years": 10}
    del responses["abstraction"], responses["naming"]
    result = scales.score("moca", responses)
    assert result.total is None and not result.complete
    assert [(f.code, f.items) for f in result.flags] == [("partial_sum", ("naming", "abstraction"))]
    assert result.flags[0].detail == "no raw_total; 25 from 5 of 7 domains"


def test_nothing_entered_gives_no_total_and_names_both_gaps():
    result = scales.score("moca", {})
    assert result.total is None and not result.complete
    assert [f.code for f in result.flags] == ["partial_sum", "education_missing"]


@pytest.mark.parametrize(
    ("item", "value", "code"),
    [("raw_total", 31, "value_out_of_range"), ("raw_total", -1, "value_out_of_range"), ("raw_total", 25.5, "not_an_integer"),
     ("naming", 4, "value_out_of_range"), ("abstraction", 3, "value_out_of_range"), ("orientation", 7, "value_out_of_range"),
     ("education_years", -1, "value_out_of_range"), ("education_years", 31, "value_out_of_range"),
     ("education_years", "twelve", "not_a_number"), ("attention", [6], "not_a_number")],
)  # fmt: skip
def test_out_of_range_values_are_refused_with_the_item_named(item, value, code):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("moca", {"raw_total": 20, "education_years": 10, item: value})
    assert [(p.code, p.item) for p in raised.value.problems] == [(code, item)]


def test_text_numbers_from_a_form_are_accepted():
    assert scales.score("moca", {"raw_total": "25", "education_years": "11,5"}).total == 26


def test_education_is_an_item_not_a_context_value():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("moca", {"raw_total": 25}, {"education_years": 12})
    assert [(p.code, p.item) for p in raised.value.problems] == [("context_unknown", "education_years")]


def test_it_carries_the_loinc_codes_of_the_moca_panel():
    instrument = scales.get("moca")
    assert (instrument.loinc.panel, instrument.loinc.total) == ("72133-2", "72172-0")


def test_change_is_not_classified_for_want_of_an_accepted_threshold():
    base = scales.score("moca", {"raw_total": 20, "education_years": 14})
    later = scales.score("moca", {"raw_total": 27, "education_years": 14})
    change = scales.classify_change("moca", base, later)
    assert change.classification == "not_classifiable" and change.difference == 7


@given(
    st.fixed_dictionaries({domain: st.integers(0, maximum) for domain, maximum in MAXIMA.items()}),
    st.integers(0, 30),
)
def test_the_total_is_the_domain_sum_plus_the_capped_education_point(scores, years):
    result = scales.score("moca", {**scores, "education_years": years})
    assert result.total == min(30, sum(scores.values()) + (1 if years <= 12 else 0))
    assert result.derived["raw_total"] == sum(scores.values())
