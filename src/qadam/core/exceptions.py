"""Errors raised by Qadam's services and selectors.

Every error carries a stable ``code`` (tests and views branch on it), a message template written as an
English gettext msgid, and ``params`` for the template. ``str(error)`` renders the message in the
active language. Views map them to responses in one place:

=============  ================================  ======
class          meaning                           HTTP
=============  ================================  ======
NotVisible     the viewer may not see it (or it  404
               does not exist: we do not tell)
NotAllowed     visible, but this user may not    403
               do this
Conflict       someone else saved first          409
InvalidState   the record is not in a state      409
               that allows this step
Invalid        input broke a rule; ``errors``    400
               per field, ``problems`` from
               the scales engine
=============  ================================  ======
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _


class QadamError(Exception):
    """Base class: ``QadamError(code, message, params)``."""

    default_code = "qadam_error"
    default_message = _("The request cannot be completed.")

    def __init__(self, code: str | None = None, message: Any = None, params: Mapping[str, Any] | None = None):
        self.code = code or self.default_code
        self.message_template = message if message is not None else self.default_message
        self.params = dict(params or {})
        super().__init__(self.code)

    @property
    def message(self) -> str:
        """The message in the active language, with its parameters filled in."""
        template = str(self.message_template)
        return template % self.params if self.params else template

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, params={self.params!r})"


class NotVisible(QadamError):
    """The object does not exist or the viewer may not see it (views answer 404 either way)."""

    default_code = "not_visible"
    default_message = _("This record does not exist or is not available to you.")


class NotAllowed(QadamError):
    """The viewer may see the object but not perform this action."""

    default_code = "not_allowed"
    default_message = _("You do not have permission to do this.")


class Conflict(QadamError):
    """Optimistic lock failure: the record changed since the form was loaded; nothing was saved."""

    default_code = "conflict"
    default_message = _(
        "Someone else changed this record while you were editing it (your version %(expected)s, "
        "current version %(current)s). Nothing was saved; reload the page to see their changes."
    )


class InvalidState(QadamError):
    """The record's status does not allow this step (e.g. signing a draft)."""

    default_code = "invalid_state"
    default_message = _("This action is not possible while the record is %(status)s.")


class Message:
    """A translatable message with parameters, rendered in the language active when it is shown."""

    def __init__(self, code: str, template: Any, params: Mapping[str, Any] | None = None):
        self.code = code
        self.template = template
        self.params = dict(params or {})

    def __str__(self) -> str:
        template = str(self.template)
        return template % self.params if self.params else template

    def __repr__(self) -> str:
        return f"Message(code={self.code!r}, params={self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.code, str(self.template), self.params) == (
            other.code,
            str(other.template),
            other.params,
        )

    __hash__ = None  # type: ignore[assignment]


class Invalid(QadamError):
    """Input broke one or more rules; nothing was saved.

    ``errors`` maps a field name ("" for the whole form) to ``Message`` objects (``str()`` renders
    them); ``problems`` holds the ``qadam.scales`` problems of an assessment (each renders itself
    with ``problem.message(lang)``).
    """

    default_code = "invalid"
    default_message = _("Please correct the errors below.")

    def __init__(
        self,
        code: str | None = None,
        message: Any = None,
        params: Mapping[str, Any] | None = None,
        *,
        errors: Mapping[str, Sequence[Message]] | None = None,
        problems: Sequence[Any] = (),
    ):
        super().__init__(code, message, params)
        self.errors = {field: list(messages) for field, messages in (errors or {}).items()}
        self.problems = list(problems)

    @classmethod
    def field(cls, field: str, code: str, message: Any, params: Mapping[str, Any] | None = None) -> Invalid:
        """One error on one field; the error's message is that field's message."""
        error = cls(code, message, params)
        error.errors = {field: [Message(code, message, params)]}
        return error

    def codes(self) -> dict[str, list[str]]:
        """Error codes per field (what tests and APIs compare)."""
        return {field: [m.code for m in messages] for field, messages in self.errors.items()}

    def field_messages(self) -> dict[str, list[str]]:
        """Errors per field, rendered in the active language."""
        return {field: [str(m) for m in messages] for field, messages in self.errors.items()}
