"""assessment_record: a whole administration in one call, stored and audited like the step-by-step path."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from qadam import scales
from qadam.assessments.models import Assessment
from qadam.assessments.services import (
    assessment_complete,
    assessment_record,
    assessment_save,
    assessment_sign,
    assessment_start,
    visit_create,
)
from qadam.audit.models import AuditChainHead, AuditEntry
from qadam.audit.services import audit_verify
from qadam.centers.models import Role
from qadam.core.exceptions import Invalid, NotAllowed, NotVisible
from qadam.core.testing import PASSWORD, make_user
from qadam.patients.services import patient_update

pytestmark = pytest.mark.django_db

ALL_ONES = {str(i): 1 for i in range(1, 9)}  # MG-ADL: eight items scored 0–3


@pytest.fixture
def visit(world, patient_a):
    return visit_create(by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2024, 3, 1), kind="routine")


def _record(world, visit, *, by=None, **overrides):
    values = {"instrument": "mg_adl", "responses": {**ALL_ONES, "8": "2"}, "context": {}, **overrides}
    return assessment_record(by=by or world.clinician_a, visit=visit, **values)


def _new_entries(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))


def _last_seq() -> int:
    return AuditChainHead.objects.get().last_seq


def test_a_completed_record_stores_what_the_step_by_step_path_stores(world, visit):
    stepwise = assessment_start(by=world.clinician_a, visit=visit, instrument="mg_adl")
    stepwise = assessment_save(
        by=world.clinician_a, assessment=stepwise, responses={**ALL_ONES, "8": "2"}, context={}, expected_version=1
    )
    stepwise = assessment_complete(by=world.clinician_a, assessment=stepwise, expected_version=2)
    before = _last_seq()

    recorded = _record(world, visit)

    stored = Assessment.objects.get(pk=recorded.pk)
    fields = ("instrument", "instrument_version", "responses", "context", "result", "total", "band", "scoring_version")
    assert {f: getattr(stored, f) for f in fields} == {f: getattr(stepwise, f) for f in fields}
    assert (stored.status, stored.rater, stored.assessed_on, stored.row_version) == (
        "completed",
        world.clinician_a,
        visit.visit_date,
        1,
    )
    assert stored.total == scales.score("mg_adl", {**ALL_ONES, "8": 2}).total == 9
    [entry] = _new_entries(before)
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "assessments.assessment", str(stored.pk))
    assert entry.patient_registry_id == visit.patient.registry_id
    assert entry.changes["responses.8"] == [None, 2] and entry.changes["total"] == [None, 9]
    assert entry.changes["status"] == [None, "completed"]
    assert entry.changes["instrument"] == [None, "mg_adl"]
    assert audit_verify().ok


def test_a_signed_record_checks_the_password_and_audits_the_signature(world, visit):
    before = _last_seq()
    signed = _record(world, visit, status="signed", password=PASSWORD, reason="Imported from the paper form")
    stored = Assessment.objects.get(pk=signed.pk)
    assert (stored.status, stored.signed_by, stored.signed_at is not None) == ("signed", world.clinician_a, True)
    create, sign = _new_entries(before)
    assert (create.action, sign.action) == ("create", "sign")
    assert create.changes["status"] == [None, "completed"]
    assert sign.changes == {
        "status": ["completed", "signed"],
        "signed_by": [None, "clinician_a"],
        "authentication": [None, "password"],
    }
    assert create.reason == sign.reason == "Imported from the paper form"
    assert sign.prev_hash == create.entry_hash and sign.seq == create.seq + 1
    assert audit_verify().ok


def test_a_trusted_importer_signs_without_the_password_and_the_log_says_so(world, visit):
    before = _last_seq()
    signed = _record(world, visit, status="signed", preauthenticated=True)
    assert Assessment.objects.get(pk=signed.pk).status == "signed"
    assert _new_entries(before)[-1].changes["authentication"] == [None, "preauthenticated"]


@pytest.mark.parametrize(
    "signature",
    [
        {},
        {"password": "wrong"},
        {"password": ""},
        {"password": "wrong", "preauthenticated": True},  # a password, when given, is always checked
        {"preauthenticated": "yes"},  # only the value True counts, never something a form posted
        {"preauthenticated": 1},
    ],
)
def test_signing_without_a_valid_authentication_saves_nothing(world, visit, signature):
    before = _last_seq()
    with pytest.raises(Invalid) as caught:
        _record(world, visit, status="signed", **signature)
    assert caught.value.codes() == {"password": ["wrong_password"]}
    assert not Assessment.objects.exists()
    assert _last_seq() == before


def test_a_draft_may_miss_items_a_completed_record_may_not(world, visit):
    draft = _record(world, visit, status="draft", responses={"1": 2})
    assert (draft.status, draft.total, draft.result["missing"]) == ("draft", None, ["2", "3", "4", "5", "6", "7", "8"])
    for status in ("completed", "signed"):
        with pytest.raises(Invalid) as caught:
            _record(world, visit, status=status, responses={"1": 2}, password=PASSWORD)
        assert caught.value.codes() == {"responses": ["items_missing"]}
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({"status": "amended"}, {"status": ["choice_invalid"]}),
        ({"status": "published"}, {"status": ["choice_invalid"]}),
        ({"instrument": "nope"}, {"instrument": ["instrument_unknown"]}),
        ({"reason": "bad\x00reason"}, {"reason": ["text_null_character"]}),
        ({"responses": ["not", "a", "mapping"]}, {"responses": ["responses_invalid"]}),
    ],
)
def test_bad_input_gets_a_field_error_and_saves_nothing(world, visit, overrides, codes):
    before = _last_seq()
    with pytest.raises(Invalid) as caught:
        _record(world, visit, **overrides)
    assert caught.value.codes() == codes
    assert not Assessment.objects.exists() and _last_seq() == before


def test_invalid_values_carry_the_engines_problems_and_save_nothing(world, visit):
    before = _last_seq()
    with pytest.raises(Invalid) as caught:
        _record(world, visit, responses={**ALL_ONES, "1": 7, "99": 1})
    assert sorted((p.code, p.item) for p in caught.value.problems) == [
        ("unknown_item", "99"),
        ("value_not_allowed", "1"),
    ]
    assert not Assessment.objects.exists() and _last_seq() == before


def test_context_from_the_patient_is_filled_in_unless_given(world, visit):
    # Patient born 1990-01-01, female; visit 2024-03-01. 6MWT takes sex and age from the record.
    six = scales.get("6mwt")
    responses = {item.id: item.maximum or 400 for item in six.items if item.required}
    filled = _record(world, visit, instrument="6mwt", responses=responses, context={})
    assert (filled.context["sex"], filled.context["age"]) == ("female", 34)
    given = _record(world, visit, instrument="6mwt", responses=responses, context={"age": 35})
    assert (given.context["sex"], given.context["age"]) == ("female", 35)


@pytest.mark.parametrize(
    ("persona", "status", "error"),
    [
        ("coordinator_a", "completed", None),
        ("coordinator_a", "signed", NotAllowed),  # coordinators record but only clinicians sign
        ("trainer_a", "completed", NotAllowed),
        ("administrator_a", "completed", NotAllowed),
        ("manager", "completed", NotAllowed),  # sees every center's records, changes none
        ("clinician_b", "completed", NotVisible),
        ("coordinator_b", "signed", NotVisible),
        ("outsider", "completed", NotVisible),
    ],
)
def test_only_writers_of_the_patients_center_record(world, visit, persona, status, error):
    before = _last_seq()
    user = getattr(world, persona)
    if error is None:
        assert _record(world, visit, by=user, status=status).rater == user
        return
    with pytest.raises(error):
        _record(world, visit, by=user, status=status, preauthenticated=True)
    assert not Assessment.objects.exists() and _last_seq() == before


def test_a_failure_half_way_leaves_neither_the_assessment_nor_an_entry(world, visit):
    # Another row already holds the next place in the chain: the audit insert fails after the
    # assessment's INSERT, inside the same transaction.
    head = AuditChainHead.objects.get()
    AuditEntry.objects.create(
        seq=head.last_seq + 1, at=timezone.now(), action="view", prev_hash="x" * 64, entry_hash="y" * 64
    )
    with pytest.raises(IntegrityError):
        _record(world, visit, status="signed", password=PASSWORD)
    assert not Assessment.objects.exists()
    assert AuditChainHead.objects.get().last_seq == head.last_seq
    assert AuditEntry.objects.filter(seq__gt=head.last_seq).count() == 1


def test_a_patient_moved_meanwhile_is_judged_by_its_current_center(world, visit):
    both = make_user("both_centers", (world.center_a, Role.CLINICIAN), (world.center_b, Role.CLINICIAN))
    stale = visit.patient
    patient_update(
        by=both, patient=stale, expected_version=stale.row_version, reason="Moved to Aktau", center=world.center_b
    )
    with pytest.raises(NotVisible):
        visit_create(by=world.clinician_a, patient=stale, visit_date=datetime.date(2024, 4, 1), kind="routine")
    for call in (
        lambda: _record(world, visit),  # the visit still carries the patient as it was loaded
        lambda: assessment_start(by=world.clinician_a, visit=visit, instrument="mg_adl"),
    ):
        with pytest.raises(NotVisible):
            call()
    assert not Assessment.objects.exists()
    draft = assessment_start(by=both, visit=visit, instrument="mg_adl")
    with pytest.raises(NotVisible):
        assessment_save(
            by=world.clinician_a, assessment=draft, responses=ALL_ONES, context={}, expected_version=draft.row_version
        )
    assert Assessment.objects.get(pk=draft.pk).responses == {}
    new_visit = visit_create(by=both, patient=stale, visit_date=datetime.date(2024, 4, 1), kind="routine")
    assert new_visit.center == world.center_b


def test_signing_a_recorded_assessment_later_works_as_for_any_completed_one(world, visit):
    recorded = _record(world, visit)
    signed = assessment_sign(
        by=world.clinician_a, assessment=recorded, password=PASSWORD, expected_version=recorded.row_version
    )
    assert (signed.status, signed.row_version) == ("signed", 2)


def test_the_row_written_is_the_instance_returned_and_saving_signals_are_sent(world, visit):
    from django.db.models import signals

    seen = []

    def note(sender, instance, **kwargs):
        seen.append((kwargs.get("created"), instance.pk is None))

    signals.pre_save.connect(note, sender=Assessment)
    signals.post_save.connect(note, sender=Assessment)
    try:
        recorded = _record(world, visit)
    finally:
        signals.pre_save.disconnect(note, sender=Assessment)
        signals.post_save.disconnect(note, sender=Assessment)
    assert seen == [(None, True), (True, False)]
    stored = Assessment.objects.get(pk=recorded.pk)
    assert not recorded._state.adding
    for field in Assessment._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(recorded, field.attname), field.name
    assert recorded.created_at is not None and recorded.updated_at is not None
