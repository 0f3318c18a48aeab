"""Home, sign-in and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from qadam.centers import services as center_services
from qadam.centers.selectors import memberships_of, user_language
from qadam.core.exceptions import Invalid
from qadam.patients.selectors import recent_patients
from qadam.web.forms import LoginForm

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@require_GET
@login_required
def home(request):
    """My centers (with my roles) and the patients changed most recently."""
    centers: dict[int, dict] = {}
    for membership in memberships_of(request.user):
        row = centers.setdefault(membership.center_id, {"center": membership.center, "roles": []})
        row["roles"].append(membership.get_role_display())
    return render(
        request,
        "qadam/home.html",
        {
            "nav": "home",
            "today": timezone.localdate(),
            "centers": list(centers.values()),
            "recent": recent_patients(viewer=request.user, limit=10),
        },
    )


@require_POST
def language(request):
    """Switch the language of every page; a signed-in user's choice is kept in their profile."""
    code = request.POST.get("language", "")
    target = _safe_next(request)
    if code not in LANGUAGE_CODES:
        return HttpResponseRedirect(target)
    if request.user.is_authenticated:
        try:
            center_services.user_language_set(user=request.user, language=code)
        except Invalid:
            return HttpResponseRedirect(target)
    response = HttpResponseRedirect(target)
    set_language_cookie(response, code)
    return response


def _safe_next(request) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def set_language_cookie(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    """Sign in; the language chosen in the user's profile then applies to every page."""

    template_name = "qadam/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        code = user_language(form.get_user())
        if code in LANGUAGE_CODES:
            set_language_cookie(response, code)
        return response
