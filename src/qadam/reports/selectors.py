"""Reading what the reports show: each instrument's results over time, the therapy courses that
concern it, and the treatment response judged for every course (clinical.md §C).

The judgement itself is ``qadam.regimens.assess_response`` (baseline by ``select_baseline``, change
classified by the instrument's meaningful change, observed against expected untreated slope); this
module only turns stored rows into its inputs:

- Results: completed, signed or amended assessments with a total (``SHOWN_STATUSES``); one series
  per instrument and side (RULM and other one-sided forms are compared on the same side only).
  Only complete results take part in a response; every result with a total is plotted.
- Courses: a course concerns an instrument when the drug's condition matches the instrument's domain
  (``CONDITION_DOMAINS``: SMA therapies and the neuromuscular scales, MG therapies and the MG scales,
  botulinum toxin and the rehabilitation scales, pain adjuvants and the pain scales).
- Follow-ups of a course end on its stop day: a result after a switch belongs to the next course,
  not to the one that ended. A single-dose therapy (onasemnogene), whose course is closed when its
  monitoring ends but whose effect lasts, keeps its follow-ups until the next course for the same
  condition starts (as the monitoring app counts it for life, clinical.md §A.1.2).
- Population for the untreated reference: the SMA type and walking status recorded on or before
  the baseline day (else the first record after it; the type does not change), and the age on the
  baseline day.
- Baseline window: ``settings.QADAM_RESPONSE_BASELINE_MONTHS`` (default 3 calendar months,
  clinical.md §A rule 3 [RD]) or the caller's value.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from qadam import regimens, scales
from qadam.patients.models import Patient, SmaStatus
from qadam.patients.selectors import SHOWN_STATUSES, ensure_visible
from qadam.regimens import InputProblem, Observation, Population, RegimenError, Response
from qadam.regimens.response import DEFAULT_BASELINE_WINDOW_MONTHS

# Which instrument domains (``qadam.scales`` Instrument.domain) a drug's condition is judged on.
CONDITION_DOMAINS: dict[str, tuple[str, ...]] = {
    "sma": ("neuromuscular",),
    "mg": ("mg",),
    "spasticity": ("rehabilitation",),
    "pain": ("pain",),
}
ADJUVANT_PREFIX = "adjuvant:"
COURSE_PROBLEMS = frozenset({"no_baseline", "no_follow_up"})


@dataclass(frozen=True)
class Result:
    """One stored total of an instrument."""

    assessment_id: int
    day: datetime.date
    value: float
    band: str | None
    status: str
    complete: bool
    version: str
    side: str | None


@dataclass(frozen=True)
class DoseGiven:
    day: datetime.date
    dose: Decimal | None
    unit: str
    route: str


@dataclass(frozen=True)
class Course:
    """A therapy course as the reports show it."""

    id: int
    drug: str
    product: str
    started_on: datetime.date
    stopped_on: datetime.date | None
    stop_reason: str
    indication: str
    doses: tuple[DoseGiven, ...]
    # The last day a result counts as a follow-up of this course (None: no end yet).
    follow_up_until: datetime.date | None = None

    @property
    def condition(self) -> str | None:
        if self.drug.startswith(ADJUVANT_PREFIX):
            return "pain"
        entry = regimens.DRUGS.get(self.drug)
        return entry.condition if entry else None

    def name(self, lang: str) -> str:
        from qadam.therapy.models import drug_name

        return drug_name(self.drug, lang)

    def covers(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.stopped_on is None or day <= self.stopped_on)


@dataclass(frozen=True)
class Judgement:
    """The response of one instrument (and side) to one course, or why it cannot be judged yet."""

    instrument: str
    side: str | None
    course: Course
    response: Response | None
    problems: tuple[InputProblem, ...] = ()
    population: Population | None = None

    @property
    def judged(self) -> bool:
        return self.response is not None


@dataclass(frozen=True)
class Trajectory:
    """One instrument (and side) of one patient: results oldest first, courses, judgements."""

    instrument: str
    side: str | None
    results: tuple[Result, ...]
    courses: tuple[Course, ...]
    judgements: tuple[Judgement, ...]

    @property
    def key(self) -> str:
        return f"{self.instrument}-{self.side.lower()}" if self.side else self.instrument

    @property
    def definition(self) -> scales.Instrument | None:
        return scales.INSTRUMENTS.get(self.instrument)


@dataclass(frozen=True)
class Pending:
    """Instruments of one course that cannot be judged yet, for the same reasons."""

    course: Course
    instruments: tuple[str, ...]
    problems: tuple[InputProblem, ...]


@dataclass(frozen=True)
class PatientReport:
    """Everything the reports read for one patient."""

    patient: Patient
    today: datetime.date
    baseline_window_months: int
    courses: tuple[Course, ...]
    trajectories: tuple[Trajectory, ...]
    judgements: tuple[Judgement, ...] = field(default=())

    @property
    def judged(self) -> list[Judgement]:
        return [j for j in self.judgements if j.response is not None]

    @property
    def pending(self) -> list[Pending]:
        """Judgements still missing, one entry per course and set of reasons (instruments listed)."""
        groups: dict[tuple, list[Judgement]] = {}
        for judgement in self.judgements:
            if judgement.response is None:
                codes = tuple(p.code for p in judgement.problems)
                # Missing baseline or follow-up is said of the course; other problems of the results.
                key = (judgement.course.id, codes)
                if not set(codes) <= COURSE_PROBLEMS:
                    key += (judgement.instrument, judgement.side or "")
                groups.setdefault(key, []).append(judgement)
        return [
            Pending(
                course=group[0].course,
                instruments=tuple(_label(j.instrument, j.side) for j in group),
                problems=group[0].problems,
            )
            for group in groups.values()
        ]


def _label(instrument: str, side: str | None) -> str:
    definition = scales.INSTRUMENTS.get(instrument)
    name = definition.name if definition else instrument
    return f"{name} ({side})" if side else name


def baseline_window_months() -> int:
    """The configured baseline window (``QADAM_RESPONSE_BASELINE_MONTHS``), 3 months by default."""
    value = getattr(settings, "QADAM_RESPONSE_BASELINE_MONTHS", DEFAULT_BASELINE_WINDOW_MONTHS)
    return int(value) if value and int(value) > 0 else DEFAULT_BASELINE_WINDOW_MONTHS


def patient_report(
    *, viewer: Any, patient: Patient, today: datetime.date | None = None, window_months: int | None = None
) -> PatientReport:
    """Results, courses and responses of ``patient``; raises ``NotVisible`` unless the viewer sees it."""
    ensure_visible(viewer=viewer, patient=patient)
    return build_report(patient=patient, today=today, window_months=window_months)


def build_report(
    *, patient: Patient, today: datetime.date | None = None, window_months: int | None = None
) -> PatientReport:
    """``patient_report`` without the access check: for callers that checked it (or the operator)."""
    today = today or timezone.localdate()
    window = window_months or baseline_window_months()
    courses = _courses(patient)
    statuses = list(SmaStatus.objects.filter(patient=patient).order_by("recorded_on", "id"))
    trajectories = []
    for (instrument, side), results in sorted(_results(patient).items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        definition = scales.INSTRUMENTS.get(instrument)
        domain = definition.domain if definition else None
        relevant = tuple(c for c in courses if domain in CONDITION_DOMAINS.get(c.condition or "", ()))
        judgements = tuple(_judge(patient, instrument, side, results, c, statuses, window) for c in relevant)
        trajectories.append(Trajectory(instrument, side, tuple(results), relevant, judgements))
    return PatientReport(
        patient=patient,
        today=today,
        baseline_window_months=window,
        courses=courses,
        trajectories=tuple(trajectories),
        judgements=tuple(j for t in trajectories for j in t.judgements),
    )


def _results(patient: Patient) -> dict[tuple[str, str | None], list[Result]]:
    from qadam.assessments.models import Assessment

    rows: dict[tuple[str, str | None], list[Result]] = defaultdict(list)
    assessments = (
        Assessment.objects.filter(visit__patient=patient, status__in=SHOWN_STATUSES, total__isnull=False)
        .order_by("assessed_on", "id")
        .only("id", "instrument", "instrument_version", "result", "total", "band", "status", "assessed_on")
    )
    for assessment in assessments:
        result = assessment.result or {}
        side = result.get("side") or None
        rows[(assessment.instrument, side)].append(
            Result(
                assessment_id=assessment.pk,
                day=assessment.assessed_on,
                value=float(assessment.total),
                band=assessment.band,
                status=assessment.status,
                complete=bool(result.get("complete")),
                version=assessment.instrument_version,
                side=side,
            )
        )
    return rows


def _courses(patient: Patient) -> tuple[Course, ...]:
    from qadam.therapy.models import TherapyCourse

    courses = (
        TherapyCourse.objects.filter(patient=patient).prefetch_related("administrations").order_by("started_on", "id")
    )
    read = tuple(
        Course(
            id=course.pk,
            drug=course.drug,
            product=course.product,
            started_on=course.started_on,
            stopped_on=course.stopped_on,
            stop_reason=course.stop_reason,
            indication=course.indication,
            doses=tuple(
                DoseGiven(a.given_on, a.dose, a.dose_unit, a.route)
                for a in sorted(course.administrations.all(), key=lambda a: (a.given_on, a.pk))
            ),
        )
        for course in courses
    )
    return tuple(replace(course, follow_up_until=_follow_up_until(course, read)) for course in read)


LASTING_REGIMENS = frozenset({"single_dose"})


def _follow_up_until(course: Course, courses: tuple[Course, ...]) -> datetime.date | None:
    """The stop day; for a single-dose therapy, the day before the next course for the same
    condition starts (None while there is none)."""
    entry = regimens.DRUGS.get(course.drug)
    if entry is None or entry.regimen not in LASTING_REGIMENS:
        return course.stopped_on
    later = [c.started_on for c in courses if c.condition == course.condition and c.started_on > course.started_on]
    return min(later) - datetime.timedelta(days=1) if later else None


def _judge(
    patient: Patient,
    instrument: str,
    side: str | None,
    results: list[Result],
    course: Course,
    statuses: list[SmaStatus],
    window: int,
) -> Judgement:
    observations = [
        Observation(r.day, r.value, r.version, r.side)
        for r in results
        if r.complete and (course.follow_up_until is None or r.day <= course.follow_up_until)
    ]
    baseline = regimens.select_baseline(observations, course.started_on, window)
    population = _population(patient, statuses, baseline.day if baseline else course.started_on)
    try:
        response = regimens.assess_response(
            instrument,
            observations,
            course.started_on,
            therapy=course.drug,
            population=population,
            baseline_window_months=window,
        )
    except RegimenError as error:
        return Judgement(instrument, side, course, None, tuple(error.problems), population)
    return Judgement(instrument, side, course, response, (), population)


def _population(patient: Patient, statuses: list[SmaStatus], day: datetime.date) -> Population:
    """SMA type and walking status on ``day`` (else the first record after it), age on ``day``."""
    before = [s for s in statuses if s.recorded_on <= day]
    status = before[-1] if before else (statuses[0] if statuses else None)
    age = (day - patient.birth_date).days / 365.25
    if status is None:
        return Population(age_years=round(age, 2))
    return Population(
        sma_type=int(status.sma_type),
        age_years=round(age, 2),
        ambulant=status.functional_status == SmaStatus.FunctionalStatus.WALKER,
    )
