"""The bridge between stored assessments and ``qadam.scales``: score, and store in canonical form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qadam import scales
from qadam.scales.model import NotTested
from qadam.scales.scoring import score_validated


@dataclass(frozen=True)
class Scoring:
    """A successful scoring: the result and the responses/context as they will be stored."""

    result: scales.Result
    responses: dict[str, Any]
    context: dict[str, Any]


def score_for_storage(
    instrument: scales.Instrument, responses: Mapping[str, Any], context: Mapping[str, Any]
) -> Scoring:
    """Score through ``qadam.scales`` (raising ``ScaleError`` with every problem) and normalise the input.

    Stored responses hold what the engine accepted, e.g. the choice code ``2`` for the text "2" a
    form posts, and ``{"not_tested": reason, "note": ...}`` for items not administered; empty
    values are dropped. Scoring the stored form again gives the same result.
    """
    result, answers, clean_context = score_validated(instrument, responses, context)
    return Scoring(result=result, responses={k: _stored(v) for k, v in answers.items()}, context=dict(clean_context))


def _stored(answer: Any) -> Any:
    if isinstance(answer, NotTested):
        return {"not_tested": answer.reason, "note": answer.note}
    return answer


def contains_nul(value: Any) -> bool:
    """Return True if any string inside ``value`` holds a NUL character (PostgreSQL's jsonb refuses it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False
