"""The OpenAPI document: every operation lists the problem responses it can give.

django-ninja documents the successful answers; the error answers all share one schema
(``Problem``, served as ``application/problem+json``) and are added here, so that generated clients
and contract tests know every status an operation may return.
"""

from __future__ import annotations

from typing import Any

from .problems import KINDS, PROBLEM_MEDIA_TYPE

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `code` is stable, the texts are in the answer's language.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance", "code", "errors"],
    "properties": {
        "type": {"type": "string", "description": "urn:qadam:problem:<kind>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path of the request"},
        "code": {"type": "string", "description": "The precise cause, e.g. date_in_future"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
        "expected_version": {"type": ["integer", "null"]},
        "current_version": {"type": ["integer", "null"]},
        "allowed": {"type": "array", "items": {"type": "string"}},
    },
}

PROBLEM_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ProblemError",
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string"},
        "field": {"type": ["string", "null"], "description": "Dotted path of the field, e.g. birth_date or responses"},
        "in": {"type": "string", "enum": ["body", "query", "path"]},
        "item": {"type": ["string", "null"], "description": "Item (or context value) of the instrument"},
        "value": {},
        "allowed": {"type": "string"},
        "message": {"type": "string"},
    },
}

DESCRIPTIONS = {
    400: "Malformed request (the body is not JSON the registry can read)",
    401: "No valid session or token",
    403: "Not allowed for you (e.g. a center where you do not enter data)",
    404: "Not found, or not visible to you",
    405: "Method not allowed at this address",
    409: "Edit conflict (stale row_version) or a step the record's status does not allow",
    413: "Request body too large",
    422: "Invalid input; `errors` lists every problem",
    500: "Unexpected error (reported as a problem as well)",
}
STATUSES = sorted({kind.status for kind in KINDS.values()})


def problem_response(status: int) -> dict[str, Any]:
    return {"description": DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}}


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the ``Problem`` schema and the problem responses of every operation to ``schema``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    components["ProblemError"] = PROBLEM_ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in STATUSES:
                responses.setdefault(status, problem_response(status))
    return schema
