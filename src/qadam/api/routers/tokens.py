"""Your personal API tokens and your account: ``/api/v1/tokens``, ``/api/v1/me``."""

from __future__ import annotations

from ninja import Router, Status

from qadam.centers.selectors import is_registry_manager, memberships_of, user_language

from .. import selectors, services, shapes
from ..schemas import IssuedTokenOut, MeOut, TokenIn, TokenOut

router = Router(tags=["tokens"])
me_router = Router(tags=["account"])


@me_router.get("", response=MeOut)
def me(request):
    """Who you are to the API: your user name, language and roles per center."""
    user = request.auth
    return {
        "username": user.get_username(),
        "language": user_language(user),
        "registry_manager": is_registry_manager(user),
        "memberships": [
            {"center": m.center.code, "center_name": m.center.name, "role": m.role}
            for m in memberships_of(user).order_by("center__code", "role")
        ],
    }


@router.get("", response=list[TokenOut])
def list_tokens(request):
    """Your tokens, newest first, revoked ones included (never their secrets)."""
    return [shapes.token_out(token) for token in selectors.tokens_of(request.auth)]


@router.post("", response={201: IssuedTokenOut})
def create_token(request, data: TokenIn):
    """Create a token for yourself. The answer holds the secret, which is never shown again."""
    issued = services.token_create(by=request.auth, user=request.auth, name=data.name)
    return Status(201, {**shapes.token_out(issued.token), "token": issued.secret})


@router.delete("/{token_id}", response={204: None})
def revoke_token(request, token_id: int):
    """Revoke one of your tokens at once."""
    token = selectors.token_get(owner=request.auth, token_id=token_id)
    services.token_revoke(by=request.auth, token=token)
    return Status(204, None)
