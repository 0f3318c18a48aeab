"""Reading the audit log: the per-patient "who saw or changed this record" page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from qadam.centers.selectors import can_read_audit
from qadam.core.exceptions import NotAllowed
from qadam.patients.selectors import ensure_visible, identity_visible

from .models import AuditEntry

IDENTITY_CHANGE_KEYS = frozenset({"full_name", "iin"})
HIDDEN = "•••"


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as a reader sees it."""

    seq: int
    at: datetime.datetime
    actor_username: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    reason: str

    @property
    def action_label(self) -> str:
        return str(AuditEntry.Action(self.action).label)


def audit_for_patient(*, viewer: Any, patient: Any, limit: int | None = None) -> list[AuditRow]:
    """Return the patient's audit entries, newest first.

    Readers: the coordinators of the patient's center and registry managers. Registry managers of
    other centers see identity changes as hidden (the log stores them masked in any case).
    """
    ensure_visible(viewer=viewer, patient=patient)
    if not can_read_audit(viewer, patient.center):
        raise NotAllowed(params={"registry_id": patient.registry_id})
    show_identity = identity_visible(viewer=viewer, patient=patient)
    entries = AuditEntry.objects.filter(patient_registry_id=patient.registry_id).order_by("-seq")
    if limit is not None:
        entries = entries[:limit]
    return [_row(entry, show_identity) for entry in entries]


def _row(entry: AuditEntry, show_identity: bool) -> AuditRow:
    changes = dict(entry.changes or {})
    if not show_identity:
        changes = {k: ([HIDDEN, HIDDEN] if k in IDENTITY_CHANGE_KEYS else v) for k, v in changes.items()}
        reason = HIDDEN if entry.object_type == "patients.patientidentity" and entry.reason else entry.reason
    else:
        reason = entry.reason
    return AuditRow(
        seq=entry.seq,
        at=entry.at,
        actor_username=entry.actor_username,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        changes=changes,
        reason=reason,
    )
