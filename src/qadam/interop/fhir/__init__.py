"""FHIR R4 (4.0.1): Questionnaires and CodeSystems for our instruments, QuestionnaireResponses in and out.

>>> from qadam.interop.fhir import questionnaire_for, response_for, parse_questionnaire_response
>>> questionnaire_for("phq9")["code"]
[{'system': 'http://loinc.org', 'code': '44249-1'}]
>>> parsed = parse_questionnaire_response(response_for("phq9", {str(i): 1 for i in range(1, 10)}))
>>> parsed.result.total, parsed.stated, parsed.disagreements
(9, {'total': 9}, ())
"""

from .codes import DEFAULT_BASE, codesystem_for, not_tested_codesystem
from .forms import KNOWN_FORMS
from .questionnaires import questionnaire_for
from .responses import Disagreement, ParsedResponse, parse_questionnaire_response, response_for
from .validation import validate_resource

__all__ = [
    "DEFAULT_BASE", "KNOWN_FORMS",
    "Disagreement", "ParsedResponse",
    "codesystem_for", "not_tested_codesystem", "parse_questionnaire_response", "questionnaire_for",
    "response_for", "validate_resource",
]  # fmt: skip
