"""Registering, finding and reading patients; visits; the audit trail."""

from __future__ import annotations

from django.urls import reverse

from qadam.assessments.models import Visit
from qadam.patients.models import Patient, PatientIdentity

from .conftest import signed_in


def register(client, world, **fields):
    data = {"center": world.center_a.pk, "birth_date": "2019-03-14", "sex": "male", **fields}
    return client.post(reverse("patient_new"), data)


def test_registration_creates_the_patient_and_opens_the_patient_page(world):
    response = register(signed_in(world.clinician_a), world, full_name="Dias Omarov", iin="")
    patient = Patient.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("patient_detail", args=[patient.registry_id])
    assert patient.center == world.center_a
    assert PatientIdentity.objects.get(patient=patient).full_name == "Dias Omarov"


def test_a_wrong_iin_check_digit_is_explained_in_russian_and_nothing_is_saved(world):
    response = register(signed_in(world.clinician_a, "ru"), world, iin="900101300008")
    page = response.content.decode()
    assert "Контрольная цифра ИИН «900101300008» не совпадает" in page
    assert 'href="#id_iin"' in page and 'aria-invalid="true"' in page
    assert not Patient.objects.exists()


def test_a_short_iin_is_explained_in_kazakh(world):
    page = register(signed_in(world.clinician_a, "kk"), world, iin="12345").content.decode()
    assert "ЖСН дәл 12 цифрдан тұруы керек" in page


def test_an_iin_already_in_the_registry_is_refused(world, patient_a):
    page = register(signed_in(world.clinician_a), world, iin="900101300007").content.decode()
    assert "already has the IIN" in page
    assert Patient.objects.count() == 1


def test_a_user_cannot_register_into_a_center_where_they_do_not_write(world):
    response = register(signed_in(world.clinician_a), world, center=world.center_b.pk)
    assert "Choose one of your centers." in response.content.decode()
    assert not Patient.objects.exists()


def test_missing_fields_are_listed_in_the_error_summary_linking_to_each_field(world):
    page = signed_in(world.clinician_a).post(reverse("patient_new"), {}).content.decode()
    assert 'href="#id_birth_date"' in page and 'href="#id_sex"' in page
    assert "Enter the date of birth." in page


def test_search_finds_a_patient_by_part_of_the_registry_id(world, patient_a, patient_b):
    part = patient_a.registry_id[3:7].lower()
    page = signed_in(world.clinician_a).get(reverse("patient_list"), {"q": part}).content.decode()
    assert patient_a.registry_id in page


def test_the_patient_page_shows_demographics_timeline_and_results(world, patient_a, signed_a):
    page = signed_in(world.clinician_a).get(reverse("patient_detail", args=[patient_a.registry_id])).content.decode()
    assert "1 January 1990" in page
    assert "HFMSE" in page and ">66<" in page
    assert reverse("assessment_edit", args=[signed_a.pk]) in page
    assert 'data-instrument="hfmse"' in page


def test_a_visit_is_recorded_and_shown_on_the_timeline(world, patient_a):
    client = signed_in(world.clinician_a)
    response = client.post(
        reverse("visit_new", args=[patient_a.registry_id]), {"visit_date": "2026-02-10", "kind": "baseline"}
    )
    visit = Visit.objects.get(patient=patient_a)
    assert response.status_code == 302 and visit.kind == "baseline"
    page = client.get(reverse("patient_detail", args=[patient_a.registry_id])).content.decode()
    assert "10 February 2026" in page and reverse("assessment_new", args=[visit.pk]) in page


def test_a_visit_before_birth_is_refused_with_the_reason(world, patient_a):
    response = signed_in(world.clinician_a).post(
        reverse("visit_new", args=[patient_a.registry_id]), {"visit_date": "1980-01-01", "kind": "routine"}
    )
    assert "cannot be before the date of birth" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_audit_page_lists_who_viewed_and_changed_the_record(world, patient_a, signed_a):
    signed_in(world.clinician_a).get(reverse("patient_detail", args=[patient_a.registry_id]))
    page = signed_in(world.coordinator_a).get(reverse("patient_audit", args=[patient_a.registry_id])).content.decode()
    assert "clinician_a" in page
    for action in ("viewed", "created", "signed"):
        assert action in page
