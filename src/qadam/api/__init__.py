"""Qadam's REST API (``/api/v1/``): typed, documented, with personal tokens and one error format.

Views parse with Pydantic schemas, call the services and selectors of the other apps (which decide
access and audit every write) and shape the answer; errors become RFC 9457 problem details
(``qadam.api.problems``). See docs/api.md.
"""
