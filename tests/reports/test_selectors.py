"""Treatment response per patient, instrument and course, read from stored records (dates worked by
hand; the rules are qadam.regimens.assess_response's, clinical.md §C)."""

from __future__ import annotations

import datetime

import pytest

from qadam.core.exceptions import NotVisible
from qadam.reports import selectors
from qadam.therapy import services as therapy_services

from .records import add_nusinersen, record_hfmse

D = datetime.date
TODAY = D(2026, 11, 26)


def report_for(world, patient, **kwargs):
    return selectors.patient_report(viewer=world.clinician_a, patient=patient, today=TODAY, **kwargs)


def test_hfmse_on_nusinersen_is_judged_against_the_adult_type_3_reference(world, sma_patient):
    report = report_for(world, sma_patient)
    (trajectory,) = report.trajectories
    assert trajectory.instrument == "hfmse" and trajectory.side is None
    assert [r.value for r in trajectory.results] == [29, 30, 32, 34]
    (judgement,) = trajectory.judgements
    response = judgement.response
    # The last result within 3 calendar months before 6 January 2025 is 3 January 2025 (30), not
    # 2 September 2024 (29, four months before).
    assert (response.baseline.day, response.baseline.value) == (D(2025, 1, 3), 30)
    assert [(f.day, f.change, f.classification) for f in response.follow_ups] == [
        (D(2025, 7, 8), 2, "stable"),
        (D(2026, 3, 9), 4, "improved"),
    ]
    # 6 January 2025 → 9 March 2026: 427 days, 14 whole calendar months.
    assert (response.days_on_therapy, response.months_on_therapy) == (427, 14)
    # Age on the baseline day 35, SMA type 3: the registry's adult type 3 row (−0.5/year, SD 2.7).
    assert judgement.population.sma_type == 3 and judgement.population.ambulant is True
    assert response.reference.id == "hfmse_adult_type3_default"
    # 430 days from the baseline: expected −0.5 × 430 / 365.25 = −0.59; z = 4.59 / (2.7 × √1.177) = 1.57.
    assert response.expected_change == -0.59
    assert response.z == 1.57 and response.comparison == "as_expected"
    assert response.sentence.en.startswith("HFMSE +4 after 14 months of nusinersen: improved")
    assert "untreated adults with SMA type 3 lose about 0.5 points a year" in response.sentence.en


def test_the_baseline_window_is_configurable(world, patient_a, settings):
    # 2 September 2024 is 4 months and 4 days before the start on 6 January 2025.
    record_hfmse(world.clinician_a, patient_a, D(2024, 9, 2), 29)
    record_hfmse(world.clinician_a, patient_a, D(2025, 7, 8), 32)
    add_nusinersen(world.clinician_a, patient_a)
    assert report_for(world, patient_a).judgements[0].response is None  # default: 3 months
    settings.QADAM_RESPONSE_BASELINE_MONTHS = 5
    response = report_for(world, patient_a).judgements[0].response
    assert (response.baseline.day, response.change) == (D(2024, 9, 2), 3)
    assert report_for(world, patient_a, window_months=4).judgements[0].response is None


def test_no_result_in_the_window_means_not_judged_with_the_reason(world, patient_a):
    record_hfmse(world.clinician_a, patient_a, D(2024, 9, 2), 29)
    record_hfmse(world.clinician_a, patient_a, D(2025, 7, 8), 32)
    add_nusinersen(world.clinician_a, patient_a)
    (judgement,) = report_for(world, patient_a).judgements
    assert judgement.response is None
    assert [p.code for p in judgement.problems] == ["no_baseline"]
    assert "3 months" in judgement.problems[0].message.en


def test_a_new_course_without_follow_up_is_not_judged_yet(world, patient_a):
    record_hfmse(world.clinician_a, patient_a, D(2026, 10, 1), 30)
    add_nusinersen(world.clinician_a, patient_a, start=D(2026, 10, 5), doses=(D(2026, 10, 5),))
    (judgement,) = report_for(world, patient_a).judgements
    assert [p.code for p in judgement.problems] == ["no_follow_up"]


def test_results_after_a_stop_belong_to_the_next_course(world, sma_patient):
    course = sma_patient.therapy_courses.get()
    therapy_services.course_stop(
        by=world.clinician_a,
        course=course,
        stopped_on=D(2025, 12, 1),
        reason="transition",
        expected_version=course.row_version,
    )
    therapy_services.course_start(
        by=world.clinician_a, patient=sma_patient, drug="risdiplam", started_on=D(2025, 12, 2)
    )
    nusinersen, risdiplam = report_for(world, sma_patient).judgements
    # Nusinersen: follow-ups up to its stop day only (8 July 2025: +2, stable).
    assert [f.day for f in nusinersen.response.follow_ups] == [D(2025, 7, 8)]
    assert nusinersen.response.classification == "stable"
    # Risdiplam from 2 December 2025: baseline 8 July 2025 is five months before — outside 3 months.
    assert risdiplam.response is None and [p.code for p in risdiplam.problems] == ["no_baseline"]


def test_without_sma_status_there_is_no_untreated_reference(world, patient_a):
    for day, total in ((D(2025, 1, 3), 30), (D(2026, 3, 9), 34)):
        record_hfmse(world.clinician_a, patient_a, day, total)
    add_nusinersen(world.clinician_a, patient_a)
    response = report_for(world, patient_a).judgements[0].response
    assert response.reference is None and response.comparison is None
    assert response.no_reference_reason.en == "no untreated reference covers this patient's population and age"
    assert response.classification == "improved"


def test_a_course_is_judged_only_on_the_instruments_of_its_condition(world, sma_patient):
    from qadam.assessments.services import assessment_record, visit_create

    visit = visit_create(by=world.clinician_a, patient=sma_patient, visit_date=D(2025, 7, 8), kind="routine")
    assessment_record(
        by=world.clinician_a, visit=visit, instrument="phq9", responses={str(i): 1 for i in range(1, 10)}, context={}
    )
    report = report_for(world, sma_patient)
    by_code = {t.instrument: t for t in report.trajectories}
    assert set(by_code) == {"hfmse", "phq9"}
    assert by_code["phq9"].courses == () and by_code["phq9"].judgements == ()
    assert len(by_code["hfmse"].judgements) == 1


def test_courses_carry_their_doses_in_order(world, sma_patient):
    (course,) = report_for(world, sma_patient).courses
    assert [d.day for d in course.doses][:4] == [D(2025, 1, 6), D(2025, 1, 20), D(2025, 2, 3), D(2025, 3, 10)]
    assert course.name("ru") == "Нусинерсен" and course.condition == "sma"
    assert course.covers(D(2025, 1, 6)) and not course.covers(D(2025, 1, 5))


@pytest.mark.parametrize("who", ["clinician_b", "outsider"])
def test_outside_the_center_nothing_is_read(world, sma_patient, who):
    with pytest.raises(NotVisible):
        selectors.patient_report(viewer=getattr(world, who), patient=sma_patient)


def test_a_registry_manager_sees_the_responses(world, sma_patient):
    report = selectors.patient_report(viewer=world.manager, patient=sma_patient, today=TODAY)
    assert report.judgements[0].response.classification == "improved"


def test_a_pain_adjuvant_course_is_judged_on_the_pain_scale(world, patient_a):
    from qadam.assessments.services import assessment_record, visit_create

    for day, score in ((D(2025, 1, 2), 7), (D(2025, 5, 6), 4)):
        visit = visit_create(by=world.clinician_a, patient=patient_a, visit_date=day, kind="routine")
        assessment_record(
            by=world.clinician_a, visit=visit, instrument="nrs_pain", responses={"score": score}, context={}
        )
    therapy_services.course_start(
        by=world.clinician_a,
        patient=patient_a,
        drug="adjuvant:GABAPENTINOID",
        product="pregabalin",
        started_on=D(2025, 1, 2),
    )
    (judgement,) = report_for(world, patient_a).judgements
    response = judgement.response
    # 7 → 4 on 6 May 2025, four calendar months after 2 January: −3, beyond the 2-point threshold (lower is better).
    assert (response.change, response.classification, response.months_on_therapy) == (-3, "improved", 4)
    assert response.sentence.en.startswith("NRS pain -3 after 4 months of α2δ ligands (gabapentinoids): improved")
    assert response.reference is None


def rulm_answers(total: int) -> dict[str, int]:
    """RULM: entry item A at 6 (not summed), B at 0/1 and C–T at 0/1/2 (Mazzone 2017), adding up to ``total``."""
    answers = {"A": 6}
    left = total
    for item in "BCDEFGHIJKLMNOPQRST":
        top = 1 if item == "B" else 2
        answers[item] = min(top, left)
        left -= answers[item]
    return answers


def test_one_sided_results_make_one_trajectory_and_judgement_per_side(world, sma_patient):
    from qadam.assessments.services import assessment_record, visit_create

    for day, left, right in ((D(2025, 1, 3), 20, 25), (D(2026, 3, 9), 23, 24)):
        visit = visit_create(by=world.clinician_a, patient=sma_patient, visit_date=day, kind="routine")
        for side, total in (("L", left), ("R", right)):
            assessment_record(
                by=world.clinician_a,
                visit=visit,
                instrument="rulm",
                responses=rulm_answers(total),
                context={"side": side},
            )
    report = report_for(world, sma_patient)
    rulm = [t for t in report.trajectories if t.instrument == "rulm"]
    assert [(t.key, [r.value for r in t.results]) for t in rulm] == [("rulm-l", [20, 23]), ("rulm-r", [25, 24])]
    left, right = (t.judgements[0].response for t in rulm)
    # RULM meaningful change 2 points: left +3 improved, right −1 stable; compared on the same side only.
    assert (left.change, left.classification) == (3, "improved")
    assert (right.change, right.classification) == (-1, "stable")
    # SMA type 3 walker: the RULM whole-cohort row of Pera 2019 (−0.41/year, SD 2.93).
    assert left.reference.id == "rulm_sma23"


def test_instruments_missing_the_same_baseline_are_listed_together(world, patient_a):
    from qadam.assessments.services import assessment_record, visit_create

    visit = visit_create(by=world.clinician_a, patient=patient_a, visit_date=D(2025, 7, 8), kind="routine")
    record_hfmse(world.clinician_a, patient_a, D(2025, 7, 8), 32)
    assessment_record(
        by=world.clinician_a, visit=visit, instrument="rulm", responses=rulm_answers(20), context={"side": "L"}
    )
    add_nusinersen(world.clinician_a, patient_a)
    report = report_for(world, patient_a)
    assert report.judged == []
    (pending,) = report.pending
    assert pending.instruments == ("HFMSE", "RULM (L)")
    assert [p.code for p in pending.problems] == ["no_baseline"]


def test_a_fixed_number_of_queries_whatever_the_record_size(world, sma_patient, django_assert_max_num_queries):
    for offset, total in ((1, 35), (2, 36), (3, 36)):
        record_hfmse(world.clinician_a, sma_patient, D(2026, 3 + offset, 9), total)
    therapy_services.course_start(by=world.clinician_a, patient=sma_patient, drug="risdiplam", started_on=D(2026, 8, 1))
    # Visibility (roles are cached on the user), results, courses, their doses, SMA statuses.
    world.clinician_a.refresh_from_db()
    with django_assert_max_num_queries(7):
        report = report_for(world, sma_patient)
    assert len(report.trajectories[0].results) == 7 and len(report.courses) == 2


def test_a_single_dose_therapy_keeps_its_follow_ups_after_its_stop_day(world, patient_a):
    """Onasemnogene is given once; the course is closed when its monitoring ends, but its effect
    lasts: results after the stop day are still its follow-ups, until the next SMA course starts."""
    for day, total in ((D(2025, 1, 9), 30), (D(2025, 7, 1), 34), (D(2026, 2, 1), 35)):
        record_hfmse(world.clinician_a, patient_a, day, total)
    course = therapy_services.course_start(
        by=world.clinician_a, patient=patient_a, drug="onasemnogene_abeparvovec_it", started_on=D(2025, 1, 10)
    )
    therapy_services.course_stop(
        by=world.clinician_a,
        course=course,
        stopped_on=D(2025, 4, 10),
        reason="completed",
        expected_version=course.row_version,
    )
    (judgement,) = report_for(world, patient_a).judgements
    assert [f.day for f in judgement.response.follow_ups] == [D(2025, 7, 1), D(2026, 2, 1)]
    therapy_services.course_start(by=world.clinician_a, patient=patient_a, drug="risdiplam", started_on=D(2026, 1, 15))
    onasemnogene, risdiplam = report_for(world, patient_a).judgements
    # Risdiplam from 15 January 2026: the onasemnogene follow-ups end on 14 January 2026.
    assert onasemnogene.course.follow_up_until == D(2026, 1, 14)
    assert [f.day for f in onasemnogene.response.follow_ups] == [D(2025, 7, 1)]
    assert risdiplam.response is None  # 1 July 2025 is more than 3 months before 15 January 2026
