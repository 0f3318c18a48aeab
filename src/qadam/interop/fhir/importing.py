"""FHIR R4 in: QuestionnaireResponses (alone or in a batch/transaction Bundle) stored as assessments.

Every response is read first (``parse_questionnaire_response``: validated as R4, mapped to one of
our instruments by linkId, code or ordinal value, scored with ``qadam.scales``), its patient
resolved and checked, and only when every response of the input is acceptable are they stored, in
one transaction, each through ``qadam.assessments.services.assessment_record`` (scored again,
audited). Any problem refuses the whole input: nothing is half imported.

A response is stored in the visit of its patient on the day it was authored at the patient's
center (a routine visit is created when there is none), as a completed assessment (a draft for
``in-progress``; signed only when a trusted caller on the server asks for it). A total or subscore
the response states that differs from ours is not an error: it is returned as a ``Disagreement``.

Sending the same response again changes nothing: a response with an ``identifier`` (or else an
``id``) is remembered per patient (``qadam.interop.imports.ImportedAssessment``, source ``fhir``)
with a fingerprint of what was stored; the same response again is skipped and answered with the
assessment it became, and a response with that key but other content is refused (409: a recorded
assessment changes only by an amendment in Qadam).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from qadam.assessments.models import Assessment, Status, Visit, VisitKind
from qadam.assessments.services import assessment_record, visit_create
from qadam.core.exceptions import Invalid, NotAllowed, NotVisible
from qadam.interop.imports.models import ImportedAssessment
from qadam.patients.models import Patient
from qadam.patients.selectors import age_on, ensure_permitted, patient_get

from ..errors import InteropError, InteropProblem
from .codes import DEFAULT_BASE
from .forms import form_map
from .outcomes import Issue, problem_issue
from .resources import registry_id_system
from .responses import ParsedResponse, parse_questionnaire_response
from .validation import validate_resource

MAX_ENTRIES = 1000
# The key of ``questionnaires`` for a Questionnaire without a url (LForms files have none).
ANY_QUESTIONNAIRE = "*"
BUNDLE_TYPES = ("batch", "transaction", "collection")
# QuestionnaireResponse.status → the assessment's status (the others are refused).
STATUSES = {"completed": Status.COMPLETED, "amended": Status.COMPLETED, "in-progress": Status.DRAFT}

MESSAGES = {
    "subject_missing": _(
        "The response must name its patient: subject “Patient/<registry id>” or an identifier of system %(system)s."
    ),
    "subject_mismatch": _("The response is about patient %(subject)s, not %(patient)s."),
    "bundle_type": _("A Bundle of type batch, transaction or collection is expected. Got “%(value)s”."),
    "entry_not_supported": _(
        "Entry %(index)s holds a %(value)s: only QuestionnaireResponses (and the Questionnaires they answer) are imported."
    ),
    "too_many_entries": _("The Bundle holds %(count)s entries; at most %(limit)s are imported at once."),
    "response_status": _("A response with status “%(value)s” is not imported: only completed, amended or in-progress."),
    "authored_invalid": _(
        "The date the response was authored (“%(value)s”) is not a full date; give at least YYYY-MM-DD."
    ),
    "no_responses": _("The input holds no QuestionnaireResponse."),
    "already_imported_changed": _(
        "This response (%(key)s) was imported before as assessment %(id)s with other content. Nothing was "
        "imported; change the recorded assessment by an amendment in Qadam."
    ),
}
SOURCE = "fhir"


class ImportRefused(Exception):
    """The input cannot be imported; ``status`` is the HTTP status that answers it, ``issues`` say why."""

    def __init__(self, status: int, issues: list[Issue]):
        self.status = status
        self.issues = issues
        super().__init__("; ".join(issue.message for issue in issues))


def _issue(code: str, where: str = "", **params: Any) -> Issue:
    return Issue(code, str(MESSAGES[code]) % params if params else str(MESSAGES[code]), expression=where or None)


@dataclass
class Imported:
    """One stored response: its assessment, what was read, and where the stated scores differ."""

    index: int | None
    assessment: Assessment
    parsed: ParsedResponse
    visit_created: bool
    response_id: str | None = None
    skipped: bool = False

    @property
    def disagreements(self):
        return self.parsed.disagreements


@dataclass
class _Pending:
    index: int | None
    resource: dict[str, Any]
    patient: Patient
    day: datetime.date
    status: str
    parsed: ParsedResponse | None = None
    where: str = ""
    issues: list[Issue] = field(default_factory=list)
    key: str | None = None
    fingerprint: str = ""


def import_responses(
    *,
    by: Any,
    resource: Any,
    patient: Patient | None = None,
    questionnaires: Mapping[str, Mapping[str, Any]] | None = None,
    sign: bool = False,
    preauthenticated: bool = False,
    server: str | None = None,
    base: str = DEFAULT_BASE,
    lang: str = "en",
    dry_run: bool = False,
) -> list[Imported]:
    """Import a QuestionnaireResponse or a batch/transaction/collection Bundle of them, all or nothing.

    ``patient`` (the command line's ``--patient``) is the patient of every response; without it
    each response's ``subject`` must name a patient of the registry (``Patient/<registry id>``,
    ``{server}/Patient/<registry id>`` or an identifier of our registry-id system) that ``by``
    may write to. ``questionnaires`` maps canonical urls to Questionnaires the responses answer
    (Questionnaires in the Bundle are added); under ``ANY_QUESTIONNAIRE`` one that responses naming
    no questionnaire answer. ``sign`` stores signed assessments, for the command
    line only (``preauthenticated`` as ``assessment_record`` documents it). Raises ``ImportRefused``
    (400/422 with every problem found), ``NotVisible`` (404) or ``NotAllowed`` (403); with
    ``dry_run`` everything is checked and written, then rolled back.
    """
    responses, supplied = _entries(resource)
    known = {**(questionnaires or {}), **supplied}
    for _index, qr, where in responses:
        _check_structure(qr, where, lang)
    pending = [_pending(by, index, qr, patient, server, base, where) for index, qr, where in responses]
    for item in pending:
        _read(item, known, base, lang)
    issues = [issue for item in pending for issue in item.issues]
    if issues:
        raise ImportRefused(_status_of(issues), issues)
    earlier = _imported_before(pending, sign)
    try:
        with transaction.atomic():
            stored = []
            for item in pending:
                if item.key in earlier:
                    stored.append(dataclasses.replace(earlier[item.key], index=item.index, skipped=True))
                else:
                    stored.append(_store(by, item, sign, preauthenticated, earlier))
            if dry_run:
                raise _DryRun(stored)
    except _DryRun as finished:
        return finished.stored
    except Invalid as error:
        raise ImportRefused(422, _invalid_issues(error, lang)) from None
    return stored


class _DryRun(Exception):
    def __init__(self, stored: list[Imported]):
        self.stored = stored


_STRUCTURE = {"not_a_resource", "wrong_resource_type", "invalid_fhir", "bundle_type", "entry_not_supported"}


def _status_of(issues: list[Issue]) -> int:
    """400 when the input is not a readable resource of the right type, 422 when it is but its
    content cannot be imported."""
    codes = {issue.code for issue in issues}
    if codes & _STRUCTURE:
        return 400
    if "too_many_entries" in codes:
        return 413
    return 422


def _entries(resource: Any) -> tuple[list[tuple[int | None, Any, str]], dict[str, Mapping[str, Any]]]:
    """The responses of the input, with their entry index and FHIRPath prefix, and the supplied
    Questionnaires by canonical url."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "Bundle":
        return [(None, resource, "")], {}
    kind = resource.get("type")
    if kind not in BUNDLE_TYPES:
        raise ImportRefused(400, [_issue("bundle_type", "Bundle.type", value=kind)])
    entries = resource.get("entry") or []
    if not isinstance(entries, list):
        raise ImportRefused(400, [Issue("invalid_fhir", "Bundle.entry must be an array.", expression="Bundle.entry")])
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused(413, [_issue("too_many_entries", "Bundle.entry", count=len(entries), limit=MAX_ENTRIES)])
    responses: list[tuple[int | None, Any, str]] = []
    supplied: dict[str, Mapping[str, Any]] = {}
    problems: list[Issue] = []
    for index, entry in enumerate(entries):
        where = f"Bundle.entry[{index}]"
        found = entry.get("resource") if isinstance(entry, dict) else None
        kind_of = found.get("resourceType") if isinstance(found, dict) else None
        request = entry.get("request") if isinstance(entry, dict) else None
        method = request.get("method") if isinstance(request, dict) else None
        if kind_of == "QuestionnaireResponse" and method in (None, "POST"):
            responses.append((index, found, f"{where}.resource."))
        elif kind_of == "Questionnaire" and isinstance(found.get("url"), str):
            supplied[found["url"]] = found
        else:
            problems.append(
                _issue(
                    "entry_not_supported", where, index=index, value=f"{kind_of or 'nothing'} {method or ''}".strip()
                )
            )
    if problems:
        raise ImportRefused(400, problems)
    if not responses:
        raise ImportRefused(422, [_issue("no_responses", "Bundle.entry")])
    return responses, supplied


def _check_structure(resource: Any, where: str, lang: str) -> None:
    """A QuestionnaireResponse valid in R4, before anything else is looked at (400 otherwise)."""
    problems = []
    if isinstance(resource, dict) and resource.get("resourceType") not in (None, "QuestionnaireResponse"):
        problems = [
            InteropProblem("wrong_resource_type", value=resource["resourceType"], allowed="QuestionnaireResponse")
        ]
    else:
        try:
            validate_resource(resource)
        except InteropError as error:
            problems = error.problems
    if problems:
        raise ImportRefused(400, [problem_issue(problem, lang, where=where) for problem in problems])


_RELATIVE = re.compile(r"^Patient/([A-Za-z0-9\-.]{1,64})$")


def _subject_id(resource: Any, server: str | None, base: str) -> str | None:
    """The registry id the response's subject names, when it names one of ours."""
    subject = resource.get("subject") if isinstance(resource, dict) else None
    if not isinstance(subject, dict):
        return None
    reference = subject.get("reference")
    if isinstance(reference, str):
        if server and reference.startswith(server.rstrip("/") + "/"):
            reference = reference[len(server.rstrip("/")) + 1 :]
        found = _RELATIVE.match(reference)
        if found:
            return found.group(1)
    identifier = subject.get("identifier")
    if isinstance(identifier, dict) and identifier.get("system") == registry_id_system(base):
        value = identifier.get("value")
        return value if isinstance(value, str) else None
    return None


def _pending(
    by: Any, index: int | None, resource: Any, patient: Patient | None, server: str | None, base: str, where: str
) -> _Pending:
    """Resolve the response's patient (404/403 answer at once) and the day it belongs to."""
    named = _subject_id(resource, server, base)
    if patient is not None:
        if named is not None and named.upper() != patient.registry_id:
            raise ImportRefused(
                422, [_issue("subject_mismatch", f"{where}subject", subject=named, patient=patient.registry_id)]
            )
        target = patient
    elif named is None:
        raise ImportRefused(422, [_issue("subject_missing", f"{where}subject", system=registry_id_system(base))])
    else:
        target = patient_get(viewer=by, registry_id=named)
    ensure_permitted(user=by, patient=target)
    item = _Pending(index, resource, target, timezone.localdate(), Status.COMPLETED, where=where)
    authored = resource.get("authored") if isinstance(resource, dict) else None
    if authored is not None:
        day = _day(authored)
        if day is None:
            item.issues.append(_issue("authored_invalid", f"{where}authored", value=authored))
        else:
            item.day = day
    return item


def _day(authored: Any) -> datetime.date | None:
    """The local date of an R4 dateTime (a full date at least)."""
    if not isinstance(authored, str) or len(authored) < 10:
        return None
    try:
        if len(authored) == 10:
            return datetime.date.fromisoformat(authored)
        moment = parse_datetime(authored.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _read(item: _Pending, questionnaires: Mapping[str, Mapping[str, Any]], base: str, lang: str) -> None:
    """Parse and score the response with the patient's sex and age; collect its problems."""
    resource = item.resource
    canonical = resource.get("questionnaire") if isinstance(resource, dict) else None
    if isinstance(canonical, str):
        questionnaire = questionnaires.get(canonical.split("|")[0])
    else:  # a response that names no questionnaire answers the one supplied without a url, if any
        questionnaire = questionnaires.get(ANY_QUESTIONNAIRE)
    context = _patient_context(resource, questionnaire, item, base)
    try:
        item.parsed = parse_questionnaire_response(resource, questionnaire=questionnaire, context=context, base=base)
    except InteropError as error:
        item.issues.extend(problem_issue(problem, lang, where=item.where) for problem in error.problems)
        return
    status = STATUSES.get(item.parsed.status)
    if status is None:
        item.issues.append(_issue("response_status", f"{item.where}status", value=item.parsed.status))
    else:
        item.status = status


def _patient_context(resource: Any, questionnaire: Any, item: _Pending, base: str) -> dict[str, Any]:
    """Sex and age on the day, for the instruments that need them (the record is the source)."""
    try:
        instrument = form_map(resource, None, questionnaire, base).instrument
    except (InteropError, AttributeError, TypeError, KeyError):
        return {}  # parsing reports why the instrument is not known
    known = {"sex": item.patient.sex, "age": age_on(item.patient.birth_date, item.day)}
    return {name: value for name, value in known.items() if name in instrument.context_by_name}


def _key(item: _Pending) -> str | None:
    """The idempotency key of a response: its identifier (or else its id), for this patient."""
    resource = item.resource
    identifier = resource.get("identifier")
    if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
        name = f"identifier:{identifier.get('system', '')}|{identifier['value']}"
    elif isinstance(resource.get("id"), str):
        name = f"id:{resource.get('questionnaire', '')}|{resource['id']}"
    else:
        return None
    key = f"{item.patient.registry_id}|{name}"
    return key if len(key) <= 255 else f"{item.patient.registry_id}|sha256:{hashlib.sha256(name.encode()).hexdigest()}"


def _fingerprint(item: _Pending, sign: bool) -> str:
    parsed = item.parsed
    assert parsed is not None
    status = Status.SIGNED if sign and item.status == Status.COMPLETED else item.status
    content = {
        "instrument": parsed.instrument,
        "date": item.day.isoformat(),
        "responses": parsed.responses,
        "context": parsed.context,
        "status": status,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _imported_before(pending: list[_Pending], sign: bool) -> dict[str, Imported]:
    """Responses imported before with the same content (skipped); 409 when the content changed."""
    for item in pending:
        item.key = _key(item)
        item.fingerprint = _fingerprint(item, sign)
    keys = {item.key for item in pending if item.key}
    rows = ImportedAssessment.objects.filter(source=SOURCE, key__in=keys).select_related("assessment__visit")
    known = {row.key: row for row in rows}
    earlier: dict[str, Imported] = {}
    for item in pending:
        row = known.get(item.key) if item.key else None
        if row is None:
            continue
        if row.fingerprint != item.fingerprint:
            shown = item.key.split("|", 1)[1]
            issue = _issue("already_imported_changed", f"{item.where}identifier", key=shown, id=row.assessment_id)
            raise ImportRefused(409, [issue])
        assert item.parsed is not None
        earlier[item.key] = Imported(
            item.index, row.assessment, item.parsed, False, item.resource.get("id"), skipped=True
        )
    return earlier


def _store(by: Any, item: _Pending, sign: bool, preauthenticated: bool, earlier: dict[str, Imported]) -> Imported:
    parsed = item.parsed
    assert parsed is not None
    patient = item.patient
    visit = (
        Visit.objects.filter(patient=patient, visit_date=item.day, center_id=patient.center_id).order_by("pk").first()
    )
    created = visit is None
    if visit is None:
        visit = visit_create(by=by, patient=patient, visit_date=item.day, kind=VisitKind.ROUTINE)
    else:
        visit.patient = patient
    status = Status.SIGNED if sign and item.status == Status.COMPLETED else item.status
    response_id = item.resource.get("id")
    source = parsed.questionnaire or parsed.form
    reason = f"FHIR import of a QuestionnaireResponse to {source}" + (f" (id {response_id})" if response_id else "")
    assessment = assessment_record(
        by=by,
        visit=visit,
        instrument=parsed.instrument,
        responses=parsed.responses,
        context=parsed.context,
        status=status,
        preauthenticated=preauthenticated if status == Status.SIGNED else False,
        reason=reason[:500],
    )
    imported = Imported(item.index, assessment, parsed, created, response_id)
    if item.key:
        ImportedAssessment.objects.create(
            source=SOURCE, key=item.key, assessment=assessment, fingerprint=item.fingerprint
        )
        earlier[item.key] = imported  # the same response twice in one input is stored once
    return imported


def _invalid_issues(error: Invalid, lang: str) -> list[Issue]:
    issues = [
        Issue(message.code, str(message), expression=field_name or None)
        for field_name, messages in error.errors.items()
        for message in messages
    ]
    issues += [problem_issue(problem, lang) for problem in error.problems]
    return issues or [Issue(error.code, error.message)]


__all__ = ["Imported", "ImportRefused", "MAX_ENTRIES", "NotAllowed", "NotVisible", "import_responses"]
