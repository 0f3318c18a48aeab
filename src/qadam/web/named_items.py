"""Instruments whose items the rater names: the goals of Goal Attainment Scaling.

An instrument with ``item_ids_from_context`` and ``item_template`` (GAS: ``weights``) accepts every
key of that context mapping as a further item, rated with the template's choices. Its form is a
list of goals: the goal in the clinician's words, the values the context keeps per goal (GAS:
weight and baseline) and the rating on the template's scale.

Where the goal text lives: GAS declares no context field for it, and its goals are the keys of
``context.weights`` ("items named by the user"), so the text is the goal's id, after the goal's
number: "2. Walk 10 m indoors with a stick". The number keeps the clinician's order on both
databases (PostgreSQL's jsonb does not keep the order of keys) and the id reads as it was written
in the audit log and in exports. The declared slots "1"…"10" of GAS stay valid ids for records
made without texts; they read "Goal 1"… until the clinician writes the goal.

Weights follow the chosen scheme (Turner-Stokes L. Goal attainment scaling (GAS) in
rehabilitation: a practical guide. Clin Rehabil 2009;23:362–370): none (every goal 1),
importance × difficulty, importance 1–4, or any positive number.

Form fields of goal ``n`` (1, 2, …): ``goal-n`` (the text), ``goal-n-item`` (the rating),
``goal-n-nt``/``goal-n-ntnote`` (not tested, where the template allows it), ``goal-n-ctx-<field>``
(a per-goal context value such as the baseline), ``goal-n-weight`` (a weight typed or chosen),
``goal-n-importance``/``goal-n-difficulty`` (the factors of a product weight), ``goal-n-rank``
(importance 1–4), ``goal-n-slot`` (a declared slot's id, for a goal stored without text) and
``goal-n-recorded`` (the stored weight, kept when its factors are not known).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qadam.scales import Instrument, Item

GOAL_PREFIX = "goal-"
MAX_GOAL_LENGTH = 300
# Goals a form offers at once; a record may hold more (all are shown), this only bounds blank rows.
GOAL_ROWS = 10
WEIGHTING = "weighting"
UNWEIGHTED = "unweighted"
PRODUCT = "importance_x_difficulty"
IMPORTANCE_1_4 = "importance_1_4"
FREE_WEIGHT = "other"
KNOWN_SCHEMES = (UNWEIGHTED, PRODUCT, IMPORTANCE_1_4, FREE_WEIGHT)

# Turner-Stokes 2009 rates the importance of a goal (to the patient) and its difficulty (in the
# clinician's judgement) from 0 "not at all" to 3 "very", and weighs it by their product. 0 is not
# offered: a weight of 0 drops the goal from the T-score (the instrument refuses it), and a goal
# that does not matter is not set.
DEGREES = (("1", gettext_lazy("a little")), ("2", gettext_lazy("moderately")), ("3", gettext_lazy("very")))
IMPORTANCE_LEVELS = ("1", "2", "3", "4")

# Per-goal context values chosen from a short list rather than typed. Baseline: GAS-light sets it
# at −1 as a rule and at −2 when the goal area is in the worst possible state (Turner-Stokes 2009).
PER_GOAL_LEVELS = {
    "baseline": (
        ("-1", gettext_lazy("−1: the usual baseline")),
        ("-2", gettext_lazy("−2: the worst possible state")),
    ),
}

_GOAL_FIELD = re.compile(r"goal-([1-9][0-9]{0,2})(?:-|$)")
_NUMBERED = re.compile(r"([1-9][0-9]{0,2})\. (.+)", re.DOTALL)


@dataclass(frozen=True)
class NamedProblem:
    """Something a goal row cannot be stored with, for the form and the running total."""

    row: int
    message: str


@dataclass
class GoalEntry:
    """One goal as posted or as stored, every value as the form shows it (text)."""

    text: str = ""
    value: str = ""
    reason: str = ""
    note: str = ""
    weight: str = ""
    importance: str = ""
    difficulty: str = ""
    rank: str = ""
    recorded: str = ""
    per_goal: dict[str, str] = field(default_factory=dict)
    # The item id the goal is stored under ("2. Walk …", or a declared slot such as "3").
    goal: str = ""


@dataclass
class GoalSubmission:
    """Posted goals in the engine's terms: responses and per-goal context mappings."""

    entries: list[GoalEntry]
    responses: dict[str, Any]
    context: dict[str, Any]
    problems: list[NamedProblem]


def has_named_items(instrument: Instrument) -> bool:
    return instrument.item_ids_from_context is not None and instrument.item_template is not None


def is_slot(instrument: Instrument, item: Item) -> bool:
    """A declared item that only reserves a place for a named one (GAS "1"…"10")."""
    template = instrument.item_template
    if template is None or item.required:
        return False
    return replace(item, id=template.id, label=template.label) == template


def per_goal_fields(instrument: Instrument) -> list[str]:
    """Context mappings kept per goal, the one naming the goals first (GAS: weights, baseline)."""
    source = instrument.item_ids_from_context
    others = [spec.name for spec in instrument.context if spec.kind == "mapping" and spec.name != source]
    return [source, *others] if source else others


def consumed_context(instrument: Instrument) -> set[str]:
    """Context fields the goal rows enter (so the generic context section leaves them out)."""
    fields = set(per_goal_fields(instrument))
    if WEIGHTING in instrument.context_by_name:
        fields.add(WEIGHTING)
    return fields


def goal_id(number: int, text: str) -> str:
    return f"{number}. {text}"


def split_goal_id(goal: str) -> tuple[int | None, str]:
    """The number and the text of a goal id ("2. Walk …" -> (2, "Walk …")); (None, id) otherwise."""
    match = _NUMBERED.fullmatch(goal)
    return (int(match.group(1)), match.group(2)) if match else (None, goal)


def goal_label(instrument: Instrument, goal: str, lang: str) -> str:
    """A goal as a reader sees it: its number and text, or a declared slot's label ("Goal 3")."""
    item = instrument.items_by_id.get(goal)
    return item.label.get(lang) if item is not None else goal


def scheme_of(instrument: Instrument, context: Mapping[str, Any]) -> str:
    """The weighting scheme of a record, as the instrument reads it when none is named."""
    if WEIGHTING not in instrument.context_by_name:
        return FREE_WEIGHT
    named = context.get(WEIGHTING)
    if isinstance(named, str) and named:
        return named
    weights = context.get(instrument.item_ids_from_context or "")
    return FREE_WEIGHT if isinstance(weights, Mapping) and weights else UNWEIGHTED


def scheme_variant(scheme: str) -> str:
    """Which weight inputs a scheme shows; an unknown scheme takes a typed weight."""
    return scheme if scheme in KNOWN_SCHEMES else FREE_WEIGHT


def named_ids(instrument: Instrument, responses: Mapping[str, Any], context: Mapping[str, Any]) -> list[str]:
    """The goals of a record, in the clinician's order (numbered ids first, by number)."""
    ids: dict[str, None] = {}
    for name in per_goal_fields(instrument):
        mapping = context.get(name)
        if isinstance(mapping, Mapping):
            ids.update(dict.fromkeys(str(key) for key in mapping))
    declared = instrument.items_by_id
    for key in responses:
        item = declared.get(key)
        if item is None or is_slot(instrument, item):
            ids[str(key)] = None
    ordered = list(ids)
    return sorted(ordered, key=lambda goal: (_order_number(instrument, goal), ordered.index(goal)))


def _order_number(instrument: Instrument, goal: str) -> int:
    number, _text = split_goal_id(goal)
    if number is not None:
        return number
    return int(goal) if goal in instrument.items_by_id and goal.isdigit() else 10_000


def entries_from_record(
    instrument: Instrument, responses: Mapping[str, Any], context: Mapping[str, Any]
) -> list[GoalEntry]:
    """The stored goals as form rows."""
    scheme = scheme_of(instrument, context)
    source = instrument.item_ids_from_context or ""
    entries = []
    for goal in named_ids(instrument, responses, context):
        _number, text = split_goal_id(goal)
        if goal in instrument.items_by_id:
            text = ""  # a declared slot: the clinician has not written the goal
        raw = responses.get(goal)
        entry = GoalEntry(text=text, goal=goal)
        if isinstance(raw, Mapping):
            entry.reason, entry.note = str(raw.get("not_tested") or ""), str(raw.get("note") or "")
        elif raw is not None:
            entry.value = display(raw)
        weights = context.get(source)
        if isinstance(weights, Mapping) and goal in weights:
            _set_weight(entry, scheme, weights[goal])
        for name in per_goal_fields(instrument)[1:]:
            mapping = context.get(name)
            if isinstance(mapping, Mapping) and goal in mapping:
                entry.per_goal[name] = display(mapping[goal])
        entries.append(entry)
    return entries


def _set_weight(entry: GoalEntry, scheme: str, weight: Any) -> None:
    text = display(weight)
    entry.weight = entry.recorded = text
    if scheme == IMPORTANCE_1_4:
        entry.rank = text
    if scheme == PRODUCT:
        pairs = product_factors(weight)
        if len(pairs) == 1:
            entry.importance, entry.difficulty = (str(n) for n in pairs[0])


def product_factors(weight: Any) -> list[tuple[int, int]]:
    """The (importance, difficulty) pairs giving ``weight``; 2, 3 and 6 have two each."""
    levels = range(1, len(DEGREES) + 1)
    return [(i, d) for i in levels for d in levels if i * d == weight]


def read_goals(instrument: Instrument, data: Mapping[str, Any]) -> GoalSubmission:
    """Read the posted goal rows: each written goal becomes an item, numbered in the rows' order."""
    scheme = _text(data.get("ctx-" + WEIGHTING)) or UNWEIGHTED
    source = instrument.item_ids_from_context or ""
    others = per_goal_fields(instrument)[1:]
    entries: list[GoalEntry] = []
    responses: dict[str, Any] = {}
    mappings: dict[str, dict[str, Any]] = {name: {} for name in per_goal_fields(instrument)}
    problems: list[NamedProblem] = []
    for row in posted_rows(data):
        entry = _entry(instrument, data, row, others)
        if not (entry.text or entry.goal or entry.value or entry.reason):
            continue  # an empty goal text without a rating removes the goal
        entries.append(entry)
        # Goals are numbered 1, 2, … in the order kept, as the form shows them again.
        number = len(entries)
        if entry.text:
            entry.goal = goal_id(number, entry.text)
        row_problems = _row_problems(entry, number, scheme)
        problems.extend(row_problems)
        if row_problems:
            continue
        goal = entry.goal
        if entry.reason:
            responses[goal] = (
                {"not_tested": entry.reason, "note": entry.note} if entry.note else {"not_tested": entry.reason}
            )
        elif entry.value:
            responses[goal] = entry.value
        mappings[source][goal] = _weight(entry, scheme)
        for name in others:
            if entry.per_goal.get(name):
                mappings[name][goal] = number_or_text(entry.per_goal[name])
    context: dict[str, Any] = {name: values for name, values in mappings.items() if values}
    if WEIGHTING in instrument.context_by_name:
        context[WEIGHTING] = scheme
    return GoalSubmission(entries, responses, context, problems)


def posted_rows(data: Mapping[str, Any]) -> list[int]:
    """Row numbers present in the post, in order (the form numbers its rows 1, 2, …)."""
    rows = {int(match.group(1)) for key in data if (match := _GOAL_FIELD.match(str(key)))}
    return sorted(rows)


def _entry(instrument: Instrument, data: Mapping[str, Any], row: int, others: list[str]) -> GoalEntry:
    def posted(suffix: str) -> str:
        return _text(data.get(f"{GOAL_PREFIX}{row}{suffix}"))

    slot = posted("-slot")
    declared = instrument.items_by_id.get(slot)
    return GoalEntry(
        text=goal_text(posted("")),
        value=posted("-item"),
        reason=posted("-nt"),
        note=posted("-ntnote"),
        weight=posted("-weight"),
        importance=posted("-importance"),
        difficulty=posted("-difficulty"),
        rank=posted("-rank"),
        recorded=posted("-recorded"),
        per_goal={name: posted(f"-ctx-{name}") for name in others},
        goal=slot if declared is not None and is_slot(instrument, declared) else "",
    )


def _row_problems(entry: GoalEntry, row: int, scheme: str) -> list[NamedProblem]:
    problems = []
    if not entry.text and not entry.goal:
        problems.append(NamedProblem(row, _("Write the goal before setting or rating it.")))
    if len(entry.text) > MAX_GOAL_LENGTH:
        problems.append(
            NamedProblem(row, _("Shorten the goal to %(limit)d characters at most.") % {"limit": MAX_GOAL_LENGTH})
        )
    if entry.value and entry.reason:
        problems.append(NamedProblem(row, _("Keep either the rating or the reason it was not rated, not both.")))
    if _weight(entry, scheme) in (None, ""):
        if scheme == PRODUCT:
            problems.append(NamedProblem(row, _("Choose the importance and the difficulty of this goal.")))
        else:
            problems.append(NamedProblem(row, _("Give this goal a weight.")))
    return problems


def goal_text(raw: str) -> str:
    """The goal as one line: runs of white space become one space, control characters go (a goal
    is a label, and PostgreSQL refuses NUL in JSON)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())


def _weight(entry: GoalEntry, scheme: str) -> Any:
    """The goal's weight under ``scheme``; the instrument checks that it fits the scheme."""
    if scheme == UNWEIGHTED:
        return 1
    if scheme == PRODUCT:
        if entry.importance.isdigit() and entry.difficulty.isdigit():
            return int(entry.importance) * int(entry.difficulty)
        if not entry.importance and not entry.difficulty and entry.recorded:
            return number_or_text(entry.recorded)
        return None
    if scheme == IMPORTANCE_1_4:
        return number_or_text(entry.rank) if entry.rank else None
    return number_or_text(entry.weight) if entry.weight else None


def number_or_text(raw: str) -> Any:
    """A typed value as the number it reads as ("2", "-1", "1,5"), or the text for the engine to refuse."""
    cleaned = raw.strip().replace(",", ".").replace("−", "-")
    try:
        number = float(cleaned)
    except ValueError:
        return raw
    if number != number or number in (float("inf"), float("-inf")):
        return raw
    # Whole numbers stay integers only within exact float range: a huge integer would reach the
    # scoring arithmetic as a Python int too large to turn into a float.
    exact = number.is_integer() and abs(number) < 2**53 and "." not in cleaned and "e" not in cleaned.lower()
    return int(number) if exact else number


def display(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _text(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


# Short names of the per-goal values, for messages and column headings.
PER_GOAL_LABELS = {
    "weights": gettext_lazy("Weight"),
    "baseline": pgettext_lazy("GAS goal", "Baseline"),
}


def per_goal_label(instrument: Instrument, name: str, lang: str) -> str:
    label = PER_GOAL_LABELS.get(name)
    if label is not None:
        return str(label)
    spec = instrument.context_by_name.get(name)
    return spec.label.get(lang) if spec is not None else name


def problem_goal(instrument: Instrument, problem: Any) -> str | None:
    """The goal a ``qadam.scales`` problem is about: its item, or the key of a per-goal value."""
    item = str(problem.item or "")
    if problem.code.startswith("context"):
        name, dot, goal = item.partition(".")
        return goal if dot and name in per_goal_fields(instrument) else None
    declared = instrument.items_by_id.get(item)
    if not item or (declared is not None and not is_slot(instrument, declared)):
        return None
    return item


def problem_text(instrument: Instrument, problem: Any, lang: str, scheme: str) -> str:
    """A problem with one goal, in the clinician's words rather than the engine's field paths."""
    name = str(problem.item or "").partition(".")[0]
    value = display(problem.value) if problem.value is not None else "—"
    if problem.code == "context_missing" and name == instrument.item_ids_from_context:
        if scheme == PRODUCT:
            return _("Choose the importance and the difficulty of this goal.")
        return _("Give this goal a weight.")
    if problem.code == "context_invalid" and name == instrument.item_ids_from_context:
        return _("The weight %(value)s does not fit the chosen weighting (allowed: %(allowed)s).") % {
            "value": value,
            "allowed": problem.allowed,
        }
    label = per_goal_label(instrument, name, lang)
    if problem.code == "context_missing":
        return _("%(field)s is set for other goals: set it for this goal too, or for none of them.") % {"field": label}
    if problem.code == "context_invalid":
        return _("%(field)s cannot be %(value)s (allowed: %(allowed)s).") % {
            "field": label,
            "value": value,
            "allowed": problem.allowed,
        }
    if problem.code == "value_not_allowed":
        return _("The rating %(value)s is not on the scale (allowed: %(allowed)s).") % {
            "value": value,
            "allowed": problem.allowed,
        }
    return problem.message(lang)
