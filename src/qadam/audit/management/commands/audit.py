"""``qadam audit verify``: recompute the audit chain; exit 0 when intact, 1 naming the first broken entry."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadam.audit.services import audit_verify


class Command(BaseCommand):
    help = "Work with the audit log. `verify` recomputes the hash chain and names the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        commands.add_parser("verify", help="recompute every hash; exit 1 if any entry was altered or removed")

    def handle(self, *args, subcommand: str, **options) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"Audit chain intact: {report.checked} entries verified.")
            return
        raise CommandError(
            f"Audit chain broken at entry {report.first_broken_seq}: {report.problem} "
            f"({report.checked} entries verified before it).",
            returncode=1,
        )
