"""Reads for products, rate cards and saved quotes."""

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from angsur.caching import cached
from angsur.errors import DomainError
from angsur.finance import FeeSpec, RoundingRule, Timing
from angsur.products.models import CompanyNpf, FeeBasis, InsuranceKind, MinDpTier, Product, RateCard


def product_list(*, active_only: bool = True, with_rate_cards: bool = False) -> QuerySet[Product]:
    """The products (active only by default), with their rate cards, lines, fees and branches when asked."""
    qs = Product.objects.all()
    if with_rate_cards:
        qs = qs.prefetch_related("rate_cards__lines", "rate_cards__fees", "rate_cards__branch")
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
        .select_related("branch")
        .prefetch_related("lines", "fees")
        .order_by("-effective_from")
    )
    cards = list(cards)
    branch_cards = [c for c in cards if c.branch_id is not None and c.branch_id == branch_id]
    chosen = branch_cards[0] if branch_cards else next((c for c in cards if c.branch_id is None), None)
    if chosen is None:
        raise DomainError("no_rate_card", _("No rate card is in force for this product on %(date)s.") % {"date": as_of}, field="product")
    return chosen


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


@dataclass(frozen=True, slots=True)
class RateLine:
    """One rate-card line: rate and insurance premium for a tenor and a vehicle-age band (years)."""

    tenor_months: int
    vehicle_age_from: int
    vehicle_age_to: int
    rate_pct: Decimal
    insurance_pct: Decimal


@dataclass(frozen=True)
class PricingTerms:
    """Everything a quote is priced on, detached from the ORM: a product's rate card in force for a
    branch on a date, with its lines and fees, and the regulatory minimum DP on that date.

    Immutable and picklable, so it can be cached (`pricing_terms_for_code`) and shared by the
    tenors of a comparison or the candidates of a counter-offer without querying again.
    """

    product_id: int
    product_code: str
    vehicle_kind: str
    rate_card_id: int
    rate_card_effective_from: dt.date
    rate_card_branch_name: str  # empty for the company-wide card
    rate_kind: str
    timing: str
    rounding_unit: int
    rounding_direction: str
    residue: str
    product_min_dp_pct: Decimal
    regulatory_min_dp_pct: Decimal
    max_vehicle_age_at_maturity: int
    insurance_kind: str
    insurance_financed: bool
    life_insurance_pct: Decimal
    life_insurance_financed: bool
    dp_step: int
    lines: tuple[RateLine, ...]
    fees: tuple[FeeSpec, ...]
    # The tenor each fee of `fees` is for (None: every tenor), position by position.
    fee_tenors: tuple[int | None, ...] = ()
    min_financed: int = 0  # rupiah: the rate card's minimum amount financed

    @property
    def min_dp_pct(self) -> Decimal:
        """The minimum DP that applies: the product's own or the regulation's, whichever is higher."""
        return max(self.product_min_dp_pct, self.regulatory_min_dp_pct)

    def line_for(self, *, tenor_months: int, vehicle_age: int) -> RateLine | None:
        """The line for a tenor and vehicle age (None when the product does not offer it)."""
        for line in self.lines:
            if line.tenor_months == tenor_months and line.vehicle_age_from <= vehicle_age <= line.vehicle_age_to:
                return line
        return None

    def tenors(self, *, vehicle_age: int) -> tuple[int, ...]:
        """The tenors offered for a vehicle of this age, shortest first (derived once per age: the terms are immutable)."""
        tenors = self._tenors_by_age.get(vehicle_age)
        if tenors is None:
            lines = self.lines
            tenors = tuple(sorted({ln.tenor_months for ln in lines if ln.vehicle_age_from <= vehicle_age <= ln.vehicle_age_to}))
            self._tenors_by_age[vehicle_age] = tenors
        return tenors

    @functools.cached_property
    def _tenors_by_age(self) -> dict[int, tuple[int, ...]]:
        return {}

    @functools.cached_property
    def _fees_by_line(self) -> dict[RateLine, tuple[FeeSpec, ...]]:
        return {}

    # Derived once per snapshot (a cached snapshot prices many quotes); cached_property writes the
    # instance __dict__ directly, so it works on a frozen dataclass.
    @functools.cached_property
    def rounding_rule(self) -> RoundingRule:
        """The installment rounding rule of the card."""
        return RoundingRule(unit=Decimal(self.rounding_unit), direction=self.rounding_direction)

    @functools.cached_property
    def timing_rule(self) -> Timing:
        """ADDB or ADDM, as the finance core's enum."""
        return Timing(self.timing)

    def fees_for(self, line: RateLine) -> tuple[FeeSpec, ...]:
        """The fees of a quote on this line: the card's (for every tenor or this one), the line's insurance premium, life insurance.

        Derived once per line (a cached snapshot prices many quotes on the same lines)."""
        fees = self._fees_by_line.get(line)
        if fees is None:
            fees = self._fees_by_line[line] = self._derive_fees(line)
        return fees

    def _derive_fees(self, line: RateLine) -> tuple[FeeSpec, ...]:
        tenors = self.fee_tenors or (None,) * len(self.fees)
        fees = [fee for fee, tenor in zip(self.fees, tenors, strict=True) if tenor in (None, line.tenor_months)]
        if self.insurance_kind != InsuranceKind.NONE and line.insurance_pct > 0:
            code = f"insurance_{self.insurance_kind}"
            fees.append(FeeSpec(code=code, basis=FeeBasis.OTR, value=line.insurance_pct, financed=self.insurance_financed))
        if self.life_insurance_pct > 0:
            financed = self.life_insurance_financed
            fees.append(FeeSpec(code="life_insurance", basis=FeeBasis.PRINCIPAL, value=self.life_insurance_pct, financed=financed))
        return tuple(fees)


def pricing_terms(*, product: Product, branch_id: int | None, as_of: dt.date) -> PricingTerms:
    """Load a product's pricing terms for a branch on a date from the database (no cache)."""
    card = rate_card_in_force(product=product, branch_id=branch_id, as_of=as_of)
    return PricingTerms(
        product_id=product.pk,
        product_code=product.code,
        vehicle_kind=product.vehicle_kind,
        rate_card_id=card.pk,
        rate_card_effective_from=card.effective_from,
        rate_card_branch_name=card.branch.name if card.branch is not None else "",
        rate_kind=card.rate_kind,
        timing=card.timing,
        rounding_unit=card.rounding_unit,
        rounding_direction=card.rounding_direction,
        residue=card.residue,
        product_min_dp_pct=card.min_dp_pct,
        regulatory_min_dp_pct=regulatory_min_dp_pct(vehicle_kind=product.vehicle_kind, as_of=as_of),
        max_vehicle_age_at_maturity=card.max_vehicle_age_at_maturity,
        insurance_kind=card.insurance_kind,
        insurance_financed=card.insurance_financed,
        life_insurance_pct=card.life_insurance_pct,
        life_insurance_financed=card.life_insurance_financed,
        dp_step=card.dp_step,
        min_financed=card.min_financed,
        lines=tuple(
            RateLine(ln.tenor_months, ln.vehicle_age_from, ln.vehicle_age_to, ln.rate_pct, ln.insurance_pct) for ln in card.lines.all()
        ),
        fees=tuple(FeeSpec(code=str(f.code), basis=str(f.basis), value=f.value, financed=f.financed) for f in card.fees.all()),
        fee_tenors=tuple(f.tenor_months for f in card.fees.all()),
    )


def pricing_terms_for_code(*, code: str, branch_id: int | None, as_of: dt.date) -> PricingTerms:
    """Pricing terms of an active product by code, cached (angsur/caching.py, family "pricing").

    For quotes shown, not stored: every change to a product, rate card, line, fee, minimum-DP tier or
    NPF invalidates the cache, and saving a quote or an application loads its terms afresh.
    """
    key = code.strip().upper()
    return cached(
        "pricing",
        f"{key}:{branch_id}:{as_of.isoformat()}",
        lambda: pricing_terms(product=product_get_by_code(key), branch_id=branch_id, as_of=as_of),
    )
