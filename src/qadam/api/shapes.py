"""Records as the API shows them: plain dictionaries that the response schemas validate.

Identities appear only where ``patients.selectors.identity_visible`` allows (the patient's own
center); notes come as the selectors hand them over (blanked for viewers from other centers).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qadam import scales
from qadam.patients.models import Patient, PatientIdentity
from qadam.patients.selectors import PatientSummary, identity_visible
from qadam.scales.model import NOT_TESTED_REASONS


def identities_for(viewer: Any, patients: Iterable[Patient]) -> dict[int, PatientIdentity]:
    """The identities the viewer may see among ``patients``, read in one query."""
    allowed = [patient.pk for patient in patients if identity_visible(viewer=viewer, patient=patient)]
    if not allowed:
        return {}
    return {identity.patient_id: identity for identity in PatientIdentity.objects.filter(patient_id__in=allowed)}


def identity_out(identity: PatientIdentity | None) -> dict[str, str] | None:
    return None if identity is None else {"full_name": identity.full_name, "iin": identity.iin}


def patient_out(patient: Patient, identity: PatientIdentity | None) -> dict[str, Any]:
    return {
        "registry_id": patient.registry_id,
        "center": patient.center.code,
        "birth_date": patient.birth_date,
        "sex": patient.sex,
        "created_at": patient.created_at,
        "updated_at": patient.updated_at,
        "row_version": patient.row_version,
        "identity": identity_out(identity),
    }


def patients_out(viewer: Any, patients: list[Patient]) -> list[dict[str, Any]]:
    identities = identities_for(viewer, patients)
    return [patient_out(patient, identities.get(patient.pk)) for patient in patients]


def diagnosis_out(diagnosis: Any) -> dict[str, Any]:
    return {
        "id": diagnosis.pk,
        "icd10": diagnosis.icd10_id,
        "title": diagnosis.icd10.title(),
        "diagnosed_on": diagnosis.diagnosed_on,
        "is_primary": diagnosis.is_primary,
        "note": diagnosis.note,
    }


def patient_detail_out(summary: PatientSummary) -> dict[str, Any]:
    genetics = summary.sma_genetics
    permissions = summary.permissions
    return {
        **patient_out(summary.patient, summary.identity),
        "age_years": summary.age_years,
        "permissions": {
            "view_identity": permissions.view_identity,
            "edit": permissions.edit,
            "sign": permissions.sign,
            "read_audit": permissions.read_audit,
        },
        "diagnoses": [diagnosis_out(diagnosis) for diagnosis in summary.diagnoses],
        "sma_genetics": None
        if genetics is None
        else {
            "smn1_status": genetics.smn1_status,
            "smn2_copies": genetics.smn2_copies,
            "tested_on": genetics.tested_on,
        },
        "sma_statuses": [
            {"recorded_on": s.recorded_on, "sma_type": s.sma_type, "functional_status": s.functional_status}
            for s in summary.sma_statuses
        ],
        "consents": [
            {"id": c.pk, "kind": c.kind, "given_on": c.given_on, "withdrawn_on": c.withdrawn_on, "note": c.note}
            for c in summary.consents
        ],
    }


def assessment_summary_out(assessment: Any) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "visit_id": assessment.visit_id,
        "instrument": assessment.instrument,
        "status": assessment.status,
        "assessed_on": assessment.assessed_on,
        "total": assessment.total,
        "band": assessment.band,
        "complete": bool((assessment.result or {}).get("complete")),
        "scoring_version": assessment.scoring_version,
        "row_version": assessment.row_version,
    }


def visit_out(visit: Any, registry_id: str, assessments: Iterable[Any] = ()) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "patient": registry_id,
        "visit_date": visit.visit_date,
        "kind": visit.kind,
        "center": visit.center.code,
        "note": visit.note,
        "created_by": visit.created_by.get_username(),
        "created_at": visit.created_at,
        "assessments": [assessment_summary_out(a) for a in assessments],
    }


def assessment_row_out(row: dict[str, Any]) -> dict[str, Any]:
    """``assessment_summary_out`` for a row read by ``qadam.api.selectors.TimelineVisits``."""
    return {
        "id": row["id"],
        "visit_id": row["visit_id"],
        "instrument": row["instrument"],
        "status": row["status"],
        "assessed_on": row["assessed_on"],
        "total": row["total"],
        "band": row["band"],
        "complete": bool(row["result_complete"]),
        "scoring_version": row["scoring_version"],
        "row_version": row["row_version"],
    }


def timeline_visits_out(patient: Patient, visits: Iterable[Any]) -> list[dict[str, Any]]:
    """Visits read by ``qadam.api.selectors.TimelineVisits``, with their assessments."""
    return [
        {
            **visit_out(visit, patient.registry_id),
            "assessments": [assessment_row_out(r) for r in visit.timeline_assessments],
        }
        for visit in visits
    ]


def _username(user: Any) -> str | None:
    return None if user is None else user.get_username()


def assessment_out(assessment: Any) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "visit_id": assessment.visit_id,
        "patient": assessment.visit.patient.registry_id,
        "instrument": assessment.instrument,
        "instrument_version": assessment.instrument_version,
        "status": assessment.status,
        "assessed_on": assessment.assessed_on,
        "responses": assessment.responses or {},
        "context": assessment.context or {},
        "result": assessment.result,
        "total": assessment.total,
        "band": assessment.band,
        "scoring_version": assessment.scoring_version,
        "row_version": assessment.row_version,
        "rater": assessment.rater.get_username(),
        "signed_by": _username(assessment.signed_by),
        "signed_at": assessment.signed_at,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
    }


def revision_out(revision: Any) -> dict[str, Any]:
    return {
        "number": revision.number,
        "status_before": revision.status_before,
        "instrument_version": revision.instrument_version,
        "assessed_on": revision.assessed_on,
        "responses": revision.responses or {},
        "context": revision.context or {},
        "result": revision.result,
        "total": revision.total,
        "band": revision.band,
        "scoring_version": revision.scoring_version,
        "signed_by": _username(revision.signed_by),
        "signed_at": revision.signed_at,
        "reason": revision.reason,
        "author": revision.author.get_username(),
        "created_at": revision.created_at,
    }


def token_out(token: Any) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


# -- the instrument catalogue --------------------------------------------------------------------------


def _label(text: Any) -> dict[str, str] | None:
    return None if text is None else text.as_dict()


def _change(mcid: Any) -> dict[str, Any] | None:
    return None if mcid is None else {"value": mcid.value, "kind": mcid.kind, "source": mcid.source}


def _band(band: Any) -> dict[str, Any]:
    return {"low": band.low, "high": band.high, "code": band.code, "label": band.label.as_dict()}


def instrument_summary_out(instrument: scales.Instrument) -> dict[str, Any]:
    return {
        "code": instrument.code,
        "name": instrument.name,
        "title": instrument.title.as_dict(),
        "version": instrument.version,
        "scoring_version": instrument.scoring_version,
        "domain": instrument.domain,
        "item_count": len(instrument.items),
        "total_range": None if instrument.total_range is None else list(instrument.total_range),
        "higher_is_better": instrument.higher_is_better,
        "licence": instrument.licence,
    }


def _item(item: scales.Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label.as_dict(),
        "kind": item.kind,
        "choices": [{"code": c.code, "points": c.points, "label": _label(c.label)} for c in item.choices],
        "minimum": item.minimum,
        "maximum": item.maximum,
        "unit": item.unit,
        "integer": item.integer,
        "side": item.side,
        "group": item.group,
        "not_tested_allowed": item.not_tested_allowed,
        "scored": item.scored,
        "required": item.required,
    }


def _context_field(field: Any) -> dict[str, Any]:
    return {
        "name": field.name,
        "label": field.label.as_dict(),
        "kind": field.kind,
        "choices": list(field.choices),
        "minimum": field.minimum,
        "maximum": field.maximum,
        "unit": field.unit,
        "required": field.required,
    }


def _subscale(subscale: Any) -> dict[str, Any]:
    return {
        "id": subscale.id,
        "label": subscale.label.as_dict(),
        "items": list(subscale.items),
        "minimum": subscale.minimum,
        "maximum": subscale.maximum,
        "bands": [_band(b) for b in subscale.bands],
        "mcid": _change(subscale.mcid),
    }


def instrument_out(instrument: scales.Instrument) -> dict[str, Any]:
    return {
        **instrument_summary_out(instrument),
        "population": instrument.population.as_dict(),
        "citation": instrument.citation,
        "scoring_rule": instrument.scoring_rule,
        "items": [_item(item) for item in instrument.items],
        "groups": {group: text.as_dict() for group, text in instrument.groups.items()},
        "context": [_context_field(field) for field in instrument.context],
        "subscales": [_subscale(s) for s in instrument.subscales],
        "bands": [_band(b) for b in instrument.bands],
        "mcid": _change(instrument.mcid),
        "loinc": {
            "panel": instrument.loinc.panel,
            "total": instrument.loinc.total,
            "items": dict(instrument.loinc.items),
        },
        "notes": list(instrument.notes),
        "not_tested_reasons": [{"code": r.code, "label": r.label.as_dict()} for r in NOT_TESTED_REASONS],
    }
