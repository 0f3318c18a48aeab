"""Due doses and safety findings of therapy courses, with dates worked by hand.

Model instances are built unsaved: ``qadam.therapy.schedules`` reads no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from qadam.patients.models import Patient
from qadam.therapy import schedules
from qadam.therapy.models import Administration, TherapyCourse, Vaccination, WeightRecord

BIRTH = date(2015, 1, 1)


def course(drug: str, started_on: date = date(2025, 1, 6), **fields) -> TherapyCourse:
    patient = Patient(pk=1, birth_date=BIRTH, sex="female")
    return TherapyCourse(pk=10, patient=patient, drug=drug, started_on=started_on, **fields)


def dose(c: TherapyCourse, day: date, mg: float | None = None, unit: str = "mg", **fields) -> Administration:
    value = Decimal(str(mg)) if mg is not None else None
    return Administration(course=c, given_on=day, dose=value, dose_unit=unit, **fields)


def doses(c: TherapyCourse, *days: date, mg: float | None = 12) -> list[Administration]:
    return [dose(c, d, mg) for d in days]


def due_dates(rows) -> list[tuple[str, date]]:
    return [(r.rule.code, r.due) for r in rows]


# --- nusinersen: SPINRAZA EU SmPC 4.2 (loading days 0, 14, 28, 63; every 4 months) ----------------


def test_nusinersen_loading_days_0_14_28_63_then_every_4_months_eu_smpc():
    # Day 0 = 6 Jan 2025: day 14 = 20 Jan, day 28 = 3 Feb, day 63 = 10 Mar; +4 months = 10 Jul.
    c = course("nusinersen")
    rows = schedules.due_doses(c, doses(c, date(2025, 1, 6)), date(2025, 1, 6))
    assert due_dates(rows) == [
        ("loading_2", date(2025, 1, 20)),
        ("loading_3", date(2025, 2, 3)),
        ("loading_4_day_63", date(2025, 3, 10)),
        ("maintenance_every_4_months", date(2025, 7, 10)),
    ]
    # ±3 days, but never sooner than 14 days after the previous dose (US label): 20–23 Jan.
    assert rows[0].window_start == date(2025, 1, 20) and rows[0].window_end == date(2025, 1, 23)
    assert not any(r.overdue for r in rows)
    assert rows[0].label.en == "Nusinersen 12 mg: loading dose 2"
    assert rows[0].course_id == 10 and rows[0].patient_id == 1 and rows[0].dose == 12.0


def test_nusinersen_fourth_loading_dose_on_day_58_under_the_us_label():
    # US prescribing information: fourth dose 30 days after the third: 3 Feb + 30 = 5 Mar (day 58).
    c = course("nusinersen", jurisdiction="US")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 3))
    rows = schedules.due_doses(c, given, date(2025, 2, 3))
    assert due_dates(rows)[0] == ("loading_4_day_58", date(2025, 3, 5))


def test_nusinersen_maintenance_every_4_months_after_the_dose_given():
    # Last maintenance 10 Jul 2025 → next 10 Nov 2025, window ±14 days (27 Oct – 24 Nov).
    c = course("nusinersen")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 3), date(2025, 3, 10), date(2025, 7, 10))
    [row] = schedules.due_doses(c, given, date(2025, 9, 1))
    assert (row.rule.code, row.due, row.window_start, row.window_end) == (
        "maintenance_every_4_months",
        date(2025, 11, 10),
        date(2025, 10, 27),
        date(2025, 11, 24),
    )


def test_nusinersen_missed_maintenance_under_8_months_is_due_now_and_marked_overdue():
    # Due 10 Nov 2025, window ends 24 Nov; on 1 Dec 2025 (4 months 21 days since 10 Jul, <8 months)
    # the dose is overdue since 25 Nov and due as soon as possible: today (US label, missed doses).
    c = course("nusinersen")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 3), date(2025, 3, 10), date(2025, 7, 10))
    rows = schedules.due_doses(c, given, date(2025, 12, 1))
    first = rows[0]
    assert first.overdue and first.overdue_since == date(2025, 11, 25)
    assert first.due == date(2025, 12, 1)
    assert first.rule.code == "missed_maintenance_under_8_months"
    # Then the original schedule: 8 months after 10 Jul 2025 = 10 Mar 2026.
    assert rows[1].rule.code == "resume_original_schedule" and rows[1].due == date(2026, 3, 10)


def test_nusinersen_missed_maintenance_8_to_16_months_adds_one_extra_dose_14_days_later():
    # Last dose 10 Jul 2025; on 15 Apr 2026 (9 months later): dose now, extra dose 29 Apr 2026,
    # maintenance 4 months after the extra: 29 Aug 2026 (US label, missed doses).
    c = course("nusinersen")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 3), date(2025, 3, 10), date(2025, 7, 10))
    rows = schedules.due_doses(c, given, date(2026, 4, 15))
    assert due_dates(rows) == [
        ("missed_maintenance_8_to_16_months", date(2026, 4, 15)),
        ("extra_dose_after_missed_maintenance", date(2026, 4, 29)),
        ("maintenance_every_4_months", date(2026, 8, 29)),
    ]
    assert rows[0].overdue and not rows[1].overdue


def test_nusinersen_missed_16_to_40_months_adds_two_extra_doses():
    # Last dose 10 Jul 2025; on 15 Jan 2027 (18 months): dose now, extras 29 Jan and 12 Feb 2027.
    c = course("nusinersen")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 3), date(2025, 3, 10), date(2025, 7, 10))
    rows = schedules.due_doses(c, given, date(2027, 1, 15))
    assert [r.due for r in rows[:3]] == [date(2027, 1, 15), date(2027, 1, 29), date(2027, 2, 12)]
    assert rows[0].rule.code == "missed_maintenance_16_to_40_months"


def test_nusinersen_40_months_or_more_restarts_loading():
    # Last dose 10 Jul 2025; 40 months later is 10 Nov 2028: restart the loading series.
    c = course("nusinersen")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 3), date(2025, 3, 10), date(2025, 7, 10))
    rows = schedules.due_doses(c, given, date(2028, 11, 20))
    assert rows[0].rule.code == "missed_40_months_or_more_restart_loading"
    assert rows[1].due == date(2028, 12, 4)  # +14 days


def test_nusinersen_course_without_a_dose_plans_loading_from_the_start_and_marks_a_late_first_dose():
    c = course("nusinersen", started_on=date(2025, 1, 6))
    on_time = schedules.due_doses(c, [], date(2025, 1, 7))
    assert on_time[0].due == date(2025, 1, 6) and not on_time[0].overdue
    late = schedules.due_doses(c, [], date(2025, 2, 1))
    # Window of the first dose: 6–9 Jan (±3 days): overdue since 10 Jan, due today.
    assert late[0].overdue and late[0].overdue_since == date(2025, 1, 10) and late[0].due == date(2025, 2, 1)
    assert late[1].due == date(2025, 2, 15)


def test_stopped_course_has_nothing_due():
    c = course("nusinersen", stopped_on=date(2025, 2, 1), stop_reason="patient_choice")
    assert schedules.due_doses(c, doses(c, date(2025, 1, 6)), date(2025, 3, 1)) == []


def test_nusinersen_dose_14_days_too_soon_is_a_warning_about_the_new_dose_only():
    # SPINRAZA US label: at least 14 days between doses; 20 Jan → 28 Jan is 8 days.
    c = course("nusinersen")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20))
    new = dose(c, date(2025, 1, 28), 12)
    findings = schedules.safety_findings(c, given, [], [], date(2025, 1, 28), candidate=new)
    assert [(f.code, f.severity, f.data["days"]) for f in findings] == [("interval_under_14_days", "warning", 8)]
    on_time = dose(c, date(2025, 2, 3), 12)
    assert schedules.safety_findings(c, given, [], [], date(2025, 2, 3), candidate=on_time) == []


def test_nusinersen_wrong_dose_is_a_warning():
    c = course("nusinersen")
    new = dose(c, date(2025, 1, 20), 5)
    findings = schedules.safety_findings(c, doses(c, date(2025, 1, 6)), [], [], date(2025, 1, 20), candidate=new)
    assert [f.code for f in findings] == ["dose_not_as_scheduled"]


# --- C5 inhibitors: meningococcal vaccination ≥2 weeks before (SOLIRIS / eculizumab SmPC) -----------


def vaccine(kind: str, day: date) -> Vaccination:
    return Vaccination(vaccine=kind, given_on=day)


def test_eculizumab_first_dose_blocked_without_both_meningococcal_vaccinations_14_days_before():
    c = course("eculizumab", started_on=date(2025, 3, 1))
    first = dose(c, date(2025, 3, 1), 900, route="iv")
    vaccinated = [vaccine("meningococcal_acwy", date(2025, 2, 15)), vaccine("meningococcal_b", date(2025, 2, 16))]
    findings = schedules.safety_findings(c, [], vaccinated, [], date(2025, 3, 1), candidate=first)
    # ACWY on 15 Feb is 14 days before 1 Mar: enough. B on 16 Feb is 13 days: too recent → block.
    assert [(f.code, f.severity) for f in findings] == [("meningococcal_b_too_recent", "block")]


def test_eculizumab_first_dose_allowed_with_both_vaccinations_two_weeks_before():
    c = course("eculizumab", started_on=date(2025, 3, 1))
    first = dose(c, date(2025, 3, 1), 900, route="iv")
    vaccinated = [vaccine("meningococcal_acwy", date(2025, 2, 1)), vaccine("meningococcal_b", date(2025, 2, 15))]
    assert schedules.safety_findings(c, [], vaccinated, [], date(2025, 3, 1), candidate=first) == []


def test_eculizumab_older_valid_vaccination_counts_despite_a_recent_booster():
    c = course("eculizumab", started_on=date(2025, 3, 1))
    first = dose(c, date(2025, 3, 1), 900, route="iv")
    vaccinated = [
        vaccine("meningococcal_acwy", date(2024, 6, 1)),
        vaccine("meningococcal_acwy", date(2025, 2, 25)),
        vaccine("meningococcal_b", date(2024, 6, 1)),
    ]
    assert schedules.safety_findings(c, [], vaccinated, [], date(2025, 3, 1), candidate=first) == []


def test_eculizumab_prophylaxis_turns_the_block_into_information():
    c = course("eculizumab", started_on=date(2025, 3, 1), prophylaxis_started_on=date(2025, 2, 28))
    first = dose(c, date(2025, 3, 1), 900, route="iv")
    findings = schedules.safety_findings(c, [], [], [], date(2025, 3, 1), candidate=first)
    assert {(f.code, f.severity) for f in findings} == {
        ("meningococcal_acwy_missing", "info"),
        ("meningococcal_b_missing", "info"),
    }


def test_c5_course_before_its_first_dose_shows_the_start_precondition():
    c = course("ravulizumab", started_on=date(2025, 3, 1))
    findings = schedules.safety_findings(c, [], [], [], date(2025, 2, 20))
    assert {f.code for f in findings} == {"meningococcal_acwy_missing", "meningococcal_b_missing"}


def test_eculizumab_weekly_then_week_5_then_every_2_weeks():
    # SOLIRIS: 900 mg weekly × 4 (3, 10, 17, 24 Mar), 1200 mg at week 5 (31 Mar), then every 14 days.
    c = course("eculizumab", started_on=date(2025, 3, 3))
    given = doses(c, date(2025, 3, 3), mg=900)
    assert due_dates(schedules.due_doses(c, given, date(2025, 3, 3))) == [
        ("eculizumab_900_mg_weekly_x4", date(2025, 3, 10))
    ]
    four = doses(c, date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17), date(2025, 3, 24), mg=900)
    [week5] = schedules.due_doses(c, four, date(2025, 3, 24))
    assert (week5.rule.code, week5.due, week5.dose) == ("eculizumab_1200_mg_week_5", date(2025, 3, 31), 1200.0)
    five = [*four, dose(c, date(2025, 3, 31), 1200)]
    [next_dose] = schedules.due_doses(c, five, date(2025, 4, 1))
    assert (next_dose.due, next_dose.window_start, next_dose.window_end) == (
        date(2025, 4, 14),
        date(2025, 4, 12),
        date(2025, 4, 16),
    )
    [late] = schedules.due_doses(c, five, date(2025, 4, 20))
    assert late.overdue and late.overdue_since == date(2025, 4, 17) and late.due == date(2025, 4, 20)


def test_ravulizumab_maintenance_two_weeks_after_loading_then_every_8_weeks():
    # ULTOMIRIS: loading 1 Mar 2025 → 15 Mar; then 15 Mar + 56 days = 10 May (±7 days).
    c = course("ravulizumab", started_on=date(2025, 3, 1))
    [first] = schedules.due_doses(c, doses(c, date(2025, 3, 1), mg=2700), date(2025, 3, 1))
    assert first.due == date(2025, 3, 15)
    [second] = schedules.due_doses(c, doses(c, date(2025, 3, 1), date(2025, 3, 15), mg=3300), date(2025, 3, 20))
    assert (second.due, second.window_start, second.window_end) == (
        date(2025, 5, 10),
        date(2025, 5, 3),
        date(2025, 5, 17),
    )


# --- FcRn blockers ---------------------------------------------------------------------------------


def test_efgartigimod_weekly_doses_then_next_cycle_not_before_7_weeks_from_the_first_eu_smpc():
    c = course("efgartigimod_alfa", started_on=date(2025, 1, 1))
    cycle = [dose(c, date(2025, 1, 1) + timedelta(days=7 * i), None, route="iv") for i in range(4)]
    [in_cycle] = schedules.due_doses(c, cycle[:2], date(2025, 1, 9))
    assert (in_cycle.kind, in_cycle.due) == ("cycle_dose", date(2025, 1, 15))
    [next_cycle] = schedules.due_doses(c, cycle, date(2025, 2, 1))
    # 1 Jan + 49 days = 19 Feb 2025; no deadline (on clinical evaluation).
    assert (next_cycle.kind, next_cycle.due, next_cycle.window_end) == ("next_cycle", date(2025, 2, 19), None)
    assert next_cycle.rule.code == "fcrn_efgartigimod_eu_7_weeks_from_first"


def test_efgartigimod_new_cycle_too_soon_is_blocked_and_the_us_label_counts_from_the_last_dose():
    c = course("efgartigimod_alfa", started_on=date(2025, 1, 1))
    cycle = [dose(c, date(2025, 1, 1) + timedelta(days=7 * i), None, route="iv") for i in range(4)]
    early = dose(c, date(2025, 2, 10), None, route="iv")
    findings = schedules.safety_findings(c, cycle, [], [], date(2025, 2, 10), candidate=early)
    assert [(f.code, f.severity) for f in findings] == [("fcrn_cycle_too_soon", "block")]
    # Current US wording: 4 weeks after the last infusion (22 Jan + 28 = 19 Feb) — also too soon.
    us = course("efgartigimod_alfa", started_on=date(2025, 1, 1), jurisdiction="US")
    us_cycle = [dose(us, a.given_on, None, route="iv") for a in cycle]
    assert (
        schedules.safety_findings(us, us_cycle, [], [], date(2025, 2, 19), candidate=dose(us, date(2025, 2, 19))) == []
    )


def test_ivig_during_an_fcrn_cycle_is_a_warning():
    fcrn = course("efgartigimod_alfa", started_on=date(2025, 1, 1))
    cycle = [dose(fcrn, date(2025, 1, 1) + timedelta(days=7 * i), None, route="iv") for i in range(2)]
    ivig = course("ivig", started_on=date(2025, 1, 10))
    ivig.pk = 11
    findings = schedules.safety_findings(
        ivig, [], [], [], date(2025, 1, 10), candidate=dose(ivig, date(2025, 1, 10), 2, "g/kg"), others=[(fcrn, cycle)]
    )
    assert [f.code for f in findings] == ["ivig_during_fcrn_cycle"]


# --- botulinum toxin: re-injection ≥12 weeks (84 days), product maxima --------------------------------


def session(c: TherapyCourse, day: date, units: float, product: str = "botox", reason: str = "") -> Administration:
    procedure = {"product": product, "injections": [{"muscle": "biceps brachii", "side": "left", "units": units}]}
    return Administration(course=c, given_on=day, procedure=procedure, override_reason=reason, route="im")


def test_botulinum_next_session_not_before_84_days():
    # 10 Jan 2025 + 84 days = 4 Apr 2025 (labels: re-injection generally ≥12 weeks).
    c = course("onabotulinumtoxinA", product="botox")
    [row] = schedules.due_doses(c, [session(c, date(2025, 1, 10), 200)], date(2025, 2, 1))
    assert (row.kind, row.due, row.window_end, row.rule.code) == (
        "next_session",
        date(2025, 4, 4),
        None,
        "botulinum_min_interval_84_days",
    )


def test_botulinum_session_at_83_days_is_blocked_at_84_allowed_and_a_reason_makes_it_a_warning():
    c = course("onabotulinumtoxinA", product="botox")
    history = [session(c, date(2025, 1, 10), 200)]
    at_83 = schedules.safety_findings(c, history, [], [], date(2025, 4, 3), candidate=session(c, date(2025, 4, 3), 100))
    assert [(f.code, f.severity) for f in at_83] == [("botulinum_interval_under_84_days", "block")]
    at_84 = session(c, date(2025, 4, 4), 100)
    assert schedules.safety_findings(c, history, [], [], date(2025, 4, 4), candidate=at_84) == []
    overridden = session(c, date(2025, 4, 3), 100, reason="severe spasticity after stroke")
    found = schedules.safety_findings(c, history, [], [], date(2025, 4, 3), candidate=overridden)
    assert [(f.code, f.severity) for f in found] == [("botulinum_interval_under_84_days", "warning")]


def test_botulinum_interval_counts_sessions_of_other_products():
    dysport = course("abobotulinumtoxinA", product="dysport")
    dysport.pk = 12
    botox = course("onabotulinumtoxinA", product="botox")
    found = schedules.safety_findings(
        botox,
        [],
        [],
        [],
        date(2025, 2, 1),
        candidate=session(botox, date(2025, 2, 1), 100),
        others=[(dysport, [session(dysport, date(2025, 1, 10), 500, "dysport")])],
    )
    assert [f.code for f in found] == ["botulinum_interval_under_84_days"]


def test_botulinum_units_above_the_product_maximum_are_blocked():
    c = course("abobotulinumtoxinA", product="dysport")
    found = schedules.safety_findings(
        c, [], [], [], date(2025, 1, 10), candidate=session(c, date(2025, 1, 10), 1600, "dysport")
    )
    assert [(f.code, f.severity) for f in found] == [("botulinum_units_above_label_maximum", "block")]


# --- risdiplam and onasemnogene --------------------------------------------------------------------


def test_risdiplam_dose_not_matching_the_latest_weight_is_a_warning():
    # Age 10 (≥2 years), 15 kg: 0.25 mg/kg = 3.75 mg; 5 mg is more than 10 % off (EVRYSDI label).
    c = course("risdiplam")
    weights = [WeightRecord(measured_on=date(2025, 2, 1), weight_kg=Decimal("15"))]
    found = schedules.safety_findings(
        c, [], [], weights, date(2025, 3, 1), candidate=dose(c, date(2025, 3, 1), 5, route="oral")
    )
    assert [f.code for f in found] == ["risdiplam_dose_not_matching_weight"]
    ok = dose(c, date(2025, 3, 1), 3.75, route="oral")
    assert schedules.safety_findings(c, [], [], weights, date(2025, 3, 1), candidate=ok) == []


def test_risdiplam_without_any_weight_asks_for_one():
    c = course("risdiplam")
    found = schedules.safety_findings(
        c, [], [], [], date(2025, 3, 1), candidate=dose(c, date(2025, 3, 1), 5, route="oral")
    )
    assert [f.code for f in found] == ["weight_missing"]
    assert schedules.due_doses(c, [], date(2025, 3, 1)) == []  # daily oral: no dated doses


def test_onasemnogene_is_a_single_dose_with_a_steroid_and_liver_plan():
    c = course("onasemnogene_abeparvovec_iv", started_on=date(2025, 1, 10))
    infusion = dose(c, date(2025, 1, 10), 1.1e14, "vg/kg", weight_kg=Decimal("6.1"), route="iv")
    rows = schedules.due_doses(c, [infusion], date(2025, 1, 10))
    # Prednisolone 1 mg/kg/day from day −1 (9 Jan) for 30 days: to 7 Feb (ZOLGENSMA label).
    steroid = rows[0]
    assert (steroid.kind, steroid.window_start, steroid.window_end, steroid.dose) == (
        "steroid",
        date(2025, 1, 9),
        date(2025, 2, 7),
        6.1,
    )
    again = dose(c, date(2025, 3, 1), 1.1e14, "vg/kg", weight_kg=Decimal("6.5"), route="iv")
    found = schedules.safety_findings(
        c, [infusion], [], [], date(2025, 3, 1), candidate=again, birth_date=date(2024, 9, 1)
    )
    assert "onasemnogene_second_dose" in [f.code for f in found]


def test_onasemnogene_dose_below_the_label_is_a_warning():
    c = course("onasemnogene_abeparvovec_iv", started_on=date(2025, 1, 10))
    low = dose(c, date(2025, 1, 10), 5e14, "vg", weight_kg=Decimal("6.1"), route="iv")  # label 6.71e14
    found = schedules.safety_findings(c, [], [], [], date(2025, 1, 10), candidate=low, birth_date=date(2024, 9, 1))
    assert [f.code for f in found] == ["onasemnogene_dose_below_label"]


@pytest.mark.parametrize("drug", ["risdiplam", "zilucoplan", "pyridostigmine", "ivig", "adjuvant:GABAPENTINOID"])
def test_daily_and_on_demand_drugs_have_no_dated_doses(drug):
    c = course(drug)
    assert schedules.due_doses(c, [dose(c, date(2025, 1, 6), 1)], date(2025, 2, 1)) == []


def test_nusinersen_high_dose_regimen_50_mg_twice_then_28_mg_every_4_months():
    # EU authorisation Jan 2026: 50 mg on day 0 and day 14, then 28 mg 4 months later.
    c = course("nusinersen", started_on=date(2026, 2, 2), regimen="high_dose")
    rows = schedules.due_doses(c, doses(c, date(2026, 2, 2), mg=50), date(2026, 2, 2))
    assert [(r.rule.code, r.due, r.dose) for r in rows] == [
        ("high_dose_loading_2", date(2026, 2, 16), 50.0),
        ("high_dose_maintenance_every_4_months", date(2026, 6, 16), 28.0),
    ]


def test_nusinersen_switch_from_12_mg_replaces_the_next_dose_with_50_mg():
    # On 12 mg maintenance (last 10 Jul 2025): the next dose (10 Nov 2025) is one 50 mg dose.
    c = course("nusinersen", regimen="high_dose")
    given = doses(c, date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 3), date(2025, 3, 10), date(2025, 7, 10))
    first = schedules.due_doses(c, given, date(2025, 9, 1))[0]
    assert (first.rule.code, first.due, first.dose) == ("switch_to_high_dose", date(2025, 11, 10), 50.0)
