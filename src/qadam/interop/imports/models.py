"""What an import needs to remember so that running it again changes nothing."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qadam.assessments.models import Assessment
from qadam.patients.models import Patient


class ExternalRecord(models.Model):
    """A patient as another system names them: ``source`` (e.g. ``redcap:sma_registry``) and its record id.

    The external id stays here, apart from the clinical record, and is never exported.
    """

    source = models.CharField(_("source"), max_length=100)
    external_id = models.CharField(_("external record id"), max_length=100)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+", verbose_name=_("patient"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("external record")
        verbose_name_plural = _("external records")
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="external_record_unique")]

    def __str__(self) -> str:
        return f"{self.source} {self.external_id}"


class ImportedAssessment(models.Model):
    """The idempotency key of an imported assessment (record, event, repeat instance and form).

    ``fingerprint`` is the SHA-256 of what was imported (instrument, date, responses, context and
    status), so a second run can tell an unchanged row from one edited in the source since.
    """

    source = models.CharField(_("source"), max_length=100)
    key = models.CharField(_("key"), max_length=255)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+", verbose_name=_("assessment"))
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported assessment")
        verbose_name_plural = _("imported assessments")
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="imported_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.source} {self.key}"
