"""Spinal muscular atrophy: type, genetics, therapy, visits and motor scores (see the package docstring)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .base import (
    YEAR,
    Course,
    PlannedAssessment,
    PlannedDiagnosis,
    PlannedSmaGenetics,
    PlannedSmaStatus,
    PlannedTherapy,
    PlannedVisit,
    add_years,
    birth_for_age,
    clamp,
    jitter,
    regular_dates,
    saturating,
    weighted,
    years_between,
)

SMA_TYPES = {"1": 0.25, "2": 0.35, "3": 0.32, "4": 0.08}
# SMN2 copy number by type: the usual inverse relation (type 1 mostly 2 copies, type 3 3–4, type 4 ≥4).
_SMN2_BY_TYPE = {
    "1": {1: 0.04, 2: 0.8, 3: 0.16},
    "2": {2: 0.1, 3: 0.8, 4: 0.1},
    "3": {3: 0.45, 4: 0.5, 5: 0.05},
    "4": {4: 0.6, 5: 0.25, 6: 0.15},
}
_SMA_TREATMENT = {
    "1": {"onasemnogene": 0.45, "nusinersen": 0.28, "risdiplam": 0.2, None: 0.07},
    "2": {"nusinersen": 0.35, "risdiplam": 0.35, None: 0.3},
    "3": {"nusinersen": 0.3, "risdiplam": 0.25, None: 0.45},
    "4": {"nusinersen": 0.15, "risdiplam": 0.15, None: 0.7},
}
DRUG_NAMES = {
    "nusinersen": "Nusinersen 12 mg intrathecal",
    "risdiplam": "Risdiplam oral, once daily",
    "onasemnogene": "Onasemnogene abeparvovec IV, single infusion",
}

# Saturating treatment gains (points, or metres for 6MWT) and time constants (years), by drug,
# instrument and age group ("child" < 12 years). See the module docstring for the anchors.
_GAINS = {
    ("nusinersen", "chop_intend"): (14.0, 0.5),
    ("risdiplam", "chop_intend"): (16.0, 0.6),
    ("onasemnogene", "chop_intend"): (24.0, 0.3),
    ("nusinersen", "hfmse", "child"): (5.0, 0.7),
    ("nusinersen", "hfmse", "adult"): (3.6, 0.6),
    ("risdiplam", "hfmse", "child"): (4.0, 0.7),
    ("risdiplam", "hfmse", "adult"): (2.0, 0.7),
    ("onasemnogene", "hfmse", "child"): (5.0, 0.7),
    ("nusinersen", "rulm", "child"): (2.5, 0.8),
    ("nusinersen", "rulm", "adult"): (1.2, 0.6),
    ("risdiplam", "rulm", "child"): (2.0, 0.8),
    ("risdiplam", "rulm", "adult"): (1.2, 0.6),
    ("onasemnogene", "rulm", "child"): (2.0, 0.8),
    ("nusinersen", "6mwt"): (30.0, 1.2),
    ("risdiplam", "6mwt"): (20.0, 1.2),
}
# Untreated change per year after early childhood, and the measurement noise of one visit chosen
# so that the 12-month change has roughly the published SD (sqrt(2)·noise with slope spread).
_UNTREATED = {
    "hfmse": (-0.56, 1.8, 0.4),
    "rulm": (-0.41, 1.9, 0.3),
    "6mwt": (-1.46, 33.0, 6.0),
    "chop_intend": (-1.27, 1.5, 0.5),
}
# Protocol facts stored with SMA assessments (clinical.md A.1.2; scales.md §2.1, §2.3).
_SMA_FACTS = {
    "hfmse": {"manual": "2019"},
    "6mwt": {"protocol": "sma_25m", "course_length_m": 25, "stopped_early": "no"},
}
_RANGES = {"hfmse": (0, 66), "rulm": (0, 37), "chop_intend": (0, 64), "6mwt": (0, 700)}
# Development: motor gain per year before this age, in the same units as the untreated slope.
_GROWTH_AGE = 6.0
_GROWTH = {"hfmse": 1.0, "rulm": 0.6, "6mwt": 15.0, "chop_intend": 0.0}


@dataclass
class _Track:
    """One instrument's course for one patient: baseline, personal slope and treatment response."""

    instrument: str
    baseline: float
    start: date
    slope: float
    noise: float
    gain: float = 0.0
    k: float = 1.0
    treated_from: date | None = None

    def value(self, on: date, birth: date, rng: random.Random) -> float:
        treated_from = self.treated_from if self.treated_from and self.treated_from <= on else None
        untreated_until = treated_from or on
        total = self.baseline + self._natural(self.start, untreated_until, birth, decline=True)
        if treated_from is not None:
            # On treatment the decline stops; growth in young children continues.
            total += self._natural(treated_from, on, birth, decline=False)
            total += saturating(self.gain, years_between(treated_from, on), self.k)
        low, high = _RANGES[self.instrument]
        return clamp(total + rng.gauss(0.0, self.noise), low, high)

    def _natural(self, start: date, end: date, birth: date, *, decline: bool) -> float:
        if end <= start:
            return 0.0
        age_start, age_end = years_between(birth, start), years_between(birth, end)
        young = max(0.0, min(age_end, _GROWTH_AGE) - age_start)
        older = max(0.0, age_end - max(age_start, _GROWTH_AGE))
        return young * _GROWTH[self.instrument] + (older * self.slope if decline else 0.0)


def plan_sma(rng: random.Random, as_of: date) -> Course:
    sma_type = weighted(rng, SMA_TYPES)
    drug = weighted(rng, _SMA_TREATMENT[sma_type])
    sex = rng.choice(("female", "male"))
    follow_up = rng.uniform(1.2, 5.0)
    enrolled_on = as_of - timedelta(days=round(follow_up * YEAR))
    age = _sma_age_at_enrolment(rng, sma_type, drug)
    if drug == "onasemnogene" and age >= 1.9:
        drug = "nusinersen"
    birth = birth_for_age(enrolled_on, age, rng)
    onset_age = {
        "1": rng.uniform(0.05, 0.45),
        "2": rng.uniform(0.6, 1.4),
        "3": rng.uniform(1.5, 9.0),
        "4": rng.uniform(20.0, 32.0),
    }[sma_type]
    diagnosed_on = min(add_years(birth, onset_age + rng.uniform(0.05, 0.5)), enrolled_on)
    course = Course("sma", sex, birth, enrolled_on)
    icd = "G12.0" if sma_type == "1" else "G12.1"
    course.diagnoses.append(PlannedDiagnosis(icd, diagnosed_on, True, f"5q SMA type {sma_type}"))
    copies = int(weighted(rng, {str(k): v for k, v in _SMN2_BY_TYPE[sma_type].items()}))
    smn1 = "homozygous_deletion" if rng.random() < 0.95 else "compound_heterozygous"
    course.sma_genetics = PlannedSmaGenetics(smn1, copies, diagnosed_on)

    treated_from = None
    if drug is not None:
        delayed = drug != "onasemnogene" and rng.random() < 0.3 and follow_up > 2.2
        treated_from = add_years(enrolled_on, rng.uniform(0.8, 1.6)) if delayed else enrolled_on
        course.therapies.append(PlannedTherapy(drug, treated_from, DRUG_NAMES[drug]))
        course.diagnoses[0] = PlannedDiagnosis(
            icd, diagnosed_on, True, f"5q SMA type {sma_type}; {DRUG_NAMES[drug]} since {treated_from.isoformat()}"
        )
    course.labels.update(sma_type=sma_type, drug=drug, treated_from=treated_from, smn2_copies=copies)

    status = {"1": "non_sitter", "2": "sitter", "3": "walker", "4": "walker"}[sma_type]
    severity = rng.random()
    side = "L" if rng.random() < 0.15 else "R"
    tracks = _sma_tracks(rng, status, sma_type, copies, severity, birth, enrolled_on, drug, treated_from)
    sits_from = _sitting_date(rng, status, drug, treated_from, birth)
    course.sma_statuses.append(PlannedSmaStatus(enrolled_on, sma_type, status))
    if sits_from is not None:
        course.labels["sits_from"] = sits_from
    sitter_tracks: dict[str, _Track] = {}

    for on, kind, note, assess in _sma_schedule(rng, enrolled_on, as_of, status, drug, treated_from, birth):
        current = status
        if sits_from is not None and on >= sits_from:
            current = "sitter"
            if course.sma_statuses[-1].functional_status != "sitter":
                course.sma_statuses.append(PlannedSmaStatus(on, sma_type, "sitter"))
                note = (note + "; " if note else "") + "Sits independently: follow-up with HFMSE and RULM"
                sitter_tracks = _new_sitter_tracks(rng, on, drug)
        planned: list[PlannedAssessment] = []
        if assess:
            age = years_between(birth, on)
            source = sitter_tracks if current != status else tracks
            for instrument in _sma_instruments(current, age):
                track = source.get(instrument)
                if track is None:
                    continue
                facts = _SMA_FACTS.get(instrument, {}) | ({"side": side} if instrument == "rulm" else {})
                planned.append(PlannedAssessment(instrument, track.value(on, birth, rng), facts))
        course.visits.append(PlannedVisit(on, kind, note, tuple(planned)))
    return course


def _sma_age_at_enrolment(rng: random.Random, sma_type: str, drug: str | None) -> float:
    if sma_type == "1":
        if drug == "onasemnogene":
            return rng.uniform(0.15, 1.5)
        return rng.uniform(0.2, 1.2) if rng.random() < 0.7 else rng.uniform(3.0, 10.0)
    if sma_type == "2":
        return rng.uniform(2.5, 12.0) if rng.random() < 0.55 else rng.uniform(12.0, 35.0)
    if sma_type == "3":
        return rng.uniform(5.0, 17.0) if rng.random() < 0.4 else rng.uniform(18.0, 50.0)
    return rng.uniform(25.0, 55.0)


def _sma_instruments(status: str, age: float) -> tuple[str, ...]:
    """Clinical.md A.1.2: CHOP INTEND for non-sitters, HFMSE (+ RULM from 30 months) for sitters,
    HFMSE + RULM + 6MWT for walkers (6MWT from about 5 years)."""
    if status == "non_sitter":
        return ("chop_intend",)
    instruments = ["hfmse"]
    if age >= 2.5:
        instruments.append("rulm")
    if status == "walker" and age >= 5:
        instruments.append("6mwt")
    return tuple(instruments)


def _sma_tracks(rng, status, sma_type, copies, severity, birth, start, drug, treated_from) -> dict[str, _Track]:
    age = years_between(birth, start)
    child = age < 12
    responder = rng.uniform(0.6, 1.5) if rng.random() > 0.15 else rng.uniform(0.0, 0.3)
    baselines: dict[str, float] = {}
    if status == "non_sitter":
        if age < 2:
            low, high = (12, 30) if copies <= 2 else (22, 40)
        else:
            low, high = (15, 35)
        baselines["chop_intend"] = low + (high - low) * severity
    elif status == "sitter":
        baselines["hfmse"] = (10 + 18 * severity) if child else (2 + 14 * severity)
        baselines["rulm"] = (14 + 14 * severity) if child else (6 + 16 * severity)
    else:
        if sma_type == "4":
            baselines.update(hfmse=52 + 13 * severity, rulm=35 + 2 * severity, **{"6mwt": 320 + 240 * severity})
        else:
            baselines.update(hfmse=38 + 24 * severity, rulm=30 + 7 * severity)
            baselines["6mwt"] = (250 + 230 * severity) if age < 18 else (150 + 300 * severity)
    tracks = {}
    for instrument, baseline in baselines.items():
        slope, noise, spread = _UNTREATED[instrument]
        track = _Track(instrument, baseline, start, slope + rng.gauss(0.0, spread), noise)
        if drug is not None:
            gain, k = _gain(drug, instrument, child)
            track.gain, track.k, track.treated_from = gain * responder, k, treated_from
        tracks[instrument] = track
    return tracks


def _gain(drug: str, instrument: str, child: bool) -> tuple[float, float]:
    return _GAINS.get((drug, instrument)) or _GAINS.get((drug, instrument, "child" if child else "adult")) or (0.0, 1.0)


def _sitting_date(rng, status, drug, treated_from, birth) -> date | None:
    """Treated infants with type 1 may learn to sit; from then on they are followed as sitters."""
    if status != "non_sitter" or drug is None or treated_from is None or years_between(birth, treated_from) > 2:
        return None
    chance = 0.55 if drug == "onasemnogene" else 0.35
    if rng.random() >= chance:
        return None
    return add_years(treated_from, rng.uniform(0.7, 1.6))


def _new_sitter_tracks(rng: random.Random, on: date, drug: str | None) -> dict[str, _Track]:
    """A new sitter starts low on HFMSE and RULM and gains as they develop on treatment."""
    hfmse = _Track("hfmse", rng.uniform(4, 10), on, 0.0, 1.2, gain=rng.uniform(6, 10), k=1.5, treated_from=on)
    rulm = _Track("rulm", rng.uniform(6, 12), on, 0.0, 1.2, gain=rng.uniform(3, 6), k=1.5, treated_from=on)
    return {"hfmse": hfmse, "rulm": rulm}


def _sma_schedule(rng, enrolled_on, as_of, status, drug, treated_from, birth):
    """Yield (date, kind, note, with_assessments) following clinical.md A.1.2."""
    visits: list[tuple[date, str, str, bool]] = [(enrolled_on, "baseline", "Registry enrolment", True)]
    untreated_end = as_of if treated_from is None else treated_from - timedelta(days=30)
    on = enrolled_on
    while True:
        age = years_between(birth, on)
        if status == "non_sitter":
            interval = 91 if age < 2 else 182
        elif status == "walker" and age >= 18:
            interval = 365
        else:
            interval = 182
        on = jitter(rng, on + timedelta(days=interval), 14)
        if on > untreated_end:
            break
        visits.append((on, "routine", "", True))
    if treated_from is not None:
        if treated_from != enrolled_on:
            visits.append((treated_from, "treatment", "", True))
        visits[-1] = (visits[-1][0], visits[-1][1], _start_note(drug), True)
        visits.extend(_treatment_visits(rng, drug, treated_from, as_of, status))
    yield from visits


def _start_note(drug: str) -> str:
    return f"{DRUG_NAMES[drug]}: first dose (baseline assessment before the dose)"


def _treatment_visits(rng, drug, start, as_of, status):
    if drug == "nusinersen":
        # EU SmPC loading on days 0, 14, 28 and 63, then a maintenance dose every 4 months.
        loading = [(14, 2), (28, 3), (63, 4)]
        for day, number in loading:
            on = jitter(rng, start + timedelta(days=day), 2)
            if on <= as_of:
                assess = number == 4
                yield (
                    on,
                    "treatment",
                    f"{DRUG_NAMES[drug]}, loading dose {number}" + (" (end of loading)" if assess else ""),
                    assess,
                )
        dose_on, number = start + timedelta(days=63), 0
        while True:
            dose_on = dose_on + timedelta(days=122)
            number += 1
            on = jitter(rng, dose_on, 3)
            if on > as_of:
                return
            # Non-sitters are assessed at every maintenance dose, others at every second one.
            assess = status == "non_sitter" or number % 2 == 0
            yield on, "treatment", f"{DRUG_NAMES[drug]}, maintenance dose {number}", assess
    elif drug == "onasemnogene":
        offsets = [91, 182, 365]
        for offset in offsets:
            on = jitter(rng, start + timedelta(days=offset), 14)
            if on <= as_of:
                yield on, "routine", f"{offset // 30} months after gene therapy", True
        for on in regular_dates(rng, start + timedelta(days=365), as_of, 182, 14):
            yield on, "routine", "", True
    else:
        for on in regular_dates(rng, start, as_of, 182, 14):
            yield on, "routine", "", True
