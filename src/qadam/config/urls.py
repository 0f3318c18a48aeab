"""URL configuration: the web app and the Django admin (restricted to administrators)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("qadam.api.urls")),
    path("fhir/r4/", include("qadam.interop.fhir.urls")),
    path("", include("qadam.web.urls")),
]
