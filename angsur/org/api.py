"""API: who am I, tokens, branches, unlocking an account."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from angsur.errors import PermissionDenied
from angsur.org.models import User
from angsur.org.roles import ROLE_CAPABILITIES, Capability
from angsur.org.selectors import api_token_get, api_token_list, branch_get, branch_list, user_for_unlock
from angsur.org.services import api_token_create, api_token_revoke, login_authenticate, user_unlock
from angsur.schemas import InputSchema

router = Router(tags=["organisation"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    branch_id: int | None
    branch_code: str | None
    capabilities: list[str]


class TokenIn(InputSchema):
    # The login form's limits: a megabyte-long password would otherwise be hashed with Argon2.
    username: str = Field(max_length=150)
    password: str = Field(max_length=256)
    name: str = Field(default="", max_length=100)


class TokenOut(Schema):
    token: str
    prefix: str
    expires_at: dt.datetime


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime


class UserLockOut(Schema):
    id: int
    username: str
    failed_login_count: int
    locked_until: dt.datetime | None


class BranchOut(Schema):
    id: int
    code: str
    name: str
    time_zone: str
    is_head_office: bool


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "branch_id": user.branch_id,
        "branch_code": user.branch.code if user.branch else None,
        "capabilities": sorted(ROLE_CAPABILITIES.get(user.role, ())),
    }


@router.post("/auth/token", response={201: TokenOut}, auth=None)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    """Exchange username and password for a bearer token that expires after ANGSUR_API_TOKEN_DAYS.

    Failed attempts are counted like the login form's: too many from one address answer 429
    `login_throttled` for a while; an unknown user, a wrong password and a locked account all answer
    401 `invalid_credentials`.
    """
    user = login_authenticate(username=payload.username, password=payload.password, request=request)
    if Capability.API_TOKEN not in ROLE_CAPABILITIES.get(user.role, ()):
        raise PermissionDenied("permission_denied", _("Your role is not allowed to use the API."))
    token, raw = api_token_create(user=user, name=payload.name)
    return Status(201, {"token": raw, "prefix": token.prefix, "expires_at": token.expires_at})


@router.get("/auth/tokens", response=list[TokenInfoOut])
def token_list(request: HttpRequest) -> list:
    """Your own tokens that still work (newest first); the token values themselves are never shown again."""
    return list(api_token_list(viewer=request.auth, now=timezone.now()))


@router.delete("/auth/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    """Revoke one of your own tokens (the one in use too); it stops working at once."""
    token = api_token_get(viewer=request.auth, pk=token_id, now=timezone.now())
    api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)


@router.post("/users/{user_id}/unlock", response=UserLockOut)
def user_unlock_endpoint(request: HttpRequest, user_id: int) -> User:
    """Clear an account's lock-out after failed logins (head office)."""
    return user_unlock(actor=request.auth, user=user_for_unlock(viewer=request.auth, pk=user_id))


@router.get("/branches", response=list[BranchOut])
def branches(request: HttpRequest) -> list:
    return list(branch_list(viewer=request.auth))


@router.get("/branches/{branch_id}", response=BranchOut)
def branch_detail(request: HttpRequest, branch_id: int):
    return branch_get(viewer=request.auth, pk=branch_id)
