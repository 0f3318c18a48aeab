"""GET /api/v1/worklist: your centers only, filters, pagination and problem details."""

from __future__ import annotations

import pytest

from ..api.conftest import assert_problem, session_client, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/worklist"


def test_inside_and_outside(world, overdue_patient, other_center_patient):
    body = token_client(world.clinician_a).get(URL).json()
    assert {item["registry_id"] for item in body["items"]} == {overdue_patient.registry_id}
    assert body["count"] == len(body["items"]) and body["page"] == 1
    item = body["items"][0]
    assert item["state"] == "overdue" and item["kind"] == "assessment" and item["center"] == "center-a"
    assert set(item) >= {"due", "window_start", "window_end", "rule", "rule_text", "source", "missed", "code", "label"}
    outsider = token_client(world.outsider).get(URL).json()
    assert outsider["items"] == [] and outsider["count"] == 0


def test_filters_and_pages(world, overdue_patient):
    client = token_client(world.clinician_a)
    overdue = client.get(f"{URL}?state=overdue").json()["items"]
    assert overdue and {i["state"] for i in overdue} == {"overdue"}
    assert client.get(f"{URL}?condition=mg").json()["items"] == []
    assert client.get(f"{URL}?kind=dose").json()["items"] == []
    everything = client.get(URL).json()
    first = client.get(f"{URL}?page_size=1").json()
    assert first["count"] == everything["count"] and len(first["items"]) == 1
    assert first["next"] and "page=2" in first["next"]
    assert client.get(f"{URL}?page=50").json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=late", "state"),
        ("kind=all", "kind"),
        ("condition=flu", "condition"),
        ("horizon=-3", "horizon"),
        ("horizon=9999", "horizon"),
        ("page_size=0", "page_size"),
        ("sort=shoe-size", "sort"),
    ],
)
def test_bad_filters_are_problems(world, query, field):
    body = assert_problem(token_client(world.clinician_a).get(f"{URL}?{query}"), 422, "invalid_input")
    assert any(field in (e.get("field") or "") for e in body["errors"]), body


def test_a_center_not_yours(world, other_center_patient):
    body = assert_problem(token_client(world.clinician_a).get(f"{URL}?center=center-b"), 422, "center_not_yours")
    assert body["errors"][0]["field"] == "center"


def test_signed_out_and_session(world, overdue_patient, client):
    assert_problem(client.get(URL), 401, "not_authenticated")
    assert session_client(world.clinician_a).get(URL).status_code == 200


def test_sorted_by_patient(world, overdue_patient):
    body = token_client(world.clinician_a).get(f"{URL}?sort=patient").json()
    ids = [item["registry_id"] for item in body["items"]]
    assert ids == sorted(ids) and overdue_patient.registry_id in ids
