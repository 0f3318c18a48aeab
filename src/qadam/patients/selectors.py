"""Reading patient records, always through the viewer's access (``qadam.centers.selectors``).

``patients_visible_to`` is the one query every read starts from; a record outside it raises
``NotVisible`` (views answer 404, so nobody learns that a registry id exists). Viewers who may not
see a patient's identity (registry managers looking at other centers) get ``identity=None`` and
free-text notes blanked, because notes can carry names.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from qadam.centers.selectors import (
    CLINICAL_WRITERS,
    can_read_audit,
    can_see_patients,
    can_sign,
    can_view_center,
    can_write_clinical,
    centers_for,
    centers_where,
    is_registry_manager,
)
from qadam.core.exceptions import NotAllowed, NotVisible

from .iin import normalise_iin
from .models import Consent, Diagnosis, Icd10Code, Patient, PatientIdentity, SmaGenetics, SmaStatus

REDACTED = ""


def patients_visible_to(user: Any) -> QuerySet[Patient]:
    """Return every patient the user may see: their centers' patients, or all for registry managers."""
    if is_registry_manager(user):
        return Patient.objects.select_related("center")
    return Patient.objects.filter(center__in=centers_for(user)).select_related("center")


def patient_get(*, viewer: Any, registry_id: str) -> Patient:
    """Return the patient with ``registry_id`` or raise ``NotVisible``."""
    registry_id = (registry_id or "").strip().upper()
    patient = patients_visible_to(viewer).filter(registry_id=registry_id).first()
    if patient is None:
        raise NotVisible(params={"registry_id": registry_id})
    return patient


def ensure_visible(*, viewer: Any, patient: Patient) -> None:
    """Raise ``NotVisible`` unless the viewer may see ``patient``."""
    if not patients_visible_to(viewer).filter(pk=patient.pk).exists():
        raise NotVisible(params={"registry_id": patient.registry_id})


def ensure_permitted(*, user: Any, patient: Patient, allowed: Callable[[Any, int], bool] = can_write_clinical) -> None:
    """Raise ``NotVisible`` unless the user sees ``patient``, then ``NotAllowed`` unless ``allowed(user,
    center id)`` (by default: writes clinical data there).

    Decided on the patient's ``center_id`` as loaded, from the user's roles (no query once they are
    known). The write services check again on the row they lock or update in their transaction, so
    a patient moved to another center meanwhile is judged by where it is.
    """
    if not can_see_patients(user, patient.center_id):
        raise NotVisible(params={"registry_id": patient.registry_id})
    if not allowed(user, patient.center_id):
        raise NotAllowed(params={"center": patient.center.code})


def identity_visible(*, viewer: Any, patient: Patient) -> bool:
    """Return True if the viewer belongs to the patient's center (names and IINs stay there)."""
    return can_view_center(viewer, patient.center)


def patient_identity(*, viewer: Any, patient: Patient) -> PatientIdentity | None:
    """Return the identity when the viewer may see it and it exists, else None."""
    ensure_visible(viewer=viewer, patient=patient)
    if not identity_visible(viewer=viewer, patient=patient):
        return None
    return PatientIdentity.objects.filter(patient=patient).first()


@dataclass(frozen=True)
class PatientPermissions:
    """What the viewer may do with one patient (for showing or hiding actions)."""

    view_identity: bool
    edit: bool
    sign: bool
    read_audit: bool


def patient_permissions(*, viewer: Any, patient: Patient) -> PatientPermissions:
    """Return what the viewer may do with ``patient``; raise ``NotVisible`` if they cannot see it."""
    ensure_visible(viewer=viewer, patient=patient)
    return PatientPermissions(
        view_identity=identity_visible(viewer=viewer, patient=patient),
        edit=can_write_clinical(viewer, patient.center),
        sign=can_sign(viewer, patient.center),
        read_audit=can_read_audit(viewer, patient.center),
    )


def patient_search(*, viewer: Any, query: str = "") -> QuerySet[Patient]:
    """Search visible patients by registry id; by IIN or name only where identities are visible."""
    patients = patients_visible_to(viewer)
    query = (query or "").strip()
    if not query:
        return patients.order_by("-updated_at")
    by_registry_id = Q(registry_id__icontains=query.upper())
    own_centers = Q(center__in=centers_for(viewer))
    digits = normalise_iin(query)
    if digits.isdigit() and len(digits) == 12:
        by_identity = own_centers & Q(identity__iin=digits)
    else:
        by_identity = own_centers & Q(identity__full_name__icontains=query)
    return patients.filter(by_registry_id | by_identity).distinct().order_by("registry_id")


def recent_patients(*, viewer: Any, limit: int = 10) -> list[Patient]:
    """Return the most recently changed patients the viewer may see."""
    return list(patients_visible_to(viewer).order_by("-updated_at")[:limit])


def writable_centers(*, user: Any) -> QuerySet:
    """Return the centers where the user may register patients."""
    return centers_where(user, CLINICAL_WRITERS)


@dataclass
class PatientSummary:
    """Everything the patient page shows above the timeline."""

    patient: Patient
    identity: PatientIdentity | None
    permissions: PatientPermissions
    diagnoses: list[Diagnosis]
    sma_genetics: SmaGenetics | None
    sma_statuses: list[SmaStatus]
    consents: list[Consent]
    age_years: int
    notes_hidden: bool = False
    primary_diagnosis: Diagnosis | None = field(default=None)
    current_sma_status: SmaStatus | None = field(default=None)


def patient_summary(*, viewer: Any, patient: Patient) -> PatientSummary:
    """Return demographics, identity (if visible), diagnoses, SMA data and consents of ``patient``."""
    permissions = patient_permissions(viewer=viewer, patient=patient)
    hide_notes = not permissions.view_identity
    diagnoses = list(Diagnosis.objects.filter(patient=patient).select_related("icd10"))
    consents = list(Consent.objects.filter(patient=patient))
    if hide_notes:
        _blank_notes(diagnoses, consents)
    statuses = list(SmaStatus.objects.filter(patient=patient))
    return PatientSummary(
        patient=patient,
        identity=PatientIdentity.objects.filter(patient=patient).first() if permissions.view_identity else None,
        permissions=permissions,
        diagnoses=diagnoses,
        sma_genetics=SmaGenetics.objects.filter(patient=patient).first(),
        sma_statuses=statuses,
        consents=consents,
        age_years=age_on(patient.birth_date, timezone.localdate()),
        notes_hidden=hide_notes,
        primary_diagnosis=next((d for d in diagnoses if d.is_primary), None),
        current_sma_status=statuses[-1] if statuses else None,
    )


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Return the age in completed years on ``day``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def _blank_notes(*groups: list[Any]) -> None:
    # Instances are fresh from this query and never saved: services re-read what they change.
    for group in groups:
        for row in group:
            row.note = REDACTED


def icd10_choices(*, group: str | None = None) -> QuerySet[Icd10Code]:
    """Return the ICD-10 codes offered for diagnoses (optionally one group)."""
    codes = Icd10Code.objects.all()
    return codes.filter(group=group) if group else codes


@dataclass
class TimelineVisit:
    """A visit with its assessments, newest visit first."""

    visit: Any
    assessments: list[Any]


def patient_timeline(*, viewer: Any, patient: Patient) -> list[TimelineVisit]:
    """Return the patient's visits (newest first), each with its assessments."""
    from qadam.assessments.models import Assessment, Visit

    ensure_visible(viewer=viewer, patient=patient)
    hide_notes = not identity_visible(viewer=viewer, patient=patient)
    visits = (
        Visit.objects.filter(patient=patient)
        .select_related("center", "created_by")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("rater", "signed_by").order_by("id"))
        )
    )
    timeline = []
    for visit in visits:
        if hide_notes:
            visit.note = REDACTED
        timeline.append(TimelineVisit(visit=visit, assessments=list(visit.assessments.all())))
    return timeline


@dataclass(frozen=True)
class ResultRow:
    """One stored result of an instrument, for the table of results over time."""

    assessment_id: int
    visit_id: int
    assessed_on: datetime.date
    total: float | None
    band: str | None
    status: str
    complete: bool
    side: str | None
    subscores: dict[str, Any]
    scoring_version: str


SHOWN_STATUSES = ("completed", "signed", "amended")


def results_by_instrument(*, viewer: Any, patient: Patient) -> dict[str, list[ResultRow]]:
    """Return {instrument code: rows oldest first} of the patient's completed, signed or amended results."""
    from qadam.assessments.models import Assessment

    ensure_visible(viewer=viewer, patient=patient)
    rows: dict[str, list[ResultRow]] = defaultdict(list)
    assessments = Assessment.objects.filter(visit__patient=patient, status__in=SHOWN_STATUSES).order_by(
        "instrument", "assessed_on", "id"
    )
    for assessment in assessments:
        result = assessment.result or {}
        rows[assessment.instrument].append(
            ResultRow(
                assessment_id=assessment.pk,
                visit_id=assessment.visit_id,
                assessed_on=assessment.assessed_on,
                total=assessment.total,
                band=assessment.band,
                status=assessment.status,
                complete=bool(result.get("complete")),
                side=result.get("side"),
                subscores=dict(result.get("subscores") or {}),
                scoring_version=assessment.scoring_version,
            )
        )
    return dict(rows)
