"""URL patterns per area, each owned with its views (included by qadam.web.urls)."""
