"""Myasthenia gravis rules (clinical.md §B.2): meningococcal vaccination ≥2 weeks before the first
C5-inhibitor dose or antibacterial prophylaxis (boxed warnings of SOLIRIS, ULTOMIRIS, ZILBRYSQ;
software rule [RD]); FcRn inter-cycle gaps (VYVGART EU SmPC 7 weeks from the first infusion; US
current wording 4 weeks after the last; older US label 50 days from the start; RYSTIGGO US label
63 days from the start); supplemental eculizumab after plasma exchange (SOLIRIS label)."""

from __future__ import annotations

from datetime import date

import pytest

from qadam.regimens.mg import (
    check_c5_start,
    check_during_immunotherapy,
    check_fcrn_cycle_start,
    earliest_next_cycle,
    eculizumab_supplement_after_plex,
)
from qadam.regimens.model import RegimenError

D = date
FIRST = D(2025, 3, 1)


def codes(findings):
    return [(f.code, f.severity) for f in findings]


def test_both_vaccinations_14_days_before_allow_the_first_dose():
    """1 Mar − 14 days = 15 Feb: vaccinations on 15 Feb count."""
    assert (
        check_c5_start(
            drug="eculizumab", first_dose=FIRST, meningococcal_acwy=D(2025, 2, 15), meningococcal_b=D(2025, 1, 20)
        )
        == ()
    )


def test_a_vaccination_13_days_before_blocks():
    findings = check_c5_start(
        drug="ravulizumab", first_dose=FIRST, meningococcal_acwy=D(2025, 2, 1), meningococcal_b=D(2025, 2, 16)
    )
    assert codes(findings) == [("meningococcal_b_too_recent", "block")]
    assert findings[0].data["vaccinated"] == D(2025, 2, 16)
    assert "13" in findings[0].message.en and "13" in findings[0].message.kk and "13" in findings[0].message.ru


def test_missing_vaccinations_block():
    findings = check_c5_start(drug="zilucoplan", first_dose=FIRST, meningococcal_acwy=None, meningococcal_b=None)
    assert codes(findings) == [("meningococcal_acwy_missing", "block"), ("meningococcal_b_missing", "block")]


def test_antibiotic_prophylaxis_allows_the_start_with_a_reminder_to_vaccinate():
    findings = check_c5_start(
        drug="eculizumab",
        first_dose=FIRST,
        meningococcal_acwy=None,
        meningococcal_b=D(2025, 2, 28),
        antibiotic_prophylaxis_start=FIRST,
    )
    assert codes(findings) == [("meningococcal_acwy_missing", "info"), ("meningococcal_b_too_recent", "info")]
    assert "as soon as possible" in findings[0].message.en


def test_prophylaxis_started_after_the_first_dose_does_not_count():
    findings = check_c5_start(
        drug="eculizumab",
        first_dose=FIRST,
        meningococcal_acwy=None,
        meningococcal_b=D(2025, 1, 1),
        antibiotic_prophylaxis_start=D(2025, 3, 2),
    )
    assert codes(findings) == [("meningococcal_acwy_missing", "block")]


def test_a_vaccination_after_the_first_dose_counts_as_too_recent():
    findings = check_c5_start(
        drug="eculizumab", first_dose=FIRST, meningococcal_acwy=D(2025, 3, 5), meningococcal_b=D(2025, 1, 1)
    )
    assert codes(findings) == [("meningococcal_acwy_too_recent", "block")]


def test_only_c5_inhibitors():
    with pytest.raises(RegimenError) as raised:
        check_c5_start(drug="efgartigimod_alfa", first_dose=FIRST, meningococcal_acwy=None, meningococcal_b=None)
    assert [p.code for p in raised.value.problems] == ["not_a_c5_inhibitor"]


@pytest.mark.parametrize(
    ("product", "jurisdiction", "version", "earliest", "rule"),
    [
        # Previous cycle: 1, 8, 15, 22 Jan 2025.
        ("vyvgart", "EU", "current", D(2025, 2, 19), "fcrn_efgartigimod_eu_7_weeks_from_first"),  # 1 Jan + 49
        ("vyvgart", "US", "current", D(2025, 2, 19), "fcrn_efgartigimod_us_4_weeks_from_last"),  # 22 Jan + 28
        ("vyvgart", "US", "previous", D(2025, 2, 20), "fcrn_efgartigimod_us_50_days_from_start"),  # 1 Jan + 50
        ("vyvgart_hytrulo", "US", "current", D(2025, 2, 19), "fcrn_efgartigimod_us_4_weeks_from_last"),
        ("rystiggo", "US", "current", D(2025, 3, 5), "fcrn_rozanolixizumab_63_days_from_start"),  # 1 Jan + 63
    ],
)
def test_fcrn_minimum_gap(product, jurisdiction, version, earliest, rule):
    day, found = earliest_next_cycle(product, D(2025, 1, 1), D(2025, 1, 22), jurisdiction, version)
    assert (day, found.code) == (earliest, rule)
    assert (
        check_fcrn_cycle_start(
            product=product,
            previous_first=D(2025, 1, 1),
            previous_last=D(2025, 1, 22),
            new_start=earliest,
            jurisdiction=jurisdiction,
            label_version=version,
        )
        == ()
    )
    too_soon = check_fcrn_cycle_start(
        product=product,
        previous_first=D(2025, 1, 1),
        previous_last=D(2025, 1, 22),
        new_start=D.fromordinal(earliest.toordinal() - 1),
        jurisdiction=jurisdiction,
        label_version=version,
    )
    assert codes(too_soon) == [("fcrn_cycle_too_soon", "block")]


def test_nipocalimab_gap_was_not_read():
    assert earliest_next_cycle("imaavy", D(2025, 1, 1), D(2025, 1, 22)) is None
    findings = check_fcrn_cycle_start(
        product="imaavy", previous_first=D(2025, 1, 1), previous_last=D(2025, 1, 22), new_start=D(2025, 2, 1)
    )
    assert codes(findings) == [("fcrn_cycle_gap_not_in_label_data", "info")]


def test_fcrn_input_problems():
    with pytest.raises(RegimenError) as raised:
        check_fcrn_cycle_start(
            product="vyvgart", previous_first=D(2025, 1, 22), previous_last=D(2025, 1, 1), new_start=D(2025, 3, 1)
        )
    assert [p.code for p in raised.value.problems] == ["cycle_dates_out_of_order"]
    with pytest.raises(RegimenError) as raised:
        earliest_next_cycle("soliris", D(2025, 1, 1), D(2025, 1, 22))
    assert [p.code for p in raised.value.problems] == ["unknown_fcrn_product"]


@pytest.mark.parametrize(("last", "supplement"), [(300, 300), (600, 600), (900, 600), (1200, 600)])
def test_eculizumab_supplement_after_plasma_exchange(last, supplement):
    mg, rule = eculizumab_supplement_after_plex(last)
    assert mg == supplement and rule.code == "eculizumab_supplement_after_plex"


def test_eculizumab_supplement_not_defined_for_other_doses():
    with pytest.raises(RegimenError) as raised:
        eculizumab_supplement_after_plex(450)
    assert [p.code for p in raised.value.problems] == ["supplement_not_defined"]


def test_procedures_during_immunotherapy():
    cycle = (D(2025, 1, 1), D(2025, 1, 22))
    assert [f.code for f in check_during_immunotherapy("plasma_exchange", D(2025, 1, 10), fcrn_cycle=cycle)] == [
        "plasma_exchange_during_fcrn_cycle"
    ]
    assert [f.code for f in check_during_immunotherapy("ivig", D(2025, 1, 22), fcrn_cycle=cycle)] == [
        "ivig_during_fcrn_cycle"
    ]
    assert check_during_immunotherapy("ivig", D(2025, 1, 23), fcrn_cycle=cycle) == ()
    assert [f.code for f in check_during_immunotherapy("live_vaccine", D(2025, 1, 5), fcrn_cycle=cycle)] == [
        "live_vaccine_during_immunotherapy"
    ]
    assert [f.code for f in check_during_immunotherapy("live_vaccine", D(2025, 6, 5), on_anti_cd20=True)] == [
        "live_vaccine_during_immunotherapy"
    ]
    assert check_during_immunotherapy("live_vaccine", D(2025, 6, 5)) == ()
