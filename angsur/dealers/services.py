"""Writes for dealers."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record, snapshot
from angsur.dealers.models import Dealer, DealerUser
from angsur.errors import DomainError
from angsur.org.models import Branch, User
from angsur.org.roles import Role


@transaction.atomic
def dealer_create(*, actor: User | None, branch: Branch, code: str, name: str, brand: str, vehicle_kind: str, **fields: Any) -> Dealer:
    """Register a dealer (or sub-dealer) under a branch."""
    if Dealer.objects.filter(code=code).exists():
        raise DomainError("dealer_code_taken", _("A dealer with this code already exists."), field="code")
    dealer = Dealer.objects.create(branch=branch, code=code, name=name, brand=brand, vehicle_kind=vehicle_kind, **fields)
    audit_record(actor=actor, action="dealer.create", obj=dealer, after=snapshot(dealer))
    return dealer


@transaction.atomic
def dealer_user_link(*, actor: User | None, user: User, dealer: Dealer) -> DealerUser:
    """Attach a dealer-role login to its dealer."""
    if user.role != Role.DEALER:
        raise DomainError("not_dealer_role", _("Only users with the dealer role can be linked to a dealer."), field="user")
    if user.branch_id != dealer.branch_id:
        raise DomainError("branch_mismatch", _("The user and the dealer must belong to the same branch."), field="dealer")
    link, _created = DealerUser.objects.update_or_create(user=user, defaults={"dealer": dealer})
    audit_record(actor=actor, action="dealer.user_link", obj=link, branch=dealer.branch, after={"user": user.pk, "dealer": dealer.pk})
    return link
