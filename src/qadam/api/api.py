"""The API object: routers per domain under ``/api/v1/``, authentication, parser and error answers."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError

from .auth import AUTHENTICATION
from .docs import LocalSwagger
from .openapi import document_problems
from .parsing import StrictJsonParser
from .problems import answer_exception
from .routers import assessments, instruments, patients, therapies, tokens, visits, worklist

DESCRIPTION = """\
The Qadam registry over HTTP: patients, diagnoses, visits, item-level assessments scored by the
server, and the instrument catalogue. Authenticate with a personal token
(`Authorization: Bearer qadam_…`, created at `POST /api/v1/tokens` or with `qadam token create`)
or with the web app's session. Every error is an RFC 9457 problem (`application/problem+json`).
"""


class QadamApi(NinjaAPI):
    """NinjaAPI with one exception handler for everything and the problem responses documented."""

    def set_default_exception_handlers(self) -> None:
        self.add_exception_handler(Exception, answer_exception)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None):
        return document_problems(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))

    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> ValidationError:
        """As django-ninja's, but each error keeps its ``input`` (shown in the message when harmless)."""
        errors = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                location = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                error["loc"] = (model.__ninja_param_source__, *location)
                if "ctx" in error and not _plain_context(error["ctx"]):
                    del error["ctx"]
                errors.append(dict(error))
        return ValidationError(errors)


def _plain_context(context: Any) -> bool:
    return isinstance(context, dict) and all(not isinstance(v, Exception) for v in context.values())


api = QadamApi(
    title="Qadam registry API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="qadam_api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=AUTHENTICATION,
    parser=StrictJsonParser(),
)
api.add_router("/patients", patients.router)
api.add_router("/visits", visits.router)
api.add_router("/assessments", assessments.router)
api.add_router("/instruments", instruments.router)
api.add_router("/therapies", therapies.router)
api.add_router("/worklist", worklist.router)
api.add_router("/tokens", tokens.router)
api.add_router("/me", tokens.me_router)
