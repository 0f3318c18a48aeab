"""FHIR R4 endpoints under ``/fhir/r4/`` (docs/fhir.md lists them)."""

from django.urls import path, re_path

from . import views

app_name = "qadam_fhir"

urlpatterns = [
    path("", views.bundle_create, name="base"),
    path("Patient/<str:registry_id>/$everything", views.patient_everything_view, name="patient-everything"),
    path("QuestionnaireResponse", views.questionnaire_response_create, name="questionnaire-response"),
    path("Questionnaire/<str:questionnaire_id>", views.questionnaire_view, name="questionnaire"),
    path("CodeSystem/<str:codesystem_id>", views.codesystem_view, name="codesystem"),
    path("$export", views.bulk_export_view, name="export"),
    path("metadata", views.metadata_view, name="metadata"),
    re_path(r"", views.not_found),
]
