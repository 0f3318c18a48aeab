"""Issuing and revoking personal API tokens, audited like every other write.

``by`` is the acting user: a user issues and revokes their own tokens; ``by=None`` is the operator on
the command line (``qadam token create USERNAME`` / ``qadam token revoke ID``).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.core.exceptions import Invalid, InvalidState, NotAllowed
from qadam.core.validation import raise_if_any, text_problems

from .models import ApiToken
from .selectors import TOKEN_SCHEME, token_digest

NAME_MAX = 100
PREFIX_BYTES = 6
SECRET_BYTES = 32
ISSUE_ATTEMPTS = 5
# A token's last use is written at most once a minute: enough to see which tokens are alive,
# without a write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret, which exists only here: it is never stored nor shown again."""

    token: ApiToken
    secret: str


def _require_self_or_operator(by: Any, user: Any) -> None:
    if by is not None and by.pk != user.pk:
        raise NotAllowed()


def token_create(*, by: Any, user: Any, name: str = "", reason: str = "") -> IssuedToken:
    """Issue a token for ``user`` (an active account) and return it with its secret."""
    _require_self_or_operator(by, user)
    name = name.strip() if isinstance(name, str) else name
    raise_if_any({"name": text_problems(name, max_length=NAME_MAX), "reason": text_problems(reason)})
    if not user.is_active:
        raise Invalid.field("user", "user_inactive", _("Tokens can be issued only to active accounts."))
    for _attempt in range(ISSUE_ATTEMPTS):
        prefix = secrets.token_hex(PREFIX_BYTES)
        secret = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=token_digest(secret))
                audit_record(
                    actor=by,
                    action=Action.CREATE,
                    obj=token,
                    changes={"user": [None, user.get_username()], "name": [None, name], "prefix": [None, prefix]},
                    reason=reason,
                )
        except IntegrityError:
            # Two 48-bit prefixes collided (about one in 10**14 per pair): draw again.
            continue
        return IssuedToken(token=token, secret=secret)
    raise RuntimeError("No unused token prefix found in 5 attempts.")


def token_revoke(*, by: Any, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke ``token`` at once; it authenticates nothing from now on. The row stays for the record."""
    _require_self_or_operator(by, token.user)
    raise_if_any({"reason": text_problems(reason)})
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if locked.revoked_at is not None:
            raise InvalidState(
                "token_already_revoked", _("This token was already revoked on %(date)s."), {"date": locked.revoked_at}
            )
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action=Action.UPDATE,
            obj=locked,
            changes={"revoked_at": [None, locked.revoked_at]},
            reason=reason,
        )
    return locked


def token_mark_used(token: ApiToken) -> None:
    """Record that ``token`` authenticated a request (at most once per minute per token)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
