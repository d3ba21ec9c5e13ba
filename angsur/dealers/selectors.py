"""Reads for dealers, scoped by branch and, for dealer users, by their own dealer."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from angsur.dealers.models import Dealer
from angsur.errors import NotFound
from angsur.org.roles import Role
from angsur.org.scoping import scope_to_branch


def dealer_of(user: Any) -> Dealer | None:
    """The dealer a dealer user belongs to (None for staff)."""
    link = getattr(user, "dealer_link", None) if user.role == Role.DEALER else None
    return link.dealer if link else None


def scope_to_dealer(qs: QuerySet, user: Any, *, dealer_field: str = "dealer", branch_field: str = "branch") -> QuerySet:
    """Restrict to the user's branch, and for a dealer user to their own dealer only."""
    if getattr(user, "role", None) == Role.DEALER:
        dealer = dealer_of(user)
        if dealer is None:
            return qs.none()
        return qs.filter(**{f"{dealer_field}_id": dealer.pk}) if dealer_field else qs.filter(pk=dealer.pk)
    return scope_to_branch(qs, user, branch_field=branch_field)


def dealer_list(*, viewer: Any, search: str = "") -> QuerySet[Dealer]:
    """Active dealers the viewer may see."""
    qs = scope_to_dealer(Dealer.objects.select_related("branch", "parent"), viewer, dealer_field="")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(brand__icontains=search))
    return qs.order_by("name")


def dealer_get(*, viewer: Any, pk: Any) -> Dealer:
    """One dealer inside the viewer's scope, or NotFound."""
    obj = dealer_list(viewer=viewer).filter(pk=pk).first()
    if obj is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return obj
