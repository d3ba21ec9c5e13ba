"""Convert between flat and effective rates and solve installments and IRRs."""

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum
from typing import NamedTuple

from angsur.finance import errors
from angsur.finance.errors import FinanceError
from angsur.finance.money import CONTEXT, ONE, ZERO, to_decimal

MONTHS_PER_YEAR = Decimal(12)
# Annual percent <-> monthly fraction: 17 % a year is 17 / 1200 = 0.01416... a month.
PCT_YEAR_PER_MONTHLY_FRACTION = Decimal(1200)
# The IRR is solved to this (monthly rate as a fraction). Annual percentages are
# monthly x 1200, so this keeps them accurate to about 1e-13, beyond the 1e-10 needed.
IRR_TOLERANCE = Decimal("1e-16")
# After a Newton step of size s the error left is about C x s^2, C <= (n + 1) / (2 (1 + r))
# for this present-value function (n the last period): the solver stops once that bound is
# below IRR_TOLERANCE, which saves an iteration. The bound grows as r falls towards -1, so
# no fixed step size would do (a fixed 1e-9 missed by 0.02 % at r < 0 over 216 months).
_IRR_MAX_ITERATIONS = 300
# Below this |r| the closed-form annuity sums lose digits; sum term by term instead.
_SMALL_RATE = Decimal("1e-9")
_TWO = Decimal(2)
_GUESS_CONTEXT = Context(prec=16)
_LOWEST_GUESS = Decimal("-0.5")
# A float root this many rounding quanta (or more) from a rounding boundary rounds as the exact root does:
# 1e-4 of the all-in rate's quantum (1e-4 % a year) is 1e-8 % a year, ~8e-12 a month: thousands of times the
# float root's error (~1e-16; tests/finance/test_quote_fastpaths.py measures it).
_HALF = Decimal("0.5")
_ROUNDING_MARGIN = Decimal("1e-4")


class Timing(StrEnum):
    """Tell when installments fall relative to the contract date."""

    # ADDB (arrears): first installment one month after the contract.
    ADDB = "addb"
    # ADDM (advance): first installment paid at signing, together with the DP.
    ADDM = "addm"


def check_tenor(n: int) -> None:
    """Raise unless n is a whole number of months above zero."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise FinanceError(errors.TENOR_NOT_POSITIVE, field="tenor_months", params={"tenor": n})


def first_period(timing: Timing) -> int:
    """Return the month (counted from signing) in which the first installment falls."""
    if timing is Timing.ADDM:
        return 0
    if timing is Timing.ADDB:
        return 1
    raise FinanceError(errors.TIMING_INVALID, field="timing", params={"timing": str(timing)})


def monthly_to_annual_pct(monthly_pct: Decimal) -> Decimal:
    """Return the annual percent of a rate quoted per month (1.5 -> 18)."""
    return CONTEXT.multiply(to_decimal(monthly_pct, "rate"), MONTHS_PER_YEAR)


def annual_to_monthly_pct(annual_pct: Decimal) -> Decimal:
    """Return the monthly percent of a rate quoted per year (18 -> 1.5)."""
    with localcontext(CONTEXT):
        return to_decimal(annual_pct, "rate") / MONTHS_PER_YEAR


def annuity_installment(principal: Decimal, monthly_rate: Decimal, n: int, timing: Timing) -> Decimal:
    """Return the unrounded level installment repaying principal over n months."""
    check_tenor(n)
    first = first_period(timing)
    with localcontext(CONTEXT):
        return +annuity(principal, monthly_rate, n, first)


def annuity(principal: Decimal, monthly_rate: Decimal, n: int, first: int) -> Decimal:
    """Return the level installment; call inside the CONTEXT, first is 0 or 1."""
    return annuity_and_slope(principal, monthly_rate, n, first)[0]


def annuity_and_slope(principal: Decimal, monthly_rate: Decimal, n: int, first: int) -> tuple[Decimal, Decimal]:
    """Return the level installment and its derivative in the rate (inside the CONTEXT)."""
    if monthly_rate == ZERO:
        # Limit of the formulas below as r -> 0.
        return principal / n, principal * (n - 1 + 2 * first) / (2 * n)
    growth = ONE + monthly_rate
    compounded = growth**n
    # A = P r / (1 - (1 + r)^-n), written with a positive power (cheaper in decimal);
    # d ln A / dr = 1/r - n / ((1 + r)((1 + r)^n - 1)).
    installment = principal * monthly_rate * compounded / (compounded - ONE)
    log_slope = ONE / monthly_rate - n / (growth * (compounded - ONE))
    if first == 0:
        # ADDM is an annuity-due: every installment is paid one month earlier.
        installment = installment / growth
        log_slope -= ONE / growth
    return installment, installment * log_slope


def flat_installment(principal: Decimal, flat_rate_annual_pct: Decimal, n: int) -> Decimal:
    """Return the unrounded flat-rate installment (principal + flat interest) / n."""
    check_tenor(n)
    with localcontext(CONTEXT):
        interest = principal * flat_rate_annual_pct * n / PCT_YEAR_PER_MONTHLY_FRACTION
        return (principal + interest) / n


# A run is (amount, first period, last period) of consecutive equal installments;
# level schedules are one or two runs, so each Newton iteration costs O(1).
type Run = tuple[Decimal, int, int]


def runs_of(installments: tuple[Decimal, ...], first: int) -> list[Run]:
    """Group consecutive equal installments into runs, dropping zero amounts."""
    n = len(installments)
    head = installments[0]
    same = installments.count(head)
    if same == n:
        return [(head, first, first + n - 1)] if head else []
    if same == n - 1 and installments[-1] != head:
        runs = [(head, first, first + n - 2)] if head else []
        if installments[-1]:
            runs.append((installments[-1], first + n - 1, first + n - 1))
        return runs
    runs = []
    start = 0
    for index in range(1, n + 1):
        if index == n or installments[index] != installments[start]:
            if installments[start]:
                runs.append((installments[start], first + start, first + index - 1))
            start = index
    return runs


def level_runs(regular: Decimal, last: Decimal, n: int, first: int) -> list[Run]:
    """Return the runs of n - 1 regular installments followed by last."""
    if last == regular:
        return [(regular, first, first + n - 1)] if regular else []
    runs = [(regular, first, first + n - 2)] if n > 1 and regular else []
    if last:
        runs.append((last, first + n - 1, first + n - 1))
    return runs


def _value_and_slope(runs: list[Run], rate: Decimal) -> tuple[Decimal, Decimal]:
    """Return the present value of the runs at rate and its derivative in rate."""
    growth = ONE + rate
    discount = ONE / growth
    value = ZERO
    slope = ZERO
    if -_SMALL_RATE < rate < _SMALL_RATE:
        for amount, start, end in runs:
            factor = discount**start
            run_value = ZERO
            run_slope = ZERO
            for period in range(start, end + 1):
                run_value += factor
                run_slope -= period * factor
                factor *= discount
            value += amount * run_value
            slope += amount * run_slope * discount
        return value, slope
    # Discount factors v^k = 1 / (1 + r)^k, shared between adjacent runs; positive
    # integer powers are much cheaper than negative ones in decimal.
    discounts = {0: ONE, 1: discount}
    for amount, start, end in runs:
        # sum_{t=a..b} v^t = (v^(a-1) - v^b) / r; its derivative in r follows.
        if start == 0:
            head = growth
        elif (head := discounts.get(start - 1)) is None:
            head = discounts[start - 1] = ONE / growth ** (start - 1)
        if (tail := discounts.get(end)) is None:
            tail = discounts[end] = ONE / growth**end
        run_value = (head - tail) / rate
        weighted = end * tail if start == 1 else end * tail - (start - 1) * head
        value += amount * run_value
        slope += amount * ((discount * weighted - run_value) / rate)
    return value, slope


def _paid_later(principal: Decimal, runs: list[Run]) -> tuple[Decimal, Decimal, int]:
    """Return what stays financed after the installments paid at signing, what is paid later, and in
    how many installments (the level annuity in arrears the initial guesses pretend it is)."""
    financed = principal
    later_total = ZERO
    count = 0
    for amount, start, end in runs:
        if start == 0:
            financed -= amount
            start = 1
        if end >= start:
            later_total += amount * (end - start + 1)
            count += end - start + 1
    return financed, later_total, count


def _initial_guess(principal: Decimal, runs: list[Run]) -> Decimal:
    """Guess the rate as if the later installments were a level annuity in arrears."""
    financed, later_total, count = _paid_later(principal, runs)
    # For m level installments totalling k x the amount financed, the annuity factor
    # expands as k = 1 + r (m + 1) / 2 + r^2 (m^2 - 1) / 12 + O(r^3); solve the quadratic.
    # A guess needs few digits: work at 16 to keep the square root cheap.
    excess = _GUESS_CONTEXT.divide(later_total, financed) - ONE
    linear = Decimal(count + 1) / _TWO
    quadratic = Decimal(count * count - 1) / 12
    discriminant = linear * linear + 4 * quadratic * excess
    if not quadratic or discriminant <= ZERO:
        # One installment (exact), or too far below the principal for the expansion.
        return max(excess / linear, _LOWEST_GUESS)
    root = _GUESS_CONTEXT.sqrt(discriminant)
    return max(_GUESS_CONTEXT.divide(root - linear, 2 * quadratic), _LOWEST_GUESS)


def _float_root(principal: Decimal, runs: list[Run]) -> Decimal | None:
    """Find the root by Newton in binary floating point, as a starting point; None if floats fail.

    _float_root_value's root as the Decimal of its shortest repr.
    """
    root = _float_root_value(principal, runs)
    return None if root is None else Decimal(repr(root))


def _float_guess(excess: float, count: int) -> float:
    """_initial_guess's expansion in floats: `count` level installments in arrears totalling (1 + excess) x what
    stays financed."""
    linear = (count + 1) / 2
    quadratic = (count * count - 1) / 12
    discriminant = linear * linear + 4 * quadratic * excess
    return excess / linear if not quadratic or discriminant <= 0 else (math.sqrt(discriminant) - linear) / (2 * quadratic)


def _float_root_value(principal: Decimal, runs: list[Run]) -> float | None:
    """Find the root by Newton in binary floating point; None if floats fail.

    The start is _initial_guess's expansion; 53 bits then put the result within ~1e-16 of the
    root, so the exact Newton in Decimal that follows stops after one step (its error is then
    ~1e-32) instead of three or four. Where floats lose the root (|r| tiny, where the closed forms
    cancel, or r far below zero) this gives up and the Decimal guess is used.
    """
    # Where floats are trusted (|r| between these: the root must be, the steps towards it need not), how many
    # steps, and when they have converged. A step that strays (a division by zero, an overflow) gives up.
    lowest_rate, highest_rate, iterations, last_step = 1e-6, 0.5, 20, 1e-13
    try:
        target = float(principal)
        if len(runs) == 1:
            # _paid_later for one run, the same exact Decimal values without its loop
            ((amount, start, end),) = runs
            financed = principal - amount if start == 0 else principal
            count = end - max(start, 1) + 1
            later_total = amount * count if count > 0 else ZERO
            count = max(count, 0)
        else:
            financed, later_total, count = _paid_later(principal, runs)
        rate = _float_guess(float(later_total) / float(financed) - 1.0, count)
        if len(runs) == 1:
            # A level schedule (one run): the loop below unrolled, the same float operations in the same
            # order (0.0 + x is x), so the same root, without building the flows (every quote has one).
            ((amount, start, end),) = runs
            level = float(amount)
            before = start - 1
            for _ in range(iterations):
                discount = 1.0 / (1.0 + rate)
                head = discount**before
                tail = discount**end
                run_value = (head - tail) / rate
                step = (level * run_value - target) / (level * ((discount * (end * tail - before * head) - run_value) / rate))
                rate -= step
                if abs(step) <= last_step * abs(rate):
                    return rate if lowest_rate < abs(rate) < highest_rate else None
            return None
        flows = [(float(amount), start, end) for amount, start, end in runs]
        for _ in range(iterations):
            discount = 1.0 / (1.0 + rate)
            value = slope = 0.0
            for amount, start, end in flows:
                head = discount ** (start - 1)
                tail = discount**end
                run_value = (head - tail) / rate
                value += amount * run_value
                slope += amount * ((discount * (end * tail - (start - 1) * head) - run_value) / rate)
            step = (value - target) / slope
            rate -= step
            if abs(step) <= last_step * abs(rate):
                return rate if lowest_rate < abs(rate) < highest_rate else None
    except (ArithmeticError, ValueError):
        pass
    return None


def _newton(principal: Decimal, runs: list[Run], guess: Decimal | None) -> Decimal:
    """Solve PV(runs, r) == principal for r by Newton, bisecting when it strays."""
    lower = -ONE  # exclusive bound: every point tried keeps 1 + r > 0
    upper: Decimal | None = None
    if guess is None or guess <= lower:
        guess = _float_root(principal, runs)
        if guess is None:
            guess = _initial_guess(principal, runs)
    rate = guess
    # Newton may stop early when step^2 x (n + 1) < 2 (1 + r) x IRR_TOLERANCE (see above).
    horizon = Decimal(max(end for _, _, end in runs) + 1)
    for _ in range(_IRR_MAX_ITERATIONS):
        value, slope = _value_and_slope(runs, rate)
        excess = value - principal
        if not excess:
            return rate
        if excess > ZERO:
            lower = rate
        else:
            upper = rate
        candidate = rate - excess / slope
        newton = lower < candidate and (upper is None or candidate < upper)
        if not newton:
            # The present value is convex and falling in r, so Newton only leaves the
            # bracket from the right side, where the upper bound is known.
            candidate = (lower + (upper if upper is not None else rate + ONE)) / _TWO
        step = abs(candidate - rate)
        if step < IRR_TOLERANCE or (newton and step * step * horizon < _TWO * (ONE + candidate) * IRR_TOLERANCE):
            return candidate
        rate = candidate
    raise FinanceError(errors.IRR_NOT_CONVERGED, field="installments")


def solve_runs(principal: Decimal, runs: list[Run], guess: Decimal | None = None) -> Decimal:
    """Return the monthly IRR of the runs; call inside the CONTEXT."""
    if _repays_exactly(principal, runs):
        return ZERO
    return +_newton(principal, runs, guess)


def _repays_exactly(principal: Decimal, runs: list[Run]) -> bool:
    """Tell whether the runs repay principal without interest (an IRR of 0); refuse cash flows without an IRR."""
    if principal <= ZERO:
        raise FinanceError(errors.AMOUNT_NOT_POSITIVE, field="principal")
    if len(runs) == 1:
        # The loop below for one run (every level quote).
        ((amount, start, end),) = runs
        if amount < ZERO:
            raise FinanceError(errors.AMOUNT_NEGATIVE, field="installments")
        if amount * (end - start + 1) == principal:
            return True
        if (start == 0 and amount >= principal) or end < 1:
            raise FinanceError(errors.CASHFLOWS_INVALID, field="installments")
        return False
    total = ZERO
    paid_at_signing = ZERO
    paid_later = False
    for amount, start, end in runs:
        if amount < ZERO:
            raise FinanceError(errors.AMOUNT_NEGATIVE, field="installments")
        total += amount * (end - start + 1)
        if start == 0:
            paid_at_signing += amount
        paid_later = paid_later or end >= 1
    if total == principal:
        return True
    # A root exists only if something is paid later and what is paid at signing
    # does not already repay the principal (the value tends to it as r grows).
    if paid_at_signing >= principal or not paid_later:
        raise FinanceError(errors.CASHFLOWS_INVALID, field="installments")
    return False


def solve_runs_rounded(principal: Decimal, runs: list[Run], scale: Decimal, quantum: Decimal) -> Decimal:
    """Return (solve_runs(principal, runs) x scale).quantize(quantum, ROUND_HALF_UP); call inside the CONTEXT.

    For a rate only shown rounded (the all-in rate: percent a year to 4 places). The float root is within
    ~1e-16 of the root, and so is the exact solve (IRR_TOLERANCE): when the float root lies farther than
    _ROUNDING_MARGIN quanta from the nearest rounding boundary, both round alike, and the Decimal Newton
    step is skipped; nearer, the exact solve decides, from the same start.
    """
    if _repays_exactly(principal, runs):
        return (ZERO * scale).quantize(quantum, ROUND_HALF_UP)
    root = _float_root(principal, runs)
    if root is not None:
        scaled = root * scale
        rounded = scaled.quantize(quantum, ROUND_HALF_UP)
        if abs(scaled - rounded) < (_HALF - _ROUNDING_MARGIN) * quantum:
            return rounded
    # guess=root: the same start _newton finds itself (it computes the float root when given none).
    return (+_newton(principal, runs, root) * scale).quantize(quantum, ROUND_HALF_UP)


class RateBracket(NamedTuple):
    """A monthly rate known to lie in a bracket of binary fractions: every rate from (numerator - slack) / 2^shift
    to (numerator + slack) / 2^shift. A result that is the same at both ends of the bracket and monotone in the
    rate (a rounded interest, a rounded annual rate) is the result of every rate inside it, the exact IRR's and
    solve_runs' (within IRR_TOLERANCE of the IRR) included; a result that differs at the ends is left to solve_runs."""

    numerator: int
    shift: int
    slack: int


# Rates in steps of 2^-52 (a float's resolution at 1 + r). The IRR is proven to lie within _CERTIFIED_STEPS steps
# of the float root rounded to a step; the bracket given out is twice as wide, so that it also holds the Decimal
# solve, which lies within IRR_TOLERANCE (under one step, 2.2e-16) of the IRR.
_BRACKET_SHIFT = 52
_CERTIFIED_STEPS = 32
_BRACKET_SLACK = 2 * _CERTIFIED_STEPS
# Whole rupiah below 2^53: exact as floats, so the float root starts from the amounts themselves.
_EXACT_FLOAT_LIMIT = 2**53


def level_bracket(principal: Decimal, runs: list[Run]) -> RateBracket | None:
    """Bracket the monthly IRR of a level schedule (one run of whole-rupiah installments) without the Decimal
    Newton: a float root (_level_root), certified by the exact sign of the loan's balance at either end of a narrow
    bracket around it (_certified_bracket). None when the schedule is not of that form or the certificate fails
    (a rate too near zero, say): solve_runs then decides."""
    if len(runs) != 1:
        return None
    ((amount, start, end),) = runs
    whole_principal = int(principal)
    whole_amount = int(amount)
    if whole_principal != principal or whole_amount != amount or not 0 < whole_amount <= whole_principal < _EXACT_FLOAT_LIMIT:
        return None
    # What stays financed after an installment paid at signing (ADDM: start 0); the later ones fall in months 1..end.
    financed = whole_principal - whole_amount if start == 0 else whole_principal
    if end < 1 or start > 1 or financed <= 0:
        return None
    return _certified_bracket(financed, whole_amount, end, _level_root(financed, whole_amount, end))


def _level_root(financed: int, amount: int, end: int) -> float | None:
    """Find the IRR of `amount` paid in months 1..end for `financed` (what stays financed after an installment paid
    at signing) by Newton in floats, on the closed form _certified_bracket evaluates (g(r) = c0 (1 + r)^T - amount
    ((1 + r)^T - 1) / r, c0 = financed, T = end); None if floats fail. Only a starting point: the certificate proves
    the bracket around it or refuses it, so Newton stops once a step is below 1e-10 of the rate (the error left is
    about its square) and x**T may be libm's pow.
    """
    c0 = float(financed)
    level = float(amount)
    rate = _float_guess(level * end / c0 - 1.0, end)
    try:
        for _ in range(20):
            grown = (1.0 + rate) ** end
            before = grown / (1.0 + rate)
            annuity = (grown - 1.0) / rate
            # g / g', g' = T (1 + r)^(T - 1) (c0 - amount / r) + amount ((1 + r)^T - 1) / r^2
            step = (c0 * grown - level * annuity) / (end * before * (c0 - level / rate) + level * annuity / rate)
            rate -= step
            if abs(step) <= 1e-10 * rate:
                return rate
    except (ArithmeticError, ValueError):
        pass
    return None


def _certified_bracket(financed: int, amount: int, end: int, root: float | None) -> RateBracket | None:
    """Prove that the IRR of `amount` paid in months 1..end for `financed` (what stays financed after an installment
    paid at signing) lies within _CERTIFIED_STEPS steps of 2^-52 of `root`, and return the bracket twice as wide;
    None if it cannot.

    The loan's balance after the last installment, at a rate r (x = 1 + r, T = end, c0 = financed):

        B(x) = c0 x^T - amount (x^T - 1) / r   =   x^T (principal - PV(r))

    has the sign of principal - PV(r), which rises with r (the present value of positive installments falls):
    B < 0 below the IRR and B > 0 above it. At r = m / D (D = 2^52, X = D + m) the sign of B is that of

        B x D^T x m   =   c0 X^T m - amount (X^T - D^T) D

    computed here in exact integers at both ends of the bracket: a negative value at the lower end and a positive
    one at the upper end prove the IRR lies strictly between them. No rounding enters the proof.
    """
    if root is None or not 0.0 < root < 0.5:
        return None
    numerator = round(root * 2.0**_BRACKET_SHIFT)  # the root to the nearest step
    if numerator <= _BRACKET_SLACK:  # the whole bracket above 0
        return None
    one = 1 << _BRACKET_SHIFT
    scale = 1 << (_BRACKET_SHIFT * end)  # D^T
    low = numerator - _CERTIFIED_STEPS
    power = (one + low) ** end
    if financed * power * low - amount * ((power - scale) << _BRACKET_SHIFT) >= 0:
        return None
    high = numerator + _CERTIFIED_STEPS
    power = (one + high) ** end
    if financed * power * high - amount * ((power - scale) << _BRACKET_SHIFT) <= 0:
        return None
    return RateBracket(numerator, _BRACKET_SHIFT, _BRACKET_SLACK)


def bracket_rounded(bracket: RateBracket, factor: int, exponent: int) -> Decimal | None:
    """Return r x factor x 10^exponent rounded half up to a whole number, scaled back by 10^exponent (the rate as
    percent a year to 10^exponent: factor = 1200 x 10^-exponent), when every rate r >= 0 of the bracket rounds
    alike; None otherwise. Equal to (r x 1200).quantize(Decimal(10) ** exponent, ROUND_HALF_UP) for those r."""
    numerator, shift, slack = bracket
    half = 1 << shift
    lowest = (2 * factor * (numerator - slack) + half) >> (shift + 1)
    if lowest != (2 * factor * (numerator + slack) + half) >> (shift + 1):
        return None
    return Decimal(lowest).scaleb(exponent)


def effective_rate_from_cashflows(principal: Decimal, installments: Sequence[Decimal], timing: Timing) -> Decimal:
    """Return the monthly IRR (a fraction) at which installments repay principal."""
    return solve_monthly_rate(principal, installments, timing)


def solve_monthly_rate(
    principal: Decimal,
    installments: Sequence[Decimal],
    timing: Timing,
    guess: Decimal | None = None,
) -> Decimal:
    """Return the monthly IRR of the installments, starting Newton from guess."""
    first = first_period(timing)
    amounts = tuple(installments)
    # Checked in C over the whole tuple; the per-item conversion only runs for ints.
    if set(map(type, amounts)) != {Decimal} or not all(map(Decimal.is_finite, amounts)):
        amounts = tuple(to_decimal(amount, "installments") for amount in amounts)
    if not amounts:
        raise FinanceError(errors.CASHFLOWS_INVALID, field="installments")
    with localcontext(CONTEXT):
        return solve_runs(to_decimal(principal, "principal"), runs_of(amounts, first), guess)


def flat_to_effective(flat_rate_annual_pct: Decimal, n: int, timing: Timing) -> Decimal:
    """Return the nominal annual effective percent (monthly IRR x 12) of a flat rate."""
    check_tenor(n)
    first = first_period(timing)
    flat = to_decimal(flat_rate_annual_pct, "rate")
    if flat == ZERO:
        return ZERO
    with localcontext(CONTEXT):
        installment = (ONE + flat * n / PCT_YEAR_PER_MONTHLY_FRACTION) / n
        monthly = solve_runs(ONE, [(installment, first, first + n - 1)])
        return monthly * PCT_YEAR_PER_MONTHLY_FRACTION


def effective_to_flat(effective_rate_annual_pct: Decimal, n: int, timing: Timing) -> Decimal:
    """Return the flat annual percent giving the same installment as an effective rate."""
    check_tenor(n)
    first = first_period(timing)
    effective = to_decimal(effective_rate_annual_pct, "rate")
    with localcontext(CONTEXT):
        installment = annuity(ONE, effective / PCT_YEAR_PER_MONTHLY_FRACTION, n, first)
        return (installment * n - ONE) * PCT_YEAR_PER_MONTHLY_FRACTION / n
