"""Fixtures of the monitoring tests: patients with diagnoses, statuses, assessments and courses."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from qadam.assessments.models import Assessment, Visit
from qadam.core.testing import make_patient
from qadam.patients import services as patient_services


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def done(by, patient, instrument: str, day: datetime.date, kind: str = "routine") -> Assessment:
    """A completed assessment of ``instrument`` on ``day`` (the worklist reads only its date)."""
    visit = Visit.objects.create(patient=patient, visit_date=day, kind=kind, center=patient.center, created_by=by)
    return Assessment.objects.create(
        visit=visit, instrument=instrument, instrument_version="test", status="completed", rater=by, assessed_on=day
    )


def course(by, patient, drug: str, started_on: datetime.date, doses=(), route="intrathecal"):
    from qadam.therapy.models import Administration, TherapyCourse

    made = TherapyCourse.objects.create(
        patient=patient, center=patient.center, drug=drug, started_on=started_on, created_by=by
    )
    for day in doses:
        Administration.objects.create(course=made, given_on=day, dose=12, dose_unit="mg", route=route, created_by=by)
    return made


def sma_patient(by, center, *, birth_date, diagnosed_on, status="sitter", sma_type="2"):
    patient = make_patient(by, center, birth_date=birth_date)
    patient_services.diagnosis_add(by=by, patient=patient, icd10="G12.1", diagnosed_on=diagnosed_on, is_primary=True)
    patient_services.sma_status_add(
        by=by, patient=patient, recorded_on=diagnosed_on, sma_type=sma_type, functional_status=status
    )
    return patient


@pytest.fixture
def today():
    """Today in the registry's time zone (Asia/Almaty), as the screens compute it: the machine's
    date is a day behind from 19:00 UTC."""
    return timezone.localdate()


@pytest.fixture
def overdue_patient(world, today):
    """Center A: an untreated SMA sitter diagnosed a year ago, HFMSE done at diagnosis only."""
    diagnosed = today - datetime.timedelta(days=365)
    patient = sma_patient(
        world.clinician_a, world.center_a, birth_date=datetime.date(2012, 5, 9), diagnosed_on=diagnosed
    )
    done(world.clinician_a, patient, "hfmse", diagnosed)
    return patient


@pytest.fixture
def other_center_patient(world, today):
    """Center B: an untreated SMA walker, never assessed."""
    return sma_patient(
        world.clinician_b,
        world.center_b,
        birth_date=datetime.date(2000, 1, 1),
        diagnosed_on=today - datetime.timedelta(days=200),
        status="walker",
    )
