"""The language of an API answer: the request's ``Accept-Language``, else the user's profile.

A client states its language per request with ``Accept-Language``; one that does not is answered in
the language the user chose in their profile (``centers.UserProfile``), and failing that in the
registry's default. Messages of ``qadam.scales`` use the same language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

from qadam.centers.selectors import user_language
from qadam.scales import LANGUAGES as SCALE_LANGUAGES


def header_language(request: Any) -> str | None:
    """The first language of ``Accept-Language`` that the registry speaks, or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if not header or len(header) > 255:
        return None
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def activate_for(request: Any, user: Any = None, *, profile_language: str | None = None) -> str:
    """Activate the answer's language for this request and return it.

    ``profile_language``: the user's profile language when the caller read it already (token
    authentication reads it with the token), which saves a query.
    """
    language = header_language(request) or profile_language
    if not language and user is not None:
        language = user_language(user)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def scales_language() -> str:
    """The active language as ``qadam.scales`` names it (kk, ru or en)."""
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in SCALE_LANGUAGES else "en"
