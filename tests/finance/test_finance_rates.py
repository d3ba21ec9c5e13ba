"""Flat and effective rates, annuity installments and the IRR solver."""

from decimal import Decimal, localcontext

import numpy_financial as npf
import pytest

from angsur.finance import (
    FinanceError,
    Timing,
    annual_to_monthly_pct,
    annuity_installment,
    effective_rate_from_cashflows,
    effective_to_flat,
    flat_installment,
    flat_to_effective,
    monthly_to_annual_pct,
)


def reference_irr(principal: Decimal, installments: list[Decimal], timing: Timing) -> Decimal:
    """Solve the monthly IRR by plain bisection at 60 digits, term by term."""
    first = 0 if timing is Timing.ADDM else 1
    with localcontext() as ctx:
        ctx.prec = 60
        low, high = Decimal("-0.99"), Decimal(10)
        for _ in range(200):
            mid = (low + high) / 2
            value = sum(a / (1 + mid) ** (first + k) for k, a in enumerate(installments))
            if value > principal:
                low = mid
            else:
                high = mid
        return (low + high) / 2


# The OJK literacy example: 12,000,000 financed, 12 x 1,170,000 (17 % flat).
OJK_PRINCIPAL = Decimal("12000000")
OJK_INSTALLMENTS = [Decimal("1170000")] * 12


def test_ojk_example_is_about_30_03_percent_effective_a_year():
    monthly = effective_rate_from_cashflows(OJK_PRINCIPAL, OJK_INSTALLMENTS, Timing.ADDB)
    annual = monthly * 12 * 100

    # domain.md quotes "30.03 %"; the exact figure is 30.02617 % (monthly 2.502181 %).
    assert Decimal("30.0") < annual < Decimal("30.1")
    assert abs(annual - Decimal("30.026169684180639")) < Decimal("1e-12")


def test_ojk_example_flat_to_effective_matches_the_cash_flow_irr():
    assert abs(flat_to_effective(Decimal("17"), 12, Timing.ADDB) - Decimal("30.026169684180639")) < Decimal("1e-12")


def test_addm_variant_of_the_ojk_example_is_about_35_91_percent():
    # First of the 12 installments paid at signing: 10,830,000 financed over 11 months.
    effective = flat_to_effective(Decimal("17"), 12, Timing.ADDM)

    assert abs(effective - Decimal("35.911372551387")) < Decimal("1e-10")


def test_irr_agrees_with_a_60_digit_bisection():
    installments = [Decimal("1500000")] * 5 + [Decimal("1200000")] * 6 + [Decimal("700123")]
    for timing in Timing:
        solved = effective_rate_from_cashflows(Decimal("14000000"), installments, timing)
        assert abs(solved - reference_irr(Decimal("14000000"), installments, timing)) < Decimal("1e-16")


def test_irr_is_zero_when_installments_only_repay_the_principal():
    assert effective_rate_from_cashflows(Decimal("1200"), [Decimal("100")] * 12, Timing.ADDB) == 0


def test_irr_is_negative_when_installments_repay_less_than_the_principal():
    rate = effective_rate_from_cashflows(Decimal("1000"), [Decimal("400"), Decimal("400"), Decimal("100")], Timing.ADDB)

    assert rate < 0
    assert abs(rate - reference_irr(Decimal("1000"), [Decimal("400"), Decimal("400"), Decimal("100")], Timing.ADDB)) < Decimal("1e-16")


def test_irr_of_tiny_interest_uses_the_term_by_term_sum():
    installments = [Decimal("100000000")] * 59 + [Decimal("100000001")]
    rate = effective_rate_from_cashflows(Decimal("6000000000"), installments, Timing.ADDB)

    assert Decimal(0) < rate < Decimal("1e-9")
    assert abs(rate - reference_irr(Decimal("6000000000"), installments, Timing.ADDB)) < Decimal("1e-20")


@pytest.mark.parametrize(
    ("principal", "installments", "timing"),
    [
        (Decimal("1000"), [Decimal("1100")], Timing.ADDM),  # all paid at signing: no finite rate
        (Decimal("1000"), [Decimal("0"), Decimal("0")], Timing.ADDB),
        (Decimal("1000"), [], Timing.ADDB),
    ],
)
def test_irr_refuses_cash_flows_without_a_rate(principal, installments, timing):
    with pytest.raises(FinanceError) as caught:
        effective_rate_from_cashflows(principal, installments, timing)

    assert caught.value.code == "cashflows_invalid"


def test_irr_refuses_negative_installments():
    with pytest.raises(FinanceError) as caught:
        effective_rate_from_cashflows(Decimal("1000"), [Decimal("600"), Decimal("-1"), Decimal("600")], Timing.ADDB)

    assert caught.value.code == "amount_negative"


def test_flat_installment_is_principal_plus_flat_interest_over_months():
    assert flat_installment(Decimal("12000000"), Decimal("17"), 12) == Decimal("1170000")


@pytest.mark.parametrize("timing", list(Timing))
@pytest.mark.parametrize(
    ("principal", "monthly_rate", "n"), [(12_000_000, "0.02", 12), (250_000_000, "0.0075", 60), (5_000_000, "0.05", 1)]
)
def test_annuity_installment_agrees_with_numpy_financial_pmt(principal, monthly_rate, n, timing):
    ours = annuity_installment(Decimal(principal), Decimal(monthly_rate), n, timing)
    theirs = npf.pmt(float(monthly_rate), n, -principal, when=1 if timing is Timing.ADDM else 0)

    assert abs(float(ours) - theirs) < 0.01


def test_annuity_installment_at_zero_rate_divides_the_principal():
    assert annuity_installment(Decimal("1200"), Decimal("0"), 12, Timing.ADDB) == Decimal("100")
    assert annuity_installment(Decimal("1200"), Decimal("0"), 12, Timing.ADDM) == Decimal("100")


def test_effective_to_flat_inverts_flat_to_effective():
    for timing in Timing:
        effective = flat_to_effective(Decimal("17"), 36, timing)
        assert abs(effective_to_flat(effective, 36, timing) - Decimal("17")) < Decimal("1e-20")


def test_rule_of_thumb_effective_is_1_7_to_1_9_times_flat_for_one_to_three_years():
    for n in (12, 24, 36):
        ratio = flat_to_effective(Decimal("10"), n, Timing.ADDB) / Decimal("10")
        assert Decimal("1.7") < ratio < Decimal("1.95")


def test_zero_flat_rate_is_zero_effective():
    assert flat_to_effective(Decimal("0"), 24, Timing.ADDM) == 0
    assert effective_to_flat(Decimal("0"), 24, Timing.ADDM) == 0


def test_monthly_and_annual_percent_convert_by_twelve():
    assert monthly_to_annual_pct(Decimal("1.5")) == Decimal("18")
    assert annual_to_monthly_pct(Decimal("18")) == Decimal("1.5")


@pytest.mark.parametrize("n", [0, -3, True])
def test_rejects_tenor_below_one_month(n):
    with pytest.raises(FinanceError) as caught:
        flat_to_effective(Decimal("17"), n, Timing.ADDB)

    assert caught.value.code == "tenor_not_positive"
    assert caught.value.field == "tenor_months"


def test_rejects_unknown_timing():
    with pytest.raises(FinanceError) as caught:
        annuity_installment(Decimal("1000"), Decimal("0.01"), 12, "monthly")  # type: ignore[arg-type]

    assert caught.value.code == "timing_invalid"
