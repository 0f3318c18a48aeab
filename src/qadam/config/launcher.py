"""Run a registry command: ``qadam [--data-dir DIR] <command> …`` (any Django management command).

The launcher turns the command line into environment for the settings module, then hands over to
Django. ``--data-dir`` may appear anywhere in the arguments; it wins over ``QADAM_DATA_DIR``.

When the registry runs on the embedded SQLite database (no ``QADAM_DATABASE_URL``) and no secret
key is configured, the launcher keeps a random key in ``<data dir>/secret_key`` (readable only by its
owner), so sessions survive restarts without anyone having to invent a key. Deployments on
PostgreSQL must set ``QADAM_SECRET_KEY`` themselves.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

SETTINGS_MODULE = "qadam.config.settings"
SECRET_KEY_FILE_NAME = "secret_key"


class LauncherError(Exception):
    """The command line cannot be turned into a registry command."""


def run_registry_command(argv: list[str]) -> int:
    """Prepare the environment from ``argv`` and run the Django management command it names."""
    try:
        data_dir, rest = split_data_dir(argv)
    except LauncherError as error:
        sys.stderr.write(f"qadam: {error}\n")
        return 2
    if data_dir is not None:
        os.environ["QADAM_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if not os.environ.get("QADAM_DATABASE_URL", "").strip():
        try:
            _prepare_embedded_data_dir()
        except OSError as error:
            sys.stderr.write(f"qadam: the data folder cannot be prepared: {error}\n")
            return 2

    import django
    from django.core.management import execute_from_command_line

    django.setup()
    execute_from_command_line(["qadam", *rest])
    return 0


def split_data_dir(argv: list[str]) -> tuple[str | None, list[str]]:
    """Return the ``--data-dir`` value (or None) and the remaining arguments, order kept.

    >>> split_data_dir(["migrate", "--data-dir", "/tmp/q", "--noinput"])
    ('/tmp/q', ['migrate', '--noinput'])
    >>> split_data_dir(["--data-dir=/srv/qadam", "audit", "verify"])
    ('/srv/qadam', ['audit', 'verify'])
    """
    data_dir: str | None = None
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            rest.append(arg)
            rest.extend(args)
            break
        if arg == "--data-dir":
            value = next(args, None)
            if value is None or value.startswith("--"):
                raise LauncherError("--data-dir needs a folder, e.g. --data-dir ./qadam-data")
            data_dir = value
        elif arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
            if not data_dir:
                raise LauncherError("--data-dir needs a folder, e.g. --data-dir=./qadam-data")
        else:
            rest.append(arg)
    return data_dir, rest


def _prepare_embedded_data_dir() -> None:
    folder = Path(os.environ.get("QADAM_DATA_DIR") or "qadam-data").expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["QADAM_DATA_DIR"] = str(folder)
    if os.environ.get("QADAM_SECRET_KEY") or os.environ.get("QADAM_SECRET_KEY_FILE"):
        return
    key_file = folder / SECRET_KEY_FILE_NAME
    if not key_file.exists():
        # O_EXCL: two commands started at once must not overwrite each other's key.
        try:
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(50))
    os.environ["QADAM_SECRET_KEY_FILE"] = str(key_file)
