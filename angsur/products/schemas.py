"""API answers of products and quotes.

A priced quote is `finance.quote.Quote.as_dict()`: built once, stored as it is (a saved quote's and an
application's `result`), and answered as it is. `QuoteResultOut` declares that shape; POST /api/quotes
answers pre-serialised JSON without validating it against these classes (tests/api/test_openapi_typed.py
checks the answer against the document instead).
"""

import datetime as dt
from typing import Literal

from ninja import Schema

from angsur.schemas import DecimalStr, MoneyStr, StoredJSON


class ProductOut(Schema):
    code: str
    name: str
    kind: str
    vehicle_kind: str


class QuoteTdpOut(StoredJSON):
    """Total down payment (TDP): what the buyer pays at the dealer."""

    down_payment: MoneyStr
    first_installment: MoneyStr
    fees: dict[str, MoneyStr]
    total: MoneyStr


class ScheduleLineOut(StoredJSON):
    no: int
    due_date: dt.date
    installment: MoneyStr
    principal: MoneyStr
    interest: MoneyStr
    balance: MoneyStr


class QuoteResultOut(StoredJSON):
    """A priced quote (finance.quote.Quote.as_dict)."""

    financed_principal: MoneyStr
    installment: MoneyStr
    last_installment: MoneyStr
    total_interest: MoneyStr
    total_payable: MoneyStr
    flat_rate_annual: DecimalStr
    effective_rate_annual: DecimalStr
    timing: Literal["addb", "addm"]
    tenor_months: int
    tdp: QuoteTdpOut
    schedule: list[ScheduleLineOut]


class ProductQuoteOut(QuoteResultOut):
    """A quote priced on a product's rate card in force (shown, not stored)."""

    product: str
    min_dp_pct: DecimalStr
    allowed_tenors: list[int]


class SavedQuoteOut(QuoteResultOut):
    """A quote saved for a prospect (`save: true`)."""

    id: int


class QuoteDetailOut(QuoteResultOut):
    id: int
    prospect_name: str
    product: str


class QuoteRowOut(Schema):
    id: int
    prospect_name: str
    product: str
    tenor_months: int
    installment: MoneyStr
    tdp: MoneyStr
    as_of: dt.date
