"""Quotes: installments, rounding residue, fees, TDP, rates, dates and validation."""

import json
from datetime import date
from decimal import Decimal

import pytest

from angsur.finance import (
    FeeSpec,
    FinanceError,
    RateSpec,
    RoundingRule,
    Timing,
    compare_tenors,
    compute_quote,
    plan_installments,
)


def test_ojk_example_quote(ojk):
    quote = compute_quote(ojk)

    assert quote.financed_principal == Decimal("12000000")
    assert quote.total_interest == Decimal("2040000")
    assert quote.installment == quote.last_installment == Decimal("1170000")
    assert quote.total_payable == Decimal("14040000")
    assert quote.flat_rate_annual == Decimal("17.0000")
    assert Decimal("30.0") < quote.effective_rate_annual < Decimal("30.1")
    assert quote.effective_rate_annual == Decimal("30.0262")
    assert quote.tdp.total == quote.tdp.down_payment == Decimal("3000000")
    assert quote.tdp.first_installment == 0


def test_ojk_example_schedule_is_monthly_from_one_month_after_the_contract(ojk):
    schedule = compute_quote(ojk).schedule

    assert [line.due_date for line in schedule[:3]] == [date(2025, 2, 15), date(2025, 3, 15), date(2025, 4, 15)]
    assert schedule[-1].due_date == date(2026, 1, 15)
    assert sum(line.interest for line in schedule) == Decimal("2040000")
    assert schedule[-1].balance == 0


def test_addm_takes_the_first_installment_at_signing_and_into_the_tdp(with_terms):
    quote = compute_quote(with_terms(timing=Timing.ADDM))

    assert quote.installment == Decimal("1170000")
    assert quote.tdp.first_installment == Decimal("1170000")
    assert quote.tdp.total == Decimal("4170000")
    assert quote.schedule[0].due_date == date(2025, 1, 15)
    assert quote.schedule[0].interest == 0
    assert quote.effective_rate_annual == Decimal("35.9114")


def test_contract_on_the_31st_keeps_due_dates_on_month_ends(with_terms):
    quote = compute_quote(with_terms(contract_date=date(2025, 1, 31), tenor_months=4))

    assert [line.due_date for line in quote.schedule] == [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31)]


def test_explicit_first_due_date_anchors_the_schedule(with_terms):
    quote = compute_quote(with_terms(first_due_date=date(2025, 2, 25), tenor_months=3))

    assert [line.due_date for line in quote.schedule] == [date(2025, 2, 25), date(2025, 3, 25), date(2025, 4, 25)]


# 10,000,000 at 10 % flat over 7 months: interest 583,333.33, (P + I) / 7 = 1,511,904.76.
ODD = {"otr": Decimal("12000000"), "down_payment": Decimal("2000000"), "tenor_months": 7, "rate": RateSpec("flat", Decimal("10"))}


def test_rounding_up_with_residue_in_interest_makes_every_installment_equal(with_terms):
    quote = compute_quote(with_terms(**ODD, residue="interest"))

    assert quote.installment == quote.last_installment == Decimal("1512000")
    assert quote.total_interest == Decimal("1512000") * 7 - Decimal("10000000") == Decimal("584000")
    assert quote.flat_rate_annual == Decimal("10.0114")


def test_rounding_up_with_residue_in_last_installment_keeps_the_flat_interest(with_terms):
    quote = compute_quote(with_terms(**ODD, residue="last_installment"))

    assert quote.installment == Decimal("1512000")
    # 10,000,000 + 583,333 (flat interest to the rupiah) - 6 x 1,512,000.
    assert quote.last_installment == Decimal("1511333")
    assert quote.total_interest == Decimal("583333")
    assert quote.total_payable == Decimal("10583333")
    assert [line.installment for line in quote.schedule] == [Decimal("1512000")] * 6 + [Decimal("1511333")]


def test_rounding_down_with_residue_in_last_installment_makes_it_larger(with_terms):
    quote = compute_quote(with_terms(**ODD, residue="last_installment", rounding=RoundingRule(Decimal("1000"), "down")))

    assert quote.installment == Decimal("1511000")
    assert quote.last_installment == Decimal("1517333")


def test_effective_rate_quote_rounds_the_annuity_installment(with_terms):
    quote = compute_quote(with_terms(rate=RateSpec("effective", Decimal("24")), tenor_months=24))

    # 12,000,000 at 2 % a month over 24 months: 634,453.17 -> 635,000, which lifts the
    # rate actually paid (the IRR) from 24 % to 24.0913 % a year.
    assert quote.installment == Decimal("635000")
    assert quote.effective_rate_annual == Decimal("24.0913")
    assert quote.schedule[0].interest == Decimal("240913")
    assert quote.total_interest == Decimal("635000") * 24 - Decimal("12000000")
    assert sum(line.principal for line in quote.schedule) == Decimal("12000000")


def test_effective_rate_with_residue_in_last_installment_keeps_the_nominal_rate(with_terms):
    quote = compute_quote(with_terms(rate=RateSpec("effective", Decimal("24")), tenor_months=24, residue="last_installment"))

    assert quote.installment == Decimal("635000")
    assert quote.last_installment < quote.installment
    assert abs(quote.effective_rate_annual - Decimal("24")) <= Decimal("0.0001")


def test_fees_financed_raise_the_principal_and_fees_up_front_reach_the_tdp(with_terms):
    fees = (
        FeeSpec("admin", "fixed", Decimal("500000"), financed=False),
        FeeSpec("provisi", "principal", Decimal("1"), financed=False),
        FeeSpec("insurance", "otr", Decimal("2.5"), financed=True),
        FeeSpec("fiducia", "fixed", Decimal("250000"), financed=True),
    )
    quote = compute_quote(with_terms(fees=fees))

    # Insurance 2.5 % of OTR (375,000) and fiducia are financed; provisi is 1 % of OTR - DP.
    assert quote.financed_principal == Decimal("12000000") + Decimal("375000") + Decimal("250000")
    assert quote.tdp.fees == (("admin", Decimal("500000")), ("provisi", Decimal("120000")))
    assert quote.tdp.total == Decimal("3000000") + Decimal("500000") + Decimal("120000")
    assert [(fee.code, fee.amount, fee.financed) for fee in quote.fees] == [
        ("admin", Decimal("500000"), False),
        ("provisi", Decimal("120000"), False),
        ("insurance", Decimal("375000"), True),
        ("fiducia", Decimal("250000"), True),
    ]


def test_percent_fees_are_rounded_half_up_to_the_rupiah(with_terms):
    quote = compute_quote(with_terms(otr=Decimal("15000001"), fees=(FeeSpec("provisi", "otr", Decimal("0.5"), financed=False),)))

    assert quote.tdp.fees == (("provisi", Decimal("75000")),)


def test_as_dict_is_json_ready_with_amounts_as_strings(with_terms):
    data = compute_quote(with_terms(timing=Timing.ADDM, fees=(FeeSpec("admin", "fixed", Decimal("500000"), financed=False),))).as_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["financed_principal"] == "12000000"
    assert data["installment"] == data["last_installment"] == "1170000"
    assert data["total_interest"] == "2040000"
    assert data["total_payable"] == "14040000"
    assert data["flat_rate_annual"] == "17.0000"
    assert data["effective_rate_annual"] == "35.9114"
    assert data["timing"] == "addm"
    assert data["tenor_months"] == 12
    assert data["tdp"] == {"down_payment": "3000000", "first_installment": "1170000", "fees": {"admin": "500000"}, "total": "4670000"}
    assert data["schedule"][0] == {
        "no": 1,
        "due_date": "2025-01-15",
        "installment": "1170000",
        "principal": "1170000",
        "interest": "0",
        "balance": "10830000",
    }
    assert len(data["schedule"]) == 12


def test_compare_tenors_quotes_each_tenor_in_order(with_terms):
    quotes = compare_tenors(with_terms(allowed_tenors=(12, 24, 36)), (36, 12, 24))

    assert [q.tenor_months for q in quotes] == [36, 12, 24]
    assert quotes[1].installment == Decimal("1170000")
    assert quotes[0].installment < quotes[2].installment < quotes[1].installment


def test_plan_installments_skips_the_schedule(ojk):
    plan = plan_installments(ojk)

    assert (plan.installment, plan.total_interest, plan.financed_principal) == (Decimal("1170000"), Decimal("2040000"), Decimal("12000000"))


def test_accepts_str_based_enums_and_plain_strings_from_the_django_layer(with_terms):
    quote = compute_quote(with_terms(timing="addm", rounding=RoundingRule(Decimal("1000"), "nearest")))

    assert quote.timing is Timing.ADDM


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"otr": Decimal("0")}, "amount_not_positive", "otr"),
        ({"otr": 15000000.0}, "amount_invalid", "otr"),
        ({"otr": Decimal("15000000.001")}, "fractional_sen", "otr"),
        ({"down_payment": Decimal("-1")}, "amount_negative", "down_payment"),
        ({"down_payment": Decimal("15000000")}, "dp_not_below_otr", "down_payment"),
        ({"down_payment": Decimal("NaN")}, "amount_invalid", "down_payment"),
        ({"tenor_months": 0}, "tenor_not_positive", "tenor_months"),
        ({"tenor_months": 18, "allowed_tenors": (12, 24, 36)}, "tenor_not_allowed", "tenor_months"),
        ({"tenor_months": 1, "timing": Timing.ADDM}, "tenor_too_short", "tenor_months"),
        ({"rate": RateSpec("flat", Decimal("100.01"))}, "rate_out_of_range", "rate"),
        ({"rate": RateSpec("flat", Decimal("-1"))}, "rate_out_of_range", "rate"),
        ({"rate": RateSpec("simple", Decimal("17"))}, "rate_kind_invalid", "rate"),  # type: ignore[arg-type]
        ({"timing": "weekly"}, "timing_invalid", "timing"),
        ({"residue": "dealer"}, "residue_invalid", "residue"),
        ({"fees": (FeeSpec("admin", "fixed", Decimal("-5"), financed=False),)}, "amount_negative", "fees"),
        ({"fees": (FeeSpec("admin", "weight", Decimal("5"), financed=False),)}, "fee_basis_invalid", "fees"),  # type: ignore[arg-type]
        ({"fees": (FeeSpec("", "fixed", Decimal("5"), financed=False),)}, "fee_code_invalid", "fees"),
        ({"fees": (FeeSpec("a", "fixed", Decimal("5"), False), FeeSpec("a", "otr", Decimal("1"), True))}, "fee_code_duplicate", "fees"),
        ({"first_due_date": date(2025, 1, 15)}, "first_due_date_invalid", "first_due_date"),
        ({"first_due_date": date(2025, 2, 15), "timing": Timing.ADDM}, "first_due_date_invalid", "first_due_date"),
    ],
)
def test_rejects_invalid_input_with_a_stable_code_and_field(with_terms, changes, code, field):
    with pytest.raises(FinanceError) as caught:
        compute_quote(with_terms(**changes))

    assert (caught.value.code, caught.value.field) == (code, field)
    assert "{" not in caught.value.message


def test_rejects_rounding_that_leaves_no_positive_last_installment(with_terms):
    with pytest.raises(FinanceError) as caught:
        compute_quote(with_terms(tenor_months=12, residue="last_installment", rounding=RoundingRule(Decimal("1000000"), "up")))

    assert caught.value.code == "installment_not_positive"


def test_rejects_rounding_down_below_the_principal(with_terms):
    with pytest.raises(FinanceError) as caught:
        compute_quote(
            with_terms(otr=Decimal("3999999"), rate=RateSpec("flat", Decimal("0.01")), rounding=RoundingRule(Decimal("1000"), "down"))
        )

    assert caught.value.code == "interest_negative"
    assert caught.value.field == "rounding"


def test_rejects_addm_principal_repaid_by_the_installment_at_signing(with_terms):
    with pytest.raises(FinanceError) as caught:
        compute_quote(with_terms(down_payment=Decimal("14999000"), timing=Timing.ADDM, tenor_months=2))

    assert (caught.value.code, caught.value.field) == ("principal_too_small", "down_payment")


def test_zero_rate_quote_has_no_interest(with_terms):
    quote = compute_quote(with_terms(rate=RateSpec("effective", Decimal("0"))))

    assert quote.installment == Decimal("1000000")
    assert quote.total_interest == 0
    assert quote.effective_rate_annual == quote.flat_rate_annual == 0
    assert all(line.interest == 0 for line in quote.schedule)
