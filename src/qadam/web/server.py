"""The production web server: gunicorn running the registry's WSGI application in-process.

``qadam serve`` (and ``qadam demo``) start it; the settings (data folder, database, secret key)
are already chosen by the launcher, so the server only needs an address and a number of workers.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 4
    timeout: int = 60

    @property
    def bind(self) -> str:
        # An IPv6 literal must be bracketed in a bind address.
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"

    def gunicorn_settings(self) -> dict[str, Any]:
        return {
            "bind": [self.bind],
            "workers": self.workers,
            "threads": self.threads,
            "worker_class": "gthread",
            "timeout": self.timeout,
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "qadam",
        }


class RegistryServer(BaseApplication):
    """A gunicorn application that serves an already-loaded WSGI callable."""

    def __init__(self, application: Any, options: ServerOptions):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.gunicorn_settings().items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def serve(options: ServerOptions) -> None:
    """Serve the registry until interrupted (Ctrl+C or SIGTERM)."""
    from django.core.wsgi import get_wsgi_application
    from django.urls import get_resolver

    application = get_wsgi_application()
    get_resolver().check()  # imports every view before the workers fork, so they share those pages
    # Objects alive now are never collected: the collector would otherwise touch (and copy) them in
    # every worker, and the memory each worker shares with the master would shrink.
    gc.freeze()
    RegistryServer(application, options).run()
