"""The IRR solver starts close enough to the root that Newton needs one or two evaluations.

Every quote solves an IRR, so its starting points are part of the design (rates.py): a float Newton gives a
start within ~1e-16 ("the exact Newton in Decimal that follows stops after one step instead of three or
four"), a quote's first-order guess is within ~1e-11 ("Newton then needs a single iteration"), and where
floats are not trusted a quadratic expansion is used. A worse start still finds the same root (the solver
bisects when Newton strays), only more slowly, so these tests count the present-value evaluations: each
bound is what the solver needs today for that kind of cash flow.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

import angsur.finance.rates as rates
from angsur.finance import FinanceError, QuoteInput, RateSpec, Timing, compute_quote, effective_rate_from_cashflows

D = Decimal

OJK = QuoteInput(
    otr=D(15_000_000),
    down_payment=D(3_000_000),
    tenor_months=12,
    rate=RateSpec("flat", D(17)),
    timing=Timing.ADDB,
    contract_date=date(2025, 1, 15),
)


@pytest.fixture
def evaluations(monkeypatch):
    """Count the solver's present-value evaluations (each Newton or bisection step makes one)."""
    count = [0]
    evaluate = rates._value_and_slope

    def counted(*args):
        count[0] += 1
        return evaluate(*args)

    monkeypatch.setattr(rates, "_value_and_slope", counted)
    return count


@pytest.mark.parametrize(
    ("principal", "installments", "timing", "at_most"),
    [
        # Where floats are trusted (1e-6 < |r| < 0.5): the float root leaves one Decimal step.
        (D(12_000_000), [D(1_170_000)] * 12, Timing.ADDB, 1),  # OJK: 2.5 % a month
        (D(12_000_000), [D(1_170_000)] * 12, Timing.ADDM, 1),
        (D(12_000_000), [D(900_000)] * 12, Timing.ADDB, 1),  # -1.6 % a month
        (D(12_000_000), [D(100_000)] * 12, Timing.ADDB, 1),  # -25 % a month
        (D(10_000), [D(1000), D(5000), D(0), D(6000)], Timing.ADDB, 1),
        (D(10_000), [D(3000)] * 3 + [D(2000)], Timing.ADDM, 1),
        # A rate too small for floats (1.5e-7 a month): the quadratic expansion is exact enough.
        (D(12_000_000), [D(1_000_001)] * 12, Timing.ADDB, 1),
        # A rate too large for floats (90 % a month): the expansion starts Newton a few steps away.
        (D(1_000), [D(900)] * 12, Timing.ADDB, 5),
    ],
)
def test_the_irr_of_cash_flows_takes_at_most_so_many_evaluations(evaluations, principal, installments, timing, at_most):
    rate = effective_rate_from_cashflows(principal, installments, timing)
    assert rate > -1
    assert 1 <= evaluations[0] <= at_most


@pytest.mark.parametrize(
    ("changes", "at_most"),
    [
        ({}, 1),
        ({"timing": Timing.ADDM}, 1),
        ({"residue": "last_installment"}, 1),
        ({"rate": RateSpec("flat", D("0.0001")), "tenor_months": 36}, 1),
        # Effective rates: the quote's first-order guess from the rounded installment.
        ({"rate": RateSpec("effective", D(30))}, 1),
        ({"rate": RateSpec("effective", D(30)), "timing": Timing.ADDM}, 2),
        ({"rate": RateSpec("effective", D(30)), "residue": "last_installment"}, 1),
        ({"rate": RateSpec("effective", D(30)), "timing": Timing.ADDM, "residue": "last_installment"}, 2),
        ({"rate": RateSpec("effective", D(18)), "tenor_months": 36}, 2),
        ({"rate": RateSpec("effective", D("0.0001")), "tenor_months": 36}, 2),
        ({"rate": RateSpec("effective", D(0)), "tenor_months": 7}, 2),
    ],
)
def test_a_quote_solves_its_effective_rate_in_one_or_two_evaluations(evaluations, changes, at_most):
    compute_quote(replace(OJK, **changes))
    assert evaluations[0] <= at_most


def test_a_guess_at_the_root_leaves_one_evaluation_and_a_guess_at_or_below_minus_one_is_ignored(evaluations):
    # 12 x 900 repaying 1,000: about 90 % a month, too high for the float start (five evaluations alone).
    principal, installments = D(1000), [D(900)] * 12
    root = rates.solve_monthly_rate(principal, installments, Timing.ADDB)
    assert 1 < evaluations[0] <= 5
    # Given the root as the guess, Newton confirms it in one evaluation.
    evaluations[0] = 0
    assert abs(rates.solve_monthly_rate(principal, installments, Timing.ADDB, guess=root) - root) < D("1e-16")
    assert evaluations[0] == 1
    # A guess of -100 % or less (where the present value is undefined) is not used: the solver starts itself.
    for impossible in (D(-1), D(-2)):
        evaluations[0] = 0
        assert rates.solve_monthly_rate(principal, installments, Timing.ADDB, guess=impossible) == root
        assert 1 < evaluations[0] <= 5


def test_a_solver_that_runs_out_of_steps_refuses_with_its_stable_code(monkeypatch):
    # The cap (300 steps) is never reached by a valid cash flow; lowered to 2, the 5-step case hits it and
    # the refusal is the one the Django layer translates.
    monkeypatch.setattr(rates, "_IRR_MAX_ITERATIONS", 2)
    with pytest.raises(FinanceError) as caught:
        effective_rate_from_cashflows(D(1000), [D(900)] * 12, Timing.ADDB)
    assert (caught.value.code, caught.value.field, caught.value.params) == ("irr_not_converged", "installments", {})
    assert caught.value.message == "The effective rate could not be solved."
