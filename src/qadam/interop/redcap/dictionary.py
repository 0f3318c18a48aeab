"""REDCap data dictionaries and records exports, read as REDCap writes them (no Django, no database).

The data dictionary is the CSV REDCap exports from *Project Setup → Data Dictionary* (REDCap
Data Dictionary instructions, "Variable / Field Name", "Form Name", "Field Type", "Choices,
Calculations, OR Slider Labels", … in this order). The records export is the *raw*, *flat* CSV of
*Data Exports → Export Data* (REDCap "Data Export Tool" documentation): one row per record, or per
record and event (``redcap_event_name``) in a longitudinal project, or per repeat instance
(``redcap_repeat_instrument``, ``redcap_repeat_instance``) of a repeating instrument or event;
a checkbox field is exported as one 0/1 column per option, ``field___code``; every form adds a
``form_complete`` column (0 Incomplete, 1 Unverified, 2 Complete); dates are ``YYYY-MM-DD``
whatever the field's display format.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Column headers of the data dictionary, as REDCap exports them, and the short names used here.
# Older REDCap versions and hand-edited files vary the wording; headers are matched on their start.
DICTIONARY_COLUMNS = (
    ("variable / field name", "name"),
    ("form name", "form"),
    ("section header", "section"),
    ("field type", "type"),
    ("field label", "label"),
    ("choices, calculations, or slider labels", "choices"),
    ("field note", "note"),
    ("text validation type or show slider number", "validation"),
    ("text validation min", "minimum"),
    ("text validation max", "maximum"),
    ("identifier?", "identifier"),
    ("branching logic", "branching"),
    ("required field?", "required"),
    ("custom alignment", "alignment"),
    ("question number", "question_number"),
    ("matrix group name", "matrix_group"),
    ("matrix ranking?", "matrix_ranking"),
    ("field annotation", "annotation"),
)
REQUIRED_COLUMNS = ("name", "form", "type", "label")
FIELD_TYPES = frozenset(
    {
        "text",
        "notes",
        "dropdown",
        "radio",
        "checkbox",
        "calc",
        "yesno",
        "truefalse",
        "descriptive",
        "slider",
        "file",
        "sql",
    }
)
CHOICE_TYPES = frozenset({"dropdown", "radio", "checkbox", "yesno", "truefalse", "sql"})
NO_DATA_TYPES = frozenset({"descriptive"})
IMPLIED_CHOICES = {
    "yesno": (("1", "Yes"), ("0", "No")),
    "truefalse": (("1", "True"), ("0", "False")),
}
SPECIAL_COLUMNS = (
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
    "redcap_survey_identifier",
)
COMPLETE_CODES = {"0": "incomplete", "1": "unverified", "2": "complete"}
TAG = re.compile(r"<[^>]+>")


class RedcapFileError(ValueError):
    """A file that is not a REDCap data dictionary or records export; ``problems`` lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Field:
    """One row of the data dictionary."""

    name: str
    form: str
    type: str
    label: str
    section: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    calculation: str = ""
    note: str = ""
    validation: str = ""
    minimum: str = ""
    maximum: str = ""
    identifier: bool = False
    branching: str = ""
    required: bool = False
    annotation: str = ""
    line: int = 0

    @property
    def plain_label(self) -> str:
        return plain(self.label)

    @property
    def is_date(self) -> bool:
        return self.type == "text" and self.validation.startswith(("date_", "datetime_"))

    @property
    def is_number(self) -> bool:
        return self.type == "slider" or (self.type == "text" and self.validation in {"integer", "number"})

    @property
    def has_choices(self) -> bool:
        return self.type in CHOICE_TYPES

    def export_columns(self) -> list[str]:
        """The records-export columns of this field (``field___code`` per option of a checkbox)."""
        if self.type in NO_DATA_TYPES:
            return []
        if self.type == "checkbox":
            return [f"{self.name}___{checkbox_code(code)}" for code, _label in self.choices]
        return [self.name]


@dataclass
class DataDictionary:
    """A project's fields in dictionary order, and its forms in the order they first appear."""

    fields: list[Field]
    forms: dict[str, list[Field]] = field(default_factory=dict)
    path: str = ""

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}
        if not self.forms:
            for f in self.fields:
                self.forms.setdefault(f.form, []).append(f)

    @property
    def record_id_field(self) -> str:
        """The record id is the first field of the first form (REDCap's rule)."""
        return self.fields[0].name

    def export_columns(self) -> dict[str, tuple[str, str | None]]:
        """Every column a flat records export of this project may have: column → (field, checkbox code)."""
        columns: dict[str, tuple[str, str | None]] = {}
        for f in self.fields:
            if f.type == "checkbox":
                for code, _label in f.choices:
                    columns[f"{f.name}___{checkbox_code(code)}"] = (f.name, code)
            elif f.type not in NO_DATA_TYPES:
                columns[f.name] = (f.name, None)
        for form in self.forms:
            columns[f"{form}_complete"] = (f"{form}_complete", None)
            columns[f"{form}_timestamp"] = (f"{form}_timestamp", None)
        for name in SPECIAL_COLUMNS:
            columns[name] = (name, None)
        return columns


def plain(text: str) -> str:
    """A label without HTML tags, entities of spaces and surplus whitespace."""
    text = TAG.sub(" ", text or "").replace("&nbsp;", " ")
    return " ".join(text.split())


def checkbox_code(code: str) -> str:
    """How REDCap names a checkbox option's column: lower case, ``-`` and ``.`` as ``_``."""
    return re.sub(r"[^0-9a-z_]", "_", code.strip().lower())


def parse_choices(text: str) -> tuple[tuple[str, str], ...]:
    """``"0, Unable | 1, Able"`` → ``(("0", "Unable"), ("1", "Able"))``; labels may contain commas."""
    choices = []
    for part in (text or "").split("|"):
        part = part.strip()
        if not part:
            continue
        code, sep, label = part.partition(",")
        if not sep:
            raise ValueError(part)
        choices.append((code.strip(), label.strip()))
    return tuple(choices)


def _read_csv(source: str | Path | io.TextIOBase) -> tuple[list[str], list[list[str]], str]:
    if isinstance(source, str | Path):
        path = str(source)
        with open(source, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        path = getattr(source, "name", "")
        rows = list(csv.reader(source))
    if not rows:
        raise RedcapFileError([f"{path or 'The file'} is empty."])
    header = [h.lstrip("\ufeff").strip() for h in rows[0]]
    return header, rows[1:], path


def read_dictionary(source: str | Path | io.TextIOBase) -> DataDictionary:
    """Read a data dictionary CSV; raise ``RedcapFileError`` listing every problem found."""
    header, rows, path = _read_csv(source)
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        lowered = title.lower()
        for start, short in DICTIONARY_COLUMNS:
            if lowered.startswith(start) and short not in positions:
                positions[short] = index
                break
    missing = [dict((s, t) for t, s in DICTIONARY_COLUMNS)[c] for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise RedcapFileError(
            [f"This is not a REDCap data dictionary: the columns {', '.join(repr(m) for m in missing)} are missing."]
        )
    problems: list[str] = []
    fields: list[Field] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        value = {short: (row[i].strip() if i < len(row) else "") for short, i in positions.items()}
        name, kind = value["name"], value["type"].lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            problems.append(f"Line {line}: the field name {name!r} is not a REDCap variable name.")
            continue
        if name in seen:
            problems.append(f"Line {line}: the field {name!r} is defined twice.")
            continue
        seen.add(name)
        if kind not in FIELD_TYPES:
            problems.append(f"Line {line}: the field {name!r} has the unknown type {value['type']!r}.")
            continue
        choices: tuple[tuple[str, str], ...] = ()
        calculation = ""
        if kind in IMPLIED_CHOICES:
            choices = IMPLIED_CHOICES[kind]
        elif kind in {"dropdown", "radio", "checkbox"}:
            try:
                choices = parse_choices(value.get("choices", ""))
            except ValueError as error:
                problems.append(f"Line {line}: the choice {str(error)!r} of {name!r} is not 'code, label'.")
                continue
            if not choices:
                problems.append(f"Line {line}: the {kind} field {name!r} lists no choices.")
                continue
        elif kind == "calc":
            calculation = value.get("choices", "")
        fields.append(
            Field(
                name=name,
                form=value["form"],
                type=kind,
                label=value["label"],
                section=value.get("section", ""),
                choices=choices,
                calculation=calculation,
                note=value.get("note", ""),
                validation=value.get("validation", "").lower(),
                minimum=value.get("minimum", ""),
                maximum=value.get("maximum", ""),
                identifier=value.get("identifier", "").lower() == "y",
                branching=value.get("branching", ""),
                required=value.get("required", "").lower() == "y",
                annotation=value.get("annotation", ""),
                line=line,
            )
        )
    if not fields and not problems:
        problems.append("The data dictionary defines no fields.")
    if problems:
        raise RedcapFileError(problems)
    return DataDictionary(fields=fields, path=path)


@dataclass
class RecordRow:
    """One row of a flat records export: its line, record id, event, repeat instrument and instance,
    and the raw values (checkbox options gathered as ``{field: set of ticked codes}``)."""

    line: int
    record: str
    event: str
    repeat_instrument: str
    repeat_instance: str
    values: dict[str, str]
    checked: dict[str, set[str]]

    def value(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class RecordsExport:
    rows: list[RecordRow]
    columns: list[str]
    path: str = ""

    @property
    def events(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            if row.event:
                seen.setdefault(row.event, None)
        return list(seen)


def read_records(source: str | Path | io.TextIOBase, dictionary: DataDictionary) -> RecordsExport:
    """Read a raw flat records export of the project ``dictionary`` describes.

    Raises ``RedcapFileError`` when the file does not belong to the project (a column the dictionary
    does not know, no record id column, a row of another width); values are checked later, row by row.
    """
    header, rows, path = _read_csv(source)
    known = dictionary.export_columns()
    record_field = dictionary.record_id_field
    problems = []
    if record_field not in header:
        problems.append(
            f"The records export has no column {record_field!r}, the record id of the data dictionary "
            "(its first field). Export the records of this project, in the raw, flat format."
        )
    unknown = [c for c in header if c not in known]
    if unknown:
        shown = ", ".join(repr(c) for c in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        problems.append(
            f"The records export has {len(unknown)} column(s) the data dictionary does not define: {shown}. "
            "Use the dictionary and the export of the same project (raw data, not labels)."
        )
    if len(set(header)) != len(header):
        problems.append("The records export names a column twice.")
    if problems:
        raise RedcapFileError(problems)
    checkbox_columns = {c: known[c] for c in header if known[c][1] is not None}
    result = []
    for line, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"Line {line}: {len(cells)} values for {len(header)} columns.")
            continue
        values: dict[str, str] = {}
        checked: dict[str, set[str]] = {}
        for column, cell in zip(header, cells, strict=True):
            cell = cell.strip()
            if column in checkbox_columns:
                name, code = checkbox_columns[column]
                ticks = checked.setdefault(name, set())
                if cell == "1":
                    ticks.add(code)
            elif cell:
                values[column] = cell  # blanks are left out: ``value()`` gives "" for them
        result.append(
            RecordRow(
                line=line,
                record=values.get(record_field, ""),
                event=values.get("redcap_event_name", ""),
                repeat_instrument=values.get("redcap_repeat_instrument", ""),
                repeat_instance=values.get("redcap_repeat_instance", ""),
                values=values,
                checked=checked,
            )
        )
    if problems:
        raise RedcapFileError(problems)
    return RecordsExport(rows=result, columns=header, path=path)


def parse_date(value: str) -> datetime.date | None:
    """A raw-export date (``YYYY-MM-DD``, or the date of ``YYYY-MM-DD HH:MM[:SS]``), else None."""
    value = (value or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?", value)
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def choice_labels(fields: Iterable[Field]) -> dict[str, dict[str, str]]:
    return {f.name: dict(f.choices) for f in fields}
