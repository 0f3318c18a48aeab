"""Bulk import: assessments per second and peak memory of ``qadam import redcap``'s path.

Generates a REDCap records export of the project in ``tests/interop/redcap/files`` (HFMSE, PHQ-9 and
a repeating MG-ADL; the data dictionary and the reviewed mapping of the tests) with ``--count``
assessments: per record four events, each with an HFMSE (33 items), a PHQ-9 (10 items) and one
MG-ADL instance (8 items), so a new patient per 12 assessments. Then imports it exactly as the
command does — read the dictionary and the export, check the mapping, plan, ``run_import`` (check
and score every row, then one transaction: patients, visits, assessments and their audit entries) —
and imports it a second time (nothing new: the idempotent re-run).

Printed: assessments per second over the whole import (reading the files included) and per stage,
the SQL statements of the write, the process's peak resident memory (``ru_maxrss``) before and
after, and the audit chain check (``audit_verify``) at the end.

Databases, as ``bench/registry_writes.py``: a fresh SQLite file in a temporary folder, or
``--database-url postgres://…/NAME`` (or ``QADAM_DATABASE_URL``): the database NAME is created by
the benchmark and dropped at the end; it refuses a database that exists.

    .venv/bin/python bench/bulk_import.py --count 5000
    .venv/bin/python bench/bulk_import.py --count 5000 --database-url postgres://postgres@127.0.0.1:5432/qadam_bulk_bench
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import _support

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "tests" / "interop" / "redcap" / "files"
DICTIONARY = FILES / "sma_mg_DataDictionary.csv"
MAPPING = FILES / "sma_mg_mapping.json"
PER_EVENT = 3
EVENTS = 4
MG_ADL = ("talking", "chewing", "swallowing", "breathing", "brushing", "chair", "diplopia", "ptosis")


def records_csv(count: int, seed: int = 7) -> str:
    """A flat raw export of the test project with ``count`` assessments (rounded up to whole events)."""
    rng = random.Random(seed)
    with DICTIONARY.open(newline="") as handle:
        fields = [(row[0], row[1], row[3]) for row in list(csv.reader(handle))[1:]]
    columns = ["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"]
    forms: list[str] = []
    for name, form, kind in fields:
        if form not in forms:
            if forms:
                columns.append(f"{forms[-1]}_complete")
            forms.append(form)
        if name == "record_id":
            continue
        columns += [f"{name}___{c}" for c in ("1", "2", "3", "99")] if kind == "checkbox" else [name]
    columns.append(f"{forms[-1]}_complete")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    events = -(-count // PER_EVENT)
    for index in range(events):
        record, event = 10_000 + index // EVENTS, index % EVENTS
        day = datetime.date(2023, 1, 10) + datetime.timedelta(days=120 * event + rng.randrange(30))
        row = {"record_id": record, "redcap_event_name": f"visit_{event + 1}_arm_1"}
        if event == 0:
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(18_000))
            row.update(dob=birth.isoformat(), sex=rng.choice("12"), diagnosis="1", demographics_complete=2)
        hfmse = [rng.choice((0, 1, 2)) for _ in range(33)]
        phq9 = [rng.choice((0, 1, 2, 3)) for _ in range(9)]
        row.update({f"hfmse_{i:02d}": v for i, v in enumerate(hfmse, start=1)})
        row.update(hfmse_date=day.isoformat(), hfmse_total=sum(hfmse), hfmse_complete=2)
        row.update({f"phq9_{i}": v for i, v in enumerate(phq9, start=1)})
        row.update(phq9_10=rng.choice("1234"), phq9_date=day.isoformat(), phq9_total=sum(phq9), phq9_complete=2)
        writer.writerow(row)
        adl = [rng.choice((0, 1, 2, 3)) for _ in MG_ADL]
        repeat = {"record_id": record, "redcap_event_name": row["redcap_event_name"]}
        repeat.update(redcap_repeat_instrument="mg_adl", redcap_repeat_instance=1, mgadl_date=day.isoformat())
        repeat.update({f"mgadl_{n}": v for n, v in zip(MG_ADL, adl, strict=True)})
        repeat.update(mgadl_total=sum(adl), mg_adl_complete=2)
        writer.writerow(repeat)
    return out.getvalue()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_once(path: Path, user, center) -> dict:
    from django.db import connection

    from qadam.interop.imports.engine import collection_paused, run_import
    from qadam.interop.redcap.dictionary import read_dictionary, read_records
    from qadam.interop.redcap.importer import plan_records
    from qadam.interop.redcap.mapping import load_mapping

    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if done == total:
            marks[stage] = time.perf_counter()

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    server_before = _support.backend_cpu_seconds(connection)
    cpu_before = time.process_time()
    # As the command does: the collector paused for reading the files and for the import.
    with collection_paused():
        start = time.perf_counter()
        dictionary = read_dictionary(DICTIONARY)
        records = read_records(path, dictionary)
        mapping = load_mapping(json.loads(MAPPING.read_text()), dictionary)
        plan, rejections = plan_records(records, dictionary, mapping)
        del records  # as the command does
        planned = time.perf_counter()
        with connection.execute_wrapper(count):
            report = run_import(
                by=user, center=center, source=mapping["source"], plan=plan, rejections=rejections, progress=progress
            )
        end = time.perf_counter()
    cpu = time.process_time() - cpu_before
    server_after = _support.backend_cpu_seconds(connection)
    server = None if server_before is None or server_after is None else server_after - server_before
    assert report.ok and not report.rejections, report.rejections[:3]
    checked = marks.get("check", end)
    return {
        "planned": len(plan),
        "created": report.assessments_created,
        "unchanged": report.unchanged,
        "patients_created": report.patients_created,
        "visits_created": report.visits_created,
        "seconds": end - start,
        "per_second": len(plan) / (end - start),
        "read_plan_s": planned - start,
        "check_s": checked - planned,
        "write_s": end - checked,
        "queries": statements[0],
        "cpu_client_s": cpu,
        "cpu_server_s": server,
        "per_cpu_second": len(plan) / (cpu + (server or 0.0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="assessments to import (default 5000)")
    parser.add_argument("--database-url", default=os.environ.get("QADAM_DATABASE_URL", ""))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    os.environ.pop("QADAM_DATABASE_URL", None)
    drop = _support.create_database(options.database_url.strip(), prefix="qadam-bulk-")[0]
    try:
        _support.setup_django()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection

        from qadam.audit.services import audit_verify
        from qadam.centers.models import Role
        from qadam.centers.services import center_create, membership_grant, user_create

        call_command("migrate", verbosity=0)
        center = center_create(code="bulk", name="Bulk import", region="almaty", city="Almaty", kind="city")
        user = user_create(username="bulk", password="bench-password-not-secret", check_password_strength=False)
        membership_grant(user=user, center=center, role=Role.CLINICIAN)
        user = get_user_model().objects.get(pk=user.pk)
        folder = Path(tempfile.mkdtemp(prefix="qadam-bulk-files-"))
        path = folder / "records.csv"
        path.write_text(records_csv(options.count), encoding="utf-8")
        rss_before = peak_rss_mib()
        load_before = os.getloadavg()[0]
        first = import_once(path, user, center)
        rss_after = peak_rss_mib()
        second = import_once(path, user, center)
        load_after = os.getloadavg()[0]
        verify = audit_verify()
        shutil.rmtree(folder, ignore_errors=True)
        figures = {
            "database": connection.vendor,
            "count": options.count,
            "file_mib": round(path.stat().st_size / 2**20, 2) if path.exists() else None,
            "first": first,
            "again": second,
            "peak_rss_mib_before": round(rss_before, 1),
            "peak_rss_mib_after": round(rss_after, 1),
            "audit_ok": verify.ok,
            "audit_entries": verify.checked,
            "load_before": load_before,
            "load_after": load_after,
            "python": platform.python_version(),
        }
    finally:
        drop()
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['database']}: {options.count} assessments, load average {load_before:.2f} → {load_after:.2f}")
    for label, run in (("import", first), ("again", second)):
        print(
            f"  {label:7s} {run['planned']:6d} rows  {run['seconds']:6.2f} s  {run['per_second']:8.0f} assessments/s"
            f"  (read+plan {run['read_plan_s']:.2f} s, check {run['check_s']:.2f} s, write {run['write_s']:.2f} s;"
            f" {run['queries']} statements; {run['created']} new, {run['unchanged']} unchanged,"
            f" {run['patients_created']} patients, {run['visits_created']} visits)"
        )
        server = "" if run["cpu_server_s"] is None else f" + server {run['cpu_server_s']:.2f} s"
        print(
            f"          CPU: import process {run['cpu_client_s']:.2f} s{server}"
            f" = {run['per_cpu_second']:.0f} assessments per CPU-second"
        )
    print(f"  peak RSS {rss_before:.1f} MiB before the import, {rss_after:.1f} MiB after")
    print(f"  audit chain: {'intact' if verify.ok else 'BROKEN'}, {verify.checked} entries")


if __name__ == "__main__":
    sys.exit(main())
