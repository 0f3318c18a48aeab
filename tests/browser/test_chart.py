"""The trajectory chart in the browser: a patient with several HFMSE results and a nusinersen course;
the chart is visible with its accessible name, the table alternative beside it, the response in
words, and the PDF button. Saves docs/screenshots/trajectory-chart.png (with QADAM_SCREENSHOT_DIR)."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from qadam.centers import services as center_services
from qadam.core.testing import PASSWORD
from qadam.patients import services as patient_services

from ..reports.records import HFMSE_RESULTS, add_nusinersen, record_hfmse
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def clinician(world):
    center = center_services.center_create(
        code="almaty-neuro", name="Almaty Neuromuscular Center", region="almaty", city="Almaty", kind="republican"
    )
    user = center_services.user_create(
        username="d.omarova", password=PASSWORD, first_name="Dana", last_name="Omarova", check_password_strength=False
    )
    center_services.membership_grant(user=user, center=center, role="clinician")
    return user


@pytest.fixture
def treated_patient(clinician):
    """An adult with SMA type 3 (walker): HFMSE before and during nusinersen (from 6 January 2025)."""
    center = clinician.memberships.get().center
    patient = patient_services.patient_register(
        by=clinician, center=center, birth_date=datetime.date(1990, 1, 1), sex="male", full_name="Yerlan Abenov"
    )
    patient_services.diagnosis_add(
        by=clinician, patient=patient, icd10="G12.1", diagnosed_on=datetime.date(2005, 5, 1), is_primary=True
    )
    patient_services.sma_status_add(
        by=clinician, patient=patient, recorded_on=datetime.date(2024, 9, 2), sma_type="3", functional_status="walker"
    )
    for day, total in HFMSE_RESULTS:
        record_hfmse(clinician, patient, day, total)
    add_nusinersen(clinician, patient)
    return patient


def test_the_trajectory_chart_and_its_table(page, clinician, treated_patient, screenshot_dir):
    sign_in(page, "d.omarova")
    page.goto(f"/patients/{treated_patient.registry_id}/")

    chart = page.get_by_role("img", name="HFMSE over time")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("aria-describedby", "chart-hfmse-desc")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 200
    expect(chart.locator("circle[data-day]")).to_have_count(4)
    expect(chart.locator("g.q-chart__doses path")).to_have_count(6)

    table = page.locator("table[data-instrument=hfmse]")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("tbody tr").nth(3)).to_contain_text("34")
    expect(table.locator("tbody tr").nth(3)).to_contain_text("Nusinersen")

    sentence = page.locator("[data-testid=response-sentence]")
    expect(sentence).to_contain_text(
        "HFMSE +4 after 14 months of nusinersen: improved by at least the 3-point threshold"
    )
    expect(page.locator("[data-testid=report-pdf]")).to_be_visible()

    figure = page.locator("figure[data-chart=hfmse]")
    figure.scroll_into_view_if_needed()
    section = page.locator("section[aria-labelledby=trajectories]")
    section.screenshot(path=str(screenshot_dir / "trajectory-chart.png"))


def test_the_chart_speaks_russian(page, clinician, treated_patient):
    sign_in(page, "d.omarova")
    with page.expect_navigation():
        page.click("button[data-language=ru]")
    page.goto(f"/patients/{treated_patient.registry_id}/")
    chart = page.locator("svg[data-instrument-chart=chart-hfmse]")
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="Нусинерсен")).to_have_count(1)
    expect(page.locator("[data-testid=response-sentence]")).to_contain_text("HFMSE +4 через 14 месяцев терапии")
