"""Check quotes against credit policy: minimum DP, vehicle age and DSR."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext

from angsur.finance import errors
from angsur.finance.errors import FinanceError
from angsur.finance.money import CONTEXT, HUNDRED, ONE, ZERO, money_str, to_decimal
from angsur.finance.schedule import add_months

_PCT_QUANTUM = Decimal("0.01")
# Ratios are divided at 34 digits rounding *away from the limit they are checked against*: a DSR
# (checked against a ceiling) up, a DP percent (checked against a floor) down. A limit has far fewer
# digits than 34, so "dsr <= ceiling" and "dp_pct >= minimum" then hold exactly when the true,
# unrounded ratio does (dsr <= c  <=>  debt x 100 <= income x c). Round only to show a ratio.
_TRAPS = [InvalidOperation, DivisionByZero, Overflow]
_RATIO_UP = Context(prec=34, rounding=ROUND_CEILING, traps=_TRAPS)
_RATIO_DOWN = Context(prec=34, rounding=ROUND_FLOOR, traps=_TRAPS)


# POJK 35/POJK.05/2018 Pasal 20: the minimum down payment for vehicle financing
# depends on the company's net NPF for vehicle financing and its soundness
# (tingkat kesehatan): a "sehat" company with NPF <= 1 % may go down to 0 %,
# 1-3 % needs 10 %, 3-5 % needs 15 %; weaker companies 15-25 % by vehicle class
# and purpose. The tiers in force are configuration (a table per soundness),
# never constants here.
@dataclass(frozen=True, slots=True)
class MinDpTier:
    """State the regulatory minimum DP for a vehicle class up to an NPF ceiling."""

    vehicle_class: str
    npf_max_pct: Decimal
    min_dp_pct: Decimal


def required_min_dp_pct(
    tiers: Iterable[MinDpTier],
    vehicle_class: str,
    npf_pct: Decimal,
    product_min_pct: Decimal,
) -> Decimal:
    """Return the minimum DP percent: the higher of the NPF tier and the product's own."""
    npf = to_decimal(npf_pct, "npf_pct")
    product_min = to_decimal(product_min_pct, "product_min_pct")
    if not ZERO <= product_min <= HUNDRED:
        raise FinanceError(
            errors.PERCENT_OUT_OF_RANGE,
            field="product_min_pct",
            params={"value": str(product_min)},
        )
    # The tier that applies is the lowest NPF ceiling at or above the company's NPF.
    matching = sorted(
        (tier for tier in tiers if tier.vehicle_class == vehicle_class and npf <= tier.npf_max_pct),
        key=lambda tier: tier.npf_max_pct,
    )
    if not matching:
        raise FinanceError(
            errors.MIN_DP_TIER_MISSING,
            field="vehicle_class",
            params={"vehicle_class": vehicle_class, "npf_pct": str(npf)},
        )
    return max(to_decimal(matching[0].min_dp_pct, "min_dp_pct"), product_min)


def minimum_dp_amount(otr: Decimal, required_pct: Decimal) -> Decimal:
    """Return the smallest whole-rupiah DP that meets required_pct of OTR."""
    with localcontext(CONTEXT):
        exact = to_decimal(otr, "otr") * to_decimal(required_pct, "required_pct") / HUNDRED
        return exact.quantize(ONE, rounding=ROUND_CEILING) + ZERO


def check_minimum_dp(otr: Decimal, down_payment: Decimal, required_pct: Decimal) -> None:
    """Raise dp_below_minimum unless down_payment is at least required_pct of OTR."""
    otr = to_decimal(otr, "otr")
    down_payment = to_decimal(down_payment, "down_payment")
    required_pct = to_decimal(required_pct, "required_pct")
    # Compare exactly (DP x 100 >= OTR x pct, each product at the core's 34 digits); the rupiah amount is for the message.
    if CONTEXT.multiply(down_payment, HUNDRED) >= CONTEXT.multiply(otr, required_pct):
        return
    raise FinanceError(
        errors.DP_BELOW_MINIMUM,
        field="down_payment",
        params={
            "required_pct": format(required_pct, "f"),
            "required_amount": money_str(minimum_dp_amount(otr, required_pct)),
        },
    )


def vehicle_age_at_maturity(vehicle_year: int, contract_date: date, tenor_months: int) -> int:
    """Return the vehicle's age in years (by model year) when the contract matures."""
    maturity = add_months(contract_date, tenor_months)
    return maturity.year - vehicle_year


def check_vehicle_age_at_maturity(vehicle_year: int, contract_date: date, tenor_months: int, max_age_years: int) -> None:
    """Raise vehicle_too_old if the vehicle would exceed max_age_years at maturity."""
    age = vehicle_age_at_maturity(vehicle_year, contract_date, tenor_months)
    if age > max_age_years:
        raise FinanceError(
            errors.VEHICLE_TOO_OLD,
            field="vehicle_year",
            params={
                "vehicle_year": vehicle_year,
                "maturity_year": vehicle_year + age,
                "age_at_maturity": age,
                "max_age": max_age_years,
            },
        )


def dsr(
    new_installment: Decimal,
    existing_installments: Decimal | Sequence[Decimal],
    verified_income: Decimal,
    household_income: Decimal | None = None,
) -> Decimal:
    """Return the debt service ratio in percent, unrounded (compare it as it is; show it with pct_shown_up).

    DSR = (new installment + existing installments) / verified net monthly income, the
    household's other income optionally added to the income (domain primer §3). This is the
    one DSR of angsur: the analysis, the counter-offer and the solvers all use it.
    """
    income = to_decimal(verified_income, "verified_income")
    if income <= ZERO:
        raise FinanceError(errors.INCOME_NOT_POSITIVE, field="verified_income", params={"income": str(income)})
    if household_income is not None:
        income = CONTEXT.add(income, _not_negative(household_income, "household_income"))
    debt = CONTEXT.add(_not_negative(new_installment, "new_installment"), total_installments(existing_installments))
    return _RATIO_UP.divide(_RATIO_UP.multiply(debt, HUNDRED), income)


def dsr_within(ratio: Decimal, max_dsr_pct: Decimal) -> bool:
    """Tell whether a DSR from dsr() is within the ceiling (exact: see _RATIO_UP)."""
    return ratio <= to_decimal(max_dsr_pct, "max_dsr_pct")


def dp_pct(otr: Decimal, down_payment: Decimal) -> Decimal:
    """Return the down payment as a percent of OTR, unrounded (compare it as it is; show it with pct_shown_down)."""
    otr = to_decimal(otr, "otr")
    if otr <= ZERO:
        raise FinanceError(errors.AMOUNT_NOT_POSITIVE, field="otr", params={"amount": str(otr)})
    return _RATIO_DOWN.divide(_RATIO_DOWN.multiply(to_decimal(down_payment, "down_payment"), HUNDRED), otr)


def pct_shown_up(ratio: Decimal) -> Decimal:
    """Round a ratio checked against a ceiling up to 0.01 %, so what is shown never looks within a ceiling it exceeds."""
    return to_decimal(ratio, "ratio").quantize(_PCT_QUANTUM, rounding=ROUND_CEILING, context=CONTEXT)


def pct_shown_down(ratio: Decimal) -> Decimal:
    """Round a ratio checked against a floor down to 0.01 %, so what is shown never looks above a floor it misses."""
    return to_decimal(ratio, "ratio").quantize(_PCT_QUANTUM, rounding=ROUND_FLOOR, context=CONTEXT)


def _not_negative(value: Decimal, field: str) -> Decimal:
    amount = to_decimal(value, field)
    if amount < ZERO:
        raise FinanceError(errors.AMOUNT_NEGATIVE, field=field, params={"amount": str(amount)})
    return amount


def total_installments(amounts: Decimal | Sequence[Decimal] | None) -> Decimal:
    """Return the sum of one or several monthly installments (none: zero); refuse a negative one."""
    if amounts is None:
        return ZERO
    if isinstance(amounts, Decimal | int):
        return _not_negative(amounts, "existing_installments")
    with localcontext(CONTEXT):
        return sum((_not_negative(a, "existing_installments") for a in amounts), ZERO)
