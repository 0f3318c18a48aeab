"""Risdiplam dose by age and weight: EVRYSDI US prescribing information dose table, EU SmPC (doses
above 5 mg/day not studied), as in clinical.md §B.1.2. Tolerance 10 % and weight age 90 days [RD]."""

from __future__ import annotations

from datetime import date

import pytest

from qadam.regimens.model import RegimenError
from qadam.regimens.risdiplam import check_risdiplam_dose, expected_risdiplam_dose

D = date


@pytest.mark.parametrize(
    ("birth", "on", "weight", "mg", "band"),
    [
        (D(2024, 1, 31), D(2024, 3, 30), 4.0, 0.6, "under_2_months"),  # 2 months old on 31 Mar: 4 × 0.15
        (D(2024, 1, 31), D(2024, 3, 31), 4.0, 0.8, "2_months_to_under_2_years"),  # 4 × 0.2
        (D(2022, 5, 10), D(2024, 5, 9), 10.0, 2.0, "2_months_to_under_2_years"),  # a day before 2 years
        (D(2022, 5, 10), D(2024, 5, 10), 10.0, 2.5, "2_years_under_20_kg"),  # 10 × 0.25
        (D(2018, 1, 1), D(2024, 1, 1), 19.9, 4.975, "2_years_under_20_kg"),
        (D(2018, 1, 1), D(2024, 1, 1), 20.0, 5.0, "2_years_20_kg_or_more"),
        (D(1990, 1, 1), D(2024, 1, 1), 70.0, 5.0, "2_years_20_kg_or_more"),
    ],
)
def test_every_row_of_the_dose_table_and_its_edges(birth, on, weight, mg, band):
    expected = expected_risdiplam_dose(birth, on, weight)
    assert expected.mg == pytest.approx(mg)
    assert expected.band.code == band


def test_a_matching_dose_gives_no_finding():
    assert (
        check_risdiplam_dose(
            birth_date=D(2022, 5, 10), dose_date=D(2024, 6, 1), dose_mg=2.5, weight_kg=10, weight_date=D(2024, 5, 20)
        )
        == ()
    )


def test_within_10_percent_matches_beyond_does_not():
    """Expected 2.5 mg: 2.25 and 2.75 are within 10 %; 2.2 is not."""
    common = {"birth_date": D(2022, 5, 10), "dose_date": D(2024, 6, 1), "weight_kg": 10, "weight_date": D(2024, 5, 20)}
    assert check_risdiplam_dose(dose_mg=2.25, **common) == ()
    assert check_risdiplam_dose(dose_mg=2.75, **common) == ()
    findings = check_risdiplam_dose(dose_mg=2.2, **common)
    assert [f.code for f in findings] == ["risdiplam_dose_not_matching_weight"]
    assert findings[0].data["expected_mg"] == 2.5
    assert "2,5" in findings[0].message.ru and "мг/тәул." in findings[0].message.kk


def test_a_dose_not_recalculated_after_the_child_grew():
    """Dose set at 8 kg (2.0 mg) but the latest weight is 12 kg at 3 years: expected 3 mg."""
    findings = check_risdiplam_dose(
        birth_date=D(2021, 1, 1), dose_date=D(2024, 1, 10), dose_mg=2.0, weight_kg=12, weight_date=D(2024, 1, 5)
    )
    assert [(f.code, f.data["expected_mg"]) for f in findings] == [("risdiplam_dose_not_matching_weight", 3.0)]


def test_above_5_mg_is_flagged_as_not_studied():
    findings = check_risdiplam_dose(
        birth_date=D(2010, 1, 1), dose_date=D(2024, 1, 10), dose_mg=6, weight_kg=45, weight_date=D(2024, 1, 5)
    )
    assert [f.code for f in findings] == ["risdiplam_dose_not_matching_weight", "risdiplam_above_5_mg"]


def test_an_old_weight_is_flagged():
    """Weight 91 days before the dose: older than 90 days."""
    findings = check_risdiplam_dose(
        birth_date=D(2010, 1, 1), dose_date=D(2024, 4, 1), dose_mg=5, weight_kg=45, weight_date=D(2024, 1, 1)
    )
    assert [(f.code, f.data["days"]) for f in findings] == [("risdiplam_weight_outdated", 91)]
    assert (
        check_risdiplam_dose(
            birth_date=D(2010, 1, 1), dose_date=D(2024, 3, 31), dose_mg=5, weight_kg=45, weight_date=D(2024, 1, 1)
        )
        == ()
    )


def test_input_problems():
    with pytest.raises(RegimenError) as raised:
        check_risdiplam_dose(
            birth_date=D(2020, 1, 1), dose_date=D(2024, 1, 1), dose_mg=0, weight_kg=15, weight_date=D(2024, 1, 2)
        )
    assert [p.code for p in raised.value.problems] == ["weight_after_dose", "invalid_dose"]
    with pytest.raises(RegimenError) as raised:
        expected_risdiplam_dose(D(2024, 1, 1), D(2023, 12, 31), 3)
    assert [p.code for p in raised.value.problems] == ["date_before_birth"]
    with pytest.raises(RegimenError) as raised:
        expected_risdiplam_dose(D(2024, 1, 1), D(2024, 2, 1), 0)
    assert [p.code for p in raised.value.problems] == ["invalid_weight"]
