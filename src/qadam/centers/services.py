"""Creating centers, users and memberships, and a user's language choice. All writes are audited.

``by=None`` means the system itself (``qadam demo``, data imports from the command line); a user
passed as ``by`` must be an administrator.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from qadam.audit.models import Action
from qadam.audit.services import audit_record
from qadam.core.exceptions import Invalid, Message, NotAllowed
from qadam.core.validation import choice_problems, raise_if_any, text_problems

from .models import Center, Kind, Language, Membership, Region, Role, UserProfile
from .selectors import forget_roles, is_administrator


def _require_administrator(by: Any) -> None:
    if by is not None and not is_administrator(by):
        raise NotAllowed()


def center_create(*, by: Any = None, code: str, name: str, region: str, city: str, kind: str) -> Center:
    """Create a center; ``code`` is a unique slug such as ``almaty-childrens``."""
    _require_administrator(by)
    code_problems = (
        []
        if code and slugify(code) == code
        else [
            Message(
                "code_invalid",
                _("Use lower-case letters, digits and dashes. Got “%(value)s” instead."),
                {"value": code},
            )
        ]
    )
    raise_if_any(
        {
            "code": code_problems,
            "name": text_problems(name, max_length=200, required=True),
            "region": choice_problems(region, Region),
            "city": text_problems(city, max_length=100, required=True),
            "kind": choice_problems(kind, Kind),
        }
    )
    try:
        with transaction.atomic():
            center = Center.objects.create(code=code, name=name, region=region, city=city, kind=kind)
            audit_record(
                actor=by,
                action=Action.CREATE,
                obj=center,
                changes={f: [None, getattr(center, f)] for f in ("code", "name", "region", "city", "kind")},
            )
    except IntegrityError:
        if Center.objects.filter(code=code).exists():
            raise Invalid.field(
                "code", "code_taken", _("A center with the code “%(value)s” already exists."), {"value": code}
            ) from None
        raise
    return center


def user_create(
    *,
    by: Any = None,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = Language.ENGLISH,
    check_password_strength: bool = True,
) -> Any:
    """Create an active user with a profile; the password must pass Django's validators unless
    ``check_password_strength`` is False (synthetic demo accounts)."""
    _require_administrator(by)
    user_model = get_user_model()
    errors: dict[str, list[Message]] = {
        "username": text_problems(username, max_length=150, required=True),
        "language": choice_problems(language, Language),
    }
    if check_password_strength:
        try:
            validate_password(password, user_model(username=username, first_name=first_name, last_name=last_name))
        except ValidationError as error:
            errors["password"] = [Message(e.code or "password_invalid", " ".join(e.messages)) for e in error.error_list]
    raise_if_any(errors)
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(
                username=username, password=password, first_name=first_name, last_name=last_name, email=email
            )
            UserProfile.objects.create(user=user, language=language)
            audit_record(
                actor=by,
                action=Action.CREATE,
                obj=user,
                changes={"username": [None, username], "language": [None, language]},
            )
    except IntegrityError:
        if user_model.objects.filter(username=username).exists():
            raise Invalid.field(
                "username", "username_taken", _("The user name “%(value)s” is taken."), {"value": username}
            ) from None
        raise
    return user


def membership_grant(*, by: Any = None, user: Any, center: Center, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``center`` (granting a role the user already has changes nothing)."""
    _require_administrator(by)
    raise_if_any({"role": choice_problems(role, Role)})
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, center=center, role=role)
        if created:
            audit_record(
                actor=by,
                action=Action.CREATE,
                obj=membership,
                changes={"user": [None, user.get_username()], "center": [None, center.code], "role": [None, role]},
            )
    forget_roles(user)
    return membership


def membership_revoke(*, by: Any = None, membership: Membership) -> None:
    """Remove a role from a user (the audit log keeps who had it)."""
    _require_administrator(by)
    with transaction.atomic():
        changes = {
            "user": [membership.user.get_username(), None],
            "center": [membership.center.code, None],
            "role": [membership.role, None],
        }
        audit_record(actor=by, action=Action.DELETE, obj=membership, changes=changes)
        membership.delete()
    forget_roles(membership.user)


def user_language_set(*, user: Any, language: str) -> UserProfile:
    """Store the language the user chose (kk, ru or en); it wins over the browser's language."""
    raise_if_any({"language": choice_problems(language, Language)})
    with transaction.atomic():
        profile, created = UserProfile.objects.select_for_update().get_or_create(
            user=user, defaults={"language": language}
        )
        if created or profile.language != language:
            old = None if created else profile.language
            profile.language = language
            profile.save(update_fields=["language"])
            audit_record(
                actor=user,
                action=Action.CREATE if created else Action.UPDATE,
                obj=profile,
                changes={"language": [old, language]},
            )
    return profile
