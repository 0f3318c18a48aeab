"""Load the synthetic demo cohort into the registry through the registry's own services.

Nothing is written around the services: every center, user, patient, diagnosis, visit and
assessment goes through the same functions the web pages call, so the demo database carries a
complete, verifiable audit chain, and anything the services refuse would fail the load.

Each patient is loaded in one transaction (a failure leaves no half-loaded patient). Each assessment
is recorded whole with ``assessment_record`` (one row and its ``create`` and ``sign`` audit entries),
as an import would; amendments then go through ``assessment_amend`` and ``assessment_sign`` as on the
assessment page.

Signing: every signature re-checks the signer's password, as on the assessment page. With
Django's default hasher (PBKDF2, one million iterations) that costs about a second per signature,
i.e. hours for the demo's thousands of signed assessments. While loading, the demo accounts
therefore use Django's fast MD5 hasher (the one Django recommends for tests); when the load ends,
their passwords are stored again with the default hasher, hashed on other threads while the
patients load (PBKDF2 releases the GIL). The passwords are public demo passwords either way, and
every signature is still checked and audited.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, make_password
from django.db import transaction
from django.test.utils import override_settings

from qadam.assessments.services import assessment_amend, assessment_record, assessment_sign, visit_create
from qadam.audit.models import Action, AuditEntry
from qadam.audit.services import audit_record
from qadam.centers.models import Center, Role
from qadam.centers.services import center_create, membership_grant, user_create
from qadam.patients.models import Patient
from qadam.patients.services import (
    consent_record,
    consent_withdraw,
    diagnosis_add,
    patient_register,
    sma_genetics_set,
    sma_status_add,
)

from .cohort import CENTERS, DemoAssessment, DemoCohort, DemoPatient

# One login per role; clinician and coordinator work in the first center (REGISTRY.md).
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("clinician", Role.CLINICIAN),
    ("coordinator", Role.COORDINATOR),
    ("manager", Role.REGISTRY_MANAGER),
    ("trainer", Role.TRAINER),
    ("admin", Role.ADMINISTRATOR),
)
REGISTRATION_REASON = "Synthetic demo patient (qadam demo)"
_FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo_password(username: str) -> str:
    """The published password of a demo account: ``demo-<username>``."""
    return f"demo-{username}"


def center_clinician_username(center_code: str) -> str:
    """The rater of record of a demo center other than the first (``clinician-almaty`` …)."""
    return "clinician-" + center_code.removeprefix("demo-")


@dataclass(frozen=True)
class LoadReport:
    centers: int
    users: int
    patients: int
    visits: int
    assessments: int
    audit_entries: int
    seconds: float


def demo_cohort_present() -> bool:
    """True when the database already holds the demo centers (the cohort was loaded before)."""
    return Center.objects.filter(code=CENTERS[0].code).exists()


def load_cohort(cohort: DemoCohort, *, progress: Callable[[int, int], None] | None = None) -> LoadReport:
    """Create the demo centers and users, then every patient of ``cohort`` through the services."""
    started = time.perf_counter()
    audit_before = AuditEntry.objects.count()
    default_hasher = get_hasher("default")
    with ThreadPoolExecutor() as pool, _fast_password_checks():
        slow_hashes = {
            name: pool.submit(make_password, demo_password(name), hasher=default_hasher) for name in demo_usernames()
        }
        centers = {c.code: _center(c) for c in cohort.centers}
        users = _users(centers)
        raters = {code: users[_rater_name(code)] for code in centers}
        for number, patient in enumerate(cohort.patients, start=1):
            with transaction.atomic():
                _load_patient(patient, centers[patient.center], raters[patient.center])
            if progress is not None:
                progress(number, len(cohort.patients))
        _store_passwords(users, {name: future.result() for name, future in slow_hashes.items()})
    return LoadReport(
        centers=len(centers),
        users=len(users),
        patients=len(cohort.patients),
        visits=cohort.visit_count(),
        assessments=cohort.assessment_count(),
        audit_entries=AuditEntry.objects.count() - audit_before,
        seconds=time.perf_counter() - started,
    )


def demo_usernames() -> list[str]:
    """Every demo account: the five role logins, then the clinicians of the other centers."""
    return [name for name, _ in DEMO_LOGINS] + [center_clinician_username(c.code) for c in CENTERS[1:]]


@contextmanager
def _fast_password_checks() -> Iterator[None]:
    with override_settings(PASSWORD_HASHERS=_FAST_HASHERS):
        yield


def _store_passwords(users: dict[str, Any], hashes: dict[str, str]) -> None:
    for name, user in users.items():
        user.password = hashes[name]
        user.save(update_fields=["password"])


def _center(center) -> Center:
    return center_create(code=center.code, name=center.name, region=center.region, city=center.city, kind=center.kind)


def _rater_name(center_code: str) -> str:
    return "clinician" if center_code == CENTERS[0].code else center_clinician_username(center_code)


def _users(centers: dict[str, Center]) -> dict[str, Any]:
    first = centers[CENTERS[0].code]
    users = {}
    for username, role in DEMO_LOGINS:
        users[username] = _user(username, first, role)
    admin = users["admin"]
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    audit_record(
        actor=None, action=Action.UPDATE, obj=admin, changes={"is_superuser": [False, True], "is_staff": [False, True]}
    )
    for code, center in centers.items():
        if code != CENTERS[0].code:
            users[center_clinician_username(code)] = _user(center_clinician_username(code), center, Role.CLINICIAN)
    return users


def _user(username: str, center: Center, role: str) -> Any:
    user = user_create(
        username=username,
        password=demo_password(username),
        first_name="DEMO",
        last_name=username.replace("-", " ").title(),
        check_password_strength=False,
    )
    membership_grant(user=user, center=center, role=role)
    return get_user_model().objects.get(pk=user.pk)


def _load_patient(demo: DemoPatient, center: Center, rater: Any) -> Patient:
    patient = patient_register(
        by=rater,
        center=center,
        birth_date=demo.birth_date,
        sex=demo.sex,
        full_name=demo.full_name,
        iin=demo.iin,
        reason=REGISTRATION_REASON,
    )
    for diagnosis in sorted(demo.diagnoses, key=lambda d: not d.is_primary):
        diagnosis_add(
            by=rater,
            patient=patient,
            icd10=diagnosis.icd10,
            diagnosed_on=diagnosis.diagnosed_on,
            is_primary=diagnosis.is_primary,
            note=diagnosis.note,
        )
    if demo.sma_genetics is not None:
        genetics = demo.sma_genetics
        sma_genetics_set(
            by=rater,
            patient=patient,
            smn1_status=genetics.smn1_status,
            smn2_copies=genetics.smn2_copies,
            tested_on=genetics.tested_on,
        )
    for status in demo.sma_statuses:
        sma_status_add(
            by=rater,
            patient=patient,
            recorded_on=status.recorded_on,
            sma_type=status.sma_type,
            functional_status=status.functional_status,
        )
    for consent in demo.consents:
        recorded = consent_record(
            by=rater, patient=patient, kind=consent.kind, given_on=consent.given_on, note=consent.note
        )
        if consent.withdrawn_on is not None:
            consent_withdraw(
                by=rater, consent=recorded, withdrawn_on=consent.withdrawn_on, reason="Withdrawn by the patient"
            )
    for visit in demo.visits:
        recorded_visit = visit_create(
            by=rater, patient=patient, visit_date=visit.visit_date, kind=visit.kind, note=visit.note
        )
        for assessment in visit.assessments:
            _load_assessment(assessment, recorded_visit, rater)
    return patient


def _load_assessment(demo: DemoAssessment, visit, rater: Any) -> None:
    password = demo_password(rater.get_username())
    signed = demo.status == "signed"
    assessment = assessment_record(
        by=rater,
        visit=visit,
        instrument=demo.instrument,
        responses=demo.responses,
        context=demo.context,
        status=demo.status,
        password=password if signed else None,
    )
    if not signed:
        return
    amendment = demo.amendment
    if amendment is None:
        return
    assessment = assessment_amend(
        by=rater,
        assessment=assessment,
        responses=amendment.responses,
        context=amendment.context,
        reason=amendment.reason,
        expected_version=assessment.row_version,
    )
    if amendment.signed:
        assessment_sign(by=rater, assessment=assessment, password=password, expected_version=assessment.row_version)
