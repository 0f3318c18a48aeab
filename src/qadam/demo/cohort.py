"""The synthetic demo cohort: centers, patients, visits, item-level assessments and therapies.

``generate_cohort`` is deterministic for a seed and a reference date: the same arguments always give
the same cohort, patient by patient (each patient draws from their own seeded stream, so patient 7
does not change when the cohort grows). Every assessment is a set of item responses scored through
``qadam.scales.score``; the totals follow the disease courses of ``qadam.demo.courses``.

Every part of monitoring shows: the first patients (``SHOWCASE``) are chosen, not drawn, so that
even a small cohort has a patient on each therapy of the catalogue, treatment responses that
improved, stayed stable and worsened against the baseline before the course, a nusinersen dose
given late and a pause handled by the label's missed-dose rules, a C5 inhibitor about to start
without a recorded meningococcal vaccination, a botulinum session sooner than 12 weeks, a risdiplam
dose that no longer matches the weight, follow-up that lapsed (overdue assessments and doses) and
adolescents who turn 18 within the year (transition to adult care). The other patients draw the
same features at plausible rates.

Everything is labelled as synthetic: center names and patient names start with ``DEMO``.

Pure: standard library, ``qadam.scales`` and ``qadam.regimens`` only; the output is plain
dataclasses that ``qadam.demo.loader`` writes into the registry.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from qadam import scales
from qadam.regimens import Observation, select_baseline
from qadam.scales.mg import mgc_history_from_mg_adl

from . import responses as item_responses
from .courses import PLANNERS, Course, PlannedAssessment, PlannedVisit, years_between
from .courses.base import PlannedAdverseEvent, PlannedDose, PlannedTherapy, PlannedVaccination, PlannedWeight
from .people import demo_iin, demo_name, height_cm, weight_kg

# The records of a therapy, as the planners made them (frozen dataclasses).
DemoDose = PlannedDose
DemoAdverseEvent = PlannedAdverseEvent
DemoVaccination = PlannedVaccination
DemoWeight = PlannedWeight

DEFAULT_SEED = 20240901
DEFAULT_PATIENTS = 300


@dataclass(frozen=True)
class DemoCenter:
    code: str
    name: str
    region: str
    city: str
    kind: str


# Six centers in six regions; the first is where the demo clinician and coordinator work.
CENTERS: tuple[DemoCenter, ...] = (
    DemoCenter("demo-astana", "DEMO Astana Republican Neurology Center", "astana", "Astana", "republican"),
    DemoCenter("demo-almaty", "DEMO Almaty City Neurology Center", "almaty", "Almaty", "city"),
    DemoCenter("demo-shymkent", "DEMO Shymkent City Hospital", "shymkent", "Shymkent", "city"),
    DemoCenter(
        "demo-karaganda", "DEMO Karaganda Regional Rehabilitation Center", "karaganda", "Karaganda", "rehabilitation"
    ),
    DemoCenter("demo-aktau", "DEMO Mangystau Regional Hospital", "mangystau", "Aktau", "regional"),
    DemoCenter("demo-kostanay", "DEMO Kostanay Regional Outpatient Clinic", "kostanay", "Kostanay", "outpatient"),
)

CONDITIONS: dict[str, float] = {"sma": 0.30, "stroke": 0.33, "mg": 0.17, "pain": 0.20}
# Where each condition is followed: SMA mostly at the republican and city centers, stroke in
# rehabilitation and regional care, pain in outpatient clinics. Every center sees every condition.
_CENTER_WEIGHTS: dict[str, tuple[float, ...]] = {
    "sma": (0.35, 0.25, 0.15, 0.08, 0.09, 0.08),
    "stroke": (0.15, 0.12, 0.18, 0.25, 0.15, 0.15),
    "mg": (0.3, 0.2, 0.15, 0.12, 0.11, 0.12),
    "pain": (0.15, 0.15, 0.15, 0.15, 0.1, 0.3),
}
# What each condition is followed with (clinical.md A.1–A.4); the cohort uses exactly these.
INSTRUMENTS_BY_CONDITION: dict[str, frozenset[str]] = {
    "sma": frozenset({"chop_intend", "hfmse", "rulm", "6mwt", "fvc", "eq5d5l"}),
    "stroke": frozenset({"nihss", "mrs", "barthel", "fma_ue", "fma_le", "berg", "mas", "phq9", "hads", "eq5d5l"}),
    "mg": frozenset({"mg_adl", "qmg", "mgc", "mg_qol15r"}),
    "pain": frozenset({"nrs_pain", "dn4", "odi", "bpi_sf", "hads", "phq9", "eq5d5l"}),
}
# Patients whose follow-up lapsed 7–14 months ago: their assessments and doses are overdue.
LAPSED_SHARE = 0.06
SHOWCASE_ATTEMPTS = 25


@dataclass(frozen=True)
class Showcase:
    """A patient chosen rather than drawn: the condition and the planner's fixed choices."""

    condition: str
    options: dict[str, Any]
    shows: str


# The first patients of every cohort, in this order. Patients 2–6 are seen at the other five
# centers (one each, so that every center has patients); the rest at the first center, where the
# demo clinician and coordinator work.
SHOWCASE: tuple[Showcase, ...] = (
    Showcase(
        "sma",
        {"sma_type": "2", "drug": "nusinersen", "response": "improved", "missed": "late", "age_at_as_of": 9.0,
         "follow_up": 3.5, "delayed": False},
        "nusinersen with a maintenance dose given late (label's rule for <8 months since the last dose); improved",
    ),
    Showcase("mg", {"therapy": "rituximab", "response": "improved", "follow_up": 2.5}, "rituximab; improved"),
    Showcase("stroke", {"botulinum": "incobotulinumtoxinA"}, "incobotulinumtoxinA sessions ≥12 weeks apart"),
    Showcase("pain", {"kind": "trigeminal", "response": "responder"}, "carbamazepine; improved"),
    Showcase("mg", {"therapy": "ivig", "response": "improved", "follow_up": 2.0}, "maintenance IVIG; improved"),
    Showcase("pain", {"kind": "postherpetic", "response": "partial"}, "lidocaine plaster; stable"),
    Showcase(
        "mg", {"therapy": "eculizumab", "response": "improved", "follow_up": 2.5},
        "eculizumab after meningococcal ACWY and B vaccination; improved",
    ),
    Showcase("stroke", {"botulinum": "onabotulinumtoxinA"}, "onabotulinumtoxinA sessions ≥3 months apart"),
    Showcase("pain", {"kind": "radiculopathy", "response": "responder"}, "pregabalin; improved"),
    Showcase(
        "sma", {"sma_type": "1", "drug": "onasemnogene", "response": "improved", "follow_up": 2.0},
        "onasemnogene abeparvovec IV in an infant; improved",
    ),
    Showcase(
        "mg", {"therapy": "efgartigimod", "response": "improved", "follow_up": 2.0},
        "efgartigimod cycles (next cycle not before 7 weeks); improved",
    ),
    Showcase(
        "sma",
        {"sma_type": "3", "drug": "nusinersen", "response": "worsened", "age_at_as_of": 38.0, "follow_up": 4.0,
         "delayed": False, "missed": None},
        "adult on nusinersen who keeps declining; worsened",
    ),
    Showcase("mg", {"therapy": "ravulizumab", "response": "stable", "follow_up": 1.8}, "ravulizumab; stable"),
    Showcase(
        "stroke", {"botulinum": "abobotulinumtoxinA", "too_close": True},
        "abobotulinumtoxinA, latest session sooner than 12 weeks (clinician override)",
    ),
    Showcase("pain", {"kind": "polyneuropathy", "response": "worse"}, "duloxetine then pregabalin; worsened"),
    Showcase(
        "sma",
        {"sma_type": "2", "drug": "risdiplam", "response": "stable", "age_at_as_of": 17.4, "follow_up": 3.0,
         "delayed": False},
        "risdiplam with weights; stable; turns 18 within the year",
    ),
    Showcase(
        "mg", {"therapy": "zilucoplan", "response": "improved", "prophylaxis": True, "follow_up": 1.2},
        "zilucoplan started under antibiotic prophylaxis, meningococcal B vaccination still to give",
    ),
    Showcase(
        "sma",
        {"sma_type": "3", "drug": "nusinersen", "response": "improved", "missed": "gap", "age_at_as_of": 17.8,
         "follow_up": 4.5, "delayed": False},
        "nusinersen paused 9–11 months, then dose plus extra dose (label's 8–16-month rule); turns 18 within the year",
    ),
    Showcase(
        "mg", {"therapy": "standard", "response": "improved", "exacerbation": 200, "rescue": "plasma_exchange",
               "follow_up": 2.0},
        "prednisolone and azathioprine; exacerbation treated with plasma exchange",
    ),
    Showcase(
        "mg", {"therapy": "standard", "response": "worsened", "exacerbation": 150, "rescue": "ivig", "c5_planned": True,
               "follow_up": 2.0},
        "worsened on standard therapy, IVIG rescue; ravulizumab to start today without a recorded meningococcal "
        "vaccination (safety warning)",
    ),
    Showcase(
        "sma",
        {"sma_type": "2", "drug": "risdiplam", "response": "improved", "risdiplam_mismatch": True,
         "age_at_as_of": 4.5, "follow_up": 2.5, "delayed": False},
        "risdiplam dose not recalculated for the latest weight (dosing warning)",
    ),
    Showcase(
        "sma",
        {"sma_type": "3", "drug": "nusinersen", "response": "improved", "missed": None, "age_at_as_of": 26.0,
         "follow_up": 3.5, "delayed": False, "lapsed_days": 215},
        "nusinersen maintenance dose and assessments overdue (follow-up lapsed 7 months ago)",
    ),
    Showcase(
        "sma", {"sma_type": "2", "drug": None, "age_at_as_of": 17.1, "follow_up": 3.0, "lapsed_days": 300},
        "untreated, assessments overdue; turns 18 within the year",
    ),
    Showcase(
        "sma", {"sma_type": "1", "drug": "onasemnogene", "follow_up": 0.12},
        "onasemnogene infused 6 weeks ago: prednisolone taper and liver tests due",
    ),
    Showcase(
        "mg", {"therapy": "rozanolixizumab", "response": "improved", "follow_up": 1.5},
        "rozanolixizumab cycles of 6 weekly infusions; improved",
    ),
)  # fmt: skip

AMENDMENT_REASONS = (
    "Item re-scored after review of the video recording",
    "Transcription error corrected against the paper form",
    "Wrong item marked on entry; corrected by the rater",
)


@dataclass(frozen=True)
class DemoAmendment:
    responses: dict[str, Any]
    context: dict[str, Any]
    result: scales.Result
    reason: str
    signed: bool


@dataclass(frozen=True)
class DemoAssessment:
    instrument: str
    responses: dict[str, Any]
    context: dict[str, Any]
    result: scales.Result
    status: str  # "draft", "completed" or "signed" (before any amendment)
    amendment: DemoAmendment | None = None

    @property
    def total(self):
        return self.result.total


@dataclass(frozen=True)
class DemoVisit:
    visit_date: date
    kind: str
    note: str
    assessments: tuple[DemoAssessment, ...]


@dataclass(frozen=True)
class DemoDiagnosis:
    icd10: str
    diagnosed_on: date
    is_primary: bool
    note: str


@dataclass(frozen=True)
class DemoSmaGenetics:
    smn1_status: str
    smn2_copies: int | None
    tested_on: date


@dataclass(frozen=True)
class DemoSmaStatus:
    recorded_on: date
    sma_type: str
    functional_status: str


@dataclass(frozen=True)
class DemoConsent:
    kind: str
    given_on: date
    withdrawn_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class DemoTherapy:
    """One therapy course: a drug code of ``qadam.regimens.DRUGS`` (or ``adjuvant:<CLASS>``) with
    its doses and adverse events (``dose_index`` points into ``doses``). ``expected_response`` is
    what the scores were shaped towards on ``response_instrument``."""

    drug: str
    started_on: date
    note: str
    product: str = ""
    stopped_on: date | None = None
    stop_reason: str = ""
    indication: str = ""
    prophylaxis_started_on: date | None = None
    doses: tuple[DemoDose, ...] = ()
    adverse_events: tuple[DemoAdverseEvent, ...] = ()
    expected_response: str | None = None
    response_instrument: str | None = None


@dataclass(frozen=True)
class DemoPatient:
    number: int
    center: str
    condition: str
    full_name: str
    iin: str
    birth_date: date
    sex: str
    enrolled_on: date
    diagnoses: tuple[DemoDiagnosis, ...]
    consents: tuple[DemoConsent, ...]
    visits: tuple[DemoVisit, ...]
    therapies: tuple[DemoTherapy, ...] = ()
    vaccinations: tuple[DemoVaccination, ...] = ()
    weights: tuple[DemoWeight, ...] = ()
    sma_genetics: DemoSmaGenetics | None = None
    sma_statuses: tuple[DemoSmaStatus, ...] = ()
    # What the course planner decided (SMA type, drug, stroke side …), for tests and reports.
    labels: dict[str, Any] = field(default_factory=dict)

    def assessments(self) -> Iterator[tuple[DemoVisit, DemoAssessment]]:
        for visit in self.visits:
            for assessment in visit.assessments:
                yield visit, assessment


@dataclass(frozen=True)
class DemoCohort:
    seed: int
    as_of: date
    centers: tuple[DemoCenter, ...]
    patients: tuple[DemoPatient, ...]
    # Planned instruments that the scales catalogue does not (yet) hold; left out, never faked.
    skipped_instruments: frozenset[str] = frozenset()

    def assessment_count(self) -> int:
        return sum(len(v.assessments) for p in self.patients for v in p.visits)

    def course_count(self) -> int:
        return sum(len(p.therapies) for p in self.patients)

    def dose_count(self) -> int:
        return sum(len(t.doses) for p in self.patients for t in p.therapies)

    def visit_count(self) -> int:
        return sum(len(p.visits) for p in self.patients)


Progress = Callable[[int, int], None]


def generate_cohort(
    *,
    patients: int = DEFAULT_PATIENTS,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> DemoCohort:
    """Generate ``patients`` synthetic patients over the six demo centers.

    ``as_of`` is the last possible visit date (today when omitted); ``progress(done, total)`` is
    called after each patient.
    """
    if patients < 1:
        raise ValueError(f"A cohort needs at least one patient. Got {patients}.")
    as_of = as_of or date.today()
    order_rng = random.Random(f"qadam-demo:{seed}:order")
    conditions = _with_showcase(_allocate(patients, order_rng))
    taken_iins: set[str] = set()
    skipped: set[str] = set()
    people = []
    for number, condition in enumerate(conditions, start=1):
        people.append(_patient(seed, number, condition, as_of, taken_iins, skipped))
        if progress is not None:
            progress(number, patients)
    return DemoCohort(seed, as_of, CENTERS, tuple(people), frozenset(skipped))


def _allocate(count: int, rng: random.Random) -> list[str]:
    """Conditions for ``count`` patients in the CONDITIONS proportions (largest remainder), shuffled.

    Every condition gets at least one patient whenever there are as many patients as conditions.
    """
    exact = {c: count * w for c, w in CONDITIONS.items()}
    counts = {c: int(v) for c, v in exact.items()}
    if count >= len(CONDITIONS):
        for c in counts:
            counts[c] = max(counts[c], 1)
    while sum(counts.values()) < count:
        c = max(exact, key=lambda k: exact[k] - counts[k])
        counts[c] += 1
    while sum(counts.values()) > count:
        c = max(counts, key=lambda k: counts[k])
        counts[c] -= 1
    found = [c for c, n in counts.items() for _ in range(n)]
    rng.shuffle(found)
    return found


def _with_showcase(conditions: list[str]) -> list[str]:
    """Put each showcase patient's condition at its place, keeping the cohort's proportions."""
    found = list(conditions)
    for index, showcase in enumerate(SHOWCASE[: len(found)]):
        if found[index] == showcase.condition:
            continue
        swap = next((j for j in range(index + 1, len(found)) if found[j] == showcase.condition), None)
        if swap is None:
            found[index] = showcase.condition
        else:
            found[index], found[swap] = found[swap], found[index]
    return found


def _patient(
    seed: int, number: int, condition: str, as_of: date, taken_iins: set[str], skipped: set[str]
) -> DemoPatient:
    rng = random.Random(f"qadam-demo:{seed}:{number}")
    showcase = SHOWCASE[number - 1] if number <= len(SHOWCASE) and SHOWCASE[number - 1].condition == condition else None
    if number <= len(CENTERS):
        center = CENTERS[number - 1].code
    elif showcase is not None:
        center = CENTERS[0].code
    else:
        center = rng.choices([c.code for c in CENTERS], weights=_CENTER_WEIGHTS[condition])[0]
    body = random.Random(f"qadam-demo:{seed}:{number}:body").gauss(0.0, 1.0)
    options = dict(showcase.options) if showcase else {}
    lapsed_days = options.pop("lapsed_days", None)
    lapse_rng = random.Random(f"qadam-demo:{seed}:{number}:lapse")
    if lapsed_days is None and showcase is None and lapse_rng.random() < LAPSED_SHARE:
        lapsed_days = lapse_rng.randint(210, 420)
    # A showcase patient must show what it is there for: its courses are planned again (from the
    # next stream) until every planned response is clear of the threshold (at most a few times).
    for attempt in range(SHOWCASE_ATTEMPTS if showcase else 1):
        planner_rng = rng if attempt == 0 else random.Random(f"qadam-demo:{seed}:{number}:attempt:{attempt}")
        course = PLANNERS[condition](planner_rng, as_of, body=body, options=options)
        if lapsed_days is not None:
            _lapse(course, as_of - timedelta(days=lapsed_days))
        if showcase is None or _responses_as_planned(course):
            break
    if showcase is not None:
        course.labels["showcase"] = showcase.shows
    identity_rng = random.Random(f"qadam-demo:{seed}:{number}:identity")
    full_name = demo_name(identity_rng, course.sex)
    iin = demo_iin(identity_rng, course.birth_date, course.sex, taken_iins)
    education = identity_rng.randint(9, 17)
    realiser = _Realiser(seed, number, course, body, education, skipped)
    visits = tuple(realiser.visit(v) for v in course.visits)
    visits = _with_statuses(random.Random(f"qadam-demo:{seed}:{number}:status"), visits, as_of, realiser)
    return DemoPatient(
        number=number,
        center=center,
        condition=condition,
        full_name=full_name,
        iin=iin,
        birth_date=course.birth_date,
        sex=course.sex,
        enrolled_on=course.enrolled_on,
        diagnoses=tuple(DemoDiagnosis(d.icd10, d.diagnosed_on, d.is_primary, d.note) for d in course.diagnoses),
        consents=_consents(rng, course.enrolled_on, as_of),
        visits=visits,
        therapies=tuple(_therapy(t) for t in sorted(course.therapies, key=lambda t: t.started_on)),
        vaccinations=tuple(sorted(course.vaccinations, key=lambda v: v.given_on)),
        weights=tuple(sorted({w.measured_on: w for w in course.weights}.values(), key=lambda w: w.measured_on)),
        sma_genetics=None
        if course.sma_genetics is None
        else DemoSmaGenetics(
            course.sma_genetics.smn1_status, course.sma_genetics.smn2_copies, course.sma_genetics.tested_on
        ),
        sma_statuses=tuple(DemoSmaStatus(s.recorded_on, s.sma_type, s.functional_status) for s in course.sma_statuses),
        labels=dict(course.labels),
    )


def _therapy(planned: PlannedTherapy) -> DemoTherapy:
    return DemoTherapy(
        drug=planned.drug,
        started_on=planned.started_on,
        note=planned.note,
        product=planned.product,
        stopped_on=planned.stopped_on,
        stop_reason=planned.stop_reason,
        indication=planned.indication,
        prophylaxis_started_on=planned.prophylaxis_started_on,
        doses=tuple(planned.doses),
        adverse_events=tuple(planned.adverse_events),
        expected_response=planned.expected_response,
        response_instrument=planned.response_instrument,
    )


def planned_change(
    instrument: str, observations: list[tuple[date, float]], started_on: date
) -> tuple[float, str] | None:
    """Change of the latest result after ``started_on`` from the baseline (the last result in the 3
    months up to the start: ``qadam.regimens.select_baseline``), and its class by the instrument's
    meaningful change: improved, stable or worsened (``None`` without baseline or follow-up)."""
    found = [Observation(day, value) for day, value in observations]
    baseline = select_baseline(found, started_on)
    later = sorted((o for o in found if o.day > started_on), key=lambda o: o.day)
    definition = scales.INSTRUMENTS.get(instrument)
    if baseline is None or not later or definition is None or definition.mcid is None:
        return None
    change = later[-1].value - baseline.value
    better = change if definition.higher_is_better is not False else -change
    threshold = definition.mcid.value
    return change, "improved" if better >= threshold else "worsened" if better <= -threshold else "stable"


def _responses_as_planned(course: Course) -> bool:
    """Every course with an expected response reaches it with a margin of a point (realised item
    answers may round a planned total by less than that)."""
    for therapy in course.therapies:
        if not therapy.expected_response or not therapy.response_instrument:
            continue
        observations = [
            (visit.on, round(a.total, 1))
            for visit in course.visits
            for a in visit.assessments
            if a.instrument == therapy.response_instrument and a.total is not None
        ]
        if all(day <= therapy.started_on for day, _ in observations):
            continue  # no follow-up yet: nothing to judge
        found = planned_change(therapy.response_instrument, observations, therapy.started_on)
        if found is None or found[1] != therapy.expected_response:
            return False
        threshold = scales.get(therapy.response_instrument).mcid.value
        margin = abs(found[0]) - threshold
        if (therapy.expected_response == "stable" and margin > -1) or (
            therapy.expected_response != "stable" and margin < 1
        ):
            return False
    return True


def _lapse(course: Course, cutoff: date) -> None:
    """Follow-up lapsed after ``cutoff``: nothing later is recorded, and courses stay open, so their
    next doses and the next assessments are overdue on the demo's today."""
    if cutoff < course.enrolled_on + timedelta(days=120):
        return
    course.visits = [v for v in course.visits if v.on <= cutoff]
    course.therapies = [t for t in course.therapies if t.started_on <= cutoff]
    for therapy in course.therapies:
        therapy.doses = [d for d in therapy.doses if d.given_on <= cutoff]
        therapy.adverse_events = [e for e in therapy.adverse_events if e.onset_on <= cutoff]
        if therapy.stopped_on is not None and therapy.stopped_on > cutoff:
            therapy.stopped_on, therapy.stop_reason = None, ""
    course.vaccinations = [v for v in course.vaccinations if v.given_on <= cutoff]
    course.weights = [w for w in course.weights if w.measured_on <= cutoff]
    course.sma_statuses = [s for s in course.sma_statuses if s.recorded_on <= cutoff] or course.sma_statuses[:1]
    course.diagnoses = [d for d in course.diagnoses if d.is_primary or d.diagnosed_on <= cutoff]
    course.labels["lapsed_since"] = cutoff


def _consents(rng: random.Random, enrolled_on: date, as_of: date) -> tuple[DemoConsent, ...]:
    """Registry consent for everyone at enrolment; research and data sharing for some; rare withdrawal."""
    consents = [DemoConsent("registry", enrolled_on, note="Synthetic demo consent")]
    if rng.random() < 0.6:
        withdrawn = None
        if rng.random() < 0.05 and (as_of - enrolled_on).days > 120:
            withdrawn = enrolled_on + timedelta(days=rng.randint(60, (as_of - enrolled_on).days))
        consents.append(DemoConsent("research", enrolled_on, withdrawn))
    if rng.random() < 0.2:
        consents.append(DemoConsent("data_sharing", enrolled_on))
    return tuple(consents)


class _Realiser:
    """Turns one patient's planned totals into scored item responses."""

    def __init__(self, seed: int, number: int, course: Course, body: float, education: int, skipped: set[str]):
        self.seed, self.number, self.course = seed, number, course
        self.body, self.education, self.skipped = body, education, skipped
        self.rng = random.Random(f"qadam-demo:{seed}:{number}:responses")
        self._difficulties: dict[str, dict[str, float]] = {}

    def visit(self, planned: PlannedVisit) -> DemoVisit:
        found: list[DemoAssessment] = []
        for assessment in planned.assessments:
            made = self.assessment(assessment, planned.on, found)
            if made is not None:
                found.append(made)
        return DemoVisit(planned.on, planned.kind, planned.note, tuple(found))

    def assessment(self, planned: PlannedAssessment, on: date, same_day: list[DemoAssessment]) -> DemoAssessment | None:
        instrument = scales.INSTRUMENTS.get(planned.instrument)
        if instrument is None:
            self.skipped.add(planned.instrument)
            return None
        facts = self.facts(on, planned.facts)
        if instrument.code == "fvc":
            return _fvc(planned.total, facts)
        if instrument.code == "eq5d5l":
            return _eq5d5l(planned.share or 0.0, self.rng)
        fixed: dict[str, Any] = {}
        mg_adl = next((a for a in same_day if a.instrument == "mg_adl"), None)
        if instrument.code == "mgc" and mg_adl is not None:
            # The MGC history items repeat the same day's MG-ADL answers (spec §4.3).
            fixed = mgc_history_from_mg_adl(mg_adl.responses)
            facts["history_source"] = "mg_adl"
        generated = item_responses.generate(
            instrument,
            planned.total,
            target_share=planned.share,
            difficulties=self.difficulties(instrument),
            facts=facts,
            rng=self.rng,
            weak_side=self.course.weak_side,
            fixed=fixed,
        )
        responses, result = generated.responses, generated.result
        if instrument.code == "6mwt":
            responses, result = _with_minute_distances(responses, generated.context, self.rng)
        return DemoAssessment(planned.instrument, responses, generated.context, result, "signed")

    def difficulties(self, instrument: scales.Instrument) -> dict[str, float]:
        if instrument.code not in self._difficulties:
            rng = random.Random(f"qadam-demo:{self.seed}:{self.number}:{instrument.code}")
            self._difficulties[instrument.code] = item_responses.item_difficulties(
                instrument, rng, weak_side=self.course.weak_side
            )
        return self._difficulties[instrument.code]

    def facts(self, on: date, extra: dict[str, Any]) -> dict[str, Any]:
        age = years_between(self.course.birth_date, on)
        height = height_cm(age, self.course.sex, self.body)
        return {
            "sex": self.course.sex,
            "age": _completed_years(self.course.birth_date, on),
            "age_years": round(age, 1),
            "age_months": int(age * 12),
            "height_cm": height,
            "weight_kg": weight_kg(age, height, self.body),
            "education_years": min(self.education, max(int(age) - 6, 0)),
            **extra,
        }

    def amend(self, assessment: DemoAssessment, rng: random.Random) -> DemoAmendment | None:
        """Change one item by one level, as a rater correcting an entry would, and re-score."""
        instrument = scales.get(assessment.instrument)
        candidates = [i for i in instrument.items if i.choices and i.id in assessment.responses and i.scored]
        rng.shuffle(candidates)
        for item in candidates:
            codes = [c.code for c in item.choices if c.points is not None]
            current = assessment.responses[item.id]
            if current not in codes or len(codes) < 2:
                continue
            index = codes.index(current)
            new_index = index + 1 if index == 0 else index - 1
            changed = {**assessment.responses, item.id: codes[new_index]}
            try:
                result = scales.score(instrument.code, changed, assessment.context)
            except scales.ScaleError:
                continue
            if result.missing or not result.complete:
                continue  # the change would make another item necessary (Berg item 3)
            return DemoAmendment(
                changed, dict(assessment.context), result, rng.choice(AMENDMENT_REASONS), signed=rng.random() < 0.75
            )
        return None


def _completed_years(birth: date, on: date) -> int:
    """Age in completed years, as on an identity document (the registry computes it the same way)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _fvc(percent: float, facts: dict[str, Any]) -> DemoAssessment:
    """A measured FVC in litres that gives ``percent`` of the GLI-2012 predicted value for the
    patient's sex, age and height (the registry computes the % predicted itself)."""
    context = item_responses.build_context(scales.get("fvc"), facts)
    per_litre = scales.score("fvc", {"fvc_l": 1.0}, context).total  # % predicted of 1 litre
    litres = max(round(percent / per_litre, 2), 0.1)
    responses = {"fvc_l": litres}
    return DemoAssessment("fvc", responses, context, scales.score("fvc", responses, context), "signed")


def _eq5d5l(severity: float, rng: random.Random) -> DemoAssessment:
    """EQ-5D-5L: each dimension's level (1 no problems … 5 extreme) and the VAS follow ``severity``."""
    responses: dict[str, Any] = {
        str(dimension): min(max(round(1 + 4 * (severity + rng.gauss(0, 0.12))), 1), 5) for dimension in range(1, 6)
    }
    responses["vas"] = min(max(round(95 - 75 * severity + rng.gauss(0, 6)), 0), 100)
    return DemoAssessment("eq5d5l", responses, {}, scales.score("eq5d5l", responses, {}), "signed")


def _with_minute_distances(
    responses: dict[str, Any], context: dict[str, Any], rng: random.Random
) -> tuple[dict[str, Any], scales.Result]:
    """Split a 6MWT distance over its six minutes, slowing from minute 1 to minute 6.

    Ambulant SMA walkers slow down during the test: minute 1 57.5 m vs minute 6 48 m on average,
    about −16.5 % (Montes J et al. Neurology 2010;74:833–838); each patient draws a decline of
    5–25 %.
    """
    distance = int(responses["distance_m"])
    decline = rng.uniform(0.05, 0.25)
    shape = [1 - decline * minute / 5 for minute in range(6)]
    minutes = [int(distance * s / sum(shape)) for s in shape]
    minutes[0] += distance - sum(minutes)  # whole metres that add up exactly to the distance
    changed = {**responses, **{f"minute_{n}_m": m for n, m in enumerate(minutes, start=1)}}
    return changed, scales.score("6mwt", changed, context)


def _with_statuses(
    rng: random.Random, visits: tuple[DemoVisit, ...], as_of: date, realiser: _Realiser
) -> tuple[DemoVisit, ...]:
    """Signed history; a recent last visit may still be a draft or await signature; ~2 % amended."""
    updated = []
    for index, visit in enumerate(visits):
        recent_last = index == len(visits) - 1 and (as_of - visit.visit_date).days <= 120
        assessments = []
        for assessment in visit.assessments:
            status = "signed"
            if recent_last:
                status = rng.choices(("signed", "completed", "draft"), weights=(0.5, 0.3, 0.2))[0]
            amendment = None
            if status == "signed" and rng.random() < 0.02:
                amendment = realiser.amend(assessment, rng)
            assessments.append(
                DemoAssessment(
                    assessment.instrument,
                    assessment.responses,
                    assessment.context,
                    assessment.result,
                    status,
                    amendment,
                )
            )
        updated.append(DemoVisit(visit.visit_date, visit.kind, visit.note, tuple(assessments)))
    return tuple(updated)
