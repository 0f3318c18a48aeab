"""The patient report: a PDF summary for the multidisciplinary team and the patient's next center.

``patient_report_pdf`` gathers the record (diagnoses, SMA type and genetics, therapy history,
latest results with their bands, trajectory charts, response judgements and, when the monitoring
app can tell, the items due), renders it in the requested language and records the export in the
audit log (action ``export``), in the same transaction as nothing else: a report changes no record.

``by`` is the user the report is made for: their access decides whether they may have it at all
(``NotVisible`` otherwise) and whether the name and IIN are printed (only for the patient's own
center, as on screen). ``by=None`` is the operator on the command line: the report is pseudonymous,
and the items due, which the monitoring app reads for a viewer, are left out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qadam import scales
from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.patients.models import Diagnosis, Patient, PatientIdentity, SmaGenetics, SmaStatus
from qadam.patients.selectors import age_on, ensure_visible, identity_visible

from . import selectors

REASON = "patient report (PDF)"


@dataclass
class DueItems:
    """The items due, or why they are not in the report."""

    items: list[Any]
    available: bool
    reason: str = ""


def report_context(*, by: Any, patient: Patient, lang: str, today: datetime.date | None = None) -> dict[str, Any]:
    """What the report template shows (computed in ``lang``)."""
    if by is not None:
        ensure_visible(viewer=by, patient=patient)
    today = today or timezone.localdate()
    with translation.override(lang):
        report = selectors.build_report(patient=patient, today=today)
        identity = None
        if by is not None and identity_visible(viewer=by, patient=patient):
            identity = PatientIdentity.objects.filter(patient=patient).first()
        statuses = list(SmaStatus.objects.filter(patient=patient).order_by("recorded_on", "id"))
        return {
            "patient": patient,
            "report": report,
            "identity": identity,
            "age": age_on(patient.birth_date, today),
            "diagnoses": list(Diagnosis.objects.filter(patient=patient).select_related("icd10")),
            "sma_status": statuses[-1] if statuses else None,
            "genetics": SmaGenetics.objects.filter(patient=patient).first(),
            "latest": [_latest(t) for t in report.trajectories],
            "due": _due_items(by, patient, today),
            "generated_on": today,
            "generated_by": by,
            "lang": lang,
        }


def patient_report_html(*, by: Any, patient: Patient, lang: str, today: datetime.date | None = None) -> str:
    context = report_context(by=by, patient=patient, lang=lang, today=today)
    with translation.override(lang):
        return render_to_string("qadam/reports/patient_report.html", context)


def patient_report_pdf(
    *, by: Any, patient: Patient, lang: str | None = None, today: datetime.date | None = None
) -> bytes:
    """The PDF report of ``patient`` in ``lang`` (default: the active language), audited as an export."""
    lang = _language(lang)
    html = patient_report_html(by=by, patient=patient, lang=lang, today=today)
    from . import pdf  # WeasyPrint is imported on first use: about 40 MB a web worker need not carry

    document = pdf.html_to_pdf(html)
    with transaction.atomic():
        audit_record(
            actor=by,
            action=Action.EXPORT,
            obj=patient,
            patient=patient,
            changes={"format": [None, "pdf"], "language": [None, lang]},
            reason=REASON,
        )
    return document


def _language(lang: str | None) -> str:
    lang = (lang or translation.get_language() or "en").split("-")[0]
    return lang if lang in scales.LANGUAGES else "en"


@dataclass(frozen=True)
class Latest:
    trajectory: selectors.Trajectory
    result: selectors.Result
    previous: selectors.Result | None

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.result.value - self.previous.value


def _latest(trajectory: selectors.Trajectory) -> Latest:
    results = trajectory.results
    return Latest(trajectory, results[-1], results[-2] if len(results) > 1 else None)


def _due_items(by: Any, patient: Patient, today: datetime.date) -> DueItems:
    from django.utils.translation import gettext

    if by is None:
        return DueItems([], False, gettext("Items due are listed when the report is made for a user of the registry."))
    try:
        from qadam.monitoring.selectors import patient_monitoring
    except ImportError:  # the monitoring app is optional for the report
        return DueItems([], False, gettext("The monitoring schedule is not available."))
    return DueItems(patient_monitoring(viewer=by, patient=patient, today=today).items, True)
