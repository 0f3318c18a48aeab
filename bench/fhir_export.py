"""FHIR bulk export: resources per second and peak memory of ``qadam export fhir`` over a synthetic cohort.

The cohort is written straight into the database with ``bulk_create`` (no services, no audit: only
the rows the export reads): two centers, ``bench-small`` with a tenth of the patients and
``bench-big`` with the rest. Per patient: one diagnosis (G12.1 or G70.0), three visits, one
assessment per visit (PHQ-9 signed, HADS with two subscores, HFMSE with a subscore, MG-ADL, NIHSS
in turn; stored responses, context and result exactly as ``score_for_storage`` gives them), and a
therapy course with two doses (nusinersen intrathecal with its procedure details, or risdiplam by
mouth). That is about 16 resources per patient.

Each export then runs in a fresh process, exactly as the command does (``qadam export fhir --out
DIR --quiet``, files written to a temporary folder and removed afterwards): once for the small
center and once for the whole cohort. Printed per run: resources, seconds, resources per second,
the resident memory after Django started and the peak resident memory (``VmHWM``) of the
process, and the CPU time of the exporting process (on a shared machine, resources per CPU second
is the figure other work disturbs least; on PostgreSQL the CPU time of the connection's server
process is read from /proc and added for a second figure). Memory flat in the cohort size means both runs peak at about the same size although one
exports ten times as much. ``--tracemalloc`` adds a run per size with ``tracemalloc`` (peak of
Python allocations during the export; slower, so not the run whose speed is reported).

Databases: a fresh SQLite file in a temporary folder, or ``--database-url postgres://…/NAME``
(the database is created when missing and migrated; ``--keep`` keeps it, and a later run with the
same ``--patients`` reuses the cohort it finds there instead of generating it again).

    .venv/bin/python bench/fhir_export.py --patients 10000
    .venv/bin/python bench/fhir_export.py --patients 100000 --keep \\
        --database-url postgres://postgres@127.0.0.1:5432/qadam_fhir_bench
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import _support

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.scales.examples builds the stored responses

INSTRUMENTS = ("phq9", "hads", "hfmse", "mg_adl", "nihss")
BATCH = 2000
INTRATHECAL = {"approach": "interlaminar", "imaging_guidance": "ultrasound", "needle_gauge": 22, "csf_removed_ml": 5}


def setup_django() -> None:
    os.environ.setdefault("QADAM_DEBUG", "1")
    _support.setup_django()


def templates() -> dict[str, list]:
    """Per instrument two stored administrations (lowest and highest answers)."""
    from tests.scales.examples import example_context, full_responses

    from qadam import scales
    from qadam.assessments.scoring import score_for_storage

    found = {}
    for code in INSTRUMENTS:
        instrument = scales.get(code)
        found[code] = []
        for pick in (min, max):
            scoring = score_for_storage(instrument, full_responses(instrument, pick), example_context(instrument))
            result = scoring.result
            total = None if result.total is None else float(result.total)
            found[code].append(
                (
                    instrument.version,
                    scoring.responses,
                    scoring.context,
                    result.as_dict(),
                    total,
                    result.band,
                    result.scoring_version,
                )
            )
    return found


def generate(patients: int) -> None:
    """Write the cohort with bulk_create, in batches (memory stays bounded)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from qadam.assessments.models import Assessment, Visit
    from qadam.centers.models import Center
    from qadam.patients.models import Diagnosis, Patient
    from qadam.therapy.models import Administration, TherapyCourse

    user = get_user_model().objects.create_user("bench_clinician", password="bench-only-password")
    small = Center.objects.create(code="bench-small", name="Bench small", region="almaty", city="Almaty", kind="city")
    big = Center.objects.create(code="bench-big", name="Bench big", region="astana", city="Astana", kind="regional")
    shapes = templates()
    now = timezone.now()
    started = time.perf_counter()
    for first in range(0, patients, BATCH):
        indexes = range(first, min(first + BATCH, patients))
        with transaction.atomic():
            rows = [
                Patient(
                    registry_id=f"KZ-B{i:07d}",
                    center=small if i % 10 == 0 else big,
                    birth_date=datetime.date(1950, 1, 1) + datetime.timedelta(days=(i * 37) % 25000),
                    sex="female" if i % 2 else "male",
                )
                for i in indexes
            ]
            made = Patient.objects.bulk_create(rows, batch_size=BATCH)
            Diagnosis.objects.bulk_create(
                [
                    Diagnosis(
                        patient=p,
                        icd10_id="G12.1" if n % 2 == 0 else "G70.0",
                        diagnosed_on=datetime.date(2020, 1, 1),
                        is_primary=True,
                    )
                    for n, p in enumerate(made)
                ],
                batch_size=BATCH,
            )
            visits = Visit.objects.bulk_create(
                [
                    Visit(
                        patient=p,
                        visit_date=datetime.date(2024, 1 + 4 * k, 10),
                        kind=("baseline", "routine", "telemedicine")[k],
                        center=p.center,
                        created_by=user,
                    )
                    for p in made
                    for k in range(3)
                ],
                batch_size=BATCH,
            )
            assessments = []
            for n, visit in enumerate(visits):
                code = INSTRUMENTS[(n + first) % len(INSTRUMENTS)]
                version, responses, context, result, total, band, scoring_version = shapes[code][n % 2]
                signed = code == "phq9"
                assessments.append(
                    Assessment(
                        visit=visit, instrument=code, instrument_version=version, responses=responses, context=context,
                        result=result, total=total, band=band, scoring_version=scoring_version,
                        status="signed" if signed else "completed", rater=user, assessed_on=visit.visit_date,
                        signed_by=user if signed else None, signed_at=now if signed else None,
                    )
                )  # fmt: skip
            Assessment.objects.bulk_create(assessments, batch_size=BATCH)
            courses = TherapyCourse.objects.bulk_create(
                [
                    TherapyCourse(
                        patient=p,
                        center=p.center,
                        drug="nusinersen" if n % 2 == 0 else "risdiplam",
                        started_on=datetime.date(2024, 1, 10),
                        created_by=user,
                    )
                    for n, p in enumerate(made)
                ],
                batch_size=BATCH,
            )
            doses = []
            for n, course in enumerate(courses):
                intrathecal = n % 2 == 0
                for k in range(2):
                    doses.append(
                        Administration(
                            course=course, given_on=datetime.date(2024, 1, 10) + datetime.timedelta(days=14 * k),
                            dose=Decimal("12") if intrathecal else Decimal("5"), dose_unit="mg",
                            route="intrathecal" if intrathecal else "oral",
                            visit=visits[3 * n] if k == 0 else None,
                            procedure=INTRATHECAL if intrathecal else {}, created_by=user,
                        )
                    )  # fmt: skip
            Administration.objects.bulk_create(doses, batch_size=BATCH)
        done = indexes.stop
        rate = done / (time.perf_counter() - started)
        print(f"\r  generated {done}/{patients} patients ({rate:.0f}/s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def cohort_size() -> int:
    from qadam.patients.models import Patient

    return Patient.objects.filter(registry_id__startswith="KZ-B").count()


def rss_kib(field: str = "VmRSS") -> int:
    """Resident memory now (``VmRSS``) or at its peak (``VmHWM``), in KiB, from /proc.

    The peak is read from ``VmHWM`` rather than ``ru_maxrss``: Linux carries ``ru_maxrss`` over an
    ``exec``, so a child started by a parent that holds the generated cohort would report the
    parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def measure(center: str | None, traced: bool) -> dict:
    """One export in this (fresh) process, as the command runs it."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from qadam.interop.fhir import export as _export  # noqa: F401 - loaded before the baseline

    out = tempfile.mkdtemp(prefix="qadam-fhir-out-")
    args = ["export", "fhir", "--out", out, "--quiet"] + (["--center", center] if center else [])
    baseline = rss_kib()
    if traced:
        import tracemalloc

        tracemalloc.start()
    stdout = io.StringIO()
    db_before = _support.backend_cpu_seconds(connection)
    cpu_before = time.process_time()
    started = time.perf_counter()
    call_command(*args, stdout=stdout, stderr=io.StringIO())
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    db_after = _support.backend_cpu_seconds(connection)
    db_cpu = None if db_before is None or db_after is None else db_after - db_before
    peak_traced = None
    if traced:
        import tracemalloc

        peak_traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    size = sum(f.stat().st_size for f in Path(out).iterdir())
    counts = {f.stem: sum(1 for _ in f.open("rb")) for f in Path(out).iterdir() if f.suffix == ".ndjson"}
    shutil.rmtree(out, ignore_errors=True)
    total = sum(counts.values())
    return {
        "center": center or "all",
        "resources": total,
        "by_type": counts,
        "bytes": size,
        "seconds": round(seconds, 2),
        "resources_per_second": round(total / seconds),
        "cpu_seconds": round(cpu, 2),
        "resources_per_cpu_second": round(total / cpu) if cpu else None,
        "database_cpu_seconds": None if db_cpu is None else round(db_cpu, 2),
        # Both processes' CPU time: what the export costs the machine, whatever else runs on it.
        "resources_per_cpu_second_both": round(total / (cpu + db_cpu)) if db_cpu is not None else None,
        "rss_after_setup_mib": round(baseline / 1024, 1),
        "peak_rss_mib": round(rss_kib("VmHWM") / 1024, 1),
        "peak_traced_mib": None if peak_traced is None else round(peak_traced / 2**20, 1),
    }


def run_measure(center: str | None, traced: bool) -> dict:
    args = (
        [sys.executable, __file__, "--measure"]
        + (["--center", center] if center else [])
        + (["--tracemalloc"] if traced else [])
    )
    done = subprocess.run(args, check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("QADAM_DATABASE_URL", ""))
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (and its cohort) for a rerun")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure Python allocations (slower runs)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--center", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:  # the child: the database is already named in the environment
        setup_django()
        print(json.dumps(measure(options.center, options.tracemalloc)))
        return
    # An existing PostgreSQL database is reused with its cohort; ``--keep`` keeps the one used.
    drop, existed = _support.create_database(options.database_url, prefix="qadam-fhir-bench-", reuse=True)
    cleanup = (lambda: None) if options.keep and options.database_url else drop
    try:
        setup_django()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        found = cohort_size() if existed else 0
        if found and found != options.patients:
            raise SystemExit(
                f"The database holds a cohort of {found} patients; use another database or --patients {found}."
            )
        if not found:
            started = time.perf_counter()
            generate(options.patients)
            print(f"Cohort of {options.patients} patients generated in {time.perf_counter() - started:.0f} s.")
        else:
            print(f"Reusing the cohort of {found} patients in the database.")
        connection.close()
        print(f"Database: {connection.vendor}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
              f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
        runs = [("bench-small", False), (None, False)]
        if options.tracemalloc:
            runs += [("bench-small", True), (None, True)]
        for center, traced in runs:
            figures = run_measure(center, traced)
            label = f"{figures['center']}{' (tracemalloc)' if traced else ''}"
            print(
                f"{label:28} {figures['resources']:>9} resources in {figures['seconds']:>7.1f} s = "
                f"{figures['resources_per_second']:>6} /s (CPU {figures['cpu_seconds']:.1f} s: "
                f"{figures['resources_per_cpu_second']} per CPU second; with the database server's "
                f"{figures['database_cpu_seconds']} s: {figures['resources_per_cpu_second_both']}); RSS after setup {figures['rss_after_setup_mib']} MiB, "
                f"peak {figures['peak_rss_mib']} MiB"
                + (f", traced peak {figures['peak_traced_mib']} MiB" if traced else "")
                + f"; {figures['bytes'] / 2**20:.0f} MiB written"
            )
            print("   " + json.dumps(figures["by_type"]))
        print(f"load after: {os.getloadavg()[0]:.2f}")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
