"""Shared types of the regimen rules: rules, windows, findings and input problems.

Every answer carries the rule that produced it (a stable ``code``, a sentence in English, Kazakh
and Russian, and the label or source it implements), so that a worklist, a chart or a PDF can show
*why* a date is due, and a reviewer can check it against the label in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from qadam.scales import Text

Jurisdiction = Literal["EU", "US"]
JURISDICTIONS: tuple[str, ...] = ("EU", "US")
# clinical.md §0 [RD]: Qadam's default is the EU SmPC; a center may choose the US label.
DEFAULT_JURISDICTION: Jurisdiction = "EU"

Severity = Literal["block", "warning", "info"]


@dataclass(frozen=True)
class Rule:
    """The rule behind a date or a dose: a stable code, a sentence in three languages, the source."""

    code: str
    text: Text
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text.as_dict(), "source": self.source}


@dataclass(frozen=True)
class Window:
    """Inclusive range of dates in which a due dose or check counts as on time."""

    earliest: date
    latest: date

    def contains(self, day: date) -> bool:
        return self.earliest <= day <= self.latest

    def as_dict(self) -> dict[str, str]:
        return {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat()}


@dataclass(frozen=True)
class Finding:
    """A safety or scheduling warning.

    ``severity`` is ``"block"`` where the spec says the scheduler must refuse unless a clinician
    overrides with a reason, ``"warning"`` for a broken rule that does not block, and ``"info"`` for
    something to act on (for example: vaccinate as soon as possible under prophylaxis).
    """

    code: str
    severity: Severity
    message: Text
    source: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message.as_dict(),
            "source": self.source,
            "data": {k: v.isoformat() if isinstance(v, date) else v for k, v in self.data.items()},
        }


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with the input, with a stable code and a message in three languages."""

    code: str
    message: Text
    value: Any = None

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        return {"code": self.code, "value": value, "message": self.message.get(lang)}


class RegimenError(ValueError):
    """Raised with every problem found in the input, never just the first."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__("; ".join(p.message.en for p in problems))


def decimal(value: float, lang: str, digits: int = 2) -> str:
    """A number as people write it in ``lang``: ``0.5`` in English, ``0,5`` in Kazakh and Russian."""
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", ",") if lang in ("kk", "ru") else text
