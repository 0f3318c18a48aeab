"""Therapies endpoints: ``/api/v1/therapies``.

- ``GET  /api/v1/therapies?patient=REGISTRY_ID``: the patient's courses with their doses, adverse
  events, next due doses (each with its rule) and safety findings, vaccinations and weights.
- ``POST /api/v1/therapies``: start a course.
- ``GET  /api/v1/therapies/{course_id}``: one course.
- ``POST /api/v1/therapies/{course_id}/administrations``: record a dose. A safety finding of
  severity ``block`` refuses it; ``warning`` findings refuse it unless ``acknowledge_warnings`` is
  true. Both answer 422 with the findings under ``findings``.
- ``POST /api/v1/therapies/{course_id}/stop``: stop a course (``row_version`` guards against a
  parallel change: 409).
- ``POST /api/v1/therapies/{course_id}/adverse-events``: record an adverse event.
- ``POST /api/v1/therapies/vaccinations`` and ``POST /api/v1/therapies/weights``: record a vaccination
  (the meningococcal ones count for the C5-inhibitor rule) or a weight (weight-based doses).

Permissions are the web app's: whoever sees the patient reads; clinical writers of the patient's
center write (403 for other viewers, 404 for everyone else). Writes are audited by the services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from qadam.assessments.models import Visit
from qadam.core.exceptions import Invalid
from qadam.core.validation import today
from qadam.patients import selectors as patient_selectors
from qadam.regimens import Finding
from qadam.therapy import selectors, services
from qadam.therapy.models import (
    Administration,
    AdverseEvent,
    Jurisdiction,
    Outcome,
    Regimen,
    Route,
    Severity,
    StopReason,
    TherapyCourse,
    Vaccine,
)
from qadam.therapy.schedules import DoseDue

from ..language import scales_language
from ..problems import ApiProblem
from ..schemas import BIGINT, Input, PlainText, RowVersion

router = Router(tags=["therapies"])

CourseId = Path(..., ge=1, le=BIGINT, description="The course id")
PatientQuery = Query(
    ..., min_length=1, max_length=16, pattern=r"^[A-Za-z0-9-]+$", description="The patient's registry id"
)
Amount = Decimal | None


# -- bodies -----------------------------------------------------------------------------------------


class RuleOut(Schema):
    code: str
    text: str = Field(description="The rule in the answer's language")
    source: str


class FindingOut(Schema):
    code: str
    severity: Literal["block", "warning", "info"]
    message: str
    source: str
    data: dict[str, Any]


class DueOut(Schema):
    kind: str
    label: str
    due: datetime.date = Field(description="The date to give it (as soon as possible when overdue)")
    window_start: datetime.date | None
    window_end: datetime.date | None = Field(description="None for a 'not before' date without deadline")
    overdue: bool
    overdue_since: datetime.date | None
    dose: float | None
    dose_unit: str
    rule: RuleOut


class AdministrationOut(Schema):
    id: int
    given_on: datetime.date
    dose: float | None
    dose_unit: str
    route: str
    weight_kg: float | None
    visit: int | None
    procedure: dict[str, Any]
    lot: str
    cycle_number: int | None
    override_reason: str
    acknowledged_findings: list[dict[str, Any]]
    note: str
    created_by: str
    created_at: datetime.datetime


class AdverseEventOut(Schema):
    id: int
    administration: int | None
    onset_on: datetime.date
    description: str
    severity: str
    serious: bool
    outcome: str
    created_at: datetime.datetime


class CourseOut(Schema):
    id: int
    patient: str
    center: str
    drug: str
    drug_name: str
    product: str
    started_on: datetime.date
    stopped_on: datetime.date | None
    stop_reason: str
    indication: str
    note: str
    jurisdiction: str
    regimen: str
    label_version: str
    prophylaxis_started_on: datetime.date | None
    row_version: int
    created_by: str
    created_at: datetime.datetime
    administrations: list[AdministrationOut]
    adverse_events: list[AdverseEventOut]
    due: list[DueOut]
    findings: list[FindingOut]


class VaccinationOut(Schema):
    id: int
    vaccine: str
    given_on: datetime.date
    note: str


class WeightOut(Schema):
    id: int
    measured_on: datetime.date
    weight_kg: float


class TherapiesOut(Schema):
    patient: str
    today: datetime.date
    courses: list[CourseOut]
    vaccinations: list[VaccinationOut]
    weights: list[WeightOut]


class CourseIn(Input):
    patient: PlainText = Field(max_length=16, description="The patient's registry id")
    drug: PlainText = Field(max_length=64, description="A drug code of the catalogue, or adjuvant:<CLASS>")
    started_on: datetime.date
    product: PlainText = Field("", max_length=64)
    indication: PlainText = Field("", max_length=5000)
    note: PlainText = Field("", max_length=5000)
    jurisdiction: Literal[tuple(Jurisdiction.values)] = "EU"  # type: ignore[valid-type]
    regimen: Literal[tuple(Regimen.values)] = "standard"  # type: ignore[valid-type]
    label_version: Literal["current", "previous"] = "current"
    prophylaxis_started_on: datetime.date | None = None


class AdministrationIn(Input):
    given_on: datetime.date
    dose: Amount = Field(None, ge=0, le=Decimal("9e15"))
    dose_unit: PlainText = Field("", max_length=32)
    route: Literal[tuple(Route.values)]  # type: ignore[valid-type]
    weight_kg: Amount = Field(None, gt=0, le=400)
    visit: int | None = Field(None, ge=1, le=BIGINT, description="A visit of the same patient")
    procedure: dict[str, Any] = Field(
        default_factory=dict,
        description="Intrathecal: {approach, imaging_guidance, needle_gauge, csf_removed_ml, attempts, sedation}; "
        "botulinum: {product, injections: [{muscle, side, units}]}",
    )
    lot: PlainText = Field("", max_length=64)
    cycle_number: int | None = Field(None, ge=1, le=1000)
    override_reason: PlainText = Field("", max_length=5000)
    note: PlainText = Field("", max_length=5000)
    acknowledge_warnings: bool = False


class StopIn(Input):
    stopped_on: datetime.date
    reason: Literal[tuple(StopReason.values)]  # type: ignore[valid-type]
    row_version: RowVersion
    note: PlainText = Field("", max_length=5000)


class VaccinationIn(Input):
    patient: PlainText = Field(max_length=16, description="The patient's registry id")
    vaccine: Literal[tuple(Vaccine.values)]  # type: ignore[valid-type]
    given_on: datetime.date
    note: PlainText = Field("", max_length=5000)


class WeightIn(Input):
    patient: PlainText = Field(max_length=16, description="The patient's registry id")
    measured_on: datetime.date
    weight_kg: Decimal = Field(gt=0, le=400)


class AdverseEventIn(Input):
    onset_on: datetime.date
    description: PlainText = Field(min_length=1, max_length=5000)
    severity: Literal[tuple(Severity.values)]  # type: ignore[valid-type]
    serious: bool = False
    outcome: Literal[tuple(Outcome.values)] = "unknown"  # type: ignore[valid-type]
    administration: int | None = Field(None, ge=1, le=BIGINT)


# -- shapes -----------------------------------------------------------------------------------------


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _finding_out(finding: Finding, lang: str) -> dict[str, Any]:
    data = finding.as_dict()
    return {**data, "message": finding.message.get(lang)}


def _due_out(due: DoseDue, lang: str) -> dict[str, Any]:
    return {
        "kind": due.kind,
        "label": due.label.get(lang),
        "due": due.due,
        "window_start": due.window_start,
        "window_end": due.window_end,
        "overdue": due.overdue,
        "overdue_since": due.overdue_since,
        "dose": due.dose,
        "dose_unit": due.dose_unit,
        "rule": {"code": due.rule.code, "text": due.rule.text.get(lang), "source": due.rule.source},
    }


def _administration_out(dose: Administration) -> dict[str, Any]:
    return {
        "id": dose.pk,
        "given_on": dose.given_on,
        "dose": _float(dose.dose),
        "dose_unit": dose.dose_unit,
        "route": dose.route,
        "weight_kg": _float(dose.weight_kg),
        "visit": dose.visit_id,
        "procedure": dose.procedure or {},
        "lot": dose.lot,
        "cycle_number": dose.cycle_number,
        "override_reason": dose.override_reason,
        "acknowledged_findings": dose.findings or [],
        "note": dose.note,
        "created_by": dose.created_by.get_username(),
        "created_at": dose.created_at,
    }


def _event_out(event: AdverseEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "administration": event.administration_id,
        "onset_on": event.onset_on,
        "description": event.description,
        "severity": event.severity,
        "serious": event.serious,
        "outcome": event.outcome,
        "created_at": event.created_at,
    }


def _course_out(item: selectors.CourseSummary, lang: str) -> dict[str, Any]:
    course = item.course
    return {
        "id": course.pk,
        "patient": course.patient.registry_id,
        "center": course.patient.center.code,
        "drug": course.drug,
        "drug_name": course.drug_name(lang),
        "product": course.product,
        "started_on": course.started_on,
        "stopped_on": course.stopped_on,
        "stop_reason": course.stop_reason,
        "indication": course.indication,
        "note": course.note,
        "jurisdiction": course.jurisdiction,
        "regimen": course.regimen,
        "label_version": course.label_version,
        "prophylaxis_started_on": course.prophylaxis_started_on,
        "row_version": course.row_version,
        "created_by": course.created_by.get_username(),
        "created_at": course.created_at,
        "administrations": [_administration_out(a) for a in item.administrations],
        "adverse_events": [_event_out(e) for e in item.adverse_events],
        "due": [_due_out(d, lang) for d in item.due],
        "findings": [_finding_out(f, lang) for f in item.findings],
    }


def _summary(request: Any, patient: Any) -> selectors.TherapySummary:
    return selectors.patient_therapy_summary(viewer=request.auth, patient=patient, today=today())


def _one_course(request: Any, course: TherapyCourse) -> dict[str, Any]:
    summary = _summary(request, course.patient)
    item = next(c for c in summary.courses if c.course.pk == course.pk)
    return _course_out(item, scales_language())


# -- endpoints --------------------------------------------------------------------------------------


@router.get("", response=TherapiesOut)
def list_therapies(request, patient: str = PatientQuery):
    """The patient's courses (active first) with doses, adverse events, next due doses and findings."""
    found = patient_selectors.patient_get(viewer=request.auth, registry_id=patient)
    summary = _summary(request, found)
    lang = scales_language()
    return {
        "patient": found.registry_id,
        "today": summary.today,
        "courses": [_course_out(item, lang) for item in summary.courses],
        "vaccinations": [
            {"id": v.pk, "vaccine": v.vaccine, "given_on": v.given_on, "note": v.note} for v in summary.vaccinations
        ],
        "weights": [
            {"id": w.pk, "measured_on": w.measured_on, "weight_kg": float(w.weight_kg)} for w in summary.weights
        ],
    }


@router.post("", response={201: CourseOut})
def start_course(request, data: CourseIn):
    """Start a course for a patient of one of your centers."""
    patient = patient_selectors.patient_get(viewer=request.auth, registry_id=data.patient)
    fields = data.model_dump(exclude={"patient"})
    course = services.course_start(by=request.auth, patient=patient, **fields)
    return Status(201, _one_course(request, course))


@router.post("/vaccinations", response={201: VaccinationOut})
def record_vaccination(request, data: VaccinationIn):
    """Record a vaccination of a patient of one of your centers."""
    patient = patient_selectors.patient_get(viewer=request.auth, registry_id=data.patient)
    made = services.vaccination_record(
        by=request.auth, patient=patient, vaccine=data.vaccine, given_on=data.given_on, note=data.note
    )
    return Status(201, {"id": made.pk, "vaccine": made.vaccine, "given_on": made.given_on, "note": made.note})


@router.post("/weights", response={201: WeightOut})
def record_weight(request, data: WeightIn):
    """Record a weight of a patient of one of your centers."""
    patient = patient_selectors.patient_get(viewer=request.auth, registry_id=data.patient)
    made = services.weight_record(
        by=request.auth, patient=patient, measured_on=data.measured_on, weight_kg=data.weight_kg
    )
    return Status(201, {"id": made.pk, "measured_on": made.measured_on, "weight_kg": float(made.weight_kg)})


@router.get("/{course_id}", response=CourseOut)
def get_course(request, course_id: int = CourseId):
    """One course with its doses, adverse events, next due doses and findings."""
    course = selectors.course_get(viewer=request.auth, course_id=course_id)
    return _one_course(request, course)


@router.post("/{course_id}/administrations", response={201: AdministrationOut})
def record_administration(request, data: AdministrationIn, course_id: int = CourseId):
    """Record a dose; refused with 422 and the findings when it breaks a safety rule."""
    course = selectors.course_get(viewer=request.auth, course_id=course_id)
    visit = None
    if data.visit is not None:
        visit = Visit.objects.filter(pk=data.visit, patient_id=course.patient_id).first()
        if visit is None:
            raise Invalid.field("visit", "visit_other_patient", _("The visit must be one of this patient's visits."))
    fields = data.model_dump(exclude={"visit"})
    try:
        dose = services.administration_record(by=request.auth, course=course, visit=visit, **fields)
    except Invalid as error:
        findings = getattr(error, "findings", None)
        if not findings:
            raise
        lang = scales_language()
        errors = [
            {"code": m.code, "field": field or None, "message": str(m)}
            for field, messages in error.errors.items()
            for m in messages
        ]
        raise ApiProblem(
            "validation",
            error.code,
            error.message,
            errors=errors,
            extra={"findings": [_finding_out(f, lang) for f in findings]},
        ) from None
    return Status(201, _administration_out(dose))


@router.post("/{course_id}/stop", response=CourseOut)
def stop_course(request, data: StopIn, course_id: int = CourseId):
    """Stop an active course on a date, for a reason."""
    course = selectors.course_get(viewer=request.auth, course_id=course_id)
    stopped = services.course_stop(
        by=request.auth,
        course=course,
        stopped_on=data.stopped_on,
        reason=data.reason,
        note=data.note,
        expected_version=data.row_version,
    )
    return _one_course(request, stopped)


@router.post("/{course_id}/adverse-events", response={201: AdverseEventOut})
def record_adverse_event(request, data: AdverseEventIn, course_id: int = CourseId):
    """Record an adverse event of a course, optionally linked to one of its doses."""
    course = selectors.course_get(viewer=request.auth, course_id=course_id)
    administration = None
    if data.administration is not None:
        administration = course.administrations.filter(pk=data.administration).first()
        if administration is None:
            raise Invalid.field(
                "administration", "administration_other_course", _("The dose must belong to this course.")
            )
    fields = data.model_dump(exclude={"administration"})
    event = services.adverse_event_record(by=request.auth, course=course, administration=administration, **fields)
    return Status(201, _event_out(event))
