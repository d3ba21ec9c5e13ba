"""The collection API's declared bodies and answers."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from angsur.schemas import BoundedDateTime, InputSchema, MoneyStr

ExpectedVersion = Annotated[int | None, Field(ge=1, description="The `version` last read; a newer one answers 409 stale_version")]
Coordinate = Annotated[Decimal, Field(max_digits=9, decimal_places=6, ge=-180, le=180)]


class ContactIn(InputSchema):
    channel: Literal["call", "whatsapp", "visit"]
    result_code: str = Field(..., min_length=1, max_length=30, description="A code of GET /api/collection/result-codes")
    note: str = Field("", max_length=2000)
    promise_on: dt.date | None = Field(None, description="Promise to pay: the date (today or later)")
    promise_amount: Annotated[Decimal, Field(max_digits=17, decimal_places=2)] | None = Field(None, description="Promise to pay: rupiah")
    latitude: Coordinate | None = None
    longitude: Coordinate | None = None
    gps_taken_at: BoundedDateTime | None = Field(None, description="A visit: when the GPS fix was taken (the device's fix time)")
    gps_missing_reason: str = Field("", max_length=200, description="A visit without a position: why")
    device_captured_at: BoundedDateTime | None = Field(None, description="The phone's clock when the contact was recorded on it")


class HandOverIn(InputSchema):
    to_stage: Literal["desk", "field", "remedial"]
    reason: str = Field(..., max_length=500)
    expected_version: ExpectedVersion = None


class AssignIn(InputSchema):
    assignee_id: int
    expected_version: ExpectedVersion = None


class ConsentIn(InputSchema):
    note: str = Field(..., max_length=1000, description="What the debtor agreed to (when they may be contacted)")
    valid_until: dt.date


class PromiseOut(Schema):
    id: int
    promised_on: dt.date
    amount: MoneyStr
    status: str
    paid: MoneyStr
    made_on: dt.date
    resolved_on: dt.date | None


class ContactOut(Schema):
    id: int
    case_id: int
    channel: str
    result_code: str
    result_label: str
    note: str
    actor: str
    stage: str
    contacted_at: dt.datetime
    debtor_local_time: str
    with_consent: bool
    latitude: str | None
    longitude: str | None
    gps_taken_at: dt.datetime | None
    gps_missing_reason: str
    device_captured_at: dt.datetime | None
    received_at: dt.datetime
    promise: PromiseOut | None
    replayed: bool = False


class CaseEventOut(Schema):
    action: str
    business_date: dt.date
    from_stage: str
    to_stage: str
    assignee: str | None
    actor: str | None
    note: str
    created_at: dt.datetime


class CaseRowOut(Schema):
    id: int
    contract_id: int
    contract_number: str
    customer_name: str
    branch_code: str
    cmo: str
    stage: str
    assignee: str | None
    priority: int
    broken_promises: int
    dpd: int
    bucket: str
    mob: int
    premature: bool
    overdue: MoneyStr
    late_fee: MoneyStr
    next_due_date: dt.date | None
    next_due: MoneyStr
    business_date: dt.date
    opened_on: dt.date
    closed_on: dt.date | None
    handed_over_on: dt.date | None
    version: int


class CaseOut(CaseRowOut):
    allowed_actions: list[str]
    whatsapp_url: str | None = Field(None, description="Click-to-chat link with the reminder prefilled (https://wa.me/62...)")
    contact_allowed_now: bool
    contact_refusal: str | None
    contacts: list[ContactOut]
    promises: list[PromiseOut]
    events: list[CaseEventOut]


class ConsentOut(Schema):
    id: int
    contract_id: int
    note: str
    valid_until: dt.date
    recorded_by: str
    recorded_at: dt.datetime


class ResultCodeOut(Schema):
    code: str
    label: str
    needs_promise: bool


class BucketCellOut(Schema):
    bucket: str
    accounts: int
    amount: MoneyStr


class ViewRowOut(Schema):
    id: int
    name: str
    accounts: int
    outstanding: MoneyStr
    overdue: MoneyStr
    fpd: int
    visits_today: int
    promises_kept: int
    promises_broken: int
    promise_kept_rate: str | None = Field(None, description="Kept ÷ (kept + broken), percent, one decimal")
    buckets: list[BucketCellOut]


class CollectionViewOut(Schema):
    group: str
    business_date: dt.date | None = Field(None, description="The end-of-day snapshot the buckets are read from")
    as_of: dt.date
    rows: list[ViewRowOut]
