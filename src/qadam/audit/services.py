"""Writing and checking the audit log.

Services call ``audit_record`` inside their own ``transaction.atomic`` block, so the change and its
audit entry commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam.core.exceptions import Message

from .canonical import GENESIS_HASH, canonical_value, entry_hash
from .models import Action, AuditChainHead, AuditEntry
from .selectors import AuditRow, audit_for_patient

# audit_for_patient is a read that lives with the selectors; the registry contract names it here too.
__all__ = ["AuditRow", "VerifyReport", "audit_for_patient", "audit_record", "audit_verify", "entry_payload"]

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
    if action not in Action.values:
        raise ValueError(f"Audit action must be one of {', '.join(Action.values)}. Got {action!r} instead.")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "actor_username": actor.get_username() if is_user else "",
        "actor_id": actor.pk if is_user else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "patient_registry_id": patient.registry_id if patient is not None else None,
        "changes": canonical_value(dict(changes or {})),
        "reason": reason,
    }
    with transaction.atomic():
        head = _locked_head()
        fields["seq"] = head.last_seq + 1
        # Microseconds are the finest unit both databases keep, so the stored time is the hashed time.
        fields["at"] = timezone.now()
        payload = entry_payload(fields)
        digest = entry_hash(payload, head.last_hash)
        entry = AuditEntry.objects.create(**fields, prev_hash=head.last_hash, entry_hash=digest)
        head.last_seq = entry.seq
        head.last_hash = digest
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Created by migration 0002; recreated only if a test database was flushed. An existing log
        # without its head makes the unique ``seq`` fail loudly instead of starting a second chain.
        head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
    return head


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
