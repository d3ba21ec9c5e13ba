"""Orders: capture an application at the dealer (parties, vehicle, household, the priced quote, duplicate and
negative-list flags, idempotent retries), submit it, cancel it.
"""

import datetime as dt
import hashlib
import uuid
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.dealers.models import Dealer, DealerCoverage
from angsur.dealers.selectors import dealer_of
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.finance.money import to_minor
from angsur.formatting import format_rupiah
from angsur.org.models import User
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require
from angsur.origination.models import (
    Application,
    Flag,
    FlagKind,
    IdentifierLock,
    NegativeListEntry,
    Obligation,
    OrderRequestKey,
    Party,
    PartyRole,
)
from angsur.origination.transition_services import _lock, _transition
from angsur.origination.workflow import OPEN_STATES, Action, Status
from angsur.products.models import Product
from angsur.products.services import quote_price
from angsur.scoring import check_nik_against_declared, normalize_phone, parse_nik, validate_kk
from angsur.scoring.errors import ScoringError
from angsur.scoring.identity import normalize_nik, normalize_vehicle_number
from angsur.workflow.engine import service


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
