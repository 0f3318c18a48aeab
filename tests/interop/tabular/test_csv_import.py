"""``qadam import csv``: long and wide files of item responses, with the guarantees of every import."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qadam.assessments.models import Assessment, Status, Visit
from qadam.assessments.services import visit_create
from qadam.audit.models import AuditEntry
from qadam.audit.services import audit_verify
from qadam.interop.tabular.reader import instrument_code, parse_date, plan_csv, read_rows

PHQ9 = [2, 1, 1, 2, 0, 1, 1, 0, 0]
MG_ADL = [1, 1, 0, 1, 1, 2, 2, 3]


def long_file(registry_id: str) -> str:
    lines = ["registry_id,date,instrument,item,value"]
    lines += [f"{registry_id},2025-01-15,phq9,{i},{v}" for i, v in enumerate(PHQ9, start=1)]
    lines += [f"{registry_id},2025-01-15,phq9,10,1"]
    lines += [f"{registry_id},15.07.2025,PHQ-9,{i},0" for i in range(1, 11)]
    return "\n".join(lines) + "\n"


def wide_file(registry_id: str, other: str) -> str:
    header = "registry_id,date,instrument,visit_kind," + ",".join(str(i) for i in range(1, 9))
    rows = [
        f"{registry_id},2025-01-15,mg_adl,routine," + ",".join(map(str, MG_ADL)),
        f"{other},2025-02-01,MG-ADL,baseline," + ",".join("0" * 8),
    ]
    return "\n".join([header, *rows]) + "\n"


def write(tmp_path: Path, text: str, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, *args: str, user: str = "clinician_a", center: str = "center-a") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "csv", str(path), "--center", center, "--user", user, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int]:
    return Visit.objects.count(), Assessment.objects.count(), AuditEntry.objects.count()


# --------------------------------------------------------------------------- reading


def test_dates_and_instrument_names():
    assert parse_date("2025-01-15") == parse_date("15.01.2025") == datetime.date(2025, 1, 15)
    assert parse_date("2025-02-30") is None and parse_date("15/01/2025") is None
    assert instrument_code("MG-ADL") == instrument_code("mg_adl") == "mg_adl"
    assert instrument_code("PHQ-9") == "phq9" and instrument_code("nothing") is None


def test_long_and_wide_are_recognised(tmp_path):
    header, rows = read_rows(write(tmp_path, long_file("KZ-AAAA-BBBB")))
    plan, rejections, form = plan_csv(header, rows, source="csv")
    assert (form, rejections) == ("long", [])
    assert [(p.instrument, p.visit_date, len(p.responses)) for p in plan] == [
        ("phq9", datetime.date(2025, 1, 15), 10),
        ("phq9", datetime.date(2025, 7, 15), 10),
    ]
    assert plan[0].key == "KZ-AAAA-BBBB|2025-01-15|phq9|"
    header, rows = read_rows(write(tmp_path, wide_file("KZ-AAAA-BBBB", "KZ-CCCC-DDDD").replace(",", ";")))
    plan, rejections, form = plan_csv(header, rows, source="csv")
    assert form == "wide" and rejections == []
    assert plan[0].responses == {str(i): str(v) for i, v in enumerate(MG_ADL, start=1)}
    assert plan[1].visit_kind == "baseline"


def test_not_tested_and_context_columns(tmp_path):
    text = "registry_id,date,instrument,1,2,ctx:manual\nKZ-AAAA-BBBB,2025-01-15,hfmse,not_tested:pain,2,x\n"
    header, rows = read_rows(write(tmp_path, text))
    (planned,), _rejections, _form = plan_csv(header, rows, source="csv")
    assert planned.responses == {"1": {"not_tested": "pain"}, "2": "2"}
    assert planned.context == {"manual": "x"}


def test_a_file_without_the_required_columns_is_refused(tmp_path, world):
    path = write(tmp_path, "patient,when,what\nx,y,z\n")
    with pytest.raises(CommandError, match="registry_id, date, instrument"):
        run(path)


# --------------------------------------------------------------------------- importing


@pytest.mark.django_db
def test_long_import_scores_and_records(world, patient_a, tmp_path):
    out, err = run(write(tmp_path, long_file(patient_a.registry_id)))
    assert "written in one transaction" in out and "checking" in err
    first, second = Assessment.objects.filter(visit__patient=patient_a).order_by("assessed_on")
    assert (first.total, first.band, first.status) == (8, "mild", Status.COMPLETED)
    assert second.total == 0
    assert first.rater == world.clinician_a
    assert audit_verify().ok
    entry = AuditEntry.objects.get(object_type="assessments.assessment", object_id=str(first.pk))
    assert entry.reason == "CSV import csv: line 2"
    assert entry.changes["responses.1"] == [None, 2]


@pytest.mark.django_db
def test_wide_import_reuses_the_visit_of_that_day(world, patient_a, tmp_path):
    from qadam.core.testing import make_patient

    other = make_patient(world.coordinator_a, world.center_a)
    visit = visit_create(by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2025, 1, 15), kind="routine")
    out, _err = run(write(tmp_path, wide_file(patient_a.registry_id, other.registry_id)))
    assert "visits: 1 new, 1 existing" in out
    assert Assessment.objects.get(visit=visit).total == 11
    assert Visit.objects.get(patient=other).kind == "baseline"


@pytest.mark.django_db
def test_dry_run_writes_nothing(world, patient_a, tmp_path):
    before = counts()
    out, _err = run(write(tmp_path, long_file(patient_a.registry_id)), "--dry-run")
    assert counts() == before
    assert "assessments: 2 new (phq9 2)" in out


@pytest.mark.django_db
def test_running_again_creates_no_duplicates(world, patient_a, tmp_path):
    path = write(tmp_path, long_file(patient_a.registry_id))
    run(path)
    before = counts()
    out, _err = run(path)
    assert counts()[:2] == before[:2]
    assert "2 imported before" in out


@pytest.mark.django_db
def test_rejected_rows_and_all_or_nothing(world, patient_a, patient_b, tmp_path):
    text = long_file(patient_a.registry_id)
    text = text.replace(f"{patient_a.registry_id},2025-01-15,phq9,3,1", f"{patient_a.registry_id},2025-01-15,phq9,3,4")
    text += f"{patient_b.registry_id},2025-01-20,phq9,1,0\n"  # a patient of center B
    text += f"{patient_a.registry_id},2025-13-01,phq9,1,0\n"  # no such date
    path = write(tmp_path, text)
    before = counts()
    with pytest.raises(CommandError, match="rejected; nothing was imported"):
        run(path, "--report", str(tmp_path / "report.json"))
    assert counts() == before
    rejections = json.loads((tmp_path / "report.json").read_text())["rejections"]
    assert [(r["line"], r["field"], r["code"]) for r in rejections] == [
        (2, "value (line 4, item 3)", "value_not_allowed"),
        (22, "registry_id", "patient_unknown"),
        (23, "date", "date_invalid"),
    ]
    assert "4" in rejections[0]["message"]
    # With --skip-invalid the valid assessment (the second PHQ-9 of patient A) is taken.
    out, _err = run(path, "--skip-invalid")
    assert "left out" in out
    assert list(Assessment.objects.values_list("assessed_on", flat=True)) == [datetime.date(2025, 7, 15)]


@pytest.mark.django_db
def test_duplicate_rows_are_rejected(world, patient_a, tmp_path):
    text = wide_file(patient_a.registry_id, patient_a.registry_id)
    text += f"{patient_a.registry_id},2025-01-15,mg_adl,routine," + ",".join("1" * 8) + "\n"
    with pytest.raises(CommandError):
        run(write(tmp_path, text), "--report", str(tmp_path / "r.json"))
    (rejection,) = json.loads((tmp_path / "r.json").read_text())["rejections"]
    assert (rejection["line"], rejection["code"]) == (4, "duplicate_row")
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["trainer_a", "clinician_b", "manager", "outsider"])
def test_user_without_write_role_is_refused(world, patient_a, tmp_path, username):
    before = counts()
    with pytest.raises(CommandError, match="does not enter clinical data"):
        run(write(tmp_path, long_file(patient_a.registry_id)), user=username)
    assert counts() == before


@pytest.mark.django_db
def test_patients_of_another_center_are_not_found(world, patient_a, tmp_path):
    # clinician_b enters data at center B only: patient A is rejected like an unknown id.
    with pytest.raises(CommandError):
        run(write(tmp_path, long_file(patient_a.registry_id)), "--report", str(tmp_path / "r.json"),
            user="clinician_b", center="center-b")  # fmt: skip
    codes = {r["code"] for r in json.loads((tmp_path / "r.json").read_text())["rejections"]}
    assert codes == {"patient_unknown"}
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_signing_needs_a_clinician_of_the_patients_center(world, patient_a, patient_b, tmp_path):
    from qadam.centers.models import Role
    from qadam.core.testing import make_user

    make_user("both", (world.center_a, Role.CLINICIAN), (world.center_b, Role.COORDINATOR))
    text = wide_file(patient_a.registry_id, patient_b.registry_id)
    with pytest.raises(CommandError):
        run(write(tmp_path, text), "--sign", "--report", str(tmp_path / "r.json"), user="both")
    (rejection,) = json.loads((tmp_path / "r.json").read_text())["rejections"]
    assert (rejection["record"], rejection["field"], rejection["code"]) == (
        patient_b.registry_id,
        "status",
        "sign_not_allowed",
    )
    run(write(tmp_path, text), "--sign", "--skip-invalid", user="both")
    (signed,) = Assessment.objects.all()
    assert signed.status == Status.SIGNED and signed.visit.patient == patient_a


@pytest.mark.django_db
def test_an_instance_name_too_long_to_remember_is_rejected(world, patient_a, tmp_path):
    text = "registry_id,date,instrument,instance," + ",".join(str(i) for i in range(1, 9)) + "\n"
    text += f"{patient_a.registry_id},2025-01-15,mg_adl,{'x' * 300}," + ",".join("1" * 8) + "\n"
    with pytest.raises(CommandError):
        run(write(tmp_path, text), "--report", str(tmp_path / "r.json"))
    (rejection,) = json.loads((tmp_path / "r.json").read_text())["rejections"]
    assert rejection["code"] == "record_id_too_long"
