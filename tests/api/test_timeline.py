"""A patient's timeline over the API (``GET /api/v1/patients/{registry_id}/timeline``) and the cost of
the two calls a client makes most: submitting an assessment and reading the timeline.

The number of queries is pinned, not the time: a page of the timeline costs the same queries however
long the patient's history, and a submission stays one scored, audited write.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qadam.assessments.models import Assessment
from qadam.assessments.services import assessment_record, visit_create
from qadam.audit.models import AuditEntry
from qadam.centers.services import user_language_set

from ..conftest import VALID_IIN
from .conftest import PHQ9_ALL_ONE, assert_problem, token_client


def _history(world, patient, visits: int, *, note: str = "") -> list:
    """``visits`` visits a month apart, each with a completed PHQ-9; returned oldest first."""
    made = []
    for month in range(visits):
        visit = visit_create(
            by=world.clinician_a,
            patient=patient,
            visit_date=datetime.date(2020 + month // 12, 1 + month % 12, 5),
            kind="routine",
            note=note,
        )
        assessment_record(
            by=world.clinician_a,
            visit=visit,
            instrument="phq9",
            responses={**PHQ9_ALL_ONE, "1": month % 4},
            context={},
            status="completed",
        )
        made.append(visit)
    return made


def _queries(call) -> int:
    """Statements a call makes, transaction control (savepoints) not counted."""
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert 200 <= response.status_code < 300, response.content
    return sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"].upper())


# -- the timeline ----------------------------------------------------------------------------------------


def test_a_clinician_reads_the_timeline_with_the_identity_and_every_assessment(world, inside, patient_a):
    visits = _history(world, patient_a, 3, note="came with her mother")
    body = inside.get(f"/api/v1/patients/{patient_a.registry_id}/timeline").json()
    assert body["patient"]["registry_id"] == patient_a.registry_id
    assert body["patient"]["identity"] == {"full_name": "Aigerim Sadykova", "iin": VALID_IIN}
    assert (body["count"], body["page"], body["next"], body["previous"]) == (3, 1, None, None)
    assert [v["id"] for v in body["items"]] == [v.pk for v in reversed(visits)]  # newest first
    newest = body["items"][0]
    assert newest["note"] == "came with her mother" and newest["created_by"] == "clinician_a"
    (assessment,) = newest["assessments"]
    stored = Assessment.objects.get(visit=visits[-1])
    assert (assessment["id"], assessment["instrument"], assessment["status"]) == (stored.pk, "phq9", "completed")
    assert (assessment["total"], assessment["band"], assessment["complete"]) == (stored.total, stored.band, True)


def test_the_timeline_is_paginated_by_visit(world, inside, patient_a):
    _history(world, patient_a, 5)
    path = f"/api/v1/patients/{patient_a.registry_id}/timeline"
    first = inside.get(f"{path}?page_size=2").json()
    assert (first["count"], len(first["items"]), first["next"]) == (5, 2, f"{path}?page=2&page_size=2")
    dates = [v["visit_date"] for p in (1, 2, 3) for v in inside.get(f"{path}?page={p}&page_size=2").json()["items"]]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 5
    past = inside.get(f"{path}?page=9&page_size=2").json()
    assert (past["items"], past["count"], past["patient"]["registry_id"]) == ([], 5, patient_a.registry_id)
    assert_problem(inside.get(f"{path}?page_size=101"), 422, "invalid_input")


def test_a_patient_without_visits_has_an_empty_timeline(inside, patient_a):
    body = inside.get(f"/api/v1/patients/{patient_a.registry_id}/timeline").json()
    assert (body["items"], body["count"], body["patient"]["registry_id"]) == ([], 0, patient_a.registry_id)


def test_the_registry_manager_reads_the_timeline_without_identity_or_notes(world, manager, patient_a):
    _history(world, patient_a, 2, note="with mother, Mrs Sadykova")
    body = manager.get(f"/api/v1/patients/{patient_a.registry_id}/timeline").json()
    assert body["patient"]["identity"] is None
    assert [v["note"] for v in body["items"]] == ["", ""]
    assert [len(v["assessments"]) for v in body["items"]] == [1, 1]


def test_outside_the_center_the_timeline_does_not_exist(world, outside, patient_a):
    _history(world, patient_a, 1)
    path = f"/api/v1/patients/{patient_a.registry_id}/timeline"
    assert_problem(outside.get(path), 404, "not_visible")
    assert_problem(token_client(world.outsider).get(path), 404, "not_visible")
    assert_problem(outside.get("/api/v1/patients/KZ-0000-0000/timeline"), 404, "not_visible")


def test_reading_the_timeline_writes_nothing(world, inside, patient_a):
    _history(world, patient_a, 1)
    before = AuditEntry.objects.count()
    inside.get(f"/api/v1/patients/{patient_a.registry_id}/timeline")
    assert AuditEntry.objects.count() == before


def test_a_page_of_the_timeline_costs_the_same_queries_however_long_the_history(world, inside, patient_a):
    path = f"/api/v1/patients/{patient_a.registry_id}/timeline"
    _history(world, patient_a, 2)
    inside.get(path)  # the token's first use is noted once
    short = _queries(lambda: inside.get(path))
    _history(world, patient_a, 28)
    assert _queries(lambda: inside.get(path)) == short
    assert _queries(lambda: inside.get(f"{path}?page=2")) == short
    # The token with its owner and language, roles, the patient with its identity, the page of visits
    # with their number, their assessments.
    assert short <= 5


def test_the_visit_list_reads_only_the_page_it_answers(world, inside, patient_a):
    path = f"/api/v1/patients/{patient_a.registry_id}/visits"
    _history(world, patient_a, 2)
    inside.get(path)
    short = _queries(lambda: inside.get(path))
    _history(world, patient_a, 28)
    assert _queries(lambda: inside.get(f"{path}?page_size=5")) == short
    body = inside.get(f"{path}?page=2&page_size=5").json()
    assert body["count"] == 30 and len(body["items"]) == 5
    assert all(len(v["assessments"]) == 1 for v in body["items"])


# -- submitting an assessment ------------------------------------------------------------------------------


def test_a_submission_is_one_scored_audited_write(world, inside, visit_a):
    path = f"/api/v1/visits/{visit_a.pk}/assessments"
    body = {"instrument": "phq9", "responses": PHQ9_ALL_ONE, "status": "completed"}
    inside.post(path, body)  # the token's first use is noted once
    before = AuditEntry.objects.count()
    # Token with owner and language, the visit with its patient and center, roles; the patient's row,
    # the assessment, the audit chain head, the entry and the head again.
    assert _queries(lambda: inside.post(path, body)) <= 8
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_type, entry.actor_username) == (
        "create",
        "assessments.assessment",
        "clinician_a",
    )
    assert entry.changes["total"] == [None, 9.0]


def test_a_submission_to_another_centers_visit_is_404_and_writes_nothing(world, outside, visit_a):
    without_center = token_client(world.outsider)
    before = (Assessment.objects.count(), AuditEntry.objects.count())
    body = {"instrument": "phq9", "responses": PHQ9_ALL_ONE, "status": "completed"}
    for client in (outside, without_center):
        assert_problem(client.post(f"/api/v1/visits/{visit_a.pk}/assessments", body), 404, "not_visible")
    assert_problem(outside.post(f"/api/v1/visits/{2**62}/assessments", body), 404, "not_visible")
    assert (Assessment.objects.count(), AuditEntry.objects.count()) == before


def test_the_registry_manager_sees_the_visit_but_may_not_submit(world, manager, visit_a):
    before = (Assessment.objects.count(), AuditEntry.objects.count())
    body = {"instrument": "phq9", "responses": PHQ9_ALL_ONE, "status": "completed"}
    assert_problem(manager.post(f"/api/v1/visits/{visit_a.pk}/assessments", body), 403, "not_allowed")
    assert (Assessment.objects.count(), AuditEntry.objects.count()) == before


def test_a_submission_answers_in_the_profile_language_read_with_the_token(world, inside, visit_a):
    user_language_set(user=world.clinician_a, language="ru")
    body = {"instrument": "phq9", "responses": {**PHQ9_ALL_ONE, "1": 7}, "status": "completed"}
    problem = assert_problem(inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", body), 422, "scale_problems")
    assert problem["title"] == "Недопустимые данные"
    english = inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", body, headers={"Accept-Language": "en"})
    assert assert_problem(english, 422, "scale_problems")["title"] == "Invalid input"


def test_the_timeline_says_which_assessments_are_complete_as_the_visit_list_does(world, inside, patient_a, visit_a):
    draft = {"instrument": "phq9", "responses": {"1": 2}, "status": "draft"}
    inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", draft)
    inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {**draft, "responses": PHQ9_ALL_ONE, "status": "completed"})
    timeline = inside.get(f"/api/v1/patients/{patient_a.registry_id}/timeline").json()["items"][0]["assessments"]
    listed = inside.get(f"/api/v1/visits/{visit_a.pk}/assessments").json()
    assert [a["complete"] for a in timeline] == [False, True]
    assert timeline == listed
