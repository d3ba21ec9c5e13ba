"""API answers of products and quotes.

A priced quote is `finance.quote.Quote.as_dict()`: built once, stored as it is (a saved quote's and an
application's `result`), and answered as it is. `QuoteResultOut` declares that shape; POST /api/quotes
answers pre-serialised JSON without validating it against these classes (tests/api/test_openapi_typed.py
checks the answer against the document instead).
"""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

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


class FinancedItemOut(StoredJSON):
    """A capitalised item: financed on top of OTR − DP (insurance premium, a financed fee)."""

    name: str = Field(description="The item's code: admin, provision, fiduciary, other, insurance_tlo, insurance_all_risk, life_insurance")
    amount: MoneyStr


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
    # Quotes priced before these were added (saved quotes, applications) lack them: hence the defaults.
    all_in_effective_rate_annual: DecimalStr | None = Field(
        None,
        description="IRR of the cash actually advanced (OTR − DP) against the installments, % a year (monthly × 12); "
        "equals effective_rate_annual when nothing is capitalised",
    )
    financed_items: list[FinancedItemOut] = Field(
        default_factory=list, description="The capitalised items financed on top of OTR − DP (cost disclosure)"
    )
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
    """A saved quote in the list of prospects."""

    id: int
    prospect_name: str
    prospect_phone: str
    product: str
    vehicle: str
    tenor_months: int
    installment: MoneyStr
    tdp: MoneyStr
    as_of: dt.date
    dealer_id: int | None
    follow_up_on: dt.date | None
    follow_up_note: str
