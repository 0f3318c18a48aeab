"""Template tags of the therapy app: the "Therapies" card of the patient page.

The tag stays thin: it calls ``qadam.therapy.selectors.patient_therapy_summary`` for the signed-in
user and renders ``qadam/therapy/_card.html``; a viewer who may not see the patient gets nothing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from qadam.core.exceptions import NotVisible
from qadam.core.validation import today
from qadam.therapy import labels, selectors

register = template.Library()

SEVERITY_CLASS = {"block": "q-notice--error", "warning": "q-notice--warning", "info": ""}


@register.inclusion_tag("qadam/therapy/_card.html", takes_context=True)
def therapy_card(context: Any, patient: Any) -> dict[str, Any]:
    """The patient's therapies as the card shows them (``summary`` is None for other viewers)."""
    request = context.get("request")
    summary = None
    if request is not None and patient is not None:
        try:
            summary = selectors.patient_therapy_summary(viewer=request.user, patient=patient, today=today())
        except NotVisible:
            summary = None
    return {"summary": summary, "patient": patient, "request": request}


@register.filter
def severity_class(finding: Any) -> str:
    """The notice style of a finding's severity (the words are always shown too)."""
    return SEVERITY_CLASS.get(getattr(finding, "severity", ""), "")


@register.filter
def injections_of(administration: Any) -> list[dict]:
    """The botulinum injections of a dose (muscle, side, units), or an empty list."""
    procedure = getattr(administration, "procedure", None) or {}
    rows = procedure.get("injections") or []
    return rows if isinstance(rows, list) else []


@register.filter
def quantity(value: Any) -> str:
    """A dose or weight in the active locale (100, 54,2 in Russian), never 1E+2."""
    return labels.quantity(value)


@register.filter
def side_label(code: str) -> str:
    """An injection side in words."""
    return labels.word(labels.SIDES, code)


@register.filter
def procedure_items(administration: Any) -> list[tuple[str, str]]:
    """The intrathecal procedure details of a dose as (label, words) pairs."""
    return labels.procedure_items(getattr(administration, "procedure", None))


@register.filter
def product_label(course: Any) -> str:
    """The brand of the course's product (Spinraza), or the substance as entered."""
    return labels.product_label(course.drug, course.product)


@register.filter
def finding_message(finding: Any) -> str:
    """The words of a finding acknowledged with a dose (stored as a dict), in the active language."""
    message = finding.get("message") if isinstance(finding, dict) else None
    if isinstance(message, dict):
        lang = (get_language() or "en")[:2]
        return message.get(lang) or message.get("en") or finding.get("code", "")
    return finding.get("code", "") if isinstance(finding, dict) else str(finding)
