"""Therapies in the synthetic demo cohort: every therapy of the catalogue, dated doses that follow the
label's rules (and the few deliberate exceptions), baselines before each course, treatment responses
that improved, stayed stable and worsened, overdue follow-up and transitions to adult care.

Pure: the generator only (the loaded demo is tested in test_loader.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta

import pytest

from qadam.demo.cohort import SHOWCASE, generate_cohort, planned_change
from qadam.regimens import ADJUVANT_CLASSES, DRUGS, check_c5_start, nusinersen_schedule, select_baseline
from qadam.regimens.botulinum import LIMITS, MIN_INTERVAL_DAYS
from qadam.regimens.response import Observation

AS_OF = date(2026, 6, 30)
# Every drug of the catalogue the demo shows. Not shown: intrathecal onasemnogene (Itvisma) and
# nipocalimab, whose dosing the specification has not read (clinical.md §B.1.3, §B.2 [U]).
SHOWN = {
    "nusinersen",
    "risdiplam",
    "onasemnogene_abeparvovec_iv",
    "eculizumab",
    "ravulizumab",
    "zilucoplan",
    "efgartigimod_alfa",
    "rozanolixizumab",
    "rituximab",
    "ivig",
    "plasma_exchange",
    "pyridostigmine",
    "corticosteroid",
    "nonsteroidal_immunosuppressant",
    "onabotulinumtoxinA",
    "abobotulinumtoxinA",
    "incobotulinumtoxinA",
}
SHOWN_ADJUVANTS = {"GABAPENTINOID", "SNRI", "TOPICAL", "OTHER_ADJUVANT"}


@pytest.fixture(scope="module")
def showcase():
    """Exactly the chosen patients: the smallest cohort that shows every part of monitoring."""
    return generate_cohort(patients=len(SHOWCASE), seed=3, as_of=AS_OF)


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(patients=300, seed=11, as_of=AS_OF)


def _courses(cohort):
    return [(p, t) for p in cohort.patients for t in p.therapies]


def _series(patient, instrument):
    return [
        (visit.visit_date, float(a.total))
        for visit, a in patient.assessments()
        if a.instrument == instrument and a.total is not None
    ]


def _age(patient, on: date) -> float:
    return (on - patient.birth_date).days / 365.25


# --- what the demo contains -----------------------------------------------------------------------


def test_the_showcase_patients_come_first_and_show_what_they_are_for(showcase):
    assert [p.condition for p in showcase.patients] == [s.condition for s in SHOWCASE]
    assert [p.labels["showcase"] for p in showcase.patients] == [s.shows for s in SHOWCASE]
    assert all(p.center == "demo-astana" for p in showcase.patients[6:])


def test_every_therapy_of_the_catalogue_appears_even_in_the_smallest_showcase(showcase):
    drugs = {t.drug for _, t in _courses(showcase)}
    assert SHOWN <= drugs
    assert {d.removeprefix("adjuvant:") for d in drugs if d.startswith("adjuvant:")} >= SHOWN_ADJUVANTS
    for drug in drugs:
        assert drug in DRUGS or drug.removeprefix("adjuvant:") in ADJUVANT_CLASSES


def test_a_full_cohort_has_each_therapy_in_plausible_numbers(cohort):
    counts = Counter(t.drug for _, t in _courses(cohort))
    assert SHOWN <= set(counts)
    sma = sum(p.condition == "sma" for p in cohort.patients)
    treated = counts["nusinersen"] + counts["risdiplam"] + counts["onasemnogene_abeparvovec_iv"]
    assert 0.45 * sma <= treated <= 0.85 * sma
    assert counts["pyridostigmine"] == sum(p.condition == "mg" for p in cohort.patients)
    assert counts["efgartigimod_alfa"] > counts["zilucoplan"]


def test_the_generated_therapies_are_deterministic():
    first = generate_cohort(patients=30, seed=8, as_of=AS_OF)
    again = generate_cohort(patients=30, seed=8, as_of=AS_OF)
    assert [p.therapies for p in first.patients] == [p.therapies for p in again.patients]
    assert [(p.vaccinations, p.weights) for p in first.patients] == [
        (p.vaccinations, p.weights) for p in again.patients
    ]


# --- records are consistent -------------------------------------------------------------------------


def test_doses_and_events_fall_within_their_course_and_before_today(cohort):
    for patient, therapy in _courses(cohort):
        assert patient.birth_date <= therapy.started_on <= AS_OF
        days = [d.given_on for d in therapy.doses]
        assert days == sorted(days) and len(set(days)) == len(days), (patient.number, therapy.drug)
        assert all(therapy.started_on <= day <= AS_OF for day in days)
        if therapy.stopped_on is not None:
            assert therapy.stop_reason and therapy.stopped_on >= max(days, default=therapy.started_on)
            assert therapy.stopped_on <= AS_OF
        else:
            assert therapy.stop_reason == ""
        for event in therapy.adverse_events:
            assert therapy.started_on <= event.onset_on <= AS_OF
            if event.dose_index is not None:
                assert therapy.doses[event.dose_index].given_on <= event.onset_on
        assert all(d.dose is None or d.dose > 0 for d in therapy.doses)
    # A patient never has two open courses of one drug.
    for patient in cohort.patients:
        open_drugs = [t.drug for t in patient.therapies if t.stopped_on is None]
        assert len(open_drugs) == len(set(open_drugs)), patient.number


def test_every_course_judged_on_a_scale_has_its_baseline_before_the_start(cohort):
    """clinical.md §A rule 3: a baseline assessment within the 3 months before the first dose."""
    judged = 0
    for patient, therapy in _courses(cohort):
        if therapy.response_instrument is None:
            continue
        observations = [Observation(day, value) for day, value in _series(patient, therapy.response_instrument)]
        assert select_baseline(observations, therapy.started_on) is not None, (patient.number, therapy.drug)
        judged += 1
    assert judged > 200


def test_intrathecal_doses_record_the_procedure_and_some_lumbar_puncture_events(cohort):
    events = []
    for _, therapy in _courses(cohort):
        if therapy.drug != "nusinersen":
            continue
        for dose in therapy.doses:
            assert dose.route == "intrathecal" and dose.dose == 12 and dose.dose_unit == "mg"
            assert set(dose.procedure) == {
                "approach",
                "imaging_guidance",
                "needle_gauge",
                "csf_removed_ml",
                "attempts",
                "sedation",
            }
        events += [e.description for e in therapy.adverse_events]
    assert any("Post-lumbar puncture headache" in e for e in events)


def test_nusinersen_doses_follow_the_label_and_the_missed_dose_rules(cohort):
    """SPINRAZA EU SmPC 4.2 and US label, missed doses (clinical.md §B.1.1), read by the regimens library."""
    kinds = Counter()
    for patient, therapy in _courses(cohort):
        if therapy.drug != "nusinersen":
            continue
        records = nusinersen_schedule([d.given_on for d in therapy.doses]).given
        late = [r for r in records if r.timing == "late"]
        missed = patient.labels["missed"]
        if missed is None:
            assert late == [] and all(r.kind in ("loading", "maintenance") for r in records), patient.number
        else:
            assert len(late) == 1 and late[0].kind == "maintenance", patient.number
            kinds[late[0].rule.code] += 1
        if missed == "gap":
            assert any(r.kind == "extra" for r in records)
        # Doses are given on the visits that record them.
        dose_visits = {v.visit_date for v in patient.visits if v.note.startswith("Nusinersen")}
        assert {d.given_on for d in therapy.doses} == dose_visits
    assert kinds["missed_maintenance_under_8_months"] >= 1
    assert kinds["missed_maintenance_8_to_16_months"] >= 1


def test_risdiplam_doses_carry_the_weight_and_onasemnogene_is_one_weighed_infusion_in_infants(cohort):
    for patient, therapy in _courses(cohort):
        if therapy.drug == "risdiplam":
            assert all(d.weight_kg and d.route == "oral" for d in therapy.doses)
            weighed = {w.measured_on for w in patient.weights}
            assert {d.given_on for d in therapy.doses} <= weighed
        if therapy.drug == "onasemnogene_abeparvovec_iv":
            (dose,) = therapy.doses
            assert dose.dose_unit == "vg/kg" and dose.weight_kg and dose.route == "iv"
            assert _age(patient, dose.given_on) < 2
            assert "Prednisolone 1 mg/kg/day" in therapy.note


def test_c5_inhibitors_start_after_meningococcal_vaccination_except_the_deliberate_cases(cohort, showcase):
    """Boxed warnings of SOLIRIS, ULTOMIRIS, ZILBRYSQ (clinical.md §B.2)."""
    for cohort_ in (cohort, showcase):
        for patient, therapy in _courses(cohort_):
            if therapy.drug not in ("eculizumab", "ravulizumab", "zilucoplan") or not therapy.doses:
                continue

            def last(vaccine, patient=patient):
                found = [v.given_on for v in patient.vaccinations if v.vaccine == vaccine]
                return max(found) if found else None

            findings = check_c5_start(
                drug=therapy.drug,
                first_dose=therapy.doses[0].given_on,
                meningococcal_acwy=last("meningococcal_acwy"),
                meningococcal_b=last("meningococcal_b"),
                antibiotic_prophylaxis_start=therapy.prophylaxis_started_on,
            )
            assert all(f.severity == "info" for f in findings), (patient.number, therapy.drug)
    planned = [
        (p, t) for p, t in _courses(showcase) if t.drug == "ravulizumab" and not t.doses and t.started_on == AS_OF
    ]
    assert len(planned) == 1
    assert not planned[0][0].vaccinations  # the missing vaccination the safety warning shows
    under_prophylaxis = [t for _, t in _courses(showcase) if t.prophylaxis_started_on is not None]
    assert [t.drug for t in under_prophylaxis] == ["zilucoplan"]


def test_fcrn_cycles_keep_the_minimum_gap_and_botulinum_sessions_twelve_weeks_but_one(cohort, showcase):
    for _, therapy in _courses(cohort):
        if therapy.drug == "efgartigimod_alfa":
            starts = {}
            for dose in therapy.doses:
                starts.setdefault(dose.cycle_number, dose.given_on)
            firsts = [starts[n] for n in sorted(starts)]
            assert all((b - a).days >= 49 for a, b in zip(firsts, firsts[1:], strict=False))  # VYVGART EU SmPC
    close = []
    for cohort_ in (cohort, showcase):
        for patient, therapy in _courses(cohort_):
            if therapy.drug not in LIMITS:
                continue
            for before, dose in zip(therapy.doses, therapy.doses[1:], strict=False):
                gap = (dose.given_on - before.given_on).days
                if gap < MIN_INTERVAL_DAYS:
                    assert dose.override_reason and dose is therapy.doses[-1]
                    close.append(patient.number)
            for dose in therapy.doses:
                units = sum(i["units"] for i in dose.procedure["injections"])
                assert units == float(dose.dose) <= LIMITS[therapy.drug].units
                assert dose.procedure["product"] == therapy.product
                assert {i["side"] for i in dose.procedure["injections"]} <= {"left", "right"}
    assert 14 in close  # the showcase's session sooner than 12 weeks


# --- responses, overdue follow-up and transitions ------------------------------------------------


def test_responses_improved_stable_and_worsened_all_occur(showcase, cohort):
    for cohort_ in (showcase, cohort):
        found = Counter()
        for patient, therapy in _courses(cohort_):
            if therapy.response_instrument is None:
                continue
            judged = planned_change(
                therapy.response_instrument, _series(patient, therapy.response_instrument), therapy.started_on
            )
            if judged is not None:
                found[judged[1]] += 1
        assert found["improved"] >= 3 and found["stable"] >= 2 and found["worsened"] >= 2, found


def test_each_showcase_course_reaches_its_planned_response(showcase):
    for patient, therapy in _courses(showcase):
        if therapy.expected_response is None:
            continue
        judged = planned_change(
            therapy.response_instrument, _series(patient, therapy.response_instrument), therapy.started_on
        )
        if judged is not None:
            assert judged[1] == therapy.expected_response, (patient.number, therapy.drug, judged)


def test_some_follow_up_lapsed_so_assessments_and_doses_are_overdue(cohort, showcase):
    lapsed = [p for p in cohort.patients if "lapsed_since" in p.labels]
    assert 0.03 * len(cohort.patients) <= len(lapsed) <= 0.1 * len(cohort.patients)
    for patient in [*lapsed, *(p for p in showcase.patients if "lapsed_since" in p.labels)]:
        cutoff = patient.labels["lapsed_since"]
        assert patient.visits[-1].visit_date <= cutoff <= AS_OF - timedelta(days=200)
        assert all(d.given_on <= cutoff for t in patient.therapies for d in t.doses)
    overdue = [
        p for p in showcase.patients if "lapsed_since" in p.labels and any(t.drug == "nusinersen" for t in p.therapies)
    ]
    (patient,) = overdue
    (therapy,) = patient.therapies
    due = nusinersen_schedule([d.given_on for d in therapy.doses], AS_OF).due[0]
    assert due.overdue_since is not None and due.rule.code.startswith("missed_maintenance")


def test_some_adolescents_turn_18_within_the_next_year(showcase, cohort):
    for cohort_ in (showcase, cohort):
        turning = [p for p in cohort_.patients if 17 <= _age(p, AS_OF) < 18]
        assert len(turning) >= 3


def test_the_cohort_is_the_same_in_another_process_with_another_hash_seed():
    """Determinism may not depend on set or dict order of strings (PYTHONHASHSEED)."""
    code = (
        "import hashlib\n"
        "from datetime import date\n"
        "from qadam.demo.cohort import generate_cohort\n"
        "cohort = generate_cohort(patients=30, seed=4, as_of=date(2026, 6, 30))\n"
        "print(hashlib.sha256(repr(cohort).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1
