"""Visits and item-level assessments, with the result computed by ``qadam.scales`` stored beside them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qadam.centers.models import Center
from qadam.patients.models import Patient


class VisitKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    ROUTINE = "routine", _("Routine follow-up")
    TREATMENT = "treatment", _("Treatment visit")
    UNSCHEDULED = "unscheduled", _("Unscheduled")
    TELEMEDICINE = "telemedicine", _("Telemedicine")


class Visit(models.Model):
    """A contact with the patient on one date, at one center."""

    Kind = VisitKind

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="visits")
    visit_date = models.DateField(_("visit date"))
    kind = models.CharField(_("visit type"), max_length=16, choices=VisitKind.choices)
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="visits", verbose_name=_("center"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-visit_date", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.CheckConstraint(condition=Q(kind__in=VisitKind.values), name="visit_kind_known")]
        indexes = [models.Index(fields=["patient", "-visit_date"], name="visit_patient_date")]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.visit_date} {self.kind}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")
    SIGNED = "signed", _("Signed")
    AMENDED = "amended", _("Amended, awaiting signature")


class Assessment(models.Model):
    """One administration of an instrument: raw item responses, context and the stored result.

    The result, total and band are what ``qadam.scales`` computed with ``scoring_version``; they are
    stored (not recomputed on display) so a later change of a scoring rule can be detected and the
    record rescored deliberately, never silently.
    """

    Status = Status

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.CharField(_("instrument"), max_length=32)
    instrument_version = models.CharField(_("instrument version"), max_length=64)
    responses = models.JSONField(_("item responses"), default=dict, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    total = models.FloatField(_("total"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=64, null=True, blank=True)
    scoring_version = models.CharField(_("scoring version"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(_("assessed on"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["assessed_on", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="assessment_status_known"),
            # A signed record always names its signer and time; an unsigned one never does.
            models.CheckConstraint(
                condition=(Q(status="signed") & Q(signed_by__isnull=False) & Q(signed_at__isnull=False))
                | (~Q(status="signed") & Q(signed_by__isnull=True) & Q(signed_at__isnull=True)),
                name="assessment_signature_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["instrument", "assessed_on"], name="assessment_instrument_date")]

    def __str__(self) -> str:
        return f"{self.instrument} {self.assessed_on} ({self.status})"


class AssessmentRevision(models.Model):
    """A signed version that was later amended, kept whole so both versions stay visible."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    status_before = models.CharField(_("status before"), max_length=12, choices=Status.choices)
    instrument_version = models.CharField(_("instrument version"), max_length=64)
    assessed_on = models.DateField(_("assessed on"))
    responses = models.JSONField(_("item responses"), default=dict)
    context = models.JSONField(_("context"), default=dict)
    result = models.JSONField(_("result"), null=True)
    total = models.FloatField(_("total"), null=True)
    band = models.CharField(_("band"), max_length=64, null=True)
    scoring_version = models.CharField(_("scoring version"), max_length=64, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    reason = models.TextField(_("reason for the amendment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["assessment", "number"]
        verbose_name = _("assessment revision")
        verbose_name_plural = _("assessment revisions")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="revision_number_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="revision_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} r{self.number}"
