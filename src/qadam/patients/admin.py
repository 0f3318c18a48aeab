"""Admin for reference data only; patient records are reached through the registry's own screens."""

from django.contrib import admin

from qadam.centers.admin import AdministratorAccess

from .models import Icd10Code


@admin.register(Icd10Code)
class Icd10CodeAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["code", "title_en", "title_ru", "title_kk", "group"]
    list_filter = ["group"]
    search_fields = ["code", "title_en", "title_ru", "title_kk"]
    ordering = ["code"]
