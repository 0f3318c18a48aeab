"""Recording therapies: courses, doses, adverse events, vaccinations and weights.

Every function checks access (``qadam.patients.selectors.ensure_permitted``: the user must write
clinical data at the patient's center), validates every field before writing (``Invalid`` lists all
problems and nothing is saved), writes, and appends the audit entry in the same transaction.

A dose is checked against the safety rules of its drug (``qadam.therapy.schedules.safety_findings``,
built on ``qadam.regimens``) inside the transaction, after the course's row is locked, so two doses
recorded at once are checked against each other: a finding of severity ``block`` refuses the dose
(``Invalid``, code ``safety_block``); ``warning`` findings refuse it unless the clinician
acknowledged them (``acknowledge_warnings=True``; code ``safety_warning``), and the acknowledged
findings are stored with the dose and named in the audit entry. The refused findings are attached
to the error as ``error.findings`` (``Finding`` objects) for the screens and the API.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qadam.assessments.models import Visit
from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.core.exceptions import Conflict, Invalid, InvalidState, Message
from qadam.core.validation import choice_problems, date_problems, raise_if_any, text_problems, today
from qadam.patients.models import Patient
from qadam.patients.selectors import ensure_permitted
from qadam.patients.services import claim_patient
from qadam.regimens import ADJUVANT_CLASSES, DRUGS, Finding

from . import schedules
from .models import (
    ADJUVANT_PREFIX,
    Administration,
    AdverseEvent,
    Jurisdiction,
    Outcome,
    Regimen,
    Route,
    Severity,
    StopReason,
    TherapyCourse,
    Vaccination,
    Vaccine,
    WeightRecord,
)

MAX_WEIGHT_KG = Decimal("400")
DOSE_PLACES = 4  # Administration.dose: numeric(20, 4)
WEIGHT_PLACES = 2  # weight_kg: numeric(6, 2)
MAX_DOSE = Decimal("9e15")  # onasemnogene: 1.1e14 vg/kg × 21 kg ≈ 2.3e15 vg (numeric(20, 4) holds < 1e16)
SIDES = ("left", "right", "bilateral", "midline")
INTRATHECAL_KEYS = ("approach", "imaging_guidance", "needle_gauge", "csf_removed_ml", "attempts", "sedation")
INTRATHECAL_NUMBERS = {"needle_gauge": (10, 30), "csf_removed_ml": (0, 50), "attempts": (1, 20)}
APPROACHES = ("interlaminar", "transforaminal", "other")
IMAGING = ("none", "ultrasound", "fluoroscopy", "ct")
SEDATION = ("none", "local", "sedation", "general")


class FindingText:
    """A finding's message in the language active when it is shown (for ``Message`` templates)."""

    def __init__(self, finding: Finding):
        self.finding = finding

    def __str__(self) -> str:
        return self.finding.message.get((get_language() or "en")[:2])


def drug_choices() -> list[tuple[str, str]]:
    """Every drug code a course can have: the catalogue's drugs and the pain-adjuvant classes."""
    lang = (get_language() or "en")[:2]
    drugs = [(code, d.name.get(lang)) for code, d in DRUGS.items()]
    adjuvants = [(f"{ADJUVANT_PREFIX}{code}", c.name.get(lang)) for code, c in ADJUVANT_CLASSES.items()]
    return drugs + adjuvants


def routes_for(drug: str) -> tuple[str, ...]:
    """The routes the catalogue gives for ``drug`` (every route for pain adjuvants)."""
    entry = DRUGS.get(drug)
    return entry.routes if entry else tuple(Route.values)


def products_for(drug: str) -> tuple[str, ...]:
    entry = DRUGS.get(drug)
    return tuple(p.code for p in entry.products) if entry else ()


def _patient_of(course: TherapyCourse) -> Patient:
    if TherapyCourse.patient.is_cached(course) and Patient.center.is_cached(course.patient):
        return course.patient
    course.patient = Patient.objects.select_related("center").get(pk=course.patient_id)
    return course.patient


def _decimal(value: Any, field: str, *, required: bool = False, minimum: Decimal = Decimal(0), maximum: Decimal = MAX_DOSE, strictly_positive: bool = False, places: int = DOSE_PLACES) -> tuple[Decimal | None, list[Message]]:  # fmt: skip
    """The number in ``value`` within its range and with at most ``places`` decimals (as many as the
    column keeps: a value the database would round is refused, so the audit shows what is stored)."""
    if value is None or value == "":
        if required:
            return None, [Message("required", _("This field is required."))]
        return None, []
    if isinstance(value, bool):
        number = None
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite():
        return None, [Message("number_invalid", _("Enter a number. Got “%(value)s” instead."), {"value": value})]
    if number < minimum or (strictly_positive and number <= 0) or number > maximum:
        return None, [
            Message(
                "number_out_of_range",
                _("Enter a number greater than %(min)s and at most %(max)s. Got %(value)s.")
                if strictly_positive
                else _("Enter a number from %(min)s to %(max)s. Got %(value)s."),
                {"min": minimum, "max": maximum, "value": value},
            )
        ]
    if number.as_tuple().exponent < -places:
        return None, [
            Message(
                "number_too_precise",
                _("Enter at most %(places)s decimal places. Got %(value)s."),
                {"places": places, "value": value},
            )
        ]
    return number, []


def _cycle_problems(cycle_number: Any) -> list[Message]:
    """An FcRn cycle number is a whole number from 1 (to 1000); None lets the gaps decide."""
    if cycle_number is None:
        return []
    if isinstance(cycle_number, int) and not isinstance(cycle_number, bool) and 1 <= cycle_number <= 1000:
        return []
    return [Message("number_invalid", _("Enter a whole number from 1. Got “%(value)s” instead."), {"value": cycle_number})]  # fmt: skip


def _administration_changes(administration: Administration, findings: list) -> dict[str, list]:
    """The audit entry's changes of a new dose: what was given, and the findings acknowledged."""
    dose = administration.dose
    changes: dict[str, list] = {
        "given_on": [None, administration.given_on],
        "dose": [None, str(dose) if dose is not None else None],
        "dose_unit": [None, administration.dose_unit],
        "route": [None, administration.route],
    }
    if administration.weight_kg is not None:
        changes["weight_kg"] = [None, str(administration.weight_kg)]
    if administration.procedure:
        changes["procedure"] = [None, administration.procedure]
    if findings:
        changes["findings"] = [None, [f"{f.severity}:{f.code}" for f in findings]]
    return changes


# Doses checked against the patient's weight by the label's rules (qadam.therapy.schedules: risdiplam
# EU SmPC / US PI dose by age and weight; onasemnogene 1.1 × 10^14 vg/kg, clinical.md §B.1.2–B.1.3):
# the check reads only these units, so a dose in any other unit, or without an amount, would pass
# unchecked.
CHECKED_DOSE_UNITS = {"risdiplam": ("mg", "mg/kg"), "onasemnogene_abeparvovec_iv": ("vg", "vg/kg")}


def _unit_problems(dose: Decimal | None, unit: str, drug: str = "") -> list[Message]:
    """A dose is a number with its unit: 12 alone could be mg or mg/kg. A weight-checked dose needs
    its amount, in a unit the check reads (``CHECKED_DOSE_UNITS``)."""
    checked = CHECKED_DOSE_UNITS.get(drug)
    if checked and (dose is None or unit not in checked):
        units = ", ".join(checked)
        return [Message("unit_not_checked", _("Enter the dose in %(units)s: it is checked against the patient's weight. Got “%(value)s”."), {"units": units, "value": f"{dose if dose is not None else ''} {unit}".strip()})]  # fmt: skip
    if dose is not None and not (unit or "").strip():
        return [Message("unit_required", _("Enter the unit of the dose (for example mg or mg/kg)."))]
    return text_problems(unit, max_length=32)


def _not_before_course(day: Any, course: TherapyCourse) -> list[Message]:
    problems = date_problems(day, not_before=_patient_of(course).birth_date)
    if problems:
        return problems
    if day < course.started_on:
        return [
            Message(
                "date_before_course",
                _("The date cannot be before the course started (%(limit)s). Got %(value)s."),
                {"limit": course.started_on, "value": day},
            )
        ]
    if course.stopped_on is not None and day > course.stopped_on:
        return [
            Message(
                "date_after_course",
                _("The date cannot be after the course was stopped (%(limit)s). Got %(value)s."),
                {"limit": course.stopped_on, "value": day},
            )
        ]
    return []


# --- courses -------------------------------------------------------------------------------------


def course_start(
    *,
    by: Any,
    patient: Patient,
    drug: str,
    started_on: datetime.date,
    product: str = "",
    indication: str = "",
    note: str = "",
    jurisdiction: str = Jurisdiction.EU,
    regimen: str = Regimen.STANDARD,
    label_version: str = "current",
    prophylaxis_started_on: datetime.date | None = None,
) -> TherapyCourse:
    """Start a course of ``drug`` (a code of ``qadam.regimens.DRUGS`` or ``adjuvant:<CLASS>``).

    A patient has at most one active course of a drug. The safety findings of the course (for a C5
    inhibitor: the meningococcal rule) are read with ``selectors.patient_therapy_summary``.
    """
    ensure_permitted(user=by, patient=patient)
    drug = (drug or "").strip() if isinstance(drug, str) else drug
    product = (product or "").strip() if isinstance(product, str) else product
    errors: dict[str, list[Message]] = {
        "drug": [] if isinstance(drug, str) and schedules.drug_known(drug) else [_unknown_drug(drug)],
        "started_on": date_problems(started_on, not_before=patient.birth_date),
        "product": text_problems(product, max_length=64),
        "indication": text_problems(indication),
        "note": text_problems(note),
        "jurisdiction": choice_problems(jurisdiction, Jurisdiction),
        "regimen": choice_problems(regimen, Regimen),
        "label_version": []
        if label_version in ("current", "previous")
        else _choice(label_version, "current, previous"),
        "prophylaxis_started_on": []
        if prophylaxis_started_on is None
        else date_problems(prophylaxis_started_on, not_before=patient.birth_date),
    }
    if not errors["drug"] and not errors["product"] and product and products_for(drug):
        if product not in products_for(drug):
            errors["product"] = _choice(product, ", ".join(products_for(drug)))
    if not errors["regimen"] and regimen == Regimen.HIGH_DOSE and drug != "nusinersen":
        errors["regimen"] = [
            Message("regimen_not_for_drug", _("The high-dose regimen exists only for nusinersen."), {})
        ]
    raise_if_any(errors)
    with transaction.atomic():
        patient = claim_patient(by, patient)
        if TherapyCourse.objects.filter(patient=patient, drug=drug, stopped_on__isnull=True).exists():
            raise Invalid.field(
                "drug",
                "course_already_active",
                _("This patient already has an active course of this drug; stop it before starting another."),
            )
        course = TherapyCourse.objects.create(
            patient=patient,
            center=patient.center,
            drug=drug,
            product=product,
            started_on=started_on,
            indication=indication,
            note=note,
            jurisdiction=jurisdiction,
            regimen=regimen,
            label_version=label_version,
            prophylaxis_started_on=prophylaxis_started_on,
            created_by=by,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=course,
            patient=patient,
            changes={
                "drug": [None, drug],
                "product": [None, product],
                "started_on": [None, started_on],
                "center": [None, patient.center.code],
                "jurisdiction": [None, jurisdiction],
                "regimen": [None, regimen],
                "prophylaxis_started_on": [None, prophylaxis_started_on],
            },
        )
    return course


def _unknown_drug(drug: Any) -> Message:
    return Message("drug_unknown", _("“%(value)s” is not a drug of the therapy catalogue."), {"value": drug})


def _choice(value: Any, allowed: str) -> list[Message]:
    return [
        Message(
            "choice_invalid",
            _("Choose one of: %(allowed)s. Got “%(value)s” instead."),
            {"allowed": allowed, "value": value},
        )
    ]


def course_stop(
    *,
    by: Any,
    course: TherapyCourse,
    stopped_on: datetime.date,
    reason: str,
    expected_version: int,
    note: str = "",
) -> TherapyCourse:
    """Stop an active course on ``stopped_on`` for ``reason`` (``StopReason``).

    ``expected_version`` is the course's ``row_version`` the clinician saw: if it changed since,
    ``Conflict`` is raised and nothing is saved. A stopped course cannot be stopped again
    (``InvalidState``); the stop date cannot be before the start or before a recorded dose.
    """
    patient = _patient_of(course)
    ensure_permitted(user=by, patient=patient)
    raise_if_any(
        {
            "stopped_on": date_problems(stopped_on, not_before=patient.birth_date),
            "reason": choice_problems(reason, StopReason),
            "note": text_problems(note),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
        locked = TherapyCourse.objects.select_for_update().get(pk=course.pk)
        if locked.row_version != expected_version:
            raise Conflict(params={"expected": expected_version, "current": locked.row_version})
        if locked.stopped_on is not None:
            raise InvalidState(
                "course_already_stopped",
                _("This course was already stopped on %(date)s."),
                {"date": locked.stopped_on},
            )
        last = locked.administrations.order_by("-given_on").values_list("given_on", flat=True).first()
        floor = max(locked.started_on, last) if last else locked.started_on
        if stopped_on < floor:
            raise Invalid.field(
                "stopped_on",
                "stop_before_last_dose",
                _(
                    "The course cannot stop before it started or before its last recorded dose (%(limit)s). Got %(value)s."
                ),
                {"limit": floor, "value": stopped_on},
            )
        locked.stopped_on = stopped_on
        locked.stop_reason = reason
        if note:
            locked.note = f"{locked.note}\n{note}".strip()
        locked.row_version += 1
        locked.save(update_fields=["stopped_on", "stop_reason", "note", "row_version", "updated_at"])
        audit_record(
            actor=by,
            action=Action.UPDATE,
            obj=locked,
            patient=patient,
            changes={"stopped_on": [None, stopped_on], "stop_reason": ["", reason]},
            reason=note,
        )
    locked.patient = patient
    return locked


# --- doses ---------------------------------------------------------------------------------------


def administration_record(
    *,
    by: Any,
    course: TherapyCourse,
    given_on: datetime.date,
    dose: Any,
    dose_unit: str,
    route: str,
    weight_kg: Any = None,
    visit: Visit | None = None,
    procedure: dict | None = None,
    note: str = "",
    lot: str = "",
    cycle_number: int | None = None,
    override_reason: str = "",
    acknowledge_warnings: bool = False,
) -> Administration:
    """Record a dose given in ``course``, after checking it against the drug's safety rules.

    ``procedure``: for intrathecal doses ``{approach, imaging_guidance, needle_gauge, csf_removed_ml,
    attempts, sedation}`` (all optional); for botulinum toxin ``{product, injections: [{muscle,
    side, units}]}`` (required; the dose is the sum of the units when not given). ``override_reason``
    is the clinician's reason for a botulinum session sooner than 84 days (clinical.md §B.3): it
    turns that block into a warning to acknowledge.
    """
    patient = _patient_of(course)
    ensure_permitted(user=by, patient=patient)
    procedure = {} if procedure is None else procedure
    dose_value, dose_problems = _decimal(dose, "dose")
    weight_value, weight_problems = _decimal(
        weight_kg, "weight_kg", maximum=MAX_WEIGHT_KG, strictly_positive=True, places=WEIGHT_PLACES
    )
    procedure_value, procedure_problems = _procedure(course, route, procedure)
    if course.drug in schedules.BOTULINUM and dose_value is None and not procedure_problems:
        dose_value = Decimal(str(schedules.botulinum_units_of(procedure_value)))
        dose_unit = dose_unit or "U"
    raise_if_any(
        {
            "given_on": _not_before_course(given_on, course),
            "dose": dose_problems,
            "dose_unit": _unit_problems(dose_value, dose_unit, course.drug),
            "route": _route_problems(course, route),
            "weight_kg": weight_problems,
            "visit": _visit_problems(visit, patient, given_on),
            "procedure": procedure_problems,
            "note": text_problems(note),
            "lot": text_problems(lot, max_length=64),
            "cycle_number": _cycle_problems(cycle_number),
            "override_reason": text_problems(override_reason),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
        locked = TherapyCourse.objects.select_for_update().get(pk=course.pk)
        if locked.stopped_on is not None and given_on > locked.stopped_on:
            raise Invalid.field("given_on", "date_after_course", _("The date cannot be after the course was stopped (%(limit)s). Got %(value)s."), {"limit": locked.stopped_on, "value": given_on})  # fmt: skip
        locked.patient = patient
        administration = Administration(
            course=locked,
            given_on=given_on,
            dose=dose_value,
            dose_unit=dose_unit,
            route=route,
            weight_kg=weight_value,
            visit=visit,
            procedure=procedure_value,
            note=note,
            lot=lot,
            cycle_number=cycle_number,
            override_reason=override_reason.strip(),
            created_by=by,
        )
        existing = list(locked.administrations.all())
        if any(a.given_on == given_on for a in existing):
            raise Invalid.field(
                "given_on",
                "dose_on_same_day",
                _("A dose of this course is already recorded on %(value)s."),
                {"value": given_on},
            )
        findings = _findings_for(locked, patient, existing, administration)
        _refuse_unsafe(findings, acknowledge_warnings)
        administration.findings = [f.as_dict() for f in findings]
        administration.save()
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=administration,
            patient=patient,
            changes=_administration_changes(administration, findings),
            reason=administration.override_reason,
        )
    return administration


def _findings_for(
    course: TherapyCourse, patient: Patient, existing: list[Administration], candidate: Administration
) -> list[Finding]:
    others = []
    for other in patient.therapy_courses.exclude(pk=course.pk).prefetch_related("administrations"):
        others.append((other, list(other.administrations.all())))
    return schedules.safety_findings(
        course,
        existing,
        list(patient.vaccinations.all()),
        list(patient.weights.all()),
        today(),
        candidate=candidate,
        birth_date=patient.birth_date,
        others=others,
    )


def _refuse_unsafe(findings: list[Finding], acknowledged: bool) -> None:
    blocks = [f for f in findings if f.severity == "block"]
    warnings = [f for f in findings if f.severity == "warning"]
    if blocks:
        error = Invalid(
            "safety_block",
            _("This dose breaks a safety rule and cannot be recorded."),
            errors={"": [Message(f.code, FindingText(f)) for f in blocks]},
        )
        error.findings = blocks + warnings
        raise error
    if warnings and not acknowledged:
        error = Invalid(
            "safety_warning",
            _("This dose breaks a scheduling or dosing rule. Read the warnings and confirm to record it."),
            errors={"acknowledge_warnings": [Message(f.code, FindingText(f)) for f in warnings]},
        )
        error.findings = warnings
        raise error


def _route_problems(course: TherapyCourse, route: Any) -> list[Message]:
    problems = choice_problems(route, Route)
    if problems:
        return problems
    allowed = routes_for(course.drug)
    if route not in allowed:
        return [
            Message(
                "route_not_for_drug",
                _("This drug is given by: %(allowed)s. Got “%(value)s” instead."),
                {"allowed": ", ".join(allowed), "value": route},
            )
        ]
    return []


def _visit_problems(visit: Visit | None, patient: Patient, given_on: Any) -> list[Message]:
    if visit is None:
        return []
    if not isinstance(visit, Visit) or visit.patient_id != patient.pk:
        return [Message("visit_other_patient", _("The visit must be one of this patient's visits."), {})]
    return []


def _procedure(course: TherapyCourse, route: str, procedure: Any) -> tuple[dict, list[Message]]:
    if not isinstance(procedure, dict):
        return {}, [Message("procedure_invalid", _("The procedure details must be a set of named values."), {})]
    if course.drug in schedules.BOTULINUM:
        return _botulinum_procedure(course, procedure)
    if route == Route.INTRATHECAL:
        return _intrathecal_procedure(procedure)
    if procedure:
        return {}, [
            Message("procedure_not_expected", _("Procedure details are recorded only for intrathecal and botulinum doses."), {})
        ]  # fmt: skip
    return {}, []


def _intrathecal_procedure(procedure: dict) -> tuple[dict, list[Message]]:
    problems: list[Message] = []
    unknown = sorted(set(procedure) - set(INTRATHECAL_KEYS))
    if unknown:
        problems.append(
            Message(
                "procedure_unknown_field", _("Unknown procedure details: %(fields)s."), {"fields": ", ".join(unknown)}
            )
        )
    clean: dict[str, Any] = {}
    for key, allowed in (("approach", APPROACHES), ("imaging_guidance", IMAGING), ("sedation", SEDATION)):
        value = procedure.get(key)
        if value in (None, ""):
            continue
        if value not in allowed:
            problems += _choice(value, ", ".join(allowed))
        else:
            clean[key] = value
    for key, (low, high) in INTRATHECAL_NUMBERS.items():
        value = procedure.get(key)
        if value in (None, ""):
            continue
        number, found = _decimal(value, key, minimum=Decimal(low), maximum=Decimal(high))
        if key != "csf_removed_ml" and number is not None and number != number.to_integral_value():
            found = [Message("number_invalid", _("Enter a whole number. Got “%(value)s” instead."), {"value": value})]
        if found:
            problems += found
        else:
            clean[key] = int(number) if key != "csf_removed_ml" else float(number)
    return clean, problems


def _botulinum_procedure(course: TherapyCourse, procedure: dict) -> tuple[dict, list[Message]]:
    problems: list[Message] = []
    allowed_products = products_for(course.drug)
    product = procedure.get("product") or course.product or (allowed_products[0] if len(allowed_products) == 1 else "")
    if product not in allowed_products:
        # Units are product-specific (clinical.md §B.3): the product must be the course's own.
        problems += _choice(product, ", ".join(allowed_products))
    injections = procedure.get("injections")
    clean_rows: list[dict[str, Any]] = []
    if not isinstance(injections, list) or not injections:
        problems.append(
            Message("injections_required", _("List at least one injected muscle with its side and units."), {})
        )
        injections = []
    for number, row in enumerate(injections, start=1):
        if not isinstance(row, dict):
            problems.append(
                Message("injection_invalid", _("Row %(row)s: enter muscle, side and units."), {"row": number})
            )
            continue
        muscle = row.get("muscle")
        side = row.get("side")
        units, unit_problems = _decimal(row.get("units"), "units", required=True, maximum=Decimal(2000), strictly_positive=True)  # fmt: skip
        if not isinstance(muscle, str) or not muscle.strip() or len(muscle) > 100 or "\x00" in muscle:
            problems.append(Message("injection_muscle", _("Row %(row)s: enter the muscle."), {"row": number}))
        if side not in SIDES:
            problems.append(
                Message(
                    "injection_side",
                    _("Row %(row)s: choose the side (%(allowed)s). Got “%(value)s” instead."),
                    {"row": number, "allowed": ", ".join(SIDES), "value": side},
                )
            )
        if unit_problems:
            problems.append(Message("injection_units", _("Row %(row)s: enter the units as a number greater than 0."), {"row": number}))  # fmt: skip
        if not problems:
            clean_rows.append({"muscle": muscle.strip(), "side": side, "units": float(units)})
    return {"product": product, "injections": clean_rows}, problems


# --- adverse events, vaccinations, weights -------------------------------------------------------


def adverse_event_record(
    *,
    by: Any,
    course: TherapyCourse,
    onset_on: datetime.date,
    description: str,
    severity: str,
    serious: bool = False,
    outcome: str = Outcome.UNKNOWN,
    administration: Administration | None = None,
) -> AdverseEvent:
    """Record an adverse event during ``course``, optionally linked to one of its doses."""
    patient = _patient_of(course)
    ensure_permitted(user=by, patient=patient)
    onset_problems = date_problems(onset_on, not_before=patient.birth_date)
    if not onset_problems and onset_on < course.started_on:
        onset_problems = [
            Message(
                "date_before_course",
                _("The date cannot be before the course started (%(limit)s). Got %(value)s."),
                {"limit": course.started_on, "value": onset_on},
            )  # fmt: skip
        ]
    administration_problems: list[Message] = []
    if administration is not None and administration.course_id != course.pk:
        administration_problems = [
            Message("administration_other_course", _("The dose must belong to this course."), {})
        ]
    elif administration is not None and not onset_problems and onset_on < administration.given_on:
        onset_problems = [
            Message(
                "onset_before_dose",
                _("The onset cannot be before the dose it follows (%(limit)s). Got %(value)s."),
                {"limit": administration.given_on, "value": onset_on},
            )  # fmt: skip
        ]
    raise_if_any(
        {
            "onset_on": onset_problems,
            "description": text_problems(description, required=True),
            "severity": choice_problems(severity, Severity),
            "serious": [] if isinstance(serious, bool) else [Message("boolean_invalid", _("Answer yes or no."), {})],
            "outcome": choice_problems(outcome, Outcome),
            "administration": administration_problems,
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
        event = AdverseEvent.objects.create(
            course=course,
            administration=administration,
            onset_on=onset_on,
            description=description.strip(),
            severity=severity,
            serious=serious,
            outcome=outcome,
            created_by=by,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=event,
            patient=patient,
            changes={
                "course": [None, course.pk],
                "administration": [None, administration.pk if administration else None],
                "onset_on": [None, onset_on],
                "severity": [None, severity],
                "serious": [None, serious],
                "outcome": [None, outcome],
            },
        )
    return event


def vaccination_record(
    *, by: Any, patient: Patient, vaccine: str, given_on: datetime.date, note: str = ""
) -> Vaccination:
    """Record a vaccination (meningococcal ACWY and B count for the C5-inhibitor rule)."""
    ensure_permitted(user=by, patient=patient)
    raise_if_any(
        {
            "vaccine": choice_problems(vaccine, Vaccine),
            "given_on": date_problems(given_on, not_before=patient.birth_date),
            "note": text_problems(note),
        }
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
        vaccination = Vaccination.objects.create(
            patient=patient, vaccine=vaccine, given_on=given_on, note=note, created_by=by
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=vaccination,
            patient=patient,
            changes={"vaccine": [None, vaccine], "given_on": [None, given_on]},
        )
    return vaccination


def weight_record(*, by: Any, patient: Patient, measured_on: datetime.date, weight_kg: Any) -> WeightRecord:
    """Record the patient's weight on a date (weight-based doses are checked against the latest)."""
    ensure_permitted(user=by, patient=patient)
    weight, weight_problems = _decimal(weight_kg, "weight_kg", required=True, maximum=MAX_WEIGHT_KG, strictly_positive=True, places=WEIGHT_PLACES)  # fmt: skip
    raise_if_any(
        {"measured_on": date_problems(measured_on, not_before=patient.birth_date), "weight_kg": weight_problems}
    )
    with transaction.atomic():
        patient = claim_patient(by, patient)
        record = WeightRecord.objects.create(patient=patient, measured_on=measured_on, weight_kg=weight, created_by=by)
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=record,
            patient=patient,
            changes={"measured_on": [None, measured_on], "weight_kg": [None, str(weight)]},
        )
    return record
