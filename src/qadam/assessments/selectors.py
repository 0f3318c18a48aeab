"""Reading visits and assessments through the viewer's access (see ``qadam.patients.selectors``)."""

from __future__ import annotations

import copy
from typing import Any

from qadam.core.exceptions import NotVisible
from qadam.patients.selectors import identity_visible, patients_visible_to

from .models import Assessment, AssessmentRevision, Visit


def visit_get(*, viewer: Any, visit_id: int) -> Visit:
    """Return the visit if the viewer may see its patient, else raise ``NotVisible``."""
    visit = (
        Visit.objects.filter(pk=_int(visit_id), patient__in=patients_visible_to(viewer))
        .select_related("patient", "patient__center", "center", "created_by")
        .first()
    )
    if visit is None:
        raise NotVisible(params={"visit_id": visit_id})
    if not identity_visible(viewer=viewer, patient=visit.patient):
        visit.note = ""
    return visit


def assessment_get(*, viewer: Any, assessment_id: int) -> Assessment:
    """Return the assessment if the viewer may see its patient, else raise ``NotVisible``.

    Viewers without access to identities get the not-tested notes blanked (free text may name people).
    """
    assessment = (
        Assessment.objects.filter(pk=_int(assessment_id), visit__patient__in=patients_visible_to(viewer))
        .select_related("visit", "visit__patient", "visit__patient__center", "rater", "signed_by")
        .first()
    )
    if assessment is None:
        raise NotVisible(params={"assessment_id": assessment_id})
    if not identity_visible(viewer=viewer, patient=assessment.visit.patient):
        assessment.responses = _without_notes(assessment.responses)
        assessment.visit.note = ""
    return assessment


def assessment_revisions(*, viewer: Any, assessment: Assessment) -> list[AssessmentRevision]:
    """Return the earlier signed versions of ``assessment``, oldest first."""
    visible = assessment_get(viewer=viewer, assessment_id=assessment.pk)
    revisions = list(AssessmentRevision.objects.filter(assessment=visible).select_related("author", "signed_by"))
    if not identity_visible(viewer=viewer, patient=visible.visit.patient):
        for revision in revisions:
            revision.responses = _without_notes(revision.responses)
    return revisions


def visit_assessments(*, viewer: Any, visit: Visit) -> list[Assessment]:
    """Return the assessments of a visit the viewer may see."""
    visible = visit_get(viewer=viewer, visit_id=visit.pk)
    assessments = list(Assessment.objects.filter(visit=visible).select_related("rater", "signed_by").order_by("id"))
    if not identity_visible(viewer=viewer, patient=visible.patient):
        for assessment in assessments:
            assessment.responses = _without_notes(assessment.responses)
    return assessments


def _without_notes(responses: dict[str, Any]) -> dict[str, Any]:
    cleaned = copy.deepcopy(responses or {})
    for value in cleaned.values():
        if isinstance(value, dict) and "note" in value:
            value["note"] = ""
    return cleaned


def _int(value: Any) -> int:
    # Ids come from URLs; anything that is not a positive integer simply matches nothing.
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 < number < 2**63 else -1
