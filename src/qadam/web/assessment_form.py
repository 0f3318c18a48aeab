"""The assessment form, generated from a ``qadam.scales`` instrument definition.

Two directions, both pure (no database):

* ``parse_submission`` turns posted form data into the ``responses`` and ``context`` the scales
  engine takes, and reports what cannot be turned into a response at all (a value *and* a "not
  tested" reason for the same item);
* ``build_form`` lays out the items in the instrument's order and grouping, with the rater's values
  and every problem attached to its item, for the template to render.

Field names: ``item-<id>`` (the value), ``nt-<id>`` (not-tested reason), ``ntnote-<id>`` (its note),
``ctx-<name>`` (a context value). Clinical validation stays in ``qadam.scales``; nothing here checks
a range or a choice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qadam.scales import NOT_TESTED_REASONS, Instrument, Item, Problem
from qadam.scales.model import ContextField

ITEM_PREFIX = "item-"
REASON_PREFIX = "nt-"
NOTE_PREFIX = "ntnote-"
CONTEXT_PREFIX = "ctx-"

# Context choice codes are plain strings in the definitions; these are the words a rater reads.
# Mapping context fields that mark single items (item id -> true) are entered as a checkbox on each
# item rather than as a list: the TrakCare HFMSE/RULM dictionaries record them per item.
PER_ITEM_MARKS = {
    "limited_by_contracture": gettext_lazy("Limited by contracture"),
}

CONTEXT_CHOICE_LABELS = {
    "male": gettext_lazy("male"),
    "female": gettext_lazy("female"),
    "L": gettext_lazy("left"),
    "R": gettext_lazy("right"),
    "left": gettext_lazy("left"),
    "right": gettext_lazy("right"),
    "strict": gettext_lazy("strict: no total while an item is missing"),
    "prorate": gettext_lazy("prorate as the instrument's rule allows (flagged)"),
}


@dataclass(frozen=True)
class FormProblem:
    """A message shown in the error summary and beside the field it is about."""

    anchor: str
    message: str


@dataclass
class ChoiceOption:
    code: str
    label: str
    points: Any
    checked: bool
    input_id: str


@dataclass
class ItemMark:
    label: str
    name: str
    input_id: str
    checked: bool


@dataclass
class ItemField:
    item: Item
    number: int
    label: str
    hint: str
    name: str
    anchor: str
    value: str
    options: list[ChoiceOption]
    not_tested_reason: str
    not_tested_note: str
    group_label: str
    marks: list[ItemMark] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def shows_id(self) -> bool:
        """Show the item id beside its position when they differ ("12. Item ue_b")."""
        return self.item.id != str(self.number)

    @property
    def is_choice(self) -> bool:
        return bool(self.options)


@dataclass
class ItemSection:
    title: str
    fields: list[ItemField]


@dataclass
class ContextInput:
    spec: ContextField
    label: str
    name: str
    anchor: str
    value: str
    options: list[tuple[str, str]]
    errors: list[str] = field(default_factory=list)


@dataclass
class AssessmentForm:
    instrument: Instrument
    sections: list[ItemSection]
    context: list[ContextInput]
    reasons: list[tuple[str, str]]
    problems: list[FormProblem]
    grouped: bool


@dataclass
class Submission:
    """What the rater posted, in the engine's terms, plus what could not be read as a response."""

    responses: dict[str, Any]
    context: dict[str, Any]
    problems: list[FormProblem]


def anchor_for(prefix: str, name: str) -> str:
    """An HTML id for a field: item ids may hold characters that ids and fragments should not."""
    return prefix + re.sub(r"[^A-Za-z0-9_-]", "_", str(name))


def parse_submission(instrument: Instrument, data: Mapping[str, Any]) -> Submission:
    """Read ``item-*``, ``nt-*``, ``ntnote-*`` and ``ctx-*`` fields into responses and context."""
    responses: dict[str, Any] = {}
    problems: list[FormProblem] = []
    for item in instrument.items:
        value = _text(data.get(ITEM_PREFIX + item.id))
        reason = _text(data.get(REASON_PREFIX + item.id))
        note = _text(data.get(NOTE_PREFIX + item.id))
        if reason and value:
            problems.append(
                FormProblem(
                    anchor_for("item-", item.id),
                    _("Item %(item)s has both a value and a reason for not testing it: keep one of them.")
                    % {"item": item.id},
                )
            )
            continue
        if reason:
            responses[item.id] = {"not_tested": reason, "note": note} if note else {"not_tested": reason}
        elif value:
            responses[item.id] = value
    context: dict[str, Any] = {}
    for spec in instrument.context:
        if _is_per_item_mark(spec):
            marked = {item.id: True for item in instrument.items if data.get(mark_name(spec.name, item.id))}
            if marked:
                context[spec.name] = marked
            continue
        raw = _text(data.get(CONTEXT_PREFIX + spec.name))
        if not raw:
            continue
        if spec.kind == "mapping":
            parsed = _parse_mapping(raw)
            if parsed is None:
                problems.append(
                    FormProblem(
                        anchor_for("ctx-", spec.name),
                        _("Write one entry per line as “name = value”, e.g. “goal1 = 2”."),
                    )
                )
                continue
            context[spec.name] = parsed
        else:
            context[spec.name] = raw
    return Submission(responses, context, problems)


def mark_name(context_name: str, item_id: str) -> str:
    return f"{CONTEXT_PREFIX}{context_name}-{item_id}"


def _is_per_item_mark(spec: ContextField) -> bool:
    return spec.kind == "mapping" and spec.name in PER_ITEM_MARKS


def _text(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def _parse_mapping(raw: str) -> dict[str, str] | None:
    entries: dict[str, str] = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip() or not value.strip():
            return None
        entries[key.strip()] = value.strip()
    return entries


def build_form(
    instrument: Instrument,
    lang: str,
    responses: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    problems: Sequence[Problem] = (),
    form_problems: Sequence[FormProblem] = (),
    missing: Sequence[str] = (),
) -> AssessmentForm:
    """Lay the instrument out for entry, with the rater's values and every problem in place.

    ``missing`` names items that still need a value (or a reason) before the assessment can be
    completed; each gets a message beside it, while the summary keeps the one sentence listing them.
    """
    responses = responses or {}
    context = context or {}
    # Messages are keyed by the anchor of the field they belong to.
    by_anchor: dict[str, list[str]] = {}
    summary: list[FormProblem] = []
    for problem in problems:
        anchor = _problem_anchor(instrument, problem)
        summary.append(FormProblem(anchor, problem.message(lang)))
    summary.extend(form_problems)
    for entry in summary:
        by_anchor.setdefault(entry.anchor, []).append(entry.message)
    for item_id in missing:
        by_anchor.setdefault(anchor_for("item-", item_id), []).append(
            _("Enter a value, or mark the item as not tested with a reason.")
        )
    fields = [
        _item_field(instrument, item, number, lang, responses.get(item.id), by_anchor)
        for number, item in enumerate(instrument.items, 1)
    ]
    for spec in instrument.context:
        if _is_per_item_mark(spec):
            marked = context.get(spec.name) or {}
            for item_field in fields:
                item_field.marks.append(
                    ItemMark(
                        label=str(PER_ITEM_MARKS[spec.name]),
                        name=mark_name(spec.name, item_field.item.id),
                        input_id=anchor_for("mark-", f"{spec.name}-{item_field.item.id}"),
                        checked=isinstance(marked, Mapping) and marked.get(item_field.item.id) is True,
                    )
                )
    sections, grouped = _sections(instrument, fields, lang)
    return AssessmentForm(
        instrument=instrument,
        sections=sections,
        context=[
            _context_input(spec, lang, context.get(spec.name), by_anchor)
            for spec in instrument.context
            if not _is_per_item_mark(spec)
        ],
        reasons=[(r.code, r.label.get(lang)) for r in NOT_TESTED_REASONS],
        problems=summary,
        grouped=grouped,
    )


def _problem_anchor(instrument: Instrument, problem: Problem) -> str:
    """The field a scales problem points at; problems about the whole form go to the items' top."""
    spec = instrument.context_by_name.get(problem.item) if problem.code.startswith("context") else None
    if spec is not None and not _is_per_item_mark(spec):
        return anchor_for("ctx-", spec.name)
    if problem.item is not None and problem.item in instrument.items_by_id:
        return anchor_for("item-", problem.item)
    return "assessment-items"


def _item_field(
    instrument: Instrument, item: Item, number: int, lang: str, raw: Any, errors: Mapping[str, list[str]]
) -> ItemField:
    reason, note, value = "", "", ""
    if isinstance(raw, Mapping):
        reason = str(raw.get("not_tested") or "")
        note = str(raw.get("note") or "")
    elif raw is not None:
        value = _display(raw)
    anchor = anchor_for("item-", item.id)
    options = [
        ChoiceOption(
            code=str(choice.code),
            label=choice.label.get(lang) if choice.label else "",
            points=choice.points,
            checked=value == str(choice.code),
            # The first radio carries the item's anchor so that the error summary can link to it.
            input_id=anchor if index == 0 else f"{anchor}-{index}",
        )
        for index, choice in enumerate(item.choices)
    ]
    group_label = instrument.groups[item.group].get(lang) if item.group in instrument.groups else ""
    return ItemField(
        item=item,
        number=number,
        label=item.label.get(lang),
        hint=item.hint.get(lang) if item.hint else "",
        name=ITEM_PREFIX + item.id,
        anchor=anchor,
        value=value,
        options=options,
        not_tested_reason=reason,
        not_tested_note=note,
        group_label=group_label,
        errors=errors.get(anchor, []),
    )


def _display(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _sections(instrument: Instrument, fields: list[ItemField], lang: str) -> tuple[list[ItemSection], bool]:
    """Contiguous runs of one group become sections; interleaved groups stay in item order, labelled per item."""
    runs: list[tuple[str | None, list[ItemField]]] = []
    for item_field in fields:
        group = item_field.item.group
        if runs and runs[-1][0] == group:
            runs[-1][1].append(item_field)
        else:
            runs.append((group, [item_field]))
    distinct = {group for group, _ in runs}
    if len(runs) == 1 or len(runs) > len(distinct):
        return [ItemSection(_("Items"), fields)], False
    sections = []
    for group, members in runs:
        title = instrument.groups[group].get(lang) if group in instrument.groups else (group or _("Items"))
        sections.append(ItemSection(title, members))
    return sections, True


def _context_input(spec: ContextField, lang: str, raw: Any, errors: Mapping[str, list[str]]) -> ContextInput:
    if isinstance(raw, Mapping):
        value = "\n".join(f"{key} = {val}" for key, val in raw.items())
    else:
        value = "" if raw is None else _display(raw)
    return ContextInput(
        spec=spec,
        label=spec.label.get(lang),
        name=CONTEXT_PREFIX + spec.name,
        anchor=anchor_for("ctx-", spec.name),
        value=value,
        options=[(code, str(CONTEXT_CHOICE_LABELS.get(code, code))) for code in spec.choices],
        errors=errors.get(anchor_for("ctx-", spec.name), []),
    )


def context_from_patient(
    instrument: Instrument, *, birth_date: date | None, sex: str | None, on: date
) -> dict[str, Any]:
    """Prefill the context values the patient record already holds (sex, age on the day of testing)."""
    known: dict[str, Any] = {}
    if sex:
        known["sex"] = sex
    if birth_date:
        years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
        known["age"] = known["age_years"] = years
    return {
        spec.name: known[spec.name]
        for spec in instrument.context
        if spec.name in known and (not spec.choices or known[spec.name] in spec.choices)
    }


@dataclass
class ScoreSummary:
    """The running total panel: the engine's result (or its problems) in the rater's words."""

    instrument: Instrument
    total: Any
    band: str
    total_range: tuple[Any, Any] | None
    answered: int
    expected: int
    not_tested: int
    complete: bool
    subscores: list[tuple[str, Any, str]]
    flags: list[dict[str, Any]]
    problems: list[str]
    derived: dict[str, Any]

    @property
    def has_result(self) -> bool:
        return not self.problems


def score_summary(
    instrument: Instrument,
    lang: str,
    responses: Mapping[str, Any],
    result: Mapping[str, Any] | None,
    problems: Sequence[str] = (),
) -> ScoreSummary:
    """Summarise a ``Result.as_dict()`` (or the messages of what stopped it) for the panel."""
    expected = sum(1 for item in instrument.items if item.required)
    answered = sum(
        1 for item in instrument.items if item.id in responses and not isinstance(responses[item.id], Mapping)
    )
    result = result or {}
    band = ""
    if result.get("band"):
        found = next((b for b in instrument.bands if b.code == result["band"]), None)
        band = found.label.get(lang) if found else str(result["band"])
    subscores = []
    for subscale in instrument.subscales:
        value = (result.get("subscores") or {}).get(subscale.id)
        band_code = (result.get("subscore_bands") or {}).get(subscale.id)
        found = next((b for b in subscale.bands if b.code == band_code), None)
        subscores.append((subscale.label.get(lang), value, found.label.get(lang) if found else ""))
    return ScoreSummary(
        instrument=instrument,
        total=result.get("total"),
        band=band,
        total_range=instrument.total_range,
        answered=answered,
        expected=expected,
        not_tested=len(result.get("not_tested") or [r for r in responses.values() if isinstance(r, Mapping)]),
        complete=bool(result.get("complete")),
        subscores=subscores,
        flags=list(result.get("flags") or []),
        problems=list(problems),
        derived={
            k: v
            for k, v in (result.get("derived") or {}).items()
            if isinstance(v, (int, float, str)) and not isinstance(v, bool)
        },
    )


def answer_text(instrument: Instrument, item_id: str, raw: Any, lang: str) -> str:
    """A stored response as a rater reads it: "2", "1 — Several days", "not tested: Pain"."""
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, Mapping):
        reason = next(
            (r.label.get(lang) for r in NOT_TESTED_REASONS if r.code == raw.get("not_tested")), raw.get("not_tested")
        )
        return _("not tested: %(reason)s") % {"reason": reason}
    item = instrument.items_by_id.get(item_id)
    text = _display(raw)
    if item is not None:
        choice = next((c for c in item.choices if str(c.code) == text), None)
        if choice is not None and choice.label is not None:
            return f"{text} — {choice.label.get(lang)}"
        if item.unit:
            return f"{text} {item.unit}"
    return text


def response_differences(
    instrument: Instrument, before: Mapping[str, Any], after: Mapping[str, Any], lang: str
) -> list[tuple[str, str, str]]:
    """Items whose response differs between two versions: (label, before, after), in item order."""
    before, after = before or {}, after or {}
    rows = []
    for number, item in enumerate(instrument.items, 1):
        if before.get(item.id) != after.get(item.id):
            label = f"{number}. {item.label.get(lang)}"
            rows.append(
                (
                    label,
                    answer_text(instrument, item.id, before.get(item.id), lang),
                    answer_text(instrument, item.id, after.get(item.id), lang),
                )
            )
    return rows
