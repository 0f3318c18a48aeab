"""BPI-SF: Cleeland CS, The Brief Pain Inventory User Guide (2009) — severity as the mean of the four
intensity items; interference as the mean of the seven items, usable when at least four are
answered; bands 0–4, 5–6, 7–10 (Serlin 1995, ePPOC usage; spec §5.5); 1-point interference change
(IMMPACT, Dworkin RH et al. J Pain 2008;9:105–121)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales

SEVERITY = ["1", "2", "3", "4"]
INTERFERENCE = ["5", "6", "7", "8", "9", "10", "11"]


def bpi(severity=(0, 0, 0, 0), interference=(0,) * 7):
    responses = dict(zip(SEVERITY, severity, strict=True))
    responses.update(zip(INTERFERENCE, interference, strict=True))
    return {k: v for k, v in responses.items() if v is not None}


def test_a_worked_inventory_gives_two_means_and_no_total():
    result = scales.score("bpi_sf", bpi((7, 3, 5, 4), (5, 4, 6, 3, 2, 5, 4)))
    assert result.total is None and result.band is None
    assert result.subscores == {"severity": 4.75, "interference": 4.14}  # 19 / 4; 29 / 7 = 4.142…
    assert result.subscore_bands == {"severity": "moderate", "interference": "mild"}
    assert result.complete and result.flags == ()


@pytest.mark.parametrize(
    ("severity", "mean", "band"),
    [((0, 0, 0, 0), 0.0, "mild"), ((4, 4, 4, 4), 4.0, "mild"), ((5, 4, 4, 4), 4.25, "mild"),
     ((5, 5, 4, 4), 4.5, "moderate"), ((5, 5, 5, 5), 5.0, "moderate"), ((6, 6, 6, 6), 6.0, "moderate"),
     ((7, 6, 6, 6), 6.25, "moderate"), ((7, 7, 6, 6), 6.5, "severe"), ((7, 7, 7, 7), 7.0, "severe"),
     ((10, 10, 10, 10), 10.0, "severe")],
)  # fmt: skip
def test_every_severity_band_edge_by_the_nearest_rating(severity, mean, band):
    result = scales.score("bpi_sf", bpi(severity))
    assert result.subscores["severity"] == mean and result.subscore_bands["severity"] == band


@pytest.mark.parametrize(
    ("interference", "mean", "band"),
    [((4, 4, 4, 4, 5, 5, 5), 4.43, "mild"), ((4, 4, 4, 5, 5, 5, 5), 4.57, "moderate"),
     ((6, 6, 6, 6, 7, 7, 7), 6.43, "moderate"), ((6, 6, 6, 7, 7, 7, 7), 6.57, "severe")],
)  # fmt: skip
def test_every_interference_band_edge_by_the_nearest_rating(interference, mean, band):
    result = scales.score("bpi_sf", bpi(interference=interference))
    assert result.subscores["interference"] == mean and result.subscore_bands["interference"] == band


def test_no_possible_mean_falls_between_the_band_edges():
    values = {Fraction(total, n) for n in range(4, 8) for total in range(0, 10 * n + 1)}
    assert not [v for v in values if Fraction("4.49") < v < Fraction("4.5") or Fraction("6.49") < v < Fraction("6.5")]


def test_interference_is_the_mean_of_the_answered_items_when_four_or_more_are_answered():
    result = scales.score("bpi_sf", bpi(interference=(6, None, 4, None, 5, None, 7)))
    assert result.subscores["interference"] == 5.5 and not result.complete
    [flag] = result.flags
    assert (flag.code, flag.items) == ("interference_from_answered_items", ("6", "8", "10"))
    assert result.derived["interference_items_answered"] == 4


def test_interference_is_not_scored_with_three_items():
    result = scales.score("bpi_sf", bpi(interference=(6, None, 4, None, 5, None, None)))
    assert result.subscores["interference"] is None and result.subscore_bands["interference"] is None
    assert [(f.code, f.items) for f in result.flags] == [("interference_not_scored", ("6", "8", "10", "11"))]


def test_severity_needs_all_four_items():
    result = scales.score("bpi_sf", bpi((5, None, 5, 5)))
    assert result.subscores["severity"] is None and result.subscores["interference"] == 0.0
    assert [(f.code, f.items) for f in result.flags] == [("severity_not_scored", ("2",))]


@pytest.mark.parametrize(
    ("bad", "code"),
    [(11, "value_out_of_range"), (-1, "value_out_of_range"), (2.5, "not_an_integer"), ("x", "not_a_number")],
)
def test_ratings_outside_0_to_10_are_refused(bad, code):
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("bpi_sf", {**bpi(), "9": bad})
    assert [(p.code, p.item) for p in raised.value.problems] == [(code, "9")]


def test_not_tested_unknown_items_and_context_are_refused_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("bpi_sf", {**bpi(), "3": {"not_tested": "refused"}, "12": 50}, {"recall_period": "month"})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_invalid", "recall_period"),
        ("not_tested_not_allowed", "3"),
        ("unknown_item", "12"),
    ]


def test_the_recall_period_is_kept():
    assert scales.score("bpi_sf", bpi(), {"recall_period": "7d"}).derived["recall_period"] == "7d"


def test_one_point_of_interference_is_a_meaningful_change_immpact():
    base = scales.score("bpi_sf", bpi(interference=(5,) * 7))
    better = scales.score("bpi_sf", bpi(interference=(4,) * 7))
    slightly = scales.score("bpi_sf", bpi(interference=(4, 4, 4, 4, 4, 5, 5)))
    assert scales.classify_change("bpi_sf", base, better, subscale="interference").classification == "improved"
    assert scales.classify_change("bpi_sf", base, slightly, subscale="interference").classification == "stable"
    assert scales.classify_change("bpi_sf", better, base, subscale="interference").classification == "worsened"
    assert scales.classify_change("bpi_sf", base, better).classification == "not_classifiable"


@given(
    st.lists(st.integers(0, 10), min_size=4, max_size=4),
    st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=7, max_size=7),
)
def test_subscores_are_the_means_of_their_answered_items(severity, interference):
    result = scales.score("bpi_sf", bpi(severity, interference))
    assert abs(Fraction(str(result.subscores["severity"])) - Fraction(sum(severity), 4)) <= Fraction(1, 200)
    answered = [v for v in interference if v is not None]
    if len(answered) < 4:
        assert result.subscores["interference"] is None
    else:
        exact = Fraction(sum(answered), len(answered))
        assert abs(Fraction(str(result.subscores["interference"])) - exact) <= Fraction(1, 200)
        nearest = int(exact + Fraction(1, 2))
        expected = "mild" if nearest <= 4 else "moderate" if nearest <= 6 else "severe"
        assert result.subscore_bands["interference"] == expected
