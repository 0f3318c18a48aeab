"""The interactive documentation page, with Swagger UI served from this package (no CDN)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class LocalSwagger(DocsBase):
    """Swagger UI from ``static/qadam_api/swagger-ui`` (swagger-ui-dist, vendored with its licence).

    ``validatorUrl`` is switched off: Swagger UI would otherwise send the schema to an outside
    validator and show its badge.
    """

    def render_page(self, request: Any, api: Any, **kwargs: Any):
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "dom_id": "#swagger-ui",
            "deepLinking": True,
            "layout": "BaseLayout",
            "validatorUrl": None,
            "persistAuthorization": False,
        }
        return render(request, "qadam_api/docs.html", {"title": api.title, "swagger_settings": settings})
