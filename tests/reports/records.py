"""Records for the report tests (and the chart browser test): HFMSE results and a nusinersen course
with its loading and first maintenance doses, dates worked by hand below."""

from __future__ import annotations

import datetime

from qadam.assessments.services import assessment_record, visit_create
from qadam.therapy import services as therapy_services

D = datetime.date

# Nusinersen started on 6 January 2025: loading doses on days 0, 14, 28 and 63 (EU SmPC 4.2), then
# every 4 months from the fourth (10 March 2025 → 10 July 2025 → 10 November 2025).
NUSINERSEN_START = D(2025, 1, 6)
NUSINERSEN_DOSES = (D(2025, 1, 6), D(2025, 1, 20), D(2025, 2, 3), D(2025, 3, 10), D(2025, 7, 10), D(2025, 11, 10))
# HFMSE: 29 four months before the start, baseline 30 three days before it, then 32 and 34 (14 months on).
HFMSE_RESULTS = ((D(2024, 9, 2), 29), (D(2025, 1, 3), 30), (D(2025, 7, 8), 32), (D(2026, 3, 9), 34))


def hfmse_answers(total: int) -> dict[str, int]:
    """HFMSE items (33 items scored 0–2) adding up to ``total``: 2s first, then a 1, then 0s."""
    answers = {}
    for item in range(1, 34):
        left = total - sum(answers.values())
        answers[str(item)] = 2 if left >= 2 else left
    return answers


def record_hfmse(by, patient, day: datetime.date, total: int):
    visit = visit_create(by=by, patient=patient, visit_date=day, kind="routine")
    return assessment_record(by=by, visit=visit, instrument="hfmse", responses=hfmse_answers(total), context={})


def add_nusinersen(by, patient, start=NUSINERSEN_START, doses=NUSINERSEN_DOSES):
    course = therapy_services.course_start(by=by, patient=patient, drug="nusinersen", started_on=start)
    for day in doses:
        therapy_services.administration_record(
            by=by,
            course=course,
            given_on=day,
            dose="12",
            dose_unit="mg",
            route="intrathecal",
            acknowledge_warnings=True,
        )
    return course
