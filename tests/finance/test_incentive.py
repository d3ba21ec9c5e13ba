"""The incentive core: every statement reconciles (the lines sum to what is paid), pinned examples by hand."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from angsur.finance.incentive import Booking, Scheme, incentive_statement, quality_factor, tier_multiplier
from angsur.finance.money import SEN

D = Decimal
TIERS = ((D(0), D("0.5")), (D(80), D(1)), (D(100), D("1.2")), (D(120), D("1.5")))


def test_pinned_per_unit_statement_by_hand():
    # Given Rp100.000 per unit, tiers, FPD weight 2 and 30+ weight 1, floor 0.5
    scheme = Scheme("per_unit", base_per_unit=D(100000), tiers=TIERS, fpd_weight=D(2), dpd30_weight=D(1), quality_floor=D("0.5"))
    bookings = [Booking(1, "K/1", D(20000000)), Booking(2, "K/2", D(15000000)), Booking(3, "K/3", D(18000000))]
    # When 110 % achieved, FPD 5 %, 30+ DPD 10 %, one earlier contract defaulted
    s = incentive_statement(
        scheme, bookings=bookings, achievement_pct=D(110), fpd_rate=D("0.05"), dpd30_rate=D("0.10"), clawbacks=[Booking(9, "K/9", D(1))]
    )
    # Then base 300.000, tier ×1.2 → +60.000, quality 1 − 0.10 − 0.10 = 0.8 → −72.000, clawback −100.000
    assert [(line.kind, line.amount) for line in s.lines] == [
        ("base", D("100000.00")),
        ("base", D("100000.00")),
        ("base", D("100000.00")),
        ("tier", D("60000.00")),
        ("quality", D("-72000.00")),
        ("clawback", D("-100000.00")),
    ]
    assert s.total == D("188000.00")
    assert s.quality_factor == D("0.80")


def test_percent_base_rounds_each_line_to_the_sen_and_total_is_their_sum():
    scheme = Scheme("pct_amount", base_pct=D("0.35"))
    s = incentive_statement(scheme, bookings=[Booking(1, "a", D("12345678.91"))], achievement_pct=None, fpd_rate=None, dpd30_rate=None)
    assert s.lines[0].amount == D("43209.88")  # 12.345.678,91 × 0,35 % = 43.209,876…
    assert s.total == D("43209.88")


def test_clawbacks_larger_than_the_month_leave_zero_with_a_floor_line():
    scheme = Scheme("per_unit", base_per_unit=D(50000))
    s = incentive_statement(
        scheme, bookings=[], achievement_pct=None, fpd_rate=None, dpd30_rate=None, clawbacks=[Booking(7, "x", D(1)), Booking(8, "y", D(1))]
    )
    assert [line.kind for line in s.lines] == ["clawback", "clawback", "floor"]
    assert s.total == 0


@pytest.mark.parametrize(
    ("achievement", "expected"), [(None, D(1)), (D(-1), D(0)), (D(0), D("0.5")), (D("79.99"), D("0.5")), (D(80), D(1)), (D(125), D("1.5"))]
)
def test_tier_is_the_highest_threshold_reached(achievement, expected):
    assert tier_multiplier(TIERS, achievement) == expected


def test_quality_factor_stays_between_floor_and_one():
    scheme = Scheme("per_unit", fpd_weight=D(5), dpd30_weight=D(5), quality_floor=D("0.3"))
    assert quality_factor(scheme, fpd_rate=D("0.5"), dpd30_rate=D("0.5")) == D("0.3")
    assert quality_factor(scheme, fpd_rate=D(0), dpd30_rate=None) == D(1)


def test_scheme_refuses_negative_figures():
    with pytest.raises(ValueError):
        Scheme("per_unit", base_per_unit=D(-1))
    with pytest.raises(ValueError):
        Scheme("bonus")


money = st.decimals(min_value=0, max_value=D("5000000000"), places=2, allow_nan=False, allow_infinity=False)
rate = st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=4))
schemes = st.builds(
    Scheme,
    base_kind=st.sampled_from(["per_unit", "pct_amount"]),
    base_per_unit=money,
    base_pct=st.decimals(min_value=0, max_value=10, places=4),
    tiers=st.lists(
        st.tuples(st.decimals(min_value=0, max_value=200, places=2), st.decimals(min_value=0, max_value=3, places=4)), max_size=4
    ).map(tuple),
    fpd_weight=st.decimals(min_value=0, max_value=10, places=4),
    dpd30_weight=st.decimals(min_value=0, max_value=10, places=4),
    quality_floor=st.decimals(min_value=0, max_value=1, places=4),
    clawback_pct=st.decimals(min_value=0, max_value=200, places=4),
)
bookings = st.lists(st.builds(Booking, key=st.integers(1, 10**9), label=st.just("k"), amount=money), max_size=30)


@given(schemes, bookings, st.one_of(st.none(), st.decimals(min_value=0, max_value=300, places=2)), rate, rate, bookings)
def test_every_statement_reconciles_to_the_sen(scheme, booked, achievement, fpd, dpd30, clawed):
    s = incentive_statement(scheme, bookings=booked, achievement_pct=achievement, fpd_rate=fpd, dpd30_rate=dpd30, clawbacks=clawed)
    # The lines explain every rupiah: their sum is what is paid, each to the sen, never below zero.
    assert sum((line.amount for line in s.lines), D(0)) == s.total
    assert all(line.amount == line.amount.quantize(SEN) for line in s.lines)
    assert s.total >= 0
    assert scheme.quality_floor <= s.quality_factor <= 1
    # One base line per booking, one clawback line per clawed contract that costs anything.
    assert [line.key for line in s.lines if line.kind == "base"] == [b.key for b in booked]
    # Nothing is paid beyond the base at the tier's multiplier (quality only lowers it; rounding is to the sen).
    assert s.total <= s.base_total * max(s.tier_multiplier, D(1)) + D("0.01")
