"""The PDF renderer reads nothing but the report's own static files: no network, no other file."""

from __future__ import annotations

import pytest

from qadam.reports.pdf import STATIC, LocalFetcher, RefusedURL, html_to_pdf


def test_own_stylesheet_is_served():
    response = LocalFetcher().fetch((STATIC / "report.css").as_uri())
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.example.org/font.woff2",
        "http://127.0.0.1:8000/static/qadam/css/qadam.css",
        "file:///etc/hostname",
        (STATIC / ".." / ".." / ".." / "pdf.py").as_uri(),
        "file://remote-host/share/report.css",
        "data:text/css,body{}",
    ],
)
def test_everything_else_is_refused(url):
    fetcher = LocalFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_document_with_remote_references_still_renders_without_fetching_them():
    fetcher = LocalFetcher()
    html = (
        '<html><head><link rel="stylesheet" href="report.css">'
        '<link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        '<body><h1>Қадам</h1><img src="https://example.org/a.png" alt="">'
        '<img src="file:///etc/hostname" alt=""></body></html>'
    )
    document = html_to_pdf(html, fetcher=fetcher)
    assert document.startswith(b"%PDF-")
    assert "https://cdn.example.org/x.css" in fetcher.refused
    assert "https://example.org/a.png" in fetcher.refused
    assert "file:///etc/hostname" in fetcher.refused
    assert not any(url.endswith("report.css") for url in fetcher.refused)
