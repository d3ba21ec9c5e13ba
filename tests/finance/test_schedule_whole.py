"""The whole-rupiah schedule in ints answers exactly what the Decimal split answers, and its JSON is the dicts'.

``schedule.whole_rupiah_columns`` is the quote's fast path for a level schedule of whole-rupiah amounts (every
product quote): it must give the same lines as ``schedule_lines(..., RUPIAH)``, refuse exactly where the
Decimal split would clamp, and its JSON text (``quote.schedule_json``) must be the JSON of ``schedule_dicts``.
"""

import json
from datetime import date
from decimal import ROUND_FLOOR, Decimal, localcontext
from unittest.mock import patch

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from angsur.finance import FinanceError, QuoteInput, RateSpec, RoundingRule, Timing, compute_quote
from angsur.finance.money import CONTEXT, RUPIAH
from angsur.finance.quote import schedule_dicts, schedule_json
from angsur.finance.schedule import WholeColumns, _lines_unclamped, due_dates, schedule_lines, whole_rupiah_columns

PROPERTY = settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

rates = st.one_of(
    st.just(Decimal(0)),
    # solved monthly rates carry 34 digits; short ones and tiny ones are where ties and zero interest live
    st.integers(min_value=1, max_value=10**34).map(lambda k: Decimal(k).scaleb(-35)),
    st.integers(min_value=1, max_value=99).map(lambda k: Decimal(k).scaleb(-3)),
    st.sampled_from(["0.005", "0.0125", "0.5", "1.5"]).map(Decimal),
)


@PROPERTY
@given(
    principal=st.integers(min_value=1, max_value=10**13),
    regular=st.integers(min_value=1, max_value=10**12),
    last=st.integers(min_value=1, max_value=10**12),
    n=st.integers(min_value=1, max_value=120),
    timing=st.sampled_from(list(Timing)),
    rate=rates,
)
@example(principal=1000, regular=500, last=500, n=2, timing=Timing.ADDB, rate=Decimal(0))
@example(principal=1001, regular=501, last=500, n=2, timing=Timing.ADDM, rate=Decimal("0.5"))
@example(principal=3, regular=1, last=1, n=3, timing=Timing.ADDB, rate=Decimal("0.5"))  # 1.5 rounds half up to 2
def test_whole_columns_are_the_decimal_split(principal, regular, last, n, timing, rate):
    installments = (Decimal(regular),) * (n - 1) + (Decimal(last),)
    dates = due_dates(date(2026, 1, 31), n)
    columns = whole_rupiah_columns(Decimal(principal), Decimal(regular), Decimal(last), n, dates, timing, rate)
    smallest = Decimal(regular) if n > 1 else None
    with localcontext(CONTEXT):
        expected = _lines_with_rupiah(Decimal(principal), installments, dates, timing, rate, smallest)
    if expected is None:
        assert columns is None
        return
    assert columns is not None
    lines = columns.lines()
    assert lines == expected
    assert lines == schedule_lines(Decimal(principal), installments, dates, timing, rate, RUPIAH, smallest)
    assert json.loads(schedule_json(columns)) == schedule_dicts(columns) == schedule_dicts(lines)


def _lines_with_rupiah(principal, installments, dates, timing, rate, smallest):
    from angsur.finance.schedule import _SPLIT_CONTEXTS

    with localcontext(_SPLIT_CONTEXTS[RUPIAH.direction]):
        lines = _lines_unclamped(principal, installments, dates, timing, rate, RUPIAH, smallest)
    return None if lines is None else tuple(lines)


@given(
    amounts=st.tuples(
        st.sampled_from(["1000.00", "1E+3", "999.5", "-5"]).map(Decimal),
        st.integers(min_value=1, max_value=10**9).map(Decimal),
    ),
    which=st.integers(min_value=0, max_value=2),
)
def test_only_whole_amounts_without_exponent_take_the_int_path(amounts, which):
    odd, whole = amounts
    values = [whole, whole, whole]
    values[which] = odd
    principal, regular, last = values
    assert whole_rupiah_columns(principal, regular, last, 3, due_dates(date(2026, 1, 5), 3), Timing.ADDB, Decimal("0.01")) is None


@st.composite
def quote_inputs(draw: st.DrawFn) -> QuoteInput:
    timing = draw(st.sampled_from(list(Timing)))
    otr = Decimal(draw(st.integers(min_value=1_000_000, max_value=2_000_000_000)))
    # whole rupiah mostly; sometimes with sen or written with two decimals (the Decimal split then runs)
    down_payment = (otr * draw(st.integers(min_value=0, max_value=9000)) / 10_000).quantize(Decimal(1), ROUND_FLOOR)
    if draw(st.booleans()):
        down_payment = down_payment + draw(st.sampled_from([Decimal("0.00"), Decimal("0.50")]))
    return QuoteInput(
        otr=otr,
        down_payment=down_payment,
        tenor_months=draw(st.integers(min_value=2 if timing is Timing.ADDM else 1, max_value=120)),
        rate=RateSpec(draw(st.sampled_from(["flat", "effective"])), Decimal(draw(st.integers(min_value=0, max_value=6000))) / 100),
        timing=timing,
        rounding=RoundingRule(draw(st.sampled_from(["1", "1000", "5000"]).map(Decimal)), draw(st.sampled_from(["up", "down", "half_up"]))),
        residue=draw(st.sampled_from(["interest", "last_installment"])),
        contract_date=draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))),
    )


@PROPERTY
@given(quote_inputs())
def test_a_quote_has_the_same_schedule_and_json_whichever_split_ran(q):
    try:
        quote = compute_quote(q)
    except FinanceError:
        return
    with patch("angsur.finance.quote.whole_rupiah_columns", return_value=None):
        decimal_quote = compute_quote(q)
    assert not isinstance(decimal_quote.schedule_source, WholeColumns)
    assert quote == decimal_quote
    assert quote.schedule == decimal_quote.schedule_source
    assert json.loads(schedule_json(quote.schedule_source)) == quote.as_dict()["schedule"] == decimal_quote.as_dict()["schedule"]
    assert quote.as_dict() == decimal_quote.as_dict()


def test_the_ojk_example_takes_the_int_path_and_equal_quotes_compare_equal(ojk):
    quote = compute_quote(ojk)
    assert isinstance(quote.schedule_source, WholeColumns)
    again = compute_quote(ojk)
    assert quote == again and hash(quote) == hash(again)
    assert quote.schedule[0].installment == Decimal("1170000")
    assert quote.schedule[-1].balance == 0
