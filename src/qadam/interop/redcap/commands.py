"""``qadam import redcap``: draft a mapping (``--suggest``) or import records with a reviewed one.

    qadam import redcap --dictionary DD.csv [--records R.csv] --suggest [--out mapping.json]
    qadam import redcap --dictionary DD.csv --records R.csv --mapping mapping.json \\
        --center CODE --user USERNAME [--dry-run] [--skip-invalid] [--sign] [--report report.json]

The import is all or nothing: every row is checked first, every rejected row is reported (line,
record id, event and form, REDCap field, reason, in the user's language), and nothing is written
unless every row passed (or ``--skip-invalid`` was given). Running it again imports nothing twice.
Progress goes to stderr, the report to stdout; the exit status is 1 when rows were rejected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from ..imports.console import import_and_report, import_center, importing_user, language_of
from ..imports.engine import collection_paused
from .dictionary import RedcapFileError, read_dictionary, read_records
from .importer import plan_records
from .mapping import MappingError, load_mapping, review_entries, suggest


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--dictionary", required=True, metavar="DD.csv", help="the project's data dictionary (CSV)")
    parser.add_argument("--records", metavar="R.csv", help="the records export (CSV, raw data, flat)")
    parser.add_argument("--suggest", action="store_true", help="draft a mapping file instead of importing")
    parser.add_argument(
        "--out", metavar="mapping.json", help="with --suggest: where to write the draft (default: stdout)"
    )
    parser.add_argument("--source", help="with --suggest: the import's name (default: redcap:<dictionary file name>)")
    parser.add_argument("--mapping", metavar="mapping.json", help="the reviewed mapping file")
    parser.add_argument("--center", metavar="CODE", help="the center new patients are registered at")
    parser.add_argument("--user", metavar="USERNAME", help="the user the import records as (rater, audit)")
    parser.add_argument("--dry-run", action="store_true", help="check everything and report; write nothing")
    parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows, report the rejected ones")
    parser.add_argument("--sign", action="store_true", help="record completed forms as signed by --user")
    parser.add_argument("--report", metavar="report.json", help="also write the full report as JSON")


def run(options: dict[str, Any], command: Any) -> None:
    if options["suggest"]:
        _suggest(options, command)
        return
    missing = [f"--{name}" for name in ("records", "mapping", "center", "user") if not options.get(name)]
    if missing:
        raise CommandError(f"Importing needs {', '.join(missing)} (or --suggest to draft a mapping).")
    user = importing_user(options["user"])
    center = import_center(options["center"])
    lang = language_of(user)
    with translation.override(lang), collection_paused():
        _import(options, command, user, center, lang)


def _suggest(options: dict[str, Any], command: Any) -> None:
    dictionary = _read(lambda: read_dictionary(options["dictionary"]))
    events = _read(lambda: read_records(options["records"], dictionary)).events if options.get("records") else []
    source = options.get("source") or f"redcap:{Path(options['dictionary']).stem}"
    mapping = suggest(dictionary, source=source, events=events)
    text = json.dumps(mapping, ensure_ascii=False, indent=2) + "\n"
    if options.get("out"):
        Path(options["out"]).write_text(text, encoding="utf-8")
        command.stdout.write(f"Mapping drafted in {options['out']}.")
    else:
        command.stdout.write(text, ending="")
    reviews = review_entries(mapping)
    forms = [f for f, spec in mapping["forms"].items() if spec.get("instrument")]
    command.stderr.write(f"Forms matched to instruments: {', '.join(forms) or 'none'}.")
    if reviews:
        command.stderr.write(f'{len(reviews)} entries to review (remove each "review" once checked):')
        for entry in reviews:
            command.stderr.write(f"  {entry}")


def _import(options: dict[str, Any], command: Any, user: Any, center: Any, lang: str) -> None:
    dictionary = _read(lambda: read_dictionary(options["dictionary"]))
    records = _read(lambda: read_records(options["records"], dictionary))
    try:
        raw = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"The mapping file cannot be read: {error}") from None
    try:
        mapping = load_mapping(raw, dictionary)
    except MappingError as error:
        raise CommandError("The mapping cannot be used:\n  " + "\n  ".join(error.problems)) from None
    command.stderr.write(f"{len(records.rows)} rows of {len(dictionary.forms)} forms read; checking.")
    plan, rejections = plan_records(records, dictionary, mapping, sign=options["sign"])
    del records  # the rows are in the plan now; the export's cells need not stay in memory
    import_and_report(
        command=command,
        options=options,
        by=user,
        center=center,
        source=mapping["source"],
        plan=plan,
        rejections=rejections,
        lang=lang,
        title=f"REDCap import {mapping['source']}",
    )


def _read(reader):
    try:
        return reader()
    except OSError as error:
        raise CommandError(f"{error.filename}: {error.strerror}") from None
    except RedcapFileError as error:
        raise CommandError("\n".join(error.problems)) from None
    except UnicodeDecodeError as error:
        raise CommandError(
            f"The file is not UTF-8 text (byte {error.start}): export it from REDCap again, or save it as UTF-8."
        ) from None
