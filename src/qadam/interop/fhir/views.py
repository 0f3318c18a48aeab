"""The FHIR R4 endpoints under ``/fhir/r4/`` (thin: authenticate, read, call a service, answer FHIR JSON).

Authentication is the API's: a personal token (``Authorization: Bearer qadam_…``) or the web
session (writes then need the CSRF token, as in the API). Every error is an ``OperationOutcome``
with a precise status: 400 unreadable or not the right resource, 401 not authenticated, 403 not
allowed, 404 unknown or invisible patient, 405 wrong method, 413 too large, 415 not JSON, 422
readable but not importable. See docs/fhir.md.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qadam import scales
from qadam.api.auth import TOKEN_MESSAGES
from qadam.api.language import activate_for, scales_language
from qadam.api.parsing import BodyUnreadable, parse_json
from qadam.api.problems import DETAILS
from qadam.api.selectors import TokenRejected, token_for_secret
from qadam.api.services import token_mark_used
from qadam.core.exceptions import Invalid, NotAllowed, NotVisible

from .codes import codesystem_for, not_tested_codesystem, resource_id
from .export import (
    RESOURCE_TYPES,
    Cohort,
    bulk_export_started,
    center_for_export,
    ensure_can_bulk_export,
    fhir_base,
    ndjson_of_type,
    patient_everything,
)
from .importing import ImportRefused, import_responses
from .outcomes import Issue, operation_outcome
from .questionnaires import questionnaire_for

logger = logging.getLogger("qadam.interop.fhir")

FHIR_JSON = "application/fhir+json; charset=utf-8"
FHIR_NDJSON = "application/fhir+ndjson; charset=utf-8"
ACCEPTED_TYPES = ("application/fhir+json", "application/json")


def server_base(request: Any) -> str:
    """The address of this FHIR server as the client called it (for ``fullUrl`` and ``Location``)."""
    return request.build_absolute_uri("/fhir/r4").rstrip("/")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        self.status = status
        self.issues = [Issue(code, message)]
        self.headers = headers or {}
        super().__init__(code)


def fhir_response(resource: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, ensure_ascii=False), status=status, content_type=FHIR_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome_response(status: int, issues: list[Issue], headers: dict[str, str] | None = None) -> HttpResponse:
    return fhir_response(operation_outcome(issues, base=fhir_base()), status, headers)


def _authenticate(request: Any) -> Any:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        invalid = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "token_invalid", str(TOKEN_MESSAGES["token_invalid"]), invalid)
        try:
            row = token_for_secret(token.strip())
        except TokenRejected as rejected:
            raise Refused(401, rejected.code, str(TOKEN_MESSAGES[rejected.code]), invalid) from None
        token_mark_used(row)
        request.user = row.user
        request.fhir_token = True
        return row.user
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        raise Refused(401, "not_authenticated", str(DETAILS["not_authenticated"]), {"WWW-Authenticate": "Bearer"})
    request.fhir_token = False
    return user


def _check_csrf(request: Any) -> None:
    """Session calls that change something need the CSRF token; token calls do not."""
    if getattr(request, "fhir_token", False):
        return
    if CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
        raise Refused(403, "csrf_failed", str(DETAILS["csrf_failed"]))


def endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap a FHIR view: method check, language, authentication, every error as an OperationOutcome."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            activate_for(request)
            try:
                if request.method not in methods:
                    message = _("%(method)s is not possible at this address. Allowed: %(allowed)s.") % {
                        "method": request.method,
                        "allowed": ", ".join(methods),
                    }
                    raise Refused(405, "method_not_allowed", message, {"Allow": ", ".join(methods)})
                user = _authenticate(request)
                activate_for(request, user)
                if request.method != "GET":
                    _check_csrf(request)
                return view(request, user, *args, **kwargs)
            except Refused as refused:
                return outcome_response(refused.status, refused.issues, refused.headers)
            except ImportRefused as refused:
                return outcome_response(refused.status, refused.issues)
            except NotVisible as error:
                return outcome_response(404, [Issue("not_visible", error.message)])
            except NotAllowed as error:
                return outcome_response(403, [Issue("not_allowed", error.message)])
            except Invalid as error:
                issues = [
                    Issue(m.code, str(m), expression=field or None) for field, ms in error.errors.items() for m in ms
                ]
                return outcome_response(422, issues or [Issue(error.code, error.message)])
            except Exception:  # noqa: BLE001 - every error leaves as an OperationOutcome
                logger.exception("Unexpected error in a FHIR endpoint")
                return outcome_response(500, [Issue("server_error", str(DETAILS["server_error"]))])

        return wrapper

    return decorate


# --- reading --------------------------------------------------------------------------------------


@endpoint("GET")
def patient_everything_view(request: Any, user: Any, registry_id: str) -> HttpResponse:
    """``GET Patient/{registry id}/$everything``: a searchset Bundle of everything about the patient."""
    bundle = patient_everything(viewer=user, registry_id=registry_id, server=server_base(request), base=fhir_base())
    return fhir_response(bundle)


@endpoint("GET")
def questionnaire_view(request: Any, user: Any, questionnaire_id: str) -> HttpResponse:
    """``GET Questionnaire/{id}``: the Questionnaire of one of our instruments."""
    return fhir_response(questionnaire_for(_instrument(questionnaire_id), fhir_base()))


@endpoint("GET")
def codesystem_view(request: Any, user: Any, codesystem_id: str) -> HttpResponse:
    """``GET CodeSystem/{id}``: an instrument's code system, or the not-tested reasons."""
    if codesystem_id == "not-tested-reason":
        return fhir_response(not_tested_codesystem(fhir_base()))
    return fhir_response(codesystem_for(_instrument(codesystem_id), fhir_base()))


def _instrument(fhir_id: str) -> Any:
    found = next((i for i in scales.INSTRUMENTS.values() if resource_id(i) == fhir_id), None)
    if found is None:
        raise NotVisible("not_visible", _("There is no resource with the id “%(value)s”.") % {"value": fhir_id})
    return found


@endpoint("GET")
def bulk_export_view(request: Any, user: Any) -> HttpResponse:
    """``GET $export``: registry managers only.

    With ``_type=T`` (one type or several, comma-separated) the resources stream as NDJSON while
    they are read; without it the answer is a manifest with one address per resource type, in the
    shape of the FHIR Bulk Data manifest. ``center=CODE`` restricts the export to one center.
    """
    ensure_can_bulk_export(user)
    center = center_for_export(request.GET.get("center") or None)
    requested = [t.strip() for t in request.GET.get("_type", "").split(",") if t.strip()]
    unknown = [t for t in requested if t not in RESOURCE_TYPES]
    if unknown:
        message = _("Resource types %(value)s are not exported. Exported: %(allowed)s.") % {
            "value": ", ".join(unknown),
            "allowed": ", ".join(RESOURCE_TYPES),
        }
        raise Refused(400, "unknown_type", message)
    if not requested:
        return fhir_response(_manifest(request, center))
    bulk_export_started(by=user, resource_types=requested, center=center, channel="api")
    lines = _stream(requested, Cohort(center=center), fhir_base())
    response = StreamingHttpResponse(lines, content_type=FHIR_NDJSON)
    response["Content-Disposition"] = f'attachment; filename="{"-".join(requested)}.ndjson"'
    return response


def _manifest(request: Any, center: str | None) -> dict[str, Any]:
    suffix = f"&center={center}" if center else ""
    return {
        "transactionTime": _now(),
        "request": request.build_absolute_uri(),
        "requiresAccessToken": True,
        "output": [
            {"type": kind, "url": f"{server_base(request)}/$export?_type={kind}{suffix}"} for kind in RESOURCE_TYPES
        ],
        "error": [],
    }


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")


def _stream(types: list[str], cohort: Cohort, base: str) -> Iterator[str]:
    """NDJSON lines, a few hundred at a time (one write per line would cost a syscall each)."""
    batch: list[str] = []
    for kind in types:
        for line in ndjson_of_type(kind, cohort, base=base):
            batch.append(line)
            if len(batch) >= 500:
                yield "".join(batch)
                batch = []
    if batch:
        yield "".join(batch)


# --- writing --------------------------------------------------------------------------------------


def _body(request: Any) -> Any:
    """The request body as JSON: size, media type and strict JSON checked (413, 415, 400)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if limit is not None and declared > limit:
        raise Refused(413, "body_too_large", str(DETAILS["body_too_large"]) % {"limit": limit})
    media = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if media not in ACCEPTED_TYPES:
        message = _("Send the resource as application/fhir+json (or application/json). Got “%(value)s”.") % {
            "value": media or "nothing"
        }
        raise Refused(415, "unsupported_media_type", message)
    try:
        body = request.body
    except RequestDataTooBig:
        raise Refused(413, "body_too_large", str(DETAILS["body_too_large"]) % {"limit": limit}) from None
    try:
        return parse_json(body)
    except BodyUnreadable as error:
        raise Refused(
            400, error.code, str(DETAILS[error.code]) % error.params if error.params else str(DETAILS[error.code])
        ) from None


def _outcome_of_import(imported: list[Any], lang: str, server: str) -> list[Issue]:
    issues: list[Issue] = []
    for item in imported:
        assessment = item.assessment
        where = f"Bundle.entry[{item.index}]." if item.index is not None else ""
        result = item.parsed.result
        shown = "—" if result.total is None else f"{result.total:g}"
        if item.skipped:
            template = _(
                "Imported before as assessment %(id)s (%(instrument)s, total %(total)s, band %(band)s, %(date)s): "
                "nothing changed."
            )
        else:
            template = _(
                "Stored as assessment %(id)s (%(instrument)s, total %(total)s, band %(band)s) in the visit of %(date)s."
            )
        message = template % {
            "id": assessment.pk,
            "instrument": assessment.instrument,
            "total": shown,
            "band": result.band or "—",
            "date": assessment.assessed_on.isoformat(),
        }
        code = "already_imported" if item.skipped else "stored"
        issues.append(
            Issue(code, message, "information", diagnostics=f"{server}/QuestionnaireResponse/{assessment.pk}")
        )
        for disagreement in item.disagreements:
            problem = disagreement.problem(lang)
            issues.append(
                Issue(problem.code, problem.message(lang), "warning", expression=f"{where}QuestionnaireResponse")
            )
    return issues


@endpoint("POST")
def questionnaire_response_create(request: Any, user: Any) -> HttpResponse:
    """``POST QuestionnaireResponse``: store one response (its subject names the patient).

    201 with ``Location`` and an OperationOutcome: one information issue with what was stored
    (assessment, total, band) and a warning for every stated score that differs from ours; 200 and
    the assessment it became when the same response was imported before.
    """
    resource = _body(request)
    if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
        message = _("Post a Bundle to the base address /fhir/r4/, not to QuestionnaireResponse.")
        raise Refused(400, "wrong_resource_type", message)
    lang = scales_language()
    server = server_base(request)
    imported = import_responses(by=user, resource=resource, server=server, base=fhir_base(), lang=lang)
    location = f"{server}/QuestionnaireResponse/{imported[0].assessment.pk}"
    status = 200 if imported[0].skipped else 201
    return outcome_response(status, _outcome_of_import(imported, lang, server), {"Location": location})


@endpoint("POST")
def bundle_create(request: Any, user: Any) -> HttpResponse:
    """``POST /fhir/r4/`` with a batch or transaction Bundle of QuestionnaireResponses: all or nothing.

    200 with a ``batch-response``/``transaction-response`` Bundle: per entry ``201 Created``, its
    location and an OperationOutcome (stored, disagreements).
    """
    resource = _body(request)
    if not isinstance(resource, dict) or resource.get("resourceType") != "Bundle":
        shown = resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
        raise Refused(
            400, "wrong_resource_type", _("The base address takes a Bundle. Got %(value)s.") % {"value": shown}
        )
    if resource.get("type") not in ("batch", "transaction"):
        message = _("A Bundle of type batch or transaction is expected. Got “%(value)s”.") % {
            "value": resource.get("type")
        }
        raise Refused(400, "bundle_type", message)
    lang = scales_language()
    server = server_base(request)
    imported = import_responses(by=user, resource=resource, server=server, base=fhir_base(), lang=lang)
    # One response entry per request entry, in order; a Questionnaire sent along is read, not stored.
    entries: list[dict[str, Any]] = [{"response": {"status": "200 OK"}} for _entry in resource.get("entry") or []]
    for item in imported:
        entries[item.index] = {
            "response": {
                "status": "200 OK" if item.skipped else "201 Created",
                "location": f"QuestionnaireResponse/{item.assessment.pk}",
                "outcome": operation_outcome(_outcome_of_import([item], lang, server), base=fhir_base()),
            }
        }
    return fhir_response({"resourceType": "Bundle", "type": f"{resource['type']}-response", "entry": entries})


@csrf_exempt
def metadata_view(request: Any) -> HttpResponse:
    """``GET metadata``: the CapabilityStatement (open to anyone, as FHIR clients expect)."""
    activate_for(request)
    if request.method != "GET":
        message = _("%(method)s is not possible at this address. Allowed: %(allowed)s.") % {
            "method": request.method,
            "allowed": "GET",
        }
        return outcome_response(405, [Issue("method_not_allowed", message)], {"Allow": "GET"})
    return fhir_response(capability_statement(server_base(request)))


def capability_statement(server: str) -> dict[str, Any]:
    """What this server does, in R4's CapabilityStatement."""
    read = [{"code": "read"}]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-26",
        "publisher": "Qadam",
        "kind": "instance",
        "software": {"name": "Qadam"},
        "implementation": {"description": "Qadam neurology outcomes registry", "url": server},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {"description": "A personal API token (Authorization: Bearer qadam_…) or the web session."},
                "resource": [
                    {
                        "type": "Patient",
                        "operation": [
                            {
                                "name": "everything",
                                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                            }
                        ],
                    },
                    {"type": "QuestionnaireResponse", "interaction": [{"code": "create"}]},
                    {"type": "Questionnaire", "interaction": read},
                    {"type": "CodeSystem", "interaction": read},
                ]
                + [{"type": kind} for kind in RESOURCE_TYPES if kind not in ("Patient", "QuestionnaireResponse")],
                "interaction": [{"code": "batch"}, {"code": "transaction"}],
                "operation": [
                    {"name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"}
                ],
            }
        ],
    }


@csrf_exempt
def not_found(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any address under ``/fhir/r4/`` that no endpoint serves."""
    activate_for(request)
    message = _("There is no FHIR address %(path)s.") % {"path": request.path}
    return outcome_response(404, [Issue("route_not_found", message)])
