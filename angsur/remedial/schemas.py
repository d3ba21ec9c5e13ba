"""API answers of remedial. Amounts are decimal strings in rupiah, as everywhere in the API."""

import datetime as dt

from ninja import Schema

from angsur.schemas import MoneyStr


class BookletOut(Schema):
    id: int
    collector: str
    branch_code: str
    first_number: int
    last_number: int
    used: int
    assigned_on: dt.date


class ReceiptOut(Schema):
    id: int
    number: str
    status: str  # issued, spoiled
    collector: str
    contract_id: int | None
    contract_number: str | None
    amount: MoneyStr
    issued_on: dt.date
    deposit_due: dt.date | None
    payment_id: int | None
    deposit_id: int | None
    reason: str
    replayed: bool


class DepositOut(Schema):
    id: int
    number: str
    collector: str
    received_by: str
    received_on: dt.date
    expected: MoneyStr
    counted: MoneyStr
    difference: MoneyStr
    late_receipts: int
    receipts: list[str]


class CollectorLineOut(Schema):
    collector: str
    issued_count: int
    issued: MoneyStr
    deposited: MoneyStr
    counted: MoneyStr
    cash_difference: MoneyStr
    posted: MoneyStr
    posting_difference: MoneyStr
    missing: MoneyStr
    pending: MoneyStr
    late_count: int
    spoiled_count: int
    matched: bool


class ReceiptLineOut(Schema):
    receipt_id: int
    number: str
    collector: str
    state: str  # deposited, late, missing, pending, spoiled
    amount: MoneyStr
    posted: bool
    reversed: bool


class ReconciliationOut(Schema):
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    collectors: list[CollectorLineOut]
    totals: CollectorLineOut
    receipts: list[ReceiptLineOut]


class DepositExceptionOut(Schema):
    kind: str  # missing, late, difference
    collector: str
    receipt_number: str | None
    deposit_number: str | None
    amount: MoneyStr
    days_late: int


class LetterOut(Schema):
    id: int
    contract_id: int
    contract_number: str
    level: int
    number: str
    status: str  # draft, sent, cancelled
    version: int
    figures_on: dt.date
    figures_source: str  # eod (end-of-day snapshot) or ledger
    days_past_due: int
    outstanding_principal: MoneyStr
    interest: MoneyStr
    overdue: MoneyStr
    late_fees: MoneyStr
    sent_on: dt.date | None
    channel: str


class EvidenceOut(Schema):
    id: int
    contract_id: int
    kind: str  # acknowledgement, court_order
    dated: dt.date
    document: str
    note: str


class RepossessionOut(Schema):
    id: int
    number: str
    contract_id: int
    contract_number: str
    status: str  # open, secured, closed, cancelled
    version: int
    officer: str
    opened_on: dt.date
    warning_letter: str
    certificate_number: str
    secured_on: dt.date | None
    place: str
    unit_condition: str
    owed_on: dt.date
    days_past_due: int
    principal: MoneyStr
    interest: MoneyStr
    late_fees: MoneyStr
    costs: MoneyStr
    total: MoneyStr
    outcome_note: str


class BlockersOut(Schema):
    contract_id: int
    missing: list[str]
