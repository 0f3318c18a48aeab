"""Transition to adult care: who appears, the checklist, its audit trail and its page."""

from __future__ import annotations

import datetime

import pytest

from qadam.audit.models import AuditEntry
from qadam.core.exceptions import Invalid, NotAllowed, NotVisible
from qadam.monitoring import selectors, services
from qadam.monitoring.models import TransitionStep

from .conftest import signed_in, sma_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def teenager(world, today):
    """Turns 18 in three months."""
    return sma_patient(
        world.clinician_a,
        world.center_a,
        birth_date=selectors.add_months(today, -18 * 12 + 3),
        diagnosed_on=today - datetime.timedelta(days=60),
    )


def transition_items(user, today, **filters):
    return selectors.worklist(
        viewer=user, today=today, filters=selectors.WorklistFilters(kind="transition", **filters)
    ).items


@pytest.mark.parametrize(
    ("months_to_18", "listed", "state"),
    [(13, False, None), (12, True, "upcoming"), (1, True, "upcoming"), (-1, True, "overdue"), (-13, False, None)],
)
def test_who_appears(world, today, months_to_18, listed, state):
    patient = sma_patient(
        world.clinician_a,
        world.center_a,
        birth_date=selectors.add_months(today, -18 * 12 + months_to_18),
        diagnosed_on=today - datetime.timedelta(days=10),
    )
    items = transition_items(world.clinician_a, today)
    assert bool(items) is listed
    if listed:
        assert items[0].registry_id == patient.registry_id and items[0].state == state


def test_the_window_is_a_setting(world, today, settings, teenager):
    settings.QADAM_TRANSITION_MONTHS = 2
    assert transition_items(world.clinician_a, today) == []
    assert transition_items(world.clinician_a, today, transition_months=6)


def test_progress_is_stored_and_audited(world, today, teenager):
    step = services.transition_step_set(
        by=world.clinician_a,
        patient=teenager,
        item="adult_neurologist",
        done_on=today,
        note="Dr Omarova, city hospital",
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.patient_registry_id, entry.object_type) == (
        "create",
        teenager.registry_id,
        "monitoring.transitionstep",
    )
    assert entry.changes["done_on"] == [None, today.isoformat()]
    services.transition_step_set(by=world.coordinator_a, patient=teenager, item="adult_neurologist", done_on=None)
    step.refresh_from_db()
    assert step.done_on is None and step.note == ""
    assert AuditEntry.objects.order_by("-seq").first().action == "update"
    # Saving the same state again writes nothing.
    count = AuditEntry.objects.count()
    services.transition_step_set(by=world.coordinator_a, patient=teenager, item="adult_neurologist", done_on=None)
    assert AuditEntry.objects.count() == count
    # Every item done: the patient leaves the worklist.
    for item in TransitionStep.Item.values:
        services.transition_step_set(by=world.clinician_a, patient=teenager, item=item, done_on=today)
    assert transition_items(world.clinician_a, today) == []


def test_refusals(world, today, teenager):
    with pytest.raises(NotVisible):
        services.transition_step_set(by=world.clinician_b, patient=teenager, item="consent_at_18", done_on=today)
    with pytest.raises(NotAllowed):
        services.transition_step_set(by=world.manager, patient=teenager, item="consent_at_18", done_on=today)
    with pytest.raises(Invalid) as caught:
        services.transition_step_set(
            by=world.clinician_a, patient=teenager, item="holiday", done_on=today + datetime.timedelta(days=1)
        )
    assert caught.value.codes() == {"item": ["choice_invalid"], "done_on": ["date_in_future"]}
    assert TransitionStep.objects.count() == 0


class TestPage:
    def test_inside(self, world, today, teenager):
        client = signed_in(world.clinician_a)
        url = f"/patients/{teenager.registry_id}/transition/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"adult_neurologist_done_on": today.isoformat(), "adult_neurologist_note": "named"})
        assert response.status_code == 302
        assert TransitionStep.objects.get(patient=teenager, item="adult_neurologist").note == "named"
        detail = client.get(f"/patients/{teenager.registry_id}/").content.decode()
        assert "Transition to adult care" in detail and "1 of 6" in detail

    def test_bad_date(self, world, teenager):
        response = signed_in(world.clinician_a).post(
            f"/patients/{teenager.registry_id}/transition/", {"summary_sent_done_on": "2999-01-01"}
        )
        assert response.status_code == 400
        assert TransitionStep.objects.count() == 0

    def test_outside(self, world, teenager):
        url = f"/patients/{teenager.registry_id}/transition/"
        assert signed_in(world.clinician_b).get(url).status_code == 404
        assert signed_in(world.manager).get(url).status_code == 200
        assert signed_in(world.manager).post(url, {}).status_code == 403

    def test_readers_get_a_table_and_no_free_text_outside_the_center(self, world, today, teenager):
        services.transition_step_set(by=world.clinician_a, patient=teenager, item="adult_neurologist", done_on=today, note="Dr Secretname")  # fmt: skip
        url = f"/patients/{teenager.registry_id}/transition/"
        manager = signed_in(world.manager).get(url).content.decode()
        assert 'data-testid="transition-steps"' in manager and "<form" not in manager.split("<main", 1)[-1]
        assert "Secretname" not in manager
        # A reader of the patient's own center (a trainer) sees the note, without a form.
        trainer = signed_in(world.trainer_a).get(url).content.decode()
        assert "Dr Secretname" in trainer and 'data-testid="transition-steps"' in trainer
        assert TransitionStep.objects.get(item="adult_neurologist").note == "Dr Secretname"
