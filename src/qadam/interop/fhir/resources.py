"""The registry's records as FHIR R4 resources, built from plain values (no Django, no database).

The bulk export and the per-patient ``$everything`` Bundle read database rows as tuples or dicts
and hand them to these builders, so one resource costs no query and the same code serves both.

References between resources are relative (``Patient/KZ-7Q4M-2XD9``, ``Encounter/12``) and
resolve inside an export or a Bundle. Ids are the registry's: the registry id for a Patient, the
row id for the others (an Observation adds ``-total`` or ``-<subscale>`` to its assessment's id).

Pseudonymity: a Patient carries the registry id as its only identifier, the birth date as the
registry holds it and the administrative gender; no name, no IIN, no free-text notes (notes can
carry names) appear in any resource.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qadam import scales
from qadam.scales.model import Instrument, Number, Text

from .codes import (
    DEFAULT_BASE,
    TOTAL,
    UCUM,
    band_code,
    score_codings,
    score_label,
    system_url,
    translations,
)
from .responses import response_for, response_json

# --- code systems and identifiers -----------------------------------------------------------------

ICD10 = "http://hl7.org/fhir/sid/icd-10"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def registry_id_system(base: str = DEFAULT_BASE) -> str:
    """The identifier system of registry ids (the pseudonyms)."""
    return f"{base}/sid/registry-id"


def center_system(base: str = DEFAULT_BASE) -> str:
    return f"{base}/sid/center"


def qadam_system(name: str, base: str = DEFAULT_BASE) -> str:
    """One of Qadam's own small code systems: visit-kind, diagnosis-role, drug, route, procedure."""
    return f"{base}/CodeSystem/{name}"


def extension_url(name: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}/StructureDefinition/{name}"


def patient_reference(registry_id: str) -> dict[str, str]:
    return {"reference": f"Patient/{registry_id}"}


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9\-.]")


def fhir_id(*parts: Any) -> str:
    """An R4 id (letters, digits, '-' and '.', at most 64) from ``parts`` joined with '-'."""
    if len(parts) == 1 and isinstance(parts[0], int):
        return str(parts[0])  # a row id: digits only
    return _ID_UNSAFE.sub("-", "-".join(str(part) for part in parts))[:64]


def iso_date(value: datetime.date | str) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def fhir_number(value: Any) -> Number:
    """A JSON number from a Decimal, float or int: integral values are written without a fraction."""
    if isinstance(value, decimal.Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- Patient, Condition, Encounter ----------------------------------------------------------------

# Patient.gender is bound (required) to administrative-gender: our two values map one to one.
GENDERS = {"female": "female", "male": "male"}


def patient_resource(registry_id: str, birth_date: datetime.date | str, sex: str, *, base: str = DEFAULT_BASE):
    """The pseudonymous Patient: registry id, birth date as the registry holds it, gender."""
    return {
        "resourceType": "Patient",
        "id": registry_id,
        "identifier": [{"system": registry_id_system(base), "value": registry_id}],
        "gender": GENDERS.get(sex, "unknown"),
        "birthDate": iso_date(birth_date),
    }


DIAGNOSIS_ROLES = {True: ("primary", "Primary diagnosis"), False: ("secondary", "Further diagnosis")}


def condition_resource(
    condition_id: Any,
    registry_id: str,
    icd10: str,
    title: str,
    diagnosed_on: datetime.date | str,
    is_primary: bool,
    *,
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """A diagnosis: ICD-10 (WHO) coded, confirmed, recorded on the date the registry holds.

    The registry does not track whether a condition resolved, so no ``clinicalStatus`` is stated;
    the primary diagnosis is marked by a ``category`` of Qadam's ``diagnosis-role`` system.
    """
    role, display = DIAGNOSIS_ROLES[bool(is_primary)]
    return {
        "resourceType": "Condition",
        "id": fhir_id(condition_id),
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]},
        "category": [{"coding": [{"system": qadam_system("diagnosis-role", base), "code": role, "display": display}]}],
        "code": {"coding": [{"system": ICD10, "code": icd10, "display": title}], "text": title},
        "subject": patient_reference(registry_id),
        "recordedDate": iso_date(diagnosed_on),
    }


VISIT_KINDS = {
    "baseline": "Baseline",
    "routine": "Routine follow-up",
    "treatment": "Treatment visit",
    "unscheduled": "Unscheduled",
    "telemedicine": "Telemedicine",
}
# Encounter.class (v3 ActCode): a visit in the clinic is ambulatory, a telemedicine visit virtual.
_ENCOUNTER_CLASS = {"telemedicine": ("VR", "virtual")}


def encounter_resource(
    visit_id: Any,
    registry_id: str,
    visit_date: datetime.date | str,
    kind: str,
    center_code: str,
    center_name: str,
    *,
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """A visit: one day at one center, finished."""
    day = iso_date(visit_date)
    code, display = _ENCOUNTER_CLASS.get(kind, ("AMB", "ambulatory"))
    return {
        "resourceType": "Encounter",
        "id": fhir_id(visit_id),
        "status": "finished",
        "class": {"system": ACT_CODE, "code": code, "display": display},
        "type": [
            {
                "coding": [
                    {"system": qadam_system("visit-kind", base), "code": kind, "display": VISIT_KINDS.get(kind, kind)}
                ]
            }
        ],
        "subject": patient_reference(registry_id),
        "period": {"start": day, "end": day},
        "serviceProvider": {
            "identifier": {"system": center_system(base), "value": center_code},
            "display": center_name,
        },
    }


# --- assessments: QuestionnaireResponse and Observations ------------------------------------------

# Assessment status → QuestionnaireResponse.status and Observation.status (drafts are not exported).
RESPONSE_STATUS = {"completed": "completed", "signed": "completed", "amended": "amended"}
OBSERVATION_STATUS = {"completed": "preliminary", "signed": "final", "amended": "amended"}
EXPORTED_STATUSES = tuple(RESPONSE_STATUS)

# Units of totals that are measurements (UCUM); every other score is a count of points, "{score}".
SCORE_UNITS = {"6mwt": ("m", "m"), "fvc": ("%", "%")}
_POINTS = ("{score}", "score")


@dataclass(frozen=True)
class StoredResult:
    """The scores of a stored assessment, read from its ``result`` JSON (as ``response_for`` needs)."""

    total: Number | None = None
    subscores: Mapping[str, Number | None] = field(default_factory=dict)
    band: str | None = None
    subscore_bands: Mapping[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_json(cls, result: Mapping[str, Any] | None) -> StoredResult:
        result = result or {}
        return cls(
            total=result.get("total"),
            subscores=dict(result.get("subscores") or {}),
            band=result.get("band"),
            subscore_bands=dict(result.get("subscore_bands") or {}),
        )


@dataclass(frozen=True)
class AssessmentRow:
    """One stored assessment, as the export reads it."""

    assessment_id: Any
    registry_id: str
    visit_id: Any
    instrument: str
    status: str
    assessed_on: datetime.date | str
    responses: Mapping[str, Any]
    context: Mapping[str, Any]
    result: StoredResult


def questionnaire_response_resource(row: AssessmentRow, *, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The assessment as a response to our Questionnaire, with Qadam's stored scores stated."""
    return response_for(row.instrument, row.responses, row.context, **_response_details(row, base))


def questionnaire_response_json(row: AssessmentRow, *, base: str = DEFAULT_BASE) -> str:
    """``questionnaire_response_resource`` as compact JSON text (the same resource), for NDJSON."""
    return response_json(row.instrument, row.responses, row.context, **_response_details(row, base))


def _response_details(row: AssessmentRow, base: str) -> dict[str, Any]:
    """Everything of a stored assessment's response but its answers: scores, references, date, status, id."""
    return {
        "result": row.result,  # duck-typed: total and subscores
        "base": base,
        "subject": f"Patient/{row.registry_id}",
        "encounter": None if row.visit_id is None else f"Encounter/{row.visit_id}",
        "authored": iso_date(row.assessed_on),
        "status": RESPONSE_STATUS.get(row.status, "completed"),
        "response_id": fhir_id(row.assessment_id),
    }


def observation_resources(row: AssessmentRow, *, base: str = DEFAULT_BASE) -> list[dict[str, Any]]:
    """One Observation per score the assessment has: the total (with its subscores as members) and
    each subscore, LOINC-coded where the catalogue has a LOINC code, with the interpretation band."""
    instrument = scales.get(row.instrument)
    scores: list[tuple[str, Any, str | None]] = []
    if row.result.total is not None:
        scores.append((TOTAL, row.result.total, row.result.band))
    for subscale in instrument.subscales:
        value = row.result.subscores.get(subscale.id)
        if value is not None:
            scores.append((subscale.id, value, row.result.subscore_bands.get(subscale.id)))
    ids = {score: fhir_id(row.assessment_id, score) for score, _, _ in scores}
    resources = []
    for score, value, band in scores:
        resource = _observation(instrument, row, score, value, band, ids[score], base)
        if score == TOTAL and len(scores) > 1:
            resource["hasMember"] = [{"reference": f"Observation/{ids[s]}"} for s, _, _ in scores if s != TOTAL]
        resources.append(resource)
    return resources


def _observation(
    instrument: Instrument, row: AssessmentRow, score: str, value: Any, band: str | None, resource_id: str, base: str
) -> dict[str, Any]:
    unit_code, unit = SCORE_UNITS.get(instrument.code, _POINTS) if score == TOTAL else _POINTS
    label = score_label(instrument, score)
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": resource_id,
        "status": OBSERVATION_STATUS.get(row.status, "preliminary"),
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": score_codings(instrument, score, base), "text": f"{instrument.name}: {label.en}"},
        "subject": patient_reference(row.registry_id),
    }
    if row.visit_id is not None:
        resource["encounter"] = {"reference": f"Encounter/{row.visit_id}"}
    resource["effectiveDateTime"] = iso_date(row.assessed_on)
    resource["valueQuantity"] = {"value": fhir_number(value), "unit": unit, "system": UCUM, "code": unit_code}
    interpretation = _interpretation(instrument, score, band, base)
    if interpretation:
        resource["interpretation"] = [interpretation]
    resource["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{fhir_id(row.assessment_id)}"}]
    return resource


def _interpretation(instrument: Instrument, score: str, band: str | None, base: str) -> dict[str, Any] | None:
    if not band:
        return None
    bands = instrument.bands if score == TOTAL else instrument.subscale(score).bands
    found = next((b for b in bands if b.code == band), None)
    label = found.label if found else Text(band, "", "")
    coding: dict[str, Any] = {
        "system": system_url(instrument, base),
        "code": band_code(band, None if score == TOTAL else score),
        "display": label.en,
    }
    if label.kk or label.ru:
        coding["_display"] = translations(label)
    return {"coding": [coding], "text": label.en}


# --- therapy: MedicationAdministration and Procedure ----------------------------------------------

# Routes: SNOMED CT codes of the FHIR route-codes value set, beside Qadam's own route code.
ROUTES = {
    "intrathecal": ("72607000", "Intrathecal route"),
    "oral": ("26643006", "Oral route"),
    "iv": ("47625008", "Intravenous route"),
    "sc": ("34206005", "Subcutaneous route"),
    "im": ("78421000", "Intramuscular route"),
    "topical": ("6064005", "Topical route"),
    "extracorporeal": (None, "Extracorporeal"),
}
# Dose units as UCUM: vector genomes and units are counts without a UCUM unit of their own.
DOSE_UNITS = {
    "mg": "mg",
    "mg/kg": "mg/kg",
    "g/kg": "g/kg",
    "g": "g",
    "mL": "mL",
    "ml": "mL",
    "U": "[U]",
    "vg/kg": "{vg}/kg",
    "vg": "{vg}",
}


@dataclass(frozen=True)
class AdministrationRow:
    """One dose given, as the export reads it (from ``qadam.therapy``)."""

    administration_id: Any
    registry_id: str
    visit_id: Any
    drug: str
    drug_name: str
    atc: str | None
    given_on: datetime.date | str
    dose: Any
    dose_unit: str
    route: str
    procedure: Mapping[str, Any]


def is_procedure(row: AdministrationRow) -> bool:
    """Intrathecal doses are procedures too (a lumbar puncture or a port): they get a Procedure."""
    return row.route == "intrathecal"


def route_concept(route: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
    snomed, display = ROUTES.get(route, (None, route))
    codings = [{"system": SNOMED, "code": snomed, "display": display}] if snomed else []
    codings.append({"system": qadam_system("route", base), "code": route, "display": display})
    return {"coding": codings, "text": display}


def medication_administration_resource(row: AdministrationRow, *, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """A dose: the drug (Qadam's code, ATC where the catalogue has it), date, route and dose."""
    codings = [{"system": qadam_system("drug", base), "code": row.drug, "display": row.drug_name}]
    if row.atc:
        codings.append({"system": ATC, "code": row.atc})
    resource: dict[str, Any] = {"resourceType": "MedicationAdministration", "id": fhir_id(row.administration_id)}
    if is_procedure(row):
        resource["partOf"] = [{"reference": f"Procedure/{fhir_id(row.administration_id)}"}]
    resource.update(
        {
            "status": "completed",
            "medicationCodeableConcept": {"coding": codings, "text": row.drug_name},
            "subject": patient_reference(row.registry_id),
        }
    )
    if row.visit_id is not None:
        resource["context"] = {"reference": f"Encounter/{row.visit_id}"}
    resource["effectiveDateTime"] = iso_date(row.given_on)
    # mad-1: a dosage needs a dose (or a rate); without a recorded dose there is no dosage element.
    if row.dose is not None:
        unit = row.dose_unit or ""
        quantity: dict[str, Any] = {"value": fhir_number(row.dose)}
        if unit:
            quantity["unit"] = unit
        if unit in DOSE_UNITS:
            quantity.update({"system": UCUM, "code": DOSE_UNITS[unit]})
        resource["dosage"] = {"route": route_concept(row.route, base), "dose": quantity}
    return resource


PROCEDURE_CODES = {"intrathecal": ("intrathecal-administration", "Intrathecal administration of a medicinal product")}


def procedure_resource(row: AdministrationRow, *, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The intrathecal administration as a procedure, with its technical details as extensions."""
    code, display = PROCEDURE_CODES[row.route]
    resource: dict[str, Any] = {"resourceType": "Procedure", "id": fhir_id(row.administration_id)}
    details = list(_detail_extensions(row.procedure or {}))
    if details:
        resource["extension"] = [{"url": extension_url("intrathecal-procedure", base), "extension": details}]
    resource.update(
        {
            "status": "completed",
            "code": {"coding": [{"system": qadam_system("procedure", base), "code": code, "display": display}]},
            "subject": patient_reference(row.registry_id),
        }
    )
    if row.visit_id is not None:
        resource["encounter"] = {"reference": f"Encounter/{row.visit_id}"}
    resource["performedDateTime"] = iso_date(row.given_on)
    return resource


def _detail_extensions(details: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """Each recorded detail (approach, imaging guidance, needle gauge, CSF removed …) as a
    sub-extension named after it; values keep their JSON type."""
    for key, value in details.items():
        typed = _typed_value(value)
        if typed is not None:
            yield {"url": str(key).replace("_", "-"), **typed}


def _typed_value(value: Any) -> dict[str, Any] | None:
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float | decimal.Decimal):
        return {"valueDecimal": fhir_number(value)}
    return {"valueString": str(value)}


# --- Bundles --------------------------------------------------------------------------------------


def searchset_bundle(resources: list[dict[str, Any]], *, server: str, matches: int = 1) -> dict[str, Any]:
    """A ``searchset`` Bundle (what ``$everything`` returns): the first ``matches`` resources are the
    match, the rest included; ``fullUrl`` under ``server`` (the FHIR base the client called)."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": matches,
        "entry": [
            {
                "fullUrl": f"{server}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match" if index < matches else "include"},
            }
            for index, resource in enumerate(resources)
        ],
    }
