"""Solve for the smallest down payment or shortest tenor that fits a budget."""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import ROUND_CEILING, Decimal, localcontext

from angsur.finance import errors
from angsur.finance.errors import FinanceError
from angsur.finance.money import CONTEXT, HUNDRED, ZERO, to_decimal
from angsur.finance.policy import total_installments
from angsur.finance.quote import QuoteInput, plan_installments

DEFAULT_STEP = Decimal("100000")
# Errors that depend on the down payment or tenor being tried (rounding can push
# the last installment or total interest below zero for some amounts only): the
# candidate simply does not fit. Any other error is about the input and is raised.
_CANDIDATE_ERRORS = frozenset(
    {errors.INSTALLMENT_NOT_POSITIVE, errors.INTEREST_NEGATIVE, errors.PRINCIPAL_TOO_SMALL, errors.TENOR_TOO_SHORT}
)


def _largest_installment(q: QuoteInput) -> Decimal | None:
    """Return the largest installment of q, or None if q cannot be quoted."""
    try:
        plan = plan_installments(q)
    except FinanceError as error:
        if error.code in _CANDIDATE_ERRORS:
            return None
        raise
    return max(plan.installment, plan.last_installment)


def solve_min_down_payment(
    q: QuoteInput,
    *,
    max_installment: Decimal | None = None,
    min_dp_pct: Decimal = ZERO,
    step: Decimal = DEFAULT_STEP,
) -> Decimal | None:
    """Return the smallest DP on the step grid, >= min_dp_pct of OTR and < OTR, that fits."""
    otr = to_decimal(q.otr, "otr")
    if otr <= ZERO:
        raise FinanceError(errors.AMOUNT_NOT_POSITIVE, field="otr", params={"amount": str(otr)})
    step = to_decimal(step, "step")
    if step <= ZERO:
        raise FinanceError(errors.STEP_NOT_POSITIVE, field="step", params={"step": str(step)})
    min_dp_pct = to_decimal(min_dp_pct, "min_dp_pct")
    if not ZERO <= min_dp_pct <= HUNDRED:
        raise FinanceError(errors.PERCENT_OUT_OF_RANGE, field="min_dp_pct", params={"value": str(min_dp_pct)})
    limit = None if max_installment is None else to_decimal(max_installment, "max_installment")
    with localcontext(CONTEXT):
        # Candidates are k x step for k in [lowest, highest].
        lowest = int((otr * min_dp_pct / HUNDRED / step).to_integral_value(ROUND_CEILING))
        highest = int((otr / step).to_integral_value(ROUND_CEILING)) - 1

    def fits(k: int) -> bool:
        largest = _largest_installment(replace(q, down_payment=CONTEXT.multiply(step, k)))
        return largest is not None and (limit is None or largest <= limit)

    if lowest > highest or not fits(highest):
        return None
    if fits(lowest):
        return CONTEXT.multiply(step, lowest)
    # A larger DP means a smaller principal and so a smaller installment: bisect on the
    # grid keeping fits(hi) and not fits(lo), so the answer's predecessor never fits.
    lo, hi = lowest, highest
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid
    return CONTEXT.multiply(step, hi)


def solve_dp_for_dsr(
    q: QuoteInput,
    *,
    income: Decimal,
    existing_installments: Decimal | Sequence[Decimal],
    max_dsr_pct: Decimal,
    min_dp_pct: Decimal = ZERO,
    step: Decimal = DEFAULT_STEP,
) -> Decimal | None:
    """Return the smallest DP on the step grid that keeps the DSR within max_dsr_pct."""
    income = to_decimal(income, "income")
    if income <= ZERO:
        raise FinanceError(errors.INCOME_NOT_POSITIVE, field="income", params={"income": str(income)})
    max_dsr = to_decimal(max_dsr_pct, "max_dsr_pct")
    with localcontext(CONTEXT):
        # DSR = (new + existing) / income <= max  <=>  new <= income x max / 100 - existing.
        room = income * max_dsr / HUNDRED - total_installments(existing_installments)
    if room <= ZERO:
        return None
    return solve_min_down_payment(q, max_installment=room, min_dp_pct=min_dp_pct, step=step)


def solve_tenor(q: QuoteInput, *, tenors: Iterable[int], max_installment: Decimal) -> int | None:
    """Return the shortest tenor (allowed by q) whose installments fit max_installment."""
    limit = to_decimal(max_installment, "max_installment")
    for tenor in sorted(set(tenors)):
        if q.allowed_tenors is not None and tenor not in q.allowed_tenors:
            continue
        largest = _largest_installment(replace(q, tenor_months=tenor))
        if largest is not None and largest <= limit:
            return tenor
    return None
