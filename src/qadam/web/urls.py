"""URLs of the web screens; views and templates refer to them by name."""

from django.urls import include, path, register_converter

from qadam.web.views import assessments, pages, patients, record


class RecordId:
    """A database id from a URL: 1 to 18 digits, so that no value can overflow a 64-bit column."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class RegistryId:
    """A registry id such as KZ-7Q4M-2XD9 (letters, digits and hyphens)."""

    regex = "[A-Za-z0-9-]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(RecordId, "record_id")
register_converter(RegistryId, "registry_id")

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", pages.auth_views.LogoutView.as_view(), name="logout"),
    path("language/", pages.language, name="language"),
    path("patients/", patients.patient_list, name="patient_list"),
    path("patients/new/", patients.patient_new, name="patient_new"),
    path("patients/<registry_id:registry_id>/", patients.patient_detail, name="patient_detail"),
    path("patients/<registry_id:registry_id>/audit/", patients.patient_audit, name="patient_audit"),
    path("patients/<registry_id:registry_id>/visits/new/", patients.visit_new, name="visit_new"),
    path("patients/<registry_id:registry_id>/edit/", record.patient_edit, name="patient_edit"),
    path("patients/<registry_id:registry_id>/diagnoses/new/", record.diagnosis_new, name="diagnosis_new"),
    path("patients/<registry_id:registry_id>/sma/genetics/", record.sma_genetics_edit, name="sma_genetics_edit"),
    path("patients/<registry_id:registry_id>/sma/status/new/", record.sma_status_new, name="sma_status_new"),
    path("patients/<registry_id:registry_id>/consents/new/", record.consent_new, name="consent_new"),
    path(
        "patients/<registry_id:registry_id>/consents/<record_id:consent_id>/withdraw/",
        record.consent_withdraw,
        name="consent_withdraw",
    ),
    path("visits/<record_id:visit_id>/assessments/new/", assessments.assessment_new, name="assessment_new"),
    path("assessments/preview/", assessments.assessment_preview, name="assessment_preview"),
    path("assessments/<record_id:assessment_id>/", assessments.assessment_edit, name="assessment_edit"),
    path("assessments/<record_id:assessment_id>/sign/", assessments.assessment_sign, name="assessment_sign"),
    path("assessments/<record_id:assessment_id>/amend/", assessments.assessment_amend, name="assessment_amend"),
    path("", include("qadam.web.routes.therapy")),
    path("", include("qadam.web.routes.monitoring")),
    path("", include("qadam.web.routes.reports")),
    path("", include("qadam.web.routes.research")),
]
