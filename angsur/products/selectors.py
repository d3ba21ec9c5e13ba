"""Reads for products, rate cards and saved quotes."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from angsur.dealers.selectors import scope_to_dealer
from angsur.errors import DomainError, NotFound
from angsur.org.roles import Role
from angsur.products.models import CompanyNpf, MinDpTier, Product, RateCard, RateCardLine, SavedQuote


def product_list(*, active_only: bool = True) -> QuerySet[Product]:
    qs = Product.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def product_get_by_code(code: str) -> Product:
    product = Product.objects.filter(code__iexact=code.strip(), is_active=True).first()
    if product is None:
        raise DomainError("unknown_product", _("Unknown or inactive product: %(code)s.") % {"code": code}, field="product")
    return product


def rate_card_in_force(*, product: Product, branch_id: int | None, as_of: dt.date) -> RateCard:
    """The rate card version in force on a date: the branch's own card wins over the company card."""
    cards = (
        RateCard.objects.filter(product=product, is_active=True, effective_from__lte=as_of)
        .filter(Q(branch_id=branch_id) | Q(branch__isnull=True))
        .prefetch_related("lines", "fees")
        .order_by("-effective_from")
    )
    cards = list(cards)
    branch_cards = [c for c in cards if c.branch_id is not None and c.branch_id == branch_id]
    chosen = branch_cards[0] if branch_cards else next((c for c in cards if c.branch_id is None), None)
    if chosen is None:
        raise DomainError("no_rate_card", _("No rate card is in force for this product on %(date)s.") % {"date": as_of}, field="product")
    return chosen


def rate_card_line_for(card: RateCard, *, tenor_months: int, vehicle_age: int) -> RateCardLine | None:
    """The line for a tenor and vehicle age (None when the product does not offer it)."""
    for line in card.lines.all():
        if line.tenor_months == tenor_months and line.vehicle_age_from <= vehicle_age <= line.vehicle_age_to:
            return line
    return None


def rate_card_tenors(card: RateCard, *, vehicle_age: int) -> tuple[int, ...]:
    return tuple(sorted({ln.tenor_months for ln in card.lines.all() if ln.vehicle_age_from <= vehicle_age <= ln.vehicle_age_to}))


def regulatory_min_dp_pct(*, vehicle_kind: str, as_of: dt.date) -> Decimal:
    """Minimum DP % of the POJK 35/2018 Pasal 20 tier the company's NPF falls in (0 if no table)."""
    npf = CompanyNpf.objects.filter(effective_from__lte=as_of).order_by("-effective_from").first()
    if npf is None:
        return Decimal("0")
    tiers = list(MinDpTier.objects.filter(vehicle_kind=vehicle_kind, effective_from__lte=as_of).order_by("npf_max_pct"))
    for tier in tiers:
        if npf.npf_pct <= tier.npf_max_pct:
            # A company that is not at least "sehat" cannot use the 0 % tier.
            if tier.min_dp_pct == 0 and not npf.is_sound:
                continue
            return tier.min_dp_pct
    return max((t.min_dp_pct for t in tiers), default=Decimal("0"))


def quote_list(*, viewer: Any) -> QuerySet[SavedQuote]:
    """Saved quotes the viewer may see: a CMO or dealer only their own; managers their branch."""
    qs = SavedQuote.objects.select_related("product", "dealer", "created_by")
    if viewer.role in {Role.CMO, Role.FRONT_OFFICE}:
        return qs.filter(created_by=viewer)
    return scope_to_dealer(qs, viewer)


def quote_get(*, viewer: Any, pk: Any) -> SavedQuote:
    quote = quote_list(viewer=viewer).filter(pk=pk).first()
    if quote is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return quote
