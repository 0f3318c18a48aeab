"""FHIR R4 out of the registry: the per-patient Bundle and the bulk NDJSON export.

Both read rows as tuples (``values_list``) joined to what a resource names (the patient's registry
id, the center, the ICD-10 title), so a resource costs no query of its own, and hand them to the
builders of ``qadam.interop.fhir.resources``. The bulk export iterates every query with
``.iterator(chunk_size=…)`` (a server-side cursor on PostgreSQL) and yields one resource at a time:
its memory does not grow with the cohort.

Access: a Bundle is for anyone who sees the patient (``patients_visible_to``: the staff of the
patient's center, registry managers); the bulk export is for registry managers only. Both are
pseudonymous (see ``resources``) and both are audited (action ``export``).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qadam import regimens
from qadam.assessments.models import Assessment, Visit
from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.centers.models import Center
from qadam.centers.selectors import is_registry_manager
from qadam.core.exceptions import Invalid, NotAllowed
from qadam.patients.models import Diagnosis, Patient
from qadam.patients.selectors import patient_get
from qadam.scales import ScaleError

from ..errors import InteropError
from .codes import DEFAULT_BASE
from .resources import (
    EXPORTED_STATUSES,
    AdministrationRow,
    AssessmentRow,
    StoredResult,
    condition_resource,
    encounter_resource,
    medication_administration_resource,
    observation_resources,
    patient_resource,
    procedure_resource,
    questionnaire_response_json,
    questionnaire_response_resource,
    searchset_bundle,
)

logger = logging.getLogger("qadam.interop.fhir")

RESOURCE_TYPES = (
    "Patient",
    "Condition",
    "Encounter",
    "QuestionnaireResponse",
    "Observation",
    "MedicationAdministration",
    "Procedure",
)
CHUNK_SIZE = 2000

# Called with (resource type, row id, message) for a row that cannot become a resource (an
# instrument no longer in the catalogue, a stored response the current definition refuses).
OnError = Callable[[str, Any, str], None]


@dataclass(frozen=True)
class Cohort:
    """Which patients: all of them, one center's (``center`` code) or one patient (``patient_id``)."""

    center: str | None = None
    patient_id: int | None = None

    @functools.cached_property
    def center_id(self) -> int | None:
        """The center's row id, read once: the queries then filter on the patient's ``center_id``
        without joining the centers."""
        if self.center is None:
            return None
        return Center.objects.filter(code=self.center).values_list("pk", flat=True).first() or 0

    def where(self, path: str) -> Q:
        """The condition on a model that reaches Patient through ``path`` ('' for Patient itself)."""
        lookups: dict[str, Any] = {}
        if self.center is not None:
            lookups[f"{path}center_id"] = self.center_id
        if self.patient_id is not None:
            lookups[f"{path}pk" if path else "pk"] = self.patient_id
        return Q(**lookups)


def fhir_base() -> str:
    """The canonical base of our code systems and Questionnaires (``QADAM_FHIR_BASE`` if set)."""
    return getattr(settings, "QADAM_FHIR_BASE", DEFAULT_BASE)


def center_for_export(code: str | None) -> str | None:
    """Check a ``--center``/``center`` code; ``Invalid`` when no center has it."""
    if code is None:
        return None
    if not Center.objects.filter(code=code).exists():
        raise Invalid.field(
            "center", "center_unknown", _("There is no center with the code “%(value)s”."), {"value": code}
        )
    return code


def resources_of_type(
    resource_type: str,
    cohort: Cohort = Cohort(),
    *,
    base: str = DEFAULT_BASE,
    chunk_size: int = CHUNK_SIZE,
    on_error: OnError | None = None,
) -> Iterator[dict[str, Any]]:
    """Every resource of ``resource_type`` for ``cohort``, one at a time, in row order."""
    builder = _BUILDERS[resource_type]
    return builder(cohort, base, chunk_size, on_error or _log_error)


def _log_error(resource_type: str, row_id: Any, message: str) -> None:
    logger.warning("FHIR export: %s %s left out: %s", resource_type, row_id, message)


def _rows(queryset: Any, fields: Iterable[str], chunk_size: int) -> Iterator[tuple]:
    return queryset.order_by("pk").values_list(*fields).iterator(chunk_size=chunk_size)


def _patients(cohort: Cohort, base: str, chunk_size: int, on_error: OnError) -> Iterator[dict[str, Any]]:
    rows = _rows(Patient.objects.filter(cohort.where("")), ("registry_id", "birth_date", "sex"), chunk_size)
    for registry_id, birth_date, sex in rows:
        yield patient_resource(registry_id, birth_date, sex, base=base)


def _conditions(cohort: Cohort, base: str, chunk_size: int, on_error: OnError) -> Iterator[dict[str, Any]]:
    fields = ("pk", "patient__registry_id", "icd10_id", "icd10__title_en", "diagnosed_on", "is_primary")
    for row in _rows(Diagnosis.objects.filter(cohort.where("patient__")), fields, chunk_size):
        yield condition_resource(*row, base=base)


def _encounters(cohort: Cohort, base: str, chunk_size: int, on_error: OnError) -> Iterator[dict[str, Any]]:
    fields = ("pk", "patient__registry_id", "visit_date", "kind", "center__code", "center__name")
    for row in _rows(Visit.objects.filter(cohort.where("patient__")), fields, chunk_size):
        yield encounter_resource(*row, base=base)


def _assessments(cohort: Cohort) -> Any:
    return Assessment.objects.filter(cohort.where("visit__patient__"), status__in=EXPORTED_STATUSES)


_ASSESSMENT_FIELDS = ("pk", "visit__patient__registry_id", "visit_id", "instrument", "status", "assessed_on")


def _assessment_rows(cohort: Cohort, chunk_size: int) -> Iterator[AssessmentRow]:
    # A response states the total and subscores only: the rest of the stored result is not read.
    fields = (*_ASSESSMENT_FIELDS, "responses", "context", "total", "result__subscores")
    for pk, registry_id, visit_id, instrument, status, day, responses, context, total, subscores in _rows(
        _assessments(cohort), fields, chunk_size
    ):
        result = StoredResult(_number(total), subscores or {})
        yield AssessmentRow(pk, registry_id, visit_id, instrument, status, day, responses or {}, context or {}, result)


def _number(value: Any) -> Any:
    """A stored float total as the scale gave it: integral totals are integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _questionnaire_responses(cohort: Cohort, base: str, chunk_size: int, on_error: OnError):
    for row in _assessment_rows(cohort, chunk_size):
        try:
            yield questionnaire_response_resource(row, base=base)
        except (InteropError, ScaleError, LookupError, TypeError, ValueError) as error:
            on_error("QuestionnaireResponse", row.assessment_id, str(error))


def _observations(cohort: Cohort, base: str, chunk_size: int, on_error: OnError):
    # The total and band are columns; only the subscores are read out of the stored result.
    fields = (*_ASSESSMENT_FIELDS, "total", "band", "result__subscores", "result__subscore_bands")
    for pk, registry_id, visit_id, instrument, status, day, total, band, subscores, bands in _rows(
        _assessments(cohort), fields, chunk_size
    ):
        result = StoredResult(_number(total), subscores or {}, band, bands or {})
        row = AssessmentRow(pk, registry_id, visit_id, instrument, status, day, {}, {}, result)
        try:
            yield from observation_resources(row, base=base)
        except (ScaleError, LookupError, TypeError, ValueError) as error:
            on_error("Observation", pk, str(error))


# --- therapy (qadam.therapy) ----------------------------------------------------------------------


def _administration_model() -> Any:
    """``qadam.therapy.models.Administration``, or None while the therapy app has no such model."""
    try:
        from qadam.therapy.models import Administration
    except ImportError:
        return None
    return Administration


@functools.lru_cache(maxsize=256)
def _drug(code: str) -> tuple[str, str | None]:
    """The English name of a drug code and its ATC code where the catalogue has one."""
    from qadam.therapy.models import drug_name

    found = regimens.DRUGS.get(code)
    return drug_name(code, "en"), getattr(found, "atc", None) if found else None


_ADMINISTRATION_FIELDS = (
    "pk",
    "course__patient__registry_id",
    "visit_id",
    "course__drug",
    "given_on",
    "dose",
    "dose_unit",
    "route",
    "procedure",
)


def _administration_rows(cohort: Cohort, chunk_size: int, **filters: Any) -> Iterator[AdministrationRow]:
    model = _administration_model()
    if model is None:
        return
    queryset = model.objects.filter(cohort.where("course__patient__"), **filters)
    for pk, registry_id, visit_id, drug, given_on, dose, unit, route, procedure in _rows(
        queryset, _ADMINISTRATION_FIELDS, chunk_size
    ):
        name, atc = _drug(drug)
        yield AdministrationRow(
            pk, registry_id, visit_id, drug, name, atc, given_on, dose, unit, route, procedure or {}
        )


def _medication_administrations(cohort: Cohort, base: str, chunk_size: int, on_error: OnError):
    for row in _administration_rows(cohort, chunk_size):
        yield medication_administration_resource(row, base=base)


def _procedures(cohort: Cohort, base: str, chunk_size: int, on_error: OnError):
    for row in _administration_rows(cohort, chunk_size, route="intrathecal"):
        yield procedure_resource(row, base=base)


_BUILDERS: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "Patient": _patients,
    "Condition": _conditions,
    "Encounter": _encounters,
    "QuestionnaireResponse": _questionnaire_responses,
    "Observation": _observations,
    "MedicationAdministration": _medication_administrations,
    "Procedure": _procedures,
}


def rows_to_export(resource_type: str, cohort: Cohort = Cohort()) -> int:
    """How many rows the export of ``resource_type`` reads (for progress: an assessment gives one
    response, and one Observation per score it has)."""
    if resource_type == "Patient":
        return Patient.objects.filter(cohort.where("")).count()
    if resource_type == "Condition":
        return Diagnosis.objects.filter(cohort.where("patient__")).count()
    if resource_type == "Encounter":
        return Visit.objects.filter(cohort.where("patient__")).count()
    if resource_type in ("QuestionnaireResponse", "Observation"):
        return _assessments(cohort).count()
    model = _administration_model()
    if model is None:
        return 0
    filters = {"route": "intrathecal"} if resource_type == "Procedure" else {}
    return model.objects.filter(cohort.where("course__patient__"), **filters).count()


# --- NDJSON and the entry points ------------------------------------------------------------------


def ndjson_line(resource: dict[str, Any]) -> str:
    """One resource as one NDJSON line (compact, UTF-8 text kept as is)."""
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"


def ndjson_of_type(
    resource_type: str,
    cohort: Cohort = Cohort(),
    *,
    base: str = DEFAULT_BASE,
    chunk_size: int = CHUNK_SIZE,
    on_error: OnError | None = None,
) -> Iterator[str]:
    """The NDJSON lines of ``resources_of_type``. QuestionnaireResponses, the largest resources,
    are assembled from JSON fragments encoded once per instrument (``response_json``): the same
    resources, several times faster."""
    on_error = on_error or _log_error
    if resource_type != "QuestionnaireResponse":
        for resource in resources_of_type(resource_type, cohort, base=base, chunk_size=chunk_size, on_error=on_error):
            yield ndjson_line(resource)
        return
    for row in _assessment_rows(cohort, chunk_size):
        try:
            yield questionnaire_response_json(row, base=base) + "\n"
        except (InteropError, ScaleError, LookupError, TypeError, ValueError) as error:
            on_error("QuestionnaireResponse", row.assessment_id, str(error))


def ensure_can_bulk_export(user: Any) -> None:
    """Only registry managers export the whole registry (or a center) at once."""
    if not is_registry_manager(user):
        raise NotAllowed("bulk_export_not_allowed", _("Only registry managers may export the registry in bulk."))


def bulk_export_started(*, by: Any, resource_types: Iterable[str], center: str | None, channel: str) -> None:
    """Record in the audit trail that a bulk export started (who, which types, which center)."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action=Action.EXPORT,
            object_type="fhir.bulk",
            object_id=center or "all",
            changes={"types": [None, list(resource_types)], "center": [None, center], "channel": [None, channel]},
        )


def patient_everything(*, viewer: Any, registry_id: str, server: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """``Patient/$everything``: the patient and every resource about them as a ``searchset`` Bundle.

    Raises ``NotVisible`` when the viewer may not see the patient. The read is audited.
    """
    patient = patient_get(viewer=viewer, registry_id=registry_id)
    cohort = Cohort(patient_id=patient.pk)
    resources = [resource for kind in RESOURCE_TYPES for resource in resources_of_type(kind, cohort, base=base)]
    with transaction.atomic():
        audit_record(
            actor=viewer, action=Action.EXPORT, obj=patient, patient=patient, changes={"format": [None, "fhir-bundle"]}
        )
    return searchset_bundle(resources, server=server, matches=1)
