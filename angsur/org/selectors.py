"""Reads for the organisation."""

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from angsur.errors import NotFound
from angsur.org.models import ApiToken, Branch, User
from angsur.org.roles import Capability
from angsur.org.scoping import require


def branch_list(*, viewer) -> QuerySet[Branch]:
    """Branches the viewer may see."""
    qs = Branch.objects.select_related("company").filter(is_active=True)
    if viewer.is_head_office:
        return qs
    return qs.filter(pk=viewer.branch_id) if viewer.branch_id else qs.none()


def api_token_list(*, viewer, now: dt.datetime) -> QuerySet[ApiToken]:
    """The viewer's own tokens that still work: not revoked, not expired, issued under the current password."""
    return ApiToken.objects.filter(
        user=viewer, revoked_at__isnull=True, expires_at__gt=now, password_fingerprint=viewer.password_fingerprint
    ).order_by("-created_at", "-pk")


def api_token_get(*, viewer, pk: int, now: dt.datetime) -> ApiToken:
    """One of the viewer's own working tokens (another person's, or a dead one, is not found)."""
    token = api_token_list(viewer=viewer, now=now).select_related("user__branch").filter(pk=pk).first()
    if token is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return token


def user_for_unlock(*, viewer, pk: int) -> User:
    """A user account head office may unlock."""
    require(viewer, Capability.CONFIG_MANAGE)
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return user


def branch_get(*, viewer, pk: int) -> Branch:
    """A branch the viewer may see."""
    branch = branch_list(viewer=viewer).filter(pk=pk).first()
    if branch is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return branch
