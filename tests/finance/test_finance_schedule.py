"""Due dates and the effective-interest split of the schedule."""

import pickle
from datetime import date
from decimal import Decimal

import pytest

from angsur.finance import FinanceError, RoundingRule, ScheduleLine, Timing, add_months, build_schedule, due_dates


def test_due_dates_from_jan_31_fall_on_each_months_last_day_and_return_to_the_31st():
    dates = due_dates(date(2024, 1, 31), 6)

    assert dates == (
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
    )


def test_due_dates_use_feb_28_outside_leap_years():
    assert due_dates(date(2025, 1, 31), 3) == (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31))


def test_due_dates_cross_the_year_end():
    assert due_dates(date(2025, 11, 30), 4) == (date(2025, 11, 30), date(2025, 12, 30), date(2026, 1, 30), date(2026, 2, 28))


def test_due_dates_keep_an_explicit_anchor_day_after_a_short_month():
    assert due_dates(date(2025, 2, 28), 3, anchor_day=31) == (date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30))


def test_due_dates_of_zero_months_is_empty():
    assert due_dates(date(2025, 1, 1), 0) == ()


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 13) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_ojk_schedule_splits_by_the_effective_interest_method():
    dates = due_dates(date(2025, 2, 15), 12)
    schedule = build_schedule(Decimal("12000000"), [Decimal("1170000")] * 12, dates, Timing.ADDB)

    first, last = schedule[0], schedule[-1]
    # 12,000,000 x 2.502181 % = 300,261.7 -> 300,262 interest in month one.
    assert (first.no, first.interest, first.principal, first.balance) == (1, Decimal("300262"), Decimal("869738"), Decimal("11130262"))
    assert (last.no, last.balance) == (12, Decimal("0"))
    assert sum(line.interest for line in schedule) == Decimal("2040000")
    assert sum(line.principal for line in schedule) == Decimal("12000000")


def test_addm_first_line_is_paid_at_signing_without_interest():
    dates = due_dates(date(2025, 1, 15), 12)
    schedule = build_schedule(Decimal("12000000"), [Decimal("1170000")] * 12, dates, Timing.ADDM)

    assert schedule[0].interest == 0
    assert schedule[0].principal == Decimal("1170000")
    assert schedule[0].balance == Decimal("10830000")
    assert schedule[1].interest > 0
    assert sum(line.interest for line in schedule) == Decimal("2040000")


def test_explicit_monthly_rate_still_reconciles_in_the_last_line():
    dates = due_dates(date(2025, 2, 15), 12)
    schedule = build_schedule(Decimal("12000000"), [Decimal("1170000")] * 12, dates, Timing.ADDB, monthly_rate=Decimal("0.02"))

    assert schedule[0].interest == Decimal("240000")
    assert sum(line.principal for line in schedule) == Decimal("12000000")
    assert schedule[-1].balance == 0


def test_interest_can_be_rounded_to_another_unit():
    dates = due_dates(date(2025, 2, 15), 12)
    schedule = build_schedule(Decimal("12000000"), [Decimal("1170000")] * 12, dates, Timing.ADDB, unit=RoundingRule(Decimal("100"), "down"))

    assert all(line.interest % 100 == 0 for line in schedule[:-1])
    assert sum(line.interest for line in schedule) == Decimal("2040000")


def test_uneven_installments_are_clamped_so_no_part_goes_negative():
    # A tiny first installment cannot even cover the first month's interest.
    installments = [Decimal("1000")] + [Decimal("2000000")] * 7
    schedule = build_schedule(Decimal("10000000"), installments, due_dates(date(2025, 2, 1), 8), Timing.ADDB)

    assert schedule[0].interest == Decimal("1000")
    assert schedule[0].principal == 0
    assert all(line.principal >= 0 and line.interest >= 0 for line in schedule)
    assert [line.balance for line in schedule] == sorted((line.balance for line in schedule), reverse=True)
    assert sum(line.principal for line in schedule) == Decimal("10000000")
    assert sum(line.interest for line in schedule) == sum(installments) - Decimal("10000000")


def test_large_explicit_rate_is_clamped_to_the_total_interest():
    schedule = build_schedule(
        Decimal("1000000"), [Decimal("600000")] * 2, due_dates(date(2025, 2, 1), 2), Timing.ADDB, monthly_rate=Decimal("0.5")
    )

    assert [(line.principal, line.interest) for line in schedule] == [(Decimal("400000"), Decimal("200000")), (Decimal("600000"), 0)]


def test_single_installment_schedule_is_all_in_the_last_line():
    schedule = build_schedule(Decimal("1000000"), [Decimal("1010000")], [date(2025, 2, 1)], Timing.ADDB)

    assert len(schedule) == 1
    assert (schedule[0].principal, schedule[0].interest, schedule[0].balance) == (Decimal("1000000"), Decimal("10000"), 0)


def test_schedule_lines_are_immutable_values():
    schedule = build_schedule(Decimal("12000000"), [Decimal("1170000")] * 12, due_dates(date(2025, 2, 15), 12), Timing.ADDB)
    line = schedule[3]
    same = ScheduleLine(line.no, line.due_date, line.installment, line.principal, line.interest, line.balance)

    assert type(line) is ScheduleLine
    assert line == same
    assert hash(line) == hash(same)
    assert pickle.loads(pickle.dumps(line)) == same  # noqa: S301 - our own bytes
    assert line._replace(no=99).no == 99
    with pytest.raises(AttributeError):
        line.interest = Decimal(0)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("principal", "installments", "dates", "code"),
    [
        (Decimal("1000"), [Decimal("600"), Decimal("600")], [date(2025, 1, 1)], "schedule_length_mismatch"),
        (Decimal("1000"), [], [], "schedule_length_mismatch"),
        (Decimal("0"), [Decimal("600")], [date(2025, 1, 1)], "amount_not_positive"),
        (Decimal("1000"), [Decimal("1200"), Decimal("-100")], [date(2025, 1, 1)] * 2, "amount_negative"),
        (Decimal("1000"), [Decimal("400"), Decimal("400")], [date(2025, 1, 1)] * 2, "interest_negative"),
        (Decimal("1000"), [600.0, 600.0], [date(2025, 1, 1)] * 2, "amount_invalid"),
    ],
)
def test_build_schedule_rejects_inconsistent_input(principal, installments, dates, code):
    with pytest.raises(FinanceError) as caught:
        build_schedule(principal, installments, dates, Timing.ADDB)

    assert caught.value.code == code


def test_build_schedule_rejects_a_negative_monthly_rate():
    with pytest.raises(FinanceError) as caught:
        build_schedule(Decimal("1000"), [Decimal("600")] * 2, [date(2025, 1, 1)] * 2, Timing.ADDB, monthly_rate=Decimal("-0.01"))

    assert caught.value.code == "rate_out_of_range"
    assert caught.value.field == "monthly_rate"
