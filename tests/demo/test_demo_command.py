"""``qadam demo`` run as a user runs it: a fresh process through the ``qadam`` launcher."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QADAM_", "DJANGO_", "PYTEST_"))}
    # The demo always uses the embedded SQLite database of its data folder, whatever the test run uses.
    return env


def _qadam(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qadam", *args], capture_output=True, text=True, timeout=timeout, env=_environment()
    )


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed table names


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("qadam-demo")
    ran = _qadam("demo", "--no-serve", "--data-dir", str(folder), "--patients", "12", "--seed", "7")
    assert ran.returncode == 0, ran.stderr
    return folder


def test_it_creates_the_database_loads_the_cohort_and_prints_the_logins(demo_dir):
    database = demo_dir / "qadam.sqlite3"
    assert database.exists()
    assert _count(database, "patients_patient") == 12
    assert _count(database, "centers_center") == 6
    assert _count(database, "assessments_assessment") > 100


def test_it_prints_the_url_and_every_demo_login(tmp_path):
    ran = _qadam("demo", "--no-serve", "--data-dir", str(tmp_path), "--patients", "4", "--port", "8123")
    assert ran.returncode == 0, ran.stderr
    assert "http://127.0.0.1:8123/" in ran.stdout
    for username in ("clinician", "coordinator", "manager", "trainer", "admin"):
        assert f"{username} " in ran.stdout and f"demo-{username}" in ran.stdout
    assert "Loading patients: 4/4" in ran.stderr
    assert "Patients chosen to show each part of monitoring" in ran.stdout
    assert "with a maintenance dose given late" in ran.stdout


def test_a_second_run_keeps_the_loaded_cohort(demo_dir):
    ran = _qadam("demo", "--no-serve", "--data-dir", str(demo_dir), "--patients", "12")
    assert ran.returncode == 0, ran.stderr
    assert "already loaded" in ran.stdout
    assert _count(demo_dir / "qadam.sqlite3", "patients_patient") == 12


def test_the_audit_chain_of_the_demo_verifies(demo_dir):
    ran = _qadam("--data-dir", str(demo_dir), "audit", "verify")
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_reset_loads_the_cohort_again_from_an_empty_database(tmp_path):
    assert _qadam("demo", "--no-serve", "--data-dir", str(tmp_path), "--patients", "3").returncode == 0
    ran = _qadam("demo", "--no-serve", "--data-dir", str(tmp_path), "--patients", "5", "--reset")
    assert ran.returncode == 0, ran.stderr
    assert _count(tmp_path / "qadam.sqlite3", "patients_patient") == 5


def test_it_refuses_bad_arguments(tmp_path):
    for args in (("--patients", "0"), ("--port", "70000")):
        ran = _qadam("demo", "--no-serve", "--data-dir", str(tmp_path), *args)
        assert ran.returncode != 0
        assert args[0] in ran.stderr


def test_it_serves_the_demo_on_127_0_0_1(demo_dir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "qadam", "demo", "--data-dir", str(demo_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_environment(),
        start_new_session=True,
    )
    try:
        assert _wait_for_page(f"http://127.0.0.1:{port}/login/", server) == 200
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def _wait_for_page(url: str, server: subprocess.Popen, seconds: float = 90) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")
