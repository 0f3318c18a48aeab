"""Schemathesis against the live OpenAPI document, in-process: bounded, and zero server errors.

Every operation gets generated requests that fit the schema and requests that break it (types,
ranges, missing and unknown fields, odd strings), sent through the WSGI application as a clinician
of center A with a token; fitting requests are sent once to random addresses (mostly 404) and once
to records that exist (a patient, a visit, a draft assessment, a token, an instrument), so that the
bodies reach the services and the scoring. Each answer must be no 5xx, carry a status and a content type the
document declares, and match the declared body schema (problem details included). The number of
cases is fixed (``MAX_EXAMPLES`` per operation and mode, derandomised), so a run costs the same on
every machine.
"""

from __future__ import annotations

import datetime
import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qadam.api.services import token_create
from qadam.assessments.services import assessment_start, visit_create
from qadam.therapy.services import course_start

from .test_openapi import OPERATIONS

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db):
    """The schema, loaded from the WSGI application that the cases are sent to.

    Django closes database connections around each request it serves; inside a test's transaction
    that would close the test's own connection, so, as Django's test client does, the application
    keeps it open while the cases run.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def issued(world):
    return token_create(by=None, user=world.clinician_a, name="schemathesis")


@pytest.fixture
def records(world, patient_a, issued):
    """Path parameters naming records that exist and that the caller may see."""
    visit = visit_create(by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2026, 3, 2), kind="routine")
    draft = assessment_start(by=world.clinician_a, visit=visit, instrument="phq9")
    course = course_start(
        by=world.clinician_a, patient=patient_a, drug="nusinersen", started_on=datetime.date(2025, 1, 6)
    )
    return {
        "course_id": course.pk,
        "registry_id": patient_a.registry_id,
        "visit_id": visit.pk,
        "assessment_id": draft.pk,
        "token_id": issued.token.pk,
        "code": "phq9",
    }


MODES = {
    "positive": (GenerationMode.POSITIVE, False),
    "positive-existing": (GenerationMode.POSITIVE, True),
    "negative": (GenerationMode.NEGATIVE, False),
}


CASES = [
    (path, method, mode)
    for path, method in sorted(OPERATIONS)
    for mode, (_generation, existing) in MODES.items()
    if not existing or "{" in path
]


@pytest.mark.parametrize(("path", "method", "mode"), CASES)
def test_no_input_makes_the_api_fail(api_schema, issued, records, path, method, mode):
    generation_mode, existing = MODES[mode]
    names = re.findall(r"\{(\w+)\}", path)
    pinned = {name: records[name] for name in names} if existing else None
    operation = api_schema[path][method.upper()]
    bearer = {"Authorization": f"Bearer {issued.secret}"}

    @given(case=operation.as_strategy(generation_mode=generation_mode, path_parameters=pinned))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(headers=bearer, checks=CHECKS)

    call()
