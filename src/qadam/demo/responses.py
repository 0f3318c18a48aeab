"""Item-level responses that add up to a chosen total, for any instrument of ``qadam.scales``.

The demo cohort decides a patient's *total* at each visit from a clinical trajectory; this module
turns that total into answers item by item, within each item's allowed values, and scores them
through ``qadam.scales.score`` so that only data the registry itself accepts are ever produced.

The spread over items follows a simple latent-trait picture (one ability per administration, one
difficulty per item and patient): easy items are full before hard ones start to score, so the
pattern looks like a real examination rather than random noise, and the same patient keeps a
similar pattern from visit to visit. Nothing here knows a particular instrument except the optional
ordering hints below, which only make the pattern more plausible and are ignored when an item id
does not exist.

Pure: standard library and ``qadam.scales`` only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qadam import scales
from qadam.scales.model import ContextField, Instrument, Item

# Items listed first gain points first. For "higher is worse" instruments this is the order in
# which abnormality appears as severity grows; for motor scales the order of acquisition.
# NIHSS: limb weakness, face, dysarthria and sensory loss precede aphasia, gaze palsy and loss of
# consciousness (clinical convention; consciousness items score only in the most severe strokes).
ORDER_HINTS: dict[str, tuple[str, ...]] = {
    "nihss": ("5a", "5b", "6a", "6b", "4", "10", "8", "11", "9", "3", "7", "2", "1c", "1b", "1a"),
    # MG-ADL and MGC: ocular symptoms come first in most patients, respiratory failure last.
    "mg_adl": ("8", "7", "2", "1", "5", "6", "3", "4"),
    "mgc": ("1", "2", "3", "8", "9", "10", "4", "5", "6", "7"),
    # BPI-SF: worst > average > now > most interference items > least pain.
    "bpi_sf": ("1", "3", "4", "8", "5", "9", "10", "6", "11", "2", "7"),
}

# The body side of items whose definition does not carry one (NIHSS: a = left, b = right limb).
SIDE_HINTS: dict[str, dict[str, str]] = {
    "nihss": {"5a": "L", "5b": "R", "6a": "L", "6b": "R"},
}

# When an item has no maximum, a realistic upper value for the generator (never a validation rule).
_OPEN_NUMBER_SPAN = 100.0
# Slope of the item response curve: large enough that items fill in order, small enough to overlap.
_DISCRIMINATION = 1.6
_MAX_ATTEMPTS = 40
_MAX_CALIBRATIONS = 6


class ResponseError(Exception):
    """No valid set of responses could be produced for the requested total."""


@dataclass(frozen=True)
class Generated:
    responses: dict[str, Any]
    context: dict[str, Any]
    result: scales.Result


@dataclass(frozen=True)
class _Levels:
    """The values an item can take, with the points each adds (in increasing points)."""

    values: tuple[Any, ...]
    points: tuple[float, ...]
    continuous: bool = False
    integer: bool = False

    @property
    def low(self) -> float:
        return self.points[0]

    @property
    def high(self) -> float:
        return self.points[-1]


def item_difficulties(
    instrument: Instrument, rng: random.Random, *, spread: float = 0.45, weak_side: str | None = None
) -> dict[str, float]:
    """One difficulty per item for one patient: the hint order (or item order) plus personal noise.

    ``weak_side`` ("L"/"R") marks the side of a one-sided deficit (hemiparesis): items of the other
    side stay near normal unless the whole instrument is at its worst.
    """
    order = _ordered_ids(instrument)
    count = max(len(order) - 1, 1)
    difficulties = {item_id: -2.0 + 4.0 * index / count + rng.gauss(0.0, spread) for index, item_id in enumerate(order)}
    if weak_side in ("L", "R"):
        hinted = SIDE_HINTS.get(instrument.code, {})
        for item in instrument.items:
            side = item.side or hinted.get(item.id)
            if side is None or item.id not in difficulties:
                continue
            spared = side != weak_side
            # Points mean abnormality when lower is better: the spared side scores last.
            # Points mean ability when higher is better: the weak side scores last.
            if spared != bool(instrument.higher_is_better):
                difficulties[item.id] += 3.5
    return difficulties


def generate(
    instrument: Instrument,
    target_total: float | None,
    *,
    target_share: float | None = None,
    difficulties: Mapping[str, float],
    facts: Mapping[str, Any],
    rng: random.Random,
    weak_side: str | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> Generated:
    """Answer every item of ``instrument`` so that its total comes as close as the items allow to
    ``target_total``, and score the answers; raise ``ResponseError`` if no valid set was found.

    Instruments without a total (MAS) take ``target_share`` instead: 0 for the best grade on every
    item, 1 for the worst possible points.

    ``facts`` are what the visit knows about the patient (sex, age, height_cm, weight_kg, side, …);
    only the context fields the instrument declares are taken from them. ``weak_side`` limits an
    instrument whose items are all optional and sided (MAS muscle groups) to the affected side.
    ``fixed`` answers are taken as they are (MGC history items carried over from the same day's
    MG-ADL) and the other items make up the rest of the total.
    """
    context = build_context(instrument, facts)
    levels = {item.id: _levels(item) for item in instrument.items}
    fixed = dict(fixed or {})
    everything = _items_to_answer(instrument, weak_side)
    answered = [item for item in everything if item.id not in fixed]
    fixed_points = sum(_points_of(instrument.items_by_id[k], v) for k, v in fixed.items())
    target_points = _points_for_total(instrument, levels, everything, target_total, target_share) - fixed_points
    target_points = _clamp_points(target_points, levels, answered)
    points_per_unit, tolerance = _calibration(instrument, levels, answered)
    last_problem = ""
    personal = dict(difficulties)
    best: Generated | None = None
    calibrations = 0
    for _attempt in range(_MAX_ATTEMPTS):
        responses = {**_fill(instrument, answered, levels, personal, target_points), **fixed}
        try:
            result = _score_completing(instrument, responses, context, levels, personal, target_points, fixed)
        except scales.ScaleError as error:
            last_problem = "; ".join(f"{p.code} {p.item}" for p in error.problems)
            supplied = _supply_missing_context(instrument, context, error.problems)
            if not supplied:
                # A cross-item rule was broken: try a slightly different spread over the items.
                personal = {k: v + rng.gauss(0.0, 0.8) for k, v in personal.items()}
                target_points = _nudge(target_points, levels, answered, rng)
            continue
        generated = Generated(responses=responses, context=dict(context), result=result)
        if result.total is None or target_total is None:
            return generated
        miss = target_total - result.total
        if best is None or abs(miss) < abs(target_total - best.result.total):
            best = generated
        if abs(miss) <= tolerance or calibrations >= _MAX_CALIBRATIONS:
            return best
        # The total is not the plain sum of the points (CHOP INTEND scores the better side of
        # bilateral items): move the point target by the miss and try again.
        calibrations += 1
        target_points = _clamp_points(target_points + miss * points_per_unit, levels, answered)
    if best is not None:
        return best
    raise ResponseError(
        f"{instrument.code}: no valid responses for total {target_total} / share {target_share} ({last_problem})"
    )


def _points_of(item: Item, value: Any) -> float:
    if item.choices:
        for choice in item.choices:
            if choice.code == value or str(choice.code) == str(value):
                return float(choice.points or 0)
        return 0.0
    return float(value) if item.scored else 0.0


def _items_to_answer(instrument: Instrument, weak_side: str | None) -> list[Item]:
    required = [item for item in instrument.items if item.required]
    if required:
        return required
    scored = [item for item in instrument.items if item.scored]
    if weak_side in ("L", "R") and scored and all(item.side for item in scored):
        return [item for item in scored if item.side == weak_side]
    return scored


def _calibration(instrument: Instrument, levels: Mapping[str, _Levels], answered: list[Item]) -> tuple[float, float]:
    """Points per unit of the total, and how far from the target a total may stay."""
    low, high = _point_span(levels, answered)
    total_range = instrument.total_range
    if not total_range or None in total_range or total_range[1] == total_range[0] or high == low:
        return 1.0, 0.5
    per_unit = (high - low) / (float(total_range[1]) - float(total_range[0]))
    return per_unit, max(0.5, 0.5 / per_unit)


def _point_span(levels: Mapping[str, _Levels], answered: list[Item]) -> tuple[float, float]:
    bearing = [item for item in answered if _point_bearing(item, levels[item.id])]
    return sum(levels[item.id].low for item in bearing), sum(levels[item.id].high for item in bearing)


def _clamp_points(target: float, levels: Mapping[str, _Levels], answered: list[Item]) -> float:
    low, high = _point_span(levels, answered)
    return min(max(target, low), high)


def build_context(instrument: Instrument, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The instrument's declared context filled from ``facts``; required fields always get a value."""
    context: dict[str, Any] = {}
    for field in instrument.context:
        value = facts.get(field.name)
        if value is not None and _context_value_allowed(field, value):
            context[field.name] = value
        elif field.required:
            context[field.name] = _default_context_value(field)
    return context


def _context_value_allowed(field: ContextField, value: Any) -> bool:
    if field.kind == "choice":
        return value in field.choices
    if field.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return (field.minimum is None or value >= field.minimum) and (field.maximum is None or value <= field.maximum)
    if field.kind == "mapping":
        return isinstance(value, Mapping)
    return isinstance(value, str)


def _default_context_value(field: ContextField) -> Any:
    if field.kind == "choice" and field.choices:
        return field.choices[0]
    if field.kind == "number":
        low = field.minimum if field.minimum is not None else 0
        high = field.maximum if field.maximum is not None else low + 1
        return low + (high - low) / 2
    if field.kind == "mapping":
        return {}
    return ""


def _supply_missing_context(instrument: Instrument, context: dict[str, Any], problems) -> bool:
    """Add a value for every context field the scorer asked for; True if anything was added."""
    added = False
    for problem in problems:
        if (
            problem.code == "context_missing"
            and problem.item in instrument.context_by_name
            and problem.item not in context
        ):
            context[problem.item] = _default_context_value(instrument.context_by_name[problem.item])
            added = True
    return added


def _ordered_ids(instrument: Instrument) -> list[str]:
    ids = [item.id for item in instrument.items if item.scored and _levels(item).points]
    hint = [item_id for item_id in ORDER_HINTS.get(instrument.code, ()) if item_id in ids]
    return hint + [item_id for item_id in ids if item_id not in hint]


def _levels(item: Item) -> _Levels:
    if item.choices:
        by_points: dict[float, Any] = {}
        for choice in item.choices:
            if choice.points is not None and choice.points not in by_points:
                by_points[choice.points] = choice.code
        ordered = sorted(by_points)
        if ordered:
            return _Levels(tuple(by_points[p] for p in ordered), tuple(float(p) for p in ordered))
        # Recorded, not scored: keep the choices in their declared order as a scale of their own.
        codes = tuple(choice.code for choice in item.choices)
        return _Levels(codes, tuple(float(i) for i in range(len(codes))))
    low = float(item.minimum) if item.minimum is not None else 0.0
    high = float(item.maximum) if item.maximum is not None else low + _OPEN_NUMBER_SPAN
    # Rating scales and distances are written as whole numbers even where decimals are allowed.
    whole = item.integer or (low.is_integer() and high.is_integer())
    return _Levels((), (low, high), continuous=True, integer=whole)


def _point_bearing(item: Item, levels: _Levels) -> bool:
    if not item.scored:
        return False
    if item.choices:
        return any(choice.points is not None for choice in item.choices)
    return True


def _points_for_total(
    instrument: Instrument,
    levels: Mapping[str, _Levels],
    answered: list[Item],
    target_total: float | None,
    target_share: float | None,
) -> float:
    """The point sum that corresponds to ``target_total``.

    Additive instruments: the same number. Instruments reported as a percentage or a mean of their
    items (ODI, BPI): the same position within the declared total range.
    """
    low, high = _point_span(levels, answered)
    total_range = instrument.total_range
    if target_share is not None or target_total is None:
        target = low + (target_share or 0.0) * (high - low)
    elif total_range and None not in total_range and (total_range[0], total_range[1]) != (low, high):
        t_low, t_high = float(total_range[0]), float(total_range[1])
        fraction = 0.0 if t_high == t_low else (target_total - t_low) / (t_high - t_low)
        target = low + fraction * (high - low)
    else:
        target = target_total
    return min(max(target, low), high)


def _nudge(target: float, levels: Mapping[str, _Levels], answered: list[Item], rng: random.Random) -> float:
    return _clamp_points(target + rng.choice((-1.0, 1.0)), levels, answered)


def _fill(
    instrument: Instrument,
    answered: list[Item],
    levels: Mapping[str, _Levels],
    difficulties: Mapping[str, float],
    target: float,
) -> dict[str, Any]:
    bearing = [item for item in answered if _point_bearing(item, levels[item.id])]
    theta = _solve_ability(bearing, levels, difficulties, target)
    chosen: dict[str, float] = {}
    for item in bearing:
        chosen[item.id] = _nearest_level(
            levels[item.id], _expected(levels[item.id], difficulties.get(item.id, 0.0), theta)
        )
    _close_gap(bearing, levels, difficulties, theta, chosen, target)
    responses: dict[str, Any] = {}
    low = sum(levels[item.id].low for item in bearing)
    high = sum(levels[item.id].high for item in bearing)
    fraction = 0.5 if high == low else (target - low) / (high - low)
    for item in answered:
        if item.id in chosen:
            responses[item.id] = _value_for_points(levels[item.id], chosen[item.id])
        else:
            responses[item.id] = _unscored_answer(item, levels[item.id], fraction)
    return responses


def _expected(levels: _Levels, difficulty: float, theta: float) -> float:
    share = 1.0 / (1.0 + math.exp(-_DISCRIMINATION * (theta - difficulty)))
    return levels.low + (levels.high - levels.low) * share


def _solve_ability(
    items: list[Item], levels: Mapping[str, _Levels], difficulties: Mapping[str, float], target: float
) -> float:
    """The ability at which the expected item points add up to ``target`` (bisection)."""
    rows = [(levels[i.id].low, levels[i.id].high - levels[i.id].low, difficulties.get(i.id, 0.0)) for i in items]
    exp, slope = math.exp, _DISCRIMINATION
    low, high = -14.0, 14.0
    for _ in range(36):
        middle = (low + high) / 2
        total = 0.0
        for base, span, difficulty in rows:
            total += base + span / (1.0 + exp(-slope * (middle - difficulty)))
        if total < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _nearest_level(levels: _Levels, value: float) -> float:
    if levels.continuous:
        return float(round(value)) if levels.integer else round(value, 1)
    return min(levels.points, key=lambda p: (abs(p - value), p))


def _close_gap(
    items: list[Item],
    levels: Mapping[str, _Levels],
    difficulties: Mapping[str, float],
    theta: float,
    chosen: dict[str, float],
    target: float,
) -> None:
    """Move single items one level at a time until the sum is as close to ``target`` as it can be."""
    for _ in range(4 * len(items) + 10):
        gap = target - sum(chosen.values())
        if abs(gap) < 0.5:
            return
        best: tuple[float, float, str, float] | None = None
        for item in items:
            item_levels = levels[item.id]
            current = chosen[item.id]
            step = _step(item_levels, current, gap)
            if step is None:
                continue
            remaining = abs(gap - (step - current))
            if remaining >= abs(gap):
                continue
            # Prefer the item whose expected value is nearest to the level it moves to.
            closeness = abs(_expected(item_levels, difficulties.get(item.id, 0.0), theta) - step)
            candidate = (remaining, closeness, item.id, step)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is None:
            return
        chosen[best[2]] = best[3]


def _step(levels: _Levels, current: float, gap: float) -> float | None:
    if levels.continuous:
        moved = min(max(current + gap, levels.low), levels.high)
        if levels.integer:
            moved = float(math.floor(moved) if gap > 0 else math.ceil(moved))
        return None if moved == current else moved
    index = levels.points.index(current) + (1 if gap > 0 else -1)
    if 0 <= index < len(levels.points):
        return levels.points[index]
    return None


def _value_for_points(levels: _Levels, points: float) -> Any:
    if levels.continuous:
        return int(points) if levels.integer or float(points).is_integer() else points
    return levels.values[levels.points.index(points)]


def _unscored_answer(item: Item, levels: _Levels, fraction: float) -> Any:
    """A recorded-only item: the choice at the same relative position as the total."""
    if levels.continuous:
        value = levels.low + fraction * (levels.high - levels.low)
        return int(round(value)) if item.integer else round(value, 1)
    index = round(fraction * (len(levels.values) - 1))
    return levels.values[index]


def _score_completing(instrument, responses, context, levels, difficulties, target, fixed) -> scales.Result:
    """Score; when the rule needs items that depend on other answers (Berg), answer them too."""
    result = scales.score(instrument.code, responses, context)
    if result.missing:
        extra = [instrument.items_by_id[item_id] for item_id in result.missing if item_id in instrument.items_by_id]
        if extra:
            answered = [item for item in instrument.items if item.id in responses and item.id not in fixed] + extra
            responses.clear()
            responses.update({**_fill(instrument, answered, levels, difficulties, target), **fixed})
            result = scales.score(instrument.code, responses, context)
    return result
