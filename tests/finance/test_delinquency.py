"""Delinquency on a date: DPD, buckets, collectibility, MOB, FPD, and the late fee by sen-days against the replay."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from angsur.finance.delinquency import (
    COLLECTIBILITY,
    DEFAULT_BUCKETS,
    Band,
    bucket,
    check_bands,
    collectibility,
    days_past_due,
    first_payment_default,
    late_fee_sen,
    late_fee_sen_integer,
    months_on_book,
    premature,
    rate_units,
    sen_days,
)
from angsur.finance.errors import FinanceError
from angsur.finance.servicing import LateFeePolicy, Payment, ScheduledInstallment, replay

DUE = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("dpd", "code", "kol"),
    [(0, "B0", 1), (1, "B1", 2), (30, "B1", 2), (31, "B2", 2), (60, "B2", 2), (61, "B3", 2), (90, "B3", 2), (91, "B4", 3)]
    + [(120, "B4", 3), (121, "B5", 4), (180, "B5", 4), (181, "B6", 5), (5000, "B6", 5)],
)
def test_default_buckets_and_ojk_collectibility_at_their_boundaries(dpd, code, kol):
    assert bucket(dpd) == code
    assert collectibility(dpd) == kol


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_bucket_and_collectibility_never_improve_as_days_past_due_grow(a, b):
    low, high = sorted((a, b))
    codes = [band.code for band in DEFAULT_BUCKETS]
    assert codes.index(bucket(low)) <= codes.index(bucket(high))
    assert collectibility(low) <= collectibility(high)


def test_bands_must_cover_every_day_once():
    assert check_bands(reversed(DEFAULT_BUCKETS)) == DEFAULT_BUCKETS
    assert check_bands(COLLECTIBILITY) == COLLECTIBILITY
    for broken in (
        [Band("A", 1, None)],  # does not start at 0
        [Band("A", 0, 10), Band("B", 12, None)],  # a gap
        [Band("A", 0, 10), Band("B", 10, None)],  # an overlap
        [Band("A", 0, 10), Band("B", 11, 20)],  # no open end
        [Band("A", 0, None), Band("B", 11, None)],  # open before the end
        [Band("A", 0, 10), Band("B", 11, 5), Band("C", 6, None)],  # ends before it starts
        [],
    ):
        with pytest.raises(FinanceError):
            check_bands(broken)
    with pytest.raises(FinanceError):
        bucket(-1)


def test_days_past_due_counts_from_the_oldest_unpaid_due_date():
    assert days_past_due(None, DUE) == 0
    assert days_past_due(DUE, DUE) == 0
    assert days_past_due(DUE, DUE - timedelta(days=3)) == 0
    assert days_past_due(DUE, DUE + timedelta(days=45)) == 45


def test_months_on_book_are_calendar_months_from_the_signing_month():
    signed = date(2026, 1, 31)
    assert months_on_book(signed, date(2026, 1, 31)) == 0
    assert months_on_book(signed, date(2026, 2, 1)) == 1
    assert months_on_book(signed, date(2027, 1, 1)) == 12
    assert months_on_book(signed, date(2025, 12, 1)) == 0
    assert premature(12) and not premature(13)


def test_first_payment_default_is_the_first_installment_unpaid_30_days_after_due():
    # Given a first installment due on DUE
    day30 = DUE + timedelta(days=30)
    # Then before the 30th day it is no FPD, whatever happens
    assert not first_payment_default(DUE, None, day30 - timedelta(days=1))
    # When it is still unpaid on the 30th day: FPD, and it stays so after a late payment
    assert first_payment_default(DUE, None, day30)
    assert first_payment_default(DUE, day30 + timedelta(days=1), day30 + timedelta(days=90))
    # When it is paid on the 30th day at the latest: never FPD
    assert not first_payment_default(DUE, day30, day30 + timedelta(days=90))


@given(
    st.integers(min_value=0, max_value=400),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    st.integers(min_value=0, max_value=400),
)
def test_a_first_payment_default_stays_marked(days_late, paid_after, later):
    paid_on = None if paid_after is None else DUE + timedelta(days=paid_after)
    as_of = DUE + timedelta(days=days_late)
    if first_payment_default(DUE, paid_on, as_of):
        assert first_payment_default(DUE, paid_on, as_of + timedelta(days=later))


def test_rate_units_refuse_more_than_four_decimals():
    assert rate_units(Decimal("0.5")) == 5000
    assert rate_units(None) is None
    with pytest.raises(FinanceError):
        rate_units(Decimal("0.00001"))


payments = st.lists(
    st.tuples(st.integers(min_value=-5, max_value=200), st.integers(min_value=1, max_value=60)),  # (day after due, % of amount)
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(
    amount_rupiah=st.integers(min_value=1, max_value=50_000_000),
    interest_share=st.integers(min_value=0, max_value=90),
    paid=payments,
    as_of_day=st.integers(min_value=-10, max_value=400),
    rate=st.sampled_from([Decimal("0.5"), Decimal("0.2"), Decimal("0.1234"), Decimal("0.0001"), Decimal(0)]),
    cap=st.one_of(st.none(), st.sampled_from([Decimal("5"), Decimal("12.5"), Decimal("100")])),
    grace=st.integers(min_value=0, max_value=7),
)
def test_late_fee_by_sen_days_equals_the_replay(amount_rupiah, interest_share, paid, as_of_day, rate, cap, grace):
    # Given one installment and partial payments on random days (never more than it owes)
    amount_sen = amount_rupiah * 100
    interest = amount_sen * interest_share // 100
    schedule = [ScheduledInstallment(1, DUE, Decimal(amount_sen - interest) / 100, Decimal(interest) / 100)]
    events, rows, left = [], [], amount_sen
    for index, (day, share) in enumerate(paid):
        part = min(left, max(1, amount_sen * share // 100))
        if part <= 0:
            break
        left -= part
        value_date = DUE + timedelta(days=day)
        events.append(Payment(str(index), value_date, Decimal(part) / 100))
        rows.append((value_date, part))
    as_of = DUE + timedelta(days=as_of_day)
    policy = LateFeePolicy(rate, cap, grace)
    # When the finance core replays them to as_of ("fees_last": the payments go to the installment itself)
    ledger = replay(schedule, events, as_of=as_of, late_fees=policy, order="fees_last")
    expected_sen = int(ledger.installments[0].late_fee * 100)
    # Then the sen-days rule gives the same fee, in decimals and in integers as the SQL computes it
    counted = sen_days(amount_sen, DUE + timedelta(days=grace), as_of, [r for r in rows if r[0] <= as_of])
    assert late_fee_sen(counted, amount_sen, rate, cap) == expected_sen
    assert late_fee_sen_integer(counted, amount_sen, rate_units(rate), rate_units(cap)) == expected_sen


def test_late_fee_sen_days_worked_example():
    # Rp1,000,000 due on DUE, half paid 10 days late, the rest 20 days late, 0.5 % a day:
    # 10 days on 1,000,000 + 10 days on 500,000 = 15,000,000 rupiah-days × 0.5 % = Rp75,000.
    paid = [(DUE + timedelta(days=10), 50_000_000), (DUE + timedelta(days=20), 50_000_000)]
    counted = sen_days(100_000_000, DUE, DUE + timedelta(days=40), paid)
    assert counted == 1_500_000_000
    assert late_fee_sen(counted, 100_000_000, Decimal("0.5"), None) == 7_500_000
    # capped at 5 % of the installment: Rp50,000
    assert late_fee_sen(counted, 100_000_000, Decimal("0.5"), Decimal("5")) == 5_000_000
