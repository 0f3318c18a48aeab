"""How the web screens answer the errors of services and selectors, in one place.

``NotVisible`` becomes 404 (nobody learns that a record exists outside their centers),
``NotAllowed`` becomes 403. ``Conflict``, ``InvalidState`` and ``Invalid`` are part of a form's
normal answer and are handled by the view that shows the form.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404

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
