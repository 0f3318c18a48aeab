"""Import planned assessments all or nothing: validate everything first, then write in one transaction.

A format (``qadam.interop.redcap``, ``qadam.interop.tabular``) reads its files into
``PlannedAssessment`` objects and the ``Rejection`` objects it found while reading, and calls
``run_import``. The engine then

1. checks that the importing user enters clinical data at the import's center (and signs there,
   when the import signs);
2. finds every patient: by registry id (a patient of a center where the user enters data), or by the
   source's record id (``ExternalRecord``), or plans a new patient at the import's center from the
   record's date of birth and sex;
3. validates and scores every planned assessment exactly as ``assessment_record`` does
   (``qadam.assessments.services``: the same checks, scoring and stored form), and reports every
   rejected row with its line, record id, source field and reason, in the user's language;
4. recognises what an earlier run imported (``ImportedAssessment``, one key per record, event,
   repeat instance and form): unchanged rows are skipped, rows changed in the source since are
   reported and left as recorded (a recorded assessment changes only by an amendment in Qadam);
5. writes nothing when any row was rejected (unless ``skip_invalid``) or for a dry run; otherwise
   writes patients, visits, assessments and their audit entries in one transaction.

The writing is batched (``BATCH`` assessments per INSERT and per audit append) but stores what the
services store: each patient, visit and assessment gets the audit entries ``patient_register``,
``visit_create`` and ``assessment_record`` would give it (for an assessment: ``create`` with every
item response and the result, and ``sign`` for a signed one, ``authentication: preauthenticated``:
the operator runs the import on the server as that user). Every entry's reason names the source and
the record. Lock order follows ``qadam.patients.services``: existing patients' rows are locked
before the first audited write.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam import scales
from qadam.assessments.models import Assessment, Status, Visit, VisitKind
from qadam.assessments.services import (
    context_from_patient,
    instrument_definition,
    score_responses,
    store_result,
)
from qadam.audit.models import Action
from qadam.audit.services import AuditEvent, audit_record_many
from qadam.centers.models import Center
from qadam.centers.selectors import can_sign, can_write_clinical
from qadam.core.exceptions import Invalid, Message, NotAllowed
from qadam.core.validation import EARLIEST_DATE, choice_problems, date_problems, text_problems
from qadam.core.validation import today as validation_today
from qadam.patients.models import Patient, Sex
from qadam.patients.selectors import ensure_permitted
from qadam.patients.services import random_registry_id

from .models import ExternalRecord, ImportedAssessment

BATCH = 500
KEY_MAX = ImportedAssessment._meta.get_field("key").max_length
EXTERNAL_ID_MAX = ExternalRecord._meta.get_field("external_id").max_length
LOOKUP_CHUNK = 500
IMPORTABLE_STATUSES = (Status.DRAFT, Status.COMPLETED, Status.SIGNED)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Demographics:
    """What a new patient needs (as read from the source; validated by the engine)."""

    birth_date: Any
    sex: Any


@dataclass
class PlannedAssessment:
    """One assessment a source row asks for.

    ``line`` is the row's line in the source file (the header is line 1), ``record`` the id the
    report shows (the REDCap record id, or the registry id), ``key`` the idempotency key within the
    source. The patient is named by ``registry_id`` or by ``external_id`` (with ``demographics`` to
    create the patient on the first run). ``fields`` maps item ids and the names ``visit_date``,
    ``birth_date``, ``sex`` and ``registry_id`` to the source's column names for the report.
    """

    line: int | None
    record: str
    key: str
    instrument: str
    visit_date: Any
    responses: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)
    status: str = Status.COMPLETED
    visit_kind: str = VisitKind.ROUTINE
    registry_id: str | None = None
    external_id: str | None = None
    demographics: Demographics | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""
    where: str = ""
    stated_total: Any = None


@dataclass(frozen=True)
class Rejection:
    """A rejected row: where it is, which source field, a stable code and the reason (rendered)."""

    line: int | None
    record: str
    field: str
    code: str
    message: str
    where: str = ""
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "record": self.record,
            "where": self.where,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class ImportReport:
    """What an import did (or, for a dry run or a rejected import, would have done)."""

    source: str
    dry_run: bool
    written: bool = False
    rows: int = 0
    patients_created: int = 0
    patients_found: int = 0
    visits_created: int = 0
    visits_reused: int = 0
    assessments_created: int = 0
    by_instrument: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    changed: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    skipped_invalid: bool = False
    planned: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejections or self.skipped_invalid

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "written": self.written,
            "rows": self.rows,
            "patients_created": self.patients_created,
            "patients_found": self.patients_found,
            "visits_created": self.visits_created,
            "visits_reused": self.visits_reused,
            "assessments_created": self.assessments_created,
            "by_instrument": dict(sorted(self.by_instrument.items())),
            "unchanged": self.unchanged,
            "changed": [c.as_dict() for c in self.changed],
            "warnings": [w.as_dict() for w in self.warnings],
            "rejections": [r.as_dict() for r in self.rejections],
            "assessments": self.planned,
        }


@dataclass
class _Ready:
    """A planned assessment that passed every check, with what will be stored."""

    plan: PlannedAssessment
    patient: Patient
    definition: scales.Instrument
    scoring: Any
    fingerprint: str
    visit: Visit | None = None


def rejection(plan: PlannedAssessment, field_name: str, message: Message | str, code: str = "") -> Rejection:
    """A rejection of ``plan``'s row naming the source column of ``field_name``."""
    return Rejection(
        line=plan.line,
        record=plan.record,
        field=plan.fields.get(field_name, field_name),
        code=code or getattr(message, "code", "invalid"),
        message=str(message),
        where=plan.where,
        key=plan.key,
    )


def run_import(
    *,
    by: Any,
    center: Center,
    source: str,
    plan: Sequence[PlannedAssessment],
    rejections: Iterable[Rejection] = (),
    dry_run: bool = False,
    skip_invalid: bool = False,
    lang: str = "en",
    progress: Progress | None = None,
) -> ImportReport:
    """Validate ``plan`` as a whole and, unless rejected or a dry run, write it in one transaction.

    Raises ``NotAllowed`` when ``by`` does not enter clinical data at ``center`` (or does not sign
    there while the plan signs). Rejected rows never raise: they are in the report, and nothing is
    written unless ``skip_invalid`` (then the valid rows are written and the report still lists the
    rejected ones).
    """
    if not can_write_clinical(by, center):
        raise NotAllowed(params={"center": center.code})
    if any(p.status == Status.SIGNED for p in plan) and not can_sign(by, center):
        raise NotAllowed(params={"center": center.code})
    with collection_paused():
        return _run(by, center, source, plan, rejections, dry_run, skip_invalid, lang, progress)


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, and restore it as it was.

    An import builds tens of thousands of objects that all stay alive until the commit, so the
    collector would scan them again and again for nothing (about a third of the import's CPU time
    in ``bench/bulk_import.py``). The commands pause it while they read the files as well.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _run(
    by: Any,
    center: Center,
    source: str,
    plan: Sequence[PlannedAssessment],
    rejections: Iterable[Rejection],
    dry_run: bool,
    skip_invalid: bool,
    lang: str,
    progress: Progress | None,
) -> ImportReport:
    report = ImportReport(source=source, dry_run=dry_run, rows=len(plan))
    report.rejections.extend(rejections)
    rejected_rows = {(r.line, r.record, r.where) for r in report.rejections}
    rejected_keys = {r.key for r in report.rejections if r.key}
    ready = _validate(by, center, source, plan, report, lang, progress)
    ready = [
        r
        for r in ready
        if (r.plan.line, r.plan.record, r.plan.where) not in rejected_rows and r.plan.key not in rejected_keys
    ]
    report.rejections.sort(key=lambda r: (r.line is None, r.line or 0, r.record, r.field))
    # What a dry run would create, row by row (kept for dry runs only: an import's memory is its plan).
    report.planned = [
        {
            "line": r.plan.line,
            "record": r.plan.record,
            "where": r.plan.where,
            "patient": r.patient.registry_id or None,
            "instrument": r.definition.code,
            "date": r.plan.visit_date.isoformat(),
            "status": r.plan.status,
            "total": r.scoring.result.total,
        }
        for r in (ready if dry_run else ())
    ]
    if report.rejections and not skip_invalid:
        _count(report, ready)
        return report
    report.skipped_invalid = bool(report.rejections)
    if dry_run:
        _count(report, ready)
        return report
    _write(by, center, source, ready, report, progress)
    report.written = True
    return report


# --------------------------------------------------------------------------- validation


def _validate(
    by: Any,
    center: Center,
    source: str,
    plan: Sequence[PlannedAssessment],
    report: ImportReport,
    lang: str,
    progress: Progress | None,
) -> list[_Ready]:
    imported = _imported_fingerprints(source, {p.key for p in plan})
    by_registry = _patients_by_registry_id({p.registry_id for p in plan if p.registry_id})
    by_external = _patients_by_external_id(source, {p.external_id for p in plan if p.external_id})
    new_patients: dict[str, Patient] = {}
    demographics_checked: dict[str, list[Rejection]] = {}
    seen_keys: dict[str, PlannedAssessment] = {}
    found: set[int | None] = set()
    today = validation_today()
    ready: list[_Ready] = []
    for index, item in enumerate(plan, start=1):
        if progress and (index % 1000 == 0 or index == len(plan)):
            progress("check", index, len(plan))
        problems: list[Rejection] = []
        if item.key in seen_keys:
            first = seen_keys[item.key]
            problems.append(
                rejection(
                    item,
                    "record",
                    Message(
                        "duplicate_row",
                        _("The same record, event and form appear again (first on line %(line)s)."),
                        {"line": first.line},
                    ),
                )
            )
            report.rejections.extend(problems)
            continue
        seen_keys[item.key] = item
        if len(item.key) > KEY_MAX or len(item.external_id or "") > EXTERNAL_ID_MAX:
            report.rejections.append(
                rejection(
                    item,
                    "record",
                    Message(
                        "record_id_too_long",
                        _("The record id, event and form names are too long to be remembered (%(max)s characters)."),
                        {"max": KEY_MAX},
                    ),
                )
            )
            continue
        patient = _patient_for(by, center, item, by_registry, by_external, new_patients, demographics_checked, problems)
        if patient is None:
            report.rejections.extend(problems)
            continue
        if not _plainly_valid_date(item.visit_date, patient.birth_date, today):
            for message in date_problems(item.visit_date, not_before=patient.birth_date):
                problems.append(rejection(item, "visit_date", message))
        if item.status == Status.SIGNED and not can_sign(by, patient.center):
            problems.append(
                rejection(
                    item,
                    "status",
                    Message("sign_not_allowed", _("You do not sign assessments at this patient's center.")),
                )
            )
        if item.status not in IMPORTABLE_STATUSES:
            problems.append(rejection(item, "status", Message("choice_invalid", _("Unknown status."))))
        for message in text_problems(item.reason):
            problems.append(rejection(item, "reason", message))
        if problems:
            report.rejections.extend(problems)
            continue
        scored = _score_planned(item, patient, lang, problems)
        if scored is None:
            report.rejections.extend(problems)
            continue
        definition, scoring = scored
        found.add(patient.pk)
        fingerprint = _fingerprint(definition.code, item, scoring)
        previous = imported.get(item.key)
        if previous is not None:
            if previous == fingerprint:
                report.unchanged += 1
            else:
                report.changed.append(
                    rejection(
                        item,
                        "record",
                        Message(
                            "changed_since_import",
                            _(
                                "Imported before with other values; the recorded assessment is left as it is "
                                "(change it in Qadam by an amendment with a reason)."
                            ),
                        ),
                    )
                )
            continue
        _compare_stated_total(item, scoring.result, report)
        ready.append(_Ready(item, patient, definition, scoring, fingerprint))
    found.discard(None)
    report.patients_found = len(found)
    return ready


def _plainly_valid_date(value: Any, birth_date: datetime.date, today: datetime.date) -> bool:
    """True when ``date_problems(value, not_before=birth_date)`` has nothing to say, decided without
    reading the current time zone for every row (``today`` is read once per import)."""
    return (
        isinstance(value, datetime.date)
        and not isinstance(value, datetime.datetime)
        and max(birth_date, EARLIEST_DATE) <= value <= today
    )


def _patient_for(
    by: Any,
    center: Center,
    item: PlannedAssessment,
    by_registry: dict[str, Patient],
    by_external: dict[str, Patient],
    new_patients: dict[str, Patient],
    demographics_checked: dict[str, list[Rejection]],
    problems: list[Rejection],
) -> Patient | None:
    if item.registry_id:
        patient = by_registry.get(item.registry_id)
        if patient is None or not can_write_clinical(by, patient.center):
            problems.append(
                rejection(
                    item,
                    "registry_id",
                    Message(
                        "patient_unknown",
                        _("There is no patient with the registry id %(value)s in a center where you enter data."),
                        {"value": item.registry_id},
                    ),
                )
            )
            return None
        return patient
    if not item.external_id:
        problems.append(
            rejection(item, "record", Message("record_id_missing", _("The row names no record id or registry id.")))
        )
        return None
    patient = by_external.get(item.external_id)
    if patient is not None:
        if not can_write_clinical(by, patient.center):
            problems.append(
                rejection(
                    item,
                    "record",
                    Message(
                        "patient_elsewhere",
                        _("This record was imported for a patient of a center where you do not enter data."),
                    ),
                )
            )
            return None
        return patient
    if item.external_id not in demographics_checked:
        found: list[Rejection] = []
        demographics = item.demographics or Demographics(None, None)
        for message in date_problems(demographics.birth_date):
            found.append(rejection(item, "birth_date", message))
        for message in choice_problems(demographics.sex, Sex):
            found.append(rejection(item, "sex", message))
        demographics_checked[item.external_id] = found
        if found:
            # Reported in full on the record's first row; its later rows only say why they stop.
            problems.extend(found)
            return None
        new_patients[item.external_id] = Patient(
            center=center, birth_date=demographics.birth_date, sex=demographics.sex
        )
    if demographics_checked[item.external_id]:
        problems.append(
            rejection(
                item,
                "record",
                Message(
                    "patient_invalid",
                    _("The patient of this record cannot be created (see the record's first row)."),
                ),
            )
        )
        return None
    return new_patients[item.external_id]


def _score_planned(
    item: PlannedAssessment, patient: Patient, lang: str, problems: list[Rejection]
) -> tuple[scales.Instrument, Any] | None:
    try:
        definition = instrument_definition(item.instrument)
        context = {**context_from_patient(definition, patient, item.visit_date), **item.context}
        scoring = score_responses(definition.code, item.responses, context)
    except Invalid as error:
        _invalid_to_rejections(item, error, lang, problems)
        return None
    if item.status != Status.DRAFT and scoring.result.missing:
        for item_id in scoring.result.missing:
            problems.append(
                rejection(
                    item,
                    item_id,
                    Message(
                        "item_missing",
                        _(
                            "A completed assessment needs a value (or a reason why it was not tested) for item %(item)s."
                        ),
                        {"item": item_id},
                    ),
                )
            )
        return None
    return definition, scoring


def _compare_stated_total(item: PlannedAssessment, result: scales.Result, report: ImportReport) -> None:
    """A total the source computed itself (a REDCap calc field) that differs from ours is reported;
    ours is the one stored."""
    if item.stated_total in (None, ""):
        return
    try:
        stated = float(item.stated_total)
    except (TypeError, ValueError):
        stated = None
    if stated is not None and result.total is not None and abs(stated - float(result.total)) < 1e-9:
        return
    report.warnings.append(
        rejection(
            item,
            "total",
            Message(
                "stated_total_differs",
                _("The source states the total %(stated)s; Qadam computes %(ours)s and stores its own."),
                {"stated": item.stated_total, "ours": "—" if result.total is None else result.total},
            ),
        )
    )


def _invalid_to_rejections(item: PlannedAssessment, error: Invalid, lang: str, problems: list[Rejection]) -> None:
    for problem in error.problems:
        name = problem.item if problem.item is not None else "responses"
        problems.append(rejection(item, str(name), problem.message(lang), code=problem.code))
    for name, messages in error.errors.items():
        for message in messages:
            problems.append(rejection(item, name or "responses", message))
    if not error.problems and not error.errors:
        problems.append(rejection(item, "responses", error.message, code=error.code))


def _fingerprint(instrument: str, item: PlannedAssessment, scoring: Any) -> str:
    content = {
        "instrument": instrument,
        "date": item.visit_date.isoformat(),
        "responses": scoring.responses,
        "context": scoring.context,
        "status": item.status,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _chunks(values: Iterable[Any], size: int = LOOKUP_CHUNK) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _imported_fingerprints(source: str, keys: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(keys)):
        rows = ImportedAssessment.objects.filter(source=source, key__in=chunk).values_list("key", "fingerprint")
        found.update(rows)
    return found


def _patients_by_registry_id(registry_ids: set[str]) -> dict[str, Patient]:
    found: dict[str, Patient] = {}
    for chunk in _chunks(sorted(registry_ids)):
        for patient in Patient.objects.select_related("center").filter(registry_id__in=chunk):
            found[patient.registry_id] = patient
    return found


def _patients_by_external_id(source: str, external_ids: set[str]) -> dict[str, Patient]:
    found: dict[str, Patient] = {}
    for chunk in _chunks(sorted(external_ids)):
        rows = ExternalRecord.objects.select_related("patient__center").filter(source=source, external_id__in=chunk)
        for row in rows:
            found[row.external_id] = row.patient
    return found


def _count(report: ImportReport, ready: list[_Ready]) -> None:
    """Fill in what writing ``ready`` creates, before writing (for a dry run and a rejected import:
    what it would create)."""
    report.patients_created = len({id(r.patient) for r in ready if r.patient.pk is None})
    report.assessments_created = len(ready)
    report.by_instrument = {}
    for r in ready:
        report.by_instrument[r.definition.code] = report.by_instrument.get(r.definition.code, 0) + 1
    visit_keys = {(id(r.patient), r.plan.visit_date) for r in ready}
    existing = _existing_visits([r.patient for r in ready if r.patient.pk is not None], ready)
    reused = {(id(r.patient), r.plan.visit_date) for r in ready if (r.patient.pk, r.plan.visit_date) in existing}
    report.visits_reused = len(reused)
    report.visits_created = len(visit_keys) - len(reused)


def _existing_visits(patients: list[Patient], ready: list[_Ready]) -> dict[tuple[int, datetime.date], Visit]:
    ids = sorted({p.pk for p in patients})
    dates = {r.plan.visit_date for r in ready}
    found: dict[tuple[int, datetime.date], Visit] = {}
    for chunk in _chunks(ids):
        rows = Visit.objects.filter(patient_id__in=chunk, visit_date__in=dates).order_by("id")
        for visit in rows:
            found.setdefault((visit.patient_id, visit.visit_date), visit)
    return found


# --------------------------------------------------------------------------- writing


def _insert(model: type[Model], objects: list[Model]) -> None:
    """One multi-row INSERT of unsaved ``objects`` with their ids read back, the values converted
    by each field as the ORM converts them (``auto_now`` fields filled in), as the audit log's own
    insert does: ``bulk_create`` spends more time compiling such a statement than the database
    spends running it. Databases that cannot return the ids use ``bulk_create``."""
    if not objects:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        model.objects.using(alias).bulk_create(objects)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    if connection.vendor == "postgresql":
        sql, params = _unnest_insert(connection, table, columns, pk, fields, objects)
    else:
        rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(objects))} RETURNING {pk}"
        params = [value for values in rows for value in values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [r[0] for r in cursor.fetchall()]
    for obj, pk_value in zip(objects, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = alias


def _unnest_insert(connection: Any, table: str, columns: str, pk: str, fields: list, objects: list) -> tuple:
    """PostgreSQL: one parameter per column, however many rows (a statement with a parameter per
    value costs the driver more to prepare than the server to run). Scalar columns go as arrays
    (``unnest``), JSON columns as one JSON array each (``jsonb_array_elements``), zipped row by row
    by ``ROWS FROM``; a JSON ``null`` element is stored as SQL NULL, as the ORM stores ``None``."""
    from psycopg.types.json import Jsonb

    sources, select, params = [], [], []
    for index, f in enumerate(fields):
        values = [f.pre_save(obj, True) for obj in objects]
        name = f"c{index}"
        if f.get_internal_type() == "JSONField":
            sources.append("jsonb_array_elements(%s)")
            select.append(f"NULLIF({name}, 'null'::jsonb)")
            params.append(Jsonb(values, dumps=lambda v, e=f.encoder: json.dumps(v, cls=e)))
        else:
            sources.append(f"unnest((%s)::{f.db_type(connection).split('(')[0]}[])")
            select.append(name)
            params.append([f.get_db_prep_save(v, connection) for v in values])
    names = ", ".join(f"c{i}" for i in range(len(fields)))
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(select)} "
        f"FROM ROWS FROM ({', '.join(sources)}) WITH ORDINALITY AS r({names}, n) ORDER BY n RETURNING {pk}"
    )
    return sql, params


def _write(
    by: Any, center: Center, source: str, ready: list[_Ready], report: ImportReport, progress: Progress | None
) -> None:
    with transaction.atomic():
        existing = _lock_patients(by, ready)
        created = _create_patients(by, center, source, ready)
        visits, reused = _visits(by, ready, existing)
        report.patients_created = created
        report.visits_created = len(visits)
        report.visits_reused = reused
        report.assessments_created = len(ready)
        report.by_instrument = {}
        for r in ready:
            report.by_instrument[r.definition.code] = report.by_instrument.get(r.definition.code, 0) + 1
        _create_assessments(by, source, ready, report, progress)


def _lock_patients(by: Any, ready: list[_Ready]) -> list[Patient]:
    """Lock the rows of the existing patients (before the first audited write), check access on
    them as they are now, and mark them as just changed (``claim_patient`` for many)."""
    loaded = {r.patient.pk: r.patient for r in ready if r.patient.pk is not None}
    now = timezone.now()
    for chunk in _chunks(sorted(loaded)):
        rows = Patient.objects.select_for_update(of=("self",)).select_related("center").filter(pk__in=chunk)
        for current in rows.order_by("pk"):
            if current.center_id != loaded[current.pk].center_id:
                ensure_permitted(user=by, patient=current)
                loaded[current.pk].center = current.center
        Patient.objects.filter(pk__in=chunk).update(updated_at=now)
    return list(loaded.values())


def _create_patients(by: Any, center: Center, source: str, ready: list[_Ready]) -> int:
    """Register the new patients as ``patient_register`` does (random registry id, audit ``create``)."""
    new: dict[int, tuple[Patient, _Ready]] = {}
    for r in ready:
        if r.patient.pk is None and id(r.patient) not in new:
            new[id(r.patient)] = (r.patient, r)
    if not new:
        return 0
    patients = [p for p, _r in new.values()]
    _draw_registry_ids(patients)
    for chunk in _chunks(patients, BATCH):
        _insert(Patient, chunk)
    links = [ExternalRecord(source=source, external_id=r.plan.external_id, patient=p) for p, r in new.values()]
    for chunk in _chunks(links, BATCH):
        _insert(ExternalRecord, chunk)
    events = [
        AuditEvent(
            Action.CREATE,
            obj=p,
            patient=p,
            changes={"center": [None, center.code], "birth_date": [None, p.birth_date], "sex": [None, p.sex]},
            reason=r.plan.reason,
        )
        for p, r in new.values()
    ]
    for chunk in _chunks(events, BATCH):
        audit_record_many(actor=by, events=chunk)
    return len(patients)


def _draw_registry_ids(patients: list[Patient]) -> None:
    """Random registry ids as ``patient_register`` draws them, none of them taken (the unique index
    still decides: a clash with a registration made meanwhile fails the import, which can be run again)."""
    pending = list(patients)
    for _attempt in range(20):
        drawn = {random_registry_id(): p for p in pending}
        taken = set()
        for chunk in _chunks(sorted(drawn)):
            taken.update(Patient.objects.filter(registry_id__in=chunk).values_list("registry_id", flat=True))
        pending = [p for rid, p in drawn.items() if rid in taken] + pending[len(drawn) :]
        for rid, p in drawn.items():
            if rid not in taken:
                p.registry_id = rid
        if not pending:
            return
    raise RuntimeError("No unused registry ids found in 20 attempts; the id space is unexpectedly full.")


def _visits(by: Any, ready: list[_Ready], existing_patients: list[Patient]) -> tuple[list[Visit], int]:
    """Attach each assessment to its patient's visit on that date: an existing one, or a new one
    recorded as ``visit_create`` records it."""
    existing = _existing_visits(existing_patients, ready)
    reused: set[tuple[int, datetime.date]] = set()
    new: dict[tuple[int, datetime.date], Visit] = {}
    reasons: dict[tuple[int, datetime.date], str] = {}
    for r in ready:
        key = (r.patient.pk, r.plan.visit_date)
        visit = existing.get(key)
        if visit is not None:
            reused.add(key)
        else:
            visit = new.get(key)
            if visit is None:
                visit = Visit(
                    patient=r.patient,
                    visit_date=r.plan.visit_date,
                    kind=r.plan.visit_kind,
                    center=r.patient.center,
                    created_by=by,
                )
                new[key] = visit
                reasons[key] = r.plan.reason
        visit.patient = r.patient
        r.visit = visit
    visits = list(new.values())
    for chunk in _chunks(visits, BATCH):
        _insert(Visit, chunk)
        events = [
            AuditEvent(
                Action.CREATE,
                obj=v,
                patient=v.patient,
                changes={"visit_date": [None, v.visit_date], "kind": [None, v.kind], "center": [None, v.center.code]},
                reason=reasons[(v.patient.pk, v.visit_date)],
            )
            for v in chunk
        ]
        audit_record_many(actor=by, events=events)
    return visits, len(reused)


def _create_assessments(
    by: Any, source: str, ready: list[_Ready], report: ImportReport, progress: Progress | None
) -> None:
    """Insert the assessments and their audit entries as ``assessment_record`` writes them, a batch at a time."""
    total, done = len(ready), 0
    for chunk in _chunks(ready, BATCH):
        rows, events = [], []
        for r in chunk:
            assessment, entries = _prepared(by, r)
            rows.append(assessment)
            events.extend(entries)
        _insert(Assessment, rows)
        _insert(
            ImportedAssessment,
            [
                ImportedAssessment(source=source, key=r.plan.key, assessment=a, fingerprint=r.fingerprint)
                for r, a in zip(chunk, rows, strict=True)
            ],
        )
        audit_record_many(actor=by, events=events)
        done += len(chunk)
        if progress:
            progress("write", done, total)


def _prepared(by: Any, r: _Ready) -> tuple[Assessment, list[AuditEvent]]:
    """The unsaved row and the audit events of ``assessment_record`` for one ready assessment."""
    definition, plan, patient = r.definition, r.plan, r.patient
    signing = plan.status == Status.SIGNED
    now = timezone.now()
    assessment = Assessment(
        visit=r.visit,
        instrument=definition.code,
        instrument_version=definition.version,
        context=None,
        status=plan.status,
        rater=by,
        assessed_on=plan.visit_date,
        signed_by=by if signing else None,
        signed_at=now if signing else None,
    )
    changes = {"instrument": [None, definition.code], "instrument_version": [None, definition.version]}
    changes.update(store_result(assessment, r.scoring))
    changes["status"] = [None, Status.COMPLETED if signing else plan.status]
    events = [AuditEvent(Action.CREATE, obj=assessment, patient=patient, changes=changes, reason=plan.reason)]
    if signing:
        signature = {
            "status": [Status.COMPLETED, Status.SIGNED],
            "signed_by": [None, by.get_username()],
            "authentication": [None, "preauthenticated"],
        }
        events.append(AuditEvent(Action.SIGN, obj=assessment, patient=patient, changes=signature, reason=plan.reason))
    return assessment, events
