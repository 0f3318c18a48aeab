"""The admin app with Qadam's site (kept apart from ``admin_site`` so it imports no models)."""

from django.contrib.admin.apps import AdminConfig


class RegistryAdminConfig(AdminConfig):
    default_site = "qadam.centers.admin_site.RegistryAdminSite"
