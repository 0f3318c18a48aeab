"""URLs of the monitoring screens: worklist, protocols, transition checklists."""

from django.urls import path

from qadam.web.views import monitoring

urlpatterns: list = [
    path("worklist/", monitoring.worklist, name="worklist"),
    path("worklist.csv", monitoring.worklist_csv, name="worklist_csv"),
    path("protocols/", monitoring.protocol_list, name="protocol_list"),
    path("protocols/versions/<record_id:version_id>/", monitoring.protocol_version, name="protocol_version"),
    path("protocols/<slug:center_code>/<slug:condition>/", monitoring.protocol_detail, name="protocol_detail"),
    path("protocols/<slug:center_code>/<slug:condition>/edit/", monitoring.protocol_edit, name="protocol_edit"),
    path("protocols/<slug:center_code>/<slug:condition>/reset/", monitoring.protocol_reset, name="protocol_reset"),
    path("patients/<registry_id:registry_id>/transition/", monitoring.transition_edit, name="transition_edit"),
]
