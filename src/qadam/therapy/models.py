"""Therapies: courses, administrations, adverse events, vaccinations and weights, per patient.

The drug catalogue, dose schedules and safety rules are the pure ``qadam.regimens`` library
(clinical.md §B); these models only record what was prescribed and given. Drug codes are the keys of
``qadam.regimens.DRUGS``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qadam.assessments.models import Visit
from qadam.centers.models import Center
from qadam.patients.models import Patient

ADJUVANT_PREFIX = "adjuvant:"


def drug_name(code: str, lang: str | None = None) -> str:
    """The name of a drug code in ``lang`` (default: the active language); the code if unknown.

    Codes are the keys of ``qadam.regimens.DRUGS``, or ``adjuvant:<CLASS>`` for a pain-adjuvant class
    of ``qadam.regimens.ADJUVANT_CLASSES`` (clinical.md §B.4).
    """
    from qadam.regimens import ADJUVANT_CLASSES, DRUGS

    lang = (lang or get_language() or "en")[:2]
    if code.startswith(ADJUVANT_PREFIX):
        adjuvant = ADJUVANT_CLASSES.get(code[len(ADJUVANT_PREFIX) :])
        return adjuvant.name.get(lang) if adjuvant else code
    entry = DRUGS.get(code)
    return entry.name.get(lang) if entry else code


class Jurisdiction(models.TextChoices):
    EU = "EU", _("EU SmPC")
    US = "US", _("US prescribing information")


class Regimen(models.TextChoices):
    STANDARD = "standard", _("Standard")
    HIGH_DOSE = "high_dose", _("High dose (nusinersen 50/28 mg)")


class StopReason(models.TextChoices):
    COMPLETED = "completed", _("Course completed")
    LACK_OF_EFFECT = "lack_of_effect", _("Lack of effect")
    ADVERSE_EVENT = "adverse_event", _("Adverse event")
    PATIENT_CHOICE = "patient_choice", _("Patient's choice")
    ACCESS = "access", _("No access to the drug")
    TRANSITION = "transition", _("Transition to another therapy or center")
    OTHER = "other", _("Other reason")


class Route(models.TextChoices):
    INTRATHECAL = "intrathecal", _("Intrathecal")
    ORAL = "oral", _("Oral")
    IV = "iv", _("Intravenous")
    SC = "sc", _("Subcutaneous")
    IM = "im", _("Intramuscular")
    EXTRACORPOREAL = "extracorporeal", _("Extracorporeal")
    TOPICAL = "topical", _("Topical")


class Severity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")
    LIFE_THREATENING = "life_threatening", _("Life-threatening")


class Outcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    RECOVERING = "recovering", _("Recovering")
    NOT_RECOVERED = "not_recovered", _("Not recovered")
    FATAL = "fatal", _("Fatal")
    UNKNOWN = "unknown", _("Unknown")


class Vaccine(models.TextChoices):
    MENINGOCOCCAL_ACWY = "meningococcal_acwy", _("Meningococcal ACWY")
    MENINGOCOCCAL_B = "meningococcal_b", _("Meningococcal B")
    PNEUMOCOCCAL = "pneumococcal", _("Pneumococcal")
    INFLUENZA = "influenza", _("Influenza")
    HEPATITIS_B = "hepatitis_b", _("Hepatitis B")
    OTHER = "other", _("Other vaccine")


class TherapyCourse(models.Model):
    """One drug given to one patient from ``started_on`` until ``stopped_on`` (open while active).

    ``row_version`` grows by one with every change (optimistic locking, as for patients).
    """

    StopReason = StopReason

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="therapy_courses")
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="therapy_courses", verbose_name=_("center")
    )
    drug = models.CharField(_("drug"), max_length=64)
    # A product code of the catalogue (``spinraza``, ``soliris``, ``botox`` …) or, for a pain
    # adjuvant class (drug ``adjuvant:<CLASS>``), the substance (``pregabalin``); blank if not given.
    product = models.CharField(_("product"), max_length=64, blank=True)
    started_on = models.DateField(_("started on"))
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.CharField(_("reason for stopping"), max_length=20, choices=StopReason.choices, blank=True)
    indication = models.TextField(_("indication"), blank=True)
    # Label the schedule follows (clinical.md §0: EU SmPC by default), the label version where the
    # rules differ (FcRn cycle gaps) and the nusinersen regimen (12 mg standard or 50/28 mg).
    jurisdiction = models.CharField(_("label jurisdiction"), max_length=2, choices=Jurisdiction.choices, default="EU")
    label_version = models.CharField(_("label version"), max_length=16, default="current", blank=True)
    regimen = models.CharField(_("regimen"), max_length=16, choices=Regimen.choices, default="standard")
    # C5 inhibitors: antibiotic prophylaxis started instead of vaccination ≥2 weeks before (§B.2).
    prophylaxis_started_on = models.DateField(_("antibiotic prophylaxis started on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("therapy course")
        verbose_name_plural = _("therapy courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=models.F("started_on")),
                name="course_stops_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(stopped_on__isnull=True) & Q(stop_reason=""))
                | (Q(stopped_on__isnull=False) & Q(stop_reason__in=StopReason.values)),
                name="course_stop_reason_with_stop",
            ),
        ]
        indexes = [models.Index(fields=["patient", "drug"], name="course_patient_drug")]

    def __str__(self) -> str:
        return f"{self.drug} from {self.started_on}"

    @property
    def is_active(self) -> bool:
        return self.stopped_on is None

    def is_active_on(self, day: date) -> bool:
        """True when ``day`` falls within the course (the stop day itself still counts)."""
        return self.started_on <= day and (self.stopped_on is None or day <= self.stopped_on)

    def drug_name(self, lang: str | None = None) -> str:
        """The drug's name in ``lang`` (default: the active language); the code for an unknown drug."""
        return drug_name(self.drug, lang)


class Administration(models.Model):
    """One dose given within a course.

    ``procedure`` holds, for intrathecal doses, ``{approach, imaging_guidance, needle_gauge,
    csf_removed_ml, attempts, sedation}``; for botulinum toxin ``{product, injections: [{muscle,
    side, units}]}``; ``{}`` otherwise.
    """

    Route = Route

    course = models.ForeignKey(TherapyCourse, on_delete=models.CASCADE, related_name="administrations")
    given_on = models.DateField(_("given on"))
    dose = models.DecimalField(_("dose"), max_digits=20, decimal_places=4, null=True, blank=True)
    dose_unit = models.CharField(_("dose unit"), max_length=32, blank=True)
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    weight_kg = models.DecimalField(
        _("weight used for dosing (kg)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    visit = models.ForeignKey(Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="administrations")
    procedure = models.JSONField(_("procedure"), default=dict, blank=True)
    lot = models.CharField(_("lot"), max_length=64, blank=True)
    cycle_number = models.PositiveSmallIntegerField(_("cycle"), null=True, blank=True)
    override_reason = models.TextField(_("reason for overriding a safety rule"), blank=True)
    findings = models.JSONField(_("acknowledged findings"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")
        constraints = [
            models.CheckConstraint(condition=Q(route__in=Route.values), name="administration_route_known"),
            models.CheckConstraint(
                condition=Q(dose__isnull=True) | Q(dose__gte=0), name="administration_dose_positive"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gt=0), name="administration_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} on {self.given_on}"


class AdverseEvent(models.Model):
    Severity = Severity
    Outcome = Outcome

    course = models.ForeignKey(TherapyCourse, on_delete=models.CASCADE, related_name="adverse_events")
    administration = models.ForeignKey(
        Administration, on_delete=models.SET_NULL, null=True, blank=True, related_name="adverse_events"
    )
    onset_on = models.DateField(_("onset"))
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    serious = models.BooleanField(_("serious"), default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.UNKNOWN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["onset_on", "id"]
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="adverse_event_severity_known"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="adverse_event_outcome_known"),
        ]

    def __str__(self) -> str:
        return f"{self.severity} on {self.onset_on}"


class Vaccination(models.Model):
    Vaccine = Vaccine

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="vaccinations")
    vaccine = models.CharField(_("vaccine"), max_length=24, choices=Vaccine.choices)
    given_on = models.DateField(_("given on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("vaccination")
        verbose_name_plural = _("vaccinations")
        constraints = [models.CheckConstraint(condition=Q(vaccine__in=Vaccine.values), name="vaccination_known")]

    def __str__(self) -> str:
        return f"{self.vaccine} on {self.given_on}"


class WeightRecord(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="weights")
    measured_on = models.DateField(_("measured on"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=6, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("weight")
        verbose_name_plural = _("weights")
        constraints = [models.CheckConstraint(condition=Q(weight_kg__gt=0), name="weight_positive")]

    def __str__(self) -> str:
        return f"{self.weight_kg} kg on {self.measured_on}"
