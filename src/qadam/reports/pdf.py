"""The patient report as PDF, made by WeasyPrint from an HTML template, with no network access.

Everything the PDF shows is inline (the charts are the same SVG as on the patient page); the one
stylesheet is this app's own ``static/qadam/reports/report.css``. ``LocalFetcher`` refuses every
URL except files under that folder, so a stray reference (an image in a note, a font URL) can never
make the renderer reach the network or read another file. Fonts come from the system (DejaVu and
Liberation carry Kazakh and Russian letters).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = (Path(__file__).parent / "static" / "qadam" / "reports").resolve()


class RefusedURL(ValueError):
    """A URL outside the report's own static files."""


class LocalFetcher(URLFetcher):
    """Serves the report's own static files and refuses everything else (kept in ``refused``)."""

    def __init__(self, root: Path = STATIC) -> None:
        super().__init__(allowed_protocols=("file",))
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
        if path is None or not path.is_relative_to(self.root) or not path.is_file():
            self.refused.append(url)
            raise RefusedURL(f"The report may only read its own static files; refused {url!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def html_to_pdf(html: str, *, fetcher: LocalFetcher | None = None) -> bytes:
    """Render ``html`` (relative URLs resolve inside the report's static folder) to PDF bytes."""
    fetcher = fetcher or LocalFetcher()
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher, media_type="print")
    return document.write_pdf()
