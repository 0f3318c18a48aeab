"""One stored assessment → one wide row and its long rows, reading only what ``columns`` describes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from qadam.assessments.models import Assessment, AssessmentRevision, Status
from qadam.scales.model import Instrument

from . import pseudonyms
from .columns import GOAL_SLOTS, Column, goal_number


@dataclass(frozen=True)
class Pseudonymiser:
    """The secrets of one export: the key, the export id and the shift window."""

    key: bytes
    export_id: str
    span: int

    def patient(self, registry_id: str) -> str:
        return pseudonyms.pseudonym(registry_id, key=self.key, export_id=self.export_id)

    def assessment(self, assessment_id: int) -> str:
        return pseudonyms.assessment_key(assessment_id, key=self.key, export_id=self.export_id)

    def shift(self, registry_id: str) -> int:
        return pseudonyms.date_shift(registry_id, key=self.key, span=self.span)


def _not_tested(answer: Any) -> str | None:
    if isinstance(answer, Mapping) and "not_tested" in answer:
        return str(answer["not_tested"])
    return None


def _value(answer: Any) -> Any:
    return None if answer is None or isinstance(answer, Mapping) else answer


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _typed(column: Column, value: Any) -> Any:
    """The value in the column's type (JSON may hold 489 for a float column, or "2" for an int)."""
    if value is None or value == "":
        return None
    if column.type == "string":
        return str(value)
    if column.type == "integer":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if column.type == "number":
        return _number(value)
    if column.type == "boolean":
        return bool(value)
    return value


def goals_by_number(responses: Mapping[str, Any]) -> dict[int, Any]:
    """GAS responses by goal number; a goal without a number is kept after the numbered ones."""
    numbered: dict[int, Any] = {}
    unnumbered = []
    for item_id in sorted(responses, key=str):
        number = goal_number(item_id)
        if number is None or number in numbered:
            unnumbered.append(item_id)
        else:
            numbered[number] = item_id
    next_free = max(numbered, default=0)
    for item_id in unnumbered:
        next_free += 1
        numbered[next_free] = item_id
    return numbered


@dataclass(frozen=True)
class Record:
    """The fixed facts of one exported assessment, computed once for its wide and long rows.

    ``content`` holds the responses, context, result, total and band: the assessment itself, or for
    an amendment awaiting signature the last signed version (an ``AssessmentRevision``).
    """

    fields: dict[str, Any]
    content: Any


def last_signed_version(assessment: Assessment) -> AssessmentRevision | None:
    """The signed version an amendment awaiting signature replaces (the latest revision)."""
    return AssessmentRevision.objects.filter(assessment_id=assessment.pk).order_by("-number").first()


def record_of(assessment: Assessment, secrets: Pseudonymiser, *, with_months: bool) -> Record | None:
    """The record to export for ``assessment``; None for an amendment without a signed version."""
    visit = assessment.visit
    patient = visit.patient
    content: Any = assessment
    status = assessment.status
    if status == Status.AMENDED:
        content = last_signed_version(assessment)
        if content is None:
            return None
        status = Status.SIGNED
    day = content.assessed_on
    fields: dict[str, Any] = {
        "pseudonym": secrets.patient(patient.registry_id),
        "assessment_key": secrets.assessment(assessment.pk),
        "center": visit.center.code,
        "sex": patient.sex,
        "age_years": pseudonyms.age_years(patient.birth_date, day),
        "assessment_date": pseudonyms.shift_date(day, secrets.shift(patient.registry_id)),
        "visit_kind": visit.kind,
        "status": str(status),
        "instrument_version": content.instrument_version,
        "scoring_version": content.scoring_version,
    }
    if with_months:
        fields["age_months"] = pseudonyms.age_months(patient.birth_date, day)
    return Record(fields, content)


def wide_row(record: Record, columns: list[Column]) -> dict[str, Any]:
    content = record.content
    responses = content.responses or {}
    context = content.context or {}
    result = content.result or {}
    goals = None
    row: dict[str, Any] = {}
    for column in columns:
        kind, key = column.source
        if kind == "field":
            value = _result_field(column.name, record, result)
        elif kind == "item":
            value = _value(responses.get(key))
        elif kind == "not_tested":
            value = _not_tested(responses.get(key))
        elif kind == "context":
            value = context.get(key)
        elif kind in ("goal", "goal_not_tested", "goal_context"):
            if goals is None:
                goals = goals_by_number(responses)
            number = key[1] if kind == "goal_context" else key
            item_id = goals.get(number)
            if item_id is None:
                value = None
            elif kind == "goal":
                value = _value(responses.get(item_id))
            elif kind == "goal_not_tested":
                value = _not_tested(responses.get(item_id))
            else:
                mapping = context.get(key[0])
                value = mapping.get(item_id) if isinstance(mapping, Mapping) else None
        elif kind == "subscore":
            value = (result.get("subscores") or {}).get(key)
        elif kind == "subscore_band":
            value = (result.get("subscore_bands") or {}).get(key)
        else:  # pragma: no cover - columns.py names every source
            raise ValueError(f"Unknown column source {kind!r}.")
        row[column.name] = _typed(column, value)
    return row


def _result_field(name: str, record: Record, result: Mapping[str, Any]) -> Any:
    if name in record.fields:
        return record.fields[name]
    if name == "total":
        return record.content.total
    if name == "band":
        return record.content.band
    if name == "complete":
        return bool(result.get("complete"))
    if name == "flags":
        codes = [str(flag.get("code", "")) for flag in result.get("flags") or [] if isinstance(flag, Mapping)]
        return ";".join(code for code in codes if code) or None
    raise ValueError(f"Unknown field column {name!r}.")


def long_rows(record: Record, instrument: Instrument, columns: list[Column]) -> Iterator[dict[str, Any]]:
    """One row per item response, in the instrument's item order (GAS: goal order)."""
    responses = record.content.responses or {}
    if instrument.item_template is not None:
        template = instrument.item_template
        pairs = [
            (f"goal_{n}", responses[item_id], template) for n, item_id in sorted(goals_by_number(responses).items())
        ]
    else:
        pairs = [(item.id, responses[item.id], item) for item in instrument.items if item.id in responses]
    base = {name: value for name, value in record.fields.items() if name != "visit_kind"}
    for item_id, answer, item in pairs:
        value = _value(answer)
        points = None
        if value is not None and item.choices:
            for choice in item.choices:
                if str(choice.code) == str(value):
                    points = choice.points
                    break
        row = {
            **base,
            "item_id": item_id,
            "value": None if value is None else str(value),
            "value_number": _number(value),
            "points": None if points is None else float(points),
            "not_tested_reason": _not_tested(answer),
        }
        yield {column.name: row.get(column.name) for column in columns}


def goal_slots_exceeded(responses: Mapping[str, Any]) -> bool:
    """True when a GAS record has goals beyond the wide table's ten."""
    return any(number > GOAL_SLOTS for number in goals_by_number(responses))
