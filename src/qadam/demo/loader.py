"""Load the synthetic demo cohort into the registry through the registry's own services.

Every center, user, patient, diagnosis, visit and assessment goes through the same functions the
web pages call, so the demo database carries a complete, verifiable audit chain, and anything the
services refuse would fail the load.

Therapies are the exception, for speed: one patient can have a hundred doses (eculizumab every two
weeks), and recording each through ``administration_record`` re-reads every course of the patient.
The loader therefore writes a patient's courses, doses, adverse events, vaccinations and weights
with ``bulk_create`` (a handful of statements per patient) and appends the same audit entries the
therapy services write (``create`` for each record, ``update`` for a stopped course), with
``audit_record_many`` in the same transaction. Each dose is checked first with the services' own
``qadam.therapy.schedules.safety_findings``, read against the doses before it, and the findings are
stored with the dose as the service stores acknowledged ones; the demo's deliberate rule breaks (a
botulinum session sooner than 12 weeks with the clinician's reason, a risdiplam dose not
recalculated) are warnings, never blocks.

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
from qadam.audit.services import AuditEvent, audit_record, audit_record_many
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
from qadam.therapy import schedules
from qadam.therapy.models import Administration, AdverseEvent, TherapyCourse, Vaccination, WeightRecord

from .cohort import CENTERS, DemoAssessment, DemoCohort, DemoPatient

# One login per role; clinician and coordinator work in the first center (see docs/demo.md).
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
    courses: int = 0
    doses: int = 0
    # (registry id, center code, what the patient shows) of each showcase patient, in order.
    showcase: tuple[tuple[str, str, str], ...] = ()


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
        showcase = []
        for number, patient in enumerate(cohort.patients, start=1):
            with transaction.atomic():
                loaded = _load_patient(patient, centers[patient.center], raters[patient.center], cohort.as_of)
            if "showcase" in patient.labels:
                showcase.append((loaded.registry_id, patient.center, patient.labels["showcase"]))
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
        courses=cohort.course_count(),
        doses=cohort.dose_count(),
        showcase=tuple(showcase),
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


def _load_patient(demo: DemoPatient, center: Center, rater: Any, as_of: Any = None) -> Patient:
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
    visits = {}
    for visit in demo.visits:
        recorded_visit = visit_create(
            by=rater, patient=patient, visit_date=visit.visit_date, kind=visit.kind, note=visit.note
        )
        visits.setdefault(visit.visit_date, recorded_visit)
        for assessment in visit.assessments:
            _load_assessment(assessment, recorded_visit, rater)
    _load_therapies(demo, patient, rater, visits, as_of)
    return patient


def _load_therapies(demo: DemoPatient, patient: Patient, rater: Any, visits: dict, as_of: Any) -> None:
    """Courses, doses, adverse events, vaccinations and weights of one patient, with their audit
    entries (see the module docstring)."""
    if not (demo.therapies or demo.vaccinations or demo.weights):
        return
    events: list[AuditEvent] = []

    def created(obj: Any, changes: dict, reason: str = "") -> None:
        events.append(AuditEvent(Action.CREATE, obj, patient=patient, changes=changes, reason=reason))

    vaccinations = Vaccination.objects.bulk_create(
        Vaccination(patient=patient, vaccine=v.vaccine, given_on=v.given_on, note=v.note, created_by=rater)
        for v in demo.vaccinations
    )
    for vaccination in vaccinations:
        created(vaccination, {"vaccine": [None, vaccination.vaccine], "given_on": [None, vaccination.given_on]})
    weights = WeightRecord.objects.bulk_create(
        WeightRecord(patient=patient, measured_on=w.measured_on, weight_kg=w.weight_kg, created_by=rater)
        for w in demo.weights
    )
    for weight in weights:
        created(weight, {"measured_on": [None, weight.measured_on], "weight_kg": [None, str(weight.weight_kg)]})
    courses = TherapyCourse.objects.bulk_create(
        TherapyCourse(
            patient=patient,
            center=patient.center,
            drug=t.drug,
            product=t.product,
            started_on=t.started_on,
            stopped_on=t.stopped_on,
            stop_reason=t.stop_reason,
            indication=t.indication,
            note=t.note,
            prophylaxis_started_on=t.prophylaxis_started_on,
            created_by=rater,
            # A stopped course was started, then stopped: two changes, as through the services.
            row_version=1 if t.stopped_on is None else 2,
        )
        for t in demo.therapies
    )
    doses_by_course: dict[int, list[Administration]] = {}
    for course, therapy in zip(courses, demo.therapies, strict=True):
        course.patient = patient
        doses_by_course[course.pk] = [
            Administration(
                course=course,
                given_on=d.given_on,
                dose=d.dose,
                dose_unit=d.dose_unit,
                route=d.route,
                weight_kg=d.weight_kg,
                visit=visits.get(d.given_on),
                procedure=d.procedure,
                lot=d.lot,
                cycle_number=d.cycle_number,
                override_reason=d.override_reason,
                note=d.note,
                created_by=rater,
            )
            for d in therapy.doses
        ]
    others = [(c, doses_by_course[c.pk]) for c in courses]
    for course in courses:
        doses = doses_by_course[course.pk]
        for index, dose in enumerate(doses):
            findings = schedules.safety_findings(
                course,
                doses[:index],
                vaccinations,
                weights,
                as_of or dose.given_on,
                candidate=dose,
                birth_date=patient.birth_date,
                others=[o for o in others if o[0] is not course],
            )
            dose.findings = [f.as_dict() for f in findings]
    administrations = Administration.objects.bulk_create(a for c in courses for a in doses_by_course[c.pk])
    adverse = []
    for course, therapy in zip(courses, demo.therapies, strict=True):
        for event in therapy.adverse_events:
            dose = doses_by_course[course.pk][event.dose_index] if event.dose_index is not None else None
            adverse.append(
                AdverseEvent(
                    course=course,
                    administration=dose,
                    onset_on=event.onset_on,
                    description=event.description,
                    severity=event.severity,
                    serious=event.serious,
                    outcome=event.outcome,
                    created_by=rater,
                )
            )
    adverse = AdverseEvent.objects.bulk_create(adverse)
    # The audit entries, in the order the services would have written them.
    by_course: dict[int, list[Administration]] = {}
    for dose in administrations:
        by_course.setdefault(dose.course_id, []).append(dose)
    events_by_course: dict[int, list[AdverseEvent]] = {}
    for event in adverse:
        events_by_course.setdefault(event.course_id, []).append(event)
    for course in courses:
        created(
            course,
            {
                "drug": [None, course.drug],
                "product": [None, course.product],
                "started_on": [None, course.started_on],
                "center": [None, patient.center.code],
                "jurisdiction": [None, course.jurisdiction],
                "regimen": [None, course.regimen],
                "prophylaxis_started_on": [None, course.prophylaxis_started_on],
            },
        )
        for dose in by_course.get(course.pk, ()):
            created(dose, _dose_changes(dose), dose.override_reason)
        for event in events_by_course.get(course.pk, ()):
            created(
                event,
                {
                    "course": [None, course.pk],
                    "administration": [None, event.administration_id],
                    "onset_on": [None, event.onset_on],
                    "severity": [None, event.severity],
                    "serious": [None, event.serious],
                    "outcome": [None, event.outcome],
                },
            )
        if course.stopped_on is not None:
            events.append(
                AuditEvent(
                    Action.UPDATE,
                    course,
                    patient=patient,
                    changes={"stopped_on": [None, course.stopped_on], "stop_reason": ["", course.stop_reason]},
                )
            )
    audit_record_many(actor=rater, events=events)


def _dose_changes(dose: Administration) -> dict[str, Any]:
    """What ``administration_record`` audits for a dose."""
    changes: dict[str, Any] = {
        "given_on": [None, dose.given_on],
        "dose": [None, str(dose.dose) if dose.dose is not None else None],
        "dose_unit": [None, dose.dose_unit],
        "route": [None, dose.route],
    }
    if dose.weight_kg is not None:
        changes["weight_kg"] = [None, str(dose.weight_kg)]
    if dose.procedure:
        changes["procedure"] = [None, dose.procedure]
    if dose.findings:
        changes["findings"] = [None, [f"{f['severity']}:{f['code']}" for f in dose.findings]]
    return changes


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
