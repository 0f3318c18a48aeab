"""``qadam serve``: run the registry web app with gunicorn.

Use ``qadam --data-dir DIR serve`` for the embedded SQLite database in DIR, or set
``QADAM_DATABASE_URL`` (and ``QADAM_SECRET_KEY``) for PostgreSQL in production.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from qadam.web.server import ServerOptions, serve


class Command(BaseCommand):
    help = "Serve the Qadam registry with gunicorn (default http://127.0.0.1:8000/)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default=os.environ.get("QADAM_HOST", "127.0.0.1"), help="address to listen on (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=None, help="port to listen on (default 8000, or QADAM_PORT)")
        parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")

    def handle(self, *args, host: str, port: int | None, workers: int, threads: int, **options):
        port = port if port is not None else _port_from_environment()
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535. Got {port} instead.")
        if workers < 1 or threads < 1:
            raise CommandError(f"--workers and --threads must be at least 1. Got {workers} and {threads} instead.")
        if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
            # Production storage serves hashed copies; gather them into the data folder first.
            call_command("collectstatic", interactive=False, verbosity=0)
        database = settings.DATABASES["default"]
        where = (
            database["NAME"]
            if database["ENGINE"].endswith("sqlite3")
            else f"{database['ENGINE'].rsplit('.', 1)[-1]} database {database.get('NAME', '')}"
        )
        self.stdout.write(f"Qadam serves http://{host}:{port}/ from {where}. Stop with Ctrl+C.")
        self.stdout.flush()
        serve(ServerOptions(host=host, port=port, workers=workers, threads=threads))


def _port_from_environment() -> int:
    raw = os.environ.get("QADAM_PORT", "").strip()
    if not raw:
        return 8000
    try:
        return int(raw)
    except ValueError:
        raise CommandError(f"QADAM_PORT must be a port number. Got {raw!r} instead.") from None
