"""``qadam token create USERNAME [--name N]`` and ``qadam token revoke ID``: personal API tokens.

For the operator of the server (the audit log records these as done by the system, with the reason
"command line"); users create and revoke their own tokens at ``/api/v1/tokens``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadam.api.models import ApiToken
from qadam.api.services import token_create, token_revoke
from qadam.core.exceptions import QadamError

REASON = "command line"


class Command(BaseCommand):
    help = "Create or revoke personal API tokens. The secret of a new token is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{create,revoke}")
        create = commands.add_parser("create", help="create a token for USERNAME and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for (shown in the token list)")
        revoke = commands.add_parser("revoke", help="revoke the token with this id")
        revoke.add_argument("token_id", type=int, metavar="ID")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "create":
            self._create(options["username"], options["name"])
        else:
            self._revoke(options["token_id"])

    def _create(self, username: str, name: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        try:
            issued = token_create(by=None, user=user, name=name, reason=REASON)
        except QadamError as error:
            raise CommandError(_described(error)) from None
        self.stdout.write(issued.secret)
        self.stderr.write(
            f"Token {issued.token.pk} ({issued.token.prefix}) for {username}. "
            "Keep the line above secret: it is shown only now. Use it as 'Authorization: Bearer <token>'."
        )

    def _revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first() if 0 < token_id < 2**63 else None
        if token is None:
            raise CommandError(f"There is no token with the id {token_id}.")
        try:
            token_revoke(by=None, token=token, reason=REASON)
        except QadamError as error:
            raise CommandError(_described(error)) from None
        self.stdout.write(f"Token {token.pk} ({token.prefix}) of {token.user.get_username()} revoked.")


def _described(error: QadamError) -> str:
    fields = getattr(error, "field_messages", None)
    details = [f"{field or 'input'}: {'; '.join(messages)}" for field, messages in (fields() if fields else {}).items()]
    return " ".join([error.message, *details])
