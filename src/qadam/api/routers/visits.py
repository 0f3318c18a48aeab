"""Visits and the assessments recorded in them: ``/api/v1/visits``."""

from __future__ import annotations

from ninja import Router, Status

from qadam.assessments import selectors, services

from .. import shapes
from ..schemas import AssessmentCreateIn, AssessmentOut, AssessmentSummaryOut, VisitOut
from ..selectors import visit_for_recording

router = Router(tags=["visits"])


@router.get("/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: int):
    """One visit with its assessments."""
    visit = selectors.visit_get(viewer=request.auth, visit_id=visit_id)
    assessments = selectors.visit_assessments(viewer=request.auth, visit=visit)
    return shapes.visit_out(visit, visit.patient.registry_id, assessments)


@router.get("/{visit_id}/assessments", response=list[AssessmentSummaryOut])
def list_visit_assessments(request, visit_id: int):
    """The assessments of one visit, in the order they were started."""
    visit = selectors.visit_get(viewer=request.auth, visit_id=visit_id)
    return [shapes.assessment_summary_out(a) for a in selectors.visit_assessments(viewer=request.auth, visit=visit)]


@router.post("/{visit_id}/assessments", response={201: AssessmentOut})
def create_assessment(request, visit_id: int, data: AssessmentCreateIn):
    """Record an administration: the server validates and scores the item responses with ``qadam.scales``.

    ``status`` ``draft`` (default) may miss items; ``completed`` needs every item answered or not
    tested; ``signed`` also needs your ``password`` (only clinicians of the patient's center sign).
    Nothing is stored when any value is invalid (422 with every problem listed).
    """
    visit = visit_for_recording(viewer=request.auth, visit_id=visit_id)
    assessment = services.assessment_record(
        by=request.auth,
        visit=visit,
        instrument=data.instrument,
        responses=data.responses,
        context=data.context,
        status=data.status,
        password=data.password,
    )
    return Status(201, shapes.assessment_out(assessment))
