"""OperationOutcome: how the FHIR endpoints and the import command report errors and warnings.

Each issue carries the FHIR issue type (``code``, bound to IssueType), our stable problem code in
``details.coding`` (``{base}/CodeSystem/problem``), the message in the answer's language in
``details.text``, and where it applies in ``expression`` when we know it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qadam.scales.errors import Problem

from .codes import DEFAULT_BASE

# Our problem codes → FHIR IssueType (http://hl7.org/fhir/issue-type, required binding).
ISSUE_TYPES = {
    "malformed_json": "structure",
    "json_not_utf8": "structure",
    "json_not_finite": "structure",
    "json_too_deep": "structure",
    "json_unpaired_surrogate": "structure",
    "json_number_too_long": "structure",
    "not_a_resource": "structure",
    "wrong_resource_type": "structure",
    "invalid_fhir": "structure",
    "unsupported_media_type": "not-supported",
    "body_too_large": "too-long",
    "too_many_entries": "too-costly",
    "unknown_questionnaire": "not-supported",
    "questionnaire_not_named": "required",
    "questionnaire_mismatch": "invalid",
    "unknown_link_id": "invalid",
    "unknown_answer_code": "code-invalid",
    "wrong_answer_type": "value",
    "multiple_answers": "invalid",
    "duplicate_item": "invalid",
    "unit_mismatch": "value",
    "context_conflict": "conflict",
    "stated_score_differs": "business-rule",
    "stated_score_without_ours": "business-rule",
    "subject_missing": "required",
    "subject_mismatch": "invalid",
    "bundle_type": "not-supported",
    "entry_not_supported": "not-supported",
    "response_status": "business-rule",
    "authored_invalid": "value",
    "not_visible": "not-found",
    "not_allowed": "forbidden",
    "not_authenticated": "login",
    "token_invalid": "security",
    "token_revoked": "security",
    "csrf_failed": "security",
    "route_not_found": "not-found",
    "method_not_allowed": "not-supported",
    "unknown_type": "not-supported",
    "stored": "informational",
    "already_imported": "informational",
    "already_imported_changed": "duplicate",
    "no_responses": "required",
    "server_error": "exception",
}


def problem_system(base: str = DEFAULT_BASE) -> str:
    return f"{base}/CodeSystem/problem"


@dataclass(frozen=True)
class Issue:
    """One issue: ``code`` is our problem code; ``severity`` fatal, error, warning or information."""

    code: str
    message: str
    severity: str = "error"
    expression: str | None = None
    diagnostics: str | None = None

    def as_fhir(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": ISSUE_TYPES.get(self.code, "value" if self.severity != "information" else "informational"),
            "details": {"coding": [{"system": problem_system(base), "code": self.code}], "text": self.message},
        }
        if self.diagnostics:
            issue["diagnostics"] = self.diagnostics
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


def problem_issue(problem: Problem, lang: str = "en", *, severity: str = "error", where: str = "") -> Issue:
    """A scale or interop ``Problem`` as an issue; ``where`` prefixes the expression (a Bundle entry)."""
    expression = None
    item = problem.item
    if isinstance(item, str) and item.startswith("context '"):
        item = "context:" + item[len("context '") :].rstrip("'")
    if item is not None and problem.code not in _NOT_ABOUT_AN_ITEM:
        expression = f"{where}QuestionnaireResponse.item.where(linkId='{item}')"
    elif where:
        expression = f"{where}QuestionnaireResponse"
    return Issue(problem.code, problem.message(lang), severity, expression)


# Problems whose ``item`` names a resource type or a score label rather than a question's linkId.
_NOT_ABOUT_AN_ITEM = frozenset(
    {"not_a_resource", "wrong_resource_type", "invalid_fhir", "stated_score_differs", "stated_score_without_ours"}
)


def operation_outcome(issues: Iterable[Issue], *, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """An OperationOutcome holding ``issues`` (an outcome needs at least one: 'all OK' if none)."""
    listed = [issue.as_fhir(base) for issue in issues]
    if not listed:
        listed = [Issue("stored", "All OK", "information").as_fhir(base)]
    return {"resourceType": "OperationOutcome", "issue": listed}
