"""``qadam protocols refresh-defaults``: the shipped defaults as new default versions, only when changed."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from qadam.audit.models import AuditEntry
from qadam.monitoring import defaults, services
from qadam.monitoring.models import ProtocolVersion

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("protocols", "refresh-defaults", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_nothing_changes_when_the_defaults_are_the_shipped_ones(db):
    before = (ProtocolVersion.objects.count(), AuditEntry.objects.count())
    out, err = run()
    assert out == "" and "already the shipped ones" in err
    assert (ProtocolVersion.objects.count(), AuditEntry.objects.count()) == before


def test_a_changed_default_is_loaded_once_as_a_system_change(world):
    shipped = defaults.default_protocols()["mg"].rows_as_data()
    services.protocol_save(
        by=world.manager, center=None, condition="mg", rows=shipped[:1], reason="trial", expected_number=1
    )
    assert run("--dry-run")[0] == "mg\n"
    assert ProtocolVersion.objects.filter(center__isnull=True, condition="mg").count() == 2

    out, err = run()
    assert out == "mg v3\n" and "1 new default version" in err
    version = ProtocolVersion.objects.get(center__isnull=True, condition="mg", number=3)
    assert version.rows == shipped and version.created_by is None and version.reason == defaults.DEFAULT_REASON
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.actor_username == "" and entry.actor_id is None and entry.action == "update"
    assert entry.changes["system"] == [None, True] and entry.changes["version"] == [2, 3]
    assert entry.changes["shipped_defaults"] == [None, "default_protocols.json"]

    # Idempotent: the second run finds nothing to do.
    count = AuditEntry.objects.count()
    out, err = run()
    assert out == "" and err.endswith("Done: the defaults are already the shipped ones.\n")
    assert AuditEntry.objects.count() == count
    assert ProtocolVersion.objects.filter(center__isnull=True, condition="mg").count() == 3


def test_a_changed_shipped_file(db, tmp_path, monkeypatch):
    """A new release's file: only the condition whose rows changed gets a version."""
    document = json.loads(defaults.DATA_FILE.read_text(encoding="utf-8"))
    pain = next(p for p in document["protocols"] if p["condition"] == "pain")
    pain["rows"][-1]["every"] = "P2M"
    changed = tmp_path / "default_protocols.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(defaults, "DATA_FILE", changed)
    defaults.default_protocols.cache_clear()
    try:
        assert run()[0] == "pain v2\n"
        assert run()[0] == ""
    finally:
        defaults.default_protocols.cache_clear()
    assert ProtocolVersion.objects.get(center__isnull=True, condition="pain", number=2).rows[-1]["every"] == "P2M"


def test_a_bad_reason_saves_nothing(db):
    ProtocolVersion.objects.filter(center__isnull=True, condition="sma").update(rows=[])
    with pytest.raises(CommandError) as raised:
        run("--reason", "   ")
    assert raised.value.returncode == 2
    assert ProtocolVersion.objects.filter(center__isnull=True, condition="sma").count() == 1


def test_a_user_must_be_a_registry_manager(world):
    from qadam.core.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        services.protocol_defaults_refresh(by=world.coordinator_a)
    assert services.protocol_defaults_refresh(by=world.manager) == []
