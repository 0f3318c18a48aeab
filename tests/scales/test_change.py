"""classify_change: direction, threshold, versions and sides (spec §0.2 rule 5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qadam import scales


def hfmse(total):
    items = {str(i): 2 if i <= total // 2 else 0 for i in range(1, 34)}
    if total % 2:
        items[str(total // 2 + 1)] = 1
    result = scales.score("hfmse", items)
    assert result.total == total
    return result


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(30, 33, "improved"), (30, 32, "stable"), (30, 27, "worsened"), (30, 28, "stable"), (30, 30, "stable")],
)
def test_hfmse_change_counts_from_three_points_in_either_direction(before, after, expected):
    change = scales.classify_change("hfmse", hfmse(before), hfmse(after))
    assert change.classification == expected
    assert change.difference == after - before
    assert change.threshold.value == 3 and change.threshold.source


def test_a_lower_score_is_an_improvement_when_higher_is_worse():
    worse = scales.score("mg_adl", {str(i): 2 for i in range(1, 9)})
    better = scales.score("mg_adl", {str(i): 1 for i in range(1, 9)} | {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2})
    assert scales.classify_change("mg_adl", worse, better).classification == "improved"
    assert scales.classify_change("mg_adl", better, worse).classification == "worsened"


def test_different_versions_are_refused():
    base = hfmse(30)
    other = replace(hfmse(34), version="HFMSE other manual")
    with pytest.raises(scales.ScaleError) as raised:
        scales.classify_change("hfmse", base, other)
    assert raised.value.codes == ["version_mismatch"]


def test_different_sides_are_refused():
    items = {"A": 3} | {chr(c): 1 for c in range(ord("B"), ord("T") + 1)}
    left = scales.score("rulm", items, {"side": "L"})
    right = scales.score("rulm", items, {"side": "R"})
    with pytest.raises(scales.ScaleError) as raised:
        scales.classify_change("rulm", left, right)
    assert raised.value.codes == ["side_mismatch"]
    for lang in scales.LANGUAGES:
        assert raised.value.messages(lang)[0]


def test_results_of_another_instrument_are_refused():
    phq9 = scales.score("phq9", {str(i): 0 for i in range(1, 10)})
    with pytest.raises(scales.ScaleError) as raised:
        scales.classify_change("hfmse", hfmse(10), phq9)
    assert raised.value.codes == ["instrument_mismatch"]


def test_an_incomplete_result_is_not_classified():
    items = {str(i): 2 for i in range(1, 33)}
    change = scales.classify_change("hfmse", hfmse(30), scales.score("hfmse", items))
    assert (change.classification, change.reason) == ("not_classifiable", "incomplete_result")


def test_an_instrument_without_a_total_by_design_says_so_and_its_subscale_classifies():
    low = scales.score("hads", {str(i): 0 for i in range(1, 15)})
    high = scales.score("hads", {str(i): 1 if i % 2 else 0 for i in range(1, 15)})
    total_change = scales.classify_change("hads", low, high)
    assert (total_change.classification, total_change.reason) == ("not_classifiable", "no_score_by_design")
    anxiety = scales.classify_change("hads", low, high, subscale="anxiety")
    assert anxiety.classification == "worsened" and anxiety.difference == 7
    assert anxiety.threshold.value == 1.5


def test_an_unknown_subscale_is_refused():
    low = scales.score("hads", {str(i): 0 for i in range(1, 15)})
    with pytest.raises(scales.ScaleError) as raised:
        scales.classify_change("hads", low, low, subscale="stress")
    assert raised.value.codes == ["unknown_item"]


def test_no_threshold_means_no_classification():
    fvc = scales.score("fvc", {"fvc_percent_predicted": 80})
    later = scales.score("fvc", {"fvc_percent_predicted": 60})
    change = scales.classify_change("fvc", fvc, later)
    assert change.classification == "not_classifiable" and change.difference == -20
