"""Mini-Cog: Borson S et al. Int J Geriatr Psychiatry 2000;15:1021–1027.

Scoring as on the standardized form and mini-cog.com ("Scoring the Mini-Cog"): 1 point per word
recalled without cues, 2 points for a normal clock and 0 for an abnormal one (inability or refusal
included); a total of 0, 1 or 2 is a positive screen, 3, 4 or 5 a negative one.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qadam import scales


@pytest.mark.parametrize(
    ("recall", "clock", "total", "band"),
    [(0, 0, 0, "positive_screen"), (2, 0, 2, "positive_screen"), (0, 2, 2, "positive_screen"),
     (3, 0, 3, "negative_screen"), (1, 2, 3, "negative_screen"), (3, 2, 5, "negative_screen")],
)  # fmt: skip
def test_every_band_edge_of_the_scoring_sheet(recall, clock, total, band):
    result = scales.score("minicog", {"recall": recall, "clock": clock})
    assert result.total == total and result.band == band and result.complete


@pytest.mark.parametrize(
    ("item", "value"), [("clock", 1), ("clock", 3), ("recall", 4), ("recall", -1), ("recall", "two")]
)
def test_scores_the_form_does_not_have_are_refused(item, value):
    """The clock scores 0 or 2, never 1 (mini-cog.com FAQ: a simple pass or fail standard)."""
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("minicog", {"recall": 2, "clock": 2, item: value})
    assert [(p.code, p.item) for p in raised.value.problems] == [("value_not_allowed", item)]


def test_a_refused_clock_is_entered_as_0_not_as_not_tested():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("minicog", {"recall": 3, "clock": {"not_tested": "refused"}})
    assert [(p.code, p.item) for p in raised.value.problems] == [("not_tested_not_allowed", "clock")]


def test_a_missing_part_gives_no_total():
    result = scales.score("minicog", {"recall": 3})
    assert result.total is None and result.band is None and not result.complete
    assert result.missing == ("clock",)
    assert [(f.code, f.items) for f in result.flags] == [("partial_sum", ("clock",))]


def test_every_problem_is_reported_in_one_pass():
    with pytest.raises(scales.ScaleError) as raised:
        scales.score("minicog", {"recall": 5, "clock": 1, "words": 3}, {"age": 80})
    assert sorted((p.code, p.item) for p in raised.value.problems) == [
        ("context_unknown", "age"),
        ("unknown_item", "words"),
        ("value_not_allowed", "clock"),
        ("value_not_allowed", "recall"),
    ]


def test_it_carries_the_loinc_total_score_code():
    assert scales.get("minicog").loinc.total == "72233-0"


@given(st.integers(0, 3), st.sampled_from([0, 2]))
def test_the_total_is_recall_plus_clock(recall, clock):
    result = scales.score("minicog", {"recall": str(recall), "clock": clock})
    assert result.total == recall + clock
    assert result.band == ("positive_screen" if recall + clock <= 2 else "negative_screen")
