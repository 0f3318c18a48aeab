"""How many queries each audited write makes: a regression guard for the write path.

Every service runs inside the test's transaction here, so its own ``transaction.atomic`` adds a
SAVEPOINT and a RELEASE (two queries it does not make at the top level of a request). Each test
acts through a freshly loaded user object, as a request would, so reading the user's roles (one
query, then kept on the object) is counted too. An audited write ends with three statements: lock
and read the chain head, insert the entries, move the head. The bench script
``bench/registry_writes.py`` measures the same operations' time.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model

from qadam.assessments.services import (
    assessment_complete,
    assessment_record,
    assessment_save,
    assessment_sign,
    assessment_start,
    visit_create,
)
from qadam.audit.services import audit_record
from qadam.centers.selectors import can_sign, can_write_clinical, is_registry_manager, roles_for
from qadam.core.testing import PASSWORD
from qadam.patients.services import diagnosis_add, patient_register, patient_view

pytestmark = pytest.mark.django_db

ROLES = 1  # the acting user's roles, read once per user object
SAVEPOINT = 2  # the service's atomic block inside the test's transaction
AUDIT = 3  # lock the chain head, insert the entries, move the head
MG_ADL = {str(i): 1 for i in range(1, 9)}


def fresh(user):
    """The user as a new request would load it, without roles read yet."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def visit(world, patient_a):
    return visit_create(by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2024, 3, 1), kind="routine")


def test_roles_are_read_once_per_user_object(world, django_assert_num_queries):
    user = fresh(world.clinician_a)
    with django_assert_num_queries(1):
        for _ in range(3):
            assert roles_for(user, world.center_a) == {"clinician"}
            assert can_write_clinical(user, world.center_a) and can_sign(user, world.center_a.pk)
            assert not can_write_clinical(user, world.center_b) and not is_registry_manager(user)


def test_patient_register(world, django_assert_max_num_queries):
    user = fresh(world.clinician_a)
    # patient, identity
    with django_assert_max_num_queries(ROLES + SAVEPOINT + 2 + AUDIT):
        patient_register(
            by=user, center=world.center_a, birth_date=datetime.date(2001, 2, 3), sex="male", full_name="A B"
        )


def test_patient_view(world, patient_a, django_assert_max_num_queries):
    user = fresh(world.clinician_a)
    # the visible patient
    with django_assert_max_num_queries(ROLES + 1 + SAVEPOINT + AUDIT):
        patient_view(viewer=user, registry_id=patient_a.registry_id)


def test_diagnosis_add(world, patient_a, django_assert_max_num_queries):
    user = fresh(world.clinician_a)
    # the ICD-10 code, the patient's row, the previous primary diagnoses, the diagnosis
    with django_assert_max_num_queries(ROLES + 1 + SAVEPOINT + 3 + AUDIT):
        diagnosis_add(
            by=user, patient=patient_a, icd10="G70.0", diagnosed_on=datetime.date(2020, 1, 1), is_primary=True
        )


def test_visit_create(world, patient_a, django_assert_max_num_queries):
    user = fresh(world.clinician_a)
    # the patient's row (updated_at, checked center), the visit
    with django_assert_max_num_queries(ROLES + SAVEPOINT + 2 + AUDIT):
        visit_create(by=user, patient=patient_a, visit_date=datetime.date(2024, 3, 2), kind="routine")


def test_the_steps_of_an_assessment(world, visit, django_assert_max_num_queries):
    user = fresh(world.clinician_a)
    # the patient's row (updated_at, checked center), the new row
    with django_assert_max_num_queries(ROLES + SAVEPOINT + 2 + AUDIT):
        draft = assessment_start(by=user, visit=visit, instrument="mg_adl")
    # lock the row (with visit, patient and center), update it
    with django_assert_max_num_queries(SAVEPOINT + 2 + AUDIT):
        saved = assessment_save(by=user, assessment=draft, responses=MG_ADL, context={}, expected_version=1)
    with django_assert_max_num_queries(SAVEPOINT + 2 + AUDIT):
        completed = assessment_complete(by=user, assessment=saved, expected_version=2)
    with django_assert_max_num_queries(SAVEPOINT + 2 + AUDIT):
        assessment_sign(by=user, assessment=completed, password=PASSWORD, expected_version=3)


def test_an_assessment_recorded_and_signed_in_one_call(world, visit, django_assert_max_num_queries):
    user = fresh(world.clinician_a)
    # the patient's row, the new row; the create and sign entries share the three audit statements
    with django_assert_max_num_queries(ROLES + SAVEPOINT + 2 + AUDIT):
        assessment_record(
            by=user, visit=visit, instrument="mg_adl", responses=MG_ADL, context={}, status="signed", password=PASSWORD
        )


def test_an_assessment_loaded_by_id_is_written_without_reading_its_patient_again(
    world, visit, django_assert_max_num_queries
):
    from qadam.assessments.selectors import assessment_get

    draft = assessment_start(by=world.clinician_a, visit=visit, instrument="mg_adl")
    user = fresh(world.clinician_a)
    loaded = assessment_get(viewer=user, assessment_id=draft.pk)
    with django_assert_max_num_queries(SAVEPOINT + 2 + AUDIT):
        assessment_save(by=user, assessment=loaded, responses=MG_ADL, context={}, expected_version=1)


def test_a_single_audit_entry(world, django_assert_num_queries):
    with django_assert_num_queries(AUDIT):
        audit_record(actor=world.clinician_a, action="view", object_type="test.thing", object_id="1")
