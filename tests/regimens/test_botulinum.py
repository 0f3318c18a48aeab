"""Botulinum toxin A sessions (clinical.md §B.3): ≥84 days between sessions of any product unless a
clinician override with a reason [RD implementing the labels' ≥12 weeks]; BOTOX ≤400 U in any
3 months; DYSPORT 1500 U per session; XEOMIN ≤400 U per session (US labels); units never summed
across products (Botox and Xeomin labels, Dysport US HCP site, AHFS monograph)."""

from __future__ import annotations

from datetime import date

import pytest

from qadam.regimens.botulinum import BotulinumSession as S
from qadam.regimens.botulinum import check_botulinum_session, earliest_next_session, units_by_product
from qadam.regimens.model import RegimenError

D = date


def codes(findings):
    return [(f.code, f.severity) for f in findings]


def test_earliest_next_session_is_84_days_later():
    """10 Jan 2025 + 84 days = 4 Apr 2025 (21 + 28 + 31 + 4)."""
    day, rule = earliest_next_session(D(2025, 1, 10))
    assert day == D(2025, 4, 4)
    assert rule.code == "botulinum_min_interval_84_days" and rule.text.kk and rule.text.ru


def test_83_days_blocks_84_days_does_not_whatever_the_product():
    history = [S(D(2025, 1, 10), "botox", 200)]
    assert codes(check_botulinum_session(history, S(D(2025, 4, 3), "dysport", 500))) == [
        ("botulinum_interval_under_84_days", "block")
    ]
    assert check_botulinum_session(history, S(D(2025, 4, 4), "dysport", 500)) == ()


def test_a_clinician_override_with_a_reason_turns_the_block_into_a_warning():
    history = [S(D(2025, 1, 10), "xeomin", 200)]
    findings = check_botulinum_session(
        history, S(D(2025, 3, 1), "xeomin", 100), override_reason="severe spasticity after fall"
    )
    assert codes(findings) == [("botulinum_interval_under_84_days", "warning")]
    assert findings[0].data["override_reason"] == "severe spasticity after fall"
    assert "severe spasticity" in findings[0].message.ru
    blank = check_botulinum_session(history, S(D(2025, 3, 1), "xeomin", 100), override_reason="   ")
    assert codes(blank) == [("botulinum_interval_under_84_days", "block")]


def test_onabotulinumtoxin_400_units_in_any_3_months():
    """300 U on 10 Jan; 200 U on 4 Apr: 4 Apr − 3 months = 4 Jan, so 10 Jan is inside: 500 U > 400.
    On 11 Apr the window starts 11 Jan and only the 200 U count."""
    history = [S(D(2025, 1, 10), "botox", 300)]
    findings = check_botulinum_session(history, S(D(2025, 4, 4), "botox", 200))
    assert codes(findings) == [("botulinum_units_above_label_maximum", "block")]
    assert findings[0].data["units"] == 500
    assert check_botulinum_session(history, S(D(2025, 4, 11), "botox", 200)) == ()


def test_units_of_different_products_are_never_added():
    history = [S(D(2025, 1, 10), "botox", 400)]
    assert check_botulinum_session(history, S(D(2025, 4, 10), "dysport", 1000)) == ()
    assert units_by_product([*history, S(D(2025, 4, 10), "dysport", 1000)]) == {
        "onabotulinumtoxinA": 400,
        "abobotulinumtoxinA": 1000,
    }


@pytest.mark.parametrize(
    ("product", "units", "blocked"),
    [
        ("dysport", 1500, False),
        ("dysport", 1600, True),
        ("xeomin", 400, False),
        ("xeomin", 450, True),
        ("abobotulinumtoxinA", 1501, True),
    ],
)
def test_per_session_maxima(product, units, blocked):
    findings = check_botulinum_session([], S(D(2025, 1, 10), product, units))
    assert bool(findings) is blocked


def test_unknown_product_and_bad_units():
    with pytest.raises(RegimenError) as raised:
        check_botulinum_session([], S(D(2025, 1, 10), "myobloc", 100))
    assert [p.code for p in raised.value.problems] == ["unknown_botulinum_product"]
    with pytest.raises(RegimenError) as raised:
        check_botulinum_session([], S(D(2025, 1, 10), "botox", 0))
    assert [p.code for p in raised.value.problems] == ["invalid_units"]
