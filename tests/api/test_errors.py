"""One error format for every endpoint: RFC 9457 problem details in the user's language."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, RequestFactory

from qadam.api.problems import KINDS, answer_exception
from qadam.centers.services import user_language_set
from qadam.patients.models import Patient

from .conftest import PROBLEM, assert_problem, session_client

NEW_PATIENT = '{"center": "center-a", "birth_date": "2016-05-20", "sex": "male"}'


# -- malformed bodies: 400 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"center": "center-a",', "malformed_json"),
        ("{'single': 'quotes'}", "malformed_json"),
        ('{"a": NaN}', "json_not_finite"),
        ('{"a": -Infinity}', "json_not_finite"),
        ('{"a": 1e400}', "json_not_finite"),
        (b'{"a": "\xff\xfe"}', "json_not_utf8"),
        ("[" * 100_000 + "]" * 100_000, "json_too_deep"),
        ('{"a": ' + "9" * 5000 + "}", "json_number_too_long"),
        ('{"full_name": "a\\ud800b"}', "json_unpaired_surrogate"),
        ('{"responses": {"\\udfff": 1}}', "json_unpaired_surrogate"),
    ],
)
def test_a_body_that_is_not_storable_json_is_400(inside, raw, code):
    body = assert_problem(inside.post("/api/v1/patients", raw=raw), 400, code)
    assert body["type"] == "urn:qadam:problem:malformed-request"
    assert not Patient.objects.exists()


def test_a_surrogate_pair_escape_is_an_ordinary_character(inside):
    raw = NEW_PATIENT[:-1] + ', "full_name": "Arman \\ud83d\\ude00"}'
    response = inside.post("/api/v1/patients", raw=raw)
    assert response.status_code == 201
    assert response.json()["identity"]["full_name"] == "Arman \U0001f600"


def test_the_position_of_a_json_syntax_error_is_given(inside):
    body = assert_problem(inside.post("/api/v1/patients", raw='{\n  "sex": male\n}'), 400, "malformed_json")
    assert "line 2, column 10" in body["detail"]


# -- schema errors: 422 -----------------------------------------------------------------------------------


def test_a_missing_body_is_422(inside):
    body = assert_problem(inside.post("/api/v1/patients", raw=""), 422, "invalid_input")
    assert [(e["code"], e["field"], e["in"]) for e in body["errors"]] == [("body_missing", None, "body")]


@pytest.mark.parametrize("raw", ["[]", "3", '"text"', "null"])
def test_a_body_that_is_not_an_object_is_422(inside, raw):
    body = assert_problem(inside.post("/api/v1/patients", raw=raw), 422, "invalid_input")
    assert len(body["errors"]) == 1 and body["errors"][0]["in"] == "body"


def test_every_schema_error_is_listed_with_its_field(inside):
    raw = '{"center": 5, "birth_date": "yesterday", "full_name": "a\\u0000b", "sex": "male", "extra": true}'
    body = assert_problem(inside.post("/api/v1/patients", raw=raw), 422, "invalid_input")
    assert {(e["code"], e["field"]) for e in body["errors"]} == {
        ("string_type", "center"),
        ("date_from_datetime_parsing", "birth_date"),
        ("text_null_character", "full_name"),
        ("extra_forbidden", "extra"),
    }
    assert all(e["message"] for e in body["errors"])


def test_a_password_is_never_repeated_in_a_message(inside, signed_phq9):
    body = assert_problem(
        inside.post(f"/api/v1/assessments/{signed_phq9.pk}/sign", {"password": 123456}), 422, "invalid_input"
    )
    assert "123456" not in str(body)


# -- addresses and methods: 404, 405 ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/patients/", "/api/v1/patients/KZ-0000-0000/x"])
def test_an_unknown_address_is_a_404_problem_for_any_method(inside, path):
    for method in ("GET", "POST", "PUT", "DELETE"):
        body = assert_problem(inside.request(method, path), 404, "route_not_found")
        assert body["type"] == "urn:qadam:problem:not-found"


def test_an_unknown_address_is_a_404_problem_even_unauthenticated_and_by_session(world):
    assert_problem(Client().post("/api/v1/nothing", "{}", content_type="application/json"), 404, "route_not_found")
    strict = session_client(world.clinician_a, enforce_csrf=True)
    assert_problem(strict.post("/api/v1/nothing", {}), 404, "route_not_found")


def test_a_wrong_method_is_a_405_problem_with_allow(inside, patient_a):
    response = inside.delete(f"/api/v1/patients/{patient_a.registry_id}")
    body = assert_problem(response, 405, "method_not_allowed")
    assert body["allowed"] == ["GET"] and response["Allow"] == "GET"
    response = inside.put("/api/v1/patients", {})
    assert assert_problem(response, 405, "method_not_allowed")["allowed"] == ["GET", "POST"]


# -- size: 413 -------------------------------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_413_and_not_read(inside, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = NEW_PATIENT[:-1] + ', "full_name": "' + "x" * 2000 + '"}'
    body = assert_problem(inside.post("/api/v1/patients", raw=big), 413, "body_too_large")
    assert "1000" in body["detail"]
    assert not Patient.objects.exists()
    assert inside.post("/api/v1/patients", raw=NEW_PATIENT).status_code == 201


def test_the_413_comes_before_authentication(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    assert_problem(
        Client().post("/api/v1/patients", NEW_PATIENT, content_type="application/json"), 413, "body_too_large"
    )


# -- anything else: 500, still a problem --------------------------------------------------------------------------


def test_an_unexpected_error_is_a_logged_500_problem_without_internals(caplog):
    request = RequestFactory().get("/api/v1/patients")
    with caplog.at_level(logging.ERROR, logger="qadam.api"):
        response = answer_exception(request, RuntimeError("secret internals"))
    assert response.status_code == 500 and response["Content-Type"] == PROBLEM
    assert b"secret internals" not in response.content
    assert response.content.startswith(b'{"type": "urn:qadam:problem:server-error"')
    assert "secret internals" in caplog.text


def test_every_kind_of_problem_has_a_distinct_type_and_a_title():
    assert len({kind.title for kind in KINDS.values()}) == len(KINDS)
    assert {kind.status for kind in KINDS.values()} == {400, 401, 403, 404, 405, 409, 413, 422, 500}


# -- language ------------------------------------------------------------------------------------------------------


def test_the_answer_speaks_the_accept_language(inside, patient_a):
    response = inside.get("/api/v1/patients/KZ-0000-0000", headers={"Accept-Language": "ru"})
    body = assert_problem(response, 404, "not_visible")
    assert body["title"] == "Не найдено"
    assert response["Content-Language"] == "ru"
    body = assert_problem(
        inside.get("/api/v1/patients?page=0", headers={"Accept-Language": "kk"}), 422, "invalid_input"
    )
    assert body["title"] == "Жарамсыз деректер"
    assert body["errors"][0]["message"].startswith("Кемінде 1")


def test_without_accept_language_the_profile_language_is_used(world, inside):
    user_language_set(user=world.clinician_a, language="kk")
    body = assert_problem(inside.post("/api/v1/patients", raw="{"), 400, "malformed_json")
    assert body["title"] == "Қате құрылған сұрау"
    body = assert_problem(inside.get("/api/v1/nothing", headers={"Accept-Language": "ru"}), 404, "route_not_found")
    assert body["title"] == "Не найдено"


def test_scale_problems_come_in_the_answers_language(world, inside, visit_a):
    user_language_set(user=world.clinician_a, language="kk")
    body = assert_problem(
        inside.post(f"/api/v1/visits/{visit_a.pk}/assessments", {"instrument": "phq9", "responses": {"1": 9}}),
        422,
        "scale_problems",
    )
    assert body["errors"][0]["message"].startswith("PHQ-9 шкаласының 1 тармағы")


def test_an_unauthenticated_caller_is_answered_in_the_accept_language(db):
    body = assert_problem(Client().get("/api/v1/me", headers={"Accept-Language": "kk"}), 401, "not_authenticated")
    assert body["title"] == "Аутентификация қажет"


def test_successful_answers_are_plain_json(inside):
    response = inside.get("/api/v1/instruments")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
