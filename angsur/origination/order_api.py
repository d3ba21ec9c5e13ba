"""API of orders: capture (idempotent), list and search, the detail, submit, cancel."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Status
from pydantic import Field

from angsur.dealers.selectors import dealer_get, dealer_of
from angsur.errors import DomainError
from angsur.org.clock import branch_today
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.origination import selectors
from angsur.origination.answers_api import _detail, _is_dealer, _rows
from angsur.origination.inputs_api import ExpectedVersion, Latitude, Longitude, Money, OptionalVersion, _coord, _version
from angsur.origination.schemas import ApplicationOut, ApplicationRowOut
from angsur.origination.services import (
    HouseholdData,
    PartyData,
    VehicleData,
    application_cancel,
    application_create,
    application_submit,
    identifier_normalised,
)
from angsur.origination.workflow import Status as AppStatus
from angsur.products.selectors import product_get_by_code
from angsur.schemas import InputSchema
from angsur.scoring import normalize_phone, validate_kk
from angsur.scoring.identity import normalize_nik, normalize_vehicle_number

router = Router()


class VehicleIn(InputSchema):
    brand: str = Field(..., max_length=60)
    model: str = Field(..., max_length=80)
    year: int
    condition: Literal["new", "used"] = "new"
    colour: str = Field("", max_length=40)
    frame_number: str = Field("", max_length=60, description="Letters A-Z and digits; stored normalised")
    engine_number: str = Field("", max_length=60, description="Letters A-Z and digits; stored normalised")


class PartyIn(InputSchema):
    full_name: str = Field(..., max_length=120)
    nik: str = Field(..., max_length=40, description="16-digit NIK from the e-KTP (checked against birth date and sex), stored as digits")
    birth_place: str = Field(..., max_length=60)
    birth_date: dt.date
    sex: Literal["M", "F"]
    marital_status: Literal["single", "married", "divorced", "widowed"]
    phone: str = Field(..., max_length=30, description="Mobile number (08…, 628…, +628…)")
    ktp_address: str = Field(..., max_length=500)
    mother_maiden_name: str = Field("", max_length=120)
    kk_number: str = Field("", max_length=40)
    phone_alt: str = Field("", max_length=30)
    domicile_address: str = Field("", max_length=500)
    employment_type: Literal["employee", "self_employed", "other"] = "employee"
    employer_name: str = Field("", max_length=120)
    position: str = Field("", max_length=80)
    employment_months: int = Field(0, ge=0, le=1200)
    monthly_income: Money = Decimal(0)


class ObligationIn(InputSchema):
    lender: str = Field(..., max_length=120)
    # A zero or negative installment is no loan; stored, a negative one made every later analysis fail.
    monthly_installment: Annotated[Money, Field(gt=0)]


class HouseholdIn(InputSchema):
    declared_income: Money | None = Field(
        None, description="Deprecated: the applicant's income is applicant.monthly_income; if given it must be the same amount"
    )
    other_income: Money = Field(Decimal(0), description="Household income besides the applicant's and the spouse's")
    household_expense: Money = Decimal(0)
    dependents: int = Field(0, le=50)
    residence_ownership: Literal["own", "family", "rent", "official", ""] = ""
    residence_months: int = Field(0, ge=0, le=1200)
    address_latitude: Latitude | None = None
    address_longitude: Longitude | None = None
    obligations: list[ObligationIn] = Field(default_factory=list, max_length=20)


class ApplicationIn(InputSchema):
    dealer_id: int | None = Field(None, description="Required for staff; a dealer user's own dealer by default")
    product: str = Field(..., max_length=20, description="Product code")
    vehicle: VehicleIn
    otr: Money
    down_payment: Money
    tenor_months: int = Field(..., ge=1, le=120)
    applicant: PartyIn
    spouse: PartyIn | None = None
    guarantor: PartyIn | None = None
    household: HouseholdIn
    submit: bool = False


IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        max_length=64,
        description="Any unique string per order (e.g. a UUID): the same key answers the order it created (200) instead of a second one",
    ),
]


class CancelIn(InputSchema):
    reason: str = Field(..., max_length=500)
    expected_version: ExpectedVersion = None


def _party_data(p: PartyIn, prefix: str) -> PartyData:
    """The party with its identifiers normalised (scoring.identity), or the refusal naming the field."""
    data = p.model_dump()
    for name, normalise in (("nik", normalize_nik), ("kk_number", validate_kk), ("phone", normalize_phone), ("phone_alt", normalize_phone)):
        if data[name].strip():
            data[name] = identifier_normalised(f"{prefix}.{name}", normalise, data[name])
    return PartyData(**data)


def _vehicle_data(v: VehicleIn, kind: str) -> VehicleData:
    data = v.model_dump()
    for name in ("frame_number", "engine_number"):
        data[name] = identifier_normalised(f"vehicle.{name}", normalize_vehicle_number, data[name])
    return VehicleData(kind=kind, **data)


@router.post(
    "/applications",
    response={201: ApplicationOut, 200: ApplicationOut},
    exclude_unset=True,
    operation_id="angsur_origination_api_application_create_endpoint",
)
def application_create_endpoint(request: HttpRequest, payload: ApplicationIn, idempotency_key: IdempotencyKey = None) -> Status:
    """Capture an order (dealer systems and CMOs); with `submit: true` it is submitted at once.

    Send an `Idempotency-Key` header to make a retry safe: the first request answers 201, a repeat of
    the same key by the same user answers 200 with the order it created (as it stands now); the same
    key with other details answers 409 `idempotency_key_reused`.
    """
    user = request.auth
    require(user, Capability.ORDER_CREATE)
    as_of = branch_today(user)
    if payload.dealer_id is not None:
        dealer = dealer_get(viewer=user, pk=payload.dealer_id)
    elif _is_dealer(user) and dealer_of(user) is not None:
        dealer = dealer_of(user)
    else:
        raise DomainError("required", _("Choose the dealer."), field="dealer_id")
    product = product_get_by_code(payload.product)
    household = payload.household
    app = application_create(
        actor=user,
        dealer=dealer,
        product=product,
        as_of=as_of,
        vehicle=_vehicle_data(payload.vehicle, product.vehicle_kind),
        otr=payload.otr,
        down_payment=payload.down_payment,
        tenor_months=payload.tenor_months,
        applicant=_party_data(payload.applicant, "applicant"),
        spouse=_party_data(payload.spouse, "spouse") if payload.spouse else None,
        guarantor=_party_data(payload.guarantor, "guarantor") if payload.guarantor else None,
        household=HouseholdData(
            declared_income=household.declared_income,
            other_income=household.other_income,
            household_expense=household.household_expense,
            dependents=household.dependents,
            residence_ownership=household.residence_ownership,
            residence_months=household.residence_months,
            address_latitude=_coord(household.address_latitude),
            address_longitude=_coord(household.address_longitude),
            obligations=tuple((o.lender, o.monthly_installment) for o in household.obligations),
        ),
        submit=payload.submit,
        idempotency_key=idempotency_key or "",
    )
    return Status(200 if app.replayed else 201, _detail(user, app.pk))


@router.get("/applications", response=list[ApplicationRowOut], exclude_unset=True, operation_id="angsur_origination_api_application_list")
def application_list(request: HttpRequest, status: str = "", q: str = "", limit: int = 50) -> list:
    """Applications in the viewer's scope, newest first; `q` finds by NIK, phone, number or name. NIK and phone are masked."""
    user = request.auth
    require(user, Capability.APPLICATION_VIEW)
    limit = max(1, min(limit, 200))
    if status and status not in AppStatus.values:
        raise DomainError("invalid_status", _("Unknown status."), field="status")
    if q.strip():
        apps = [a for a in selectors.application_search(viewer=user, query=q[:100], limit=limit) if not status or a.status == status]
    else:
        apps = selectors.application_page(viewer=user, status=status, limit=limit)
    return _rows(apps, user)


@router.get(
    "/applications/{application_id}", response=ApplicationOut, exclude_unset=True, operation_id="angsur_origination_api_application_detail"
)
def application_detail(request: HttpRequest, application_id: int) -> dict:
    """Staff: the full application. Dealer users: status, terms and the privacy-safe notice only."""
    require(request.auth, Capability.APPLICATION_VIEW)
    return _detail(request.auth, application_id)


@router.post(
    "/applications/{application_id}/submit",
    response=ApplicationOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_application_submit_endpoint",
)
def application_submit_endpoint(request: HttpRequest, application_id: int, payload: OptionalVersion = None) -> dict:
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    application_submit(actor=user, application=app, expected_version=_version(payload))
    return _detail(user, app.pk)


@router.post(
    "/applications/{application_id}/cancel",
    response=ApplicationOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_application_cancel_endpoint",
)
def application_cancel_endpoint(request: HttpRequest, application_id: int, payload: CancelIn) -> dict:
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    application_cancel(actor=user, application=app, reason=payload.reason, expected_version=payload.expected_version)
    return _detail(user, app.pk)
