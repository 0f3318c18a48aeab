"""A patient record with something of every kind the FHIR export writes, and HTTP helpers."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test import Client

from qadam.api.services import token_create
from qadam.assessments.services import assessment_record, visit_create
from qadam.patients.services import diagnosis_add
from qadam.therapy.services import administration_record, course_start

PHQ9 = {str(i): v for i, v in zip(range(1, 10), (0, 0, 0, 1, 2, 1, 3, 2, 1), strict=True)} | {"10": 1}
HADS = {str(i): 1 for i in range(1, 15)}
INTRATHECAL = {"approach": "interlaminar", "imaging_guidance": "ultrasound", "needle_gauge": 22, "csf_removed_ml": 5}


@dataclass
class Record:
    patient: Any
    visit: Any
    phq9: Any
    hads: Any
    draft: Any
    intrathecal: Any
    oral: Any | None


def build_record(world, patient, *, by=None) -> Record:
    """A diagnosis, two visits, a signed PHQ-9, a completed HADS, a draft NIHSS, nusinersen given
    intrathecally and risdiplam by mouth."""
    by = by or world.clinician_a
    diagnosis_add(by=by, patient=patient, icd10="G12.1", diagnosed_on=datetime.date(2020, 5, 4), is_primary=True)
    visit = visit_create(by=by, patient=patient, visit_date=datetime.date(2024, 3, 1), kind="baseline")
    later = visit_create(by=by, patient=patient, visit_date=datetime.date(2024, 6, 1), kind="telemedicine")
    phq9 = assessment_record(
        by=by, visit=visit, instrument="phq9", responses=PHQ9, context={}, status="signed", preauthenticated=True
    )
    hads = assessment_record(by=by, visit=later, instrument="hads", responses=HADS, context={})
    draft = assessment_record(by=by, visit=later, instrument="nihss", responses={"1a": 0}, context={}, status="draft")
    course = course_start(by=by, patient=patient, drug="nusinersen", started_on=datetime.date(2024, 3, 1))
    intrathecal = administration_record(
        by=by,
        course=course,
        given_on=datetime.date(2024, 3, 1),
        dose=Decimal("12"),
        dose_unit="mg",
        route="intrathecal",
        visit=visit,
        procedure=INTRATHECAL,
        acknowledge_warnings=True,
    )
    return Record(patient, visit, phq9, hads, draft, intrathecal, None)


def token_for(user) -> str:
    return token_create(by=None, user=user, name="fhir tests").secret


class FhirClient:
    """Calls /fhir/r4/ as a user (personal token), as a signed-in session, or anonymously."""

    def __init__(self, user=None, *, session: bool = False, enforce_csrf: bool = False):
        self.client = Client(raise_request_exception=False, enforce_csrf_checks=enforce_csrf)
        self.headers: dict[str, str] = {}
        if user is not None and session:
            self.client.force_login(user)
        elif user is not None:
            self.headers["Authorization"] = f"Bearer {token_for(user)}"

    def get(self, path: str, **headers: str):
        return self.client.get(f"/fhir/r4/{path}", headers={**self.headers, **headers})

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        content_type="application/fhir+json",
        **headers: str,
    ):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(
            f"/fhir/r4/{path}", data, content_type=content_type, headers={**self.headers, **headers}
        )


def outcome_codes(response) -> list[str]:
    """The problem codes of an OperationOutcome answer (checked to be one)."""
    assert response["Content-Type"].startswith("application/fhir+json"), response.content
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    return [issue["details"]["coding"][0]["code"] for issue in body["issue"]]
