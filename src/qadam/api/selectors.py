"""Reading API tokens: a user's own list, one token of theirs, and the owner of a presented secret."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.db.models import QuerySet

from qadam.core.exceptions import NotVisible

from .models import ApiToken

TOKEN_SCHEME = "qadam"


class TokenRejected(Exception):
    """The presented token is not a live token: ``code`` is ``token_invalid`` or ``token_revoked``."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str | None:
    """The lookup prefix of ``qadam_<prefix>_<secret>``, or None when the token has another shape."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1]


def token_for_secret(token: str) -> ApiToken:
    """Return the live token (with its user) that ``token`` is the secret of.

    Raises ``TokenRejected("token_revoked")`` for the secret of a revoked token and
    ``TokenRejected("token_invalid")`` for anything else, including tokens of inactive users. The
    digest comparison takes the same time whatever the digest, so a wrong secret tells nothing.
    """
    prefix = token_prefix(token)
    if prefix is None:
        raise TokenRejected("token_invalid")
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.digest, token_digest(token)):
        raise TokenRejected("token_invalid")
    if row.revoked_at is not None:
        raise TokenRejected("token_revoked")
    if not row.user.is_active:
        raise TokenRejected("token_invalid")
    return row


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """Return the user's tokens, newest first (revoked ones included)."""
    return ApiToken.objects.filter(user=user)


def token_get(*, owner: Any, token_id: int) -> ApiToken:
    """Return one of ``owner``'s tokens or raise ``NotVisible`` (other people's tokens included)."""
    token = ApiToken.objects.filter(pk=token_id, user=owner).select_related("user").first() if _id(token_id) else None
    if token is None:
        raise NotVisible(params={"token_id": token_id})
    return token


def _id(value: Any) -> bool:
    return isinstance(value, int) and 0 < value < 2**63
