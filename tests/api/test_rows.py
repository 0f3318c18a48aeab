"""The statements written out for every request (token, visit, roles) give what the ORM gives."""

from __future__ import annotations

import datetime

from django.forms.models import model_to_dict

from qadam.api.models import ApiToken
from qadam.api.selectors import _token_row, _visit_row, token_for_secret
from qadam.api.services import token_create
from qadam.assessments.models import Visit
from qadam.assessments.services import visit_create
from qadam.centers.models import UserProfile
from qadam.centers.selectors import roles_by_center


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_token_row_is_the_orm_s(world):
    secret = token_create(by=None, user=world.clinician_a, name="laptop").secret
    row = token_for_secret(secret)
    orm = ApiToken.objects.select_related("user").get(pk=row.pk)
    assert _values(row) == _values(orm)
    assert _values(row.user) == _values(orm.user)
    assert row._state.adding is False and row.user._state.adding is False
    profile = UserProfile.objects.filter(user=world.clinician_a).first()
    assert row.profile_language == (profile.language if profile else None)
    UserProfile.objects.update_or_create(user=world.clinician_a, defaults={"language": "kk"})
    assert token_for_secret(secret).profile_language == "kk"
    assert _token_row("no-such-prefix") is None


def test_the_visit_row_is_the_orm_s(world, patient_a):
    visit = visit_create(
        by=world.clinician_a, patient=patient_a, visit_date=datetime.date(2026, 3, 2), kind="routine", note="ok"
    )
    row = _visit_row(visit.pk)
    orm = Visit.objects.select_related("patient__center").get(pk=visit.pk)
    assert _values(row) == _values(orm)
    assert _values(row.patient) == _values(orm.patient)
    assert model_to_dict(row.patient.center) == model_to_dict(orm.patient.center)
    assert Visit.patient.is_cached(row)
    assert _visit_row(visit.pk + 1000) is None


def test_roles_are_read_for_the_user(world):
    roles = roles_by_center(world.clinician_a)
    assert roles == {world.center_a.pk: frozenset({"clinician"})}
