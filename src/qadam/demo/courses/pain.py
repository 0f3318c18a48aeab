"""Chronic and neuropathic pain: episode of care, responders and pain scores (see the package docstring)."""

from __future__ import annotations

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

PAIN_KINDS = {
    # code: (weight, ICD-10, label, neuropathic, spinal, treatment)
    "radiculopathy": (0.3, "M54.1", "Lumbar radiculopathy", True, True, "Pregabalin (GABAPENTINOID), physiotherapy"),
    "low_back": (0.3, "M54.5", "Chronic low back pain", False, True, "Physiotherapy, NSAID courses, duloxetine (SNRI)"),
    "polyneuropathy": (0.15, "G63.2", "Painful diabetic polyneuropathy", True, False, "Duloxetine (SNRI)"),
    "trigeminal": (0.12, "G50.0", "Trigeminal neuralgia", True, False, "Carbamazepine (OTHER_ADJUVANT)"),
    "postherpetic": (
        0.13,
        "B02.2",
        "Postherpetic neuralgia",
        True,
        False,
        "Lidocaine 5 % plaster (TOPICAL), amitriptyline (TCA)",
    ),
}


def plan_pain(rng: random.Random, as_of: date) -> Course:
    kind = weighted(rng, {k: v[0] for k, v in PAIN_KINDS.items()})
    _, icd, label, neuropathic, spinal, treatment = PAIN_KINDS[kind]
    sex = "female" if rng.random() < 0.57 else "male"
    enrolled_on = as_of - timedelta(days=rng.randint(120, round(4.0 * YEAR)))
    birth = birth_for_age(enrolled_on, rng.uniform(30, 76), rng)
    course = Course("pain", sex, birth, enrolled_on)
    course.diagnoses.append(
        PlannedDiagnosis(icd, enrolled_on - timedelta(days=rng.randint(180, 1500)), True, f"{label}; {treatment}")
    )
    course.therapies.append(PlannedTherapy(kind, enrolled_on, treatment))
    response = weighted(rng, {"responder": 0.55, "partial": 0.25, "none": 0.2})
    reduction = {"responder": rng.uniform(0.35, 0.6), "partial": rng.uniform(0.1, 0.3), "none": rng.uniform(0.0, 0.1)}[
        response
    ]
    nrs0 = rng.uniform(5.5, 9.0)
    mood = rng.uniform(0.1, 0.7)
    course.labels.update(kind=kind, response=response, reduction=reduction, neuropathic=neuropathic)

    def relief(on: date) -> float:
        return saturating(reduction, years_between(enrolled_on, on), 0.12)

    def nrs(on: date) -> float:
        return clamp(nrs0 * (1 - relief(on)) + rng.gauss(0, 0.6), 0, 10)

    def core(on: date, *, baseline: bool = False) -> tuple[PlannedAssessment, ...]:
        pain_now = nrs(on)
        share = relief(on)
        found = [
            PlannedAssessment("nrs_pain", pain_now, {"recall_period": "7d_average"}),
            # BPI-SF has no single total: plan the share of the worst answers on its 0–10 items.
            PlannedAssessment(
                "bpi_sf", None, {"recall_period": "24h"}, share=clamp(pain_now * rng.uniform(0.75, 1.0), 0, 10) / 10
            ),
        ]
        if baseline:
            dn4 = rng.randint(4, 8) if neuropathic else rng.randint(0, 3)
            found.append(PlannedAssessment("dn4", dn4))
        if spinal:
            found.append(
                PlannedAssessment(
                    "odi", clamp((20 + 45 * (nrs0 - 5) / 4) * (1 - 0.8 * share) + rng.gauss(0, 3), 0, 100)
                )
            )
        found.append(PlannedAssessment("phq9", clamp(27 * mood * (1 - 0.6 * share) + rng.gauss(0, 1.2), 0, 27)))
        found.append(PlannedAssessment("hads", clamp(42 * mood * 0.8 * (1 - 0.5 * share) + rng.gauss(0, 1.5), 0, 42)))
        return tuple(found)

    course.visits.append(
        PlannedVisit(enrolled_on, "baseline", "Referral to the pain clinic", core(enrolled_on, baseline=True))
    )
    one_month = jitter(rng, enrolled_on + timedelta(days=30), 3)
    if one_month <= as_of:
        kind_of_visit = "telemedicine" if rng.random() < 0.4 else "treatment"
        course.visits.append(
            PlannedVisit(
                one_month,
                kind_of_visit,
                f"Treatment visit: {treatment}",
                (PlannedAssessment("nrs_pain", nrs(one_month), {"recall_period": "7d_average"}),),
            )
        )
    for day in (91, 182, 365, 730, 1095):
        on = jitter(rng, enrolled_on + timedelta(days=day), 14)
        if on > as_of:
            break
        course.visits.append(PlannedVisit(on, "routine", "Episode review", core(on)))
    return course
