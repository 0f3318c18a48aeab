"""Field rules shared by the services of every app.

Each function returns a list of ``Message`` objects (empty when the value is acceptable) so that a
service can collect every problem of a form before raising one ``Invalid``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadam.core.exceptions import Invalid, Message

EARLIEST_DATE = datetime.date(1900, 1, 1)


def today() -> datetime.date:
    """Return today's date in the registry's time zone."""
    return timezone.localdate()


EARLIEST_MESSAGES = {
    "birth": ("date_before_birth", _("The date cannot be before the date of birth (%(limit)s). Got %(value)s.")),
    "consent": (
        "date_before_consent",
        _("The date cannot be before the consent was given (%(limit)s). Got %(value)s."),
    ),
}


def date_problems(value: Any, *, not_before: datetime.date | None = None, limit: str = "birth") -> list[Message]:
    """A date must be a date, not in the future, and not before ``not_before`` (or 1900).

    ``limit`` names what ``not_before`` is ("birth" or "consent") for the message.
    """
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        return [Message("date_invalid", _("Enter a valid date. Got “%(value)s” instead."), {"value": value})]
    if value > today():
        return [Message("date_in_future", _("The date cannot be in the future. Got %(value)s."), {"value": value})]
    if not_before is not None and value < not_before:
        code, template = EARLIEST_MESSAGES[limit]
        return [Message(code, template, {"limit": not_before, "value": value})]
    if value < EARLIEST_DATE:
        return [Message("date_too_early", _("The date cannot be before 1900. Got %(value)s."), {"value": value})]
    return []


def choice_problems(value: Any, choices: Any) -> list[Message]:
    """A value must be one of the model field's choices."""
    if value in choices.values:
        return []
    allowed = ", ".join(choices.values)
    return [
        Message(
            "choice_invalid",
            _("Choose one of: %(allowed)s. Got “%(value)s” instead."),
            {"allowed": allowed, "value": value},
        )
    ]


def text_problems(value: Any, *, max_length: int | None = None, required: bool = False) -> list[Message]:
    """Free text: a string, without NUL characters (PostgreSQL refuses them), within its length."""
    if not isinstance(value, str):
        return [Message("text_invalid", _("Enter text. Got “%(value)s” instead."), {"value": value})]
    if "\x00" in value:
        return [Message("text_null_character", _("The text contains a NUL character, which cannot be stored."))]
    if required and not value.strip():
        return [Message("required", _("This field is required."))]
    if max_length is not None and len(value) > max_length:
        return [
            Message(
                "text_too_long",
                _("Use at most %(max)s characters (got %(length)s)."),
                {"max": max_length, "length": len(value)},
            )
        ]
    return []


def reason_problems(reason: Any) -> list[Message]:
    """A reason for a change must be given."""
    if isinstance(reason, str) and "\x00" not in reason and not reason.strip():
        return [Message("reason_required", _("Give a reason for this change."))]
    return text_problems(reason)


def raise_if_any(errors: dict[str, list[Message]]) -> None:
    """Raise one ``Invalid`` carrying every field's problems, if there are any."""
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise Invalid(errors=errors)
