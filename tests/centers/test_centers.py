"""Centers, roles and the admin site, which is open to administrators and superusers only."""

import pytest
from django.contrib.auth import get_user_model

from qadam.audit.models import AuditEntry
from qadam.centers.models import Membership, UserProfile
from qadam.centers.selectors import (
    centers_for,
    centers_where,
    forget_roles,
    is_administrator,
    is_registry_manager,
    roles_for,
    user_language,
)
from qadam.centers.services import center_create, membership_grant, membership_revoke, user_create, user_language_set
from qadam.core.exceptions import Invalid, NotAllowed
from qadam.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_roles_and_centers_of_each_persona(world):
    assert list(centers_for(world.clinician_a)) == [world.center_a]
    assert list(centers_for(world.outsider)) == []
    assert roles_for(world.coordinator_a, world.center_a) == {"coordinator"}
    assert roles_for(world.coordinator_a, world.center_b) == frozenset()
    assert list(centers_where(world.manager, ["registry_manager"])) == [world.center_b]
    assert is_registry_manager(world.manager) and not is_registry_manager(world.clinician_a)
    assert is_administrator(world.administrator_a) and not is_administrator(world.coordinator_a)


def test_a_user_may_hold_several_roles_in_several_centers(world):
    both = make_user(
        "both", (world.center_a, "clinician"), (world.center_b, "coordinator"), (world.center_a, "trainer")
    )
    assert roles_for(both, world.center_a) == {"clinician", "trainer"}
    assert set(centers_for(both)) == {world.center_a, world.center_b}
    membership_grant(user=both, center=world.center_a, role="clinician")  # granting twice changes nothing
    assert Membership.objects.filter(user=both).count() == 3


def test_superusers_get_the_admin_but_no_patient_access_by_themselves(world):
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    assert is_administrator(root)
    assert list(centers_for(root)) == [] and not is_registry_manager(root)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"code": "Bad Code"}, "code", "code_invalid"),
        ({"region": "atlantis"}, "region", "choice_invalid"),
        ({"kind": "spa"}, "kind", "choice_invalid"),
        ({"name": " "}, "name", "required"),
    ],
)
def test_center_input_is_checked(db, overrides, field, code):
    values = {
        "code": "aktau-city",
        "name": "Aktau City Hospital",
        "region": "mangystau",
        "city": "Aktau",
        "kind": "city",
        **overrides,
    }
    with pytest.raises(Invalid) as caught:
        center_create(**values)
    assert caught.value.codes() == {field: [code]}


def test_center_codes_are_unique(world):
    with pytest.raises(Invalid) as caught:
        center_create(code="center-a", name="Again", region="abai", city="Semey", kind="city")
    assert caught.value.codes() == {"code": ["code_taken"]}


def test_only_administrators_manage_centers_and_people(world):
    with pytest.raises(NotAllowed):
        center_create(by=world.coordinator_a, code="x", name="X", region="abai", city="Semey", kind="city")
    with pytest.raises(NotAllowed):
        membership_grant(by=world.clinician_a, user=world.outsider, center=world.center_a, role="clinician")
    membership = membership_grant(
        by=world.administrator_a, user=world.outsider, center=world.center_a, role="clinician"
    )
    assert roles_for(world.outsider, world.center_a) == {"clinician"}
    membership_revoke(by=world.administrator_a, membership=membership)
    assert roles_for(world.outsider, world.center_a) == frozenset()
    assert AuditEntry.objects.order_by("-seq").first().action == "delete"


def test_new_users_need_a_strong_password_unless_told_otherwise(db):
    with pytest.raises(Invalid) as caught:
        user_create(username="weak", password="123")
    assert "password" in caught.value.codes()
    user = user_create(username="strong", password="a long and unusual phrase 42", language="kk")
    assert user_language(user) == "kk"
    with pytest.raises(Invalid) as caught:
        user_create(username="strong", password="another long phrase 43")
    assert caught.value.codes() == {"username": ["username_taken"]}


def test_the_users_language_choice_is_stored_and_audited(world):
    user_language_set(user=world.clinician_a, language="ru")
    assert UserProfile.objects.get(user=world.clinician_a).language == "ru"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.changes) == ("update", {"language": ["en", "ru"]})
    with pytest.raises(Invalid):
        user_language_set(user=world.clinician_a, language="de")


def _admin_status(client, user, path="/admin/"):
    client.force_login(user)
    return client.get(path).status_code


def test_the_admin_is_open_to_administrators(world, client):
    assert _admin_status(client, world.administrator_a) == 200
    assert _admin_status(client, world.administrator_a, "/admin/patients/icd10code/") == 200
    assert _admin_status(client, world.administrator_a, "/admin/centers/center/") == 200


@pytest.mark.parametrize("persona", ["clinician_a", "coordinator_a", "trainer_a", "manager", "outsider"])
def test_the_admin_is_closed_to_everyone_else(world, client, persona):
    assert _admin_status(client, getattr(world, persona)) == 302
    assert _admin_status(client, getattr(world, persona), "/admin/patients/icd10code/") == 302


def test_the_admin_login_form_refuses_non_administrators(world, client):
    response = client.post("/admin/login/", {"username": "clinician_a", "password": PASSWORD})
    assert response.status_code == 200 and "administrators only" in response.content.decode()
    response = client.post("/admin/login/", {"username": "administrator_a", "password": PASSWORD})
    assert response.status_code == 302


def test_administrators_cannot_grant_superuser_rights_or_edit_superusers(world, client):
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(world.administrator_a)
    page = client.get(f"/admin/auth/user/{world.clinician_a.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    response = client.post(f"/admin/auth/user/{root.pk}/change/", {"username": "taken_over"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.username == "root"


def test_admin_changes_are_written_to_the_audit_chain(world, client):
    client.force_login(world.administrator_a)
    response = client.post(
        "/admin/patients/icd10code/add/",
        {
            "code": "G71.2",
            "title_en": "Congenital myopathies",
            "title_kk": "Туа біткен миопатиялар",
            "title_ru": "Врождённые миопатии",
            "group": "neuromuscular",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_username) == (
        "create",
        "patients.icd10code",
        "G71.2",
        "administrator_a",
    )
    assert entry.changes["title_en"] == [None, "Congenital myopathies"]


def test_roles_are_kept_on_the_user_object_until_forgotten(world, django_assert_num_queries):
    user = get_user_model().objects.get(pk=world.outsider.pk)
    assert roles_for(user, world.center_a) == frozenset()
    # A grant through another object of the same user: this object keeps what it read (as a
    # request does), a fresh object or a forgotten cache sees the grant.
    membership = membership_grant(
        user=get_user_model().objects.get(pk=user.pk), center=world.center_a, role="coordinator"
    )
    with django_assert_num_queries(0):
        assert roles_for(user, world.center_a) == frozenset()
    assert roles_for(get_user_model().objects.get(pk=user.pk), world.center_a) == {"coordinator"}
    forget_roles(user)
    assert roles_for(user, world.center_a) == {"coordinator"}
    membership_revoke(membership=membership)
    assert roles_for(membership.user, world.center_a) == frozenset()


def test_an_inactive_user_has_no_roles_even_when_they_were_read_before(world):
    user = get_user_model().objects.get(pk=world.clinician_a.pk)
    assert roles_for(user, world.center_a) == {"clinician"}
    user.is_active = False
    assert roles_for(user, world.center_a) == frozenset() and not is_registry_manager(user)


def test_roles_read_through_the_lazy_request_user_are_kept_on_the_user(world, django_assert_num_queries):
    from django.utils.functional import SimpleLazyObject

    user = get_user_model().objects.get(pk=world.coordinator_a.pk)
    request_user = SimpleLazyObject(lambda: user)
    assert roles_for(request_user, world.center_a) == {"coordinator"}
    with django_assert_num_queries(0):
        assert roles_for(user, world.center_a) == {"coordinator"}
    forget_roles(request_user)
    with django_assert_num_queries(1):
        assert roles_for(user, world.center_a) == {"coordinator"}
