"""The research export: what is in it, what never is, and who may make it."""

from __future__ import annotations

import datetime
import json

import pyarrow.parquet as pq
import pytest

from qadam import scales
from qadam.audit.models import AuditEntry
from qadam.audit.services import audit_verify
from qadam.core.exceptions import Invalid, NotAllowed
from qadam.interop.research import pseudonyms
from qadam.interop.research.columns import long_columns, wide_columns

from .conftest import AIGERIM_IIN, GOAL_TEXT, NOT_TESTED_NOTE
from .support import csv_as_typed, dictionary_json, every_cell, export, header, parquet_rows, read_csv

pytestmark = pytest.mark.django_db

COMMON_WIDE = [
    "pseudonym",
    "assessment_key",
    "center",
    "sex",
    "age_years",
    "assessment_date",
    "visit_kind",
    "status",
    "instrument_version",
    "scoring_version",
]
COMMON_LONG = [
    "pseudonym",
    "assessment_key",
    "center",
    "sex",
    "age_years",
    "assessment_date",
    "status",
    "instrument_version",
    "scoring_version",
    "item_id",
    "value",
    "value_number",
    "points",
    "not_tested_reason",
]


@pytest.fixture
def out(cohort, tmp_path):
    directory = tmp_path / "export"
    export(cohort.world.manager, directory, instruments=["hfmse", "phq9", "gas"])
    return directory


def test_files_per_instrument_dictionary_and_manifest(out):
    names = sorted(p.name for p in out.iterdir())
    expected = [
        f"{code}_{shape}.{ext}"
        for code in ("gas", "hfmse", "phq9")
        for shape in ("long", "wide")
        for ext in ("csv", "parquet")
    ]
    assert names == sorted([*expected, "data_dictionary.csv", "data_dictionary.json", "manifest.json"])


def test_wide_columns_phq9(out):
    items = [f"item_{i}" for i in range(1, 11)]
    assert header(out / "phq9_wide.csv") == [
        *COMMON_WIDE,
        "ctx_missing_rule",
        *items,
        "total",
        "band",
        "complete",
        "flags",
    ]


def test_wide_columns_hfmse_with_months_not_tested_and_subscore(out):
    columns = header(out / "hfmse_wide.csv")
    assert columns[:6] == ["pseudonym", "assessment_key", "center", "sex", "age_years", "age_months"]
    items = scales.get("hfmse").items
    for item in items:
        assert f"item_{item.id}" in columns
        assert f"item_{item.id}_not_tested" in columns
    assert columns[-4:] == ["total", "sub_hfms", "complete", "flags"]
    assert not any(c.startswith("ctx_") and c not in ("ctx_manual",) for c in columns)


def test_long_columns(out):
    assert header(out / "phq9_long.csv") == COMMON_LONG
    assert header(out / "hfmse_long.csv") == [*COMMON_LONG[:5], "age_months", *COMMON_LONG[5:]]


def test_every_instrument_has_unique_column_names_and_the_item_columns_of_its_definition():
    for instrument in scales.INSTRUMENTS.values():
        wide = [c.name for c in wide_columns(instrument)]
        assert len(wide) == len(set(wide)), instrument.code
        assert len({c.name for c in long_columns(instrument)}) == len(long_columns(instrument))
        if instrument.item_template is None:
            assert {f"item_{item.id}" for item in instrument.items} <= set(wide)


def test_only_completed_and_signed_of_consenting_patients(out, cohort):
    rows = read_csv(out / "hfmse_wide.csv")
    assert sorted(r["status"] for r in rows) == ["completed", "signed", "signed"]
    assert len({r["pseudonym"] for r in rows}) == 2  # Aigerim and Nurlan; withdrawn and registry-only left out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["assessments"] == {"hfmse": 3, "phq9": 2, "gas": 1}
    assert manifest["patients"] == 2


def test_signed_only(cohort, tmp_path):
    export(cohort.world.manager, tmp_path / "x", instruments=["hfmse"], signed_only=True)
    assert [r["status"] for r in read_csv(tmp_path / "x" / "hfmse_wide.csv")] == ["signed", "signed"]


def test_centers_filter(cohort, tmp_path):
    export(cohort.world.manager, tmp_path / "x", instruments=["hfmse", "phq9"], centers=["center-b"])
    rows = read_csv(tmp_path / "x" / "hfmse_wide.csv") + read_csv(tmp_path / "x" / "phq9_wide.csv")
    assert {r["center"] for r in rows} == {"center-b"} and len(rows) == 2


def test_no_identifier_anywhere(out, cohort):
    cells = every_cell(out)
    text = "\n".join(cells)
    for secret in cohort.identities:
        assert secret not in text, secret
    assert not any(AIGERIM_IIN in cell for cell in cells)
    assert GOAL_TEXT not in text and NOT_TESTED_NOTE not in text


def test_real_dates_never_appear(out, cohort):
    """No assessment keeps its real date. (Compared per assessment: a shifted date may happen to be
    another assessment's real date, since registry ids, hence shifts, are random.)"""
    export_id = json.loads((out / "manifest.json").read_text())["export_id"]
    key = pseudonyms.research_key()
    real = {pseudonyms.assessment_key(a.pk, key=key, export_id=export_id): a.assessed_on for a in cohort.assessments.values()}  # fmt: skip
    for table in ("hfmse_wide", "phq9_wide", "gas_wide", "hfmse_long"):
        for row in read_csv(out / f"{table}.csv"):
            assert row["assessment_date"] != real[row["assessment_key"]].isoformat(), (table, row["assessment_key"])


def test_date_shift_constant_within_a_patient_and_different_between_patients(out, cohort):
    key, span = pseudonyms.research_key(), pseudonyms.shift_span_days()
    a_shift = pseudonyms.date_shift(cohort.aigerim.registry_id, key=key, span=span)
    n_shift = pseudonyms.date_shift(cohort.nurlan.registry_id, key=key, span=span)
    assert a_shift != n_shift
    assert 0 < abs(a_shift) <= span and 0 < abs(n_shift) <= span
    rows = csv_as_typed(out, "hfmse_wide") + csv_as_typed(out, "phq9_wide") + csv_as_typed(out, "gas_wide")
    aigerim = [r for r in rows if r["age_years"] in (9, 10)]
    nurlan = [r for r in rows if r["age_years"] in (43, 44)]
    assert len({r["pseudonym"] for r in aigerim}) == len({r["pseudonym"] for r in nurlan}) == 1
    assert {r["pseudonym"] for r in aigerim} != {r["pseudonym"] for r in nurlan}
    # Aigerim's real dates: 2025-03-13 (completed HFMSE), 2025-03-14 (signed HFMSE), 2025-09-14 (PHQ-9, GAS).
    real = {("hfmse", "completed"): datetime.date(2025, 3, 13), ("hfmse", "signed"): datetime.date(2025, 3, 14)}
    dates = {(r["scoring_version"].split("/")[0], r["status"]): r["assessment_date"] for r in aigerim}
    assert dates[("hfmse", "completed")] - real[("hfmse", "completed")] == datetime.timedelta(days=a_shift)
    assert dates[("hfmse", "signed")] - real[("hfmse", "signed")] == datetime.timedelta(days=a_shift)
    assert dates[("phq9", "signed")] - datetime.date(2025, 9, 14) == datetime.timedelta(days=a_shift)
    # Intervals within a patient are kept exactly.
    assert (dates[("phq9", "signed")] - dates[("hfmse", "signed")]).days == 184
    n_dates = sorted(r["assessment_date"] for r in nurlan)
    assert n_dates[0] - datetime.date(2024, 2, 28) == datetime.timedelta(days=n_shift)
    assert (n_dates[1] - n_dates[0]).days == 2


def test_same_shift_in_the_next_export_but_new_pseudonyms(cohort, tmp_path):
    export(cohort.world.manager, tmp_path / "one", instruments=["phq9"])
    export(cohort.world.manager, tmp_path / "two", instruments=["phq9"])
    one, two = read_csv(tmp_path / "one" / "phq9_wide.csv"), read_csv(tmp_path / "two" / "phq9_wide.csv")
    assert [r["assessment_date"] for r in one] == [r["assessment_date"] for r in two]
    assert not {r["pseudonym"] for r in one} & {r["pseudonym"] for r in two}
    assert not {r["assessment_key"] for r in one} & {r["assessment_key"] for r in two}


def test_ages_right_at_the_birthday(out):
    rows = csv_as_typed(out, "hfmse_wide")
    ages = sorted((r["age_years"], r["age_months"], r["status"]) for r in rows)
    # Aigerim, born 2015-03-14: 9 years 119 months the day before, 10 years 120 months on the day.
    # Nurlan, born 1980-02-29, on 2024-02-28: 43 years, no months (adult).
    assert ages == [(9, 119, "completed"), (10, 120, "signed"), (43, None, "signed")]
    long_ages = {(r["age_years"], r["age_months"]) for r in csv_as_typed(out, "hfmse_long")}
    assert long_ages == {(9, 119), (10, 120), (43, None)}
    assert {r["age_years"] for r in csv_as_typed(out, "phq9_wide")} == {10, 44}


def test_item_values_totals_and_not_tested(out):
    wide = {r["status"] + str(r["age_years"]): r for r in csv_as_typed(out, "hfmse_wide")}
    signed = wide["signed10"]
    assert signed["item_1"] == 2 and signed["total"] == 66 and signed["sub_hfms"] == 40 and signed["complete"] is True
    nurlan = wide["signed43"]
    assert nurlan["item_5"] is None and nurlan["item_5_not_tested"] == "refused"
    long = [r for r in csv_as_typed(out, "hfmse_long") if r["age_years"] == 43]
    assert len(long) == 33
    item5 = next(r for r in long if r["item_id"] == "5")
    assert item5["value"] is None and item5["points"] is None and item5["not_tested_reason"] == "refused"
    item1 = next(r for r in long if r["item_id"] == "1")
    assert (item1["value"], item1["value_number"], item1["points"], item1["not_tested_reason"]) == ("1", 1.0, 1.0, None)


def test_phq9_band_and_flags(out):
    rows = csv_as_typed(out, "phq9_wide")
    assert {(r["total"], r["band"], r["flags"]) for r in rows} == {(9.0, "mild", "safety_self_harm")}


def test_gas_goals_by_number_without_their_words(out):
    wide = csv_as_typed(out, "gas_wide")
    assert len(wide) == 1
    row = wide[0]
    assert (row["item_goal_1"], row["ctx_weights_goal_1"], row["item_goal_2"], row["ctx_weights_goal_2"]) == (
        1,
        2.0,
        0,
        1.0,
    )
    assert row["item_goal_3"] is None
    long = csv_as_typed(out, "gas_long")
    assert [(r["item_id"], r["value"]) for r in long] == [("goal_1", "1"), ("goal_2", "0")]


@pytest.mark.parametrize("table", ["hfmse_wide", "hfmse_long", "phq9_wide", "phq9_long", "gas_wide", "gas_long"])
def test_parquet_is_readable_and_equal_to_csv(out, table):
    assert parquet_rows(out, table) == csv_as_typed(out, table)
    schema = pq.read_schema(out / f"{table}.parquet")
    assert schema.names == header(out / f"{table}.csv")


def test_dictionary_covers_every_column_of_every_file(out):
    described = {(row["table"], row["column"]) for row in read_csv(out / "data_dictionary.csv")}
    tables = {p.stem for p in out.iterdir() if p.suffix == ".parquet"}
    files_columns = set()
    for table in tables:
        files_columns |= {(table, name) for name in header(out / f"{table}.csv")}
        files_columns |= {(table, name) for name in pq.read_schema(out / f"{table}.parquet").names}
    assert files_columns == described
    as_json = dictionary_json(out)
    json_columns = {(t["name"], c["name"]) for i in as_json["instruments"] for t in i["tables"] for c in t["columns"]}
    assert json_columns == described


def test_dictionary_content(out):
    rows = {(r["table"], r["column"]): r for r in read_csv(out / "data_dictionary.csv")}
    item = rows[("phq9_wide", "item_1")]
    assert item["type"] == "integer" and item["allowed_values"] == "0, 1, 2, 3"
    assert item["label_en"] and item["label_kk"] and item["label_ru"]
    assert item["instrument_version"] == "PHQ-9 (Kroenke 2001)" and item["scoring_version"] == "phq9/1"
    assert rows[("hfmse_wide", "age_months")]["unit"] == "months"
    assert "refused=Refused" in rows[("hfmse_wide", "item_5_not_tested")]["value_labels_en"]
    assert rows[("phq9_wide", "band")]["allowed_values"].startswith("minimal")
    for row in rows.values():
        assert row["type"] in {"string", "integer", "number", "date", "boolean"}
        assert row["label_en"] and row["label_kk"] and row["label_ru"] and row["description"]
    instrument = next(i for i in dictionary_json(out)["instruments"] if i["code"] == "phq9")
    assert instrument["instrument_version"] == "PHQ-9 (Kroenke 2001)"
    wide = next(t for t in instrument["tables"] if t["shape"] == "wide")
    assert wide["files"] == ["phq9_wide.csv", "phq9_wide.parquet"]
    item_1 = next(c for c in wide["columns"] if c["name"] == "item_1")
    assert item_1["allowed_values"][0] == {
        "code": "0",
        "label": scales.get("phq9").items[0].choices[0].label.as_dict(),
        "points": 0,
    }


def test_parquet_only_and_csv_only(cohort, tmp_path):
    export(cohort.world.manager, tmp_path / "p", instruments=["phq9"], formats=["parquet"])
    export(cohort.world.manager, tmp_path / "c", instruments=["phq9"], formats=["csv"])
    assert {p.suffix for p in (tmp_path / "p").iterdir()} == {".parquet", ".csv", ".json"}
    assert not (tmp_path / "p" / "phq9_wide.csv").exists()
    assert not (tmp_path / "c" / "phq9_wide.parquet").exists()


def test_every_instrument_exports_empty_tables_with_their_columns(cohort, tmp_path):
    export(cohort.world.manager, tmp_path / "all")
    for instrument in scales.INSTRUMENTS.values():
        assert header(tmp_path / "all" / f"{instrument.code}_wide.csv") == [c.name for c in wide_columns(instrument)]
        assert pq.read_table(tmp_path / "all" / f"{instrument.code}_long.parquet").schema.names == [
            c.name for c in long_columns(instrument)
        ]


def test_audit_entry_names_who_what_when_why(out, cohort):
    entry = AuditEntry.objects.filter(action="export").get()
    manifest = json.loads((out / "manifest.json").read_text())
    assert entry.actor_username == "manager"
    assert entry.object_type == "research_export" and entry.object_id == manifest["export_id"]
    assert entry.reason == "Study 2026/14, approved by the ethics committee"
    assert entry.changes["instruments"] == [None, ["hfmse", "phq9", "gas"]]
    assert entry.changes["centers"] == [None, "all"]
    assert entry.changes["assessments"] == [None, {"hfmse": 3, "phq9": 2, "gas": 1}]
    assert entry.changes["via"] == [None, "cli"]
    assert entry.patient_registry_id is None
    assert audit_verify().ok


@pytest.mark.parametrize(
    "persona", ["clinician_a", "coordinator_a", "administrator_a", "trainer_a", "clinician_b", "outsider"]
)
def test_refused_for_anyone_but_a_registry_manager(cohort, tmp_path, persona):
    before = AuditEntry.objects.count()
    with pytest.raises(NotAllowed):
        export(getattr(cohort.world, persona), tmp_path / "x")
    assert not (tmp_path / "x").exists()
    assert AuditEntry.objects.count() == before


def test_refused_for_an_inactive_manager(cohort, tmp_path):
    manager = cohort.world.manager
    manager.is_active = False
    manager.save()
    with pytest.raises(NotAllowed):
        export(manager, tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"instruments": ["nope"]}, "instruments"),
        ({"centers": ["center-z"]}, "centers"),
        ({"formats": ["xlsx"]}, "formats"),
        ({"formats": []}, "formats"),
        ({"reason": "   "}, "reason"),
    ],
)
def test_bad_requests_write_nothing(cohort, tmp_path, options, field):
    before = AuditEntry.objects.count()
    with pytest.raises(Invalid) as error:
        export(cohort.world.manager, tmp_path / "x", **options)
    assert field in error.value.errors
    assert not (tmp_path / "x").exists()
    assert AuditEntry.objects.count() == before


def test_refuses_a_folder_that_is_not_empty(cohort, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    with pytest.raises(Invalid) as error:
        export(cohort.world.manager, tmp_path / "x")
    assert "out" in error.value.errors
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["keep.txt"]


def test_failure_while_writing_removes_the_files_and_audits_nothing(cohort, tmp_path, monkeypatch):
    from qadam.interop.research import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write_manifest", broken)
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        export(cohort.world.manager, tmp_path / "x", instruments=["phq9"])
    assert not (tmp_path / "x").exists()
    assert AuditEntry.objects.count() == before


def test_small_chunks_give_the_same_tables(cohort, tmp_path):
    export(cohort.world.manager, tmp_path / "big", instruments=["hfmse"])
    export(cohort.world.manager, tmp_path / "small", instruments=["hfmse"], chunk_size=1)
    big, small = parquet_rows(tmp_path / "big", "hfmse_long"), parquet_rows(tmp_path / "small", "hfmse_long")
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("pseudonym", "assessment_key")} for r in rows]  # noqa: E731
    assert strip(big) == strip(small)
    assert pq.ParquetFile(tmp_path / "small" / "hfmse_long.parquet").metadata.num_row_groups > 1


def test_progress_reports_every_instrument(cohort, tmp_path):
    seen = []
    export(cohort.world.manager, tmp_path / "x", instruments=["hfmse", "phq9"], progress=lambda *a: seen.append(a))
    assert seen[0] == ("hfmse", 0, 3) and ("hfmse", 3, 3) in seen and seen[-1] == ("phq9", 2, 2)


def test_amendment_awaiting_signature_is_exported_as_the_last_signed_version(cohort, tmp_path):
    from qadam.assessments.services import assessment_amend

    signed = cohort.assessments["a_birthday"]
    signed.refresh_from_db()
    assessment_amend(
        by=cohort.world.clinician_a,
        assessment=signed,
        responses={item.id: 0 for item in scales.get("hfmse").items},
        context={},
        reason="Items entered on the wrong form",
        expected_version=signed.row_version,
    )
    export(cohort.world.manager, tmp_path / "x", instruments=["hfmse"], signed_only=True)
    rows = csv_as_typed(tmp_path / "x", "hfmse_wide")
    birthday = next(r for r in rows if r["age_years"] == 10)
    assert birthday["status"] == "signed" and birthday["total"] == 66 and birthday["item_1"] == 2
    assert not any(r["total"] == 0 for r in rows)
    long = [r for r in csv_as_typed(tmp_path / "x", "hfmse_long") if r["age_years"] == 10]
    assert {r["value"] for r in long} == {"2"}
