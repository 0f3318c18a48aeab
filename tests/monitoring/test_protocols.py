"""Protocol versions: defaults loaded by the migration, center overrides, history, rights, audit, the pages."""

from __future__ import annotations

import pytest

from qadam.audit.models import AuditEntry
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed, NotVisible
from qadam.core.testing import make_user
from qadam.monitoring import selectors, services
from qadam.monitoring.defaults import default_protocols
from qadam.monitoring.models import ProtocolVersion

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def rows_of(condition="sma"):
    return default_protocols()[condition].rows_as_data()


def test_the_migration_loaded_every_default(db):
    defaults = ProtocolVersion.objects.filter(center__isnull=True)
    assert sorted(defaults.values_list("condition", flat=True)) == ["mg", "pain", "sma", "stroke"]
    sma = defaults.get(condition="sma")
    assert sma.number == 1 and sma.rows == rows_of() and sma.created_by is None
    assert "clinical.md" in sma.source


def test_a_center_follows_the_default_until_it_saves_its_own(world):
    view = selectors.protocol_view(viewer=world.clinician_a, center=world.center_a, condition="sma")
    assert view.is_default and view.version.number == 1 and view.history == [] and not view.can_edit


def test_the_coordinator_copies_and_edits_a_new_version(world):
    rows = rows_of()
    rows[0] = {**rows[0], "every": "P2M"}
    first = services.protocol_save(
        by=world.coordinator_a,
        center=world.center_a,
        condition="sma",
        rows=rows,
        reason="Infants seen every 2 months in our clinic",
        expected_number=None,
    )
    assert (first.number, first.center, first.based_on.center) == (1, world.center_a, None)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "create" and entry.object_type == "monitoring.protocolversion"
    assert entry.changes["rows_changed"] == [None, [rows[0]["key"]]]
    assert entry.reason == "Infants seen every 2 months in our clinic" and entry.actor_username == "coordinator_a"

    second = services.protocol_save(
        by=world.coordinator_a,
        center=world.center_a,
        condition="sma",
        rows=rows[1:],
        reason="Infant row retired",
        expected_number=1,
    )
    assert second.number == 2 and second.based_on == first
    assert AuditEntry.objects.order_by("-seq").first().changes["rows_removed"] == [None, [rows[0]["key"]]]
    view = selectors.protocol_view(viewer=world.clinician_a, center=world.center_a, condition="sma")
    assert not view.is_default and view.version == second and [v.number for v in view.history] == [2, 1]
    # The old version is kept whole, and the default is untouched.
    assert ProtocolVersion.objects.get(pk=first.pk).rows[0]["every"] == "P2M"
    assert ProtocolVersion.objects.get(center__isnull=True, condition="sma").rows == rows_of()


def test_the_version_in_force_drives_the_schedule(world):
    rows = [r for r in rows_of() if r["key"] == "sma.sitter.untreated"]
    rows[0] = {**rows[0], "instruments": ["hfmse"]}
    services.protocol_save(
        by=world.manager, center=world.center_a, condition="sma", rows=rows, reason="HFMSE only", expected_number=None
    )
    in_force = selectors._rows_in_force([world.center_a.pk])
    assert [r.instruments for r in in_force[(world.center_a.pk, "sma")]] == [("hfmse",)]
    assert len(in_force[(None, "sma")]) == len(rows_of())


def test_an_edit_conflict(world):
    services.protocol_save(
        by=world.coordinator_a,
        center=world.center_a,
        condition="mg",
        rows=rows_of("mg"),
        reason="ours",
        expected_number=None,
    )
    with pytest.raises(Conflict):
        services.protocol_save(
            by=world.coordinator_a,
            center=world.center_a,
            condition="mg",
            rows=rows_of("mg"),
            reason="again",
            expected_number=None,
        )
    assert ProtocolVersion.objects.filter(center=world.center_a).count() == 1


def test_who_may_edit(world):
    center_b_lead = make_user("lead_b", (world.center_b, "coordinator"))
    for user in (world.clinician_a, world.trainer_a, world.administrator_a):
        with pytest.raises(NotAllowed):
            services.protocol_save(
                by=user, center=world.center_a, condition="sma", rows=rows_of(), reason="x", expected_number=None
            )
    for user in (world.outsider, center_b_lead):
        with pytest.raises(NotVisible):
            services.protocol_save(
                by=user, center=world.center_a, condition="sma", rows=rows_of(), reason="x", expected_number=None
            )
    # Only registry managers change the registry default.
    with pytest.raises(NotAllowed):
        services.protocol_save(
            by=world.coordinator_a, center=None, condition="sma", rows=rows_of(), reason="x", expected_number=1
        )
    version = services.protocol_save(
        by=world.manager,
        center=None,
        condition="pain",
        rows=rows_of("pain")[:2],
        reason="Treatment visits left to centers",
        expected_number=1,
    )
    assert version.number == 2 and version.center is None
    assert ProtocolVersion.objects.count() == 5


def test_bad_rows_change_nothing(world):
    bad = rows_of()
    bad[1] = {**bad[1], "instruments": ["hfmse", "vo2max"], "offsets": ["soon"]}
    with pytest.raises(Invalid) as caught:
        services.protocol_save(
            by=world.manager, center=world.center_a, condition="sma", rows=bad, reason="x", expected_number=None
        )
    assert caught.value.codes() == {
        "rows.1.instruments": ["instrument_unknown"],
        "rows.1.offsets": ["duration_invalid"],
    }
    assert "vo2max" in caught.value.field_messages()["rows.1.instruments"][0]
    with pytest.raises(Invalid) as caught:
        services.protocol_save(
            by=world.manager, center=world.center_a, condition="sma", rows=rows_of(), reason=" ", expected_number=None
        )
    assert caught.value.codes() == {"reason": ["reason_required"]}
    with pytest.raises(Invalid):
        services.protocol_save(
            by=world.manager, center=world.center_a, condition="sma", rows=[], reason="empty", expected_number=None
        )
    assert ProtocolVersion.objects.filter(center=world.center_a).count() == 0


@pytest.mark.parametrize("offsets,every", [(["P9999Y"], None), (["P0D", "P9000W"], None), (["P0D"], "P9999Y")])
def test_a_duration_longer_than_a_lifetime_is_refused(world, offsets, every):
    """P9999Y would put due dates past year 9999: refused when saved, never a failure when scheduled."""
    bad = rows_of()
    bad[0] = {**bad[0], "offsets": offsets, "every": every}
    with pytest.raises(Invalid) as caught:
        services.protocol_save(
            by=world.manager, center=world.center_a, condition="sma", rows=bad, reason="x", expected_number=None
        )
    field = "every" if every else "offsets"
    assert caught.value.codes() == {f"rows.0.{field}": ["duration_too_long"]}
    assert "at most 125 years" in caught.value.field_messages()[f"rows.0.{field}"][0]
    assert ProtocolVersion.objects.filter(center=world.center_a).count() == 0


def test_the_longest_durations_allowed_still_schedule(world, overdue_patient, today):
    rows = rows_of()
    rows[0] = {**rows[0], "offsets": ["P0D", "P125Y"], "every": "P1500M"}
    services.protocol_save(
        by=world.manager, center=world.center_a, condition="sma", rows=rows, reason="x", expected_number=None
    )
    items = selectors.worklist(viewer=world.clinician_a, today=today).items
    assert overdue_patient.registry_id in {i.registry_id for i in items}


def test_refreshing_the_defaults_adds_versions_only_when_they_changed(world):
    assert services.protocol_defaults_refresh(by=world.manager) == []
    services.protocol_save(
        by=world.manager, center=None, condition="mg", rows=rows_of("mg")[:1], reason="x", expected_number=1
    )
    created = services.protocol_defaults_refresh(by=world.manager)
    assert [(v.condition, v.number) for v in created] == [("mg", 3)]


class TestPages:
    def test_list_and_detail_inside_and_outside(self, world):
        inside = signed_in(world.clinician_a)
        assert inside.get("/protocols/").status_code == 200
        page = inside.get("/protocols/center-a/sma/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "CHOP INTEND" in body and "clinical.md" in body and "/edit/" not in body
        assert inside.get("/protocols/default/stroke/").status_code == 200
        assert inside.get("/protocols/center-b/sma/").status_code == 404
        assert inside.get("/protocols/center-a/flu/").status_code == 404
        assert inside.get("/protocols/nowhere/sma/").status_code == 404
        assert signed_in(world.outsider).get("/protocols/center-a/sma/").status_code == 404
        assert signed_in(world.outsider).get("/protocols/").status_code == 404

    def test_edit_from_the_page(self, world):
        lead = signed_in(world.coordinator_a)
        form = lead.get("/protocols/center-a/mg/edit/")
        assert form.status_code == 200
        rows = rows_of("mg")
        data = {
            "rows-TOTAL_FORMS": str(len(rows) + 1),
            "rows-INITIAL_FORMS": str(len(rows)),
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "200",
            "reason": "MG-ADL monthly in year 1",
            "expected_number": "",
        }
        for i, row in enumerate(rows):
            for name, value in row.items():
                if isinstance(value, list):
                    value = ", ".join(value)
                data[f"rows-{i}-{name}"] = "" if value is None else str(value)
        data["rows-1-offsets"] = "P1M, P2M, P3M, P6M, P9M, P12M"
        data[f"rows-{len(rows) - 1}-DELETE"] = "on"
        response = lead.post("/protocols/center-a/mg/edit/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        version = ProtocolVersion.objects.get(center=world.center_a, condition="mg")
        assert version.rows[1]["offsets"] == ["P1M", "P2M", "P3M", "P6M", "P9M", "P12M"]
        assert len(version.rows) == len(rows) - 1
        assert "Version 1" in lead.get("/protocols/center-a/mg/").content.decode()
        assert lead.get(f"/protocols/versions/{version.pk}/").status_code == 200
        # Posting the same starting point again is a conflict; a bad instrument is a 400 on its row.
        assert lead.post("/protocols/center-a/mg/edit/", data).status_code == 409
        data["expected_number"] = "1"
        data["rows-0-instruments"] = "mg_adl, nope"
        bad = lead.post("/protocols/center-a/mg/edit/", data)
        assert bad.status_code == 400 and "nope" in bad.content.decode()
        assert ProtocolVersion.objects.filter(center=world.center_a, condition="mg").count() == 1

    def test_edit_refused(self, world):
        assert signed_in(world.clinician_a).get("/protocols/center-a/sma/edit/").status_code == 403
        assert signed_in(world.clinician_b).get("/protocols/center-a/sma/edit/").status_code == 404
        assert signed_in(world.clinician_a).post("/protocols/center-a/sma/edit/", {}).status_code == 403
        assert (
            signed_in(world.clinician_a).get(f"/protocols/versions/{ProtocolVersion.objects.first().pk}/").status_code
            == 200
        )
        assert (
            signed_in(world.outsider).get(f"/protocols/versions/{ProtocolVersion.objects.first().pk}/").status_code
            == 404
        )


def test_a_center_returns_to_the_default(world):
    services.protocol_save(
        by=world.coordinator_a,
        center=world.center_a,
        condition="pain",
        rows=rows_of("pain")[:1],
        reason="short",
        expected_number=None,
    )
    back = services.protocol_reset(
        by=world.coordinator_a,
        center=world.center_a,
        condition="pain",
        reason="back to the registry default",
        expected_number=1,
    )
    assert back.number == 2 and back.rows == rows_of("pain") and back.based_on.number == 1
    assert [
        v.number
        for v in selectors.protocol_view(viewer=world.clinician_a, center=world.center_a, condition="pain").history
    ] == [2, 1]


def test_protocol_tables_have_captions(world):
    client = signed_in(world.clinician_a)
    for path in ("/protocols/", "/protocols/center-a/sma/"):
        page = client.get(path).content.decode()
        assert page.count("<table") == page.count("<caption"), path


def test_a_row_problem_in_the_summary_links_to_its_row(world):
    data = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "reason": "r", "rows-0-key": "k", "rows-0-instruments": "hfmse", "rows-0-anchor": "treatment_start", "rows-0-offsets": "P0D"}  # fmt: skip
    page = signed_in(world.coordinator_a).post("/protocols/center-a/sma/edit/", data).content.decode()
    assert 'href="#' in page and 'id="rows-0"' in page
    summary = page[page.index("q-error-summary") : page.index("</ul>", page.index("q-error-summary"))]
    assert 'href="#main"' not in summary


class TestReturnToTheDefault:
    """The "Return to the default protocol" button: a confirmation with a required reason, a new version."""

    def own_version(self, world):
        return services.protocol_save(
            by=world.coordinator_a,
            center=world.center_a,
            condition="pain",
            rows=rows_of("pain")[:1],
            reason="short",
            expected_number=None,
        )

    def test_the_button_only_for_editors_of_a_center_with_its_own_version(self, world):
        lead = signed_in(world.coordinator_a)
        assert "/protocols/center-a/pain/reset/" not in lead.get("/protocols/center-a/pain/").content.decode()
        self.own_version(world)
        assert "/protocols/center-a/pain/reset/" in lead.get("/protocols/center-a/pain/").content.decode()
        reader = signed_in(world.clinician_a).get("/protocols/center-a/pain/").content.decode()
        assert "/reset/" not in reader
        assert "/reset/" not in lead.get("/protocols/default/pain/").content.decode()

    def test_confirm_with_a_reason(self, world):
        self.own_version(world)
        lead = signed_in(world.coordinator_a)
        page = lead.get("/protocols/center-a/pain/reset/")
        assert page.status_code == 200 and 'name="reason"' in page.content.decode()
        # No reason: 400, the error summary names it, nothing saved.
        before = AuditEntry.objects.count()
        missing = lead.post("/protocols/center-a/pain/reset/", {"reason": "  ", "expected_number": "1"})
        assert missing.status_code == 400
        assert "Give the reason for returning to the default protocol." in missing.content.decode()
        assert ProtocolVersion.objects.filter(center=world.center_a, condition="pain").count() == 1
        assert AuditEntry.objects.count() == before

        done = lead.post("/protocols/center-a/pain/reset/", {"reason": "Back to the registry", "expected_number": "1"})
        assert done.status_code == 302 and done["Location"] == "/protocols/center-a/pain/"
        version = ProtocolVersion.objects.get(center=world.center_a, condition="pain", number=2)
        assert version.rows == rows_of("pain") and version.reason == "Back to the registry"
        entry = AuditEntry.objects.order_by("-seq").first()
        assert entry.action == "update" and entry.object_type == "monitoring.protocolversion"
        assert entry.changes["returned_to_default"] == [None, 1] and entry.changes["version"] == [1, 2]
        assert entry.reason == "Back to the registry" and entry.actor_username == "coordinator_a"

        # The same form again (started from version 1): a conflict, nothing saved.
        again = lead.post("/protocols/center-a/pain/reset/", {"reason": "Again", "expected_number": "1"})
        assert again.status_code == 409
        assert ProtocolVersion.objects.filter(center=world.center_a, condition="pain").count() == 2

    def test_refused(self, world):
        self.own_version(world)
        data = {"reason": "no", "expected_number": "1"}
        assert signed_in(world.clinician_a).get("/protocols/center-a/pain/reset/").status_code == 403
        assert signed_in(world.clinician_a).post("/protocols/center-a/pain/reset/", data).status_code == 403
        assert signed_in(world.clinician_b).post("/protocols/center-a/pain/reset/", data).status_code == 404
        assert signed_in(world.outsider).get("/protocols/center-a/pain/reset/").status_code == 404
        assert signed_in(world.manager).get("/protocols/default/pain/reset/").status_code == 404
        assert signed_in(world.coordinator_a).get("/protocols/center-a/flu/reset/").status_code == 404
        assert ProtocolVersion.objects.filter(center=world.center_a, condition="pain").count() == 1
        # A center that follows the default has nothing to return from.
        follows = signed_in(world.coordinator_a).post("/protocols/center-a/mg/reset/", data)
        assert follows.status_code == 409 and "already follows the registry default" in follows.content.decode()
        with pytest.raises(InvalidState):
            services.protocol_reset(
                by=world.coordinator_a, center=world.center_a, condition="mg", reason="x", expected_number=None
            )
        with pytest.raises(NotAllowed):
            services.protocol_reset(
                by=world.clinician_a, center=world.center_a, condition="pain", reason="x", expected_number=1
            )
        assert not ProtocolVersion.objects.filter(center=world.center_a, condition="mg").exists()


def test_the_adult_stable_interval_is_shown_and_edited(world):
    """clinical.md §A.1.2 note, as the rows' ``stable_every``: shown on the page, kept by the editor."""
    lead = signed_in(world.coordinator_a)
    page = lead.get("/protocols/center-a/sma/").content.decode()
    assert "P12M for adults (≥ 216 months) stable for 24 months on the same therapy" in page
    form = lead.get("/protocols/center-a/sma/edit/").content.decode()
    assert 'name="rows-0-stable_every"' in form and 'name="rows-1-stable_every"' in form
    rows = [r for r in rows_of() if r["key"] == "sma.sitter.risdiplam.motor"]
    data = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "1", "reason": "Adults after 3 years", "expected_number": ""}
    for name, value in rows[0].items():
        data[f"rows-0-{name}"] = ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
    data["rows-0-stable_after_months"] = "36"
    assert lead.post("/protocols/center-a/sma/edit/", data).status_code == 302
    saved = ProtocolVersion.objects.get(center=world.center_a, condition="sma").rows[0]
    assert (saved["stable_every"], saved["stable_after_months"], saved["stable_min_age_months"]) == ("P12M", 36, 216)
    data["expected_number"] = "1"
    data["rows-0-every"] = ""
    bad = lead.post("/protocols/center-a/sma/edit/", data)
    assert bad.status_code == 400 and "needs a repetition interval" in bad.content.decode()
