"""A coordinator's morning in the browser: sign in, open the worklist of the center, keep only what
is overdue, and follow a row to the patient's page, where the same items are listed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qadam.assessments.models import Assessment, Visit
from qadam.centers import services as center_services
from qadam.core.testing import PASSWORD
from qadam.patients import services as patient_services
from qadam.regimens.calendar_months import add_months
from qadam.therapy.models import Administration, TherapyCourse

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def coordinator(world):
    center = center_services.center_create(
        code="kostanay-regional", name="Kostanay Regional Hospital", region="kostanay", city="Kostanay", kind="regional"
    )
    user = center_services.user_create(
        username="d.nurlanova",
        password=PASSWORD,
        first_name="Dana",
        last_name="Nurlanova",
        check_password_strength=False,
    )
    center_services.membership_grant(user=user, center=center, role="coordinator")
    return user


def sma_patient(by, *, born, diagnosed, status, name):
    center = by.memberships.get().center
    patient = patient_services.patient_register(by=by, center=center, birth_date=born, sex="female", full_name=name)
    patient_services.diagnosis_add(by=by, patient=patient, icd10="G12.1", diagnosed_on=diagnosed, is_primary=True)
    patient_services.sma_status_add(
        by=by,
        patient=patient,
        recorded_on=diagnosed,
        sma_type="2" if status == "sitter" else "3",
        functional_status=status,
    )
    return patient


def assessed(by, patient, instrument, day):
    visit = Visit.objects.create(patient=patient, visit_date=day, kind="routine", center=patient.center, created_by=by)
    Assessment.objects.create(
        visit=visit, instrument=instrument, instrument_version="test", status="completed", rater=by, assessed_on=day
    )


@pytest.fixture
def cohort(coordinator):
    """An untreated sitter a year after diagnosis, a walker on nusinersen, a girl turning 18 soon."""
    today = timezone.localdate()
    sitter = sma_patient(
        coordinator,
        born=datetime.date(2014, 2, 3),
        diagnosed=today - datetime.timedelta(days=370),
        status="sitter",
        name="Aruzhan T.",
    )
    assessed(coordinator, sitter, "hfmse", today - datetime.timedelta(days=370))
    walker = sma_patient(
        coordinator,
        born=datetime.date(1999, 6, 1),
        diagnosed=datetime.date(2019, 1, 10),
        status="walker",
        name="Madina K.",
    )
    start = today - datetime.timedelta(days=150)
    course = TherapyCourse.objects.create(
        patient=walker, center=walker.center, drug="nusinersen", started_on=start, created_by=coordinator
    )
    for offset in (0, 14, 28, 63):
        Administration.objects.create(
            course=course,
            given_on=start + datetime.timedelta(days=offset),
            dose=12,
            dose_unit="mg",
            route="intrathecal",
            created_by=coordinator,
        )
    for instrument in ("hfmse", "rulm", "6mwt"):
        assessed(coordinator, walker, instrument, start - datetime.timedelta(days=20))
    teen = sma_patient(
        coordinator,
        born=add_months(today, -18 * 12 + 4),
        diagnosed=today - datetime.timedelta(days=40),
        status="walker",
        name="Aigul S.",
    )
    return sitter, walker, teen


def test_filter_the_worklist_to_overdue_and_open_a_patient(page, cohort, screenshot_dir):
    sitter, walker, teen = cohort
    sign_in(page, "d.nurlanova")
    with page.expect_navigation():
        page.click("nav >> text=Worklist")
    expect(page.locator("h1")).to_have_text("Worklist")
    table = page.locator("[data-testid=worklist]")
    expect(table).to_contain_text(teen.registry_id)
    expect(table).to_contain_text("Transition to adult care")
    expect(page.locator("tr[data-state=upcoming]").first).to_be_visible()

    page.select_option("#id_state", "overdue")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    rows = page.locator("[data-testid=worklist] tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("tr[data-state=upcoming]")).to_have_count(0)
    assert rows.count() == page.locator("tr[data-state=overdue]").count()
    expect(table).to_contain_text(sitter.registry_id)
    expect(table).to_contain_text("HFMSE")
    expect(page.locator("[data-testid=csv]")).to_have_attribute("href", "/worklist.csv?state=overdue")
    page.screenshot(path=str(screenshot_dir / "worklist.png"), full_page=True)

    with page.expect_navigation():
        page.locator(f"[data-testid=worklist] a:has-text('{sitter.registry_id}')").first.click()
    expect(page.locator("[data-testid=registry-id]")).to_have_text(sitter.registry_id)
    section = page.locator("[data-testid=monitoring]")
    expect(section).to_contain_text("Due and overdue")
    expect(section).to_contain_text("HFMSE")
    expect(section.locator(".q-tag--flag").first).to_have_text("Overdue")


def test_a_clinician_of_another_center_sees_none_of_it(page, world, cohort):
    sign_in(page, "clinician_b")
    page.goto("/worklist/")
    expect(page.locator("main")).to_contain_text("Nothing matches these filters.")
    for patient in cohort:
        expect(page.locator("main")).not_to_contain_text(patient.registry_id)
