"""Time a 60-month effective-rate schedule: angsur's Decimal core against numpy-financial.

Run with ``uv run python bench/finance_schedule.py [--rounds 41] [--number 200]``.

Each candidate builds the same schedule with its due dates, in the same process,
interleaved round by round so machine noise hits all of them alike; the figure is
the median over rounds of the mean time per schedule within a round.

- angsur compute_quote: validation, annuity installment rounded up to Rp1,000,
  IRR solve, effective-interest split to the rupiah, due dates, TDP.
- angsur build_schedule (+ due dates), rate given: the split alone at a known rate.
- angsur build_schedule (+ due dates), IRR solved: the split plus its own IRR solve.
- numpy-financial: pmt + ipmt + ppmt vectorised over the 60 periods (floats, no
  rounding, nothing reconciled) plus the same due dates.
"""

import argparse
import statistics
import timeit
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import numpy as np
import numpy_financial as npf

from angsur.finance import (
    QuoteInput,
    RateSpec,
    Timing,
    add_months,
    build_schedule,
    compute_quote,
    due_dates,
    effective_rate_from_cashflows,
)

TENOR = 60
CONTRACT = date(2025, 1, 15)
QUOTE = QuoteInput(
    otr=Decimal("250000000"),
    down_payment=Decimal("50000000"),
    tenor_months=TENOR,
    rate=RateSpec("effective", Decimal("12")),
    timing=Timing.ADDB,
    contract_date=CONTRACT,
)
TARGET_RATIO = 2.0


def candidates() -> dict[str, Callable[[], object]]:
    """Return the timed callables, each producing one schedule with dates."""
    quote = compute_quote(QUOTE)
    principal = quote.financed_principal
    installments = tuple(line.installment for line in quote.schedule)
    monthly_rate = effective_rate_from_cashflows(principal, installments, Timing.ADDB)
    first_due = add_months(CONTRACT, 1)

    # numpy-financial works in float: this is the baseline's own arithmetic.
    rate_float = 0.12 / 12
    periods = np.arange(1, TENOR + 1)
    principal_float = float(principal)

    def numpy_financial() -> object:
        payment = npf.pmt(rate_float, TENOR, -principal_float)
        interest = npf.ipmt(rate_float, periods, TENOR, -principal_float)
        principal_part = npf.ppmt(rate_float, periods, TENOR, -principal_float)
        return payment, interest, principal_part, due_dates(first_due, TENOR)

    return {
        "angsur compute_quote": lambda: compute_quote(QUOTE),
        "angsur build_schedule, rate given": lambda: build_schedule(
            principal, installments, due_dates(first_due, TENOR), Timing.ADDB, monthly_rate
        ),
        "angsur build_schedule, IRR solved": lambda: build_schedule(principal, installments, due_dates(first_due, TENOR), Timing.ADDB),
        "numpy-financial pmt+ipmt+ppmt": numpy_financial,
    }


def measure(rounds: int, number: int) -> dict[str, float]:
    """Return the median seconds per schedule for each candidate, interleaved by round."""
    timed = candidates()
    samples: dict[str, list[float]] = {name: [] for name in timed}
    for function in timed.values():
        function()  # warm up
    for _ in range(rounds):
        for name, function in timed.items():
            samples[name].append(timeit.Timer(function).timeit(number) / number)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    """Print the table and the ratio against the numpy-financial baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args()

    quote = compute_quote(QUOTE)
    print(
        f"60-month schedule: principal {quote.financed_principal}, installment {quote.installment}, "
        f"effective {quote.effective_rate_annual} % a year (12 % nominal, rounded up to Rp1,000)"
    )
    medians = measure(args.rounds, args.number)
    baseline = medians["numpy-financial pmt+ipmt+ppmt"]
    print(f"\n{'candidate':<36} {'median µs':>10} {'numpy / this':>13}")
    for name, seconds in medians.items():
        print(f"{name:<36} {seconds * 1e6:>10.1f} {baseline / seconds:>12.2f}x")
    ratio = baseline / medians["angsur compute_quote"]
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"\ncompute_quote is {ratio:.2f}x as fast as numpy-financial: {verdict} the {TARGET_RATIO:.0f}x target")


if __name__ == "__main__":
    main()
