"""A clinician's day in the browser: sign in, switch language, open a patient, enter an HFMSE item
by item while the total updates, sign it with the password, and amend it with a reason."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from qadam.assessments import services as assessment_services
from qadam.assessments.models import Assessment, AssessmentRevision
from qadam.centers import services as center_services
from qadam.core.testing import PASSWORD
from qadam.patients import services as patient_services

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_hfmse(by, visit, ones: int) -> None:
    """A signed HFMSE scoring 66 - ``ones`` (the last ``ones`` items at 1, the others at 2)."""
    responses = {str(i): (1 if i > 33 - ones else 2) for i in range(1, 34)}
    draft = assessment_services.assessment_start(by=by, visit=visit, instrument="hfmse")
    draft = assessment_services.assessment_save(
        by=by, assessment=draft, responses=responses, context={}, expected_version=draft.row_version
    )
    done = assessment_services.assessment_complete(by=by, assessment=draft, expected_version=draft.row_version)
    assessment_services.assessment_sign(by=by, assessment=done, password=PASSWORD)


@pytest.fixture
def rater(world):
    """A clinician of a regional hospital, with a name, as in the screenshots."""
    center = center_services.center_create(
        code="kostanay-regional", name="Kostanay Regional Hospital", region="kostanay", city="Kostanay", kind="regional"
    )
    user = center_services.user_create(
        username="a.sadykova",
        password=PASSWORD,
        first_name="Aigerim",
        last_name="Sadykova",
        check_password_strength=False,
    )
    center_services.membership_grant(user=user, center=center, role="clinician")
    return user


@pytest.fixture
def sma_patient(rater):
    """A girl with SMA type 2 (sitter): genetics, consent, two signed HFMSE a year apart and today's visit."""
    center = rater.memberships.get().center
    patient = patient_services.patient_register(
        by=rater, center=center, birth_date=datetime.date(2016, 5, 9), sex="female", full_name="Aruzhan Tulegenova"
    )
    patient_services.diagnosis_add(
        by=rater, patient=patient, icd10="G12.1", diagnosed_on=datetime.date(2017, 8, 1), is_primary=True
    )
    patient_services.sma_genetics_set(
        by=rater,
        patient=patient,
        smn1_status="homozygous_deletion",
        smn2_copies=3,
        tested_on=datetime.date(2017, 8, 20),
    )
    patient_services.sma_status_add(
        by=rater, patient=patient, recorded_on=datetime.date(2017, 9, 1), sma_type="2", functional_status="sitter"
    )
    patient_services.consent_record(by=rater, patient=patient, kind="registry", given_on=datetime.date(2017, 9, 1))
    for day, ones in ((datetime.date(2024, 11, 14), 14), (datetime.date(2025, 11, 18), 8)):
        visit = assessment_services.visit_create(by=rater, patient=patient, visit_date=day, kind="routine")
        signed_hfmse(rater, visit, ones)
    assessment_services.visit_create(by=rater, patient=patient, visit_date=datetime.date(2026, 11, 20), kind="routine")
    return patient


def choose(page, item: str, code: str) -> None:
    """Tap a choice tile as a rater does (the radio spans the whole tile)."""
    page.locator(f"input[name='item-{item}'][value='{code}']").click()


def test_enter_sign_and_amend_an_hfmse(page, world, sma_patient, screenshot_dir):
    sign_in(page, "a.sadykova")
    expect(page.locator("h1")).to_contain_text("Welcome, Aigerim Sadykova")

    with page.expect_navigation():
        page.click("button[data-language=ru]")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#my-centers")).to_have_text("Мои центры")

    page.click("nav >> text=Пациенты")
    page.fill("#id_q", sma_patient.registry_id)
    page.click("main button[type=submit]")
    page.click(f"a:has-text('{sma_patient.registry_id}')")
    expect(page.locator("[data-testid=registry-id]")).to_have_text(sma_patient.registry_id)
    expect(page.locator("[data-testid=full-name]")).to_have_text("Aruzhan Tulegenova")

    page.locator("text=Добавить оценку").first.click()
    page.click("a:has-text('HFMSE')")
    expect(page.locator("h1")).to_contain_text("Хаммерсмит")
    answered = page.locator("[data-testid=answered]")
    total = page.locator("[data-testid=running-total]")

    choose(page, "1", "2")
    expect(answered).to_have_text("1 из 33")
    for item in range(2, 34):
        choose(page, str(item), "1" if item == 33 else "2")
        expect(answered).to_have_text(f"{item} из 33")
    expect(total).to_have_text("65")
    choose(page, "33", "2")
    expect(total).to_have_text("66")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_dir / "assessment-form.png"))

    with page.expect_navigation():
        page.click("button[value=complete]")
    assessment = Assessment.objects.get(visit__patient=sma_patient, visit__visit_date=datetime.date(2026, 11, 20))
    assert assessment.status == "completed" and assessment.total == 66

    page.click("a.q-button[href$='/sign/']")
    page.fill("#id_password", "wrong password")
    page.click("main button[type=submit]")
    expect(page.locator(".q-error-summary")).to_contain_text("Пароль неверный")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page.locator(".q-page-heading .q-tag")).to_contain_text("Подписана")

    page.click("a.q-button[href$='/amend/']")
    choose(page, "5", "1")
    expect(total).to_have_text("65")
    page.fill("#id_reason", "Пункт 5 пересмотрен по видеозаписи")
    with page.expect_navigation():
        page.click("button[value=amend]")
    expect(page.locator(".q-page-heading .q-tag")).to_contain_text("Исправлена, ожидает подписи")
    expect(page.locator("text=Пункт 5 пересмотрен по видеозаписи")).to_be_visible()
    expect(page.locator(".q-diff-old").first).to_contain_text("2")
    expect(page.locator(".q-diff-new").first).to_contain_text("1")
    revision = AssessmentRevision.objects.get(assessment=assessment)
    assert revision.total == 66 and revision.reason == "Пункт 5 пересмотрен по видеозаписи"
    assessment.refresh_from_db()
    assert assessment.total == 65

    page.goto(f"/patients/{sma_patient.registry_id}/")
    results = page.locator("table[data-instrument=hfmse] tbody tr")
    expect(results).to_have_count(3)
    expect(results.nth(1)).to_contain_text("+6")
    expect(results.nth(2)).to_contain_text("65")
    expect(results.nth(2)).to_contain_text("+7")
    page.screenshot(path=str(screenshot_dir / "patient-page.png"), full_page=True)


def test_a_clinician_of_another_center_cannot_open_the_patient(page, world, sma_patient):
    sign_in(page, "clinician_b")
    response = page.goto(f"/patients/{sma_patient.registry_id}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
