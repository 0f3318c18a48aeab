"""Writing patient records. Every function checks access, validates, writes and audits atomically.

Access is decided from the acting user's roles, read once per user object
(``qadam.centers.selectors``), on the patient's center as loaded; inside the transaction the patient's
row is updated (``updated_at``, which also locks it until the commit) only while the patient is still
at that center, so a record moved meanwhile is judged again by where it is now. The audit entries
are appended last, in one batch, so the chain head is locked only for the insert and the commit.

Lock order: a write takes the patient's row (or the assessment's) before the audit chain head and
holds both until its commit, so transactions that make one service call each never wait for each
other in a circle.
A transaction that calls several services for several existing patients (an import) holds the head
from its first audited write on; it should lock those patients' rows first
(``Patient.objects.select_for_update().filter(...)``), or PostgreSQL may break a deadlock with a
concurrent writer of one of them by rolling one of the two transactions back.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam.audit.models import Action
from qadam.audit.services import AuditEvent, audit_record, audit_record_many
from qadam.centers.models import Center
from qadam.centers.selectors import can_write_clinical
from qadam.core.exceptions import Conflict, Invalid, InvalidState, Message, NotAllowed, NotVisible
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
from .selectors import ensure_permitted, patient_get

# Crockford's Base32 without I, L, O, U: nothing a reader can confuse when a registry id is read aloud.
REGISTRY_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
IDENTITY_FIELDS = ("full_name", "iin")
DEMOGRAPHIC_FIELDS = ("birth_date", "sex", "center")
FULL_NAME_MAX = 200
REGISTRY_ID_ATTEMPTS = 20


def random_registry_id() -> str:
    """Return a pseudonym such as ``KZ-7Q4M-2XD9`` (random: it encodes nothing about the person).

    32**8 (about 10**12) ids: a clash is so rare that the unique index decides, and registration
    simply draws again (``patient_register``).
    """
    body = "".join(secrets.choice(REGISTRY_ID_ALPHABET) for _ in range(8))
    return f"KZ-{body[:4]}-{body[4:]}"


def new_registry_id() -> str:
    """Return an unused pseudonym (checked against the registry; registration itself needs no check)."""
    for _attempt in range(REGISTRY_ID_ATTEMPTS):
        candidate = random_registry_id()
        if not Patient.objects.filter(registry_id=candidate).exists():
            return candidate
    raise RuntimeError("No unused registry id found in 20 attempts; the id space is unexpectedly full.")


def _require_writer(user: Any, center: Center) -> None:
    if not can_write_clinical(user, center):
        raise NotAllowed(params={"center": center.code})


def claim_patient(by: Any, patient: Patient, *, allowed: Callable[[Any, int], bool] = can_write_clinical) -> Patient:
    """Inside a transaction: mark ``patient`` as just changed and return the row as it now stands.

    Recent activity on a sub-record moves the patient up the "recent" lists without bumping the
    demographic row_version (a new diagnosis must not conflict with an edit of the birth date). The
    UPDATE locks the patient's row until the commit and matches only while the patient is still at
    the center the access check used; if it moved, the row is read again and the check repeated.
    """
    now = timezone.now()
    if Patient.objects.filter(pk=patient.pk, center_id=patient.center_id).update(updated_at=now):
        patient.updated_at = now
        return patient
    current = Patient.objects.select_for_update(of=("self",)).select_related("center").filter(pk=patient.pk).first()
    if current is None:
        raise NotVisible(params={"registry_id": patient.registry_id})
    ensure_permitted(user=by, patient=current, allowed=allowed)
    Patient.objects.filter(pk=current.pk).update(updated_at=now)
    current.updated_at = now
    return current


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
    for _attempt in range(REGISTRY_ID_ATTEMPTS):
        registry_id = random_registry_id()
        try:
            with transaction.atomic():
                return _insert_patient(by, registry_id, center, birth_date, sex, full_name, iin, reason)
        except IntegrityError:
            # The unique indexes decide (two registrations can race); the whole registration rolled back.
            if iin and PatientIdentity.objects.filter(iin=iin).exists():
                raise _iin_taken(iin) from None
            if not Patient.objects.filter(registry_id=registry_id).exists():
                raise
    raise RuntimeError("No unused registry id found in 20 attempts; the id space is unexpectedly full.")


def _insert_patient(
    by: Any,
    registry_id: str,
    center: Center,
    birth_date: datetime.date,
    sex: str,
    full_name: str,
    iin: str,
    reason: str,
) -> Patient:
    patient = Patient.objects.create(registry_id=registry_id, center=center, birth_date=birth_date, sex=sex)
    events = [
        AuditEvent(
            Action.CREATE,
            obj=patient,
            patient=patient,
            changes={"center": [None, center.code], "birth_date": [None, birth_date], "sex": [None, sex]},
            reason=reason,
        )
    ]
    if full_name or iin:
        identity = PatientIdentity.objects.create(patient=patient, full_name=full_name, iin=iin)
        events.append(
            AuditEvent(
                Action.CREATE,
                obj=identity,
                patient=patient,
                changes={f: [None, _masked(f, getattr(identity, f))] for f in IDENTITY_FIELDS},
                reason=reason,
            )
        )
    audit_record_many(actor=by, events=events)
    return patient


def patient_update(*, by: Any, patient: Patient, expected_version: int, reason: str, **fields: Any) -> Patient:
    """Change demographics (birth_date, sex, center) and identity (full_name, iin) of a patient.

    ``expected_version`` is the ``row_version`` the editor saw; if the record changed since,
    ``Conflict`` is raised and nothing is saved. A reason is required.
    """
    unknown = set(fields) - set(DEMOGRAPHIC_FIELDS) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"patient_update() got unexpected fields: {', '.join(sorted(unknown))}")
    ensure_permitted(user=by, patient=patient)
    if "iin" in fields:
        fields["iin"] = normalise_iin(fields["iin"] or "")
    if isinstance(fields.get("full_name"), str):
        fields["full_name"] = fields["full_name"].strip()
    raise_if_any(_update_problems(by, fields, reason))
    try:
        with transaction.atomic():
            locked = Patient.objects.select_for_update(of=("self",)).select_related("center").get(pk=patient.pk)
            ensure_permitted(user=by, patient=locked)
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
    ensure_permitted(user=by, patient=patient)
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
        patient = claim_patient(by, patient)
        events = []
        if is_primary:
            previous = Diagnosis.objects.filter(patient=patient, is_primary=True)
            for pk in previous.values_list("pk", flat=True):
                events.append(
                    AuditEvent(
                        Action.UPDATE,
                        object_type=Diagnosis._meta.label_lower,
                        object_id=str(pk),
                        patient=patient,
                        changes={"is_primary": [True, False]},
                    )
                )
            if events:
                previous.update(is_primary=False)
        diagnosis = Diagnosis.objects.create(
            patient=patient, icd10=icd10_row, diagnosed_on=diagnosed_on, is_primary=bool(is_primary), note=note
        )
        events.append(
            AuditEvent(
                Action.CREATE,
                obj=diagnosis,
                patient=patient,
                changes={
                    "icd10": [None, code],
                    "diagnosed_on": [None, diagnosed_on],
                    "is_primary": [None, bool(is_primary)],
                },
            )
        )
        audit_record_many(actor=by, events=events)
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
    ensure_permitted(user=by, patient=patient)
    raise_if_any(
        {
            "smn1_status": choice_problems(smn1_status, Smn1Status),
            "smn2_copies": _copies_problems(smn2_copies),
            "tested_on": [] if tested_on is None else date_problems(tested_on, not_before=patient.birth_date),
            "reason": text_problems(reason),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
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
                genetics.save(update_fields=list(new))
                audit_record(
                    actor=by, action=Action.UPDATE, obj=genetics, patient=patient, changes=changes, reason=reason
                )
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
    ensure_permitted(user=by, patient=patient)
    raise_if_any(
        {
            "recorded_on": date_problems(recorded_on, not_before=patient.birth_date),
            "sma_type": choice_problems(sma_type, SmaType),
            "functional_status": choice_problems(functional_status, FunctionalStatus),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
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
    return status


def consent_record(*, by: Any, patient: Patient, kind: str, given_on: datetime.date, note: str = "") -> Consent:
    """Record a consent the patient (or guardian) gave on ``given_on``."""
    ensure_permitted(user=by, patient=patient)
    raise_if_any(
        {
            "kind": choice_problems(kind, ConsentKind),
            "given_on": date_problems(given_on, not_before=patient.birth_date),
            "note": text_problems(note),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
        consent = Consent.objects.create(patient=patient, kind=kind, given_on=given_on, note=note)
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=consent,
            patient=patient,
            changes={"kind": [None, kind], "given_on": [None, given_on]},
        )
    return consent


def consent_withdraw(*, by: Any, consent: Consent, withdrawn_on: datetime.date, reason: str = "") -> Consent:
    """Record that a consent was withdrawn on ``withdrawn_on`` (the consent row is kept)."""
    patient = _patient_of_consent(consent)
    ensure_permitted(user=by, patient=patient)
    with transaction.atomic():
        patient = claim_patient(by, patient)
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
    return locked


def _patient_of_consent(consent: Consent) -> Patient:
    # The consent's patient as already loaded (with its center), or read once.
    if Consent.patient.is_cached(consent) and Patient.center.is_cached(consent.patient):
        return consent.patient
    return Patient.objects.select_related("center").get(pk=consent.patient_id)
