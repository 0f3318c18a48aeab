"""Monitoring screens: the worklist of the user's centers (and its CSV), protocols, transition checklists.

Thin views: the filters are parsed by a form, the selectors compute what is due
(``qadam.monitoring.selectors``), the services save protocol versions and checklist steps
(``qadam.monitoring.services``). ``NotVisible`` answers 404 and ``NotAllowed`` 403
(``answers_errors``); a form sent back with problems answers 400, an edit conflict 409.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from qadam import scales
from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.centers.models import Center
from qadam.centers.selectors import centers_for, is_registry_manager
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed, NotVisible
from qadam.monitoring import due, selectors, services
from qadam.monitoring.models import ANCHOR_LABELS, STATUS_LABELS, TREATMENT_LABELS, Condition, TransitionItem
from qadam.patients import selectors as patient_selectors
from qadam.web.choice_messages import NamedChoiceErrors
from qadam.web.forms import DATE_WIDGET, QadamForm
from qadam.web.guards import answers_errors

PAGE_SIZE = 50
INVALID = 400
CONFLICT = 409
DEFAULT = "default"
CSV_COLUMNS = (
    ("registry_id", gettext_lazy("Registry id")),
    ("center", gettext_lazy("Center")),
    ("condition", gettext_lazy("Condition")),
    ("kind", gettext_lazy("Kind")),
    ("code", gettext_lazy("Code")),
    ("label", gettext_lazy("Item")),
    ("state", gettext_lazy("State")),
    ("due", gettext_lazy("Due")),
    ("window_start", gettext_lazy("Window from")),
    ("window_end", gettext_lazy("Window to")),
    ("missed", gettext_lazy("Missed")),
    ("rule", gettext_lazy("Rule")),
    ("rule_text", gettext_lazy("Why")),
    ("source", gettext_lazy("Source")),
)
KIND_CHOICES = [
    (selectors.KIND_ASSESSMENT, gettext_lazy("Assessments")),
    (selectors.KIND_DOSE, gettext_lazy("Doses")),
    (selectors.KIND_TRANSITION, gettext_lazy("Transition to adult care")),
]
STATE_CHOICES = [(due.OVERDUE, gettext_lazy("Overdue")), (due.UPCOMING, gettext_lazy("Upcoming"))]
STATE_LABELS = dict(STATE_CHOICES)
KIND_LABELS = dict(KIND_CHOICES)


class WorklistFilterForm(NamedChoiceErrors, QadamForm):
    """The worklist's filters (GET); every field optional."""

    center = forms.ChoiceField(label=gettext_lazy("Center"), required=False)
    condition = forms.ChoiceField(
        label=gettext_lazy("Condition"), required=False, choices=[("", gettext_lazy("All"))] + Condition.choices
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("All"))] + KIND_CHOICES
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"), required=False, choices=[("", gettext_lazy("All"))] + STATE_CHOICES
    )
    horizon = forms.IntegerField(
        label=gettext_lazy("Upcoming within (days)"),
        required=False,
        min_value=0,
        max_value=selectors.MAX_HORIZON_DAYS,
        widget=forms.NumberInput(attrs={"class": "q-input q-input--w4", "placeholder": str(due.DEFAULT_HORIZON_DAYS)}),
    )
    transition_months = forms.IntegerField(
        label=gettext_lazy("Transition: months before 18"),
        required=False,
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "q-input q-input--w4"}),
    )

    sort = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=[
            (selectors.SORT_URGENCY, gettext_lazy("Overdue first")),
            (selectors.SORT_DUE, gettext_lazy("Due date")),
            (selectors.SORT_PATIENT, gettext_lazy("Patient")),
            (selectors.SORT_CENTER, gettext_lazy("Center")),
        ],
    )

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [("", _("All my centers"))] + [(c.code, c.name) for c in centers]
        self.fields["center"].error_messages["invalid_choice"] = _("“%(value)s” is not one of your centers.")

    def filters(self) -> selectors.WorklistFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        horizon = data.get("horizon")
        return selectors.WorklistFilters(
            center=data.get("center") or "",
            condition=data.get("condition") or "",
            kind=data.get("kind") or "",
            state=data.get("state") or "",
            horizon_days=due.DEFAULT_HORIZON_DAYS if horizon is None else horizon,
            transition_months=data.get("transition_months"),
            sort=data.get("sort") or selectors.SORT_URGENCY,
        )


def _worklist_from(request):
    centers = list(centers_for(request.user))
    form = WorklistFilterForm(request.GET or None, centers=centers)
    if form.is_bound and not form.is_valid():
        return form, None
    result = selectors.worklist(viewer=request.user, today=timezone.localdate(), filters=form.filters())
    return form, result


def _query_without_page(request) -> str:
    params = [(k, v) for k, v in request.GET.items() if k != "page" and v != ""]
    return urlencode(params)


@require_GET
@login_required
@answers_errors
def worklist(request):
    """Overdue and upcoming assessments, doses and transitions of the patients of the user's centers."""
    form, result = _worklist_from(request)
    status = INVALID if result is None else 200
    page = Paginator(result.items if result else [], PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query_without_page(request)
    return render(
        request,
        "qadam/monitoring/worklist.html",
        {
            "nav": "worklist",
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "query": query,
            "query_without_page": f"{query}&" if query else "",
            "state_labels": STATE_LABELS,
            "kind_labels": KIND_LABELS,
            "has_centers": bool(form.fields["center"].choices[1:]),
        },
        status=status,
    )


@require_GET
@login_required
@answers_errors
def worklist_csv(request):
    """The worklist with the same filters as CSV (UTF-8 with a byte-order mark, so Excel reads Kazakh
    and Russian correctly); the export is recorded in the audit log."""
    form, result = _worklist_from(request)
    if result is None:
        return render(
            request,
            "qadam/monitoring/worklist.html",
            {"nav": "worklist", "form": form, "page": None, "query": "", "query_without_page": ""},
            status=INVALID,
        )
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _name, label in CSV_COLUMNS])
    for item in result.items:
        values = item.as_dict()
        values["state"] = str(STATE_LABELS.get(item.state, item.state))
        writer.writerow([_csv_cell(values[name]) for name, _label in CSV_COLUMNS])
    filters = result.filters
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="monitoring.worklist",
        object_id=filters.center or ",".join(c.code for c in result.centers)[:64],
        changes={
            "filters": [None, {k: v for k, v in vars(filters).items() if v not in ("", None)}],
            "rows": [None, len(result.items)],
        },
    )
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="worklist-{result.today.isoformat()}.csv"'
    return response


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> object:
    """A CSV cell that a spreadsheet shows as text: a protocol's note or source written by a center
    could start with "=" and run as a formula in Excel (OWASP, "CSV injection"), so it gets a quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- protocols ----------------------------------------------------------------------------------------


def _center_from(request, center_code: str) -> Center | None:
    if center_code == DEFAULT:
        return None
    center = Center.objects.filter(code=center_code).first()
    if center is None:
        raise NotVisible(params={"center": center_code})
    return center


@require_GET
@login_required
@answers_errors
def protocol_list(request):
    """The protocols of the user's centers and the registry defaults, per condition."""
    centers = list(centers_for(request.user))
    if not centers and not is_registry_manager(request.user):
        raise NotVisible()
    return render(
        request,
        "qadam/monitoring/protocol_list.html",
        {"nav": "worklist", "centers": centers, "conditions": Condition.choices, "default": DEFAULT},
    )


@require_GET
@login_required
@answers_errors
def protocol_detail(request, center_code: str, condition: str):
    """The protocol in force for a center (or the default) and its versions."""
    center = _center_from(request, center_code)
    view = selectors.protocol_view(viewer=request.user, center=center, condition=condition)
    return render(request, "qadam/monitoring/protocol_detail.html", _protocol_page(view, center_code))


@require_GET
@login_required
@answers_errors
def protocol_version(request, version_id: int):
    """One version of a protocol, as it was saved."""
    version = selectors.protocol_version_get(viewer=request.user, version_id=version_id)
    rows = [due.ProtocolRow.from_dict(r) for r in version.rows]
    return render(
        request,
        "qadam/monitoring/protocol_version.html",
        {
            "nav": "worklist",
            "version": version,
            "rows": rows,
            "center_code": version.center.code if version.center_id else DEFAULT,
            "condition_label": Condition(version.condition).label,
        },
    )


def _protocol_page(view: selectors.ProtocolView, center_code: str, **extra) -> dict:
    return {
        "nav": "worklist",
        "view": view,
        "center_code": center_code,
        "condition_label": Condition(view.condition).label,
        **extra,
    }


def _blank(value) -> str:
    return "" if value is None else str(value)


class ProtocolRowForm(NamedChoiceErrors, QadamForm):
    """One row of a protocol as text fields; the service checks the content."""

    key = forms.CharField(label=gettext_lazy("Key"), max_length=80)
    status = forms.ChoiceField(label=gettext_lazy("Functional status"), required=False)
    treatment = forms.ChoiceField(label=gettext_lazy("Treatment"), required=False)
    instruments = forms.CharField(
        label=gettext_lazy("Instruments"), max_length=300, help_text=gettext_lazy("Codes separated by commas")
    )
    anchor = forms.ChoiceField(
        label=gettext_lazy("Anchor event"),
        choices=list(ANCHOR_LABELS.items()),
    )
    offsets = forms.CharField(
        label=gettext_lazy("Offsets"), max_length=200, help_text=gettext_lazy("For example P0D, P63D or P3M, P6M")
    )
    every = forms.CharField(label=gettext_lazy("Then every"), max_length=10, required=False)
    tolerance_days = forms.IntegerField(label=gettext_lazy("Tolerance (days)"), required=False)
    min_age_months = forms.IntegerField(label=gettext_lazy("From age (months)"), required=False)
    max_age_months = forms.IntegerField(label=gettext_lazy("Below age (months)"), required=False)
    stable_every = forms.CharField(
        label=gettext_lazy("Adults stable on the same therapy: every"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("For example P12M (clinical.md §A.1.2); empty: the row's own interval"),
    )
    stable_min_age_months = forms.IntegerField(
        label=gettext_lazy("Adult from age (months)"), required=False, help_text=gettext_lazy("Empty: 216 (18 years)")
    )
    stable_after_months = forms.IntegerField(
        label=gettext_lazy("Stable for at least (months)"), required=False, help_text=gettext_lazy("Empty: 24")
    )
    max_cycles = forms.IntegerField(
        label=gettext_lazy("First cycles only"),
        required=False,
        help_text=gettext_lazy("Cycle anchors: the number of cycles; empty: every cycle"),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)

    def __init__(self, *args, condition: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        statuses = due.STATUSES.get(condition, ())
        self.fields["status"].choices = [("", _("Any"))] + [(s, STATUS_LABELS[s]) for s in statuses]
        self.fields["treatment"].choices = [("", _("Any"))] + [
            (t, TREATMENT_LABELS[t]) for t in due.TREATMENTS.get(condition, ())
        ]

    def row(self) -> dict:
        data = self.cleaned_data

        def split(text: str) -> list[str]:
            return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]

        return {
            "key": data["key"].strip(),
            "status": data.get("status") or "",
            "treatment": data.get("treatment") or "",
            "instruments": split(data["instruments"]),
            "anchor": data["anchor"],
            "offsets": split(data["offsets"]),
            "every": (data.get("every") or "").strip(),
            "tolerance_days": data.get("tolerance_days"),
            "min_age_months": data.get("min_age_months"),
            "max_age_months": data.get("max_age_months"),
            "note": data.get("note") or "",
            "source": data.get("source") or "",
            "stable_every": (data.get("stable_every") or "").strip(),
            "stable_min_age_months": data.get("stable_min_age_months"),
            "stable_after_months": data.get("stable_after_months"),
            "max_cycles": data.get("max_cycles"),
        }


class ProtocolReasonForm(NamedChoiceErrors, QadamForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason for changing the protocol.")},
    )
    expected_number = forms.IntegerField(required=False, widget=forms.HiddenInput)


RowFormSet = forms.formset_factory(ProtocolRowForm, extra=1, can_delete=True, max_num=200, validate_max=True)


def _initial_rows(rows: list[due.ProtocolRow]) -> list[dict]:
    initial = []
    for row in rows:
        data = row.as_dict()
        data["instruments"] = ", ".join(row.instruments)
        data["offsets"] = ", ".join(data["offsets"])
        initial.append({k: ("" if v is None else v) for k, v in data.items()})
    return initial


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def protocol_edit(request, center_code: str, condition: str):
    """Edit a center's protocol (starting from the default when it has none); saving adds a version."""
    center = _center_from(request, center_code)
    view = selectors.protocol_view(viewer=request.user, center=center, condition=condition)
    if not view.can_edit:
        raise NotAllowed(params={"center": center_code})
    own_number = None if view.is_default and center is not None else (view.version.number if view.version else None)
    posted = request.POST if request.method == "POST" else None
    rows = RowFormSet(posted, initial=_initial_rows(view.rows), prefix="rows", form_kwargs={"condition": condition})
    reason = ProtocolReasonForm(posted, initial={"expected_number": own_number})
    status = 200
    if posted is not None:
        if rows.is_valid() and reason.is_valid():
            kept = [f for f in rows.forms if (f.initial or f.has_changed()) and not _deleted(f)]
            try:
                version = services.protocol_save(
                    by=request.user,
                    center=center,
                    condition=condition,
                    rows=[f.row() for f in kept],
                    reason=reason.cleaned_data["reason"],
                    expected_number=reason.cleaned_data["expected_number"],
                )
            except Conflict as error:
                reason.add_error(None, error.message)
                status = CONFLICT
            except Invalid as error:
                _attach_row_errors(reason, error, kept)
                status = INVALID
            else:
                messages.success(request, _("Protocol saved as version %(number)s.") % {"number": version.number})
                return redirect("protocol_detail", center_code=center_code, condition=condition)
        else:
            status = INVALID
    problems = _protocol_problems(reason, rows)
    return render(
        request,
        "qadam/monitoring/protocol_edit.html",
        _protocol_page(
            view, center_code, rows=rows, reason_form=reason, problems=problems, instruments=sorted(scales.INSTRUMENTS)
        ),
        status=status,
    )


class ProtocolResetForm(NamedChoiceErrors, QadamForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning to the default"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason for returning to the default protocol.")},
    )
    expected_number = forms.IntegerField(required=False, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def protocol_reset(request, center_code: str, condition: str):
    """Confirm, with a reason, that a center returns to the registry default: a new version of the
    center's protocol holding the default's rows (``services.protocol_reset``)."""
    center = _center_from(request, center_code)
    if center is None:
        raise NotVisible(params={"center": center_code})
    view = selectors.protocol_view(viewer=request.user, center=center, condition=condition)
    if not view.can_edit:
        raise NotAllowed(params={"center": center_code})
    default = view.default_history[0] if view.default_history else None
    posted = request.POST if request.method == "POST" else None
    own_number = None if view.is_default else view.version.number
    form = ProtocolResetForm(posted, initial={"expected_number": own_number})
    status = CONFLICT if view.is_default else 200
    if posted is not None and not view.is_default:
        if form.is_valid():
            try:
                version = services.protocol_reset(
                    by=request.user,
                    center=center,
                    condition=condition,
                    reason=form.cleaned_data["reason"],
                    expected_number=form.cleaned_data["expected_number"],
                )
            except (Conflict, InvalidState) as error:
                form.add_error(None, error.message)
                status = CONFLICT
            except Invalid as error:
                for field_name, messages_ in error.field_messages().items():
                    for message in messages_:
                        form.add_error("reason" if field_name == "reason" else None, message)
                status = INVALID
            else:
                messages.success(
                    request,
                    _("The center returned to the registry default: saved as version %(number)s.")
                    % {"number": version.number},
                )
                return redirect("protocol_detail", center_code=center_code, condition=condition)
        else:
            status = INVALID
    return render(
        request,
        "qadam/monitoring/protocol_reset.html",
        _protocol_page(view, center_code, form=form, default=default, problems=form.problems()),
        status=status,
    )


def _protocol_problems(reason_form, rows) -> list[dict]:
    """The error summary of the editor: the reason's problems, then each row's, linked to its field."""
    return reason_form.problems() + [
        {"anchor": f"id_{form.prefix}-{name}" if name in form.fields else form.prefix, "message": str(message)}
        for form in rows.forms
        for name, errors in form.errors.items()
        for message in errors
    ]


def _deleted(form) -> bool:
    return bool(form.is_bound and form.is_valid() and form.cleaned_data.get("DELETE"))


def _attach_row_errors(reason_form, error: Invalid, kept_forms) -> None:
    for field_name, messages_ in error.field_messages().items():
        parts = field_name.split(".")
        if len(parts) == 3 and parts[0] == "rows" and parts[1].isdigit() and int(parts[1]) < len(kept_forms):
            form = kept_forms[int(parts[1])]
            target = parts[2] if parts[2] in form.fields else None
            for message in messages_:
                form.add_error(target, message)
        else:
            for message in messages_:
                reason_form.add_error("reason" if field_name == "reason" else None, message)


# --- transition checklist ------------------------------------------------------------------------


class TransitionForm(QadamForm):
    """Each handover item: the date it was done (empty: not yet) and a note."""

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item, _label, step in steps:
            self.fields[f"{item}_done_on"] = forms.DateField(
                label=gettext_lazy("Done on"),
                required=False,
                widget=DATE_WIDGET,
                initial=step.done_on if step else None,
                error_messages={"invalid": gettext_lazy("Enter a date such as 2026-05-14.")},
            )
            self.fields[f"{item}_note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=services.NOTE_MAX,
                initial=step.note if step else "",
                widget=forms.TextInput(attrs={"class": "q-input q-input--w20"}),
            )


def _checklist_saved(user, patient, checklist, form) -> bool:
    """Save every item of the checklist, or none (False, with the refusal put on the item's fields)."""
    try:
        with transaction.atomic():
            for item, _label, _step in checklist.steps:
                services.transition_step_set(
                    by=user,
                    patient=patient,
                    item=item,
                    done_on=form.cleaned_data[f"{item}_done_on"],
                    note=form.cleaned_data[f"{item}_note"],
                )
    except Invalid as error:
        for field_name, messages_ in error.field_messages().items():
            target = f"{item}_{field_name}" if f"{item}_{field_name}" in form.fields else None
            for message in messages_:
                form.add_error(target, message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def transition_edit(request, registry_id: str):
    """The pediatric → adult transition checklist of a patient; each change is audited."""
    patient = patient_selectors.patient_get(viewer=request.user, registry_id=registry_id)
    today = timezone.localdate()
    checklist = selectors.transition_checklist(viewer=request.user, patient=patient, today=today)
    can_edit = selectors.can_write_transition(viewer=request.user, patient=patient)
    if request.method == "POST" and not can_edit:
        raise NotAllowed(params={"registry_id": patient.registry_id})
    form = TransitionForm(request.POST if request.method == "POST" else None, steps=checklist.steps)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _checklist_saved(request.user, patient, checklist, form):
            messages.success(request, _("Transition checklist saved."))
            return redirect(f"{reverse('patient_detail', kwargs={'registry_id': patient.registry_id})}#monitoring")
        status = INVALID
    fields = [(label, form[f"{item}_done_on"], form[f"{item}_note"]) for item, label, _step in checklist.steps]
    return render(
        request,
        "qadam/monitoring/transition.html",
        {
            "nav": "patients",
            "patient": patient,
            "checklist": checklist,
            "form": form,
            "fields": fields,
            "can_edit": can_edit,
            "items": TransitionItem.choices,
        },
        status=status,
    )
