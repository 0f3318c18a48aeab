"""The patient record besides visits: diagnoses, SMA genetics and status, consents, demographics.

Each screen asks the selectors whether the user sees the patient (404 otherwise, so nobody learns
that the record exists) and writes clinical data at the patient's center (403 otherwise). The
services validate, save and audit; their ``Invalid`` errors come back on the form's fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed
from qadam.patients import selectors, services
from qadam.patients.models import ConsentKind, FunctionalStatus, Icd10Code, SmaType, Smn1Status
from qadam.web.forms import (
    CodeSearchForm,
    ConsentForm,
    ConsentWithdrawalForm,
    DiagnosisForm,
    PatientEditForm,
    SmaGeneticsForm,
    SmaStatusForm,
    attach_errors,
)
from qadam.web.guards import answers_errors

INVALID = 400
CONFLICT = 409


def sma_diagnosed(diagnoses) -> bool:
    """True when one of the diagnoses is in the registry's SMA group (G12.0, G12.1, G12.8, G12.9)."""
    return any(diagnosis.icd10.group == Icd10Code.Group.SMA for diagnosis in diagnoses)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def diagnosis_new(request, registry_id: str):
    """Add a diagnosis with an ICD-10 code chosen from the shipped codes, grouped by condition."""
    summary = _writable_record(request, registry_id)
    patient = summary.patient
    search = CodeSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    form = DiagnosisForm(
        _posted(request),
        codes=selectors.icd10_choices(),
        query=query,
        initial={"is_primary": summary.primary_diagnosis is None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.diagnosis_add(by=request.user, patient=patient, **form.cleaned_data)
        except Invalid as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Diagnosis added."))
            return _back_to(patient, "condition")
    page = {"search_form": search if search.is_bound else CodeSearchForm(), "query": query}
    return _form_page(request, "diagnosis_new.html", patient, form, page)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def sma_genetics_edit(request, registry_id: str):
    """Record the SMA genetics of a patient with SMA, or correct them (one record per patient)."""
    summary = _writable_record(request, registry_id)
    patient = summary.patient
    if not sma_diagnosed(summary.diagnoses):
        return _sma_diagnosis_first(request, patient)
    genetics = summary.sma_genetics
    initial = {}
    if genetics is not None:
        initial = {
            "smn1_status": genetics.smn1_status,
            "smn2_copies": SmaGeneticsForm.UNKNOWN if genetics.smn2_copies is None else str(genetics.smn2_copies),
            "tested_on": genetics.tested_on,
        }
    form = SmaGeneticsForm(_posted(request), initial=initial, statuses=Smn1Status.choices)
    if genetics is None:
        del form.fields["reason"]
    if request.method == "POST" and form.is_valid():
        try:
            services.sma_genetics_set(by=request.user, patient=patient, **form.cleaned_data)
        except Invalid as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("SMA genetics saved."))
            return _back_to(patient, "condition")
    return _form_page(request, "sma_genetics.html", patient, form, {"genetics": genetics})


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def sma_status_new(request, registry_id: str):
    """Record the SMA type and functional status on a date; the latest record is the current one."""
    summary = _writable_record(request, registry_id)
    patient = summary.patient
    if not sma_diagnosed(summary.diagnoses):
        return _sma_diagnosis_first(request, patient)
    current = summary.current_sma_status
    form = SmaStatusForm(
        _posted(request),
        initial={"sma_type": current.sma_type} if current else {},
        types=SmaType.choices,
        functions=FunctionalStatus.choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sma_status_add(by=request.user, patient=patient, **form.cleaned_data)
        except Invalid as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("SMA type and functional status recorded."))
            return _back_to(patient, "condition")
    return _form_page(request, "sma_status.html", patient, form, {"statuses": summary.sma_statuses})


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def consent_new(request, registry_id: str):
    """Record a consent the patient (or their guardian) gave."""
    patient = _writable_record(request, registry_id).patient
    form = ConsentForm(_posted(request), kinds=ConsentKind.choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(by=request.user, patient=patient, **form.cleaned_data)
        except Invalid as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return _back_to(patient, "consents")
    return _form_page(request, "consent_new.html", patient, form)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def consent_withdraw(request, registry_id: str, consent_id: int):
    """Record the withdrawal of a consent; the consent stays in the record with both dates."""
    summary = _writable_record(request, registry_id)
    patient = summary.patient
    consent = next((c for c in summary.consents if c.pk == consent_id), None)
    if consent is None:
        raise Http404(_("This consent is not in the patient's record."))
    if consent.withdrawn_on is not None and request.method == "GET":
        messages.warning(request, _already_withdrawn(consent.withdrawn_on))
        return _back_to(patient, "consents")
    form = ConsentWithdrawalForm(_posted(request))
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(by=request.user, consent=consent, **form.cleaned_data)
        except Invalid as error:
            attach_errors(form, error)
        except InvalidState as error:
            # Someone recorded the withdrawal after this form was opened: theirs stands.
            when = error.params.get("date")
            form.add_error(None, _already_withdrawn(when) if when else error.message)
            status = CONFLICT
        else:
            messages.success(request, _("Withdrawal of the consent recorded."))
            return _back_to(patient, "consents")
    return _form_page(request, "consent_withdraw.html", patient, form, {"consent": consent}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def patient_edit(request, registry_id: str):
    """Correct the date of birth and sex and, for the patient's own center, the name and IIN.

    The form carries the record's version: if someone changed the record since it was opened,
    nothing is saved and the editor is told (409).
    """
    summary = _writable_record(request, registry_id)
    patient = summary.patient
    identity = summary.identity
    initial = {
        "birth_date": patient.birth_date,
        "sex": patient.sex,
        "full_name": identity.full_name if identity else "",
        "iin": identity.iin if identity else "",
        "row_version": str(patient.row_version),
    }
    form = PatientEditForm(_posted(request), initial=initial, with_identity=summary.permissions.view_identity)
    status = None
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data["row_version"]
        try:
            saved = services.patient_update(
                by=request.user,
                patient=patient,
                expected_version=expected,
                reason=form.cleaned_data["reason"],
                **form.record_fields(),
            )
        except Invalid as error:
            attach_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
            status = CONFLICT
        else:
            if saved.row_version == expected:
                messages.info(request, _("Nothing was changed: the values are the ones already recorded."))
            else:
                messages.success(request, _("Patient details saved with the reason for the change."))
            return _back_to(patient, "who")
    return _form_page(request, "edit.html", patient, form, status=status)


def _writable_record(request, registry_id: str) -> selectors.PatientSummary:
    """The patient's summary, if the user writes clinical data at the patient's center."""
    patient = selectors.patient_get(viewer=request.user, registry_id=registry_id)
    summary = selectors.patient_summary(viewer=request.user, patient=patient)
    if not summary.permissions.edit:
        raise NotAllowed(params={"registry_id": patient.registry_id})
    return summary


def _posted(request):
    return request.POST if request.method == "POST" else None


def _form_page(request, template: str, patient, form, extra=None, *, status=None):
    """Render a record form; a form sent back with problems answers 400 (409 for a conflict)."""
    if status is None:
        status = INVALID if form.is_bound and form.errors else 200
    page = {"nav": "patients", "patient": patient, "form": form, **(extra or {})}
    return render(request, f"qadam/patients/{template}", page, status=status)


def _back_to(patient, section: str):
    return redirect(f"{reverse('patient_detail', kwargs={'registry_id': patient.registry_id})}#{section}")


def _already_withdrawn(date) -> str:
    when = formats.date_format(date, "DATE_FORMAT")
    return _("This consent was already withdrawn on %(date)s.") % {"date": when}


def _sma_diagnosis_first(request, patient):
    messages.warning(
        request,
        _(
            "SMA genetics, type and functional status are recorded for patients with an SMA diagnosis "
            "(ICD-10 G12). Add the diagnosis first."
        ),
    )
    return _back_to(patient, "condition")
