"""Therapy screens: the card on the patient page and the forms, from inside and outside the center."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qadam.audit.models import AuditEntry
from qadam.therapy import services
from qadam.therapy.models import Administration, TherapyCourse, Vaccination, WeightRecord
from tests.web.conftest import signed_in

D = datetime.date


def url(name: str, patient, *args) -> str:
    return reverse(name, args=[patient.registry_id, *args])


@pytest.fixture
def course(world, patient_a):
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="nusinersen", started_on=D(2025, 1, 6))
    services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 6), dose=12, dose_unit="mg", route="intrathecal")  # fmt: skip
    return course


def test_patient_page_shows_the_therapy_card_with_next_due_and_overdue(world, patient_a, course):
    page = signed_in(world.clinician_a).get(url("patient_detail", patient_a)).content.decode()
    assert 'data-testid="therapies"' in page and "Nusinersen" in page
    # The second loading dose (20 Jan 2025) is long overdue today: marked in words, with its rule.
    assert 'data-testid="overdue"' in page and "Overdue since" in page
    assert "SPINRAZA" in page
    assert url("therapy_dose_new", patient_a, course.pk) in page


def test_card_in_russian_names_the_drug_in_russian(world, patient_a, course):
    page = signed_in(world.clinician_a, "ru").get(url("patient_detail", patient_a)).content.decode()
    assert "Нусинерсен" in page


def test_registry_manager_sees_the_card_without_buttons_and_cannot_open_forms(world, patient_a, course):
    client = signed_in(world.manager)
    page = client.get(url("patient_detail", patient_a)).content.decode()
    assert "Nusinersen" in page and url("therapy_dose_new", patient_a, course.pk) not in page
    assert url("therapy_course_new", patient_a) not in page
    assert client.get(url("therapy_course_new", patient_a)).status_code == 403
    assert client.get(url("therapy_dose_new", patient_a, course.pk)).status_code == 403
    assert client.get(url("therapy_course_detail", patient_a, course.pk)).status_code == 200


@pytest.mark.parametrize("name", ["therapy_course_new", "therapy_vaccination_new", "therapy_weight_new"])
def test_outside_the_center_every_patient_form_is_404(world, patient_a, name):
    client = signed_in(world.clinician_b)
    assert client.get(url(name, patient_a)).status_code == 404
    assert client.post(url(name, patient_a), {}).status_code == 404


@pytest.mark.parametrize(
    "name", ["therapy_dose_new", "therapy_course_stop", "therapy_adverse_event_new", "therapy_course_detail"]
)
def test_outside_the_center_every_course_screen_is_404(world, patient_a, course, name):
    assert signed_in(world.clinician_b).get(url(name, patient_a, course.pk)).status_code == 404
    assert signed_in(world.outsider).get(url(name, patient_a, course.pk)).status_code == 404


def test_a_course_of_another_patient_is_404(world, patient_a, patient_b, course):
    assert signed_in(world.clinician_b).get(url("therapy_dose_new", patient_b, course.pk)).status_code == 404


def test_not_signed_in_goes_to_sign_in(client, patient_a):
    response = client.get(url("therapy_course_new", patient_a))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_start_a_course_and_bad_input(world, patient_a):
    client = signed_in(world.clinician_a)
    bad = client.post(url("therapy_course_new", patient_a), {"drug": "aspirin", "started_on": "2025-02-30", "jurisdiction": "EU", "regimen": "standard"})  # fmt: skip
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    assert not TherapyCourse.objects.exists()
    ok = client.post(url("therapy_course_new", patient_a), {"drug": "risdiplam", "started_on": "2025-02-01", "jurisdiction": "EU", "regimen": "standard"})  # fmt: skip
    assert ok.status_code == 302
    assert TherapyCourse.objects.get().drug == "risdiplam"
    assert AuditEntry.objects.filter(object_type="therapy.therapycourse", action="create").count() == 1


def test_record_a_dose_with_procedure_details(world, patient_a, course):
    client = signed_in(world.clinician_a)
    form = client.get(url("therapy_dose_new", patient_a, course.pk)).content.decode()
    assert "Intrathecal procedure" in form and "Needle gauge" in form
    data = {"given_on": "2025-01-20", "route": "intrathecal", "dose": "12", "dose_unit": "mg", "approach": "interlaminar", "needle_gauge": "22", "attempts": "1"}  # fmt: skip
    assert client.post(url("therapy_dose_new", patient_a, course.pk), data).status_code == 302
    dose = Administration.objects.get(given_on=D(2025, 1, 20))
    assert dose.procedure == {"approach": "interlaminar", "needle_gauge": 22, "attempts": 1}


def test_a_warning_is_shown_and_the_dose_is_recorded_only_when_confirmed(world, patient_a, course):
    client = signed_in(world.clinician_a)
    data = {"given_on": "2025-01-13", "route": "intrathecal", "dose": "12", "dose_unit": "mg"}  # 7 days: label ≥14
    refused = client.post(url("therapy_dose_new", patient_a, course.pk), data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'data-testid="dose-findings"' in page and "at least 14" in page and "id_acknowledge_warnings" in page
    assert Administration.objects.count() == 1
    confirmed = client.post(url("therapy_dose_new", patient_a, course.pk), {**data, "acknowledge_warnings": "on"})
    assert confirmed.status_code == 302 and Administration.objects.count() == 2


def test_botulinum_form_has_the_injection_table(world, patient_a):
    botox = services.course_start(by=world.clinician_a, patient=patient_a, drug="onabotulinumtoxinA", product="botox", started_on=D(2025, 1, 1))  # fmt: skip
    client = signed_in(world.clinician_a)
    page = client.get(url("therapy_dose_new", patient_a, botox.pk)).content.decode()
    assert 'data-testid="injections"' in page and "never added" in page
    data = {"given_on": "2025-01-10", "route": "im", "botulinum_product": "botox", "muscle_0": "Biceps brachii", "side_0": "left", "units_0": "100", "muscle_1": "Brachialis", "side_1": "left", "units_1": "50"}  # fmt: skip
    assert client.post(url("therapy_dose_new", patient_a, botox.pk), data).status_code == 302
    dose = Administration.objects.get(course=botox)
    assert dose.dose == 150 and len(dose.procedure["injections"]) == 2
    blocked = client.post(url("therapy_dose_new", patient_a, botox.pk), {**data, "given_on": "2025-02-10", "acknowledge_warnings": "on"})  # fmt: skip
    assert blocked.status_code == 400 and "84 days" in blocked.content.decode()
    detail = client.get(url("therapy_course_detail", patient_a, botox.pk)).content.decode()
    assert "Biceps brachii" in detail


def test_stop_adverse_event_vaccination_weight(world, patient_a, course):
    client = signed_in(world.clinician_a)
    dose = course.administrations.get()
    ae = {"onset_on": "2025-01-07", "description": "Headache", "severity": "mild", "outcome": "recovered", "administration": str(dose.pk)}  # fmt: skip
    assert client.post(url("therapy_adverse_event_new", patient_a, course.pk), ae).status_code == 302
    assert client.post(url("therapy_vaccination_new", patient_a), {"vaccine": "influenza", "given_on": "2025-01-05"}).status_code == 302  # fmt: skip
    assert client.post(url("therapy_weight_new", patient_a), {"measured_on": "2025-01-05", "weight_kg": "abc"}).status_code == 400  # fmt: skip
    assert client.post(url("therapy_weight_new", patient_a), {"measured_on": "2025-01-05", "weight_kg": "54,2"}).status_code == 302  # fmt: skip
    assert Vaccination.objects.count() == 1 and WeightRecord.objects.get().weight_kg == Decimal("54.2")
    stale = client.post(url("therapy_course_stop", patient_a, course.pk), {"stopped_on": "2025-03-01", "reason": "patient_choice", "row_version": "9"})  # fmt: skip
    assert stale.status_code == 409
    stop = client.post(url("therapy_course_stop", patient_a, course.pk), {"stopped_on": "2025-03-01", "reason": "patient_choice", "row_version": "1"})  # fmt: skip
    assert stop.status_code == 302
    course.refresh_from_db()
    assert course.stopped_on == D(2025, 3, 1)
    page = client.get(url("patient_detail", patient_a)).content.decode()
    assert "stopped" in page and "54.2 kg" in page


def _more_therapy(world, patient):
    """Four more courses (one with doses and an adverse event), a weight and a vaccination."""
    by = world.clinician_a
    botox = services.course_start(by=by, patient=patient, drug="onabotulinumtoxinA", started_on=D(2025, 1, 6), product="botox")  # fmt: skip
    injections = {"product": "botox", "injections": [{"muscle": "Biceps brachii", "side": "left", "units": 100}]}
    for day in (D(2025, 1, 6), D(2025, 4, 7)):
        dose = services.administration_record(by=by, course=botox, given_on=day, dose=None, dose_unit="U", route="im", procedure=injections)  # fmt: skip
    services.adverse_event_record(by=by, course=botox, onset_on=D(2025, 4, 8), description="Weakness", severity="mild", administration=dose)  # fmt: skip
    for drug in ("pyridostigmine", "corticosteroid", "rituximab"):
        services.course_start(by=by, patient=patient, drug=drug, started_on=D(2025, 1, 6))
    services.weight_record(by=by, patient=patient, measured_on=D(2025, 1, 6), weight_kg=60)
    services.vaccination_record(by=by, patient=patient, vaccine="influenza", given_on=D(2025, 1, 6))


def test_the_patient_page_reads_therapies_in_a_fixed_number_of_queries(world, patient_a, course, django_assert_max_num_queries):  # fmt: skip
    """No query per course, dose or adverse event: five courses cost what one costs."""
    client = signed_in(world.clinician_a)
    page = url("patient_detail", patient_a)
    client.get(page)  # the session's first request warms what is cached per user
    with CaptureQueriesContext(connection) as one_course:
        client.get(page)
    _more_therapy(world, patient_a)
    with django_assert_max_num_queries(len(one_course)):
        response = client.get(page)
    assert response.content.decode().count('data-testid="therapy-course"') == 5


def test_course_page_shows_words_not_codes_and_numbers_in_the_locale(world, patient_a):
    by = world.clinician_a
    botox = services.course_start(by=by, patient=patient_a, drug="onabotulinumtoxinA", started_on=D(2025, 1, 6), product="botox")  # fmt: skip
    injections = {"product": "botox", "injections": [{"muscle": "Biceps brachii", "side": "bilateral", "units": 100}]}
    services.administration_record(by=by, course=botox, given_on=D(2025, 1, 6), dose=None, dose_unit="U", route="im", procedure=injections)  # fmt: skip
    spinraza = services.course_start(by=by, patient=patient_a, drug="nusinersen", started_on=D(2025, 1, 6), product="spinraza")  # fmt: skip
    procedure = {"approach": "interlaminar", "imaging_guidance": "ultrasound", "needle_gauge": 22, "csf_removed_ml": 5}
    services.administration_record(by=by, course=spinraza, given_on=D(2025, 1, 6), dose=12, dose_unit="mg", route="intrathecal", weight_kg="60", procedure=procedure)  # fmt: skip
    services.weight_record(by=by, patient=patient_a, measured_on=D(2025, 1, 6), weight_kg="54.5")
    client = signed_in(by)
    botox_page = client.get(url("therapy_course_detail", patient_a, botox.pk)).content.decode()
    assert "(Botox)" in botox_page and "(botox)" not in botox_page
    assert "Both sides · 100 U" in botox_page and "1E+2" not in botox_page
    spinraza_page = client.get(url("therapy_course_detail", patient_a, spinraza.pk)).content.decode()
    assert "Interlaminar (lumbar puncture)" in spinraza_page and "Ultrasound" in spinraza_page
    assert "imaging_guidance" not in spinraza_page and "Needle gauge (G): 22" in spinraza_page
    assert ">60<" in spinraza_page and "6E+1" not in spinraza_page
    card = signed_in(by, "ru").get(url("patient_detail", patient_a)).content.decode()
    assert "54,5" in card and "1E+2" not in card and "(Spinraza)" in card


def test_a_registry_manager_of_another_center_reads_no_free_text(world, patient_a):
    """Notes can carry names: outside the patient's center they are blanked, as in the rest of the record."""
    by = world.clinician_a
    course = services.course_start(by=by, patient=patient_a, drug="nusinersen", started_on=D(2025, 1, 6), indication="Referred by Dr Secretname", note="Mother Secretname")  # fmt: skip
    dose = services.administration_record(by=by, course=course, given_on=D(2025, 1, 6), dose=12, dose_unit="mg", route="intrathecal", note="Given by nurse Secretname")  # fmt: skip
    services.adverse_event_record(by=by, course=course, onset_on=D(2025, 1, 7), description="Headache, told Secretname", severity="mild", administration=dose)  # fmt: skip
    services.vaccination_record(by=by, patient=patient_a, vaccine="influenza", given_on=D(2025, 1, 5), note="At Secretname clinic")  # fmt: skip
    inside = signed_in(by).get(url("therapy_course_detail", patient_a, course.pk)).content.decode()
    assert "Dr Secretname" in inside and "nurse Secretname" in inside and "told Secretname" in inside
    for path in (url("therapy_course_detail", patient_a, course.pk), url("patient_detail", patient_a)):
        page = signed_in(world.manager).get(path)
        assert page.status_code == 200 and "Secretname" not in page.content.decode()
    from tests.api.conftest import token_client

    api = token_client(world.manager)
    for path in (f"/api/v1/therapies?patient={patient_a.registry_id}", f"/api/v1/therapies/{course.pk}"):
        answer = api.get(path)
        assert answer.status_code == 200 and "Secretname" not in answer.content.decode()
    course.refresh_from_db()
    assert course.indication == "Referred by Dr Secretname"  # blanked for reading, never saved


def test_an_adverse_event_can_be_recorded_after_the_course_stopped(world, patient_a, course):
    """Late adverse events (onasemnogene: liver injury weeks after the infusion) belong to the course."""
    services.course_stop(by=world.clinician_a, course=course, stopped_on=D(2025, 2, 1), reason="other", expected_version=course.row_version)  # fmt: skip
    client = signed_in(world.clinician_a)
    link = url("therapy_adverse_event_new", patient_a, course.pk)
    assert link in client.get(url("patient_detail", patient_a)).content.decode()
    assert link in client.get(url("therapy_course_detail", patient_a, course.pk)).content.decode()
    late = {"onset_on": "2025-03-01", "description": "Raised transaminases", "severity": "moderate", "outcome": "recovering"}  # fmt: skip
    assert client.post(link, late).status_code == 302
    assert course.adverse_events.get().onset_on == D(2025, 3, 1)


@pytest.mark.parametrize(
    "value,shown",
    [
        (Decimal("100.0000"), "100"),
        (Decimal("1.1E+14"), "110000000000000"),
        (12.5, "12.5"),
        ("100 U", "100 U"),
        (None, "—"),
    ],
)
def test_quantities_are_written_plainly_and_never_fail(value, shown):
    from qadam.therapy.labels import quantity

    assert quantity(value) == shown


def test_procedure_details_from_an_import_never_fail(world, patient_a, course):
    """A procedure's JSON written by an import may hold anything: the course page still shows it."""
    dose = course.administrations.get()
    Administration.objects.filter(pk=dose.pk).update(procedure={"approach": ["odd"], "needle_gauge": "22G", "sedation": None})  # fmt: skip
    page = signed_in(world.clinician_a).get(url("therapy_course_detail", patient_a, course.pk))
    assert page.status_code == 200 and "22G" in page.content.decode()
