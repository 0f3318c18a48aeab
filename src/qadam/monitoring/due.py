"""Which assessments are due, from a monitoring protocol and a patient's dates (no Django, no I/O).

The rules are those of clinical.md §A (general rules for all conditions, registry-design defaults
[RD]):

1. A protocol row names instruments, an **anchor event** (diagnosis, treatment start, each dose, the
   start or end of each FcRn-blocker cycle,
   admission) and **offsets** from it, optionally repeated ``every`` interval. Each due date has a
   tolerance window: ±14 days when the interval leading to it is 3 months or more, ±3 days when it
   is 1 month or less (clinical.md §A rule 1). Between one and three months the rule is silent;
   Qadam uses ±7 days [RD]. A row may set its own ``tolerance_days``.
2. The rows that apply are those of the patient's current functional status and treatment
   (clinical.md §A rule 2 switches rows at the next visit; Qadam switches them on the date the
   status or course is recorded, see docs/monitoring.md rule 2 for why; the history of an
   instrument continues).
3. Before the first dose of a disease-modifying or biologic therapy a baseline is required within
   the 3 months before that dose (clinical.md §A rule 3): the point at offset 0 from the treatment
   start of such a course has the window [first dose − 3 months, first dose] and cannot be made
   up after the dose.

Decisions where the spec is silent (docs/monitoring.md, each [RD]):

- An assessment counts for a due point when it falls in the point's window, or later but before
  the next point's window opens (late, but done). A baseline counts only inside its window.
- Repeated points follow on from the date the previous point was actually assessed, so a patient
  assessed off the original grid is not overdue forever: next due = date assessed + interval.
- Of the points whose window has closed, only the latest one matters: if it was not assessed the
  instrument is **overdue** (earlier misses are counted in ``missed``, not listed). The last point
  of a row without repetition is no longer listed once as long again as its interval (at least
  28 days) has passed after its window closed: an acute time point cannot be made up months later.
- The first point whose window has not closed is **upcoming** when its window opens within the
  horizon (default 90 days).
- The same instrument due from several rows (or anchor occurrences) is listed once per state: the
  latest missed date when overdue, the earliest date when upcoming.
- Instruments with a minimum age are not scheduled before it: RULM from 30 months (scales.md §2.2),
  FVC from 5 years (clinical.md §A.1.2: "if able, usually ≥5–6 y").
- Calendar months, clamped to the end of a shorter month (``qadam.regimens.calendar_months``).
- **Adults stable on the same therapy** (clinical.md §A.1.2 note: "Adults (any status) may use a
  12-month interval once stable for ≥2 years on the same therapy" [RD]): a repeated row may name a
  longer interval, ``stable_every``, used once the patient is at least ``stable_min_age_months`` old
  (default 216, 18 years) and has had the same functional status and therapy for at least
  ``stable_after_months`` (default 24). The registry cannot judge clinical stability; it reads
  "stable" as no change of recorded functional status or therapy (``PatientDates.stable_since``)
  [RD]. The longer interval starts from the first repeated date that falls on or after the day the
  patient qualifies; earlier dates keep the row's own interval.

>>> from datetime import date
>>> row = ProtocolRow.from_dict({"key": "r", "instruments": ["hfmse"], "anchor": "diagnosis",
...                              "offsets": ["P0D"], "every": "P6M"})
>>> dates = PatientDates(birth_date=date(2015, 1, 1), diagnosis=date(2024, 1, 10))
>>> [(i.instrument, i.due.isoformat(), i.state) for i in due_items(
...     rows=[row], patient=dates, done={"hfmse": [date(2024, 1, 12)]}, today=date(2024, 6, 20))]
[('hfmse', '2024-07-12', 'upcoming')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from qadam.regimens.calendar_months import add_months, whole_months_between

CONDITIONS: tuple[str, ...] = ("sma", "mg", "stroke", "pain")
ANCHORS: tuple[str, ...] = ("diagnosis", "treatment_start", "dose", "admission", "cycle_start", "cycle_end")
# Anchors on a course's doses or cycles: the row must name its treatment.
COURSE_ANCHORS = frozenset({"treatment_start", "dose", "cycle_start", "cycle_end"})
CYCLE_ANCHORS = frozenset({"cycle_start", "cycle_end"})
STATUSES: dict[str, tuple[str, ...]] = {"sma": ("non_sitter", "sitter", "walker")}
TREATMENTS: dict[str, tuple[str, ...]] = {
    "sma": ("untreated", "nusinersen", "risdiplam", "onasemnogene"),
    "mg": ("standard", "c5_inhibitor", "fcrn_blocker", "rituximab", "ivig_plex"),
    "stroke": ("botulinum",),
    "pain": ("analgesic",),
}
# Treatment when the patient has no course of the condition: SMA untreated; MG follows the
# standard-therapy row (clinical.md §A.2) [RD].
DEFAULT_TREATMENT: dict[str, str] = {"sma": "untreated", "mg": "standard"}
# clinical.md §A rule 3: disease-modifying or biologic therapies (IVIG, plasma exchange and
# botulinum toxin are treated as symptomatic here [RD]).
DISEASE_MODIFYING = frozenset({"nusinersen", "risdiplam", "onasemnogene", "c5_inhibitor", "fcrn_blocker", "rituximab"})
BASELINE_MONTHS = 3
INSTRUMENT_MIN_AGE_MONTHS: dict[str, int] = {"rulm": 30, "fvc": 60}
DEFAULT_HORIZON_DAYS = 90
SHORT_TOLERANCE_DAYS = 3
MIDDLE_TOLERANCE_DAYS = 7
LONG_TOLERANCE_DAYS = 14
STALE_MIN_DAYS = 28
MAX_POINTS = 400
# clinical.md §A.1.2 note [RD]: adults (18 years) stable for 2 years on the same therapy.
STABLE_MIN_AGE_MONTHS = 216
STABLE_AFTER_MONTHS = 24

RULE_PROTOCOL = "protocol"
RULE_BASELINE = "baseline_before_first_dose"
OVERDUE = "overdue"
UPCOMING = "upcoming"

_DURATION = re.compile(r"^P(\d{1,4})([DWMY])$")
# The longest offset or interval a protocol row may name: a lifetime (P1500M is the oldest age limit
# of a row, 125 years); anything longer could push dates past year 9999.
MAX_DURATION_DAYS = 1500 * 31


class ProtocolError(ValueError):
    """A protocol row broke a rule; ``problems`` lists (row index, field, code, value)."""

    def __init__(self, problems: list[tuple[int, str, str, Any]]):
        self.problems = problems
        super().__init__("; ".join(f"row {i + 1} {f}: {c} ({v!r})" for i, f, c, v in problems))


@dataclass(frozen=True, order=True)
class Duration:
    """A whole number of days, weeks, months or years, written as ISO 8601 (``P14D``, ``P3M``)."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, text: Any) -> Duration:
        match = _DURATION.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(text)
        return cls(int(match.group(1)), match.group(2))

    @property
    def too_long(self) -> bool:
        """Longer than any protocol needs (``MAX_DURATION_DAYS``)."""
        days_per_unit = {"D": 1, "W": 7, "M": 31, "Y": 366}[self.unit]
        return self.amount * days_per_unit > MAX_DURATION_DAYS

    def after(self, day: date) -> date:
        if self.unit == "D":
            return day + timedelta(days=self.amount)
        if self.unit == "W":
            return day + timedelta(weeks=self.amount)
        return add_months(day, self.amount * (12 if self.unit == "Y" else 1))

    def times(self, day: date, count: int) -> date:
        """``day`` moved by ``count`` of this duration at once (months clamped once, not each time)."""
        if self.unit in "DW":
            return day + timedelta(days=self.amount * count * (7 if self.unit == "W" else 1))
        return add_months(day, self.amount * count * (12 if self.unit == "Y" else 1))

    def before(self, day: date) -> date:
        if self.unit in "DW":
            return day - timedelta(days=self.amount * (7 if self.unit == "W" else 1))
        return add_months(day, -self.amount * (12 if self.unit == "Y" else 1))

    def __str__(self) -> str:
        return f"P{self.amount}{self.unit}"


@dataclass(frozen=True)
class ProtocolRow:
    """One row of a protocol: which instruments, from which event, at which offsets."""

    key: str
    instruments: tuple[str, ...]
    anchor: str
    offsets: tuple[Duration, ...]
    every: Duration | None = None
    status: str = ""  # "" = any functional status
    treatment: str = ""  # "" = any treatment
    tolerance_days: int | None = None
    min_age_months: int | None = None  # age on the due date
    max_age_months: int | None = None  # age on the due date, exclusive
    note: str = ""
    source: str = ""
    stable_every: Duration | None = None  # the interval for adults stable on the same therapy
    stable_min_age_months: int | None = None  # default STABLE_MIN_AGE_MONTHS
    stable_after_months: int | None = None  # default STABLE_AFTER_MONTHS
    max_cycles: int | None = None  # cycle anchors: only the first N cycles of a course (None: all)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProtocolRow:
        every = data.get("every") or None
        stable = data.get("stable_every") or None
        return cls(
            key=str(data["key"]),
            instruments=tuple(data["instruments"]),
            anchor=data["anchor"],
            offsets=tuple(Duration.parse(o) for o in data["offsets"]),
            every=Duration.parse(every) if every else None,
            status=data.get("status") or "",
            treatment=data.get("treatment") or "",
            tolerance_days=data.get("tolerance_days"),
            min_age_months=data.get("min_age_months"),
            max_age_months=data.get("max_age_months"),
            note=data.get("note") or "",
            source=data.get("source") or "",
            stable_every=Duration.parse(stable) if stable else None,
            stable_min_age_months=data.get("stable_min_age_months"),
            stable_after_months=data.get("stable_after_months"),
            max_cycles=data.get("max_cycles"),
        )

    @property
    def stable_age_months(self) -> int:
        return STABLE_MIN_AGE_MONTHS if self.stable_min_age_months is None else self.stable_min_age_months

    @property
    def stable_months(self) -> int:
        return STABLE_AFTER_MONTHS if self.stable_after_months is None else self.stable_after_months

    def as_dict(self) -> dict[str, Any]:
        data = {
            "key": self.key,
            "status": self.status,
            "treatment": self.treatment,
            "instruments": list(self.instruments),
            "anchor": self.anchor,
            "offsets": [str(o) for o in self.offsets],
            "every": str(self.every) if self.every else "",
            "tolerance_days": self.tolerance_days,
            "min_age_months": self.min_age_months,
            "max_age_months": self.max_age_months,
            "note": self.note,
            "source": self.source,
        }
        if self.stable_every is not None:
            # Only rows with the adult-stable interval carry its fields, so the rows saved before it
            # existed compare equal to the same rows read back.
            data["stable_every"] = str(self.stable_every)
            data["stable_min_age_months"] = self.stable_min_age_months
            data["stable_after_months"] = self.stable_after_months
        if self.max_cycles is not None:
            data["max_cycles"] = self.max_cycles
        return data


ROW_FIELDS = frozenset(ProtocolRow.__dataclass_fields__)


def parse_rows(condition: str, rows: Iterable[Mapping[str, Any]], instruments: Iterable[str]) -> list[ProtocolRow]:
    """Check every row of a protocol for ``condition`` and return them parsed, or raise ``ProtocolError``.

    ``instruments`` are the codes the registry's scales catalogue knows.
    """
    known = set(instruments)
    problems: list[tuple[int, str, str, Any]] = []
    parsed: list[ProtocolRow] = []
    keys: set[str] = set()
    if condition not in CONDITIONS:
        raise ProtocolError([(-1, "condition", "condition_unknown", condition)])
    for index, data in enumerate(rows):
        found = _row_problems(condition, data, known)
        key = data.get("key") if isinstance(data, Mapping) else None
        if not found and key in keys:
            found = [("key", "key_repeated", key)]
        problems.extend((index, f, c, v) for f, c, v in found)
        if not found:
            keys.add(key)
            parsed.append(ProtocolRow.from_dict(data))
    if problems:
        raise ProtocolError(problems)
    return parsed


def _row_problems(condition: str, data: Any, known: set[str]) -> list[tuple[str, str, Any]]:
    if not isinstance(data, Mapping):
        return [("", "row_invalid", data)]
    problems: list[tuple[str, str, Any]] = []
    unknown_fields = sorted(set(data) - ROW_FIELDS)
    if unknown_fields:
        problems.append(("", "field_unknown", ", ".join(unknown_fields)))
    key = data.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_.-]{1,80}", key):
        problems.append(("key", "key_invalid", key))
    instruments = data.get("instruments")
    if not isinstance(instruments, (list, tuple)) or not instruments:
        problems.append(("instruments", "instruments_missing", instruments))
    else:
        for code in instruments:
            if code not in known:
                problems.append(("instruments", "instrument_unknown", code))
        if len(set(instruments)) != len(instruments):
            problems.append(("instruments", "instrument_repeated", ", ".join(instruments)))
    if data.get("anchor") not in ANCHORS:
        problems.append(("anchor", "anchor_unknown", data.get("anchor")))
    offsets = data.get("offsets")
    if not isinstance(offsets, (list, tuple)) or not offsets:
        problems.append(("offsets", "offsets_missing", offsets))
    else:
        durations = []
        for text in offsets:
            try:
                duration = Duration.parse(text)
            except ValueError:
                problems.append(("offsets", "duration_invalid", text))
                continue
            if duration.too_long:
                problems.append(("offsets", "duration_too_long", text))
            else:
                durations.append(duration)
        if len(durations) == len(offsets) and _days(durations) != sorted(set(_days(durations))):
            problems.append(("offsets", "offsets_not_increasing", ", ".join(offsets)))
    every = data.get("every") or None
    if every is not None:
        try:
            interval = Duration.parse(every)
            if interval.amount == 0:
                problems.append(("every", "every_zero", every))
            elif interval.too_long:
                problems.append(("every", "duration_too_long", every))
        except ValueError:
            problems.append(("every", "duration_invalid", every))
    stable = data.get("stable_every") or None
    if stable is not None:
        try:
            interval = Duration.parse(stable)
            if interval.amount == 0:
                problems.append(("stable_every", "every_zero", stable))
            elif interval.too_long:
                problems.append(("stable_every", "duration_too_long", stable))
        except ValueError:
            problems.append(("stable_every", "duration_invalid", stable))
        if every is None:
            problems.append(("stable_every", "stable_without_every", stable))
    elif data.get("stable_min_age_months") is not None or data.get("stable_after_months") is not None:
        problems.append(("stable_every", "stable_every_missing", None))
    status = data.get("status") or ""
    if status and status not in STATUSES.get(condition, ()):
        problems.append(("status", "status_unknown", status))
    treatment = data.get("treatment") or ""
    if treatment and treatment not in TREATMENTS[condition]:
        problems.append(("treatment", "treatment_unknown", treatment))
    max_cycles = data.get("max_cycles")
    if max_cycles is not None:
        if isinstance(max_cycles, bool) or not isinstance(max_cycles, int) or not 1 <= max_cycles <= 99:
            problems.append(("max_cycles", "max_cycles_invalid", max_cycles))
        elif data.get("anchor") not in CYCLE_ANCHORS:
            problems.append(("max_cycles", "max_cycles_without_cycle", max_cycles))
    if data.get("anchor") in COURSE_ANCHORS and not treatment:
        problems.append(("treatment", "treatment_required", data.get("anchor")))
    tolerance = data.get("tolerance_days")
    if tolerance is not None and (
        isinstance(tolerance, bool) or not isinstance(tolerance, int) or not 0 <= tolerance <= 92
    ):
        problems.append(("tolerance_days", "tolerance_invalid", tolerance))
    for name in ("min_age_months", "max_age_months", "stable_min_age_months", "stable_after_months"):
        age = data.get(name)
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 1500):
            problems.append((name, "age_invalid", age))
    for name, limit in (("note", 500), ("source", 300)):
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > limit or "\x00" in value:
            problems.append((name, "text_invalid", value))
    return problems


def _days(durations: Sequence[Duration]) -> list[int]:
    """Offsets as days after a fixed reference date (months counted on the calendar)."""
    reference = date(2001, 1, 1)
    return [(d.after(reference) - reference).days for d in durations]


@dataclass(frozen=True)
class Course:
    """A treatment course as the scheduler sees it: its treatment code, start and doses given."""

    treatment: str
    started_on: date
    doses: tuple[date, ...] = ()
    # FcRn-blocker cycles (clinical.md §A.2): (first dose, last dose) of each cycle, the last dose
    # planned from the label's cycle size while the cycle runs, None when it cannot be known yet.
    cycles: tuple[tuple[date, date | None], ...] = ()

    @property
    def first_dose(self) -> date:
        return min(self.doses) if self.doses else self.started_on


@dataclass(frozen=True)
class PatientDates:
    """The dates of one patient that protocols anchor on, for one condition.

    ``courses`` are the courses that count now (active, and gene therapy once given); ``status`` is
    the current SMA functional status ("" if none is recorded or the condition has none).
    """

    birth_date: date
    diagnosis: date | None = None
    status: str = ""
    courses: tuple[Course, ...] = ()
    admissions: tuple[date, ...] = ()
    # Since when the functional status and the therapy are unchanged (None: unknown), for the
    # adult-stable interval (clinical.md §A.1.2 note).
    stable_since: date | None = None


@dataclass(frozen=True)
class DueItem:
    """One instrument due for one patient: the date, its window and why."""

    instrument: str
    due: date
    window_start: date
    window_end: date
    state: str  # "overdue" or "upcoming"
    rule: str  # "protocol" or "baseline_before_first_dose"
    row_key: str
    anchor: str
    anchor_date: date
    offset: str  # the offset or interval that produced the date, e.g. "P6M"
    treatment: str = ""
    source: str = ""
    missed: int = 0  # points missed since the last assessment, this one included
    repeat: bool = False  # a repeated point: ``offset`` is the interval since the previous one
    stable: bool = False  # the adult-stable interval of the row (clinical.md §A.1.2 note)

    def in_window(self, today: date) -> bool:
        return self.window_start <= today <= self.window_end

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.window_end).days)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "due": self.due.isoformat(),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "state": self.state,
            "rule": self.rule,
            "row_key": self.row_key,
            "anchor": self.anchor,
            "anchor_date": self.anchor_date.isoformat(),
            "offset": self.offset,
            "treatment": self.treatment,
            "source": self.source,
            "missed": self.missed,
            "repeat": self.repeat,
            "stable": self.stable,
        }


@dataclass
class _Point:
    due: date
    start: date
    end: date
    offset: str
    rule: str = RULE_PROTOCOL
    gap_days: int = 0
    last_of_row: bool = False
    satisfied: bool = field(default=False)
    repeat: bool = False
    skipped: int = 0  # unassessed points skipped just before this one
    stable: bool = False


def treatments_of(condition: str, courses: Iterable[Course]) -> frozenset[str]:
    """The treatments of the patient for ``condition``, or the condition's default when there is none."""
    found = frozenset(c.treatment for c in courses)
    if not found and condition in DEFAULT_TREATMENT:
        return frozenset({DEFAULT_TREATMENT[condition]})
    return found


def tolerance_days(previous: date, due: date) -> int:
    """clinical.md §A rule 1: ±14 days for an interval ≥3 months, ±3 days for ≤1 month, else ±7 [RD].

    >>> tolerance_days(date(2024, 1, 10), date(2024, 4, 10)), tolerance_days(date(2024, 1, 10), date(2024, 2, 10))
    (14, 3)
    >>> tolerance_days(date(2024, 1, 10), date(2024, 3, 10))
    7
    """
    gap = (due - previous).days
    if gap > 92:  # longer than any 3 calendar months
        return LONG_TOLERANCE_DAYS
    if gap < 28:  # shorter than any calendar month
        return SHORT_TOLERANCE_DAYS
    if due >= add_months(previous, 3):
        return LONG_TOLERANCE_DAYS
    if due <= add_months(previous, 1):
        return SHORT_TOLERANCE_DAYS
    return MIDDLE_TOLERANCE_DAYS


def _age_months(birth: date, day: date) -> int:
    """Whole months of age on ``day``, on the same calendar as every due date (``add_months``: a child
    born on 31 August is 30 months old on 28 February)."""
    return whole_months_between(birth, day)


def due_items(
    *,
    rows: Sequence[ProtocolRow],
    patient: PatientDates,
    done: Mapping[str, Sequence[date]],
    today: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    condition: str = "",
) -> list[DueItem]:
    """Overdue and upcoming assessments of ``patient`` under ``rows``, earliest due first.

    ``done`` maps an instrument code to the dates of its completed or signed assessments.
    """
    treatments = (
        treatments_of(condition, patient.courses) if condition else frozenset(c.treatment for c in patient.courses)
    )
    limit = today + timedelta(days=horizon_days)
    best: dict[tuple[str, str], DueItem] = {}
    for row in rows:
        if row.status and row.status != patient.status:
            continue
        if row.treatment and row.treatment not in treatments:
            continue
        for anchor_date, course, next_anchor in _occurrences(row, patient):
            # Instruments of a row with the same assessment dates (often none) share one schedule.
            judged: dict[tuple, tuple[str, list[DueItem]]] = {}
            for instrument in row.instruments:
                dates = sorted(done.get(instrument, ()))
                key = (tuple(dates), INSTRUMENT_MIN_AGE_MONTHS.get(instrument))
                if key not in judged:
                    args = (row, instrument, anchor_date, course, next_anchor, dates, patient, today, limit)
                    judged[key] = (instrument, _judge(*args))
                first, items = judged[key]
                if first != instrument:
                    items = [replace(i, instrument=instrument) for i in items]
                for found in items:
                    slot = (found.instrument, found.state)
                    if slot not in best or _better(found, best[slot]):
                        best[slot] = found
    return sorted(best.values(), key=lambda i: (i.due, i.instrument, i.state))


def _better(found: DueItem, kept: DueItem) -> bool:
    """Overdue: the latest missed date wins (earlier misses are behind it); upcoming: the earliest."""
    if found.state == OVERDUE:
        return found.due > kept.due
    return found.due < kept.due


def _occurrences(row: ProtocolRow, patient: PatientDates) -> list[tuple[date, Course | None, date | None]]:
    """(anchor date, course, next anchor date) for every occurrence of the row's anchor event."""
    if row.anchor == "diagnosis":
        return [(patient.diagnosis, None, None)] if patient.diagnosis else []
    if row.anchor == "admission":
        days = sorted(set(patient.admissions))
        return [(d, None, days[i + 1] if i + 1 < len(days) else None) for i, d in enumerate(days)]
    courses = [c for c in patient.courses if c.treatment == row.treatment]
    if row.anchor == "treatment_start":
        # A newer course of the same treatment starts the schedule again.
        starts = sorted(courses, key=lambda c: c.started_on)
        return [
            (c.started_on, c, starts[i + 1].started_on if i + 1 < len(starts) else None) for i, c in enumerate(starts)
        ]
    if row.anchor in CYCLE_ANCHORS:
        found = []
        for c in courses:
            chosen = c.cycles[: row.max_cycles] if row.max_cycles is not None else c.cycles
            for index, (start, end) in enumerate(chosen):
                following = c.cycles[index + 1][0] if index + 1 < len(c.cycles) else None
                day = start if row.anchor == "cycle_start" else end
                if day is not None:
                    found.append((day, c, following))
        return sorted(found, key=lambda occurrence: occurrence[0])
    doses = sorted({(d, c) for c in courses for d in c.doses}, key=lambda pair: pair[0])
    return [(d, c, doses[i + 1][0] if i + 1 < len(doses) else None) for i, (d, c) in enumerate(doses)]


def _points(row, instrument, anchor_date, course, next_anchor, dates, patient, today, limit) -> list[_Point]:
    points: list[_Point] = []
    for offset in row.offsets:
        due = offset.after(anchor_date)
        if offset.amount == 0 and row.anchor == "treatment_start" and row.treatment in DISEASE_MODIFYING:
            first = course.first_dose if course is not None else anchor_date
            points.append(_Point(first, add_months(first, -BASELINE_MONTHS), first, str(offset), RULE_BASELINE))
        else:
            points.append(_Point(due, due, due, str(offset)))
    _set_windows(row, points, anchor_date)
    if row.every is not None:
        _repeat(row, points, dates, today, limit, _stable_from(row, patient))
    if next_anchor is not None:
        points = [p for p in points if p.due < next_anchor] or points[:1]
    minimum = max(INSTRUMENT_MIN_AGE_MONTHS.get(instrument, 0), row.min_age_months or 0)
    maximum = row.max_age_months
    if minimum or maximum is not None:
        kept = [
            p
            for p in points
            if minimum <= _age_months(patient.birth_date, p.due)
            and (maximum is None or _age_months(patient.birth_date, p.due) < maximum)
        ]
        if kept and kept[-1] is not points[-1]:
            # The row ends at its age limit: its last point lapses like that of a row without repetition.
            kept[-1].last_of_row = True
        points = kept
    if points and row.every is None:
        points[-1].last_of_row = True
    return points


def _stable_from(row: ProtocolRow, patient: PatientDates) -> date | None:
    """The day from which the row's adult-stable interval applies to the patient (None: never).

    >>> row = ProtocolRow.from_dict({"key": "r", "instruments": ["hfmse"], "anchor": "diagnosis",
    ...                              "offsets": ["P0D"], "every": "P6M", "stable_every": "P12M"})
    >>> _stable_from(row, PatientDates(birth_date=date(2007, 5, 1), stable_since=date(2020, 1, 1)))
    datetime.date(2025, 5, 1)
    >>> _stable_from(row, PatientDates(birth_date=date(1990, 5, 1), stable_since=date(2024, 3, 31)))
    datetime.date(2026, 3, 31)
    """
    if row.stable_every is None or patient.stable_since is None:
        return None
    return max(
        add_months(patient.birth_date, row.stable_age_months), add_months(patient.stable_since, row.stable_months)
    )


def _repeat(
    row: ProtocolRow, points: list[_Point], dates: Sequence[date], today: date, limit: date, stable_from: date | None
) -> None:
    """Add the repeated points after the fixed ones, up to ``limit``.

    Each run of points counts whole intervals from the day the previous point was actually assessed
    (or from the last fixed point): base + 1, 2, 3 … intervals, so a month-end date does not drift.
    Where nothing was assessed any more, points far in the past are skipped (they only count as
    missed): the schedule of a patient diagnosed decades ago costs as little as a recent one.
    """
    every = row.every
    step_days = _step_days(every)
    previous = points[-1]
    base, k = previous.due, 0
    stable = False
    while previous.due <= limit and len(points) < MAX_POINTS:
        before = previous.due
        if stable_from is not None and not stable and every.times(base, k + 1) >= stable_from:
            # clinical.md §A.1.2 note: the next date falls when the patient qualifies, so it is the
            # adult-stable interval after this one (and an assessment within it follows on from it).
            every, stable = row.stable_every, True
            step_days = _step_days(every)
            base, k = before, 0
        index = bisect_left(dates, previous.start)
        if previous.rule != RULE_BASELINE and index < len(dates) and dates[index] < every.after(previous.due):
            # The next point follows on from the day the previous one was actually assessed.
            base, k, before = dates[index], 0, dates[index]
        # Points well before the next assessment (or before today) cannot be met: skip them.
        following = bisect_right(dates, before)
        target = min(dates[following], today) if following < len(dates) else today
        if stable_from is not None and not stable:
            target = min(target, stable_from)  # the row's own interval counts misses until then
        ahead = int(((target - before).days - 2 * step_days) // step_days)
        skipped = 0
        if ahead > 0:
            skipped, k = ahead, k + ahead
            before = every.times(base, k)
        if stable_from is not None and not stable and every.times(base, k + 1) >= stable_from:
            # Skipped up to the day the patient qualifies: the adult-stable interval from ``before``.
            every, stable = row.stable_every, True
            step_days = _step_days(every)
            base, k = before, 0
        k += 1
        due = every.times(base, k)
        days = row.tolerance_days if row.tolerance_days is not None else tolerance_days(before, due)
        point = _Point(due, due - timedelta(days=days), due + timedelta(days=days), str(every), repeat=True)
        point.gap_days = (due - before).days
        point.skipped = skipped
        point.stable = stable
        points.append(point)
        previous = point


def _step_days(every: Duration) -> float:
    return every.amount * {"D": 1, "W": 7, "M": 30.44, "Y": 365.25}[every.unit]


def _set_windows(row: ProtocolRow, points: list[_Point], anchor_date: date) -> None:
    """Windows of the fixed points (rule 1, or the row's own tolerance); baselines keep theirs."""
    for index, point in enumerate(points):
        if index > 0:
            reference, due = points[index - 1].due, point.due
        elif len(points) > 1:
            reference, due = point.due, points[1].due
        elif row.every is not None:
            reference, due = point.due, row.every.after(point.due)
        else:
            reference, due = anchor_date, point.due
        point.gap_days = (due - reference).days
        if point.rule == RULE_BASELINE:
            continue
        days = row.tolerance_days if row.tolerance_days is not None else tolerance_days(reference, due)
        point.start = point.due - timedelta(days=days)
        point.end = point.due + timedelta(days=days)


def _judge(row, instrument, anchor_date, course, next_anchor, dates, patient, today, limit) -> list[DueItem]:
    points = _points(row, instrument, anchor_date, course, next_anchor, dates, patient, today, limit)
    for index, point in enumerate(points):
        if point.rule == RULE_BASELINE:
            until = point.end + timedelta(days=1)
        else:
            until = points[index + 1].start if index + 1 < len(points) else date.max
            until = max(until, point.end + timedelta(days=1))
        point.satisfied = any(point.start <= d < until for d in dates)
    found: list[DueItem] = []
    closed = [p for p in points if p.end < today]
    if closed and not closed[-1].satisfied:
        latest = closed[-1]
        stale_after = latest.end + timedelta(days=max(latest.gap_days, STALE_MIN_DAYS))
        if not (latest.last_of_row and today > stale_after):
            missed = 0
            for point in reversed(closed):
                if point.satisfied:
                    break
                missed += 1 + point.skipped
            found.append(_item(row, instrument, anchor_date, course, latest, OVERDUE, missed))
    following = next((p for p in points if p.end >= today), None)
    if following is not None and not following.satisfied and following.start <= limit:
        found.append(_item(row, instrument, anchor_date, course, following, UPCOMING, 0))
    return found


def _item(row, instrument, anchor_date, course, point: _Point, state: str, missed: int) -> DueItem:
    return DueItem(
        instrument=instrument,
        due=point.due,
        window_start=point.start,
        window_end=point.end,
        state=state,
        rule=point.rule,
        row_key=row.key,
        anchor=row.anchor,
        anchor_date=course.first_dose if point.rule == RULE_BASELINE and course else anchor_date,
        offset=point.offset,
        treatment=row.treatment or (course.treatment if course else ""),
        source=row.source,
        missed=missed,
        repeat=point.repeat,
        stable=point.stable,
    )
