"""Therapies API: every endpoint from inside and outside the center, RFC 9457 errors, audited writes."""

from __future__ import annotations

import datetime

import pytest

from qadam.audit.models import AuditEntry
from qadam.therapy import services
from qadam.therapy.models import Administration, AdverseEvent, TherapyCourse
from tests.api.conftest import assert_problem, token_client

D = datetime.date
BASE = "/api/v1/therapies"


@pytest.fixture
def inside(world):
    return token_client(world.clinician_a)


@pytest.fixture
def course(world, patient_a):
    return services.course_start(by=world.clinician_a, patient=patient_a, drug="nusinersen", started_on=D(2025, 1, 6))


def test_list_courses_with_doses_next_due_and_rule(world, patient_a, course, inside):
    services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 6), dose=12, dose_unit="mg", route="intrathecal")  # fmt: skip
    body = inside.get(f"{BASE}?patient={patient_a.registry_id}").json()
    [item] = body["courses"]
    assert item["drug"] == "nusinersen" and item["drug_name"] == "Nusinersen"
    assert item["administrations"][0]["given_on"] == "2025-01-06" and item["administrations"][0]["dose"] == 12.0
    first = item["due"][0]
    # Long past: the second loading dose (due 20 Jan 2025) is overdue since 24 Jan 2025.
    assert first["overdue"] and first["overdue_since"] == "2025-01-24"
    assert first["rule"]["code"] == "loading_dose_delayed"
    assert "SPINRAZA" in first["rule"]["source"]


def test_list_in_russian(world, patient_a, course, inside):
    body = inside.get(f"{BASE}?patient={patient_a.registry_id}", headers={"Accept-Language": "ru"}).json()
    assert body["courses"][0]["drug_name"] == "Нусинерсен"


def test_outside_the_center_everything_is_404_and_nothing_changes(world, patient_a, course):
    outside = token_client(world.clinician_b)
    assert_problem(outside.get(f"{BASE}?patient={patient_a.registry_id}"), 404, "not_visible")
    assert_problem(outside.get(f"{BASE}/{course.pk}"), 404, "not_visible")
    body = {"given_on": "2025-01-06", "dose": 12, "dose_unit": "mg", "route": "intrathecal"}
    assert_problem(outside.post(f"{BASE}/{course.pk}/administrations", body), 404, "not_visible")
    assert_problem(outside.post(f"{BASE}/{course.pk}/stop", {"stopped_on": "2025-02-01", "reason": "other", "row_version": 1}), 404, "not_visible")  # fmt: skip
    new = {"patient": patient_a.registry_id, "drug": "risdiplam", "started_on": "2025-01-01"}
    assert_problem(outside.post(BASE, new), 404, "not_visible")
    assert not Administration.objects.exists() and TherapyCourse.objects.count() == 1


def test_registry_manager_reads_but_may_not_write(world, patient_a, course):
    manager = token_client(world.manager)
    assert manager.get(f"{BASE}/{course.pk}").status_code == 200
    body = {"given_on": "2025-01-06", "dose": 12, "dose_unit": "mg", "route": "intrathecal"}
    assert_problem(manager.post(f"{BASE}/{course.pk}/administrations", body), 403, "not_allowed")
    assert not Administration.objects.exists()


def test_start_course_record_dose_and_stop(world, patient_a, inside):
    created = inside.post(BASE, {"patient": patient_a.registry_id, "drug": "nusinersen", "started_on": "2025-01-06"})
    assert created.status_code == 201, created.content
    course_id = created.json()["id"]
    body = {"given_on": "2025-01-06", "dose": 12, "dose_unit": "mg", "route": "intrathecal", "procedure": {"approach": "interlaminar", "needle_gauge": 22}}  # fmt: skip
    dose = inside.post(f"{BASE}/{course_id}/administrations", body)
    assert dose.status_code == 201 and dose.json()["procedure"] == {"approach": "interlaminar", "needle_gauge": 22}
    stale = inside.post(f"{BASE}/{course_id}/stop", {"stopped_on": "2025-02-01", "reason": "patient_choice", "row_version": 5})  # fmt: skip
    assert_problem(stale, 409, "conflict")
    stopped = inside.post(f"{BASE}/{course_id}/stop", {"stopped_on": "2025-02-01", "reason": "patient_choice", "row_version": 1})  # fmt: skip
    assert stopped.status_code == 200 and stopped.json()["stopped_on"] == "2025-02-01" and stopped.json()["due"] == []
    again = inside.post(f"{BASE}/{course_id}/stop", {"stopped_on": "2025-02-02", "reason": "other", "row_version": 2})
    assert_problem(again, 409, "course_already_stopped")
    assert AuditEntry.objects.filter(object_type__startswith="therapy.").count() == 3


def test_safety_warning_is_a_422_with_findings_until_acknowledged(world, course, inside):
    for day in (D(2025, 1, 6), D(2025, 1, 20)):
        services.administration_record(by=world.clinician_a, course=course, given_on=day, dose=12, dose_unit="mg", route="intrathecal")  # fmt: skip
    body = {"given_on": "2025-01-25", "dose": 12, "dose_unit": "mg", "route": "intrathecal"}
    problem = assert_problem(inside.post(f"{BASE}/{course.pk}/administrations", body), 422, "safety_warning")
    assert [f["code"] for f in problem["findings"]] == ["interval_under_14_days"]
    assert problem["errors"][0]["field"] == "acknowledge_warnings"
    assert Administration.objects.count() == 2
    ok = inside.post(f"{BASE}/{course.pk}/administrations", {**body, "acknowledge_warnings": True})
    assert ok.status_code == 201 and ok.json()["acknowledged_findings"][0]["code"] == "interval_under_14_days"


def test_c5_block_cannot_be_acknowledged(world, patient_a, inside):
    course = services.course_start(
        by=world.clinician_a, patient=patient_a, drug="ravulizumab", started_on=D(2025, 3, 1)
    )
    body = {"given_on": "2025-03-01", "dose": 2700, "dose_unit": "mg", "route": "iv", "acknowledge_warnings": True}
    problem = assert_problem(inside.post(f"{BASE}/{course.id}/administrations", body), 422, "safety_block")
    assert {f["code"] for f in problem["findings"]} == {"meningococcal_acwy_missing", "meningococcal_b_missing"}
    assert {f["severity"] for f in problem["findings"]} == {"block"}


def test_bad_bodies_are_precise_422s(world, course, inside):
    unknown = inside.post(f"{BASE}/{course.pk}/administrations", {"given_on": "2025-01-06", "route": "intrathecal", "colour": "red"})  # fmt: skip
    assert_problem(unknown, 422, "invalid_input")
    wrong_route = inside.post(f"{BASE}/{course.pk}/administrations", {"given_on": "2025-01-06", "route": "oral", "dose": 12, "dose_unit": "mg"})  # fmt: skip
    body = assert_problem(wrong_route, 422, "invalid")
    assert body["errors"][0]["code"] == "route_not_for_drug"
    future = inside.post(
        BASE, {"patient": course.patient.registry_id, "drug": "zilucoplan", "started_on": "2999-01-01"}
    )
    assert assert_problem(future, 422, "invalid")["errors"][0]["code"] == "date_in_future"
    assert_problem(inside.get(f"{BASE}/0"), 422, "invalid_input")
    assert_problem(inside.get(f"{BASE}/999999"), 404, "not_visible")
    assert not Administration.objects.exists()


def test_adverse_event(world, course, inside):
    dose = services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 6), dose=12, dose_unit="mg", route="intrathecal")  # fmt: skip
    body = {"onset_on": "2025-01-07", "description": "Back pain", "severity": "mild", "administration": dose.pk}
    created = inside.post(f"{BASE}/{course.pk}/adverse-events", body)
    assert created.status_code == 201 and created.json()["administration"] == dose.pk
    outside = token_client(world.clinician_b)
    assert_problem(outside.post(f"{BASE}/{course.pk}/adverse-events", body), 404, "not_visible")
    assert AdverseEvent.objects.count() == 1


def test_list_costs_the_same_queries_however_many_courses_and_doses(
    world, patient_a, inside, django_assert_max_num_queries
):
    for drug in ("nusinersen", "eculizumab", "onabotulinumtoxinA"):
        course = services.course_start(by=world.clinician_a, patient=patient_a, drug=drug, started_on=D(2025, 1, 6))
        if drug == "nusinersen":
            for day in (D(2025, 1, 6), D(2025, 1, 20), D(2025, 2, 3)):
                services.administration_record(by=world.clinician_a, course=course, given_on=day, dose=12, dose_unit="mg", route="intrathecal")  # fmt: skip
    inside.get(f"{BASE}?patient={patient_a.registry_id}")  # the token's first use is recorded once
    with django_assert_max_num_queries(8):
        body = inside.get(f"{BASE}?patient={patient_a.registry_id}").json()
    assert len(body["courses"]) == 3


def test_vaccinations_recorded_through_the_api_open_the_c5_rule(world, patient_a, inside):
    # Eculizumab SmPC: meningococcal ACWY and B at least 2 weeks before the first dose.
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="eculizumab", started_on=D(2025, 3, 1))
    for vaccine in ("meningococcal_acwy", "meningococcal_b"):
        made = inside.post(f"{BASE}/vaccinations", {"patient": patient_a.registry_id, "vaccine": vaccine, "given_on": "2025-02-15"})  # fmt: skip
        assert made.status_code == 201, made.content
    body = {"given_on": "2025-03-01", "dose": 900, "dose_unit": "mg", "route": "iv"}
    assert inside.post(f"{BASE}/{course.pk}/administrations", body).status_code == 201
    weight = inside.post(f"{BASE}/weights", {"patient": patient_a.registry_id, "measured_on": "2025-03-01", "weight_kg": "70.5"})  # fmt: skip
    assert weight.status_code == 201 and weight.json()["weight_kg"] == 70.5
    outside = token_client(world.clinician_b)
    assert_problem(outside.post(f"{BASE}/weights", {"patient": patient_a.registry_id, "measured_on": "2025-03-01", "weight_kg": 70}), 404, "not_visible")  # fmt: skip
    manager = token_client(world.manager)
    assert_problem(manager.post(f"{BASE}/vaccinations", {"patient": patient_a.registry_id, "vaccine": "influenza", "given_on": "2025-03-01"}), 403, "not_allowed")  # fmt: skip
    assert_problem(inside.post(f"{BASE}/weights", {"patient": patient_a.registry_id, "measured_on": "2025-03-01", "weight_kg": 0}), 422, "invalid_input")  # fmt: skip
