"""Personas and small factories for tests (and for anyone exploring the registry in a shell).

``build_world()`` creates two centers and one user per role: the ``*_a`` users work in center A
("inside"), ``clinician_b`` and ``coordinator_b`` in center B ("outside"), the registry manager
belongs to center B only, and ``outsider`` has no role anywhere. Everything is created through
the services, so the audit chain is real from the first entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from qadam.centers.models import Center, Role
from qadam.centers.services import center_create, membership_grant, user_create
from qadam.patients.models import Patient
from qadam.patients.services import patient_register

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    center_a: Center
    center_b: Center
    clinician_a: Any
    coordinator_a: Any
    trainer_a: Any
    administrator_a: Any
    clinician_b: Any
    coordinator_b: Any
    manager: Any
    outsider: Any


def make_center(code: str, *, region: str = "almaty", kind: str = "city", city: str = "Almaty") -> Center:
    """Create a center with a recognisable code and name."""
    return center_create(code=code, name=f"Center {code}", region=region, city=city, kind=kind)


def make_user(username: str, *roles: tuple[Center, str], language: str = "en") -> Any:
    """Create a user with the shared test password and the given (center, role) memberships."""
    user = user_create(username=username, password=PASSWORD, language=language, check_password_strength=False)
    for center, role in roles:
        membership_grant(user=user, center=center, role=role)
    return user


def build_world() -> World:
    """Create the two centers and the personas described in the module docstring."""
    a = make_center("center-a", region="kostanay", city="Kostanay", kind="regional")
    b = make_center("center-b", region="mangystau", city="Aktau", kind="city")
    return World(
        center_a=a,
        center_b=b,
        clinician_a=make_user("clinician_a", (a, Role.CLINICIAN)),
        coordinator_a=make_user("coordinator_a", (a, Role.COORDINATOR)),
        trainer_a=make_user("trainer_a", (a, Role.TRAINER)),
        administrator_a=make_user("administrator_a", (a, Role.ADMINISTRATOR)),
        clinician_b=make_user("clinician_b", (b, Role.CLINICIAN)),
        coordinator_b=make_user("coordinator_b", (b, Role.COORDINATOR)),
        manager=make_user("manager", (b, Role.REGISTRY_MANAGER)),
        outsider=make_user("outsider"),
    )


def make_patient(
    by: Any,
    center: Center,
    *,
    birth_date: datetime.date = datetime.date(2015, 3, 14),
    sex: str = "female",
    full_name: str = "",
    iin: str = "",
) -> Patient:
    """Register a patient through ``patient_register``."""
    return patient_register(by=by, center=center, birth_date=birth_date, sex=sex, full_name=full_name, iin=iin)
