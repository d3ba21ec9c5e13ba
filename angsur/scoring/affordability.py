"""Compute disposable income per dependent (the DSR is angsur.finance.policy.dsr, the one DSR)."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from angsur.scoring import errors
from angsur.scoring.errors import AffordabilityError

ZERO = Decimal(0)
HUNDRED = Decimal(100)
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
    with localcontext(_CONTEXT):
        left = _amount(income, "income") - _amount(expenses, "expenses") - _total(installments, "installments")
        return (left / (dependents + 1)).quantize(RUPIAH, rounding=ROUND_HALF_UP)
