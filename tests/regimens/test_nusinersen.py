"""Nusinersen schedule, dates worked by hand.

Sources: SPINRAZA EU SmPC section 4.2 (loading doses on days 0, 14, 28, 63; maintenance every
4 months); SPINRAZA US prescribing information, Dosage and Administration (fourth loading dose 30
days after the third, day 58; missed-dose rules by months since the last dose); Biogen
announcement of the EU 50/28 mg regimen, Jan 2026 — all as summarised in clinical.md §B.1.1.
Windows: clinical.md §A rule 1 [RD] (±3 days loading, ±14 days maintenance).
"""

from __future__ import annotations

from datetime import date

import pytest

from qadam.regimens.model import RegimenError
from qadam.regimens.nusinersen import GivenDose, nusinersen_schedule

D = date
EU_LOADING = [D(2025, 1, 6), D(2025, 1, 20), D(2025, 2, 3), D(2025, 3, 10)]


def dues(schedule):
    return [(d.number, d.kind, d.due, d.rule.code) for d in schedule.due]


def test_eu_loading_days_0_14_28_63_then_every_4_months():
    """6 Jan + 14 = 20 Jan; + 14 = 3 Feb; + 35 = 10 Mar (day 63: 25 days to 31 Jan, 28 in Feb, 10 in Mar);
    maintenance 4 calendar months after 10 Mar = 10 Jul (EU SmPC 4.2)."""
    schedule = nusinersen_schedule([D(2025, 1, 6)], D(2025, 1, 6))
    assert dues(schedule) == [
        (2, "loading", D(2025, 1, 20), "loading_2"),
        (3, "loading", D(2025, 2, 3), "loading_3"),
        (4, "loading", D(2025, 3, 10), "loading_4_day_63"),
        (5, "maintenance", D(2025, 7, 10), "maintenance_every_4_months"),
    ]
    assert (schedule.due[2].due - D(2025, 1, 6)).days == 63
    assert all(d.dose_mg == 12 for d in schedule.due)


def test_us_fourth_loading_dose_30_days_after_the_third_day_58():
    """US label: 3 Feb + 30 = 5 Mar (day 58); maintenance 5 Jul."""
    schedule = nusinersen_schedule([D(2025, 1, 6)], D(2025, 1, 6), jurisdiction="US")
    assert [d.due for d in schedule.due] == [D(2025, 1, 20), D(2025, 2, 3), D(2025, 3, 5), D(2025, 7, 5)]
    assert schedule.due[2].rule.code == "loading_4_day_58"
    assert (schedule.due[2].due - D(2025, 1, 6)).days == 58


def test_no_dose_yet_plans_the_loading_series_from_today():
    schedule = nusinersen_schedule([], D(2025, 1, 6))
    assert [d.due for d in schedule.due] == [D(2025, 1, 6), *[d for d in EU_LOADING[1:]], D(2025, 7, 10)]
    assert schedule.due[0].rule.code == "loading_1"


def test_windows_are_3_days_for_loading_and_14_days_for_maintenance_never_under_14_days():
    """Loading dose 2 is due 20 Jan: window 20–23 Jan (−3 days would be 11 days after dose 1, under the
    14-day minimum); dose 4 due 10 Mar: 7–13 Mar; maintenance 10 Jul: 26 Jun – 24 Jul."""
    schedule = nusinersen_schedule([D(2025, 1, 6)], D(2025, 1, 6))
    windows = [(d.window.earliest, d.window.latest) for d in schedule.due]
    assert windows[0] == (D(2025, 1, 20), D(2025, 1, 23))
    assert windows[2] == (D(2025, 3, 7), D(2025, 3, 13))
    assert windows[3] == (D(2025, 6, 26), D(2025, 7, 24))


def test_delayed_loading_dose_shifts_the_later_doses():
    """Dose 2 due 20 Jan (window to 23 Jan) given 24 Jan: late. Dose 3 = 24 Jan + 14 = 7 Feb,
    dose 4 = 7 Feb + 35 = 14 Mar (label: give as soon as possible, keep the intervals)."""
    schedule = nusinersen_schedule([D(2025, 1, 6), D(2025, 1, 24)], D(2025, 1, 24))
    assert schedule.given[1].timing == "late"
    assert schedule.given[1].rule.code == "loading_dose_delayed"
    assert [d.due for d in schedule.due[:2]] == [D(2025, 2, 7), D(2025, 3, 14)]


def test_overdue_loading_dose_is_due_today_and_the_rest_follow_from_today():
    """Dose 3 due 3 Feb (window to 6 Feb); on 10 Feb it is overdue since 7 Feb: due 10 Feb, dose 4 on
    10 Feb + 35 = 17 Mar, maintenance 17 Jul."""
    schedule = nusinersen_schedule(EU_LOADING[:2], D(2025, 2, 10))
    first = schedule.next_due
    assert (first.due, first.overdue_since, first.rule.code) == (D(2025, 2, 10), D(2025, 2, 7), "loading_dose_delayed")
    assert [d.due for d in schedule.due[1:]] == [D(2025, 3, 17), D(2025, 7, 17)]


def test_maintenance_on_time_counts_from_the_dose_given():
    """Maintenance given 20 Jul (10 days late, inside the 14-day window): next 4 months later, 20 Nov."""
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 20)], D(2025, 7, 20))
    assert schedule.given[4].timing == "on_time"
    assert dues(schedule) == [(6, "maintenance", D(2025, 11, 20), "maintenance_every_4_months")]


def test_missed_maintenance_under_8_months_resumes_the_original_schedule():
    """Last dose 10 Jul 2025; maintenance due 10 Nov (window to 24 Nov) given 15 Jan 2026, 6 months
    after: <8 months. Original schedule: 10 Jul + 8 months = 10 Mar 2026, ≥14 days after 15 Jan."""
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 10), D(2026, 1, 15)], D(2026, 1, 15))
    assert schedule.given[5].rule.code == "missed_maintenance_under_8_months"
    assert dues(schedule) == [(7, "maintenance", D(2026, 3, 10), "resume_original_schedule")]


def test_original_schedule_waits_14_days_after_a_late_dose():
    """Late dose 1 Mar 2026 (7 months 19 days after 10 Jul): the original date 10 Mar is only 9 days
    later, so the next dose is 1 Mar + 14 = 15 Mar (at least 14 days between the two doses)."""
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 10), D(2026, 3, 1)], D(2026, 3, 1))
    assert schedule.given[5].rule.code == "missed_maintenance_under_8_months"
    assert schedule.next_due.due == D(2026, 3, 15)


@pytest.mark.parametrize(
    ("given_on", "rule"),
    [
        (D(2026, 3, 9), "missed_maintenance_under_8_months"),  # 7 months and 27 days after 10 Jul
        (D(2026, 3, 10), "missed_maintenance_8_to_16_months"),  # exactly 8 calendar months
    ],
)
def test_the_8_month_boundary(given_on, rule):
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 10), given_on], given_on)
    assert schedule.given[5].rule.code == rule


def test_missed_maintenance_8_to_16_months_adds_one_extra_dose():
    """Last dose 10 Jul 2025; on 20 May 2026 (10 months later) the dose due 10 Nov is overdue since
    25 Nov: give it today, one extra dose 14 days later (3 Jun), maintenance 4 months later (3 Oct)."""
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 10)], D(2026, 5, 20))
    assert dues(schedule) == [
        (6, "maintenance", D(2026, 5, 20), "missed_maintenance_8_to_16_months"),
        (7, "extra", D(2026, 6, 3), "extra_dose_after_missed_maintenance"),
        (8, "maintenance", D(2026, 10, 3), "maintenance_every_4_months"),
    ]
    assert schedule.next_due.overdue_since == D(2025, 11, 25)


def test_missed_maintenance_16_to_40_months_adds_two_extra_doses():
    """Last dose 31 Jan 2023; 3 Jun 2024 is 16 months later (31 Jan + 16 months = 31 May 2024):
    dose today, extra doses 17 Jun and 1 Jul, maintenance 1 Nov 2024."""
    loading = [D(2022, 10, 20), D(2022, 11, 3), D(2022, 11, 17), D(2022, 12, 22)]
    schedule = nusinersen_schedule([*loading, D(2023, 1, 31)], D(2024, 6, 3))
    assert dues(schedule) == [
        (6, "maintenance", D(2024, 6, 3), "missed_maintenance_16_to_40_months"),
        (7, "extra", D(2024, 6, 17), "extra_dose_after_missed_maintenance"),
        (8, "extra", D(2024, 7, 1), "extra_dose_after_missed_maintenance"),
        (9, "maintenance", D(2024, 11, 1), "maintenance_every_4_months"),
    ]


@pytest.mark.parametrize(
    ("today", "rule"),
    [
        (D(2023, 5, 14), "missed_maintenance_16_to_40_months"),  # 39 months and 29 days
        (D(2023, 5, 15), "missed_40_months_or_more_restart_loading"),  # 15 Jan 2020 + 40 months
    ],
)
def test_the_40_month_boundary(today, rule):
    schedule = nusinersen_schedule(
        [D(2019, 9, 15), D(2019, 9, 29), D(2019, 10, 13), D(2019, 11, 17), D(2020, 1, 15)], today
    )
    assert schedule.next_due.rule.code == rule


def test_40_months_or_more_restarts_the_full_loading_schedule():
    """Restart on 15 May 2023: 29 May, 12 Jun, 12 Jun + 35 = 17 Jul (EU day 63), maintenance 17 Nov."""
    schedule = nusinersen_schedule(
        [D(2019, 9, 15), D(2019, 9, 29), D(2019, 10, 13), D(2019, 11, 17), D(2020, 1, 15)], D(2023, 5, 15)
    )
    assert [(d.kind, d.due) for d in schedule.due] == [
        ("reloading", D(2023, 5, 15)),
        ("reloading", D(2023, 5, 29)),
        ("reloading", D(2023, 6, 12)),
        ("reloading", D(2023, 7, 17)),
        ("maintenance", D(2023, 11, 17)),
    ]


def test_a_late_dose_on_the_original_schedule_is_judged_again_by_months_since_the_last_dose():
    """Late dose 15 Jan 2026 (<8 months); the original-schedule dose of 10 Mar is also missed. On
    1 Oct 2026, 8 months after 15 Jan (15 Sep ≤ 1 Oct): the 8–<16-month rule applies."""
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 10), D(2026, 1, 15)], D(2026, 10, 1))
    assert schedule.next_due.rule.code == "missed_maintenance_8_to_16_months"
    assert schedule.due[1].due == D(2026, 10, 15)


def test_every_4_months_in_a_leap_year_and_at_month_end():
    """Fourth loading dose 31 Oct 2023 (29 Aug + 63 days): maintenance 29 Feb 2024 (calendar months,
    clamped), window 15 Feb – 14 Mar; from a dose on 29 Feb, the next is 29 Jun. In 2022–23 the same
    day gives 28 Feb 2023."""
    leap = nusinersen_schedule([D(2023, 8, 29), D(2023, 9, 12), D(2023, 9, 26), D(2023, 10, 31)], D(2023, 11, 1))
    assert leap.next_due.due == D(2024, 2, 29)
    assert (leap.next_due.window.earliest, leap.next_due.window.latest) == (D(2024, 2, 15), D(2024, 3, 14))
    after = nusinersen_schedule(
        [D(2023, 8, 29), D(2023, 9, 12), D(2023, 9, 26), D(2023, 10, 31), D(2024, 2, 29)], D(2024, 2, 29)
    )
    assert after.next_due.due == D(2024, 6, 29)
    common = nusinersen_schedule([D(2022, 8, 29), D(2022, 9, 12), D(2022, 9, 26), D(2022, 10, 31)], D(2022, 11, 1))
    assert common.next_due.due == D(2023, 2, 28)


def test_doses_under_14_days_apart_are_warned_about():
    schedule = nusinersen_schedule([D(2025, 1, 6), D(2025, 1, 16)], D(2025, 1, 16))
    assert [(f.code, f.data["days"]) for f in schedule.findings] == [("interval_under_14_days", 10)]
    assert schedule.given[1].timing == "early"


def test_high_dose_regimen_from_the_start():
    """EU 50/28 mg: 50 mg on 2 Feb and 16 Feb 2026, then 28 mg 4 months later (16 Jun)."""
    schedule = nusinersen_schedule([], D(2026, 2, 2), regimen="high_dose")
    assert [(d.dose_mg, d.due) for d in schedule.due] == [
        (50, D(2026, 2, 2)),
        (50, D(2026, 2, 16)),
        (28, D(2026, 6, 16)),
    ]
    assert schedule.due[2].rule.code == "high_dose_maintenance_every_4_months"


def test_switch_from_12_mg_replaces_the_next_12_mg_dose():
    """12 mg loading ends 10 Mar 2025: the next 12 mg dose (10 Jul) becomes 50 mg, then 28 mg on 10 Nov."""
    given = [GivenDose(d, 12) for d in EU_LOADING]
    schedule = nusinersen_schedule(given, D(2025, 3, 10), regimen="high_dose")
    assert [(d.kind, d.dose_mg, d.due, d.rule.code) for d in schedule.due] == [
        ("switch", 50, D(2025, 7, 10), "switch_to_high_dose"),
        ("maintenance", 28, D(2025, 11, 10), "high_dose_maintenance_every_4_months"),
    ]
    after = nusinersen_schedule([*given, GivenDose(D(2025, 7, 8))], D(2025, 7, 8), regimen="high_dose")
    assert after.given[4].kind == "switch" and after.given[4].dose_mg == 50
    assert after.next_due.due == D(2025, 11, 8) and after.next_due.dose_mg == 28


def test_overdue_high_dose_maintenance_is_flagged_as_an_unverified_rule():
    """28 mg due 19 May 2026 (window to 2 Jun); on 1 Jul it is due today with the [U] rule; a late dose
    given carries a warning finding."""
    schedule = nusinersen_schedule([D(2026, 1, 5), D(2026, 1, 19)], D(2026, 7, 1), regimen="high_dose")
    assert (schedule.next_due.due, schedule.next_due.rule.code) == (
        D(2026, 7, 1),
        "high_dose_overdue_label_rule_unverified",
    )
    assert schedule.due[1].due == D(2026, 11, 1)
    given = nusinersen_schedule([D(2026, 1, 5), D(2026, 1, 19), D(2026, 7, 1)], D(2026, 7, 1), regimen="high_dose")
    assert [f.code for f in given.findings] == ["high_dose_missed_dose_rule_unverified"]


def test_us_high_dose_status_is_reported_as_unverified():
    schedule = nusinersen_schedule([], D(2026, 5, 4), regimen="high_dose", jurisdiction="US")
    assert [f.code for f in schedule.findings] == ["high_dose_us_status_unverified"]


def test_a_dose_other_than_expected_is_warned_about():
    schedule = nusinersen_schedule([GivenDose(D(2025, 1, 6), 50)], D(2025, 1, 6))
    assert [f.code for f in schedule.findings] == ["dose_not_as_scheduled"]
    assert schedule.given[0].dose_mg == 50


def test_more_maintenance_doses_on_request():
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 10)], D(2025, 7, 10), maintenance_doses=3)
    assert [d.due for d in schedule.due] == [D(2025, 11, 10), D(2026, 3, 10), D(2026, 7, 10)]


def test_every_input_problem_is_reported_at_once():
    with pytest.raises(RegimenError) as raised:
        nusinersen_schedule(
            [D(2025, 2, 1), D(2025, 1, 1), D(2025, 1, 1), D(2025, 3, 1)], D(2025, 2, 15), jurisdiction="KZ"
        )
    codes = [p.code for p in raised.value.problems]
    assert codes == ["unknown_jurisdiction", "dates_out_of_order", "duplicate_date", "given_after_today"]
    assert all(p.message.kk and p.message.ru for p in raised.value.problems)


def test_without_doses_today_is_required():
    with pytest.raises(RegimenError) as raised:
        nusinersen_schedule([])
    assert [p.code for p in raised.value.problems] == ["start_date_required"]


def test_without_today_the_nominal_dates_are_returned():
    schedule = nusinersen_schedule(EU_LOADING[:2])
    assert schedule.next_due.due == D(2025, 2, 3) and schedule.next_due.overdue_since is None


def test_rules_carry_three_languages_and_a_source():
    schedule = nusinersen_schedule([*EU_LOADING, D(2025, 7, 10)], D(2026, 5, 20))
    for dose in schedule.due:
        assert dose.rule.text.en and dose.rule.text.kk and dose.rule.text.ru and dose.rule.source
    assert "8" in schedule.next_due.rule.text.ru and "месяц" in schedule.next_due.rule.text.ru
    assert "ай" in schedule.next_due.rule.text.kk


def test_as_dict_is_json_ready():
    data = nusinersen_schedule([D(2025, 1, 6)], D(2025, 1, 6)).as_dict()
    assert data["due"][0] == {
        "number": 2,
        "kind": "loading",
        "dose_mg": 12.0,
        "due": "2025-01-20",
        "window": {"earliest": "2025-01-20", "latest": "2025-01-23"},
        "overdue_since": None,
        "rule": data["due"][0]["rule"],
    }
    assert data["due"][0]["rule"]["code"] == "loading_2"
