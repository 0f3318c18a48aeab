from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "qadam.interop.imports"
    label = "interop_imports"
    verbose_name = _("Imported records")
    default_auto_field = "django.db.models.BigAutoField"
