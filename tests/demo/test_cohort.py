"""The synthetic demo cohort: deterministic, complete, valid and clinically shaped (clinical.md A, C)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

import pytest

from qadam import scales
from qadam.demo.cohort import CENTERS, INSTRUMENTS_BY_CONDITION, generate_cohort
from qadam.patients.icd10 import shipped_codes
from qadam.patients.iin import iin_problem

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(patients=300, seed=11, as_of=AS_OF)


def _slope(points: list[tuple[date, float]]) -> float:
    """Least-squares change per year."""
    xs = [(d - points[0][0]).days / 365.25 for d, _ in points]
    ys = [v for _, v in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def _series(patient, instrument: str, *, since: date | None = None) -> list[tuple[date, float]]:
    return [
        (visit.visit_date, a.total)
        for visit, a in patient.assessments()
        if a.instrument == instrument and a.total is not None and (since is None or visit.visit_date >= since)
    ]


# --- determinism and coverage ---------------------------------------------------------------------


def test_it_is_deterministic_for_a_seed_and_date():
    assert generate_cohort(patients=25, seed=5, as_of=AS_OF) == generate_cohort(patients=25, seed=5, as_of=AS_OF)


def test_another_seed_gives_another_cohort():
    first = generate_cohort(patients=25, seed=5, as_of=AS_OF)
    second = generate_cohort(patients=25, seed=6, as_of=AS_OF)
    assert [p.iin for p in first.patients] != [p.iin for p in second.patients]


def test_it_reports_progress_after_every_patient():
    calls = []
    generate_cohort(patients=7, seed=1, as_of=AS_OF, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 7) for n in range(1, 8)]


def test_it_refuses_an_empty_cohort():
    with pytest.raises(ValueError):
        generate_cohort(patients=0)


def test_it_covers_every_condition_center_and_region(cohort):
    assert len(cohort.patients) == 300
    conditions = Counter(p.condition for p in cohort.patients)
    assert set(conditions) == {"sma", "stroke", "mg", "pain"}
    assert min(conditions.values()) >= 40
    assert {p.center for p in cohort.patients} == {c.code for c in CENTERS}
    assert len({c.region for c in CENTERS}) == 6
    assert not cohort.skipped_instruments


def test_even_a_small_cohort_covers_every_condition_and_center():
    small = generate_cohort(patients=12, seed=3, as_of=AS_OF)
    assert {p.condition for p in small.patients} == {"sma", "stroke", "mg", "pain"}
    assert {p.center for p in small.patients} == {c.code for c in CENTERS}


def test_each_condition_uses_its_protocol_instruments(cohort):
    for condition, expected in INSTRUMENTS_BY_CONDITION.items():
        used = {a.instrument for p in cohort.patients if p.condition == condition for _, a in p.assessments()}
        assert used == expected, condition


def test_it_spans_several_years_of_follow_up(cohort):
    first = min(p.visits[0].visit_date for p in cohort.patients)
    assert (AS_OF - first).days > 4 * 365
    long_followed = [p for p in cohort.patients if (p.visits[-1].visit_date - p.visits[0].visit_date).days > 3 * 365]
    assert len(long_followed) >= 60


# --- validity -------------------------------------------------------------------------------------


def test_every_assessment_scores_to_the_stored_result_without_problems(cohort):
    count = 0
    for patient in cohort.patients:
        for _, assessment in patient.assessments():
            result = scales.score(assessment.instrument, assessment.responses, assessment.context)
            assert result == assessment.result
            assert result.complete and not result.missing, (patient.number, assessment.instrument)
            assert result.total is not None or assessment.instrument in {"mas", "hads", "bpi_sf", "eq5d5l"}
            if assessment.amendment is not None:
                amended = scales.score(
                    assessment.instrument, assessment.amendment.responses, assessment.amendment.context
                )
                assert amended == assessment.amendment.result
                assert amended.complete and not amended.missing
            count += 1
    assert count > 5000


def test_instruments_without_a_total_have_their_subscores(cohort):
    for patient in cohort.patients:
        for _, assessment in patient.assessments():
            if assessment.instrument in {"hads", "bpi_sf"}:
                assert all(v is not None for v in assessment.result.subscores.values())


def test_identities_are_labelled_synthetic_and_iins_are_valid_and_unique(cohort):
    iins = [p.iin for p in cohort.patients]
    assert len(set(iins)) == len(iins)
    for patient in cohort.patients:
        assert patient.full_name.startswith("DEMO ")
        assert iin_problem(patient.iin) is None, patient.iin
        assert patient.iin[:6] == patient.birth_date.strftime("%y%m%d")
        assert int(patient.iin[6]) % 2 == (1 if patient.sex == "male" else 0)
    assert all(c.name.startswith("DEMO ") for c in CENTERS)


def test_every_diagnosis_uses_a_shipped_icd10_code(cohort):
    shipped = {row["code"] for row in shipped_codes()}
    used = {d.icd10 for p in cohort.patients for d in p.diagnoses}
    assert used <= shipped, used - shipped


def test_visits_are_ordered_and_never_in_the_future(cohort):
    for patient in cohort.patients:
        dates = [v.visit_date for v in patient.visits]
        assert dates == sorted(dates)
        assert patient.birth_date < dates[0] <= dates[-1] <= AS_OF
        assert patient.visits[0].kind == "baseline"
        assert all(d.diagnosed_on <= AS_OF and d.diagnosed_on >= patient.birth_date for d in patient.diagnoses)
        assert sum(d.is_primary for d in patient.diagnoses) == 1
        assert patient.consents[0].kind == "registry"


def test_only_the_last_visit_holds_unsigned_work_and_amendments_change_one_item(cohort):
    statuses = Counter()
    for patient in cohort.patients:
        for index, visit in enumerate(patient.visits):
            for assessment in visit.assessments:
                statuses[assessment.status] += 1
                if assessment.status != "signed":
                    assert index == len(patient.visits) - 1
                if assessment.amendment is not None:
                    assert assessment.status == "signed"
                    changed = {
                        k for k in assessment.responses if assessment.responses[k] != assessment.amendment.responses[k]
                    }
                    assert len(changed) == 1 and assessment.amendment.reason
    assert statuses["draft"] > 0 and statuses["completed"] > 0 and statuses["signed"] > 0.9 * sum(statuses.values())
    assert sum(1 for p in cohort.patients for _, a in p.assessments() if a.amendment) > 20


# --- SMA ------------------------------------------------------------------------------------------


def test_smn2_copies_and_functional_status_fit_the_sma_type(cohort):
    allowed_copies = {"1": {1, 2, 3}, "2": {2, 3, 4}, "3": {3, 4, 5}, "4": {4, 5, 6}}
    first_status = {"1": "non_sitter", "2": "sitter", "3": "walker", "4": "walker"}
    sma = [p for p in cohort.patients if p.condition == "sma"]
    assert {p.sma_statuses[0].sma_type for p in sma} == {"1", "2", "3", "4"}
    for patient in sma:
        sma_type = patient.sma_statuses[0].sma_type
        assert patient.sma_genetics.smn2_copies in allowed_copies[sma_type]
        assert patient.sma_statuses[0].functional_status == first_status[sma_type]
        assert patient.diagnoses[0].icd10 == ("G12.0" if sma_type == "1" else "G12.1")
    assert {p.labels["drug"] for p in sma} == {"nusinersen", "risdiplam", "onasemnogene", None}


def test_sma_instruments_follow_the_functional_status_at_each_visit(cohort):
    for patient in (p for p in cohort.patients if p.condition == "sma"):
        for visit, assessment in patient.assessments():
            status = [s for s in patient.sma_statuses if s.recorded_on <= visit.visit_date][-1].functional_status
            age = (visit.visit_date - patient.birth_date).days / 365.25
            if assessment.instrument == "chop_intend":
                assert status == "non_sitter"
            elif assessment.instrument == "6mwt":
                assert status == "walker" and age >= 5
            elif assessment.instrument == "rulm":
                assert status != "non_sitter" and age >= 2.5
                assert assessment.context["side"] in {"L", "R"}


def test_some_treated_infants_learn_to_sit(cohort):
    sitters = [p for p in cohort.patients if p.condition == "sma" and len(p.sma_statuses) > 1]
    assert sitters
    for patient in sitters:
        assert [s.functional_status for s in patient.sma_statuses] == ["non_sitter", "sitter"]
        assert patient.labels["drug"] is not None


def test_untreated_hfmse_declines_at_about_the_natural_history_slope(cohort):
    """Mercuri 2016: −0.56 HFMSE points per year in SMA 2/3 (clinical.md C.2, C.5)."""
    slopes = [
        _slope(series)
        for p in cohort.patients
        if p.condition == "sma" and p.labels["drug"] is None and (p.enrolled_on - p.birth_date).days > 7 * 365
        for series in [_series(p, "hfmse")]
        if len(series) >= 3
    ]
    assert len(slopes) >= 10
    assert -1.5 < statistics.fmean(slopes) < 0


def test_untreated_rulm_declines(cohort):
    """Pera 2019: −0.41 RULM points per year (clinical.md C.5)."""
    slopes = [
        _slope(series)
        for p in cohort.patients
        if p.condition == "sma" and p.labels["drug"] is None and (p.enrolled_on - p.birth_date).days > 7 * 365
        for series in [_series(p, "rulm")]
        if len(series) >= 3
    ]
    assert len(slopes) >= 10
    assert statistics.fmean(slopes) < 0


def test_treated_hfmse_is_stable_or_improves_on_average(cohort):
    slopes = [
        _slope(series)
        for p in cohort.patients
        if p.condition == "sma" and p.labels["drug"] is not None and p.labels.get("sits_from") is None
        for series in [_series(p, "hfmse", since=p.labels["treated_from"])]
        if len(series) >= 3
    ]
    assert len(slopes) >= 10
    assert statistics.fmean(slopes) >= 0


def test_treated_type_1_infants_gain_chop_intend(cohort):
    gains = [
        series[-1][1] - series[0][1]
        for p in cohort.patients
        if p.condition == "sma" and p.labels["drug"] is not None and p.labels["treated_from"] == p.enrolled_on
        for series in [_series(p, "chop_intend")]
        if len(series) >= 3
    ]
    assert len(gains) >= 5
    assert statistics.fmean(gains) >= 4  # the CHOP INTEND responder threshold (clinical.md C.4)


def test_nusinersen_visits_follow_the_eu_loading_schedule_then_every_four_months(cohort):
    on_time = [
        p
        for p in cohort.patients
        if p.condition == "sma" and p.labels["drug"] == "nusinersen" and p.labels["missed"] is None
    ]
    assert len(on_time) >= 10
    for patient in on_time:
        start = patient.labels["treated_from"]
        doses = [v.visit_date for v in patient.visits if v.visit_date >= start and "dose" in v.note]
        offsets = [(d - start).days for d in doses]
        assert offsets[0] == 0
        for expected, actual in zip((14, 28, 63), offsets[1:4], strict=False):
            assert abs(actual - expected) <= 4
        gaps = [(b - a).days for a, b in zip(doses[4:], doses[5:], strict=False)]
        assert all(110 <= gap <= 135 for gap in gaps)


def test_untreated_sma_is_seen_every_three_to_twelve_months(cohort):
    for patient in (p for p in cohort.patients if p.condition == "sma" and p.labels["drug"] is None):
        dates = [v.visit_date for v in patient.visits]
        assert all(timedelta(days=75) <= b - a <= timedelta(days=380) for a, b in zip(dates, dates[1:], strict=False))


# --- stroke, MG, pain -----------------------------------------------------------------------------


def test_stroke_recovers_most_in_the_first_three_months(cohort):
    early, late = [], []
    for patient in (p for p in cohort.patients if p.condition == "stroke"):
        onset = patient.labels["onset"]
        series = _series(patient, "fma_ue")
        at_90 = [v for d, v in series if 76 <= (d - onset).days <= 104]
        later = [v for d, v in series if (d - onset).days > 330]
        if series and at_90 and later:
            early.append(at_90[0] - series[0][1])
            late.append(later[-1] - at_90[0])
    assert len(early) >= 30
    assert statistics.fmean(early) > 3 * max(statistics.fmean(late), 0.5)


def test_nihss_falls_from_admission_to_three_months(cohort):
    changes = []
    for patient in (p for p in cohort.patients if p.condition == "stroke"):
        series = _series(patient, "nihss")
        if len(series) >= 4:
            changes.append(series[-1][1] - series[0][1])
    assert len(changes) >= 30
    assert statistics.fmean(changes) < -2


def test_mg_improves_on_therapy(cohort):
    """A ≥2-point MG-ADL fall is the responder definition (clinical.md C.4)."""
    changes = []
    for patient in (p for p in cohort.patients if p.condition == "mg"):
        series = _series(patient, "mg_adl")
        changes.append(statistics.fmean(v for _, v in series[-2:]) - series[0][1])
    assert statistics.fmean(changes) <= -2
    assert sum(c <= -2 for c in changes) > len(changes) / 2


def test_mgc_history_items_repeat_the_same_day_mg_adl(cohort):
    checked = 0
    for patient in (p for p in cohort.patients if p.condition == "mg"):
        for visit in patient.visits:
            by_code = {a.instrument: a for a in visit.assessments}
            if "mg_adl" in by_code and "mgc" in by_code:
                expected = scales.mg.mgc_history_from_mg_adl(by_code["mg_adl"].responses)
                assert {k: by_code["mgc"].responses[k] for k in expected} == expected
                assert by_code["mgc"].context["history_source"] == "mg_adl"
                checked += 1
    assert checked > 50


def test_about_half_of_pain_patients_reach_a_30_percent_nrs_reduction(cohort):
    """IMMPACT: ≥30 % NRS reduction is a moderate improvement (clinical.md A.4, C.4)."""
    reductions = []
    for patient in (p for p in cohort.patients if p.condition == "pain"):
        series = _series(patient, "nrs_pain")
        if len(series) >= 3 and series[0][1] > 0:
            reductions.append((series[0][1] - series[-1][1]) / series[0][1])
    assert len(reductions) >= 30
    assert 0.3 <= sum(r >= 0.3 for r in reductions) / len(reductions) <= 0.8


def test_neuropathic_pain_screens_positive_on_dn4(cohort):
    for patient in (p for p in cohort.patients if p.condition == "pain"):
        dn4 = next(a for _, a in patient.assessments() if a.instrument == "dn4")
        assert (dn4.total >= 4) == patient.labels["neuropathic"]  # Bouhassira 2005 cut-off
