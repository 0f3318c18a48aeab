"""The hash-chained audit log: appends, verification, and detection of altered or removed rows."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from qadam.audit.canonical import GENESIS_HASH, canonical_json, canonical_value
from qadam.audit.models import AuditChainHead, AuditEntry
from qadam.audit.services import AuditEvent, audit_record, audit_record_many, audit_verify, entry_payload
from qadam.config.launcher import run_registry_command

pytestmark = pytest.mark.django_db


def _append(world, count=5):
    for n in range(count):
        audit_record(
            actor=world.clinician_a,
            action="update",
            object_type="test.thing",
            object_id=str(n),
            changes={"n": [n, n + 1]},
        )


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_entry_names_the_hash_of_the_one_before(world):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS_HASH
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash


def test_the_hash_is_sha256_over_the_canonical_entry_and_the_previous_hash(world):
    entry = AuditEntry.objects.order_by("-seq").first()
    text = canonical_json({**entry_payload(entry), "prev_hash": entry.prev_hash})
    assert hashlib.sha256(text.encode()).hexdigest() == entry.entry_hash
    assert json.loads(text)["actor_username"] == entry.actor_username


def test_values_are_stored_as_they_were_hashed(world):
    import datetime
    import decimal

    entry = audit_record(
        actor=None,
        action="update",
        object_type="test.values",
        object_id="1",
        changes={
            "big": [1e20, 2.0],
            "small": [1e-7, 0.1],
            "when": [datetime.date(2024, 2, 29), decimal.Decimal("1.50")],
            "text": ["Қазақ", "Рус"],
        },
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.changes == canonical_value(entry.changes)
    assert audit_verify().ok


def test_an_intact_chain_verifies(world):
    _append(world)
    report = audit_verify()
    assert report.ok and report.checked == AuditEntry.objects.count() and report.first_broken_seq is None


def test_an_altered_row_is_named(world):
    _append(world)
    _raw("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ["nothing to see", 4])
    report = audit_verify()
    assert (report.ok, report.first_broken_seq, report.problem_code) == (False, 4, "altered")
    assert report.checked == 3


def test_an_altered_row_with_a_recomputed_hash_breaks_the_next_link(world):
    _append(world)
    victim = AuditEntry.objects.get(seq=4)
    victim.actor_username = "someone_else"
    forged = AuditEntry(**{f.attname: getattr(victim, f.attname) for f in AuditEntry._meta.fields})
    from qadam.audit.canonical import entry_hash

    _raw(
        "UPDATE audit_auditentry SET actor_username = %s, entry_hash = %s WHERE seq = 4",
        ["someone_else", entry_hash(entry_payload(forged), victim.prev_hash)],
    )
    report = audit_verify()
    assert (report.first_broken_seq, report.problem_code) == (5, "link_broken")


def test_a_deleted_row_is_named(world):
    _append(world)
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [3])
    report = audit_verify()
    assert (report.ok, report.first_broken_seq, report.problem_code) == (False, 3, "missing")


def test_the_first_row_deleted_is_named(world):
    _raw("DELETE FROM audit_auditentry WHERE seq = 1")
    assert audit_verify().first_broken_seq == 1


def test_rows_deleted_from_the_end_are_noticed(world):
    _append(world)
    last = AuditEntry.objects.order_by("-seq").first().seq
    _raw("DELETE FROM audit_auditentry WHERE seq >= %s", [last - 1])
    report = audit_verify()
    assert (report.ok, report.first_broken_seq, report.problem_code) == (False, last - 1, "missing")


def test_a_removed_chain_head_is_noticed(world):
    _raw("DELETE FROM audit_auditchainhead")
    report = audit_verify()
    assert (report.ok, report.problem_code) == (False, "head_missing")


def test_a_failed_transaction_leaves_no_entry_and_no_gap(world):
    before = AuditChainHead.objects.get().last_seq
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=world.clinician_a, action="view", object_type="test.thing", object_id="x")
        raise RuntimeError("the change after the audit entry failed")
    assert AuditChainHead.objects.get().last_seq == before
    entry = audit_record(actor=world.clinician_a, action="view", object_type="test.thing", object_id="y")
    assert entry.seq == before + 1
    assert audit_verify().ok


def test_unknown_actions_are_refused(world):
    with pytest.raises(ValueError, match="Audit action must be one of"):
        audit_record(actor=None, action="erase")


def test_the_command_exits_0_when_intact_and_1_naming_the_entry_when_broken(world, capsys):
    call_command("audit", "verify")
    assert "Audit chain intact" in capsys.readouterr().out
    _raw("UPDATE audit_auditentry SET changes = %s WHERE seq = 2", ['{"role": [null, "administrator"]}'])
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1
    assert "Audit chain broken at entry 2" in str(caught.value)


ON_POSTGRESQL = bool(os.environ.get("QADAM_DATABASE_URL"))


# Django closes every connection when a command run from argv ends: harmless for the in-memory
# SQLite test database (Django keeps it open), fatal for the PostgreSQL test transaction.
@pytest.mark.skipif(ON_POSTGRESQL, reason="execute_from_command_line closes the test connection")
def test_the_qadam_launcher_returns_the_exit_codes(world, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QADAM_DATA_DIR", str(tmp_path))
    assert run_registry_command(["audit", "verify"]) == 0
    _raw("DELETE FROM audit_auditentry WHERE seq = 2")
    with pytest.raises(SystemExit) as caught:
        run_registry_command(["audit", "verify"])
    assert caught.value.code == 1
    assert "entry 2" in capsys.readouterr().err


@pytest.mark.skipif(ON_POSTGRESQL, reason="the subprocess uses its own SQLite database")
def test_qadam_audit_verify_as_a_program(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QADAM_", "PYTEST", "DJANGO_"))}

    def qadam(*args):
        return subprocess.run(
            [sys.executable, "-m", "qadam", "--data-dir", str(tmp_path), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert qadam("migrate", "--noinput", "-v", "0").returncode == 0
    script = "from qadam.core.testing import build_world; build_world()"
    assert qadam("shell", "-c", script).returncode == 0
    intact = qadam("audit", "verify")
    assert (intact.returncode, "Audit chain intact" in intact.stdout) == (0, True)
    import sqlite3

    with sqlite3.connect(tmp_path / "qadam.sqlite3") as db:
        db.execute("UPDATE audit_auditentry SET actor_username = 'nobody' WHERE seq = 7")
    broken = qadam("audit", "verify")
    assert broken.returncode == 1
    assert "Audit chain broken at entry 7" in broken.stderr


def test_several_entries_of_one_write_are_chained_in_order(world, patient_a):
    before = AuditChainHead.objects.get()
    events = [
        AuditEvent("update", object_type="test.thing", object_id="1", patient=patient_a, changes={"n": [1, 2.0]}),
        AuditEvent("sign", object_type="test.thing", object_id="1", patient=patient_a, reason="checked"),
        AuditEvent("view", obj=patient_a, patient=patient_a),
    ]
    entries = audit_record_many(actor=world.clinician_a, events=events)
    stored = list(AuditEntry.objects.filter(seq__gt=before.last_seq).order_by("seq"))
    assert [e.pk for e in stored] == [e.pk for e in entries]
    assert [(e.seq, e.action) for e in stored] == [
        (before.last_seq + 1, "update"),
        (before.last_seq + 2, "sign"),
        (before.last_seq + 3, "view"),
    ]
    assert stored[0].prev_hash == before.last_hash
    assert [e.prev_hash for e in stored[1:]] == [e.entry_hash for e in stored[:-1]]
    assert stored[0].changes == {"n": [1, 2]} and stored[2].object_type == "patients.patient"
    assert {e.patient_registry_id for e in stored} == {patient_a.registry_id}
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (stored[-1].seq, stored[-1].entry_hash)
    assert audit_verify().ok


def test_one_unknown_action_among_several_writes_nothing(world):
    before = AuditChainHead.objects.get().last_seq
    with pytest.raises(ValueError, match="Audit action must be one of"):
        audit_record_many(actor=None, events=[AuditEvent("view", object_type="t"), AuditEvent("erase")])
    assert AuditChainHead.objects.get().last_seq == before == AuditEntry.objects.count()
    assert audit_record_many(actor=None, events=[]) == []
