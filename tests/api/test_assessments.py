"""Visits and assessments over the API: the server scores item responses with ``qadam.scales``,
keeps the status flow (draft → completed → signed → amended), and refuses bad input whole."""

from __future__ import annotations

import datetime

from qadam.assessments.models import Assessment, AssessmentRevision, Visit
from qadam.assessments.services import visit_create
from qadam.audit.models import AuditEntry
from qadam.core.testing import PASSWORD

from .conftest import PHQ9_ALL_ONE, assert_problem

# -- visits ----------------------------------------------------------------------------------------------


def test_a_clinician_records_and_lists_visits(world, inside, patient_a):
    path = f"/api/v1/patients/{patient_a.registry_id}/visits"
    created = inside.post(path, {"visit_date": "2026-02-01", "kind": "baseline", "note": "first"})
    assert created.status_code == 201
    body = created.json()
    assert (body["patient"], body["center"], body["kind"], body["created_by"]) == (
        patient_a.registry_id,
        "center-a",
        "baseline",
        "clinician_a",
    )
    inside.post(path, {"visit_date": "2026-03-01", "kind": "routine"})
    listed = inside.get(path).json()
    assert listed["count"] == 2 and [v["visit_date"] for v in listed["items"]] == ["2026-03-01", "2026-02-01"]
    entry = AuditEntry.objects.filter(object_type="assessments.visit", object_id=str(body["id"])).get()
    assert (entry.action, entry.actor_username) == ("create", "clinician_a")


def test_visits_of_another_centers_patient_are_hidden(outside, patient_a, visit_a):
    assert_problem(outside.get(f"/api/v1/patients/{patient_a.registry_id}/visits"), 404, "not_visible")
    assert_problem(outside.get(f"/api/v1/visits/{visit_a.pk}"), 404, "not_visible")
    assert_problem(
        outside.post(
            f"/api/v1/patients/{patient_a.registry_id}/visits", {"visit_date": "2026-02-01", "kind": "routine"}
        ),
        404,
        "not_visible",
    )
    assert Visit.objects.count() == 1


def test_the_registry_manager_reads_visits_without_notes_and_records_none(manager, patient_a, world):
    visit = visit_create(
        by=world.clinician_a,
        patient=patient_a,
        visit_date=datetime.date(2026, 1, 5),
        kind="routine",
        note="with mother, Mrs Sadykova",
    )
    assert manager.get(f"/api/v1/visits/{visit.pk}").json()["note"] == ""
    assert manager.get(f"/api/v1/patients/{patient_a.registry_id}/visits").json()["items"][0]["note"] == ""
    assert_problem(
        manager.post(
            f"/api/v1/patients/{patient_a.registry_id}/visits", {"visit_date": "2026-02-01", "kind": "routine"}
        ),
        403,
        "not_allowed",
    )


def test_a_visit_in_the_future_or_of_an_unknown_kind_is_refused(inside, patient_a):
    path = f"/api/v1/patients/{patient_a.registry_id}/visits"
    body = assert_problem(inside.post(path, {"visit_date": "2999-01-01", "kind": "routine"}), 422, "invalid")
    assert [e["code"] for e in body["errors"]] == ["date_in_future"]
    body = assert_problem(inside.post(path, {"visit_date": "2026-01-01", "kind": "party"}), 422, "invalid_input")
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("literal_error", "kind")]


def test_a_visit_id_that_is_not_a_number_is_422_and_an_unknown_one_404(inside):
    assert_problem(inside.get("/api/v1/visits/abc"), 422, "invalid_input")
    assert_problem(inside.get("/api/v1/visits/999999"), 404, "not_visible")
    assert_problem(inside.get(f"/api/v1/visits/{2**80}"), 404, "not_visible")


# -- recording and scoring ----------------------------------------------------------------------------------


def test_submitted_responses_are_scored_by_the_server(world, inside, visit_a):
    response = inside.post(
        f"/api/v1/visits/{visit_a.pk}/assessments",
        {"instrument": "phq9", "responses": PHQ9_ALL_ONE, "status": "completed"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["total"], body["band"]) == ("completed", 9.0, "mild")
    assert [(f["code"], f["items"]) for f in body["result"]["flags"]] == [("safety_self_harm", ["9"])]
    assert body["responses"] == PHQ9_ALL_ONE and body["rater"] == "clinician_a"
    stored = Assessment.objects.get(pk=body["id"])
    assert (stored.total, stored.band, stored.scoring_version) == (9.0, "mild", body["scoring_version"])
    listed = inside.get(f"/api/v1/visits/{visit_a.pk}/assessments").json()
    assert [(a["id"], a["instrument"], a["complete"]) for a in listed] == [(body["id"], "phq9", True)]


def test_every_invalid_response_is_listed_and_nothing_is_stored(inside, visit_a):
    before = AuditEntry.objects.count()
    body = assert_problem(
        inside.post(
            f"/api/v1/visits/{visit_a.pk}/assessments",
            {"instrument": "phq9", "responses": {"1": 7, "2": "x", "99": 1}},
            headers={"Accept-Language": "ru"},
        ),
        422,
        "scale_problems",
    )
    assert sorted((e["code"], e["item"], e["field"]) for e in body["errors"]) == [
        ("unknown_item", "99", "responses"),
        ("value_not_allowed", "1", "responses"),
        ("value_not_allowed", "2", "responses"),
    ]
    assert all("Пункт" in e["message"] or "нет пункта" in e["message"] for e in body["errors"])
    assert not Assessment.objects.exists() and AuditEntry.objects.count() == before


def test_an_unknown_instrument_is_a_field_error_naming_the_known_ones(inside, visit_a):
    body = assert_problem(
        inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "nope", "responses": {}}),
        422,
        "invalid_input",
    )
    ((code, field, message),) = [(e["code"], e["field"], e["message"]) for e in body["errors"]]
    assert (code, field) == ("literal_error", "instrument")
    assert "phq9" in message and "hfmse" in message and "“nope”" in message


def test_completing_needs_every_item(inside, visit_a):
    partial = {str(i): 1 for i in range(1, 6)}
    body = assert_problem(
        inside.post(
            f"/api/v1/visits/{visit_a.pk}/assessments",
            {"instrument": "phq9", "responses": partial, "status": "completed"},
        ),
        422,
        "items_missing",
    )
    assert body["errors"][0]["field"] == "responses"
    draft = inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "phq9", "responses": partial}).json()
    assert (draft["status"], draft["total"], draft["result"]["missing"]) == ("draft", None, ["6", "7", "8", "9"])
    assert_problem(
        inside.post(f"/api/v1/assessments/{draft['id']}/complete", {"row_version": draft["row_version"]}),
        422,
        "items_missing",
    )


def test_the_whole_flow_draft_save_complete_sign_amend(world, inside, visit_a):
    draft = inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "phq9"}).json()
    assert draft["status"] == "draft" and draft["responses"] == {}
    path = f"/api/v1/assessments/{draft['id']}"

    saved = inside.put(f"{path}/responses", {"responses": PHQ9_ALL_ONE, "row_version": draft["row_version"]}).json()
    assert (saved["status"], saved["total"]) == ("draft", 9.0)
    completed = inside.post(f"{path}/complete", {"row_version": saved["row_version"]}).json()
    assert completed["status"] == "completed"

    body = assert_problem(inside.post(f"{path}/sign", {"password": "wrong"}), 422, "wrong_password")
    assert body["errors"][0]["field"] == "password" and "wrong" not in body["errors"][0]["message"]
    signed = inside.post(f"{path}/sign", {"password": PASSWORD, "row_version": completed["row_version"]}).json()
    assert (signed["status"], signed["signed_by"]) == ("signed", "clinician_a")

    assert_problem(
        inside.post(f"{path}/amend", {"responses": PHQ9_ALL_ONE, "reason": "", "row_version": signed["row_version"]}),
        422,
        "invalid",
    )
    changed = {**PHQ9_ALL_ONE, "1": 3}
    amended = inside.post(
        f"{path}/amend", {"responses": changed, "reason": "item 1 misread", "row_version": signed["row_version"]}
    ).json()
    assert (amended["status"], amended["total"], amended["signed_by"]) == ("amended", 11.0, None)

    detail = inside.get(path).json()
    assert detail["total"] == 11.0
    (revision,) = detail["revisions"]
    assert (revision["total"], revision["status_before"], revision["reason"], revision["signed_by"]) == (
        9.0,
        "signed",
        "item 1 misread",
        "clinician_a",
    )
    assert AssessmentRevision.objects.count() == 1

    actions = list(AuditEntry.objects.filter(object_type="assessments.assessment").values_list("action", flat=True))
    assert actions == ["create", "update", "update", "sign", "amend"]


def test_signing_straight_away_needs_the_password(inside, visit_a):
    path = f"/api/v1/visits/{visit_a.pk}/assessments"
    assert_problem(
        inside.post(path, {"instrument": "phq9", "responses": PHQ9_ALL_ONE, "status": "signed"}), 422, "wrong_password"
    )
    signed = inside.post(
        path, {"instrument": "phq9", "responses": PHQ9_ALL_ONE, "status": "signed", "password": PASSWORD}
    )
    assert signed.status_code == 201 and signed.json()["status"] == "signed"
    sign = AuditEntry.objects.filter(action="sign").get()
    assert sign.changes["authentication"] == [None, "password"]


def test_a_stale_row_version_is_a_409_and_changes_nothing(inside, visit_a):
    draft = inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "phq9"}).json()
    path = f"/api/v1/assessments/{draft['id']}/responses"
    inside.put(path, {"responses": {"1": 1}, "row_version": draft["row_version"]})
    body = assert_problem(
        inside.put(path, {"responses": {"1": 3}, "row_version": draft["row_version"]}), 409, "conflict"
    )
    assert (body["expected_version"], body["current_version"]) == (draft["row_version"], draft["row_version"] + 1)
    assert body["type"] == "urn:qadam:problem:conflict"
    assert Assessment.objects.get(pk=draft["id"]).responses == {"1": 1}


def test_a_step_the_status_does_not_allow_is_a_409(inside, visit_a, signed_phq9):
    path = f"/api/v1/assessments/{signed_phq9.pk}"
    body = assert_problem(
        inside.put(f"{path}/responses", {"responses": {}, "row_version": signed_phq9.row_version}),
        409,
        "assessment_status",
    )
    assert body["type"] == "urn:qadam:problem:invalid-state"
    assert_problem(inside.post(f"{path}/complete", {"row_version": signed_phq9.row_version}), 409, "assessment_status")


def test_assessments_of_another_center_are_neither_read_nor_changed(outside, signed_phq9):
    path = f"/api/v1/assessments/{signed_phq9.pk}"
    assert_problem(outside.get(path), 404, "not_visible")
    assert_problem(outside.post(f"{path}/sign", {"password": PASSWORD}), 404, "not_visible")
    assert_problem(
        outside.post(
            f"{path}/amend", {"responses": PHQ9_ALL_ONE, "reason": "x", "row_version": signed_phq9.row_version}
        ),
        404,
        "not_visible",
    )
    assert_problem(
        outside.post(f"/api/v1/visits/{signed_phq9.visit_id}/assessments", {"instrument": "phq9"}), 404, "not_visible"
    )
    assert Assessment.objects.get(pk=signed_phq9.pk).status == "signed"


def test_the_registry_manager_reads_but_does_not_sign_or_amend(manager, signed_phq9, patient_a):
    assert manager.get(f"/api/v1/assessments/{signed_phq9.pk}").json()["total"] == 9.0
    listed = manager.get(f"/api/v1/patients/{patient_a.registry_id}/assessments").json()
    assert [a["id"] for a in listed["items"]] == [signed_phq9.pk]
    body = {"responses": {**PHQ9_ALL_ONE, "1": 0}, "reason": "x", "row_version": signed_phq9.row_version}
    assert_problem(manager.post(f"/api/v1/assessments/{signed_phq9.pk}/amend", body), 403, "not_allowed")


def test_a_coordinator_enters_data_but_only_a_clinician_signs(world, api_for, visit_a):
    coordinator = api_for(world.coordinator_a)
    done = coordinator.post(
        f"/api/v1/visits/{visit_a.pk}/assessments",
        {"instrument": "phq9", "responses": PHQ9_ALL_ONE, "status": "completed"},
    ).json()
    assert done["status"] == "completed"
    assert_problem(
        coordinator.post(f"/api/v1/assessments/{done['id']}/sign", {"password": PASSWORD}), 403, "not_allowed"
    )


def test_not_tested_notes_are_blanked_for_viewers_from_other_centers(world, manager, api_for, visit_a):
    responses = {"1": 1, "2": {"not_tested": "refused", "note": "mother (Mrs Sadykova) answered instead"}}
    created = api_for(world.clinician_a).post(
        f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "hfmse", "responses": responses}
    )
    assert created.status_code == 201, created.content
    assessment_id = created.json()["id"]
    assert api_for(world.clinician_a).get(f"/api/v1/assessments/{assessment_id}").json()["responses"]["2"]["note"]
    assert manager.get(f"/api/v1/assessments/{assessment_id}").json()["responses"]["2"] == {
        "not_tested": "refused",
        "note": "",
    }


def test_the_patients_assessments_can_be_filtered_by_instrument(world, inside, patient_a, visit_a, signed_phq9):
    inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "hfmse"})
    path = f"/api/v1/patients/{patient_a.registry_id}/assessments"
    assert inside.get(path).json()["count"] == 2
    only = inside.get(f"{path}?instrument=phq9").json()
    assert [a["id"] for a in only["items"]] == [signed_phq9.pk]


def test_a_context_left_out_keeps_the_stored_one(world, inside, patient_a, visit_a):
    created = inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "6mwt", "responses": {}}).json()
    assert created["context"]  # sex and age come from the patient's record
    saved = inside.put(
        f"/api/v1/assessments/{created['id']}/responses", {"responses": {}, "row_version": created["row_version"]}
    ).json()
    assert saved["context"] == created["context"]
