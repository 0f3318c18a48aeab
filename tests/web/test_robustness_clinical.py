"""Therapy, monitoring, reports and research screens: no input and no user produces a server error,
and refused input changes nothing (rows and audit entries counted before and after)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from qadam.audit.models import AuditEntry
from qadam.monitoring.models import ProtocolVersion, TransitionStep
from qadam.therapy import services as therapy_services
from qadam.therapy.models import Administration, AdverseEvent, TherapyCourse, Vaccination, WeightRecord

from .conftest import signed_in

D = datetime.date
MODELS = (TherapyCourse, Administration, AdverseEvent, Vaccination, WeightRecord, ProtocolVersion, TransitionStep, AuditEntry)  # fmt: skip
HUGE = "9" * 400


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def course_a(world, patient_a):
    course = therapy_services.course_start(by=world.clinician_a, patient=patient_a, drug="nusinersen", started_on=D(2025, 1, 6))  # fmt: skip
    therapy_services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 6), dose=12, dose_unit="mg", route="intrathecal")  # fmt: skip
    return course


@pytest.fixture
def course_b(world, patient_b):
    return therapy_services.course_start(by=world.clinician_b, patient=patient_b, drug="risdiplam", started_on=D(2025, 1, 6))  # fmt: skip


def users(world):
    return {
        "inside": world.clinician_a,
        "other_center": world.clinician_b,
        "read_only": world.manager,
        "trainer": world.trainer_a,
        "outsider": world.outsider,
    }


PATIENT_FORMS = {
    "therapy_course_new": [
        {},
        {"drug": "aspirin", "started_on": "2025-01-01", "jurisdiction": "EU", "regimen": "standard"},
        {"drug": "nusinersen", "started_on": "2025-02-30", "jurisdiction": "EU", "regimen": "standard"},
        {"drug": "nusinersen", "started_on": "2999-01-01", "jurisdiction": "EU", "regimen": "standard"},
        {"drug": "nusinersen", "started_on": "0001-01-01", "jurisdiction": "EU", "regimen": "standard"},
        {"drug": "nusinersen", "started_on": "1900-01-01", "jurisdiction": "XX", "regimen": "standard"},
        {
            "drug": "risdiplam",
            "started_on": "2025-01-01",
            "jurisdiction": "EU",
            "regimen": "standard",
            "prophylaxis_started_on": "yesterday",
        },  # fmt: skip
        {"drug": "adjuvant:NOPE", "started_on": "2025-01-01", "jurisdiction": "EU", "regimen": "standard"},
        {
            "drug": "nusinersen",
            "started_on": "2025-01-01",
            "jurisdiction": "EU",
            "regimen": "standard",
            "note": "\x00",
        },  # fmt: skip
        {
            "drug": "nusinersen",
            "started_on": "2025-01-08",
            "jurisdiction": "EU",
            "regimen": "standard",
            "product": "x" * 65,
        },  # fmt: skip
    ],
    "therapy_vaccination_new": [
        {},
        {"vaccine": "smallpox", "given_on": "2025-01-01"},
        {"vaccine": "influenza", "given_on": "2025-13-01"},
        {"vaccine": "influenza", "given_on": "2999-01-01"},
        {"vaccine": "influenza", "given_on": "1800-01-01"},
    ],
    "therapy_weight_new": [
        {},
        {"measured_on": "2025-01-01", "weight_kg": "-3"},
        {"measured_on": "2025-01-01", "weight_kg": "0"},
        {"measured_on": "2025-01-01", "weight_kg": HUGE},
        {"measured_on": "2025-01-01", "weight_kg": "1e308"},
        {"measured_on": "2025-01-01", "weight_kg": "NaN"},
        {"measured_on": "2025-01-01", "weight_kg": "Infinity"},
        {"measured_on": "2025-01-01", "weight_kg": "abc"},
        {"measured_on": "2025-01-01", "weight_kg": "12.123456789"},
        {"measured_on": "2999-01-01", "weight_kg": "12"},
        {"measured_on": "1800-01-01", "weight_kg": "12"},
    ],
    "transition_edit": [
        {"adult_neurologist_done_on": "garbage"},
        {"adult_neurologist_done_on": "2999-01-01"},
        {"adult_neurologist_done_on": "1800-01-01"},
        {"adult_neurologist_note": "x" * 5000},
    ],
}

COURSE_FORMS = {
    "therapy_course_stop": [
        {},
        {"stopped_on": "2025-02-01", "reason": "other", "row_version": "5"},
        {"stopped_on": "2025-02-01", "reason": "other", "row_version": "abc"},
        {"stopped_on": "2025-02-01", "reason": "other", "row_version": HUGE},
        {"stopped_on": "2025-02-01", "reason": "other", "row_version": "-1"},
        {"stopped_on": "2025-02-01", "reason": "bored", "row_version": "1"},
        {"stopped_on": "2024-01-01", "reason": "other", "row_version": "1"},
        {"stopped_on": "2999-01-01", "reason": "other", "row_version": "1"},
        {"stopped_on": "2025-02-31", "reason": "other", "row_version": "1"},
    ],
    "therapy_dose_new": [
        {},
        {"given_on": "2025-01-20", "dose": "-12", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": HUGE, "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "1e308", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "NaN", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "Infinity", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "twelve", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "oral"},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal", "weight_kg": "-5"},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal", "weight_kg": HUGE},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal", "cycle_number": HUGE},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal", "csf_removed_ml": "NaN"},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal", "csf_removed_ml": HUGE},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal", "needle_gauge": "-1"},
        {"given_on": "2999-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2020-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-32", "dose": "12", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "x" * 40, "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "12.123456", "dose_unit": "mg", "route": "intrathecal"},
        {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "intrathecal", "weight_kg": "20.123"},
    ],
    "therapy_adverse_event_new": [
        {},
        {"onset_on": "2025-01-07", "description": "Headache", "severity": "catastrophic"},
        {"onset_on": "2025-01-07", "description": "Headache", "severity": "mild", "outcome": "zombie"},
        {"onset_on": "2025-01-07", "description": "Headache", "severity": "mild", "administration": "abc"},
        {"onset_on": "2025-01-07", "description": "Headache", "severity": "mild", "administration": HUGE},
        {"onset_on": "2025-01-07", "description": "Headache", "severity": "mild", "administration": "999999"},
        {"onset_on": "2999-01-07", "description": "Headache", "severity": "mild"},
        {"onset_on": "2020-01-07", "description": "Headache", "severity": "mild"},
        {"onset_on": "2025-01-07", "description": "", "severity": "mild"},
        {"onset_on": "2025-01-07", "description": "\x00", "severity": "mild"},
    ],
}


def _check(response, before, allowed=(400, 403, 404, 409, 302)):
    assert response.status_code in allowed, (response.status_code, response.content[:3000])
    assert response.status_code != 500
    if response.status_code != 302 or "/login/" in response.get("Location", ""):
        assert counts() == before


@pytest.mark.parametrize("who", ["inside", "other_center", "read_only", "trainer", "outsider", "anonymous"])
@pytest.mark.parametrize("name,data", [(n, d) for n, rows in PATIENT_FORMS.items() for d in rows])
def test_patient_forms_refuse_bad_input_without_error_or_change(world, patient_a, course_a, who, name, data):
    client = signed_in(users(world)[who]) if who != "anonymous" else __import__("django.test").test.Client()
    before = counts()
    response = client.post(reverse(name, args=[patient_a.registry_id]), data)
    _check(response, before, allowed=(400, 403, 404, 409) if who != "anonymous" else (302,))
    if who == "inside" and response.status_code == 400:
        page = response.content.decode()
        assert "There is a problem" in page, page[:3000]


@pytest.mark.parametrize("who", ["inside", "other_center", "read_only", "outsider", "anonymous"])
@pytest.mark.parametrize("name,data", [(n, d) for n, rows in COURSE_FORMS.items() for d in rows])
def test_course_forms_refuse_bad_input_without_error_or_change(world, patient_a, course_a, who, name, data):
    client = signed_in(users(world)[who]) if who != "anonymous" else __import__("django.test").test.Client()
    before = counts()
    response = client.post(reverse(name, args=[patient_a.registry_id, course_a.pk]), data)
    _check(response, before, allowed=(400, 403, 404, 409) if who != "anonymous" else (302,))
    if who == "inside" and response.status_code in (400, 409):
        page = response.content.decode()
        assert "There is a problem" in page, page[:3000]


def _paths(patient_a, patient_b, course_a, course_b, version_b) -> list[str]:
    a, b = patient_a.registry_id, patient_b.registry_id
    return [
        f"/patients/{a}/therapies/new/",
        f"/patients/{a}/therapies/{course_a.pk}/",
        f"/patients/{a}/therapies/{course_b.pk}/",
        f"/patients/{b}/therapies/{course_b.pk}/",
        f"/patients/{a}/therapies/999999999/",
        f"/patients/{a}/therapies/{course_a.pk}/stop/",
        f"/patients/{a}/therapies/{course_b.pk}/stop/",
        f"/patients/{a}/therapies/{course_a.pk}/doses/new/",
        f"/patients/{b}/therapies/{course_b.pk}/doses/new/",
        f"/patients/{a}/therapies/{course_a.pk}/adverse-events/new/",
        f"/patients/{a}/vaccinations/new/",
        f"/patients/{b}/weights/new/",
        f"/patients/{a}/transition/",
        f"/patients/{b}/transition/",
        f"/patients/{a}/report.pdf",
        f"/patients/{b}/report.pdf",
        "/patients/KZ-0000-0000/report.pdf",
        "/patients/KZ-0000-0000/transition/",
        "/worklist/",
        "/worklist/?center=center-b",
        "/worklist/?center=nowhere&condition=x&kind=y&state=z&horizon=-1&transition_months=abc&page=zz",
        f"/worklist/?horizon={HUGE}&transition_months={HUGE}",
        "/worklist/?page=99999",
        "/worklist.csv",
        "/worklist.csv?center=center-b",
        f"/worklist.csv?horizon={HUGE}",
        "/protocols/",
        "/protocols/default/sma/",
        "/protocols/center-a/sma/",
        "/protocols/center-b/sma/",
        "/protocols/center-a/nothing/",
        "/protocols/nowhere/sma/",
        "/protocols/center-a/sma/edit/",
        "/protocols/center-b/sma/edit/",
        "/protocols/default/sma/edit/",
        f"/protocols/versions/{version_b.pk}/",
        "/protocols/versions/999999999/",
        "/research/export/",
    ]


@pytest.fixture
def version_b(world):
    from qadam.monitoring import services as monitoring_services

    rows = [{"key": "b", "instruments": ["hfmse"], "anchor": "diagnosis", "offsets": ["P0D"], "every": "P6M"}]
    return monitoring_services.protocol_save(
        by=world.coordinator_b,
        center=world.center_b,
        condition="sma",
        rows=rows,
        reason="Local rule",
        expected_number=None,
    )


@pytest.mark.parametrize("who", ["inside", "other_center", "read_only", "trainer", "outsider", "anonymous"])
def test_every_new_address_answers_every_user_without_error(world, patient_a, patient_b, course_a, course_b, version_b, who):  # fmt: skip
    from django.test import Client

    client = signed_in(users(world)[who]) if who != "anonymous" else Client(raise_request_exception=False)
    before = counts()
    for path in _paths(patient_a, patient_b, course_a, course_b, version_b):
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(path)
            assert response.status_code < 500, (who, method, path, response.status_code)
            if who == "anonymous":
                assert response.status_code in (302, 405), (method, path)
    # Downloads (worklist CSV, patient report) are audited; nothing else changed.
    exports = AuditEntry.objects.filter(action="export").count()
    assert counts() == {**before, "AuditEntry": before["AuditEntry"] + exports}, list(
        AuditEntry.objects.values_list("action", "object_type")
    )[-5:]


def test_a_stale_version_stops_nothing(world, patient_a, course_a):
    client = signed_in(world.clinician_a)
    before = counts()
    path = reverse("therapy_course_stop", args=[patient_a.registry_id, course_a.pk])
    response = client.post(
        path, {"stopped_on": "2025-02-01", "reason": "other", "row_version": course_a.row_version + 1}
    )
    assert response.status_code == 409 and "There is a problem" in response.content.decode()
    assert counts() == before


ONE_ROW = {
    "rows-TOTAL_FORMS": "1",
    "rows-INITIAL_FORMS": "0",
    "reason": "r",
    "rows-0-key": "k",
    "rows-0-instruments": "hfmse",
    "rows-0-anchor": "diagnosis",
}
PROTOCOL_POSTS = [
    {},
    {"rows-TOTAL_FORMS": "abc", "rows-INITIAL_FORMS": "0", "reason": "x"},
    {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "reason": "x", "expected_number": HUGE},
    {"rows-TOTAL_FORMS": "100000", "rows-INITIAL_FORMS": "0", "reason": "x"},
    {**ONE_ROW, "reason": "", "rows-0-offsets": "P0D"},
    {**ONE_ROW, "rows-0-instruments": "nope", "rows-0-offsets": "P0D"},
    {**ONE_ROW, "rows-0-offsets": "P-5D, soon", "rows-0-every": "P0D"},
    {**ONE_ROW, "rows-0-offsets": "P0D", "rows-0-tolerance_days": HUGE, "rows-0-min_age_months": "-5"},
    {**ONE_ROW, "rows-0-offsets": "P999999999M"},
    {**ONE_ROW, "rows-0-offsets": "P9999Y"},
    {**ONE_ROW, "rows-0-offsets": "P0D", "rows-0-every": "P9999Y"},
]


@pytest.mark.parametrize("data", PROTOCOL_POSTS)
@pytest.mark.parametrize("who", ["coordinator_a", "manager", "clinician_a", "clinician_b"])
def test_protocol_edits_refuse_bad_input_without_error_or_change(world, who, data):
    before = counts()
    response = signed_in(getattr(world, who)).post(reverse("protocol_edit", args=["center-a", "sma"]), data)
    assert response.status_code in (400, 403, 404, 409), (response.status_code, response.content[:2000])
    assert counts() == before


RESEARCH_POSTS = [
    {},
    {"reason": "Study", "file_format": "xml"},
    {"reason": "Study", "file_format": "csv", "instruments": ["nope"]},
    {"reason": "Study", "file_format": "csv", "centers": ["nowhere"]},
    {"reason": "", "file_format": "csv"},
    {"reason": "x" * 5000, "file_format": "csv"},
]


@pytest.mark.parametrize("data", RESEARCH_POSTS)
@pytest.mark.parametrize("who", ["manager", "clinician_a"])
def test_the_research_export_refuses_bad_input_without_error_or_change(world, who, data):
    before = counts()
    response = signed_in(getattr(world, who)).post(reverse("research_export"), data)
    assert response.status_code == (400 if who == "manager" else 403), response.content[:2000]
    assert counts() == before
    if who == "manager":
        assert "There is a problem" in response.content.decode()


def test_an_option_not_offered_is_named_in_the_answer(world, patient_a, course_a):
    client = signed_in(world.clinician_a)
    dose = client.post(reverse("therapy_dose_new", args=[patient_a.registry_id, course_a.pk]), {"given_on": "2025-01-20", "dose": "12", "dose_unit": "mg", "route": "oral"})  # fmt: skip
    assert "“oral” is not one of the choices for “Route”" in dose.content.decode()
    worklist = client.get(reverse("worklist"), {"center": "center-b"})
    assert worklist.status_code == 400 and "“center-b” is not one of your centers." in worklist.content.decode()
    russian = signed_in(world.clinician_a, "ru").get(reverse("worklist"), {"state": "someday"})
    assert russian.status_code == 400 and "Select a valid choice" not in russian.content.decode()
