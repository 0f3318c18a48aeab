"""Complete, valid responses for any instrument, for contract and benchmark use."""

from __future__ import annotations

from qadam.scales.model import Instrument

# Context that lets every instrument score: realistic values for the fields it declares.
EXAMPLE_CONTEXT = {
    "sex": "male",
    "age": 40,
    "age_years": 40,
    "height_cm": 175,
    "weight_kg": 75,
    "side": "R",
    "education_years": 12,
}


def full_responses(instrument: Instrument, pick=max) -> dict:
    """Answer every item with its lowest (``pick=min``) or highest (``max``) point-bearing value."""
    responses = {}
    for item in instrument.items:
        if item.group == "measurement" and not item.required:
            continue  # a raw measurement that only derives a level entered beside it (QMG)
        if item.choices:
            scored = [c for c in item.choices if c.points is not None] or list(item.choices)
            responses[item.id] = pick(scored, key=lambda c: (c.points if c.points is not None else 0)).code
        else:
            low = item.minimum if item.minimum is not None else 0
            high = item.maximum if item.maximum is not None else low + 100
            responses[item.id] = pick(low, high)
    return responses


def example_context(instrument: Instrument) -> dict:
    context = {}
    for field in instrument.context:
        if field.name in EXAMPLE_CONTEXT and (not field.choices or EXAMPLE_CONTEXT[field.name] in field.choices):
            context[field.name] = EXAMPLE_CONTEXT[field.name]
        elif field.required and field.choices:
            context[field.name] = field.choices[0]
        elif field.required and field.kind == "number":
            context[field.name] = field.minimum if field.minimum is not None else 1
    return context
