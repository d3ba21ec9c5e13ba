"""A level schedule's IRR bracketed without the Decimal Newton (rates.level_bracket) answers exactly what the
Decimal Newton answers.

The certificate is a proof, so it is tested as one: whenever ``_certified_bracket`` gives a bracket, the sign of
the loan's final balance, computed independently here in exact integers, is negative at its lower end and positive
at its upper end, also for roots placed a few steps from the true one, where a sign or an end mixed up would
certify a bracket without the IRR. The users of the bracket (the interest split, the rounded annual rate) are
compared with the exact computations at its ends, and a whole quote priced on the bracket with the same quote
priced by the Decimal Newton alone.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from unittest.mock import patch

from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

import angsur.finance.rates as rates
from angsur.finance import FeeSpec, QuoteInput, RateSpec, RoundingRule, compute_quote
from angsur.finance.money import CONTEXT
from angsur.finance.quote import _PCT_MONTHS, _PCT_MONTHS_PER_QUANTUM, _RATE_EXPONENT, RATE_QUANTUM
from angsur.finance.rates import RateBracket, Timing, _certified_bracket, bracket_rounded, level_bracket
from angsur.finance.schedule import _bracket_interests, _exact_interests
from tests.finance.test_quote_fastpaths import _quote_or_reject, quotes_with_fees

PROPERTY = settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
STEP_BITS = rates._BRACKET_SHIFT
CERTIFIED = rates._CERTIFIED_STEPS
SLACK = rates._BRACKET_SLACK
# Enough digits to hold numerator / 2^52 exactly (a binary fraction of 52 places has 52 decimal places).
EXACT = Context(prec=120)


def _rate(numerator: int) -> Decimal:
    with localcontext(EXACT):
        return Decimal(numerator) / 2**STEP_BITS


def _exact_sign(principal: int, amount: int, start: int, end: int, numerator: int) -> int:
    """The sign of the balance after the last installment at r = numerator / 2^52, in exact integers:
    B = c0 x^T - amount (x^T - 1) / r with x = X / D, D = 2^52, X = D + numerator; times D^T x numerator > 0."""
    denominator = 1 << STEP_BITS
    grown = denominator + numerator
    financed = principal - amount if start == 0 else principal
    value = financed * grown**end * numerator - amount * (grown**end - denominator**end) * denominator
    return (value > 0) - (value < 0)


@st.composite
def level_loans(draw: st.DrawFn) -> tuple[int, int, int, int]:
    """A principal and a level installment paid in months start..end (start 0: ADDM, 1: ADDB) at 0.01–40 % a month."""
    start = draw(st.sampled_from([0, 1]))
    n = draw(st.integers(min_value=2 if start == 0 else 1, max_value=121))
    principal = draw(st.integers(min_value=1_000, max_value=2**53 - 1))
    monthly = draw(st.integers(min_value=1, max_value=4000)) / 10_000
    factor = monthly / (1 - (1 + monthly) ** -n) / (1 + monthly) ** (1 - start)
    amount = max(1, round(principal * factor) + draw(st.integers(min_value=-3, max_value=3)))
    return principal, amount, start, start + n - 1


@PROPERTY
@given(loan=level_loans(), offset=st.integers(min_value=-(2 * CERTIFIED), max_value=2 * CERTIFIED))
@example(loan=(19_712_600, 1_118_000, 0, 23), offset=0)  # the demo NMC quote
@example(loan=(19_712_600, 1_118_000, 0, 23), offset=CERTIFIED + 1)
@example(loan=(19_712_600, 1_118_000, 0, 23), offset=-CERTIFIED - 1)
def test_a_certified_bracket_holds_the_exact_irr(loan, offset):
    """Also from a root moved by `offset` steps: near |offset| = 32 one end lies a step or two from the IRR, and
    beyond it the IRR is outside the bracket, which must then be refused."""
    principal, amount, start, end = loan
    with localcontext(CONTEXT):
        root = rates._float_root_value(Decimal(principal), [(Decimal(amount), start, end)])
    if root is None:
        reject()
    financed = principal - amount if start == 0 else principal
    bracket = _certified_bracket(financed, amount, end, root + offset * 2.0**-STEP_BITS)
    if bracket is None:
        return
    assert bracket.shift == STEP_BITS and bracket.slack == SLACK
    assert _exact_sign(principal, amount, start, end, bracket.numerator - CERTIFIED) < 0
    assert _exact_sign(principal, amount, start, end, bracket.numerator + CERTIFIED) > 0


def test_the_demo_quote_is_certified_and_a_bracket_beside_the_irr_is_not():
    with localcontext(CONTEXT):
        runs = [(Decimal(1_118_000), 0, 23)]
        bracket = level_bracket(Decimal(19_712_600), runs)
        exact = rates.solve_runs(Decimal(19_712_600), runs)
    assert bracket is not None
    assert _rate(bracket.numerator - CERTIFIED) < exact < _rate(bracket.numerator + CERTIFIED)
    root = float(exact)
    assert _certified_bracket(19_712_600 - 1_118_000, 1_118_000, 23, root + 3 * CERTIFIED * 2.0**-STEP_BITS) is None
    assert _certified_bracket(19_712_600 - 1_118_000, 1_118_000, 23, root - 3 * CERTIFIED * 2.0**-STEP_BITS) is None


def test_what_the_certificate_does_not_cover_is_left_to_the_decimal_solve():
    runs = [(Decimal(1_000_000), 1, 12)]
    assert level_bracket(Decimal(12_000_000), runs) is None  # repaid exactly: an IRR of 0
    assert level_bracket(Decimal("11000000.50"), runs) is None  # sen
    assert level_bracket(Decimal(2**53), [(Decimal(2**49), 1, 12)]) is None  # beyond exact floats
    assert level_bracket(Decimal(11_000_000), [(Decimal(900_000), 1, 11), (Decimal(2_000_000), 12, 12)]) is None  # two runs
    assert _certified_bracket(11_000_000, 1_000_000, 12, None) is None
    assert level_bracket(Decimal(11_000_000), [(Decimal(11_000_000), 0, 12)]) is None  # paid at signing: nothing financed


def _kept(split):
    """A split as whole_rupiah_columns keeps it: none with a negative balance before the last line."""
    return None if split is None or split[1] < 0 else split


@PROPERTY
@given(
    principal=st.integers(min_value=1, max_value=2**53 - 1),
    amount=st.integers(min_value=1, max_value=2**50),
    n=st.integers(min_value=1, max_value=121),
    start=st.sampled_from([0, 1]),
    numerator=st.integers(min_value=SLACK + 1, max_value=2**51),
)
@example(principal=1, amount=1, n=3, start=0, numerator=2**51)  # 1 x 0.5: a half-rupiah tie on the full principal
@example(principal=9, amount=5, n=3, start=0, numerator=2**50)  # 9 x 0.25 = 2.25, then 6 x 0.25 = 1.5: a tie on line 2
# ADDM: 10 x (0.25 - 2^-52) rounds to 2 at the middle, to 3 at the upper end: the guard (2 covers the interest on the
# full principal) holds at one end and not at the other
@example(principal=10, amount=2, n=5, start=1, numerator=2**50 - 1)
@example(principal=10**12, amount=10**11, n=24, start=1, numerator=2**45 + 2**40)
def test_bracket_interests_are_the_exact_interests_at_every_rate_of_the_bracket(principal, amount, n, start, numerator):
    last = n - 1
    start = start if last > 0 else 0
    split = _kept(_bracket_interests(principal, amount, start, last, RateBracket(numerator, STEP_BITS, SLACK)))
    low, middle, high = (_kept(_exact_interests(principal, amount, start, last, _rate(numerator + side))) for side in (-SLACK, 0, SLACK))
    if split is not None:
        assert low == middle == high == split
    if low != high:  # a line rounds differently across the bracket: it must refuse
        assert split is None


@PROPERTY
@given(numerator=st.integers(min_value=SLACK + 1, max_value=2**51))
@example(numerator=int(Decimal("0.00015") / 1200 * 2**52))  # near 0.0002 % a year: a rounding boundary
def test_bracket_rounded_is_the_quantized_rate_at_both_ends(numerator):
    rounded = bracket_rounded(RateBracket(numerator, STEP_BITS, SLACK), _PCT_MONTHS_PER_QUANTUM, _RATE_EXPONENT)
    with localcontext(EXACT):
        low, high = ((_rate(numerator + side) * _PCT_MONTHS).quantize(RATE_QUANTUM, ROUND_HALF_UP) for side in (-SLACK, SLACK))
    if rounded is None:
        assert low != high
    else:
        assert str(rounded) == str(low) == str(high)


@PROPERTY
@given(quotes_with_fees())
def test_a_quote_priced_on_the_bracket_is_the_quote_priced_by_the_decimal_newton(q):
    quote = _quote_or_reject(q)
    with patch("angsur.finance.quote.level_bracket", return_value=None):
        reference = compute_quote(q)
    assert quote == reference
    assert str(quote.effective_rate_annual) == str(reference.effective_rate_annual)


def test_the_demo_quote_takes_the_bracket():
    calls = []
    real = rates.level_bracket

    def spy(principal, runs):
        calls.append(result := real(principal, runs))
        return result

    q = QuoteInput(
        otr=Decimal(23_400_000),
        down_payment=Decimal(4_700_000),
        tenor_months=24,
        rate=RateSpec("flat", Decimal(18)),
        timing=Timing.ADDM,
        contract_date=date(2026, 12, 7),
        rounding=RoundingRule(Decimal(1000), "up"),
        fees=(
            FeeSpec("admin", "fixed", Decimal(500_000), False),
            FeeSpec("fiduciary", "fixed", Decimal(100_000), True),
            FeeSpec("insurance_tlo", "otr", Decimal("3.9"), True),
        ),
    )
    with patch("angsur.finance.quote.level_bracket", spy):
        quote = compute_quote(q)
    assert calls and calls[0] is not None
    assert (quote.installment, str(quote.effective_rate_annual)) == (Decimal(1_118_000), "34.6886")
