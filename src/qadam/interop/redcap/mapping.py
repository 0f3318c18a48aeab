"""The mapping file: which REDCap form is which instrument, which field which item, which code which value.

``suggest`` drafts one from a data dictionary (and, optionally, the events of a records export);
``load_mapping`` checks a (reviewed) mapping against the dictionary and the catalogue. A mapping is
JSON::

    {
      "format": "qadam-redcap-mapping", "version": 1,
      "source": "redcap:sma_mg",                  # the import's identity: keep it between runs
      "record_id_field": "record_id",
      "patient": {"registry_id_field": null, "birth_date_field": "dob",
                  "sex_field": "sex", "sex_codes": {"1": "male", "2": "female"}},
      "events": {"baseline_arm_1": {"visit_kind": "baseline"}, …},
      "default_visit_kind": "routine",
      "forms": {
        "hfmse": {"instrument": "hfmse", "date_field": "hfmse_date", "total_field": "hfmse_total",
                  "status_by_complete": {"0": "draft", "1": "draft", "2": "completed"},
                  "items": {"hfmse_01": {"item": "1", "choices": {"0": 0, "1": 1, "2": 2,
                                                               "9": {"not_tested": "other"}}}, …}},
        "demographics": {"instrument": null}      # forms that are not instruments are left out
      }
    }

Every entry the draft is not sure of carries ``"review": "why"``; the import refuses a mapping while
any ``review`` is left, so a person has looked at each uncertain match. Matching (in this order):
a form by its name against instrument codes and names; a field by the number at the end of its name
(``hfmse_07`` → item 7), then by its label against the item labels (English, Kazakh, Russian);
choice codes by equal codes, else by order (the n-th REDCap choice is the n-th value of the item),
which is always marked for review; a choice labelled "not tested" becomes ``{"not_tested": "other"}``
where the item allows it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from qadam import scales

from .dictionary import DataDictionary, Field, plain

FORMAT = "qadam-redcap-mapping"
VERSION = 1
STATUSES = ("draft", "completed")
# The values of ``qadam.assessments.models.VisitKind`` (this module reads no Django models; a test keeps them equal).
VISIT_KINDS = ("baseline", "routine", "treatment", "unscheduled", "telemedicine")
DEFAULT_STATUS_BY_COMPLETE = {"0": "draft", "1": "draft", "2": "completed", "": "draft"}
NOT_TESTED_LABEL = re.compile(
    r"\b(not tested|not done|not assessed|unable to test|untestable|n/?t|не проводил|не тестировал|жүргізілмеді)",
    re.IGNORECASE,
)
MISSING_LABEL = re.compile(r"\b(unknown|missing|not known|не известно|неизвестно|белгісіз)\b", re.IGNORECASE)
LABEL_SURE = 0.72
LABEL_POSSIBLE = 0.45


class MappingError(ValueError):
    """A mapping that cannot be used; ``problems`` names each place (``forms.hfmse.items.hfmse_01``)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


# --------------------------------------------------------------------------- suggest


def suggest(dictionary: DataDictionary, *, source: str, events: list[str] | None = None) -> dict[str, Any]:
    """Draft a mapping for ``dictionary``; uncertain entries carry ``review``."""
    mapping: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "source": source,
        "record_id_field": dictionary.record_id_field,
        "patient": _suggest_patient(dictionary),
        "events": {},
        "default_visit_kind": "routine",
        "forms": {},
    }
    for position, event in enumerate(events or []):
        kind = "baseline" if position == 0 or re.search(r"baseline|screen", event) else "routine"
        mapping["events"][event] = {"visit_kind": kind}
    taken: set[str] = set()
    for form, fields in dictionary.forms.items():
        mapping["forms"][form] = _suggest_form(form, fields, dictionary, taken)
    return mapping


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-zа-яёәғқңөұүһі]", "", plain(text).lower())


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-zа-яёәғқңөұүһі]+", plain(text).lower())


def _suggest_patient(dictionary: DataDictionary) -> dict[str, Any]:
    patient: dict[str, Any] = {"registry_id_field": None, "birth_date_field": None, "sex_field": None, "sex_codes": {}}
    for f in dictionary.fields:
        words = " ".join(_words(f.name + " " + f.label))
        if patient["registry_id_field"] is None and f.type == "text" and re.search(r"\bregistry|qadam", words):
            patient["registry_id_field"] = f.name
        if patient["birth_date_field"] is None and f.is_date and re.search(r"\bdob\b|birth|рожд|туған", words):
            patient["birth_date_field"] = f.name
        if patient["sex_field"] is None and f.has_choices and re.search(r"\bsex\b|gender|\bпол\b|жыныс", words):
            patient["sex_field"] = f.name
            for code, label in f.choices:
                lowered = plain(label).lower()
                if re.match(r"f|female|woman|girl|жен|әйел", lowered):
                    patient["sex_codes"][code] = "female"
                elif re.match(r"m|male|man|boy|муж|ер", lowered):
                    patient["sex_codes"][code] = "male"
    if patient["registry_id_field"] is None:
        missing = [name for name in ("birth_date_field", "sex_field") if patient[name] is None]
        if missing:
            patient["review"] = (
                f"No field found for {', '.join(missing)}: a new patient needs a date of birth and a sex. "
                "Name the fields, or a field holding Qadam registry ids."
            )
    return patient


def _instrument_for_form(form: str, fields: list[Field]) -> tuple[scales.Instrument | None, str | None]:
    """The instrument a form is (by name), or the best by item labels (to review), or None."""
    name = _norm(form)
    by_name: list[tuple[int, scales.Instrument]] = []
    for definition in scales.INSTRUMENTS.values():
        for candidate in {_norm(definition.code), _norm(definition.name)}:
            if len(candidate) >= 3 and candidate in name:
                by_name.append((len(candidate), definition))
    if by_name:
        by_name.sort(key=lambda pair: -pair[0])
        best = by_name[0][1]
        if name in {_norm(best.code), _norm(best.name)} or len(by_name) == 1 or by_name[0][0] > by_name[1][0]:
            return best, None
        return best, f"The form name matches several instruments: {', '.join(d.code for _n, d in by_name)}."
    scored_fields = [f for f in fields if f.has_choices or f.is_number]
    if len(scored_fields) < 2:
        return None, None
    best_score, best = 0.0, None
    for definition in scales.INSTRUMENTS.values():
        matched = sum(1 for f in scored_fields if any(_fits(f, item) for item in definition.items))
        score = matched / len(scored_fields)
        if matched >= 2 and score > best_score:
            best_score, best = score, definition
    if best is not None and best_score >= 0.5:
        return best, f"Matched by the labels of its fields only ({best_score:.0%} of them); check the instrument."
    return None, None


def _fits(f: Field, item: scales.Item) -> bool:
    """A field reads like the item and offers as many answers (not-tested and unknown codes aside)."""
    if max(_similarity(_label_text(f), text) for text in _item_labels(item)) < LABEL_SURE:
        return False
    if not item.choices:
        return not f.has_choices
    regular = [c for c, label in f.choices if not NOT_TESTED_LABEL.search(label) and not MISSING_LABEL.search(label)]
    return len(regular) == len(item.choices)


def _item_labels(item: scales.Item) -> list[str]:
    return [item.label.en, item.label.kk, item.label.ru]


def _similarity(a: str, b: str) -> float:
    """Similarity of two labels: the better of character similarity and shared word stems."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return 0.0
    chars = difflib.SequenceMatcher(None, na, nb).ratio()
    stems_a = {w[:5] for w in _words(a) if len(w) > 2}
    stems_b = {w[:5] for w in _words(b) if len(w) > 2}
    words = len(stems_a & stems_b) / min(len(stems_a), len(stems_b)) if stems_a and stems_b else 0.0
    return max(chars, words * 0.95)


def _suggest_form(form: str, fields: list[Field], dictionary: DataDictionary, taken: set[str]) -> dict[str, Any]:
    definition, doubt = _instrument_for_form(form, fields)
    if definition is None:
        return {"instrument": None}
    entry: dict[str, Any] = {"instrument": definition.code}
    if doubt:
        entry["review"] = doubt
    dates = [f for f in fields if f.is_date]
    dates.sort(key=lambda f: 0 if "date" in f.name else 1)
    if dates:
        entry["date_field"] = dates[0].name
    else:
        visit_dates = [f for f in dictionary.fields if f.is_date and re.search(r"visit|date", f.name)]
        entry["date_field"] = visit_dates[0].name if visit_dates else None
        entry["review_date_field"] = "The form has no date field; the date is taken from another form's field."
    totals = [
        f for f in fields if f.type == "calc" and re.search(r"total|score|sum", f.name + " " + f.plain_label, re.I)
    ]
    entry["total_field"] = totals[0].name if totals else None
    entry["status_by_complete"] = dict(DEFAULT_STATUS_BY_COMPLETE)
    entry["items"] = _suggest_items(definition, fields)
    entry["unmapped_fields"] = [
        f.name
        for f in fields
        if f.name not in entry["items"]
        and f.name not in {entry.get("date_field"), entry.get("total_field")}
        and f.type not in {"descriptive"}
        and f.name != dictionary.record_id_field
    ]
    missing = [i.id for i in definition.items if i.id not in {v["item"] for v in entry["items"].values()}]
    if missing:
        entry["unmapped_items"] = missing
    taken.add(definition.code)
    return entry


def _number_of(field_name: str) -> str | None:
    match = re.search(r"(?:^|[_a-z])0*(\d+)([a-z]?)$", field_name)
    if not match:
        return None
    return f"{int(match[1])}{match[2]}"


def _suggest_items(definition: scales.Instrument, fields: list[Field]) -> dict[str, Any]:
    candidates = [f for f in fields if f.has_choices or f.is_number or (f.type == "text" and not f.is_date)]
    candidates = [f for f in candidates if f.type != "checkbox"]
    items: dict[str, Any] = {}
    used: set[str] = set()
    # 1. The number at the end of the field name, confirmed (or questioned) by the label.
    for f in candidates:
        number = _number_of(f.name)
        if number is None or number not in definition.items_by_id or number in used:
            continue
        item = definition.items_by_id[number]
        entry = {"item": item.id, **_suggest_choices(item, f)}
        best_label, best_item = _best_label(f, definition)
        named = max(_similarity(_label_text(f), text) for text in _item_labels(item))
        if best_item is not None and best_item.id != item.id and best_label >= LABEL_SURE and best_label - named > 0.2:
            entry["review"] = (
                f"The name says item {item.id}, the label reads like item {best_item.id} ({best_item.label.en})."
            )
        items[f.name] = entry
        used.add(item.id)
    # 2. The label.
    for f in candidates:
        if f.name in items:
            continue
        score, item = _best_label(f, definition, exclude=used)
        if item is None or score < LABEL_POSSIBLE:
            continue
        entry = {"item": item.id, **_suggest_choices(item, f)}
        if score < LABEL_SURE:
            entry["review"] = f"Matched by a similar label ({item.label.en}, similarity {score:.2f})."
        items[f.name] = entry
        used.add(item.id)
    # 3. The order of what is left, always to review.
    left_items = [i for i in definition.items if i.id not in used]
    left_fields = [f for f in candidates if f.name not in items and f.has_choices]
    for f, item in zip(left_fields, left_items, strict=False):
        items[f.name] = {
            "item": item.id,
            **_suggest_choices(item, f),
            "review": f"Matched only by position: the next unmatched item is {item.id} ({item.label.en}).",
        }
    return items


def _best_label(
    f: Field, definition: scales.Instrument, exclude: set[str] = frozenset()
) -> tuple[float, scales.Item | None]:
    best_score, best = 0.0, None
    label = _label_text(f)
    for item in definition.items:
        if item.id in exclude:
            continue
        score = max(_similarity(label, text) for text in _item_labels(item))
        if score > best_score:
            best_score, best = score, item
    return best_score, best


def _label_text(f: Field) -> str:
    """The label without a leading item number ("7. Crawling" → "Crawling")."""
    return re.sub(r"^\s*\d+[a-z]?[.)]\s*", "", f.plain_label)


def _suggest_choices(item: scales.Item, f: Field) -> dict[str, Any]:
    """Choice codes → our values; ``review`` when not every code matched by equal codes."""
    if not item.choices:
        if f.has_choices:
            return {
                "choices": {code: None for code, _l in f.choices},
                "review": "The item is a number; the field a choice.",
            }
        return {}
    ours = [c.code for c in item.choices]
    ours_text = {str(c): c for c in ours}
    mapping: dict[str, Any] = {}
    doubts: list[str] = []
    regular = []
    for code, label in f.choices:
        if NOT_TESTED_LABEL.search(plain(label)):
            if item.not_tested_allowed:
                mapping[code] = {"not_tested": "other"}
            else:
                mapping[code] = None
                doubts.append(f"code {code} ({plain(label)}) is left empty: the item has no 'not tested'")
        elif MISSING_LABEL.search(plain(label)):
            mapping[code] = None
        else:
            regular.append((code, label))
    if {code for code, _l in regular} <= set(ours_text):
        for code, _label in regular:
            mapping[code] = ours_text[code]
    elif len(regular) == len(ours):
        for (code, _label), value in zip(regular, ours, strict=True):
            mapping[code] = value
        doubts.append("codes differ from the item's values; mapped in order (check the direction)")
    else:
        for code, _label in regular:
            mapping[code] = ours_text.get(code)
        doubts.append(
            f"{len(regular)} choices for {len(ours)} values ({', '.join(map(str, ours))}); complete the mapping"
        )
    out: dict[str, Any] = {"choices": {code: mapping.get(code) for code, _label in f.choices}}
    if doubts:
        out["review"] = "; ".join(doubts).capitalize() + "."
    return out


# --------------------------------------------------------------------------- load and check


def review_entries(mapping: Any, path: str = "") -> list[str]:
    """Every place of the mapping still marked for review."""
    found = []
    if isinstance(mapping, Mapping):
        for key, value in mapping.items():
            here = f"{path}.{key}" if path else str(key)
            if key.startswith("review") and value:
                found.append(f"{here}: {value}")
            else:
                found.extend(review_entries(value, here))
    return found


def load_mapping(data: Any, dictionary: DataDictionary) -> dict[str, Any]:
    """Check a mapping against the dictionary and the catalogue; return it with choice values in
    our types. Raises ``MappingError`` listing every problem (review marks included)."""
    problems: list[str] = []
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise MappingError([f'This is not a Qadam REDCap mapping ("format": "{FORMAT}" is missing).'])
    if data.get("version") != VERSION:
        problems.append(f"version: this Qadam reads mapping version {VERSION}; got {data.get('version')!r}.")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > 100:
        problems.append('source: name the import (up to 100 characters), e.g. "redcap:sma_registry".')
    fields = dictionary.by_name
    record_field = data.get("record_id_field")
    if record_field not in fields:
        problems.append(f"record_id_field: {record_field!r} is not a field of the data dictionary.")
    patient = data.get("patient")
    if not isinstance(patient, Mapping):
        problems.append("patient: an object naming the patient fields is required.")
        patient = {}
    for name in ("registry_id_field", "birth_date_field", "sex_field"):
        value = patient.get(name)
        if value is not None and value not in fields:
            problems.append(f"patient.{name}: {value!r} is not a field of the data dictionary.")
    if patient.get("registry_id_field") is None and (
        patient.get("birth_date_field") is None or patient.get("sex_field") is None
    ):
        problems.append("patient: name birth_date_field and sex_field (new patients need them), or registry_id_field.")
    sex_codes = patient.get("sex_codes") or {}
    if not isinstance(sex_codes, Mapping) or any(v not in ("female", "male") for v in sex_codes.values()):
        problems.append('patient.sex_codes: map each REDCap code to "female" or "male".')
    kinds = set(VISIT_KINDS)
    events = data.get("events") or {}
    if not isinstance(events, Mapping):
        problems.append('events: an object of event name → {"visit_kind": …}.')
        events = {}
    for event, spec in events.items():
        if not isinstance(spec, Mapping) or spec.get("visit_kind") not in kinds:
            problems.append(f"events.{event}.visit_kind: one of {', '.join(sorted(kinds))}.")
    if data.get("default_visit_kind", "routine") not in kinds:
        problems.append(f"default_visit_kind: one of {', '.join(sorted(kinds))}.")
    forms = data.get("forms")
    if not isinstance(forms, Mapping):
        problems.append("forms: an object of REDCap form name → instrument mapping.")
        forms = {}
    checked_forms: dict[str, Any] = {}
    for form, spec in forms.items():
        here = f"forms.{form}"
        if form not in dictionary.forms:
            problems.append(f"{here}: the data dictionary has no form {form!r}.")
            continue
        if not isinstance(spec, Mapping):
            problems.append(f"{here}: an object is required.")
            continue
        if spec.get("instrument") is None:
            continue
        checked = _check_form(here, form, spec, dictionary, problems)
        if checked is not None:
            checked_forms[form] = checked
    problems.extend(f"{entry} (remove the review mark once checked)" for entry in review_entries(data))
    if problems:
        raise MappingError(problems)
    return {**data, "forms": checked_forms}


def _check_form(here: str, form: str, spec: Mapping[str, Any], dictionary: DataDictionary, problems: list[str]):
    definition = scales.INSTRUMENTS.get(spec["instrument"])
    if definition is None:
        problems.append(
            f"{here}.instrument: {spec['instrument']!r} is not an instrument of the catalogue ({', '.join(scales.CODES)})."
        )
        return None
    fields = dictionary.by_name
    date_field = spec.get("date_field")
    if date_field not in fields:
        problems.append(f"{here}.date_field: {date_field!r} is not a field of the data dictionary.")
    total_field = spec.get("total_field")
    if total_field is not None and total_field not in fields:
        problems.append(f"{here}.total_field: {total_field!r} is not a field of the data dictionary.")
    status_by_complete = spec.get("status_by_complete", DEFAULT_STATUS_BY_COMPLETE)
    if not isinstance(status_by_complete, Mapping) or any(v not in STATUSES for v in status_by_complete.values()):
        problems.append(f'{here}.status_by_complete: map 0, 1, 2 (and "") to "draft" or "completed".')
    items = spec.get("items")
    if not isinstance(items, Mapping) or not items:
        problems.append(f"{here}.items: map at least one field to an item.")
        return None
    checked_items: dict[str, Any] = {}
    targets: dict[str, str] = {}
    for name, entry in items.items():
        where = f"{here}.items.{name}"
        f = fields.get(name)
        if f is None:
            problems.append(f"{where}: the data dictionary has no field {name!r}.")
            continue
        if f.form != form:
            problems.append(f"{where}: the field belongs to the form {f.form!r}, not {form!r}.")
        if not isinstance(entry, Mapping):
            problems.append(f'{where}: an object {{"item": …, "choices": …}} is required.')
            continue
        item = definition.items_by_id.get(str(entry.get("item")))
        if item is None:
            problems.append(
                f"{where}.item: {entry.get('item')!r} is not an item of {definition.name} "
                f"({', '.join(i.id for i in definition.items)})."
            )
            continue
        if item.id in targets:
            problems.append(f"{where}.item: item {item.id} is mapped from {targets[item.id]!r} already.")
            continue
        targets[item.id] = name
        choices = _check_choices(where, item, f, entry.get("choices"), problems)
        checked_items[name] = {"item": item.id, "choices": choices}
    return {
        "instrument": definition.code,
        "date_field": date_field,
        "total_field": total_field,
        "status_by_complete": {str(k): v for k, v in status_by_complete.items()},
        "items": checked_items,
    }


def _check_choices(where: str, item: scales.Item, f: Field, choices: Any, problems: list[str]) -> dict[str, Any] | None:
    if not f.has_choices:
        if choices:
            problems.append(f"{where}.choices: {f.name!r} is a {f.type} field without choices.")
        return None
    if not isinstance(choices, Mapping):
        problems.append(f"{where}.choices: map every REDCap code of {f.name!r} to a value.")
        return None
    codes = [code for code, _l in f.choices]
    missing = [c for c in codes if c not in choices]
    if missing:
        problems.append(f"{where}.choices: the codes {', '.join(missing)} of {f.name!r} are not mapped.")
    extra = [c for c in choices if c not in codes]
    if extra:
        problems.append(f"{where}.choices: {f.name!r} has no codes {', '.join(map(str, extra))}.")
    allowed = {str(c.code): c.code for c in item.choices}
    out: dict[str, Any] = {}
    for code, value in choices.items():
        if value is None:
            out[code] = None
        elif isinstance(value, Mapping):
            reason = value.get("not_tested")
            if not item.not_tested_allowed:
                problems.append(f"{where}.choices.{code}: item {item.id} cannot be recorded as not tested.")
            elif reason not in {r.code for r in scales.NOT_TESTED_REASONS}:
                problems.append(
                    f"{where}.choices.{code}: the reason must be one of "
                    f"{', '.join(r.code for r in scales.NOT_TESTED_REASONS)}."
                )
            out[code] = {"not_tested": reason}
        elif item.choices and str(value) not in allowed:
            problems.append(
                f"{where}.choices.{code}: {value!r} is not a value of item {item.id} ({item.allowed_description()})."
            )
        else:
            out[code] = allowed.get(str(value), value)
    return out
