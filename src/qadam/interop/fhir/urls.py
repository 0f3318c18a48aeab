"""FHIR R4 endpoints under ``/fhir/r4/``."""

urlpatterns: list = []
