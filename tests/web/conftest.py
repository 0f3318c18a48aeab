"""Fixtures of the web tests: signed-in clients and a visit with an HFMSE draft."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from qadam.assessments import services as assessment_services
from qadam.core.testing import PASSWORD

HFMSE_ALL_TWO = {f"item-{i}": "2" for i in range(1, 34)}


def signed_in(user, language: str | None = None) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def client_for():
    return signed_in


@pytest.fixture
def inside(world):
    """A clinician of the patient's center (center A)."""
    return signed_in(world.clinician_a)


@pytest.fixture
def outside(world):
    """A clinician of another center (center B)."""
    return signed_in(world.clinician_b)


@pytest.fixture
def visit_a(world, patient_a):
    return assessment_services.visit_create(
        by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2026, 3, 2), kind="routine"
    )


@pytest.fixture
def draft_a(world, visit_a):
    return assessment_services.assessment_start(by=world.clinician_a, visit=visit_a, instrument="hfmse")


@pytest.fixture
def signed_a(world, draft_a):
    """An HFMSE with every item 2 (total 66), completed and signed by the clinician of center A."""
    responses = {str(i): 2 for i in range(1, 34)}
    saved = assessment_services.assessment_save(
        by=world.clinician_a, assessment=draft_a, responses=responses, context={}, expected_version=draft_a.row_version
    )
    done = assessment_services.assessment_complete(
        by=world.clinician_a, assessment=saved, expected_version=saved.row_version
    )
    return assessment_services.assessment_sign(by=world.clinician_a, assessment=done, password=PASSWORD)
