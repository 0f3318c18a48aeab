"""Visits and assessments: start, save, complete, sign (with the password), amend (with a reason).

Status flow::

    draft ──complete──▶ completed ──sign──▶ signed ──amend──▶ amended ──sign──▶ signed …
      ▲                    │
      └──────save──────────┘   (saving a completed assessment reopens it as a draft)

Every write locks the assessment row, compares ``expected_version`` with ``row_version`` (raising
``Conflict`` when someone else saved first), writes, and appends the audit entry in the same
transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam import scales
from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.centers.selectors import can_sign, can_write_clinical
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed
from qadam.core.validation import choice_problems, date_problems, raise_if_any, reason_problems, text_problems
from qadam.patients.models import Patient
from qadam.patients.selectors import age_on, ensure_visible

from .models import Assessment, AssessmentRevision, Status, Visit, VisitKind
from .scoring import contains_nul, score_for_storage

STATUS_MESSAGE = _("This action is not possible while the assessment is %(status)s.")


def visit_create(*, by: Any, patient: Patient, visit_date: datetime.date, kind: str, note: str = "") -> Visit:
    """Record a visit of ``patient`` at the patient's center."""
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient)
    raise_if_any(
        {
            "visit_date": date_problems(visit_date, not_before=patient.birth_date),
            "kind": choice_problems(kind, VisitKind),
            "note": text_problems(note),
        }
    )
    with transaction.atomic():
        visit = Visit.objects.create(
            patient=patient, visit_date=visit_date, kind=kind, center=patient.center, created_by=by, note=note
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=visit,
            patient=patient,
            changes={"visit_date": [None, visit_date], "kind": [None, kind], "center": [None, patient.center.code]},
        )
        Patient.objects.filter(pk=patient.pk).update(updated_at=timezone.now())
    return visit


def assessment_start(*, by: Any, visit: Visit, instrument: str) -> Assessment:
    """Open a draft assessment of ``instrument`` in ``visit``; sex and age are filled in when the
    instrument asks for them, from the patient's record on the visit date."""
    patient = _patient_of(visit)
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient)
    definition = scales.INSTRUMENTS.get(instrument)
    if definition is None:
        raise Invalid.field(
            "instrument",
            "instrument_unknown",
            _("There is no instrument with the code “%(value)s”."),
            {"value": instrument},
        )
    context = _context_from_patient(definition, patient, visit.visit_date)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            visit=visit,
            instrument=definition.code,
            instrument_version=definition.version,
            scoring_version=definition.scoring_version,
            responses={},
            context=context,
            status=Status.DRAFT,
            rater=by,
            assessed_on=visit.visit_date,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=assessment,
            patient=patient,
            changes={
                "instrument": [None, definition.code],
                "instrument_version": [None, definition.version],
                "context": [None, context],
            },
        )
    return assessment


def _context_from_patient(definition: scales.Instrument, patient: Patient, day: datetime.date) -> dict[str, Any]:
    known = {"sex": patient.sex, "age": age_on(patient.birth_date, day)}
    return {name: value for name, value in known.items() if name in definition.context_by_name}


def assessment_save(
    *, by: Any, assessment: Assessment, responses: Mapping[str, Any], context: Mapping[str, Any], expected_version: int
) -> Assessment:
    """Save item responses of a draft (or reopen a completed one as a draft) with the computed result.

    Invalid values raise ``Invalid`` whose ``problems`` are the engine's, and nothing is saved;
    missing items are allowed in a draft (the result says what is missing).
    """
    patient = _patient_of(assessment.visit)
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient)
    with transaction.atomic():
        locked = _lock(assessment, expected_version)
        _require_status(locked, {Status.DRAFT, Status.COMPLETED})
        scoring = _score(locked.instrument, responses, context)
        changes = _store(locked, scoring)
        if locked.status != Status.DRAFT:
            changes["status"] = [locked.status, Status.DRAFT]
            locked.status = Status.DRAFT
        _save(locked)
        audit_record(actor=by, action=Action.UPDATE, obj=locked, patient=patient, changes=changes)
    return locked


def assessment_complete(*, by: Any, assessment: Assessment, expected_version: int) -> Assessment:
    """Mark a draft complete: every item needs a value or a reason why it was not tested."""
    patient = _patient_of(assessment.visit)
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient)
    with transaction.atomic():
        locked = _lock(assessment, expected_version)
        _require_status(locked, {Status.DRAFT})
        scoring = _score(locked.instrument, locked.responses, locked.context)
        _require_no_missing(scoring.result)
        changes = _store(locked, scoring)
        changes["status"] = [locked.status, Status.COMPLETED]
        locked.status = Status.COMPLETED
        _save(locked)
        audit_record(actor=by, action=Action.UPDATE, obj=locked, patient=patient, changes=changes)
    return locked


def assessment_sign(
    *, by: Any, assessment: Assessment, password: str, expected_version: int | None = None
) -> Assessment:
    """Sign a completed (or amended) assessment after checking the signer's password again.

    Only clinicians of the patient's center sign. ``expected_version``, when given, makes sure the
    signer signs the version they looked at.
    """
    patient = _patient_of(assessment.visit)
    ensure_visible(viewer=by, patient=patient)
    if not can_sign(by, patient.center):
        raise NotAllowed(params={"center": patient.center.code})
    if not isinstance(password, str) or not by.check_password(password):
        raise Invalid.field(
            "password", "wrong_password", _("The password is not correct. The assessment was not signed.")
        )
    with transaction.atomic():
        locked = _lock(assessment, expected_version)
        _require_status(locked, {Status.COMPLETED, Status.AMENDED})
        before = locked.status
        locked.status = Status.SIGNED
        locked.signed_by = by
        locked.signed_at = timezone.now()
        _save(locked)
        audit_record(
            actor=by,
            action=Action.SIGN,
            obj=locked,
            patient=patient,
            changes={"status": [before, Status.SIGNED], "signed_by": [None, by.get_username()]},
        )
    return locked


def assessment_amend(
    *,
    by: Any,
    assessment: Assessment,
    responses: Mapping[str, Any],
    context: Mapping[str, Any],
    reason: str,
    expected_version: int,
) -> Assessment:
    """Change a signed assessment: the signed version is kept as an ``AssessmentRevision``, the new
    version is complete, carries the reason and waits for a new signature (status ``amended``).

    Amending again before the new signature changes the pending amendment; the revision still holds
    the last signed version.
    """
    patient = _patient_of(assessment.visit)
    ensure_visible(viewer=by, patient=patient)
    if not can_sign(by, patient.center):
        raise NotAllowed(params={"center": patient.center.code})
    raise_if_any({"reason": reason_problems(reason)})
    with transaction.atomic():
        locked = _lock(assessment, expected_version)
        _require_status(locked, {Status.SIGNED, Status.AMENDED})
        scoring = _score(locked.instrument, responses, context)
        _require_no_missing(scoring.result)
        if scoring.responses == locked.responses and scoring.context == locked.context:
            raise Invalid.field(
                "responses",
                "amendment_unchanged",
                _("The amendment changes nothing: no response or context value differs."),
            )
        if locked.status == Status.SIGNED:
            _keep_signed_version(locked, by, reason)
        changes = _store(locked, scoring)
        changes["status"] = [locked.status, Status.AMENDED]
        locked.status = Status.AMENDED
        locked.signed_by = None
        locked.signed_at = None
        _save(locked)
        audit_record(actor=by, action=Action.AMEND, obj=locked, patient=patient, changes=changes, reason=reason)
    return locked


def _keep_signed_version(assessment: Assessment, by: Any, reason: str) -> AssessmentRevision:
    number = assessment.revisions.count() + 1
    return AssessmentRevision.objects.create(
        assessment=assessment,
        number=number,
        status_before=assessment.status,
        instrument_version=assessment.instrument_version,
        assessed_on=assessment.assessed_on,
        responses=assessment.responses,
        context=assessment.context,
        result=assessment.result,
        total=assessment.total,
        band=assessment.band,
        scoring_version=assessment.scoring_version,
        signed_by=assessment.signed_by,
        signed_at=assessment.signed_at,
        reason=reason,
        author=by,
    )


@dataclass(frozen=True)
class Preview:
    """The running result while a rater types: a ``Result`` or the problems found so far."""

    result: scales.Result | None
    problems: list[scales.Problem] = field(default_factory=list)


def assessment_preview(*, instrument: str, responses: Mapping[str, Any], context: Mapping[str, Any]) -> Preview:
    """Score without saving anything (for the live total and band in the form)."""
    try:
        return Preview(result=scales.score(instrument, responses, context))
    except scales.ScaleError as error:
        return Preview(result=None, problems=list(error.problems))


def _patient_of(visit: Visit) -> Patient:
    return Patient.objects.select_related("center").get(pk=visit.patient_id)


def _require_writer(by: Any, patient: Patient) -> None:
    if not can_write_clinical(by, patient.center):
        raise NotAllowed(params={"center": patient.center.code})


def _lock(assessment: Assessment, expected_version: int | None) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise Conflict(params={"expected": expected_version, "current": locked.row_version})
    return locked


def _require_status(assessment: Assessment, allowed: set[str]) -> None:
    if assessment.status not in allowed:
        raise InvalidState("assessment_status", STATUS_MESSAGE, {"status": Status(assessment.status).label})


def _score(instrument_code: str, responses: Any, context: Any):
    if not isinstance(responses, Mapping) or not isinstance(context, Mapping):
        raise Invalid.field("responses", "responses_invalid", _("Responses and context must be sets of named values."))
    if contains_nul(responses) or contains_nul(context):
        raise Invalid.field(
            "responses", "text_null_character", _("The text contains a NUL character, which cannot be stored.")
        )
    try:
        return score_for_storage(scales.get(instrument_code), responses, context)
    except scales.ScaleError as error:
        raise Invalid(
            "scale_problems", _("Some responses are not valid; nothing was saved."), problems=error.problems
        ) from None


def _require_no_missing(result: scales.Result) -> None:
    if result.missing:
        raise Invalid.field(
            "responses",
            "items_missing",
            _(
                "Every item needs a value or a reason why it was not tested before the assessment can be "
                "completed. Missing: %(items)s."
            ),
            {"items": ", ".join(result.missing)},
        )


def _store(assessment: Assessment, scoring: Any) -> dict[str, list]:
    """Put the scored input on the row and return the audit changes (item by item)."""
    changes: dict[str, list] = {}
    old, new = assessment.responses or {}, scoring.responses
    for item in sorted(set(old) | set(new)):
        if old.get(item) != new.get(item):
            changes[f"responses.{item}"] = [old.get(item), new.get(item)]
    if (assessment.context or {}) != scoring.context:
        changes["context"] = [assessment.context, scoring.context]
    result = scoring.result
    total = None if result.total is None else float(result.total)
    if assessment.total != total:
        changes["total"] = [assessment.total, total]
    if assessment.band != result.band:
        changes["band"] = [assessment.band, result.band]
    if assessment.scoring_version != result.scoring_version:
        changes["scoring_version"] = [assessment.scoring_version, result.scoring_version]
    assessment.responses = scoring.responses
    assessment.context = scoring.context
    assessment.result = result.as_dict()
    assessment.total = total
    assessment.band = result.band
    assessment.instrument_version = result.version
    assessment.scoring_version = result.scoring_version
    return changes


def _save(assessment: Assessment) -> None:
    assessment.row_version += 1
    assessment.save()
