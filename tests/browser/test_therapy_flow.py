"""Therapies in the browser: the card on the patient page, a dose recorded with its lumbar-puncture
details, and a dose too close to the previous one recorded only after the warning is confirmed."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from qadam.therapy import services
from qadam.therapy.models import Administration
from tests.browser.test_assessment_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

D = datetime.date
# Nusinersen, EU SmPC: loading days 0, 14, 28, 63 (6 Jan – 10 Mar 2025), then every 4 months.
GIVEN = [D(2025, 1, 6), D(2025, 1, 20), D(2025, 2, 3), D(2025, 3, 10), D(2025, 7, 10), D(2025, 11, 10), D(2026, 3, 10)]


@pytest.fixture
def on_nusinersen(world, patient_a):
    course = services.course_start(
        by=world.clinician_a, patient=patient_a, drug="nusinersen", product="spinraza", started_on=GIVEN[0]
    )
    for day in GIVEN:
        services.administration_record(
            by=world.clinician_a, course=course, given_on=day, dose=12, dose_unit="mg", route="intrathecal"
        )
    services.weight_record(by=world.clinician_a, patient=patient_a, measured_on=D(2026, 3, 10), weight_kg="58.5")
    return course


def test_card_dose_form_and_confirmed_warning(page, world, patient_a, on_nusinersen, screenshot_dir):
    sign_in(page, world.clinician_a.username)
    page.goto(f"/patients/{patient_a.registry_id}/")
    card = page.locator("[data-testid=therapies]")
    expect(card).to_contain_text("Nusinersen")
    # The dose due on 10 Jul 2026 (4 months after 10 Mar 2026) has passed its ±14-day window.
    expect(card.locator("[data-testid=overdue]")).to_contain_text("Overdue since")
    card.screenshot(path=str(screenshot_dir / "therapy-card.png"))

    card.locator("[data-testid=dose-new]").click()
    page.fill("#id_given_on", "2026-08-03")
    page.fill("#id_dose", "12")
    page.select_option("#id_approach", "interlaminar")
    page.select_option("#id_imaging_guidance", "ultrasound")
    page.fill("#id_needle_gauge", "22")
    page.fill("#id_attempts", "1")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the dose").click()
    expect(page.locator("[data-testid=therapies]")).to_contain_text("8")  # eight doses given

    # 10 days later: the label asks for at least 14 days between doses.
    page.locator("[data-testid=dose-new]").click()
    page.fill("#id_given_on", "2026-08-13")
    page.fill("#id_dose", "12")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the dose").click()
    expect(page.locator("[data-testid=dose-findings]")).to_contain_text("at least 14")
    page.locator("[data-testid=dose-findings]").screenshot(path=str(screenshot_dir / "therapy-dose-warning.png"))
    assert Administration.objects.count() == 8
    page.check("#id_acknowledge_warnings")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the dose").click()
    assert Administration.objects.count() == 9
    assert Administration.objects.get(given_on=D(2026, 8, 13)).findings[0]["code"] == "interval_under_14_days"
