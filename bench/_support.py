"""What the benchmark scripts share: their own database, Django set up as the registry runs it, the
CPU time of the PostgreSQL backend, and the report printed as JSON or as a table.

Imported by the scripts as ``import _support`` (``python bench/x.py`` puts ``bench/`` first on the
path); nothing here imports Django or psycopg until it is called.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_DATABASES = {"postgres", "template0", "template1"}


def postgres_names(url: str) -> tuple[str, str]:
    """The maintenance URL (database ``postgres``) and the database name of a PostgreSQL ``url``.

    Refuses a URL that is not PostgreSQL's or names no database of its own (postgres, template0/1).
    """
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name or name in SYSTEM_DATABASES:
        raise SystemExit(f"Name a PostgreSQL database of its own for the benchmark, e.g. …/qadam_bench. Got {url!r}.")
    # The query string holds Django's connection options (e.g. ``?server_side_binding=true``), not libpq's.
    return urlunsplit(parts._replace(path="/postgres", query="")), name


def create_postgres_database(url: str, *, reuse: bool = False) -> tuple[Callable[[], None], bool]:
    """Create the database ``url`` names; return the function that drops it and whether it existed.

    An existing database is refused (the benchmark never writes into, or drops, a database it did not
    create) unless ``reuse``, when it is used as it is.
    """
    import psycopg

    admin, name = postgres_names(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        existed = bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone())
        if existed and not reuse:
            raise SystemExit(f"The database {name!r} exists; the benchmark only uses a database it creates itself.")
        if not existed:
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        _close_django_connections()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop, existed


def create_database(url: str, *, prefix: str, reuse: bool = False) -> tuple[Callable[[], None], bool]:
    """Point the registry at a database of the benchmark's own; return (the function removing it, existed).

    No ``url``: a fresh SQLite database in a temporary folder (``QADAM_DATA_DIR``, named ``prefix…``).
    A PostgreSQL ``url``: as ``create_postgres_database``, and ``QADAM_DATABASE_URL`` names it.
    """
    if not url:
        folder = tempfile.mkdtemp(prefix=prefix)
        os.environ["QADAM_DATA_DIR"] = folder
        return (lambda: shutil.rmtree(folder, ignore_errors=True)), False
    drop, existed = create_postgres_database(url, reuse=reuse)
    os.environ["QADAM_DATABASE_URL"] = url
    return drop, existed


def _close_django_connections() -> None:
    """Close this process's database connections, if it has set Django up at all."""
    if "django.db" not in sys.modules:
        return
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def setup_django() -> None:
    """Django with the registry's own settings (``qadam.config.settings``) and a throwaway secret key."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadam.config.settings")
    os.environ.setdefault("QADAM_SECRET_KEY", "benchmark-only-key")
    import django

    django.setup()


def backend_cpu_seconds(connection: Any) -> float | None:
    """CPU time so far of the PostgreSQL backend serving ``connection`` (same machine: /proc), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_examples() -> Any:
    """The shared builder of complete responses (``tests/scales/examples.py``), loaded by path so no
    test package is needed."""
    path = ROOT / "tests" / "scales" / "examples.py"
    spec = importlib.util.spec_from_file_location("qadam_bench_examples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def print_report(report: dict, *, as_json: bool, table: Callable[[dict], None]) -> None:
    """The report as indented JSON on stdout (``--json``), else as the script's ``table``."""
    if as_json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        table(report)
