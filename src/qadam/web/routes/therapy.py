"""URLs of the therapy screens."""

from django.urls import path

from qadam.web.views import therapy

PATIENT = "patients/<registry_id:registry_id>/"
COURSE = PATIENT + "therapies/<record_id:course_id>/"

urlpatterns: list = [
    path(PATIENT + "therapies/new/", therapy.course_new, name="therapy_course_new"),
    path(COURSE, therapy.course_detail, name="therapy_course_detail"),
    path(COURSE + "stop/", therapy.course_stop, name="therapy_course_stop"),
    path(COURSE + "doses/new/", therapy.administration_new, name="therapy_dose_new"),
    path(COURSE + "adverse-events/new/", therapy.adverse_event_new, name="therapy_adverse_event_new"),
    path(PATIENT + "vaccinations/new/", therapy.vaccination_new, name="therapy_vaccination_new"),
    path(PATIENT + "weights/new/", therapy.weight_new, name="therapy_weight_new"),
]
