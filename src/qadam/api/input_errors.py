"""Schema validation errors (Pydantic, through django-ninja) as ``errors`` entries in the user's language.

Pydantic words its messages in English only; each error ``type`` is its stable code, and the sentence
comes from the catalogue here. ``field`` is the dotted path inside the body, query or path
(``birth_date``, ``responses.3``), ``in`` says which of the three.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

BODY_PARAM = "data"
SECRET_FIELDS = frozenset({"password"})
SHOWN_VALUE_LENGTH = 60

WHOLE_NUMBER = _("Enter a whole number.")
NUMBER = _("Enter a number.")
BOOLEAN = _("Enter true or false.")
DATE = _("Enter a date as YYYY-MM-DD.")
OBJECT = _("Send a JSON object here.")

MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "body_missing": _("Send a JSON object in the request body."),
    "extra_forbidden": _("This field is not known here; check its spelling."),
    "string_type": _("Enter text."),
    "string_too_long": _("Use at most %(max_length)s characters."),
    "string_too_short": _("Use at least %(min_length)s characters."),
    "string_pattern_mismatch": _("The value does not have the expected form (%(pattern)s)."),
    "text_null_character": _("The text contains a NUL character, which cannot be stored."),
    "int_type": WHOLE_NUMBER,
    "int_parsing": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "int_parsing_size": WHOLE_NUMBER,
    "float_type": NUMBER,
    "float_parsing": NUMBER,
    "finite_number": NUMBER,
    "bool_type": BOOLEAN,
    "bool_parsing": BOOLEAN,
    "date_type": DATE,
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "dict_type": OBJECT,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "list_type": _("Send a JSON list here."),
    "literal_error": _("Choose one of: %(expected)s."),
    "enum": _("Choose one of: %(expected)s."),
    "greater_than_equal": _("Enter a value of at least %(ge)s."),
    "less_than_equal": _("Enter a value of at most %(le)s."),
    "greater_than": _("Enter a value greater than %(gt)s."),
    "less_than": _("Enter a value less than %(lt)s."),
}
FALLBACK = _("This value is not valid.")
RECEIVED = _("Got “%(value)s” instead.")


def input_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Turn django-ninja's validation errors into ``{code, field, in, message}`` entries."""
    return [_entry(error) for error in errors]


def _entry(error: Mapping[str, Any]) -> dict[str, Any]:
    location = tuple(error.get("loc") or ())
    source = str(location[0]) if location else "body"
    path = [str(part) for part in location[1:]]
    if source == "body" and path[:1] == [BODY_PARAM]:
        path = path[1:]
    code = str(error.get("type") or "invalid")
    if code == "missing" and source == "body" and not path:
        code = "body_missing"
    field = ".".join(path) or None
    return {"code": code, "field": field, "in": source, "message": _message(code, error, field)}


def _message(code: str, error: Mapping[str, Any], field: str | None) -> str:
    template = MESSAGES.get(code, FALLBACK)
    context = dict(error.get("ctx") or {})
    if "expected" in context:
        context["expected"] = str(context["expected"]).replace("'", "")
    try:
        text = str(template) % context if context else str(template)
    except (KeyError, TypeError, ValueError):
        text = str(template) if "%(" not in str(template) else str(FALLBACK)
    shown = _shown_value(error, field)
    if shown is not None:
        text = f"{text} {RECEIVED % {'value': shown}}"
    return text


def _shown_value(error: Mapping[str, Any], field: str | None) -> str | None:
    """The received value, when it is short, scalar and not a secret."""
    if "input" not in error or (field or "").split(".")[-1] in SECRET_FIELDS:
        return None
    value = error["input"]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value)
    if "\x00" in text or len(text) > SHOWN_VALUE_LENGTH:
        return None
    return text
