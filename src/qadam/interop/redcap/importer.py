"""Turn a REDCap records export into planned assessments, with a checked mapping.

One planned assessment per record, event, repeat instance and mapped form that holds at least one
mapped item value (a form left empty at an event was not administered there and is skipped).
What the REDCap rows say, and what the import makes of it:

* the patient: the record's Qadam registry id when the mapping names such a field and the record
  holds one; otherwise the record id, kept with the import's ``source`` (``ExternalRecord``), and
  the record's date of birth and sex (from any of its rows, usually the first event's) for a new
  patient at the import's center;
* the date: the form's date field, read in the same row, or for a repeat instance without it, in
  the event's own row;
* the status: ``[form]_complete`` through ``status_by_complete`` (by default Complete → completed,
  Incomplete and Unverified → draft); ``sign=True`` records completed forms as signed;
* each item: the REDCap code through the item's ``choices``; a code without a value in the mapping
  rejects the row; ``null`` leaves the item empty; ``{"not_tested": reason}`` records it as not
  tested; free-text and number fields are passed to the scale as they are.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qadam.assessments.models import Status
from qadam.core.exceptions import Message

from ..imports.engine import Demographics, PlannedAssessment, Rejection
from .dictionary import DataDictionary, RecordRow, RecordsExport, parse_date


def plan_records(
    records: RecordsExport, dictionary: DataDictionary, mapping: dict[str, Any], *, sign: bool = False
) -> tuple[list[PlannedAssessment], list[Rejection]]:
    """The planned assessments of ``records`` and the rows rejected while reading them."""
    source = mapping["source"]
    patient_spec = mapping["patient"]
    record_field = mapping["record_id_field"]
    events = mapping.get("events") or {}
    default_kind = mapping.get("default_visit_kind", "routine")
    base_rows: dict[tuple[str, str], RecordRow] = {}
    per_record: dict[str, dict[str, str]] = {}
    for row in records.rows:
        if not row.repeat_instrument and not row.repeat_instance:
            base_rows.setdefault((row.record, row.event), row)
        known = per_record.setdefault(row.record, {})
        for name in ("registry_id_field", "birth_date_field", "sex_field"):
            column = patient_spec.get(name)
            if column and row.value(column) and name not in known:
                known[name] = row.value(column)
    plan: list[PlannedAssessment] = []
    rejections: list[Rejection] = []
    for row in records.rows:
        for form, spec in mapping["forms"].items():
            if row.repeat_instrument and row.repeat_instrument != form:
                continue
            item = _planned(row, form, spec, source, record_field, patient_spec, per_record, base_rows, sign)
            if item is None:
                continue
            item.visit_kind = events.get(row.event, {}).get("visit_kind", default_kind)
            problems = _read_items(row, spec, item)
            if not row.record:
                problems.append(_reject(item, record_field, "record_id_missing", _("The row has no record id.")))
            if item.visit_date is None:
                date_field = spec["date_field"]
                raw = _date_value(row, date_field, base_rows)
                problems.append(
                    _reject(
                        item,
                        date_field,
                        "date_missing" if not raw else "date_invalid",
                        _("The assessment date is missing.")
                        if not raw
                        else _("“%(value)s” is not a date of a raw REDCap export (YYYY-MM-DD)."),
                        {"value": raw},
                    )
                )
            if problems:
                rejections.extend(problems)
            else:
                plan.append(item)
    return plan, rejections


def _planned(
    row: RecordRow,
    form: str,
    spec: dict[str, Any],
    source: str,
    record_field: str,
    patient_spec: dict[str, Any],
    per_record: dict[str, dict[str, str]],
    base_rows: dict[tuple[str, str], RecordRow],
    sign: bool,
) -> PlannedAssessment | None:
    if not any(row.value(name) for name in spec["items"]):
        return None
    known = per_record.get(row.record, {})
    sex_raw = known.get("sex_field", "")
    sex_codes = patient_spec.get("sex_codes") or {}
    status = spec["status_by_complete"].get(row.value(f"{form}_complete"), Status.DRAFT)
    if sign and status == Status.COMPLETED:
        status = Status.SIGNED
    instance = row.repeat_instance
    where = " ".join(p for p in (row.event, form, f"#{instance}" if instance else "") if p)
    fields = {item["item"]: name for name, item in spec["items"].items()}
    fields.update(
        {
            "visit_date": spec["date_field"],
            "record": record_field,
            "total": spec.get("total_field") or "total",
            "birth_date": patient_spec.get("birth_date_field") or "birth_date",
            "sex": patient_spec.get("sex_field") or "sex",
            "registry_id": patient_spec.get("registry_id_field") or "registry_id",
        }
    )
    reason = f"REDCap import {source}: record {row.record}" + (f", event {row.event}" if row.event else "")
    reason += f", form {form}" + (f", instance {instance}" if instance else "")
    return PlannedAssessment(
        line=row.line,
        record=row.record,
        key="|".join((row.record, row.event, row.repeat_instrument, instance, form)),
        instrument=spec["instrument"],
        visit_date=parse_date(_date_value(row, spec["date_field"], base_rows)),
        responses={},
        status=status,
        registry_id=known.get("registry_id_field") or None,
        external_id=row.record or None,
        demographics=Demographics(
            birth_date=parse_date(known.get("birth_date_field", "")) or known.get("birth_date_field") or None,
            sex=sex_codes.get(sex_raw, sex_raw or None),
        ),
        fields=fields,
        reason=reason,
        where=where,
        stated_total=row.value(spec["total_field"]) if spec.get("total_field") else None,
    )


def _date_value(row: RecordRow, date_field: str, base_rows: dict[tuple[str, str], RecordRow]) -> str:
    value = row.value(date_field)
    if not value and (row.repeat_instrument or row.repeat_instance):
        base = base_rows.get((row.record, row.event))
        value = base.value(date_field) if base is not None else ""
    return value


def _read_items(row: RecordRow, spec: dict[str, Any], item: PlannedAssessment) -> list[Rejection]:
    problems = []
    for name, entry in spec["items"].items():
        raw = row.value(name)
        if raw == "":
            continue
        choices = entry["choices"]
        if choices is None:
            item.responses[entry["item"]] = raw
            continue
        if raw not in choices:
            problems.append(
                _reject(
                    item,
                    name,
                    "choice_unknown",
                    _("The REDCap code “%(value)s” is not one the mapping gives a value for (codes: %(allowed)s)."),
                    {"value": raw, "allowed": ", ".join(choices)},
                    field_is_column=True,
                )
            )
            continue
        value = choices[raw]
        if value is None:
            continue
        item.responses[entry["item"]] = dict(value) if isinstance(value, dict) else value
    return problems


def _reject(
    item: PlannedAssessment,
    name: str,
    code: str,
    template: Any,
    params: dict[str, Any] | None = None,
    *,
    field_is_column: bool = False,
) -> Rejection:
    message = Message(code, template, params)
    return Rejection(
        line=item.line,
        record=item.record,
        field=name if field_is_column else item.fields.get(name, name),
        code=code,
        message=str(message),
        where=item.where,
    )
