"""Onasemnogene abeparvovec IV: ZOLGENSMA US prescribing information as summarised in clinical.md
§B.1.3 (1.1 × 10^14 vg/kg; prednisolone-equivalent 1 mg/kg/day from 24 h before, 30 days, then a
taper over about 28 days; liver tests for ≥3 months; US: <2 years, table 2.6–21.0 kg).
Liver-test dates in between are a registry default [RD]; the kit band width 0.5 kg is [U]."""

from __future__ import annotations

from datetime import date

import pytest

from qadam.regimens.model import RegimenError
from qadam.regimens.onasemnogene import check_onasemnogene_dose, expected_dose_vg, liver_test_dates, onasemnogene_plan

D = date


def test_dose_is_1_1e14_vector_genomes_per_kg():
    assert expected_dose_vg(5.2) == pytest.approx(5.72e14)


def test_steroid_course_and_taper_around_a_leap_day():
    """Infusion 31 Jan 2024: prednisolone 5.2 mg/day from 30 Jan to 28 Feb (30 days: 2 in January,
    28 in February), liver tests on 28 Feb decide the taper, taper 29 Feb – 27 Mar (28 days)."""
    plan = onasemnogene_plan(D(2024, 1, 31), 5.2)
    items = {i.code: i for i in plan.items if i.code != "liver_tests"}
    full = items["prednisolone_full_dose"]
    assert (full.start, full.end, full.daily_dose_mg) == (D(2024, 1, 30), D(2024, 2, 28), 5.2)
    assert (full.end - full.start).days + 1 == 30
    assert items["liver_tests_before_taper"].start == D(2024, 2, 28)
    taper = items["prednisolone_taper"]
    assert (taper.start, taper.end) == (D(2024, 2, 29), D(2024, 3, 27))
    assert items["pre_infusion_checks"].end == D(2024, 1, 30)
    assert items["infusion"].start == D(2024, 1, 31)
    assert plan.dose_vg == pytest.approx(5.72e14)


def test_liver_tests_weekly_then_every_2_weeks_to_3_months():
    """31 Jan 2024: 7, 14, 21, 28 Feb; 13, 27 Mar; 10, 24 Apr; and 30 Apr (3 calendar months)."""
    assert liver_test_dates(D(2024, 1, 31)) == (
        D(2024, 2, 7), D(2024, 2, 14), D(2024, 2, 21), D(2024, 2, 28),
        D(2024, 3, 13), D(2024, 3, 27), D(2024, 4, 10), D(2024, 4, 24), D(2024, 4, 30),
    )  # fmt: skip
    plan = onasemnogene_plan(D(2024, 1, 31), 5.2)
    monitoring = [i.start for i in plan.items if i.kind == "monitoring"]
    assert monitoring == list(liver_test_dates(D(2024, 1, 31)))  # the 28 Feb test listed once
    assert [i.start for i in plan.items] == sorted(i.start for i in plan.items)


def test_dose_check_accepts_the_label_dose_up_to_one_weight_band_above():
    """5.2 kg: 5.72e14 vg exactly, or a kit from the band's upper limit (5.7 kg → 6.27e14) is fine."""
    assert check_onasemnogene_dose(weight_kg=5.2, dose_vg=5.72e14) == ()
    assert check_onasemnogene_dose(weight_kg=5.2, dose_vg=6.27e14) == ()
    assert [f.code for f in check_onasemnogene_dose(weight_kg=5.2, dose_vg=5.0e14)] == ["onasemnogene_dose_below_label"]
    assert [f.code for f in check_onasemnogene_dose(weight_kg=5.2, dose_vg=6.5e14)] == [
        "onasemnogene_dose_above_weight_band"
    ]


def test_weight_outside_the_us_table_and_us_age_limit():
    eu = check_onasemnogene_dose(weight_kg=22, dose_vg=22 * 1.1e14)
    assert [(f.code, f.severity) for f in eu] == [("onasemnogene_weight_outside_label_table", "info")]
    us = check_onasemnogene_dose(
        weight_kg=12, dose_vg=12 * 1.1e14, birth_date=D(2022, 3, 1), infusion=D(2024, 3, 1), jurisdiction="US"
    )
    assert [f.code for f in us] == ["onasemnogene_iv_age_2_years_or_more"]
    assert (
        check_onasemnogene_dose(
            weight_kg=12, dose_vg=12 * 1.1e14, birth_date=D(2022, 3, 1), infusion=D(2024, 2, 29), jurisdiction="US"
        )
        == ()
    )


def test_weight_must_be_positive():
    with pytest.raises(RegimenError) as raised:
        onasemnogene_plan(D(2024, 1, 31), 0)
    assert [p.code for p in raised.value.problems] == ["invalid_weight"]
