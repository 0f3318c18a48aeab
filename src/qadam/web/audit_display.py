"""The audit trail as a reader reads it: field names and values in the reader's language.

The log stores changes as ``{field: [old, new]}`` with the registry's own keys ("responses.5",
"context", "status") and raw values ("draft", "2026-03-02", "R"). Here each change gets the name
the screens use for that field (an instrument item's label, a context field's label, a model
field's verbose name) and each value the words the screens show for it. Nothing is recomputed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qadam import scales
from qadam.web import named_items
from qadam.web.assessment_form import answer_text, context_choice_label, item_labels, unit_label

ASSESSMENT = "assessments.assessment"
RESPONSES = "responses."
CONTEXT = "context"
# Names of fields whose model gives no translated name.
FIELD_LABELS = {
    "signed_by": gettext_lazy("signed by"),
}
# ``patient_update`` logs changes of the name and IIN on the patient's own entry, one entry per
# correction; their names come from the identity model.
FIELDS_ALSO_ON = {
    "patients.patient": ("patients.patientidentity",),
}
LONGEST_VALUE = 240
# What someone did, as a verb: the model's labels share their words with field names ("created"),
# which some languages must say differently.
ACTION_LABELS = {
    "create": pgettext_lazy("audit action", "created"),
    "update": pgettext_lazy("audit action", "changed"),
    "sign": pgettext_lazy("audit action", "signed"),
    "amend": pgettext_lazy("audit action", "amended"),
    "view": pgettext_lazy("audit action", "viewed"),
    "delete": pgettext_lazy("audit action", "deleted"),
    "login": pgettext_lazy("audit action", "signed in"),
    "export": pgettext_lazy("audit action", "exported"),
}


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: the stored key (kept for reference), its name and both values."""

    key: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditLine:
    """An audit entry with its object described and its changes readable."""

    entry: Any
    action: str
    what: str
    instrument: str
    changes: list[ChangeLine]


def audit_lines(entries: Iterable[Any], instruments: Mapping[str, str], lang: str) -> list[AuditLine]:
    """``entries`` (``AuditRow``s) readable; ``instruments`` maps assessment ids to instrument codes."""
    lines = []
    labels: dict[str, dict[str, str]] = {}
    for entry in entries:
        instrument = None
        if entry.object_type == ASSESSMENT:
            instrument = scales.INSTRUMENTS.get(instruments.get(str(entry.object_id), ""))
        if instrument is not None and instrument.code not in labels:
            labels[instrument.code] = dict(item_labels(instrument, lang))
        changes = [
            line
            for key, pair in (entry.changes or {}).items()
            for line in _change_lines(entry.object_type, key, pair, instrument, lang, labels)
        ]
        lines.append(
            AuditLine(
                entry=entry,
                action=str(ACTION_LABELS.get(entry.action, entry.action_label)),
                what=object_label(entry.object_type),
                instrument=instrument.name if instrument is not None else "",
                changes=changes,
            )
        )
    return lines


def object_label(object_type: str) -> str:
    """An audited object's kind in the active language ("assessments.visit" -> "visit")."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _change_lines(
    object_type: str,
    key: str,
    pair: Any,
    instrument: scales.Instrument | None,
    lang: str,
    labels: Mapping[str, Mapping[str, str]],
) -> list[ChangeLine]:
    before, after = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair)
    if instrument is not None and key.startswith(RESPONSES):
        item = key[len(RESPONSES) :]
        return [
            ChangeLine(
                key,
                labels[instrument.code].get(item) or named_items.goal_label(instrument, item, lang),
                _short(answer_text(instrument, item, before, lang)),
                _short(answer_text(instrument, item, after, lang)),
            )
        ]
    if instrument is not None and (key == CONTEXT or key.startswith(CONTEXT + ".")):
        return _context_lines(instrument, key, before, after, lang)
    if instrument is not None and key == "instrument":
        return [ChangeLine(key, _field_label(object_type, key), _instrument_name(before), _instrument_name(after))]
    if instrument is not None and key == "band":
        return [
            ChangeLine(
                key, _field_label(object_type, key), _band(instrument, before, lang), _band(instrument, after, lang)
            )
        ]
    if key == "total":
        return [ChangeLine(key, _field_label(object_type, key), _number(before), _number(after))]
    field = _field(object_type, key)
    return [ChangeLine(key, _field_label(object_type, key), _value(field, before), _value(field, after))]


def _context_lines(instrument: scales.Instrument, key: str, before: Any, after: Any, lang: str) -> list[ChangeLine]:
    """A context change, one line per context field that differs (the log may hold the whole context)."""
    if key != CONTEXT:
        name = key[len(CONTEXT) + 1 :]
        before, after = {name: before}, {name: after}
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    lines = []
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old == new or (old in (None, "", {}) and new in (None, "", {})):
            continue
        spec = instrument.context_by_name.get(name)
        label = spec.label.get(lang) if spec is not None else name
        lines.append(
            ChangeLine(
                f"{CONTEXT}.{name}",
                label,
                _context_value(instrument, name, old, lang),
                _context_value(instrument, name, new, lang),
            )
        )
    return lines


def _context_value(instrument: scales.Instrument, name: str, value: Any, lang: str) -> str:
    if value is None or value == "" or value == {}:
        return "—"
    spec = instrument.context_by_name.get(name)
    if isinstance(value, Mapping):
        parts = []
        for key, val in value.items():
            # Item ids (per-item marks) and goals read as their labels.
            subject = named_items.goal_label(instrument, str(key), lang)
            parts.append(subject if val is True else f"{subject}: {_plain(val)}")
        return _short(" · ".join(parts))
    if spec is not None and spec.kind == "choice":
        return context_choice_label(name, value)
    if spec is not None and spec.unit:
        return f"{_plain(value)} {unit_label(spec.unit)}"
    return _short(_plain(value))


def _instrument_name(code: Any) -> str:
    found = scales.INSTRUMENTS.get(code) if isinstance(code, str) else None
    return found.name if found is not None else _plain(code)


def _band(instrument: scales.Instrument, code: Any, lang: str) -> str:
    if code is None or code == "":
        return "—"
    found = next((b for b in instrument.bands if b.code == code), None)
    return found.label.get(lang) if found is not None else str(code)


def _number(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _plain(value)
    if float(value).is_integer():
        return formats.number_format(int(value), use_l10n=True)
    return formats.number_format(round(float(value), 2), use_l10n=True)


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(object_type: str, name: str) -> models.Field | None:
    for model_type in (object_type, *FIELDS_ALSO_ON.get(object_type, ())):
        model = _model(model_type)
        if model is None:
            continue
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _field_label(object_type: str, name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    field = _field(object_type, name)
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name


def _value(field: models.Field | None, value: Any) -> str:
    """A logged value as the screens show it: choice labels, dates in the reader's language, yes/no."""
    if value is None or value == "":
        return "—"
    if field is not None and field.choices and not isinstance(value, (dict, list)):
        labels = {str(code): label for code, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return formats.date_format(datetime.datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT")
        except ValueError:
            return value
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return _short(_plain(value))


def _plain(value: Any) -> str:
    """Any other logged value, compact: mappings read "a: 1 · b: 2", lists "1, 2"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping):
        return " · ".join(f"{key}: {_plain(val)}" for key, val in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(val) for val in value)
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"
