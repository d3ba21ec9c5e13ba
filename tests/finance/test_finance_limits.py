"""The one check of a quote's terms (issue 15, item 15), the exact 0 % loan, and half-even rounding."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from angsur.finance import FinanceError, QuoteInput, RateSpec, RoundingRule, Timing, compute_quote, round_to
from angsur.finance.quote import OTR_MAX, ROUNDING_UNIT_MAX, TENOR_MAX_MONTHS, check_quote_terms


@pytest.mark.parametrize(
    ("terms", "code", "field"),
    [
        ({"otr": D("1e34")}, "amount_too_large", "otr"),
        ({"otr": OTR_MAX + 1}, "amount_too_large", "otr"),
        ({"down_payment": D("-1e40")}, "amount_negative", "down_payment"),
        ({"tenor_months": TENOR_MAX_MONTHS + 1}, "tenor_too_long", "tenor_months"),
        ({"rounding_unit": D("1e-30")}, "rounding_unit_out_of_range", "rounding"),
        ({"rounding_unit": D("0.99")}, "rounding_unit_out_of_range", "rounding"),
        ({"rounding_unit": D("1500.5")}, "rounding_unit_out_of_range", "rounding"),
        ({"rounding_unit": ROUNDING_UNIT_MAX + 1}, "rounding_unit_out_of_range", "rounding"),
    ],
)
def test_terms_outside_the_limits_are_refused_with_a_code_and_field(terms, code, field):
    with pytest.raises(FinanceError) as info:
        check_quote_terms(**{"otr": D(15_000_000), "down_payment": D(3_000_000), "tenor_months": 12, **terms})
    assert (info.value.code, info.value.field) == (code, field)


def test_the_limits_themselves_are_accepted():
    check_quote_terms(otr=OTR_MAX, down_payment=D(0), tenor_months=TENOR_MAX_MONTHS, rounding_unit=D(1))
    check_quote_terms(otr=OTR_MAX, down_payment=D(0), tenor_months=1, rounding_unit=ROUNDING_UNIT_MAX)


def test_half_even_rounds_ties_to_the_even_multiple():
    rule = RoundingRule(D(1000), "half_even")
    assert [round_to(D(x), rule) for x in (500_500, 501_500, 500_499, 500_501)] == [D(500_000), D(502_000), D(500_000), D(501_000)]


def test_the_ojk_example_is_unchanged(ojk):
    assert compute_quote(ojk).installment == D(1_170_000)


@settings(max_examples=150, deadline=None)
@given(
    principal=st.integers(min_value=1_000_000, max_value=5_000_000_000),
    tenor=st.integers(min_value=1, max_value=60),
    unit=st.sampled_from([1, 100, 1000, 5000, 10000]),
    direction=st.sampled_from(["up", "down", "half_up", "half_even"]),
    residue=st.sampled_from(["interest", "last_installment"]),
    kind=st.sampled_from(["flat", "effective"]),
)
def test_a_zero_percent_loan_repays_exactly_its_principal(principal, tenor, unit, direction, residue, kind):
    q = QuoteInput(
        otr=D(principal) + D(3_000_000),
        down_payment=D(3_000_000),
        timing=Timing.ADDB,
        contract_date=date(2025, 1, 15),
        tenor_months=tenor,
        rate=RateSpec(kind, D(0)),
        rounding=RoundingRule(D(unit), direction),
        residue=residue,
    )
    quote = compute_quote(q)
    assert quote.total_interest == 0 and quote.total_payable == D(principal)
    assert sum(line.installment for line in quote.schedule) == D(principal)
    assert quote.effective_rate_annual == 0 == quote.flat_rate_annual
    assert quote.last_installment > 0
    assert all(line.interest == 0 for line in quote.schedule)
