"""An expired session inside the running-total panel sends the whole page to sign-in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from .conftest import signed_in

PAGE = "/visits/3/assessments/new/?instrument=hfmse"


def test_htmx_is_told_to_send_the_page_to_sign_in_and_back(db):
    response = Client().post(
        reverse("assessment_preview"),
        {"instrument": "hfmse", "item-1": "2"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{PAGE}",
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/login/?next=%2Fvisits%2F3%2Fassessments%2Fnew%2F%3Finstrument%3Dhfmse"
    assert b"Sign in" not in response.content


def test_a_page_of_another_site_is_not_where_sign_in_returns(db):
    response = Client().post(
        reverse("assessment_preview"),
        {"instrument": "hfmse"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://elsewhere.example/phish/",
    )
    assert response["HX-Redirect"] == "/login/?next=%2F"


def test_without_htmx_the_browser_is_redirected_to_sign_in_for_the_page_it_came_from(db):
    response = Client().post(
        reverse("assessment_preview"), {"instrument": "hfmse"}, HTTP_REFERER=f"http://testserver{PAGE}"
    )
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/visits/3/assessments/new/%3Finstrument%3Dhfmse"


def test_a_signed_in_rater_still_gets_the_panel(world):
    response = signed_in(world.clinician_a).post(
        reverse("assessment_preview"), {"instrument": "hfmse", "item-1": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert "1 of 33" in response.content.decode()
