"""Writes for origination. One service per transition: lock, check the workflow, change, audit.

Locks: the application row is taken with select_for_update() and its `version` compared with the
version the user saw, so two analysts deciding at once cannot both win (the second gets a 409).
"""

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record, snapshot
from angsur.dealers.models import Dealer, DealerCoverage
from angsur.dealers.selectors import dealer_of
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.finance.money import to_minor
from angsur.formatting import format_rupiah
from angsur.org.models import User
from angsur.org.roles import MAX_DECISION_LEVEL, Capability, Role
from angsur.org.scoping import require, user_can
from angsur.origination.files import removes_stored_files_on_error, surveys_discard_open, upload_store
from angsur.origination.models import (
    Appeal,
    Application,
    BureauCheck,
    Condition,
    ConditionKind,
    ConditionStatus,
    Decision,
    DecisionOutcome,
    DecisionReason,
    Document,
    Flag,
    FlagKind,
    IdentifierLock,
    Informant,
    NegativeListEntry,
    Obligation,
    OrderRequestKey,
    Party,
    PartyRole,
    Recommendation,
    Survey,
    SurveyPhoto,
    SurveyStatus,
)
from angsur.origination.reasons import ReasonCode, contradicted_reasons
from angsur.origination.rule_labels import rule_title
from angsur.origination.selectors import application_analysis, covers, distance_m
from angsur.origination.workflow import (
    APPLICATION,
    OPEN_STATES,
    Action,
    Status,
    appeal_level,
    decider_level,
    independent,
    owner_or_branch_marketing,
    same_branch,
)
from angsur.products.models import Product
from angsur.products.selectors import pricing_terms
from angsur.products.services import counter_offer_at, counter_offers, quote_price
from angsur.scoring import check_nik_against_declared, normalize_phone, parse_nik, validate_kk
from angsur.scoring.errors import ScoringError
from angsur.scoring.identity import normalize_nik, normalize_vehicle_number
from angsur.workflow.engine import lock, service


@dataclass(frozen=True)
class PartyData:
    full_name: str
    nik: str
    birth_place: str
    birth_date: dt.date
    sex: str
    marital_status: str
    phone: str
    ktp_address: str
    mother_maiden_name: str = ""
    kk_number: str = ""
    phone_alt: str = ""
    domicile_address: str = ""
    employment_type: str = "employee"
    employer_name: str = ""
    position: str = ""
    employment_months: int = 0
    monthly_income: Decimal = Decimal(0)


@dataclass(frozen=True)
class VehicleData:
    kind: str
    brand: str
    model: str
    year: int
    condition: str
    colour: str = ""
    frame_number: str = ""
    engine_number: str = ""


@dataclass(frozen=True)
class HouseholdData:
    """The household as declared on the order. The applicant's income is one figure, the applicant's own
    (``PartyData.monthly_income``); ``declared_income`` may repeat it (older API clients) but never differ.
    The household's other income is the spouse's (on the spouse party) plus ``other_income`` (e.g. a
    working child), compared with the survey's verified figures and used the same way by the analysis."""

    declared_income: Decimal | None = None
    other_income: Decimal = Decimal(0)
    household_expense: Decimal = Decimal(0)
    dependents: int = 0
    residence_ownership: str = ""
    residence_months: int = 0
    address_latitude: Decimal | None = None
    address_longitude: Decimal | None = None
    obligations: tuple[tuple[str, Decimal], ...] = field(default_factory=tuple)


def identity_error(error: ScoringError, field: str) -> DomainError:
    """The translated refusal of an identifier (NIK, KK, phone, frame or engine number) for a field."""
    messages = {
        "nik_format": _("The NIK must be exactly 16 digits."),
        "nik_region": _("The NIK's region code does not exist."),
        "nik_birth_date": _("The NIK does not contain a valid birth date."),
        "kk_format": _("The family card (KK) number must be exactly 16 digits."),
        "phone_invalid": _("The phone number is not a valid Indonesian number."),
        "phone_not_indonesian": _("The phone number is not an Indonesian number."),
        "phone_not_mobile": _("Give a mobile number (08…)."),
        "vehicle_number_format": _("Frame and engine numbers may hold only letters A–Z and digits (at most 40)."),
    }
    return DomainError(error.code, messages.get(error.code, error.message), field=field)


def identifier_normalised(field: str, normalise: Any, raw: str, **kwargs: Any) -> str:
    """The identifier as scoring.identity normalises it, or the translated refusal naming the field."""
    try:
        return normalise(raw, **kwargs)
    except ScoringError as error:
        raise identity_error(error, field) from error


def _clean_party(data: PartyData, *, prefix: str, as_of: dt.date) -> dict[str, Any]:
    """Validate NIK (shape, region, birth date with +40 for women) against the declared birth date and sex.

    Identifiers are kept only in their normalised form (scoring.identity): what the negative list, the
    duplicate check and the search compare is what is stored. One that does not normalise is refused.
    """
    if not data.full_name.strip():
        raise DomainError("required", _("The name is required."), field=f"{prefix}.full_name")
    if data.birth_date > as_of:
        raise DomainError("birth_date_future", _("The birth date lies in the future."), field=f"{prefix}.birth_date")
    if data.birth_date.year < 1900:
        raise DomainError("birth_date_impossible", _("The birth date is not plausible."), field=f"{prefix}.birth_date")
    nik = identifier_normalised(f"{prefix}.nik", normalize_nik, data.nik)
    kk_number = identifier_normalised(f"{prefix}.kk_number", validate_kk, data.kk_number) if data.kk_number.strip() else ""
    phone = identifier_normalised(f"{prefix}.phone", normalize_phone, data.phone, mobile_only=True)
    phone_alt = identifier_normalised(f"{prefix}.phone_alt", normalize_phone, data.phone_alt) if data.phone_alt.strip() else ""
    try:
        parse_nik(nik, as_of=as_of)
        mismatches = check_nik_against_declared(nik, birth_date=data.birth_date, sex=data.sex, as_of=as_of)
    except ScoringError as error:
        raise identity_error(error, f"{prefix}.nik") from error
    if mismatches:
        codes = {m.code for m in mismatches}
        message = (
            _("The NIK does not match the declared sex (the day of birth of women is increased by 40 in the NIK).")
            if "nik_sex_mismatch" in codes
            else _("The NIK does not match the declared birth date.")
        )
        raise DomainError(next(iter(sorted(codes))), message, field=f"{prefix}.nik")
    if data.employment_months < 0:
        raise DomainError("amount_negative", _("Months cannot be negative."), field=f"{prefix}.employment_months")
    if data.monthly_income < 0:
        raise DomainError("amount_negative", _("Income cannot be negative."), field=f"{prefix}.monthly_income")
    values = asdict(data)
    values.pop("monthly_income")
    values.update(
        nik=nik,
        kk_number=kk_number,
        phone=phone,
        phone_alt=phone_alt,
        monthly_income_sen=to_minor(data.monthly_income),
        full_name=data.full_name.strip(),
    )
    return values


def _one_applicant_income(applicant: PartyData, household: HouseholdData) -> tuple[PartyData, Decimal]:
    """The applicant's net monthly income, entered once: on the applicant, or (older clients) as the household's
    declared income; both given and different is refused. The party and the application then hold the same figure."""
    declared = household.declared_income
    if declared is not None and applicant.monthly_income > 0 and declared != applicant.monthly_income:
        raise DomainError(
            "income_mismatch",
            _("The applicant's income was given twice with different amounts (%(one)s and %(other)s): give it once, on the applicant.")
            % {"one": format_rupiah(applicant.monthly_income), "other": format_rupiah(declared)},
            field="applicant.monthly_income",
        )
    income = applicant.monthly_income if applicant.monthly_income > 0 else (declared or Decimal(0))
    if income <= 0:
        raise DomainError(
            "income_not_positive", _("The applicant's net monthly income must be greater than zero."), field="applicant.monthly_income"
        )
    return replace(applicant, monthly_income=income), income


def _owner_for(actor: User, dealer: Dealer) -> User:
    """The CMO who owns an order: the actor if marketing staff, else the dealer's primary covering CMO."""
    if actor.role in {Role.CMO, Role.MARKETING_SUPERVISOR, Role.MARKETING_HEAD}:
        return actor
    coverage = (
        DealerCoverage.objects.filter(dealer=dealer, user__role=Role.CMO, user__is_active=True)
        .order_by("-is_primary", "id")
        .select_related("user")
        .first()
    )
    if coverage is None:
        raise DomainError("no_cmo_for_dealer", _("No CMO covers this dealer yet; ask the branch to assign one."), field="dealer")
    return coverage.user


def _lock(application: Application, expected_version: int | None, *, action: str | None = None, actor: User | None = None) -> Application:
    """Lock the application (409 on a stale version) and, given an action, check it against the workflow table."""
    app = lock(
        Application,
        application.pk,
        expected_version=expected_version,
        stale_message=_("Someone else changed this application in the meantime. Reload it and try again."),
    )
    if action is not None:
        APPLICATION.check(app, action, actor)
    return app


def _transition(app: Application, action: str, *, actor: User, fields: list[str], extra: dict[str, Any] | None = None) -> str:
    """Move the application along the workflow table (already checked by _lock), bump its version and audit the step."""
    return APPLICATION.transition(app, action, actor=actor, fields=fields, extra=extra, checked=False)


def _lock_identifiers(keys: set[str]) -> None:
    """Lock one row per identifier, in key order, until the transaction ends (see models.IdentifierLock).

    The rows are inserted when missing (ON CONFLICT DO NOTHING waits for a concurrent insert of the same
    key to commit or roll back); the fixed order means two orders never wait on each other in a cycle.
    """
    ordered = sorted(keys)
    IdentifierLock.objects.bulk_create([IdentifierLock(key=key) for key in ordered], ignore_conflicts=True)
    list(IdentifierLock.objects.select_for_update().filter(key__in=ordered).order_by("key").values_list("pk", flat=True))


def _flag_duplicates(app: Application, parties: list[Party]) -> None:
    """Flag the same NIK, phone or frame number in another open application, or on the negative list.

    Another order with the same identifiers created at the same moment is seen too: the identifiers
    are locked first, so of two concurrent orders the later one to commit is flagged, as when they
    come one after the other.
    """
    niks = {p.nik for p in parties}
    phones = {p.phone for p in parties}
    keys = {f"nik:{nik}" for nik in niks} | {f"phone:{phone}" for phone in phones}
    _lock_identifiers(keys | ({f"frame:{app.frame_number}"} if app.frame_number else set()))
    others = Application.objects.filter(status__in=OPEN_STATES).exclude(pk=app.pk)
    flags: list[Flag] = []
    for other in others.filter(Q(applicant_nik__in=niks) | Q(applicant_phone__in=phones)).only("id", "number", "applicant_nik")[:20]:
        kind = FlagKind.DUPLICATE_NIK if other.applicant_nik in niks else FlagKind.DUPLICATE_PHONE
        flags.append(Flag(application=app, kind=kind, detail=other.number, other_application=other))
    if app.frame_number:
        for other in others.filter(frame_number=app.frame_number).only("id", "number")[:20]:
            flags.append(Flag(application=app, kind=FlagKind.DUPLICATE_FRAME, detail=other.number, other_application=other))
    # An existing customer, in any branch of the company: the same NIK approved before (issue 15: the
    # same NIK was approved twice at two dealers unflagged). The detail carries the exposure for the
    # analyst; contracts will add their outstanding and installments when servicing exists.
    approved = Application.objects.filter(status=Status.APPROVED, applicant_nik__in=niks).exclude(pk=app.pk)
    for other in approved.only("id", "number", "financed_principal_sen", "installment_sen", "tenor_months").order_by("-id")[:20]:
        exposure = f"{other.number}: {format_rupiah(other.financed_principal)}, {format_rupiah(other.installment)} × {other.tenor_months}"
        flags.append(Flag(application=app, kind=FlagKind.EXISTING_CUSTOMER, detail=exposure[:200], other_application=other))
    negative = NegativeListEntry.objects.filter(
        Q(nik__in=niks) | Q(phone__in=phones) | (Q(frame_number=app.frame_number) if app.frame_number else Q(pk__in=[]))
    )
    for entry in negative:
        if entry.nik and entry.nik in niks:
            flags.append(Flag(application=app, kind=FlagKind.NEGATIVE_NIK, detail=entry.reason[:200]))
        elif entry.phone and entry.phone in phones:
            flags.append(Flag(application=app, kind=FlagKind.NEGATIVE_PHONE, detail=entry.reason[:200]))
        else:
            flags.append(Flag(application=app, kind=FlagKind.NEGATIVE_FRAME, detail=entry.reason[:200]))
    Flag.objects.bulk_create(flags)


IDEMPOTENCY_KEY_MAX_LENGTH = 64


def _order_fingerprint(**parts: Any) -> str:
    """SHA-256 of the order as received (dataclasses and Decimals have a stable repr; models by primary key)."""
    text = repr(sorted((name, value.pk if hasattr(value, "pk") else value) for name, value in parts.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _order_for_key(actor: User, key: str, fingerprint: str) -> Application | None:
    """The order an earlier request with this key created (marked replayed), or None; other details: 409."""
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise DomainError(
            "idempotency_key_invalid", _("The idempotency key must be at most 64 printable ASCII characters."), field="idempotency_key"
        )
    found = OrderRequestKey.objects.filter(actor=actor, key=key, application__isnull=False).select_related("application").first()
    if found is None:
        return None
    if found.fingerprint != fingerprint:
        raise Conflict(
            "idempotency_key_reused",
            _("This request was already sent as order %(number)s with other details; open that order to change it.")
            % {"number": found.application.number},
        )
    found.application.replayed = True
    return found.application


def _claim_key(actor: User, key: str, fingerprint: str) -> OrderRequestKey | Application:
    """Insert the key before creating the order; a concurrent request that inserted it first wins.

    The insert waits for that request's transaction: when it commits, this insert fails and the order
    it created is answered; when it rolls back (the order was refused), this request goes ahead.
    """
    try:
        with transaction.atomic():
            return OrderRequestKey.objects.create(actor=actor, key=key, fingerprint=fingerprint)
    except IntegrityError:
        existing = _order_for_key(actor, key, fingerprint)
        if existing is None:  # pragma: no cover - the winner's row is committed with its application
            raise Conflict("idempotency_key_in_use", _("The same request is still being processed; try again.")) from None
        return existing


@service
def application_create(
    *,
    actor: User,
    dealer: Dealer,
    product: Product,
    as_of: dt.date,
    vehicle: VehicleData,
    otr: Decimal,
    down_payment: Decimal,
    tenor_months: int,
    applicant: PartyData,
    household: HouseholdData,
    spouse: PartyData | None = None,
    guarantor: PartyData | None = None,
    submit: bool = False,
    idempotency_key: str = "",
) -> Application:
    """Capture an order at the dealer: vehicle, the chosen quote, the applicant and household; optionally submit it.

    With an ``idempotency_key``, the same key from the same actor answers the order it first created
    (``replayed`` set on it, nothing written) instead of creating a second one; the same key with
    other details is refused (409 ``idempotency_key_reused``).
    """
    require(actor, Capability.ORDER_CREATE)
    request_key = None
    if idempotency_key:
        fingerprint = _order_fingerprint(
            dealer=dealer,
            product=product,
            vehicle=vehicle,
            terms=(otr, down_payment, tenor_months),
            parties=(applicant, spouse, guarantor),
            household=household,
            submit=submit,
        )
        existing = _order_for_key(actor, idempotency_key, fingerprint)
        if existing is not None:
            return existing
        request_key = _claim_key(actor, idempotency_key, fingerprint)
        if isinstance(request_key, Application):
            return request_key
    if actor.role == Role.DEALER:
        own = dealer_of(actor)
        if own is None or own.pk != dealer.pk:
            raise PermissionDenied("not_your_dealer", _("Dealer users can only create orders for their own dealer."))
    elif dealer.branch_id != actor.branch_id:
        raise DomainError("dealer_outside_branch", _("The dealer belongs to another branch."), field="dealer")
    applicant, declared_income = _one_applicant_income(applicant, household)
    if household.other_income < 0:
        raise DomainError("amount_negative", _("Income cannot be negative."), field="household.other_income")
    if household.household_expense < 0 or household.dependents < 0 or household.residence_months < 0:
        raise DomainError("amount_negative", _("Expenses and dependents cannot be negative."), field="household")
    if vehicle.year > as_of.year + 1 or vehicle.year < 1980:
        raise DomainError("invalid_vehicle_year", _("The vehicle year is not plausible."), field="vehicle.year")
    for index, (_lender, amount) in enumerate(household.obligations):
        # A negative installment would lower the DSR and, stored, break every later analysis.
        if amount <= 0:
            raise DomainError(
                "installment_not_positive",
                _("The monthly installment of an existing loan must be greater than zero."),
                field=f"household.obligations.{index}.monthly_installment",
            )
    frame_number = identifier_normalised("vehicle.frame_number", normalize_vehicle_number, vehicle.frame_number)
    engine_number = identifier_normalised("vehicle.engine_number", normalize_vehicle_number, vehicle.engine_number)
    applicant_values = _clean_party(applicant, prefix="applicant", as_of=as_of)
    others = [(PartyRole.SPOUSE, spouse), (PartyRole.GUARANTOR, guarantor)]
    other_values = [(role, _clean_party(data, prefix=role, as_of=as_of)) for role, data in others if data is not None]
    priced = quote_price(
        product=product,
        branch_id=dealer.branch_id,
        as_of=as_of,
        otr=otr,
        down_payment=down_payment,
        tenor_months=tenor_months,
        vehicle_year=vehicle.year,
    )
    q = priced.quote
    owner = _owner_for(actor, dealer)
    app = Application.objects.create(
        number=f"TMP-{uuid.uuid4().hex[:16]}",
        branch_id=dealer.branch_id,
        dealer=dealer,
        cmo=owner,
        created_by=actor,
        vehicle_kind=product.vehicle_kind,
        vehicle_brand=vehicle.brand.strip()[:60],
        vehicle_model=vehicle.model.strip()[:80],
        vehicle_year=vehicle.year,
        vehicle_condition=vehicle.condition,
        vehicle_colour=vehicle.colour[:40],
        frame_number=frame_number,
        engine_number=engine_number,
        product=product,
        rate_card_id=priced.rate_card_id,
        priced_on=as_of,
        otr_sen=to_minor(otr),
        down_payment_sen=to_minor(down_payment),
        tenor_months=tenor_months,
        installment_sen=to_minor(q.installment),
        financed_principal_sen=to_minor(q.financed_principal),
        tdp_sen=to_minor(q.tdp.total),
        min_dp_pct=priced.min_dp_pct,
        quote_result=q.as_dict(),
        declared_income_sen=to_minor(declared_income),
        declared_other_income_sen=to_minor(household.other_income),
        household_expense_sen=to_minor(household.household_expense),
        dependents=household.dependents,
        residence_ownership=household.residence_ownership,
        residence_months=household.residence_months,
        address_latitude=household.address_latitude,
        address_longitude=household.address_longitude,
        applicant_name=applicant_values["full_name"][:120],
        applicant_name_key=Application.name_key(applicant_values["full_name"]),
        applicant_nik=applicant_values["nik"],
        applicant_phone=applicant_values["phone"],
    )
    app.number = f"APP-{dealer.branch.code}-{app.pk:07d}"
    app.save(update_fields=["number"])
    parties = [Party.objects.create(application=app, role=PartyRole.APPLICANT, **applicant_values)]
    parties += [Party.objects.create(application=app, role=role, **values) for role, values in other_values]
    Obligation.objects.bulk_create(
        Obligation(application=app, lender=lender[:120], monthly_installment_sen=to_minor(amount))
        for lender, amount in household.obligations
    )
    _flag_duplicates(app, parties)
    if request_key is not None:
        request_key.application = app
        request_key.save(update_fields=["application"])
    audit_record(
        actor=actor,
        action="application.create",
        obj=app,
        after={
            "number": app.number,
            "dealer": dealer.pk,
            "cmo": owner.pk,
            "product": product.code,
            "otr": str(otr),
            "down_payment": str(down_payment),
            "tenor_months": tenor_months,
            "installment": str(q.installment),
            **({"idempotency_key": idempotency_key} if idempotency_key else {}),
        },
    )
    if submit:
        app = _submit(actor, app, app.version)
    return app


def _require_owner_or_branch_marketing(actor: User, app: Application) -> None:
    """For steps outside the table (documents): the same check as the table's order actions."""
    require(actor, Capability.ORDER_CREATE)
    refused = owner_or_branch_marketing(app, actor)
    if refused is not None:
        raise refused.error()


@service
def application_submit(*, actor: User, application: Application, expected_version: int | None = None) -> Application:
    """Submit a captured order for survey and analysis."""
    return _submit(actor, application, expected_version)


def _submit(actor: User, application: Application, expected_version: int | None) -> Application:
    """The submit step, inside the caller's transaction (application_submit, or application_create's own)."""
    app = _lock(application, expected_version, action=Action.SUBMIT, actor=actor)
    app.submitted_at = timezone.now()
    _transition(app, Action.SUBMIT, actor=actor, fields=["submitted_at"])
    return app


@service
def application_cancel(*, actor: User, application: Application, reason: str, expected_version: int | None = None) -> Application:
    """Withdraw an order (customer cancelled, dealer sold for cash, …)."""
    if not reason.strip():
        raise DomainError("reason_required", _("Give the reason for cancelling."), field="reason")
    app = _lock(application, expected_version, action=Action.CANCEL, actor=actor)
    _transition(app, Action.CANCEL, actor=actor, fields=[], extra={"reason": reason.strip()[:500]})
    return app


@service
def survey_assign(
    *, actor: User, application: Application, surveyor: User, scheduled_for: dt.datetime, expected_version: int | None = None
) -> Survey:
    """Give the survey to a CMO (or surveyor) of the branch with a scheduled visit."""
    app = _lock(application, expected_version, action=Action.ASSIGN_SURVEY, actor=actor)
    if not user_can(actor, Capability.SURVEY_ASSIGN) and surveyor.pk != actor.pk:
        # A CMO without the assigning capability schedules only their own survey (the table lets them assign).
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    if surveyor.branch_id != app.branch_id or Capability.SURVEY_DO not in _caps(surveyor):
        raise DomainError("surveyor_invalid", _("The surveyor must be marketing staff of the application's branch."), field="surveyor")
    surveys_discard_open(actor=actor, application=app)
    survey = Survey.objects.create(application=app, surveyor=surveyor, assigned_by=actor, scheduled_for=scheduled_for)
    app.survey_assigned_at = timezone.now()
    _transition(
        app,
        Action.ASSIGN_SURVEY,
        actor=actor,
        fields=["survey_assigned_at"],
        extra={"surveyor": surveyor.username, "scheduled_for": scheduled_for.isoformat()},
    )
    return survey


def _caps(user: User) -> frozenset[str]:
    from angsur.org.roles import ROLE_CAPABILITIES

    return ROLE_CAPABILITIES.get(user.role, frozenset())


# The informant fields a draft may hold: the form's informant_1/2_*, the API's informant_<0-9>_*.
_DRAFT_INFORMANT_KEY = re.compile(r"^informant_\d_(name|relation|confirms|confirms_residence|answer)$")

SURVEY_FIELDS = {
    "residence_ownership": str,
    "residence_months": int,
    "house_type": str,
    "house_condition": str,
    "road_access": str,
    "employer_verified": bool,
    "employment_verification": str,
    "employment_months": int,
    "dependents": int,
    "verified_income": Decimal,
    "household_income": Decimal,
    "household_expense": Decimal,
    "recommendation": str,
    "recommendation_reason": str,
    "latitude": Decimal,
    "longitude": Decimal,
}


def _survey_for(actor: User, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().select_related("application").get(pk=survey.pk)
    if survey.surveyor_id != actor.pk:
        raise PermissionDenied("not_your_survey", _("Only the assigned surveyor can fill in this survey."))
    if survey.status == SurveyStatus.COMPLETED:
        raise Conflict("survey_completed", _("This survey is already completed."))
    return survey


@service
def survey_save_draft(*, actor: User, survey: Survey, data: dict[str, Any]) -> Survey:
    """Save the survey form as it is being filled in (survives a lost connection)."""
    require(actor, Capability.SURVEY_DO)
    survey = _survey_for(actor, survey)
    clean = {k: str(v)[:2000] for k, v in data.items() if k in SURVEY_FIELDS or _DRAFT_INFORMANT_KEY.match(k)}
    survey.draft = {**survey.draft, **clean}
    survey.status = SurveyStatus.DRAFT
    survey.save(update_fields=["draft", "status"])
    return survey


@removes_stored_files_on_error
@service
def survey_photo_add(
    *,
    actor: User,
    survey: Survey,
    uploaded: Any,
    taken_at: dt.datetime,
    latitude: Decimal | None,
    longitude: Decimal | None,
    caption: str = "",
    client_key: str = "",
) -> SurveyPhoto:
    """Attach a photo taken in the browser, with the GPS position and time.

    `client_key` is the idempotency key of the device's outbox: a photo sent again with the same key (its
    answer was lost with the signal) answers the photo already stored, with `replayed` set, and stores nothing.
    """
    require(actor, Capability.SURVEY_DO)
    client_key = client_key.strip()[:64]
    if client_key:
        stored_photo = _photo_for_key(actor, survey, client_key)
        if stored_photo is not None:
            return stored_photo
    survey = _survey_for(actor, survey)
    if client_key:
        # a retry that overtook the first send waited on the survey's row lock: it finds the photo now
        stored_photo = _photo_for_key(actor, survey, client_key)
        if stored_photo is not None:
            return stored_photo
    stored = upload_store(uploaded, folder="surveys", images_only=True)
    photo = SurveyPhoto.objects.create(
        survey=survey,
        file=stored.name,
        caption=caption[:120],
        latitude=latitude,
        longitude=longitude,
        taken_at=taken_at,
        content_type=stored.content_type,
        size=stored.size,
        client_key=client_key,
    )
    audit_record(
        actor=actor,
        action="survey.photo_add",
        obj=survey.application,
        after={
            "photo": photo.pk,
            "sha256": stored.sha256,
            "latitude": str(latitude),
            "longitude": str(longitude),
            "taken_at": taken_at.isoformat(),
            "client_key": client_key,
        },
    )
    photo.replayed = False
    return photo


def _photo_for_key(actor: User, survey: Survey, client_key: str) -> SurveyPhoto | None:
    """The photo this surveyor already sent with this outbox key, marked as a replay."""
    photo = SurveyPhoto.objects.filter(survey_id=survey.pk, survey__surveyor=actor, client_key=client_key).first()
    if photo is not None:
        photo.replayed = True
    return photo


@dataclass(frozen=True)
class InformantData:
    name: str
    relation: str
    confirms_residence: bool
    answer: str


@service
def survey_complete(
    *,
    actor: User,
    survey: Survey,
    data: dict[str, Any],
    informants: list[InformantData],
    expected_version: int | None = None,
    submit_key: str = "",
    gps_taken_at: dt.datetime | None = None,
    device_captured_at: dt.datetime | None = None,
) -> Survey:
    """Complete the survey with the CMO's recommendation; the application moves to 'surveyed'.

    `submit_key` is the idempotency key of the device's outbox: the same submission sent again (its answer
    was lost with the signal) answers the completed survey with `replayed` set and records nothing twice.
    Another submission of a completed survey, or of a survey reassigned or cancelled meanwhile, is a 409.
    `gps_taken_at` (the GPS fix's time) and `device_captured_at` (the phone's clock when the CMO tapped
    Complete) are kept beside the server's `received_at`: a survey captured offline shows when it was done.
    Without a GPS position the CMO must say why (`gps_missing_reason`).
    """
    require(actor, Capability.SURVEY_DO)
    submit_key = submit_key.strip()[:64]
    replay = _survey_for_key(actor, survey, submit_key)
    if replay is not None:
        return replay
    # Parent first: the application, then its survey (the engine's lock order).
    try:
        app = _lock(survey.application, expected_version)
    except Conflict:
        # the first send of this key may have completed the survey while this retry waited for the lock
        replay = _survey_for_key(actor, survey, submit_key)
        if replay is not None:
            return replay
        raise
    # the same, without a version to compare: the first send completed it while this one waited
    replay = _survey_for_key(actor, survey, submit_key)
    if replay is not None:
        return replay
    survey = _survey_for(actor, survey)
    APPLICATION.check(app, Action.COMPLETE_SURVEY, actor)
    gps_missing_reason = str(data.get("gps_missing_reason") or "").strip()[:200]
    if (data.get("latitude") is None or data.get("longitude") is None) and not gps_missing_reason:
        raise DomainError(
            "gps_reason_required",
            _("There is no GPS position: say why (for example, GPS permission was refused) to complete the survey without it."),
            field="gps_missing_reason",
        )
    valid = [i for i in informants if i.name.strip() and i.answer.strip()]
    if len(valid) < 2:
        raise DomainError("informants_required", _("Record at least two neighbour checks (name and what they said)."), field="informants")
    if data.get("recommendation") not in Recommendation.values:
        raise DomainError("recommendation_required", _("Choose a recommendation."), field="recommendation")
    if not str(data.get("recommendation_reason", "")).strip():
        raise DomainError("reason_required", _("Write the reason for your recommendation."), field="recommendation_reason")
    income = Decimal(data.get("verified_income") or 0)
    if income <= 0:
        raise DomainError("income_not_positive", _("Verified income must be greater than zero."), field="verified_income")
    for key in ("household_income", "household_expense"):
        if Decimal(data.get(key) or 0) < 0:
            raise DomainError("amount_negative", _("Amounts cannot be negative."), field=key)
    if not survey.photos.exists():
        raise DomainError("photo_required", _("Take at least one photo of the residence."), field="photos")
    for key in (
        "residence_ownership",
        "house_type",
        "house_condition",
        "road_access",
        "employment_verification",
        "recommendation",
        "recommendation_reason",
    ):
        setattr(survey, key, str(data.get(key, "")).strip()[: Survey._meta.get_field(key).max_length or 2000])
    for key in ("residence_months", "employment_months", "dependents"):
        setattr(survey, key, max(0, int(data.get(key) or 0)))
    survey.employer_verified = bool(data.get("employer_verified"))
    survey.verified_income_sen = to_minor(income)
    survey.household_income_sen = to_minor(Decimal(data.get("household_income") or 0))
    survey.household_expense_sen = to_minor(Decimal(data.get("household_expense") or 0))
    survey.latitude, survey.longitude = data.get("latitude"), data.get("longitude")
    if survey.latitude is not None and survey.longitude is not None and app.address_latitude is not None:
        survey.distance_from_address_m = distance_m(survey.latitude, survey.longitude, app.address_latitude, app.address_longitude)
    survey.gps_missing_reason = "" if survey.latitude is not None and survey.longitude is not None else gps_missing_reason
    survey.gps_taken_at = gps_taken_at if survey.latitude is not None else None
    survey.device_captured_at = device_captured_at
    survey.status = SurveyStatus.COMPLETED
    survey.completed_at = survey.received_at = timezone.now()
    survey.submit_key = submit_key
    survey.save()
    Informant.objects.bulk_create(
        Informant(
            survey=survey,
            name=i.name.strip()[:120],
            relation=i.relation.strip()[:60],
            confirms_residence=i.confirms_residence,
            answer=i.answer.strip()[:2000],
        )
        for i in valid
    )
    app.surveyed_at = survey.completed_at
    _transition(
        app,
        Action.COMPLETE_SURVEY,
        actor=actor,
        fields=["surveyed_at"],
        extra={
            "recommendation": survey.recommendation,
            "verified_income": str(income),
            "distance_m": survey.distance_from_address_m,
            "gps_missing_reason": survey.gps_missing_reason,
            "gps_taken_at": survey.gps_taken_at.isoformat() if survey.gps_taken_at else None,
            "device_captured_at": device_captured_at.isoformat() if device_captured_at else None,
            "submit_key": submit_key,
        },
    )
    survey.replayed = False
    return survey


def _survey_for_key(actor: User, survey: Survey, submit_key: str) -> Survey | None:
    """The survey this surveyor already completed with this outbox key, marked as a replay."""
    if not submit_key:
        return None
    done = (
        Survey.objects.select_related("application")
        .filter(pk=survey.pk, surveyor=actor, status=SurveyStatus.COMPLETED, submit_key=submit_key)
        .first()
    )
    if done is not None:
        done.replayed = True
    return done


def _require_decider(actor: User, app: Application) -> int:
    """For steps outside the table (the SLIK entry): the same checks as the table's decide actions."""
    require(actor, Capability.CREDIT_DECIDE)
    for check in (same_branch, independent):
        refused = check(app, actor)
        if refused is not None:
            raise refused.error()
    return decider_level(actor)


@service
def analysis_start(*, actor: User, application: Application, expected_version: int | None = None) -> Application:
    """An analyst takes a surveyed application."""
    app = _lock(application, expected_version, action=Action.START_ANALYSIS, actor=actor)
    app.analysis_started_at = timezone.now()
    _transition(app, Action.START_ANALYSIS, actor=actor, fields=["analysis_started_at"])
    return app


BUREAU_STATES = frozenset({Status.SURVEYED, Status.IN_ANALYSIS, Status.ESCALATED, Status.APPEALED})


@service
def bureau_check_record(
    *,
    actor: User,
    application: Application,
    enquiry_date: dt.date,
    consent_given: bool,
    worst_collectibility: int | None,
    outstanding: Decimal = Decimal(0),
    note: str = "",
    as_of: dt.date,
) -> BureauCheck:
    """Enter a SLIK result with its enquiry date and the applicant's consent (while the application is being analysed)."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.status not in BUREAU_STATES:
        raise Conflict(
            "invalid_transition",
            _("This step is not possible while the application is '%(status)s'.") % {"status": Status(app.status).label},
        )
    _require_decider(actor, app)
    if enquiry_date > as_of:
        raise DomainError("date_future", _("The enquiry date lies in the future."), field="enquiry_date")
    if worst_collectibility is not None and not 1 <= worst_collectibility <= 5:
        raise DomainError("kol_range", _("Collectibility (Kol) is 1 to 5."), field="worst_collectibility")
    if not consent_given:
        raise DomainError("consent_required", _("SLIK may only be queried with the applicant's consent."), field="consent_given")
    check = BureauCheck.objects.create(
        application=app,
        enquiry_date=enquiry_date,
        consent_given=consent_given,
        worst_collectibility=worst_collectibility,
        outstanding_sen=to_minor(outstanding),
        note=note[:2000],
        entered_by=actor,
    )
    audit_record(actor=actor, action="application.bureau_check", obj=app, after=snapshot(check))
    return check


@service
def obligations_correct(
    *,
    actor: User,
    application: Application,
    obligations: tuple[tuple[str, Decimal], ...],
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """The analyst replaces the existing loans (e.g. from the SLIK result) while the application is analysed.

    The way out for an application whose stored loans cannot be used (a negative installment entered
    before the edge refused it): the loans before and after, and the reason, go to the audit trail; the
    version moves on, so a decision taken on the old figures answers 409.
    """
    if not reason.strip():
        raise DomainError("reason_required", _("Give the reason for the correction."), field="reason")
    for index, (lender, amount) in enumerate(obligations):
        if not lender.strip() or amount <= 0:
            raise DomainError(
                "installment_not_positive",
                _("The monthly installment of an existing loan must be greater than zero."),
                field=f"obligations.{index}",
            )
    app = _lock(application, expected_version)
    if app.status not in BUREAU_STATES:
        raise Conflict(
            "invalid_transition",
            _("This step is not possible while the application is '%(status)s'.") % {"status": Status(app.status).label},
        )
    _require_decider(actor, app)
    before = [{"lender": o.lender, "monthly_installment_sen": o.monthly_installment_sen} for o in app.obligations.order_by("id")]
    app.obligations.all().delete()
    created = Obligation.objects.bulk_create(
        Obligation(application=app, lender=lender.strip()[:120], monthly_installment_sen=to_minor(amount)) for lender, amount in obligations
    )
    app.version += 1
    app.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action="application.obligations_correct",
        obj=app,
        before={"obligations": before, "version": app.version - 1},
        after={
            "obligations": [{"lender": o.lender, "monthly_installment_sen": o.monthly_installment_sen} for o in created],
            "version": app.version,
            "reason": reason.strip()[:500],
        },
    )
    return app


OUTCOME_ACTION = {
    DecisionOutcome.APPROVE: Action.APPROVE,
    DecisionOutcome.APPROVE_WITH_CONDITIONS: Action.APPROVE_WITH_CONDITIONS,
    DecisionOutcome.REJECT: Action.REJECT,
    DecisionOutcome.ESCALATE: Action.ESCALATE,
}

# Knock-outs a counter-offer (more DP, another tenor) repairs, so a conditional approval may carry them.
CURABLE_BY_COUNTER_OFFER = frozenset({"dsr_ceiling", "min_dp"})

# Conditions met by new terms: fulfilled when the customer accepts the counter-offer.
TERMS_CONDITIONS = frozenset({ConditionKind.DOWN_PAYMENT, ConditionKind.TENOR})
# Conditions whose kind alone does not say what is needed.
CONDITIONS_NEEDING_DETAIL = frozenset({ConditionKind.DOCUMENTS, ConditionKind.OTHER})
MAX_CONDITIONS = 10


def _tenor_offer(app: Application, analysis: Any, *, tenor_months: int, as_of: dt.date) -> dict[str, Any]:
    """A counter-offer at another tenor chosen by the decider (e.g. shorter than asked), same DP, checked like the engine's."""
    if tenor_months == app.tenor_months:
        raise DomainError("same_tenor", _("Choose a tenor other than the one asked for."), field="counter_offer_tenor")
    offer = counter_offer_at(
        terms=pricing_terms(product=app.product, branch_id=app.branch_id, as_of=as_of),
        as_of=as_of,
        kind="tenor",
        otr=app.otr,
        down_payment=app.down_payment,
        tenor_months=tenor_months,
        vehicle_year=app.vehicle_year,
        income=analysis.income,
        existing_installments=analysis.existing_installments,
        max_dsr_pct=analysis.policy_config.max_dsr_pct,
    )
    if offer is None:
        raise DomainError(
            "tenor_offer_dsr", _("At %(tenor)d months the DSR is above the limit.") % {"tenor": tenor_months}, field="counter_offer_tenor"
        )
    return offer.as_dict()


APPROVALS = frozenset({DecisionOutcome.APPROVE, DecisionOutcome.APPROVE_WITH_CONDITIONS})


def _check_documents(missing: list[str], *, override: str, level: int) -> None:
    """An approval needs the product's required documents; an authorised decider may override, saying why."""
    if not missing:
        return
    names = ", ".join(missing)
    if not override.strip():
        raise DomainError(
            "documents_missing",
            _("Required documents are missing (%(documents)s): attach them, or approve with a documents override and its reason.")
            % {"documents": names},
            field="documents_override",
        )
    needed = settings.ANGSUR_DOCUMENT_OVERRIDE_LEVEL
    if level < needed:
        raise PermissionDenied(
            "documents_override_level",
            _("Approving without the required documents (%(documents)s) needs a decider of level %(level)d or above.")
            % {"documents": names, "level": needed},
        )


@dataclass(frozen=True)
class ConditionData:
    """One condition of an approval as the decider states it (kind, and what exactly is needed)."""

    kind: str
    detail: str = ""


def _clean_conditions(outcome: str, conditions: list[ConditionData]) -> list[ConditionData]:
    if conditions and outcome != DecisionOutcome.APPROVE_WITH_CONDITIONS:
        raise DomainError("conditions_not_allowed", _("Conditions go with an approval with conditions only."), field="conditions")
    if len(conditions) > MAX_CONDITIONS:
        raise DomainError("too_many_conditions", _("At most %(n)d conditions.") % {"n": MAX_CONDITIONS}, field="conditions")
    cleaned: list[ConditionData] = []
    for condition in conditions:
        if condition.kind not in ConditionKind.values:
            raise DomainError("invalid_condition", _("Unknown condition."), field="conditions")
        if condition.kind in TERMS_CONDITIONS:
            # New terms are priced by the quote engine (a counter-offer), not written as free text.
            raise DomainError(
                "terms_condition_by_offer", _("A new DP or tenor is set by the counter-offer, not as a condition."), field="conditions"
            )
        detail = " ".join(str(condition.detail).split())
        if len(detail) > 300:
            raise DomainError("condition_detail_too_long", _("A condition's detail is at most 300 characters."), field="conditions")
        if condition.kind in CONDITIONS_NEEDING_DETAIL and not detail:
            raise DomainError(
                "condition_detail_required",
                _("Say what is needed for the condition “%(condition)s”.") % {"condition": ConditionKind(condition.kind).label},
                field="conditions",
            )
        cleaned.append(ConditionData(condition.kind, detail))
    return cleaned


@service
def decision_record(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reason_codes: list[str],
    rationale: str,
    as_of: dt.date,
    counter_offer_kind: str | None = None,
    counter_offer_tenor: int | None = None,
    conditions: list[ConditionData] | None = None,
    reasons_override: bool = False,
    documents_override: str = "",
    expected_version: int | None = None,
) -> Decision:
    """Record a decision: approve, approve with conditions (a counter-offer and/or other conditions), reject, or escalate.

    A reason that the analysis contradicts (``reasons.contradicted_reasons``: "DSR too high" while the DSR
    passed) is refused unless the decider overrides it explicitly (``reasons_override``), which is recorded.
    """
    if outcome not in DecisionOutcome.values:
        raise DomainError("invalid_outcome", _("Unknown decision."), field="outcome")
    action = OUTCOME_ACTION[outcome]
    # The table checks the decider: capability, branch, maker-checker, required level, top of the chain.
    app = _lock(application, expected_version, action=action, actor=actor)
    level = decider_level(actor)
    if not rationale.strip():
        raise DomainError("rationale_required", _("Write the rationale for the decision."), field="rationale")
    unknown = [code for code in reason_codes if code not in ReasonCode.values]
    if not reason_codes or unknown:
        raise DomainError("reason_codes_required", _("Choose at least one valid reason code."), field="reason_codes")
    wanted = _clean_conditions(outcome, list(conditions or []))
    if counter_offer_tenor is not None and outcome != DecisionOutcome.APPROVE_WITH_CONDITIONS:
        raise DomainError("conditions_not_allowed", _("Conditions go with an approval with conditions only."), field="counter_offer_tenor")
    analysis = application_analysis(app, as_of=as_of)
    snapshot = analysis.as_dict()  # checked against, and stored with the decision
    contradicted = contradicted_reasons(reason_codes, snapshot["policy"])
    if contradicted and not reasons_override:
        raise DomainError(
            "reason_contradicts_analysis",
            _(
                "The analysis does not support the reason %(reasons)s (its rule passed). Remove it, or confirm the "
                "override and explain it in the rationale."
            )
            % {"reasons": ", ".join(f"“{ReasonCode(code).label}”" for code in contradicted)},
            field="reason_codes",
        )
    on_appeal = app.status == Status.APPEALED
    offer = None
    if outcome == DecisionOutcome.ESCALATE:
        app.decision_level = max(app.decision_level, level) + 1
    else:
        if outcome in {DecisionOutcome.APPROVE, DecisionOutcome.APPROVE_WITH_CONDITIONS}:
            if analysis.score is None:
                raise DomainError(
                    "no_scorecard", _("No scorecard is configured for this date: the application cannot be approved."), field="outcome"
                )
            failing = {r.code for r in analysis.policy if r.knock_out and not r.passed}
            if outcome == DecisionOutcome.APPROVE_WITH_CONDITIONS:
                failing -= CURABLE_BY_COUNTER_OFFER
            if failing and level < MAX_DECISION_LEVEL:
                raise DomainError(
                    "policy_knock_out",
                    _("A knock-out rule fails (%(rules)s): only the branch manager may approve as an exception.")
                    % {"rules": ", ".join(sorted(rule_title(code) for code in failing))},
                    field="outcome",
                )
            if not covers(role=actor.role, financed_sen=app.financed_principal_sen, grade=analysis.grade, product_id=app.product_id):
                raise PermissionDenied("beyond_authority", _("The amount or risk grade is beyond your authority: escalate it."))
            _check_documents(analysis.missing_documents, override=documents_override, level=level)
        if outcome == DecisionOutcome.APPROVE_WITH_CONDITIONS:
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
            chosen = [o for o in offers if counter_offer_kind in (None, o.kind)]
            dsr_fits = analysis.dsr_fits
            if counter_offer_tenor is not None:
                offer = _tenor_offer(app, analysis, tenor_months=counter_offer_tenor, as_of=as_of)
            elif chosen:
                offer = chosen[0].as_dict()
            elif not dsr_fits or counter_offer_kind:
                raise DomainError(
                    "no_counter_offer", _("No DP or tenor within the product brings the DSR within the limit."), field="counter_offer_kind"
                )
            elif not wanted:
                # The terms already fit: the approval needs conditions of another kind (a guarantor, documents).
                raise DomainError(
                    "conditions_required",
                    _("The terms already fit the policy: name the conditions of the approval (a guarantor, documents, …)."),
                    field="conditions",
                )
        app.decided_at = timezone.now()
    decision = Decision.objects.create(
        application=app,
        decided_by=actor,
        role=actor.role,
        level=level,
        outcome=outcome,
        reason_codes=reason_codes,
        rationale=rationale.strip(),
        counter_offer=offer,
        analysis=snapshot,
        on_appeal=on_appeal,
        reasons_override=bool(contradicted),
        documents_override_reason=documents_override.strip()[:300] if analysis.missing_documents and outcome in APPROVALS else "",
        missing_documents=analysis.missing_documents if outcome in APPROVALS else [],
    )
    if offer is not None:
        kind = ConditionKind.DOWN_PAYMENT if offer["kind"] == "dp" else ConditionKind.TENOR
        terms = _("DP %(dp)s, %(tenor)s months, installment %(installment)s") % {
            "dp": format_rupiah(Decimal(offer["down_payment"])),
            "tenor": offer["tenor_months"],
            "installment": format_rupiah(Decimal(offer["installment"])),
        }
        wanted = [ConditionData(kind, terms), *wanted]
    Condition.objects.bulk_create(Condition(application=app, decision=decision, kind=c.kind, detail=c.detail) for c in wanted)
    DecisionReason.objects.bulk_create(
        DecisionReason(
            decision=decision,
            application=app,
            branch_id=app.branch_id,
            dealer_id=app.dealer_id,
            cmo_id=app.cmo_id,
            outcome=outcome,
            code=code,
            decided_at=decision.created_at,
        )
        for code in dict.fromkeys(reason_codes)
    )
    _transition(
        app,
        action,
        actor=actor,
        fields=["decision_level", "decided_at"],
        extra={
            "decision": decision.pk,
            "outcome": outcome,
            "reason_codes": reason_codes,
            "level": level,
            "counter_offer": offer,
            "rationale": decision.rationale[:500],
            **({"conditions": [{"kind": c.kind, "detail": c.detail} for c in wanted]} if wanted else {}),
            **({"reasons_override": contradicted} if contradicted else {}),
            **(
                {"documents_override": decision.documents_override_reason, "missing_documents": decision.missing_documents}
                if decision.documents_override_reason
                else {}
            ),
        },
    )
    return decision


@service
def appeal_file(*, actor: User, application: Application, argument: str, expected_version: int | None = None) -> Appeal:
    """The CMO's supervisor appeals a rejection once, with a written argument; the level above the rejecter decides.

    Above the branch manager (the top of the branch chain) the appeal goes to head office's credit
    staff (workflow.HEAD_OFFICE_LEVEL); whoever decided the application never decides its appeal.
    """
    # The table checks the capability, the branch, the state, the one-appeal guard and that someone can decide it.
    app = _lock(application, expected_version, action=Action.APPEAL, actor=actor)
    if len(argument.strip()) < 20:
        raise DomainError("argument_required", _("Write the argument for the appeal (at least 20 characters)."), field="argument")
    rejection = app.decisions.filter(outcome=DecisionOutcome.REJECT).order_by("-created_at", "-id").first()
    if rejection is None:
        raise Conflict("invalid_transition", _("Only a rejected application can be appealed."))
    to_level = appeal_level(app)
    appeal = Appeal.objects.create(
        application=app, appellant=actor, argument=argument.strip(), rejected_decision=rejection, to_level=to_level
    )
    app.appeal_count += 1
    app.decision_level = to_level
    _transition(
        app,
        Action.APPEAL,
        actor=actor,
        fields=["appeal_count", "decision_level"],
        extra={"appeal": appeal.pk, "to_level": to_level, "argument": appeal.argument[:500]},
    )
    return appeal


@service
def conditions_accept(*, actor: User, application: Application, as_of: dt.date, expected_version: int | None = None) -> Application:
    """The customer takes the counter-offer: re-price the application on its terms; it becomes approved."""
    app = _lock(application, expected_version, action=Action.ACCEPT_CONDITIONS, actor=actor)
    decision = app.decisions.filter(outcome=DecisionOutcome.APPROVE_WITH_CONDITIONS).order_by("-created_at", "-id").first()
    if decision is None:
        raise Conflict("invalid_transition", _("There is no counter-offer to accept."))
    if not decision.counter_offer:
        # Conditions without new terms (a guarantor, a document): accepting them keeps the priced quote;
        # each stays open until it is fulfilled (booking waits for them).
        _transition(app, Action.ACCEPT_CONDITIONS, actor=actor, fields=[], extra={"terms_unchanged": True})
        return app
    Condition.objects.filter(decision=decision, kind__in=TERMS_CONDITIONS, status=ConditionStatus.OPEN).update(
        status=ConditionStatus.FULFILLED,
        resolved_by=actor,
        resolved_at=timezone.now(),
        resolution_note=_("The customer accepted the counter-offer."),
    )
    offer = decision.counter_offer
    priced = quote_price(
        product=app.product,
        branch_id=app.branch_id,
        as_of=as_of,
        otr=app.otr,
        down_payment=Decimal(offer["down_payment"]),
        tenor_months=int(offer["tenor_months"]),
        vehicle_year=app.vehicle_year,
    )
    q = priced.quote
    before = {"down_payment_sen": app.down_payment_sen, "tenor_months": app.tenor_months, "installment_sen": app.installment_sen}
    app.down_payment_sen, app.tenor_months = to_minor(Decimal(offer["down_payment"])), int(offer["tenor_months"])
    app.installment_sen, app.financed_principal_sen = to_minor(q.installment), to_minor(q.financed_principal)
    app.tdp_sen, app.quote_result, app.rate_card_id, app.priced_on = to_minor(q.tdp.total), q.as_dict(), priced.rate_card_id, as_of
    fields = [
        "down_payment_sen",
        "tenor_months",
        "installment_sen",
        "financed_principal_sen",
        "tdp_sen",
        "quote_result",
        "rate_card",
        "priced_on",
    ]
    _transition(
        app,
        Action.ACCEPT_CONDITIONS,
        actor=actor,
        fields=fields,
        extra={"before_terms": before, "down_payment_sen": app.down_payment_sen, "tenor_months": app.tenor_months},
    )
    return app


CONDITION_RESOLUTIONS = frozenset({ConditionStatus.FULFILLED, ConditionStatus.WAIVED})


@service
def condition_resolve(*, actor: User, condition: Condition, resolution: str, note: str = "") -> Condition:
    """Mark an approval's condition fulfilled (the order's CMO or branch marketing, or a decider) or waived (a decider).

    Terms conditions (DP, tenor) are fulfilled by accepting the counter-offer, not here. A waiver needs
    the reason in the note. The application row is locked first, so two people resolving at once
    cannot both change the same condition.
    """
    if resolution not in CONDITION_RESOLUTIONS:
        raise DomainError("invalid_resolution", _("A condition is either fulfilled or waived."), field="resolution")
    app = lock(Application, condition.application_id)
    if resolution == ConditionStatus.WAIVED:
        _require_decider(actor, app)
        if not note.strip():
            raise DomainError("waiver_reason_required", _("Write why the condition is waived."), field="note")
    elif not user_can(actor, Capability.CREDIT_DECIDE):
        _require_owner_or_branch_marketing(actor, app)
    else:
        _require_decider(actor, app)
    row = Condition.objects.select_for_update().get(pk=condition.pk)
    if row.status != ConditionStatus.OPEN:
        raise Conflict("condition_resolved", _("This condition is already %(status)s.") % {"status": row.get_status_display()})
    if row.kind in TERMS_CONDITIONS and resolution == ConditionStatus.FULFILLED and app.status == Status.APPROVED_WITH_CONDITIONS:
        raise Conflict("accept_counter_offer", _("New terms are fulfilled by accepting the counter-offer."))
    if app.status not in {Status.APPROVED_WITH_CONDITIONS, Status.APPROVED}:
        raise Conflict("invalid_transition", _("Conditions can be resolved only on an approved application."))
    row.status, row.resolved_by, row.resolved_at, row.resolution_note = resolution, actor, timezone.now(), note.strip()[:300]
    row.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    audit_record(
        actor=actor,
        action=f"application.condition_{'fulfil' if resolution == ConditionStatus.FULFILLED else 'waive'}",
        obj=app,
        before={"condition": row.pk, "status": ConditionStatus.OPEN},
        after={"condition": row.pk, "kind": row.kind, "status": resolution, "note": row.resolution_note},
    )
    return row


@removes_stored_files_on_error
@service
def document_upload(*, actor: User, application: Application, kind: str, uploaded: Any) -> Document:
    """Attach a checklist document (image or PDF, size-limited, stored outside the web root)."""
    from angsur.origination.models import DocumentKind

    require(actor, Capability.ORDER_CREATE)
    app = Application.objects.select_for_update().get(pk=application.pk)
    _require_owner_or_branch_marketing(actor, app)
    if kind not in DocumentKind.values:
        raise DomainError("invalid_document_kind", _("Unknown document type."), field="kind")
    if app.status not in OPEN_STATES | {Status.APPROVED}:
        raise Conflict("invalid_transition", _("Documents cannot be added once the application is rejected or cancelled."))
    stored = upload_store(uploaded, folder="applications")
    document = Document.objects.create(
        application=app,
        kind=kind,
        file=stored.name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="application.document_upload",
        obj=app,
        after={"document": document.pk, "kind": kind, "sha256": stored.sha256, "size": stored.size},
    )
    return document
