"""Item responses in a CSV file, long or wide, read into planned assessments.

Both forms name existing patients by registry id and have one header row (UTF-8, comma-separated;
a semicolon-separated file is recognised too):

Long — one row per item response::

    registry_id,date,instrument,item,value
    KZ-7Q4M-2XD9,2025-01-15,phq9,1,2
    KZ-7Q4M-2XD9,2025-01-15,phq9,2,1
    …

Wide — one row per assessment, one column per item id (``ctx:NAME`` columns give context values,
e.g. ``ctx:side``)::

    registry_id,date,instrument,1,2,3,4,5,6,7,8
    KZ-7Q4M-2XD9,2025-01-15,mg_adl,1,1,0,1,1,2,2,3

Optional columns in both: ``status`` (``completed``, the default, or ``draft``), ``visit_kind``
(``routine`` by default), ``instance`` (to tell two administrations of one instrument on one day
apart). A value ``not_tested:REASON`` records an item as not tested (``not_tested:contracture``).
Dates are ``YYYY-MM-DD`` or ``DD.MM.YYYY``; the instrument is its code or name (``mg_adl``,
``MG-ADL``). One assessment is the rows sharing registry id, date, instrument and instance; its
idempotency key is the same four values.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from qadam import scales
from qadam.assessments.models import Status, VisitKind
from qadam.core.exceptions import Message

from ..imports.engine import PlannedAssessment, Rejection

REQUIRED = ("registry_id", "date", "instrument")
OPTIONAL = ("status", "visit_kind", "instance")
LONG = ("item", "value")
CONTEXT_PREFIX = "ctx:"
NOT_TESTED_PREFIX = "not_tested:"


class TabularFileError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def read_rows(source: str | Path | io.TextIOBase) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the non-empty rows (with their line numbers) of a CSV file."""
    if isinstance(source, str | Path):
        text = Path(source).read_text(encoding="utf-8-sig")
    else:
        text = source.read()
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise TabularFileError(["The file is empty."])
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    lowered = [h.lower() for h in header]
    missing = [c for c in REQUIRED if c not in lowered]
    if missing:
        raise TabularFileError([f"The header needs the columns {', '.join(REQUIRED)}; missing: {', '.join(missing)}."])
    if len(set(lowered)) != len(lowered):
        raise TabularFileError(["The header names a column twice."])
    names = [h.lower() if h.lower() in REQUIRED + OPTIONAL + LONG else h for h in header]
    out, problems = [], []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            problems.append(f"Line {line}: {len(cells)} values for {len(names)} columns.")
            continue
        out.append((line, {n: c.strip() for n, c in zip(names, cells, strict=True)}))
    if problems:
        raise TabularFileError(problems)
    return names, out


def parse_date(value: str) -> datetime.date | None:
    value = value.strip()
    for pattern, order in ((r"(\d{4})-(\d{2})-(\d{2})", (1, 2, 3)), (r"(\d{2})\.(\d{2})\.(\d{4})", (3, 2, 1))):
        match = re.fullmatch(pattern, value)
        if match:
            try:
                return datetime.date(int(match[order[0]]), int(match[order[1]]), int(match[order[2]]))
            except ValueError:
                return None
    return None


def instrument_code(value: str) -> str | None:
    wanted = re.sub(r"[^0-9a-z]", "", value.lower())
    for definition in scales.INSTRUMENTS.values():
        if wanted in {re.sub(r"[^0-9a-z]", "", definition.code), re.sub(r"[^0-9a-z]", "", definition.name.lower())}:
            return definition.code
    return None


def _answer(value: str) -> Any:
    if value.lower().startswith(NOT_TESTED_PREFIX):
        return {"not_tested": value[len(NOT_TESTED_PREFIX) :].strip()}
    return value


def plan_csv(
    header: list[str], rows: list[tuple[int, dict[str, str]]], *, source: str, sign: bool = False
) -> tuple[list[PlannedAssessment], list[Rejection], str]:
    """Planned assessments, rejected rows and the form (``long`` or ``wide``) of the file."""
    form = "long" if all(c in header for c in LONG) else "wide"
    groups: dict[tuple[str, str, str, str], PlannedAssessment] = {}
    rejections: list[Rejection] = []
    for line, row in rows:
        registry_id = row["registry_id"].upper()
        date = parse_date(row["date"])
        code = instrument_code(row["instrument"])
        status = (row.get("status") or Status.COMPLETED).lower()
        kind = (row.get("visit_kind") or VisitKind.ROUTINE).lower()
        problems = []
        if not registry_id:
            problems.append(("registry_id", Message("registry_id_missing", _("The registry id is missing."))))
        if date is None:
            problems.append(
                (
                    "date",
                    Message(
                        "date_invalid",
                        _("“%(value)s” is not a date (YYYY-MM-DD or DD.MM.YYYY)."),
                        {"value": row["date"]},
                    ),
                )
            )
        if code is None:
            problems.append(
                (
                    "instrument",
                    Message(
                        "instrument_unknown",
                        _("There is no instrument with the code “%(value)s”."),
                        {"value": row["instrument"]},
                    ),
                )
            )
        if status not in (Status.DRAFT, Status.COMPLETED):
            problems.append(
                (
                    "status",
                    Message(
                        "status_invalid", _("The status is “draft” or “completed”. Got “%(value)s”."), {"value": status}
                    ),
                )
            )
        if kind not in VisitKind.values:
            problems.append(
                (
                    "visit_kind",
                    Message(
                        "visit_kind_invalid",
                        _("Choose one of: %(allowed)s. Got “%(value)s” instead."),
                        {"allowed": ", ".join(VisitKind.values), "value": kind},
                    ),
                )
            )
        if problems:
            rejections.extend(
                Rejection(line, registry_id, name, message.code, str(message), row.get("instrument", ""))
                for name, message in problems
            )
            continue
        instance = row.get("instance", "")
        key = (registry_id, date.isoformat(), code, instance)
        item = groups.get(key)
        if item is None:
            where = " ".join(p for p in (date.isoformat(), code, f"#{instance}" if instance else "") if p)
            item = PlannedAssessment(
                line=line,
                record=registry_id,
                key="|".join(key),
                instrument=code,
                visit_date=date,
                responses={},
                status=Status.SIGNED if sign and status == Status.COMPLETED else status,
                visit_kind=kind,
                registry_id=registry_id,
                fields={},
                reason=f"CSV import {source}: line {line}",
                where=where,
            )
            groups[key] = item
        if form == "long":
            item_id, value = row["item"], row["value"]
            if item_id.startswith(CONTEXT_PREFIX):
                item.context[item_id[len(CONTEXT_PREFIX) :]] = value
            elif value != "":
                if item_id in item.responses or item_id in item.fields:
                    rejections.append(
                        Rejection(
                            line,
                            registry_id,
                            "item",
                            "duplicate_item",
                            str(Message("duplicate_item", _("Item %(item)s is given twice."), {"item": item_id})),
                            item.where,
                            item.key,
                        )
                    )
                item.responses[item_id] = _answer(value)
                item.fields = {**item.fields, item_id: f"value (line {line}, item {item_id})"}
        elif item.line != line:
            rejections.append(
                Rejection(
                    line,
                    registry_id,
                    "registry_id",
                    "duplicate_row",
                    str(
                        Message(
                            "duplicate_row",
                            _("The same patient, date and instrument appear again (first on line %(line)s)."),
                            {"line": item.line},
                        )
                    ),
                    item.where,
                    item.key,
                )
            )
        else:
            for column, value in row.items():
                if column in REQUIRED or column in OPTIONAL or value == "":
                    continue
                if column.startswith(CONTEXT_PREFIX):
                    item.context[column[len(CONTEXT_PREFIX) :]] = value
                else:
                    item.responses[column] = _answer(value)
                    item.fields = {**item.fields, column: column}
    return list(groups.values()), rejections, form
