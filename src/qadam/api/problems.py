"""RFC 9457 problem details: the one shape of every error answer of the API.

Every error, whatever raised it (a service, the scales engine, schema validation, the URL router,
the size limit or a bug), leaves as ``application/problem+json``::

    {"type": "urn:qadam:problem:validation", "title": "Invalid input", "status": 422,
     "detail": "Please correct the errors below.", "instance": "/api/v1/patients",
     "code": "invalid", "errors": [{"code": "date_in_future", "field": "birth_date", "message": "…"}]}

``type`` names the kind of problem (one per HTTP meaning, listed in ``KINDS``), ``code`` the precise
cause, stable for programs; ``title``, ``detail`` and each error's ``message`` are in the answer's
language (``qadam.api.language``). Why problem details rather than an ad-hoc shape: docs/api.md.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed, NotVisible, QadamError
from qadam.scales import Problem, ScaleError

from .input_errors import input_errors
from .language import scales_language
from .parsing import BodyUnreadable

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:qadam:problem:"

logger = logging.getLogger("qadam.api")


@dataclass(frozen=True)
class Kind:
    """One kind of problem: its HTTP status and its short title."""

    status: int
    title: Any


KINDS: dict[str, Kind] = {
    "malformed-request": Kind(400, _("Malformed request")),
    "unauthenticated": Kind(401, _("Authentication required")),
    "forbidden": Kind(403, _("Not allowed")),
    "not-found": Kind(404, _("Not found")),
    "method-not-allowed": Kind(405, _("Method not allowed")),
    "conflict": Kind(409, _("Edit conflict")),
    "invalid-state": Kind(409, _("Not possible in this state")),
    "too-large": Kind(413, _("Request too large")),
    "validation": Kind(422, _("Invalid input")),
    "server-error": Kind(500, _("Server error")),
}

DETAILS = {
    "malformed_json": _("The request body is not valid JSON (line %(line)s, column %(column)s)."),
    "json_not_utf8": _("The request body must be JSON encoded as UTF-8."),
    "json_not_finite": _(
        "The request body holds %(value)s; numbers must be finite (no NaN or Infinity, nothing beyond ±1.8e308)."
    ),
    "json_too_deep": _("The request body nests too deeply to be read."),
    "json_unpaired_surrogate": _(
        "The request body holds a text with an unpaired surrogate escape (such as \\ud800), which is not Unicode."
    ),
    "json_number_too_long": _("The request body holds an integer with more digits than can be read."),
    "not_authenticated": _("Sign in to the web app or send a personal API token as “Authorization: Bearer <token>”."),
    "csrf_failed": _(
        "The CSRF check failed. Calls signed in through the web session must send the X-CSRFToken header."
    ),
    "route_not_found": _("There is no API address %(path)s. The list of addresses is at /api/v1/docs."),
    "method_not_allowed": _("%(method)s is not possible at this address. Allowed: %(allowed)s."),
    "body_too_large": _("The request body is larger than the %(limit)s bytes the registry accepts."),
    "bad_request": _("The request cannot be read."),
    "invalid_input": _("Some values are not valid; nothing was changed."),
    "server_error": _("The registry could not complete the request. Nothing was changed; the error was logged."),
}


class ApiProblem(Exception):
    """An error the API itself answers (rather than a service): ``kind`` from ``KINDS``, a stable ``code``."""

    def __init__(
        self,
        kind: str,
        code: str,
        detail: Any,
        params: Mapping[str, Any] | None = None,
        *,
        errors: Iterable[Mapping[str, Any]] = (),
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        self.kind = kind
        self.code = code
        self.detail = detail
        self.params = dict(params or {})
        self.errors = list(errors)
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})
        super().__init__(code)

    def rendered_detail(self) -> str:
        template = str(self.detail)
        return template % self.params if self.params else template


def problem_response(request: Any, problem: ApiProblem) -> HttpResponse:
    """Render ``problem`` as ``application/problem+json``."""
    kind = KINDS[problem.kind]
    body = {
        "type": TYPE_PREFIX + problem.kind,
        "title": str(kind.title),
        "status": kind.status,
        "detail": problem.rendered_detail(),
        "instance": request.path,
        "code": problem.code,
        "errors": problem.errors,
        **problem.extra,
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=kind.status,
        content_type=PROBLEM_MEDIA_TYPE,
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def problem_for(error: Exception) -> ApiProblem:
    """Translate any exception into the problem that answers it."""
    for cls in type(error).__mro__:
        translate = TRANSLATORS.get(cls)
        if translate is not None:
            return translate(error)
    return _unexpected(error)


def _from_api_problem(error: ApiProblem) -> ApiProblem:
    return error


def _from_qadam_error(error: QadamError, kind: str) -> ApiProblem:
    return ApiProblem(kind, error.code, error.message)


def _from_conflict(error: Conflict) -> ApiProblem:
    extra = {
        "expected_version": error.params.get("expected"),
        "current_version": error.params.get("current"),
    }
    return ApiProblem("conflict", error.code, error.message, extra=extra)


def _from_invalid(error: Invalid) -> ApiProblem:
    errors = [
        {"code": message.code, "field": field or None, "message": str(message)}
        for field, messages in error.errors.items()
        for message in messages
    ]
    errors += [scale_problem_error(problem) for problem in error.problems]
    return ApiProblem("validation", error.code, error.message, errors=errors)


def scale_problem_error(problem: Problem) -> dict[str, Any]:
    """One ``qadam.scales`` problem as an entry of ``errors`` (field ``responses`` or ``context``)."""
    entry = problem.as_dict(scales_language())
    field = "context" if problem.code.startswith("context_") else "responses"
    return {"code": entry["code"], "field": field, **entry}


def _from_scale_error(error: ScaleError) -> ApiProblem:
    errors = [scale_problem_error(problem) for problem in error.problems]
    return ApiProblem("validation", "scale_problems", DETAILS["invalid_input"], errors=errors)


def _from_validation_error(error: ValidationError) -> ApiProblem:
    return ApiProblem("validation", "invalid_input", DETAILS["invalid_input"], errors=input_errors(error.errors))


def _from_http_error(error: HttpError) -> ApiProblem:
    if isinstance(error, AuthenticationError) or error.status_code == 401:
        return ApiProblem(
            "unauthenticated", "not_authenticated", DETAILS["not_authenticated"], headers={"WWW-Authenticate": "Bearer"}
        )
    if error.status_code == 403:
        return ApiProblem("forbidden", "csrf_failed", DETAILS["csrf_failed"])
    if error.status_code == 400:
        # django-ninja raises 400 only when the body does not parse; the parser said why.
        cause = error.__cause__
        if isinstance(cause, BodyUnreadable):
            return ApiProblem("malformed-request", cause.code, DETAILS[cause.code], cause.params)
        return ApiProblem("malformed-request", "bad_request", DETAILS["bad_request"])
    kind = next((name for name, kind in KINDS.items() if kind.status == error.status_code), "malformed-request")
    return ApiProblem(kind, "http_error", str(error))


def _from_http404(error: Http404) -> ApiProblem:
    return ApiProblem("not-found", "not_visible", NotVisible.default_message)


def body_too_large(limit: Any) -> ApiProblem:
    return ApiProblem("too-large", "body_too_large", DETAILS["body_too_large"], {"limit": limit})


def _from_too_large(error: RequestDataTooBig) -> ApiProblem:
    from django.conf import settings

    return body_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _from_suspicious(error: SuspiciousOperation) -> ApiProblem:
    return ApiProblem("malformed-request", "bad_request", DETAILS["bad_request"])


def _unexpected(error: Exception) -> ApiProblem:
    logger.error("Unexpected error in the API", exc_info=error)
    return ApiProblem("server-error", "server_error", DETAILS["server_error"])


TRANSLATORS = {
    ApiProblem: _from_api_problem,
    NotVisible: lambda error: _from_qadam_error(error, "not-found"),
    NotAllowed: lambda error: _from_qadam_error(error, "forbidden"),
    Conflict: _from_conflict,
    InvalidState: lambda error: _from_qadam_error(error, "invalid-state"),
    Invalid: _from_invalid,
    QadamError: lambda error: _from_qadam_error(error, "malformed-request"),
    ScaleError: _from_scale_error,
    ValidationError: _from_validation_error,
    HttpError: _from_http_error,
    Http404: _from_http404,
    RequestDataTooBig: _from_too_large,
    SuspiciousOperation: _from_suspicious,
}


def answer_exception(request: Any, error: Exception) -> HttpResponse:
    """The exception handler of the API: every exception becomes a problem response."""
    return problem_response(request, problem_for(error))
