"""Entering an assessment item by item: running total, complete, sign, amend and conflicts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qadam.assessments.models import Assessment, AssessmentRevision
from qadam.core.testing import PASSWORD

from .conftest import HFMSE_ALL_TWO, signed_in


def new_url(visit, code="hfmse"):
    return reverse("assessment_new", args=[visit.pk]) + f"?instrument={code}"


def test_the_form_has_every_item_in_order_with_labels_in_the_user_language(world, visit_a):
    page = signed_in(world.clinician_a, "ru").get(new_url(visit_a)).content.decode()
    assert page.index('name="item-1"') < page.index('name="item-2"') < page.index('name="item-33"')
    assert "Сидя на кушетке" in page or "Выполняет без помощи и компенсации" in page
    assert 'lang="ru"' in page
    assert 'hx-post="/assessments/preview/"' in page


def test_without_an_instrument_the_visit_offers_the_catalogue(world, visit_a):
    response = signed_in(world.clinician_a).get(reverse("assessment_new", args=[visit_a.pk]))
    assert response.status_code == 200
    assert "HFMSE" in response.content.decode() and "PHQ-9" in response.content.decode()


def test_an_unknown_instrument_code_gets_a_message_and_the_catalogue(world, visit_a):
    response = signed_in(world.clinician_a).get(new_url(visit_a, "hfmse2<script>"))
    assert response.status_code == 400
    assert "&lt;script&gt;" in response.content.decode()
    assert "HFMSE" in response.content.decode()


def test_the_running_total_follows_each_item(world):
    client = signed_in(world.clinician_a)
    data = {"instrument": "hfmse", "item-1": "2"}
    first = client.post(reverse("assessment_preview"), data)
    assert first.status_code == 200
    assert "1 of 33" in first.content.decode()
    full = client.post(reverse("assessment_preview"), {"instrument": "hfmse", **HFMSE_ALL_TWO})
    assert 'data-total="66"' in full.content.decode()


def test_the_running_total_explains_a_wrong_value_in_the_user_language(world):
    response = signed_in(world.clinician_a, "kk").post(
        reverse("assessment_preview"), {"instrument": "phq9", "item-1": "7"}
    )
    assert response.status_code == 200
    assert "шкаласының 1 тармағы" in response.content.decode()


def test_saving_a_new_assessment_creates_a_draft_with_the_computed_result(world, visit_a):
    response = signed_in(world.clinician_a).post(
        new_url(visit_a), {"instrument": "hfmse", "action": "save", "item-1": "1"}
    )
    assessment = Assessment.objects.get(visit=visit_a)
    assert response.status_code == 302 and response["Location"] == reverse("assessment_edit", args=[assessment.pk])
    assert assessment.status == "draft" and assessment.responses == {"1": 1}
    assert assessment.result["missing"][:2] == ["2", "3"]


def test_a_wrong_value_is_refused_with_a_message_beside_the_item_and_nothing_is_saved(world, visit_a):
    response = signed_in(world.clinician_a, "ru").post(new_url(visit_a), {"instrument": "hfmse", "item-1": "3"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#item-1"' in page and "Пункт 1 шкалы HFMSE" in page
    assert not Assessment.objects.filter(visit=visit_a).exists()


def test_completing_with_missing_items_is_refused_and_leaves_no_empty_draft(world, visit_a):
    response = signed_in(world.clinician_a).post(
        new_url(visit_a), {"instrument": "hfmse", "action": "complete", "item-1": "2"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Missing: 2, 3" in page
    assert 'id="item-2-error"' in page and 'id="item-33-error"' in page and 'id="item-1-error"' not in page
    assert not Assessment.objects.filter(visit=visit_a).exists()


def test_not_tested_with_a_reason_is_stored_and_withholds_the_total(world, visit_a):
    data = {
        "instrument": "hfmse",
        "action": "complete",
        **HFMSE_ALL_TWO,
        "item-7": "",
        "nt-7": "contracture",
        "ntnote-7": "hip",
    }
    signed_in(world.clinician_a).post(new_url(visit_a), data)
    assessment = Assessment.objects.get(visit=visit_a)
    assert assessment.status == "completed"
    assert assessment.responses["7"] == {"not_tested": "contracture", "note": "hip"}
    assert assessment.total is None


def test_a_value_and_a_not_tested_reason_together_are_refused(world, visit_a):
    response = signed_in(world.clinician_a).post(
        new_url(visit_a), {"instrument": "hfmse", "item-7": "1", "nt-7": "pain"}
    )
    assert response.status_code == 400
    assert "has both a value and a reason" in response.content.decode()


def test_editing_a_draft_with_a_stale_version_shows_a_conflict_and_saves_nothing(world, draft_a):
    url = reverse("assessment_edit", args=[draft_a.pk])
    first, second = signed_in(world.clinician_a), signed_in(world.coordinator_a)
    loaded_version = draft_a.row_version
    assert first.post(url, {"instrument": "hfmse", "row_version": loaded_version, "item-1": "2"}).status_code == 302
    response = second.post(url, {"instrument": "hfmse", "row_version": loaded_version, "item-1": "0"})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.responses == {"1": 2}


def test_a_missing_version_asks_to_reload_instead_of_guessing(world, draft_a):
    response = signed_in(world.clinician_a).post(
        reverse("assessment_edit", args=[draft_a.pk]), {"instrument": "hfmse", "item-1": "2"}
    )
    assert response.status_code == 400
    draft_a.refresh_from_db()
    assert draft_a.responses == {}


def test_signing_needs_the_password_again(world, draft_a):
    client = signed_in(world.clinician_a)
    edit = reverse("assessment_edit", args=[draft_a.pk])
    client.post(
        edit, {"instrument": "hfmse", "row_version": draft_a.row_version, "action": "complete", **HFMSE_ALL_TWO}
    )
    draft_a.refresh_from_db()
    sign = reverse("assessment_sign", args=[draft_a.pk])
    wrong = client.post(sign, {"password": "not it", "row_version": draft_a.row_version})
    assert wrong.status_code == 400 and "The password is not correct" in wrong.content.decode()
    right = client.post(sign, {"password": PASSWORD, "row_version": draft_a.row_version})
    assert right.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == "signed" and draft_a.signed_by == world.clinician_a


def test_a_coordinator_cannot_sign(world, draft_a):
    assert signed_in(world.coordinator_a).get(reverse("assessment_sign", args=[draft_a.pk])).status_code == 403


def test_a_signed_assessment_is_read_only_and_a_post_to_it_is_refused(world, signed_a):
    client = signed_in(world.clinician_a)
    url = reverse("assessment_edit", args=[signed_a.pk])
    page = client.get(url).content.decode()
    assert "disabled" in page and reverse("assessment_amend", args=[signed_a.pk]) in page
    response = client.post(url, {"instrument": "hfmse", "row_version": signed_a.row_version, "item-1": "0"})
    assert response.status_code == 409
    signed_a.refresh_from_db()
    assert signed_a.responses["1"] == 2


def test_an_amendment_needs_a_reason(world, signed_a):
    data = {"instrument": "hfmse", "row_version": signed_a.row_version, **HFMSE_ALL_TWO, "item-5": "1", "reason": ""}
    response = signed_in(world.clinician_a, "ru").post(reverse("assessment_amend", args=[signed_a.pk]), data)
    assert response.status_code == 400
    assert "Укажите причину изменения подписанной оценки" in response.content.decode()
    signed_a.refresh_from_db()
    assert signed_a.status == "signed"


def test_an_amendment_keeps_the_signed_version_visible_beside_the_new_one(world, signed_a):
    client = signed_in(world.clinician_a)
    data = {
        "instrument": "hfmse",
        "row_version": signed_a.row_version,
        **HFMSE_ALL_TWO,
        "item-5": "1",
        "reason": "Re-scored item 5 from the video",
    }
    assert client.post(reverse("assessment_amend", args=[signed_a.pk]), data).status_code == 302
    signed_a.refresh_from_db()
    assert signed_a.status == "amended" and signed_a.total == 65
    assert AssessmentRevision.objects.get(assessment=signed_a).total == 66
    page = client.get(reverse("assessment_edit", args=[signed_a.pk])).content.decode()
    assert "Re-scored item 5 from the video" in page
    assert 'class="q-diff-old">2' in page and 'class="q-diff-new">1' in page


@pytest.mark.parametrize(
    ("code", "first_field"),
    [
        ("phq9", 'name="item-1"'),
        ("hads", 'name="item-'),
        ("nihss", 'name="item-'),
        ("rulm", 'name="item-'),
        ("gas", 'name="goal-1"'),
        ("fvc", 'name="item-'),
        ("moca", 'name="item-'),
        ("eq5d5l", 'name="item-'),
    ],
)
def test_every_kind_of_instrument_renders_its_form(world, visit_a, code, first_field):
    response = signed_in(world.clinician_a).get(new_url(visit_a, code))
    assert response.status_code == 200
    assert first_field in response.content.decode()
