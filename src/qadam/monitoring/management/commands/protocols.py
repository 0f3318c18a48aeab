"""``qadam protocols refresh-defaults [--dry-run] [--reason TEXT]``.

Loads the shipped default protocols (``qadam/monitoring/data/default_protocols.json``) as a new
registry-default version of each condition whose rows changed (``services.protocol_defaults_refresh``).
Run it after upgrading Qadam: a condition whose default is already the shipped one gets no new
version, so running it twice changes nothing. Each version is audited as a system change (no user;
``system: true``). Centers with their own versions keep them; centers that follow the default follow
the new version. ``--dry-run`` only lists what would change.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qadam.core.exceptions import Invalid
from qadam.monitoring import services
from qadam.monitoring.defaults import DEFAULT_REASON, default_protocols
from qadam.monitoring.models import ProtocolVersion


class Command(BaseCommand):
    help = "Monitoring protocols: qadam protocols refresh-defaults [--dry-run] [--reason TEXT]"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{refresh-defaults}")
        refresh = actions.add_parser(
            "refresh-defaults",
            help="load the shipped default protocols as new default versions where they changed",
            description="Load the shipped default protocols as new default versions where they changed.",
        )
        refresh.add_argument(
            "--dry-run", action="store_true", help="list the conditions that would change; save nothing"
        )
        refresh.add_argument(
            "--reason",
            default=DEFAULT_REASON,
            help=f"the reason recorded with each version (default: {DEFAULT_REASON!r})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shipped = default_protocols()
        if options["dry_run"]:
            changed = [c for c, p in shipped.items() if _in_force(c) != p.rows_as_data()]
            self.stderr.write(f"{len(changed)} of {len(shipped)} default protocols differ from the shipped file.")
            for condition in changed:
                self.stdout.write(condition)
            return
        self.stderr.write(f"Comparing {len(shipped)} default protocols with the shipped file …")
        try:
            with transaction.atomic():
                created = services.protocol_defaults_refresh(by=None, reason=options["reason"])
        except Invalid as error:
            raise CommandError(f"Nothing saved: {error.message}", returncode=2) from None
        for version in created:
            self.stdout.write(f"{version.condition} v{version.number}")
        self.stderr.write(
            f"Done: {len(created)} new default version(s)."
            if created
            else "Done: the defaults are already the shipped ones."
        )


def _in_force(condition: str) -> list | None:
    version = ProtocolVersion.objects.filter(center__isnull=True, condition=condition).order_by("-number").first()
    return version.rows if version else None
