"""Writes of saved quotes: price and save a quote for a prospect, plan its follow-up (both audited).

The pricing is products' (quote_price); what is kept of it, for whom and who may follow it up is origination's:
a saved quote is the start of an order.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.dealers.selectors import dealer_of
from angsur.errors import DomainError, PermissionDenied
from angsur.finance.money import to_minor
from angsur.org.models import User
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require
from angsur.origination.models import SavedQuote
from angsur.origination.quote_selectors import quote_get
from angsur.products.models import Product
from angsur.products.services import quote_price


@transaction.atomic
def quote_save(
    *,
    actor: User,
    product: Product,
    as_of: dt.date,
    otr: Decimal,
    down_payment: Decimal,
    tenor_months: int,
    vehicle_year: int,
    vehicle_condition: str,
    prospect_name: str,
    prospect_phone: str = "",
    vehicle_brand: str = "",
    vehicle_model: str = "",
    dealer: Any | None = None,
    first_due_date: dt.date | None = None,
) -> SavedQuote:
    """Price and save a quote for a prospect (audited)."""
    require(actor, Capability.QUOTE_CREATE)
    if actor.branch_id is None:
        raise PermissionDenied("branch_required", _("Quotes are made in a branch; your account has none."))
    if actor.role == Role.DEALER:
        dealer = dealer_of(actor)
    elif dealer is not None and dealer.branch_id != actor.branch_id:
        raise DomainError("dealer_outside_branch", _("The dealer belongs to another branch."), field="dealer")
    if not prospect_name.strip():
        raise DomainError("required", _("The prospect's name is required."), field="prospect_name")
    priced = quote_price(
        product=product,
        branch_id=actor.branch_id,
        as_of=as_of,
        otr=otr,
        down_payment=down_payment,
        tenor_months=tenor_months,
        vehicle_year=vehicle_year,
        first_due_date=first_due_date,
    )
    q = priced.quote
    saved = SavedQuote.objects.create(
        branch_id=actor.branch_id,
        created_by=actor,
        dealer=dealer,
        as_of=as_of,
        prospect_name=prospect_name.strip()[:120],
        prospect_phone=prospect_phone.strip()[:20],
        product=product,
        rate_card_id=priced.rate_card_id,
        vehicle_brand=vehicle_brand[:60],
        vehicle_model=vehicle_model[:80],
        vehicle_year=vehicle_year,
        vehicle_condition=vehicle_condition,
        otr_sen=to_minor(otr),
        down_payment_sen=to_minor(down_payment),
        tenor_months=tenor_months,
        timing=q.timing.value if hasattr(q.timing, "value") else str(q.timing),
        financed_principal_sen=to_minor(q.financed_principal),
        installment_sen=to_minor(q.installment),
        tdp_sen=to_minor(q.tdp.total),
        total_interest_sen=to_minor(q.total_interest),
        flat_rate_annual=q.flat_rate_annual,
        effective_rate_annual=q.effective_rate_annual,
        result=q.as_dict(),
    )
    audit_record(
        actor=actor,
        action="quote.save",
        obj=saved,
        after={
            "product": product.code,
            "rate_card": priced.rate_card_id,
            "otr": str(otr),
            "down_payment": str(down_payment),
            "tenor_months": tenor_months,
            "installment": str(q.installment),
            "tdp": str(q.tdp.total),
        },
    )
    return saved


# How far ahead a follow-up may be planned: a prospect not worth a call within a year is not a prospect.
FOLLOW_UP_MAX_DAYS = 366
FOLLOW_UP_NOTE_MAX = 200


@transaction.atomic
def quote_follow_up_set(*, actor: User, quote_id: int, follow_up_on: dt.date | None, note: str = "", today: dt.date) -> SavedQuote:
    """Set (or clear, with no date) when a saved quote's prospect is to be followed up, with a short note (audited).

    Whoever may make quotes and sees this one may set it: the CMO their own, the dealer its own, branch
    staff their branch's (the scope of quote_get). `today` is the branch's day: a follow-up is never planned
    in the past.
    """
    require(actor, Capability.QUOTE_CREATE)
    quote = quote_get(viewer=actor, pk=quote_id)
    note = (note or "").strip()
    if len(note) > FOLLOW_UP_NOTE_MAX:
        raise DomainError(
            "note_too_long", _("The note may have at most %(max)s characters.") % {"max": FOLLOW_UP_NOTE_MAX}, field="follow_up_note"
        )
    if follow_up_on is not None:
        if follow_up_on < today:
            raise DomainError("follow_up_in_past", _("The follow-up date cannot be in the past."), field="follow_up_on")
        latest = today + dt.timedelta(days=FOLLOW_UP_MAX_DAYS)
        if follow_up_on > latest:
            raise DomainError(
                "follow_up_too_far",
                _("Plan the follow-up within a year (by %(date)s).") % {"date": date_format(latest, "DATE_FORMAT")},
                field="follow_up_on",
            )
    locked = SavedQuote.objects.select_for_update().get(pk=quote.pk)
    before = {"follow_up_on": locked.follow_up_on.isoformat() if locked.follow_up_on else None, "follow_up_note": locked.follow_up_note}
    locked.follow_up_on = follow_up_on
    locked.follow_up_note = note
    locked.save(update_fields=["follow_up_on", "follow_up_note"])
    audit_record(
        actor=actor,
        action="quote.follow_up",
        obj=locked,
        before=before,
        after={"follow_up_on": follow_up_on.isoformat() if follow_up_on else None, "follow_up_note": note},
    )
    return locked
