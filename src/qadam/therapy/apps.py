from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TherapyConfig(AppConfig):
    name = "qadam.therapy"
    verbose_name = _("Therapies")
