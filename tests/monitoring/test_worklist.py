"""The worklist: only the user's centers, filters, pagination, CSV, bounded queries, the patient page."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qadam.audit.models import AuditEntry
from qadam.core.exceptions import NotVisible
from qadam.core.testing import make_patient
from qadam.monitoring import selectors
from qadam.monitoring.selectors import WorklistFilters

from .conftest import course, done, signed_in, sma_patient

pytestmark = pytest.mark.django_db


def codes(items):
    return sorted({(i.registry_id, i.code, i.state) for i in items})


def test_only_the_users_centers(world, overdue_patient, other_center_patient, today):
    mine = selectors.worklist(viewer=world.clinician_a, today=today).items
    assert {i.registry_id for i in mine} == {overdue_patient.registry_id}
    theirs = selectors.worklist(viewer=world.clinician_b, today=today).items
    assert {i.registry_id for i in theirs} == {other_center_patient.registry_id}
    # A registry manager sees every center's records, but the worklist is for their own center (B).
    assert {i.registry_id for i in selectors.worklist(viewer=world.manager, today=today).items} == {
        other_center_patient.registry_id
    }
    assert selectors.worklist(viewer=world.outsider, today=today).items == []
    with pytest.raises(NotVisible):
        selectors.worklist(viewer=world.clinician_a, today=today, filters=WorklistFilters(center="center-b"))


def test_an_untreated_sitter_a_year_after_diagnosis(world, overdue_patient, today):
    items = selectors.worklist(viewer=world.clinician_a, today=today).items
    hfmse = [i for i in items if i.code == "hfmse"]
    # Assessed at diagnosis; the 6-month point was missed; the 12-month point is due about now.
    assert [i.state for i in hfmse] == ["overdue", "upcoming"]
    assert hfmse[0].due == selectors.add_months(today - datetime.timedelta(days=365), 6)
    assert hfmse[0].kind == "assessment" and hfmse[0].condition == "sma"
    # Overdue items come first.
    assert items[0].state == "overdue"


def test_filters(world, overdue_patient, today):
    def only(**filters):
        return selectors.worklist(viewer=world.clinician_a, today=today, filters=WorklistFilters(**filters)).items

    assert {i.state for i in only(state="overdue")} == {"overdue"}
    assert {i.state for i in only(state="upcoming")} == {"upcoming"}
    assert only(condition="mg") == []
    assert {i.condition for i in only(condition="sma")} == {"sma"}
    assert only(kind="dose") == []
    assert only(center="center-a")
    # A horizon of 0 days keeps upcoming items only when their window is already open.
    assert all(i.window_start <= today for i in only(state="upcoming", horizon_days=0))


def test_doses_from_the_therapy_schedules(world, today):
    patient = sma_patient(
        world.clinician_a,
        world.center_a,
        birth_date=datetime.date(2015, 1, 1),
        diagnosed_on=today - datetime.timedelta(days=400),
    )
    start = today - datetime.timedelta(days=200)
    course(world.clinician_a, patient, "nusinersen", start, doses=[start, start + datetime.timedelta(days=14)])
    doses = selectors.worklist(viewer=world.clinician_a, today=today, filters=WorklistFilters(kind="dose")).items
    assert doses and {i.code for i in doses} == {"nusinersen"}
    # Doses 3 and 4 of the loading schedule are long overdue.
    assert doses[0].state == "overdue"
    # The nusinersen protocol row replaces the untreated one: the baseline before the first dose was missed.
    hfmse = [i for i in selectors.worklist(viewer=world.clinician_a, today=today).items if i.code == "hfmse"]
    assert hfmse and all(i.rule in ("protocol", "baseline_before_first_dose") for i in hfmse)


def test_transition_patients(world, today):
    teenager = sma_patient(
        world.clinician_a,
        world.center_a,
        birth_date=selectors.add_months(today, -18 * 12 + 5),
        diagnosed_on=today - datetime.timedelta(days=30),
    )
    items = selectors.worklist(viewer=world.clinician_a, today=today, filters=WorklistFilters(kind="transition")).items
    assert [(i.registry_id, i.state) for i in items] == [(teenager.registry_id, "upcoming")]
    assert items[0].due == selectors.add_months(teenager.birth_date, 18 * 12)
    # Four months ahead only: the patient turns 18 in five months.
    fewer = selectors.worklist(
        viewer=world.clinician_a, today=today, filters=WorklistFilters(kind="transition", transition_months=4)
    ).items
    assert fewer == []


def test_bounded_queries(world, today):
    """The number of queries does not grow with the number of patients."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.worklist(viewer=world.clinician_a, today=today)
        return len(queries)

    def add(n: int) -> None:
        for k in range(n):
            patient = sma_patient(
                world.clinician_a,
                world.center_a,
                birth_date=datetime.date(2010, 1, 1 + k),
                diagnosed_on=today - datetime.timedelta(days=300 + k),
            )
            done(world.clinician_a, patient, "hfmse", today - datetime.timedelta(days=100))
            course(
                world.clinician_a,
                patient,
                "nusinersen",
                today - datetime.timedelta(days=90),
                doses=[today - datetime.timedelta(days=90)],
            )

    add(2)
    few = count()
    add(8)
    assert count() == few


class TestWeb:
    def test_page_inside_and_outside(self, world, overdue_patient, other_center_patient):
        inside = signed_in(world.clinician_a).get("/worklist/")
        assert inside.status_code == 200
        body = inside.content.decode()
        assert overdue_patient.registry_id in body and other_center_patient.registry_id not in body
        assert signed_in(world.outsider).get("/worklist/").status_code == 200
        assert overdue_patient.registry_id not in signed_in(world.outsider).get("/worklist/").content.decode()
        assert signed_in(world.clinician_a).get("/worklist/?center=center-b").status_code == 400
        assert signed_in(world.clinician_a).get("/worklist/?state=late").status_code == 400
        assert signed_in(world.clinician_a).get("/worklist/?horizon=-1").status_code == 400

    def test_signed_out(self, client):
        response = client.get("/worklist/")
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_filter_to_overdue(self, world, overdue_patient):
        body = signed_in(world.clinician_a).get("/worklist/?state=overdue").content.decode()
        assert 'data-state="overdue"' in body and 'data-state="upcoming"' not in body

    def test_pagination(self, world, today):
        for k in range(30):
            sma_patient(
                world.clinician_a,
                world.center_a,
                birth_date=datetime.date(2010, 1, 1 + k % 28),
                diagnosed_on=today - datetime.timedelta(days=400),
            )
        first = signed_in(world.clinician_a).get("/worklist/?state=overdue")
        assert first.status_code == 200 and "page=2" in first.content.decode()
        assert first.content.decode().count("<tr data-state") == 50
        assert signed_in(world.clinician_a).get("/worklist/?state=overdue&page=2").status_code == 200

    def test_csv(self, world, overdue_patient, other_center_patient):
        before = AuditEntry.objects.count()
        response = signed_in(world.clinician_a).get("/worklist.csv?state=overdue")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        raw = response.content
        assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads UTF-8
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0][0] == "Registry id"
        assert {row[0] for row in rows[1:]} == {overdue_patient.registry_id}
        assert {row[6] for row in rows[1:]} == {"Overdue"}
        export = AuditEntry.objects.order_by("-seq").first()
        assert AuditEntry.objects.count() == before + 1 and export.action == "export"

    def test_csv_cells_never_start_a_formula(self, world, overdue_patient):
        from qadam.monitoring import services
        from qadam.monitoring.defaults import default_protocols

        rows = default_protocols()["sma"].rows_as_data()
        rows = [{**row, "source": '=HYPERLINK("http://evil.example","Click")'} for row in rows]
        services.protocol_save(by=world.coordinator_a, center=world.center_a, condition="sma", rows=rows, reason="Local", expected_number=None)  # fmt: skip
        raw = signed_in(world.clinician_a).get("/worklist.csv?kind=assessment").content
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        sources = {row[rows[0].index("Source")] for row in rows[1:]}
        assert sources == {'\'=HYPERLINK("http://evil.example","Click")'}

    def test_csv_in_russian_and_kazakh(self, world, overdue_patient):
        client = signed_in(world.clinician_a)
        client.cookies["django_language"] = "ru"
        text = client.get("/worklist.csv").content.decode("utf-8-sig")
        assert overdue_patient.registry_id in text
        client.cookies["django_language"] = "kk"
        assert client.get("/worklist.csv").status_code == 200

    def test_csv_refuses_bad_filters(self, world):
        assert signed_in(world.clinician_a).get("/worklist.csv?kind=everything").status_code == 400
        assert signed_in(world.clinician_a).get("/worklist.csv?center=center-b").status_code == 400

    def test_patient_page_section(self, world, overdue_patient):
        page = signed_in(world.clinician_a).get(f"/patients/{overdue_patient.registry_id}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-testid="monitoring"' in body and "HFMSE" in body and "Overdue" in body
        # A registry manager of another center sees the record, and what is due, without edit links.
        manager = signed_in(world.manager).get(f"/patients/{overdue_patient.registry_id}/").content.decode()
        assert 'data-testid="monitoring"' in manager and "/transition/" not in manager

    def test_the_patient_page_uses_the_worklist_horizon(self, world, monkeypatch):
        """The "nothing due" sentence names the worklist's horizon (due.DEFAULT_HORIZON_DAYS), not a fixed 90."""
        from qadam.monitoring import due

        patient = make_patient(world.clinician_a, world.center_a, birth_date=datetime.date(1990, 1, 1))
        client = signed_in(world.clinician_a)
        body = client.get(f"/patients/{patient.registry_id}/").content.decode()
        assert "Nothing is overdue or due in the next 90 days" in body
        monkeypatch.setattr(due, "DEFAULT_HORIZON_DAYS", 45)
        body = client.get(f"/patients/{patient.registry_id}/").content.decode()
        assert "Nothing is overdue or due in the next 45 days" in body

    def test_a_not_before_date_has_an_open_window_on_the_patient_page(self, world, today):
        """The next botulinum session has no end to its window: "from … – …", never a dangling dash."""
        from qadam.therapy import services as therapy_services

        patient = make_patient(world.clinician_a, world.center_a, birth_date=datetime.date(1990, 1, 1))
        session = today - datetime.timedelta(days=30)
        botox = therapy_services.course_start(by=world.clinician_a, patient=patient, drug="onabotulinumtoxinA", started_on=session, product="botox")  # fmt: skip
        injections = {"product": "botox", "injections": [{"muscle": "Biceps brachii", "side": "left", "units": 100}]}
        therapy_services.administration_record(by=world.clinician_a, course=botox, given_on=session, dose=None, dose_unit="U", route="im", procedure=injections)  # fmt: skip
        body = signed_in(world.clinician_a).get(f"/patients/{patient.registry_id}/").content.decode()
        section = body[body.index('data-testid="monitoring"') :]
        assert "Botulinum" in section or "botulinum" in section
        assert " – …</td>" in section and " – </td>" not in section


def test_the_worklist_sorts_by_due_date_patient_or_center(world, overdue_patient, today):
    second = sma_patient(world.clinician_a, world.center_a, birth_date=datetime.date(2011, 2, 2), diagnosed_on=today - datetime.timedelta(days=30))  # fmt: skip

    def order(sort):
        return selectors.worklist(viewer=world.clinician_a, today=today, filters=WorklistFilters(sort=sort)).items

    urgent = order("")
    assert [i.state for i in urgent] == sorted((i.state for i in urgent), key=lambda s: s != "overdue")
    assert [i.due for i in order("due")] == sorted(i.due for i in urgent)
    assert [i.registry_id for i in order("patient")] == sorted(i.registry_id for i in urgent)
    assert {i.registry_id for i in urgent} == {overdue_patient.registry_id, second.registry_id}
    page = signed_in(world.clinician_a).get("/worklist/?sort=patient")
    assert page.status_code == 200 and 'name="sort"' in page.content.decode()
    assert signed_in(world.clinician_a).get("/worklist/?sort=shoe-size").status_code == 400


def test_adults_stable_on_the_same_therapy_are_not_flagged_at_six_months(world, today):
    """clinical.md §A.1.2 note: an adult sitter on risdiplam for 3 years, assessed 210 days ago, is
    next due at 12 months (in 155 days, beyond the 90-day horizon), not at 6 months (27 days ago,
    window closed 13 days ago). On risdiplam for 400 days, or with a status changed 100 days ago,
    the row's 6 months hold: overdue."""
    from qadam.patients import services as patient_services

    day = datetime.timedelta(days=1)

    def adult(started_days_ago: int):
        patient = sma_patient(
            world.clinician_a,
            world.center_a,
            birth_date=datetime.date(1990, 1, 1),
            diagnosed_on=today - 3650 * day,
            status="sitter",
        )
        start = today - started_days_ago * day
        course(world.clinician_a, patient, "risdiplam", start, doses=[start], route="oral")
        for instrument in ("hfmse", "rulm", "fvc", "eq5d5l"):
            done(world.clinician_a, patient, instrument, start - 10 * day)
            done(world.clinician_a, patient, instrument, today - 210 * day)
        return patient

    stable, recent = adult(3 * 365), adult(400)
    changed = adult(3 * 365)
    patient_services.sma_status_add(
        by=world.clinician_a, patient=changed, recorded_on=today - 100 * day, sma_type="3", functional_status="walker"
    )
    items = selectors.worklist(viewer=world.clinician_a, today=today, filters=WorklistFilters(kind="assessment")).items
    flagged = {(i.registry_id, i.code) for i in items if i.state == "overdue"}
    assert not [
        (i.code, i.due, i.rule, i.rule_text)
        for i in items
        if i.registry_id == stable.registry_id and i.state == "overdue"
    ]
    assert (recent.registry_id, "hfmse") in flagged and (changed.registry_id, "hfmse") in flagged
    # The reason says why 12 months, once the date is within the horizon.
    later = today + 100 * day
    items = selectors.patient_monitoring(viewer=world.clinician_a, patient=stable, today=later).items
    hfmse = [i for i in items if i.code == "hfmse"]
    assert hfmse and hfmse[0].state == "upcoming" and "adult stable on the same therapy" in hfmse[0].rule_text


def test_fcrn_cycles_from_the_recorded_administrations(world, today):
    """clinical.md §A.2: cycles grouped as the dosing schedule groups them (recorded cycle numbers);
    a running efgartigimod cycle (weekly × 4, §B.2) ends on its planned 4th dose."""
    from qadam.patients import services as patient_services
    from qadam.therapy.models import Administration, TherapyCourse

    day = datetime.timedelta(days=1)
    start = today - 70 * day
    patient = make_patient(world.clinician_a, world.center_a, birth_date=datetime.date(1980, 1, 1))
    patient_services.diagnosis_add(
        by=world.clinician_a, patient=patient, icd10="G70.0", diagnosed_on=start - 60 * day, is_primary=True
    )
    made = TherapyCourse.objects.create(
        patient=patient, center=patient.center, drug="efgartigimod_alfa", started_on=start, created_by=world.clinician_a
    )
    for offset, cycle in ((0, 1), (7, 1), (14, 1), (21, 1), (63, 2)):
        Administration.objects.create(
            course=made, given_on=start + offset * day, dose=10, dose_unit="mg/kg", route="iv",
            cycle_number=cycle, created_by=world.clinician_a,
        )  # fmt: skip
    for offset in (0, 21, 63):  # QMG at both ends of cycle 1 and the start of cycle 2
        done(world.clinician_a, patient, "qmg", start + offset * day)
    items = selectors.patient_monitoring(viewer=world.clinician_a, patient=patient, today=today).items
    qmg = [i for i in items if i.code == "qmg"]
    # Cycle 2 started on day 63 and runs to its planned 4th dose on day 84 (14 days from today).
    assert [(i.state, i.due) for i in qmg] == [("upcoming", start + 84 * day)]
    assert qmg[0].due_item.row_key == "mg.fcrn_blocker.qmg.cycle_end"
    assert "end of a cycle" in qmg[0].rule_text


def test_rows_switch_on_the_day_the_status_is_recorded(world, today):
    """docs/monitoring.md rule 2 (the simplification of clinical.md §A rule 2): a walker status recorded
    10 days ago, on a day without a visit, switches to the walker rows at once (6MWT due); the
    HFMSE history continues (assessed 30 days ago: nothing due for it)."""
    from qadam.patients import services as patient_services

    day = datetime.timedelta(days=1)
    patient = sma_patient(world.clinician_a, world.center_a, birth_date=datetime.date(2012, 5, 9), diagnosed_on=today - 400 * day)  # fmt: skip
    for instrument in ("hfmse", "rulm", "fvc", "eq5d5l"):
        done(world.clinician_a, patient, instrument, today - 30 * day)
    before = {
        i.code for i in selectors.patient_monitoring(viewer=world.clinician_a, patient=patient, today=today).items
    }
    assert "6mwt" not in before
    patient_services.sma_status_add(
        by=world.clinician_a, patient=patient, recorded_on=today - 10 * day, sma_type="3", functional_status="walker"
    )
    items = selectors.patient_monitoring(viewer=world.clinician_a, patient=patient, today=today).items
    assert {i.code for i in items if i.kind == "assessment"} == {"6mwt"}
