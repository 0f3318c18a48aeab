"""``qadam import csv``: item responses of existing patients from a long or wide CSV file.

    qadam import csv FILE.csv --center CODE --user USERNAME [--source NAME] [--dry-run]
        [--skip-invalid] [--sign] [--report report.json]

The same guarantees as the REDCap import: every row checked first, every rejected row reported
(line, registry id, column, reason, in the user's language), nothing written unless every row
passed (or ``--skip-invalid``), a dry run that writes nothing, and no duplicates when run again
(the key is registry id, date, instrument and instance within ``--source``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from ..imports.console import import_and_report, import_center, importing_user, language_of
from ..imports.engine import collection_paused
from .reader import TabularFileError, plan_csv, read_rows

DEFAULT_SOURCE = "csv"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="item responses, long or wide (see docs/import.md)")
    parser.add_argument("--center", required=True, metavar="CODE", help="the center the import is for")
    parser.add_argument("--user", required=True, metavar="USERNAME", help="the user the import records as")
    parser.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        help="the name under which rows are remembered, so a second run imports nothing twice (default: csv)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check everything and report; write nothing")
    parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows, report the rejected ones")
    parser.add_argument("--sign", action="store_true", help="record completed assessments as signed by --user")
    parser.add_argument("--report", metavar="report.json", help="also write the full report as JSON")


def run(options: dict[str, Any], command: Any) -> None:
    user = importing_user(options["user"])
    center = import_center(options["center"])
    lang = language_of(user)
    source = options["source"].strip()
    if not source or len(source) > 100:
        raise CommandError("--source: a name of 1 to 100 characters.")
    with translation.override(lang), collection_paused():
        try:
            header, rows = read_rows(options["file"])
        except OSError as error:
            raise CommandError(f"{error.filename}: {error.strerror}") from None
        except (TabularFileError, UnicodeDecodeError) as error:
            problems = getattr(error, "problems", [str(error)])
            raise CommandError("\n".join(problems)) from None
        plan, rejections, form = plan_csv(header, rows, source=source, sign=options["sign"])
        command.stderr.write(f"{len(rows)} rows read ({form} form), {len(plan)} assessments; checking.")
        import_and_report(
            command=command,
            options=options,
            by=user,
            center=center,
            source=source,
            plan=plan,
            rejections=rejections,
            lang=lang,
            title=f"CSV import {source}",
        )
