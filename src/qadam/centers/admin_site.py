"""The Django admin, opened only to superusers and administrators.

``qadam.centers.admin_config.RegistryAdminConfig`` replaces ``django.contrib.admin`` in
``INSTALLED_APPS`` so that ``admin.site`` is a ``RegistryAdminSite``. Access follows ``qadam.centers.selectors.is_administrator``
rather than Django's ``is_staff`` flag, so a role granted or revoked in Qadam is the whole story.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .selectors import is_administrator


class RegistryAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        if not (user.is_active and is_administrator(user)):
            raise ValidationError(
                _("The administration site is open to administrators only."), code="not_administrator"
            )


class RegistryAdminSite(admin.AdminSite):
    site_header = _("Qadam administration")
    site_title = _("Qadam administration")
    index_title = _("Reference data and users")
    login_form = RegistryAdminAuthenticationForm

    def has_permission(self, request: Any) -> bool:
        return is_administrator(request.user)
