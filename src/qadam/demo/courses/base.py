"""What a course planner returns, and the small date and chance helpers the planners share.

Pure: standard library and the demo's growth curves only.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ..people import height_cm, weight_kg

YEAR = 365.25


@dataclass(frozen=True)
class PlannedAssessment:
    """One administration to generate: its total, or for instruments without a total (MAS) the
    share of the worst possible grades (``share`` from 0 to 1), and what the visit knows."""

    instrument: str
    total: float | None
    facts: dict = field(default_factory=dict)
    share: float | None = None


@dataclass(frozen=True)
class PlannedVisit:
    on: date
    kind: str
    note: str = ""
    assessments: tuple[PlannedAssessment, ...] = ()


@dataclass(frozen=True)
class PlannedDiagnosis:
    icd10: str
    diagnosed_on: date
    is_primary: bool = False
    note: str = ""


@dataclass(frozen=True)
class PlannedDose:
    """One administration of a therapy course (the fields of ``qadam.therapy.models.Administration``)."""

    given_on: date
    dose: Decimal | None
    dose_unit: str
    route: str
    weight_kg: Decimal | None = None
    procedure: dict = field(default_factory=dict)
    cycle_number: int | None = None
    lot: str = ""
    override_reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class PlannedAdverseEvent:
    onset_on: date
    description: str
    severity: str  # mild, moderate, severe, life_threatening
    serious: bool = False
    outcome: str = "recovered"
    dose_index: int | None = None  # the course's dose it followed, if any


@dataclass
class PlannedTherapy:
    """One therapy course: a drug code of ``qadam.regimens.DRUGS`` (or ``adjuvant:<CLASS>``), its
    dates, doses and adverse events. ``expected_response`` is what the planner shaped the scores
    towards (improved / stable / worsened), for tests and for choosing showcase patients."""

    drug: str
    started_on: date
    note: str = ""
    product: str = ""
    stopped_on: date | None = None
    stop_reason: str = ""
    indication: str = ""
    prophylaxis_started_on: date | None = None
    doses: list[PlannedDose] = field(default_factory=list)
    adverse_events: list[PlannedAdverseEvent] = field(default_factory=list)
    expected_response: str | None = None
    response_instrument: str | None = None


@dataclass(frozen=True)
class PlannedVaccination:
    vaccine: str
    given_on: date
    note: str = ""


@dataclass(frozen=True)
class PlannedWeight:
    measured_on: date
    weight_kg: Decimal


@dataclass(frozen=True)
class PlannedSmaStatus:
    recorded_on: date
    sma_type: str
    functional_status: str


@dataclass(frozen=True)
class PlannedSmaGenetics:
    smn1_status: str
    smn2_copies: int | None
    tested_on: date


@dataclass
class Course:
    """What a condition's planner decided for one patient."""

    condition: str
    sex: str
    birth_date: date
    enrolled_on: date
    diagnoses: list[PlannedDiagnosis] = field(default_factory=list)
    visits: list[PlannedVisit] = field(default_factory=list)
    therapies: list[PlannedTherapy] = field(default_factory=list)
    vaccinations: list[PlannedVaccination] = field(default_factory=list)
    weights: list[PlannedWeight] = field(default_factory=list)
    sma_genetics: PlannedSmaGenetics | None = None
    sma_statuses: list[PlannedSmaStatus] = field(default_factory=list)
    weak_side: str | None = None
    labels: dict = field(default_factory=dict)


def weighted(rng: random.Random, options: dict) -> str:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def years_between(start: date, end: date) -> float:
    return (end - start).days / YEAR


def add_years(start: date, years: float) -> date:
    return start + timedelta(days=round(years * YEAR))


def jitter(rng: random.Random, on: date, days: int) -> date:
    return on + timedelta(days=rng.randint(-days, days)) if days else on


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def saturating(gain: float, time_years: float, k_years: float) -> float:
    return gain * (1 - math.exp(-max(time_years, 0.0) / k_years)) if time_years > 0 else 0.0


def birth_for_age(enrolled_on: date, age_years: float, rng: random.Random) -> date:
    return enrolled_on - timedelta(days=round(age_years * YEAR) + rng.randint(0, 20))


def regular_dates(rng: random.Random, start: date, end: date, interval_days: int, tolerance: int) -> list[date]:
    dates, step = [], 1
    while True:
        on = jitter(rng, start + timedelta(days=interval_days * step), tolerance)
        if on > end:
            return dates
        dates.append(on)
        step += 1


def body_weight(birth: date, sex: str, body: float, on: date) -> Decimal:
    """The patient's weight on ``on`` from the demo's growth curves (``qadam.demo.people``)."""
    age = years_between(birth, on)
    return Decimal(str(weight_kg(age, height_cm(age, sex, body), body)))


def lot_number(rng: random.Random, prefix: str) -> str:
    """A plausible batch number (synthetic)."""
    return f"{prefix}{rng.randint(10, 99)}{rng.choice('ABCDEFGHJK')}{rng.randint(100, 999)}"


def two_places(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))
