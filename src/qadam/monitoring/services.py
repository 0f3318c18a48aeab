"""Changing monitoring protocols and transition checklists: checked, saved and audited atomically.

A protocol is never edited in place: ``protocol_save`` adds a version (number + 1) with its author,
time and reason, and the audit log records which rows were added, removed or changed. A center's
first own version is a copy of the default it edits (``based_on``). Who may save: registry managers
(any protocol, defaults included) and the coordinator of the center (its lead)
(``selectors.can_edit_protocol``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from qadam import scales
from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.centers.models import Center
from qadam.centers.selectors import can_write_clinical, is_registry_manager
from qadam.core.exceptions import Conflict, Invalid, InvalidState, Message, NotAllowed
from qadam.core.validation import choice_problems, date_problems, raise_if_any, reason_problems, text_problems
from qadam.patients.models import Patient
from qadam.patients.selectors import ensure_permitted
from qadam.patients.services import claim_patient

from . import due
from .defaults import DATA_FILE, DEFAULT_REASON, default_protocols
from .models import Condition, ProtocolVersion, TransitionItem, TransitionStep
from .selectors import can_edit_protocol, ensure_protocol_visible

ROW_MESSAGES = {
    "row_invalid": _("Row %(row)s is not a protocol row."),
    "field_unknown": _("Row %(row)s has fields Qadam does not know: %(value)s."),
    "key_invalid": _(
        "Row %(row)s: the key must be 1–80 lowercase letters, digits, dots, hyphens or underscores. Got “%(value)s”."
    ),
    "key_repeated": _("Row %(row)s: the key “%(value)s” is already used by another row."),
    "instruments_missing": _("Row %(row)s: name at least one instrument."),
    "instrument_unknown": _("Row %(row)s: “%(value)s” is not an instrument of the catalogue."),
    "instrument_repeated": _("Row %(row)s: an instrument is named twice (%(value)s)."),
    "anchor_unknown": _(
        "Row %(row)s: choose the anchor event: diagnosis, treatment start, dose, admission, cycle start or "
        "cycle end. Got “%(value)s”."
    ),
    "max_cycles_invalid": _("Row %(row)s: the number of cycles must be a whole number from 1 to 99. Got “%(value)s”."),
    "max_cycles_without_cycle": _("Row %(row)s: a number of cycles needs the anchor cycle start or cycle end."),
    "offsets_missing": _("Row %(row)s: give at least one offset, such as P0D."),
    "duration_invalid": _("Row %(row)s: “%(value)s” is not a duration such as P0D, P14D, P2W, P6M or P1Y."),
    "duration_too_long": _("Row %(row)s: “%(value)s” is longer than any protocol needs (at most 125 years)."),
    "offsets_not_increasing": _("Row %(row)s: the offsets must increase and not repeat (%(value)s)."),
    "every_zero": _("Row %(row)s: a repetition interval cannot be zero (%(value)s)."),
    "status_unknown": _("Row %(row)s: “%(value)s” is not a functional status of this condition."),
    "treatment_unknown": _("Row %(row)s: “%(value)s” is not a treatment of this condition."),
    "treatment_required": _("Row %(row)s: a row anchored on %(value)s must name its treatment."),
    "tolerance_invalid": _("Row %(row)s: the tolerance must be a whole number of days from 0 to 92. Got “%(value)s”."),
    "age_invalid": _("Row %(row)s: an age limit must be a whole number of months from 0 to 1500. Got “%(value)s”."),
    "text_invalid": _("Row %(row)s: the text is too long or not text."),
    "stable_without_every": _(
        "Row %(row)s: the interval for adults stable on the same therapy (%(value)s) needs a repetition interval."
    ),
    "stable_every_missing": _(
        "Row %(row)s: give the interval for adults stable on the same therapy, or leave its ages empty."
    ),
    "condition_unknown": _("“%(value)s” is not a condition with a monitoring protocol."),
}


RESET_DEFAULT_MESSAGE = _("The registry default has no default to return to.")
RESET_FOLLOWS_MESSAGE = _("This center already follows the registry default.")


def _row_errors(error: due.ProtocolError) -> Invalid:
    errors: dict[str, list[Message]] = {}
    for index, field_name, code, value in error.problems:
        key = f"rows.{index}.{field_name}" if index >= 0 else field_name
        errors.setdefault(key, []).append(
            Message(code, ROW_MESSAGES.get(code, ROW_MESSAGES["row_invalid"]), {"row": index + 1, "value": value})
        )
    return Invalid(errors=errors)


def _summary(old_rows: Sequence[Mapping[str, Any]], new_rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Which row keys were added, removed and changed (what the audit entry records)."""
    old = {r["key"]: r for r in old_rows}
    new = {r["key"]: r for r in new_rows}
    return {
        "rows_added": [None, sorted(set(new) - set(old))],
        "rows_removed": [None, sorted(set(old) - set(new))],
        "rows_changed": [None, sorted(k for k in set(old) & set(new) if old[k] != new[k])],
    }


def protocol_save(
    *,
    by: Any,
    center: Center | None,
    condition: str,
    rows: Sequence[Mapping[str, Any]],
    reason: str,
    expected_number: int | None,
    extra_changes: Mapping[str, Any] | None = None,
) -> ProtocolVersion:
    """Save ``rows`` as the next version of ``center``'s protocol for ``condition`` (``center=None``:
    the registry default).

    ``expected_number`` is the number of the center's own version the editor started from (None
    when they started from the default): if someone saved meanwhile, ``Conflict`` and nothing saved.
    """
    ensure_protocol_visible(viewer=by, center=center)
    if not can_edit_protocol(by, center):
        raise NotAllowed(params={"center": center.code if center else "default"})
    return _version_add(
        by=by,
        center=center,
        condition=condition,
        rows=rows,
        reason=reason,
        expected_number=expected_number,
        extra_changes=extra_changes,
    )


def _version_add(
    *,
    by: Any,
    center: Center | None,
    condition: str,
    rows: Sequence[Mapping[str, Any]],
    reason: str,
    expected_number: int | None,
    extra_changes: Mapping[str, Any] | None = None,
) -> ProtocolVersion:
    """Check ``rows`` and add the version, audited (the caller has checked who may save; ``by=None``
    is the registry itself, e.g. ``qadam protocols refresh-defaults``)."""
    raise_if_any({"condition": choice_problems(condition, Condition), "reason": reason_problems(reason)})
    try:
        parsed = due.parse_rows(condition, rows, scales.INSTRUMENTS)
    except due.ProtocolError as error:
        raise _row_errors(error) from None
    if not parsed:
        raise Invalid.field("rows", "rows_missing", _("A protocol needs at least one row."))
    data = [row.as_dict() for row in parsed]
    try:
        with transaction.atomic():
            mine = ProtocolVersion.objects.select_for_update().filter(center=center, condition=condition)
            if center is None:
                mine = ProtocolVersion.objects.select_for_update().filter(center__isnull=True, condition=condition)
            current = mine.order_by("-number").first()
            current_number = current.number if current else None
            if current_number != expected_number:
                raise Conflict(params={"expected": expected_number or 0, "current": current_number or 0})
            base = (
                current
                or ProtocolVersion.objects.filter(center__isnull=True, condition=condition).order_by("-number").first()
            )
            version = ProtocolVersion.objects.create(
                center=center,
                condition=condition,
                number=(current_number or 0) + 1,
                rows=data,
                source=base.source if base else "",
                based_on=base,
                reason=reason.strip(),
                created_by=by,
            )
            audit_record(
                actor=by,
                action=Action.CREATE if current is None else Action.UPDATE,
                obj=version,
                changes={
                    "center": [None, center.code if center else "default"],
                    "condition": [None, condition],
                    "version": [current_number, version.number],
                    **_summary(base.rows if base else [], data),
                    **(extra_changes or {}),
                },
                reason=version.reason,
            )
    except IntegrityError:
        # Two editors saved the same number at once: the unique index decided.
        raise Conflict(params={"expected": expected_number or 0, "current": (expected_number or 0) + 1}) from None
    return version


def protocol_reset(
    *, by: Any, center: Center, condition: str, reason: str, expected_number: int | None
) -> ProtocolVersion:
    """Save the registry default in force as the center's next version (the center's history stays).

    Only a center with its own versions can return to the default (``InvalidState`` otherwise: it
    already follows it); the rights, the reason and the edit conflict are those of ``protocol_save``.
    """
    if center is None:
        raise InvalidState("protocol_is_default", RESET_DEFAULT_MESSAGE)
    ensure_protocol_visible(viewer=by, center=center)
    if not can_edit_protocol(by, center):
        raise NotAllowed(params={"center": center.code})
    if (
        condition in Condition.values
        and not ProtocolVersion.objects.filter(center=center, condition=condition).exists()
    ):
        raise InvalidState("protocol_follows_default", RESET_FOLLOWS_MESSAGE)
    default = ProtocolVersion.objects.filter(center__isnull=True, condition=condition).order_by("-number").first()
    rows = default.rows if default else []
    return protocol_save(
        by=by,
        center=center,
        condition=condition,
        rows=rows,
        reason=reason,
        expected_number=expected_number,
        extra_changes={"returned_to_default": [None, default.number if default else None]},
    )


def protocol_defaults_refresh(*, by: Any = None, reason: str = DEFAULT_REASON) -> list[ProtocolVersion]:
    """Load the shipped defaults (``data/default_protocols.json``) as new default versions where they
    differ from the version in force; returns the versions created (none when nothing changed, so
    running it again is harmless).

    ``by=None`` is a system change (``qadam protocols refresh-defaults``, run by the operator of the
    server): the audit entry has no actor and says ``system: true``. A user must be a registry manager.
    """
    if by is not None and not is_registry_manager(by):
        raise NotAllowed(params={"center": "default"})
    created = []
    for condition, protocol in default_protocols().items():
        current = ProtocolVersion.objects.filter(center__isnull=True, condition=condition).order_by("-number").first()
        rows = protocol.rows_as_data()
        if current is not None and current.rows == rows:
            continue
        created.append(
            _version_add(
                by=by,
                center=None,
                condition=condition,
                rows=rows,
                reason=reason,
                expected_number=current.number if current else None,
                extra_changes={"shipped_defaults": [None, DATA_FILE.name], "system": [None, by is None]},
            )
        )
    return created


NOTE_MAX = 2000


def transition_step_set(
    *,
    by: Any,
    patient: Patient,
    item: str,
    done_on: datetime.date | None,
    note: str = "",
) -> TransitionStep:
    """Record progress on one transition item (``done_on=None``: not done yet), audited with the patient."""
    ensure_permitted(user=by, patient=patient, allowed=can_write_clinical)
    note = note.strip() if isinstance(note, str) else note
    raise_if_any(
        {
            "item": choice_problems(item, TransitionItem),
            "done_on": date_problems(done_on, not_before=patient.birth_date) if done_on is not None else [],
            "note": text_problems(note, max_length=NOTE_MAX),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
        step = TransitionStep.objects.select_for_update().filter(patient=patient, item=item).first()
        before = (step.done_on, step.note) if step else (None, "")
        created = step is None
        if before == (done_on, note):
            # Nothing changes (or nothing to record yet): no row, no audit entry.
            return step or TransitionStep(patient=patient, item=item, done_on=done_on, note=note)
        if step is None:
            step = TransitionStep(patient=patient, item=item)
        step.done_on = done_on
        step.note = note
        step.updated_by = by
        step.save()
        changes = {"item": [None, item]}
        if before[0] != done_on:
            changes["done_on"] = [before[0], done_on]
        if before[1] != note:
            changes["note"] = [before[1], note]
        audit_record(
            actor=by,
            action=Action.CREATE if created else Action.UPDATE,
            obj=step,
            patient=patient,
            changes=changes,
        )
    return step
