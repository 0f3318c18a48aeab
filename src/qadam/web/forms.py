"""Forms of the web screens: they check the *shape* of the input (types, required, lengths).

Rules about the data itself (IIN check digit, who may write where, item values of an instrument)
belong to the services and to ``qadam.scales``; their errors come back as ``core.exceptions.Invalid``
and are attached to the fields here with ``attach_errors``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from qadam.core.exceptions import Invalid

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "q-input q-input--w10"}, format="%Y-%m-%d")
SEX_CHOICES = [("female", _("Female")), ("male", _("Male"))]


class QadamForm(forms.Form):
    """A form whose widgets carry our classes and whose errors read as sentences."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
                continue
            css = (
                "q-select"
                if isinstance(widget, forms.Select)
                else "q-textarea"
                if isinstance(widget, forms.Textarea)
                else "q-input"
            )
            widget.attrs.setdefault("class", css)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and widget.attrs.get("aria-invalid") != "true":
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}-error"
                widget.attrs["class"] = widget.attrs.get("class", "") + " q-input--error"

    def problems(self) -> list[dict[str, str]]:
        """Errors for the error summary, each linking to its field."""
        out = []
        for name, errors in self.errors.items():
            anchor = f"id_{name}" if name in self.fields else "main"
            out.extend({"anchor": anchor, "message": str(message)} for message in errors)
        return out


class LoginForm(QadamForm, AuthenticationForm):
    """Django's sign-in form with our field styles."""

    def __init__(self, request=None, *args, **kwargs):
        AuthenticationForm.__init__(self, request, *args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "q-input q-input--w20")


def attach_errors(form: QadamForm, error: Invalid) -> None:
    """Show a service's ``Invalid`` on the form: per field where it names one, else on the form."""
    for field, messages in error.field_messages().items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not error.errors:
        form.add_error(None, error.message)


class PatientSearchForm(QadamForm):
    q = forms.CharField(
        label=_("Registry id"),
        help_text=_("For example KZ-7Q4M-2XD9; part of it is enough."),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "class": "q-input q-input--w20"}),
    )


class PatientRegistrationForm(QadamForm):
    center = forms.ModelChoiceField(label=_("Center"), queryset=None, empty_label=None)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Enter the date of birth."),
            "invalid": _("Enter the date of birth as a real date, e.g. 14.03.2019."),
        },
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=SEX_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the sex recorded at birth.")},
    )
    full_name = forms.CharField(
        label=_("Full name"),
        help_text=_("Kept apart from clinical data and shown only to your center."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    iin = forms.CharField(
        label=_("IIN"),
        help_text=_("12 digits. Checked with its check digit; shown only to your center."),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "q-input q-input--w10"}),
    )

    def __init__(self, *args, centers: Iterable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        self.fields["center"].error_messages["invalid_choice"] = _("Choose one of your centers.")
        self.fields["center"].error_messages["required"] = _("Choose the center that registers the patient.")


class VisitForm(QadamForm):
    visit_date = forms.DateField(
        label=_("Date of the visit"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Enter the date of the visit."),
            "invalid": _("Enter the date of the visit as a real date."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Type of visit"), widget=forms.RadioSelect, error_messages={"required": _("Choose the type of visit.")}
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, kinds: Iterable[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class SignForm(QadamForm):
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("Signing confirms that you administered and checked this assessment."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "q-input q-input--w20"}),
        error_messages={"required": _("Enter your password to sign.")},
    )
    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AmendReasonForm(QadamForm):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        help_text=_("Say what was wrong and where the correct value comes from. The signed version stays visible."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for changing a signed assessment.")},
    )
