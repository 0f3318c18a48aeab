"""Assessments: scoring through qadam.scales, status flow, signatures, amendments and conflicts."""

import datetime

import pytest
from django.utils import timezone

from qadam import scales
from qadam.assessments.models import Assessment, AssessmentRevision, Visit
from qadam.assessments.selectors import assessment_get, assessment_revisions
from qadam.assessments.services import (
    assessment_amend,
    assessment_complete,
    assessment_preview,
    assessment_save,
    assessment_sign,
    assessment_start,
    visit_create,
)
from qadam.audit.models import AuditEntry
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed, NotVisible
from qadam.core.testing import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

ALL_ONES = {str(i): 1 for i in range(1, 9)}  # MG-ADL: eight items scored 0–3


@pytest.fixture
def visit(world, patient_a):
    return visit_create(by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2024, 3, 1), kind="routine")


@pytest.fixture
def draft(world, visit):
    return assessment_start(by=world.clinician_a, visit=visit, instrument="mg_adl")


def _signed(world, draft, responses=ALL_ONES):
    a = assessment_save(by=world.clinician_a, assessment=draft, responses=responses, context={}, expected_version=1)
    a = assessment_complete(by=world.clinician_a, assessment=a, expected_version=a.row_version)
    return assessment_sign(by=world.clinician_a, assessment=a, password=PASSWORD)


def test_a_visit_is_recorded_at_the_patients_center_and_audited(world, visit, patient_a):
    assert (visit.center, visit.created_by, visit.kind) == (world.center_a, world.clinician_a, "routine")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_type, entry.patient_registry_id) == (
        "create",
        "assessments.visit",
        patient_a.registry_id,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": "party"}, "kind", "choice_invalid"),
        ({"visit_date": datetime.date(1989, 1, 1)}, "visit_date", "date_before_birth"),
        ({"visit_date": timezone.localdate() + datetime.timedelta(days=1)}, "visit_date", "date_in_future"),
    ],
)
def test_visit_input_is_checked(world, patient_a, overrides, field, code):
    values = {"visit_date": datetime.date(2024, 1, 1), "kind": "routine", **overrides}
    with pytest.raises(Invalid) as caught:
        visit_create(by=world.clinician_a, patient=patient_a, **values)
    assert caught.value.codes() == {field: [code]}
    assert not Visit.objects.exists()


def test_start_records_the_instrument_version_and_fills_context_from_the_patient(world, visit):
    six_minute = assessment_start(by=world.clinician_a, visit=visit, instrument="6mwt")
    definition = scales.get("6mwt")
    assert (six_minute.instrument_version, six_minute.scoring_version) == (
        definition.version,
        definition.scoring_version,
    )
    assert six_minute.context == {"sex": "female", "age": 34}  # born 1990-01-01, visit 2024-03-01
    assert six_minute.status == "draft" and six_minute.rater == world.clinician_a


def test_start_refuses_an_unknown_instrument(world, visit):
    with pytest.raises(Invalid) as caught:
        assessment_start(by=world.clinician_a, visit=visit, instrument="nope")
    assert caught.value.codes() == {"instrument": ["instrument_unknown"]}


def test_save_stores_responses_result_total_band_and_scoring_version(world, draft):
    saved = assessment_save(
        by=world.clinician_a, assessment=draft, responses={**ALL_ONES, "8": "2"}, context={}, expected_version=1
    )
    expected = scales.score("mg_adl", {**ALL_ONES, "8": 2})
    assert saved.responses["8"] == 2  # the form's text "2" is stored as the instrument's code
    assert (saved.total, saved.band, saved.result) == (9.0, expected.band, expected.as_dict())
    assert saved.scoring_version == expected.scoring_version
    assert saved.row_version == 2
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.changes["responses.8"] == [None, 2] and entry.changes["total"] == [None, 9]


def test_a_draft_may_miss_items_and_has_no_total(world, draft):
    saved = assessment_save(by=world.clinician_a, assessment=draft, responses={"1": 2}, context={}, expected_version=1)
    assert saved.total is None and saved.result["missing"] == ["2", "3", "4", "5", "6", "7", "8"]


def test_invalid_values_are_reported_with_the_engines_problems_and_nothing_is_saved(world, draft):
    entries = AuditEntry.objects.count()
    with pytest.raises(Invalid) as caught:
        assessment_save(
            by=world.clinician_a, assessment=draft, responses={"1": 7, "99": 1}, context={}, expected_version=1
        )
    assert sorted((p.code, p.item) for p in caught.value.problems) == [
        ("unknown_item", "99"),
        ("value_not_allowed", "1"),
    ]
    assert caught.value.problems[0].message("ru")  # rendered in the user's language by the form
    draft.refresh_from_db()
    assert (draft.responses, draft.row_version) == ({}, 1)
    assert AuditEntry.objects.count() == entries


def test_not_tested_with_a_reason_is_stored_where_the_instrument_allows_it(world, visit):
    hfmse = assessment_start(by=world.clinician_a, visit=visit, instrument="hfmse")
    responses = {str(i): 1 for i in range(1, 34)} | {"5": {"not_tested": "pain", "note": "hip"}}
    saved = assessment_save(by=world.clinician_a, assessment=hfmse, responses=responses, context={}, expected_version=1)
    assert saved.responses["5"] == {"not_tested": "pain", "note": "hip"}
    assert saved.result["not_tested"] == ["5"]
    completed = assessment_complete(by=world.clinician_a, assessment=saved, expected_version=2)
    assert completed.status == "completed"


def test_not_tested_notes_are_hidden_from_registry_managers_of_other_centers(world, visit):
    hfmse = assessment_start(by=world.clinician_a, visit=visit, instrument="hfmse")
    responses = {str(i): 1 for i in range(1, 34)} | {"5": {"not_tested": "pain", "note": "hip"}}
    assessment_save(by=world.clinician_a, assessment=hfmse, responses=responses, context={}, expected_version=1)
    assert assessment_get(viewer=world.manager, assessment_id=hfmse.pk).responses["5"] == {
        "not_tested": "pain",
        "note": "",
    }
    assert assessment_get(viewer=world.clinician_a, assessment_id=hfmse.pk).responses["5"]["note"] == "hip"


def test_complete_needs_every_item(world, draft):
    saved = assessment_save(by=world.clinician_a, assessment=draft, responses={"1": 2}, context={}, expected_version=1)
    with pytest.raises(Invalid) as caught:
        assessment_complete(by=world.clinician_a, assessment=saved, expected_version=2)
    assert caught.value.codes() == {"responses": ["items_missing"]}
    assert "2, 3, 4, 5, 6, 7, 8" in caught.value.field_messages()["responses"][0]


def test_saving_a_completed_assessment_reopens_it_as_a_draft(world, draft):
    a = assessment_save(by=world.clinician_a, assessment=draft, responses=ALL_ONES, context={}, expected_version=1)
    a = assessment_complete(by=world.clinician_a, assessment=a, expected_version=2)
    a = assessment_save(
        by=world.clinician_a, assessment=a, responses={**ALL_ONES, "1": 0}, context={}, expected_version=3
    )
    assert (a.status, a.total) == ("draft", 7.0)


def test_sign_requires_the_signers_own_password(world, draft):
    a = assessment_save(by=world.clinician_a, assessment=draft, responses=ALL_ONES, context={}, expected_version=1)
    a = assessment_complete(by=world.clinician_a, assessment=a, expected_version=2)
    for wrong in ["", "correct horse", PASSWORD.upper(), None]:
        with pytest.raises(Invalid) as caught:
            assessment_sign(by=world.clinician_a, assessment=a, password=wrong)
        assert caught.value.codes() == {"password": ["wrong_password"]}
    a.refresh_from_db()
    assert (a.status, a.signed_by, a.signed_at) == ("completed", None, None)
    signed = assessment_sign(by=world.clinician_a, assessment=a, password=PASSWORD)
    assert (signed.status, signed.signed_by) == ("signed", world.clinician_a)
    assert AuditEntry.objects.order_by("-seq").first().action == "sign"


def test_only_clinicians_of_the_center_sign(world, draft):
    a = assessment_save(by=world.clinician_a, assessment=draft, responses=ALL_ONES, context={}, expected_version=1)
    a = assessment_complete(by=world.clinician_a, assessment=a, expected_version=2)
    for persona in ["coordinator_a", "trainer_a", "manager"]:
        with pytest.raises(NotAllowed):
            assessment_sign(by=getattr(world, persona), assessment=a, password=PASSWORD)
    with pytest.raises(NotVisible):
        assessment_sign(by=world.clinician_b, assessment=a, password=PASSWORD)


def test_a_draft_cannot_be_signed_and_a_signed_one_cannot_be_saved(world, draft):
    with pytest.raises(InvalidState):
        assessment_sign(by=world.clinician_a, assessment=draft, password=PASSWORD)
    signed = _signed(world, draft)
    with pytest.raises(InvalidState):
        assessment_save(
            by=world.clinician_a, assessment=signed, responses=ALL_ONES, context={}, expected_version=signed.row_version
        )
    with pytest.raises(InvalidState):
        assessment_complete(by=world.clinician_a, assessment=signed, expected_version=signed.row_version)


def test_amendment_keeps_both_versions_and_needs_a_new_signature(world, draft):
    signed = _signed(world, draft)
    signed_result, signed_at = signed.result, signed.signed_at
    amended = assessment_amend(
        by=world.clinician_a,
        assessment=signed,
        responses={**ALL_ONES, "3": 3},
        context={},
        reason="item 3 was transcribed from the wrong column",
        expected_version=signed.row_version,
    )
    assert (amended.status, amended.total, amended.signed_by, amended.signed_at) == ("amended", 10.0, None, None)
    (revision,) = assessment_revisions(viewer=world.clinician_a, assessment=amended)
    assert (revision.number, revision.status_before, revision.total) == (1, "signed", 8.0)
    assert revision.responses == ALL_ONES and revision.result == signed_result
    assert (revision.signed_by, revision.signed_at) == (world.clinician_a, signed_at)
    assert revision.reason == "item 3 was transcribed from the wrong column"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.reason, entry.changes["responses.3"]) == ("amend", revision.reason, [1, 3])
    resigned = assessment_sign(by=world.clinician_a, assessment=amended, password=PASSWORD)
    assert resigned.status == "signed"
    again = assessment_amend(
        by=world.clinician_a,
        assessment=resigned,
        responses=ALL_ONES,
        context={},
        reason="back",
        expected_version=resigned.row_version,
    )
    assert [r.number for r in assessment_revisions(viewer=world.clinician_a, assessment=again)] == [1, 2]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_amendment_needs_a_reason(world, draft, reason):
    signed = _signed(world, draft)
    with pytest.raises(Invalid) as caught:
        assessment_amend(
            by=world.clinician_a,
            assessment=signed,
            responses={**ALL_ONES, "3": 3},
            context={},
            reason=reason,
            expected_version=signed.row_version,
        )
    assert "reason" in caught.value.codes()
    assert not AssessmentRevision.objects.exists()


def test_an_amendment_that_changes_nothing_is_refused(world, draft):
    signed = _signed(world, draft)
    with pytest.raises(Invalid) as caught:
        assessment_amend(
            by=world.clinician_a,
            assessment=signed,
            responses=ALL_ONES,
            context={},
            reason="none",
            expected_version=signed.row_version,
        )
    assert caught.value.codes() == {"responses": ["amendment_unchanged"]}


def test_two_editors_cannot_overwrite_each_other(world, draft):
    # Both opened version 1; the coordinator saves first, the clinician's save must not win silently.
    assessment_save(by=world.coordinator_a, assessment=draft, responses={"1": 3}, context={}, expected_version=1)
    with pytest.raises(Conflict) as caught:
        assessment_save(by=world.clinician_a, assessment=draft, responses={"1": 0}, context={}, expected_version=1)
    assert caught.value.params == {"expected": 1, "current": 2}
    draft.refresh_from_db()
    assert draft.responses == {"1": 3}


def test_a_stale_version_blocks_complete_amend_and_an_explicit_sign(world, draft):
    a = assessment_save(by=world.clinician_a, assessment=draft, responses=ALL_ONES, context={}, expected_version=1)
    with pytest.raises(Conflict):
        assessment_complete(by=world.clinician_a, assessment=a, expected_version=1)
    a = assessment_complete(by=world.clinician_a, assessment=a, expected_version=2)
    with pytest.raises(Conflict):
        assessment_sign(by=world.clinician_a, assessment=a, password=PASSWORD, expected_version=2)
    signed = assessment_sign(by=world.clinician_a, assessment=a, password=PASSWORD, expected_version=3)
    with pytest.raises(Conflict):
        assessment_amend(
            by=world.clinician_a,
            assessment=signed,
            responses={**ALL_ONES, "2": 0},
            context={},
            reason="x",
            expected_version=3,
        )


def test_writers_outside_the_center_get_nothing(world, draft):
    with pytest.raises(NotVisible):
        assessment_save(by=world.clinician_b, assessment=draft, responses=ALL_ONES, context={}, expected_version=1)
    with pytest.raises(NotAllowed):
        assessment_save(by=world.manager, assessment=draft, responses=ALL_ONES, context={}, expected_version=1)
    with pytest.raises(NotAllowed):
        assessment_start(by=world.trainer_a, visit=draft.visit, instrument="mg_adl")


def test_nul_characters_are_refused_before_they_reach_the_database(world, visit):
    hfmse = assessment_start(by=world.clinician_a, visit=visit, instrument="hfmse")
    with pytest.raises(Invalid) as caught:
        assessment_save(
            by=world.clinician_a,
            assessment=hfmse,
            responses={"5": {"not_tested": "pain", "note": "a\x00b"}},
            context={},
            expected_version=1,
        )
    assert caught.value.codes() == {"responses": ["text_null_character"]}


def test_preview_scores_without_writing(world):
    entries, assessments = AuditEntry.objects.count(), Assessment.objects.count()
    preview = assessment_preview(instrument="mg_adl", responses=ALL_ONES, context={})
    assert preview.result.total == 8 and preview.problems == []
    bad = assessment_preview(instrument="mg_adl", responses={"1": 9}, context={})
    assert bad.result is None and [p.item for p in bad.problems] == ["1"]
    unknown = assessment_preview(instrument="nope", responses={}, context={})
    assert [p.code for p in unknown.problems] == ["unknown_instrument"]
    assert (AuditEntry.objects.count(), Assessment.objects.count()) == (entries, assessments)


def test_results_over_time_show_completed_and_signed_results(world, patient_a):
    from qadam.patients.selectors import results_by_instrument

    for day, score in [(datetime.date(2023, 1, 5), 1), (datetime.date(2024, 1, 5), 2)]:
        v = visit_create(by=world.clinician_a, patient=patient_a, visit_date=day, kind="routine")
        a = assessment_start(by=world.clinician_a, visit=v, instrument="mg_adl")
        a = assessment_save(
            by=world.clinician_a,
            assessment=a,
            responses={str(i): score for i in range(1, 9)},
            context={},
            expected_version=1,
        )
        assessment_complete(by=world.clinician_a, assessment=a, expected_version=2)
    v = visit_create(by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2024, 6, 1), kind="routine")
    assessment_start(by=world.clinician_a, visit=v, instrument="mg_adl")  # a draft: not a result yet
    rows = results_by_instrument(viewer=world.manager, patient=patient_a)["mg_adl"]
    assert [(r.assessed_on, r.total, r.status) for r in rows] == [
        (datetime.date(2023, 1, 5), 8.0, "completed"),
        (datetime.date(2024, 1, 5), 16.0, "completed"),
    ]


def test_another_centers_patient_cannot_be_assessed(world):
    other = make_patient(world.clinician_b, world.center_b)
    with pytest.raises(NotVisible):
        visit_create(by=world.clinician_a, patient=other, visit_date=datetime.date(2024, 1, 1), kind="routine")
