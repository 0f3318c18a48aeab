"""The assessment form, generated from a ``qadam.scales`` instrument definition.

Two directions, both pure (no database):

* ``parse_submission`` turns posted form data into the ``responses`` and ``context`` the scales
  engine takes, and reports what cannot be turned into a response at all (a value *and* a "not
  tested" reason for the same item);
* ``build_form`` lays out the items in the instrument's order and grouping, with the rater's values
  and every problem attached to its item, for the template to render.

Field names: ``item-<id>`` (the value), ``nt-<id>`` (not-tested reason), ``ntnote-<id>`` (its note),
``ctx-<name>`` (a context value). Instruments whose items the rater names (GAS goals) are entered
as rows of goals (``qadam.web.named_items``). Clinical validation stays in ``qadam.scales``; nothing
here checks a range or a choice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from qadam.scales import LANGUAGES, NOT_TESTED_REASONS, Instrument, Item, Problem
from qadam.scales.model import ContextField
from qadam.web import named_items
from qadam.web.named_items import GoalEntry, has_named_items, is_slot

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

# Item codes as printed on an instrument's sheet: RULM "A"…"T", NIHSS "1a", CHOP INTEND "3_L".
FORM_CODE = re.compile(r"[A-Z]|\d{1,2}[a-z]?(?:_[LR])?")

# Units of items and context values, as the rater's language writes them.
UNIT_LABELS = {
    "m": gettext_lazy("m"),
    "cm": gettext_lazy("cm"),
    "kg": gettext_lazy("kg"),
    "L": gettext_lazy("L"),
    "s": gettext_lazy("s"),
    "h": gettext_lazy("h"),
    "/min": gettext_lazy("/min"),
    "years": gettext_lazy("years"),
}


def unit_label(unit: str | None) -> str:
    if not unit:
        return ""
    label = UNIT_LABELS.get(unit)
    return str(label) if label is not None else unit


def _number_text(number: Any) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return formats.number_format(number, use_l10n=True)


CONTEXT_CHOICE_LABELS = {
    "male": gettext_lazy("male"),
    "female": gettext_lazy("female"),
    "L": gettext_lazy("left"),
    "R": gettext_lazy("right"),
    "left": gettext_lazy("left"),
    "right": gettext_lazy("right"),
    "ambidextrous": gettext_lazy("both hands equally"),
    "yes": gettext_lazy("yes"),
    "no": gettext_lazy("no"),
    "other": gettext_lazy("other"),
    "strict": gettext_lazy("strict: no total while an item is missing"),
    "prorate": gettext_lazy("prorate as the instrument's rule allows (flagged)"),
    # HFMSE manual edition
    "2009": gettext_lazy("2009 manual"),
    "2019": gettext_lazy("2019 manual"),
    # RULM item e
    "table": gettext_lazy("on the table"),
    "shoulder_height": gettext_lazy("at shoulder height"),
    # 6MWT protocol
    "sma_25m": gettext_lazy("SMA protocol, 25 m course"),
    "ats_2002": gettext_lazy("ATS 2002, 30 m corridor"),
    # GLI-2012 reference groups
    "caucasian": gettext_lazy("Caucasian"),
    "african_american": gettext_lazy("African American"),
    "north_east_asian": gettext_lazy("North East Asian"),
    "south_east_asian": gettext_lazy("South East Asian"),
    # MG Composite: where the history items came from
    "interview": gettext_lazy("clinical interview"),
    "mg_adl": gettext_lazy("taken from the MG-ADL"),
    # NIHSS time point
    "baseline": gettext_lazy("baseline"),
    "2h_post_treatment": gettext_lazy("2 hours after treatment"),
    "24h_after_onset": gettext_lazy("24 hours after onset"),
    "7_10_days": gettext_lazy("day 7–10"),
    "3_months": gettext_lazy("3 months"),
    # mRS
    "unstructured": gettext_lazy("unstructured assessment"),
    "structured_interview": gettext_lazy("structured interview"),
    "questionnaire_9q": gettext_lazy("simplified questionnaire (9 questions)"),
    "pre_stroke": gettext_lazy("before the stroke"),
    "current": gettext_lazy("now"),
    # MAS
    "supine": gettext_lazy("supine"),
    "sitting": gettext_lazy("sitting"),
    "one_second": gettext_lazy("over one second"),
    # Pain recall periods
    "now": gettext_lazy("now"),
    "24h_average": gettext_lazy("average over the last 24 hours"),
    "7d_average": gettext_lazy("average over the last 7 days"),
    "24h": gettext_lazy("last 24 hours"),
    "7d": gettext_lazy("last 7 days"),
    # GAS weighting schemes (Turner-Stokes 2009)
    "unweighted": gettext_lazy("none: every goal counts the same"),
    "importance_x_difficulty": gettext_lazy("importance × difficulty (Turner-Stokes 2009)"),
    "importance_1_4": gettext_lazy("importance 1–4"),
}
# A code may mean something else for one field ("other" protocol, "other" weighting).
CONTEXT_FIELD_CHOICE_LABELS = {
    ("weighting", "other"): gettext_lazy("another positive weight per goal"),
}


def context_choice_label(field_name: str, code: Any) -> str:
    """The words for a context choice code ("R" -> "right"); an unknown code shows as itself."""
    label = CONTEXT_FIELD_CHOICE_LABELS.get((field_name, code)) or CONTEXT_CHOICE_LABELS.get(code)
    return str(label) if label is not None else str(code)


@dataclass(frozen=True)
class FormProblem:
    """A message shown in the error summary and beside the field it is about.

    ``beside`` is the wording beside the field when the summary needs more words to say which
    field it is ("Goal 2: …" in the summary, "…" beside goal 2).
    """

    anchor: str
    message: str
    beside: str = ""


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
    reason_name: str = ""
    note_name: str = ""
    meta: str = ""

    @property
    def form_code(self) -> str:
        """The item's code as printed on the instrument's sheet ("A", "1a", "3 L"), when it differs
        from its position; ids that are only names in the data ("minute_1_m") are not shown."""
        if self.item.id == str(self.number) or not FORM_CODE.fullmatch(self.item.id):
            return ""
        return self.item.id.replace("_", " ")

    def meta_text(self, grouped: bool) -> str:
        """The line under the item's label: its sheet code, its group, whether it is scored."""
        parts = []
        if self.form_code:
            parts.append(_("Item %(id)s") % {"id": self.form_code})
        if self.group_label and not grouped:
            parts.append(self.group_label)
        if not self.item.scored:
            parts.append(_("recorded, not scored"))
        return " · ".join(parts)

    @property
    def unit(self) -> str:
        return unit_label(self.item.unit)

    @property
    def allowed(self) -> str:
        """The allowed values in the rater's language ("0–1500 м", "0, 1, 2")."""
        item = self.item
        if item.choices:
            return item.allowed_description()
        low = "" if item.minimum is None else _number_text(item.minimum)
        unit = f" {self.unit}" if self.unit else ""
        if item.maximum is None:
            return f"≥ {low}{unit}"
        return f"{low}–{_number_text(item.maximum)}{unit}"

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

    @property
    def unit(self) -> str:
        return unit_label(self.spec.unit)


@dataclass
class GoalValue:
    """A per-goal context value (GAS baseline): a short list to choose from, or a typed value."""

    label: str
    name: str
    anchor: str
    value: str
    options: list[tuple[str, str]]

    @property
    def text(self) -> str:
        """The value as read on a signed record: the chosen option's words, or the value."""
        return next((label for code, label in self.options if code == self.value), self.value)


@dataclass
class GoalRow:
    """One goal of the form: its text, weight, per-goal values and its rating."""

    index: int
    entry: GoalEntry
    title: str
    slot: str
    attainment: ItemField
    values: list[GoalValue]
    weight: str
    errors: list[str]
    spare: bool
    weight_note: str = ""

    @property
    def anchor(self) -> str:
        return goal_anchor(self.index)

    @property
    def name(self) -> str:
        return f"{named_items.GOAL_PREFIX}{self.index}"


@dataclass
class GoalsForm:
    """The goals of an instrument whose items the rater names, with the weighting scheme."""

    rows: list[GoalRow]
    scheme: str
    variant: str
    scheme_input: ContextInput | None
    degrees: list[tuple[str, str]]
    importance_levels: tuple[str, ...]
    weight_label: str


@dataclass
class AssessmentForm:
    instrument: Instrument
    sections: list[ItemSection]
    context: list[ContextInput]
    reasons: list[tuple[str, str]]
    problems: list[FormProblem]
    grouped: bool
    goals: GoalsForm | None = None
    # Context values the score cannot do without (the side of RULM), asked before the items.
    context_first: list[ContextInput] = field(default_factory=list)


@dataclass
class Submission:
    """What the rater posted, in the engine's terms, plus what could not be read as a response.

    ``goals`` keeps the posted goal rows as typed (for instruments whose items the rater names),
    so that a form sent back with problems shows every goal as it was entered.
    """

    responses: dict[str, Any]
    context: dict[str, Any]
    problems: list[FormProblem]
    goals: list[GoalEntry] | None = None


def scales_language() -> str:
    """The active language as ``qadam.scales`` names it ("kk", "ru", "en")."""
    lang = (get_language() or "en").split("-")[0]
    return lang if lang in LANGUAGES else "en"


def anchor_for(prefix: str, name: str) -> str:
    """An HTML id for a field: item ids may hold characters that ids and fragments should not."""
    return prefix + re.sub(r"[^A-Za-z0-9_-]", "_", str(name))


def goal_anchor(row: int) -> str:
    return f"{named_items.GOAL_PREFIX}{row}"


def _entered_items(instrument: Instrument) -> list[Item]:
    """The declared items the form asks one by one (GAS's goal slots are entered as goals)."""
    if not has_named_items(instrument):
        return list(instrument.items)
    return [item for item in instrument.items if not is_slot(instrument, item)]


def parse_submission(instrument: Instrument, data: Mapping[str, Any]) -> Submission:
    """Read ``item-*``, ``nt-*``, ``ntnote-*``, ``ctx-*`` and goal fields into responses and context."""
    responses: dict[str, Any] = {}
    problems: list[FormProblem] = []
    for item in _entered_items(instrument):
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
    named = has_named_items(instrument)
    consumed = named_items.consumed_context(instrument) if named else set()
    for spec in instrument.context:
        if spec.name in consumed:
            continue
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
    if not named:
        return Submission(responses, context, problems)
    goals = named_items.read_goals(instrument, data)
    responses.update(goals.responses)
    context.update(goals.context)
    problems.extend(_goal_problem(p.row, p.message) for p in goals.problems)
    return Submission(responses, context, problems, goals.entries)


def _goal_problem(row: int, message: str) -> FormProblem:
    return FormProblem(
        goal_anchor(row), _("Goal %(number)d: %(problem)s") % {"number": row, "problem": message}, message
    )


def mark_name(context_name: str, item_id: str) -> str:
    return f"{CONTEXT_PREFIX}{context_name}-{item_id}"


def _is_per_item_mark(spec: ContextField) -> bool:
    return spec.kind == "mapping" and spec.name in PER_ITEM_MARKS


def _text(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def _parse_mapping(raw: str) -> dict[str, Any] | None:
    """Lines of "name = value"; a value that reads as a number is sent as one (the engine wants numbers)."""
    entries: dict[str, Any] = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip() or not value.strip():
            return None
        entries[key.strip()] = named_items.number_or_text(value.strip())
    return entries


def build_form(
    instrument: Instrument,
    lang: str,
    responses: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    problems: Sequence[Problem] = (),
    form_problems: Sequence[FormProblem] = (),
    missing: Sequence[str] = (),
    goals: Sequence[GoalEntry] | None = None,
    readonly: bool = False,
) -> AssessmentForm:
    """Lay the instrument out for entry, with the rater's values and every problem in place.

    ``missing`` names items that still need a value (or a reason) before the assessment can be
    completed; each gets a message beside it, while the summary keeps the one sentence listing them.
    ``goals`` are the goal rows as posted (instruments whose items the rater names); without them
    the goals come from ``responses`` and ``context``.
    """
    responses = responses or {}
    context = context or {}
    named = has_named_items(instrument)
    entries: list[GoalEntry] = []
    if named:
        entries = list(goals) if goals is not None else named_items.entries_from_record(instrument, responses, context)
    row_of = {entry.goal: row for row, entry in enumerate(entries, 1) if entry.goal}
    scheme = named_items.scheme_of(instrument, context)
    # Messages are keyed by the anchor of the field they belong to.
    by_anchor: dict[str, list[str]] = {}
    summary: list[FormProblem] = []
    for problem in problems:
        goal = named_items.problem_goal(instrument, problem) if named else None
        if goal in row_of:
            summary.append(_goal_problem(row_of[goal], named_items.problem_text(instrument, problem, lang, scheme)))
        else:
            summary.append(FormProblem(_problem_anchor(instrument, problem), problem_text(instrument, problem, lang)))
    summary.extend(form_problems)
    for entry in summary:
        by_anchor.setdefault(entry.anchor, []).append(entry.beside or entry.message)
    for item_id in missing:
        if item_id in row_of:
            by_anchor.setdefault(goal_anchor(row_of[item_id]), []).append(_("Rate how far this goal was attained."))
        else:
            by_anchor.setdefault(anchor_for("item-", item_id), []).append(
                _("Enter a value, or mark the item as not tested with a reason.")
            )
    fields = [
        _item_field(instrument, item, number, lang, responses.get(item.id), by_anchor)
        for number, item in enumerate(_entered_items(instrument), 1)
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
    for item_field in fields:
        item_field.meta = item_field.meta_text(grouped)
    consumed = named_items.consumed_context(instrument) if named else set()
    inputs = [
        _context_input(spec, lang, context.get(spec.name), by_anchor)
        for spec in instrument.context
        if not _is_per_item_mark(spec) and spec.name not in consumed
    ]
    return AssessmentForm(
        instrument=instrument,
        sections=sections,
        context=[c for c in inputs if not c.spec.required],
        context_first=[c for c in inputs if c.spec.required],
        reasons=[(r.code, r.label.get(lang)) for r in NOT_TESTED_REASONS],
        problems=summary,
        grouped=grouped,
        goals=_goals_form(instrument, lang, entries, scheme, by_anchor, readonly) if named else None,
    )


def _goals_form(
    instrument: Instrument,
    lang: str,
    entries: list[GoalEntry],
    scheme: str,
    errors: Mapping[str, list[str]],
    readonly: bool,
) -> GoalsForm:
    """Goal rows for the goals entered so far, then blank ones (the first few shown, the rest spare)."""
    template = instrument.item_template
    assert template is not None
    rows = [_goal_row(instrument, lang, row, entry, scheme, errors) for row, entry in enumerate(entries, 1)]
    if not readonly:
        blanks = max(1, named_items.GOAL_ROWS - len(entries))
        shown = max(1, 3 - len(entries))
        for offset in range(blanks):
            row = _goal_row(instrument, lang, len(entries) + offset + 1, GoalEntry(), scheme, errors)
            row.spare = offset >= shown
            rows.append(row)
    spec = instrument.context_by_name.get(named_items.WEIGHTING)
    scheme_input = None
    if spec is not None:
        scheme_input = _context_input(spec, lang, scheme, errors)
    source = instrument.item_ids_from_context or ""
    return GoalsForm(
        rows=rows,
        scheme=scheme,
        variant=named_items.scheme_variant(scheme),
        scheme_input=scheme_input,
        degrees=[(code, str(label)) for code, label in named_items.DEGREES],
        importance_levels=named_items.IMPORTANCE_LEVELS,
        weight_label=named_items.per_goal_label(instrument, source, lang),
    )


def _goal_row(
    instrument: Instrument, lang: str, row: int, entry: GoalEntry, scheme: str, errors: Mapping[str, list[str]]
) -> GoalRow:
    template = instrument.item_template
    assert template is not None
    prefix = f"{named_items.GOAL_PREFIX}{row}"
    item = replace(template, id=entry.goal or prefix)
    raw: Any = entry.value or None
    if entry.reason:
        raw = {"not_tested": entry.reason, "note": entry.note}
    names = (f"{prefix}-item", f"{prefix}-nt", f"{prefix}-ntnote", f"{prefix}-item")
    attainment = _item_field(instrument, item, row, lang, raw, {}, names=names)
    values = []
    for name in named_items.per_goal_fields(instrument)[1:]:
        levels = named_items.PER_GOAL_LEVELS.get(name, ())
        values.append(
            GoalValue(
                label=named_items.per_goal_label(instrument, name, lang),
                name=f"{prefix}-ctx-{name}",
                anchor=f"{prefix}-ctx-{name}",
                value=entry.per_goal.get(name, ""),
                options=[(code, str(label)) for code, label in levels],
            )
        )
    declared = instrument.items_by_id.get(entry.goal)
    title = entry.text or (declared.label.get(lang) if declared is not None else entry.goal)
    return GoalRow(
        index=row,
        entry=entry,
        title=title,
        slot=entry.goal if declared is not None and not entry.text else "",
        attainment=attainment,
        values=values,
        weight=_weight_text(entry, scheme),
        errors=list(errors.get(goal_anchor(row), [])),
        spare=False,
        weight_note=_weight_note(entry, scheme),
    )


def _weight_note(entry: GoalEntry, scheme: str) -> str:
    """Which factors a stored product weight can come from, when the record does not say.

    Only the product is stored (the instrument keeps one weight per goal), so 2, 3 and 6 read back
    as two possible pairs; the form says so instead of guessing one.
    """
    if scheme != named_items.PRODUCT or entry.importance or entry.difficulty or not entry.recorded:
        return ""
    pairs = named_items.product_factors(named_items.number_or_text(entry.recorded))
    if len(pairs) < 2:
        return ""
    first, second = (f"{i} × {d}" for i, d in pairs)
    return _("recorded as %(first)s or %(second)s") % {"first": first, "second": second}


def _weight_text(entry: GoalEntry, scheme: str) -> str:
    """The goal's weight as a number to show beside its factors ("" when not known yet)."""
    if scheme == named_items.UNWEIGHTED:
        return "1"
    if scheme == named_items.PRODUCT:
        if entry.importance.isdigit() and entry.difficulty.isdigit():
            return str(int(entry.importance) * int(entry.difficulty))
        return entry.recorded if not entry.importance and not entry.difficulty else ""
    if scheme == named_items.IMPORTANCE_1_4:
        return entry.rank
    return entry.weight


def _problem_anchor(instrument: Instrument, problem: Problem) -> str:
    """The field a scales problem points at; problems about the whole form go to the items' top."""
    spec = instrument.context_by_name.get(problem.item) if problem.code.startswith("context") else None
    if spec is not None and not _is_per_item_mark(spec):
        return anchor_for("ctx-", spec.name)
    if problem.item is not None and problem.item in instrument.items_by_id:
        return anchor_for("item-", problem.item)
    return "assessment-items"


def _item_field(
    instrument: Instrument,
    item: Item,
    number: int,
    lang: str,
    raw: Any,
    errors: Mapping[str, list[str]],
    names: tuple[str, str, str, str] | None = None,
) -> ItemField:
    """The inputs of one item; ``names`` (value, reason, note, anchor) replace the item-id names."""
    reason, note, value = "", "", ""
    if isinstance(raw, Mapping):
        reason = str(raw.get("not_tested") or "")
        note = str(raw.get("note") or "")
    elif raw is not None:
        value = _display(raw)
    value_name, reason_name, note_name, anchor = names or (
        ITEM_PREFIX + item.id,
        REASON_PREFIX + item.id,
        NOTE_PREFIX + item.id,
        anchor_for("item-", item.id),
    )
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
        name=value_name,
        anchor=anchor,
        value=value,
        options=options,
        not_tested_reason=reason,
        not_tested_note=note,
        group_label=group_label,
        errors=errors.get(anchor, []),
        reason_name=reason_name,
        note_name=note_name,
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
        options=[(code, context_choice_label(spec.name, code)) for code in spec.choices],
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


# Derived values worth a line in the score panel, in this order; others stay in the stored result.
DERIVED_LABELS = {
    "baseline_t": gettext_lazy("Baseline T-score"),
    "improvement": gettext_lazy("Change from the baseline T-score"),
    "goals_met": gettext_lazy("Goals met or exceeded"),
    "predicted_m": gettext_lazy("Predicted distance, m"),
    "lower_limit_m": gettext_lazy("Lower limit of normal, m"),
    "predicted_l": gettext_lazy("Predicted FVC, L"),
    "lln_l": gettext_lazy("Lower limit of normal, L"),
    "z_score": gettext_lazy("z-score"),
    "percent_predicted": gettext_lazy("Percent of predicted"),
    "fatigue_index_pct": gettext_lazy("Fatigue index, %"),
    "total_0_20": gettext_lazy("Total on the 0–20 scale"),
    "combined_0_42": gettext_lazy("Anxiety and depression together (0–42)"),
    "profile": gettext_lazy("Health profile"),
    "vas": gettext_lazy("Visual analogue scale (0–100)"),
}
SIGNED_DERIVED = frozenset({"improvement"})


@dataclass
class ScoreSummary:
    """The running total panel: the engine's result (or its problems) in the rater's words.

    ``counts_goals``: the instrument's items are goals the rater names (GAS), so the panel counts
    goals rated out of goals set rather than required items.
    """

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
    derived: list[tuple[str, Any, bool]]
    counts_goals: bool = False

    @property
    def has_result(self) -> bool:
        return not self.problems


def score_summary(
    instrument: Instrument,
    lang: str,
    responses: Mapping[str, Any],
    result: Mapping[str, Any] | None,
    problems: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
) -> ScoreSummary:
    """Summarise a ``Result.as_dict()`` (or the messages of what stopped it) for the panel."""
    named = has_named_items(instrument)
    if named:
        goals = named_items.named_ids(instrument, responses, context or {})
        expected = len(goals)
        answered = sum(1 for goal in goals if goal in responses and not isinstance(responses[goal], Mapping))
    else:
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
    flags = list(result.get("flags") or [])
    if named:
        # Goals not yet rated are counted in the panel; a partial sum of goals means nothing.
        flags = [f for f in flags if f.get("code") not in ("partial_sum", "no_goals")]
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
        flags=flags,
        problems=list(problems),
        derived=_derived_rows(result.get("derived") or {}),
        counts_goals=named,
    )


def _derived_rows(derived: Mapping[str, Any]) -> list[tuple[str, Any, bool]]:
    """(label, value, signed) for the derived values the panel shows."""
    rows = []
    for key, label in DERIVED_LABELS.items():
        value = derived.get(key)
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        if key == "goals_met" and isinstance(derived.get("n_goals"), int):
            value = _("%(met)s of %(goals)s") % {"met": value, "goals": derived["n_goals"]}
        rows.append((str(label), value, key in SIGNED_DERIVED))
    return rows


def answer_text(instrument: Instrument, item_id: str, raw: Any, lang: str) -> str:
    """A stored response as a rater reads it: "2", "1 — Several days", "not tested: Pain"."""
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, Mapping):
        reason = next(
            (r.label.get(lang) for r in NOT_TESTED_REASONS if r.code == raw.get("not_tested")), raw.get("not_tested")
        )
        return _("not tested: %(reason)s") % {"reason": reason}
    item = instrument.items_by_id.get(item_id) or instrument.item_template
    text = _display(raw)
    if item is not None:
        choice = next((c for c in item.choices if str(c.code) == text), None)
        if choice is not None and choice.label is not None:
            return f"{text} — {choice.label.get(lang)}"
        if item.unit:
            return f"{text} {unit_label(item.unit)}"
    return text


def item_labels(
    instrument: Instrument, lang: str, *records: tuple[Mapping[str, Any], Mapping[str, Any]]
) -> list[tuple[str, str]]:
    """(item id, label) of every item the form shows, in its order; goals of ``records``
    ((responses, context) pairs) for instruments whose items the rater names."""
    labels = [
        (item.id, f"{number}. {item.label.get(lang)}") for number, item in enumerate(_entered_items(instrument), 1)
    ]
    if has_named_items(instrument):
        goals: dict[str, None] = {}
        for responses, context in records:
            goals.update(dict.fromkeys(named_items.named_ids(instrument, responses or {}, context or {})))
        labels += [(goal, named_items.goal_label(instrument, goal, lang)) for goal in goals]
    return labels


def response_differences(
    instrument: Instrument,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    lang: str,
    before_context: Mapping[str, Any] | None = None,
    after_context: Mapping[str, Any] | None = None,
) -> list[tuple[str, str, str]]:
    """Items whose response differs between two versions: (label, before, after), in item order."""
    before, after = before or {}, after or {}
    rows = []
    for item_id, label in item_labels(instrument, lang, (before, before_context or {}), (after, after_context or {})):
        if before.get(item_id) != after.get(item_id):
            rows.append(
                (
                    label,
                    answer_text(instrument, item_id, before.get(item_id), lang),
                    answer_text(instrument, item_id, after.get(item_id), lang),
                )
            )
    return rows


def problem_text(instrument: Instrument, problem: Problem, lang: str) -> str:
    """An engine problem in the rater's words: a context value by its label and its choices'
    words ("Tested side": left, right) rather than its code ("side": L | R)."""
    spec = instrument.context_by_name.get(str(problem.item)) if problem.code.startswith("context") else None
    if spec is None or problem.code not in ("context_missing", "context_invalid"):
        return problem.message(lang)
    label = spec.label.get(lang)
    if problem.code == "context_missing":
        return _("“%(field)s” is needed to score %(instrument)s.") % {"field": label, "instrument": instrument.name}
    return _("“%(field)s” cannot be %(value)s (allowed: %(allowed)s).") % {
        "field": label,
        "value": _display(problem.value) if problem.value is not None else "—",
        "allowed": _context_allowed(spec, str(problem.allowed)),
    }


def _context_allowed(spec: ContextField, fallback: str) -> str:
    if spec.choices:
        return ", ".join(context_choice_label(spec.name, code) for code in spec.choices)
    if spec.kind == "number" and spec.minimum is not None and spec.maximum is not None:
        unit = f" {unit_label(spec.unit)}" if spec.unit else ""
        return f"{_number_text(spec.minimum)}–{_number_text(spec.maximum)}{unit}"
    return fallback


def problem_messages(
    instrument: Instrument, problems: Sequence[Problem], lang: str, context: Mapping[str, Any] | None
) -> list[str]:
    """The engine's problems for the score panel; a problem with one goal names the goal."""
    if not has_named_items(instrument):
        return [problem_text(instrument, p, lang) for p in problems]
    scheme = named_items.scheme_of(instrument, context or {})
    messages = []
    for problem in problems:
        goal = named_items.problem_goal(instrument, problem)
        if goal is None:
            messages.append(problem_text(instrument, problem, lang))
            continue
        text = named_items.problem_text(instrument, problem, lang, scheme)
        number, _words = named_items.split_goal_id(goal)
        if number is not None:
            messages.append(_("Goal %(number)d: %(problem)s") % {"number": number, "problem": text})
        else:
            messages.append(f"{named_items.goal_label(instrument, goal, lang)}: {text}")
    return messages
