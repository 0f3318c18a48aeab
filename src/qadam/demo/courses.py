"""Disease courses of the demo cohort: who the patient is, when they are seen, and what each
instrument's total is at each visit.

A course is planned in totals (an HFMSE of 23 on a given day); ``qadam.demo.cohort`` turns every
planned total into item-level answers. The numbers follow ``shared/spec/clinical.md``:

* SMA, untreated: HFMSE −0.56 points/year (Mercuri E et al. Neuromuscul Disord 2016;26:126–131;
  12-month SD 2.72), RULM −0.41/year (Pera MC et al. Muscle Nerve 2019;59:426–430; SD 2.93),
  6MWT −1.46 m/year (Mazzone E et al. Neuromuscul Disord 2013;23:624; SD 50.1 m), CHOP INTEND
  −1.27/year in untreated type 1 (Finkel 2014 as cited in clinical.md C.5, tagged [K]: the
  direction is verified, the magnitude is not). Children gain before about age 7 (Coratti G et al.
  Ann Neurol 2020, qualitative) — modelled as +1 point/year before age 6, a registry choice.
* SMA, treated: nusinersen HFMSE +1.73 / +2.58 / +3.12 at 6 / 10 / 14 months in adults (Hagenacker T
  et al. Lancet Neurol 2020;19:317–325), larger gains in children (CHERISH, Mercuri 2018);
  CHOP INTEND +9.0 at 6 months in type 1 on nusinersen (German expanded-access programme, J
  Neuromuscul Dis 2018); RULM +0.8–2.0 and 6MWT +17–27 m over 14–30 months (120-patient cohort,
  clinical.md C.1). Treatment replaces the untreated decline by stabilisation plus a saturating
  gain ``G·(1 − exp(−t/k))``; about one patient in seven responds little.
* Visit intervals: clinical.md A.1.2 (nusinersen loading on days 0, 14, 28, 63 per the EU SmPC,
  Qadam's default jurisdiction, then every 4 months; risdiplam every 6 months; onasemnogene at
  3, 6, 12 months then 6-monthly; untreated every 3–12 months by status and age), A.2 (MG), A.3
  (stroke), A.4 (pain), each with the ±2-week tolerance of the protocol rules (±3 days for doses).
* Stroke: recovery is front-loaded (clinical.md C.5: no linear slope): each patient recovers a
  fixed share of their initial deficit along ``1 − exp(−t/τ)``, τ ≈ 30 days, so about 95 % of the
  recovery happens by 3 months; most patients recover about 70 % of the possible motor gain, a
  minority with severe strokes very little (proportional recovery: Prabhakaran S et al.
  Neurorehabil Neural Repair 2008;22:64–71; Winters C et al. Neurorehabil Neural Repair
  2015;29:614–622).
* MG improves on therapy towards a patient-specific share of its baseline severity (weeks for
  complement and FcRn inhibitors, months for steroids and immunosuppressants), with occasional
  exacerbations (clinical.md C.5: MG has no untreated slope; responders by C.4 thresholds).
* Pain: about half the patients reach a ≥30 % NRS reduction (IMMPACT responder, clinical.md C.4).

Pure: standard library only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

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
class PlannedTherapy:
    drug: str
    started_on: date
    note: str = ""


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
    sma_genetics: PlannedSmaGenetics | None = None
    sma_statuses: list[PlannedSmaStatus] = field(default_factory=list)
    weak_side: str | None = None
    labels: dict = field(default_factory=dict)


# --- small shared pieces --------------------------------------------------------------------------


def _weighted(rng: random.Random, options: dict) -> str:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def years_between(start: date, end: date) -> float:
    return (end - start).days / YEAR


def _add_years(start: date, years: float) -> date:
    return start + timedelta(days=round(years * YEAR))


def _jitter(rng: random.Random, on: date, days: int) -> date:
    return on + timedelta(days=rng.randint(-days, days)) if days else on


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _saturating(gain: float, time_years: float, k_years: float) -> float:
    return gain * (1 - math.exp(-max(time_years, 0.0) / k_years)) if time_years > 0 else 0.0


def _birth_for_age(enrolled_on: date, age_years: float, rng: random.Random) -> date:
    return enrolled_on - timedelta(days=round(age_years * YEAR) + rng.randint(0, 20))


def _regular_dates(rng: random.Random, start: date, end: date, interval_days: int, tolerance: int) -> list[date]:
    dates, step = [], 1
    while True:
        on = _jitter(rng, start + timedelta(days=interval_days * step), tolerance)
        if on > end:
            return dates
        dates.append(on)
        step += 1


# --- spinal muscular atrophy --------------------------------------------------------------------

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
            total += _saturating(self.gain, years_between(treated_from, on), self.k)
        low, high = _RANGES[self.instrument]
        return _clamp(total + rng.gauss(0.0, self.noise), low, high)

    def _natural(self, start: date, end: date, birth: date, *, decline: bool) -> float:
        if end <= start:
            return 0.0
        age_start, age_end = years_between(birth, start), years_between(birth, end)
        young = max(0.0, min(age_end, _GROWTH_AGE) - age_start)
        older = max(0.0, age_end - max(age_start, _GROWTH_AGE))
        return young * _GROWTH[self.instrument] + (older * self.slope if decline else 0.0)


def plan_sma(rng: random.Random, as_of: date) -> Course:
    sma_type = _weighted(rng, SMA_TYPES)
    drug = _weighted(rng, _SMA_TREATMENT[sma_type])
    sex = rng.choice(("female", "male"))
    follow_up = rng.uniform(1.2, 5.0)
    enrolled_on = as_of - timedelta(days=round(follow_up * YEAR))
    age = _sma_age_at_enrolment(rng, sma_type, drug)
    if drug == "onasemnogene" and age >= 1.9:
        drug = "nusinersen"
    birth = _birth_for_age(enrolled_on, age, rng)
    onset_age = {"1": rng.uniform(0.05, 0.45), "2": rng.uniform(0.6, 1.4), "3": rng.uniform(1.5, 9.0), "4": rng.uniform(20.0, 32.0)}[sma_type]
    diagnosed_on = min(_add_years(birth, onset_age + rng.uniform(0.05, 0.5)), enrolled_on)
    course = Course("sma", sex, birth, enrolled_on)
    icd = "G12.0" if sma_type == "1" else "G12.1"
    course.diagnoses.append(PlannedDiagnosis(icd, diagnosed_on, True, f"5q SMA type {sma_type}"))
    copies = int(_weighted(rng, {str(k): v for k, v in _SMN2_BY_TYPE[sma_type].items()}))
    smn1 = "homozygous_deletion" if rng.random() < 0.95 else "compound_heterozygous"
    course.sma_genetics = PlannedSmaGenetics(smn1, copies, diagnosed_on)

    treated_from = None
    if drug is not None:
        delayed = drug != "onasemnogene" and rng.random() < 0.3 and follow_up > 2.2
        treated_from = _add_years(enrolled_on, rng.uniform(0.8, 1.6)) if delayed else enrolled_on
        course.therapies.append(PlannedTherapy(drug, treated_from, DRUG_NAMES[drug]))
        course.diagnoses[0] = PlannedDiagnosis(icd, diagnosed_on, True, f"5q SMA type {sma_type}; {DRUG_NAMES[drug]} since {treated_from.isoformat()}")
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
    return _add_years(treated_from, rng.uniform(0.7, 1.6))


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
        on = _jitter(rng, on + timedelta(days=interval), 14)
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
            on = _jitter(rng, start + timedelta(days=day), 2)
            if on <= as_of:
                assess = number == 4
                yield on, "treatment", f"{DRUG_NAMES[drug]}, loading dose {number}" + (" (end of loading)" if assess else ""), assess
        dose_on, number = start + timedelta(days=63), 0
        while True:
            dose_on = dose_on + timedelta(days=122)
            number += 1
            on = _jitter(rng, dose_on, 3)
            if on > as_of:
                return
            # Non-sitters are assessed at every maintenance dose, others at every second one.
            assess = status == "non_sitter" or number % 2 == 0
            yield on, "treatment", f"{DRUG_NAMES[drug]}, maintenance dose {number}", assess
    elif drug == "onasemnogene":
        offsets = [91, 182, 365]
        for offset in offsets:
            on = _jitter(rng, start + timedelta(days=offset), 14)
            if on <= as_of:
                yield on, "routine", f"{offset // 30} months after gene therapy", True
        for on in _regular_dates(rng, start + timedelta(days=365), as_of, 182, 14):
            yield on, "routine", "", True
    else:
        for on in _regular_dates(rng, start, as_of, 182, 14):
            yield on, "routine", "", True


# --- stroke ---------------------------------------------------------------------------------------

_STROKE_CODES = {"I63.3": 0.3, "I63.4": 0.25, "I63.5": 0.17, "I63.9": 0.1, "I61.0": 0.1, "I61.9": 0.08}


def plan_stroke(rng: random.Random, as_of: date) -> Course:
    sex = "male" if rng.random() < 0.55 else "female"
    age = _clamp(rng.gauss(64, 10), 40, 88)
    onset = as_of - timedelta(days=rng.randint(20, round(3.5 * YEAR)))
    birth = _birth_for_age(onset, age, rng)
    course = Course("stroke", sex, birth, onset)
    code = _weighted(rng, _STROKE_CODES)
    weak_side = rng.choice(("L", "R"))
    course.weak_side = weak_side
    course.diagnoses.append(PlannedDiagnosis(code, onset, True, f"{'Left' if weak_side == 'L' else 'Right'}-sided weakness"))

    nihss0 = _initial_nihss(rng)
    # Proportional recovery: most patients regain ~70 % of what they lost; a minority of severe
    # strokes ("non-fitters") regain little (Prabhakaran 2008; Winters 2015).
    fitter = rng.random() < (0.85 if nihss0 < 16 else 0.45)
    recovery = rng.uniform(0.55, 0.85) if fitter else rng.uniform(0.05, 0.3)
    severity = _clamp(nihss0 / 26 + rng.gauss(0, 0.08), 0.02, 1.0)
    arm = _clamp(severity * rng.uniform(0.8, 1.3) + rng.gauss(0, 0.08), 0.0, 1.0)
    leg = _clamp(arm * rng.uniform(0.55, 1.0), 0.0, 1.0)
    balance = _clamp(severity * rng.uniform(0.9, 1.4), 0.0, 1.0)
    activity = _clamp(severity * rng.uniform(1.0, 1.4) + 0.05, 0.0, 1.0)
    spastic = arm > 0.45 and rng.random() < 0.5
    depressed = rng.random() < 0.3
    pre_mrs = 0 if rng.random() < 0.75 else 1
    course.labels.update(nihss0=nihss0, recovery=recovery, weak_side=weak_side, onset=onset)
    if arm > 0.4:
        course.diagnoses.append(PlannedDiagnosis("G81.9", onset + timedelta(days=7), False, "Hemiparesis after stroke"))
    one_year = onset + timedelta(days=365)
    if one_year <= as_of:
        sequela = "I69.3" if code.startswith("I63") else "I69.1"
        course.diagnoses.append(PlannedDiagnosis(sequela, one_year, False, "Sequelae of stroke at one year"))

    def share(day: int, tau: float = 30.0) -> float:
        return recovery * (1 - math.exp(-day / tau))

    memo: dict[int, dict[str, float]] = {}

    def at(day: int) -> dict[str, float]:
        """Every measure on one day, drawn once so that the visit's instruments agree."""
        if day not in memo:
            arm_start, leg_start = 66 * (1 - arm), 34 * (1 - leg)
            barthel_start, berg_start = 100 * (1 - activity), 56 * (1 - balance)
            values = {
                "nihss": max(nihss0 * (1 - min(0.95, share(day, 12.0) + 0.1)) + rng.gauss(0, 0.7), 0),
                "fma_ue": _clamp(arm_start + share(day) * (66 - arm_start) + rng.gauss(0, 1.5), 0, 66),
                "fma_le": _clamp(leg_start + min(1.0, share(day) + 0.05) * (34 - leg_start) + rng.gauss(0, 1.0), 0, 34),
                "barthel": _clamp(barthel_start + min(1.0, share(day, 35.0) + 0.05) * (100 - barthel_start) + rng.gauss(0, 3), 0, 100),
                "berg": _clamp(berg_start + share(day, 35.0) * (56 - berg_start) + rng.gauss(0, 1.5), 0, 56),
                # Spasticity appears over the first weeks and persists (a share of the worst grades).
                "mas": (rng.uniform(0.15, 0.35) * min(1.0, day / 60)) if spastic else 0.0,
                "phq9": rng.uniform(10, 17) if depressed else rng.uniform(1, 7),
            }
            values["mrs"] = _mrs_from(barthel_value=values["barthel"], nihss_value=values["nihss"])
            memo[day] = values
        return memo[day]

    def nihss(day: int) -> float:
        return at(day)["nihss"]

    def mrs(day: int) -> float:
        return at(day)["mrs"]

    def phq9(day: int) -> float:
        return at(day)["phq9"]

    def rehab(day: int, *, fma_only: bool = False, berg: bool = False, mas: bool = False) -> list[PlannedAssessment]:
        """Clinical.md A.3: Barthel and FMA at every rehabilitation review; Berg at rehabilitation
        admission, discharge and 3 months once the patient can sit; MAS at admission and at 3 months,
        when spasticity treatment is considered."""
        values = at(day)
        items = [PlannedAssessment("fma_ue", values["fma_ue"], {"side": weak_side}), PlannedAssessment("fma_le", values["fma_le"], {"side": weak_side})]
        if fma_only:
            return items
        items.insert(0, PlannedAssessment("barthel", values["barthel"]))
        if berg and values["barthel"] >= 20:
            items.append(PlannedAssessment("berg", values["berg"]))
        if mas and spastic:
            items.append(PlannedAssessment("mas", None, {"side": weak_side}, share=values["mas"]))
        return items

    plan = [
        (0, 0, "baseline", "Admission with acute stroke", [PlannedAssessment("nihss", nihss0, {"interval": "baseline"}), PlannedAssessment("mrs", pre_mrs, {"reference_period": "pre_stroke", "method": "structured_interview"})]),
        (1, 0, "routine", "24 hours after onset", [PlannedAssessment("nihss", nihss(1), {"interval": "24h_after_onset"})]),
        (8, 1, "routine", "Discharge from the stroke unit", [PlannedAssessment("nihss", nihss(8), {"interval": "7_10_days"}), PlannedAssessment("mrs", mrs(8), {"reference_period": "current", "method": "structured_interview"})]),
        (11, 1, "routine", "Early inpatient rehabilitation: admission", rehab(11, berg=True, mas=True)),
        (24, 3, "routine", "Rehabilitation review at 2–4 weeks", rehab(24, fma_only=True) + [PlannedAssessment("phq9", phq9(24))]),
        (38, 4, "routine", "Discharge from inpatient rehabilitation", rehab(38, berg=True)),
        (90, 14, "routine", "3-month review", [PlannedAssessment("mrs", mrs(90), {"reference_period": "current", "method": "structured_interview"}), PlannedAssessment("nihss", nihss(90), {"interval": "3_months"}), *rehab(90, berg=True, mas=True), PlannedAssessment("phq9", phq9(90))]),
        (182, 14, "routine", "6-month review", [PlannedAssessment("mrs", mrs(182), {"reference_period": "current", "method": "structured_interview"}), *rehab(182), PlannedAssessment("phq9", phq9(182))]),
    ]
    plan += [
        (day, 14, "routine", "Yearly review", [PlannedAssessment("mrs", mrs(day), {"reference_period": "current", "method": "structured_interview"}), *rehab(day), PlannedAssessment("phq9", phq9(day))])
        for day in range(365, 4 * 365, 365)
    ]
    for day, tolerance, kind, note, assessments in plan:
        on = _jitter(rng, onset + timedelta(days=day), tolerance)
        if on > as_of:
            break
        course.visits.append(PlannedVisit(on, kind, note, tuple(assessments)))
    return course


def _initial_nihss(rng: random.Random) -> int:
    band = _weighted(rng, {"minor": 0.3, "moderate": 0.5, "moderately_severe": 0.12, "severe": 0.08})
    low, high = {"minor": (1, 4), "moderate": (5, 15), "moderately_severe": (16, 20), "severe": (21, 28)}[band]
    return rng.randint(low, high)


def _mrs_from(*, barthel_value: float, nihss_value: float) -> int:
    """A plausible mRS grade for a Barthel Index and NIHSS (for the demo only, not a conversion)."""
    if barthel_value >= 100 and nihss_value < 0.5:
        return 0
    if barthel_value >= 95:
        return 1
    if barthel_value >= 85:
        return 2
    if barthel_value >= 55:
        return 3
    if barthel_value >= 20:
        return 4
    return 5


# --- myasthenia gravis ---------------------------------------------------------------------------

MG_THERAPIES = {
    "standard": (0.66, "Pyridostigmine and prednisolone, azathioprine as steroid-sparing agent", 0.3),
    "eculizumab": (0.08, "Eculizumab (C5 inhibitor) after meningococcal vaccination", 0.1),
    "ravulizumab": (0.05, "Ravulizumab (C5 inhibitor) after meningococcal vaccination", 0.1),
    "efgartigimod": (0.13, "Efgartigimod alfa (FcRn blocker), cycles on clinical evaluation", 0.08),
    "rituximab": (0.08, "Rituximab (anti-CD20)", 0.2),
}
_MG_RANGES = {"mg_adl": (5, 13), "qmg": (8, 20), "mgc": (8, 22), "mg_qol15r": (10, 26)}


def plan_mg(rng: random.Random, as_of: date) -> Course:
    early_onset = rng.random() < 0.55
    sex = ("female" if rng.random() < 0.8 else "male") if early_onset else ("male" if rng.random() < 0.6 else "female")
    enrolled_on = as_of - timedelta(days=rng.randint(round(0.7 * YEAR), round(4.5 * YEAR)))
    age = rng.uniform(18, 45) if early_onset else rng.uniform(50, 80)
    birth = _birth_for_age(enrolled_on, age, rng)
    course = Course("mg", sex, birth, enrolled_on)
    diagnosed_on = enrolled_on - timedelta(days=rng.randint(0, round(3 * YEAR)))
    therapy = _weighted(rng, {k: v[0] for k, v in MG_THERAPIES.items()})
    _, therapy_note, k_years = MG_THERAPIES[therapy]
    antibody = "AChR antibody positive" if rng.random() < 0.85 else "MuSK antibody positive"
    course.diagnoses.append(PlannedDiagnosis("G70.0", diagnosed_on, True, f"{antibody}; {therapy_note}"))
    course.therapies.append(PlannedTherapy(therapy, enrolled_on, therapy_note))
    responder = rng.random() < 0.85
    improvement = rng.uniform(0.35, 0.8) if responder else rng.uniform(0.0, 0.15)
    severity = rng.random()
    baselines = {code: low + (high - low) * _clamp(severity + rng.gauss(0, 0.12), 0, 1) for code, (low, high) in _MG_RANGES.items()}
    course.labels.update(therapy=therapy, improvement=improvement, responder=responder)
    exacerbations = _exacerbations(rng, enrolled_on, as_of)

    def level(code: str, on: date) -> float:
        t = years_between(enrolled_on, on)
        k = k_years * (2.0 if code == "mg_qol15r" else 1.0)
        factor = 1 - _saturating(improvement, t, k)
        for start in exacerbations:
            weeks = (on - start).days / 7
            if 0 <= weeks < 10:
                factor += 0.6 * math.exp(-weeks / 3)
        noise = {"mg_adl": 0.8, "qmg": 1.2, "mgc": 1.3, "mg_qol15r": 1.5}[code]
        return max(baselines[code] * factor + rng.gauss(0, noise), 0)

    fast = therapy in ("eculizumab", "ravulizumab", "efgartigimod")
    offsets = [28, 56, 84] if fast else [91]
    offsets += [182, 273, 365]
    dates = [_jitter(rng, enrolled_on + timedelta(days=d), 3 if d <= 84 else 14) for d in offsets]
    later = enrolled_on + timedelta(days=365)
    while True:
        later = _jitter(rng, later + timedelta(days=rng.choice((122, 182))), 14)
        dates.append(later)
        if later > as_of:
            break
    last_qmg = last_qol = enrolled_on
    course.visits.append(PlannedVisit(enrolled_on, "baseline", "Registry enrolment; MGFA class recorded", tuple(PlannedAssessment(c, level(c, enrolled_on)) for c in _MG_RANGES)))
    for on in sorted(dates + exacerbations):
        if on > as_of:
            break
        if on in exacerbations:
            course.visits.append(PlannedVisit(on, "unscheduled", "Worsening: exacerbation review", tuple(PlannedAssessment(c, level(c, on)) for c in ("mg_adl", "qmg", "mgc"))))
            continue
        telemedicine = (on - enrolled_on).days > 200 and rng.random() < 0.25
        codes = ["mg_adl"]
        if not telemedicine:
            codes.append("mgc")
            # QMG yearly and at the complement/FcRn 12-week response review (clinical.md A.2).
            if (on - last_qmg).days >= 330 or (fast and 80 <= (on - enrolled_on).days <= 100):
                codes.append("qmg")
                last_qmg = on
        if (on - last_qol).days >= 170:
            codes.append("mg_qol15r")
            last_qol = on
        note = "12-week response review" if fast and 80 <= (on - enrolled_on).days <= 100 else ""
        kind = "telemedicine" if telemedicine else "routine"
        course.visits.append(PlannedVisit(on, kind, note, tuple(PlannedAssessment(c, level(c, on)) for c in codes)))
    return course


def _exacerbations(rng: random.Random, start: date, end: date) -> list[date]:
    found = []
    on = start + timedelta(days=120)
    while on < end:
        if rng.random() < 0.25 / 4:  # about one exacerbation in four patient-years
            found.append(on)
        on += timedelta(days=91)
    return [d for d in found if d <= end]


# --- chronic and neuropathic pain ----------------------------------------------------------------

PAIN_KINDS = {
    # code: (weight, ICD-10, label, neuropathic, spinal, treatment)
    "radiculopathy": (0.3, "M54.1", "Lumbar radiculopathy", True, True, "Pregabalin (GABAPENTINOID), physiotherapy"),
    "low_back": (0.3, "M54.5", "Chronic low back pain", False, True, "Physiotherapy, NSAID courses, duloxetine (SNRI)"),
    "polyneuropathy": (0.15, "G63.2", "Painful diabetic polyneuropathy", True, False, "Duloxetine (SNRI)"),
    "trigeminal": (0.12, "G50.0", "Trigeminal neuralgia", True, False, "Carbamazepine (OTHER_ADJUVANT)"),
    "postherpetic": (0.13, "B02.2", "Postherpetic neuralgia", True, False, "Lidocaine 5 % plaster (TOPICAL), amitriptyline (TCA)"),
}


def plan_pain(rng: random.Random, as_of: date) -> Course:
    kind = _weighted(rng, {k: v[0] for k, v in PAIN_KINDS.items()})
    _, icd, label, neuropathic, spinal, treatment = PAIN_KINDS[kind]
    sex = "female" if rng.random() < 0.57 else "male"
    enrolled_on = as_of - timedelta(days=rng.randint(120, round(4.0 * YEAR)))
    birth = _birth_for_age(enrolled_on, rng.uniform(30, 76), rng)
    course = Course("pain", sex, birth, enrolled_on)
    course.diagnoses.append(PlannedDiagnosis(icd, enrolled_on - timedelta(days=rng.randint(180, 1500)), True, f"{label}; {treatment}"))
    course.therapies.append(PlannedTherapy(kind, enrolled_on, treatment))
    response = _weighted(rng, {"responder": 0.55, "partial": 0.25, "none": 0.2})
    reduction = {"responder": rng.uniform(0.35, 0.6), "partial": rng.uniform(0.1, 0.3), "none": rng.uniform(0.0, 0.1)}[response]
    nrs0 = rng.uniform(5.5, 9.0)
    mood = rng.uniform(0.1, 0.7)
    course.labels.update(kind=kind, response=response, reduction=reduction, neuropathic=neuropathic)

    def relief(on: date) -> float:
        return _saturating(reduction, years_between(enrolled_on, on), 0.12)

    def nrs(on: date) -> float:
        return _clamp(nrs0 * (1 - relief(on)) + rng.gauss(0, 0.6), 0, 10)

    def core(on: date, *, baseline: bool = False) -> tuple[PlannedAssessment, ...]:
        pain_now = nrs(on)
        share = relief(on)
        found = [
            PlannedAssessment("nrs_pain", pain_now, {"recall_period": "7d_average"}),
            # BPI-SF has no single total: plan the share of the worst answers on its 0–10 items.
            PlannedAssessment("bpi_sf", None, {"recall_period": "24h"}, share=_clamp(pain_now * rng.uniform(0.75, 1.0), 0, 10) / 10),
        ]
        if baseline:
            dn4 = rng.randint(4, 8) if neuropathic else rng.randint(0, 3)
            found.append(PlannedAssessment("dn4", dn4))
        if spinal:
            found.append(PlannedAssessment("odi", _clamp((20 + 45 * (nrs0 - 5) / 4) * (1 - 0.8 * share) + rng.gauss(0, 3), 0, 100)))
        found.append(PlannedAssessment("phq9", _clamp(27 * mood * (1 - 0.6 * share) + rng.gauss(0, 1.2), 0, 27)))
        found.append(PlannedAssessment("hads", _clamp(42 * mood * 0.8 * (1 - 0.5 * share) + rng.gauss(0, 1.5), 0, 42)))
        return tuple(found)

    course.visits.append(PlannedVisit(enrolled_on, "baseline", "Referral to the pain clinic", core(enrolled_on, baseline=True)))
    one_month = _jitter(rng, enrolled_on + timedelta(days=30), 3)
    if one_month <= as_of:
        kind_of_visit = "telemedicine" if rng.random() < 0.4 else "treatment"
        course.visits.append(PlannedVisit(one_month, kind_of_visit, f"Treatment visit: {treatment}", (PlannedAssessment("nrs_pain", nrs(one_month), {"recall_period": "7d_average"}),)))
    for day in (91, 182, 365, 730, 1095):
        on = _jitter(rng, enrolled_on + timedelta(days=day), 14)
        if on > as_of:
            break
        course.visits.append(PlannedVisit(on, "routine", "Episode review", core(on)))
    return course


PLANNERS: dict[str, Callable[[random.Random, date], Course]] = {
    "sma": plan_sma,
    "stroke": plan_stroke,
    "mg": plan_mg,
    "pain": plan_pain,
}
