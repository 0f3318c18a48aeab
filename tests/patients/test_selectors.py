"""Access rules, selector by selector, with a user inside and a user outside the patient's center."""

import datetime

import pytest

from qadam.assessments.selectors import assessment_get, assessment_revisions, visit_assessments, visit_get
from qadam.assessments.services import assessment_start, visit_create
from qadam.audit.services import audit_for_patient
from qadam.core.exceptions import NotAllowed, NotVisible
from qadam.patients.selectors import (
    ensure_visible,
    identity_visible,
    patient_get,
    patient_identity,
    patient_permissions,
    patient_search,
    patient_summary,
    patient_timeline,
    patients_visible_to,
    recent_patients,
    results_by_instrument,
)
from qadam.patients.services import diagnosis_add

pytestmark = pytest.mark.django_db

INSIDE = ["clinician_a", "coordinator_a", "trainer_a", "administrator_a"]
OUTSIDE = ["clinician_b", "coordinator_b", "outsider"]


@pytest.fixture
def record(world, patient_a):
    """Patient A with a visit, a draft assessment and a diagnosis."""
    visit = visit_create(
        by=world.clinician_a,
        patient=patient_a,
        visit_date=datetime.date(2024, 5, 2),
        kind="baseline",
        note="seen with mother",
    )
    assessment = assessment_start(by=world.clinician_a, visit=visit, instrument="mg_adl")
    diagnosis_add(
        by=world.clinician_a,
        patient=patient_a,
        icd10="G70.0",
        diagnosed_on=datetime.date(2020, 1, 1),
        note="by Dr Akhmetov",
    )
    return patient_a, visit, assessment


def _selectors(patient, visit, assessment):
    """Every selector that returns patient data, called for one patient."""
    return {
        "patient_get": lambda u: patient_get(viewer=u, registry_id=patient.registry_id),
        "ensure_visible": lambda u: ensure_visible(viewer=u, patient=patient),
        "patient_identity": lambda u: patient_identity(viewer=u, patient=patient),
        "patient_permissions": lambda u: patient_permissions(viewer=u, patient=patient),
        "patient_summary": lambda u: patient_summary(viewer=u, patient=patient),
        "patient_timeline": lambda u: patient_timeline(viewer=u, patient=patient),
        "results_by_instrument": lambda u: results_by_instrument(viewer=u, patient=patient),
        "visit_get": lambda u: visit_get(viewer=u, visit_id=visit.pk),
        "visit_assessments": lambda u: visit_assessments(viewer=u, visit=visit),
        "assessment_get": lambda u: assessment_get(viewer=u, assessment_id=assessment.pk),
        "assessment_revisions": lambda u: assessment_revisions(viewer=u, assessment=assessment),
    }


SELECTORS = list(_selectors(None, None, None))


@pytest.mark.parametrize("name", SELECTORS)
@pytest.mark.parametrize("persona", INSIDE)
def test_it_shows_the_record_to_every_role_inside_the_center(world, record, name, persona):
    _selectors(*record)[name](getattr(world, persona))


@pytest.mark.parametrize("name", SELECTORS)
@pytest.mark.parametrize("persona", OUTSIDE)
def test_it_hides_the_record_from_users_outside_the_center(world, record, name, persona):
    with pytest.raises(NotVisible):
        _selectors(*record)[name](getattr(world, persona))


@pytest.mark.parametrize("name", SELECTORS)
def test_it_hides_the_record_from_anonymous_and_inactive_users(world, record, name):
    from django.contrib.auth.models import AnonymousUser

    world.clinician_a.is_active = False
    world.clinician_a.save()
    for user in (AnonymousUser(), world.clinician_a):
        with pytest.raises(NotVisible):
            _selectors(*record)[name](user)


@pytest.mark.parametrize("name", SELECTORS)
def test_the_registry_manager_sees_every_center(world, record, name):
    _selectors(*record)[name](world.manager)


def test_lists_hold_only_the_users_own_patients(world, patient_a, patient_b):
    assert list(patients_visible_to(world.clinician_a)) == [patient_a]
    assert list(patients_visible_to(world.clinician_b)) == [patient_b]
    assert list(patients_visible_to(world.outsider)) == []
    assert set(patients_visible_to(world.manager)) == {patient_a, patient_b}
    assert recent_patients(viewer=world.clinician_a) == [patient_a]
    assert set(recent_patients(viewer=world.manager)) == {patient_a, patient_b}


def test_registry_manager_sees_no_identity_of_other_centers(world, record, patient_b):
    patient_a, visit, assessment = record
    assert identity_visible(viewer=world.manager, patient=patient_a) is False
    assert patient_identity(viewer=world.manager, patient=patient_a) is None
    summary = patient_summary(viewer=world.manager, patient=patient_a)
    assert summary.identity is None
    assert summary.notes_hidden is True
    assert [d.note for d in summary.diagnoses] == [""]
    assert patient_timeline(viewer=world.manager, patient=patient_a)[0].visit.note == ""
    assert visit_get(viewer=world.manager, visit_id=visit.pk).note == ""
    # …but their own center's identities stay visible to them.
    assert identity_visible(viewer=world.manager, patient=patient_b) is True
    assert patient_identity(viewer=world.manager, patient=patient_b).full_name == "Nurlan Bekov"


def test_the_centers_staff_see_the_identity_and_notes(world, record):
    patient_a, visit, _assessment = record
    summary = patient_summary(viewer=world.coordinator_a, patient=patient_a)
    assert summary.identity.full_name == "Aigerim Sadykova"
    assert summary.identity.iin == "900101300007"
    assert [d.note for d in summary.diagnoses] == ["by Dr Akhmetov"]
    assert visit_get(viewer=world.clinician_a, visit_id=visit.pk).note == "seen with mother"


def test_registry_manager_cannot_search_other_centers_by_name_or_iin(world, patient_a):
    assert list(patient_search(viewer=world.manager, query="Sadykova")) == []
    assert list(patient_search(viewer=world.manager, query="900101300007")) == []
    assert list(patient_search(viewer=world.manager, query=patient_a.registry_id)) == [patient_a]


def test_search_finds_by_registry_id_name_and_iin_inside_the_center(world, patient_a, patient_b):
    assert list(patient_search(viewer=world.clinician_a, query=patient_a.registry_id.lower())) == [patient_a]
    assert list(patient_search(viewer=world.clinician_a, query="sadyk")) == [patient_a]
    assert list(patient_search(viewer=world.clinician_a, query="900101 300007")) == [patient_a]
    assert list(patient_search(viewer=world.clinician_a, query=patient_b.registry_id)) == []
    assert list(patient_search(viewer=world.clinician_a, query="Bekov")) == []


def test_permissions_follow_the_roles(world, patient_a):
    def perms(user):
        p = patient_permissions(viewer=user, patient=patient_a)
        return (p.view_identity, p.edit, p.sign, p.read_audit)

    assert perms(world.clinician_a) == (True, True, True, False)
    assert perms(world.coordinator_a) == (True, True, False, True)
    assert perms(world.trainer_a) == (True, False, False, False)
    assert perms(world.administrator_a) == (True, False, False, False)
    assert perms(world.manager) == (False, False, False, True)


def test_unknown_and_malformed_ids_are_simply_not_visible(world):
    for registry_id in ["KZ-0000-0000", "", "' OR 1=1 --", "x" * 500]:
        with pytest.raises(NotVisible):
            patient_get(viewer=world.manager, registry_id=registry_id)
    for visit_id in ["abc", -1, 0, 10**30, None]:
        with pytest.raises(NotVisible):
            visit_get(viewer=world.manager, visit_id=visit_id)
        with pytest.raises(NotVisible):
            assessment_get(viewer=world.manager, assessment_id=visit_id)


def test_audit_page_is_for_the_centers_coordinator_and_registry_managers(world, record):
    patient_a = record[0]
    assert audit_for_patient(viewer=world.coordinator_a, patient=patient_a)
    assert audit_for_patient(viewer=world.manager, patient=patient_a)
    for persona in ["clinician_a", "trainer_a", "administrator_a"]:
        with pytest.raises(NotAllowed):
            audit_for_patient(viewer=getattr(world, persona), patient=patient_a)
    for persona in OUTSIDE:
        with pytest.raises(NotVisible):
            audit_for_patient(viewer=getattr(world, persona), patient=patient_a)


def test_registry_manager_sees_identity_changes_hidden_in_the_audit_page(world, patient_a):
    rows = audit_for_patient(viewer=world.manager, patient=patient_a)
    identity_rows = [r for r in rows if r.object_type == "patients.patientidentity"]
    assert identity_rows and identity_rows[0].changes == {"full_name": ["•••", "•••"], "iin": ["•••", "•••"]}
    own = audit_for_patient(viewer=world.coordinator_a, patient=patient_a)
    identity_rows = [r for r in own if r.object_type == "patients.patientidentity"]
    assert identity_rows[0].changes == {"full_name": [None, "A. S."], "iin": [None, "********0007"]}


def test_not_tested_notes_are_blanked_in_every_list_for_viewers_without_identities(world, record):
    _patient, visit, assessment = record
    assessment.responses = {"1": {"not_tested": "other", "note": "mother Saule Bekova refused"}, "2": 1}
    assessment.save(update_fields=["responses"])
    from_list = visit_assessments(viewer=world.manager, visit=visit)[0]
    from_get = assessment_get(viewer=world.manager, assessment_id=assessment.pk)
    assert from_list.responses["1"] == {"not_tested": "other", "note": ""} == from_get.responses["1"]
    own = visit_assessments(viewer=world.clinician_a, visit=visit)[0]
    assert own.responses["1"]["note"] == "mother Saule Bekova refused"
