"""Compute affordability ratios: DSR and disposable income per dependent."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from angsur.scoring import errors
from angsur.scoring.errors import AffordabilityError

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
RUPIAH = Decimal(1)

# 34 significant digits (decimal128) leaves ample room for any rupiah ratio.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP)

Amounts = Decimal | int | Iterable[Decimal | int]


def _number(value: object, field: str) -> Decimal:
    # Money is Decimal or int, never float (floats cannot hold rupiah exactly).
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise AffordabilityError(errors.AMOUNT_INVALID, {"field": field})
    number = Decimal(value)
    if not number.is_finite():
        raise AffordabilityError(errors.AMOUNT_INVALID, {"field": field})
    return number


def _amount(value: object, field: str) -> Decimal:
    amount = _number(value, field)
    if amount < ZERO:
        raise AffordabilityError(errors.AMOUNT_NEGATIVE, {"field": field, "amount": str(amount)})
    return amount


def _total(values: Amounts, field: str) -> Decimal:
    if isinstance(values, Decimal | int):
        return _amount(values, field)
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise AffordabilityError(errors.AMOUNT_INVALID, {"field": field})
    total = ZERO
    for value in values:
        total += _amount(value, field)
    return total


def dsr_pct(
    *,
    new_installment: Decimal,
    existing_installments: Amounts,
    verified_income: Decimal,
    household_income: Decimal | None = None,
) -> Decimal:
    """Return the debt service ratio in percent, to 0.01, rounding half up."""
    # DSR = (new installment + existing installments) / verified net monthly income,
    # household income optionally added to the denominator (domain primer §3).
    new = _amount(new_installment, "new_installment")
    existing = _total(existing_installments, "existing_installments")
    income = _number(verified_income, "verified_income")
    if income <= ZERO:
        raise AffordabilityError(errors.INCOME_NOT_POSITIVE, {"verified_income": str(verified_income)})
    if household_income is not None:
        income += _amount(household_income, "household_income")
    with localcontext(_CONTEXT):
        return ((new + existing) * HUNDRED / income).quantize(CENT, rounding=ROUND_HALF_UP)


def disposable_income_per_dependent(
    *,
    income: Decimal,
    expenses: Decimal,
    installments: Amounts,
    dependents: int,
) -> Decimal:
    """Return (income − expenses − installments) / (dependents + 1) in whole rupiah, half up."""
    # The applicant counts as one mouth to feed besides the dependents (tanggungan, from the KK).
    if isinstance(dependents, bool) or not isinstance(dependents, int) or dependents < 0:
        raise AffordabilityError(errors.DEPENDENTS_INVALID, {"dependents": str(dependents)})
    left = _amount(income, "income") - _amount(expenses, "expenses") - _total(installments, "installments")
    with localcontext(_CONTEXT):
        return (left / (dependents + 1)).quantize(RUPIAH, rounding=ROUND_HALF_UP)
