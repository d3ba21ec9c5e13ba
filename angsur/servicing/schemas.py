"""API answers of servicing. Amounts are decimal strings in rupiah, as everywhere in the API."""

import datetime as dt

from ninja import Schema

from angsur.schemas import DecimalStr, MoneyStr


class ContractRowOut(Schema):
    id: int
    number: str
    status: str
    customer_name: str
    branch_code: str
    cmo_username: str
    signing_date: dt.date
    installment: MoneyStr
    outstanding: MoneyStr


class InstallmentOut(Schema):
    no: int
    due_date: dt.date
    amount: MoneyStr
    principal: MoneyStr
    interest: MoneyStr
    paid: MoneyStr
    unpaid: MoneyStr
    late_fee: MoneyStr
    late_fee_unpaid: MoneyStr
    state: str  # paid, overdue, due, partly_paid, upcoming
    paid_on: dt.date | None


class AllocationOut(Schema):
    installment_no: int | None
    component: str  # late_fee, interest, principal, settlement_fee, unapplied
    amount: MoneyStr


class PaymentOut(Schema):
    id: int
    contract_id: int
    contract_number: str
    kind: str
    channel: str
    amount: MoneyStr
    value_date: dt.date
    reference: str
    receipt_number: str | None
    received_by: str
    reversed: bool
    reversal_pending: bool
    allocations: list[AllocationOut]


class ReversalOut(Schema):
    id: int
    payment_id: int
    contract_id: int
    status: str
    reason: str
    requested_by: str
    decided_by: str | None


class WaiverOut(Schema):
    id: int
    contract_id: int
    amount: MoneyStr
    value_date: dt.date
    reason: str
    granted_by: str


class SettlementQuoteOut(Schema):
    id: int
    number: str
    contract_id: int
    contract_number: str
    quoted_on: dt.date
    valid_until: dt.date
    principal: MoneyStr
    interest: MoneyStr
    late_fees: MoneyStr
    fee: MoneyStr
    total: MoneyStr
    interest_rebated: MoneyStr
    executed: bool


class BalancesOut(Schema):
    as_of: dt.date
    outstanding: MoneyStr
    principal_unpaid: MoneyStr
    interest_unpaid: MoneyStr
    overdue: MoneyStr
    late_fees_unpaid: MoneyStr
    advance: MoneyStr
    unapplied: MoneyStr
    days_past_due: int


class ContractOut(Schema):
    id: int
    number: str
    status: str
    version: int
    application_id: int
    application_number: str
    branch_code: str
    dealer_name: str
    cmo_username: str
    customer_name: str
    vehicle: str
    signing_date: dt.date
    first_due_date: dt.date
    va_number: str
    timing: str
    tenor_months: int
    otr: MoneyStr
    down_payment: MoneyStr
    financed_principal: MoneyStr
    installment: MoneyStr
    total_interest: MoneyStr
    effective_rate_annual: DecimalStr
    late_fee_pct_per_day: DecimalStr
    closed_on: dt.date | None
    balances: BalancesOut
    installments: list[InstallmentOut]
    payments: list[PaymentOut]


class DisbursementOut(Schema):
    id: int
    contract_id: int
    po_number: str
    dealer_name: str
    status: str  # prepared, released, paid
    version: int
    otr: MoneyStr
    down_payment: MoneyStr
    dealer_deduction: MoneyStr
    amount: MoneyStr
    prepared_by: str
    released_by: str | None
    bank_reference: str
    paid_on: dt.date | None


class CollateralOut(Schema):
    contract_id: int
    fiduciary_deadline: dt.date
    deed_number: str
    deed_date: dt.date | None
    certificate_number: str
    registered_on: dt.date | None
    bpkb_status: str  # expected, stored, borrowed, released
    bpkb_due: dt.date
    bpkb_number: str
    vault_location: str


class FiduciaryDueOut(Schema):
    contract_id: int
    contract_number: str
    deadline: dt.date
    days_left: int
    state: str  # missed, warn, open


class LateBpkbsOut(Schema):
    dealer_name: str
    count: int
    oldest_days_late: int
    contracts: list[str]


class ImportErrorOut(Schema):
    line: int
    message: str


class ImportReportOut(Schema):
    rows: int
    posted: int
    already_posted: int
    unmatched: int
    errors: list[ImportErrorOut]


class PaymentImportOut(Schema):
    id: int
    bank: str
    file_name: str
    status: str  # queued, running, done, failed
    rows_total: int
    rows_done: int
    report: ImportReportOut | None  # when done
    created_at: dt.datetime
    finished_at: dt.datetime | None


class UnmatchedOut(Schema):
    id: int
    bank: str
    reference: str
    line: int
    account: str
    amount: MoneyStr
    value_date: dt.date
