"""``qadam schedule``: exit codes, JSON output, messages in three languages, and nothing on standard
error for input problems. Dates follow the SPINRAZA EU SmPC and US label (clinical.md §B.1.1)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from qadam.cli import main
from qadam.regimens.cli import run_schedule_command


def run(*argv):
    out = io.StringIO()
    status = run_schedule_command(list(argv), stdout=out)
    return status, out.getvalue()


def test_nusinersen_json():
    status, out = run("nusinersen", "--given", "2025-01-06", "2025-01-20", "--today", "2025-01-21", "--json")
    assert status == 0
    data = json.loads(out)
    assert [(d["number"], d["due"], d["rule"]["code"]) for d in data["due"]] == [
        (3, "2025-02-03", "loading_3"),
        (4, "2025-03-10", "loading_4_day_63"),
        (5, "2025-07-10", "maintenance_every_4_months"),
    ]
    assert data["jurisdiction"] == "EU" and data["given"][1]["timing"] == "on_time"
    assert set(data["due"][0]["rule"]["text"]) == {"en", "kk", "ru"}


def test_nusinersen_text_names_the_rule_and_its_source():
    status, out = run(
        "nusinersen",
        "--given",
        "2025-01-06",
        "2025-01-20",
        "2025-02-03",
        "2025-03-10",
        "2025-07-10",
        "--today",
        "2026-05-20",
    )
    assert status == 0
    assert "2026-05-20" in out and "missed_maintenance_8_to_16_months" in out
    assert "2026-06-03" in out and "2026-10-03" in out
    assert "SPINRAZA US prescribing information" in out


def test_nusinersen_in_russian_and_kazakh():
    _, ru = run("nusinersen", "--given", "2025-01-06", "--today", "2025-01-06", "--lang", "ru")
    assert "Вторая нагрузочная доза" in ru and "К введению" in ru
    _, kk = run("nusinersen", "--given", "2025-01-06", "--today", "2025-01-06", "--lang", "kk")
    assert "Екінші жүктеме доза" in kk


def test_us_jurisdiction_and_high_dose_options():
    _, out = run("nusinersen", "--given", "2025-01-06", "--today", "2025-01-06", "--jurisdiction", "US", "--json")
    assert json.loads(out)["due"][2]["due"] == "2025-03-05"
    _, out = run(
        "nusinersen",
        "--given",
        "2025-01-06:12",
        "2025-01-20:12",
        "2025-02-03:12",
        "2025-03-10:12",
        "--today",
        "2025-03-10",
        "--regimen",
        "high-dose",
        "--json",
    )
    due = json.loads(out)["due"]
    assert [(d["kind"], d["dose_mg"], d["due"]) for d in due] == [
        ("switch", 50.0, "2025-07-10"),
        ("maintenance", 28.0, "2025-11-10"),
    ]


def test_bad_date_exits_2_with_json_errors():
    status, out = run("nusinersen", "--given", "2025-01-06", "2025-02-30", "--json")
    assert status == 2
    assert json.loads(out) == {
        "errors": [
            {
                "code": "invalid_date",
                "value": "2025-02-30",
                "message": "--given: '2025-02-30' is not a date; use YYYY-MM-DD, e.g. 2025-03-14.",
            }
        ]
    }


def test_dates_out_of_order_exit_2_in_the_chosen_language():
    status, out = run(
        "nusinersen", "--given", "2025-02-06", "2025-01-06", "--today", "2025-03-01", "--json", "--lang", "ru"
    )
    assert status == 2
    errors = json.loads(out)["errors"]
    assert [e["code"] for e in errors] == ["dates_out_of_order"]
    assert "по порядку дат" in errors[0]["message"]


def test_bad_today_and_future_dose():
    status, out = run("nusinersen", "--given", "2025-01-06", "--today", "yesterday")
    assert status == 2 and "error [invalid_date]" in out and "--today" in out
    status, out = run("nusinersen", "--given", "2025-01-06", "--today", "2025-01-01", "--json")
    assert status == 2 and json.loads(out)["errors"][0]["code"] == "given_after_today"


def test_usage_errors_exit_2_on_standard_output():
    status, out = run("nusinersen", "--json")
    assert status == 2 and json.loads(out)["errors"][0]["code"] == "usage"
    status, out = run("aspirin")
    assert status == 2 and out.startswith("error [usage]")
    status, out = run("nusinersen", "--given", "2025-01-06:lots", "--json")
    assert status == 2 and json.loads(out)["errors"][0]["code"] == "invalid_dose"


def test_onasemnogene_plan():
    status, out = run("onasemnogene", "--infusion", "2024-01-31", "--weight", "5.2", "--json")
    assert status == 0
    data = json.loads(out)
    steroid = next(i for i in data["items"] if i["code"] == "prednisolone_full_dose")
    assert (steroid["start"], steroid["end"], steroid["daily_dose_mg"]) == ("2024-01-30", "2024-02-28", 5.2)
    assert data["dose_vg"] == pytest.approx(5.72e14)
    status, out = run("onasemnogene", "--infusion", "2024-01-31", "--weight", "0", "--json")
    assert status == 2 and json.loads(out)["errors"][0]["code"] == "invalid_weight"


def test_botulinum_next_session():
    status, out = run("botulinum", "--last", "2025-01-10", "--today", "2025-04-04", "--json")
    data = json.loads(out)
    assert status == 0 and data["earliest_next"] == "2025-04-04" and data["allowed_today"] is True
    status, out = run("botulinum", "--last", "2025-01-10", "--today", "2025-01-01", "--json")
    assert status == 2 and json.loads(out)["errors"][0]["code"] == "dates_out_of_order"


def test_fcrn_next_cycle():
    status, out = run(
        "fcrn",
        "--product",
        "vyvgart",
        "--first",
        "2025-01-01",
        "--last",
        "2025-01-22",
        "--jurisdiction",
        "US",
        "--json",
    )
    assert status == 0 and json.loads(out)["earliest_next_cycle"] == "2025-02-19"
    status, out = run("fcrn", "--product", "imaavy", "--first", "2025-01-01", "--last", "2025-01-22")
    assert status == 0 and "not read" in out


def test_the_qadam_command_dispatches_schedule(capsys):
    status = main(["schedule", "nusinersen", "--given", "2025-01-06", "--today", "2025-01-06", "--json"])
    captured = capsys.readouterr()
    assert status == 0 and json.loads(captured.out)["due"][0]["due"] == "2025-01-20"
    assert captured.err == ""


def test_installed_command_keeps_standard_error_empty_for_input_problems():
    env = {**os.environ, "QADAM_LANG": "kk"}
    done = subprocess.run(
        [sys.executable, "-m", "qadam", "schedule", "nusinersen", "--given", "not-a-date"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == ""
    assert "күн емес" in done.stdout
