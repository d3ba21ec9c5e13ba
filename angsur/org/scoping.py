"""Who may see what: capability checks and branch scoping, in one place."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from angsur.errors import NotFound, PermissionDenied
from angsur.org.roles import ROLE_CAPABILITIES


def user_can(user: Any, capability: str) -> bool:
    """True when the user's role holds the capability."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user: Any, capability: str) -> None:
    """Raise PermissionDenied unless the user holds the capability."""
    if not user_can(user, capability):
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))


def scope_to_branch(qs: QuerySet, user: Any, *, branch_field: str = "branch") -> QuerySet:
    """Restrict a queryset to the user's branch; head office sees every branch."""
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_head_office:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(**{f"{branch_field}_id": user.branch_id})


def get_scoped_or_404(qs: QuerySet, user: Any, *, pk: Any, branch_field: str = "branch") -> Any:
    """Fetch one record inside the user's scope, or raise NotFound (no hint that it exists elsewhere)."""
    obj = scope_to_branch(qs, user, branch_field=branch_field).filter(pk=pk).first()
    if obj is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return obj
