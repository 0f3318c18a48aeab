"""How the web screens answer the errors of services and selectors, in one place.

``NotVisible`` becomes 404 (nobody learns that a record exists outside their centers),
``NotAllowed`` becomes 403. ``Conflict``, ``InvalidState`` and ``Invalid`` are part of a form's
normal answer and are handled by the view that shows the form.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from qadam.core.exceptions import NotAllowed, NotVisible


def answers_errors(view):
    """Map ``NotVisible`` to 404 and ``NotAllowed`` to 403 for ``view``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotVisible as error:
            raise Http404(error.message) from None
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None

    return wrapper


def signed_in_or_sent_to_sign_in(view):
    """``login_required`` for a partial that htmx swaps into a page (the running total).

    When the session has expired, the sign-in page must not appear inside the panel: htmx gets
    401 with ``HX-Redirect`` and sends the whole page to sign-in, which then returns to the page
    the rater was on (not to the partial, which answers POST only).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        back = _page_of(request)
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=401)
            response["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
            return response
        return redirect_to_login(back)

    return wrapper


def _page_of(request) -> str:
    """The path of the page that sent the request (htmx names it; a browser form sends a Referer)."""
    for header in ("HX-Current-URL", "Referer"):
        url = request.headers.get(header, "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")
