"""``qadam export research``: pseudonymised item-level tables for research, refused to anyone but a
registry manager.

    qadam export research --out DIR --user USERNAME --reason "Ethics approval 2026/14, SMA outcomes"
                          [--instrument CODE …] [--center CODE …] [--format csv|parquet|both]
                          [--signed-only] [--chunk-size N]

Progress goes to stderr; the summary (export id, files, counts) to stdout. A refused or invalid
request exits non-zero with the reason and writes nothing. See docs/research-export.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from qadam import scales
from qadam.core.exceptions import Invalid, NotAllowed

from .services import DEFAULT_CHUNK_SIZE, research_export

FORMAT_CHOICES = {"csv": ("csv",), "parquet": ("parquet",), "both": ("csv", "parquet")}


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder for the files")
    parser.add_argument("--user", required=True, metavar="USERNAME", help="the registry manager making the export")
    parser.add_argument("--reason", required=True, help="why the data leave the registry (kept in the audit log)")
    parser.add_argument(
        "--instrument",
        action="append",
        default=[],
        metavar="CODE",
        help=f"an instrument to export (repeatable; default all): {', '.join(scales.CODES)}",
    )
    parser.add_argument(
        "--center", action="append", default=[], metavar="CODE", help="a center to export (repeatable; default all)"
    )
    parser.add_argument(
        "--format",
        dest="file_format",  # "format" names the sub-command in the dispatcher
        choices=tuple(FORMAT_CHOICES),
        default="both",
        help="file format (default both)",
    )
    parser.add_argument(
        "--signed-only", action="store_true", help="signed assessments only (default: completed and signed)"
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        help=f"rows read and written per batch (default {DEFAULT_CHUNK_SIZE})",
    )


def run(options: dict[str, Any], command: Any) -> None:
    if options["chunk_size"] < 1:
        raise CommandError(f"--chunk-size must be at least 1. Got {options['chunk_size']} instead.")
    user = get_user_model().objects.filter(username=options["user"]).first()
    if user is None:
        raise CommandError(f"There is no user {options['user']!r}. Nothing was exported.")
    err = command.stderr

    def progress(code: str, done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        err.write(f"{code}: {done}/{total} assessments ({percent}%)")
        err.flush()

    try:
        summary = research_export(
            by=user,
            out_dir=Path(options["out"]),
            instruments=options["instrument"],
            centers=options["center"],
            formats=FORMAT_CHOICES[options["file_format"]],
            reason=options["reason"],
            signed_only=options["signed_only"],
            via="cli",
            progress=progress,
            chunk_size=options["chunk_size"],
        )
    except NotAllowed as error:
        raise CommandError(
            f"{error.message} User {options['user']!r} is not a registry manager. Nothing was exported."
        ) from None
    except Invalid as error:
        lines = [
            f"--{field or 'request'}: {message}"
            for field, messages in error.field_messages().items()
            for message in messages
        ]
        raise CommandError("Nothing was exported.\n" + "\n".join(lines)) from None
    out = command.stdout
    out.write(f"Research export {summary.export_id} written to {summary.directory}")
    out.write(f"  patients: {summary.patients}")
    for code, count in summary.assessments.items():
        out.write(f"  {code}: {count} assessments, {summary.item_rows[code]} item responses")
    out.write(f"  files: {len(summary.files)} (data_dictionary.csv/.json, manifest.json)")
    if hasattr(sys.stdout, "flush"):
        sys.stdout.flush()
