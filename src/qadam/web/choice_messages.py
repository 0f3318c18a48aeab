"""Choice fields that say which question was answered with something not offered.

Django's default ("Select a valid choice. oral is not one of the available choices.") names neither
the question nor what to do; only a tampered or stale form sends such a value, but the answer must
still read as a sentence of the registry (shared/design/UI.md, "Errors").
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext


def name_the_choice_errors(form: forms.Form) -> None:
    """Give every choice field of ``form`` that keeps Django's message one that names its label."""
    default = forms.ChoiceField.default_error_messages["invalid_choice"]
    for field in form.fields.values():
        if isinstance(field, forms.ChoiceField) and str(field.error_messages.get("invalid_choice")) == str(default):
            label = str(field.label or "").replace("%", "%%")
            message = gettext("“%(value)s” is not one of the choices for “%(label)s”: choose one of those listed.")
            field.error_messages["invalid_choice"] = message.replace("%(label)s", label)


class NamedChoiceErrors:
    """Form mixin: ``name_the_choice_errors`` once the fields exist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_the_choice_errors(self)
