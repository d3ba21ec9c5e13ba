"""Price a quote from a product's rate card, and save it for a prospect."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.finance import (
    FinanceError,
    Quote,
    QuoteInput,
    RateSpec,
    RoundingRule,
    Timing,
    check_minimum_dp,
    check_vehicle_age_at_maturity,
    compute_quote,
    dsr,
    dsr_within,
    minimum_dp_amount,
    pct_shown_up,
    solve_dp_for_dsr,
)
from angsur.finance.quote import check_quote_amounts, check_quote_terms
from angsur.formatting import format_rupiah
from angsur.products.errors import finance_error_to_domain
from angsur.products.models import Product
from angsur.products.selectors import PricingTerms, pricing_terms


@dataclass(frozen=True)
class PricedQuote:
    """A finance-core quote together with the product terms it was priced on."""

    quote: Quote
    terms: PricingTerms
    rate_pct: Decimal
    allowed_tenors: tuple[int, ...]

    @property
    def rate_card_id(self) -> int:
        return self.terms.rate_card_id

    @property
    def min_dp_pct(self) -> Decimal:
        return self.terms.min_dp_pct


def _vehicle_age(vehicle_year: int, as_of: dt.date) -> int:
    return max(0, as_of.year - vehicle_year)


def _quote_input(
    *,
    terms: PricingTerms,
    otr: Decimal,
    down_payment: Decimal,
    tenor_months: int,
    vehicle_year: int,
    as_of: dt.date,
    first_due_date: dt.date | None,
) -> tuple[QuoteInput, Decimal, tuple[int, ...]]:
    age = _vehicle_age(vehicle_year, as_of)
    tenors = terms.tenors(vehicle_age=age)
    line = terms.line_for(tenor_months=tenor_months, vehicle_age=age)
    if line is None:
        if not tenors:
            raise DomainError(
                "vehicle_too_old", _("This product does not finance a vehicle of %(age)s years.") % {"age": age}, field="vehicle_year"
            )
        raise DomainError(
            "tenor_not_allowed",
            _("This product does not offer a tenor of %(tenor)s months (allowed: %(allowed)s).")
            % {"tenor": tenor_months, "allowed": ", ".join(str(t) for t in tenors)},
            field="tenor_months",
        )
    data = QuoteInput(
        otr=otr,
        down_payment=down_payment,
        tenor_months=tenor_months,
        rate=RateSpec(kind=terms.rate_kind, annual_pct=line.rate_pct),
        timing=terms.timing_rule,
        fees=terms.fees_for(line),
        rounding=terms.rounding_rule,
        residue=terms.residue,
        contract_date=as_of,
        first_due_date=first_due_date,
        allowed_tenors=tenors,
    )
    return data, line.rate_pct, tenors


def quote_price(
    *,
    as_of: dt.date,
    otr: Decimal,
    down_payment: Decimal,
    tenor_months: int,
    vehicle_year: int,
    product: Product | None = None,
    branch_id: int | None = None,
    terms: PricingTerms | None = None,
    first_due_date: dt.date | None = None,
    enforce_min_dp: bool = True,
    card_date: dt.date | None = None,
) -> PricedQuote:
    """Price one quote on the rate card in force, checking minimum DP and vehicle age at maturity.

    Give either the product and branch (the terms are loaded from the database) or `terms` already
    loaded (`pricing_terms`, or the cached `pricing_terms_for_code` for a quote that is only shown).
    `as_of` is the contract (signing) date the schedule runs from; `card_date` the date whose rate
    card applies, when it differs: booking re-prices on the card pinned at approval.
    """
    if terms is None:
        if product is None:
            raise TypeError("quote_price needs a product or its pricing terms")
        terms = pricing_terms(product=product, branch_id=branch_id, as_of=card_date or as_of)
    if vehicle_year > as_of.year + 1:
        raise DomainError("invalid_vehicle_year", _("The vehicle year lies in the future."), field="vehicle_year")
    try:
        check_quote_terms(otr=otr, down_payment=down_payment, tenor_months=tenor_months)
        data, rate_pct, tenors = _quote_input(
            terms=terms,
            otr=otr,
            down_payment=down_payment,
            tenor_months=tenor_months,
            vehicle_year=vehicle_year,
            as_of=as_of,
            first_due_date=first_due_date,
        )
        check_vehicle_age_at_maturity(vehicle_year, as_of, tenor_months, terms.max_vehicle_age_at_maturity)
        _check_min_financed(otr - down_payment, Decimal(terms.min_financed))
        quote = compute_quote(data)
        check_quote_amounts(quote)
        if enforce_min_dp:
            check_minimum_dp(otr, down_payment, terms.min_dp_pct)
    except FinanceError as error:
        raise finance_error_to_domain(error) from error
    return PricedQuote(quote=quote, terms=terms, rate_pct=rate_pct, allowed_tenors=tenors)


def _check_min_financed(amount: Decimal, minimum: Decimal) -> None:
    """Refuse an amount financed below the minimum (the installment's rounding would dominate its price).

    Only a positive amount: a DP at or above the OTR, or an OTR that is not positive, is the core's to
    refuse with its own, better-named message.
    """
    if 0 < amount < minimum:
        raise DomainError(
            "financing_too_small",
            _("The amount financed (%(amount)s) is below this product's minimum of %(minimum)s: raise the OTR or lower the DP.")
            % {"amount": format_rupiah(amount), "minimum": format_rupiah(minimum)},
            field="down_payment",
        )


def quote_compare(
    *, terms: PricingTerms, as_of: dt.date, otr: Decimal, down_payment: Decimal, vehicle_year: int
) -> list[tuple[int, PricedQuote | None, DomainError | None]]:
    """Price every tenor the product allows, side by side (a refused tenor carries its reason)."""
    rows: list[tuple[int, PricedQuote | None, DomainError | None]] = []
    for tenor in terms.tenors(vehicle_age=_vehicle_age(vehicle_year, as_of)):
        try:
            priced = quote_price(
                terms=terms, as_of=as_of, otr=otr, down_payment=down_payment, tenor_months=tenor, vehicle_year=vehicle_year
            )
            rows.append((tenor, priced, None))
        except DomainError as error:
            rows.append((tenor, None, error))
    return rows


def quote_from_terms(
    *,
    otr: Decimal,
    down_payment: Decimal,
    tenor_months: int,
    as_of: dt.date,
    flat_rate: Decimal | None = None,
    effective_rate: Decimal | None = None,
    timing: str = "addb",
    rounding_unit: Decimal = Decimal("1000"),
    rounding_direction: str = "up",
    residue: str = "interest",
    first_due_date: dt.date | None = None,
) -> Quote:
    """Price a quote from explicit terms (no product): the CLI's and the API's free simulation.

    The CLI and the API pass what they were given as it is: the one check of the terms' limits
    (finance.quote.check_quote_terms) and the core's own validation refuse what is out of range.
    """
    try:
        check_quote_terms(otr=otr, down_payment=down_payment, tenor_months=tenor_months, rounding_unit=rounding_unit)
    except FinanceError as error:
        raise finance_error_to_domain(error) from error
    if (flat_rate is None) == (effective_rate is None):
        raise DomainError("rate_required", _("Give exactly one of the flat rate or the effective rate."), field="rate")
    if timing not in {t.value for t in Timing}:
        raise DomainError("invalid_timing", _("Payment timing must be addb or addm."), field="timing")
    rate = RateSpec(kind="flat", annual_pct=flat_rate) if flat_rate is not None else RateSpec(kind="effective", annual_pct=effective_rate)
    _check_min_financed(otr - down_payment, Decimal(settings.ANGSUR_MIN_FINANCED))
    try:
        quote = compute_quote(
            QuoteInput(
                otr=otr,
                down_payment=down_payment,
                tenor_months=tenor_months,
                rate=rate,
                timing=Timing(timing),
                rounding=RoundingRule(unit=rounding_unit, direction=rounding_direction),
                residue=residue,
                contract_date=as_of,
                first_due_date=first_due_date,
            )
        )
        check_quote_amounts(quote)
    except FinanceError as error:
        raise finance_error_to_domain(error) from error
    return quote


def quote_down_payment(*, otr: Decimal, down_payment: Decimal | None, down_payment_pct: Decimal | None) -> Decimal:
    """The down payment given as an amount, or as a percentage of the OTR (rounded up to the rupiah)."""
    if down_payment is not None:
        return down_payment
    if down_payment_pct is None:
        raise DomainError("required", _("Give the down payment as an amount or a percentage."), field="down_payment")
    try:
        check_quote_terms(otr=otr, down_payment=Decimal(0), tenor_months=1)
        # Rounded up to the rupiah, so it never falls below the percentage (the minimum-DP rounding).
        return minimum_dp_amount(otr, down_payment_pct)
    except FinanceError as error:
        raise finance_error_to_domain(error) from error


@dataclass(frozen=True)
class CounterOffer:
    """A workable deal: the terms that bring the DSR within the ceiling and meet the minimum DP."""

    kind: str  # "dp": larger DP at the same tenor; "tenor": longer tenor at the same DP
    down_payment: Decimal
    tenor_months: int
    installment: Decimal
    tdp: Decimal
    dsr_pct: Decimal

    def as_dict(self) -> dict[str, str | int]:
        return {
            "kind": self.kind,
            "down_payment": str(self.down_payment),
            "tenor_months": self.tenor_months,
            "installment": str(self.installment),
            "tdp": str(self.tdp),
            "dsr_pct": str(self.dsr_pct),
        }


def counter_offer_at(
    *,
    terms: PricingTerms,
    as_of: dt.date,
    kind: str,
    otr: Decimal,
    down_payment: Decimal,
    tenor_months: int,
    vehicle_year: int,
    income: Decimal,
    existing_installments: Decimal,
    max_dsr_pct: Decimal,
) -> CounterOffer | None:
    """The deal at these terms as a counter-offer, or None when its DSR breaks the ceiling.

    The one check of an offer: the engine's offers (counter_offers) and a tenor of the decider's choice
    (origination's decision) are priced and compared with the same DSR (finance.policy.dsr). A price the
    product refuses (a tenor it does not offer, a DP under its minimum) raises its DomainError.
    """
    p = quote_price(terms=terms, as_of=as_of, otr=otr, down_payment=down_payment, tenor_months=tenor_months, vehicle_year=vehicle_year)
    if income <= 0:
        return None
    ratio = dsr(p.quote.installment, existing_installments, income)
    if not dsr_within(ratio, max_dsr_pct):
        return None
    return CounterOffer(kind, down_payment, tenor_months, p.quote.installment, p.quote.tdp.total, pct_shown_up(ratio))


def counter_offers(
    *,
    product: Product,
    branch_id: int | None,
    as_of: dt.date,
    otr: Decimal,
    down_payment: Decimal,
    tenor_months: int,
    vehicle_year: int,
    income: Decimal,
    existing_installments: Decimal,
    max_dsr_pct: Decimal,
) -> list[CounterOffer]:
    """Counter-offers from the quote engine: the smallest DP at this tenor, and the shortest tenor at this DP.

    Every offer is checked with the one DSR (finance.policy.dsr) against the same ceiling the
    analysis uses, so an accepted counter-offer passes the analysis (a property test says so).
    """
    terms = pricing_terms(product=product, branch_id=branch_id, as_of=as_of)
    min_dp_pct = terms.min_dp_pct
    if not dsr_within(dsr(Decimal(0), existing_installments, income), max_dsr_pct):
        return []  # the existing installments alone exceed the ceiling: no terms can fit
    current = quote_price(
        terms=terms,
        as_of=as_of,
        otr=otr,
        down_payment=down_payment,
        tenor_months=tenor_months,
        vehicle_year=vehicle_year,
        enforce_min_dp=False,
    ).quote
    dp_meets_minimum = down_payment * 100 >= otr * min_dp_pct
    if dsr_within(dsr(current.installment, existing_installments, income), max_dsr_pct) and dp_meets_minimum:
        return []  # the deal already fits: nothing to counter
    offers: list[CounterOffer] = []

    def priced(kind: str, dp: Decimal, tenor: int) -> None:
        try:
            offer = counter_offer_at(
                terms=terms,
                as_of=as_of,
                kind=kind,
                otr=otr,
                down_payment=dp,
                tenor_months=tenor,
                vehicle_year=vehicle_year,
                income=income,
                existing_installments=existing_installments,
                max_dsr_pct=max_dsr_pct,
            )
        except DomainError:
            return
        if offer is not None:
            offers.append(offer)

    try:
        data, _rate, tenors = _quote_input(
            terms=terms,
            otr=otr,
            down_payment=down_payment,
            tenor_months=tenor_months,
            vehicle_year=vehicle_year,
            as_of=as_of,
            first_due_date=None,
        )
        dp = solve_dp_for_dsr(
            data,
            income=income,
            existing_installments=existing_installments,
            max_dsr_pct=max_dsr_pct,
            min_dp_pct=min_dp_pct,
            step=Decimal(terms.dp_step),
        )
        if dp is not None and dp > down_payment:
            priced("dp", dp, tenor_months)
        # Each tenor has its own rate line, so price the longer tenors one by one (there are few).
        if dp_meets_minimum:
            before = len(offers)
            for tenor in (t for t in tenors if t > tenor_months):
                priced("tenor", down_payment, tenor)
                if len(offers) > before:
                    break
    except (FinanceError, DomainError):
        return offers
    return offers
