"""``qadam export research`` on the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qadam.audit.models import AuditEntry

from .support import header, read_csv

pytestmark = pytest.mark.django_db

REASON = "Ethics approval 2026/14: SMA motor outcomes"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export", "research", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_with_filters_progress_and_summary(cohort, tmp_path):
    target = tmp_path / "out"
    out, err = run(
        "--out", str(target), "--user", "manager", "--reason", REASON,
        "--instrument", "hfmse", "--instrument", "phq9", "--center", "center-a", "--format", "csv",
    )  # fmt: skip
    assert "hfmse: 0/2 assessments (0%)" in err and "hfmse: 2/2 assessments (100%)" in err
    assert "phq9: 1/1 assessments (100%)" in err
    assert "Research export" in out and "hfmse: 2 assessments, 66 item responses" in out
    assert sorted(p.name for p in target.iterdir()) == [
        "data_dictionary.csv", "data_dictionary.json", "hfmse_long.csv", "hfmse_wide.csv",
        "manifest.json", "phq9_long.csv", "phq9_wide.csv",
    ]  # fmt: skip
    assert {r["center"] for r in read_csv(target / "hfmse_wide.csv")} == {"center-a"}
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["centers"] == ["center-a"] and manifest["formats"] == ["csv"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.reason == REASON and entry.actor_username == "manager"
    assert entry.changes["centers"] == [None, ["center-a"]] and entry.changes["formats"] == [None, ["csv"]]


def test_default_is_every_instrument_in_both_formats(cohort, tmp_path):
    run("--out", str(tmp_path / "all"), "--user", "manager", "--reason", REASON)
    assert (tmp_path / "all" / "moca_wide.parquet").exists() and (tmp_path / "all" / "moca_long.csv").exists()
    assert header(tmp_path / "all" / "hfmse_wide.csv")[0] == "pseudonym"


@pytest.mark.parametrize("username", ["clinician_a", "coordinator_b", "outsider"])
def test_refused_for_non_managers_nothing_written(cohort, tmp_path, username):
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="registry managers only") as error:
        run("--out", str(tmp_path / "x"), "--user", username, "--reason", REASON)
    assert "Nothing was exported" in str(error.value)
    assert not (tmp_path / "x").exists()
    assert AuditEntry.objects.count() == before


def test_unknown_user(cohort, tmp_path):
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        run("--out", str(tmp_path / "x"), "--user", "nobody", "--reason", REASON)
    assert not (tmp_path / "x").exists()


def test_unknown_instrument_and_center_are_named(cohort, tmp_path):
    with pytest.raises(CommandError) as error:
        run(
            "--out", str(tmp_path / "x"), "--user", "manager", "--reason", REASON,
            "--instrument", "phq10", "--center", "center-z",
        )  # fmt: skip
    message = str(error.value)
    assert "--instruments: There is no instrument with the code “phq10”." in message
    assert "--centers: There is no center with the code “center-z”." in message
    assert not (tmp_path / "x").exists()


def test_reason_is_required(cohort, tmp_path):
    with pytest.raises(CommandError, match="--reason"):
        run("--out", str(tmp_path / "x"), "--user", "manager")
    with pytest.raises(CommandError, match="--reason: Give a reason"):
        run("--out", str(tmp_path / "x"), "--user", "manager", "--reason", " ")
    assert not (tmp_path / "x").exists()


def test_chunk_size_must_be_positive(cohort, tmp_path):
    with pytest.raises(CommandError, match="--chunk-size must be at least 1"):
        run("--out", str(tmp_path / "x"), "--user", "manager", "--reason", REASON, "--chunk-size", "0")
