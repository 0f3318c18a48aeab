"""``qadam import redcap``: the whole import, its report, its guarantees and who may run it."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qadam.assessments.models import Assessment, Status, Visit
from qadam.assessments.services import assessment_record
from qadam.audit.models import AuditEntry
from qadam.audit.services import audit_verify
from qadam.centers.models import UserProfile
from qadam.interop.imports.models import ExternalRecord, ImportedAssessment
from qadam.patients.models import Patient

FILES = Path(__file__).parent / "files"
DICTIONARY = FILES / "sma_mg_DataDictionary.csv"
RECORDS = FILES / "sma_mg_DATA_2025-03-01_1042.csv"
MAPPING = FILES / "sma_mg_mapping.json"
# 1001: HFMSE at three events; 1002: PHQ-9 at two events, MG-ADL repeated (2 + 1);
# 1003: an unverified, partial HFMSE (a draft); 1004: PHQ-9 and MG-ADL.
EXPECTED = {"hfmse": 4, "phq9": 3, "mg_adl": 4}


def run(*args: str, user: str = "clinician_a", center: str = "center-a", records: Path = RECORDS) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import",
        "redcap",
        "--dictionary",
        str(DICTIONARY),
        "--records",
        str(records),
        "--mapping",
        str(MAPPING),
        "--center",
        center,
        "--user",
        user,
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int, int]:
    return Patient.objects.count(), Visit.objects.count(), Assessment.objects.count(), AuditEntry.objects.count()


def edited_records(tmp_path: Path, replace: dict[tuple[str, str, str], str]) -> Path:
    """The fixture export with cells replaced: (record, event + repeat instance, column) → value."""
    import csv

    with RECORDS.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for (record, where, column), value in replace.items():
        event, _sep, instance = where.partition("#")
        for row in rows:
            if (
                row["record_id"] == record
                and row["redcap_event_name"] == event
                and row["redcap_repeat_instance"] == instance
            ):
                row[column] = value
    path = tmp_path / "records.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_import_creates_patients_visits_and_scored_assessments(world):
    before = Patient.objects.count()
    out, err = run()
    assert "written in one transaction" in out
    assert "checking" in err and "writing" in err
    assert Patient.objects.count() == before + 4
    assert ExternalRecord.objects.filter(source="redcap:sma_mg").count() == 4
    by_instrument = {code: Assessment.objects.filter(instrument=code).count() for code in EXPECTED}
    assert by_instrument == EXPECTED
    patient = ExternalRecord.objects.get(source="redcap:sma_mg", external_id="1001").patient
    assert patient.center == world.center_a
    assert (patient.birth_date, patient.sex) == (datetime.date(2012, 5, 3), "female")
    baseline = Assessment.objects.get(visit__patient=patient, assessed_on=datetime.date(2024, 2, 12))
    assert baseline.status == Status.COMPLETED
    assert baseline.total == 22
    assert baseline.visit.kind == "baseline"
    assert baseline.rater == world.clinician_a
    # Coded 9 in REDCap: not tested, so no total (HFMSE's rule), and REDCap's stated total is reported.
    last = Assessment.objects.get(visit__patient=patient, assessed_on=datetime.date(2025, 2, 18))
    assert last.responses["33"] == {"not_tested": "other", "note": ""}
    assert last.total is None
    assert "record 1001" in out and "hfmse_total" in out
    # The unverified, partial form is a draft.
    draft = Assessment.objects.get(
        visit__patient__in=ExternalRecord.objects.filter(external_id="1003").values("patient")
    )
    assert draft.status == Status.DRAFT and draft.result["missing"]
    # PHQ-9 item 10 was coded 1–4 in REDCap and mapped in order.
    phq9 = Assessment.objects.filter(
        instrument="phq9", visit__patient__in=ExternalRecord.objects.filter(external_id="1004").values("patient")
    ).get()
    assert phq9.responses["10"] == 2 and phq9.total == 11
    # Two MG-ADL instances of one event on different dates: two visits.
    mg = ExternalRecord.objects.get(external_id="1002").patient
    assert sorted(a.assessed_on for a in Assessment.objects.filter(visit__patient=mg, instrument="mg_adl")) == [
        datetime.date(2024, 3, 5),
        datetime.date(2024, 4, 2),
        datetime.date(2024, 9, 10),
    ]
    assert Visit.objects.filter(patient=mg).count() == 3
    assert audit_verify().ok


@pytest.mark.django_db
def test_audit_entries_are_those_of_assessment_record(world):
    run()
    imported = Assessment.objects.filter(instrument="mg_adl").order_by("id").first()
    entry = AuditEntry.objects.get(object_type="assessments.assessment", object_id=str(imported.pk))
    assert entry.action == "create"
    assert entry.actor_username == "clinician_a"
    assert entry.reason.startswith("REDCap import redcap:sma_mg: record 1002, event baseline_arm_1, form mg_adl")
    # The same administration recorded through the service gives the same changes.
    direct = assessment_record(
        by=world.clinician_a, visit=imported.visit, instrument="mg_adl", responses=imported.responses, context={}
    )
    expected = AuditEntry.objects.get(object_type="assessments.assessment", object_id=str(direct.pk)).changes
    assert entry.changes == expected
    for name in ("result", "total", "band", "context", "instrument_version", "scoring_version"):
        assert getattr(imported, name) == getattr(direct, name)
    patient_entry = AuditEntry.objects.get(object_type="patients.patient", object_id=str(imported.visit.patient_id))
    assert set(patient_entry.changes) == {"center", "birth_date", "sex"}


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(world):
    before = counts()
    out, _err = run("--dry-run")
    assert counts() == before
    assert "dry run: nothing was written" in out
    assert "patients: 4 new" in out
    assert "assessments: 11 new" in out
    assert "line 7  1002  baseline_arm_1 mg_adl #2  → new patient  mg_adl 2024-04-02 completed total 7" in out


@pytest.mark.django_db
def test_running_again_creates_nothing(world):
    run()
    before = counts()
    out, _err = run()
    assert counts()[:3] == before[:3]
    assert "11 imported before" in out
    assert "assessments: 0 new" in out
    assert ImportedAssessment.objects.count() == 11


@pytest.mark.django_db
def test_a_row_changed_in_redcap_since_is_reported_and_left(world, tmp_path):
    run()
    changed = edited_records(tmp_path, {("1004", "baseline_arm_1#", "phq9_1"): "0"})
    before = counts()
    out, _err = run(records=changed)
    assert counts()[:3] == before[:3]
    assert "1 changed since" in out
    assert "Changed in the source since they were imported" in out


@pytest.mark.django_db
def test_rejected_rows_are_reported_and_nothing_is_imported(world, tmp_path):
    bad = edited_records(
        tmp_path,
        {
            ("1002", "month_6_arm_1#", "phq9_3"): "7",  # no such code
            ("1004", "baseline_arm_1#1", "mgadl_date"): "2024-13-40",  # not a date
        },
    )
    before = counts()
    with pytest.raises(CommandError, match="2 rows rejected"):
        out, _err = run(records=bad)
    assert counts() == before
    report = tmp_path / "report.json"
    with pytest.raises(CommandError):
        run("--report", str(report), records=bad)
    rejections = json.loads(report.read_text())["rejections"]
    assert [(r["record"], r["field"], r["code"]) for r in rejections] == [
        ("1002", "phq9_3", "choice_unknown"),
        ("1004", "mgadl_date", "date_invalid"),
    ]
    assert rejections[0]["where"] == "month_6_arm_1 phq9"
    assert rejections[0]["line"] == 8
    assert "“7”" in rejections[0]["message"]


@pytest.mark.django_db
def test_a_value_out_of_range_rejects_the_row_with_the_scale_message(world, tmp_path):
    # A completed HFMSE with an item left empty: not complete, so rejected (a draft would be taken).
    bad = edited_records(tmp_path, {("1001", "month_6_arm_1#", "hfmse_05"): ""})
    with pytest.raises(CommandError):
        run("--report", str(tmp_path / "r.json"), records=bad)
    (rejection,) = json.loads((tmp_path / "r.json").read_text())["rejections"]
    assert (rejection["record"], rejection["field"], rejection["code"]) == ("1001", "hfmse_05", "item_missing")
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_all_or_nothing_then_skip_invalid_takes_the_valid_rows(world, tmp_path):
    bad = edited_records(tmp_path, {("1002", "month_6_arm_1#", "phq9_3"): "7"})
    with pytest.raises(CommandError):
        run(records=bad)
    assert Assessment.objects.count() == 0
    out, _err = run("--skip-invalid", records=bad)
    assert "left out" in out
    assert Assessment.objects.count() == 10
    # Fixed in REDCap and imported again: only the missing row comes in.
    run()
    assert Assessment.objects.count() == 11


@pytest.mark.django_db
def test_rejections_in_the_users_language(world, tmp_path):
    UserProfile.objects.update_or_create(user=world.clinician_a, defaults={"language": "ru"})
    bad = edited_records(tmp_path, {("1004", "baseline_arm_1#1", "mgadl_date"): "2099-01-01"})
    with pytest.raises(CommandError):
        run("--report", str(tmp_path / "r.json"), records=bad)
    (rejection,) = json.loads((tmp_path / "r.json").read_text())["rejections"]
    assert (rejection["field"], rejection["code"]) == ("mgadl_date", "date_in_future")
    assert rejection["message"] == "Дата не может быть в будущем. Получено: 2099-01-01."


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["trainer_a", "clinician_b", "manager", "outsider"])
def test_user_without_write_role_at_the_center_is_refused(world, username):
    before = counts()
    with pytest.raises(CommandError, match="does not enter clinical data"):
        run(user=username)
    assert counts() == before


@pytest.mark.django_db
def test_records_of_patients_at_another_center_are_rejected(world):
    run()
    before = counts()
    # The same project imported into center B by its clinician: the records belong to center A's patients.
    with pytest.raises(CommandError):
        out, _err = run(user="clinician_b", center="center-b")
    assert counts() == before


@pytest.mark.django_db
def test_coordinator_imports_but_only_a_clinician_signs(world):
    with pytest.raises(CommandError, match="or does not sign there"):
        run("--sign", user="coordinator_a")
    run("--sign")
    signed = Assessment.objects.filter(status=Status.SIGNED)
    assert signed.count() == 10  # every completed form; the draft stays a draft
    entry = AuditEntry.objects.filter(action="sign").first()
    assert entry.changes["authentication"] == [None, "preauthenticated"]


@pytest.mark.django_db
def test_unknown_user_and_center(world):
    with pytest.raises(CommandError, match="no active user"):
        run(user="nobody")
    with pytest.raises(CommandError, match="no center"):
        run(center="nowhere")


@pytest.mark.django_db
def test_mapping_with_review_marks_is_refused(world, tmp_path):
    mapping = json.loads(MAPPING.read_text())
    mapping["forms"]["phq9"]["items"]["phq9_10"]["review"] = "Codes differ"
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="forms.phq9.items.phq9_10.review"):
        call_command(
            "import", "redcap", "--dictionary", str(DICTIONARY), "--records", str(RECORDS), "--mapping", str(path),
            "--center", "center-a", "--user", "clinician_a", stdout=out, stderr=err,
        )  # fmt: skip
    assert Assessment.objects.count() == 0


def test_suggest_writes_a_draft_with_review_marks(tmp_path):
    out = tmp_path / "mapping.json"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "import", "redcap", "--dictionary", str(DICTIONARY), "--records", str(RECORDS), "--suggest",
        "--out", str(out), stdout=stdout, stderr=stderr,
    )  # fmt: skip
    draft = json.loads(out.read_text())
    assert draft["source"] == "redcap:sma_mg_DataDictionary"
    assert list(draft["events"]) == ["baseline_arm_1", "month_6_arm_1", "month_12_arm_1"]
    assert "3 entries to review" in stderr.getvalue()


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing(world, monkeypatch):
    from qadam.interop.imports import engine

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    before = counts()
    monkeypatch.setattr(engine, "_create_assessments", broken)
    with pytest.raises(RuntimeError):
        run()
    # Patients, visits and their audit entries were written before the failure: all rolled back.
    assert counts() == before
    assert not ExternalRecord.objects.exists()
    assert audit_verify().ok


SMALL_DICTIONARY = (
    'Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"Choices, Calculations, OR Slider Labels",'
    "Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Identifier?,"
    "Branching Logic (Show field only if...),Required Field?,Custom Alignment,Question Number (surveys only),"
    "Matrix Group Name,Matrix Ranking?,Field Annotation\n"
    "study_id,enrolment,,text,Study ID,,,,,,,,,,,,,\n"
    "qadam_registry_id,enrolment,,text,Qadam registry id,,,,,,,,,,,,,\n"
    "mgadl_date,mg_adl,,text,Date,,,date_ymd,,,,,,,,,,\n"
    + "".join(f'mgadl_{i},mg_adl,,radio,Item {i},"0, 0 | 1, 1 | 2, 2 | 3, 3",,,,,,,,,,,,\n' for i in range(1, 9))
)


@pytest.mark.django_db
def test_records_naming_a_registry_id_go_to_that_patient(world, patient_a, tmp_path):
    dictionary = tmp_path / "dd.csv"
    dictionary.write_text(SMALL_DICTIONARY)
    records = tmp_path / "records.csv"
    header = "study_id,qadam_registry_id,mgadl_date," + ",".join(f"mgadl_{i}" for i in range(1, 9)) + ",mg_adl_complete"
    records.write_text(
        f"{header}\n"
        f"S-1,{patient_a.registry_id},2025-01-10,1,1,0,1,1,2,2,3,2\n"
        "S-2,KZ-0000-0000,2025-01-11,0,0,0,0,0,0,0,0,2\n"
    )
    mapping = tmp_path / "mapping.json"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "import", "redcap", "--dictionary", str(dictionary), "--suggest", "--out", str(mapping),
        stdout=stdout, stderr=stderr,
    )  # fmt: skip
    draft = json.loads(mapping.read_text())
    assert draft["patient"]["registry_id_field"] == "qadam_registry_id"
    assert draft["forms"]["mg_adl"]["instrument"] == "mg_adl"
    args = ["--dictionary", str(dictionary), "--records", str(records), "--mapping", str(mapping)]
    args += ["--center", "center-a", "--user", "clinician_a", "--report", str(tmp_path / "r.json")]
    with pytest.raises(CommandError):
        call_command("import", "redcap", *args, stdout=io.StringIO(), stderr=io.StringIO())
    (rejection,) = json.loads((tmp_path / "r.json").read_text())["rejections"]
    assert (rejection["record"], rejection["field"], rejection["code"]) == (
        "S-2",
        "qadam_registry_id",
        "patient_unknown",
    )
    call_command("import", "redcap", *args, "--skip-invalid", stdout=io.StringIO(), stderr=io.StringIO())
    (assessment,) = Assessment.objects.all()
    assert assessment.visit.patient == patient_a and assessment.total == 11
    assert Patient.objects.count() == 1


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "dd.csv"
    path.write_bytes(SMALL_DICTIONARY.replace("Study ID", "Идентификатор").encode("cp1251"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import", "redcap", "--dictionary", str(path), "--suggest", stdout=io.StringIO())
