"""Myasthenia gravis: therapy, response, exacerbations and MG scores (see the package docstring)."""

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
    PlannedVaccination,
    PlannedVisit,
    PlannedWeight,
    birth_for_age,
    body_weight,
    clamp,
    jitter,
    lot_number,
    saturating,
    two_places,
    weighted,
    years_between,
)

# therapy: (weight, note, time constant of the response in years)
MG_THERAPIES = {
    "standard": (0.5, "Pyridostigmine and prednisolone, azathioprine as steroid-sparing agent", 0.3),
    "eculizumab": (0.07, "Eculizumab (C5 inhibitor) after meningococcal vaccination", 0.1),
    "ravulizumab": (0.06, "Ravulizumab (C5 inhibitor) after meningococcal vaccination", 0.1),
    "zilucoplan": (0.05, "Zilucoplan (C5 inhibitor, daily subcutaneous) after meningococcal vaccination", 0.1),
    "efgartigimod": (0.1, "Efgartigimod alfa (FcRn blocker), cycles on clinical evaluation", 0.08),
    "rozanolixizumab": (0.03, "Rozanolixizumab (FcRn blocker), 6-week cycles on clinical evaluation", 0.08),
    "rituximab": (0.07, "Rituximab (anti-CD20)", 0.2),
    "ivig": (0.05, "Maintenance IVIG every 4–6 weeks", 0.1),
}
# Relative to the baseline on the day the therapy starts (clinical.md C.4: MG-ADL ≥2 points).
RESPONSES = {"improved": 0.78, "stable": 0.14, "worsened": 0.08}
C5_SOURCE = "meningococcal ACWY and B vaccination at least 2 weeks before the first dose (clinical.md §B.2)"
_MG_RANGES = {"mg_adl": (5, 13), "qmg": (8, 20), "mgc": (8, 22), "mg_qol15r": (10, 26)}


def plan_mg(rng: random.Random, as_of: date, *, body: float = 0.0, options: Mapping[str, Any] | None = None) -> Course:
    """One MG patient; ``options`` fix choices for a showcase patient (``therapy``, ``response``,
    ``follow_up`` years, ``exacerbation`` (days after enrolment) with ``rescue`` ``ivig`` or
    ``plasma_exchange``, ``c5_planned`` (a C5 inhibitor to start today, vaccination not recorded),
    ``prophylaxis`` (antibiotic prophylaxis instead of vaccination ≥2 weeks before))."""
    options = options or {}
    early_onset = rng.random() < 0.55
    sex = ("female" if rng.random() < 0.8 else "male") if early_onset else ("male" if rng.random() < 0.6 else "female")
    enrolled_on = as_of - timedelta(days=rng.randint(round(0.7 * YEAR), round(4.5 * YEAR)))
    if "follow_up" in options:
        enrolled_on = as_of - timedelta(days=round(options["follow_up"] * YEAR))
    age = rng.uniform(18, 45) if early_onset else rng.uniform(50, 80)
    birth = birth_for_age(enrolled_on, age, rng)
    course = Course("mg", sex, birth, enrolled_on)
    diagnosed_on = enrolled_on - timedelta(days=rng.randint(0, round(3 * YEAR)))
    therapy = options.get("therapy") or weighted(rng, {k: v[0] for k, v in MG_THERAPIES.items()})
    _, therapy_note, k_years = MG_THERAPIES[therapy]
    antibody = "AChR antibody positive" if rng.random() < 0.85 else "MuSK antibody positive"
    course.diagnoses.append(PlannedDiagnosis("G70.0", diagnosed_on, True, f"{antibody}; {therapy_note}"))
    response = options.get("response") or weighted(rng, RESPONSES)
    responder = response == "improved"
    improvement = {
        "improved": rng.uniform(0.35, 0.8),
        "stable": rng.uniform(-0.05, 0.1),
        "worsened": rng.uniform(-0.5, -0.35),
    }[response]
    severity = rng.random()
    if response == "worsened":
        severity = max(severity, 0.5)
    baselines = {
        code: low + (high - low) * clamp(severity + rng.gauss(0, 0.12), 0, 1)
        for code, (low, high) in _MG_RANGES.items()
    }
    course.labels.update(therapy=therapy, improvement=improvement, responder=responder, response=response)
    exacerbations = _exacerbations(rng, enrolled_on, as_of)
    if "exacerbation" in options:
        exacerbations = sorted({*exacerbations, enrolled_on + timedelta(days=options["exacerbation"])})
    exacerbations = [d for d in exacerbations if d <= as_of - timedelta(days=35)]

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

    fast = therapy in ("eculizumab", "ravulizumab", "zilucoplan", "efgartigimod", "rozanolixizumab", "ivig")
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
    rescues = _rescues(rng, therapy, exacerbations, options)
    reviews = {start + timedelta(days=rng.randint(14, 28)): drug for start, drug in rescues.items()}
    dates = [d for d in dates if all(abs((d - e).days) > 10 for e in [*exacerbations, *reviews])]
    for on in sorted(dates + exacerbations + list(reviews)):
        if on > as_of:
            break
        if on in exacerbations or on in reviews:
            note = "Worsening: exacerbation review"
            if on in rescues:
                note += f"; {_RESCUE_NAMES[rescues[on]]} started"
            if on in reviews:
                note = f"Review 2–4 weeks after {_RESCUE_NAMES[reviews[on]]} (peak effect)"
            course.visits.append(
                PlannedVisit(
                    on,
                    "unscheduled" if on in exacerbations else "routine",
                    note,
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
    _therapies(rng, course, therapy, response, diagnosed_on, as_of, body, rescues, options)
    return course


def _exacerbations(rng: random.Random, start: date, end: date) -> list[date]:
    found = []
    on = start + timedelta(days=120)
    while on < end:
        if rng.random() < 0.25 / 4:  # about one exacerbation in four patient-years
            found.append(on)
        on += timedelta(days=91)
    return [d for d in found if d <= end]


_RESCUE_NAMES = {"ivig": "IVIG 2 g/kg over 5 days", "plasma_exchange": "plasma exchange, 5 sessions"}


def _rescues(
    rng: random.Random, therapy: str, exacerbations: list[date], options: Mapping[str, Any]
) -> dict[date, str]:
    """Rescue treatment of each exacerbation: IVIG or plasma exchange (clinical.md §B.2).

    Not during FcRn-blocker treatment (plasma exchange removes the antibody, IVIG competes for
    FcRn: a further cycle is given instead) and no plasma exchange on eculizumab (it would need a
    supplemental dose after every exchange).
    """
    found = {}
    for day in exacerbations:
        if therapy in ("efgartigimod", "rozanolixizumab"):
            continue
        choice = "ivig" if rng.random() < 0.6 else "plasma_exchange"
        if therapy in ("eculizumab", "ravulizumab", "zilucoplan"):
            choice = "ivig"
        if therapy == "ivig":
            choice = "plasma_exchange"
        found[day] = options.get("rescue", choice)
    return found


def _therapies(rng, course, therapy, response, diagnosed_on, as_of, body, rescues, options) -> None:
    """The therapy courses behind the plan: pyridostigmine since diagnosis, the main therapy from
    enrolment (its baseline is the enrolment visit), rescue courses and the C5 vaccinations."""
    start = course.enrolled_on
    weights: dict[date, Decimal] = {}

    def weight(on: date) -> Decimal:
        weights[on] = body_weight(course.birth_date, course.sex, body, on)
        return weights[on]

    visits = [v.on for v in course.visits if v.kind != "unscheduled"]
    add = course.therapies.append
    add(
        PlannedTherapy(
            "pyridostigmine",
            diagnosed_on,
            "Symptomatic treatment",
            doses=[PlannedDose(diagnosed_on, Decimal("60"), "mg", "oral", note="60 mg four times a day")],
        )
    )
    main = PlannedTherapy(
        _CODES[therapy], start, MG_THERAPIES[therapy][1], expected_response=response, response_instrument="mg_adl"
    )
    main.indication = "Generalised myasthenia gravis, " + course.diagnoses[0].note.split(";")[0]
    main.product = _PRODUCTS.get(therapy, "")
    if therapy == "standard":
        main.note = "Prednisolone in the morning, tapered by response"
        doses = zip(visits, (20, 40, 30, 20, 15, 10), strict=False)
        main.doses = [
            PlannedDose(on, Decimal(mg), "mg", "oral", note="Daily dose")
            for on, mg in doses
            if (on - start).days <= 400
        ]
        azathioprine_start = start + timedelta(days=rng.randint(14, 45))
        if azathioprine_start <= as_of:
            kg = weight(azathioprine_start)
            mg = Decimal(round(float(kg) * 2.5 / 25) * 25)
            add(
                PlannedTherapy(
                    "nonsteroidal_immunosuppressant",
                    azathioprine_start,
                    "Azathioprine as steroid-sparing agent (TPMT activity normal)",
                    product="",
                    doses=[
                        PlannedDose(
                            azathioprine_start, mg, "mg", "oral", weight_kg=kg, note="Azathioprine 2.5 mg/kg/day"
                        )
                    ],
                )
            )
    elif therapy in ("eculizumab", "ravulizumab", "zilucoplan"):
        _c5_vaccinations(rng, course, start, options.get("prophylaxis", False))
        if options.get("prophylaxis"):
            main.prophylaxis_started_on = start
            main.note += "; started under antibiotic prophylaxis, meningococcal B vaccination to follow"
        main.doses = _c5_doses(rng, therapy, start, as_of, weight)
    elif therapy == "efgartigimod":
        main.doses = _efgartigimod_cycles(rng, start, as_of, weight)
    elif therapy == "rozanolixizumab":
        main.doses = _rozanolixizumab_cycles(rng, start, as_of, weight)
    elif therapy == "rituximab":
        main.note = "Hepatitis B serology negative; methylprednisolone 100 mg premedication"
        main.doses = _repeated_pairs(rng, start, as_of)
    elif therapy == "ivig":
        main.doses = _ivig_course(start, as_of, weight, maintenance=True, rng=rng)
    if response == "worsened" and therapy in (
        "eculizumab",
        "ravulizumab",
        "zilucoplan",
        "efgartigimod",
        "rozanolixizumab",
    ):
        # No benefit at the 12-week review: stop (eculizumab EU SmPC, clinical.md A.2).
        review = next((on for on in visits if (on - start).days >= 84), None)
        if review is not None:
            main.doses = [d for d in main.doses if d.given_on <= review]
            main.stopped_on, main.stop_reason = review, "lack_of_effect"
    add(main)
    for day, drug in rescues.items():
        doses = (
            _ivig_course(day, as_of, weight)
            if drug == "ivig"
            else [
                PlannedDose(day + timedelta(days=2 * n), Decimal("1.0"), "plasma volumes", "extracorporeal",
                            note=f"Exchange {n + 1} of 5, 5 % albumin replacement")
                for n in range(5)
            ]
        )  # fmt: skip
        stopped = doses[-1].given_on
        add(
            PlannedTherapy(
                drug,
                day,
                f"Rescue treatment of an exacerbation: {_RESCUE_NAMES[drug]}",
                indication="Myasthenic exacerbation",
                stopped_on=stopped,
                stop_reason="completed",
                doses=doses,
                expected_response="improved",
                response_instrument="mg_adl",
            )
        )
    if options.get("c5_planned"):
        add(
            PlannedTherapy(
                "ravulizumab",
                as_of,
                "Refractory generalised MG: first infusion booked; meningococcal vaccination not yet recorded",
                product="ultomiris",
                indication="Refractory AChR antibody positive generalised myasthenia gravis",
            )
        )
    course.weights.extend(PlannedWeight(on, kg) for on, kg in sorted(weights.items()))


_CODES = {
    "standard": "corticosteroid",
    "eculizumab": "eculizumab",
    "ravulizumab": "ravulizumab",
    "zilucoplan": "zilucoplan",
    "efgartigimod": "efgartigimod_alfa",
    "rozanolixizumab": "rozanolixizumab",
    "rituximab": "rituximab",
    "ivig": "ivig",
}
_PRODUCTS = {
    "eculizumab": "soliris",
    "ravulizumab": "ultomiris",
    "zilucoplan": "zilbrysq",
    "efgartigimod": "vyvgart",
    "rozanolixizumab": "rystiggo",
}


def _c5_vaccinations(rng: random.Random, course: Course, start: date, prophylaxis: bool) -> None:
    """Meningococcal ACWY and B at least 2 weeks before the first dose (boxed warnings of SOLIRIS,
    ULTOMIRIS and ZILBRYSQ); under prophylaxis only ACWY, a few days before."""
    if prophylaxis:
        course.vaccinations.append(
            PlannedVaccination("meningococcal_acwy", start - timedelta(days=rng.randint(2, 6)), C5_SOURCE)
        )
        return
    acwy = start - timedelta(days=rng.randint(21, 56))
    course.vaccinations.append(PlannedVaccination("meningococcal_acwy", acwy, C5_SOURCE))
    course.vaccinations.append(
        PlannedVaccination("meningococcal_b", acwy + timedelta(days=rng.choice((0, 0, 7))), C5_SOURCE)
    )


def _c5_doses(rng: random.Random, therapy: str, start: date, as_of: date, weight) -> list[PlannedDose]:
    """Eculizumab 900 mg weekly × 4, 1200 mg at week 5, then every 2 weeks (SOLIRIS label);
    ravulizumab weight-band loading, maintenance 2 weeks later then every 8 weeks (ULTOMIRIS US
    label); zilucoplan daily by weight band, recorded once at the first dose (ZILBRYSQ)."""
    doses: list[PlannedDose] = []
    if therapy == "zilucoplan":
        kg = weight(start)
        mg = "16.6" if kg < 56 else "23" if kg < 77 else "32.4"
        return [
            PlannedDose(
                start, Decimal(mg), "mg", "sc", weight_kg=kg, lot=lot_number(rng, "ZLP"), note="Daily self-injection"
            )
        ]
    day, number, band_kg = start, 1, Decimal(0)
    while day <= as_of:
        if therapy == "eculizumab":
            mg = "900" if number <= 4 else "1200"
            doses.append(PlannedDose(day, Decimal(mg), "mg", "iv", lot=lot_number(rng, "ECU")))
            day = day + timedelta(days=7 if number <= 4 else 14 + rng.choice((-1, 0, 0, 1)))
        else:
            kg = weight(day) if number <= 2 else None
            band_kg = kg or band_kg
            band = 0 if band_kg < 60 else 1 if band_kg < 100 else 2
            mg = (2400, 2700, 3000)[band] if number == 1 else (3000, 3300, 3600)[band]
            doses.append(PlannedDose(day, Decimal(mg), "mg", "iv", weight_kg=kg, lot=lot_number(rng, "RAV")))
            day = day + timedelta(days=14 if number == 1 else 56 + rng.randint(-3, 3))
        number += 1
    return doses


def _efgartigimod_cycles(rng: random.Random, start: date, as_of: date, weight) -> list[PlannedDose]:
    """Cycles of 10 mg/kg weekly × 4 (1200 mg from 120 kg); the next cycle on clinical evaluation,
    not sooner than 7 weeks from the first infusion of the previous one (VYVGART EU SmPC)."""
    doses: list[PlannedDose] = []
    cycle_start, cycle = start, 1
    while cycle_start <= as_of:
        kg = weight(cycle_start)
        mg = min(Decimal(10) * kg, Decimal(1200))
        for n in range(4):
            day = cycle_start + timedelta(days=7 * n + (rng.randint(0, 1) if n else 0))
            if day > as_of:
                break
            doses.append(
                PlannedDose(day, two_places(float(mg)), "mg", "iv", weight_kg=kg if n == 0 else None,
                            cycle_number=cycle, lot=lot_number(rng, "EFG"), note=f"Cycle {cycle}, infusion {n + 1} of 4")
            )  # fmt: skip
        cycle_start = cycle_start + timedelta(days=rng.randint(56, 140))
        cycle += 1
    return doses


def _rozanolixizumab_cycles(rng: random.Random, start: date, as_of: date, weight) -> list[PlannedDose]:
    """Cycles of 6 weekly subcutaneous infusions by weight band (EU SmPC: 35–<50 kg 280 mg, 50–<70 kg
    420 mg, 70–<100 kg 560 mg, ≥100 kg 840 mg); the next cycle not sooner than 63 days from the
    start of the previous one (RYSTIGGO US label; clinical.md §B.2)."""
    doses: list[PlannedDose] = []
    cycle_start, cycle = start, 1
    while cycle_start <= as_of:
        kg = weight(cycle_start)
        mg = 280 if kg < 50 else 420 if kg < 70 else 560 if kg < 100 else 840
        for n in range(6):
            day = cycle_start + timedelta(days=7 * n)
            if day > as_of:
                break
            doses.append(
                PlannedDose(day, Decimal(mg), "mg", "sc", weight_kg=kg if n == 0 else None, cycle_number=cycle,
                            lot=lot_number(rng, "RZX"), note=f"Cycle {cycle}, infusion {n + 1} of 6 by pump")
            )  # fmt: skip
        cycle_start = cycle_start + timedelta(days=rng.randint(70, 150))
        cycle += 1
    return doses


def _repeated_pairs(rng: random.Random, start: date, as_of: date) -> list[PlannedDose]:
    """Rituximab 1000 mg twice, 2 weeks apart, repeated on relapse or B-cell return after 6–12 months."""
    doses: list[PlannedDose] = []
    day = start
    while day <= as_of:
        for offset in (0, 14):
            if day + timedelta(days=offset) <= as_of:
                doses.append(
                    PlannedDose(day + timedelta(days=offset), Decimal(1000), "mg", "iv", lot=lot_number(rng, "RTX"))
                )
        day = day + timedelta(days=rng.randint(180, 330))
    return doses


def _ivig_course(start: date, as_of: date, weight, *, maintenance: bool = False, rng=None) -> list[PlannedDose]:
    """IVIG 2 g/kg over 5 days (0.4 g/kg/day); maintenance 1 g/kg every 4–6 weeks (clinical.md §B.2)."""
    kg = weight(start)
    doses = [
        PlannedDose(start + timedelta(days=n), Decimal("0.4"), "g/kg", "iv", weight_kg=kg, note=f"Day {n + 1} of 5")
        for n in range(5)
        if start + timedelta(days=n) <= as_of
    ]
    if maintenance and rng is not None:
        day = start + timedelta(days=rng.randint(28, 42))
        while day <= as_of:
            doses.append(
                PlannedDose(day, Decimal("1.0"), "g/kg", "iv", weight_kg=weight(day), note="Maintenance infusion")
            )
            day = day + timedelta(days=rng.randint(28, 42))
    return doses
