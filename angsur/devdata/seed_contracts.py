"""Booked contracts with payment history, made through the real services (demo seed and tests).

`approved_application` walks an order through survey, bureau check and an analyst's approval;
`booked_contract` books it. `seed_contracts` gives each branch contracts paid on time, late, partly
paid, reversed and settled early, so a newcomer sees the servicing side at once.
"""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from angsur.dealers.models import Dealer
from angsur.org.models import Branch, User
from angsur.org.roles import Role

SURVEY_DATA = {
    "residence_ownership": "own",
    "residence_months": 48,
    "house_type": "Rumah permanen",
    "house_condition": "Baik",
    "road_access": "Mobil bisa masuk",
    "employer_verified": True,
    "employment_verification": "Telepon HRD",
    "employment_months": 36,
    "dependents": 2,
    "verified_income": Decimal("6000000"),
    "household_income": Decimal("0"),
    "household_expense": Decimal("2000000"),
    "recommendation": "recommend",
    "recommendation_reason": "Rumah sendiri, kerja tetap.",
    "latitude": Decimal("-6.200500"),
    "longitude": Decimal("106.900400"),
}


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (180, 120, 60)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _staff(branch: Branch, role: str) -> User:
    from angsur.devdata.factories import make_user

    user = User.objects.filter(branch=branch, role=role, is_active=True).order_by("id").first()
    return user or make_user(role, branch, username=f"{role}.{branch.code.lower()}.seed")


def approved_application(*, cmo: User, dealer: Dealer, as_of: dt.date, **kwargs):
    """An order of the CMO at the dealer, surveyed, bureau-checked and approved by the branch's analyst."""
    from angsur.devdata.factories import make_application, party_data
    from angsur.origination.models import Application
    from angsur.origination.services import (
        InformantData,
        analysis_start,
        bureau_check_record,
        decision_record,
        survey_assign,
        survey_complete,
        survey_photo_add,
    )

    if "applicant" not in kwargs:
        # A new person each time: the same NIK approved before would count in the DSR as an existing customer.
        serial = Application.objects.count() + 1
        kwargs["applicant"] = party_data(serial=serial, phone=f"0813-{serial:04d}-{serial % 10000:04d}")
    app = make_application(actor=cmo, dealer=dealer, as_of=as_of, **kwargs)
    survey = survey_assign(actor=cmo, application=app, surveyor=cmo, scheduled_for=timezone.now())
    survey_photo_add(
        actor=cmo,
        survey=survey,
        uploaded=SimpleUploadedFile("rumah.jpg", _jpeg(), content_type="image/jpeg"),
        taken_at=timezone.now(),
        latitude=Decimal("-6.2005"),
        longitude=Decimal("106.9004"),
    )
    informants = [
        InformantData("Pak RT Slamet", "Ketua RT", True, "Benar tinggal di sini, baik."),
        InformantData("Ibu Wati", "Tetangga", True, "Kenal baik."),
    ]
    survey_complete(actor=cmo, survey=survey, data=dict(SURVEY_DATA), informants=informants)
    analyst = _staff(app.branch, Role.CREDIT_ANALYST)
    app.refresh_from_db()
    analysis_start(actor=analyst, application=app)
    bureau_check_record(actor=analyst, application=app, enquiry_date=as_of, consent_given=True, worst_collectibility=1, as_of=as_of)
    decision_record(actor=analyst, application=app, outcome="approve", reason_codes=["good_profile"], rationale="Layak", as_of=as_of)
    app.refresh_from_db()
    return app


def booked_contract(*, cmo: User, dealer: Dealer, signing_date: dt.date, admin: User | None = None, **kwargs):
    """An approved order booked by the branch's admin on the signing date."""
    from angsur.servicing.services import contract_book

    app = approved_application(cmo=cmo, dealer=dealer, as_of=signing_date, **kwargs)
    admin = admin or _staff(app.branch, Role.ADMIN)
    return contract_book(actor=admin, application=app, signing_date=signing_date, as_of=signing_date)


# Each branch's demo contracts: (months before the demo date it was signed, how its customer pays).
DEMO_BOOK = [
    (8, "on_time"),  # every installment on its due date
    (7, "late"),  # each installment 12 days late, the latest one still open: late fees
    (6, "partly"),  # half of each installment: in arrears
    (9, "settled"),  # three installments, then an early settlement
    (5, "reversed"),  # a payment taken by mistake, reversed with the branch manager's approval
]


def _history(contract, kind: str, as_of: dt.date, cashier: User, manager: User) -> None:
    from angsur.servicing.services import (
        payment_post,
        payment_reverse_decide,
        payment_reverse_request,
        settlement_execute,
        settlement_quote_create,
    )

    rows = [r for r in contract.installments.order_by("no") if r.due_date <= as_of]
    for index, row in enumerate(rows):
        amount = Decimal(row.amount_sen) / 100
        day = row.due_date
        if kind == "late":
            if index == len(rows) - 1:
                break
            day = min(as_of, row.due_date + dt.timedelta(days=12))
            amount += Decimal(row.amount_sen) / 100 * Decimal("0.06")  # the installment and roughly its late fee
        elif kind == "partly":
            amount = (amount / 2).quantize(Decimal(1))
        elif kind == "settled" and index == 3:
            quote = settlement_quote_create(actor=cashier, contract=contract, as_of=day)
            settlement_execute(actor=cashier, quote=quote, value_date=day, as_of=day)
            return
        amount = amount.quantize(Decimal(1))
        payment = payment_post(actor=cashier, contract=contract, amount=amount, channel="counter", value_date=day, as_of=day)
        if kind == "reversed" and index == 1:
            reversal = payment_reverse_request(actor=cashier, payment=payment, reason="Dibayar untuk kontrak lain (salah input kasir)")
            payment_reverse_decide(actor=manager, reversal=reversal, approve=True, as_of=day)
            payment_post(actor=cashier, contract=contract, amount=amount, channel="counter", value_date=day, as_of=day)


def seed_contracts(as_of: dt.date) -> None:
    """Give every branch booked contracts with months of payment history (idempotent: a branch with contracts is kept)."""
    from angsur.finance.schedule import add_months
    from angsur.servicing.models import Contract

    for branch in Branch.objects.filter(is_head_office=False, is_active=True).order_by("code"):
        if Contract.objects.filter(branch=branch).exists():
            continue
        cmo = User.objects.filter(branch=branch, role=Role.CMO, is_active=True).order_by("id").first()
        dealers = Dealer.objects.filter(branch=branch, is_active=True, vehicle_kind="motorcycle", parent__isnull=True)
        dealer = dealers.order_by("code").first()
        if cmo is None or dealer is None:
            continue
        cashier, manager = _staff(branch, Role.FRONT_OFFICE), _staff(branch, Role.BRANCH_MANAGER)
        for months, kind in DEMO_BOOK:
            signed = add_months(as_of, -months)
            contract = booked_contract(cmo=cmo, dealer=dealer, signing_date=signed)
            _history(contract, kind, as_of, cashier, manager)
