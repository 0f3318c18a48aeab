"""Every operation on a patient's data, called from inside and from outside the patient's center.

Outside (a clinician of center B, or a user without any center) every operation answers 404, as if
the record did not exist, and writes nothing, not even to the audit log. Inside, the same call
succeeds.
"""

from __future__ import annotations

import pytest

from qadam.assessments.services import assessment_record, assessment_start
from qadam.audit.models import AuditEntry
from qadam.core.testing import PASSWORD

from .conftest import PHQ9_ALL_ONE, assert_problem, token_client

# (method, path, body, status inside); {p} registry id, {v} visit, {d} draft PHQ-9, {s} signed PHQ-9
OPERATIONS = [
    ("GET", "/api/v1/patients/{p}", None, 200),
    ("GET", "/api/v1/patients/{p}/diagnoses", None, 200),
    ("POST", "/api/v1/patients/{p}/diagnoses", {"icd10": "G12.1", "diagnosed_on": "2017-04-01"}, 201),
    ("GET", "/api/v1/patients/{p}/visits", None, 200),
    ("POST", "/api/v1/patients/{p}/visits", {"visit_date": "2026-02-01", "kind": "routine"}, 201),
    ("GET", "/api/v1/patients/{p}/assessments", None, 200),
    ("GET", "/api/v1/patients/{p}/timeline", None, 200),
    ("GET", "/api/v1/visits/{v}", None, 200),
    ("GET", "/api/v1/visits/{v}/assessments", None, 200),
    ("POST", "/api/v1/visits/{v}/assessments", {"instrument": "phq9", "responses": PHQ9_ALL_ONE}, 201),
    ("GET", "/api/v1/assessments/{d}", None, 200),
    ("PUT", "/api/v1/assessments/{d}/responses", {"responses": PHQ9_ALL_ONE, "row_version": 1}, 200),
    (
        "POST",
        "/api/v1/assessments/{s}/amend",
        {"responses": {**PHQ9_ALL_ONE, "1": 0}, "reason": "r", "row_version": 1},
        200,
    ),
]
COMPLETE_AND_SIGN = [
    ("POST", "/api/v1/assessments/{c}/complete", {"row_version": 1}, 200),
    ("POST", "/api/v1/assessments/{c}/sign", {"password": PASSWORD}, 200),
]


@pytest.fixture
def ids(world, patient_a, visit_a, signed_phq9):
    draft = assessment_start(by=world.clinician_a, visit=visit_a, instrument="phq9")
    return {"p": patient_a.registry_id, "v": visit_a.pk, "d": draft.pk, "s": signed_phq9.pk}


def _call(client, method, path, body, ids):
    return client.request(method, path.format(**ids), body)


@pytest.mark.parametrize(("method", "path", "body", "status"), OPERATIONS)
@pytest.mark.parametrize("who", ["clinician_b", "outsider"])
def test_outside_the_center_every_operation_is_404_and_writes_nothing(world, ids, who, method, path, body, status):
    client = token_client(getattr(world, who))
    before = AuditEntry.objects.count()
    assert_problem(_call(client, method, path, body, ids), 404, "not_visible")
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("method", "path", "body", "status"), OPERATIONS)
def test_inside_the_center_every_operation_succeeds(inside, ids, method, path, body, status):
    response = _call(inside, method, path, body, ids)
    assert response.status_code == status, response.content


def test_completing_and_signing_inside_and_outside(world, inside, outside, visit_a):
    draft = assessment_record(
        by=world.clinician_a, visit=visit_a, instrument="phq9", responses=PHQ9_ALL_ONE, context={}, status="draft"
    )
    for method, path, body, status in COMPLETE_AND_SIGN:
        before = AuditEntry.objects.count()
        assert_problem(_call(outside, method, path, body, {"c": draft.pk}), 404, "not_visible")
        assert AuditEntry.objects.count() == before
        assert _call(inside, method, path, body, {"c": draft.pk}).status_code == status
