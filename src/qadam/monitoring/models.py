"""Monitoring protocols (versioned, per condition, per center) and transition checklists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qadam.centers.models import Center
from qadam.patients.models import Patient


class Condition(models.TextChoices):
    SMA = "sma", _("Spinal muscular atrophy")
    MG = "mg", _("Myasthenia gravis")
    STROKE = "stroke", _("Post-stroke rehabilitation")
    PAIN = "pain", _("Chronic and neuropathic pain")


# Words for the codes of protocol rows (``qadam.monitoring.due``), for screens and exports.
STATUS_LABELS = {
    "non_sitter": _("Non-sitter"),
    "sitter": _("Sitter"),
    "walker": _("Walker"),
}
TREATMENT_LABELS = {
    "untreated": _("Untreated"),
    "nusinersen": _("Nusinersen"),
    "risdiplam": _("Risdiplam"),
    "onasemnogene": _("Onasemnogene abeparvovec"),
    "standard": _("Standard therapy"),
    "c5_inhibitor": _("Complement C5 inhibitor"),
    "fcrn_blocker": _("FcRn blocker"),
    "rituximab": _("Rituximab"),
    "ivig_plex": _("IVIG or plasma exchange"),
    "botulinum": _("Botulinum toxin"),
    "analgesic": _("Analgesic adjuvant"),
}
ANCHOR_LABELS = {
    "diagnosis": _("Diagnosis"),
    "treatment_start": _("Treatment start"),
    "dose": _("Each dose"),
    "admission": _("Admission (baseline visit)"),
    "cycle_start": _("Start of each cycle"),
    "cycle_end": _("End of each cycle"),
}


class ProtocolVersion(models.Model):
    """One version of the monitoring protocol of a condition: the registry default or a center's.

    Versions are only ever added: editing a protocol saves a new version with its author, time and
    reason, and the newest version of a center (or, if the center has none, of the default) is in
    force. ``rows`` holds the rows as ``qadam.monitoring.due.ProtocolRow.as_dict`` gives them.
    """

    Condition = Condition

    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocol_versions",
        verbose_name=_("center"),
        help_text=_("Empty for the registry's default protocol."),
    )
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    number = models.PositiveIntegerField(_("version"))
    rows = models.JSONField(_("rows"), default=list)
    source = models.CharField(_("source"), max_length=300, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("based on")
    )
    reason = models.TextField(_("reason for the change"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["condition", "center_id", "-number"]
        verbose_name = _("protocol version")
        verbose_name_plural = _("protocol versions")
        constraints = [
            models.CheckConstraint(condition=Q(condition__in=Condition.values), name="protocol_condition_known"),
            models.UniqueConstraint(
                fields=["center", "condition", "number"],
                condition=Q(center__isnull=False),
                name="protocol_center_version_unique",
            ),
            models.UniqueConstraint(
                fields=["condition", "number"], condition=Q(center__isnull=True), name="protocol_default_version_unique"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="protocol_reason_given"),
        ]

    def __str__(self) -> str:
        owner = self.center.code if self.center_id else "default"
        return f"{self.condition} {owner} v{self.number}"


class TransitionItem(models.TextChoices):
    """Pediatric → adult handover items [RD] (Qadam registry design, docs/monitoring.md)."""

    ADULT_NEUROLOGIST = "adult_neurologist", _("Adult neurologist named")
    RESPIRATORY_REVIEW = "respiratory_review", _("Respiratory review with FVC")
    ADMINISTRATION_SITE = "administration_site", _("Site of therapy administration transferred")
    CONSENT_AT_18 = "consent_at_18", _("Consent re-signed by the patient at 18")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial and vocational support")
    SUMMARY_SENT = "summary_sent", _("Summary report sent to the adult service")


class TransitionStep(models.Model):
    """Progress on one transition item for one patient (the latest state; changes are audited)."""

    Item = TransitionItem

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="transition_steps")
    item = models.CharField(_("item"), max_length=24, choices=TransitionItem.choices)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["patient", "item"]
        verbose_name = _("transition step")
        verbose_name_plural = _("transition steps")
        constraints = [
            models.UniqueConstraint(fields=["patient", "item"], name="transition_step_unique"),
            models.CheckConstraint(condition=Q(item__in=TransitionItem.values), name="transition_item_known"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.item}"
