"""Patients and diagnoses over the API, for users inside and outside the patient's center."""

from __future__ import annotations

import datetime

import pytest

from qadam.audit.models import AuditEntry
from qadam.core.testing import make_patient
from qadam.patients.models import Diagnosis, Patient

from ..conftest import VALID_IIN
from .conftest import assert_problem, token_client

NEW_PATIENT = {"center": "center-a", "birth_date": "2016-05-20", "sex": "male", "full_name": "Arman Tulegenov"}


# -- list and search ---------------------------------------------------------------------------------


def test_a_clinician_lists_the_patients_of_their_centers_with_identities(inside, patient_a, patient_b):
    body = inside.get("/api/v1/patients").json()
    assert body["count"] == 1
    (row,) = body["items"]
    assert row["registry_id"] == patient_a.registry_id
    assert row["identity"] == {"full_name": "Aigerim Sadykova", "iin": VALID_IIN}


def test_a_registry_manager_lists_every_center_but_identities_only_of_their_own(manager, patient_a, patient_b):
    rows = {row["registry_id"]: row for row in manager.get("/api/v1/patients").json()["items"]}
    assert set(rows) == {patient_a.registry_id, patient_b.registry_id}
    assert rows[patient_a.registry_id]["identity"] is None  # center A: not theirs
    assert rows[patient_b.registry_id]["identity"] == {"full_name": "Nurlan Bekov", "iin": ""}


def test_a_user_without_a_center_sees_no_patient(world, patient_a):
    assert token_client(world.outsider).get("/api/v1/patients").json()["count"] == 0


def test_search_by_name_finds_only_patients_of_ones_own_centers(inside, manager, patient_a):
    assert inside.get("/api/v1/patients?q=Sadykova").json()["count"] == 1
    assert manager.get("/api/v1/patients?q=Sadykova").json()["count"] == 0
    assert manager.get(f"/api/v1/patients?q={patient_a.registry_id[-4:]}").json()["count"] == 1


def test_the_list_is_paginated(world, inside):
    for day in range(1, 8):
        make_patient(world.clinician_a, world.center_a, birth_date=datetime.date(2010, 1, day))
    first = inside.get("/api/v1/patients?page_size=3").json()
    assert (first["count"], first["page"], first["page_size"], len(first["items"])) == (7, 1, 3, 3)
    assert first["previous"] is None
    assert first["next"] == "/api/v1/patients?page=2&page_size=3"
    last = inside.get("/api/v1/patients?page=3&page_size=3").json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert last["previous"] == "/api/v1/patients?page=2&page_size=3"
    seen = [
        r["registry_id"]
        for p in (1, 2, 3)
        for r in inside.get(f"/api/v1/patients?page={p}&page_size=3").json()["items"]
    ]
    assert sorted(seen) == sorted(Patient.objects.values_list("registry_id", flat=True))
    beyond = inside.get("/api/v1/patients?page=9&page_size=3").json()
    assert (
        beyond["items"] == [] and beyond["count"] == 7 and beyond["previous"] == "/api/v1/patients?page=3&page_size=3"
    )


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("page=0", "greater_than_equal", "page"),
        ("page=x", "int_parsing", "page"),
        ("page_size=101", "less_than_equal", "page_size"),
        ("page_size=0", "greater_than_equal", "page_size"),
        ("q=" + "x" * 101, "string_too_long", "q"),
        ("q=a%00b", "string_pattern_mismatch", "q"),
    ],
)
def test_bad_list_parameters_are_422(inside, query, code, field):
    body = assert_problem(inside.get(f"/api/v1/patients?{query}"), 422, "invalid_input")
    assert [(e["code"], e["field"], e["in"]) for e in body["errors"]] == [(code, field, "query")]


# -- one patient ---------------------------------------------------------------------------------------


def test_the_patient_record_inside_the_center_is_complete_and_its_viewing_audited(world, inside, patient_a):
    body = inside.get(f"/api/v1/patients/{patient_a.registry_id.lower()}").json()
    assert body["registry_id"] == patient_a.registry_id and body["center"] == "center-a"
    assert body["identity"]["iin"] == VALID_IIN
    assert body["permissions"] == {"view_identity": True, "edit": True, "sign": True, "read_audit": False}
    assert body["age_years"] >= 36 and body["diagnoses"] == [] and body["sma_genetics"] is None
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_username, entry.patient_registry_id) == (
        "view",
        "clinician_a",
        patient_a.registry_id,
    )


def test_a_clinician_of_another_center_gets_404_and_nothing_is_recorded(outside, patient_a):
    before = AuditEntry.objects.count()
    assert_problem(outside.get(f"/api/v1/patients/{patient_a.registry_id}"), 404, "not_visible")
    assert AuditEntry.objects.count() == before


def test_an_unknown_registry_id_is_404_like_a_foreign_one(inside, patient_a):
    assert_problem(inside.get("/api/v1/patients/KZ-0000-0000"), 404, "not_visible")


def test_a_malformed_registry_id_is_422(inside):
    body = assert_problem(inside.get("/api/v1/patients/KZ%20x"), 422, "invalid_input")
    assert body["errors"][0]["field"] == "registry_id" and body["errors"][0]["in"] == "path"


def test_the_registry_manager_reads_other_centers_without_identity_or_notes(world, manager, patient_a):
    from qadam.patients.services import diagnosis_add

    diagnosis_add(
        by=world.clinician_a,
        patient=patient_a,
        icd10="G12.1",
        diagnosed_on=datetime.date(2020, 1, 1),
        note="told by Dr Aliyev",
    )
    body = manager.get(f"/api/v1/patients/{patient_a.registry_id}").json()
    assert body["identity"] is None
    assert body["permissions"]["view_identity"] is False and body["permissions"]["edit"] is False
    assert [(d["icd10"], d["note"]) for d in body["diagnoses"]] == [("G12.1", "")]


# -- registration ---------------------------------------------------------------------------------------


def test_a_clinician_registers_a_patient_in_their_center(world, inside):
    before = AuditEntry.objects.count()
    response = inside.post("/api/v1/patients", NEW_PATIENT)
    assert response.status_code == 201
    body = response.json()
    patient = Patient.objects.get(registry_id=body["registry_id"])
    assert (patient.center, patient.sex, str(patient.birth_date)) == (world.center_a, "male", "2016-05-20")
    assert body["identity"] == {"full_name": "Arman Tulegenov", "iin": ""}
    created = AuditEntry.objects.order_by("seq")[before:]
    assert [(e.action, e.object_type) for e in created] == [
        ("create", "patients.patient"),
        ("create", "patients.patientidentity"),
    ]
    assert all(e.actor_username == "clinician_a" for e in created)


def test_registering_in_a_center_where_one_does_not_enter_data_is_403(world, inside, manager):
    assert_problem(inside.post("/api/v1/patients", {**NEW_PATIENT, "center": "center-b"}), 403, "not_allowed")
    assert_problem(manager.post("/api/v1/patients", {**NEW_PATIENT, "center": "center-b"}), 403, "not_allowed")
    assert not Patient.objects.exists()


def test_an_unknown_center_is_a_field_error(inside):
    body = assert_problem(inside.post("/api/v1/patients", {**NEW_PATIENT, "center": "nowhere"}), 422, "center_unknown")
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("center_unknown", "center")]


def test_every_registration_problem_is_reported_and_nothing_saved(inside):
    bad = {**NEW_PATIENT, "birth_date": "2999-01-01", "iin": "900101300008"}
    body = assert_problem(inside.post("/api/v1/patients", bad), 422, "invalid")
    assert {(e["code"], e["field"]) for e in body["errors"]} == {
        ("date_in_future", "birth_date"),
        ("iin_check_digit", "iin"),
    }
    assert not Patient.objects.exists()


def test_a_taken_iin_is_refused(inside, patient_a):
    body = assert_problem(inside.post("/api/v1/patients", {**NEW_PATIENT, "iin": VALID_IIN}), 422, "iin_taken")
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("iin_taken", "iin")]
    assert Patient.objects.count() == 1


def test_schema_errors_of_a_registration_name_each_field(inside):
    body = assert_problem(
        inside.post("/api/v1/patients", {"center": "center-a", "birth_date": "20-05-2016", "sex": "x", "age": 3}),
        422,
        "invalid_input",
    )
    assert {(e["code"], e["field"]) for e in body["errors"]} == {
        ("date_from_datetime_parsing", "birth_date"),
        ("literal_error", "sex"),
        ("extra_forbidden", "age"),
    }


# -- diagnoses ---------------------------------------------------------------------------------------------


def test_diagnoses_are_added_and_listed_inside_the_center(inside, patient_a):
    first = inside.post(
        f"/api/v1/patients/{patient_a.registry_id}/diagnoses",
        {"icd10": "g12.1", "diagnosed_on": "2017-04-01", "is_primary": True},
    )
    assert first.status_code == 201
    assert first.json()["icd10"] == "G12.1" and first.json()["is_primary"] is True
    second = inside.post(
        f"/api/v1/patients/{patient_a.registry_id}/diagnoses",
        {"icd10": "G70.0", "diagnosed_on": "2018-04-01", "is_primary": True, "note": "confirmed"},
    )
    assert second.status_code == 201
    listed = inside.get(f"/api/v1/patients/{patient_a.registry_id}/diagnoses").json()
    assert [(d["icd10"], d["is_primary"]) for d in listed] == [("G70.0", True), ("G12.1", False)]
    assert listed[0]["title"]
    actions = list(AuditEntry.objects.filter(object_type="patients.diagnosis").values_list("action", flat=True))
    assert actions == ["create", "update", "create"]


def test_diagnoses_of_another_centers_patient_are_neither_read_nor_written(outside, patient_a):
    path = f"/api/v1/patients/{patient_a.registry_id}/diagnoses"
    assert_problem(outside.get(path), 404, "not_visible")
    assert_problem(outside.post(path, {"icd10": "G12.1", "diagnosed_on": "2017-04-01"}), 404, "not_visible")
    assert not Diagnosis.objects.exists()


def test_the_registry_manager_reads_diagnoses_but_cannot_add_them(world, manager, patient_a):
    path = f"/api/v1/patients/{patient_a.registry_id}/diagnoses"
    assert manager.get(path).status_code == 200
    assert_problem(manager.post(path, {"icd10": "G12.1", "diagnosed_on": "2017-04-01"}), 403, "not_allowed")


def test_a_diagnosis_with_an_unknown_code_or_a_date_before_birth_is_refused(inside, patient_a):
    body = assert_problem(
        inside.post(
            f"/api/v1/patients/{patient_a.registry_id}/diagnoses", {"icd10": "Z99.9", "diagnosed_on": "1980-01-01"}
        ),
        422,
        "invalid",
    )
    assert {(e["code"], e["field"]) for e in body["errors"]} == {
        ("icd10_unknown", "icd10"),
        ("date_before_birth", "diagnosed_on"),
    }
