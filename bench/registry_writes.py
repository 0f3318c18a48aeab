"""Latency, throughput and queries of the registry's audited writes, through the services.

Operations (each one service call or chain of calls, exactly as the web pages and the demo make them):

* ``patient_register``  a patient with a name and a valid IIN (two audit entries);
* ``visit_create``      a visit of an existing patient;
* ``assessment``        a full HFMSE (33 items): ``assessment_start`` → ``assessment_save`` →
  ``assessment_complete`` → ``assessment_sign`` (password checked again), four audited writes;
* ``assessment_record`` the same HFMSE recorded and signed in one call (when the service exists).

For each: p50 / p95 / p99 latency of one operation, operations per second (sequential in one process,
or summed over ``--clients`` processes writing at the same time), and the number of SQL queries one
operation makes (``CaptureQueriesContext`` over a separate sample, so the capture does not slow the
timed run), and the CPU time the writing process spent per operation (steadier than latency on a
shared machine). Every run ends with ``audit_verify`` over the whole chain the run wrote.

Bounded in count and time: at most ``--count`` operations per operation kind and client, and no
new operation is started after ``--seconds``.

Databases:

* SQLite (default): a fresh database in a temporary folder, with the registry's own settings
  (``qadam.config.settings``), removed at the end.
* PostgreSQL: ``QADAM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qadam_bench``. The database named
  in the URL is created by the benchmark and dropped at the end; the benchmark refuses to run if it
  already exists, so it never writes into (or drops) a database it did not create.

Passwords are hashed with Django's MD5 hasher unless ``--hasher default`` is given: the default
PBKDF2 hasher costs about 0.5 s per check on purpose, which would hide every other cost of signing.

Run from the repository root:

    .venv/bin/python bench/registry_writes.py
    .venv/bin/python bench/registry_writes.py --count 300 --clients 4 --json
    QADAM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qadam_bench .venv/bin/python bench/registry_writes.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable

import _support

INSTRUMENT = "hfmse"
OPERATIONS = ("patient_register", "visit_create", "assessment", "assessment_record")
QUERY_SAMPLE = 10
PASSWORD = "bench-password-not-secret"
_FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --------------------------------------------------------------------------- database lifecycle


def create_database() -> Callable[[], None]:
    """Create the benchmark's database (``QADAM_DATABASE_URL``, else SQLite); return the function that removes it."""
    return _support.create_database(os.environ.get("QADAM_DATABASE_URL", "").strip(), prefix="qadam-bench-")[0]


def setup_django(hasher: str) -> None:
    _support.setup_django()
    if hasher == "md5":
        from django.test.utils import override_settings

        override_settings(PASSWORD_HASHERS=_FAST_HASHERS).enable()


# --------------------------------------------------------------------------- fixtures


class Fixture:
    """A center with a clinician, and everything the operations draw from."""

    def __init__(self, tag: str):
        from qadam import scales
        from qadam.centers.models import Role
        from qadam.centers.services import center_create, membership_grant, user_create

        self.center = center_create(
            code=f"bench-{tag}", name=f"Bench {tag}", region="almaty", city="Almaty", kind="city"
        )
        self.user = user_create(username=f"bench-{tag}", password=PASSWORD, check_password_strength=False)
        membership_grant(user=self.user, center=self.center, role=Role.CLINICIAN)
        from django.contrib.auth import get_user_model

        # A fresh user object, as a request's authentication would load it.
        self.user = get_user_model().objects.get(pk=self.user.pk)
        examples = _support.load_examples()
        instrument = scales.get(INSTRUMENT)
        rng = random.Random(hash(tag) & 0xFFFF)
        low, high = examples.full_responses(instrument, min), examples.full_responses(instrument, max)
        self.responses = [{k: (low if rng.random() < 0.5 else high)[k] for k in high} for _ in range(16)]
        self.context = examples.example_context(instrument)
        self.rng = rng
        self.taken: set[str] = set()
        self.patients: list = []
        self.visits: list = []
        self.counter = 0

    def next_responses(self) -> dict:
        self.counter += 1
        return self.responses[self.counter % len(self.responses)]

    def iin(self, birth_date: datetime.date, sex: str) -> str:
        from qadam.demo.people import demo_iin

        return demo_iin(self.rng, birth_date, sex, self.taken)

    def patient(self):
        if not self.patients:
            self.patients.append(op_patient_register(self))
        return self.patients[self.counter % len(self.patients)]

    def visit(self):
        if not self.visits:
            self.visits.append(op_visit_create(self))
        return self.visits[self.counter % len(self.visits)]


def op_patient_register(fx: Fixture):
    from qadam.patients.services import patient_register

    fx.counter += 1
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=fx.rng.randrange(25_000))
    sex = "female" if fx.counter % 2 else "male"
    patient = patient_register(
        by=fx.user,
        center=fx.center,
        birth_date=birth,
        sex=sex,
        full_name=f"BENCH Patient {fx.counter}",
        iin=fx.iin(birth, sex),
    )
    fx.patients.append(patient)
    return patient


def op_visit_create(fx: Fixture):
    from qadam.assessments.services import visit_create

    visit = visit_create(by=fx.user, patient=fx.patient(), visit_date=datetime.date(2024, 5, 2), kind="routine")
    fx.visits.append(visit)
    return visit


def op_assessment(fx: Fixture):
    from qadam.assessments.services import assessment_complete, assessment_save, assessment_sign, assessment_start

    a = assessment_start(by=fx.user, visit=fx.visit(), instrument=INSTRUMENT)
    a = assessment_save(
        by=fx.user, assessment=a, responses=fx.next_responses(), context=fx.context, expected_version=a.row_version
    )
    a = assessment_complete(by=fx.user, assessment=a, expected_version=a.row_version)
    return assessment_sign(by=fx.user, assessment=a, password=PASSWORD, expected_version=a.row_version)


def op_assessment_record(fx: Fixture):
    from qadam.assessments.services import assessment_record

    return assessment_record(
        by=fx.user,
        visit=fx.visit(),
        instrument=INSTRUMENT,
        responses=fx.next_responses(),
        context=fx.context,
        status="signed",
        password=PASSWORD,
    )


OPERATION_FUNCTIONS = {
    "patient_register": op_patient_register,
    "visit_create": op_visit_create,
    "assessment": op_assessment,
    "assessment_record": op_assessment_record,
}


def available(name: str) -> bool:
    if name != "assessment_record":
        return True
    from qadam.assessments import services

    return hasattr(services, "assessment_record")


# --------------------------------------------------------------------------- measuring


def timed_run(fx: Fixture, name: str, count: int, seconds: float) -> tuple[list[float], float, float]:
    """Run ``name`` up to ``count`` times or until ``seconds`` pass; return latencies, wall and CPU time.

    The CPU time is this process's only (Python, Django, the driver; SQLite's work too, since it runs
    inside the process; not PostgreSQL's server processes). It depends far less than latency on
    whatever else the machine is doing."""
    operation = OPERATION_FUNCTIONS[name]
    latencies = []
    started, cpu_started = time.perf_counter(), time.process_time()
    deadline = started + seconds
    for _ in range(count):
        t0 = time.perf_counter()
        operation(fx)
        latencies.append(time.perf_counter() - t0)
        if t0 > deadline:
            break
    return latencies, time.perf_counter() - started, time.process_time() - cpu_started


def query_counts(fx: Fixture, name: str) -> list[int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(QUERY_SAMPLE):
        with CaptureQueriesContext(connection) as captured:
            OPERATION_FUNCTIONS[name](fx)
        counts.append(len(captured.captured_queries))
    return counts


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _client(tag: str, names: list[str], count: int, seconds: float, start, queue) -> None:
    """One writer process: its own connection, center and user; waits for the others, then runs."""
    from django.db import connections

    connections.close_all()
    fx = Fixture(tag)
    op_visit_create(fx)
    results = {}
    for name in names:
        start.wait()
        results[name] = timed_run(fx, name, count, seconds)
    connections.close_all()
    queue.put(results)


def run(names: list[str], count: int, seconds: float, clients: int) -> dict:
    from django.db import connections

    fx = Fixture("main")
    for name in names:  # warm-up: imports, first queries, statement caches
        OPERATION_FUNCTIONS[name](fx)
    report = {name: {"queries": query_counts(fx, name)} for name in names}
    if clients == 1:
        for name in names:
            latencies, wall, cpu = timed_run(fx, name, count, seconds)
            report[name].update(latencies=latencies, wall=wall, cpu=cpu)
        return report
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, queue = context.Barrier(clients), context.Queue()
    workers = [
        context.Process(target=_client, args=(f"c{n}", names, count, seconds, start, queue)) for n in range(clients)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=seconds * len(names) * 4 + 300) for _ in workers]
    for worker in workers:
        worker.join()
    for name in names:
        latencies = [x for result in results for x in result[name][0]]
        # Throughput of concurrent clients: all operations over the longest client's wall time.
        report[name].update(
            latencies=latencies,
            wall=max(result[name][1] for result in results),
            cpu=sum(result[name][2] for result in results),
        )
    return report


def summarise(report: dict, clients: int) -> dict:
    summary = {}
    for name, data in report.items():
        latencies = data["latencies"]
        summary[name] = {
            "operations": len(latencies),
            "clients": clients,
            "per_second": len(latencies) / data["wall"],
            "p50_ms": percentile(latencies, 50) * 1000,
            "p95_ms": percentile(latencies, 95) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000,
            "cpu_ms": data["cpu"] / len(latencies) * 1000,
            "queries": statistics.median(data["queries"]),
            "queries_max": max(data["queries"]),
        }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", nargs="+", choices=OPERATIONS, default=list(OPERATIONS))
    parser.add_argument("--count", type=int, default=200, help="operations per kind and client (default 200)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per kind (default 20)")
    parser.add_argument("--clients", type=int, default=1, help="concurrent writer processes (default 1)")
    parser.add_argument("--hasher", choices=("md5", "default"), default="md5")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.count < 1 or args.seconds <= 0 or not 1 <= args.clients <= 64:
        parser.error("--count ≥ 1, --seconds > 0 and 1 ≤ --clients ≤ 64")

    remove = create_database()
    try:
        setup_django(args.hasher)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", interactive=False, verbosity=0)
        names = [name for name in args.ops if available(name)]
        skipped = sorted(set(args.ops) - set(names))
        report = run(names, args.count, args.seconds, args.clients)
        from qadam.audit.services import audit_verify

        verify = audit_verify()
        summary = summarise(report, args.clients)
        vendor = connection.vendor
    finally:
        remove()

    if args.json:
        print(json.dumps({"database": vendor, "audit_ok": verify.ok, "operations": summary}, indent=2))
    else:
        print(f"{vendor}, Python {platform.python_version()}, {os.cpu_count()} CPUs, {args.clients} client(s)")
        header = (
            f"{'operation':<18} {'ops':>5} {'ops/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'cpu ms':>7} {'queries':>8}"
        )
        print(header)
        for name, row in summary.items():
            print(
                f"{name:<18} {row['operations']:>5} {row['per_second']:>8.1f} {row['p50_ms']:>8.2f} "
                f"{row['p95_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['cpu_ms']:>7.2f} {row['queries']:>8g}"
            )
        if skipped:
            print(f"not available: {', '.join(skipped)}")
        print(f"audit chain verified: {verify.ok} ({verify.checked} entries)")
    return 0 if verify.ok else 1


if __name__ == "__main__":
    sys.exit(main())
