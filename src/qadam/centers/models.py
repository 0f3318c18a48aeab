"""Centers, the people who work in them, and their roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    # The 17 regions of Kazakhstan (after the 2022 reform) and the three cities of republican status.
    ABAI = "abai", _("Abai Region")
    AKMOLA = "akmola", _("Akmola Region")
    AKTOBE = "aktobe", _("Aktobe Region")
    ALMATY_REGION = "almaty_region", _("Almaty Region")
    ATYRAU = "atyrau", _("Atyrau Region")
    EAST_KAZAKHSTAN = "east_kazakhstan", _("East Kazakhstan Region")
    JAMBYL = "jambyl", _("Jambyl Region")
    JETISU = "jetisu", _("Jetisu Region")
    KARAGANDA = "karaganda", _("Karaganda Region")
    KOSTANAY = "kostanay", _("Kostanay Region")
    KYZYLORDA = "kyzylorda", _("Kyzylorda Region")
    MANGYSTAU = "mangystau", _("Mangystau Region")
    NORTH_KAZAKHSTAN = "north_kazakhstan", _("North Kazakhstan Region")
    PAVLODAR = "pavlodar", _("Pavlodar Region")
    TURKISTAN = "turkistan", _("Turkistan Region")
    ULYTAU = "ulytau", _("Ulytau Region")
    WEST_KAZAKHSTAN = "west_kazakhstan", _("West Kazakhstan Region")
    ASTANA = "astana", _("Astana (city)")
    ALMATY = "almaty", _("Almaty (city)")
    SHYMKENT = "shymkent", _("Shymkent (city)")


class Kind(models.TextChoices):
    REPUBLICAN = "republican", _("Republican center")
    REGIONAL = "regional", _("Regional hospital")
    CITY = "city", _("City hospital")
    CHILDREN = "children", _("Children's hospital")
    REHABILITATION = "rehabilitation", _("Rehabilitation center")
    OUTPATIENT = "outpatient", _("Outpatient clinic")


class Center(models.Model):
    """A hospital or clinic that enters data into the registry."""

    Region = Region
    Kind = Kind

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    city = models.CharField(_("city"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("center")
        verbose_name_plural = _("centers")
        constraints = [
            models.CheckConstraint(condition=models.Q(region__in=Region.values), name="center_region_known"),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="center_kind_known"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician (rater)")
    COORDINATOR = "coordinator", _("Coordinator")
    REGISTRY_MANAGER = "registry_manager", _("Registry manager")
    TRAINER = "trainer", _("Trainer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's role in one center; a user may hold several roles in several centers."""

    Role = Role

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        ordering = ["center__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "center", "role"], name="membership_unique_role"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.center} · {self.get_role_display()}"


class Language(models.TextChoices):
    KAZAKH = "kk", "Қазақша"
    RUSSIAN = "ru", "Русский"
    ENGLISH = "en", "English"


class UserProfile(models.Model):
    """Per-user preferences; the language chosen here wins over the browser's."""

    Language = Language

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(condition=models.Q(language__in=Language.values), name="profile_language_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"
