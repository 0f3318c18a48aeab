"""Fixtures of the API tests: clients that call as a given user with a personal token or a session."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from qadam.api.services import token_create
from qadam.assessments import services as assessment_services
from qadam.core.testing import PASSWORD

PROBLEM = "application/problem+json"
PHQ9_ALL_ONE = {str(i): 1 for i in range(1, 10)}


class ApiClient:
    """A Django test client that sends JSON and a bearer token (or relies on a session)."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None):
        self.client = client
        self.headers = dict(headers or {})

    def request(self, method: str, path: str, body=None, *, raw: str | bytes | None = None, headers=None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        call = getattr(self.client, method.lower())
        all_headers = {**self.headers, **(headers or {})}
        if method.upper() in {"GET", "HEAD"}:
            return call(path, headers=all_headers)
        return call(path, data, content_type="application/json", headers=all_headers)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def token_client(user, name: str = "tests") -> ApiClient:
    secret = token_create(by=None, user=user, name=name).secret
    return ApiClient(Client(raise_request_exception=False), {"Authorization": f"Bearer {secret}"})


def session_client(user, *, enforce_csrf: bool = False) -> ApiClient:
    client = Client(raise_request_exception=False, enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return ApiClient(client)


def assert_problem(response, status: int, code: str) -> dict:
    """The response is an RFC 9457 problem with ``status`` and ``code``; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["type"].startswith("urn:qadam:problem:")
    assert body["title"] and body["detail"]
    assert body["instance"] == response.wsgi_request.path
    assert isinstance(body["errors"], list)
    return body


@pytest.fixture
def api_for():
    return token_client


@pytest.fixture
def inside(world):
    """The clinician of center A (the patient's center), with a token."""
    return token_client(world.clinician_a)


@pytest.fixture
def outside(world):
    """The clinician of center B, with a token."""
    return token_client(world.clinician_b)


@pytest.fixture
def manager(world):
    """The registry manager (member of center B only), with a token."""
    return token_client(world.manager)


@pytest.fixture
def visit_a(world, patient_a):
    return assessment_services.visit_create(
        by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2026, 3, 2), kind="routine"
    )


@pytest.fixture
def signed_phq9(world, visit_a):
    """A PHQ-9 with every item 1 (total 9), signed by the clinician of center A."""
    return assessment_services.assessment_record(
        by=world.clinician_a,
        visit=visit_a,
        instrument="phq9",
        responses=PHQ9_ALL_ONE,
        context={},
        status="signed",
        password=PASSWORD,
    )
