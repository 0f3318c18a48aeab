"""Time the worklist of one synthetic center (not a test: run it by hand on an empty database).

    rm -rf /tmp/qadam-bench && qadam --data-dir /tmp/qadam-bench migrate
    QADAM_DEBUG=1 QADAM_DATA_DIR=/tmp/qadam-bench python tests/monitoring/bench_worklist.py 3000

Patients get one diagnosis each in turn (SMA, MG, stroke, pain), SMA ones a functional status,
four visits (one baseline) with two completed assessments each, and every eighth SMA or MG patient a
nusinersen or efgartigimod course with up to three doses. Prints items, queries, wall and CPU seconds.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadam.config.settings")


def main(count: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qadam.assessments.models import Assessment, Visit
    from qadam.centers.models import Role
    from qadam.core.testing import make_center, make_user
    from qadam.monitoring import selectors
    from qadam.patients.models import Diagnosis, Patient, SmaStatus
    from qadam.therapy.models import Administration, TherapyCourse

    rnd = random.Random(1)
    center = make_center("bench")
    user = make_user("bench_user", (center, Role.COORDINATOR))
    today = datetime.date(2026, 11, 26)
    codes = ["G12.1", "G70.0", "I63.9", "M54.5"]
    patients = Patient.objects.bulk_create(
        Patient(
            registry_id=f"KZ-B{i:07d}",
            center=center,
            birth_date=datetime.date(1950 + i % 70, 1 + i % 12, 1 + i % 28),
            sex="female",
        )
        for i in range(count)
    )
    diagnoses, statuses, visits = [], [], []
    for i, patient in enumerate(patients):
        day = today - datetime.timedelta(days=rnd.randint(30, 3000))
        diagnoses.append(Diagnosis(patient=patient, icd10_id=codes[i % 4], diagnosed_on=day, is_primary=True))
        if i % 4 == 0:
            status = rnd.choice(["non_sitter", "sitter", "walker"])
            statuses.append(SmaStatus(patient=patient, recorded_on=day, sma_type="3", functional_status=status))
        for k in range(4):
            visits.append(
                Visit(
                    patient=patient,
                    visit_date=today - datetime.timedelta(days=rnd.randint(1, 900)),
                    kind="baseline" if k == 0 else "routine",
                    center=center,
                    created_by=user,
                )
            )
    Diagnosis.objects.bulk_create(diagnoses)
    SmaStatus.objects.bulk_create(statuses)
    visits = Visit.objects.bulk_create(visits)
    instruments = ["hfmse", "rulm", "mg_adl", "nihss", "mrs", "nrs_pain", "eq5d5l", "fvc"]
    Assessment.objects.bulk_create(
        Assessment(
            visit=visit,
            instrument=rnd.choice(instruments),
            instrument_version="bench",
            status="completed",
            rater=user,
            assessed_on=visit.visit_date,
        )
        for visit in visits
        for _ in range(2)
    )
    courses = TherapyCourse.objects.bulk_create(
        TherapyCourse(
            patient=patient,
            center=center,
            drug="nusinersen" if i % 8 == 0 else "efgartigimod_alfa",
            started_on=today - datetime.timedelta(days=rnd.randint(10, 900)),
            created_by=user,
        )
        for i, patient in enumerate(patients)
        if i % 8 in (0, 1)
    )
    Administration.objects.bulk_create(
        Administration(
            course=course,
            given_on=course.started_on + datetime.timedelta(days=14 * k),
            dose=12,
            dose_unit="mg",
            route="intrathecal" if course.drug == "nusinersen" else "iv",
            created_by=user,
        )
        for course in courses
        for k in range(3)
        if course.started_on + datetime.timedelta(days=14 * k) <= today
    )
    print(f"patients {count}, assessments {Assessment.objects.count()}, courses {len(courses)}")
    for _run in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            result = selectors.worklist(viewer=user, today=today)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{len(result.items)} items, {len(queries)} queries, {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
