"""Languages: switchable on every page, kept in the profile, applied at sign-in; dates and numbers."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qadam.centers.selectors import user_language
from qadam.core.testing import PASSWORD
from qadam.web.templatetags.qadam_ui import longdate, score

from .conftest import signed_in


def test_every_page_carries_the_switcher_and_its_language(world, patient_a):
    client = signed_in(world.clinician_a, "kk")
    for url in (reverse("home"), reverse("patient_list"), reverse("patient_detail", args=[patient_a.registry_id])):
        page = client.get(url).content.decode()
        assert '<html lang="kk">' in page
        assert 'name="language" value="ru"' in page and 'name="language" value="en"' in page


def test_the_sign_in_page_has_the_switcher_too(client):
    page = client.get(reverse("login")).content.decode()
    assert 'action="/language/"' in page


def test_switching_saves_the_choice_in_the_profile_and_returns_to_the_page(world, patient_a):
    client = signed_in(world.clinician_a)
    back = reverse("patient_detail", args=[patient_a.registry_id])
    response = client.post(reverse("language"), {"language": "ru", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert user_language(world.clinician_a) == "ru"
    assert "Пациент" in client.get(back).content.decode()


def test_signing_in_applies_the_language_of_the_profile(world):
    signed_in(world.clinician_a).post(reverse("language"), {"language": "kk", "next": "/"})
    fresh = Client()
    response = fresh.post(reverse("login"), {"username": "clinician_a", "password": PASSWORD})
    assert response.status_code == 302
    assert fresh.cookies["django_language"].value == "kk"
    assert '<html lang="kk">' in fresh.get(reverse("home")).content.decode()


def test_a_wrong_password_at_sign_in_is_explained(client, world):
    response = client.post(reverse("login"), {"username": "clinician_a", "password": "nope"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_visitor_can_switch_language_before_signing_in(client):
    response = client.post(reverse("language"), {"language": "ru", "next": reverse("login")})
    assert response.status_code == 302
    assert '<html lang="ru">' in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    "lang,expected",
    [("kk", "26 қараша 2026 ж."), ("ru", "26 ноября 2026 г."), ("en", "26 November 2026")],
)
def test_dates_are_written_out_in_the_language(lang, expected):
    with translation.override(lang):
        assert longdate(datetime.date(2026, 11, 26)) == expected


def test_kazakh_months_are_lower_case_inside_dates_all_year():
    months = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()
    with translation.override("kk"):
        assert [longdate(datetime.date(2026, m, 1)).split()[1] for m in range(1, 13)] == months


@pytest.mark.parametrize("lang,expected", [("kk", "12,5"), ("ru", "12,5"), ("en", "12.5")])
def test_decimal_scores_use_the_language_separator(lang, expected):
    with translation.override(lang):
        assert score(12.5) == expected
        assert score(66.0) == "66"
        assert score(None) == "—"
