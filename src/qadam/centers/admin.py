"""Admin for centers, memberships and users; every change is also written to the audit chain."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from qadam.audit.models import Action
from qadam.audit.services import audit_record

from .models import Center, Membership, UserProfile
from .selectors import is_administrator

PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class AdministratorAccess:
    """Mixin: administrators and superusers may view and change; changes are audited."""

    def has_module_permission(self, request: Any) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        changes = {
            name: [form.initial.get(name) if change else None, form.cleaned_data.get(name)]
            for name in form.changed_data
        }
        changes.pop("password", None)
        super().save_model(request, obj, form, change)
        # The admin runs each change view in a transaction: the row and its audit entry commit together.
        audit_record(actor=request.user, action=Action.UPDATE if change else Action.CREATE, obj=obj, changes=changes)

    def delete_model(self, request: Any, obj: Any) -> None:
        audit_record(actor=request.user, action=Action.DELETE, obj=obj, changes={"deleted": [str(obj), None]})
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action=Action.DELETE, obj=obj, changes={"deleted": [str(obj), None]})
        super().delete_queryset(request, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["center"]

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_administrator(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_administrator(request.user)

    has_add_permission = has_change_permission = has_view_permission


@admin.register(Center)
class CenterAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["code", "name", "region", "city", "kind"]
    list_filter = ["region", "kind"]
    search_fields = ["code", "name", "city"]


@admin.register(Membership)
class MembershipAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["user", "center", "role"]
    list_filter = ["role", "center"]
    search_fields = ["user__username", "center__name"]
    autocomplete_fields = ["center"]


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class RegistryUserAdmin(AdministratorAccess, UserAdmin):
    inlines = [UserProfileInline, MembershipInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> tuple[str, ...]:
        # Only a superuser hands out Django-level privileges; administrators manage Qadam roles.
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else fields + PRIVILEGE_FIELDS

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


@admin.register(Group)
class RegistryGroupAdmin(AdministratorAccess, GroupAdmin):
    def has_module_permission(self, request: Any) -> bool:
        return request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, *args: request.user.is_superuser
    )
