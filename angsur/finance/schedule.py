"""Build due dates and the installment schedule with its interest split."""

import functools
from collections.abc import Sequence
from datetime import date
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, localcontext
from itertools import accumulate, repeat
from operator import rshift, sub
from typing import NamedTuple

from angsur.finance import errors
from angsur.finance.errors import FinanceError
from angsur.finance.money import (
    CONTEXT,
    DECIMAL_ROUNDING,
    ONE,
    RUPIAH,
    ZERO,
    RoundingRule,
    to_decimal,
)
from angsur.finance.rates import RateBracket, Timing, first_period, runs_of, solve_runs

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Return the number of days in a month of the Gregorian calendar."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month]


def add_months(start: date, months: int, *, anchor_day: int | None = None) -> date:
    """Return start moved by whole months, clamping the anchor day to the month's end."""
    day = start.day if anchor_day is None else anchor_day
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(day, days_in_month(year, month)))


# Every quote of a day asks for the same few date rows (one per tenor): keep the recent ones. typed=True
# keeps 12, 12.0 and True apart, so a bad tenor is still refused, never answered from the cache.
@functools.lru_cache(maxsize=512, typed=True)
def due_dates(first_due: date, n: int, *, anchor_day: int | None = None) -> tuple[date, ...]:
    """Return n monthly due dates from first_due on the anchor day, or the month's last day."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise FinanceError(errors.TENOR_NOT_POSITIVE, field="tenor_months", params={"tenor": n})
    anchor = first_due.day if anchor_day is None else anchor_day
    if not 1 <= anchor <= 31:
        raise FinanceError(errors.FIRST_DUE_DATE_INVALID, field="first_due_date", params={"day": anchor})
    year = first_due.year
    month = first_due.month
    dates = []
    append = dates.append
    for _ in range(n):
        if anchor <= 28:
            append(date(year, month, anchor))
        else:
            # Jan 31 -> Feb 28 (29 in a leap year) -> Mar 31: the anchor day survives.
            append(date(year, month, min(anchor, days_in_month(year, month))))
        if month == 12:
            month = 1
            year += 1
        else:
            month += 1
    return tuple(dates)


# The JSON answer of every quote formats its date row: keep the text of the recent rows (the rows
# themselves are cached by due_dates, so a quote of the day finds its row's text here).
@functools.lru_cache(maxsize=512)
def due_date_texts(dates: tuple[date, ...]) -> tuple[str, ...]:
    """Return the ISO text (YYYY-MM-DD) of each date, in order."""
    return tuple(map(date.isoformat, dates))


class ScheduleLine(NamedTuple):
    """Hold one installment, its principal/interest split and the balance after it.

    A NamedTuple rather than a frozen dataclass: it is immutable all the same, and building
    one is a single C-level tuple allocation, which matters in the hot loop of every quote.
    """

    no: int
    due_date: date
    installment: Decimal
    principal: Decimal
    interest: Decimal
    balance: Decimal


def build_schedule(
    principal: Decimal,
    installments: Sequence[Decimal],
    due_dates: Sequence[date],
    timing: Timing,
    monthly_rate: Decimal | None = None,
    unit: RoundingRule = RUPIAH,
) -> tuple[ScheduleLine, ...]:
    """Split installments into interest and principal by the effective-interest method."""
    principal = to_decimal(principal, "principal")
    amounts = tuple(installments)
    # Checked in C over the whole tuple; the per-item conversion only runs for ints.
    if set(map(type, amounts)) != {Decimal} or not all(map(Decimal.is_finite, amounts)):
        amounts = tuple(to_decimal(amount, "installments") for amount in amounts)
    dates = tuple(due_dates)
    if len(amounts) != len(dates) or not amounts:
        raise FinanceError(
            errors.SCHEDULE_LENGTH_MISMATCH,
            field="due_dates",
            params={"installments": len(amounts), "due_dates": len(dates)},
        )
    first = first_period(timing)
    if principal <= ZERO:
        raise FinanceError(errors.AMOUNT_NOT_POSITIVE, field="principal")
    if min(amounts) < ZERO:
        raise FinanceError(errors.AMOUNT_NEGATIVE, field="installments")
    with localcontext(CONTEXT):
        if sum(amounts, ZERO) < principal:
            raise FinanceError(errors.INTEREST_NEGATIVE, field="installments")
        if monthly_rate is None:
            monthly_rate = solve_runs(principal, runs_of(amounts, first))
        elif to_decimal(monthly_rate, "monthly_rate") < ZERO:
            raise FinanceError(
                errors.RATE_OUT_OF_RANGE,
                field="monthly_rate",
                params={"rate": str(monthly_rate), "minimum": 0, "maximum": "-"},
            )
    return schedule_lines(principal, amounts, dates, timing, monthly_rate, unit)


# The split runs in its own context: 60 digits hold balance x rate exactly for any
# rupiah balance and a solved rate (34 digits), so each interest is the exact
# rounding of balance x rate, done by to_integral_value in the rule's direction.
_SPLIT_CONTEXTS = {
    direction: Context(prec=60, rounding=rounding, traps=[InvalidOperation, DivisionByZero])
    for direction, rounding in DECIMAL_ROUNDING.items()
}


def schedule_lines(
    principal: Decimal,
    installments: tuple[Decimal, ...],
    due_dates: tuple[date, ...],
    timing: Timing,
    monthly_rate: Decimal,
    unit: RoundingRule,
    smallest_regular: Decimal | None = None,
) -> tuple[ScheduleLine, ...]:
    """Build the lines from validated inputs (see build_schedule); smallest_regular is optional."""
    with localcontext(_SPLIT_CONTEXTS[unit.direction]):
        lines = _lines_unclamped(principal, installments, due_dates, timing, monthly_rate, unit, smallest_regular)
        if lines is None:
            parts = _parts_clamped(principal, installments, timing, monthly_rate, unit)
            numbers = range(1, len(installments) + 1)
            lines = list(map(ScheduleLine, numbers, due_dates, installments, *parts))
    return tuple(lines)


def _interest(balance: Decimal, rate: Decimal, unit: Decimal) -> Decimal:
    """Return balance x rate rounded to a multiple of unit (the context's direction)."""
    if unit == ONE:
        return (balance * rate).to_integral_value()
    return (balance * rate / unit).to_integral_value() * unit + ZERO


def _lines_unclamped(
    principal: Decimal,
    installments: tuple[Decimal, ...],
    due_dates: tuple[date, ...],
    timing: Timing,
    rate: Decimal,
    unit: RoundingRule,
    smallest_regular: Decimal | None,
) -> list[ScheduleLine] | None:
    """Split the common way; return None when _parts_clamped would clamp something."""
    last = len(installments) - 1
    start = 1 if timing is Timing.ADDM and last > 0 else 0
    # Interest is monotone in the balance and balances only fall, so if every regular
    # installment (all but the ADDM first and the last) covers the interest on the
    # full principal, no principal part can go negative.
    if start < last:
        if smallest_regular is None:
            smallest_regular = min(installments[start:last])
        if smallest_regular < _interest(principal, rate, unit.unit):
            return None
    lines: list[ScheduleLine] = []
    append = lines.append
    balance = principal
    if start:
        # ADDM: the first installment is paid at signing, before any interest accrues.
        amount = installments[0]
        balance = principal - amount
        append(ScheduleLine(1, due_dates[0], amount, amount, ZERO, balance))
    line_class = ScheduleLine
    # tuple.__new__ directly: the same NamedTuple, without its Python-level __new__ wrapper (hot loop).
    new_line = tuple.__new__
    unit_one = unit.unit == ONE
    for no, amount, due_date in zip(range(start + 1, last + 1), installments[start:last], due_dates[start:last], strict=True):
        interest = (balance * rate).to_integral_value() if unit_one else _interest(balance, rate, unit.unit)
        part = amount - interest
        balance = balance - part
        append(new_line(line_class, (no, due_date, amount, part, interest, balance)))
    # The last line takes the whole remaining balance, so rounding residue lands here.
    amount = installments[last]
    interest = amount - balance
    # Balances never rise, so a final balance >= 0 means none went negative before.
    if balance < ZERO or interest < ZERO:
        return None
    append(ScheduleLine(last + 1, due_dates[last], amount, balance, interest, ZERO))
    return lines


class WholeColumns(NamedTuple):
    """A schedule whose amounts are all whole rupiah, as columns of ints (what _lines_unclamped computes
    with Decimals, computed with Python ints). ``lines()`` gives the ScheduleLines, equal to that result."""

    due_dates: tuple[date, ...]
    installments: tuple[int, ...]
    principals: list[int]
    interests: list[int]
    balances: list[int]

    def lines(self) -> tuple[ScheduleLine, ...]:
        return tuple(
            map(
                ScheduleLine,
                range(1, len(self.installments) + 1),
                self.due_dates,
                map(Decimal, self.installments),
                map(Decimal, self.principals),
                map(Decimal, self.interests),
                map(Decimal, self.balances),
            )
        )


def _whole(amount: Decimal) -> bool:
    """A whole, non-negative number of rupiah written without exponent (so Decimal(int(amount)) is the same text)."""
    return str(amount).isdigit()


def whole_rupiah_columns(
    principal: Decimal,
    regular: Decimal,
    last_amount: Decimal,
    n: int,
    due_dates: tuple[date, ...],
    timing: Timing,
    rate: Decimal | RateBracket,
) -> "WholeColumns | None":
    """The level schedule (n - 1 regular installments, then last_amount) split to the rupiah half-up, in ints.

    The same arithmetic as schedule_lines(..., RUPIAH) for these installments: each interest is balance x rate
    rounded half away from zero, done exactly on the rate's integer ratio instead of at 60 digits (which is
    exact too), so the values are equal line by line (tests/finance/test_schedule_whole.py). None when an
    amount is not a whole number of rupiah written without exponent, or where _lines_unclamped would answer
    None (the clamped split then runs with Decimals). A quote's JSON reads the ints' text directly, and its
    ScheduleLines are only built when asked for (Quote.schedule).

    The rate may be a RateBracket (rates.level_bracket) instead: each interest is then computed at its middle
    and must round alike at both ends (no half-rupiah boundary inside the bracket), so it is the interest at
    every rate of the bracket, the exact IRR's and solve_runs' included; None if one does not.
    """
    if not (_whole(principal) and _whole(regular) and _whole(last_amount)) or n < 1:
        return None
    balance = int(principal)
    amount = int(regular)
    last = n - 1
    installments = (amount,) * last + (int(last_amount),)
    start = 1 if timing is Timing.ADDM and last > 0 else 0
    if isinstance(rate, RateBracket):
        split = _bracket_interests(balance, amount, start, last, rate)
    elif rate.is_finite() and rate >= 0:
        split = _exact_interests(balance, amount, start, last, rate)
    else:
        return None
    if split is None:
        return None
    interests, balance, opening = split
    final_interest = installments[last] - balance
    if balance < 0 or final_interest < 0:
        return None
    principals = [amount] * start + list(map(amount.__sub__, interests[start:]))
    balances = list(accumulate(principals[start:], sub, initial=opening))
    if not start:
        del balances[0]
    principals.append(balance)
    interests.append(final_interest)
    balances.append(0)
    return WholeColumns(due_dates, installments, principals, interests, balances)


type _Split = tuple[list[int], int, int]


def _exact_interests(balance: int, amount: int, start: int, last: int, rate: Decimal) -> _Split | None:
    """The interests of lines start..last-1 at the rate's exact integer ratio, the balance before the last line
    and the balance the lines start from; None where _lines_unclamped would answer None, or the balance before the
    last line negative."""
    numerator, denominator = rate.as_integer_ratio()
    # balance x rate rounded half up (both >= 0): (2 x balance x numerator + denominator) // (2 x denominator)
    double, twice = 2 * numerator, 2 * denominator
    # _lines_unclamped's guard: every regular installment covers the interest on the full principal.
    if start < last and amount < (balance * double + denominator) // twice:
        return None
    if start:
        # ADDM: the first installment is paid at signing, before any interest accrues.
        balance -= amount
    opening = balance
    interests: list[int] = [0] * start
    append = interests.append
    # A balance that goes negative stays negative (the interest on it is not positive), and the caller refuses a
    # negative final balance: _lines_unclamped answers None for such a schedule, and the clamped split runs.
    for _ in range(start, last):
        interest = (balance * double + denominator) // twice
        balance += interest - amount
        append(interest)
    return interests, balance, opening


def _bracket_interests(balance: int, amount: int, start: int, last: int, bracket: RateBracket) -> _Split | None:
    """_exact_interests for every rate of the bracket at once, or None (also when a line's interest would differ
    between the bracket's ends).

    With r = numerator / 2^shift, balance x r rounded half up is v >> (shift + 1) for v = 2 x balance x numerator
    + 2^shift; moving r by d / 2^shift moves v by 2 x balance x d. The interest is the same for every |d| <= slack
    when the remainder v mod 2^(shift + 1) keeps 2 x balance x slack from both of its ends, that is when
    (v - 2 x balance x slack) mod 2^(shift + 1) < 2^(shift + 1) - 4 x balance x slack. Balances never exceed the
    principal, so that distance is the principal's, for every line (a negative balance: see _exact_interests).
    """
    numerator, shift, slack = bracket
    double, half, out = 2 * numerator, 1 << shift, shift + 1
    mask = (1 << out) - 1
    margin = 2 * balance * slack
    span = mask + 1 - 2 * margin
    if span <= 0:
        return None
    if start < last:
        # _lines_unclamped's guard, on the full principal
        value = balance * double + half
        if (value - margin) & mask >= span or amount < value >> out:
            return None
    if start:
        balance -= amount
    opening = balance
    # Each line's v, offset by the margin so that one comparison of its remainder checks both ends; the interest
    # is then v's quotient, unchanged by the offset where the check passes. The loop carries v alone (the next
    # balance's v is v + 2 x numerator x (interest - amount)); the quotients and the checks run over the whole
    # column in C afterwards, and the last balance is read back from its v.
    half -= margin
    value = balance * double + half
    values: list[int] = []
    append = values.append
    for _ in range(start, last):
        append(value)
        value += ((value >> out) - amount) * double
    if not all(map(span.__gt__, map(mask.__and__, values))):
        return None
    return [0] * start + list(map(rshift, values, repeat(out, len(values)))), (value - half) // double, opening


type _Parts = tuple[list[Decimal], list[Decimal], list[Decimal]]


def _parts_clamped(
    principal: Decimal,
    installments: tuple[Decimal, ...],
    timing: Timing,
    rate: Decimal,
    unit: RoundingRule,
) -> _Parts:
    """Split keeping every part >= 0, balances falling and total interest exact."""
    principals: list[Decimal] = []
    interests: list[Decimal] = []
    balances: list[Decimal] = []
    balance = principal
    interest_left = sum(installments, ZERO) - principal
    last = len(installments) - 1
    for index in range(last):
        amount = installments[index]
        # ADDM: the first installment is paid at signing, before any interest accrues.
        interest = ZERO if index == 0 and timing is Timing.ADDM else _interest(balance, rate, unit.unit)
        # Always feasible: balance + interest_left == the installments still due >= amount.
        lowest = max(ZERO, amount - balance)
        highest = min(amount, interest_left)
        interest = max(lowest, min(highest, interest))
        part = amount - interest
        balance -= part
        interest_left -= interest
        principals.append(part)
        interests.append(interest)
        balances.append(balance)
    principals.append(balance)
    interests.append(installments[last] - balance)
    balances.append(ZERO)
    return principals, interests, balances
