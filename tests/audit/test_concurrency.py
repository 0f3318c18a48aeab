"""Concurrent writers never fork the audit chain: real processes against a real database."""

import os
import subprocess
import sys
import uuid

import pytest

WRITERS = 4
ENTRIES_EACH = 25
APPEND = f"""
from qadam.audit.services import audit_record
for n in range({ENTRIES_EACH}):
    audit_record(actor=None, action="view", object_type="test.concurrency", object_id=str(n))
"""


@pytest.fixture
def registry_env(tmp_path):
    """Environment for `python -m qadam` on a database of its own (PostgreSQL when the suite runs there)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QADAM_", "PYTEST", "DJANGO_"))}
    url = os.environ.get("QADAM_DATABASE_URL")
    if not url:
        yield {**env, "QADAM_DATA_DIR": str(tmp_path)}
        return
    import psycopg

    name = f"qadam_concurrency_{uuid.uuid4().hex[:12]}"
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "QADAM_DATABASE_URL": url.rsplit("/", 1)[0] + f"/{name}", "QADAM_SECRET_KEY": "test-only"}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _qadam(env, *args):
    return [sys.executable, "-m", "qadam", *args]


def test_parallel_appends_keep_one_unbroken_chain(registry_env):
    migrate = subprocess.run(
        _qadam(registry_env, "migrate", "--noinput", "-v", "0"),
        env=registry_env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    writers = [
        subprocess.Popen(
            _qadam(registry_env, "shell", "-v", "0", "-c", APPEND),
            env=registry_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    for writer in writers:
        _out, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err
    count = subprocess.run(
        _qadam(
            registry_env,
            "shell",
            "-v",
            "0",
            "-c",
            "from qadam.audit.models import AuditEntry as E; print(E.objects.count(), E.objects.order_by('-seq').first().seq)",
        ),
        env=registry_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert count.stdout.split() == [str(WRITERS * ENTRIES_EACH)] * 2
    verify = subprocess.run(
        _qadam(registry_env, "audit", "verify"), env=registry_env, capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0, verify.stderr
    assert f"{WRITERS * ENTRIES_EACH} entries verified" in verify.stdout
