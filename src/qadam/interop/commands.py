"""One management command per direction (``qadam import …``, ``qadam export …``), one sub-command per format.

A format module exposes ``add_arguments(parser)`` and ``run(options, command)``; ``command`` is the
management command, whose ``stdout``/``stderr`` the format writes to. Registering a format here is
the only change the dispatch needs.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

IMPORT_FORMATS = {
    "fhir": ("qadam.interop.fhir.commands_import", "QuestionnaireResponses from a FHIR R4 JSON file"),
    "redcap": ("qadam.interop.redcap.commands", "a REDCap data dictionary and records export"),
    "csv": ("qadam.interop.tabular.commands", "item responses from a CSV file"),
}
EXPORT_FORMATS = {
    "fhir": ("qadam.interop.fhir.commands_export", "bulk FHIR R4 NDJSON, one file per resource type"),
    "research": ("qadam.interop.research.commands", "pseudonymised item-level CSV and Parquet for research"),
}


class FormatCommand(BaseCommand):
    """Dispatch ``qadam <direction> <format> …`` to the format's module."""

    formats: dict[str, tuple[str, str]] = {}

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
        for name, (path, help_text) in self.formats.items():
            module = importlib.import_module(path)
            format_parser = sub.add_parser(name, help=help_text, description=help_text)
            module.add_arguments(format_parser)

    def handle(self, *args: Any, **options: Any) -> None:
        module = importlib.import_module(self.formats[options["format"]][0])
        module.run(options, self)
