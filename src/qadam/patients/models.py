"""Patients: pseudonymous clinical records, kept apart from their direct identifiers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qadam.centers.models import Center


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Patient(models.Model):
    """A patient known to the registry only by a generated pseudonym.

    Names and IINs live in ``PatientIdentity`` so that the clinical record can be shown and exported
    without them. ``row_version`` grows by one with every change (optimistic locking).
    """

    Sex = Sex

    registry_id = models.CharField(_("registry id"), max_length=16, unique=True, editable=False)
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="patients", verbose_name=_("center"))
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["registry_id"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints = [models.CheckConstraint(condition=Q(sex__in=Sex.values), name="patient_sex_known")]
        indexes = [models.Index(fields=["center", "-updated_at"], name="patient_center_recent")]

    def __str__(self) -> str:
        return self.registry_id


class PatientIdentity(models.Model):
    """Direct identifiers of a patient, shown only to the staff of the patient's center."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="identity")
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("patient identity")
        verbose_name_plural = _("patient identities")
        constraints = [
            # One person, one record: an IIN may appear once; records without an IIN are allowed.
            models.UniqueConstraint(fields=["iin"], condition=~Q(iin=""), name="identity_iin_unique"),
        ]

    def __str__(self) -> str:
        return f"identity of {self.patient_id}"


class Icd10Code(models.Model):
    """An ICD-10 code the registry offers, with its title in the three languages."""

    class Group(models.TextChoices):
        SMA = "sma", _("Spinal muscular atrophy")
        NEUROMUSCULAR = "neuromuscular", _("Other neuromuscular diseases")
        MG = "mg", _("Myasthenia gravis")
        STROKE = "stroke", _("Stroke")
        PARALYSIS = "paralysis", _("Paralytic syndromes")
        PAIN = "pain", _("Pain")
        DEMENTIA = "dementia", _("Dementia and cognitive impairment")
        EPILEPSY = "epilepsy", _("Epilepsy")
        DEMYELINATING = "demyelinating", _("Demyelinating diseases")
        MOVEMENT = "movement", _("Movement disorders")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    title_en = models.CharField(_("title (English)"), max_length=255)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICD-10 code")
        verbose_name_plural = _("ICD-10 codes")

    def __str__(self) -> str:
        return f"{self.code} {self.title()}"

    def title(self, lang: str | None = None) -> str:
        """Return the title in ``lang`` (default: the active language), falling back to English."""
        lang = (lang or get_language() or "en")[:2]
        return getattr(self, f"title_{lang}", "") or self.title_en


class Diagnosis(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="diagnoses")
    icd10 = models.ForeignKey(Icd10Code, on_delete=models.PROTECT, related_name="+", verbose_name=_("ICD-10 code"))
    diagnosed_on = models.DateField(_("diagnosed on"))
    is_primary = models.BooleanField(_("primary diagnosis"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-is_primary", "diagnosed_on", "id"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        constraints = [
            models.UniqueConstraint(fields=["patient"], condition=Q(is_primary=True), name="diagnosis_one_primary"),
        ]

    def __str__(self) -> str:
        return f"{self.icd10_id} ({self.diagnosed_on})"


class Smn1Status(models.TextChoices):
    HOMOZYGOUS_DELETION = "homozygous_deletion", _("Homozygous SMN1 deletion")
    COMPOUND_HETEROZYGOUS = "compound_heterozygous", _("Deletion and point mutation (compound heterozygous)")
    OTHER = "other", _("Other SMN1 finding")


class SmaGenetics(models.Model):
    """SMA genetics: SMN1 status and SMN2 copy number (0–8; empty when not known)."""

    Smn1Status = Smn1Status

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="sma_genetics")
    smn1_status = models.CharField(_("SMN1 status"), max_length=24, choices=Smn1Status.choices)
    smn2_copies = models.PositiveSmallIntegerField(_("SMN2 copies"), null=True, blank=True)
    tested_on = models.DateField(_("tested on"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMA genetics")
        verbose_name_plural = _("SMA genetics")
        constraints = [
            models.CheckConstraint(condition=Q(smn1_status__in=Smn1Status.values), name="genetics_smn1_known"),
            models.CheckConstraint(
                condition=Q(smn2_copies__isnull=True) | Q(smn2_copies__gte=0, smn2_copies__lte=8),
                name="genetics_smn2_range",
            ),
        ]


class SmaType(models.TextChoices):
    TYPE_0 = "0", _("SMA type 0")
    TYPE_1 = "1", _("SMA type 1")
    TYPE_2 = "2", _("SMA type 2")
    TYPE_3 = "3", _("SMA type 3")
    TYPE_4 = "4", _("SMA type 4")


class FunctionalStatus(models.TextChoices):
    NON_SITTER = "non_sitter", _("Non-sitter")
    SITTER = "sitter", _("Sitter")
    WALKER = "walker", _("Walker")


class SmaStatus(models.Model):
    """SMA type and functional status on a date; the most recent row is the current status."""

    SmaType = SmaType
    FunctionalStatus = FunctionalStatus

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sma_statuses")
    recorded_on = models.DateField(_("recorded on"))
    sma_type = models.CharField(_("SMA type"), max_length=1, choices=SmaType.choices)
    functional_status = models.CharField(_("functional status"), max_length=12, choices=FunctionalStatus.choices)

    class Meta:
        ordering = ["recorded_on", "id"]
        get_latest_by = ["recorded_on", "id"]
        verbose_name = _("SMA status")
        verbose_name_plural = _("SMA statuses")
        constraints = [
            models.CheckConstraint(condition=Q(sma_type__in=SmaType.values), name="sma_status_type_known"),
            models.CheckConstraint(
                condition=Q(functional_status__in=FunctionalStatus.values), name="sma_status_function_known"
            ),
        ]


class ConsentKind(models.TextChoices):
    REGISTRY = "registry", _("Inclusion in the registry")
    RESEARCH = "research", _("Use for research")
    DATA_SHARING = "data_sharing", _("Data sharing")


class Consent(models.Model):
    """A consent given on a date, withdrawn later if ``withdrawn_on`` is set."""

    Kind = ConsentKind

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=16, choices=ConsentKind.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ConsentKind.values), name="consent_kind_known"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None
