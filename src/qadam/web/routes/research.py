"""URLs of the research export screen."""

from django.urls import path

from qadam.web.views import research

urlpatterns = [
    path("research/export/", research.research_export_page, name="research_export"),
]
