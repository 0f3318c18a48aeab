"""``qadam demo``: create the embedded registry, load the synthetic cohort, print the logins, serve.

    qadam demo [--data-dir DIR] [--port 8000] [--no-serve] [--patients N] [--seed S] [--reset]

The database is the SQLite file in the data folder (``./qadam-data`` unless ``--data-dir`` or
``QADAM_DATA_DIR`` says otherwise). A folder that already holds the demo cohort is served as it is;
``--reset`` starts again from an empty database. The cohort is never loaded into a registry that
holds other data.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from qadam.config.settings import data_dir
from qadam.core.validation import today
from qadam.demo.cohort import CENTERS, DEFAULT_PATIENTS, DEFAULT_SEED, generate_cohort
from qadam.demo.loader import DEMO_LOGINS, center_clinician_username, demo_cohort_present, demo_password, load_cohort
from qadam.patients.models import Patient

ROLE_LABELS = {
    "clinician": "clinician (rater)",
    "coordinator": "coordinator",
    "manager": "registry manager (all centers, pseudonymous)",
    "trainer": "trainer",
    "admin": "administrator and superuser (Django admin at /admin/)",
}


class Command(BaseCommand):
    help = "Create a demo registry with a synthetic cohort in the data folder and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            help="data folder of the embedded database (read by the qadam launcher before the registry starts)",
        )
        parser.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
        parser.add_argument("--no-serve", action="store_true", help="prepare the demo and exit without serving")
        parser.add_argument(
            "--patients", type=int, default=DEFAULT_PATIENTS, help=f"patients to generate (default {DEFAULT_PATIENTS})"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"seed of the synthetic cohort (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete the embedded database first and load the cohort again"
        )

    def handle(
        self, *args, data_dir: str | None, port: int, no_serve: bool, patients: int, seed: int, reset: bool, **options
    ):
        _check_data_dir(data_dir)
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535. Got {port} instead.")
        if patients < 1:
            raise CommandError(f"--patients must be at least 1. Got {patients} instead.")
        if reset:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        if demo_cohort_present():
            self.stdout.write("The demo cohort is already loaded; serving it as it is (--reset loads it again).")
        elif Patient.objects.exists():
            raise CommandError(
                "This database holds registry data that is not the demo; the demo is never mixed with it. "
                "Use an empty folder: qadam demo --data-dir ./qadam-demo"
            )
        else:
            self._load(patients, seed)
        self._print_logins(port, no_serve)
        if not no_serve:
            # The server forks its workers: they must open their own database connections.
            connections.close_all()
            call_command("serve", port=port)

    def _reset(self) -> None:
        database = settings.DATABASES["default"]
        if not database["ENGINE"].endswith("sqlite3"):
            raise CommandError(
                "--reset deletes the embedded SQLite database; it is not available with QADAM_DATABASE_URL."
            )
        connections.close_all()
        path = Path(database["NAME"])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.stdout.write(f"Deleted {path}.")

    def _load(self, patients: int, seed: int) -> None:
        started = time.perf_counter()
        cohort = generate_cohort(
            patients=patients, seed=seed, as_of=today(), progress=_progress_line("Generating patients", started)
        )
        sys.stderr.write("\n")
        generated = time.perf_counter() - started
        if cohort.skipped_instruments:
            self.stderr.write(f"Not in the scales catalogue, left out: {', '.join(sorted(cohort.skipped_instruments))}")
        report = load_cohort(cohort, progress=_progress_line("Loading patients", time.perf_counter()))
        sys.stderr.write("\n")
        self.stdout.write(
            f"Synthetic cohort: {report.patients} patients, {report.visits} visits, {report.assessments} assessments, "
            f"{report.courses} therapy courses with {report.doses} doses "
            f"in {report.centers} centers; {report.audit_entries} audit entries "
            f"(generated in {generated:.1f} s, loaded in {report.seconds:.1f} s)."
        )
        if report.showcase:
            self.stdout.write("Patients chosen to show each part of monitoring (registry id, center, what to look at):")
            for registry_id, center, shows in report.showcase:
                self.stdout.write(f"  {registry_id}  {center:<15} {shows}")

    def _print_logins(self, port: int, no_serve: bool) -> None:
        where = settings.DATABASES["default"]["NAME"]
        self.stdout.write(f"Database: {where}")
        url = f"http://127.0.0.1:{port}/"
        if not no_serve:
            self.stdout.write(f"Open {url} and sign in with a demo login (synthetic data only):")
        else:
            self.stdout.write(
                f"Serve it with `qadam demo --port {port}` and open {url}; demo logins (synthetic data only):"
            )
        first = CENTERS[0].name
        for username, _ in DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} password {demo_password(username):<17} {ROLE_LABELS[username]}")
        self.stdout.write(f"  clinician and coordinator work in {first}.")
        others = ", ".join(center_clinician_username(c.code) for c in CENTERS[1:])
        self.stdout.write(f"  Clinicians of the other centers: {others} (password demo-<username>).")


def _check_data_dir(requested: str | None) -> None:
    """The launcher applies ``--data-dir`` before the settings load; a different folder here means the
    command was called another way and would silently use the wrong database."""
    if requested is None or settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") is False:
        return
    if Path(requested).expanduser().resolve() != data_dir():
        raise CommandError(
            f"--data-dir {requested} does not match the database this command runs on ({data_dir()}). "
            "Run it as: qadam --data-dir DIR demo"
        )


def _progress_line(label: str, started: float):
    def report(done: int, total: int) -> None:
        if done == total or done % 5 == 0:
            sys.stderr.write(f"\r{label}: {done}/{total} ({time.perf_counter() - started:.0f} s)")
            sys.stderr.flush()

    return report
