"""``qadam schedule …``: dose schedules and next dates from the command line.

Input problems (a bad date, dates out of order, an unknown option) exit with status 2 and are
printed on standard output — as ``{"errors": [...]}`` with ``--json`` — so that standard error
carries nothing but real failures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from typing import Any, TextIO

from qadam.scales import Text

from . import botulinum, mg, nusinersen, onasemnogene
from .model import JURISDICTIONS, Finding, InputProblem, RegimenError, Rule

LANGS = ("en", "kk", "ru")

HEADINGS = {
    "given": {"en": "Given", "kk": "Берілген", "ru": "Введено"},
    "due": {"en": "Due", "kk": "Мерзімі", "ru": "К введению"},
    "findings": {"en": "Warnings", "kk": "Ескертулер", "ru": "Предупреждения"},
    "window": {"en": "window", "kk": "терезе", "ru": "окно"},
    "overdue": {"en": "overdue since", "kk": "мерзімі өткен күн", "ru": "просрочено с"},
    "source": {"en": "Source", "kk": "Дереккөз", "ru": "Источник"},
    "earliest": {"en": "Earliest next", "kk": "Ең ерте келесі", "ru": "Самое раннее следующее"},
}


class UsageError(Exception):
    """An argument the parser refused; reported like any other input problem."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def run_schedule_command(argv: list[str], stdout: TextIO | None = None) -> int:
    """Run ``qadam schedule`` with ``argv`` (the words after ``schedule``); return the exit status."""
    out = stdout or sys.stdout
    as_json = "--json" in argv
    lang = _lang_from(argv)
    parser = _parser()
    try:
        options = parser.parse_args(argv)
    except UsageError as error:
        return _report(
            [InputProblem("usage", Text(str(error), str(error), str(error)))], out, as_json, lang, parser.format_usage()
        )
    except SystemExit as stop:  # --help
        return int(stop.code or 0)
    try:
        return options.handler(options, out)
    except RegimenError as error:
        return _report(error.problems, out, options.json, options.lang)


def _lang_from(argv: list[str]) -> str:
    if "--lang" in argv:
        index = argv.index("--lang") + 1
        if index < len(argv) and argv[index] in LANGS:
            return argv[index]
    env = os.environ.get("QADAM_LANG", "en")
    return env if env in LANGS else "en"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qadam schedule", description="Dose schedules from the label rules, with the rule behind each date."
    )
    drugs = parser.add_subparsers(dest="drug", required=True, parser_class=_Parser)

    nus = drugs.add_parser(
        "nusinersen", help="doses due from the doses given (loading, maintenance, missed-dose rules)"
    )
    nus.add_argument(
        "--given",
        nargs="+",
        required=True,
        metavar="DATE[:MG]",
        help="dates of the doses given, oldest first (YYYY-MM-DD, optionally :dose in mg)",
    )
    nus.add_argument("--today", metavar="DATE", help="the day to judge overdue doses (default: today)")
    nus.add_argument("--jurisdiction", choices=JURISDICTIONS, default="EU", help="label to follow (default EU SmPC)")
    nus.add_argument(
        "--regimen",
        choices=("standard", "high-dose"),
        default="standard",
        help="12 mg (standard) or 50/28 mg (high-dose)",
    )
    nus.add_argument(
        "--maintenance", type=int, default=1, metavar="N", help="how many maintenance doses to list (default 1)"
    )
    nus.set_defaults(handler=_nusinersen)

    ona = drugs.add_parser("onasemnogene", help="IV dose, steroid course and liver monitoring from the infusion date")
    ona.add_argument("--infusion", required=True, metavar="DATE")
    ona.add_argument("--weight", required=True, type=float, metavar="KG")
    ona.set_defaults(handler=_onasemnogene)

    bot = drugs.add_parser("botulinum", help="earliest next botulinum toxin session")
    bot.add_argument("--last", required=True, metavar="DATE", help="date of the previous session (any product)")
    bot.add_argument("--today", metavar="DATE")
    bot.set_defaults(handler=_botulinum)

    fcrn = drugs.add_parser("fcrn", help="earliest next FcRn-blocker cycle")
    fcrn.add_argument("--product", required=True, choices=mg.FCRN_PRODUCTS)
    fcrn.add_argument("--first", required=True, metavar="DATE", help="first dose of the previous cycle")
    fcrn.add_argument("--last", required=True, metavar="DATE", help="last dose of the previous cycle")
    fcrn.add_argument("--jurisdiction", choices=JURISDICTIONS, default="EU")
    fcrn.add_argument(
        "--label-version", choices=("current", "previous"), default="current", help="US efgartigimod IV only"
    )
    fcrn.set_defaults(handler=_fcrn)

    for sub in (nus, ona, bot, fcrn):
        sub.add_argument("--json", action="store_true", help="print JSON")
        sub.add_argument(
            "--lang", choices=LANGS, default=_lang_from([]), help="language of the text output and messages"
        )
    return parser


# --- parsing dates -----------------------------------------------------------------------------


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RegimenError([_bad_date(text, what)]) from None


def _bad_date(text: str, what: str) -> InputProblem:
    return InputProblem(
        "invalid_date",
        Text(
            f"{what}: {text!r} is not a date; use YYYY-MM-DD, e.g. 2025-03-14.",
            f"{what}: {text!r} күн емес; ЖЖЖЖ-АА-КК пішімін қолданыңыз, мысалы 2025-03-14.",
            f"{what}: {text!r} не является датой; используйте ГГГГ-ММ-ДД, например 2025-03-14.",
        ),
        text,
    )


def _given(words: list[str]) -> list[nusinersen.GivenDose]:
    doses, problems = [], []
    for word in words:
        day_text, _, mg_text = word.partition(":")
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            problems.append(_bad_date(word, "--given"))
            continue
        if not mg_text:
            doses.append(nusinersen.GivenDose(day))
            continue
        try:
            doses.append(nusinersen.GivenDose(day, float(mg_text)))
        except ValueError:
            problems.append(
                InputProblem(
                    "invalid_dose",
                    Text(
                        f"--given: {word!r} has a dose that is not a number of mg.",
                        f"--given: {word!r} дозасы мг саны емес.",
                        f"--given: в {word!r} доза не является числом мг.",
                    ),
                    word,
                )
            )
    if problems:
        raise RegimenError(problems)
    return doses


# --- commands ----------------------------------------------------------------------------------


def _nusinersen(options: argparse.Namespace, out: TextIO) -> int:
    given = _given(options.given)
    today = _date(options.today, "--today") if options.today else date.today()
    regimen = "high_dose" if options.regimen == "high-dose" else "standard"
    schedule = nusinersen.nusinersen_schedule(
        given, today, jurisdiction=options.jurisdiction, regimen=regimen, maintenance_doses=options.maintenance
    )
    if options.json:
        return _json(schedule.as_dict(), out)
    lang = options.lang
    out.write(
        f"Nusinersen — {schedule.jurisdiction}, {'12 mg' if regimen == 'standard' else '50/28 mg'}; {today.isoformat()}\n"
    )
    out.write(f"{HEADINGS['given'][lang]}:\n")
    for record in schedule.given:
        due = f" ({record.due.isoformat()})" if record.due else ""
        out.write(
            f"  {record.number:>3}  {record.day.isoformat()}  {record.kind:<11} {record.dose_mg:g} mg  {record.timing}{due}  [{record.rule.code}]\n"
        )
    out.write(f"{HEADINGS['due'][lang]}:\n")
    for dose in schedule.due:
        overdue = f"  {HEADINGS['overdue'][lang]} {dose.overdue_since.isoformat()}" if dose.overdue_since else ""
        out.write(
            f"  {dose.number:>3}  {dose.due.isoformat()}  {dose.kind:<11} {dose.dose_mg:g} mg  {HEADINGS['window'][lang]} {dose.window.earliest.isoformat()} – {dose.window.latest.isoformat()}{overdue}\n"
        )
        _write_rule(dose.rule, lang, out)
    _write_findings(schedule.findings, lang, out)
    return 0


def _onasemnogene(options: argparse.Namespace, out: TextIO) -> int:
    infusion = _date(options.infusion, "--infusion")
    plan = onasemnogene.onasemnogene_plan(infusion, options.weight)
    if options.json:
        return _json(plan.as_dict(), out)
    lang = options.lang
    out.write(f"Onasemnogene abeparvovec IV — {infusion.isoformat()}, {options.weight:g} kg, {plan.dose_vg:.3g} vg\n")
    for item in plan.items:
        span = (
            item.start.isoformat() if item.start == item.end else f"{item.start.isoformat()} – {item.end.isoformat()}"
        )
        dose = f"  {item.daily_dose_mg:g} mg/day" if item.daily_dose_mg is not None else ""
        out.write(f"  {span:<25} {item.code}{dose}\n")
        _write_rule(item.rule, lang, out, source=False)
    out.write(f"{HEADINGS['source'][lang]}: {onasemnogene.LABEL}; {onasemnogene.MONITORING_RD}\n")
    return 0


def _botulinum(options: argparse.Namespace, out: TextIO) -> int:
    last = _date(options.last, "--last")
    today = _date(options.today, "--today") if options.today else None
    if today is not None and today < last:
        raise RegimenError(
            [
                InputProblem(
                    "dates_out_of_order",
                    Text(
                        f"--today {today.isoformat()} is before --last {last.isoformat()}.",
                        f"--today {today.isoformat()} күні --last {last.isoformat()} күнінен бұрын.",
                        f"--today {today.isoformat()} раньше --last {last.isoformat()}.",
                    ),
                    today.isoformat(),
                )
            ]
        )
    earliest, rule = botulinum.earliest_next_session(last)
    data: dict[str, Any] = {
        "drug": "botulinum_toxin_a",
        "last_session": last.isoformat(),
        "earliest_next": earliest.isoformat(),
        "rule": rule.as_dict(),
    }
    if today is not None:
        data["allowed_today"] = today >= earliest
    if options.json:
        return _json(data, out)
    out.write(f"{HEADINGS['earliest'][options.lang]}: {earliest.isoformat()}\n")
    _write_rule(rule, options.lang, out)
    return 0


def _fcrn(options: argparse.Namespace, out: TextIO) -> int:
    first, last = _date(options.first, "--first"), _date(options.last, "--last")
    if last < first:
        raise RegimenError(
            [
                InputProblem(
                    "dates_out_of_order",
                    Text(
                        f"--last {last.isoformat()} is before --first {first.isoformat()}.",
                        f"--last {last.isoformat()} күні --first {first.isoformat()} күнінен бұрын.",
                        f"--last {last.isoformat()} раньше --first {first.isoformat()}.",
                    ),
                    last.isoformat(),
                )
            ]
        )
    earliest = mg.earliest_next_cycle(options.product, first, last, options.jurisdiction, options.label_version)
    data: dict[str, Any] = {
        "product": options.product,
        "jurisdiction": options.jurisdiction,
        "earliest_next_cycle": None,
        "rule": None,
    }
    if earliest is not None:
        data["earliest_next_cycle"], data["rule"] = earliest[0].isoformat(), earliest[1].as_dict()
    if options.json:
        return _json(data, out)
    if earliest is None:
        out.write(
            "The minimum gap between cycles of this product was not read from its label (clinical.md §B.2 [U]).\n"
        )
        return 0
    out.write(f"{HEADINGS['earliest'][options.lang]}: {earliest[0].isoformat()}\n")
    _write_rule(earliest[1], options.lang, out)
    return 0


# --- output ------------------------------------------------------------------------------------


def _write_rule(rule: Rule, lang: str, out: TextIO, source: bool = True) -> None:
    out.write(f"       {rule.code}: {rule.text.get(lang)}\n")
    if source:
        out.write(f"       {HEADINGS['source'][lang]}: {rule.source}\n")


def _write_findings(findings: tuple[Finding, ...], lang: str, out: TextIO) -> None:
    if not findings:
        return
    out.write(f"{HEADINGS['findings'][lang]}:\n")
    for finding in findings:
        out.write(f"  [{finding.severity}] {finding.code}: {finding.message.get(lang)}\n")


def _json(data: dict[str, Any], out: TextIO) -> int:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0


def _report(problems: list[InputProblem], out: TextIO, as_json: bool, lang: str, usage: str = "") -> int:
    if as_json:
        json.dump({"errors": [p.as_dict(lang) for p in problems]}, out, ensure_ascii=False)
        out.write("\n")
        return 2
    for problem in problems:
        out.write(f"error [{problem.code}]: {problem.message.get(lang)}\n")
    if usage:
        out.write(usage)
    return 2
