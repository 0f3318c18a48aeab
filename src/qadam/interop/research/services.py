"""Writing a research export: check the user, validate the request, stream every table, audit it.

``research_export`` is the one entry point (the command line and the download page call it). It
refuses a user who is not a registry manager before anything is created, validates the whole
request, writes into a new (or empty) folder, and appends one audit entry (action ``export``) naming
the export id, the instruments, centers, statuses, formats and row counts, with the reason given.
If anything fails while writing, the files written so far are removed and nothing is audited.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam import scales
from qadam.assessments.models import Status
from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.centers.models import Center
from qadam.centers.selectors import is_registry_manager
from qadam.core.exceptions import Invalid, Message, NotAllowed
from qadam.core.validation import raise_if_any, reason_problems, today

from . import dictionary, pseudonyms
from .columns import AGE_MONTHS_INSTRUMENTS, EXPORTED_STATUSES, long_columns, wide_columns
from .rows import Pseudonymiser, goal_slots_exceeded, long_rows, record_of, wide_row
from .selectors import RESEARCH_ONLY_MANAGERS, research_assessments, research_patient_count
from .writers import FORMATS, TableWriter, write_csv, write_json

Progress = Callable[[str, int, int], None]
AUDIT_OBJECT_TYPE = "research_export"
DEFAULT_CHUNK_SIZE = 2000


@dataclass
class ExportSummary:
    """What an export wrote: its id, folder, files and counts."""

    export_id: str
    directory: Path
    files: list[Path] = field(default_factory=list)
    assessments: dict[str, int] = field(default_factory=dict)
    item_rows: dict[str, int] = field(default_factory=dict)
    patients: int = 0


def ensure_research_exporter(user: Any) -> None:
    """Raise ``NotAllowed`` unless ``user`` is a registry manager."""
    if not is_registry_manager(user):
        raise NotAllowed("research_export_not_allowed", RESEARCH_ONLY_MANAGERS)


def _validated(
    instruments: Sequence[str], centers: Sequence[str], formats: Sequence[str], reason: Any, out_dir: Path | None
) -> tuple[list[scales.Instrument], list[Center], list[str]]:
    unknown = [code for code in instruments if code not in scales.INSTRUMENTS]
    chosen_centers = list(Center.objects.filter(code__in=list(centers)).order_by("code"))
    missing_centers = sorted(set(centers) - {c.code for c in chosen_centers})
    bad_formats = [f for f in formats if f not in FORMATS]
    errors: dict[str, list[Message]] = {
        "instruments": [
            Message(
                "instrument_unknown",
                _("There is no instrument with the code “%(value)s”."),
                {"value": ", ".join(unknown)},
            )
        ]
        if unknown
        else [],
        "centers": [
            Message(
                "center_unknown",
                _("There is no center with the code “%(value)s”."),
                {"value": ", ".join(missing_centers)},
            )
        ]
        if missing_centers
        else [],
        "formats": [Message("format_unknown", _("Choose CSV, Parquet or both."), {})]
        if bad_formats or not formats
        else [],
        "reason": reason_problems(reason),
    }
    if out_dir is not None and out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        errors["out"] = [
            Message(
                "output_not_empty",
                _("The output folder “%(value)s” must be new or empty."),
                {"value": str(out_dir)},
            )
        ]
    raise_if_any(errors)
    codes = list(dict.fromkeys(instruments)) or list(scales.INSTRUMENTS)
    ordered_formats = [f for f in FORMATS if f in formats]
    return [scales.INSTRUMENTS[code] for code in codes], chosen_centers, ordered_formats


def research_export(
    *,
    by: Any,
    out_dir: Path,
    instruments: Sequence[str] = (),
    centers: Sequence[str] = (),
    formats: Sequence[str] = FORMATS,
    reason: str,
    signed_only: bool = False,
    via: str = "cli",
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> ExportSummary:
    """Export the chosen instruments (all when empty) of the chosen centers (all when empty).

    Raises ``NotAllowed`` for anyone but a registry manager and ``Invalid`` for unknown instruments
    or centers, an unknown format, a missing reason or a folder that is not new or empty; in both
    cases nothing is written.
    """
    ensure_research_exporter(by)
    out_dir = Path(out_dir)
    chosen, center_rows, formats = _validated(list(instruments), list(centers), list(formats), reason, out_dir)
    statuses = [str(s) for s in ((Status.SIGNED,) if signed_only else EXPORTED_STATUSES)]
    as_of = today()
    summary = ExportSummary(export_id=uuid.uuid4().hex, directory=out_dir)
    secrets = Pseudonymiser(pseudonyms.research_key(), summary.export_id, pseudonyms.shift_span_days())
    created_dir = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        goals_beyond = 0
        for instrument in chosen:
            goals_beyond += _export_instrument(
                instrument, by, center_rows, statuses, as_of, formats, secrets, summary, progress, chunk_size
            )
        summary.patients = research_patient_count(
            viewer=by, instruments=[i.code for i in chosen], centers=center_rows, statuses=statuses, as_of=as_of
        )
        _write_dictionary(chosen, summary)
        _write_manifest(chosen, center_rows, statuses, formats, as_of, secrets.span, goals_beyond, summary)
        with transaction.atomic():
            audit_record(
                actor=by,
                action=Action.EXPORT,
                object_type=AUDIT_OBJECT_TYPE,
                object_id=summary.export_id,
                changes={
                    "instruments": [None, [i.code for i in chosen]],
                    "centers": [None, [c.code for c in center_rows] or "all"],
                    "statuses": [None, statuses],
                    "formats": [None, formats],
                    "assessments": [None, summary.assessments],
                    "patients": [None, summary.patients],
                    "via": [None, via],
                },
                reason=reason.strip(),
            )
    except BaseException:
        _remove(summary, out_dir, created_dir)
        raise
    return summary


def _export_instrument(
    instrument: scales.Instrument,
    by: Any,
    centers: list[Center],
    statuses: list[str],
    as_of: datetime.date,
    formats: list[str],
    secrets: Pseudonymiser,
    summary: ExportSummary,
    progress: Progress | None,
    chunk_size: int,
) -> int:
    query = research_assessments(viewer=by, instrument=instrument.code, centers=centers, statuses=statuses, as_of=as_of)
    total = query.count()
    wide, long = wide_columns(instrument), long_columns(instrument)
    with_months = instrument.code in AGE_MONTHS_INSTRUMENTS
    done = goals_beyond = 0
    step = max(1, total // 20)
    wide_base = summary.directory / dictionary.table_name(instrument, "wide")
    long_base = summary.directory / dictionary.table_name(instrument, "long")
    with (
        TableWriter(wide_base, wide, formats, batch_size=chunk_size) as wide_out,
        TableWriter(long_base, long, formats, batch_size=chunk_size) as long_out,
    ):
        summary.files += wide_out.paths + long_out.paths
        if progress:
            progress(instrument.code, 0, total)
        for assessment in query.iterator(chunk_size=chunk_size):
            done += 1
            record = record_of(assessment, secrets, with_months=with_months)
            if record is not None:
                wide_out.write(wide_row(record, wide))
                for row in long_rows(record, instrument, long):
                    long_out.write(row)
                if instrument.item_template is not None and goal_slots_exceeded(record.content.responses or {}):
                    goals_beyond += 1
            if progress and (done % step == 0 or done == total):
                progress(instrument.code, done, total)
    summary.assessments[instrument.code] = wide_out.rows
    summary.item_rows[instrument.code] = long_out.rows
    return goals_beyond


def _write_dictionary(chosen: list[scales.Instrument], summary: ExportSummary) -> None:
    files: dict[str, list[str]] = {}
    for path in summary.files:
        files.setdefault(path.stem, []).append(path.name)
    csv_path = summary.directory / "data_dictionary.csv"
    json_path = summary.directory / "data_dictionary.json"
    summary.files += [csv_path, json_path]
    write_csv(csv_path, dictionary.CSV_HEADER, dictionary.csv_rows(chosen))
    write_json(json_path, dictionary.as_json(chosen, files))


def _write_manifest(
    chosen: list[scales.Instrument],
    centers: list[Center],
    statuses: list[str],
    formats: list[str],
    as_of: datetime.date,
    span: int,
    goals_beyond: int,
    summary: ExportSummary,
) -> None:
    path = summary.directory / "manifest.json"
    summary.files.append(path)
    write_json(
        path,
        {
            "export_id": summary.export_id,
            "created_at": timezone.now().replace(microsecond=0).isoformat(),
            "instruments": [i.code for i in chosen],
            "centers": [c.code for c in centers] or "all",
            "statuses": statuses,
            "formats": formats,
            "patients": summary.patients,
            "assessments": summary.assessments,
            "item_rows": summary.item_rows,
            "inclusion": (
                "Assessments with the listed statuses (never drafts; an amendment awaiting signature as its "
                "last signed version) of patients whose research consent was given on or before "
                f"{as_of.isoformat()} and not withdrawn by then."
            ),
            "pseudonyms": "Per export: the same patient has the same pseudonym in every file of this export only.",
            "dates": f"Shifted per patient by a secret number of days between -{span} and +{span} (never 0); intervals within a patient are exact.",
            "ages": "Completed years at the real assessment date, 90 meaning 90 or older; completed months under 18 years for CHOP INTEND, HFMSE and RULM.",
            "gas_assessments_with_more_than_ten_goals": goals_beyond,
            "files": sorted(p.name for p in summary.files if p.name != "manifest.json"),
        },
    )


def _remove(summary: ExportSummary, out_dir: Path, created_dir: bool) -> None:
    if created_dir:
        shutil.rmtree(out_dir, ignore_errors=True)
        return
    for path in summary.files:
        path.unlink(missing_ok=True)


def zip_export(directory: Path) -> IO[bytes]:
    """A temporary ZIP of the export folder, positioned at its start (deleted when closed)."""
    archive = tempfile.TemporaryFile()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(directory.iterdir()):
            zipped.write(path, arcname=path.name)
    archive.seek(0)
    return archive


__all__ = ["ExportSummary", "Invalid", "NotAllowed", "ensure_research_exporter", "research_export", "zip_export"]
