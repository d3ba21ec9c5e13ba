"""Solvers: smallest down payment for a budget or DSR ceiling, shortest tenor."""

from decimal import Decimal

import pytest

from angsur.finance import FinanceError, compute_quote, dsr, solve_dp_for_dsr, solve_min_down_payment, solve_tenor


def test_smallest_dp_on_the_grid_that_brings_the_installment_within_budget(ojk, with_terms):
    # Installment = 12-month flat 17 % = principal x 1.17 / 12, rounded up to Rp1,000.
    dp = solve_min_down_payment(ojk, max_installment=Decimal("1000000"))

    assert dp == Decimal("4800000")
    assert compute_quote(with_terms(down_payment=dp)).installment == Decimal("995000")
    assert compute_quote(with_terms(down_payment=dp - 100000)).installment == Decimal("1005000")


def test_smallest_dp_respects_the_minimum_percent(ojk):
    assert solve_min_down_payment(ojk, max_installment=Decimal("1000000"), min_dp_pct=Decimal("40")) == Decimal("6000000")


def test_minimum_percent_is_rounded_up_to_the_grid(ojk):
    assert solve_min_down_payment(ojk, min_dp_pct=Decimal("20.5"), step=Decimal("250000")) == Decimal("3250000")


def test_without_a_budget_the_answer_is_the_minimum_dp(ojk):
    assert solve_min_down_payment(ojk, min_dp_pct=Decimal("0")) == Decimal("0")


def test_no_dp_below_the_otr_fits_an_impossible_budget(ojk):
    assert solve_min_down_payment(ojk, max_installment=Decimal("5000")) is None


def test_minimum_percent_of_the_whole_otr_leaves_no_candidate(ojk):
    assert solve_min_down_payment(ojk, min_dp_pct=Decimal("100")) is None


def test_smallest_dp_for_a_dsr_ceiling(ojk, with_terms):
    dp = solve_dp_for_dsr(
        ojk, income=Decimal("5000000"), existing_installments=[Decimal("500000")], max_dsr_pct=Decimal("35"), min_dp_pct=Decimal("10")
    )

    assert dp == Decimal("2200000")
    within = compute_quote(with_terms(down_payment=dp)).installment
    beyond = compute_quote(with_terms(down_payment=dp - 100000)).installment
    assert dsr(within, [Decimal("500000")], Decimal("5000000")) <= Decimal("35")
    assert dsr(beyond, [Decimal("500000")], Decimal("5000000")) > Decimal("35")


def test_no_dp_helps_when_existing_debt_already_exceeds_the_ceiling(ojk):
    assert solve_dp_for_dsr(ojk, income=Decimal("5000000"), existing_installments=Decimal("2000000"), max_dsr_pct=Decimal("35")) is None


def test_dsr_solver_rejects_income_not_above_zero(ojk):
    with pytest.raises(FinanceError) as caught:
        solve_dp_for_dsr(ojk, income=Decimal("0"), existing_installments=[], max_dsr_pct=Decimal("35"))

    assert caught.value.code == "income_not_positive"


def test_shortest_tenor_that_fits_the_budget(ojk):
    assert solve_tenor(ojk, tenors=(36, 12, 24), max_installment=Decimal("700000")) == 24


def test_shortest_tenor_skips_tenors_the_product_does_not_offer(with_terms):
    assert solve_tenor(with_terms(allowed_tenors=(12, 36)), tenors=(12, 24, 36), max_installment=Decimal("700000")) == 36


def test_no_tenor_fits_a_tiny_budget(ojk):
    assert solve_tenor(ojk, tenors=(12, 24, 36, 48, 60), max_installment=Decimal("100000")) is None


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"step": Decimal("0")}, "step_not_positive", "step"),
        ({"min_dp_pct": Decimal("101")}, "percent_out_of_range", "min_dp_pct"),
        ({"max_installment": 1_000_000.0}, "amount_invalid", "max_installment"),
    ],
)
def test_solver_rejects_bad_parameters(ojk, kwargs, code, field):
    with pytest.raises(FinanceError) as caught:
        solve_min_down_payment(ojk, **kwargs)

    assert (caught.value.code, caught.value.field) == (code, field)


def test_solver_raises_input_errors_that_no_dp_can_fix(with_terms):
    with pytest.raises(FinanceError) as caught:
        solve_min_down_payment(with_terms(tenor_months=18, allowed_tenors=(12, 24)), max_installment=Decimal("1000000"))

    assert caught.value.code == "tenor_not_allowed"
