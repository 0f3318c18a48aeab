"""Due assessments from protocol rows, with every date worked by hand (clinical.md §A rules 1–3)."""

from __future__ import annotations

from datetime import date

import pytest

from qadam import scales
from qadam.monitoring.defaults import default_protocols
from qadam.monitoring.due import (
    Course,
    Duration,
    PatientDates,
    ProtocolError,
    ProtocolRow,
    due_items,
    parse_rows,
    tolerance_days,
)

from ..purity import foreign_imports


def row(**fields) -> ProtocolRow:
    base = {"key": "r", "instruments": ["hfmse"], "anchor": "diagnosis", "offsets": ["P0D"]}
    return ProtocolRow.from_dict({**base, **fields})


def summary(items):
    return [
        (i.instrument, i.due.isoformat(), i.state, i.window_start.isoformat(), i.window_end.isoformat()) for i in items
    ]


def test_the_module_is_pure():
    from pathlib import Path

    import qadam.monitoring.due as module

    assert foreign_imports([Path(module.__file__)], allowed=("qadam.regimens.calendar_months",)) == []


@pytest.mark.parametrize(
    ("previous", "due", "days"),
    [
        (date(2024, 1, 10), date(2024, 4, 10), 14),  # exactly 3 calendar months: ±2 weeks
        (date(2024, 1, 10), date(2024, 4, 9), 7),  # a day short of 3 months: between the rules, ±7 [RD]
        (date(2024, 1, 10), date(2024, 2, 10), 3),  # exactly 1 month: ±3 days
        (date(2024, 1, 10), date(2024, 1, 24), 3),  # 14 days
        (date(2024, 1, 31), date(2024, 4, 30), 14),  # 31 Jan + 3 months = 30 Apr (clamped)
    ],
)
def test_tolerance_follows_rule_1(previous, due, days):
    assert tolerance_days(previous, due) == days


def test_durations_on_the_calendar():
    assert Duration.parse("P63D").after(date(2025, 1, 6)) == date(2025, 3, 10)  # 25 + 28 + 10 days
    assert Duration.parse("P4M").after(date(2023, 10, 31)) == date(2024, 2, 29)
    assert Duration.parse("P2W").before(date(2025, 1, 6)) == date(2024, 12, 23)
    assert str(Duration.parse("P1Y")) == "P1Y"
    with pytest.raises(ValueError):
        Duration.parse("6 months")


class TestSitterOnNusinersen:
    """clinical.md §A.1.2, sitter on nusinersen: HFMSE + RULM at baseline, end of loading, then every
    maintenance dose (4 months). Start and first dose on Monday 6 January 2025; today 1 August 2025."""

    rows = [
        row(
            key="s",
            instruments=["hfmse", "rulm"],
            anchor="treatment_start",
            offsets=["P0D", "P63D"],
            every="P4M",
            status="sitter",
            treatment="nusinersen",
        )
    ]
    patient = PatientDates(
        birth_date=date(2016, 5, 9),
        status="sitter",
        courses=(Course("nusinersen", date(2025, 1, 6), (date(2025, 1, 6), date(2025, 1, 20))),),
    )
    today = date(2025, 8, 1)

    def items(self, done):
        return due_items(rows=self.rows, patient=self.patient, done=done, today=self.today, condition="sma")

    def test_assessed_on_time_then_missed(self):
        # Baseline 15 Dec 2024 is inside [6 Oct 2024, 6 Jan 2025] (rule 3).
        # Day 63 = 10 Mar 2025; 63 days is between 1 and 3 months, so ±7: 3–17 Mar; assessed 12 Mar.
        # The next follows on from 12 Mar: 12 Jul 2025, ±14 (4 months): 28 Jun – 26 Jul, closed and
        # not assessed on 1 Aug: overdue. Then 12 Nov 2025 (from the due date, nothing assessed),
        # window 29 Oct – 26 Nov, opening within 90 days of 1 Aug (30 Oct): upcoming.
        items = [i for i in self.items({"hfmse": [date(2024, 12, 15), date(2025, 3, 12)]}) if i.instrument == "hfmse"]
        assert summary(items) == [
            ("hfmse", "2025-07-12", "overdue", "2025-06-28", "2025-07-26"),
            ("hfmse", "2025-11-12", "upcoming", "2025-10-29", "2025-11-26"),
        ]
        assert items[0].missed == 1
        assert items[0].offset == "P4M" and items[0].anchor_date == date(2025, 1, 6)

    def test_never_assessed(self):
        # RULM never done: baseline, day 63 (10 Mar) and 10 Jul (10 Mar + 4 months) missed; the
        # latest, 10 Jul (window 26 Jun – 24 Jul), is the overdue one and counts 3 misses.
        items = [i for i in self.items({}) if i.instrument == "rulm"]
        assert summary(items) == [
            ("rulm", "2025-07-10", "overdue", "2025-06-26", "2025-07-24"),
            ("rulm", "2025-11-10", "upcoming", "2025-10-27", "2025-11-24"),
        ]
        assert items[0].missed == 3

    def test_a_late_assessment_still_counts(self):
        # 12 Jul due; assessed 5 Aug (after the window, before the next window opens): not overdue
        # once done, and the next follows on from 5 Aug: 5 Dec 2025.
        items = due_items(
            rows=self.rows,
            patient=self.patient,
            done={"hfmse": [date(2024, 12, 15), date(2025, 3, 12), date(2025, 8, 5)]},
            today=date(2025, 8, 6),
            condition="sma",
        )
        assert [i for i in items if i.instrument == "hfmse"] == []  # 5 Dec opens on 21 Nov, beyond 90 days
        later = due_items(
            rows=self.rows,
            patient=self.patient,
            done={"hfmse": [date(2024, 12, 15), date(2025, 3, 12), date(2025, 8, 5)]},
            today=date(2025, 11, 1),
            condition="sma",
        )
        assert summary([i for i in later if i.instrument == "hfmse"]) == [
            ("hfmse", "2025-12-05", "upcoming", "2025-11-21", "2025-12-19")
        ]


class TestBaselineRule3:
    """clinical.md §A rule 3: a baseline within the 3 months before the first dose of a
    disease-modifying therapy. Risdiplam course starting on 1 May 2025."""

    rows = [row(key="b", anchor="treatment_start", offsets=["P0D"], every="P6M", treatment="risdiplam")]

    def patient(self, doses=()):
        return PatientDates(birth_date=date(2010, 1, 1), courses=(Course("risdiplam", date(2025, 5, 1), doses),))

    def test_baseline_upcoming_before_the_first_dose(self):
        # 15 Jan is more than 3 months before 1 May (window 1 Feb – 1 May): not a baseline.
        items = due_items(
            rows=self.rows, patient=self.patient(), done={"hfmse": [date(2025, 1, 15)]}, today=date(2025, 4, 20)
        )
        assert summary(items) == [("hfmse", "2025-05-01", "upcoming", "2025-02-01", "2025-05-01")]
        assert items[0].rule == "baseline_before_first_dose"

    def test_a_recent_assessment_is_the_baseline(self):
        items = due_items(
            rows=self.rows, patient=self.patient(), done={"hfmse": [date(2025, 2, 10)]}, today=date(2025, 4, 20)
        )
        assert items == []

    def test_first_dose_given_without_baseline(self):
        # First dose 3 May (two days after the course start): the window is 3 Feb – 3 May. An
        # assessment after the dose (5 May) cannot be the baseline: overdue on 10 May.
        items = due_items(
            rows=self.rows,
            patient=self.patient((date(2025, 5, 3),)),
            done={"hfmse": [date(2025, 5, 5)]},
            today=date(2025, 5, 10),
        )
        assert summary(items) == [("hfmse", "2025-05-03", "overdue", "2025-02-03", "2025-05-03")]
        assert items[0].rule == "baseline_before_first_dose"

    def test_untreated_rows_do_not_apply_to_a_treated_patient(self):
        untreated = [row(key="u", every="P6M", treatment="untreated")]
        patient = PatientDates(birth_date=date(2010, 1, 1), diagnosis=date(2020, 1, 1), courses=self.patient().courses)
        assert due_items(rows=untreated, patient=patient, done={}, today=date(2025, 4, 20), condition="sma") == []
        no_course = PatientDates(birth_date=date(2010, 1, 1), diagnosis=date(2025, 1, 1))
        assert summary(
            due_items(rows=untreated, patient=no_course, done={}, today=date(2025, 4, 20), condition="sma")
        ) == [
            ("hfmse", "2025-01-01", "overdue", "2024-12-18", "2025-01-15"),
            ("hfmse", "2025-07-01", "upcoming", "2025-06-17", "2025-07-15"),
        ]


def test_age_limits_switch_rows_at_two_years():
    """Non-sitter untreated: CHOP INTEND every 3 months under 2 years, every 6 months after.
    Born 1 Mar 2024 (2 years on 1 Mar 2026), diagnosed 1 Apr 2024, assessed 3 Apr and 5 Jul 2024.

    Under-2 row: 1 Apr (±14, assessed 3 Apr) → 3 Jul (assessed 5 Jul) → 5 Oct 2024, 5 Jan, 5 Apr,
    5 Jul, 5 Oct 2025, 5 Jan 2026 (the last before 2 years), none assessed.
    Over-2 row: 1 Apr 2024 (assessed 3 Apr) → 3 Oct 2024 → 3 Apr 2025 → 3 Oct 2025 → 3 Apr 2026 (the
    first at 2 years or more; window 20 Mar – 17 Apr) → 3 Oct 2026.
    On 1 May 2026 the latest missed date is 3 Apr 2026; 3 Oct 2026 opens beyond 90 days.
    """
    rows = [
        row(key="infant", instruments=["chop_intend"], every="P3M", max_age_months=24),
        row(key="child", instruments=["chop_intend"], every="P6M", min_age_months=24),
    ]
    patient = PatientDates(birth_date=date(2024, 3, 1), diagnosis=date(2024, 4, 1))
    items = due_items(
        rows=rows, patient=patient, done={"chop_intend": [date(2024, 4, 3), date(2024, 7, 5)]}, today=date(2026, 5, 1)
    )
    assert summary(items) == [("chop_intend", "2026-04-03", "overdue", "2026-03-20", "2026-04-17")]
    assert items[0].row_key == "child"


def test_an_age_limit_is_reached_on_the_clamped_month_end():
    """Born 31 Aug 2020: 30 months old on 28 Feb 2023 (add_months clamps to the month's end, as every
    due date does), so RULM (from 30 months, scales.md §2.2) is due at a diagnosis on that day."""
    patient = PatientDates(birth_date=date(2020, 8, 31), diagnosis=date(2023, 2, 28))
    items = due_items(rows=[row(instruments=["rulm"])], patient=patient, done={}, today=date(2023, 3, 1))
    assert [(i.instrument, i.due.isoformat()) for i in items] == [("rulm", "2023-02-28")]


def test_rulm_waits_until_30_months():
    # scales.md §2.2: RULM from 30 months. Born 1 Jan 2024 → 30 months on 1 Jul 2026.
    rows = [row(instruments=["rulm"], every="P6M")]
    patient = PatientDates(birth_date=date(2024, 1, 1), diagnosis=date(2024, 3, 1))
    items = due_items(rows=rows, patient=patient, done={}, today=date(2026, 5, 1))
    # 1 Mar 2024 + 6-monthly: 1 Sep 2026 is the first at 30 months or more (1 Mar 2026 is 26 months).
    assert summary(items) == []
    items = due_items(rows=rows, patient=patient, done={}, today=date(2026, 7, 1))
    assert summary(items) == [("rulm", "2026-09-01", "upcoming", "2026-08-18", "2026-09-15")]


class TestStroke:
    """clinical.md §A.3: NIHSS at onset, 24 h and day 7; mRS at 90 days ±14 days. Onset 10 Jan 2025."""

    nihss = row(key="n", instruments=["nihss"], offsets=["P0D", "P1D", "P7D"], tolerance_days=1)
    mrs = row(key="m", instruments=["mrs"], offsets=["P90D"], tolerance_days=14)
    patient = PatientDates(birth_date=date(1950, 6, 1), diagnosis=date(2025, 1, 10))

    def test_acute_points_missed(self):
        # Day 7 = 17 Jan (16–18 Jan) is the latest closed point on 20 Jan: overdue, three missed.
        items = due_items(rows=[self.nihss], patient=self.patient, done={}, today=date(2025, 1, 20))
        assert summary(items) == [("nihss", "2025-01-17", "overdue", "2025-01-16", "2025-01-18")]
        assert items[0].missed == 3

    def test_an_acute_point_lapses(self):
        # The last point of a row without repetition lapses 28 days (more than its 6-day interval)
        # after its window closed: 18 Jan + 28 = 15 Feb.
        assert due_items(rows=[self.nihss], patient=self.patient, done={}, today=date(2025, 2, 15)) != []
        assert due_items(rows=[self.nihss], patient=self.patient, done={}, today=date(2025, 2, 16)) == []

    def test_mrs_at_90_days(self):
        # 10 Jan + 90 days = 10 Apr 2025 (21 + 28 + 31 + 10); window 27 Mar – 24 Apr.
        items = due_items(rows=[self.mrs], patient=self.patient, done={}, today=date(2025, 3, 1))
        assert summary(items) == [("mrs", "2025-04-10", "upcoming", "2025-03-27", "2025-04-24")]
        assert (
            due_items(rows=[self.mrs], patient=self.patient, done={"mrs": [date(2025, 4, 22)]}, today=date(2025, 5, 1))
            == []
        )


def test_each_dose_anchors_its_own_points():
    """Botulinum: MAS at the injection, 5 weeks after and 12 weeks after, anchored on each dose.
    Sessions 6 Jan and 7 Apr 2025; MAS on 6 Jan and 10 Feb. On 20 Apr 2025:
    - first session: 31 Mar (12 weeks; 7 weeks after 10 Feb: ±7, 24 Mar – 7 Apr) missed;
    - second session: 7 Apr (±7: 31 Mar – 14 Apr, the gap to 12 May being 5 weeks) missed, the
      latest missed date; 12 May (5 May – 19 May) upcoming."""
    rows = [row(key="bt", instruments=["mas"], anchor="dose", offsets=["P0D", "P5W", "P12W"], treatment="botulinum")]
    patient = PatientDates(
        birth_date=date(1960, 1, 1),
        courses=(Course("botulinum", date(2025, 1, 6), (date(2025, 1, 6), date(2025, 4, 7))),),
    )
    items = due_items(
        rows=rows, patient=patient, done={"mas": [date(2025, 1, 6), date(2025, 2, 10)]}, today=date(2025, 4, 20)
    )
    assert summary(items) == [
        ("mas", "2025-04-07", "overdue", "2025-03-31", "2025-04-14"),
        ("mas", "2025-05-12", "upcoming", "2025-05-05", "2025-05-19"),
    ]


def test_functional_status_selects_rows():
    rows = [
        row(key="w", status="walker", every="P6M"),
        row(key="s", instruments=["rulm"], status="sitter", every="P6M"),
    ]
    patient = PatientDates(birth_date=date(2010, 1, 1), diagnosis=date(2025, 1, 1), status="sitter")
    assert {i.row_key for i in due_items(rows=rows, patient=patient, done={}, today=date(2025, 2, 1))} == {"s"}


def test_the_default_protocols_are_valid_and_cite_their_source():
    protocols = default_protocols()
    assert set(protocols) == {"sma", "mg", "stroke", "pain"}
    for protocol in protocols.values():
        assert protocol.rows
        for parsed in protocol.rows:
            assert parsed.source, parsed.key
            assert set(parsed.instruments) <= set(scales.INSTRUMENTS)


def test_rows_are_checked():
    good = {"key": "ok", "instruments": ["hfmse"], "anchor": "diagnosis", "offsets": ["P0D"]}
    with pytest.raises(ProtocolError) as caught:
        parse_rows(
            "sma",
            [
                good,
                {**good, "key": "ok"},
                {
                    "key": "Bad Key",
                    "instruments": ["nope"],
                    "anchor": "moon",
                    "offsets": ["P6M", "P3M"],
                    "every": "P0D",
                },
                {**good, "key": "t", "anchor": "dose"},
                {
                    **good,
                    "key": "s",
                    "status": "runner",
                    "treatment": "c5_inhibitor",
                    "tolerance_days": 400,
                    "colour": 1,
                },
            ],
            scales.INSTRUMENTS,
        )
    codes = {(i, f, c) for i, f, c, _v in caught.value.problems}
    assert codes == {
        (1, "key", "key_repeated"),
        (2, "key", "key_invalid"),
        (2, "instruments", "instrument_unknown"),
        (2, "anchor", "anchor_unknown"),
        (2, "offsets", "offsets_not_increasing"),
        (2, "every", "every_zero"),
        (3, "treatment", "treatment_required"),
        (4, "", "field_unknown"),
        (4, "status", "status_unknown"),
        (4, "treatment", "treatment_unknown"),
        (4, "tolerance_days", "tolerance_invalid"),
    }


def test_a_schedule_decades_long_counts_every_missed_date():
    """Diagnosed 15 Jan 2000, every 6 months, never assessed. On 1 May 2026 the latest missed date
    is 15 Jan 2026 (window 1–29 Jan): 53 dates missed (15 Jan and 15 Jul of 2000–2025, and 15 Jan
    2026). The next, 15 Jul 2026, opens on 1 Jul, within 90 days."""
    rows = [row(every="P6M")]
    patient = PatientDates(birth_date=date(1990, 1, 1), diagnosis=date(2000, 1, 15))
    items = due_items(rows=rows, patient=patient, done={}, today=date(2026, 5, 1))
    assert summary(items) == [
        ("hfmse", "2026-01-15", "overdue", "2026-01-01", "2026-01-29"),
        ("hfmse", "2026-07-15", "upcoming", "2026-07-01", "2026-07-29"),
    ]
    assert items[0].missed == 53 and items[0].repeat


def test_month_ends_do_not_drift():
    # Every 3 months from 31 Aug 2025: 30 Nov, 28 Feb, 31 May 2026 (whole intervals from the base,
    # not 30 Nov → 28 Feb → 28 May).
    rows = [row(every="P3M", tolerance_days=0)]
    patient = PatientDates(birth_date=date(1990, 1, 1), diagnosis=date(2025, 8, 31))
    items = due_items(rows=rows, patient=patient, done={"hfmse": [date(2025, 8, 31)]}, today=date(2026, 3, 10))
    assert summary(items) == [
        ("hfmse", "2026-02-28", "overdue", "2026-02-28", "2026-02-28"),
        ("hfmse", "2026-05-31", "upcoming", "2026-05-31", "2026-05-31"),
    ]


def test_a_row_that_ended_at_its_age_limit_lapses():
    """A ten-year-old assessed on time under the 6-monthly row is not listed as overdue under the
    infant row, whose last date (before 2 years) was years ago."""
    rows = [
        row(key="infant", instruments=["chop_intend"], every="P3M", max_age_months=24),
        row(key="child", instruments=["chop_intend"], every="P6M", min_age_months=24),
    ]
    patient = PatientDates(birth_date=date(2015, 1, 1), diagnosis=date(2015, 2, 1))
    items = due_items(rows=rows, patient=patient, done={"chop_intend": [date(2025, 3, 20)]}, today=date(2025, 4, 1))
    # Child row: 1 Feb 2025 (18 Jan – 15 Feb) assessed late on 20 Mar; next 20 Sep, beyond 90 days.
    assert items == []
    # Without that assessment the child row (not the infant row) is overdue.
    items = due_items(rows=rows, patient=patient, done={}, today=date(2025, 4, 1))
    assert [(i.row_key, i.due.isoformat(), i.state) for i in items] == [("child", "2025-02-01", "overdue")]


def test_regular_assessments_years_apart_from_today():
    """Assessed every 6 months from diagnosis (10 Jan 2020) to 10 Jul 2023, then never again. On
    1 Mar 2026: the last assessment was 10 Jul 2023, so 10 Jan 2024 … 10 Jan 2026 (5 dates) were
    missed; the latest, 10 Jan 2026 (27 Dec – 24 Jan), is overdue; 10 Jul 2026 opens 26 Jun, after
    the 90 days."""
    rows = [row(every="P6M")]
    patient = PatientDates(birth_date=date(1990, 1, 1), diagnosis=date(2020, 1, 10))
    assessed = [date(2020 + i // 2, 1 if i % 2 == 0 else 7, 10) for i in range(8)]
    assert assessed[-1] == date(2023, 7, 10)
    items = due_items(rows=rows, patient=patient, done={"hfmse": assessed}, today=date(2026, 3, 1))
    assert summary(items) == [("hfmse", "2026-01-10", "overdue", "2025-12-27", "2026-01-24")]
    assert items[0].missed == 5


class TestAdultsStableOnTheSameTherapy:
    """clinical.md §A.1.2 note: adults (any status) stable for ≥2 years on the same therapy may use a
    12-month interval [RD]. Rows carry it as ``stable_every`` (18 years, 2 years by default)."""

    risdiplam = row(
        key="sitter.risdiplam",
        status="sitter",
        treatment="risdiplam",
        anchor="treatment_start",
        every="P6M",
        stable_every="P12M",
    )

    def adult(self, **fields):
        # Born 2000: an adult long before; on risdiplam since 1 June 2020 (first dose that day), so
        # stable from max(1 January 2018, 1 June 2020 + 24 months) = 1 June 2022.
        base = dict(
            birth_date=date(2000, 1, 1),
            diagnosis=date(2015, 3, 1),
            status="sitter",
            courses=(Course("risdiplam", date(2020, 6, 1), (date(2020, 6, 1),)),),
            stable_since=date(2020, 6, 1),
        )
        return PatientDates(**{**base, **fields})

    def test_not_flagged_at_six_months(self):
        done = {"hfmse": [date(2020, 5, 20), date(2024, 3, 1)]}
        # Assessed 1 March 2024: the row's own 6 months would be due 1 September 2024 (window to
        # 15 September), overdue on 1 October 2024; the adult-stable 12 months are due 1 March 2025.
        items = due_items(rows=[self.risdiplam], patient=self.adult(), done=done, today=date(2024, 10, 1))
        assert items == []
        plain = row(**{**self.risdiplam.as_dict(), "stable_every": ""})
        items = due_items(rows=[plain], patient=self.adult(), done=done, today=date(2024, 10, 1))
        assert summary(items) == [("hfmse", "2024-09-01", "overdue", "2024-08-18", "2024-09-15")]
        # 1 January 2025: 1 March 2025 (±14 days, rule 1) is within the 90-day horizon.
        items = due_items(rows=[self.risdiplam], patient=self.adult(), done=done, today=date(2025, 1, 1))
        assert summary(items) == [("hfmse", "2025-03-01", "upcoming", "2025-02-15", "2025-03-15")]
        assert (items[0].offset, items[0].stable, items[0].repeat) == ("P12M", True, True)

    def test_not_yet_two_years_on_the_therapy(self):
        # Risdiplam from 1 June 2023: stable only from 1 June 2025, so 1 March 2024 + 6 months holds.
        patient = self.adult(
            courses=(Course("risdiplam", date(2023, 6, 1), (date(2023, 6, 1),)),), stable_since=date(2023, 6, 1)
        )
        done = {"hfmse": [date(2023, 5, 20), date(2024, 3, 1)]}
        items = due_items(rows=[self.risdiplam], patient=patient, done=done, today=date(2024, 10, 1))
        assert summary(items) == [("hfmse", "2024-09-01", "overdue", "2024-08-18", "2024-09-15")]
        assert not items[0].stable

    def test_the_longer_interval_starts_at_18(self):
        # Born 1 May 2007, untreated since diagnosis in 2015: stable from the 18th birthday, 1 May 2025.
        untreated = row(key="sitter.untreated", status="sitter", every="P6M", stable_every="P12M")
        patient = PatientDates(
            birth_date=date(2007, 5, 1), diagnosis=date(2015, 1, 10), status="sitter", stable_since=date(2015, 1, 10)
        )
        # Assessed 1 October 2024: 1 April 2025 is before the birthday, so 6 months (±14 days).
        items = due_items(
            rows=[untreated], patient=patient, done={"hfmse": [date(2024, 10, 1)]}, today=date(2025, 2, 1)
        )
        assert summary(items) == [("hfmse", "2025-04-01", "upcoming", "2025-03-18", "2025-04-15")]
        assert items[0].offset == "P6M" and not items[0].stable
        # Assessed 1 April 2025: the next 6 months (1 October 2025) fall after the birthday, so 12
        # months, 1 April 2026; nothing is due within 90 days of 1 June 2025.
        done = {"hfmse": [date(2024, 10, 1), date(2025, 4, 1)]}
        assert due_items(rows=[untreated], patient=patient, done=done, today=date(2025, 6, 1)) == []
        items = due_items(rows=[untreated], patient=patient, done=done, today=date(2026, 2, 1))
        assert summary(items) == [("hfmse", "2026-04-01", "upcoming", "2026-03-18", "2026-04-15")]
        assert items[0].stable
        # Configurable per row: "adult" from 20 years (240 months), so 1 May 2027.
        later = row(**{**untreated.as_dict(), "stable_min_age_months": 240})
        items = due_items(rows=[later], patient=patient, done=done, today=date(2025, 9, 1))
        assert summary(items) == [("hfmse", "2025-10-01", "upcoming", "2025-09-17", "2025-10-15")]

    def test_unknown_stability_keeps_the_row_interval(self):
        done = {"hfmse": [date(2020, 5, 20), date(2024, 3, 1)]}
        items = due_items(
            rows=[self.risdiplam], patient=self.adult(stable_since=None), done=done, today=date(2024, 10, 1)
        )
        assert [i.due.isoformat() for i in items] == ["2024-09-01"]

    def test_rows_are_checked_and_stored_only_when_used(self):
        good = {"key": "ok", "instruments": ["hfmse"], "anchor": "diagnosis", "offsets": ["P0D"], "every": "P6M"}
        assert "stable_every" not in parse_rows("sma", [good], scales.INSTRUMENTS)[0].as_dict()
        stored = parse_rows("sma", [{**good, "stable_every": "P12M"}], scales.INSTRUMENTS)[0].as_dict()
        assert (stored["stable_every"], stored["stable_min_age_months"], stored["stable_after_months"]) == (
            "P12M",
            None,
            None,
        )
        with pytest.raises(ProtocolError) as caught:
            parse_rows(
                "sma",
                [
                    {**good, "every": "", "stable_every": "P12M"},
                    {**good, "stable_every": "P0M"},
                    {**good, "stable_after_months": 24},
                    {**good, "stable_every": "P12M", "stable_min_age_months": -1},
                ],
                scales.INSTRUMENTS,
            )
        assert [(i, c) for i, _f, c, _v in caught.value.problems] == [
            (0, "stable_without_every"),
            (1, "every_zero"),
            (2, "stable_every_missing"),
            (3, "age_invalid"),
        ]

    def test_the_default_sma_rows_carry_it(self):
        sma = {r.key: r for r in default_protocols()["sma"].rows}
        assert str(sma["sma.sitter.risdiplam.motor"].stable_every) == "P12M"
        assert sma["sma.sitter.risdiplam.motor"].stable_months == 24
        assert sma["sma.sitter.risdiplam.motor"].stable_age_months == 216
        assert sma["sma.walker.untreated.motor.child"].stable_every is None  # ends at 18 years


class TestFcrnCycles:
    """clinical.md §A.2, FcRn blocker: "QMG or MGC at cycle start and end for the first two cycles,
    then every 6 months" — rows anchored on ``cycle_start`` / ``cycle_end`` with ``max_cycles=2``."""

    rows = [
        row(key="start", instruments=["qmg"], treatment="fcrn_blocker", anchor="cycle_start", max_cycles=2),
        row(key="end", instruments=["qmg"], treatment="fcrn_blocker", anchor="cycle_end", max_cycles=2),
    ]
    # Weekly × 4 cycles: 6–27 January, 3–24 March, 5–26 May 2025.
    patient = PatientDates(
        birth_date=date(1980, 1, 1),
        diagnosis=date(2024, 6, 1),
        courses=(
            Course(
                "fcrn_blocker",
                date(2025, 1, 6),
                (date(2025, 1, 6), date(2025, 3, 3)),
                cycles=(
                    (date(2025, 1, 6), date(2025, 1, 27)),
                    (date(2025, 3, 3), date(2025, 3, 24)),
                    (date(2025, 5, 5), date(2025, 5, 26)),
                ),
            ),
        ),
    )

    def items(self, done, today):
        return summary(due_items(rows=self.rows, patient=self.patient, done={"qmg": done}, today=today))

    def test_start_and_end_of_the_first_two_cycles(self):
        # Cycle 2 started 3 March without a QMG: overdue once its ±3-day window closed (6 March).
        assert self.items([date(2025, 1, 6), date(2025, 1, 27)], date(2025, 3, 10)) == [
            ("qmg", "2025-03-03", "overdue", "2025-02-28", "2025-03-06"),
            ("qmg", "2025-03-24", "upcoming", "2025-03-21", "2025-03-27"),
        ]
        # Assessed at the start of cycle 2; its end (24 March) is missed by 28 March.
        done = [date(2025, 1, 6), date(2025, 1, 27), date(2025, 3, 3)]
        assert self.items(done, date(2025, 3, 28)) == [("qmg", "2025-03-24", "overdue", "2025-03-21", "2025-03-27")]
        # Cycle 3 has no cycle points; the missed end of cycle 2 lapses 28 days after its window (24 April).
        assert self.items(done, date(2025, 4, 24)) == [("qmg", "2025-03-24", "overdue", "2025-03-21", "2025-03-27")]
        assert self.items(done, date(2025, 5, 6)) == []

    def test_rows_are_checked(self):
        good = {
            "key": "c",
            "instruments": ["qmg"],
            "treatment": "fcrn_blocker",
            "anchor": "cycle_end",
            "offsets": ["P0D"],
        }
        assert parse_rows("mg", [{**good, "max_cycles": 2}], scales.INSTRUMENTS)[0].max_cycles == 2
        assert "max_cycles" not in parse_rows("mg", [good], scales.INSTRUMENTS)[0].as_dict()
        with pytest.raises(ProtocolError) as caught:
            parse_rows(
                "mg",
                [
                    {**good, "max_cycles": 0},
                    {**good, "anchor": "dose", "max_cycles": 2},
                    {**good, "treatment": ""},
                ],
                scales.INSTRUMENTS,
            )
        assert [(i, c) for i, _f, c, _v in caught.value.problems] == [
            (0, "max_cycles_invalid"),
            (1, "max_cycles_without_cycle"),
            (2, "treatment_required"),
        ]
