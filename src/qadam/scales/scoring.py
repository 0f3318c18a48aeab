"""The scoring engine: validate every item and context value in one pass, then apply the rule.

Validation runs before any arithmetic (the scikit-learn pattern): an instrument's rule only ever sees
known items with allowed values. A missing item is never filled in here; whether a total exists
without it is the instrument's own published rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .errors import Problem, ScaleError
from .model import (
    NOT_TESTED_REASON_CODES,
    Flag,
    Instrument,
    Item,
    NotTested,
    Number,
    Result,
    Scored,
    band_for,
)

_MISSING = (None, "")


class Answers(dict):
    """Validated answers by item id (choice codes, measured numbers or ``NotTested``).

    ``points`` holds what each answered item contributes: the choice's points or the measured
    number. Items not tested, missing, or answered with a code that carries no points (NIHSS
    ``UN``) are absent from ``points``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.points: dict[str, Number] = {}


def _choice_lookup(item: Item) -> dict[Any, tuple[Any, Number | None]]:
    """Accepted inputs of a choice item: the code itself, its text form for numeric codes, and the
    number for text codes written in digits (MAS "2" arrives as 2 from a JSON form)."""
    table: dict[Any, tuple[Any, Number | None]] = {}
    for choice in item.choices:
        table[choice.code] = (choice.code, choice.points)
        table[str(choice.code)] = (choice.code, choice.points)
        if isinstance(choice.code, str) and choice.code.isdigit():
            table.setdefault(int(choice.code), (choice.code, choice.points))
    return table


_LOOKUPS: dict[tuple[str, str], dict[str, dict[Any, tuple[Any, Number | None]]]] = {}


def _lookups(instrument: Instrument) -> dict[str, dict[Any, tuple[Any, Number | None]]]:
    key = (instrument.code, instrument.version)
    tables = _LOOKUPS.get(key)
    if tables is None:
        tables = {i.id: _choice_lookup(i) for i in instrument.items if i.choices}
        _LOOKUPS[key] = tables
    return tables


_ITEM_IDS: dict[tuple[str, str, str], tuple[str, ...]] = {}


def _item_ids(instrument: Instrument, flag: str) -> tuple[str, ...]:
    """Ids of the declared items whose boolean ``flag`` ("required", "scored") is set, built once."""
    key = (instrument.code, instrument.version, flag)
    ids = _ITEM_IDS.get(key)
    if ids is None:
        ids = _ITEM_IDS[key] = tuple(i.id for i in instrument.items if getattr(i, flag))
    return ids


_TEMPLATE_LOOKUPS: dict[tuple[str, str], dict[Any, tuple[Any, Number | None]]] = {}


def _template_lookup(instrument: Instrument, template: Item) -> dict[Any, tuple[Any, Number | None]]:
    key = (instrument.code, instrument.version)
    table = _TEMPLATE_LOOKUPS.get(key)
    if table is None:
        table = _TEMPLATE_LOOKUPS[key] = _choice_lookup(template)
    return table


def context_items(instrument: Instrument, context: Mapping[str, Any]) -> dict[str, Item]:
    """Items the validated context names (GAS goals listed in ``weights``), each a copy of the template."""
    source, template = instrument.item_ids_from_context, instrument.item_template
    if source is None or template is None or not isinstance(context.get(source), Mapping):
        return {}
    declared = instrument.items_by_id
    return {str(k): replace(template, id=str(k)) for k in context[source] if str(k) not in declared}


def validate_answers(
    instrument: Instrument, responses: Mapping[str, Any], extra_items: Mapping[str, Item] | None = None
) -> tuple[Answers, list[Problem]]:
    """Check every response against its item; return the normalised answers and all problems.

    ``extra_items`` are items beyond the declared ones that this administration's context names.
    """
    problems: list[Problem] = []
    answers = Answers()
    points = answers.points
    items = instrument.items_by_id
    extra = extra_items or {}
    lookups = _lookups(instrument)
    for item_id, raw in responses.items():
        # Fast path for the usual answer: an allowed code, as int or text, of a declared choice
        # item. Anything else (misses included) takes the full checks below, so results and
        # problems are the same either way; this only saves the general checks' cost per item.
        table = lookups.get(item_id)
        if table is not None and (type(raw) is int or type(raw) is str):
            hit = table.get(raw)
            if hit is not None:
                answers[item_id] = hit[0]
                if hit[1] is not None:
                    points[item_id] = hit[1]
                continue
        item = items.get(item_id) or extra.get(item_id)
        if item is None:
            problems.append(
                Problem(
                    "unknown_item", item=str(item_id), value=raw, allowed=_ids(instrument), instrument=instrument.name
                )
            )
            continue
        if raw is None or raw == "":
            continue
        if type(raw) is dict or isinstance(raw, NotTested):
            not_tested = _not_tested(instrument, item, raw, problems)
            if not_tested is not None:
                answers[item_id] = not_tested
            continue
        table = lookups.get(item_id)
        if table is None and item.choices:
            table = _template_lookup(instrument, item)
        if table is not None:
            hit = None if type(raw) is bool else _lookup(table, raw)
            if hit is None:
                problems.append(
                    Problem(
                        "value_not_allowed",
                        item=item_id,
                        value=raw,
                        allowed=item.allowed_description(),
                        instrument=instrument.name,
                    )
                )
                continue
            code, item_points = hit
            answers[item_id] = code
            if item_points is not None:
                points[item_id] = item_points
            continue
        number = _number(instrument, item, raw, problems)
        if number is not None:
            answers[item_id] = number
            points[item_id] = number
    return answers, problems


def _lookup(table: dict[Any, tuple[Any, Number | None]], raw: Any) -> tuple[Any, Number | None] | None:
    try:
        hit = table.get(raw)
    except TypeError:  # unhashable input such as a list
        return None
    if hit is None and type(raw) is float and raw.is_integer():
        # 2.0 from a JSON number typed as float is the same ordinal as 2
        hit = table.get(int(raw))
    return hit


def _not_tested(instrument: Instrument, item: Item, raw: Any, problems: list[Problem]) -> NotTested | None:
    if isinstance(raw, NotTested):
        reason, note = raw.reason, raw.note
    else:
        reason, note = raw.get("not_tested"), str(raw.get("note", ""))
        unknown_keys = set(raw) - {"not_tested", "note"}
        if unknown_keys or reason is None:
            problems.append(
                Problem(
                    "value_not_allowed",
                    item=item.id,
                    value=raw,
                    allowed=item.allowed_description(),
                    instrument=instrument.name,
                )
            )
            return None
    if not item.not_tested_allowed:
        problems.append(
            Problem(
                "not_tested_not_allowed",
                item=item.id,
                value=reason,
                allowed=item.allowed_description(),
                instrument=instrument.name,
            )
        )
        return None
    if reason not in NOT_TESTED_REASON_CODES:
        problems.append(
            Problem(
                "not_tested_reason_unknown",
                item=item.id,
                value=reason,
                allowed=", ".join(sorted(NOT_TESTED_REASON_CODES)),
                instrument=instrument.name,
            )
        )
        return None
    return NotTested(reason, note)


def _number(instrument: Instrument, item: Item, raw: Any, problems: list[Problem]) -> Number | None:
    allowed = item.allowed_description()
    if type(raw) is bool or not isinstance(raw, (int, float, str)):
        problems.append(Problem("not_a_number", item=item.id, value=raw, allowed=allowed, instrument=instrument.name))
        return None
    if isinstance(raw, str):
        try:
            value: Number = float(raw.strip().replace(",", "."))
        except ValueError:
            problems.append(
                Problem("not_a_number", item=item.id, value=raw, allowed=allowed, instrument=instrument.name)
            )
            return None
    else:
        value = raw
    if not math.isfinite(value):
        problems.append(Problem("not_a_number", item=item.id, value=raw, allowed=allowed, instrument=instrument.name))
        return None
    if item.integer:
        if not float(value).is_integer():
            problems.append(
                Problem("not_an_integer", item=item.id, value=raw, allowed=allowed, instrument=instrument.name)
            )
            return None
        value = int(value)
    elif isinstance(value, float) and value.is_integer() and isinstance(raw, (int, str)):
        value = int(value)
    if (item.minimum is not None and value < item.minimum) or (item.maximum is not None and value > item.maximum):
        problems.append(
            Problem("value_out_of_range", item=item.id, value=raw, allowed=allowed, instrument=instrument.name)
        )
        return None
    return value


def validate_context(instrument: Instrument, context: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check the context values the instrument declares; unknown keys are problems too."""
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    fields = instrument.context_by_name
    for name, raw in context.items():
        spec = fields.get(name)
        if spec is None:
            problems.append(
                Problem(
                    "context_unknown",
                    item=str(name),
                    value=raw,
                    allowed=", ".join(fields) or "—",
                    instrument=instrument.name,
                )
            )
            continue
        if raw is None or raw == "":
            continue
        if spec.kind == "choice":
            if raw not in spec.choices:
                problems.append(
                    Problem(
                        "context_invalid",
                        item=name,
                        value=raw,
                        allowed=" | ".join(spec.choices),
                        instrument=instrument.name,
                    )
                )
                continue
            clean[name] = raw
        elif spec.kind == "number":
            value = _context_number(raw)
            low, high = spec.minimum, spec.maximum
            rule = _range_text(low, high, spec.unit)
            if value is None or (low is not None and value < low) or (high is not None and value > high):
                problems.append(
                    Problem("context_invalid", item=name, value=raw, allowed=rule, instrument=instrument.name)
                )
                continue
            clean[name] = value
        elif spec.kind == "mapping":
            if not isinstance(raw, Mapping):
                problems.append(
                    Problem("context_invalid", item=name, value=raw, allowed="{…}", instrument=instrument.name)
                )
                continue
            clean[name] = dict(raw)
        else:
            if not isinstance(raw, str):
                problems.append(
                    Problem("context_invalid", item=name, value=raw, allowed='"…"', instrument=instrument.name)
                )
                continue
            clean[name] = raw
    for spec in instrument.context:
        if spec.required and spec.name not in clean and not any(p.item == spec.name for p in problems):
            allowed = " | ".join(spec.choices) if spec.choices else _range_text(spec.minimum, spec.maximum, spec.unit)
            problems.append(Problem("context_missing", item=spec.name, allowed=allowed, instrument=instrument.name))
    return clean, problems


def _context_number(raw: Any) -> float | None:
    if type(raw) is bool:
        return None
    try:
        value = float(raw.replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _range_text(low: Number | None, high: Number | None, unit: str | None) -> str:
    """The allowed range as a formula ("3–95 years", "≥ 0 m"): the message around it is translated."""
    unit_text = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{low:g}–{high:g}{unit_text}"
    if low is not None:
        return f"≥ {low:g}{unit_text}"
    if high is not None:
        return f"≤ {high:g}{unit_text}"
    return f"#.#{unit_text}"  # any number: show its form


def _ids(instrument: Instrument) -> str:
    ids = [i.id for i in instrument.items]
    return ", ".join(ids) if len(ids) <= 40 else ", ".join(ids[:40]) + ", …"


def score_instrument(
    instrument: Instrument, responses: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> Result:
    """Validate and score one administration of ``instrument``; raise ``ScaleError`` if invalid."""
    return score_validated(instrument, responses, context)[0]


def score_validated(
    instrument: Instrument, responses: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> tuple[Result, Answers, dict[str, Any]]:
    """As ``score_instrument``, also returning the answers and context as the engine accepted them.

    A registry stores those (the choice code ``2`` for a posted "2", ``NotTested`` for an item not
    administered), so that scoring the stored form again gives the same result without validating
    the input a second time.
    """
    if not isinstance(responses, Mapping):
        raise ScaleError(
            [
                Problem(
                    "invalid_request",
                    value=type(responses).__name__,
                    allowed="an object of item responses",
                    instrument=instrument.name,
                )
            ]
        )
    if context is not None and not isinstance(context, Mapping):
        raise ScaleError(
            [
                Problem(
                    "invalid_request",
                    value=type(context).__name__,
                    allowed="an object of context values",
                    instrument=instrument.name,
                )
            ]
        )
    clean_context, context_problems = validate_context(instrument, context or {})
    answers, problems = validate_answers(instrument, responses, context_items(instrument, clean_context))
    problems.extend(context_problems)
    if problems:
        raise ScaleError(problems)
    scored = instrument.scorer(instrument, answers, clean_context)
    return _result(instrument, answers, clean_context, scored), answers, dict(clean_context)


def _result(instrument: Instrument, answers: Answers, context: Mapping[str, Any], scored: Scored) -> Result:
    missing = scored.missing
    if missing is None:
        missing = tuple(i for i in _item_ids(instrument, "required") if i not in answers)
    # Not-tested answers carry no points: when every answer has points there is none to look for.
    not_tested = (
        () if len(answers) == len(answers.points) else tuple(i for i, a in answers.items() if type(a) is NotTested)
    )
    complete = scored.complete if scored.complete is not None else not missing and not not_tested
    band = scored.band
    if band is None and instrument.bands:
        found = band_for(instrument.bands, scored.total)
        band = found.code if found else None
    subscore_bands = {s.id: _band_code(s.bands, scored.subscores.get(s.id)) for s in instrument.subscales if s.bands}
    side = context.get(instrument.side_from_context) if instrument.side_from_context else None
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        total=scored.total,
        subscores=scored.subscores,
        band=band,
        flags=tuple(scored.flags),
        complete=complete,
        derived=scored.derived,
        missing=missing,
        not_tested=not_tested,
        side=side,
        scoring_version=instrument.scoring_version,
        subscore_bands=subscore_bands,
    )


def _band_code(bands, value) -> str | None:
    found = band_for(bands, value)
    return found.code if found else None


# --- building blocks for instrument rules -------------------------------------------------------


def sum_if_complete(answers: Answers, item_ids: Iterable[str]) -> Number | None:
    """Sum the points of ``item_ids``, or ``None`` if any of them has no points.

    This is the default rule of every additive instrument whose manual defines no proration.
    """
    points = answers.points
    total: Number = 0
    for item_id in item_ids:
        value = points.get(item_id)
        if value is None:
            return None
        total += value
    return total


def partial_sum(answers: Answers, item_ids: Iterable[str]) -> Number:
    """Sum of the points that are present, for a flagged partial score that is never a total."""
    points = answers.points
    return sum(points[i] for i in item_ids if i in points)


def unanswered(answers: Answers, item_ids: Iterable[str]) -> tuple[str, ...]:
    """Items without points: missing, not tested, or answered with a code that carries none."""
    points = answers.points
    return tuple(i for i in item_ids if i not in points)


def additive(instrument: Instrument, answers: Answers, context: Mapping[str, Any]) -> Scored:
    """Total = sum of all scored items; subscores = sums of their items; no total if any is missing.

    When items are missing or not tested the partial sum is reported as a flag, never as the total.
    """
    scored_ids = _item_ids(instrument, "scored")
    total = sum_if_complete(answers, scored_ids)
    flags: list[Flag] = []
    if total is None:
        gaps = unanswered(answers, scored_ids)
        flags.append(
            Flag(
                "partial_sum",
                gaps,
                detail=f"{partial_sum(answers, scored_ids):g} from {len(scored_ids) - len(gaps)} of {len(scored_ids)} items",
            )
        )
    subscores = {s.id: sum_if_complete(answers, s.items) for s in instrument.subscales}
    return Scored(total=total, subscores=subscores, flags=flags)
