"""Myasthenia gravis: therapy, response, exacerbations and MG scores (see the package docstring)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from .base import (
    YEAR,
    Course,
    PlannedAssessment,
    PlannedDiagnosis,
    PlannedTherapy,
    PlannedVisit,
    birth_for_age,
    clamp,
    jitter,
    saturating,
    weighted,
    years_between,
)

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
    birth = birth_for_age(enrolled_on, age, rng)
    course = Course("mg", sex, birth, enrolled_on)
    diagnosed_on = enrolled_on - timedelta(days=rng.randint(0, round(3 * YEAR)))
    therapy = weighted(rng, {k: v[0] for k, v in MG_THERAPIES.items()})
    _, therapy_note, k_years = MG_THERAPIES[therapy]
    antibody = "AChR antibody positive" if rng.random() < 0.85 else "MuSK antibody positive"
    course.diagnoses.append(PlannedDiagnosis("G70.0", diagnosed_on, True, f"{antibody}; {therapy_note}"))
    course.therapies.append(PlannedTherapy(therapy, enrolled_on, therapy_note))
    responder = rng.random() < 0.85
    improvement = rng.uniform(0.35, 0.8) if responder else rng.uniform(0.0, 0.15)
    severity = rng.random()
    baselines = {
        code: low + (high - low) * clamp(severity + rng.gauss(0, 0.12), 0, 1)
        for code, (low, high) in _MG_RANGES.items()
    }
    course.labels.update(therapy=therapy, improvement=improvement, responder=responder)
    exacerbations = _exacerbations(rng, enrolled_on, as_of)

    def level(code: str, on: date) -> float:
        t = years_between(enrolled_on, on)
        k = k_years * (2.0 if code == "mg_qol15r" else 1.0)
        factor = 1 - saturating(improvement, t, k)
        for start in exacerbations:
            weeks = (on - start).days / 7
            if 0 <= weeks < 10:
                factor += 0.6 * math.exp(-weeks / 3)
        noise = {"mg_adl": 0.8, "qmg": 1.2, "mgc": 1.3, "mg_qol15r": 1.5}[code]
        return max(baselines[code] * factor + rng.gauss(0, noise), 0)

    fast = therapy in ("eculizumab", "ravulizumab", "efgartigimod")
    offsets = [28, 56, 84] if fast else [91]
    offsets += [182, 273, 365]
    dates = [jitter(rng, enrolled_on + timedelta(days=d), 3 if d <= 84 else 14) for d in offsets]
    later = enrolled_on + timedelta(days=365)
    while True:
        later = jitter(rng, later + timedelta(days=rng.choice((122, 182))), 14)
        dates.append(later)
        if later > as_of:
            break
    last_qmg = last_qol = enrolled_on
    course.visits.append(
        PlannedVisit(
            enrolled_on,
            "baseline",
            "Registry enrolment; MGFA class recorded",
            tuple(PlannedAssessment(c, level(c, enrolled_on)) for c in _MG_RANGES),
        )
    )
    for on in sorted(dates + exacerbations):
        if on > as_of:
            break
        if on in exacerbations:
            course.visits.append(
                PlannedVisit(
                    on,
                    "unscheduled",
                    "Worsening: exacerbation review",
                    tuple(PlannedAssessment(c, level(c, on)) for c in ("mg_adl", "qmg", "mgc")),
                )
            )
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
