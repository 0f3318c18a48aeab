"""A small cohort for research exports: identities, notes and free text that must never leave.

* ``aigerim`` (center A, born 14 March 2015, name and IIN): research consent; HFMSE signed on her
  tenth birthday, HFMSE completed the day before, a draft, a PHQ-9 signed, a GAS with named goals;
* ``nurlan`` (center B, born 29 February 1980, name): research consent; HFMSE signed with an item
  not tested and a note naming him; a visit note naming him;
* ``withdrawn`` (center A): research consent withdrawn, so never exported;
* ``registry_only`` (center A): registry consent only, so never exported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from qadam import scales
from qadam.assessments.services import assessment_record, visit_create
from qadam.core.testing import make_patient
from qadam.patients.models import Patient
from qadam.patients.services import consent_record, consent_withdraw

AIGERIM_IIN = "150314600026"
AIGERIM_NAME = "Aigerim Sadykova"
NURLAN_NAME = "Nurlan Bekov"
WITHDRAWN_NAME = "Dana Withdrawn"
REGISTRY_ONLY_NAME = "Erlan Noconsent"
GOAL_TEXT = "1. Walk to school with Aigerim Sadykova"
NOT_TESTED_NOTE = "Nurlan Bekov refused, his mother said so"
VISIT_NOTE = "Seen with Nurlan Bekov's brother"


def hfmse_responses(value: int = 1, **overrides: Any) -> dict[str, Any]:
    responses: dict[str, Any] = {item.id: value for item in scales.get("hfmse").items}
    responses.update(overrides)
    return responses


def phq9_responses() -> dict[str, Any]:
    return {str(i): 1 for i in range(1, 10)}


@dataclass
class Cohort:
    world: Any
    aigerim: Patient
    nurlan: Patient
    withdrawn: Patient
    registry_only: Patient
    assessments: dict[str, Any]

    @property
    def identities(self) -> list[str]:
        """Every string that must not appear in any exported file."""
        people = [self.aigerim, self.nurlan, self.withdrawn, self.registry_only]
        values = [AIGERIM_NAME, NURLAN_NAME, WITHDRAWN_NAME, REGISTRY_ONLY_NAME, AIGERIM_IIN]
        values += AIGERIM_NAME.split() + NURLAN_NAME.split()
        values += [GOAL_TEXT, "Walk to school", NOT_TESTED_NOTE, VISIT_NOTE, "mother"]
        for patient in people:
            values += [
                patient.registry_id,
                patient.birth_date.isoformat(),
                patient.birth_date.strftime("%d.%m.%Y"),
                patient.birth_date.strftime("%Y%m%d"),
            ]
        return values


def _visit(by: Any, patient: Patient, day: datetime.date, note: str = "") -> Any:
    return visit_create(by=by, patient=patient, visit_date=day, kind="routine", note=note)


def _record(by: Any, visit: Any, instrument: str, responses: dict, context: dict | None = None, status: str = "signed"):
    return assessment_record(
        by=by,
        visit=visit,
        instrument=instrument,
        responses=responses,
        context=context or {},
        status=status,
        preauthenticated=status == "signed",
    )


def _consent(by: Any, patient: Patient, kind: str = "research", given_on=datetime.date(2020, 1, 1)):
    return consent_record(by=by, patient=patient, kind=kind, given_on=given_on)


@pytest.fixture
def research_key(settings):
    settings.RESEARCH_EXPORT_KEY = "test-research-key"
    settings.RESEARCH_DATE_SHIFT_DAYS = 182
    return settings.RESEARCH_EXPORT_KEY


@pytest.fixture
def cohort(world, research_key) -> Cohort:
    ca, cb = world.clinician_a, world.clinician_b
    aigerim = make_patient(
        ca, world.center_a, birth_date=datetime.date(2015, 3, 14), full_name=AIGERIM_NAME, iin=AIGERIM_IIN
    )
    nurlan = make_patient(cb, world.center_b, birth_date=datetime.date(1980, 2, 29), sex="male", full_name=NURLAN_NAME)
    withdrawn = make_patient(ca, world.center_a, birth_date=datetime.date(2001, 7, 1), full_name=WITHDRAWN_NAME)
    registry_only = make_patient(ca, world.center_a, birth_date=datetime.date(1999, 9, 9), full_name=REGISTRY_ONLY_NAME)
    _consent(ca, aigerim)
    _consent(cb, nurlan)
    consent = _consent(ca, withdrawn)
    consent_withdraw(by=ca, consent=consent, withdrawn_on=datetime.date(2024, 1, 1), reason="Asked to stop")
    _consent(ca, registry_only, kind="registry")

    birthday = _visit(ca, aigerim, datetime.date(2025, 3, 14))
    eve = _visit(ca, aigerim, datetime.date(2025, 3, 13))
    later = _visit(ca, aigerim, datetime.date(2025, 9, 14))
    assessments = {
        "a_birthday": _record(ca, birthday, "hfmse", hfmse_responses(2)),
        "a_eve": _record(ca, eve, "hfmse", hfmse_responses(1), status="completed"),
        "a_draft": _record(ca, later, "hfmse", {"1": 2}, status="draft"),
        "a_phq9": _record(ca, later, "phq9", phq9_responses()),
        "a_gas": _record(ca, later, "gas", {GOAL_TEXT: 1, "2": 0}, {"weights": {GOAL_TEXT: 2, "2": 1}}),
    }
    n_visit = _visit(cb, nurlan, datetime.date(2024, 2, 28), note=VISIT_NOTE)
    n_later = _visit(cb, nurlan, datetime.date(2024, 3, 1))
    not_tested = {"not_tested": "refused", "note": NOT_TESTED_NOTE}
    assessments["n_first"] = _record(cb, n_visit, "hfmse", hfmse_responses(1, **{"5": not_tested}))
    assessments["n_phq9"] = _record(cb, n_later, "phq9", phq9_responses())
    assessments["w_hfmse"] = _record(ca, _visit(ca, withdrawn, datetime.date(2023, 5, 5)), "hfmse", hfmse_responses(2))
    assessments["r_hfmse"] = _record(
        ca, _visit(ca, registry_only, datetime.date(2023, 5, 5)), "hfmse", hfmse_responses(2)
    )
    return Cohort(world, aigerim, nurlan, withdrawn, registry_only, assessments)
