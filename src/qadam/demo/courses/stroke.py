"""Stroke: acute NIHSS, rehabilitation reviews and front-loaded recovery (see the package docstring)."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .base import (
    YEAR,
    Course,
    PlannedAssessment,
    PlannedDiagnosis,
    PlannedDose,
    PlannedTherapy,
    PlannedVisit,
    birth_for_age,
    clamp,
    jitter,
    lot_number,
    weighted,
)

_STROKE_CODES = {"I63.3": 0.3, "I63.4": 0.25, "I63.5": 0.17, "I63.9": 0.1, "I61.0": 0.1, "I61.9": 0.08}


def plan_stroke(
    rng: random.Random, as_of: date, *, body: float = 0.0, options: Mapping[str, Any] | None = None
) -> Course:
    """One stroke patient; ``options`` may ask for spasticity treated with botulinum toxin
    (``botulinum``: a drug code; ``too_close``: the latest session sooner than 12 weeks)."""
    options = options or {}
    sex = "male" if rng.random() < 0.55 else "female"
    age = clamp(rng.gauss(64, 10), 40, 88)
    onset = as_of - timedelta(days=rng.randint(20, round(3.5 * YEAR)))
    if "botulinum" in options:
        onset = as_of - timedelta(days=rng.randint(round(1.5 * YEAR), round(3.0 * YEAR)))
    birth = birth_for_age(onset, age, rng)
    course = Course("stroke", sex, birth, onset)
    code = weighted(rng, _STROKE_CODES)
    weak_side = rng.choice(("L", "R"))
    course.weak_side = weak_side
    course.diagnoses.append(
        PlannedDiagnosis(code, onset, True, f"{'Left' if weak_side == 'L' else 'Right'}-sided weakness")
    )

    nihss0 = _initial_nihss(rng)
    # Proportional recovery: most patients regain ~70 % of what they lost; a minority of severe
    # strokes ("non-fitters") regain little (Prabhakaran 2008; Winters 2015).
    fitter = rng.random() < (0.85 if nihss0 < 16 else 0.45)
    recovery = rng.uniform(0.55, 0.85) if fitter else rng.uniform(0.05, 0.3)
    severity = clamp(nihss0 / 26 + rng.gauss(0, 0.08), 0.02, 1.0)
    arm = clamp(severity * rng.uniform(0.8, 1.3) + rng.gauss(0, 0.08), 0.0, 1.0)
    leg = clamp(arm * rng.uniform(0.55, 1.0), 0.0, 1.0)
    balance = clamp(severity * rng.uniform(0.9, 1.4), 0.0, 1.0)
    activity = clamp(severity * rng.uniform(1.0, 1.4) + 0.05, 0.0, 1.0)
    spastic = arm > 0.45 and rng.random() < 0.5
    if "botulinum" in options:
        arm, spastic = max(arm, 0.55), True
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
                "fma_ue": clamp(arm_start + share(day) * (66 - arm_start) + rng.gauss(0, 1.5), 0, 66),
                "fma_le": clamp(leg_start + min(1.0, share(day) + 0.05) * (34 - leg_start) + rng.gauss(0, 1.0), 0, 34),
                "barthel": clamp(
                    barthel_start + min(1.0, share(day, 35.0) + 0.05) * (100 - barthel_start) + rng.gauss(0, 3), 0, 100
                ),
                "berg": clamp(berg_start + share(day, 35.0) * (56 - berg_start) + rng.gauss(0, 1.5), 0, 56),
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

    def mood(day: int) -> list[PlannedAssessment]:
        """PHQ-9 and HADS together (clinical.md A.3: PHQ-9 or HADS; the protocol asks for both)."""
        return [PlannedAssessment("phq9", phq9(day)), PlannedAssessment("hads", None, share=phq9(day) / 27 * 0.8)]

    def eq5d(day: int) -> PlannedAssessment:
        """EQ-5D-5L at 3, 6 and 12 months (clinical.md A.3), worse with dependence and low mood."""
        values = at(day)
        share = 0.85 * (1 - values["barthel"] / 100) + 0.2 * values["phq9"] / 27
        return PlannedAssessment("eq5d5l", None, share=clamp(share + 0.05, 0, 1))

    def rehab(day: int, *, fma_only: bool = False, berg: bool = False, mas: bool = False) -> list[PlannedAssessment]:
        """Clinical.md A.3: Barthel and FMA at every rehabilitation review; Berg at rehabilitation
        admission, discharge and 3 months once the patient can sit; MAS at admission and at 3 months,
        when spasticity treatment is considered."""
        values = at(day)
        items = [
            PlannedAssessment("fma_ue", values["fma_ue"], {"side": weak_side}),
            PlannedAssessment("fma_le", values["fma_le"], {"side": weak_side}),
        ]
        if fma_only:
            return items
        items.insert(0, PlannedAssessment("barthel", values["barthel"]))
        if berg and values["barthel"] >= 20:
            items.append(PlannedAssessment("berg", values["berg"]))
        if mas and spastic:
            items.append(PlannedAssessment("mas", None, {"side": weak_side}, share=values["mas"]))
        return items

    plan = [
        (
            0,
            0,
            "baseline",
            "Admission with acute stroke",
            [
                PlannedAssessment("nihss", nihss0, {"interval": "baseline"}),
                PlannedAssessment("mrs", pre_mrs, {"reference_period": "pre_stroke", "method": "structured_interview"}),
            ],
        ),
        (
            1,
            0,
            "routine",
            "24 hours after onset",
            [PlannedAssessment("nihss", nihss(1), {"interval": "24h_after_onset"})],
        ),
        (
            8,
            1,
            "routine",
            "Discharge from the stroke unit",
            [
                PlannedAssessment("nihss", nihss(8), {"interval": "7_10_days"}),
                PlannedAssessment("mrs", mrs(8), {"reference_period": "current", "method": "structured_interview"}),
            ],
        ),
        (11, 1, "routine", "Early inpatient rehabilitation: admission", rehab(11, berg=True, mas=True)),
        (
            24,
            3,
            "routine",
            "Rehabilitation review at 2–4 weeks",
            rehab(24, fma_only=True) + mood(24),
        ),
        (38, 4, "routine", "Discharge from inpatient rehabilitation", rehab(38, berg=True)),
        (
            90,
            14,
            "routine",
            "3-month review",
            [
                PlannedAssessment("mrs", mrs(90), {"reference_period": "current", "method": "structured_interview"}),
                PlannedAssessment("nihss", nihss(90), {"interval": "3_months"}),
                *rehab(90, berg=True, mas=True),
                *mood(90),
                eq5d(90),
            ],
        ),
        (
            182,
            14,
            "routine",
            "6-month review",
            [
                PlannedAssessment("mrs", mrs(182), {"reference_period": "current", "method": "structured_interview"}),
                *rehab(182),
                *mood(182),
                eq5d(182),
            ],
        ),
    ]
    plan += [
        (
            day,
            14,
            "routine",
            "Yearly review",
            [
                PlannedAssessment("mrs", mrs(day), {"reference_period": "current", "method": "structured_interview"}),
                *rehab(day),
                *mood(day),
                eq5d(day),
            ],
        )
        for day in range(365, 4 * 365, 365)
    ]
    for day, tolerance, kind, note, assessments in plan:
        on = jitter(rng, onset + timedelta(days=day), tolerance)
        if on > as_of:
            break
        course.visits.append(PlannedVisit(on, kind, note, tuple(assessments)))
    # Focal spasticity: about half of the spastic patients are treated with botulinum toxin A.
    product = options.get("botulinum") or (weighted(rng, _BOTULINUM_SHARE) if spastic and rng.random() < 0.5 else None)
    if product is not None and onset + timedelta(days=150) <= as_of:
        _botulinum(rng, course, product, onset, as_of, weak_side, leg > 0.45, options.get("too_close", False), at)
    return course


def _initial_nihss(rng: random.Random) -> int:
    band = weighted(rng, {"minor": 0.3, "moderate": 0.5, "moderately_severe": 0.12, "severe": 0.08})
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


_BOTULINUM_SHARE = {"onabotulinumtoxinA": 0.45, "abobotulinumtoxinA": 0.35, "incobotulinumtoxinA": 0.2}
_PRODUCTS = {"onabotulinumtoxinA": "botox", "abobotulinumtoxinA": "dysport", "incobotulinumtoxinA": "xeomin"}
# Units per muscle in adult upper- and lower-limb spasticity: onabotulinumtoxinA and
# incobotulinumtoxinA share the ranges of the Botox and Xeomin labels; abobotulinumtoxinA units are
# its own (Dysport label) and are never converted (clinical.md §B.3).
_ARM = {
    "biceps brachii": (100, 300),
    "brachioradialis": (50, 150),
    "flexor carpi radialis": (50, 150),
    "flexor carpi ulnaris": (40, 100),
    "flexor digitorum superficialis": (50, 150),
    "flexor digitorum profundus": (40, 100),
    "pronator teres": (40, 100),
    "flexor pollicis longus": (20, 50),
}
_LEG = {"gastrocnemius (medial head)": (75, 200), "soleus": (75, 200), "tibialis posterior": (75, 200)}
_MAXIMUM = {"onabotulinumtoxinA": 400, "abobotulinumtoxinA": 1500, "incobotulinumtoxinA": 400}


def _botulinum(rng, course, drug, onset, as_of, weak_side, leg, too_close, at) -> None:
    """Botulinum toxin sessions from about 3–5 months after the stroke, at least 12 weeks apart
    (clinical.md §B.3; onabotulinumtoxinA at least 3 calendar months apart, because its 400 U
    maximum counts every session of the last 3 months). With ``too_close`` the latest session
    comes 66–76 days after the one before, with the clinician's reason (the rule's warning)."""
    side = "left" if weak_side == "L" else "right"
    dysport = drug == "abobotulinumtoxinA"
    muscles = rng.sample(sorted(_ARM), rng.randint(3, 5))
    if leg and rng.random() < 0.5:
        muscles += rng.sample(sorted(_LEG), 2)
    therapy = PlannedTherapy(
        drug,
        min(onset + timedelta(days=rng.randint(95, 150)), as_of),
        f"Focal spasticity of the {side} arm" + (" and leg" if any(m in _LEG for m in muscles) else ""),
        product=_PRODUCTS[drug],
        indication="Post-stroke focal spasticity",
    )
    shortest = 93 if drug == "onabotulinumtoxinA" else 84
    day = therapy.started_on
    sessions: list[date] = []
    while day <= as_of:
        sessions.append(day)
        day = day + timedelta(days=rng.randint(shortest, shortest + 60))
    if too_close and len(sessions) >= 2:
        sessions[-1] = sessions[-2] + timedelta(days=rng.randint(66, 76))
    taken = {v.on for v in course.visits}
    sessions = [on + timedelta(days=1) if on in taken else on for on in sessions]
    sessions = [on for on in sessions if on <= as_of]
    for number, on in enumerate(sessions, start=1):
        injections = []
        for muscle in muscles:
            low, high = (_ARM | _LEG)[muscle]
            units = rng.randint(low, high) if dysport else rng.randint(low // 2, low)
            injections.append({"muscle": muscle, "side": side, "units": float(units // 5 * 5)})
        while sum(i["units"] for i in injections) > _MAXIMUM[drug]:
            injections = [dict(i, units=float(max(5, i["units"] * 0.8 // 5 * 5))) for i in injections]
        total = sum(i["units"] for i in injections)
        close = too_close and number == len(sessions) and number >= 2
        therapy.doses.append(
            PlannedDose(
                on,
                Decimal(str(total)),
                "U",
                "im",
                procedure={"product": _PRODUCTS[drug], "injections": injections},
                lot=lot_number(rng, _PRODUCTS[drug][:3].upper()),
                override_reason="Painful wrist flexion limiting hand hygiene; early re-injection agreed by the team"
                if close
                else "",
                note=f"Session {number}, ultrasound-guided",
            )
        )
        day_after_onset = (on - onset).days
        course.visits.append(
            PlannedVisit(
                on,
                "treatment",
                f"Botulinum toxin session {number} ({_PRODUCTS[drug].title()}, {total:g} U)",
                (PlannedAssessment("mas", None, {"side": weak_side}, share=at(day_after_onset)["mas"]),),
            )
        )
    course.visits.sort(key=lambda v: v.on)
    course.therapies.append(therapy)
