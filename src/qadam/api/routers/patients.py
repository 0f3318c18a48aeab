"""Patients, their diagnoses, visits and assessments: ``/api/v1/patients``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from qadam.assessments import services as assessment_services
from qadam.centers.models import Center
from qadam.core.exceptions import Invalid
from qadam.patients import selectors, services

from .. import shapes
from ..pagination import PageQuery, paginate
from ..schemas import (
    AssessmentSummaryOut,
    DiagnosisIn,
    DiagnosisOut,
    Page,
    PatientDetailOut,
    PatientIn,
    PatientOut,
    TimelineOut,
    VisitIn,
    VisitOut,
)
from ..selectors import patient_timeline_visits, patient_with_identity

router = Router(tags=["patients"])

RegistryId = Path(
    ..., min_length=1, max_length=16, pattern=r"^[A-Za-z0-9-]+$", description="The registry id, e.g. KZ-7Q4M-2XD9"
)
Paging = Query(...)
Search = Query("", max_length=100, pattern=r"^[^\x00]*$", description="Registry id, or name or IIN in your centers")
InstrumentFilter = Query("", max_length=32, pattern=r"^[^\x00]*$", description="Only this instrument")


@router.get("", response=Page[PatientOut])
def list_patients(
    request,
    q: str = Search,
    paging: PageQuery = Paging,
):
    """The patients you may see, searched by registry id (and by name or IIN within your own centers)."""
    patients = selectors.patient_search(viewer=request.auth, query=q)
    return paginate(request, patients, paging, lambda rows: shapes.patients_out(request.auth, rows))


@router.post("", response={201: PatientDetailOut})
def register_patient(request, data: PatientIn):
    """Register a patient in one of your centers; the registry id is generated."""
    center = Center.objects.filter(code=data.center).first()
    if center is None:
        raise Invalid.field(
            "center", "center_unknown", _("There is no center with the code “%(value)s”."), {"value": data.center}
        )
    patient = services.patient_register(
        by=request.auth,
        center=center,
        birth_date=data.birth_date,
        sex=data.sex,
        full_name=data.full_name,
        iin=data.iin,
    )
    summary = selectors.patient_summary(viewer=request.auth, patient=patient)
    return Status(201, shapes.patient_detail_out(summary))


@router.get("/{registry_id}", response=PatientDetailOut)
def get_patient(request, registry_id: str = RegistryId):
    """One patient's record (recorded in the audit log as a view, like the patient page)."""
    patient = services.patient_view(viewer=request.auth, registry_id=registry_id)
    return shapes.patient_detail_out(selectors.patient_summary(viewer=request.auth, patient=patient))


@router.get("/{registry_id}/diagnoses", response=list[DiagnosisOut])
def list_diagnoses(request, registry_id: str = RegistryId):
    """The patient's diagnoses, the primary one first."""
    patient = selectors.patient_get(viewer=request.auth, registry_id=registry_id)
    summary = selectors.patient_summary(viewer=request.auth, patient=patient)
    return [shapes.diagnosis_out(diagnosis) for diagnosis in summary.diagnoses]


@router.post("/{registry_id}/diagnoses", response={201: DiagnosisOut})
def add_diagnosis(request, data: DiagnosisIn, registry_id: str = RegistryId):
    """Add a diagnosis; a new primary diagnosis makes the previous primary one secondary."""
    patient = selectors.patient_get(viewer=request.auth, registry_id=registry_id)
    diagnosis = services.diagnosis_add(
        by=request.auth,
        patient=patient,
        icd10=data.icd10,
        diagnosed_on=data.diagnosed_on,
        is_primary=data.is_primary,
        note=data.note,
    )
    return Status(201, shapes.diagnosis_out(diagnosis))


@router.get("/{registry_id}/visits", response=Page[VisitOut])
def list_visits(request, registry_id: str = RegistryId, paging: PageQuery = Paging):
    """The patient's visits, newest first, each with its assessments."""
    patient = selectors.patient_get(viewer=request.auth, registry_id=registry_id)
    window = ((paging.page - 1) * paging.page_size, paging.page_size)
    visits = patient_timeline_visits(viewer=request.auth, patient=patient, window=window)
    return paginate(request, visits, paging, lambda rows: shapes.timeline_visits_out(patient, rows))


@router.get("/{registry_id}/timeline", response=TimelineOut)
def get_timeline(request, registry_id: str = RegistryId, paging: PageQuery = Paging):
    """The patient's record header and their history: visits newest first, each with its assessments
    (instrument, status, total, band).

    A page costs the same few queries however long the history; the first page is the view a
    client opens with the patient. Identity as in the patient list (your centers only); not recorded
    as a view of the full record (that is ``GET /api/v1/patients/{registry_id}``).
    """
    patient, identity = patient_with_identity(viewer=request.auth, registry_id=registry_id)
    window = ((paging.page - 1) * paging.page_size, paging.page_size)
    visits = patient_timeline_visits(viewer=request.auth, patient=patient, window=window)
    page = paginate(request, visits, paging, lambda rows: shapes.timeline_visits_out(patient, rows))
    return {"patient": shapes.patient_out(patient, identity), **page}


@router.post("/{registry_id}/visits", response={201: VisitOut})
def create_visit(request, data: VisitIn, registry_id: str = RegistryId):
    """Record a visit of the patient at the patient's center."""
    patient = selectors.patient_get(viewer=request.auth, registry_id=registry_id)
    visit = assessment_services.visit_create(
        by=request.auth, patient=patient, visit_date=data.visit_date, kind=data.kind, note=data.note
    )
    return Status(201, shapes.visit_out(visit, patient.registry_id))


@router.get("/{registry_id}/assessments", response=Page[AssessmentSummaryOut])
def list_patient_assessments(
    request,
    registry_id: str = RegistryId,
    instrument: str = InstrumentFilter,
    paging: PageQuery = Paging,
):
    """The patient's assessments, newest visit first (optionally of one instrument)."""
    patient = selectors.patient_get(viewer=request.auth, registry_id=registry_id)
    timeline = selectors.patient_timeline(viewer=request.auth, patient=patient)
    assessments = [
        assessment
        for row in timeline
        for assessment in row.assessments
        if not instrument or assessment.instrument == instrument
    ]
    return paginate(request, assessments, paging, lambda rows: [shapes.assessment_summary_out(a) for a in rows])
