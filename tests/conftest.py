"""Shared fixtures for the registry tests (the scales tests need none of them)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from qadam.core.testing import World, build_world, make_patient

# A valid IIN constructed by hand: weights 1..11 over 90010130000 give 9+4+6+21 = 40, 40 mod 11 = 7.
VALID_IIN = "900101300007"


@pytest.fixture(autouse=True)
def _language_reset_after_each_test():
    """A request leaves its language active in the thread; the next test starts from the default."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Password checks stay real; only the deliberately slow hash is swapped for test speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def patient_a(world):
    """A patient of center A, with a name and an IIN."""
    return make_patient(
        world.clinician_a,
        world.center_a,
        birth_date=datetime.date(1990, 1, 1),
        full_name="Aigerim Sadykova",
        iin=VALID_IIN,
    )


@pytest.fixture
def patient_b(world):
    """A patient of center B, with a name."""
    return make_patient(world.clinician_b, world.center_b, sex="male", full_name="Nurlan Bekov")
