"""Who may do what, and where: the single home of Qadam's access rules.

Every other selector and service asks these functions; no view, form or template decides access on
its own. The rules (see docs/registry.md):

* any role in a center lets a user see that center's patients, identities included;
* clinicians and coordinators of the patient's center change clinical data;
* only clinicians sign and amend assessments;
* a registry manager (in any center) sees the pseudonymous data of every center, identities only of
  the centers they belong to, and changes nothing clinical outside the roles they hold elsewhere;
* the coordinator of the patient's center and registry managers read the patient's audit trail;
* superusers and administrators manage reference data and users in the Django admin; being a
  superuser gives no access to patient records by itself.

A user's roles are read from the database once per user object and kept on it, the way Django's
own ``ModelBackend`` keeps ``_perm_cache``: the web app loads a fresh user for every request, so a
request sees the roles as they were when it started and a changed membership counts from the next
request on. ``membership_grant`` and ``membership_revoke`` forget the roles of the user objects they
are given; code that changes memberships otherwise and keeps using the same user object calls
``forget_roles``. Whether a user is active is always read from the object itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connections, router
from django.db.models import QuerySet

from .models import Center, Membership, Role, UserProfile

User = AbstractBaseUser | AnonymousUser

CLINICAL_WRITERS = frozenset({Role.CLINICIAN, Role.COORDINATOR})
SIGNERS = frozenset({Role.CLINICIAN})
AUDIT_READERS = frozenset({Role.COORDINATOR})


ROLES_ATTRIBUTE = "_qadam_roles_by_center"


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def roles_by_center(user: User | None) -> dict[int, frozenset[str]]:
    """Return {center id: roles} of an active user (one query per user object, then kept on it)."""
    if not _active(user):
        return {}
    # getattr/setattr, not __dict__: request.user is a lazy proxy that passes them to the user.
    cached = getattr(user, ROLES_ATTRIBUTE, None)
    if cached is None:
        grouped: dict[int, set[str]] = {}
        for center_id, role in _membership_rows(user.pk):
            grouped.setdefault(center_id, set()).add(role)
        cached = {center_id: frozenset(roles) for center_id, roles in grouped.items()}
        setattr(user, ROLES_ATTRIBUTE, cached)
    return cached


def _membership_rows(user_id: int) -> list[tuple[int, str]]:
    """(center id, role) of every membership of the user: the rows of
    ``Membership.objects.filter(user_id=user_id).order_by().values_list("center_id", "role")``, in a
    statement written out, since nearly every request by token or session runs it (without the model's
    default ordering, which joins the centers table for nothing here)."""
    connection = connections[router.db_for_read(Membership)]
    q = connection.ops.quote_name
    meta = Membership._meta
    sql = (
        f"SELECT {q(meta.get_field('center').column)}, {q(meta.get_field('role').column)} "
        f"FROM {q(meta.db_table)} WHERE {q(meta.get_field('user').column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return cursor.fetchall()


def forget_roles(user: User | None) -> None:
    """Drop the roles kept on this user object, so the next check reads them again."""
    if user is not None and hasattr(user, ROLES_ATTRIBUTE):
        delattr(user, ROLES_ATTRIBUTE)


def memberships_of(user: User | None) -> QuerySet[Membership]:
    """Return the user's memberships (none for anonymous or inactive users)."""
    if not _active(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("center")


def centers_for(user: User | None) -> QuerySet[Center]:
    """Return the centers the user belongs to, in any role."""
    if not _active(user):
        return Center.objects.none()
    return Center.objects.filter(memberships__user=user).distinct().order_by("name")


def centers_where(user: User | None, roles: Iterable[str]) -> QuerySet[Center]:
    """Return the centers where the user holds one of ``roles``."""
    if not _active(user):
        return Center.objects.none()
    return Center.objects.filter(memberships__user=user, memberships__role__in=list(roles)).distinct().order_by("name")


def roles_for(user: User | None, center: Center | int | None) -> frozenset[str]:
    """Return the user's roles in ``center`` (a center or its id)."""
    if center is None:
        return frozenset()
    center_id = center.pk if isinstance(center, Center) else center
    return roles_by_center(user).get(center_id, frozenset())


def _holds_anywhere(user: User | None, role: str) -> bool:
    return any(role in roles for roles in roles_by_center(user).values())


def is_registry_manager(user: User | None) -> bool:
    """Return True if the user is a registry manager in at least one center."""
    return _holds_anywhere(user, Role.REGISTRY_MANAGER)


def is_administrator(user: User | None) -> bool:
    """Return True for superusers and users holding the administrator role somewhere."""
    if not _active(user):
        return False
    return bool(user.is_superuser) or _holds_anywhere(user, Role.ADMINISTRATOR)


def can_view_center(user: User | None, center: Center | int) -> bool:
    """Return True if the user sees this center's patients with their identities."""
    return bool(roles_for(user, center))


def can_see_patients(user: User | None, center: Center | int) -> bool:
    """Return True if the user sees the records of ``center``'s patients (identities aside): any role
    there, or registry manager anywhere. The same rule as ``patients.selectors.patients_visible_to``."""
    return bool(roles_for(user, center)) or is_registry_manager(user)


def can_write_clinical(user: User | None, center: Center | int) -> bool:
    """Return True if the user may register patients and record clinical data in ``center``."""
    return bool(roles_for(user, center) & CLINICAL_WRITERS)


def can_sign(user: User | None, center: Center | int) -> bool:
    """Return True if the user may sign and amend assessments of ``center``'s patients."""
    return bool(roles_for(user, center) & SIGNERS)


def can_read_audit(user: User | None, center: Center | int) -> bool:
    """Return True if the user may read the audit trail of ``center``'s patients."""
    return bool(roles_for(user, center) & AUDIT_READERS) or is_registry_manager(user)


def user_language(user: User | None) -> str | None:
    """Return the language the user chose in their profile, or None."""
    if not _active(user):
        return None
    return UserProfile.objects.filter(user=user).values_list("language", flat=True).first()
