"""A CMO's monthly incentive, line by line: base per booking, the target tier, the quality factor, clawbacks.

Pure: Decimal rupiah in, Decimal rupiah out, no Django. Every line is rounded to the sen on its own and the
total is the sum of the lines, so a statement always reconciles: the lines explain every rupiah paid.

    base        one line per contract booked in the month: per unit, or a percent of the booked amount
    tier        base × (multiplier − 1): the highest tier whose achievement threshold was reached
    quality     (base + tier) × (quality factor − 1): the factor falls with the CMO's own premature FPD and
                30+ DPD rates, never below the scheme's floor nor above 1
    clawback    one negative line per earlier booking that defaulted early: its base × the clawback percent
    floor       when clawbacks exceed the month's earnings, what brings the total back to zero
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from angsur.finance.money import CONTEXT, HUNDRED, ONE, SEN, ZERO

BASE_KINDS = ("per_unit", "pct_amount")


@dataclass(frozen=True)
class Scheme:
    base_kind: str  # per_unit | pct_amount
    base_per_unit: Decimal = ZERO  # rupiah per booking
    base_pct: Decimal = ZERO  # percent of the booked amount
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (achievement from %, multiplier)
    fpd_weight: Decimal = ZERO
    dpd30_weight: Decimal = ZERO
    quality_floor: Decimal = ZERO
    clawback_pct: Decimal = HUNDRED

    def __post_init__(self) -> None:
        if self.base_kind not in BASE_KINDS:
            raise ValueError(f"unknown base kind {self.base_kind!r}")
        for value in (self.base_per_unit, self.base_pct, self.fpd_weight, self.dpd30_weight, self.quality_floor, self.clawback_pct):
            if not isinstance(value, Decimal) or not value.is_finite() or value < ZERO:
                raise ValueError("scheme figures are non-negative Decimals")
        if self.quality_floor > ONE:
            raise ValueError("the quality floor is at most 1")


@dataclass(frozen=True)
class Booking:
    """A contract booked (or, for a clawback, once booked) by the CMO: its key, its number, its amount."""

    key: int
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Line:
    kind: str  # base, tier, quality, clawback, floor
    amount: Decimal
    basis: Decimal = ZERO
    factor: Decimal | None = None
    key: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Statement:
    lines: tuple[Line, ...]
    total: Decimal
    base_total: Decimal
    tier_multiplier: Decimal
    quality_factor: Decimal


def _sen(amount: Decimal) -> Decimal:
    return amount.quantize(SEN, rounding=ROUND_HALF_UP)


def tier_multiplier(tiers: Sequence[tuple[Decimal, Decimal]], achievement_pct: Decimal | None) -> Decimal:
    """The multiplier of the highest tier reached; 1 without tiers or without a target (achievement None),
    0 below the lowest tier."""
    if not tiers or achievement_pct is None:
        return ONE
    reached = [(threshold, multiplier) for threshold, multiplier in tiers if achievement_pct >= threshold]
    return max(reached)[1] if reached else ZERO


def quality_factor(scheme: Scheme, *, fpd_rate: Decimal | None, dpd30_rate: Decimal | None) -> Decimal:
    """1 − fpd_weight × FPD rate − dpd30_weight × 30+ DPD rate (rates as fractions), within [floor, 1]."""
    with localcontext(CONTEXT):
        factor = ONE - scheme.fpd_weight * (fpd_rate or ZERO) - scheme.dpd30_weight * (dpd30_rate or ZERO)
        return min(ONE, max(scheme.quality_floor, factor))


def base_for(scheme: Scheme, amount: Decimal) -> Decimal:
    """The base incentive one booking earns, to the sen."""
    with localcontext(CONTEXT):
        if scheme.base_kind == "per_unit":
            return _sen(scheme.base_per_unit)
        return _sen(amount * scheme.base_pct / HUNDRED)


def incentive_statement(
    scheme: Scheme,
    *,
    bookings: Sequence[Booking],
    achievement_pct: Decimal | None,
    fpd_rate: Decimal | None,
    dpd30_rate: Decimal | None,
    clawbacks: Sequence[Booking] = (),
) -> Statement:
    """The month's statement: its lines and their sum, which is what is paid (never below zero)."""
    with localcontext(CONTEXT):
        lines: list[Line] = []
        for booking in bookings:
            lines.append(Line("base", base_for(scheme, booking.amount), booking.amount, None, booking.key, booking.label))
        base_total = sum((line.amount for line in lines), ZERO)
        multiplier = tier_multiplier(scheme.tiers, achievement_pct)
        tier_amount = _sen(base_total * multiplier) - base_total
        if lines and tier_amount:
            lines.append(Line("tier", tier_amount, base_total, multiplier))
        after_tier = base_total + tier_amount
        factor = quality_factor(scheme, fpd_rate=fpd_rate, dpd30_rate=dpd30_rate)
        quality_amount = _sen(after_tier * factor) - after_tier
        if quality_amount:
            lines.append(Line("quality", quality_amount, after_tier, factor))
        for booking in clawbacks:
            earned = base_for(scheme, booking.amount)
            amount = _sen(earned * scheme.clawback_pct / HUNDRED)
            if amount:
                lines.append(Line("clawback", -amount, earned, scheme.clawback_pct / HUNDRED, booking.key, booking.label))
        subtotal = sum((line.amount for line in lines), ZERO)
        if subtotal < ZERO:
            lines.append(Line("floor", -subtotal, subtotal))
        total = sum((line.amount for line in lines), ZERO)
        return Statement(tuple(lines), total, base_total, multiplier, factor)
