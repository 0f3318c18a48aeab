"""Personal API tokens: issued and revoked by their owner or on the command line, stored hashed,
refused when wrong or revoked, and audited."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qadam.api.models import ApiToken
from qadam.api.selectors import TokenRejected, token_for_secret
from qadam.api.services import token_create, token_revoke
from qadam.audit.models import AuditEntry
from qadam.audit.services import audit_verify
from qadam.core.exceptions import Invalid, InvalidState, NotAllowed

from .conftest import ApiClient, assert_problem, session_client, token_client


def bearer(secret: str) -> ApiClient:
    from django.test import Client

    return ApiClient(Client(raise_request_exception=False), {"Authorization": f"Bearer {secret}"})


def test_a_token_is_stored_only_as_its_sha256_digest(world):
    issued = token_create(by=world.clinician_a, user=world.clinician_a, name="export script")
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert row.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret.startswith(f"qadam_{row.prefix}_")
    stored = [str(value) for value in ApiToken.objects.filter(pk=row.pk).values().first().values()]
    assert issued.secret not in stored


def test_a_valid_token_authenticates_its_owner(world):
    response = token_client(world.clinician_a).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "clinician_a"
    assert body["memberships"] == [{"center": "center-a", "center_name": "Center center-a", "role": "clinician"}]


def test_each_use_is_noted_on_the_token(world):
    issued = token_create(by=None, user=world.clinician_a)
    assert issued.token.last_used_at is None
    bearer(issued.secret).get("/api/v1/me")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None


@pytest.mark.parametrize(
    "secret",
    [
        "qadam_000000000000_wrong",
        "not-a-token",
        "",
        "qadam__x",
    ],
)
def test_a_wrong_token_is_refused(world, secret):
    token_create(by=None, user=world.clinician_a)
    body = assert_problem(bearer(secret).get("/api/v1/me"), 401, "token_invalid")
    assert body["type"] == "urn:qadam:problem:unauthenticated"


def test_a_token_with_a_right_prefix_but_a_wrong_secret_is_refused(world):
    issued = token_create(by=None, user=world.clinician_a)
    tampered = issued.secret[:-4] + ("AAAA" if not issued.secret.endswith("AAAA") else "BBBB")
    assert_problem(bearer(tampered).get("/api/v1/me"), 401, "token_invalid")


def test_a_revoked_token_is_refused_at_once(world):
    issued = token_create(by=None, user=world.clinician_a)
    client = bearer(issued.secret)
    assert client.get("/api/v1/me").status_code == 200
    token_revoke(by=world.clinician_a, token=issued.token)
    response = client.get("/api/v1/me")
    assert_problem(response, 401, "token_revoked")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_token_of_a_deactivated_user_is_refused(world):
    issued = token_create(by=None, user=world.clinician_a)
    world.clinician_a.is_active = False
    world.clinician_a.save(update_fields=["is_active"])
    with pytest.raises(TokenRejected):
        token_for_secret(issued.secret)
    assert_problem(bearer(issued.secret).get("/api/v1/me"), 401, "token_invalid")


def test_without_any_credentials_the_api_answers_401(db):
    from django.test import Client

    response = Client().get("/api/v1/patients")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_user_creates_lists_and_revokes_tokens_through_the_api(world):
    client = token_client(world.clinician_a, name="first")
    created = client.post("/api/v1/tokens", {"name": "nightly export"})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "nightly export" and body["token"].startswith("qadam_")
    assert bearer(body["token"]).get("/api/v1/me").json()["username"] == "clinician_a"

    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["nightly export", "first"]
    assert all("token" not in t for t in listed)

    assert client.delete(f"/api/v1/tokens/{body['id']}").status_code == 204
    assert_problem(bearer(body["token"]).get("/api/v1/me"), 401, "token_revoked")
    assert_problem(client.delete(f"/api/v1/tokens/{body['id']}"), 409, "token_already_revoked")


def test_nobody_revokes_someone_elses_token(world):
    theirs = token_create(by=None, user=world.clinician_b).token
    assert_problem(token_client(world.clinician_a).delete(f"/api/v1/tokens/{theirs.pk}"), 404, "not_visible")
    with pytest.raises(NotAllowed):
        token_revoke(by=world.clinician_a, token=theirs)
    with pytest.raises(NotAllowed):
        token_create(by=world.clinician_a, user=world.clinician_b)
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_a_session_creates_tokens_with_the_csrf_token_only(world):
    strict = session_client(world.clinician_a, enforce_csrf=True)
    assert_problem(strict.post("/api/v1/tokens", {"name": "x"}), 403, "csrf_failed")
    assert not ApiToken.objects.exists()
    assert strict.get("/api/v1/tokens").status_code == 200  # reading needs no CSRF token

    strict.client.get("/api/v1/docs")  # the docs page sets the CSRF cookie
    csrf = strict.client.cookies["csrftoken"].value
    assert strict.post("/api/v1/tokens", {"name": "x"}, headers={"X-CSRFToken": csrf}).status_code == 201


def test_a_token_call_needs_no_csrf_token(world):
    from django.test import Client

    secret = token_create(by=None, user=world.clinician_a).secret
    client = ApiClient(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {secret}"})
    assert client.post("/api/v1/tokens", {"name": "x"}).status_code == 201


def test_token_names_are_checked(world):
    client = token_client(world.clinician_a)
    body = assert_problem(client.post("/api/v1/tokens", {"name": "x" * 101}), 422, "invalid_input")
    assert body["errors"][0]["code"] == "string_too_long"
    with pytest.raises(Invalid):
        token_create(by=None, user=world.clinician_a, name="bad\x00name")


def test_creation_and_revocation_are_audited(world):
    client = token_client(world.clinician_a)
    before = AuditEntry.objects.count()
    created = client.post("/api/v1/tokens", {"name": "audited"}).json()
    client.delete(f"/api/v1/tokens/{created['id']}")
    create, revoke = AuditEntry.objects.order_by("seq")[before:]
    assert (create.action, create.object_type, create.object_id) == ("create", "api.apitoken", str(created["id"]))
    assert create.actor_username == "clinician_a"
    assert create.changes["name"] == [None, "audited"] and create.changes["prefix"] == [None, created["prefix"]]
    assert created["token"] not in str(create.changes)
    assert (revoke.action, revoke.object_id, revoke.actor_username) == ("update", str(created["id"]), "clinician_a")
    assert revoke.changes["revoked_at"][0] is None
    assert audit_verify().ok


def test_the_command_creates_and_revokes_tokens(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "coordinator_a", "--name", "import", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.coordinator_a)
    assert token.name == "import" and token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert "shown only now" in err.getvalue()
    assert bearer(secret).get("/api/v1/me").json()["username"] == "coordinator_a"

    entry = AuditEntry.objects.filter(object_type="api.apitoken", object_id=str(token.pk)).get()
    assert (entry.actor_username, entry.actor_id, entry.reason) == ("", None, "command line")

    out = io.StringIO()
    call_command("token", "revoke", str(token.pk), stdout=out)
    assert f"Token {token.pk}" in out.getvalue() and "revoked" in out.getvalue()
    assert_problem(bearer(secret).get("/api/v1/me"), 401, "token_revoked")
    with pytest.raises(CommandError, match="already revoked"):
        call_command("token", "revoke", str(token.pk))


def test_the_command_refuses_unknown_users_and_tokens(world):
    with pytest.raises(CommandError, match="no user"):
        call_command("token", "create", "nobody")
    with pytest.raises(CommandError, match="no token"):
        call_command("token", "revoke", "999999")
    world.outsider.is_active = False
    world.outsider.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="active accounts"):
        call_command("token", "create", "outsider")


def test_revoking_twice_is_an_invalid_state(world):
    token = token_create(by=None, user=world.clinician_a).token
    token_revoke(by=None, token=token)
    with pytest.raises(InvalidState):
        token_revoke(by=None, token=token)
