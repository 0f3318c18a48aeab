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
from qadam.patients.models import Icd10Code

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


INCOMPLETE_FORM = _("The form is incomplete: reload the page and enter the values again.")
NOTE_WIDGET_ROWS = 3
NOTE_LABEL = _("Note")


def note_field(label=NOTE_LABEL) -> forms.CharField:
    """Free text kept with the record (notes are hidden from readers outside the patient's center)."""
    return forms.CharField(
        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": NOTE_WIDGET_ROWS})
    )


def date_field(label, invalid_message, required_message=None) -> forms.DateField:
    """A date entered with the browser's date picker; optional when no ``required_message`` is given."""
    messages = {"invalid": invalid_message}
    if required_message is not None:
        messages["required"] = required_message
    return forms.DateField(
        label=label, required=required_message is not None, widget=DATE_WIDGET, error_messages=messages
    )


def search_key(text: str) -> str:
    """Text as the code search compares it: lower case, "ё" as "е", dots dropped ("G12.1" ~ "g121").

    ``qadam.js`` filters the list with the same rule while the user types.
    """
    return text.lower().replace("ё", "е").replace(".", "")


def search_word(word: str) -> str:
    """The part of a typed word that is looked for.

    Word endings change with grammar (атрофия/атрофии, атрофиясы, atrophy/atrophies), so a word of
    five letters or more is looked for without its last two; codes and numbers are looked for whole.
    """
    key = search_key(word)
    if len(key) >= 5 and not any(char.isdigit() for char in key):
        return key[:-2]
    return key


def code_matches(query: str, code: str, title: str) -> bool:
    """Every word of ``query`` appears in the code or in the title (in the user's language)."""
    haystack = search_key(f"{code} {title}")
    return all(search_word(word) in haystack for word in query.split())


def grouped_code_choices(codes: Iterable, query: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """ICD-10 codes as ``(condition, [(code, "code title")])`` in the order of the condition groups.

    Titles are in the active language. With ``query``, only the codes that match it.
    """
    by_group: dict[str, list[tuple[str, str]]] = {}
    for code in sorted(codes, key=lambda row: row.code):
        title = code.title()
        if query and not code_matches(query, code.code, title):
            continue
        by_group.setdefault(code.group, []).append((code.code, f"{code.code} {title}"))
    order = [value for value, _label in Icd10Code.Group.choices]
    labels = dict(Icd10Code.Group.choices)
    groups = sorted(by_group, key=lambda group: order.index(group) if group in order else len(order))
    return [(str(labels.get(group, group)), by_group[group]) for group in groups]


class CodeSearchForm(QadamForm):
    q = forms.CharField(
        label=_("Find a code"),
        help_text=_("Part of the code or of the name, for example G12 or atrophy."),
        required=False,
        max_length=100,
        # ``data-filters``: qadam.js narrows this list while the user types (the form works without it).
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "class": "q-input q-input--w20",
                "data-filters": "id_icd10",
            }
        ),
    )


class DiagnosisForm(QadamForm):
    icd10 = forms.ChoiceField(
        label=_("Diagnosis (ICD-10 code)"),
        help_text=_(
            "Grouped by condition. Check the code before saving: a recorded diagnosis cannot be corrected "
            "or removed on screen yet."
        ),
        error_messages={
            "required": _("Choose the ICD-10 code of the diagnosis."),
            "invalid_choice": _("“%(value)s” is not an ICD-10 code the registry offers."),
        },
    )
    diagnosed_on = date_field(
        _("Date of diagnosis"),
        _("Enter the date of the diagnosis as a real date."),
        _("Enter the date of the diagnosis."),
    )
    is_primary = forms.BooleanField(
        label=_("Primary diagnosis"),
        help_text=_(
            "The condition the patient is followed for. A new primary diagnosis makes the previous one secondary."
        ),
        required=False,
    )
    note = note_field()

    def __init__(self, *args, codes: Iterable, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        codes = list(codes)
        field = self.fields["icd10"]
        field.choices = grouped_code_choices(codes)
        field.widget.attrs.update({"size": "12", "class": "q-select q-select--list"})
        self.matches = None
        if query:
            shown = grouped_code_choices(codes, query)
            self.matches = sum(len(options) for _group, options in shown)
            if self.matches:
                # Only the matches are listed (and the chosen code, so that a choice never disappears);
                # the form still accepts every code.
                chosen = self._chosen_option(codes)
                if chosen and not any(chosen[0] == value for _g, options in shown for value, _t in options):
                    shown.insert(0, chosen[1])
                field.widget.choices = shown

    def _chosen_option(self, codes: list):
        chosen = self.data.get("icd10") if self.is_bound else self.initial.get("icd10")
        for group_label, options in grouped_code_choices(codes):
            for value, text in options:
                if value == chosen:
                    return value, (group_label, [(value, text)])
        return None


class SmaGeneticsForm(QadamForm):
    UNKNOWN = "unknown"

    smn1_status = forms.ChoiceField(
        label=_("SMN1 finding"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the SMN1 finding of the genetic test."),
            "invalid_choice": _("Choose one of the SMN1 findings listed."),
        },
    )
    smn2_copies = forms.ChoiceField(
        label=_("SMN2 copy number"),
        help_text=_("As given in the genetic report; choose “not known” if it was not measured."),
        widget=forms.RadioSelect,
        choices=[(str(n), str(n)) for n in range(9)] + [(UNKNOWN, _("not known"))],
        error_messages={
            "required": _("Choose the SMN2 copy number, or “not known”."),
            "invalid_choice": _("Choose an SMN2 copy number from 0 to 8, or “not known”."),
        },
    )
    tested_on = date_field(_("Date of the genetic test"), _("Enter the date of the genetic test as a real date."))
    reason = note_field(_("Reason for the correction"))

    def __init__(self, *args, statuses: Iterable[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["smn1_status"].choices = list(statuses)

    def clean_smn2_copies(self) -> int | None:
        value = self.cleaned_data["smn2_copies"]
        return None if value == self.UNKNOWN else int(value)


class SmaStatusForm(QadamForm):
    recorded_on = date_field(
        _("Date of the assessment"),
        _("Enter the date of the assessment as a real date."),
        _("Enter the date on which the type and function were assessed."),
    )
    sma_type = forms.ChoiceField(
        label=_("SMA type"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the SMA type."),
            "invalid_choice": _("Choose one of the SMA types listed."),
        },
    )
    functional_status = forms.ChoiceField(
        label=_("Functional status"),
        help_text=_("The best motor function the patient has now."),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the functional status."),
            "invalid_choice": _("Choose one of the functional statuses listed."),
        },
    )

    def __init__(self, *args, types: Iterable[tuple[str, str]], functions: Iterable[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sma_type"].choices = list(types)
        self.fields["functional_status"].choices = list(functions)


class ConsentForm(QadamForm):
    kind = forms.ChoiceField(
        label=_("Consent to"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the consent is for."),
            "invalid_choice": _("Choose one of the consents listed."),
        },
    )
    given_on = date_field(
        _("Date the consent was given"),
        _("Enter the date the consent was given as a real date."),
        _("Enter the date the consent was given."),
    )
    note = note_field()

    def __init__(self, *args, kinds: Iterable[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class ConsentWithdrawalForm(QadamForm):
    withdrawn_on = date_field(
        _("Date of withdrawal"),
        _("Enter the date of withdrawal as a real date."),
        _("Enter the date the consent was withdrawn."),
    )
    # A patient may withdraw consent without giving a reason, so the field is optional: it records
    # what the center knows (who asked, how), which the audit log keeps with the change.
    reason = note_field(_("Reason or circumstances"))


class PatientEditForm(QadamForm):
    """Demographics, the identity (for the patient's own center) and the reason for the change."""

    birth_date = PatientRegistrationForm.base_fields["birth_date"]
    sex = PatientRegistrationForm.base_fields["sex"]
    full_name = PatientRegistrationForm.base_fields["full_name"]
    iin = PatientRegistrationForm.base_fields["iin"]
    # Required by ``patient_update``, which reports a missing reason together with the other problems
    # of the record (an IIN's check digit, a taken IIN) in one answer.
    reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_("For example: date of birth corrected from the birth certificate. Kept in the audit log."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": NOTE_WIDGET_ROWS}),
    )
    row_version = forms.CharField(widget=forms.HiddenInput, required=False)

    RECORD_FIELDS = ("birth_date", "sex")
    IDENTITY_FIELDS = ("full_name", "iin")

    def __init__(self, *args, with_identity: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_identity:
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]

    def clean_row_version(self) -> int | None:
        raw = self.cleaned_data["row_version"]
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("row_version") is None:
            # The version the editor saw is what protects others' changes; without it nothing is saved.
            self.add_error(None, INCOMPLETE_FORM)
        return cleaned

    def record_fields(self) -> dict:
        """The cleaned values ``patient_update`` takes (identity only where the form has it)."""
        names = [*self.RECORD_FIELDS, *(n for n in self.IDENTITY_FIELDS if n in self.fields)]
        return {name: self.cleaned_data[name] for name in names}
