"""Page-number pagination: ``?page=1&page_size=25`` in, ``{items, count, page, page_size, next, previous}`` out.

A page past the end is empty rather than an error, so a client walking ``next`` never trips over a
list that shrank meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page")


def paginate(request: Any, rows: QuerySet | Sequence[Any], query: PageQuery, shape: Callable[[list[Any]], list[Any]]):
    """Cut ``rows`` to the requested page and return the page body, items shaped by ``shape``."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (query.page - 1) * query.page_size
    items = list(rows[start : start + query.page_size]) if start < count else []
    return {
        "items": shape(items),
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "next": _page_link(request, query.page + 1) if start + query.page_size < count else None,
        "previous": _page_link(request, min(query.page - 1, _last_page(count, query.page_size)))
        if query.page > 1
        else None,
    }


def _last_page(count: int, page_size: int) -> int:
    return max(1, -(-count // page_size))


def _page_link(request: Any, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return f"{request.path}?{urlencode(sorted(params.lists()), doseq=True)}"
