"""Every screen with a user inside the patient's center, a user outside it, and nobody signed in.

Access is decided by the selectors; these tests prove each view asks them: outside users get 404
(they must not learn that the record exists), anonymous visitors are sent to sign in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import signed_in


@pytest.fixture
def urls(patient_a, visit_a, signed_a):
    rid = patient_a.registry_id
    return {
        "patient_detail": reverse("patient_detail", args=[rid]),
        "visit_new": reverse("visit_new", args=[rid]),
        "assessment_new": reverse("assessment_new", args=[visit_a.pk]) + "?instrument=hfmse",
        "assessment_edit": reverse("assessment_edit", args=[signed_a.pk]),
        "assessment_amend": reverse("assessment_amend", args=[signed_a.pk]),
    }


PATIENT_SCREENS = ["patient_detail", "visit_new", "assessment_new", "assessment_edit", "assessment_amend"]


@pytest.mark.parametrize("name", PATIENT_SCREENS)
def test_a_user_of_the_patient_center_opens_the_screen(world, urls, name):
    response = signed_in(world.clinician_a).get(urls[name])
    assert response.status_code == 200


@pytest.mark.parametrize("name", PATIENT_SCREENS)
def test_a_user_of_another_center_gets_not_found(world, urls, name):
    response = signed_in(world.clinician_b).get(urls[name])
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("name", PATIENT_SCREENS)
def test_nobody_signed_in_is_sent_to_sign_in(urls, name, client):
    response = client.get(urls[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_sign_screen_follows_the_same_rule(world, patient_a, draft_a):
    from qadam.assessments import services

    done = services.assessment_save(
        by=world.clinician_a,
        assessment=draft_a,
        responses={str(i): 1 for i in range(1, 34)},
        context={},
        expected_version=1,
    )
    done = services.assessment_complete(by=world.clinician_a, assessment=done, expected_version=done.row_version)
    url = reverse("assessment_sign", args=[done.pk])
    assert signed_in(world.clinician_a).get(url).status_code == 200
    assert signed_in(world.clinician_b).get(url).status_code == 404


def test_the_audit_page_is_for_the_center_coordinator_and_registry_managers(world, patient_a):
    url = reverse("patient_audit", args=[patient_a.registry_id])
    assert signed_in(world.coordinator_a).get(url).status_code == 200
    assert signed_in(world.manager).get(url).status_code == 200
    assert signed_in(world.clinician_a).get(url).status_code == 403
    assert signed_in(world.coordinator_b).get(url).status_code == 404


def test_lists_show_only_the_patients_of_the_user_centers(world, patient_a, patient_b):
    inside_page = signed_in(world.clinician_a).get(reverse("patient_list")).content.decode()
    assert patient_a.registry_id in inside_page and patient_b.registry_id not in inside_page
    home = signed_in(world.clinician_b).get(reverse("home")).content.decode()
    assert patient_b.registry_id in home and patient_a.registry_id not in home


def test_a_trainer_sees_the_patient_but_cannot_record_visits_or_register_patients(world, patient_a):
    trainer = signed_in(world.trainer_a)
    assert trainer.get(reverse("patient_new")).status_code == 403
    assert trainer.get(reverse("patient_detail", args=[patient_a.registry_id])).status_code == 200
    assert trainer.get(reverse("visit_new", args=[patient_a.registry_id])).status_code == 403


def test_identity_is_shown_only_to_the_patient_center(world, patient_a):
    url = reverse("patient_detail", args=[patient_a.registry_id])
    assert "Aigerim Sadykova" in signed_in(world.clinician_a).get(url).content.decode()
    manager_page = signed_in(world.manager).get(url)
    assert manager_page.status_code == 200
    assert "Aigerim Sadykova" not in manager_page.content.decode()
    assert "900101300007" not in manager_page.content.decode()


def test_opening_a_patient_page_is_recorded_in_the_audit_log(world, patient_a):
    from qadam.audit.models import AuditEntry

    signed_in(world.clinician_a).get(reverse("patient_detail", args=[patient_a.registry_id]))
    entry = AuditEntry.objects.filter(patient_registry_id=patient_a.registry_id, action="view").get()
    assert entry.actor_username == "clinician_a"
