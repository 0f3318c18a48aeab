"""GAS in the browser: goals written and weighted, rated with the T-score updating as the clinician
chooses, saved; and a session that expires while the form is open sends the page to sign-in."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from qadam.assessments import services as assessment_services
from qadam.assessments.models import Assessment
from qadam.patients import services as patient_services

from .test_assessment_flow import rater, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["rater"]  # the named clinician of the regional hospital, as in the other screenshots


@pytest.fixture
def rehab_visit(rater):
    """A man in rehabilitation after an ischaemic stroke, seen today for goal setting."""
    center = rater.memberships.get().center
    patient = patient_services.patient_register(
        by=rater, center=center, birth_date=datetime.date(1961, 3, 14), sex="male", full_name="Serik Abenov"
    )
    patient_services.diagnosis_add(
        by=rater, patient=patient, icd10="I63.5", diagnosed_on=datetime.date(2026, 9, 2), is_primary=True
    )
    return assessment_services.visit_create(
        by=rater, patient=patient, visit_date=datetime.date(2026, 11, 20), kind="routine"
    )


def rate(page, row: int, level: str) -> None:
    page.locator(f"input[name='goal-{row}-item'][value='{level}']").click()


def test_set_weight_and_rate_goals_with_the_t_score_updating(page, rater, rehab_visit, screenshot_dir):
    sign_in(page, rater.username)
    page.goto(f"/visits/{rehab_visit.pk}/assessments/new/?instrument=gas")
    total = page.locator("[data-testid=running-total]")
    expect(page.locator("#goal-4")).to_be_hidden()
    expect(page.locator("#goal-1-importance")).to_be_hidden()

    page.select_option("#ctx-weighting", "importance_x_difficulty")
    expect(page.locator("#goal-1-importance")).to_be_visible()
    page.fill("#goal-1", "Walk 10 m indoors with a stick")
    page.select_option("#goal-1-importance", "3")
    page.select_option("#goal-1-difficulty", "2")
    expect(page.locator("[data-goal]").first.locator("[data-weight]")).to_have_text("6")
    page.select_option("#goal-1-ctx-baseline", "-1")
    rate(page, 1, "1")
    expect(total).to_have_text("60")  # one goal at +1: T = 50 + 10 (Kiresuk & Sherman 1968)

    page.fill("#goal-2", "Put on a shirt without help")
    page.select_option("#goal-2-importance", "1")
    page.select_option("#goal-2-difficulty", "1")
    page.select_option("#goal-2-ctx-baseline", "-1")
    expect(page.locator("[data-testid=answered]")).to_have_text("1 of 2")
    rate(page, 2, "0")
    expect(total).to_have_text("59.42")  # 50 + 10·6/√(0.7·37 + 0.3·49)
    expect(page.locator("[data-testid=derived]")).to_contain_text("Baseline T-score")

    page.click("[data-add-goal]")
    expect(page.locator("#goal-4")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_dir / "gas-goals.png"), full_page=True)

    with page.expect_navigation():
        page.click("button[value=save]")
    assessment = Assessment.objects.get(visit=rehab_visit)
    assert assessment.total == 59.42
    assert assessment.context["weights"] == {
        "1. Walk 10 m indoors with a stick": 6,
        "2. Put on a shirt without help": 1,
    }
    expect(page.locator("#goal-1")).to_have_value("Walk 10 m indoors with a stick")
    expect(page.locator("#goal-1-importance")).to_have_value("")
    expect(page.locator("[data-weight-note]").first).to_contain_text("2 × 3 or 3 × 2")

    # A refused update (here: no CSRF cookie) is said in the panel, not left as a stale total.
    cookies = page.context.cookies()
    page.context.clear_cookies()
    page.context.add_cookies([c for c in cookies if c["name"] != "csrftoken"])
    rate(page, 2, "-1")
    expect(page.locator("[data-panel-failed]")).to_contain_text("could not be updated")

    # The session ends while the form is open: the next change sends the whole page to sign-in.
    page.context.clear_cookies()
    page.context.add_cookies([c for c in cookies if c["name"] != "sessionid"])
    rate(page, 2, "1")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Fassessments%2F\d+%2F$"))
    expect(page.locator("h1")).to_have_text("Sign in to Qadam")
