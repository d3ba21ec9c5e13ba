"""Servicing's worklists, registered in the one registry (org/worklists.py) when the app is ready.

BOOKS_TO_MAKE's items are applications; REVERSALS_WAITING's are contracts (kind "contracts": number,
customer, days past due, amount, link), the row shape collection's lists use too. WorklistOut declares
both keys: the home page and the API show the same lists.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angsur.finance.money import from_minor
from angsur.org.roles import Capability
from angsur.org.scoping import user_can
from angsur.org.worklists import Worklist
from angsur.servicing import selectors


@dataclass(frozen=True)
class ContractItem:
    """A contract on a worklist (the "contracts" row shape)."""

    contract_id: int
    number: str
    customer: str
    amount: Decimal
    url: str
    note: str = ""
    dpd: int = 0
    due_date: dt.date | None = None
    case_id: int | None = None


def _reversals(user, today) -> list[ContractItem]:
    rows = []
    for r in selectors.reversals_waiting(viewer=user).order_by("requested_at")[:50]:
        who = r.requested_by.get_full_name() or r.requested_by.username
        rows.append(
            ContractItem(
                contract_id=r.contract_id,
                number=r.contract.number,
                customer=r.contract.customer_name,
                amount=from_minor(r.payment.amount_sen),
                url=reverse("contract_detail", args=[r.contract_id]),
                note=_("reversal asked by %(name)s: %(reason)s") % {"name": who, "reason": r.reason[:80]},
            )
        )
    return rows


BOOKS_TO_MAKE = Worklist(
    "books_to_make",
    gettext_lazy("Approved applications to book"),
    "applications",
    lambda user: user_can(user, Capability.CONTRACT_BOOK),
    lambda user, today: list(selectors.books_to_make(viewer=user).select_related("dealer")[:50]),
    empty=gettext_lazy("Nothing to book."),
    order=15,
)
REVERSALS_WAITING = Worklist(
    "reversals_waiting",
    gettext_lazy("Payment reversals waiting for your approval"),
    "contracts",
    lambda user: user_can(user, Capability.PAYMENT_REVERSE_APPROVE) and not user.is_head_office,
    _reversals,
    empty=gettext_lazy("No reversal waits for you."),
    order=16,
)

# Registered by ServicingConfig.ready (WorklistOut declares both).
WORKLISTS: tuple[Worklist, ...] = (BOOKS_TO_MAKE, REVERSALS_WAITING)
