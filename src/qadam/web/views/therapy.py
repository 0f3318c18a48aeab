"""Therapy screens: start and stop a course, record a dose, an adverse event, a vaccination, a weight.

Each screen finds the patient among those the user sees (404 otherwise) and requires that the user
writes clinical data at the patient's center (403 otherwise). The forms check the shape of the
input; ``qadam.therapy.services`` checks the rules, saves and audits. A dose that breaks a safety
rule comes back with the findings: a ``block`` cannot be recorded, ``warning`` findings are shown
with a box to confirm that the clinician has read them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from qadam.centers.selectors import can_write_clinical
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed
from qadam.core.validation import today
from qadam.patients import selectors as patient_selectors
from qadam.regimens import DRUGS
from qadam.therapy import labels, schedules, selectors, services
from qadam.therapy.models import (
    Jurisdiction,
    Outcome,
    Regimen,
    Route,
    Severity,
    StopReason,
    Vaccine,
    drug_name,
)
from qadam.web.choice_messages import NamedChoiceErrors, name_the_choice_errors
from qadam.web.forms import QadamForm, attach_errors, date_field, note_field
from qadam.web.guards import answers_errors

INVALID = 400
CONFLICT = 409
INJECTION_ROWS = 10
SIDE_CHOICES = labels.choices(labels.SIDES, gettext_lazy("Choose"))
APPROACH_CHOICES = labels.choices(labels.APPROACHES, gettext_lazy("Not recorded"))
IMAGING_CHOICES = labels.choices(labels.IMAGING, gettext_lazy("Not recorded"))
SEDATION_CHOICES = labels.choices(labels.SEDATION, gettext_lazy("Not recorded"))
CONDITION_LABELS = {
    "sma": gettext_lazy("Spinal muscular atrophy"),
    "mg": gettext_lazy("Myasthenia gravis"),
    "spasticity": gettext_lazy("Spasticity (botulinum toxin)"),
    "pain": gettext_lazy("Pain adjuvants"),
}


# --- forms ---------------------------------------------------------------------------------------


def _drug_choices() -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name in services.drug_choices():
        condition = DRUGS[code].condition if code in DRUGS else "pain"
        groups.setdefault(condition, []).append((code, name))
    return [("", _("Choose a therapy"))] + [(CONDITION_LABELS[c], groups[c]) for c in CONDITION_LABELS if c in groups]


class CourseForm(NamedChoiceErrors, QadamForm):
    drug = forms.ChoiceField(
        label=gettext_lazy("Therapy"),
        error_messages={
            "required": gettext_lazy("Choose the therapy."),
            "invalid_choice": gettext_lazy("Choose one of the therapies listed."),
        },  # fmt: skip
    )
    product = forms.CharField(
        label=gettext_lazy("Product or substance"),
        required=False,
        max_length=64,
        help_text=gettext_lazy(
            "Brand or biosimilar code (for example spinraza, soliris, botox), or the substance of a pain adjuvant."
        ),  # fmt: skip
        widget=forms.TextInput(attrs={"class": "q-input q-input--w20"}),
    )
    started_on = date_field(
        gettext_lazy("Start date"),
        gettext_lazy("Enter the start date as a real date."),
        gettext_lazy("Enter the date the course started."),
    )
    indication = forms.CharField(label=gettext_lazy("Indication"), required=False, max_length=500)
    jurisdiction = forms.ChoiceField(
        label=gettext_lazy("Label the schedule follows"),
        choices=Jurisdiction.choices,
        initial=Jurisdiction.EU,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "The EU SmPC is the registry's default; the US label changes some intervals (nusinersen day 58, efgartigimod cycles)."
        ),  # fmt: skip
    )
    regimen = forms.ChoiceField(label=gettext_lazy("Regimen"), choices=Regimen.choices, initial=Regimen.STANDARD)
    prophylaxis_started_on = date_field(
        gettext_lazy("Antibiotic prophylaxis started on (C5 inhibitors)"),
        gettext_lazy("Enter the date prophylaxis started as a real date."),
    )
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drug"].choices = _drug_choices()
        self.fields["prophylaxis_started_on"].help_text = gettext_lazy(
            "Only when a C5 inhibitor must start before meningococcal vaccination is two weeks old."
        )


class StopForm(NamedChoiceErrors, QadamForm):
    stopped_on = date_field(
        gettext_lazy("Stop date"),
        gettext_lazy("Enter the stop date as a real date."),
        gettext_lazy("Enter the date the course stopped."),
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason for stopping"),
        choices=StopReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the reason for stopping.")},
    )
    note = note_field()
    row_version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": gettext_lazy("The form is incomplete: reload the page and enter the values again.")})  # fmt: skip


class AdministrationForm(QadamForm):
    given_on = date_field(
        gettext_lazy("Date given"),
        gettext_lazy("Enter the date the dose was given as a real date."),
        gettext_lazy("Enter the date the dose was given."),
    )
    dose = forms.CharField(
        label=gettext_lazy("Dose"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "q-input q-input--w10", "inputmode": "decimal"}),  # fmt: skip
    )
    dose_unit = forms.CharField(
        label=gettext_lazy("Dose unit"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"class": "q-input q-input--w10"}),  # fmt: skip
    )
    route = forms.ChoiceField(label=gettext_lazy("Route"), widget=forms.RadioSelect, error_messages={"required": gettext_lazy("Choose the route.")})  # fmt: skip
    weight_kg = forms.CharField(
        label=gettext_lazy("Weight used for dosing (kg)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "q-input q-input--w4", "inputmode": "decimal"}),
    )
    lot = forms.CharField(label=gettext_lazy("Lot number"), required=False, max_length=64)
    cycle_number = forms.IntegerField(label=gettext_lazy("Cycle number"), required=False, min_value=1, max_value=1000, widget=forms.NumberInput(attrs={"class": "q-input q-input--w4"}))  # fmt: skip
    # Intrathecal procedure details (SPINRAZA: lumbar puncture; record what was done).
    approach = forms.ChoiceField(label=gettext_lazy("Approach"), choices=APPROACH_CHOICES, required=False)
    imaging_guidance = forms.ChoiceField(
        label=gettext_lazy("Imaging guidance"), choices=IMAGING_CHOICES, required=False
    )
    needle_gauge = forms.IntegerField(
        label=gettext_lazy("Needle gauge (G)"), required=False, min_value=10, max_value=30
    )
    csf_removed_ml = forms.DecimalField(
        label=gettext_lazy("CSF removed (mL)"), required=False, min_value=0, max_value=50
    )
    attempts = forms.IntegerField(label=gettext_lazy("Attempts"), required=False, min_value=1, max_value=20)
    sedation = forms.ChoiceField(
        label=gettext_lazy("Sedation or anaesthesia"), choices=SEDATION_CHOICES, required=False
    )
    # Botulinum toxin.
    botulinum_product = forms.ChoiceField(label=gettext_lazy("Product"), required=False)
    override_reason = forms.CharField(
        label=gettext_lazy("Reason for a session sooner than 12 weeks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Required by the registry's rule to record a session less than 84 days after the previous one."
        ),  # fmt: skip
    )
    note = note_field()
    acknowledge_warnings = forms.BooleanField(
        label=gettext_lazy("I have read the warnings above and record the dose as given"), required=False
    )

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        routes = services.routes_for(course.drug)
        self.fields["route"].choices = [(r, label) for r, label in Route.choices if r in routes]
        self.is_botulinum = course.drug in schedules.BOTULINUM
        self.is_intrathecal = "intrathecal" in routes
        self.is_cycle = course.drug in schedules.FCRN_BLOCKERS
        entry = DRUGS.get(course.drug)
        self.fields["botulinum_product"].choices = [(p.code, p.brand) for p in (entry.products if entry else ())]
        for i in range(INJECTION_ROWS if self.is_botulinum else 0):
            self.fields[f"muscle_{i}"] = forms.CharField(label=_("Muscle, row %(row)s") % {"row": i + 1}, required=False, max_length=100, widget=forms.TextInput(attrs={"class": "q-input q-input--w20"}))  # fmt: skip
            self.fields[f"side_{i}"] = forms.ChoiceField(label=_("Side, row %(row)s") % {"row": i + 1}, choices=SIDE_CHOICES, required=False, widget=forms.Select(attrs={"class": "q-select"}))  # fmt: skip
            self.fields[f"units_{i}"] = forms.CharField(label=_("Units, row %(row)s") % {"row": i + 1}, required=False, max_length=20, widget=forms.TextInput(attrs={"class": "q-input q-input--w4", "inputmode": "decimal"}))  # fmt: skip
        name_the_choice_errors(self)

    def service_arguments(self) -> dict:
        """The cleaned values as ``services.administration_record`` takes them (blank numbers: None)."""
        data = self.cleaned_data
        keys = ("given_on", "dose_unit", "route", "note", "lot", "cycle_number", "override_reason", "acknowledge_warnings")  # fmt: skip
        return {
            **{key: data[key] for key in keys},
            "dose": data["dose"] or None,
            "weight_kg": data["weight_kg"] or None,
            "procedure": self.procedure(),
        }

    def injection_rows(self) -> list[tuple]:
        return [(i + 1, self[f"muscle_{i}"], self[f"side_{i}"], self[f"units_{i}"]) for i in range(INJECTION_ROWS)]

    def procedure(self) -> dict:
        data = self.cleaned_data
        if self.is_botulinum:
            rows = []
            for i in range(INJECTION_ROWS):
                muscle, side, units = data.get(f"muscle_{i}", ""), data.get(f"side_{i}", ""), data.get(f"units_{i}", "")
                if muscle or side or units:
                    rows.append({"muscle": muscle, "side": side, "units": units})
            return {"product": data.get("botulinum_product") or "", "injections": rows}
        if data.get("route") == "intrathecal":
            keys = ("approach", "imaging_guidance", "needle_gauge", "csf_removed_ml", "attempts", "sedation")
            return {k: data[k] for k in keys if data.get(k) not in (None, "")}
        return {}


class AdverseEventForm(NamedChoiceErrors, QadamForm):
    onset_on = date_field(
        gettext_lazy("Onset date"),
        gettext_lazy("Enter the onset date as a real date."),
        gettext_lazy("Enter the date the event began."),
    )
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Describe the adverse event.")},
    )
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices, widget=forms.RadioSelect, error_messages={"required": gettext_lazy("Choose the severity.")})  # fmt: skip
    serious = forms.BooleanField(label=gettext_lazy("Serious adverse event (hospitalisation, disability, life-threatening or fatal)"), required=False)  # fmt: skip
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices, initial=Outcome.UNKNOWN)
    administration = forms.TypedChoiceField(label=gettext_lazy("After the dose of"), required=False, coerce=int, empty_value=None)  # fmt: skip

    def __init__(self, *args, administrations, **kwargs):
        super().__init__(*args, **kwargs)
        from qadam.web.templatetags.qadam_ui import longdate

        self.fields["administration"].choices = [("", _("Not linked to one dose"))] + [
            (str(a.pk), longdate(a.given_on)) for a in reversed(administrations)
        ]


class VaccinationForm(NamedChoiceErrors, QadamForm):
    vaccine = forms.ChoiceField(label=gettext_lazy("Vaccine"), choices=Vaccine.choices, widget=forms.RadioSelect, error_messages={"required": gettext_lazy("Choose the vaccine.")})  # fmt: skip
    given_on = date_field(
        gettext_lazy("Date given"),
        gettext_lazy("Enter the vaccination date as a real date."),
        gettext_lazy("Enter the date of the vaccination."),
    )
    note = note_field()


class WeightForm(NamedChoiceErrors, QadamForm):
    measured_on = date_field(
        gettext_lazy("Date measured"),
        gettext_lazy("Enter the date as a real date."),
        gettext_lazy("Enter the date the weight was measured."),
    )
    weight_kg = forms.CharField(
        label=gettext_lazy("Weight (kg)"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "q-input q-input--w4", "inputmode": "decimal"}),
        error_messages={"required": gettext_lazy("Enter the weight in kilograms.")},
    )


# --- views ---------------------------------------------------------------------------------------


def _writable_patient(request, registry_id: str):
    """The patient, if the user sees them (else 404) and writes clinical data at their center (else 403)."""
    patient = patient_selectors.patient_get(viewer=request.user, registry_id=registry_id)
    if not can_write_clinical(request.user, patient.center_id):
        raise NotAllowed(params={"registry_id": patient.registry_id})
    return patient


def _course_of(request, patient, course_id: int):
    course = selectors.course_get(viewer=request.user, course_id=course_id)
    if course.patient_id != patient.pk:
        raise Http404(_("This therapy course is not in the patient's record."))
    course.patient = patient
    return course


def _posted(request):
    return request.POST if request.method == "POST" else None


def _back(patient):
    return redirect(reverse("patient_detail", args=[patient.registry_id]) + "#therapies")


def _saved(request, form, save, done: str) -> bool:
    """On a valid POST, call ``save(cleaned_data)``: True once saved (``done`` is shown on the next page),
    False with the service's problems attached to the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(dict(form.cleaned_data))
    except Invalid as error:
        attach_errors(form, error)
        return False
    messages.success(request, done)
    return True


def _page(request, template: str, patient, form, extra=None, *, status=None):
    if status is None:
        status = INVALID if form.is_bound and form.errors else 200
    context = {"nav": "patients", "patient": patient, "form": form, **(extra or {})}
    return render(request, f"qadam/therapy/{template}", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def course_new(request, registry_id: str):
    """Start a therapy course."""
    patient = _writable_patient(request, registry_id)
    form = CourseForm(_posted(request), initial={"started_on": today()})
    if _saved(request, form, lambda data: services.course_start(by=request.user, patient=patient, **data), _("Therapy course started.")):  # fmt: skip
        return _back(patient)
    return _page(request, "course_new.html", patient, form)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def course_stop(request, registry_id: str, course_id: int):
    """Stop a course with a date and a reason (the course's version guards against a parallel stop)."""
    patient = _writable_patient(request, registry_id)
    course = _course_of(request, patient, course_id)
    form = StopForm(_posted(request), initial={"stopped_on": today(), "row_version": course.row_version})
    status = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.course_stop(
                by=request.user,
                course=course,
                stopped_on=data["stopped_on"],
                reason=data["reason"],
                note=data["note"],
                expected_version=data["row_version"],
            )
        except Invalid as error:
            attach_errors(form, error)
        except (Conflict, InvalidState) as error:
            form.add_error(None, error.message)
            status = CONFLICT
        else:
            messages.success(request, _("Therapy course stopped."))
            return _back(patient)
    return _page(request, "course_stop.html", patient, form, {"course": course}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def administration_new(request, registry_id: str, course_id: int):
    """Record a dose; safety findings refuse it (block) or ask for confirmation (warning)."""
    patient = _writable_patient(request, registry_id)
    course = _course_of(request, patient, course_id)
    form = AdministrationForm(_posted(request), initial=_dose_initial(course), course=course)
    findings = []
    if request.method == "POST" and form.is_valid():
        try:
            services.administration_record(by=request.user, course=course, **form.service_arguments())
        except Invalid as error:
            findings = _attach_refusal(form, error)
        else:
            messages.success(request, _("Dose recorded."))
            return _back(patient)
    summary = selectors.patient_therapy_summary(viewer=request.user, patient=patient, today=today())
    item = next((c for c in summary.courses if c.course.pk == course.pk), None)
    extra = {"course": course, "findings": findings, "item": item, "drug": DRUGS.get(course.drug)}
    return _page(request, "administration_new.html", patient, form, extra)


def _dose_initial(course) -> dict:
    """The form's first values: today, the catalogue's unit, the route when the drug has only one."""
    entry = DRUGS.get(course.drug)
    routes = services.routes_for(course.drug)
    return {
        "given_on": today(),
        "dose_unit": "U" if course.drug in schedules.BOTULINUM else (entry.dose_unit if entry else "mg"),
        "route": routes[0] if len(routes) == 1 else None,
        "botulinum_product": course.product,
    }


def _attach_refusal(form, error: Invalid) -> list:
    """Put a refused dose's problems on the form and return its safety findings (to show above it)."""
    findings = getattr(error, "findings", [])
    if not findings:
        attach_errors(form, error)
        return []
    form.add_error(None, error.message)
    if error.code == "safety_block":
        for finding in findings:
            if finding.severity == "block":
                form.add_error(None, str(services.FindingText(finding)))
    else:
        form.add_error("acknowledge_warnings", _("Confirm that you have read the warnings to record this dose."))
    return findings


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def adverse_event_new(request, registry_id: str, course_id: int):
    """Record an adverse event during a course, optionally after one of its doses."""
    patient = _writable_patient(request, registry_id)
    course = _course_of(request, patient, course_id)
    administrations = list(course.administrations.order_by("given_on", "id"))
    form = AdverseEventForm(_posted(request), initial={"onset_on": today()}, administrations=administrations)

    def save(data):
        dose = next((a for a in administrations if a.pk == data.pop("administration")), None)
        services.adverse_event_record(by=request.user, course=course, administration=dose, **data)

    if _saved(request, form, save, _("Adverse event recorded.")):
        return _back(patient)
    return _page(request, "adverse_event_new.html", patient, form, {"course": course})


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def vaccination_new(request, registry_id: str):
    """Record a vaccination (meningococcal vaccinations count for the C5-inhibitor rule)."""
    patient = _writable_patient(request, registry_id)
    form = VaccinationForm(_posted(request), initial={"given_on": today()})
    if _saved(request, form, lambda data: services.vaccination_record(by=request.user, patient=patient, **data), _("Vaccination recorded.")):  # fmt: skip
        return _back(patient)
    return _page(request, "vaccination_new.html", patient, form)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def weight_new(request, registry_id: str):
    """Record a weight (weight-based doses are checked against the latest one)."""
    patient = _writable_patient(request, registry_id)
    form = WeightForm(_posted(request), initial={"measured_on": today()})
    if _saved(request, form, lambda data: services.weight_record(by=request.user, patient=patient, **data), _("Weight recorded.")):  # fmt: skip
        return _back(patient)
    return _page(request, "weight_new.html", patient, form)


@require_GET
@login_required
@answers_errors
def course_detail(request, registry_id: str, course_id: int):
    """Every dose of a course with its procedure details, findings and adverse events."""
    patient = patient_selectors.patient_get(viewer=request.user, registry_id=registry_id)
    course_id = _course_of(request, patient, course_id).pk
    summary = selectors.patient_therapy_summary(viewer=request.user, patient=patient, today=today())
    item = next(c for c in summary.courses if c.course.pk == course_id)
    course = item.course  # as the viewer may read it (free text blanked outside the patient's center)
    context = {
        "nav": "patients",
        "patient": patient,
        "course": course,
        "item": item,
        "can_write": summary.can_write,
        "drug_label": drug_name(course.drug),
    }
    return render(request, "qadam/therapy/course_detail.html", context)
