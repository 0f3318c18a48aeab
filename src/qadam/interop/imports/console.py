"""What the import commands print: progress on stderr, the report on stdout, in the user's language."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from qadam.centers.models import Center
from qadam.centers.selectors import user_language
from qadam.core.exceptions import NotAllowed

from .engine import ImportReport, PlannedAssessment, Progress, Rejection, run_import

STAGES = {"check": "checking", "write": "writing"}
LISTED = 20


def progress_printer(stream: TextIO) -> Progress:
    """A progress callback writing ``checking 1000/5000 (20 %)`` lines (at most about ten per second)."""
    last = [0.0]

    def show(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        percent = 100 * done // total if total else 100
        stream.write(f"{_(STAGES.get(stage, stage))} {done}/{total} ({percent} %)\n")
        stream.flush()

    return show


def importing_user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(_("There is no active user “%(name)s”.") % {"name": username})
    return user


def import_center(code: str) -> Center:
    center = Center.objects.filter(code=code).first()
    if center is None:
        raise CommandError(_("There is no center with the code “%(code)s”.") % {"code": code})
    return center


def language_of(user: Any) -> str:
    return user_language(user) or settings.LANGUAGE_CODE[:2]


def import_and_report(
    *,
    command: Any,
    options: dict[str, Any],
    by: Any,
    center: Center,
    source: str,
    plan: Sequence[PlannedAssessment],
    rejections: Iterable[Rejection],
    lang: str,
    title: str,
) -> ImportReport:
    """Run a checked plan through the engine and print the outcome, as every import command does.

    Progress goes to ``command.stderr``, the report to ``command.stdout`` (and to ``--report`` as
    JSON). ``--dry-run``, ``--skip-invalid`` and ``--sign`` are read from ``options``. Raises
    ``CommandError`` (exit status 1) when ``by`` may not import at ``center`` or rows were rejected.
    """
    try:
        report = run_import(
            by=by,
            center=center,
            source=source,
            plan=plan,
            rejections=rejections,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            lang=lang,
            progress=progress_printer(command.stderr),
        )
    except NotAllowed:
        raise CommandError(
            _("The user %(user)s does not enter clinical data at the center %(center)s%(sign)s; nothing was imported.")
            % {
                "user": by.get_username(),
                "center": center.code,
                "sign": _(" (or does not sign there)") if options["sign"] else "",
            }
        ) from None
    print_report(report, title, command.stdout)
    if options.get("report"):
        write_json_report(report, options["report"])
    if not report.ok:
        raise CommandError(_("%(count)s rows rejected; nothing was imported.") % {"count": len(report.rejections)})
    return report


def print_report(report: ImportReport, title: str, out: TextIO) -> None:
    """The summary, every rejected row, every row changed since an earlier import and every warning."""
    if report.dry_run:
        state = _("dry run: nothing was written")
    elif report.written:
        state = _("written in one transaction")
    else:
        state = _("nothing was written")
    out.write(f"{title} ({state})\n")
    out.write(_("  rows planned: %(rows)s") % {"rows": report.rows} + "\n")
    out.write(
        _("  patients: %(new)s new, %(found)s existing")
        % {"new": report.patients_created, "found": report.patients_found}
        + "\n"
    )
    out.write(
        _("  visits: %(new)s new, %(found)s existing") % {"new": report.visits_created, "found": report.visits_reused}
        + "\n"
    )
    counts = ", ".join(f"{code} {n}" for code, n in sorted(report.by_instrument.items()))
    out.write(
        _("  assessments: %(new)s new%(counts)s; %(unchanged)s imported before; %(changed)s changed since")
        % {
            "new": report.assessments_created,
            "counts": f" ({counts})" if counts else "",
            "unchanged": report.unchanged,
            "changed": len(report.changed),
        }
        + "\n"
    )
    if report.dry_run and report.planned:
        out.write(_("Would create:") + "\n")
        for a in report.planned[:LISTED]:
            patient = a["patient"] or _("new patient")
            out.write(
                f"  {_('line %(line)s') % {'line': a['line']}}  {a['record']}  {a['where']}  → {patient}  "
                f"{a['instrument']} {a['date']} {a['status']} {_('total')} {'—' if a['total'] is None else a['total']}\n"
            )
        if len(report.planned) > LISTED:
            out.write(_("  … and %(more)s more (all in --report)") % {"more": len(report.planned) - LISTED} + "\n")
    if report.rejections:
        if report.skipped_invalid:
            heading = _("Rejected rows (%(count)s), left out; the other rows were taken:")
        else:
            heading = _("Rejected rows (%(count)s); nothing was imported:")
        out.write(heading % {"count": len(report.rejections)} + "\n")
        for r in report.rejections:
            out.write(_line(r) + "\n")
    if report.changed:
        out.write(_("Changed in the source since they were imported (left as recorded):") + "\n")
        for r in report.changed:
            out.write(_line(r) + "\n")
    if report.warnings:
        out.write(_("Warnings:") + "\n")
        for r in report.warnings:
            out.write(_line(r) + "\n")


def _line(r: Any) -> str:
    line = _("line %(line)s") % {"line": r.line} if r.line is not None else ""
    record = _("record %(record)s") % {"record": r.record} if r.record else ""
    parts = [p for p in (line, record, r.where, f"{r.field}:" if r.field else "") if p]
    return "  " + "  ".join(parts) + " " + r.message


def write_json_report(report: ImportReport, path: str) -> None:
    Path(path).write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
