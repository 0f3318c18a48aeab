"""Chronic and neuropathic pain: episode of care, responders and pain scores (see the package docstring)."""

from __future__ import annotations

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


# Adjuvants by pain kind (clinical.md §B.4 classes; NeuPSIG first line: Finnerup 2015): class,
# substance, route, unit, the doses of the titration (start, after a month) and how it is taken.
_ADJUVANTS = {
    "radiculopathy": ("GABAPENTINOID", "pregabalin", "oral", "mg", (75, 150), "twice a day"),
    "low_back": ("SNRI", "duloxetine", "oral", "mg", (30, 60), "once a day"),
    "polyneuropathy": ("SNRI", "duloxetine", "oral", "mg", (30, 60), "once a day"),
    "trigeminal": ("OTHER_ADJUVANT", "carbamazepine", "oral", "mg", (100, 200), "twice a day"),
    "postherpetic": ("TOPICAL", "lidocaine 5 % plaster", "topical", "plaster", (1, 2), "12 hours on, 12 hours off"),
}
# The next adjuvant when the first gives too little relief at the 3-month review.
_SECOND_LINE = {
    "GABAPENTINOID": ("SNRI", "duloxetine", "oral", "mg", (30, 60), "once a day"),
    "SNRI": ("GABAPENTINOID", "pregabalin", "oral", "mg", (75, 150), "twice a day"),
    "OTHER_ADJUVANT": ("OTHER_ADJUVANT", "oxcarbazepine", "oral", "mg", (300, 600), "twice a day"),
    "TOPICAL": ("TCA", "amitriptyline", "oral", "mg", (10, 25), "at night"),
}
# Pain responses (IMMPACT, clinical.md C.4): responders reach ≥30 % NRS reduction; a few worsen.
RESPONSES = {"responder": 0.52, "partial": 0.24, "none": 0.17, "worse": 0.07}


def plan_pain(
    rng: random.Random, as_of: date, *, body: float = 0.0, options: Mapping[str, Any] | None = None
) -> Course:
    """One pain patient; ``options`` fix ``kind`` and ``response`` for a showcase patient."""
    options = options or {}
    kind = options.get("kind") or weighted(rng, {k: v[0] for k, v in PAIN_KINDS.items()})
    _, icd, label, neuropathic, spinal, treatment = PAIN_KINDS[kind]
    sex = "female" if rng.random() < 0.57 else "male"
    enrolled_on = as_of - timedelta(days=rng.randint(120, round(4.0 * YEAR)))
    birth = birth_for_age(enrolled_on, rng.uniform(30, 76), rng)
    course = Course("pain", sex, birth, enrolled_on)
    course.diagnoses.append(
        PlannedDiagnosis(icd, enrolled_on - timedelta(days=rng.randint(180, 1500)), True, f"{label}; {treatment}")
    )
    response = options.get("response") or weighted(rng, RESPONSES)
    reduction = {
        "responder": rng.uniform(0.35, 0.6),
        "partial": rng.uniform(0.1, 0.3),
        "none": rng.uniform(0.0, 0.1),
        "worse": rng.uniform(-0.35, -0.3),
    }[response]
    nrs0 = rng.uniform(5.5, 9.0) if response != "worse" else rng.uniform(6.8, 7.4)
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
        # EQ-5D-5L at referral and each review (clinical.md A.4): worse with more pain and low mood.
        found.append(PlannedAssessment("eq5d5l", None, share=clamp(0.15 + 0.45 * pain_now / 10 + 0.3 * mood, 0, 1)))
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
    _adjuvants(rng, course, kind, response, as_of)
    return course


def _adjuvants(rng: random.Random, course: Course, kind: str, response: str, as_of: date) -> None:
    """The adjuvant course from the referral (dose titrated at the treatment visit a month later);
    without enough relief at the 3-month review it is stopped for lack of effect and the next class
    started the same day (that review is the new course's baseline)."""
    start = course.enrolled_on
    expected = {"responder": "improved", "partial": "stable", "none": "stable", "worse": "worsened"}[response]
    visits = [v.on for v in course.visits]
    first = _adjuvant_course(_ADJUVANTS[kind], start, visits, expected)
    course.therapies.append(first)
    review = next((on for on in visits if 76 <= (on - start).days <= 110), None)
    if response in ("none", "worse") and review is not None:
        first.stopped_on, first.stop_reason = review, "lack_of_effect"
        first.doses = [d for d in first.doses if d.given_on <= review]
        # Judged from its own baseline (the review), the second adjuvant neither helps nor harms.
        course.therapies.append(_adjuvant_course(_SECOND_LINE[_ADJUVANTS[kind][0]], review, visits, "stable"))
    if kind == "low_back" and rng.random() < 0.4:
        end = start + timedelta(days=28)
        course.therapies.append(
            PlannedTherapy(
                "adjuvant:MUSCLE_RELAXANT",
                start,
                "Short course for muscle spasm",
                product="tizanidine",
                stopped_on=end if end <= as_of else None,
                stop_reason="completed" if end <= as_of else "",
                doses=[PlannedDose(start, Decimal(2), "mg", "oral", note="2 mg at night")],
            )
        )


def _adjuvant_course(adjuvant: tuple, start: date, visits: list[date], expected: str) -> PlannedTherapy:
    drug_class, substance, route, unit, (first, second), how = adjuvant
    later = [on for on in visits if 20 <= (on - start).days <= 60]
    doses = [PlannedDose(start, Decimal(first), unit, route, note=f"{substance}, {how}")]
    if later:
        doses.append(PlannedDose(later[0], Decimal(second), unit, route, note=f"{substance}, {how}: titrated"))
    return PlannedTherapy(
        f"adjuvant:{drug_class}",
        start,
        f"{substance[:1].upper()}{substance[1:]}",
        product=substance,
        doses=doses,
        expected_response=expected,
        response_instrument="nrs_pain",
    )
