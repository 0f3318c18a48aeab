"""Loading the demo cohort through the registry's services (SQLite, and PostgreSQL with QADAM_DATABASE_URL)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from django.contrib.auth import authenticate, get_user_model

from qadam.assessments.models import Assessment, AssessmentRevision, Visit
from qadam.audit.models import AuditEntry
from qadam.audit.services import audit_verify
from qadam.centers.models import Center, Membership, Role
from qadam.core.exceptions import Invalid
from qadam.core.validation import today
from qadam.demo.cohort import CENTERS, DemoDiagnosis, generate_cohort
from qadam.demo.loader import DEMO_LOGINS, demo_cohort_present, demo_password, demo_usernames, load_cohort
from qadam.patients.models import Consent, Diagnosis, Patient, PatientIdentity, SmaGenetics, SmaStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(patients=12, seed=4, as_of=today())


def _expected_statuses(cohort) -> Counter:
    expected = Counter()
    for patient in cohort.patients:
        for _, assessment in patient.assessments():
            if assessment.amendment is None:
                expected[assessment.status] += 1
            else:
                expected["signed" if assessment.amendment.signed else "amended"] += 1
    return expected


def test_it_loads_every_record_of_the_cohort(cohort):
    assert not demo_cohort_present()
    report = load_cohort(cohort)
    assert demo_cohort_present()
    assert Center.objects.count() == report.centers == 6
    assert Patient.objects.count() == report.patients == 12
    assert Visit.objects.count() == report.visits == cohort.visit_count()
    assert Assessment.objects.count() == report.assessments == cohort.assessment_count()
    assert Diagnosis.objects.count() == sum(len(p.diagnoses) for p in cohort.patients)
    assert Consent.objects.count() == sum(len(p.consents) for p in cohort.patients)
    assert SmaGenetics.objects.count() == sum(p.sma_genetics is not None for p in cohort.patients)
    assert SmaStatus.objects.count() == sum(len(p.sma_statuses) for p in cohort.patients)
    assert sorted(PatientIdentity.objects.values_list("iin", flat=True)) == sorted(p.iin for p in cohort.patients)
    assert all(name.startswith("DEMO ") for name in PatientIdentity.objects.values_list("full_name", flat=True))


def test_stored_results_and_statuses_are_the_generated_ones(cohort):
    load_cohort(cohort)
    assert Counter(Assessment.objects.values_list("status", flat=True)) == _expected_statuses(cohort)
    amendments = sum(1 for p in cohort.patients for _, a in p.assessments() if a.amendment)
    assert AssessmentRevision.objects.count() == amendments
    generated = Counter(
        (assessment.instrument, visit.visit_date, _float((assessment.amendment or assessment).result.total))
        for patient in cohort.patients
        for visit, assessment in patient.assessments()
    )
    stored = Counter(
        (instrument, day, _float(total))
        for instrument, day, total in Assessment.objects.values_list("instrument", "assessed_on", "total")
    )
    assert stored == generated
    generated_items = Counter(
        (assessment.instrument, visit.visit_date, _items((assessment.amendment or assessment).responses))
        for patient in cohort.patients
        for visit, assessment in patient.assessments()
    )
    stored_items = Counter(
        (instrument, day, _items(responses))
        for instrument, day, responses in Assessment.objects.values_list("instrument", "assessed_on", "responses")
    )
    assert stored_items == generated_items


def _items(responses: dict) -> tuple:
    return tuple(sorted(responses.items()))


def _float(value):
    return None if value is None else float(value)


def test_every_write_is_audited_and_the_chain_verifies(cohort):
    before = AuditEntry.objects.count()
    report = load_cohort(cohort)
    assert AuditEntry.objects.count() - before == report.audit_entries
    actions = Counter(AuditEntry.objects.values_list("action", flat=True))
    assert actions["sign"] >= sum(1 for p in cohort.patients for _, a in p.assessments() if a.status == "signed")
    assert actions["amend"] == sum(1 for p in cohort.patients for _, a in p.assessments() if a.amendment)
    per_patient = Counter(
        AuditEntry.objects.exclude(patient_registry_id=None).values_list("patient_registry_id", flat=True)
    )
    assert set(per_patient) == set(Patient.objects.values_list("registry_id", flat=True))
    verify = audit_verify()
    assert verify.ok and verify.checked == AuditEntry.objects.count()


def test_one_login_per_role_with_its_published_password(cohort):
    load_cohort(cohort)
    first = Center.objects.get(code=CENTERS[0].code)
    for username, role in DEMO_LOGINS:
        user = authenticate(username=username, password=demo_password(username))
        assert user is not None, username
        assert Membership.objects.filter(user=user, center=first, role=role).exists()
    assert get_user_model().objects.get(username="admin").is_superuser
    assert Membership.objects.filter(role=Role.CLINICIAN).values("center").distinct().count() == 6
    assert set(get_user_model().objects.values_list("username", flat=True)) == set(demo_usernames())
    # Each patient's records are entered by a clinician of the patient's own center.
    for patient in Patient.objects.select_related("center"):
        raters = set(
            Assessment.objects.filter(visit__patient=patient).values_list("rater__memberships__center", flat=True)
        )
        assert raters <= {patient.center_id}


def test_a_patient_the_services_refuse_leaves_nothing_behind(cohort):
    broken = dataclasses.replace(
        cohort.patients[3], diagnoses=(*cohort.patients[3].diagnoses, DemoDiagnosis("X99.9", today(), False, ""))
    )
    patients = (*cohort.patients[:3], broken, *cohort.patients[4:])
    with pytest.raises(Invalid):
        load_cohort(dataclasses.replace(cohort, patients=patients))
    assert Patient.objects.count() == 3
    assert not PatientIdentity.objects.filter(iin=broken.iin).exists()
    audited_patients = AuditEntry.objects.exclude(patient_registry_id=None).values("patient_registry_id").distinct()
    assert audited_patients.count() == 3
    assert audit_verify().ok
