"""The audit trail names each changed field as the screens do, in the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qadam.assessments import services as assessment_services

from .conftest import signed_in


@pytest.fixture
def six_minute_walk(world, visit_a):
    """A 6MWT draft with a distance, one minute and the protocol, changed once."""
    draft = assessment_services.assessment_start(by=world.clinician_a, visit=visit_a, instrument="6mwt")
    saved = assessment_services.assessment_save(
        by=world.clinician_a,
        assessment=draft,
        responses={"distance_m": 300, "minute_1_m": 52},
        context={"protocol": "sma_25m"},
        expected_version=draft.row_version,
    )
    return assessment_services.assessment_save(
        by=world.clinician_a,
        assessment=saved,
        responses={"distance_m": 300, "minute_1_m": 55},
        context={"protocol": "ats_2002"},
        expected_version=saved.row_version,
    )


def audit_page(world, patient, lang: str) -> str:
    client = signed_in(world.coordinator_a, lang)
    return client.get(reverse("patient_audit", args=[patient.registry_id])).content.decode()


@pytest.mark.parametrize(
    ("lang", "item", "metres", "context_field", "protocol"),
    [
        ("en", "Distance walked in minute 1 (m)", "m", "Test protocol", "ATS 2002, 30 m corridor"),
        ("ru", "Дистанция за 1-ю минуту (м)", "м", "Протокол теста", "ATS 2002, коридор 30 м"),
        ("kk", "1-минутта жүрілген қашықтық (м)", "м", "Тест хаттамасы", "ATS 2002, 30 м дәліз"),
    ],
)
def test_item_and_context_changes_read_as_their_labels(
    world, patient_a, six_minute_walk, lang, item, metres, context_field, protocol
):
    page = audit_page(world, patient_a, lang)
    assert f"<strong>2. {item}</strong>" in page
    assert f'class="q-diff-old">52 {metres}</span> → <span class="q-diff-new">55 {metres}</span>' in page
    assert f"<strong>{context_field}</strong>" in page and protocol in page
    assert ">responses.minute_1_m<" not in page and "<strong>context</strong>" not in page
    assert 'title="responses.minute_1_m"' in page
    assert "6MWT" in page


def test_status_band_and_instrument_read_as_words(world, patient_a, signed_a):
    page = audit_page(world, patient_a, "ru")
    assert "Подписана" in page and ">signed<" not in page
    assert "<strong>1. " in page and "2 — " in page
    assert "HFMSE" in page and ">hfmse<" not in page


def test_a_registry_manager_reads_the_same_labels(world, patient_a, six_minute_walk):
    client = signed_in(world.manager, "en")
    page = client.get(reverse("patient_audit", args=[patient_a.registry_id])).content.decode()
    assert "<strong>2. Distance walked in minute 1 (m)</strong>" in page
