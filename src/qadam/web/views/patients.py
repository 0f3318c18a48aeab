"""Patient screens: search, registration, the patient page, its audit trail and new visits."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from qadam.assessments import services as assessment_services
from qadam.assessments.models import Visit
from qadam.audit.selectors import audit_for_patient
from qadam.core.exceptions import Invalid, NotAllowed
from qadam.patients import selectors, services
from qadam.web.assessment_form import scales_language
from qadam.web.audit_display import audit_lines
from qadam.web.forms import PatientRegistrationForm, PatientSearchForm, VisitForm, attach_errors
from qadam.web.guards import answers_errors
from qadam.web.views.record import sma_diagnosed

PAGE_SIZE = 25


@require_GET
@login_required
def patient_list(request):
    """Visible patients, searched by registry id (and by name or IIN within the user's centers)."""
    form = PatientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    patients = selectors.patient_search(viewer=request.user, query=query)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "qadam/patients/list.html",
        {
            "nav": "patients",
            "search_form": form if form.is_bound else PatientSearchForm(),
            "search_problems": form.problems() if form.is_bound else [],
            "page": page,
            "query_without_page": urlencode({"q": query}) + "&" if query else "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def patient_new(request):
    """Register a patient in one of the user's centers."""
    centers = selectors.writable_centers(user=request.user)
    if not centers.exists():
        raise NotAllowed()
    form = PatientRegistrationForm(request.POST if request.method == "POST" else None, centers=centers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient = services.patient_register(
                by=request.user,
                center=data["center"],
                birth_date=data["birth_date"],
                sex=data["sex"],
                full_name=data["full_name"],
                iin=data["iin"],
            )
        except Invalid as error:
            attach_errors(form, error)
        else:
            return redirect("patient_detail", registry_id=patient.registry_id)
    return render(request, "qadam/patients/new.html", {"nav": "patient_new", "form": form})


@require_GET
@login_required
@answers_errors
def patient_detail(request, registry_id: str):
    """The patient page: who, what condition, consents, results over time, visits and assessments."""
    patient = services.patient_view(viewer=request.user, registry_id=registry_id)
    summary = selectors.patient_summary(viewer=request.user, patient=patient)
    timeline = selectors.patient_timeline(viewer=request.user, patient=patient)
    for entry in timeline:
        entry.visit.assessment_list = entry.assessments
    results = selectors.results_by_instrument(viewer=request.user, patient=patient)
    return render(
        request,
        "qadam/patients/detail.html",
        {
            "nav": "patients",
            "patient": patient,
            "identity": summary.identity,
            "age": summary.age_years,
            "diagnoses": summary.diagnoses,
            "genetics": summary.sma_genetics,
            "sma_status": summary.current_sma_status,
            "earlier_sma_statuses": summary.sma_statuses[-2::-1],
            "has_sma": sma_diagnosed(summary.diagnoses),
            "consents": summary.consents,
            "can_write": summary.permissions.edit,
            "can_read_audit": summary.permissions.read_audit,
            "visits": [entry.visit for entry in timeline],
            "results": [(code, with_changes(rows)) for code, rows in sorted(results.items())],
        },
    )


@require_GET
@login_required
@answers_errors
def patient_audit(request, registry_id: str):
    """Who saw or changed this record (coordinators of the patient's center, registry managers)."""
    patient = selectors.patient_get(viewer=request.user, registry_id=registry_id)
    entries = audit_for_patient(viewer=request.user, patient=patient)
    # Item and context names depend on the instrument of each assessment the log mentions.
    instruments = {
        str(assessment.pk): assessment.instrument
        for entry in selectors.patient_timeline(viewer=request.user, patient=patient)
        for assessment in entry.assessments
    }
    return render(
        request,
        "qadam/patients/audit.html",
        {"nav": "patients", "patient": patient, "lines": audit_lines(entries, instruments, scales_language())},
    )


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def visit_new(request, registry_id: str):
    """Record a visit of the patient at the patient's center."""
    patient = selectors.patient_get(viewer=request.user, registry_id=registry_id)
    if not selectors.patient_permissions(viewer=request.user, patient=patient).edit:
        raise NotAllowed(params={"registry_id": patient.registry_id})
    form = VisitForm(request.POST if request.method == "POST" else None, kinds=Visit.Kind.choices)
    if request.method == "POST" and form.is_valid():
        try:
            visit = assessment_services.visit_create(by=request.user, patient=patient, **form.cleaned_data)
        except Invalid as error:
            attach_errors(form, error)
        else:
            return redirect(f"{_patient_url(patient)}#visit-{visit.pk}")
    return render(request, "qadam/patients/visit_new.html", {"nav": "patients", "patient": patient, "form": form})


def with_changes(rows: list) -> list[dict]:
    """Each result with its change from the previous result that had a total (oldest first)."""
    previous = None
    out = []
    for row in rows:
        change = row.total - previous if row.total is not None and previous is not None else None
        out.append({"row": row, "change": change})
        if row.total is not None:
            previous = row.total
    return out


def _patient_url(patient) -> str:
    return reverse("patient_detail", kwargs={"registry_id": patient.registry_id})
