"""URLs of the API (included at ``api/v1/``): every address answers problems, even the ones no
operation handles.

django-ninja answers a wrong method with a plain-text 405 and leaves unknown addresses and bodies
over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` to Django's HTML pages; ``guarded`` and ``route_not_found``
turn each into a problem (405 with ``Allow``, 404, 413).
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import URLPattern, re_path, reverse
from django.views.decorators.csrf import csrf_exempt

from .api import api
from .language import activate_for
from .problems import DETAILS, ApiProblem, answer_exception, body_too_large, problem_response

app_name = "qadam_api"


def _declared_length(request: Any) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def guarded(view: Any) -> Any:
    """Wrap an API view: the answer's language from ``Accept-Language``, oversized bodies refused
    before they are read, exceptions and 405s as problems."""

    @functools.wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any):
        activate_for(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _declared_length(request) > limit:
            return problem_response(request, body_too_large(limit))
        try:
            response = view(request, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - every error leaves as a problem
            return answer_exception(request, error)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/problem"):
            return method_not_allowed(request, response["Allow"])
        return response

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)
    return wrapper


def method_not_allowed(request: Any, allow: str) -> Any:
    allowed = sorted(method.strip() for method in allow.split(",") if method.strip())
    problem = ApiProblem(
        "method-not-allowed",
        "method_not_allowed",
        DETAILS["method_not_allowed"],
        {"method": request.method, "allowed": ", ".join(allowed)},
        extra={"allowed": allowed},
        headers={"Allow": ", ".join(allowed)},
    )
    return problem_response(request, problem)


@csrf_exempt
def route_not_found(request: Any, *args: Any, **kwargs: Any):
    """Any address under ``/api/v1/`` that no operation serves."""
    activate_for(request)
    return problem_response(
        request, ApiProblem("not-found", "route_not_found", DETAILS["route_not_found"], {"path": request.path})
    )


def docs_home(request: Any, *args: Any, **kwargs: Any):
    """``/api/v1/`` itself leads to the interactive documentation."""
    return HttpResponseRedirect(reverse("qadam_api:openapi-view"))


def _guard(pattern: Any) -> Any:
    if not isinstance(pattern, URLPattern):
        return pattern
    callback = docs_home if pattern.name == "api-root" else pattern.callback
    return URLPattern(pattern.pattern, guarded(callback), pattern.default_args, pattern.name)


ninja_patterns, _ninja_app, _ninja_namespace = api.urls
urlpatterns = [_guard(pattern) for pattern in ninja_patterns] + [re_path(r"", route_not_found)]
