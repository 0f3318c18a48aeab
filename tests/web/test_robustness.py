"""No address and no input produces a server error: malformed ids, missing parameters, wrong methods."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qadam import scales

from .conftest import signed_in

MALFORMED_PATHS = [
    "/patients/KZ-0000-0000/",
    "/patients/%00/",
    "/patients/' OR 1=1 --/",
    "/patients/" + "X" * 200 + "/",
    "/patients/KZ-0000-0000/audit/",
    "/patients/KZ-0000-0000/visits/new/",
    "/visits/0/assessments/new/",
    "/visits/99999999999999999999999999/assessments/new/",
    "/visits/-1/assessments/new/",
    "/visits/abc/assessments/new/",
    "/visits/999999999999999999/assessments/new/",
    "/assessments/0/",
    "/assessments/1e9/",
    "/assessments/99999999999999999999999999/",
    "/assessments/999999999999999999/sign/",
    "/assessments/999999999999999999/amend/",
    "/nowhere/",
    "/static/../settings.py",
]


@pytest.mark.parametrize("path", MALFORMED_PATHS)
def test_malformed_addresses_answer_not_found(world, path):
    response = signed_in(world.clinician_a).get(path)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name,method",
    [
        ("language", "get"),
        ("assessment_preview", "get"),
        ("logout", "get"),
        ("home", "post"),
        ("patient_list", "post"),
        ("home", "delete"),
    ],
)
def test_wrong_methods_answer_method_not_allowed(world, name, method):
    response = getattr(signed_in(world.clinician_a), method)(reverse(name))
    assert response.status_code == 405


def test_a_screen_of_a_record_answers_wrong_methods_without_error(world, patient_a):
    client = signed_in(world.clinician_a)
    assert client.post(reverse("patient_detail", args=[patient_a.registry_id])).status_code == 405
    assert client.put(reverse("patient_audit", args=[patient_a.registry_id])).status_code == 405


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"instrument": ""},
        {"instrument": "nope"},
        {"instrument": "hfmse", "item-1": "9"},
        {"instrument": "hfmse", "item-1": "x" * 5000},
        {"instrument": "hfmse", "item-unknown": "1"},
        {"instrument": "hfmse", "nt-1": "bored"},
        {"instrument": "6mwt", "item-distance": "nan"},
        {"instrument": "6mwt", "item-distance": "1e999"},
        {"instrument": "hfmse", "ctx-limited_by_contracture": "1=yes"},
        {"instrument": "phq9", "ctx-missing_rule": "whatever"},
    ],
)
def test_the_preview_answers_any_input_without_error(world, data):
    response = signed_in(world.clinician_a).post(reverse("assessment_preview"), data)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"instrument": "hfmse", "row_version": "abc"},
        {"instrument": "hfmse", "row_version": "-1", "item-1": "2"},
        {"instrument": "hfmse", "row_version": "99999999999999999999", "item-1": "2"},
        {"instrument": "hfmse", "row_version": "1", "item-1": "two"},
        {"instrument": "hfmse", "row_version": "1", "item-1": "\x00"},
        {"instrument": "hfmse", "row_version": "1", "nt-1": "pain", "ntnote-1": "\x00"},
    ],
)
def test_editing_answers_any_input_without_error(world, draft_a, data):
    response = signed_in(world.clinician_a).post(reverse("assessment_edit", args=[draft_a.pk]), data)
    assert response.status_code in (302, 400, 409)
    draft_a.refresh_from_db()
    assert draft_a.responses in ({}, {"1": 2})


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"center": "abc", "birth_date": "2020-01-01", "sex": "female"},
        {"center": "99999999999999999999", "birth_date": "2020-01-01", "sex": "female"},
        {"birth_date": "31.02.2020", "sex": "female"},
        {"birth_date": "2999-01-01", "sex": "male"},
        {"birth_date": "1850-01-01", "sex": "male"},
        {"birth_date": "2020-01-01", "sex": "other"},
        {"birth_date": "2020-01-01", "sex": "female", "iin": "12345"},
        {"birth_date": "2020-01-01", "sex": "female", "full_name": "\x00"},
    ],
)
def test_registration_answers_any_input_without_error(world, data):
    data = {"center": world.center_a.pk, **data}
    response = signed_in(world.clinician_a).post(reverse("patient_new"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"visit_date": "yesterday", "kind": "routine"},
        {"visit_date": "2026-01-01", "kind": "party"},
        {"visit_date": "1900-01-01", "kind": "routine"},
    ],
)
def test_visits_answer_any_input_without_error(world, patient_a, data):
    response = signed_in(world.clinician_a).post(reverse("visit_new", args=[patient_a.registry_id]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("query", ["", "KZ", "%", "'", "\x00", "x" * 500, "900101300007"])
def test_search_answers_any_query_without_error(world, patient_a, query):
    response = signed_in(world.clinician_a).get(reverse("patient_list"), {"q": query, "page": "abc"})
    assert response.status_code == 200


def test_the_language_switch_ignores_unknown_languages_and_foreign_redirects(world):
    client = signed_in(world.clinician_a)
    response = client.post(reverse("language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


EXTREME_NUMBERS = ["1e308", "-1e308", "9" * 400, "1e-320", "-0", "0x10", "１２", "Infinity", "NaN", "2,5"]


@pytest.mark.parametrize("code", sorted(scales.INSTRUMENTS))
def test_extreme_numbers_in_any_field_of_any_instrument_never_break_the_running_total(world, code):
    """Every numeric item, context value and goal weight at once, at the edges of what a float holds."""
    instrument = scales.INSTRUMENTS[code]
    client = signed_in(world.clinician_a)
    for value in EXTREME_NUMBERS:
        data = {"instrument": code, "ctx-weighting": "other"}
        for item in instrument.items:
            data[f"item-{item.id}"] = str(item.choices[-1].code) if item.choices else value
        for spec in instrument.context:
            if spec.kind in ("number", "mapping"):
                data[f"ctx-{spec.name}"] = value if spec.kind == "number" else f"a = {value}"
        for row in (1, 2):
            data.update({f"goal-{row}": f"Goal {row}", f"goal-{row}-weight": value, f"goal-{row}-item": "1"})
        response = client.post(reverse("assessment_preview"), data)
        assert response.status_code == 200, value
