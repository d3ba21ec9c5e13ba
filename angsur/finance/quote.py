"""Compute a credit quote: installments, TDP, effective rate and schedule."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cached_property, lru_cache
from typing import Any, Literal

from angsur.finance import errors
from angsur.finance.errors import FinanceError
from angsur.finance.money import (
    CONTEXT,
    HUNDRED,
    ONE,
    RUPIAH,
    THOUSAND_UP,
    ZERO,
    RoundingRule,
    is_sen_exact,
    money_texts,
    round_to,
    to_decimal,
)
from angsur.finance.rates import (
    RateBracket,
    Run,
    Timing,
    annuity_and_slope,
    bracket_rounded,
    level_bracket,
    level_runs,
    solve_runs,
    solve_runs_rounded,
)
from angsur.finance.schedule import (
    ScheduleLine,
    WholeColumns,
    add_months,
    due_date_texts,
    due_dates,
    schedule_lines,
    whole_rupiah_columns,
)

type RateKind = Literal["flat", "effective"]
type FeeBasis = Literal["fixed", "otr", "principal"]
type Residue = Literal["interest", "last_installment"]

RATE_KINDS: tuple[str, ...] = ("flat", "effective")
FEE_BASES: tuple[str, ...] = ("fixed", "otr", "principal")
RESIDUES: tuple[str, ...] = ("interest", "last_installment")
RATE_MIN_PCT = Decimal(0)
RATE_MAX_PCT = Decimal(100)
# Rates are shown in percent a year to 4 places; a monthly rate is x 1200 percent a year, x 1200 x 10^4 quanta.
_RATE_EXPONENT = -4
RATE_QUANTUM = Decimal(10) ** _RATE_EXPONENT
_PCT_MONTHS = Decimal(1200)
_PCT_MONTHS_PER_QUANTUM = int(_PCT_MONTHS) * 10**-_RATE_EXPONENT

# The limits of the terms angsur prices: one place for the CLI, the API and the screens (check_quote_terms).
# The core itself computes beyond them (at 34 digits); these are the business's and the database's bounds.
OTR_MAX = Decimal(100_000_000_000)  # Rp100 billion: far above any vehicle, far below the storage limit
_OTR_MAX_NEGATED = -OTR_MAX
TENOR_MAX_MONTHS = 120
ROUNDING_UNIT_MIN = ONE  # the installment is rounded to whole rupiah at least
ROUNDING_UNIT_MAX = Decimal(1_000_000)
# Every amount of a priced quote stays below this, so its sen fit a 64-bit integer column (9.2 x 10^18 sen).
AMOUNT_MAX = Decimal(10) ** 15


@dataclass(frozen=True, slots=True)
class RateSpec:
    """Name the product rate: flat or effective, in percent a year."""

    kind: RateKind
    annual_pct: Decimal


@dataclass(frozen=True, slots=True)
class FeeSpec:
    """Describe a fee: fixed rupiah or a percent of OTR or principal, financed or paid up front."""

    code: str
    basis: FeeBasis
    value: Decimal
    financed: bool


@dataclass(frozen=True, slots=True)
class FeeAmount:
    """Hold a computed fee amount and whether it is financed."""

    code: str
    amount: Decimal
    financed: bool


@dataclass(frozen=True, slots=True)
class TdpBreakdown:
    """Break down the total down payment the buyer pays on day one."""

    down_payment: Decimal
    first_installment: Decimal
    fees: tuple[tuple[str, Decimal], ...]
    total: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteInput:
    """Collect everything a quote needs; contract_date is the as-of date."""

    otr: Decimal
    down_payment: Decimal
    tenor_months: int
    rate: RateSpec
    timing: Timing
    contract_date: date
    fees: tuple[FeeSpec, ...] = ()
    rounding: RoundingRule = THOUSAND_UP
    residue: Residue = "interest"
    first_due_date: date | None = None
    allowed_tenors: tuple[int, ...] | None = None


@dataclass(frozen=True, eq=False)
class Quote:
    """Hold the result of a quote: amounts, rates, TDP, fees and schedule.

    The schedule is kept as computed (``schedule_source``): ScheduleLines, or, for the common whole-rupiah
    schedule, columns of ints (schedule.WholeColumns) whose lines are built the first time ``schedule`` is
    read; the JSON answer reads the ints' text without building them. Two quotes are equal when their
    figures and their schedules' lines are.
    """

    financed_principal: Decimal
    installment: Decimal
    last_installment: Decimal
    total_interest: Decimal
    total_payable: Decimal
    flat_rate_annual: Decimal
    effective_rate_annual: Decimal
    timing: Timing
    tenor_months: int
    tdp: TdpBreakdown
    fees: tuple[FeeAmount, ...]
    schedule_source: tuple[ScheduleLine, ...] | WholeColumns
    # The IRR of the cash actually advanced (OTR - DP: what the buyer does not pay in cash) against the
    # installments, in percent a year like effective_rate_annual; equal to it when nothing is capitalised.
    all_in_effective_rate_annual: Decimal

    @cached_property
    def schedule(self) -> tuple[ScheduleLine, ...]:
        """Return the schedule's lines (built once from the whole-rupiah columns, if that is how it was computed)."""
        source = self.schedule_source
        return source.lines() if isinstance(source, WholeColumns) else source

    def _key(self) -> tuple[Any, ...]:
        return (
            self.financed_principal,
            self.installment,
            self.last_installment,
            self.total_interest,
            self.total_payable,
            self.flat_rate_annual,
            self.effective_rate_annual,
            self.timing,
            self.tenor_months,
            self.tdp,
            self.fees,
            self.all_in_effective_rate_annual,
            self.schedule,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def financed_items(self) -> tuple[tuple[str, Decimal], ...]:
        """Return the capitalised items (code, amount): what is financed on top of OTR - DP."""
        return tuple((fee.code, fee.amount) for fee in self.fees if fee.financed)

    def summary_dict(self) -> dict[str, Any]:
        """Return as_dict() without the schedule (the JSON answer appends the schedule itself)."""
        tdp = self.tdp
        financed = self.financed_items
        # every amount formatted in one pass (money_texts: str() over the tuple, money_str only if one needs it)
        texts = money_texts(
            (
                self.financed_principal,
                self.installment,
                self.last_installment,
                self.total_interest,
                self.total_payable,
                tdp.down_payment,
                tdp.first_installment,
                tdp.total,
                *(amount for _code, amount in financed),
                *(amount for _code, amount in tdp.fees),
            )
        )
        financed_texts, upfront_texts = texts[8 : 8 + len(financed)], texts[8 + len(financed) :]
        return {
            "financed_principal": texts[0],
            "installment": texts[1],
            "last_installment": texts[2],
            "total_interest": texts[3],
            "total_payable": texts[4],
            "flat_rate_annual": format(self.flat_rate_annual, "f"),
            "effective_rate_annual": format(self.effective_rate_annual, "f"),
            "all_in_effective_rate_annual": format(self.all_in_effective_rate_annual, "f"),
            "financed_items": [{"name": code, "amount": text} for (code, _amount), text in zip(financed, financed_texts, strict=True)],
            "timing": self.timing.value,
            "tenor_months": self.tenor_months,
            "tdp": {
                "down_payment": texts[5],
                "first_installment": texts[6],
                "fees": {code: text for (code, _amount), text in zip(tdp.fees, upfront_texts, strict=True)},
                "total": texts[7],
            },
        }

    def as_dict(self) -> dict[str, Any]:
        """Return JSON-ready data with amounts as decimal strings."""
        data = self.summary_dict()
        data["schedule"] = schedule_dicts(self.schedule_source)
        return data


# One schedule line as compact JSON (the separators orjson and json.dumps(separators=(",", ":")) write). Only
# ints, ISO dates and money_str texts (digits, "-", ".") are formatted in: nothing that JSON would escape.
_LINE_JSON = '{"no":%d,"due_date":"%s","installment":"%s","principal":"%s","interest":"%s","balance":"%s"}'
_WHOLE_LINE_JSON = '{"no":%d,"due_date":"%s","installment":"%%d","principal":"%%d","interest":"%%d","balance":"%%d"}'


# Every quote of a day has one of a few due-date rows (cached by schedule.due_dates): keep the JSON of each row's
# schedule with its numbers and dates written in and a %d left for each amount.
@lru_cache(maxsize=512)
def _whole_template(dates: tuple[date, ...]) -> bytes:
    lines = (_WHOLE_LINE_JSON % (no, text) for no, text in enumerate(due_date_texts(dates), 1))
    return ("[" + ",".join(lines) + "]").encode()


type _Columns = tuple[Sequence[int], tuple[str, ...], list[str], list[str], list[str], list[str]]


def _text_columns(source: tuple[ScheduleLine, ...] | WholeColumns) -> _Columns:
    """Return the schedule's columns as JSON-ready values: numbers, ISO due dates, then the amounts as money_str.

    Column by column: str() and the formatting run over a whole column in C (map), the due dates' text is the
    date row's (cached like the row), and a level installment is formatted once. Whole-rupiah columns are
    ints, whose str() is money_str of the same amount.
    """
    if isinstance(source, WholeColumns):
        installments = source.installments
        regular = installments[0]
        n = len(installments)
        installment_texts = [str(regular)] * n if installments.count(regular) == n else list(map(str, installments))
        return (
            range(1, n + 1),
            due_date_texts(source.due_dates),
            installment_texts,
            list(map(str, source.principals)),
            list(map(str, source.interests)),
            list(map(str, source.balances)),
        )
    numbers, dates, installments, principals, interests, balances = zip(*source, strict=True)
    regular = installments[0]
    if installments.count(regular) == len(installments) and (text := str(regular)).isdigit():
        installment_texts = [text] * len(installments)
    else:
        installment_texts = money_texts(installments)
    return numbers, due_date_texts(dates), installment_texts, money_texts(principals), money_texts(interests), money_texts(balances)


def _dicts(columns: _Columns) -> list[dict[str, Any]]:
    return [
        {"no": no, "due_date": due_date, "installment": installment, "principal": principal, "interest": interest, "balance": balance}
        for no, due_date, installment, principal, interest, balance in zip(*columns, strict=True)
    ]


def schedule_dicts(schedule: tuple[ScheduleLine, ...] | WholeColumns) -> list[dict[str, Any]]:
    """Return the schedule as JSON-ready dicts (amounts as money_str gives them, dates in ISO form)."""
    if not schedule:
        return []
    return _dicts(_text_columns(schedule))


def schedule_json(schedule: tuple[ScheduleLine, ...] | WholeColumns) -> bytes:
    """Return the schedule as compact JSON, UTF-8 encoded: the same document as schedule_dicts(schedule) encoded.

    The quote endpoint answers it as it is (with a quote's ``schedule_source``): one C-level format per line
    instead of a dict per line that the encoder then walks again (24 dicts were the largest single cost of
    a product quote's answer). tests/finance/test_schedule_whole.py checks both give the same JSON.
    """
    if not schedule:
        return b"[]"
    if isinstance(schedule, WholeColumns):
        # The amounts (ints: %d writes what str() does) formatted in one pass into the date row's template, line
        # by line: the four columns interleaved by slice assignment (in C, without a tuple per line).
        amounts: list[int] = [0] * (4 * len(schedule.installments))
        amounts[0::4] = schedule.installments
        amounts[1::4] = schedule.principals
        amounts[2::4] = schedule.interests
        amounts[3::4] = schedule.balances
        return _whole_template(schedule.due_dates) % tuple(amounts)
    return ("[" + ",".join(map(_LINE_JSON.__mod__, zip(*_text_columns(schedule), strict=True))) + "]").encode()


def check_quote_terms(
    *,
    otr: Any,
    down_payment: Any,
    tenor_months: Any,
    rounding_unit: Any = None,
) -> None:
    """Refuse terms outside the limits angsur prices (the CLI, the API and the screens share this check)."""
    # Comparisons of finite Decimals are exact in any context: no local context is needed.
    for field, value in (("otr", otr), ("down_payment", down_payment)):
        amount = to_decimal(value, field)
        if amount > OTR_MAX:
            raise FinanceError(errors.AMOUNT_TOO_LARGE, field=field, params={"amount": str(amount), "maximum_amount": str(OTR_MAX)})
        if amount < _OTR_MAX_NEGATED:
            raise FinanceError(errors.AMOUNT_NEGATIVE, field=field, params={"amount": str(amount)})
    if isinstance(tenor_months, int) and not isinstance(tenor_months, bool) and tenor_months > TENOR_MAX_MONTHS:
        raise FinanceError(errors.TENOR_TOO_LONG, field="tenor_months", params={"tenor": tenor_months, "maximum": TENOR_MAX_MONTHS})
    if rounding_unit is not None:
        unit = to_decimal(rounding_unit, "rounding")
        if not ROUNDING_UNIT_MIN <= unit <= ROUNDING_UNIT_MAX or unit != unit.to_integral_value(context=CONTEXT):
            raise FinanceError(
                errors.ROUNDING_UNIT_OUT_OF_RANGE,
                field="rounding",
                params={"unit": str(unit), "minimum": str(ROUNDING_UNIT_MIN), "maximum": str(ROUNDING_UNIT_MAX)},
            )


def check_quote_amounts(quote: "Quote") -> None:
    """Refuse a priced quote whose amounts would not fit the database (huge configured fees, say)."""
    if quote.total_payable > AMOUNT_MAX or quote.tdp.total > AMOUNT_MAX:
        raise FinanceError(
            errors.AMOUNT_TOO_LARGE,
            field="otr",
            params={"amount": str(max(quote.total_payable, quote.tdp.total)), "maximum_amount": str(AMOUNT_MAX)},
        )


def _amount(value: Any, field: str) -> Decimal:
    amount = to_decimal(value, field)
    if not is_sen_exact(amount):
        raise FinanceError(errors.FRACTIONAL_SEN, field=field, params={"amount": str(amount)})
    return amount


def _validate(q: QuoteInput) -> tuple[Decimal, Decimal, Timing, Decimal]:
    """Check the input and return otr, down payment, timing and annual rate."""
    otr = _amount(q.otr, "otr")
    if otr <= ZERO:
        raise FinanceError(errors.AMOUNT_NOT_POSITIVE, field="otr", params={"amount": str(otr)})
    down_payment = _amount(q.down_payment, "down_payment")
    if down_payment < ZERO:
        raise FinanceError(errors.AMOUNT_NEGATIVE, field="down_payment", params={"amount": str(down_payment)})
    if down_payment >= otr:
        raise FinanceError(
            errors.DP_NOT_BELOW_OTR,
            field="down_payment",
            params={"down_payment": str(down_payment), "otr": str(otr)},
        )
    tenor = q.tenor_months
    if isinstance(tenor, bool) or not isinstance(tenor, int) or tenor < 1:
        raise FinanceError(errors.TENOR_NOT_POSITIVE, field="tenor_months", params={"tenor": tenor})
    if q.allowed_tenors is not None and tenor not in q.allowed_tenors:
        raise FinanceError(
            errors.TENOR_NOT_ALLOWED,
            field="tenor_months",
            params={
                "tenor": tenor,
                "allowed": ", ".join(str(t) for t in sorted(q.allowed_tenors)),
            },
        )
    timing = q.timing
    if timing is not Timing.ADDB and timing is not Timing.ADDM:
        try:
            timing = Timing(timing)
        except ValueError:
            raise FinanceError(errors.TIMING_INVALID, field="timing", params={"timing": str(q.timing)}) from None
    if timing is Timing.ADDM and tenor < 2:
        # ADDM collects the first installment at signing; with one installment the
        # whole debt is repaid on day one and no finite effective rate exists.
        raise FinanceError(errors.TENOR_TOO_SHORT, field="tenor_months", params={"tenor": tenor, "minimum": 2})
    if q.rate.kind not in RATE_KINDS:
        raise FinanceError(errors.RATE_KIND_INVALID, field="rate", params={"kind": q.rate.kind})
    annual_pct = to_decimal(q.rate.annual_pct, "rate")
    if not RATE_MIN_PCT <= annual_pct <= RATE_MAX_PCT:
        raise FinanceError(
            errors.RATE_OUT_OF_RANGE,
            field="rate",
            params={"rate": str(annual_pct), "minimum": RATE_MIN_PCT, "maximum": RATE_MAX_PCT},
        )
    if q.residue not in RESIDUES:
        raise FinanceError(errors.RESIDUE_INVALID, field="residue", params={"residue": q.residue})
    if not isinstance(q.rounding, RoundingRule):
        raise FinanceError(errors.ROUNDING_UNIT_NOT_POSITIVE, field="rounding")
    codes: set[str] = set()
    for fee in q.fees:
        if not isinstance(fee.code, str) or not fee.code:
            raise FinanceError(errors.FEE_CODE_INVALID, field="fees", params={"code": fee.code})
        if fee.code in codes:
            raise FinanceError(errors.FEE_CODE_DUPLICATE, field="fees", params={"code": fee.code})
        codes.add(fee.code)
        if fee.basis not in FEE_BASES:
            raise FinanceError(
                errors.FEE_BASIS_INVALID,
                field="fees",
                params={"code": fee.code, "basis": fee.basis},
            )
        if to_decimal(fee.value, "fees") < ZERO:
            raise FinanceError(
                errors.AMOUNT_NEGATIVE,
                field="fees",
                params={"code": fee.code, "amount": str(fee.value)},
            )
    if q.first_due_date is not None:
        # ADDM collects the first installment at signing; ADDB a month or so later.
        if timing is Timing.ADDM and q.first_due_date != q.contract_date:
            raise FinanceError(errors.FIRST_DUE_DATE_INVALID, field="first_due_date")
        if timing is Timing.ADDB and q.first_due_date <= q.contract_date:
            raise FinanceError(errors.FIRST_DUE_DATE_INVALID, field="first_due_date")
    return otr, down_payment, timing, annual_pct


def _fee_amounts(fees: tuple[FeeSpec, ...], otr: Decimal, base: Decimal) -> tuple[FeeAmount, ...]:
    """Compute each fee, rounded to the rupiah half-up."""
    amounts = []
    for fee in fees:
        value = to_decimal(fee.value, "fees")
        if fee.basis == "fixed":
            raw = value
        elif fee.basis == "otr":
            raw = otr * value / HUNDRED
        else:
            raw = base * value / HUNDRED
        amounts.append(FeeAmount(fee.code, round_to(raw, RUPIAH), bool(fee.financed)))
    return tuple(amounts)


def _installments(principal: Decimal, annual_pct: Decimal, timing: Timing, q: QuoteInput) -> tuple[Decimal, Decimal, Decimal | None]:
    """Return the regular and last installments and a guess for the monthly IRR."""
    n = q.tenor_months
    rounding = q.rounding
    if annual_pct == ZERO:
        return _interest_free_installments(principal, n, rounding)
    if q.rate.kind == "flat":
        flat_interest = principal * annual_pct * n / _PCT_MONTHS
        regular = round_to((principal + flat_interest) / n, rounding)
        if q.residue == "interest":
            return regular, regular, None
        # The flat interest is money the buyer owes: round it to the rupiah so the
        # installments sum to principal + interest exactly.
        owed = principal + round_to(flat_interest, RUPIAH)
        return regular, owed - regular * (n - 1), None
    monthly_rate = annual_pct / _PCT_MONTHS
    first = 0 if timing is Timing.ADDM else 1
    exact, slope = annuity_and_slope(principal, monthly_rate, n, first)
    regular = round_to(exact, rounding)
    if q.residue == "interest":
        # Rounding moved the installment off the annuity; one first-order step gives
        # the IRR to ~1e-11, so Newton then needs a single iteration.
        if slope > ZERO and regular != exact:
            return regular, regular, monthly_rate + (regular - exact) / slope
        return regular, regular, monthly_rate
    last = round_to(_payoff_after(principal, regular, monthly_rate, n, first), RUPIAH)
    return regular, last, monthly_rate


def _interest_free_installments(principal: Decimal, n: int, rounding: RoundingRule) -> tuple[Decimal, Decimal, Decimal]:
    """Return the installments of a 0 % loan: they repay the principal exactly, never more.

    Rounding the level installment would otherwise create interest on a 0 % loan (Rp5,000 on some
    promotions), so the rounding difference goes to the last installment whatever the residue rule; when
    rounding up leaves nothing for it, the installment is rounded down instead.
    """
    if n == 1:
        return principal, principal, ZERO
    regular = round_to(principal / n, rounding)
    if regular * (n - 1) >= principal:
        regular = round_to(principal / n, RoundingRule(rounding.unit, "down"))
    if regular <= ZERO:
        raise FinanceError(errors.INSTALLMENT_NOT_POSITIVE, field="rounding", params={"last_installment": str(regular)})
    return regular, principal - regular * (n - 1), ZERO


def _payoff_after(principal: Decimal, regular: Decimal, monthly_rate: Decimal, n: int, first: int) -> Decimal:
    """Return the unrounded last installment that clears the loan at monthly_rate."""
    if monthly_rate == ZERO:
        return principal - regular * (n - 1)
    growth = ONE + monthly_rate
    last_period = first + n - 1
    # Present value of the n - 1 regular installments in periods first..last_period-1.
    regular_value = regular * (growth ** (1 - first) - growth ** (1 - last_period)) / monthly_rate
    return (principal - regular_value) * growth**last_period


def _due_dates(q: QuoteInput, timing: Timing, n: int) -> tuple[date, ...]:
    if q.first_due_date is not None:
        return due_dates(q.first_due_date, n)
    anchor = q.contract_date.day
    first_due = q.contract_date if timing is Timing.ADDM else add_months(q.contract_date, 1)
    return due_dates(first_due, n, anchor_day=anchor)


@dataclass(frozen=True, slots=True)
class InstallmentPlan:
    """Hold a quote's installments before its rates and schedule are derived."""

    timing: Timing
    down_payment: Decimal
    fees: tuple[FeeAmount, ...]
    financed_principal: Decimal
    installment: Decimal
    last_installment: Decimal
    total_payable: Decimal
    total_interest: Decimal
    rate_guess: Decimal | None
    capitalised: Decimal  # the financed fees: what is financed on top of OTR - DP


def plan_installments(q: QuoteInput) -> InstallmentPlan:
    """Validate q and compute its fees and installments, without rates or schedule."""
    with localcontext(CONTEXT):
        return InstallmentPlan(*_plan(q))


type _Plan = tuple[Timing, Decimal, tuple[FeeAmount, ...], Decimal, Decimal, Decimal, Decimal, Decimal, Decimal | None, Decimal]


def _plan(q: QuoteInput) -> _Plan:
    """Return the InstallmentPlan fields; call inside the CONTEXT."""
    otr, down_payment, timing, annual_pct = _validate(q)
    n = q.tenor_months
    principal = otr - down_payment
    fees: tuple[FeeAmount, ...] = ()
    capitalised = ZERO
    if q.fees:
        fees = _fee_amounts(q.fees, otr, principal)
        capitalised = sum((fee.amount for fee in fees if fee.financed), ZERO)
        principal += capitalised
    regular, last, guess = _installments(principal, annual_pct, timing, q)
    if last <= ZERO:
        raise FinanceError(errors.INSTALLMENT_NOT_POSITIVE, field="residue", params={"last_installment": str(last)})
    total_payable = regular * (n - 1) + last
    total_interest = total_payable - principal
    if total_interest < ZERO:
        raise FinanceError(
            errors.INTEREST_NEGATIVE,
            field="rounding",
            params={"total_payable": str(total_payable), "principal": str(principal)},
        )
    if timing is Timing.ADDM and regular >= principal and total_interest > ZERO:
        # Paid at signing, the first installment would repay the whole principal, so the
        # interest is owed on nothing: no finite effective rate exists.
        raise FinanceError(
            errors.PRINCIPAL_TOO_SMALL,
            field="down_payment",
            params={"principal": str(principal), "installment": str(regular)},
        )
    return timing, down_payment, fees, principal, regular, last, total_payable, total_interest, guess, capitalised


def compute_quote(q: QuoteInput) -> Quote:
    """Compute installments, rates, TDP, fees and the schedule for one quote."""
    n = q.tenor_months
    with localcontext(CONTEXT):
        timing, down_payment, fees, principal, regular, last, total_payable, total_interest, guess, capitalised = _plan(q)
        first = 0 if timing is Timing.ADDM else 1
        runs = level_runs(regular, last, n, first)
        dates = _due_dates(q, timing, n)
        # A level schedule's IRR bracketed without the Decimal Newton (rates.level_bracket): where the contractual
        # rate and every line's interest round alike across the bracket, they are the exact IRR's.
        schedule: tuple[ScheduleLine, ...] | WholeColumns | None = None
        bracket = level_bracket(principal, runs)
        if (effective_rate_annual := _annual_pct_on(bracket)) is not None:
            schedule = whole_rupiah_columns(principal, regular, last, n, dates, timing, bracket)
        if schedule is None:
            monthly_rate = solve_runs(principal, runs, guess)
            effective_rate_annual = (monthly_rate * _PCT_MONTHS).quantize(RATE_QUANTUM, ROUND_HALF_UP)
            schedule = whole_rupiah_columns(principal, regular, last, n, dates, timing, monthly_rate)
            if schedule is None:
                installments = (regular,) * n if last == regular else (regular,) * (n - 1) + (last,)
                schedule = schedule_lines(principal, installments, dates, timing, monthly_rate, RUPIAH, regular)
        all_in_annual = effective_rate_annual
        if capitalised:
            all_in_annual = _all_in_annual_pct(principal - capitalised, runs)
        flat_rate_annual = (total_interest * _PCT_MONTHS / (principal * n)).quantize(RATE_QUANTUM, ROUND_HALF_UP)
        first_installment = regular if timing is Timing.ADDM else ZERO
        tdp_total = down_payment + first_installment
        upfront: tuple[tuple[str, Decimal], ...] = ()
        if fees:
            upfront = tuple((fee.code, fee.amount) for fee in fees if not fee.financed)
            tdp_total += sum((amount for _, amount in upfront), ZERO)
    return _new_quote(
        principal,
        regular,
        last,
        total_interest,
        total_payable,
        flat_rate_annual,
        effective_rate_annual,
        timing,
        n,
        TdpBreakdown(down_payment, first_installment, upfront, tdp_total),
        fees,
        schedule,
        all_in_annual,
    )


# Quote's fields in order. compute_quote fills a new quote's __dict__ with them in one call: a frozen dataclass's
# __init__ sets each field through object.__setattr__ (13 calls on every quote). The same object as Quote(*values)
# (tests/finance/test_rate_bracket.py).
_QUOTE_FIELDS = tuple(field.name for field in fields(Quote))


def _new_quote(*values: Any) -> Quote:
    quote = object.__new__(Quote)
    quote.__dict__.update(zip(_QUOTE_FIELDS, values, strict=True))
    return quote


def _all_in_annual_pct(advanced: Decimal, runs: list[Run]) -> Decimal:
    """Return the IRR of the cash advanced against the installments in percent a year, rounded as the
    effective rate is; call inside the CONTEXT.

    Only solved when something is capitalised (otherwise it is the contractual rate). Only its rounded value is
    shown: a level schedule's is rounded on its certified bracket (rates.level_bracket) when that rounds alike at
    both ends; otherwise solve_runs_rounded may stop at the float root when that rounds beyond doubt.
    """
    _check_paid_at_signing(advanced, runs)
    if (rounded := _annual_pct_on(level_bracket(advanced, runs))) is not None:
        return rounded
    return solve_runs_rounded(advanced, runs, _PCT_MONTHS, RATE_QUANTUM)


def _annual_pct_on(bracket: RateBracket | None) -> Decimal | None:
    """The rate of a bracketed monthly IRR in percent a year to RATE_QUANTUM (as (r x 1200).quantize(RATE_QUANTUM,
    ROUND_HALF_UP)), when every rate of the bracket rounds to it; None without a bracket or where they do not."""
    return None if bracket is None else bracket_rounded(bracket, _PCT_MONTHS_PER_QUANTUM, _RATE_EXPONENT)


def _all_in_monthly_rate(advanced: Decimal, runs: list[Run]) -> Decimal:
    """Return the monthly IRR of the cash advanced against the installments; call inside the CONTEXT.

    The exact solve _all_in_annual_pct rounds the same as (tests/finance/test_quote_fastpaths.py). The
    solver's own start (a float Newton, then one Decimal step) is cheaper than starting from the
    contractual rate.
    """
    _check_paid_at_signing(advanced, runs)
    return solve_runs(advanced, runs)


def _check_paid_at_signing(advanced: Decimal, runs: list[Run]) -> None:
    paid_at_signing = sum((amount for amount, start, _end in runs if start == 0), ZERO)
    if paid_at_signing >= advanced:
        # ADDM: the installment paid at signing already repays the cash advanced, so the capitalised
        # items are owed on nothing: no finite rate exists, and such a quote is refused.
        raise FinanceError(
            errors.PRINCIPAL_TOO_SMALL,
            field="down_payment",
            params={"principal": str(advanced), "installment": str(paid_at_signing)},
        )


def compare_tenors(q: QuoteInput, tenors: Iterable[int]) -> tuple[Quote, ...]:
    """Compute the same quote for each tenor, in the order given."""
    return tuple(compute_quote(replace(q, tenor_months=tenor)) for tenor in tenors)
