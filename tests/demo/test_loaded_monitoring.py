"""The loaded demo shows every part of monitoring (issue 4): each therapy, the treatment responses
(improved, stable, worsened by ``qadam.regimens.assess_response`` on the stored results), overdue and
upcoming assessments and doses, transitions to adult care, and the safety findings; every therapy
record is audited and the chain verifies (SQLite, and PostgreSQL with QADAM_DATABASE_URL)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from qadam.assessments.models import Assessment
from qadam.audit.models import AuditEntry
from qadam.audit.services import audit_verify
from qadam.core.validation import today
from qadam.demo.cohort import SHOWCASE, generate_cohort
from qadam.demo.loader import load_cohort
from qadam.monitoring.selectors import worklist
from qadam.patients.models import Patient
from qadam.regimens import Observation, RegimenError, assess_response
from qadam.therapy import schedules
from qadam.therapy.models import Administration, AdverseEvent, TherapyCourse, Vaccination, WeightRecord
from qadam.therapy.selectors import patient_therapy_summary

from .test_therapies import SHOWN

pytestmark = pytest.mark.django_db

# The instrument a course of each drug is judged on (clinical.md A.1.2, A.2).
SCALE_OF = {
    "nusinersen": ("chop_intend", "hfmse"),
    "risdiplam": ("chop_intend", "hfmse"),
    "onasemnogene_abeparvovec_iv": ("chop_intend", "hfmse"),
    **{
        drug: ("mg_adl",)
        for drug in (
            "eculizumab",
            "ravulizumab",
            "zilucoplan",
            "efgartigimod_alfa",
            "rozanolixizumab",
            "rituximab",
            "ivig",
            "plasma_exchange",
            "corticosteroid",
        )
    },
}


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(patients=len(SHOWCASE) + 6, seed=21, as_of=today())


def _user(name: str):
    return get_user_model().objects.get(username=name)


def test_every_therapy_record_is_stored_and_audited(cohort):
    report = load_cohort(cohort)
    assert [shows for _, _, shows in report.showcase] == [s.shows for s in SHOWCASE]
    assert Patient.objects.filter(registry_id__in=[r for r, _, _ in report.showcase]).count() == len(SHOWCASE)
    assert TherapyCourse.objects.count() == report.courses == cohort.course_count()
    assert Administration.objects.count() == report.doses == cohort.dose_count()
    assert AdverseEvent.objects.count() == sum(len(t.adverse_events) for p in cohort.patients for t in p.therapies)
    assert Vaccination.objects.count() == sum(len(p.vaccinations) for p in cohort.patients)
    assert WeightRecord.objects.count() == sum(len(p.weights) for p in cohort.patients)
    drugs = set(TherapyCourse.objects.values_list("drug", flat=True))
    assert SHOWN <= drugs
    assert any(d.startswith("adjuvant:") for d in drugs)
    # One create entry per record, naming the patient; one update per stopped course.
    for model in (TherapyCourse, Administration, AdverseEvent, Vaccination, WeightRecord):
        label = model._meta.label_lower
        audited = set(
            AuditEntry.objects.filter(object_type=label, action="create")
            .exclude(patient_registry_id=None)
            .values_list("object_id", flat=True)
        )
        assert audited == {str(pk) for pk in model.objects.values_list("pk", flat=True)}, label
    stopped = TherapyCourse.objects.exclude(stopped_on=None)
    assert stopped.exists() and all(c.row_version == 2 for c in stopped)
    updates = AuditEntry.objects.filter(object_type="therapy.therapycourse", action="update")
    assert set(updates.values_list("object_id", flat=True)) == {str(c.pk) for c in stopped}
    # Doses given at a visit are linked to it; every record was entered at the patient's center.
    nusinersen = Administration.objects.filter(course__drug="nusinersen").select_related("visit", "course")
    assert nusinersen.exists()
    assert all(a.visit is not None and a.visit.patient_id == a.course.patient_id for a in nusinersen)
    assert all(c.center_id == c.patient.center_id for c in TherapyCourse.objects.select_related("patient"))
    verify = audit_verify()
    assert verify.ok and verify.checked == AuditEntry.objects.count()


def test_stored_findings_are_warnings_the_demo_means_and_never_blocks(cohort):
    load_cohort(cohort)
    codes = Counter(
        (f["severity"], f["code"])
        for findings in Administration.objects.values_list("findings", flat=True)
        for f in findings
    )
    assert not [c for c in codes if c[0] == "block"], codes
    assert codes[("warning", "botulinum_interval_under_84_days")] == 1
    assert any(severity == "warning" and "risdiplam" in code for severity, code in codes), codes
    overridden = Administration.objects.exclude(override_reason="")
    assert [a.course.drug for a in overridden] == ["abobotulinumtoxinA"]


def test_treatment_responses_improved_stable_and_worsened_from_the_stored_results(cohort):
    load_cohort(cohort)
    results = defaultdict(list)
    for patient_id, instrument, day, total in Assessment.objects.exclude(total=None).values_list(
        "visit__patient_id", "instrument", "assessed_on", "total"
    ):
        results[patient_id, instrument].append(Observation(day, float(total)))
    found = Counter()
    for course in TherapyCourse.objects.filter(drug__in=SCALE_OF):
        for instrument in SCALE_OF[course.drug]:
            observations = results.get((course.patient_id, instrument))
            if not observations:
                continue
            try:
                response = assess_response(instrument, observations, course.started_on, therapy=course.drug)
            except RegimenError:
                continue  # no baseline in the window (a course started before enrolment) or no follow-up yet
            found[response.classification] += 1
            assert response.sentence.en
    assert found["improved"] >= 3 and found["stable"] >= 2 and found["worsened"] >= 2, found


def test_the_worklist_shows_overdue_and_upcoming_assessments_and_doses_and_transitions(cohort):
    load_cohort(cohort)
    day = cohort.as_of
    items = worklist(viewer=_user("clinician"), today=day).items
    states = Counter((i.kind, i.state) for i in items)
    for kind in ("assessment", "dose"):
        assert states[kind, "overdue"] >= 1 and states[kind, "upcoming"] >= 1, states
    transitions = [i for i in items if i.kind == "transition"]
    assert len(transitions) >= 2
    assert all(day <= i.due <= day + timedelta(days=366) for i in transitions if i.state == "upcoming")
    overdue_nusinersen = [i for i in items if i.kind == "dose" and i.code == "nusinersen" and i.state == "overdue"]
    assert overdue_nusinersen
    assert any(i.rule.startswith("missed_maintenance") for i in overdue_nusinersen)


def test_the_patient_pages_show_the_schedule_and_the_safety_findings(cohort):
    load_cohort(cohort)
    day = cohort.as_of
    clinician = _user("clinician")
    planned = TherapyCourse.objects.get(drug="ravulizumab", started_on=day, administrations=None)
    summary = patient_therapy_summary(viewer=clinician, patient=planned.patient, today=day)
    course = next(c for c in summary.courses if c.course.pk == planned.pk)
    assert {f.code for f in course.findings} >= {"meningococcal_acwy_missing", "meningococcal_b_missing"}
    assert course.next_due is not None and course.next_due.due == day
    # The nusinersen patient with a late maintenance dose: the schedule names the missed-dose rule.
    late = Patient.objects.get(pk=TherapyCourse.objects.filter(drug="nusinersen").order_by("pk")[0].patient_id)
    doses = list(Administration.objects.filter(course__patient=late).order_by("given_on"))
    from qadam.regimens import nusinersen_schedule

    timings = [r.rule.code for r in nusinersen_schedule([d.given_on for d in doses]).given if r.timing == "late"]
    assert timings == ["missed_maintenance_under_8_months"]
    # Onasemnogene infused weeks ago: the steroid taper and liver tests are due.
    recent = TherapyCourse.objects.get(drug="onasemnogene_abeparvovec_iv", stopped_on=None)
    due = schedules.due_doses(recent, list(recent.administrations.all()), day)
    assert {d.kind for d in due} >= {"steroid", "monitoring"}


def test_the_demo_clinician_opens_every_patient_page_and_the_worklist(cohort, client):
    load_cohort(cohort)
    client.force_login(_user("clinician"))
    astana = Patient.objects.filter(center__code="demo-astana")
    assert astana.count() >= len(SHOWCASE) - 5
    for patient in astana:
        page = client.get(f"/patients/{patient.registry_id}/")
        assert page.status_code == 200, patient.registry_id
    page = client.get("/worklist/")
    assert page.status_code == 200
    assert client.get("/worklist.csv").status_code == 200
