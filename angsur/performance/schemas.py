"""API answers of performance. Amounts are decimal strings in rupiah, rates decimal strings in percent (null: no base)."""

import datetime as dt

from ninja import Schema

from angsur.schemas import DecimalStr, MoneyStr


class ReasonOut(Schema):
    reason: str
    count: int


class QualityOut(Schema):
    fpd_rate: DecimalStr | None
    dpd30_mob3: DecimalStr | None
    dpd30_mob6: DecimalStr | None
    dpd30_mob12: DecimalStr | None


class OriginationOut(Schema):
    orders: int
    decided: int
    approved: int
    approval_rate: DecimalStr | None
    turnaround_hours: DecimalStr | None
    bookings: int
    booked: MoneyStr


class ScorecardOut(Schema):
    dealer_id: int
    dealer_name: str
    period_from: dt.date
    period_to: dt.date
    tier: str | None
    decision_target_hours: int | None
    figures: OriginationOut
    quality: QualityOut
    branch: OriginationOut
    branch_quality: QualityOut
    branch_orders_per_dealer: DecimalStr | None
    branch_bookings_per_dealer: DecimalStr | None
    rejection_reasons: list[ReasonOut]


class CollectionResultsOut(Schema):
    """The CMO's collection work in the month: contacts logged, promises made and how many were kept or broken
    so far, money received on their cases' contracts, cases handed over."""

    contacts: int
    promises_made: int
    promises_kept: int
    promises_broken: int
    promise_kept_rate: DecimalStr | None
    collected: MoneyStr
    handed_over: int


class CmoOut(Schema):
    cmo_id: int
    username: str
    month: dt.date
    target_orders: int | None
    target_bookings: int | None
    target_amount: MoneyStr | None
    figures: OriginationOut
    achievement_orders: DecimalStr | None
    achievement_bookings: DecimalStr | None
    achievement_amount: DecimalStr | None
    premature_contracts: int
    premature_dpd30_rate: DecimalStr | None
    premature_fpd_rate: DecimalStr | None
    collection: CollectionResultsOut | None


class ChartOut(Schema):
    key: str
    title: str
    header: list[str]
    rows: list[list[str | int | None]]


class StatementLineOut(Schema):
    position: int
    kind: str
    contract_number: str
    description: str
    basis: MoneyStr
    factor: DecimalStr | None
    amount: MoneyStr


class StatementOut(Schema):
    id: int
    version: int
    branch_code: str
    cmo_id: int
    username: str
    month: dt.date
    status: str
    units: int
    booked: MoneyStr
    achievement_pct: DecimalStr | None
    tier_multiplier: DecimalStr
    fpd_rate_pct: DecimalStr | None
    dpd30_rate_pct: DecimalStr | None
    quality_factor: DecimalStr
    total: MoneyStr
    lines: list[StatementLineOut]


class RunOut(Schema):
    id: int
    branch_code: str
    month: dt.date
    runs: int
    statements: int
    total: MoneyStr


class RepeatOut(Schema):
    contract_id: int
    contract_number: str
    customer_name: str
    remaining_installments: int
    paid_off: bool
    max_dpd: int
    offered_on: dt.date | None
    converted: bool
    quote_url: str
