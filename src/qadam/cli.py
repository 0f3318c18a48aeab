"""The ``qadam`` command.

``qadam scales …``, ``qadam score`` and ``qadam schedule`` use only the pure libraries (scales and
regimens) and start instantly. Every
other command is a Django management command of the registry (``qadam demo``, ``qadam serve``,
``qadam audit verify`` …), run with the settings chosen by ``--data-dir`` / ``QADAM_DATA_DIR`` or
``QADAM_DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, TextIO

from qadam import scales
from qadam.scales.errors import Problem

SCALE_COMMANDS = {"scales", "score"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SCALE_COMMANDS:
        try:
            return run_scales_command(args)
        except BrokenPipeError:  # output piped into `head`: stop quietly, as Unix tools do
            sys.stderr.close()
            return 0
    if args and args[0] == "schedule":
        from qadam.regimens.cli import run_schedule_command

        return run_schedule_command(args[1:])
    from qadam.config.launcher import run_registry_command

    return run_registry_command(args)


def run_scales_command(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    parser = _scales_parser()
    options = parser.parse_args(argv)
    out = stdout or sys.stdout
    if options.command == "score":
        return _score(options.code, options.lang, stdin or sys.stdin, out)
    if options.scales_command == "list":
        return _list(options, out)
    return _show(options, out)


def _scales_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qadam", description="Score and describe neurology instruments.")
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="score JSON item responses read from standard input")
    score.add_argument("code", help="instrument code, e.g. hfmse")
    score.add_argument("--lang", choices=scales.LANGUAGES, default=_default_lang(), help="language of error messages")
    listing = commands.add_parser("scales", help="list or show instruments")
    sub = listing.add_subparsers(dest="scales_command", required=True)
    list_cmd = sub.add_parser("list", help="list the catalogue")
    list_cmd.add_argument("--json", action="store_true")
    list_cmd.add_argument("--lang", choices=scales.LANGUAGES, default=_default_lang())
    show = sub.add_parser("show", help="show one instrument's definition")
    show.add_argument("code")
    show.add_argument("--json", action="store_true")
    show.add_argument("--lang", choices=scales.LANGUAGES, default=_default_lang())
    return parser


def _default_lang() -> str:
    lang = os.environ.get("QADAM_LANG", "en")
    return lang if lang in scales.LANGUAGES else "en"


def _score(code: str, lang: str, stdin: TextIO, out: TextIO) -> int:
    try:
        payload = json.load(stdin)
    except json.JSONDecodeError as error:
        return _errors(
            out, [{"code": "invalid_json", "item": None, "message": f"Standard input is not valid JSON: {error}."}]
        )
    if not isinstance(payload, dict) or not isinstance(payload.get("items", {}), dict):
        problem = Problem("invalid_request", value=type(payload).__name__, allowed='{"items": {...}, "context": {...}}')
        return _errors(out, [_problem_json(problem, lang)])
    unknown_keys = set(payload) - {"items", "context"}
    if unknown_keys:
        problem = Problem(
            "invalid_request", value=", ".join(sorted(unknown_keys)), allowed='{"items": {...}, "context": {...}}'
        )
        return _errors(out, [_problem_json(problem, lang)])
    try:
        result = scales.score(code, payload.get("items", {}), payload.get("context"))
    except scales.ScaleError as error:
        return _errors(out, [_problem_json(p, lang) for p in error.problems])
    json.dump(result.as_dict(), out, ensure_ascii=False)
    out.write("\n")
    return 0


def _problem_json(problem: Problem, lang: str) -> dict[str, Any]:
    return {"code": problem.code, "item": problem.item, "message": problem.message(lang)}


def _errors(out: TextIO, errors: list[dict[str, Any]]) -> int:
    json.dump({"errors": errors}, out, ensure_ascii=False)
    out.write("\n")
    return 2


def _list(options: argparse.Namespace, out: TextIO) -> int:
    rows = [
        {
            "code": i.code,
            "name": i.name,
            "title": i.title.get(options.lang),
            "version": i.version,
            "domain": i.domain,
            "items": len(i.items),
            "total_range": list(i.total_range) if i.total_range else None,
        }
        for i in scales.INSTRUMENTS.values()
    ]
    if options.json:
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    width = max(len(r["code"]) for r in rows)
    for row in rows:
        out.write(f"{row['code']:<{width}}  {row['name']:<12}  {row['title']}\n")
    return 0


def _show(options: argparse.Namespace, out: TextIO) -> int:
    try:
        instrument = scales.get(options.code)
    except scales.ScaleError as error:
        return _errors(out, [_problem_json(p, options.lang) for p in error.problems])
    data = describe(instrument)
    if options.json:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    lang = options.lang
    out.write(f"{instrument.name} — {instrument.title.get(lang)}\n")
    out.write(
        f"version: {instrument.version}\nrange: {data['total_range']}  higher is better: {instrument.higher_is_better}\n"
    )
    out.write(f"scoring: {instrument.scoring_rule}\nsource: {instrument.citation}\n")
    if instrument.mcid:
        out.write(f"meaningful change: {instrument.mcid.value:g} {instrument.mcid.kind} ({instrument.mcid.source})\n")
    for band in instrument.bands:
        out.write(f"band {band.low:g}–{band.high:g}: {band.label.get(lang)}\n")
    out.write("items:\n")
    for item in instrument.items:
        out.write(f"  {item.id:<12} {item.label.get(lang)}  [{item.allowed_description()}]\n")
    return 0


def describe(instrument: scales.Instrument) -> dict[str, Any]:
    """The instrument definition as plain JSON-ready data."""
    return {
        "code": instrument.code,
        "name": instrument.name,
        "title": instrument.title.as_dict(),
        "version": instrument.version,
        "population": instrument.population.as_dict(),
        "domain": instrument.domain,
        "total_range": list(instrument.total_range) if instrument.total_range else None,
        "higher_is_better": instrument.higher_is_better,
        "scoring_rule": instrument.scoring_rule,
        "scoring_version": instrument.scoring_version,
        "citation": instrument.citation,
        "licence": instrument.licence,
        "loinc": {
            "panel": instrument.loinc.panel,
            "total": instrument.loinc.total,
            "items": dict(instrument.loinc.items),
        },
        "mcid": None
        if instrument.mcid is None
        else {
            "value": instrument.mcid.value,
            "kind": instrument.mcid.kind,
            "source": instrument.mcid.source,
            "note": instrument.mcid.note,
        },
        "bands": [{"low": b.low, "high": b.high, "code": b.code, "label": b.label.as_dict()} for b in instrument.bands],
        "subscales": [
            {
                "id": s.id,
                "label": s.label.as_dict(),
                "items": list(s.items),
                "range": [s.minimum, s.maximum],
                "bands": [{"low": b.low, "high": b.high, "code": b.code, "label": b.label.as_dict()} for b in s.bands],
            }
            for s in instrument.subscales
        ],
        "context": [
            {
                "name": c.name,
                "label": c.label.as_dict(),
                "kind": c.kind,
                "choices": list(c.choices),
                "minimum": c.minimum,
                "maximum": c.maximum,
                "unit": c.unit,
                "required": c.required,
            }
            for c in instrument.context
        ],
        "items": [
            {
                "id": i.id,
                "label": i.label.as_dict(),
                "kind": i.kind,
                "choices": [
                    {"code": c.code, "points": c.points, "label": c.label.as_dict() if c.label else None}
                    for c in i.choices
                ],
                "minimum": i.minimum,
                "maximum": i.maximum,
                "unit": i.unit,
                "side": i.side,
                "group": i.group,
                "not_tested_allowed": i.not_tested_allowed,
                "scored": i.scored,
                "required": i.required,
            }
            for i in instrument.items
        ],
        "notes": list(instrument.notes),
    }


if __name__ == "__main__":
    sys.exit(main())
