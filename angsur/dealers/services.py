"""Writes for dealers."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record, snapshot
from angsur.dealers.models import Dealer, DealerCoverage, DealerUser
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


@transaction.atomic
def dealer_coverage_set(*, actor: User | None, dealer: Dealer, user: User, is_primary: bool = False) -> None:
    """Assign a CMO or supervisor to cover a dealer."""
    if user.branch_id != dealer.branch_id or user.role not in {Role.CMO, Role.MARKETING_SUPERVISOR, Role.MARKETING_HEAD}:
        raise DomainError("coverage_invalid", _("Only marketing staff of the dealer's branch can cover it."), field="user")
    if is_primary:
        DealerCoverage.objects.filter(dealer=dealer, is_primary=True).update(is_primary=False)
    DealerCoverage.objects.update_or_create(dealer=dealer, user=user, defaults={"is_primary": is_primary})
    audit_record(actor=actor, action="dealer.coverage_set", obj=dealer, after={"user": user.pk, "is_primary": is_primary})
