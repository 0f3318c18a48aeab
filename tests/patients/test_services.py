"""Registering and changing patients: validation, optimistic locking, atomicity and audit."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from qadam.audit.models import AuditEntry
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed, NotVisible
from qadam.patients.models import Diagnosis, Patient, PatientIdentity, SmaStatus
from qadam.patients.services import (
    consent_record,
    consent_withdraw,
    diagnosis_add,
    patient_register,
    patient_update,
    patient_view,
    sma_genetics_set,
    sma_status_add,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _register(world, **overrides):
    values = {"by": world.clinician_a, "center": world.center_a, "birth_date": datetime.date(2019, 6, 1), "sex": "male"}
    return patient_register(**{**values, **overrides})


def test_it_registers_a_patient_with_a_pseudonym_and_keeps_identity_apart(world):
    patient = _register(world, full_name="Daniyar Omarov", iin="900101300007")
    assert re.fullmatch(r"KZ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", patient.registry_id)
    assert "Omarov" not in patient.registry_id and "900101" not in patient.registry_id
    assert PatientIdentity.objects.get(patient=patient).iin == "900101300007"
    entries = AuditEntry.objects.filter(patient_registry_id=patient.registry_id)
    assert [e.action for e in entries] == ["create", "create"]
    # The audit log never holds the identity itself, only a masked trace of it.
    assert entries[1].changes == {"full_name": [None, "D. O."], "iin": [None, "********0007"]}


def test_registry_ids_are_unique(world):
    ids = {_register(world).registry_id for _ in range(30)}
    assert len(ids) == 30


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("birth_date", TODAY + datetime.timedelta(days=1), "date_in_future"),
        ("birth_date", datetime.date(1899, 12, 31), "date_too_early"),
        ("birth_date", "2019-06-01", "date_invalid"),
        ("sex", "unknown", "choice_invalid"),
        ("iin", "900101300008", "iin_check_digit"),
        ("iin", "12345", "iin_format"),
        ("full_name", "x" * 201, "text_too_long"),
        ("full_name", "Bad\x00Name", "text_null_character"),
    ],
)
def test_it_rejects_bad_input_with_a_specific_code_and_saves_nothing(world, field, value, code):
    before = (Patient.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Invalid) as caught:
        _register(world, **{field: value})
    assert caught.value.codes() == {field: [code]}
    assert (Patient.objects.count(), AuditEntry.objects.count()) == before


def test_it_reports_every_bad_field_at_once(world):
    with pytest.raises(Invalid) as caught:
        _register(world, sex="x", iin="1", birth_date=TODAY + datetime.timedelta(days=3))
    assert set(caught.value.codes()) == {"sex", "iin", "birth_date"}


def test_iin_message_is_clear(world):
    with translation.override("en"), pytest.raises(Invalid) as caught:
        _register(world, iin="900101300008")
    assert caught.value.field_messages()["iin"] == [
        "The check digit of the IIN “900101300008” does not match its other digits; one digit is probably mistyped."
    ]


def test_only_clinicians_and_coordinators_of_the_center_register_patients(world):
    assert _register(world, by=world.coordinator_a)
    for persona in ["trainer_a", "administrator_a", "clinician_b", "manager", "outsider"]:
        with pytest.raises(NotAllowed):
            _register(world, by=getattr(world, persona))


def test_a_failure_half_way_through_registration_leaves_nothing(world, patient_a):
    # The patient row and its audit entry are written before the identity row; the identity then
    # fails on the database's unique IIN index. Nothing of the second registration may remain.
    patients, identities, entries = Patient.objects.count(), PatientIdentity.objects.count(), AuditEntry.objects.count()
    with pytest.raises(Invalid) as caught:
        _register(world, full_name="Someone Else", iin="900101300007")
    assert caught.value.codes() == {"iin": ["iin_taken"]}
    assert (Patient.objects.count(), PatientIdentity.objects.count(), AuditEntry.objects.count()) == (
        patients,
        identities,
        entries,
    )


def test_a_failure_half_way_through_an_update_leaves_the_record_unchanged(world, patient_a):
    other = _register(world)
    entries = AuditEntry.objects.count()
    with pytest.raises(Invalid) as caught:
        patient_update(
            by=world.clinician_a, patient=other, expected_version=1, reason="correction",
            birth_date=datetime.date(2018, 1, 1), iin="900101300007",
        )  # fmt: skip
    assert caught.value.codes() == {"iin": ["iin_taken"]}
    other.refresh_from_db()
    assert (other.birth_date, other.row_version) == (datetime.date(2019, 6, 1), 1)
    assert not PatientIdentity.objects.filter(patient=other).exists()
    assert AuditEntry.objects.count() == entries


def test_update_records_old_and_new_values_with_the_reason(world, patient_a):
    updated = patient_update(
        by=world.clinician_a, patient=patient_a, expected_version=1, reason="birth certificate checked",
        birth_date=datetime.date(1990, 1, 2), full_name="Aigerim Sadykova-Omar",
    )  # fmt: skip
    assert updated.row_version == 2
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "update"
    assert entry.reason == "birth certificate checked"
    assert entry.changes == {"birth_date": ["1990-01-01", "1990-01-02"], "full_name": ["A. S.", "A. S."]}


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, patient_a):
    patient_update(by=world.clinician_a, patient=patient_a, expected_version=1, reason="first", sex="male")
    entries = AuditEntry.objects.count()
    with pytest.raises(Conflict) as caught:
        patient_update(by=world.coordinator_a, patient=patient_a, expected_version=1, reason="second", sex="female")
    assert caught.value.params == {"expected": 1, "current": 2}
    assert "reload" in str(caught.value)
    patient_a.refresh_from_db()
    assert (patient_a.sex, patient_a.row_version) == ("male", 2)
    assert AuditEntry.objects.count() == entries


def test_update_needs_a_reason(world, patient_a):
    with pytest.raises(Invalid) as caught:
        patient_update(by=world.clinician_a, patient=patient_a, expected_version=1, reason="  ", sex="male")
    assert caught.value.codes() == {"reason": ["reason_required"]}


def test_moving_a_patient_needs_a_role_in_the_new_center(world, patient_a):
    with pytest.raises(Invalid) as caught:
        patient_update(
            by=world.clinician_a, patient=patient_a, expected_version=1, reason="moved", center=world.center_b
        )
    assert caught.value.codes() == {"center": ["center_not_allowed"]}


def test_outsiders_cannot_update(world, patient_a):
    with pytest.raises(NotVisible):
        patient_update(by=world.clinician_b, patient=patient_a, expected_version=1, reason="x", sex="male")
    with pytest.raises(NotAllowed):
        patient_update(by=world.manager, patient=patient_a, expected_version=1, reason="x", sex="male")


def test_viewing_a_patient_is_audited(world, patient_a):
    patient_view(viewer=world.manager, registry_id=patient_a.registry_id)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_username, entry.patient_registry_id) == ("view", "manager", patient_a.registry_id)
    with pytest.raises(NotVisible):
        patient_view(viewer=world.clinician_b, registry_id=patient_a.registry_id)
    assert AuditEntry.objects.order_by("-seq").first() == entry


def test_a_new_primary_diagnosis_makes_the_old_one_secondary(world, patient_a):
    first = diagnosis_add(
        by=world.clinician_a, patient=patient_a, icd10="G70.0", diagnosed_on=datetime.date(2020, 1, 1), is_primary=True
    )
    second = diagnosis_add(
        by=world.clinician_a, patient=patient_a, icd10="g12.1", diagnosed_on=datetime.date(2021, 1, 1), is_primary=True
    )
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary, second.icd10_id) == (False, True, "G12.1")
    assert Diagnosis.objects.filter(patient=patient_a, is_primary=True).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"icd10": "Z99.9"}, "icd10", "icd10_unknown"),
        ({"diagnosed_on": datetime.date(1989, 12, 31)}, "diagnosed_on", "date_before_birth"),
        ({"diagnosed_on": TODAY + datetime.timedelta(days=1)}, "diagnosed_on", "date_in_future"),
    ],
)
def test_diagnosis_input_is_checked(world, patient_a, overrides, field, code):
    values = {"icd10": "G70.0", "diagnosed_on": datetime.date(2020, 1, 1), **overrides}
    with pytest.raises(Invalid) as caught:
        diagnosis_add(by=world.clinician_a, patient=patient_a, **values)
    assert caught.value.codes() == {field: [code]}


def test_sma_genetics_are_set_then_corrected_with_an_audited_diff(world, patient_a):
    sma_genetics_set(by=world.clinician_a, patient=patient_a, smn1_status="homozygous_deletion", smn2_copies=2)
    genetics = sma_genetics_set(
        by=world.clinician_a, patient=patient_a, smn1_status="homozygous_deletion", smn2_copies=3, reason="lab re-test"
    )
    assert genetics.smn2_copies == 3
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.changes, entry.reason) == ("update", {"smn2_copies": [2, 3]}, "lab re-test")


@pytest.mark.parametrize("copies", [-1, 9, 2.5, "2", True])
def test_smn2_copies_must_be_0_to_8(world, patient_a, copies):
    with pytest.raises(Invalid) as caught:
        sma_genetics_set(by=world.clinician_a, patient=patient_a, smn1_status="other", smn2_copies=copies)
    assert caught.value.codes() == {"smn2_copies": ["smn2_copies_range"]}


def test_sma_status_history_keeps_every_record(world, patient_a):
    sma_status_add(
        by=world.clinician_a,
        patient=patient_a,
        recorded_on=datetime.date(2020, 1, 1),
        sma_type="2",
        functional_status="sitter",
    )
    sma_status_add(
        by=world.clinician_a,
        patient=patient_a,
        recorded_on=datetime.date(2022, 1, 1),
        sma_type="2",
        functional_status="non_sitter",
    )
    assert list(SmaStatus.objects.filter(patient=patient_a).values_list("functional_status", flat=True)) == [
        "sitter",
        "non_sitter",
    ]
    with pytest.raises(Invalid) as caught:
        sma_status_add(
            by=world.clinician_a,
            patient=patient_a,
            recorded_on=datetime.date(2022, 1, 1),
            sma_type="5",
            functional_status="runner",
        )
    assert set(caught.value.codes()) == {"sma_type", "functional_status"}


def test_consent_is_recorded_and_withdrawn_once(world, patient_a):
    consent = consent_record(
        by=world.coordinator_a, patient=patient_a, kind="research", given_on=datetime.date(2023, 1, 1)
    )
    with pytest.raises(Invalid) as caught:
        consent_withdraw(by=world.coordinator_a, consent=consent, withdrawn_on=datetime.date(2022, 12, 31))
    assert caught.value.codes() == {"withdrawn_on": ["date_before_consent"]}
    consent = consent_withdraw(
        by=world.coordinator_a, consent=consent, withdrawn_on=datetime.date(2024, 1, 1), reason="asked by parent"
    )
    assert consent.is_active is False
    with pytest.raises(InvalidState):
        consent_withdraw(by=world.coordinator_a, consent=consent, withdrawn_on=datetime.date(2024, 2, 1))
    with pytest.raises(NotVisible):
        consent_withdraw(by=world.coordinator_b, consent=consent, withdrawn_on=datetime.date(2024, 2, 1))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_iin_messages_are_translated(world, lang):
    with pytest.raises(Invalid) as caught:
        _register(world, iin="900101300008")
    with translation.override("en"):
        english = caught.value.field_messages()["iin"][0]
    with translation.override(lang):
        translated = caught.value.field_messages()["iin"][0]
    assert translated != english
    assert "900101300008" in translated
