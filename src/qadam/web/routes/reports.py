"""URLs of the reports screens."""

from django.urls import path

from qadam.web.views import reports

urlpatterns: list = [
    path("patients/<registry_id:registry_id>/report.pdf", reports.patient_report_pdf, name="patient_report_pdf"),
]
