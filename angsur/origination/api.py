"""API: orders, applications, surveys, decisions, appeals, documents and worklists.

Thin endpoints: resolve objects through the scoped selectors (404 outside the viewer's branch or dealer),
call one service, answer one of the declared schemas (origination/schemas.py: one projection per viewer).
Amounts are decimal strings in rupiah. Writes that change an application take `expected_version` (the
`version` last read); a concurrent change answers 409 `stale_version`.

Privacy (UU 27/2022 PDP): lists mask NIK and phone; a dealer user only ever gets the dealer view of an
application (status, terms, the privacy-safe notice) and never income, bureau, survey or score data.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, File, Form, Header, Router, Status, UploadedFile
from pydantic import Field

from angsur.dealers.selectors import dealer_get, dealer_of
from angsur.errors import DomainError, PermissionDenied
from angsur.finance.money import from_minor, money_str
from angsur.org.clock import branch_today
from angsur.org.models import User
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, user_can
from angsur.org.worklists import collect
from angsur.origination import selectors
from angsur.origination.models import (
    Appeal,
    Application,
    Decision,
    Document,
    Flag,
    Survey,
    SurveyPhoto,
)
from angsur.origination.schemas import (
    AnalysisOut,
    AppealStepOut,
    ApplicationOut,
    ApplicationRowOut,
    BureauCheckStepOut,
    ConditionOut,
    DecisionStepOut,
    DocumentOut,
    PhotoOut,
    PreCheckOut,
    SurveyDraftOut,
    SurveyStepOut,
    WorklistOut,
)
from angsur.origination.services import (
    ConditionData,
    HouseholdData,
    InformantData,
    PartyData,
    VehicleData,
    analysis_start,
    appeal_file,
    application_cancel,
    application_create,
    application_submit,
    bureau_check_record,
    condition_resolve,
    conditions_accept,
    decision_record,
    document_upload,
    identifier_normalised,
    obligations_correct,
    survey_assign,
    survey_complete,
    survey_photo_add,
    survey_save_draft,
)
from angsur.origination.visibility import Part, sees
from angsur.origination.workflow import Status as AppStatus
from angsur.origination.workflow import allowed_actions
from angsur.products.selectors import product_get_by_code, quote_row
from angsur.products.services import counter_offers
from angsur.schemas import BoundedDateTime, InputSchema
from angsur.scoring import mask_nik, mask_phone, normalize_phone, validate_kk
from angsur.scoring.identity import normalize_nik, normalize_vehicle_number

router = Router(tags=["origination"])

# Rupiah with at most two decimals (whole sen): fractions of a sen are refused at the edge.
Money = Annotated[Decimal, Field(decimal_places=2, max_digits=17)]
Latitude = Annotated[Decimal, Field(ge=-90, le=90)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180)]
ExpectedVersion = Annotated[int | None, Field(ge=1, description="The `version` last read; a newer one answers 409 stale_version")]

SIX_PLACES = Decimal("0.000001")
MAX_INFORMANTS = 10


# --- input -------------------------------------------------------------------------------------------------


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


class VersionIn(InputSchema):
    expected_version: ExpectedVersion = None


# A body with only `expected_version` may be left empty (no optimistic check then).
OptionalVersion = Body[VersionIn | None]


def _version(payload: VersionIn | None) -> int | None:
    return payload.expected_version if payload is not None else None


class CancelIn(InputSchema):
    reason: str = Field(..., max_length=500)
    expected_version: ExpectedVersion = None


class ObligationsCorrectionIn(InputSchema):
    obligations: list[ObligationIn] = Field(default_factory=list, max_length=20)
    reason: str = Field(..., max_length=500, description="Why the loans are corrected (e.g. the SLIK result shows them)")
    expected_version: ExpectedVersion = None


class SurveyAssignIn(InputSchema):
    surveyor_id: int
    scheduled_for: dt.datetime = Field(..., description="Visit time; without an offset it is read in the branch's time zone")
    expected_version: ExpectedVersion = None


class BureauCheckIn(InputSchema):
    enquiry_date: dt.date
    consent_given: bool
    worst_collectibility: int | None = Field(None, description="Worst SLIK collectibility (Kol 1–5), empty when no history")
    outstanding: Money = Decimal(0)
    note: str = Field("", max_length=2000)


class ConditionIn(InputSchema):
    kind: str = Field(..., description="guarantor | spouse_signature | documents | other (a new DP or tenor comes from the counter-offer)")
    detail: str = Field("", max_length=300, description="What exactly is needed; required for documents and other")


class DecisionIn(InputSchema):
    outcome: str = Field(..., description="approve | approve_conditions | reject | escalate")
    reason_codes: list[str] = Field(default_factory=list, max_length=20)
    rationale: str = Field("", max_length=5000)
    counter_offer_kind: Literal["dp", "tenor"] | None = None
    counter_offer_tenor: int | None = Field(None, ge=1, le=600, description="Another tenor, same DP (e.g. shorter than asked)")
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=10)
    reasons_override: bool = Field(False, description="Keep a reason the analysis contradicts (say why in the rationale)")
    documents_override: str = Field(
        "", max_length=300, description="Approve without the product's required documents: the reason (chief credit analyst and above)"
    )
    expected_version: ExpectedVersion = None


class ConditionResolveIn(InputSchema):
    resolution: Literal["fulfilled", "waived"]
    note: str = Field("", max_length=300, description="Required to waive")


class AppealIn(InputSchema):
    argument: str = Field(..., max_length=5000)
    expected_version: ExpectedVersion = None


class InformantIn(InputSchema):
    name: str = Field("", max_length=120)
    relation: str = Field("", max_length=60)
    confirms_residence: bool = False
    answer: str = Field("", max_length=2000)


class SurveyFieldsIn(InputSchema):
    """The survey form (every field optional in a draft)."""

    residence_ownership: Literal["own", "family", "rent", "official", ""] | None = None
    residence_months: int | None = Field(None, ge=0, le=1200)
    house_type: str | None = Field(None, max_length=40)
    house_condition: str | None = Field(None, max_length=40)
    road_access: str | None = Field(None, max_length=40)
    employer_verified: bool | None = None
    employment_verification: str | None = Field(None, max_length=200)
    employment_months: int | None = Field(None, ge=0, le=1200)
    dependents: int | None = Field(None, ge=0, le=50)
    verified_income: Money | None = None
    household_income: Money | None = None
    household_expense: Money | None = None
    recommendation: str | None = Field(None, description="recommend | not_recommend")
    recommendation_reason: str | None = Field(None, max_length=2000)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    gps_missing_reason: str | None = Field(None, max_length=200, description="required to complete without latitude/longitude")


class SurveyDraftIn(SurveyFieldsIn):
    informants: list[InformantIn] | None = Field(None, max_length=MAX_INFORMANTS)


class SurveyCompleteIn(SurveyFieldsIn):
    informants: list[InformantIn] = Field(default_factory=list, max_length=MAX_INFORMANTS)
    expected_version: ExpectedVersion = None
    gps_taken_at: BoundedDateTime | None = Field(None, description="when the GPS fix was taken (the device's fix time)")
    device_captured_at: BoundedDateTime | None = Field(None, description="the device's clock when the survey was completed on it")


# The device's outbox sends survey submissions and photos again after a lost answer: the key makes that safe.
OutboxKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        max_length=64,
        description="A unique string per submission or photo (e.g. a UUID): sent again, it answers what it recorded the first time",
    ),
]


# --- output helpers ----------------------------------------------------------------------------------------


def _money(sen: int | None) -> str | None:
    return None if sen is None else money_str(from_minor(sen))


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _coord(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SIX_PLACES)


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.get_full_name() or user.username}


def _is_dealer(user: Any) -> bool:
    return user.role == Role.DEALER


def _label(status: str) -> str:
    return str(AppStatus(status).label) if status in AppStatus.values else status


def _state(app: Application) -> dict[str, Any]:
    return {"id": app.pk, "number": app.number, "status": app.status, "status_label": _label(app.status), "version": app.version}


def _row(app: Application, *, dealer_view: bool) -> dict[str, Any]:
    """A list row (fields of selectors.LIST_FIELDS only); NIK and phone masked, and absent for dealers."""
    row: dict[str, Any] = {
        "id": app.pk,
        "number": app.number,
        "status": app.status,
        "status_label": _label(app.status),
        "applicant_name": app.applicant_name,
        "tenor_months": app.tenor_months,
        "installment": _money(app.installment_sen),
        "created_at": app.created_at,
        "submitted_at": app.submitted_at,
    }
    if dealer_view:
        return row
    row.update(
        applicant_nik=mask_nik(app.applicant_nik),
        applicant_phone=mask_phone(app.applicant_phone),
        financed_principal=_money(app.financed_principal_sen),
        decision_level=app.decision_level,
        branch_id=app.branch_id,
        dealer_id=app.dealer_id,
        cmo_id=app.cmo_id,
    )
    if Application.dealer.field.is_cached(app):
        row["dealer_name"] = app.dealer.name
    if Application.cmo.field.is_cached(app):
        row["cmo_name"] = app.cmo.get_full_name() or app.cmo.username
    return row


def _rows(apps: Any, viewer: Any) -> list[dict[str, Any]]:
    dealer_view = _is_dealer(viewer)
    return [_row(app, dealer_view=dealer_view) for app in apps]


def _vehicle(app: Application) -> dict[str, Any]:
    return {
        "kind": app.vehicle_kind,
        "brand": app.vehicle_brand,
        "model": app.vehicle_model,
        "year": app.vehicle_year,
        "condition": app.vehicle_condition,
        "colour": app.vehicle_colour,
        "frame_number": app.frame_number,
        "engine_number": app.engine_number,
    }


def _timestamps(app: Application) -> dict[str, Any]:
    return {
        "created_at": app.created_at,
        "submitted_at": app.submitted_at,
        "survey_assigned_at": app.survey_assigned_at,
        "surveyed_at": app.surveyed_at,
        "analysis_started_at": app.analysis_started_at,
        "decided_at": app.decided_at,
        "updated_at": app.updated_at,
    }


def _dealer_detail(app: Application) -> dict[str, Any]:
    """The dealer view: whitelisted fields only (no income, bureau, survey, score, NIK or phone)."""
    return {
        **_state(app),
        "vehicle": _vehicle(app),
        "terms": {
            "otr": _money(app.otr_sen),
            "down_payment": _money(app.down_payment_sen),
            "tenor_months": app.tenor_months,
            "installment": _money(app.installment_sen),
            "tdp": _money(app.tdp_sen),
        },
        "applicant_name": app.applicant_name,
        # the order's own milestones only (internal steps such as survey or analysis are not the dealer's business)
        "created_at": app.created_at,
        "submitted_at": app.submitted_at,
        "decided_at": app.decided_at,
        "updated_at": app.updated_at,
        "notice": selectors.dealer_notice(app),
    }


def _party(p: Any) -> dict[str, Any]:
    return {
        "role": p.role,
        "full_name": p.full_name,
        "nik": p.nik,
        "kk_number": p.kk_number,
        "birth_place": p.birth_place,
        "birth_date": p.birth_date,
        "sex": p.sex,
        "marital_status": p.marital_status,
        "mother_maiden_name": p.mother_maiden_name,
        "phone": p.phone,
        "phone_alt": p.phone_alt,
        "ktp_address": p.ktp_address,
        "domicile_address": p.domicile_address,
        "employment_type": p.employment_type,
        "employer_name": p.employer_name,
        "position": p.position,
        "employment_months": p.employment_months,
        "monthly_income": _money(p.monthly_income_sen),
    }


def _document(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "kind_label": str(d.get_kind_display()),
        "original_name": d.original_name,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "uploaded_by": _user(d.uploaded_by),
        "uploaded_at": d.uploaded_at,
    }


def _photo(p: SurveyPhoto) -> dict[str, Any]:
    return {
        "id": p.pk,
        "caption": p.caption,
        "latitude": _dec(p.latitude),
        "longitude": _dec(p.longitude),
        "taken_at": p.taken_at,
        "content_type": p.content_type,
        "size": p.size,
    }


def _survey(s: Survey) -> dict[str, Any]:
    return {
        "id": s.pk,
        "application_id": s.application_id,
        "status": s.status,
        "surveyor": _user(s.surveyor),
        "assigned_by": _user(s.assigned_by),
        "scheduled_for": s.scheduled_for,
        "completed_at": s.completed_at,
        "residence_ownership": s.residence_ownership,
        "residence_months": s.residence_months,
        "house_type": s.house_type,
        "house_condition": s.house_condition,
        "road_access": s.road_access,
        "employer_verified": s.employer_verified,
        "employment_verification": s.employment_verification,
        "employment_months": s.employment_months,
        "dependents": s.dependents,
        "verified_income": _money(s.verified_income_sen),
        "household_income": _money(s.household_income_sen),
        "household_expense": _money(s.household_expense_sen),
        "recommendation": s.recommendation,
        "recommendation_reason": s.recommendation_reason,
        "latitude": _dec(s.latitude),
        "longitude": _dec(s.longitude),
        "distance_from_address_m": s.distance_from_address_m,
        "gps_missing_reason": s.gps_missing_reason,
        "gps_taken_at": s.gps_taken_at,
        "device_captured_at": s.device_captured_at,
        "received_at": s.received_at,
        "informants": [
            {"name": i.name, "relation": i.relation, "confirms_residence": i.confirms_residence, "answer": i.answer}
            for i in s.informants.all()
        ],
        "photos": [_photo(p) for p in s.photos.all()],
    }


def _decision(d: Decision, *, with_analysis: bool, with_rationale: bool = True) -> dict[str, Any]:
    body = {
        "id": d.pk,
        "outcome": d.outcome,
        "level": d.level,
        "role": d.role,
        "decided_by": _user(d.decided_by),
        "reason_codes": d.reason_codes,
        # Analysts write bureau findings in the rationale: deciders only (origination/visibility.py).
        "rationale": d.rationale if with_rationale else "",
        "counter_offer": d.counter_offer,
        "on_appeal": d.on_appeal,
        "reasons_override": d.reasons_override,
        "created_at": d.created_at,
    }
    if with_analysis:
        body["analysis"] = d.analysis
    return body


def _appeal(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "appellant": _user(a.appellant),
        "argument": a.argument,
        "rejected_decision_id": a.rejected_decision_id,
        "to_level": a.to_level,
        "created_at": a.created_at,
    }


def _flag(f: Flag, *, with_detail: bool = True) -> dict[str, Any]:
    # A negative-list reason or another branch's application number: deciders only; others see the kind.
    return {
        "kind": f.kind,
        "label": str(f.get_kind_display()),
        "detail": f.detail if with_detail else "",
        "other_application_id": f.other_application_id if with_detail else None,
        "created_at": f.created_at,
    }


def _staff_detail(app: Application, viewer: Any) -> dict[str, Any]:
    """The full application for staff: parties unmasked, trail, SLAs; bureau and analysis snapshots for deciders only."""
    credit = sees(viewer, Part.BUREAU)
    selectors.application_with_records(app)
    body: dict[str, Any] = {
        **_state(app),
        "allowed_actions": allowed_actions(app, viewer),
        "decision_level": app.decision_level,
        "appeal_count": app.appeal_count,
        "branch": {"id": app.branch_id, "code": app.branch.code, "name": app.branch.name},
        "dealer": {"id": app.dealer_id, "code": app.dealer.code, "name": app.dealer.name},
        "cmo": _user(app.cmo),
        "created_by": _user(app.created_by),
        "product": app.product.code,
        "vehicle": _vehicle(app),
        "terms": {
            "otr": _money(app.otr_sen),
            "down_payment": _money(app.down_payment_sen),
            "dp_pct": _dec(app.dp_pct),
            "min_dp_pct": _dec(app.min_dp_pct),
            "tenor_months": app.tenor_months,
            "installment": _money(app.installment_sen),
            "financed_principal": _money(app.financed_principal_sen),
            "tdp": _money(app.tdp_sen),
            "priced_on": app.priced_on,
            "rate_card_id": app.rate_card_id,
            "quote": app.quote_result,
        },
        "household": {
            "declared_income": _money(app.declared_income_sen),
            "declared_other_income": _money(app.declared_other_income_sen),
            "household_expense": _money(app.household_expense_sen),
            "dependents": app.dependents,
            "residence_ownership": app.residence_ownership,
            "residence_months": app.residence_months,
            "address_latitude": _dec(app.address_latitude),
            "address_longitude": _dec(app.address_longitude),
        },
        "applicant_name": app.applicant_name,
        "parties": [_party(p) for p in app.parties.all()],
        "obligations": [
            {"lender": o.lender, "monthly_installment": _money(o.monthly_installment_sen), "outstanding": _money(o.outstanding_sen)}
            for o in app.obligations.all()
        ],
        "documents": [_document(d) for d in app.documents.all()],
        "surveys": [_survey(s) for s in app.surveys.all()],
        "decisions": [
            _decision(d, with_analysis=sees(viewer, Part.ANALYSIS), with_rationale=sees(viewer, Part.RATIONALE))
            for d in app.decisions.all()
        ],
        "appeals": [_appeal(a) for a in app.appeals.all()],
        "flags": [_flag(f, with_detail=sees(viewer, Part.FLAG_DETAIL)) for f in app.flags.all()],
        "conditions": selectors.condition_rows(app),
        "service_levels": [
            {"label": str(s.label), "hours": s.hours, "target_hours": s.target, "over": s.over} for s in selectors.service_levels(app)
        ],
        **_timestamps(app),
    }
    if credit:
        body["bureau_checks"] = [_bureau(b) for b in selectors.bureau_checks(app)]
    return body


def _bureau(b: Any) -> dict[str, Any]:
    return {
        "id": b.pk,
        "enquiry_date": b.enquiry_date,
        "consent_given": b.consent_given,
        "worst_collectibility": b.worst_collectibility,
        "outstanding": _money(b.outstanding_sen),
        "note": b.note,
        "entered_by": _user(b.entered_by),
        "entered_at": b.entered_at,
    }


def _detail(viewer: Any, pk: int) -> dict[str, Any]:
    """Re-read through the scoped selector and answer the view the viewer is allowed."""
    app = selectors.application_get(viewer=viewer, pk=pk)
    return _dealer_detail(app) if _is_dealer(viewer) else _staff_detail(app, viewer)


# --- input helpers -----------------------------------------------------------------------------------------


def _aware(value: dt.datetime, user: Any) -> dt.datetime:
    """A datetime without an offset is read in the user's branch time zone."""
    if timezone.is_aware(value):
        return value
    branch = getattr(user, "branch", None)
    zone = zoneinfo.ZoneInfo(branch.time_zone) if branch is not None else timezone.get_default_timezone()
    return timezone.make_aware(value, zone)


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


def _survey_data(payload: SurveyFieldsIn) -> dict[str, Any]:
    data = payload.model_dump(include=set(SurveyFieldsIn.model_fields), exclude_none=True)
    for key in ("latitude", "longitude"):
        if key in data:
            data[key] = _coord(data[key])
    return data


def _survey_get(viewer: Any, pk: int) -> Survey:
    """A survey of an application in the viewer's scope; dealer users never see surveys."""
    return selectors.survey_for_staff(viewer=viewer, pk=pk)


def _draft_out(survey: Survey) -> dict[str, Any]:
    draft = dict(survey.draft)
    informants: list[dict[str, str]] = []
    for n in range(MAX_INFORMANTS):
        keys = {f: f"informant_{n}_{f}" for f in ("name", "relation", "confirms_residence", "answer")}
        if not any(k in draft for k in keys.values()):
            continue
        informants.append({f: draft.pop(k, "") for f, k in keys.items()})
    return {
        "id": survey.pk,
        "application_id": survey.application_id,
        "status": survey.status,
        "surveyor": _user(survey.surveyor),
        "scheduled_for": survey.scheduled_for,
        "application_version": survey.application.version,
        "draft": draft,
        "informants": informants,
        "photos": [_photo(p) for p in survey.photos.all()],
    }


# --- applications ------------------------------------------------------------------------------------------


@router.post("/applications", response={201: ApplicationOut, 200: ApplicationOut}, exclude_unset=True)
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


@router.get("/applications", response=list[ApplicationRowOut], exclude_unset=True)
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


@router.get("/applications/{application_id}", response=ApplicationOut, exclude_unset=True)
def application_detail(request: HttpRequest, application_id: int) -> dict:
    """Staff: the full application. Dealer users: status, terms and the privacy-safe notice only."""
    require(request.auth, Capability.APPLICATION_VIEW)
    return _detail(request.auth, application_id)


@router.get("/applications/{application_id}/precheck", response=PreCheckOut)
def application_precheck(request: HttpRequest, application_id: int) -> dict:
    """The CMO's pre-check of an order: the DSR and the policy rules the analysis applies, without the bureau; missing documents."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    if not sees(user, Part.PRECHECK):
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    return {**_state(app), **selectors.application_precheck(app, as_of=branch_today(user)).as_dict()}


@router.get("/applications/{application_id}/analysis", response=AnalysisOut, exclude_unset=True)
def application_analysis(request: HttpRequest, application_id: int) -> dict:
    """DSR, policy rules, score, required authority level, and the counter-offers that would fit the DSR ceiling."""
    user = request.auth
    require(user, Capability.CREDIT_DECIDE)
    app = selectors.application_get(viewer=user, pk=application_id)
    as_of = branch_today(user)
    analysis = selectors.application_analysis(app, as_of=as_of)
    body: dict[str, Any] = {
        **_state(app),
        "as_of": as_of,
        **analysis.as_dict(),
        "policy_passed": analysis.policy_passed,
        "notes": [str(n) for n in analysis.notes],
        "counter_offers": [],
        "counter_offers_error": None,
    }
    body["bureau"] = _bureau(analysis.bureau) if analysis.bureau else None
    survey = analysis.survey
    body["survey"] = (
        None
        if survey is None
        else {
            "id": survey.pk,
            "completed_at": survey.completed_at,
            "recommendation": survey.recommendation,
            "recommendation_reason": survey.recommendation_reason,
            "verified_income": _money(survey.verified_income_sen),
        }
    )
    try:
        offers = counter_offers(
            product=app.product,
            branch_id=app.branch_id,
            as_of=as_of,
            otr=app.otr,
            down_payment=app.down_payment,
            tenor_months=app.tenor_months,
            vehicle_year=app.vehicle_year,
            income=analysis.income,
            existing_installments=analysis.existing_installments,
            max_dsr_pct=analysis.policy_config.max_dsr_pct,
        )
        body["counter_offers"] = [o.as_dict() for o in offers]
    except DomainError as error:
        body["counter_offers_error"] = error.as_dict()
    return body


@router.post("/applications/{application_id}/submit", response=ApplicationOut, exclude_unset=True)
def application_submit_endpoint(request: HttpRequest, application_id: int, payload: OptionalVersion = None) -> dict:
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    application_submit(actor=user, application=app, expected_version=_version(payload))
    return _detail(user, app.pk)


@router.post("/applications/{application_id}/cancel", response=ApplicationOut, exclude_unset=True)
def application_cancel_endpoint(request: HttpRequest, application_id: int, payload: CancelIn) -> dict:
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    application_cancel(actor=user, application=app, reason=payload.reason, expected_version=payload.expected_version)
    return _detail(user, app.pk)


@router.post("/applications/{application_id}/obligations", response=ApplicationOut, exclude_unset=True)
def obligations_correct_endpoint(request: HttpRequest, application_id: int, payload: ObligationsCorrectionIn) -> dict:
    """A decider corrects the applicant's existing loans while the application is analysed (audited; the version moves on)."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    obligations_correct(
        actor=user,
        application=app,
        obligations=tuple((o.lender, o.monthly_installment) for o in payload.obligations),
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _detail(user, app.pk)


@router.post("/applications/{application_id}/survey-assignment", response={201: SurveyStepOut}, exclude_unset=True)
def survey_assign_endpoint(request: HttpRequest, application_id: int, payload: SurveyAssignIn) -> Status:
    """Give the survey to marketing staff of the application's branch (a CMO may take their own order's survey)."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    surveyor = selectors.surveyor_of_branch(app, payload.surveyor_id)
    if surveyor is None:
        raise DomainError("surveyor_invalid", _("The surveyor must be marketing staff of the application's branch."), field="surveyor_id")
    survey = survey_assign(
        actor=user,
        application=app,
        surveyor=surveyor,
        scheduled_for=_aware(payload.scheduled_for, user),
        expected_version=payload.expected_version,
    )
    app.refresh_from_db(fields=["status", "version"])
    return Status(201, {**_survey(survey), "application": _state(app)})


@router.post("/applications/{application_id}/analysis-start", response=ApplicationOut, exclude_unset=True)
def analysis_start_endpoint(request: HttpRequest, application_id: int, payload: OptionalVersion = None) -> dict:
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    analysis_start(actor=user, application=app, expected_version=_version(payload))
    return _detail(user, app.pk)


@router.post("/applications/{application_id}/bureau-checks", response={201: BureauCheckStepOut}, exclude_unset=True)
def bureau_check_endpoint(request: HttpRequest, application_id: int, payload: BureauCheckIn) -> Status:
    """Enter a SLIK result (only with the applicant's consent)."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    check = bureau_check_record(
        actor=user,
        application=app,
        enquiry_date=payload.enquiry_date,
        consent_given=payload.consent_given,
        worst_collectibility=payload.worst_collectibility,
        outstanding=payload.outstanding,
        note=payload.note,
        as_of=branch_today(user),
    )
    return Status(201, {**_bureau(check), "application": _state(app)})


@router.post("/applications/{application_id}/decisions", response={201: DecisionStepOut}, exclude_unset=True)
def decision_endpoint(request: HttpRequest, application_id: int, payload: DecisionIn) -> Status:
    """Approve, approve with conditions (with a counter-offer), reject or escalate."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    decision = decision_record(
        actor=user,
        application=app,
        outcome=payload.outcome,
        reason_codes=payload.reason_codes,
        rationale=payload.rationale,
        as_of=branch_today(user),
        counter_offer_kind=payload.counter_offer_kind,
        counter_offer_tenor=payload.counter_offer_tenor,
        conditions=[ConditionData(c.kind, c.detail) for c in payload.conditions],
        reasons_override=payload.reasons_override,
        documents_override=payload.documents_override,
        expected_version=payload.expected_version,
    )
    app.refresh_from_db(fields=["status", "version"])
    return Status(201, {**_decision(decision, with_analysis=True), "application": _state(app)})


@router.post("/applications/{application_id}/conditions/{condition_id}", response=ConditionOut, exclude_unset=True)
def condition_resolve_endpoint(request: HttpRequest, application_id: int, condition_id: int, payload: ConditionResolveIn) -> dict:
    """Mark a condition of the approval fulfilled (the order's CMO, branch marketing or a decider) or waived (a decider, with a reason)."""
    user = request.auth
    condition = selectors.condition_get(viewer=user, application_id=application_id, pk=condition_id)
    condition_resolve(actor=user, condition=condition, resolution=payload.resolution, note=payload.note)
    return next(row for row in selectors.condition_rows(condition.application) if row["id"] == condition.pk)


@router.post("/applications/{application_id}/appeals", response={201: AppealStepOut}, exclude_unset=True)
def appeal_endpoint(request: HttpRequest, application_id: int, payload: AppealIn) -> Status:
    """The supervisor's one appeal against a rejection, decided one level up."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    appeal = appeal_file(actor=user, application=app, argument=payload.argument, expected_version=payload.expected_version)
    app.refresh_from_db(fields=["status", "version"])
    return Status(201, {**_appeal(appeal), "application": _state(app)})


@router.post("/applications/{application_id}/accept-conditions", response=ApplicationOut, exclude_unset=True)
def conditions_accept_endpoint(request: HttpRequest, application_id: int, payload: OptionalVersion = None) -> dict:
    """The customer takes the counter-offer: the application is re-priced on its terms and approved."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    conditions_accept(actor=user, application=app, as_of=branch_today(user), expected_version=_version(payload))
    return _detail(user, app.pk)


@router.post("/applications/{application_id}/documents", response={201: DocumentOut}, exclude_unset=True)
def document_upload_endpoint(
    request: HttpRequest,
    application_id: int,
    kind: Form[str],
    file: File[UploadedFile],
) -> Status:
    """Attach a checklist document (multipart: kind, file). JPEG, PNG, WebP or PDF, checked by content."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    document = document_upload(actor=user, application=app, kind=kind, uploaded=file)
    return Status(201, _document(selectors.document_with_uploader(document.pk)))


# --- surveys -----------------------------------------------------------------------------------------------


@router.get("/surveys/{survey_id}/draft", response=SurveyDraftOut, exclude_unset=True)
def survey_draft(request: HttpRequest, survey_id: int) -> dict:
    """The survey form as saved so far, with its photos."""
    return _draft_out(_survey_get(request.auth, survey_id))


@router.put("/surveys/{survey_id}/draft", response=SurveyDraftOut, exclude_unset=True)
def survey_draft_save(request: HttpRequest, survey_id: int, payload: SurveyDraftIn) -> dict:
    """Save part of the survey form (fields sent replace the saved ones; the rest stays)."""
    user = request.auth
    survey = _survey_get(user, survey_id)
    data: dict[str, Any] = _survey_data(payload)
    for n, informant in enumerate(payload.informants or []):
        data.update({f"informant_{n}_{k}": v for k, v in informant.model_dump().items()})
    survey_save_draft(actor=user, survey=survey, data=data)
    return _draft_out(_survey_get(user, survey_id))


@router.post("/surveys/{survey_id}/photos", response={201: PhotoOut, 200: PhotoOut}, exclude_unset=True)
def survey_photo_endpoint(
    request: HttpRequest,
    survey_id: int,
    file: File[UploadedFile],
    taken_at: Form[BoundedDateTime],
    latitude: Form[Latitude | None] = None,
    longitude: Form[Longitude | None] = None,
    caption: Form[str] = "",
    idempotency_key: OutboxKey = None,
) -> Status:
    """A photo taken in the browser (multipart: file, latitude, longitude, taken_at ISO 8601, caption).

    With an `Idempotency-Key` header a photo sent again answers 200 with the photo stored the first time.
    """
    user = request.auth
    survey = _survey_get(user, survey_id)
    photo = survey_photo_add(
        actor=user,
        survey=survey,
        uploaded=file,
        taken_at=_aware(taken_at, user),
        latitude=_coord(latitude),
        longitude=_coord(longitude),
        caption=caption,
        client_key=idempotency_key or "",
    )
    return Status(200 if photo.replayed else 201, _photo(photo))


@router.post("/surveys/{survey_id}/complete", response=SurveyStepOut, exclude_unset=True)
def survey_complete_endpoint(request: HttpRequest, survey_id: int, payload: SurveyCompleteIn, idempotency_key: OutboxKey = None) -> dict:
    """Complete the survey (at least two neighbour checks and one photo); the application becomes 'surveyed'.

    Without latitude/longitude, `gps_missing_reason` is required. With an `Idempotency-Key` header the same
    submission sent again answers the completed survey instead of a 409; another submission of a completed
    survey is a 409.
    """
    user = request.auth
    survey = _survey_get(user, survey_id)
    informants = [InformantData(**i.model_dump()) for i in payload.informants]
    survey_complete(
        actor=user,
        survey=survey,
        data=_survey_data(payload),
        informants=informants,
        expected_version=payload.expected_version,
        submit_key=idempotency_key or "",
        gps_taken_at=_aware(payload.gps_taken_at, user) if payload.gps_taken_at else None,
        device_captured_at=_aware(payload.device_captured_at, user) if payload.device_captured_at else None,
    )
    survey = _survey_get(user, survey_id)
    return {**_survey(survey), "application": _state(survey.application)}


# --- worklist ----------------------------------------------------------------------------------------------


def _survey_due(s: Survey) -> dict[str, Any]:
    return {
        "id": s.pk,
        "status": s.status,
        "scheduled_for": s.scheduled_for,
        "application_id": s.application_id,
        "application_number": s.application.number,
        "applicant_name": s.application.applicant_name,
    }


def _contract_row(row: Any) -> dict[str, Any]:
    """A "contracts" worklist item (a dataclass the registering app builds: collection.selectors.ContractRow)."""
    return {
        "contract_id": row.contract_id,
        "case_id": row.case_id,
        "number": row.number,
        "customer": row.customer,
        "dpd": row.dpd,
        "amount": money_str(row.amount),
        "due_date": row.due_date,
        "url": row.url,
        "note": str(row.note),
    }


# How each kind of worklist item is answered; servicing and collection add their kinds here.
WORKLIST_ROWS = {
    "applications": _rows,
    "surveys": lambda items, user: [_survey_due(s) for s in items],
    "quotes": lambda items, user: [quote_row(q) for q in items],
    "contracts": lambda items, user: [_contract_row(r) for r in items],
}


@router.get("/worklist", response=WorklistOut, exclude_unset=True)
def worklist(request: HttpRequest) -> dict:
    """The caller's worklists, from the one registry the home page also reads (org/worklists.py)."""
    user = request.auth
    if not user_can(user, Capability.COLLECTION_VIEW):  # collectors have worklists but no applications
        require(user, Capability.APPLICATION_VIEW)
    body: dict[str, Any] = {"role": user.role}
    for spec, items in collect(user, branch_today(user)):
        body[spec.key] = WORKLIST_ROWS[spec.kind](items, user)
    return body
