"""One assessment: read it, save responses, complete, sign and amend: ``/api/v1/assessments``."""

from __future__ import annotations

from ninja import Router

from qadam.assessments import selectors, services

from .. import shapes
from ..schemas import (
    AssessmentAmendIn,
    AssessmentCompleteIn,
    AssessmentDetailOut,
    AssessmentOut,
    AssessmentSaveIn,
    AssessmentSignIn,
)

router = Router(tags=["assessments"])


@router.get("/{assessment_id}", response=AssessmentDetailOut)
def get_assessment(request, assessment_id: int):
    """The assessment with its responses, stored result and earlier signed versions."""
    assessment = selectors.assessment_get(viewer=request.auth, assessment_id=assessment_id)
    revisions = selectors.assessment_revisions(viewer=request.auth, assessment=assessment)
    return {**shapes.assessment_out(assessment), "revisions": [shapes.revision_out(r) for r in revisions]}


@router.put("/{assessment_id}/responses", response=AssessmentOut)
def save_responses(request, assessment_id: int, data: AssessmentSaveIn):
    """Replace the item responses of a draft (a completed assessment reopens as a draft) and rescore.

    Invalid values are refused with every problem listed (422) and nothing is saved; missing items
    are allowed in a draft. ``row_version`` must be the one you read (409 otherwise).
    """
    assessment = selectors.assessment_get(viewer=request.auth, assessment_id=assessment_id)
    return shapes.assessment_out(
        services.assessment_save(
            by=request.auth,
            assessment=assessment,
            responses=data.responses,
            context=assessment.context if data.context is None else data.context,
            expected_version=data.row_version,
        )
    )


@router.post("/{assessment_id}/complete", response=AssessmentOut)
def complete_assessment(request, assessment_id: int, data: AssessmentCompleteIn):
    """Mark a draft complete: every item needs a value or a reason why it was not tested."""
    assessment = selectors.assessment_get(viewer=request.auth, assessment_id=assessment_id)
    return shapes.assessment_out(
        services.assessment_complete(by=request.auth, assessment=assessment, expected_version=data.row_version)
    )


@router.post("/{assessment_id}/sign", response=AssessmentOut)
def sign_assessment(request, assessment_id: int, data: AssessmentSignIn):
    """Sign a completed or amended assessment; your password is checked again."""
    assessment = selectors.assessment_get(viewer=request.auth, assessment_id=assessment_id)
    return shapes.assessment_out(
        services.assessment_sign(
            by=request.auth, assessment=assessment, password=data.password, expected_version=data.row_version
        )
    )


@router.post("/{assessment_id}/amend", response=AssessmentOut)
def amend_assessment(request, assessment_id: int, data: AssessmentAmendIn):
    """Change a signed assessment with a reason; the signed version is kept and the change awaits signing."""
    assessment = selectors.assessment_get(viewer=request.auth, assessment_id=assessment_id)
    return shapes.assessment_out(
        services.assessment_amend(
            by=request.auth,
            assessment=assessment,
            responses=data.responses,
            context=assessment.context if data.context is None else data.context,
            reason=data.reason,
            expected_version=data.row_version,
        )
    )
