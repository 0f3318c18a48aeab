"""Change between two administrations, judged by the instrument's meaningful-change threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .errors import Problem, ScaleError
from .model import Instrument, MeaningfulChange, Number, Result

Classification = Literal["improved", "stable", "worsened", "not_classifiable"]


@dataclass(frozen=True)
class Change:
    instrument: str
    classification: Classification
    baseline: Number | None
    follow_up: Number | None
    difference: Number | None
    percent_change: float | None
    threshold: MeaningfulChange | None
    higher_is_better: bool | None
    measure: str
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "measure": self.measure,
            "classification": self.classification,
            "baseline": self.baseline,
            "follow_up": self.follow_up,
            "difference": self.difference,
            "percent_change": self.percent_change,
            "threshold": None
            if self.threshold is None
            else {"value": self.threshold.value, "kind": self.threshold.kind, "source": self.threshold.source},
            "higher_is_better": self.higher_is_better,
            "reason": self.reason,
        }


def classify(instrument: Instrument, baseline: Result, follow_up: Result, subscale: str | None = None) -> Change:
    """Classify the change from ``baseline`` to ``follow_up`` as improved, stable or worsened.

    A change counts when it reaches the threshold (``>=``), in the instrument's direction. Results of
    different versions or different sides are refused (spec §0.2 rule 5): such a difference measures
    the form, not the patient.
    """
    _refuse_incomparable(instrument, baseline, follow_up)
    measure = subscale or "total"
    before = baseline.subscores.get(subscale) if subscale else baseline.total
    after = follow_up.subscores.get(subscale) if subscale else follow_up.total
    threshold = instrument.mcid
    if subscale:
        threshold = _subscale_threshold(instrument, subscale) or threshold

    def answer(classification: Classification, reason: str = "", diff=None, pct=None) -> Change:
        return Change(
            instrument.code,
            classification,
            before,
            after,
            diff,
            pct,
            threshold,
            instrument.higher_is_better,
            measure,
            reason,
        )

    if before is None or after is None:
        # A complete administration without a total is the instrument's design (HADS, EQ-5D-5L,
        # MAS): say so, rather than blaming missing items.
        by_design = baseline.complete and follow_up.complete
        return answer("not_classifiable", "no_score_by_design" if by_design else "incomplete_result")
    difference = _tidy(after - before)
    percent = None if before == 0 else round((after - before) / abs(before) * 100, 1)
    if threshold is None or instrument.higher_is_better is None:
        return answer("not_classifiable", "no_meaningful_change_threshold", difference, percent)
    if threshold.kind == "percent":
        if percent is None:
            return answer("not_classifiable", "zero_baseline", difference, percent)
        size = percent
    else:
        size = difference
    better = size if instrument.higher_is_better else -size
    if better >= threshold.value:
        return answer("improved", "", difference, percent)
    if -better >= threshold.value:
        return answer("worsened", "", difference, percent)
    return answer("stable", "", difference, percent)


def _subscale_threshold(instrument: Instrument, subscale: str) -> MeaningfulChange | None:
    for part in instrument.subscales:
        if part.id == subscale:
            return part.mcid
    raise ScaleError(
        [
            Problem(
                "unknown_item",
                item=subscale,
                allowed=", ".join(s.id for s in instrument.subscales) or "—",
                instrument=instrument.name,
            )
        ]
    )


def _refuse_incomparable(instrument: Instrument, baseline: Result, follow_up: Result) -> None:
    problems = []
    if baseline.instrument != instrument.code or follow_up.instrument != instrument.code:
        problems.append(
            Problem(
                "instrument_mismatch",
                value=f"{baseline.instrument} → {follow_up.instrument}",
                instrument=instrument.name,
            )
        )
    elif baseline.version != follow_up.version:
        problems.append(
            Problem("version_mismatch", value=f"{baseline.version} → {follow_up.version}", instrument=instrument.name)
        )
    if baseline.side != follow_up.side:
        problems.append(
            Problem("side_mismatch", value=f"{baseline.side} → {follow_up.side}", instrument=instrument.name)
        )
    if problems:
        raise ScaleError(problems)


def _tidy(value: Number) -> Number:
    if isinstance(value, float):
        value = round(value, 2)
        return int(value) if value.is_integer() else value
    return value
