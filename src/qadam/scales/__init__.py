"""Qadam scales: exact, sourced scoring of validated neurology instruments.

Standard library only: no Django, no database, no I/O. Everything in the registry, the API, the
command line and the analytics scores through here.

>>> from qadam.scales import score
>>> result = score("phq9", {str(i): 1 for i in range(1, 10)})
>>> result.total, result.band, [f.code for f in result.flags]
(9, 'mild', ['safety_self_harm'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .catalog import CODES, INSTRUMENTS
from .change import Change, classify
from .errors import Problem, ScaleError
from .model import (
    LANGUAGES,
    NOT_TESTED_REASONS,
    Band,
    Choice,
    Flag,
    Instrument,
    Item,
    MeaningfulChange,
    NotTested,
    Result,
    Text,
)
from .scoring import score_instrument

__all__ = [
    "CODES", "INSTRUMENTS", "LANGUAGES", "NOT_TESTED_REASONS",
    "Band", "Change", "Choice", "Flag", "Instrument", "Item", "MeaningfulChange", "NotTested",
    "Problem", "Result", "ScaleError", "Text",
    "classify_change", "get", "score", "validate",
]  # fmt: skip


def get(code: str) -> Instrument:
    """Return the instrument registered under ``code``; raise ``ScaleError`` if there is none."""
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise ScaleError([Problem("unknown_instrument", value=code, allowed=", ".join(INSTRUMENTS))])
    return instrument


def score(code: str, responses: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> Result:
    """Validate and score item ``responses`` for the instrument ``code``.

    Raises ``ScaleError`` listing every problem (unknown items, values out of range, bad context).
    A missing item never raises: the result is incomplete and the total follows the instrument's
    missing-item rule (usually ``None``).
    """
    return score_instrument(get(code), responses, context)


def validate(code: str, responses: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> list[Problem]:
    """Return every problem in the input (an empty list when it can be scored)."""
    try:
        score(code, responses, context)
    except ScaleError as error:
        return error.problems
    return []


def classify_change(code: str, baseline: Result, follow_up: Result, subscale: str | None = None) -> Change:
    """Improved, stable or worsened by the instrument's meaningful-change threshold and direction."""
    return classify(get(code), baseline, follow_up, subscale)
