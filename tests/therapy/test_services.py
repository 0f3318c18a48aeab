"""Therapy services: audited writes, permissions, safety refusals, and bad input that changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from qadam.audit.models import AuditEntry
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed, NotVisible
from qadam.therapy import selectors, services
from qadam.therapy.models import Administration, AdverseEvent, TherapyCourse, Vaccination, WeightRecord

D = datetime.date


def audit_rows(object_type: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=object_type).order_by("seq"))


@pytest.fixture
def nusinersen(world, patient_a):
    return services.course_start(by=world.clinician_a, patient=patient_a, drug="nusinersen", started_on=D(2025, 1, 6))


def record(by, course, day, mg=12, **extra):
    extra.setdefault("route", "intrathecal")
    return services.administration_record(by=by, course=course, given_on=day, dose=mg, dose_unit="mg", **extra)


def test_course_start_is_audited_with_the_patient(world, patient_a, nusinersen):
    assert nusinersen.center == world.center_a and nusinersen.created_by == world.clinician_a
    [entry] = audit_rows("therapy.therapycourse")
    assert entry.action == "create" and entry.patient_registry_id == patient_a.registry_id
    assert entry.changes["drug"] == [None, "nusinersen"]
    assert entry.actor_username == "clinician_a"


@pytest.mark.parametrize(("persona", "error"), [("clinician_b", NotVisible), ("outsider", NotVisible), ("manager", NotAllowed), ("trainer_a", NotAllowed)])  # fmt: skip
def test_only_clinical_writers_of_the_center_start_courses(world, patient_a, persona, error):
    with pytest.raises(error):
        services.course_start(by=getattr(world, persona), patient=patient_a, drug="risdiplam", started_on=D(2025, 1, 1))
    assert not TherapyCourse.objects.exists() and not audit_rows("therapy.therapycourse")


def test_coordinator_may_record(world, patient_a):
    course = services.course_start(
        by=world.coordinator_a, patient=patient_a, drug="risdiplam", started_on=D(2025, 1, 1)
    )
    assert course.pk


def test_course_start_reports_every_bad_field_and_saves_nothing(world, patient_a):
    with pytest.raises(Invalid) as caught:
        services.course_start(
            by=world.clinician_a,
            patient=patient_a,
            drug="aspirin",
            started_on=D(2999, 1, 1),
            jurisdiction="XX",
            regimen="double",
        )
    assert caught.value.codes() == {
        "drug": ["drug_unknown"],
        "started_on": ["date_in_future"],
        "jurisdiction": ["choice_invalid"],
        "regimen": ["choice_invalid"],
    }
    assert (
        not TherapyCourse.objects.exists() and not AuditEntry.objects.filter(object_type__startswith="therapy").exists()
    )


def test_course_product_must_be_the_drugs_and_high_dose_only_for_nusinersen(world, patient_a):
    with pytest.raises(Invalid) as caught:
        services.course_start(by=world.clinician_a, patient=patient_a, drug="eculizumab", started_on=D(2025, 1, 1), product="botox", regimen="high_dose")  # fmt: skip
    assert caught.value.codes() == {"product": ["choice_invalid"], "regimen": ["regimen_not_for_drug"]}


def test_second_active_course_of_a_drug_is_refused(world, patient_a, nusinersen):
    with pytest.raises(Invalid) as caught:
        services.course_start(by=world.clinician_a, patient=patient_a, drug="nusinersen", started_on=D(2025, 2, 1))
    assert caught.value.codes() == {"drug": ["course_already_active"]}
    assert TherapyCourse.objects.count() == 1


def test_pain_adjuvant_course(world, patient_a):
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="adjuvant:GABAPENTINOID", product="pregabalin", started_on=D(2025, 1, 1))  # fmt: skip
    assert course.drug_name("en") == "α2δ ligands (gabapentinoids)"


def test_course_stop_checks_version_state_and_dates(world, nusinersen):
    record(world.clinician_a, nusinersen, D(2025, 1, 6))
    with pytest.raises(Conflict):
        services.course_stop(by=world.clinician_a, course=nusinersen, stopped_on=D(2025, 2, 1), reason="patient_choice", expected_version=7)  # fmt: skip
    with pytest.raises(Invalid) as caught:
        services.course_stop(by=world.clinician_a, course=nusinersen, stopped_on=D(2025, 1, 5), reason="patient_choice", expected_version=1)  # fmt: skip
    assert caught.value.codes() == {"stopped_on": ["stop_before_last_dose"]}
    with pytest.raises(Invalid) as caught:
        services.course_stop(by=world.clinician_a, course=nusinersen, stopped_on=D(2025, 2, 1), reason="bored", expected_version=1)  # fmt: skip
    assert caught.value.codes() == {"reason": ["choice_invalid"]}
    stopped = services.course_stop(by=world.clinician_a, course=nusinersen, stopped_on=D(2025, 2, 1), reason="lack_of_effect", expected_version=1)  # fmt: skip
    assert (stopped.stopped_on, stopped.stop_reason, stopped.row_version) == (D(2025, 2, 1), "lack_of_effect", 2)
    assert audit_rows("therapy.therapycourse")[-1].changes["stopped_on"] == [None, "2025-02-01"]
    with pytest.raises(InvalidState):
        services.course_stop(by=world.clinician_a, course=stopped, stopped_on=D(2025, 2, 2), reason="other", expected_version=2)  # fmt: skip


def test_course_stop_by_someone_outside_the_center(world, nusinersen):
    with pytest.raises(NotVisible):
        services.course_stop(by=world.clinician_b, course=nusinersen, stopped_on=D(2025, 2, 1), reason="other", expected_version=1)  # fmt: skip
    nusinersen.refresh_from_db()
    assert nusinersen.stopped_on is None


def test_administration_is_audited_with_its_procedure(world, nusinersen):
    procedure = {"approach": "interlaminar", "imaging_guidance": "ultrasound", "needle_gauge": 22, "csf_removed_ml": 5, "attempts": 1, "sedation": "local"}  # fmt: skip
    dose = record(world.clinician_a, nusinersen, D(2025, 1, 6), procedure=procedure, lot="LOT1")
    assert dose.dose == Decimal(12) and dose.procedure["needle_gauge"] == 22 and dose.findings == []
    [entry] = audit_rows("therapy.administration")
    assert (
        entry.changes["given_on"] == [None, "2025-01-06"]
        and entry.changes["procedure"][1]["approach"] == "interlaminar"
    )


def test_administration_bad_input_lists_every_field_and_changes_nothing(world, nusinersen):
    with pytest.raises(Invalid) as caught:
        services.administration_record(
            by=world.clinician_a,
            course=nusinersen,
            given_on=D(2024, 12, 31),
            dose="twelve",
            dose_unit="mg",
            route="oral",
            weight_kg=-3,
            procedure={"approach": "sideways", "colour": "blue"},
        )
    assert caught.value.codes() == {
        "given_on": ["date_before_course"],
        "dose": ["number_invalid"],
        "route": ["route_not_for_drug"],
        "weight_kg": ["number_out_of_range"],
        "procedure": ["procedure_not_expected"],  # procedure details belong to intrathecal doses
    }
    with pytest.raises(Invalid) as caught:
        record(world.clinician_a, nusinersen, D(2025, 1, 6), procedure={"approach": "sideways", "colour": "blue", "attempts": 1.5})  # fmt: skip
    assert caught.value.codes() == {"procedure": ["procedure_unknown_field", "choice_invalid", "number_invalid"]}
    assert not Administration.objects.exists() and not audit_rows("therapy.administration")


def test_warning_refuses_until_acknowledged_then_is_stored(world, nusinersen):
    record(world.clinician_a, nusinersen, D(2025, 1, 6))
    record(world.clinician_a, nusinersen, D(2025, 1, 20))
    with pytest.raises(Invalid) as caught:
        record(world.clinician_a, nusinersen, D(2025, 1, 28))  # 8 days after the last: label asks ≥14
    assert caught.value.code == "safety_warning"
    assert caught.value.codes() == {"acknowledge_warnings": ["interval_under_14_days"]}
    assert [f.code for f in caught.value.findings] == ["interval_under_14_days"]
    assert Administration.objects.count() == 2
    dose = record(world.clinician_a, nusinersen, D(2025, 1, 28), acknowledge_warnings=True)
    assert [f["code"] for f in dose.findings] == ["interval_under_14_days"]
    assert audit_rows("therapy.administration")[-1].changes["findings"] == [None, ["warning:interval_under_14_days"]]


def test_two_doses_of_a_course_on_one_day_are_refused(world, nusinersen):
    record(world.clinician_a, nusinersen, D(2025, 1, 6))
    with pytest.raises(Invalid) as caught:
        record(world.clinician_a, nusinersen, D(2025, 1, 6), acknowledge_warnings=True)
    assert caught.value.codes() == {"given_on": ["dose_on_same_day"]}


def test_c5_inhibitor_first_dose_blocked_without_vaccination_even_if_acknowledged(world, patient_a):
    # Eculizumab SmPC / SOLIRIS boxed warning: meningococcal vaccination at least 2 weeks before.
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="eculizumab", started_on=D(2025, 3, 1))
    services.vaccination_record(by=world.clinician_a, patient=patient_a, vaccine="meningococcal_acwy", given_on=D(2025, 2, 1))  # fmt: skip
    services.vaccination_record(by=world.clinician_a, patient=patient_a, vaccine="meningococcal_b", given_on=D(2025, 2, 20))  # fmt: skip
    with pytest.raises(Invalid) as caught:
        services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 3, 1), dose=900, dose_unit="mg", route="iv", acknowledge_warnings=True)  # fmt: skip
    assert caught.value.code == "safety_block"
    assert caught.value.codes() == {"": ["meningococcal_b_too_recent"]}
    assert not Administration.objects.exists()
    # 20 Feb + 14 days = 6 Mar: the first dose may be given from then on.
    ok = services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 3, 6), dose=900, dose_unit="mg", route="iv")  # fmt: skip
    assert ok.pk and len(audit_rows("therapy.vaccination")) == 2


def test_botulinum_session_table_sums_units_and_the_84_day_rule_needs_a_reason(world, patient_a):
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="onabotulinumtoxinA", product="botox", started_on=D(2025, 1, 1))  # fmt: skip
    table = {"product": "botox", "injections": [{"muscle": "biceps brachii", "side": "left", "units": "100"}, {"muscle": "flexor carpi radialis", "side": "left", "units": 50}]}  # fmt: skip
    first = services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 10), dose=None, dose_unit="", route="im", procedure=table)  # fmt: skip
    assert (first.dose, first.dose_unit) == (Decimal(150), "U")
    with pytest.raises(Invalid) as caught:  # 1 Mar is 50 days later: blocked without a reason
        services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 3, 1), dose=None, dose_unit="", route="im", procedure=table, acknowledge_warnings=True)  # fmt: skip
    assert caught.value.code == "safety_block"
    second = services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 3, 1), dose=None, dose_unit="", route="im", procedure=table, override_reason="Severe spasticity, team decision", acknowledge_warnings=True)  # fmt: skip
    assert second.override_reason == "Severe spasticity, team decision"
    assert audit_rows("therapy.administration")[-1].reason == "Severe spasticity, team decision"


def test_botulinum_table_errors_name_the_row(world, patient_a):
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="abobotulinumtoxinA", started_on=D(2025, 1, 1))  # fmt: skip
    with pytest.raises(Invalid) as caught:
        services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 10), dose=None, dose_unit="", route="im", procedure={"product": "botox", "injections": [{"muscle": "", "side": "up", "units": 0}]})  # fmt: skip
    assert caught.value.codes() == {"procedure": ["choice_invalid", "injection_muscle", "injection_side", "injection_units"]}  # fmt: skip


def test_adverse_event_vaccination_and_weight_are_audited(world, patient_a, nusinersen):
    dose = record(world.clinician_a, nusinersen, D(2025, 1, 6))
    event = services.adverse_event_record(by=world.clinician_a, course=nusinersen, administration=dose, onset_on=D(2025, 1, 7), description="Post-lumbar-puncture headache", severity="moderate", outcome="recovered")  # fmt: skip
    weight = services.weight_record(
        by=world.clinician_a, patient=patient_a, measured_on=D(2025, 1, 6), weight_kg="61,5"
    )
    assert event.administration == dose and weight.weight_kg == Decimal("61.5")
    assert len(audit_rows("therapy.adverseevent")) == 1 and len(audit_rows("therapy.weightrecord")) == 1


def test_adverse_event_and_weight_bad_input_changes_nothing(world, patient_a, nusinersen):
    with pytest.raises(Invalid) as caught:
        services.adverse_event_record(by=world.clinician_a, course=nusinersen, onset_on=D(2025, 1, 1), description=" ", severity="awful", outcome="?")  # fmt: skip
    assert caught.value.codes() == {"onset_on": ["date_before_course"], "description": ["required"], "severity": ["choice_invalid"], "outcome": ["choice_invalid"]}  # fmt: skip
    with pytest.raises(Invalid) as caught:
        services.weight_record(by=world.clinician_a, patient=patient_a, measured_on=D(2025, 1, 1), weight_kg="0")
    assert caught.value.codes() == {"weight_kg": ["number_out_of_range"]}
    with pytest.raises(Invalid):
        services.vaccination_record(by=world.clinician_a, patient=patient_a, vaccine="smallpox", given_on=D(2025, 1, 1))
    assert not AdverseEvent.objects.exists() and not WeightRecord.objects.exists() and not Vaccination.objects.exists()


def test_outsiders_cannot_record_weights_or_vaccinations(world, patient_a):
    with pytest.raises(NotVisible):
        services.weight_record(by=world.clinician_b, patient=patient_a, measured_on=D(2025, 1, 1), weight_kg=60)
    with pytest.raises(NotAllowed):
        services.vaccination_record(by=world.manager, patient=patient_a, vaccine="influenza", given_on=D(2025, 1, 1))


def test_summary_shows_next_due_dose_and_findings_to_viewers_of_the_patient(world, patient_a, nusinersen):
    record(world.clinician_a, nusinersen, D(2025, 1, 6))
    summary = selectors.patient_therapy_summary(viewer=world.manager, patient=patient_a, today=D(2025, 1, 10))
    [item] = summary.courses
    assert item.next_due.due == D(2025, 1, 20) and item.doses_given == 1 and not summary.can_write
    assert selectors.patient_therapy_summary(
        viewer=world.clinician_a, patient=patient_a, today=D(2025, 1, 10)
    ).can_write
    with pytest.raises(NotVisible):
        selectors.patient_therapy_summary(viewer=world.clinician_b, patient=patient_a, today=D(2025, 1, 10))
    with pytest.raises(NotVisible):
        selectors.course_get(viewer=world.outsider, course_id=nusinersen.pk)


def test_onasemnogene_dose_in_vector_genomes_for_a_21_kg_child_fits(world, patient_a):
    # 1.1 × 10^14 vg/kg × 21 kg = 2.31 × 10^15 vg (ZOLGENSMA US label; the table reaches 21.0 kg).
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="onasemnogene_abeparvovec_iv", started_on=D(2025, 1, 10))  # fmt: skip
    dose = services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 10), dose="2.31e15", dose_unit="vg", route="iv", weight_kg=21, acknowledge_warnings=True)  # fmt: skip
    dose.refresh_from_db()
    assert dose.dose == Decimal("2310000000000000")


@pytest.mark.parametrize(
    "values,field,code",
    [
        ({"dose": 12, "dose_unit": ""}, "dose_unit", "unit_required"),
        ({"dose": "12.123456", "dose_unit": "mg"}, "dose", "number_too_precise"),
        ({"dose": 12, "dose_unit": "mg", "weight_kg": "20.125"}, "weight_kg", "number_too_precise"),
    ],
)
def test_a_dose_needs_its_unit_and_no_more_decimals_than_are_kept(world, patient_a, values, field, code):
    course = services.course_start(by=world.clinician_a, patient=patient_a, drug="nusinersen", started_on=D(2025, 1, 6))  # fmt: skip
    before = AuditEntry.objects.count()
    with pytest.raises(Invalid) as caught:
        services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 6), route="intrathecal", **values)  # fmt: skip
    assert [m.code for m in caught.value.errors[field]] == [code]
    assert not Administration.objects.exists() and AuditEntry.objects.count() == before


def test_a_weight_with_more_decimals_than_are_kept_is_refused(world, patient_a):
    with pytest.raises(Invalid) as caught:
        services.weight_record(by=world.clinician_a, patient=patient_a, measured_on=D(2025, 1, 6), weight_kg="12.123")
    assert [m.code for m in caught.value.errors["weight_kg"]] == ["number_too_precise"]
    assert "at most 2 decimal places" in str(caught.value.errors["weight_kg"][0])
    assert not WeightRecord.objects.exists()


@pytest.mark.parametrize(
    "drug,dose,unit",
    [
        ("risdiplam", "5", "g"),
        ("risdiplam", "5", "MG"),
        ("risdiplam", None, "mg"),
        ("onasemnogene_abeparvovec_iv", "1.1e14", "vector genomes"),
        ("onasemnogene_abeparvovec_iv", None, "vg/kg"),
    ],
)
def test_a_weight_checked_dose_needs_its_amount_in_a_unit_the_check_reads(world, patient_a, drug, dose, unit):
    """Risdiplam and IV onasemnogene doses are checked against the weight: never let one pass unchecked."""
    course = TherapyCourse.objects.create(patient=patient_a, center=patient_a.center, drug=drug, started_on=D(2025, 1, 6), created_by=world.clinician_a)  # fmt: skip
    route = "oral" if drug == "risdiplam" else "iv"
    with pytest.raises(Invalid) as caught:
        services.administration_record(by=world.clinician_a, course=course, given_on=D(2025, 1, 6), dose=dose, dose_unit=unit, route=route)  # fmt: skip
    assert [m.code for m in caught.value.errors["dose_unit"]] == ["unit_not_checked"]
    assert not Administration.objects.exists()
