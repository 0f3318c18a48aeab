"""Template tags of the therapy app: the "Therapies" card of the patient page.

The tag stays thin: it calls ``qadam.therapy.selectors.patient_therapy_summary`` for the signed-in
user and renders ``qadam/therapy/_card.html``; a viewer who may not see the patient gets nothing.
"""

from __future__ import annotations

from typing import Any

from django import template

from qadam.core.exceptions import NotVisible
from qadam.core.validation import today
from qadam.therapy import selectors

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
