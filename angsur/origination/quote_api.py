"""API: quotes (POST /api/quotes prices by product or by explicit terms, and saves one for a prospect), prospects.

The routes keep the operationIds they had when they lived in products (dealer integrations generate their
clients from the OpenAPI document). The pricing is products'; saved quotes are origination's.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import Field, field_validator

from angsur.dealers.selectors import dealer_get
from angsur.errors import DomainError
from angsur.finance.quote import OTR_MAX, ROUNDING_UNIT_MAX, ROUNDING_UNIT_MIN, TENOR_MAX_MONTHS, Quote, schedule_json
from angsur.org.clock import branch_today
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.origination.quote_selectors import prospect_list, quote_get, quote_row
from angsur.origination.quote_services import quote_follow_up_set, quote_save
from angsur.products.schemas import ProductQuoteOut, QuoteDetailOut, QuoteResultOut, QuoteRowOut, SavedQuoteOut
from angsur.products.selectors import pricing_terms_for_code, product_get_by_code
from angsur.products.services import quote_down_payment, quote_from_terms, quote_price
from angsur.schemas import InputSchema, check_date_in_range

router = Router(tags=["quotes"])

Money = Decimal


# The limits of otr, tenor_months and rounding are checked by the one check the CLI also uses
# (finance.quote.check_quote_terms, through the services), and only described here.
class QuoteIn(InputSchema):
    otr: Money = Field(..., description=f"OTR price in rupiah (at most {OTR_MAX})")
    down_payment: Money | None = Field(None, description="DP in rupiah (or give down_payment_pct)")
    down_payment_pct: Decimal | None = Field(None, ge=0, lt=100)
    tenor_months: int = Field(..., description=f"Tenor in months, 1 to {TENOR_MAX_MONTHS}")
    product: str | None = Field(None, description="Product code; prices on its rate card in force")
    vehicle_year: int | None = Field(None, ge=1980, le=2100)
    vehicle_condition: Literal["new", "used"] = "new"
    flat_rate: Decimal | None = Field(None, description="Flat rate % p.a. (without product)")
    effective_rate: Decimal | None = Field(None, description="Effective rate % p.a. (without product)")
    timing: Literal["addb", "addm"] = "addb"
    rounding: Decimal = Field(
        Decimal("1000"), description=f"Round the installment to this unit: whole rupiah, {ROUNDING_UNIT_MIN} to {ROUNDING_UNIT_MAX}"
    )
    rounding_direction: Literal["up", "down", "half_up", "half_even"] = Field(
        "up", description="up, down, half_up (nearest, ties up) or half_even (nearest, ties to even)"
    )
    residue: Literal["interest", "last_installment"] = Field(
        "interest",
        description="Where the rounding difference goes: interest (all installments equal) or the last installment. "
        "A 0 % loan always puts it in the last installment (it is exact)",
    )
    first_due_date: dt.date | None = None
    save: bool = False
    prospect_name: str = Field("", max_length=120)
    prospect_phone: str = Field("", max_length=20)
    vehicle_brand: str = Field("", max_length=60)
    vehicle_model: str = Field("", max_length=80)
    dealer_id: int | None = None

    # InputSchema checks every field for a date out of range; this body has one date, so only it is
    # checked (the same check, without a Python call per field on every quote).
    @field_validator("first_due_date", mode="after")
    @classmethod
    def _date_in_range(cls, value: dt.date | None) -> dt.date | None:
        return check_date_in_range(value)


def _down_payment(payload: QuoteIn) -> Decimal:
    return quote_down_payment(otr=payload.otr, down_payment=payload.down_payment, down_payment_pct=payload.down_payment_pct)


def _json(response: HttpResponse, status: int, body: dict) -> HttpResponse:
    """Answer a quote in ninja's response for the call (the ``response`` argument: the one ninja makes for every
    call, which a view may fill in instead of building a second). Its body is JSON-ready already (amounts are
    decimal strings), so ninja's response validation, which re-walks every schedule line, is skipped (an
    HttpResponse is answered as it is), and orjson encodes it (~13× faster than the json module on a 24-line
    schedule; the bytes are the same for this ASCII, str/int body). The route still declares the schema for the
    OpenAPI document, and tests/api/test_openapi_typed.py checks the answer against it."""
    response.status_code = status
    response.content = orjson.dumps(body)
    return response


def _quote_json(response: HttpResponse, summary: dict, quote: Quote) -> HttpResponse:
    """Answer a priced quote: its summary (and whatever the route adds) encoded by orjson, then its schedule
    as the finance core writes it as JSON (finance.quote.schedule_json), spliced in as the last key.
    The same document as _json(response, 200, {**summary, "schedule": schedule_dicts(...)}) without a dict per line."""
    head = orjson.dumps(summary)
    response.content = b"".join((head[:-1], b',"schedule":', schedule_json(quote.schedule_source), b"}"))
    return response


@router.post(
    "/quotes", response={200: ProductQuoteOut | QuoteResultOut, 201: SavedQuoteOut}, operation_id="angsur_products_api_quote_create"
)
def quote_create(request: HttpRequest, payload: QuoteIn, response: HttpResponse) -> HttpResponse:
    """Price a quote; with `save: true` (and a product) store it for the prospect."""
    user = request.auth
    require(user, Capability.QUOTE_CREATE)
    as_of = branch_today(user)
    dp = _down_payment(payload)
    if payload.product is None:
        quote = quote_from_terms(
            otr=payload.otr,
            down_payment=dp,
            tenor_months=payload.tenor_months,
            as_of=as_of,
            flat_rate=payload.flat_rate,
            effective_rate=payload.effective_rate,
            timing=payload.timing,
            rounding_unit=payload.rounding,
            rounding_direction=payload.rounding_direction,
            residue=payload.residue,
            first_due_date=payload.first_due_date,
        )
        return _quote_json(response, quote.summary_dict(), quote)
    if payload.vehicle_year is None:
        raise DomainError("required", _("The vehicle year is required to price a product."), field="vehicle_year")
    if payload.save:
        dealer = dealer_get(viewer=user, pk=payload.dealer_id) if payload.dealer_id else None
        saved = quote_save(
            actor=user,
            product=product_get_by_code(payload.product),
            as_of=as_of,
            otr=payload.otr,
            down_payment=dp,
            tenor_months=payload.tenor_months,
            vehicle_year=payload.vehicle_year,
            vehicle_condition=payload.vehicle_condition,
            prospect_name=payload.prospect_name,
            prospect_phone=payload.prospect_phone,
            vehicle_brand=payload.vehicle_brand,
            vehicle_model=payload.vehicle_model,
            dealer=dealer,
            first_due_date=payload.first_due_date,
        )
        return _json(response, 201, {"id": saved.pk, **saved.result})
    # Shown, not stored: priced on the cached terms (saving above loads them afresh in its transaction).
    priced = quote_price(
        terms=pricing_terms_for_code(code=payload.product, branch_id=user.branch_id, as_of=as_of),
        as_of=as_of,
        otr=payload.otr,
        down_payment=dp,
        tenor_months=payload.tenor_months,
        vehicle_year=payload.vehicle_year,
        first_due_date=payload.first_due_date,
    )
    return _quote_json(
        response,
        {
            **priced.quote.summary_dict(),
            "product": priced.terms.product_code,
            "min_dp_pct": str(priced.min_dp_pct),
            "allowed_tenors": list(priced.allowed_tenors),
        },
        priced.quote,
    )


@router.get("/quotes", response=list[QuoteRowOut], operation_id="angsur_products_api_quotes")
def quotes(request: HttpRequest, limit: int = 50) -> list:
    """The caller's saved quotes as prospects: the next follow-up first, then those without one, newest first."""
    require(request.auth, Capability.QUOTE_VIEW)
    return [quote_row(q) for q in prospect_list(viewer=request.auth, limit=max(1, min(limit, 200)))]


class FollowUpIn(InputSchema):
    follow_up_on: dt.date | None = Field(None, description="When to follow the prospect up (null: no follow-up planned)")
    follow_up_note: str = Field("", max_length=200, description="A short note for the follow-up")


@router.post("/quotes/{quote_id}/follow-up", response=QuoteRowOut, operation_id="angsur_products_api_quote_follow_up")
def quote_follow_up(request: HttpRequest, quote_id: int, payload: FollowUpIn) -> dict:
    """Set (or clear) when a saved quote's prospect is to be followed up, with a short note (audited)."""
    saved = quote_follow_up_set(
        actor=request.auth,
        quote_id=quote_id,
        follow_up_on=payload.follow_up_on,
        note=payload.follow_up_note,
        today=branch_today(request.auth),
    )
    return quote_row(saved)


@router.get("/quotes/{quote_id}", response=QuoteDetailOut, operation_id="angsur_products_api_quote_detail")
def quote_detail(request: HttpRequest, quote_id: int) -> dict:
    require(request.auth, Capability.QUOTE_VIEW)
    q = quote_get(viewer=request.auth, pk=quote_id)
    return {"id": q.pk, "prospect_name": q.prospect_name, "product": q.product.code, **q.result}
