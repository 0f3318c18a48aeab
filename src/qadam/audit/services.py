"""Writing and checking the audit log.

Services call ``audit_record`` inside their own ``transaction.atomic`` block, so the change and its
audit entry commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam.core.exceptions import Message

from .canonical import GENESIS_HASH, canonical_value, entry_hash
from .models import Action, AuditChainHead, AuditEntry
from .selectors import AuditRow, audit_for_patient

# audit_for_patient is a read that lives with the selectors; the registry contract names it here too.
__all__ = [
    "AuditEvent",
    "AuditRow",
    "VerifyReport",
    "audit_for_patient",
    "audit_record",
    "audit_record_many",
    "audit_verify",
    "entry_payload",
]

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_username",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "patient_registry_id",
    "changes",
    "reason",
)


@dataclass(frozen=True)
class AuditEvent:
    """One entry to append with ``audit_record_many`` (the arguments of ``audit_record`` but the actor)."""

    action: str
    obj: Model | None = None
    object_type: str = ""
    object_id: str = ""
    patient: Any = None
    changes: Mapping[str, Any] | None = None
    reason: str = ""


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    patient: Any = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the chain and return it.

    ``obj`` fills ``object_type`` (``app_label.model``) and ``object_id`` unless they are given;
    ``patient`` (a ``Patient``) fills ``patient_registry_id``; ``changes`` maps a field to
    ``[old, new]``. Appends are serialised by locking the chain head, so sequence numbers have no
    gaps and every entry names the hash of the one before.
    """
    event = AuditEvent(action, obj, object_type, object_id, patient, changes, reason)
    return audit_record_many(actor=actor, events=[event])[0]


def audit_record_many(*, actor: Any, events: Sequence[AuditEvent]) -> list[AuditEntry]:
    """Append several entries by one actor, in order, and return them.

    Three statements whatever the number of entries: the chain head is read and locked
    (``SELECT … FOR UPDATE``; SQLite's write lock is already held), the entries are inserted together,
    and the head moves to the last of them. Everything that does not depend on the head (the
    canonical form of each entry) is prepared before the lock, and services call this last in their
    transaction, so the head, which every writer of the registry waits for, stays locked only for
    the hashing, the two writes and the commit.

    The entries join the caller's transaction without a savepoint: if anything fails, the change
    they describe is rolled back with them.
    """
    rows = [_entry_fields(actor, event) for event in events]
    if not rows:
        return []
    alias = router.db_for_write(AuditEntry)
    with transaction.atomic(using=alias, savepoint=False):
        connection = connections[alias]
        last_seq, prev_hash = _locked_head(connection)
        # Microseconds are the finest unit both databases keep, so the stored time is the hashed time.
        now = timezone.now()
        at = canonical_value(now)
        entries = []
        for fields in rows:
            last_seq += 1
            # ``fields`` is canonical already: the payload is what ``entry_payload`` gives for the saved row.
            digest = entry_hash({**fields, "seq": last_seq, "at": at}, prev_hash)
            entries.append(AuditEntry(**fields, seq=last_seq, at=now, prev_hash=prev_hash, entry_hash=digest))
            prev_hash = digest
        _insert_entries(connection, entries)
        _move_head(connection, last_seq, prev_hash)
    return entries


def _entry_fields(actor: Any, event: AuditEvent) -> dict[str, Any]:
    """The hashed fields of an entry except ``seq`` and ``at``, in canonical form."""
    if event.action not in Action.values:
        raise ValueError(f"Audit action must be one of {', '.join(Action.values)}. Got {event.action!r} instead.")
    object_type, object_id = event.object_type, event.object_id
    if event.obj is not None:
        object_type = object_type or event.obj._meta.label_lower
        object_id = object_id or str(event.obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "actor_username": actor.get_username() if is_user else "",
        "actor_id": actor.pk if is_user else None,
        "action": event.action,
        "object_type": object_type,
        "object_id": str(object_id),
        "patient_registry_id": event.patient.registry_id if event.patient is not None else None,
        "changes": dict(event.changes or {}),
        "reason": event.reason,
    }
    return {name: canonical_value(value) for name, value in fields.items()}


def _locked_head(connection: Any) -> tuple[int, str]:
    # Two fixed statements on the single head row, written out: this runs for every audited write.
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE id = 1{lock}")
        head = cursor.fetchone()
    if head is None:
        # Created by migration 0002; recreated only if a test database was flushed. An existing log
        # without its head makes the unique ``seq`` fail loudly instead of starting a second chain.
        AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
        return 0, GENESIS_HASH
    return int(head[0]), head[1]


def _insert_entries(connection: Any, entries: list[AuditEntry]) -> None:
    """One multi-row INSERT, values converted by each field as the ORM would; ids read back."""
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for entry in entries for f in fields]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(entries))}"
    pk = AuditEntry._meta.pk
    returning = connection.features.can_return_rows_from_bulk_insert
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(pk.column)}" if returning else sql, params)
        ids = [r[0] for r in cursor.fetchall()] if returning else None
    if ids is None:
        by_seq = dict(
            AuditEntry.objects.using(connection.alias).filter(seq__in=[e.seq for e in entries]).values_list("seq", "pk")
        )
        ids = [by_seq[e.seq] for e in entries]
    for entry, entry_id in zip(entries, ids, strict=True):
        entry.pk = entry_id
        entry._state.adding = False
        entry._state.db = connection.alias


def _move_head(connection: Any, last_seq: int, last_hash: str) -> None:
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_seq = %s, last_hash = %s WHERE id = 1", [last_seq, last_hash])


def entry_payload(entry: Mapping[str, Any] | AuditEntry) -> dict[str, Any]:
    """Return the hashed fields of an entry (a saved row or the dictionary about to be saved)."""
    get = entry.get if isinstance(entry, Mapping) else (lambda name: getattr(entry, name))
    return {name: canonical_value(get(name)) for name in HASHED_FIELDS}


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of ``audit_verify``: ``first_broken_seq`` names the first entry that fails."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""
    problem_code: str = ""


def audit_verify() -> VerifyReport:
    """Recompute the whole chain and report the first entry that was altered, removed or misplaced.

    The head is read first and only entries up to its sequence number are checked, so entries
    appended while the check runs are neither required nor reported.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    entries = AuditEntry.objects.order_by("seq")
    if head is None:
        if entries.exists():
            return _broken(0, entries.first().seq, "head_missing", _("The chain head is missing."))
        return VerifyReport(ok=True, checked=0)
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in entries.filter(seq__lte=head.last_seq).iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return _broken(checked, expected_seq, "missing", _("Entry %(seq)s is missing."), seq=expected_seq)
        if entry.prev_hash != prev_hash:
            return _broken(
                checked,
                entry.seq,
                "link_broken",
                _("Entry %(seq)s does not name the hash of entry %(previous)s."),
                seq=entry.seq,
                previous=entry.seq - 1,
            )
        if entry_hash(entry_payload(entry), entry.prev_hash) != entry.entry_hash:
            return _broken(
                checked, entry.seq, "altered", _("Entry %(seq)s was altered after it was written."), seq=entry.seq
            )
        prev_hash = entry.entry_hash
        expected_seq += 1
        checked += 1
    if checked != head.last_seq:
        return _broken(
            checked,
            expected_seq,
            "missing",
            _("Entries %(first)s to %(last)s are missing from the end of the log."),
            first=expected_seq,
            last=head.last_seq,
        )
    if head.last_hash != prev_hash:
        return _broken(
            checked,
            head.last_seq,
            "head_mismatch",
            _("The chain head does not match entry %(seq)s."),
            seq=head.last_seq,
        )
    return VerifyReport(ok=True, checked=checked)


def _broken(checked: int, broken_seq: int, code: str, template: Any, /, **params: Any) -> VerifyReport:
    return VerifyReport(
        ok=False,
        checked=checked,
        first_broken_seq=broken_seq,
        problem=str(Message(code, template, params)),
        problem_code=code,
    )
