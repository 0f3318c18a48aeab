"""Spinal muscular atrophy: type, genetics, therapy, visits and motor scores (see the package docstring)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from qadam.regimens import expected_risdiplam_dose, nusinersen_schedule

from .base import (
    YEAR,
    Course,
    PlannedAdverseEvent,
    PlannedAssessment,
    PlannedDiagnosis,
    PlannedDose,
    PlannedSmaGenetics,
    PlannedSmaStatus,
    PlannedTherapy,
    PlannedVisit,
    PlannedWeight,
    add_years,
    birth_for_age,
    body_weight,
    clamp,
    jitter,
    lot_number,
    regular_dates,
    saturating,
    two_places,
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
# The catalogue code (qadam.regimens.DRUGS) and product of each planned drug.
DRUG_CODES = {
    "nusinersen": ("nusinersen", "spinraza"),
    "risdiplam": ("risdiplam", "evrysdi"),
    "onasemnogene": ("onasemnogene_abeparvovec_iv", "zolgensma"),
}
# How treated patients respond, relative to the baseline before the first dose (registry choice for
# the demo: most improve, some stabilise, a few keep declining — adults with long disease duration
# in Hagenacker 2020 and SMArtCARE did not all respond).
RESPONSES = {"improved": 0.7, "stable": 0.2, "worsened": 0.1}
# Decline per year on treatment of a patient who keeps worsening (points, metres for the 6MWT).
_WORSENING = {"hfmse": (-2.6, -1.8), "rulm": (-1.4, -0.9), "6mwt": (-35.0, -20.0), "chop_intend": (-3.0, -2.0)}
# Missed nusinersen maintenance doses (registry choice): one dose given late (<8 months since the
# previous one), or a pause of 8–16 months (no access), each handled by the label's missed-dose
# rules (SPINRAZA US prescribing information, missed doses; clinical.md §B.1.1).
_MISSED = {"late": 0.12, "gap": 0.05, None: 0.83}
# Adverse events after a lumbar puncture (per dose): post-lumbar-puncture headache, back pain and
# vomiting are the most common procedure-related events reported with nusinersen (SPINRAZA EU
# SmPC 4.8; Hagenacker 2020: headache 50 %, back pain 22 % of adults over 14 months).
_LP_EVENTS = (
    (0.06, "Post-lumbar puncture headache, settled with bed rest and fluids within 3 days", "mild", 1),
    (0.02, "Post-lumbar puncture headache lasting 6 days; epidural blood patch not needed", "moderate", 1),
    (0.04, "Back pain at the puncture site", "mild", 0),
    (0.015, "Vomiting on the evening of the procedure", "mild", 0),
)

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
    treated_slope: float = 0.0  # change per year on treatment of a patient who keeps declining

    def value(self, on: date, birth: date, rng: random.Random) -> float:
        treated_from = self.treated_from if self.treated_from and self.treated_from <= on else None
        untreated_until = treated_from or on
        total = self.baseline + self._natural(self.start, untreated_until, birth, decline=True)
        if treated_from is not None:
            # On treatment the decline stops; growth in young children continues.
            total += self._natural(treated_from, on, birth, decline=False)
            total += saturating(self.gain, years_between(treated_from, on), self.k)
            total += self.treated_slope * years_between(treated_from, on)
        low, high = _RANGES[self.instrument]
        return clamp(total + rng.gauss(0.0, self.noise), low, high)

    def _natural(self, start: date, end: date, birth: date, *, decline: bool) -> float:
        if end <= start:
            return 0.0
        age_start, age_end = years_between(birth, start), years_between(birth, end)
        young = max(0.0, min(age_end, _GROWTH_AGE) - age_start)
        older = max(0.0, age_end - max(age_start, _GROWTH_AGE))
        return young * _GROWTH[self.instrument] + (older * self.slope if decline else 0.0)


def plan_sma(rng: random.Random, as_of: date, *, body: float = 0.0, options: Mapping[str, Any] | None = None) -> Course:
    """One SMA patient; ``options`` fix choices for a showcase patient (``sma_type``, ``drug``,
    ``follow_up`` years, ``age_at_as_of``, ``delayed``, ``response``, ``missed``, ``risdiplam_mismatch``)."""
    options = options or {}
    sma_type = options.get("sma_type") or weighted(rng, SMA_TYPES)
    drug = options["drug"] if "drug" in options else weighted(rng, _SMA_TREATMENT[sma_type])
    sex = rng.choice(("female", "male"))
    follow_up = options.get("follow_up") or rng.uniform(1.2, 5.0)
    enrolled_on = as_of - timedelta(days=round(follow_up * YEAR))
    age = _sma_age_at_enrolment(rng, sma_type, drug)
    if "age_at_as_of" in options:
        age = max(options["age_at_as_of"] - follow_up, 0.1)
    if drug == "onasemnogene" and age >= 1.9:
        drug = "nusinersen"
    birth = birth_for_age(enrolled_on, age, rng)
    if "age_at_as_of" in options:
        birth = as_of - timedelta(days=round(options["age_at_as_of"] * YEAR))
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
    status = {"1": "non_sitter", "2": "sitter", "3": "walker", "4": "walker"}[sma_type]
    response = None
    if drug is not None:
        delayed = drug != "onasemnogene" and rng.random() < 0.3 and follow_up > 2.2
        delayed = options.get("delayed", delayed)
        treated_from = add_years(enrolled_on, rng.uniform(0.8, 1.6)) if delayed else enrolled_on
        course.diagnoses[0] = PlannedDiagnosis(
            icd, diagnosed_on, True, f"5q SMA type {sma_type}; {DRUG_NAMES[drug]} since {treated_from.isoformat()}"
        )
        response = options.get("response") or weighted(rng, RESPONSES)
        if response == "worsened" and (status == "non_sitter" or years_between(birth, treated_from) < 8):
            response = "stable"  # young children keep developing; a decline on treatment is an adult's course
    course.labels.update(sma_type=sma_type, drug=drug, treated_from=treated_from, smn2_copies=copies, response=response)

    severity = rng.random()
    side = "L" if rng.random() < 0.15 else "R"
    tracks = _sma_tracks(rng, status, sma_type, copies, severity, birth, enrolled_on, drug, treated_from, response)
    sits_from = _sitting_date(rng, status, drug, treated_from, birth)
    course.sma_statuses.append(PlannedSmaStatus(enrolled_on, sma_type, status))
    if sits_from is not None:
        course.labels["sits_from"] = sits_from
    sitter_tracks: dict[str, _Track] = {}

    missed = options.get("missed", weighted(rng, _MISSED) if drug == "nusinersen" else None)
    if missed == "gap" and treated_from is not None and years_between(treated_from, as_of) < 2.2:
        missed = "late"
    course.labels["missed"] = missed if drug == "nusinersen" else None
    schedule = _sma_schedule(rng, enrolled_on, as_of, status, drug, treated_from, birth, missed)
    # FVC (% predicted) and EQ-5D-5L, on their own stream (clinical.md A.1.2: FVC every 6 months in
    # sitters, every 12 in walkers, from about 6 years; patient-reported measures every 12 months).
    extra = random.Random(rng.random())
    fvc_base = {"walker": extra.uniform(80, 100), "sitter": extra.uniform(40, 80), "non_sitter": extra.uniform(25, 50)}
    eq_severity = {"walker": 0.25, "sitter": 0.55, "non_sitter": 0.75}[status] + extra.uniform(-0.1, 0.1)
    last_fvc: date | None = None
    last_eq: date | None = None
    for on, kind, note, assess in schedule:
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
            fvc_every = 330 if current == "walker" else 150
            if age >= 6 and current != "non_sitter" and (last_fvc is None or (on - last_fvc).days >= fvc_every):
                untreated = treated_from is None or on < treated_from
                decline = years_between(enrolled_on, on) * (1.5 if untreated else 0.3)
                percent = clamp(fvc_base[current] - decline + extra.gauss(0, 4), 15, 120)
                planned.append(PlannedAssessment("fvc", percent, {"ethnicity": "other"}))
                last_fvc = on
            if last_eq is None or (on - last_eq).days >= 330:
                share = clamp(eq_severity + extra.gauss(0, 0.05), 0, 1)
                planned.append(PlannedAssessment("eq5d5l", None, share=share))
                last_eq = on
        course.visits.append(PlannedVisit(on, kind, note, tuple(planned)))
    if not any("given late" in v.note for v in course.visits):
        course.labels["missed"] = None  # the missed dose would have come after today
    if drug is not None and treated_from is not None:
        course.therapies.append(
            _therapy(rng, course, drug, treated_from, as_of, body, response, status, options, tracks)
        )
    if drug is not None or years_between(birth, as_of) < 18:
        # Weight at every visit of treated and growing patients (risdiplam and onasemnogene doses
        # are weight-based: clinical.md A.1.2, "weight at each visit").
        course.weights.extend(PlannedWeight(v.on, body_weight(birth, sex, body, v.on)) for v in course.visits)
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


def _sma_tracks(
    rng, status, sma_type, copies, severity, birth, start, drug, treated_from, response
) -> dict[str, _Track]:
    age = years_between(birth, start)
    child = age < 12
    responder = {"improved": rng.uniform(1.0, 1.6), "stable": rng.uniform(0.0, 0.2)}.get(response, 0.0)
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
            if response == "worsened":
                track.treated_slope = rng.uniform(*_WORSENING[instrument])
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


def _sma_schedule(rng, enrolled_on, as_of, status, drug, treated_from, birth, missed=None):
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
        visits.extend(_treatment_visits(rng, drug, treated_from, as_of, status, missed))
    yield from visits


def nusinersen_doses(
    rng: random.Random, start: date, as_of: date, missed: str | None = None
) -> list[tuple[date, str, int, date | None]]:
    """The nusinersen doses given from ``start`` to ``as_of``: (day, kind, number, due if late).

    Each dose is given on the day ``nusinersen_schedule`` says it is due (loading within +1 day,
    maintenance within ±5 days of the 4-month date). ``missed="late"``: one maintenance dose (the
    2nd–4th) is given 6–10 weeks late, and the schedule resumes as the label says (<8 months since
    the last dose). ``missed="gap"``: a pause of about 9–11 months (no access to the drug), then
    the dose, an extra dose 14 days later and maintenance 4 months on (8 to <16 months).
    """
    given = [start]
    late_at = rng.randint(2, 4) if missed == "late" else None
    gap_at = rng.randint(2, 3) if missed == "gap" else None
    lates: dict[date, date] = {}
    maintenance = 0
    while True:
        due = nusinersen_schedule(given).due[0]
        if due.kind == "maintenance":
            maintenance += 1
        if due.kind == "maintenance" and maintenance == late_at:
            day = due.due + timedelta(days=rng.randint(45, 70))
            lates[day] = due.due
        elif due.kind == "maintenance" and maintenance == gap_at:
            day = given[-1] + timedelta(days=rng.randint(275, 335))
            lates[day] = due.due
        elif due.kind == "maintenance":
            day = due.due + timedelta(days=rng.randint(-5, 5))
        else:
            day = due.due + timedelta(days=rng.randint(0, 1))
        if day > as_of:
            break
        given.append(day)
    records = nusinersen_schedule(given).given
    return [(r.day, r.kind, r.number, lates.get(r.day)) for r in records]


def _dose_note(kind: str, number: int, late_due: date | None) -> str:
    name = DRUG_NAMES["nusinersen"]
    if kind == "loading":
        return f"{name}, loading dose {number}" + (" (end of loading)" if number == 4 else "")
    if kind == "extra":
        return f"{name}, extra dose after a missed maintenance dose (label's missed-dose rule)"
    if late_due is not None:
        return f"{name}, maintenance dose given late (due {late_due.isoformat()})"
    return f"{name}, maintenance dose"


def _start_note(drug: str) -> str:
    return f"{DRUG_NAMES[drug]}: first dose (baseline assessment before the dose)"


def _treatment_visits(rng, drug, start, as_of, status, missed=None):
    if drug == "nusinersen":
        # EU SmPC loading on days 0, 14, 28 and 63, then a maintenance dose every 4 months; the dates
        # come from qadam.regimens.nusinersen_schedule, so missed doses follow the label's rules.
        maintenance = 0
        for on, kind, number, late in nusinersen_doses(rng, start, as_of, missed):
            if number == 1:
                continue  # the first dose is given at the start visit
            if kind == "maintenance":
                maintenance += 1
            # Assessed at the end of loading; non-sitters at every maintenance dose, others at every
            # second one (clinical.md A.1.2).
            assess = number == 4 or (kind == "maintenance" and (status == "non_sitter" or maintenance % 2 == 0))
            yield on, "treatment", _dose_note(kind, number, late), assess
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


def _therapy(rng, course, drug, start, as_of, body, response, status, options, tracks) -> PlannedTherapy:
    """The therapy course behind the visits: doses, procedure details, weights and adverse events."""
    code, product = DRUG_CODES[drug]
    sma_type = course.labels["sma_type"]
    therapy = PlannedTherapy(
        code,
        start,
        DRUG_NAMES[drug],
        product=product,
        indication=f"5q SMA type {sma_type}, {course.labels['smn2_copies']} SMN2 copies",
        expected_response=response,
        response_instrument="chop_intend" if status == "non_sitter" else "hfmse",
    )
    weight = lambda on: body_weight(course.birth_date, course.sex, body, on)  # noqa: E731
    if drug == "nusinersen":
        profile = _puncture_profile(rng, years_between(course.birth_date, start), status)
        easy = profile.pop("_easy")
        for visit in course.visits:
            if visit.on < start or not visit.note.startswith(DRUG_NAMES[drug]):
                continue
            index = len(therapy.doses)
            procedure = dict(profile, attempts=1 if rng.random() < easy else rng.randint(2, 3))
            therapy.doses.append(
                PlannedDose(
                    visit.on,
                    Decimal("12"),
                    "mg",
                    "intrathecal",
                    procedure=procedure,
                    lot=lot_number(rng, "SPZ"),
                    note="5 mL CSF removed before the injection over 1–3 minutes (SPINRAZA label)",
                )
            )
            for chance, description, severity, days in _LP_EVENTS:
                if rng.random() < chance:
                    onset = visit.on + timedelta(days=days)
                    if onset <= as_of:
                        outcome = "recovered" if (as_of - onset).days > 7 else "recovering"
                        therapy.adverse_events.append(
                            PlannedAdverseEvent(onset, description, severity, False, outcome, index)
                        )
                    break
    elif drug == "risdiplam":
        dose_visits = [v for v in course.visits if v.on >= start]
        for number, visit in enumerate(dose_visits, start=1):
            kg = weight(visit.on)
            expected = expected_risdiplam_dose(course.birth_date, visit.on, float(kg))
            mg, note = expected.mg, f"Daily dose for age and weight: {expected.band.text.en}"
            if number == 1:
                note = f"Start of treatment. {note}"
            if options.get("risdiplam_mismatch") and number == len(dose_visits) and number > 1:
                mg, note = expected.mg * 0.8, "Dose not yet recalculated for the new weight"
            therapy.doses.append(PlannedDose(visit.on, two_places(mg), "mg", "oral", weight_kg=kg, note=note))
    else:
        kg = weight(start)
        therapy.note = (
            "Single IV infusion over 60 minutes. Prednisolone 1 mg/kg/day from the day before the infusion "
            "for 30 days, then tapered over 28 days as the liver tests allow (ZOLGENSMA label)"
        )
        therapy.doses.append(
            PlannedDose(
                start,
                Decimal("110000000000000"),
                "vg/kg",
                "iv",
                weight_kg=kg,
                lot=lot_number(rng, "ZGN"),
                note="Anti-AAV9 antibodies ≤1:50, liver tests, platelets and troponin-I normal before the infusion",
            )
        )
        if rng.random() < 0.3:
            onset = start + timedelta(days=rng.randint(20, 30))
            if onset <= as_of:
                therapy.adverse_events.append(
                    PlannedAdverseEvent(
                        onset,
                        "Transaminases raised (ALT 3–5 × upper limit of normal); full-dose prednisolone extended "
                        "before the taper",
                        "moderate",
                        False,
                        "recovered" if (as_of - onset).days > 30 else "recovering",
                        0,
                    )
                )
        monitoring_end = start + timedelta(days=92)
        if monitoring_end <= as_of:
            therapy.stopped_on, therapy.stop_reason = monitoring_end, "completed"
    return therapy


def _puncture_profile(rng: random.Random, age: float, status: str) -> dict[str, Any]:
    """How this patient's lumbar punctures are done (fields of the intrathecal procedure record).

    Children under sedation, without imaging or with ultrasound; adults who do not walk often have
    scoliosis or spinal fusion and need fluoroscopy or CT and sometimes a transforaminal approach
    (registry choice for the demo, after published nusinersen access series).
    """
    if age < 12:
        profile = {
            "approach": "interlaminar",
            "imaging_guidance": rng.choice(("none", "none", "ultrasound")),
            "needle_gauge": rng.choice((22, 24)),
            "sedation": "general" if age < 3 else rng.choice(("sedation", "local")),
            "_easy": 0.92,
        }
    elif status == "sitter":
        profile = {
            "approach": rng.choice(("interlaminar", "transforaminal")),
            "imaging_guidance": rng.choice(("fluoroscopy", "ct")),
            "needle_gauge": 22,
            "sedation": "local",
            "_easy": 0.7,
        }
    else:
        profile = {
            "approach": "interlaminar",
            "imaging_guidance": rng.choice(("none", "ultrasound", "fluoroscopy")),
            "needle_gauge": rng.choice((22, 24, 25)),
            "sedation": rng.choice(("none", "local")),
            "_easy": 0.9,
        }
    profile["csf_removed_ml"] = 5.0
    return profile
