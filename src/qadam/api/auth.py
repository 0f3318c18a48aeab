"""Who is calling: a personal token (``Authorization: Bearer …``) or the web app's session.

Both give the same user object the web app would have, so every selector and service applies the
same center permissions. Session calls that change something need Django's CSRF token
(``X-CSRFToken``), as the web forms do; token calls do not (no browser sends them on its own).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth

from .language import activate_for
from .problems import ApiProblem
from .selectors import TokenRejected, token_for_secret
from .services import token_mark_used

TOKEN_MESSAGES = {
    "token_invalid": _("The API token is not valid. Check that it was copied whole, or create a new one."),
    "token_revoked": _("This API token was revoked. Create a new one."),
}


class PersonalToken(HttpBearer):
    """``Authorization: Bearer qadam_<prefix>_<secret>``; a token that is present but wrong is refused
    outright (401) rather than falling back to the session."""

    def authenticate(self, request: Any, token: str) -> Any:
        try:
            row = token_for_secret(token.strip())
        except TokenRejected as rejected:
            activate_for(request)
            raise ApiProblem(
                "unauthenticated",
                rejected.code,
                TOKEN_MESSAGES[rejected.code],
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from None
        token_mark_used(row)
        request.user = row.user
        activate_for(request, row.user, profile_language=getattr(row, "profile_language", None))
        return row.user


class WebSession(SessionAuth):
    """The web app's session (signed-in users of the browser, e.g. the interactive docs)."""

    def authenticate(self, request: Any, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            activate_for(request, user)
            return user
        return None


AUTHENTICATION = [PersonalToken(), WebSession()]
