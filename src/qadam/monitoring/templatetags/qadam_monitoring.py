"""Template tags of the monitoring screens: the patient page's "Due and overdue" section."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from qadam.core.exceptions import NotVisible
from qadam.monitoring import due, selectors

register = template.Library()


@register.inclusion_tag("qadam/monitoring/_patient_due.html", takes_context=True)
def patient_due(context: Any, patient: Any) -> dict[str, Any]:
    """What is due for ``patient`` as the signed-in user may see it (nothing for anyone else)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    try:
        monitoring = selectors.patient_monitoring(
            viewer=viewer, patient=patient, today=timezone.localdate(), horizon_days=due.DEFAULT_HORIZON_DAYS
        )
    except NotVisible:
        monitoring = None
    return {
        "patient": patient,
        "monitoring": monitoring,
        "today": timezone.localdate(),
        "request": request,
        # The same horizon as the worklist's default (``due.DEFAULT_HORIZON_DAYS``).
        "horizon_days": due.DEFAULT_HORIZON_DAYS,
    }


@register.filter
def kind_label(kind: str) -> str:
    """ "Assessments", "Doses" or "Transition to adult care" in the active language."""
    from qadam.web.views.monitoring import KIND_LABELS

    return str(KIND_LABELS.get(kind, kind))


@register.filter
def instrument_list(codes: Any) -> str:
    """Instrument codes as their names, separated by commas."""
    from qadam import scales

    names = []
    for code in codes:
        found = scales.INSTRUMENTS.get(code)
        names.append(str(found.name) if found else code)
    return ", ".join(names)


@register.filter
def row_word(code: str, kind: str) -> str:
    """A protocol row's status, treatment or anchor code in words ("—" for any)."""
    from qadam.monitoring.models import ANCHOR_LABELS, STATUS_LABELS, TREATMENT_LABELS

    if not code:
        return "—"
    labels = {"status": STATUS_LABELS, "treatment": TREATMENT_LABELS, "anchor": ANCHOR_LABELS}[kind]
    return str(labels.get(code, code))
