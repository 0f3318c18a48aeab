"""Reading therapies: a patient's courses, the doses due and the safety findings, for one viewer.

Access follows the patient: whoever sees the patient's record (``qadam.centers.selectors.
can_see_patients``: any role at the patient's center, or a registry manager) sees the therapies;
writing is decided by the services. Anyone else gets ``NotVisible``. A registry manager reading
another center's patient gets the free text blanked (indications, notes, override reasons, adverse
event descriptions), as for the rest of the record: free text can carry names (docs/registry.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from qadam.centers.selectors import can_see_patients, can_write_clinical
from qadam.core.exceptions import NotVisible
from qadam.patients.models import Patient
from qadam.patients.selectors import REDACTED, identity_visible
from qadam.regimens import Finding

from . import schedules
from .models import Administration, AdverseEvent, TherapyCourse, Vaccination, WeightRecord


def _ensure_sees(viewer: Any, patient: Patient) -> None:
    if not can_see_patients(viewer, patient.center_id):
        raise NotVisible(params={"registry_id": patient.registry_id})


def _courses(patient: Patient) -> list[TherapyCourse]:
    courses = list(
        TherapyCourse.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "administrations",
                queryset=Administration.objects.select_related("created_by").order_by("given_on", "id"),
            ),
            Prefetch("adverse_events", queryset=AdverseEvent.objects.order_by("onset_on", "id")),
        )
        .order_by("-started_on", "-id")
    )
    for course in courses:
        course.patient = patient
    return courses


def _hide_free_text(viewer: Any, patient: Patient, courses: list[TherapyCourse], vaccinations: list[Vaccination]) -> None:  # fmt: skip
    """Blank the free text of the loaded rows (never saved) for a viewer outside the patient's center."""
    if identity_visible(viewer=viewer, patient=patient):
        return
    for course in courses:
        course.indication = course.note = REDACTED
        for dose in course.administrations.all():
            dose.note = dose.override_reason = REDACTED
        for event in course.adverse_events.all():
            event.description = REDACTED
    for vaccination in vaccinations:
        vaccination.note = REDACTED


def courses_for(*, viewer: Any, patient: Patient) -> list[TherapyCourse]:
    """The patient's courses, newest first, with their doses and adverse events prefetched."""
    _ensure_sees(viewer, patient)
    courses = _courses(patient)
    _hide_free_text(viewer, patient, courses, [])
    return courses


def course_get(*, viewer: Any, course_id: int) -> TherapyCourse:
    """One course the viewer may see (with its patient and center), or ``NotVisible``."""
    course = (
        TherapyCourse.objects.select_related("patient__center").filter(pk=course_id).first()
        if isinstance(course_id, int)
        else None
    )
    if course is None or not can_see_patients(viewer, course.patient.center_id):
        raise NotVisible(params={"course": course_id})
    return course


def administration_get(*, viewer: Any, course: TherapyCourse, administration_id: Any) -> Administration:
    """One dose of ``course`` (already checked as visible), or ``NotVisible``."""
    if not isinstance(administration_id, int):
        raise NotVisible(params={"administration": administration_id})
    found = course.administrations.filter(pk=administration_id).first()
    if found is None:
        raise NotVisible(params={"administration": administration_id})
    return found


def vaccinations_for(*, viewer: Any, patient: Patient) -> list[Vaccination]:
    _ensure_sees(viewer, patient)
    vaccinations = list(patient.vaccinations.order_by("-given_on", "-id"))
    _hide_free_text(viewer, patient, [], vaccinations)
    return vaccinations


def weights_for(*, viewer: Any, patient: Patient) -> list[WeightRecord]:
    _ensure_sees(viewer, patient)
    return list(patient.weights.order_by("-measured_on", "-id"))


@dataclass
class CourseSummary:
    """One course as the patient page shows it."""

    course: TherapyCourse
    drug_name: str
    administrations: list[Administration]
    adverse_events: list[AdverseEvent]
    due: list[schedules.DoseDue]
    findings: list[Finding]

    @property
    def doses_given(self) -> int:
        return len(self.administrations)

    @property
    def last_dose(self) -> Administration | None:
        return self.administrations[-1] if self.administrations else None

    @property
    def next_due(self) -> schedules.DoseDue | None:
        return self.due[0] if self.due else None

    @property
    def is_active(self) -> bool:
        return self.course.stopped_on is None


@dataclass
class TherapySummary:
    patient: Patient
    today: datetime.date
    courses: list[CourseSummary]
    vaccinations: list[Vaccination]
    weights: list[WeightRecord]
    can_write: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def active(self) -> list[CourseSummary]:
        return [c for c in self.courses if c.is_active]

    @property
    def stopped(self) -> list[CourseSummary]:
        return [c for c in self.courses if not c.is_active]

    @property
    def latest_weight(self) -> WeightRecord | None:
        return self.weights[0] if self.weights else None


def patient_therapy_summary(*, viewer: Any, patient: Patient, today: datetime.date) -> TherapySummary:
    """Every course of the patient with its doses, next due doses (with their rules) and findings.

    Reads the courses, doses, adverse events, vaccinations and weights in five queries; the rules
    run in memory (``qadam.therapy.schedules``).
    """
    _ensure_sees(viewer, patient)
    courses = _courses(patient)
    vaccinations = list(patient.vaccinations.order_by("-given_on", "-id"))
    weights = list(patient.weights.order_by("-measured_on", "-id"))
    _hide_free_text(viewer, patient, courses, vaccinations)
    doses = {c.pk: list(c.administrations.all()) for c in courses}
    summaries = []
    for course in courses:
        others = [(o, doses[o.pk]) for o in courses if o.pk != course.pk]
        findings = schedules.safety_findings(
            course,
            doses[course.pk],
            vaccinations,
            weights,
            today,
            birth_date=patient.birth_date,
            others=others,
        )
        if course.stopped_on is not None:
            findings = []
        summaries.append(
            CourseSummary(
                course=course,
                drug_name=course.drug_name(),
                administrations=doses[course.pk],
                adverse_events=list(course.adverse_events.all()),
                due=schedules.due_doses(course, doses[course.pk], today),
                findings=findings,
            )
        )
    summaries.sort(key=lambda s: (not s.is_active, -s.course.started_on.toordinal(), -(s.course.pk or 0)))
    return TherapySummary(
        patient=patient,
        today=today,
        courses=summaries,
        vaccinations=vaccinations,
        weights=weights,
        can_write=can_write_clinical(viewer, patient.center_id),
    )
