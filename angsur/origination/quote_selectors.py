"""Reads of saved quotes: the prospects a CMO, a dealer or the branch may see, one quote, its row."""

from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from angsur.dealers.selectors import scope_to_dealer
from angsur.errors import NotFound
from angsur.finance.money import money_str
from angsur.org.roles import Role
from angsur.origination.models import SavedQuote


def quote_list(*, viewer: Any) -> QuerySet[SavedQuote]:
    """Saved quotes the viewer may see: a CMO or dealer only their own; managers their branch."""
    qs = SavedQuote.objects.select_related("product", "dealer", "created_by")
    if viewer.role in {Role.CMO, Role.FRONT_OFFICE}:
        return qs.filter(created_by=viewer)
    return scope_to_dealer(qs, viewer)


def prospect_list(*, viewer: Any, limit: int = 100) -> list[SavedQuote]:
    """The viewer's saved quotes as prospects: the next follow-up first, then those without one, newest first."""
    qs = quote_list(viewer=viewer).order_by(F("follow_up_on").asc(nulls_last=True), "-created_at", "-id")
    return list(qs[:limit])


def quote_get(*, viewer: Any, pk: Any) -> SavedQuote:
    quote = quote_list(viewer=viewer).filter(pk=pk).first()
    if quote is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return quote


def quote_row(q: SavedQuote) -> dict[str, Any]:
    """A saved quote as a prospect row (GET /api/quotes, the CMO's worklist): one projection for both."""
    return {
        "id": q.pk,
        "prospect_name": q.prospect_name,
        "prospect_phone": q.prospect_phone,
        "product": q.product.code,
        "vehicle": " ".join(part for part in (q.vehicle_brand, q.vehicle_model, str(q.vehicle_year)) if part),
        "tenor_months": q.tenor_months,
        "installment": money_str(q.installment),
        "tdp": money_str(q.tdp),
        "as_of": q.as_of,
        "dealer_id": q.dealer_id,
        "follow_up_on": q.follow_up_on,
        "follow_up_note": q.follow_up_note,
    }


def rate_card_quoted(rate_card_id: int) -> bool:
    """A saved quote was priced on the rate card (which is then frozen: products.usage)."""
    return SavedQuote.objects.filter(rate_card_id=rate_card_id).exists()
