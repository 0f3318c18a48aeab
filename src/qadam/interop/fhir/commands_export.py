"""``qadam export fhir --out DIR [--center CODE] [--type TYPE …]``: bulk FHIR R4 NDJSON.

One file per resource type (``Patient.ndjson``, ``Observation.ndjson`` …), one resource per line,
written as the rows are read, so memory stays flat whatever the cohort. Progress goes to stderr;
rows that cannot become a resource are listed in ``OperationOutcome.ndjson`` (as the FHIR Bulk Data
``error`` files are) and counted in the summary. The export is recorded in the audit trail.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from qadam.core.exceptions import Invalid

from .codes import DEFAULT_BASE
from .export import (
    CHUNK_SIZE,
    RESOURCE_TYPES,
    Cohort,
    bulk_export_started,
    center_for_export,
    fhir_base,
    ndjson_of_type,
    rows_to_export,
)
from .outcomes import Issue, operation_outcome

PROGRESS_EVERY = 5000


def add_arguments(parser: Any) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the NDJSON files (created if needed)")
    parser.add_argument("--center", metavar="CODE", help="only the patients of this center")
    parser.add_argument(
        "--type",
        dest="types",
        action="append",
        choices=RESOURCE_TYPES,
        metavar="TYPE",
        help=f"only these resource types (repeat the option); default all: {', '.join(RESOURCE_TYPES)}",
    )
    parser.add_argument(
        "--base", default=None, help=f"canonical base of our code systems (default QADAM_FHIR_BASE or {DEFAULT_BASE})"
    )
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="rows read per database round trip")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(options: dict[str, Any], command: Any) -> None:
    try:
        center = center_for_export(options.get("center"))
    except Invalid as error:
        raise CommandError("; ".join(m for ms in error.field_messages().values() for m in ms)) from None
    options["base"] = options.get("base") or fhir_base()
    types = tuple(t for t in RESOURCE_TYPES if t in (options.get("types") or RESOURCE_TYPES))
    out = Path(options["out"])
    out.mkdir(parents=True, exist_ok=True)
    cohort = Cohort(center=center)
    bulk_export_started(by=None, resource_types=types, center=center, channel="command line")
    progress = _Progress(command.stderr, quiet=options.get("quiet", False))
    errors: list[dict[str, Any]] = []

    def on_error(resource_type: str, row_id: Any, message: str) -> None:
        issue = Issue("invalid_fhir", message, "error", diagnostics=f"{resource_type} {row_id}")
        errors.append(operation_outcome([issue], base=options["base"]))

    written: dict[str, int] = {}
    started = time.perf_counter()
    for resource_type in types:
        rows = rows_to_export(resource_type, cohort)
        # An assessment gives one Observation per score: a share of rows is shown for the other types.
        progress.start(resource_type, rows, share=resource_type != "Observation")
        count = 0
        target = out / f"{resource_type}.ndjson"
        partial = target.with_suffix(".ndjson.part")
        with partial.open("w", encoding="utf-8") as file:
            write = file.write
            for line in ndjson_of_type(
                resource_type, cohort, base=options["base"], chunk_size=options["chunk_size"], on_error=on_error
            ):
                write(line)
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress.update(count)
        partial.replace(target)
        written[resource_type] = count
        progress.done(count)
    if errors:
        with (out / "OperationOutcome.ndjson").open("w", encoding="utf-8") as file:
            file.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in errors)
    elapsed = time.perf_counter() - started
    total = sum(written.values())
    summary = ", ".join(f"{kind} {count}" for kind, count in written.items())
    command.stdout.write(f"Wrote {total} resources to {out} in {elapsed:.1f} s: {summary}.")
    if errors:
        command.stderr.write(f"{len(errors)} rows could not be exported; see {out / 'OperationOutcome.ndjson'}.")


class _Progress:
    """A one-line progress report on stderr: type, resources written, rows read as a percentage."""

    def __init__(self, stream: Any, *, quiet: bool):
        self.stream = stream
        self.quiet = quiet
        self.kind = ""
        self.rows = 0
        self.share = True

    def start(self, kind: str, rows: int, *, share: bool = True) -> None:
        self.kind, self.rows, self.share = kind, rows, share
        self._show(0, end="")

    def update(self, count: int) -> None:
        self._show(count, end="")

    def done(self, count: int) -> None:
        self._show(count, end="\n", finished=True)

    def _show(self, count: int, *, end: str, finished: bool = False) -> None:
        if self.quiet:
            return
        if finished:
            share = "done"
        elif self.share and self.rows:
            share = f"{min(count, self.rows) * 100 // self.rows}%"
        else:
            share = ""
        line = f"\r{self.kind}: {count} resources from {self.rows} rows {share}"
        self.stream.write(line.rstrip(), ending=end)
        self.stream.flush()
