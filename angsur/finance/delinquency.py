"""Delinquency of a contract on a business date: days past due, bucket, OJK collectibility, months on book,
first-payment default, and the late fee accrued to the date. Pure Python: no Django, no clock.

The end-of-day (``angsur.servicing.eod``) computes the same figures for a whole portfolio in SQL; these
functions are the rule it encodes, and the tests hold the two together. domain.md §3:

- days past due (DPD) = business date − due date of the oldest unpaid installment (0 if none is late);
- buckets are configuration (default B0 current, B1 1–30, B2 31–60, B3 61–90, B4 91–120, B5 121–180,
  B6 over 180);
- collectibility (kolektibilitas, as reported to SLIK): 1 Lancar (0 DPD), 2 Dalam Perhatian Khusus
  (1–90), 3 Kurang Lancar (91–120), 4 Diragukan (121–180), 5 Macet (over 180);
- months on book (MOB) counts calendar months from the signing month (the vintage cohort): signed in
  January, MOB is 0 in January, 1 in February; installment k of an arrears (ADDB) contract falls due at
  MOB k, so months 1–12 of the contract (prematur, the CMO's to collect) are MOB ≤ 12;
- first-payment default (FPD): the first installment still unpaid ``fpd_days`` (default 30) days after
  its due date. It is a mark on the contract: paying later does not remove it.

The late fee is the finance core's rule (``angsur.finance.servicing``: a rate per day on the overdue part
of an installment, from the day after its due date plus grace days, capped at a percent of the
installment, owed in whole rupiah rounded down). Its accrual depends only on the *sen-days* the
installment was unpaid, which is what a set-based query can sum; ``late_fee_sen`` turns sen-days into
the fee exactly as ``replay`` does (tested against it).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal, localcontext

from angsur.finance import errors
from angsur.finance.errors import FinanceError
from angsur.finance.money import CONTEXT, ONE, to_decimal

FPD_DAYS = 30
PREMATURE_MONTHS = 12
# Rates and caps are stored with 4 decimals (percent per day, percent of the installment).
RATE_SCALE = 10_000


@dataclass(frozen=True, slots=True)
class Band:
    """A days-past-due band: from min_dpd to max_dpd inclusive (None: no upper bound)."""

    code: str
    min_dpd: int
    max_dpd: int | None


DEFAULT_BUCKETS: tuple[Band, ...] = (
    Band("B0", 0, 0),
    Band("B1", 1, 30),
    Band("B2", 31, 60),
    Band("B3", 61, 90),
    Band("B4", 91, 120),
    Band("B5", 121, 180),
    Band("B6", 181, None),
)

# OJK collectibility (kolektibilitas) by days past due, as reported to SLIK: regulation, not configuration.
COLLECTIBILITY: tuple[Band, ...] = (
    Band("1", 0, 0),  # Lancar
    Band("2", 1, 90),  # Dalam Perhatian Khusus
    Band("3", 91, 120),  # Kurang Lancar
    Band("4", 121, 180),  # Diragukan
    Band("5", 181, None),  # Macet
)


def check_bands(bands: Sequence[Band]) -> tuple[Band, ...]:
    """Return the bands ordered by min_dpd; refuse gaps, overlaps, a start other than 0 or a bounded end."""
    ordered = tuple(sorted(bands, key=lambda band: band.min_dpd))
    if not ordered:
        raise FinanceError(errors.AMOUNT_INVALID, field="buckets", message="At least one bucket is needed.")
    expected = 0
    for index, band in enumerate(ordered):
        if band.min_dpd != expected:
            raise FinanceError(errors.AMOUNT_INVALID, field="buckets", message=f"Bucket {band.code} should start at {expected} days.")
        last = index == len(ordered) - 1
        if band.max_dpd is None:
            if not last:
                raise FinanceError(errors.AMOUNT_INVALID, field="buckets", message=f"Only the last bucket is open-ended ({band.code}).")
            break
        if band.max_dpd < band.min_dpd:
            raise FinanceError(errors.AMOUNT_INVALID, field="buckets", message=f"Bucket {band.code} ends before it starts.")
        if last:
            raise FinanceError(errors.AMOUNT_INVALID, field="buckets", message="The last bucket has no upper bound.")
        expected = band.max_dpd + 1
    return ordered


def band_of(dpd: int, bands: Sequence[Band]) -> str:
    """Return the code of the band holding dpd (bands as checked by ``check_bands``)."""
    if dpd < 0:
        raise FinanceError(errors.AMOUNT_NEGATIVE, field="dpd")
    for band in bands:
        if band.min_dpd <= dpd and (band.max_dpd is None or dpd <= band.max_dpd):
            return band.code
    raise FinanceError(errors.AMOUNT_INVALID, field="dpd", message=f"No bucket holds {dpd} days past due.")


def bucket(dpd: int, bands: Sequence[Band] = DEFAULT_BUCKETS) -> str:
    """The delinquency bucket of a days-past-due figure."""
    return band_of(dpd, bands)


def collectibility(dpd: int) -> int:
    """OJK collectibility (Kol 1–5) of a days-past-due figure."""
    return int(band_of(dpd, COLLECTIBILITY))


def days_past_due(oldest_unpaid_due: date | None, as_of: date) -> int:
    """Days from the oldest unpaid installment's due date to as_of (0 if none, or not yet due)."""
    if oldest_unpaid_due is None:
        return 0
    return max(0, (as_of - oldest_unpaid_due).days)


def months_on_book(signing_date: date, as_of: date) -> int:
    """Calendar months from the signing month to as_of's month (0 in the signing month; never negative)."""
    return max(0, (as_of.year - signing_date.year) * 12 + as_of.month - signing_date.month)


def premature(mob: int, months: int = PREMATURE_MONTHS) -> bool:
    """Months 1–12 of a contract (prematur): the originating CMO collects them."""
    return mob <= months


def first_payment_default(first_due_date: date, first_paid_on: date | None, as_of: date, fpd_days: int = FPD_DAYS) -> bool:
    """The first installment was still unpaid fpd_days after its due date (as of as_of; it stays marked)."""
    deadline = first_due_date.toordinal() + fpd_days
    if as_of.toordinal() < deadline:
        return False
    return first_paid_on is None or first_paid_on.toordinal() > deadline


# --- late fee to a date ----------------------------------------------------------------------------------


def rate_units(percent: Decimal | None) -> int | None:
    """A percent with at most 4 decimals as an integer of 1/10,000 percent (what the SQL multiplies by)."""
    if percent is None:
        return None
    value = to_decimal(percent, "late_fee_rate") * RATE_SCALE
    if value != value.to_integral_value():
        raise FinanceError(errors.AMOUNT_INVALID, field="late_fee_rate", message="A late-fee rate has at most 4 decimals.")
    return int(value)


def sen_days(amount_sen: int, start: date, as_of: date, paid: Iterable[tuple[date, int]]) -> int:
    """Sen × days an installment of amount_sen was unpaid from start (due date + grace) to as_of.

    Each day from start to the day before as_of counts what was unpaid at the end of that day (after
    the payments of that day), as the finance core's replay accrues: `paid` lists (value date, sen)
    applied to the installment's principal and interest.
    """
    days = (as_of - start).days
    if days <= 0:
        return 0
    total = amount_sen * days
    for value_date, amount in paid:
        if value_date < as_of:
            total -= amount * (as_of - max(value_date, start)).days
    return total


def late_fee_sen(unpaid_sen_days: int, amount_sen: int, rate_pct_per_day: Decimal, cap_pct: Decimal | None) -> int:
    """The late fee (sen, whole rupiah rounded down) of an installment unpaid for these sen-days.

    fee = sen-days × rate% / 100 (to rupiah) / 100 (percent), capped at cap% of the installment, floored
    to the rupiah: ``floor(min(S·R, A·C) / 10⁸)`` rupiah with R and C in 1/10,000 percent.
    """
    with localcontext(CONTEXT):
        fee = Decimal(unpaid_sen_days) * to_decimal(rate_pct_per_day, "late_fee_rate") / Decimal(RATE_SCALE)
        if cap_pct is not None:
            fee = min(fee, Decimal(amount_sen) * to_decimal(cap_pct, "late_fee_cap") / Decimal(RATE_SCALE))
        return int(fee.quantize(ONE, rounding=ROUND_FLOOR)) * 100


def late_fee_sen_integer(unpaid_sen_days: int, amount_sen: int, rate: int, cap: int | None) -> int:
    """``late_fee_sen`` in integers only (rate and cap in 1/10,000 percent), as the end-of-day SQL computes it."""
    product = unpaid_sen_days * rate
    if cap is not None:
        product = min(product, amount_sen * cap)
    return product // 100_000_000 * 100


__all__ = [
    "COLLECTIBILITY",
    "DEFAULT_BUCKETS",
    "FPD_DAYS",
    "PREMATURE_MONTHS",
    "Band",
    "band_of",
    "bucket",
    "check_bands",
    "collectibility",
    "days_past_due",
    "first_payment_default",
    "late_fee_sen",
    "late_fee_sen_integer",
    "months_on_book",
    "premature",
    "rate_units",
    "sen_days",
]
