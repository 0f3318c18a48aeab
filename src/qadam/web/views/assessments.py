"""Assessment screens: choose an instrument, enter it item by item, complete, sign and amend.

The form comes from the instrument's definition (``qadam.web.assessment_form``); every value is
checked and scored by the services through ``qadam.scales``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qadam import scales
from qadam.assessments import selectors, services
from qadam.assessments.models import Assessment
from qadam.core.exceptions import Conflict, Invalid, InvalidState, NotAllowed
from qadam.patients.selectors import patient_permissions
from qadam.web.assessment_form import (
    FormProblem,
    build_form,
    context_from_patient,
    parse_submission,
    problem_messages,
    response_differences,
    scales_language,
    score_summary,
)
from qadam.web.forms import AmendReasonForm, SignForm
from qadam.web.guards import answers_errors, signed_in_or_sent_to_sign_in

DOMAIN_LABELS = {
    "neuromuscular": gettext_lazy("Spinal muscular atrophy and neuromuscular"),
    "mg": gettext_lazy("Myasthenia gravis"),
    "stroke": gettext_lazy("Stroke"),
    "rehabilitation": gettext_lazy("Rehabilitation"),
    "pain": gettext_lazy("Pain"),
    "mood": gettext_lazy("Mood and quality of life"),
    "cognition": gettext_lazy("Cognition"),
}
EDITABLE = {Assessment.Status.DRAFT, Assessment.Status.COMPLETED}
AMENDABLE = {Assessment.Status.SIGNED, Assessment.Status.AMENDED}
SIGNABLE = {Assessment.Status.COMPLETED, Assessment.Status.AMENDED}


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def assessment_new(request, visit_id: int):
    """Pick an instrument (``?instrument=hfmse``), then enter it; the draft is created on first save."""
    visit = selectors.visit_get(viewer=request.user, visit_id=visit_id)
    patient = visit.patient
    if not patient_permissions(viewer=request.user, patient=patient).edit:
        raise NotAllowed(params={"registry_id": patient.registry_id})
    code = (request.POST.get("instrument") if request.method == "POST" else request.GET.get("instrument")) or ""
    instrument = scales.INSTRUMENTS.get(code.strip())
    if instrument is None:
        return _pick(request, visit, code)
    page = {
        "visit": visit,
        "patient": patient,
        "instrument": instrument,
        "mode": "new",
        "form_action": request.get_full_path(),
    }
    if request.method == "GET":
        context = context_from_patient(instrument, birth_date=patient.birth_date, sex=patient.sex, on=visit.visit_date)
        return _form_page(request, page, {}, context)
    submission = parse_submission(instrument, request.POST)
    if submission.problems:
        return _form_page(
            request,
            page,
            submission.responses,
            submission.context,
            form_problems=submission.problems,
            status=400,
            goals=submission.goals,
        )
    try:
        # Start and first save are one step for the rater: if the save is refused, no empty draft stays.
        with transaction.atomic():
            assessment = services.assessment_start(by=request.user, visit=visit, instrument=instrument.code)
            assessment = services.assessment_save(
                by=request.user,
                assessment=assessment,
                responses=submission.responses,
                context=submission.context,
                expected_version=assessment.row_version,
            )
            if request.POST.get("action") == "complete":
                assessment = services.assessment_complete(
                    by=request.user, assessment=assessment, expected_version=assessment.row_version
                )
    except Invalid as error:
        return _form_page(
            request, page, submission.responses, submission.context, error=error, status=400, goals=submission.goals
        )
    _saved_message(request, assessment)
    return redirect("assessment_edit", assessment_id=assessment.pk)


def _pick(request, visit, code: str):
    domains: dict[str, list] = {}
    for instrument in scales.INSTRUMENTS.values():
        domains.setdefault(instrument.domain, []).append(instrument)
    unknown = ""
    if code:
        unknown = _("There is no instrument with the code “%(code)s”. Choose one from the list.") % {"code": code[:40]}
    return render(
        request,
        "qadam/assessments/pick.html",
        {
            "nav": "patients",
            "visit": visit,
            "patient": visit.patient,
            "domains": [(DOMAIN_LABELS.get(domain, domain), items) for domain, items in domains.items()],
            "unknown_code": unknown,
        },
        status=400 if code else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def assessment_edit(request, assessment_id: int):
    """Enter or correct a draft; a signed or amended assessment is shown read-only with its versions."""
    assessment = selectors.assessment_get(viewer=request.user, assessment_id=assessment_id)
    instrument = _instrument_of(assessment)
    patient = assessment.visit.patient
    permissions = patient_permissions(viewer=request.user, patient=patient)
    if assessment.status not in EDITABLE or not permissions.edit:
        if request.method == "GET":
            return _detail_page(request, assessment, instrument, permissions)
        if not permissions.edit:
            raise NotAllowed(params={"assessment_id": assessment.pk})
        notice = _("This assessment is %(status)s and cannot be edited; amend it instead.") % {
            "status": assessment.get_status_display()
        }
        return _detail_page(request, assessment, instrument, permissions, notice=notice, status=409)
    page = {
        "visit": assessment.visit,
        "patient": patient,
        "instrument": instrument,
        "assessment": assessment,
        "mode": "edit",
        "form_action": request.get_full_path(),
        "row_version": assessment.row_version,
        "can_sign": permissions.sign,
    }
    if request.method == "GET":
        return _form_page(request, page, assessment.responses, assessment.context, stored=assessment.result)
    submission = parse_submission(instrument, request.POST)
    expected = _posted_version(request)
    page["row_version"] = expected if expected is not None else assessment.row_version
    if submission.problems or expected is None:
        problems = submission.problems or [
            FormProblem("main", _("The form is incomplete: reload the page and enter the values again."))
        ]
        return _form_page(
            request,
            page,
            submission.responses,
            submission.context,
            form_problems=problems,
            status=400,
            goals=submission.goals,
        )
    try:
        with transaction.atomic():
            saved = services.assessment_save(
                by=request.user,
                assessment=assessment,
                responses=submission.responses,
                context=submission.context,
                expected_version=expected,
            )
            if request.POST.get("action") == "complete":
                saved = services.assessment_complete(
                    by=request.user, assessment=saved, expected_version=saved.row_version
                )
    except Conflict as error:
        page["conflict"] = error.message
        return _form_page(request, page, submission.responses, submission.context, status=409, goals=submission.goals)
    except InvalidState as error:
        page["conflict"] = error.message
        return _form_page(request, page, submission.responses, submission.context, status=409, goals=submission.goals)
    except Invalid as error:
        return _form_page(
            request, page, submission.responses, submission.context, error=error, status=400, goals=submission.goals
        )
    _saved_message(request, saved)
    return redirect("assessment_edit", assessment_id=saved.pk)


@require_POST
@signed_in_or_sent_to_sign_in
def assessment_preview(request):
    """The running total panel (htmx): score what the rater has entered so far, save nothing."""
    instrument = scales.INSTRUMENTS.get((request.POST.get("instrument") or "").strip())
    if instrument is None:
        return render(request, "qadam/assessments/_preview_error.html", status=400)
    submission = parse_submission(instrument, request.POST)
    lang = scales_language()
    if submission.problems:
        summary = score_summary(
            instrument,
            lang,
            submission.responses,
            None,
            [p.message for p in submission.problems],
            context=submission.context,
        )
    else:
        preview = services.assessment_preview(
            instrument=instrument.code, responses=submission.responses, context=submission.context
        )
        result = preview.result.as_dict() if preview.result is not None else None
        messages_ = problem_messages(instrument, preview.problems, lang, submission.context)
        summary = score_summary(instrument, lang, submission.responses, result, messages_, context=submission.context)
    return render(request, "qadam/assessments/_score_panel.html", {"summary": summary})


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def assessment_sign(request, assessment_id: int):
    """Sign a completed or amended assessment by entering one's password again."""
    assessment = selectors.assessment_get(viewer=request.user, assessment_id=assessment_id)
    instrument = _instrument_of(assessment)
    patient = assessment.visit.patient
    if not patient_permissions(viewer=request.user, patient=patient).sign:
        raise NotAllowed(params={"assessment_id": assessment.pk})
    if assessment.status not in SIGNABLE:
        messages.warning(
            request,
            _("This assessment cannot be signed while it is %(status)s.") % {"status": assessment.get_status_display()},
        )
        return redirect("assessment_edit", assessment_id=assessment.pk)
    form = SignForm(request.POST if request.method == "POST" else None, initial={"row_version": assessment.row_version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_sign(
                by=request.user,
                assessment=assessment,
                password=form.cleaned_data["password"],
                expected_version=form.cleaned_data["row_version"],
            )
        except Invalid as error:
            form.add_error("password", error.field_messages().get("password", [error.message])[0])
        except (Conflict, InvalidState) as error:
            form.add_error(None, error.message)
            status = 409
        else:
            messages.success(
                request, _("Signed. The assessment can now only be changed by an amendment with a reason.")
            )
            return redirect("assessment_edit", assessment_id=assessment.pk)
    if form.errors and status == 200:
        status = 400
    page = {"nav": "patients", "assessment": assessment, "instrument": instrument, "patient": patient, "form": form}
    return render(request, "qadam/assessments/sign.html", page, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@answers_errors
def assessment_amend(request, assessment_id: int):
    """Change a signed assessment with a reason; the signed version stays visible."""
    assessment = selectors.assessment_get(viewer=request.user, assessment_id=assessment_id)
    instrument = _instrument_of(assessment)
    patient = assessment.visit.patient
    if not patient_permissions(viewer=request.user, patient=patient).sign:
        raise NotAllowed(params={"assessment_id": assessment.pk})
    if assessment.status not in AMENDABLE:
        messages.warning(
            request,
            _("Only a signed assessment is amended; this one is %(status)s.")
            % {"status": assessment.get_status_display()},
        )
        return redirect("assessment_edit", assessment_id=assessment.pk)
    reason_form = AmendReasonForm(request.POST if request.method == "POST" else None)
    page = {
        "visit": assessment.visit,
        "patient": patient,
        "instrument": instrument,
        "assessment": assessment,
        "mode": "amend",
        "form_action": request.get_full_path(),
        "row_version": assessment.row_version,
        "meta_form": reason_form,
    }
    if request.method == "GET":
        return _form_page(request, page, assessment.responses, assessment.context, stored=assessment.result)
    submission = parse_submission(instrument, request.POST)
    expected = _posted_version(request)
    page["row_version"] = expected if expected is not None else assessment.row_version
    problems = list(submission.problems)
    if not reason_form.is_valid():
        problems += [FormProblem(p["anchor"], p["message"]) for p in reason_form.problems()]
    if expected is None:
        problems.append(FormProblem("main", _("The form is incomplete: reload the page and enter the values again.")))
    if problems:
        return _form_page(
            request,
            page,
            submission.responses,
            submission.context,
            form_problems=problems,
            status=400,
            goals=submission.goals,
        )
    try:
        services.assessment_amend(
            by=request.user,
            assessment=assessment,
            responses=submission.responses,
            context=submission.context,
            reason=reason_form.cleaned_data["reason"],
            expected_version=expected,
        )
    except (Conflict, InvalidState) as error:
        page["conflict"] = error.message
        return _form_page(request, page, submission.responses, submission.context, status=409, goals=submission.goals)
    except Invalid as error:
        return _form_page(
            request, page, submission.responses, submission.context, error=error, status=400, goals=submission.goals
        )
    messages.success(request, _("Amendment saved with its reason. Sign it to make it the valid version."))
    return redirect("assessment_edit", assessment_id=assessment.pk)


def _instrument_of(assessment) -> scales.Instrument:
    instrument = scales.INSTRUMENTS.get(assessment.instrument)
    if instrument is None:
        # A stored code the running catalogue no longer has: nothing can be shown item by item.
        raise Http404(_("The instrument of this assessment is not in this version of Qadam."))
    return instrument


def _posted_version(request) -> int | None:
    raw = request.POST.get("row_version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _form_page(request, page, responses, context, *, stored=None, error=None, form_problems=(), status=200, goals=None):
    """Render the entry form with values, problems (engine's, services' and the form's) and the panel."""
    lang = scales_language()
    instrument = page["instrument"]
    problems = list(form_problems)
    scale_problems = []
    if error is not None:
        scale_problems = error.problems
        for field, messages_ in error.field_messages().items():
            anchor = "id_reason" if field == "reason" else "assessment-items"
            problems.extend(FormProblem(anchor, message) for message in messages_)
        if not error.errors and not error.problems:
            problems.append(FormProblem("assessment-items", error.message))
    if stored is not None:
        result, preview_problems = stored, []
    else:
        preview = services.assessment_preview(instrument=instrument.code, responses=responses, context=context)
        result = preview.result.as_dict() if preview.result is not None else None
        preview_problems = problem_messages(instrument, preview.problems, lang, context)
    summary = score_summary(instrument, lang, responses, result, preview_problems, context=context)
    missing = (result or {}).get("missing", ()) if error is not None and "responses" in error.errors else ()
    form = build_form(instrument, lang, responses, context, scale_problems, problems, missing, goals=goals)
    page = {**page, "nav": "patients", "form": form, "form_problems": form.problems, "summary": summary}
    return render(request, "qadam/assessments/form.html", page, status=status)


def _detail_page(request, assessment, instrument, permissions, *, notice="", status=200):
    lang = scales_language()
    revisions = selectors.assessment_revisions(viewer=request.user, assessment=assessment)
    later_versions = [(r.responses, r.context) for r in revisions[1:]]
    if revisions:
        later_versions.append((assessment.responses, assessment.context))
    for revision, (after, after_context) in zip(revisions, later_versions, strict=True):
        revision.differences = response_differences(
            instrument, revision.responses, after, lang, revision.context, after_context
        )
    return render(
        request,
        "qadam/assessments/detail.html",
        {
            "nav": "patients",
            "assessment": assessment,
            "instrument": instrument,
            "visit": assessment.visit,
            "patient": assessment.visit.patient,
            "form": build_form(instrument, lang, assessment.responses, assessment.context, readonly=True),
            "summary": score_summary(
                instrument, lang, assessment.responses, assessment.result, context=assessment.context
            ),
            "revisions": revisions,
            "can_sign": permissions.sign,
            "notice": notice,
        },
        status=status,
    )


def _saved_message(request, assessment) -> None:
    if assessment.status == Assessment.Status.COMPLETED:
        messages.success(request, _("Assessment completed. A clinician of the center can now sign it."))
    else:
        messages.success(request, _("Draft saved."))
