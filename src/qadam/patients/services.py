"""Writing patient records. Every function checks access, validates, writes and audits atomically."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.centers.models import Center
from qadam.centers.selectors import can_write_clinical
from qadam.core.exceptions import Conflict, Invalid, InvalidState, Message, NotAllowed
from qadam.core.validation import (
    choice_problems,
    date_problems,
    raise_if_any,
    reason_problems,
    text_problems,
)

from .iin import iin_problems, normalise_iin
from .models import (
    Consent,
    ConsentKind,
    Diagnosis,
    FunctionalStatus,
    Icd10Code,
    Patient,
    PatientIdentity,
    Sex,
    SmaGenetics,
    SmaStatus,
    SmaType,
    Smn1Status,
)
from .selectors import ensure_visible, patient_get

# Crockford's Base32 without I, L, O, U: nothing a reader can confuse when a registry id is read aloud.
REGISTRY_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
IDENTITY_FIELDS = ("full_name", "iin")
DEMOGRAPHIC_FIELDS = ("birth_date", "sex", "center")
FULL_NAME_MAX = 200


def new_registry_id() -> str:
    """Return an unused pseudonym such as ``KZ-7Q4M-2XD9`` (random: it encodes nothing about the person)."""
    for _attempt in range(20):
        body = "".join(secrets.choice(REGISTRY_ID_ALPHABET) for _ in range(8))
        candidate = f"KZ-{body[:4]}-{body[4:]}"
        if not Patient.objects.filter(registry_id=candidate).exists():
            return candidate
    raise RuntimeError("No unused registry id found in 20 attempts; the id space is unexpectedly full.")


def _require_writer(user: Any, center: Center) -> None:
    if not can_write_clinical(user, center):
        raise NotAllowed(params={"center": center.code})


def _touch(patient: Patient) -> None:
    # Recent activity on a sub-record moves the patient up the "recent" lists without bumping the
    # demographic row_version (a new diagnosis must not conflict with an edit of the birth date).
    Patient.objects.filter(pk=patient.pk).update(updated_at=timezone.now())


def mask_iin(iin: str) -> str:
    """Keep only the last four digits of an IIN for the audit log (identities stay in their table)."""
    return f"********{iin[-4:]}" if iin else ""


def mask_name(full_name: str) -> str:
    """Keep only initials of a name for the audit log."""
    return " ".join(f"{word[0]}." for word in full_name.split()) if full_name else ""


def _masked(field: str, value: Any) -> Any:
    if field == "iin":
        return mask_iin(value or "")
    if field == "full_name":
        return mask_name(value or "")
    return value


def _identity_problems(full_name: Any, iin: str) -> dict[str, list]:
    return {
        "full_name": text_problems(full_name, max_length=FULL_NAME_MAX),
        "iin": iin_problems(iin) if iin else [],
    }


def _iin_taken(iin: str) -> Invalid:
    return Invalid.field(
        "iin", "iin_taken", _("Another patient in the registry already has the IIN %(value)s."), {"value": iin}
    )


def patient_register(
    *,
    by: Any,
    center: Center,
    birth_date: datetime.date,
    sex: str,
    full_name: str = "",
    iin: str = "",
    reason: str = "",
) -> Patient:
    """Register a patient in ``center`` with a new registry id; names and IIN go to the identity table."""
    _require_writer(by, center)
    iin = normalise_iin(iin or "")
    full_name = full_name.strip() if isinstance(full_name, str) else full_name
    raise_if_any(
        {
            "birth_date": date_problems(birth_date),
            "sex": choice_problems(sex, Sex),
            "reason": text_problems(reason),
            **_identity_problems(full_name, iin),
        }
    )
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                registry_id=new_registry_id(), center=center, birth_date=birth_date, sex=sex
            )
            audit_record(
                actor=by,
                action=Action.CREATE,
                obj=patient,
                patient=patient,
                changes={"center": [None, center.code], "birth_date": [None, birth_date], "sex": [None, sex]},
                reason=reason,
            )
            if full_name or iin:
                identity = PatientIdentity.objects.create(patient=patient, full_name=full_name, iin=iin)
                audit_record(
                    actor=by,
                    action=Action.CREATE,
                    obj=identity,
                    patient=patient,
                    changes={f: [None, _masked(f, getattr(identity, f))] for f in IDENTITY_FIELDS},
                    reason=reason,
                )
    except IntegrityError:
        # The unique index decides (two registrations can race); the whole registration rolled back.
        if iin and PatientIdentity.objects.filter(iin=iin).exists():
            raise _iin_taken(iin) from None
        raise
    return patient


def patient_update(*, by: Any, patient: Patient, expected_version: int, reason: str, **fields: Any) -> Patient:
    """Change demographics (birth_date, sex, center) and identity (full_name, iin) of a patient.

    ``expected_version`` is the ``row_version`` the editor saw; if the record changed since,
    ``Conflict`` is raised and nothing is saved. A reason is required.
    """
    unknown = set(fields) - set(DEMOGRAPHIC_FIELDS) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"patient_update() got unexpected fields: {', '.join(sorted(unknown))}")
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient.center)
    if "iin" in fields:
        fields["iin"] = normalise_iin(fields["iin"] or "")
    if isinstance(fields.get("full_name"), str):
        fields["full_name"] = fields["full_name"].strip()
    raise_if_any(_update_problems(by, fields, reason))
    try:
        with transaction.atomic():
            locked = Patient.objects.select_for_update().select_related("center").get(pk=patient.pk)
            _require_writer(by, locked.center)
            if locked.row_version != expected_version:
                raise Conflict(params={"expected": expected_version, "current": locked.row_version})
            changes = _apply_demographics(locked, fields)
            identity, identity_changes = _apply_identity(locked, fields)
            if not changes and not identity_changes:
                return locked
            locked.row_version += 1
            locked.save(update_fields=[*(f for f in DEMOGRAPHIC_FIELDS if f in changes), "row_version", "updated_at"])
            if identity_changes:
                # After the patient row: a taken IIN fails here and takes the demographic change with it.
                identity.save()
            audit_record(
                actor=by,
                action=Action.UPDATE,
                obj=locked,
                patient=locked,
                changes={**changes, **identity_changes},
                reason=reason,
            )
    except IntegrityError:
        if fields.get("iin") and PatientIdentity.objects.filter(iin=fields["iin"]).exclude(patient=patient).exists():
            raise _iin_taken(fields["iin"]) from None
        raise
    return locked


def _update_problems(by: Any, fields: dict[str, Any], reason: str) -> dict[str, list]:
    problems: dict[str, list] = {"reason": reason_problems(reason)}
    if "birth_date" in fields:
        problems["birth_date"] = date_problems(fields["birth_date"])
    if "sex" in fields:
        problems["sex"] = choice_problems(fields["sex"], Sex)
    if "center" in fields and not (isinstance(fields["center"], Center) and can_write_clinical(by, fields["center"])):
        problems["center"] = [
            Message("center_not_allowed", _("You can move a patient only to a center where you enter data."))
        ]
    if "full_name" in fields:
        problems["full_name"] = text_problems(fields["full_name"], max_length=FULL_NAME_MAX)
    if fields.get("iin"):
        problems["iin"] = iin_problems(fields["iin"])
    return problems


def _apply_demographics(patient: Patient, fields: dict[str, Any]) -> dict[str, list]:
    changes = {}
    for name in DEMOGRAPHIC_FIELDS:
        if name not in fields:
            continue
        old, new = getattr(patient, name), fields[name]
        if old != new:
            changes[name] = [old.code, new.code] if name == "center" else [old, new]
            setattr(patient, name, new)
    return changes


def _apply_identity(patient: Patient, fields: dict[str, Any]) -> tuple[PatientIdentity | None, dict[str, list]]:
    """Set the wanted identity values on the (locked) identity row, unsaved; return it and the changes."""
    wanted = {name: fields[name] for name in IDENTITY_FIELDS if name in fields}
    if not wanted:
        return None, {}
    identity = PatientIdentity.objects.select_for_update().filter(patient=patient).first()
    if identity is None:
        identity = PatientIdentity(patient=patient)
    changes = {}
    for name, new in wanted.items():
        old = getattr(identity, name)
        if old != new:
            changes[name] = [_masked(name, old), _masked(name, new)]
            setattr(identity, name, new)
    return identity, changes


def patient_view(*, viewer: Any, registry_id: str) -> Patient:
    """Return the patient (as ``patient_get``) and record that the viewer opened the record."""
    patient = patient_get(viewer=viewer, registry_id=registry_id)
    with transaction.atomic():
        audit_record(actor=viewer, action=Action.VIEW, obj=patient, patient=patient)
    return patient


def diagnosis_add(
    *,
    by: Any,
    patient: Patient,
    icd10: Icd10Code | str,
    diagnosed_on: datetime.date,
    is_primary: bool = False,
    note: str = "",
) -> Diagnosis:
    """Add a diagnosis; a new primary diagnosis makes the previous primary one secondary."""
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient.center)
    code = icd10.code if isinstance(icd10, Icd10Code) else str(icd10 or "").strip().upper()
    icd10_row = Icd10Code.objects.filter(code=code).first()
    raise_if_any(
        {
            "icd10": [] if icd10_row else [_unknown_code(code)],
            "diagnosed_on": date_problems(diagnosed_on, not_before=patient.birth_date),
            "note": text_problems(note),
        }
    )
    with transaction.atomic():
        if is_primary:
            for previous in Diagnosis.objects.select_for_update().filter(patient=patient, is_primary=True):
                previous.is_primary = False
                previous.save(update_fields=["is_primary"])
                audit_record(
                    actor=by, action=Action.UPDATE, obj=previous, patient=patient, changes={"is_primary": [True, False]}
                )
        diagnosis = Diagnosis.objects.create(
            patient=patient, icd10=icd10_row, diagnosed_on=diagnosed_on, is_primary=bool(is_primary), note=note
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=diagnosis,
            patient=patient,
            changes={
                "icd10": [None, code],
                "diagnosed_on": [None, diagnosed_on],
                "is_primary": [None, bool(is_primary)],
            },
        )
        _touch(patient)
    return diagnosis


def _unknown_code(code: str) -> Message:
    return Message("icd10_unknown", _("“%(value)s” is not an ICD-10 code the registry offers."), {"value": code})


def sma_genetics_set(
    *,
    by: Any,
    patient: Patient,
    smn1_status: str,
    smn2_copies: int | None = None,
    tested_on: datetime.date | None = None,
    reason: str = "",
) -> SmaGenetics:
    """Record or correct the SMA genetics of a patient (SMN1 status, SMN2 copy number 0–8)."""
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient.center)
    raise_if_any(
        {
            "smn1_status": choice_problems(smn1_status, Smn1Status),
            "smn2_copies": _copies_problems(smn2_copies),
            "tested_on": [] if tested_on is None else date_problems(tested_on, not_before=patient.birth_date),
            "reason": text_problems(reason),
        }
    )
    with transaction.atomic():
        genetics = SmaGenetics.objects.select_for_update().filter(patient=patient).first()
        new = {"smn1_status": smn1_status, "smn2_copies": smn2_copies, "tested_on": tested_on}
        if genetics is None:
            genetics = SmaGenetics.objects.create(patient=patient, **new)
            audit_record(
                actor=by,
                action=Action.CREATE,
                obj=genetics,
                patient=patient,
                changes={k: [None, v] for k, v in new.items()},
                reason=reason,
            )
        else:
            changes = {k: [getattr(genetics, k), v] for k, v in new.items() if getattr(genetics, k) != v}
            if changes:
                for k, v in new.items():
                    setattr(genetics, k, v)
                genetics.save()
                audit_record(
                    actor=by, action=Action.UPDATE, obj=genetics, patient=patient, changes=changes, reason=reason
                )
        _touch(patient)
    return genetics


def _copies_problems(value: Any) -> list[Message]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 8:
        return [
            Message(
                "smn2_copies_range",
                _("The SMN2 copy number must be a whole number from 0 to 8, or unknown. Got “%(value)s” instead."),
                {"value": value},
            )
        ]
    return []


def sma_status_add(
    *, by: Any, patient: Patient, recorded_on: datetime.date, sma_type: str, functional_status: str
) -> SmaStatus:
    """Record the SMA type and functional status on a date (the latest record is the current one)."""
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient.center)
    raise_if_any(
        {
            "recorded_on": date_problems(recorded_on, not_before=patient.birth_date),
            "sma_type": choice_problems(sma_type, SmaType),
            "functional_status": choice_problems(functional_status, FunctionalStatus),
        }
    )
    with transaction.atomic():
        status = SmaStatus.objects.create(
            patient=patient, recorded_on=recorded_on, sma_type=sma_type, functional_status=functional_status
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=status,
            patient=patient,
            changes={
                "recorded_on": [None, recorded_on],
                "sma_type": [None, sma_type],
                "functional_status": [None, functional_status],
            },
        )
        _touch(patient)
    return status


def consent_record(*, by: Any, patient: Patient, kind: str, given_on: datetime.date, note: str = "") -> Consent:
    """Record a consent the patient (or guardian) gave on ``given_on``."""
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient.center)
    raise_if_any(
        {
            "kind": choice_problems(kind, ConsentKind),
            "given_on": date_problems(given_on, not_before=patient.birth_date),
            "note": text_problems(note),
        }
    )
    with transaction.atomic():
        consent = Consent.objects.create(patient=patient, kind=kind, given_on=given_on, note=note)
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=consent,
            patient=patient,
            changes={"kind": [None, kind], "given_on": [None, given_on]},
        )
        _touch(patient)
    return consent


def consent_withdraw(*, by: Any, consent: Consent, withdrawn_on: datetime.date, reason: str = "") -> Consent:
    """Record that a consent was withdrawn on ``withdrawn_on`` (the consent row is kept)."""
    patient = Patient.objects.select_related("center").get(pk=consent.patient_id)
    ensure_visible(viewer=by, patient=patient)
    _require_writer(by, patient.center)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_on is not None:
            raise InvalidState(
                "consent_already_withdrawn",
                _("This consent was already withdrawn on %(date)s."),
                {"date": locked.withdrawn_on},
            )
        raise_if_any(
            {
                "withdrawn_on": date_problems(withdrawn_on, not_before=locked.given_on, limit="consent"),
                "reason": text_problems(reason),
            }
        )
        locked.withdrawn_on = withdrawn_on
        locked.save(update_fields=["withdrawn_on"])
        audit_record(
            actor=by,
            action=Action.UPDATE,
            obj=locked,
            patient=patient,
            changes={"withdrawn_on": [None, withdrawn_on]},
            reason=reason,
        )
        _touch(patient)
    return locked
