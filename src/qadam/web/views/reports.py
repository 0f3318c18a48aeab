"""Reports screens: the patient report as a PDF download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from qadam.patients.selectors import patient_get
from qadam.reports import services
from qadam.web.guards import answers_errors


@require_GET
@login_required
@answers_errors
def patient_report_pdf(request, registry_id: str):
    """The patient's PDF report in the user's language (404 for a patient the user may not see)."""
    patient = patient_get(viewer=request.user, registry_id=registry_id)
    document = services.patient_report_pdf(by=request.user, patient=patient)
    response = HttpResponse(document, content_type="application/pdf")
    filename = f"qadam-{patient.registry_id}-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
