"""Visits and assessments: start, save, complete, sign (with the password), amend (with a reason).

Status flow::

    draft ──complete──▶ completed ──sign──▶ signed ──amend──▶ amended ──sign──▶ signed …
      ▲                    │
      └──────save──────────┘   (saving a completed assessment reopens it as a draft)

Every write locks the assessment row, compares ``expected_version`` with ``row_version`` (raising
``Conflict`` when someone else saved first), writes, and appends the audit entry in the same
transaction. ``assessment_record`` records a whole administration (draft, completed or signed) in
one call, for imports, the demo and clients that send complete responses.

Access is checked before any work on the patient as the caller loaded it (the objects the selectors
and these services return carry their visit, patient and center, so the check costs no query), and
checked again inside the transaction on the rows just locked, so the decision is made on the
patient's current center: a new assessment claims the patient's row (``claim_patient``: its
``updated_at``, only while it is still at that center), a change locks the assessment's row with its
visit, patient and center. The audit entries are appended last, so the chain head, which every
writer waits for, stays locked only for the insert and the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.db.models import signals
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam import scales
from qadam.audit.models import Action
from qadam.audit.services import AuditEvent, audit_record, audit_record_many
from qadam.centers.selectors import can_sign, can_write_clinical
from qadam.core.exceptions import Conflict, Invalid, InvalidState, Message
from qadam.core.validation import choice_problems, date_problems, raise_if_any, reason_problems, text_problems
from qadam.patients.models import Patient
from qadam.patients.selectors import age_on, ensure_permitted
from qadam.patients.services import claim_patient

from .models import Assessment, AssessmentRevision, Status, Visit, VisitKind
from .scoring import contains_nul, score_for_storage

STATUS_MESSAGE = _("This action is not possible while the assessment is %(status)s.")
RECORDABLE_STATUSES = (Status.DRAFT, Status.COMPLETED, Status.SIGNED)
SCORED_FIELDS = ("responses", "context", "result", "total", "band", "instrument_version", "scoring_version")
SIGNATURE_FIELDS = ("signed_by", "signed_at")


def visit_create(*, by: Any, patient: Patient, visit_date: datetime.date, kind: str, note: str = "") -> Visit:
    """Record a visit of ``patient`` at the patient's center."""
    ensure_permitted(user=by, patient=patient)
    raise_if_any(
        {
            "visit_date": date_problems(visit_date, not_before=patient.birth_date),
            "kind": choice_problems(kind, VisitKind),
            "note": text_problems(note),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
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
    return visit


def assessment_start(*, by: Any, visit: Visit, instrument: str) -> Assessment:
    """Open a draft assessment of ``instrument`` in ``visit``; sex and age are filled in when the
    instrument asks for them, from the patient's record on the visit date."""
    patient = _patient_of(visit)
    ensure_permitted(user=by, patient=patient)
    definition = instrument_definition(instrument)
    context = context_from_patient(definition, patient, visit.visit_date)
    with transaction.atomic():
        patient = claim_patient(by, patient)
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


def instrument_definition(instrument: Any) -> scales.Instrument:
    """The catalogue definition of an instrument code, or ``Invalid`` naming the field ``instrument``."""
    definition = scales.INSTRUMENTS.get(instrument) if isinstance(instrument, str) else None
    if definition is None:
        raise Invalid.field(
            "instrument",
            "instrument_unknown",
            _("There is no instrument with the code “%(value)s”."),
            {"value": instrument},
        )
    return definition


def context_from_patient(definition: scales.Instrument, patient: Patient, day: datetime.date) -> dict[str, Any]:
    """The context values the registry already knows (sex, age on ``day``) that the instrument asks for."""
    known = {"sex": patient.sex, "age": age_on(patient.birth_date, day)}
    return {name: value for name, value in known.items() if name in definition.context_by_name}


def assessment_save(
    *, by: Any, assessment: Assessment, responses: Mapping[str, Any], context: Mapping[str, Any], expected_version: int
) -> Assessment:
    """Save item responses of a draft (or reopen a completed one as a draft) with the computed result.

    Invalid values raise ``Invalid`` whose ``problems`` are the engine's, and nothing is saved;
    missing items are allowed in a draft (the result says what is missing).
    """
    ensure_permitted(user=by, patient=_patient_of_assessment(assessment))
    with transaction.atomic():
        locked = _lock(by, assessment, expected_version)
        _require_status(locked, {Status.DRAFT, Status.COMPLETED})
        scoring = score_responses(locked.instrument, responses, context)
        changes = store_result(locked, scoring)
        if locked.status != Status.DRAFT:
            changes["status"] = [locked.status, Status.DRAFT]
            locked.status = Status.DRAFT
        _save(locked, *SCORED_FIELDS, "status")
        audit_record(actor=by, action=Action.UPDATE, obj=locked, patient=locked.visit.patient, changes=changes)
    return locked


def assessment_complete(*, by: Any, assessment: Assessment, expected_version: int) -> Assessment:
    """Mark a draft complete: every item needs a value or a reason why it was not tested."""
    ensure_permitted(user=by, patient=_patient_of_assessment(assessment))
    with transaction.atomic():
        locked = _lock(by, assessment, expected_version)
        _require_status(locked, {Status.DRAFT})
        scoring = score_responses(locked.instrument, locked.responses, locked.context)
        _require_no_missing(scoring.result)
        changes = store_result(locked, scoring)
        changes["status"] = [locked.status, Status.COMPLETED]
        locked.status = Status.COMPLETED
        _save(locked, *SCORED_FIELDS, "status")
        audit_record(actor=by, action=Action.UPDATE, obj=locked, patient=locked.visit.patient, changes=changes)
    return locked


def assessment_sign(
    *, by: Any, assessment: Assessment, password: str, expected_version: int | None = None
) -> Assessment:
    """Sign a completed (or amended) assessment after checking the signer's password again.

    Only clinicians of the patient's center sign. ``expected_version``, when given, makes sure the
    signer signs the version they looked at.
    """
    ensure_permitted(user=by, patient=_patient_of_assessment(assessment), allowed=can_sign)
    # Outside the transaction: a deliberately slow hash must not hold the database's write lock.
    _check_password(by, password)
    with transaction.atomic():
        locked = _lock(by, assessment, expected_version, allowed=can_sign)
        _require_status(locked, {Status.COMPLETED, Status.AMENDED})
        before = locked.status
        locked.status = Status.SIGNED
        locked.signed_by = by
        locked.signed_at = timezone.now()
        _save(locked, "status", *SIGNATURE_FIELDS)
        audit_record(
            actor=by,
            action=Action.SIGN,
            obj=locked,
            patient=locked.visit.patient,
            changes={"status": [before, Status.SIGNED], "signed_by": [None, by.get_username()]},
        )
    return locked


def _check_password(by: Any, password: Any) -> None:
    if not isinstance(password, str) or not by.check_password(password):
        raise Invalid.field(
            "password", "wrong_password", _("The password is not correct. The assessment was not signed.")
        )


def assessment_record(
    *,
    by: Any,
    visit: Visit,
    instrument: str,
    responses: Mapping[str, Any],
    context: Mapping[str, Any],
    status: str = Status.COMPLETED,
    password: str | None = None,
    preauthenticated: bool = False,
    reason: str = "",
) -> Assessment:
    """Record a whole administration in one call, as a draft, completed or signed assessment.

    What is stored is what ``assessment_start`` → ``assessment_save`` → ``assessment_complete`` →
    ``assessment_sign`` store (the same checks, scoring and normal form), written in one transaction
    as one row with its audit entries: a ``create`` entry with the instrument, the context, every item
    response and the result, and for a signed assessment a ``sign`` entry. Nothing is written when
    any check fails. The values the instrument takes from the patient's record (sex, age on the
    visit date) are filled in when ``context`` does not give them, as ``assessment_start`` does for
    the form. A completed or signed assessment needs every item answered or not tested; a draft
    may miss items. ``reason`` (e.g. where an import came from) is kept on the audit entries.

    Signing (``status="signed"``) needs a clinician of the patient's center, authenticated:

    * ``password``: the signer's password, checked as ``assessment_sign`` checks it (a password,
      when given, is always checked);
    * ``preauthenticated=True`` (exactly ``True``), without a password: only for trusted code
      running on the server that authenticated the signer itself, such as ``qadam demo`` or an
      import started by the operator on the command line. Never set it from anything a request
      carries: a web or API client signs with the password, or through ``assessment_sign``.

    The ``sign`` entry says which it was: ``changes["authentication"]`` is ``[None, "password"]`` or
    ``[None, "preauthenticated"]``.
    """
    patient = _patient_of(visit)
    ensure_permitted(user=by, patient=patient)
    raise_if_any({"status": _recordable_status_problems(status), "reason": text_problems(reason)})
    signing = status == Status.SIGNED
    if signing:
        ensure_permitted(user=by, patient=patient, allowed=can_sign)
        authentication = _authenticate_signer(by, password, preauthenticated)
    definition = instrument_definition(instrument)
    if isinstance(context, Mapping):
        context = {**context_from_patient(definition, patient, visit.visit_date), **context}
    scoring = score_responses(definition.code, responses, context)
    if status != Status.DRAFT:
        _require_no_missing(scoring.result)
    assessment = Assessment(
        visit=visit,
        instrument=definition.code,
        instrument_version=definition.version,
        context=None,
        status=status,
        rater=by,
        assessed_on=visit.visit_date,
        signed_by=by if signing else None,
        signed_at=timezone.now() if signing else None,
    )
    changes = {"instrument": [None, definition.code], "instrument_version": [None, definition.version]}
    changes.update(store_result(assessment, scoring))
    changes["status"] = [None, Status.COMPLETED if signing else status]
    events = [AuditEvent(Action.CREATE, obj=assessment, patient=patient, changes=changes, reason=reason)]
    if signing:
        signature = {
            "status": [Status.COMPLETED, Status.SIGNED],
            "signed_by": [None, by.get_username()],
            "authentication": [None, authentication],
        }
        events.append(AuditEvent(Action.SIGN, obj=assessment, patient=patient, changes=signature, reason=reason))
    with transaction.atomic():
        claim_patient(by, patient, allowed=can_sign if signing else can_write_clinical)
        _insert(assessment)
        audit_record_many(actor=by, events=events)
    return assessment


def _insert(assessment: Assessment) -> None:
    """``assessment.save(force_insert=True)`` with the INSERT written out: the same values (each field's
    ``pre_save`` and database preparation, as the ORM does), signals and state, without building the
    statement through the query compiler on every submission."""
    alias = router.db_for_write(Assessment, instance=assessment)
    connection = connections[alias]
    meta = Assessment._meta
    signals.pre_save.send(sender=Assessment, instance=assessment, raw=False, using=alias, update_fields=None)
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    params = [f.get_db_prep_save(f.pre_save(assessment, True), connection) for f in fields]
    sql, returning = _insert_statement(connection, fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    assessment.pk = pk
    assessment._state.adding = False
    assessment._state.db = alias
    signals.post_save.send(
        sender=Assessment, instance=assessment, created=True, update_fields=None, raw=False, using=alias
    )


def _insert_statement(connection: Any, fields: list[Any]) -> tuple[str, bool]:
    q = connection.ops.quote_name
    meta = Assessment._meta
    columns = ", ".join(q(f.column) for f in fields)
    sql = f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    returning = connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {q(meta.pk.column)}"
    return sql, returning


def _recordable_status_problems(status: Any) -> list[Message]:
    if status in RECORDABLE_STATUSES:
        return []
    return [
        Message(
            "choice_invalid",
            _("Choose one of: %(allowed)s. Got “%(value)s” instead."),
            {"allowed": ", ".join(RECORDABLE_STATUSES), "value": status},
        )
    ]


def _authenticate_signer(by: Any, password: str | None, preauthenticated: bool) -> str:
    if password is None and preauthenticated is True:
        return "preauthenticated"
    _check_password(by, password)
    return "password"


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
    ensure_permitted(user=by, patient=_patient_of_assessment(assessment), allowed=can_sign)
    raise_if_any({"reason": reason_problems(reason)})
    with transaction.atomic():
        locked = _lock(by, assessment, expected_version, allowed=can_sign)
        _require_status(locked, {Status.SIGNED, Status.AMENDED})
        scoring = score_responses(locked.instrument, responses, context)
        _require_no_missing(scoring.result)
        if scoring.responses == locked.responses and scoring.context == locked.context:
            raise Invalid.field(
                "responses",
                "amendment_unchanged",
                _("The amendment changes nothing: no response or context value differs."),
            )
        if locked.status == Status.SIGNED:
            _keep_signed_version(locked, by, reason)
        changes = store_result(locked, scoring)
        changes["status"] = [locked.status, Status.AMENDED]
        locked.status = Status.AMENDED
        locked.signed_by = None
        locked.signed_at = None
        _save(locked, *SCORED_FIELDS, "status", *SIGNATURE_FIELDS)
        audit_record(
            actor=by, action=Action.AMEND, obj=locked, patient=locked.visit.patient, changes=changes, reason=reason
        )
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
    """The visit's patient with its center: as the caller loaded it, or read once."""
    if Visit.patient.is_cached(visit) and Patient.center.is_cached(visit.patient):
        return visit.patient
    patient = Patient.objects.select_related("center").get(pk=visit.patient_id)
    visit.patient = patient
    return patient


def _patient_of_assessment(assessment: Assessment) -> Patient:
    if Assessment.visit.is_cached(assessment):
        return _patient_of(assessment.visit)
    visit = Visit.objects.select_related("patient__center").get(pk=assessment.visit_id)
    return visit.patient


def _lock(by: Any, assessment: Assessment, expected_version: int | None, *, allowed=can_write_clinical) -> Assessment:
    """Lock the assessment's row (with its visit, patient and center, read in the same query), check
    access again on them, then the version the caller expects."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("visit__patient__center")
        .get(pk=assessment.pk)
    )
    ensure_permitted(user=by, patient=locked.visit.patient, allowed=allowed)
    if expected_version is not None and locked.row_version != expected_version:
        raise Conflict(params={"expected": expected_version, "current": locked.row_version})
    return locked


def _require_status(assessment: Assessment, allowed: set[str]) -> None:
    if assessment.status not in allowed:
        raise InvalidState("assessment_status", STATUS_MESSAGE, {"status": Status(assessment.status).label})


def score_responses(instrument_code: str, responses: Any, context: Any):
    """Score with ``qadam.scales`` for storage; every input problem becomes one ``Invalid``.

    Public so that bulk importers check and score exactly as ``assessment_record`` does.
    """
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


def store_result(assessment: Assessment, scoring: Any) -> dict[str, list]:
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


def _save(assessment: Assessment, *fields: str) -> None:
    assessment.row_version += 1
    assessment.save(update_fields=[*fields, "row_version", "updated_at"])
