"""API: who am I, tokens, branches."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from angsur.errors import NotFound, PermissionDenied
from angsur.org.roles import ROLE_CAPABILITIES, Capability
from angsur.org.selectors import branch_list
from angsur.org.services import api_token_create, login_authenticate
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
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    prefix: str


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
    """Exchange username and password for a bearer token (failed attempts count toward lock-out)."""
    user = login_authenticate(username=payload.username, password=payload.password, request=request)
    if Capability.API_TOKEN not in ROLE_CAPABILITIES.get(user.role, ()):
        raise PermissionDenied("permission_denied", _("Your role is not allowed to use the API."))
    _token, raw = api_token_create(user=user, name=payload.name)
    return Status(201, {"token": raw, "prefix": raw[:8]})


@router.get("/branches", response=list[BranchOut])
def branches(request: HttpRequest) -> list:
    return list(branch_list(viewer=request.auth))


@router.get("/branches/{branch_id}", response=BranchOut)
def branch_detail(request: HttpRequest, branch_id: int):
    branch = branch_list(viewer=request.auth).filter(pk=branch_id).first()
    if branch is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return branch
