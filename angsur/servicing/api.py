"""API: contracts, booking, payments (idempotent), reversals, late-fee waivers, early settlement.

Thin endpoints: records are resolved through the scoped selectors (404 outside the viewer's branch, or
for a CMO outside their own contracts), one service is called, one declared schema answered. The
business date of the contract's branch is the day a payment counts for unless the body names one.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Router, Status, UploadedFile
from pydantic import Field

from angsur.errors import DomainError
from angsur.finance.money import from_minor, money_str
from angsur.org.clock import business_date
from angsur.origination.selectors import application_get
from angsur.schemas import InputSchema
from angsur.servicing import selectors
from angsur.servicing.imports import MAX_STATEMENT_BYTES, payment_import_start
from angsur.servicing.models import Contract, Disbursement, ImportStatus, LateFeeWaiver, Payment, PaymentImport, Reversal, SettlementQuote
from angsur.servicing.schemas import (
    CollateralOut,
    ContractOut,
    ContractRowOut,
    DisbursementOut,
    FiduciaryDueOut,
    LateBpkbsOut,
    PaymentImportOut,
    PaymentOut,
    ReversalOut,
    SettlementQuoteOut,
    UnmatchedOut,
    WaiverOut,
)
from angsur.servicing.services import (
    bpkb_move,
    contract_book,
    disbursement_mark_paid,
    disbursement_prepare,
    disbursement_release,
    fiduciary_record,
    late_fee_waive,
    payment_post,
    payment_reverse_decide,
    payment_reverse_request,
    settlement_execute,
    settlement_quote_create,
    unmatched_resolve,
)

router = Router(tags=["servicing"])

Money = Annotated[Decimal, Field(decimal_places=2, max_digits=17, gt=0)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        None, alias="Idempotency-Key", max_length=64, description="A unique string per payment: a retry with it records the payment once"
    ),
]


class BookIn(InputSchema):
    application_id: int
    signing_date: dt.date | None = Field(None, description="Defaults to the branch's business date")
    first_due_date: dt.date | None = Field(None, description="Defaults to one month after signing (ADDB) or the signing date (ADDM)")


class PaymentIn(InputSchema):
    amount: Money
    channel: Literal["counter", "transfer", "va"] = "counter"
    value_date: dt.date | None = Field(None, description="Defaults to the branch's business date")
    reference: str = Field("", max_length=120, description="The bank's reference (required for transfers)")


class ReversalIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


class ReversalDecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=500)


class WaiverIn(InputSchema):
    amount: Money
    reason: str = Field(..., min_length=1, max_length=2000)


class ExecuteIn(InputSchema):
    value_date: dt.date | None = None


class DisbursementIn(InputSchema):
    dealer_deduction: Annotated[Decimal, Field(decimal_places=2, max_digits=17, ge=0)] = Decimal(0)


class ReleaseIn(InputSchema):
    expected_version: Annotated[int | None, Field(ge=1)] = None


class FiduciaryIn(InputSchema):
    deed_number: str = Field(..., min_length=1, max_length=60)
    deed_date: dt.date
    certificate_number: str = Field("", max_length=60)
    registered_on: dt.date | None = None


class BpkbIn(InputSchema):
    action: Literal["receive", "borrow", "return", "release"]
    on: dt.date | None = None
    note: str = Field("", max_length=200)
    bpkb_number: str = Field("", max_length=40)
    vault_location: str = Field("", max_length=60)


class MatchIn(InputSchema):
    contract_id: int


class PaidIn(InputSchema):
    bank_reference: str = Field(..., min_length=1, max_length=60)
    paid_on: dt.date | None = None


# --- projections -------------------------------------------------------------------------------------


def _row(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "number": contract.number,
        "status": contract.status,
        "customer_name": contract.customer_name,
        "branch_code": contract.branch.code,
        "cmo_username": contract.cmo.username,
        "signing_date": contract.signing_date,
        "installment": money_str(contract.installment),
        "outstanding": money_str(contract.outstanding),
    }


def _payment(view: selectors.PaymentView) -> dict[str, Any]:
    payment = view.payment
    return {
        "id": payment.pk,
        "contract_id": payment.contract_id,
        "contract_number": payment.contract.number,
        "kind": payment.kind,
        "channel": payment.channel,
        "amount": money_str(payment.amount),
        "value_date": payment.value_date,
        "reference": payment.reference,
        "receipt_number": payment.receipt_number,
        "received_by": payment.received_by.username,
        "reversed": view.reversed,
        "reversal_pending": view.reversal_pending is not None,
        "allocations": [
            {"installment_no": a.installment_no, "component": a.component, "amount": money_str(a.amount)} for a in view.allocations
        ],
    }


def _detail(contract: Contract) -> dict[str, Any]:
    contract.refresh_from_db()
    as_of = business_date(contract.branch)
    position = selectors.contract_position(contract, as_of=as_of)
    ledger = position.ledger
    return {
        **_row(contract),
        "version": contract.version,
        "application_id": contract.application_id,
        "application_number": contract.application.number,
        "dealer_name": contract.dealer.name,
        "vehicle": contract.vehicle,
        "first_due_date": contract.first_due_date,
        "va_number": contract.va_number,
        "timing": contract.timing,
        "tenor_months": contract.tenor_months,
        "otr": money_str(from_minor(contract.otr_sen)),
        "down_payment": money_str(from_minor(contract.down_payment_sen)),
        "financed_principal": money_str(contract.financed_principal),
        "total_interest": money_str(from_minor(contract.total_interest_sen)),
        "effective_rate_annual": format(contract.effective_rate_annual, "f"),
        "late_fee_pct_per_day": format(contract.late_fee_pct_per_day, "f"),
        "closed_on": contract.closed_on,
        "balances": {
            "as_of": as_of,
            "outstanding": money_str(ledger.outstanding),
            "principal_unpaid": money_str(ledger.principal_unpaid),
            "interest_unpaid": money_str(ledger.interest_unpaid),
            "overdue": money_str(ledger.overdue),
            "late_fees_unpaid": money_str(ledger.late_fee_unpaid),
            "advance": money_str(ledger.advance),
            "unapplied": money_str(ledger.unapplied),
            "days_past_due": ledger.days_past_due(),
        },
        "installments": [
            {
                "no": i.no,
                "due_date": i.due_date,
                "amount": money_str(i.amount),
                "principal": money_str(i.principal),
                "interest": money_str(i.interest),
                "paid": money_str(i.paid),
                "unpaid": money_str(i.unpaid),
                "late_fee": money_str(i.late_fee),
                "late_fee_unpaid": money_str(i.late_fee_unpaid),
                "state": i.state,
                "paid_on": i.paid_on,
            }
            for i in position.installments
        ],
        "payments": [_payment(view) for view in position.payments],
    }


def _payment_out(payment: Payment) -> dict[str, Any]:
    contract = payment.contract
    position = selectors.contract_position(contract, as_of=business_date(contract.branch))
    view = next(v for v in position.payments if v.payment.pk == payment.pk)
    return _payment(view)


def _reversal(reversal: Reversal) -> dict[str, Any]:
    return {
        "id": reversal.pk,
        "payment_id": reversal.payment_id,
        "contract_id": reversal.contract_id,
        "status": reversal.status,
        "reason": reversal.reason,
        "requested_by": reversal.requested_by.username,
        "decided_by": reversal.decided_by.username if reversal.decided_by_id else None,
    }


def _waiver(waiver: LateFeeWaiver) -> dict[str, Any]:
    return {
        "id": waiver.pk,
        "contract_id": waiver.contract_id,
        "amount": money_str(from_minor(waiver.amount_sen)),
        "value_date": waiver.value_date,
        "reason": waiver.reason,
        "granted_by": waiver.granted_by.username,
    }


def _quote(quote: SettlementQuote) -> dict[str, Any]:
    return {
        "id": quote.pk,
        "number": quote.number,
        "contract_id": quote.contract_id,
        "contract_number": quote.contract.number,
        "quoted_on": quote.quoted_on,
        "valid_until": quote.valid_until,
        "principal": money_str(from_minor(quote.principal_sen)),
        "interest": money_str(from_minor(quote.interest_sen)),
        "late_fees": money_str(from_minor(quote.late_fee_sen)),
        "fee": money_str(from_minor(quote.fee_sen)),
        "total": money_str(from_minor(quote.total_sen)),
        "interest_rebated": money_str(from_minor(quote.interest_rebated_sen)),
        "executed": quote.payment_id is not None,
    }


# --- routes ------------------------------------------------------------------------------------------


@router.get("/contracts", response=list[ContractRowOut])
def contract_list(request: HttpRequest, status: str = "", limit: int = 50) -> list:
    """Contracts in the viewer's scope (a CMO: their own), newest first."""
    return [_row(c) for c in selectors.contract_rows(viewer=request.auth, status=status, limit=max(1, min(limit, 200)))]


@router.post("/contracts", response={201: ContractOut})
def contract_book_endpoint(request: HttpRequest, payload: BookIn) -> Status:
    """Book an approved application (Admin): contract number, virtual account and the schedule fixed on the pinned rate card."""
    user = request.auth
    app = application_get(viewer=user, pk=payload.application_id)
    as_of = business_date(app.branch)
    contract = contract_book(
        actor=user, application=app, signing_date=payload.signing_date or as_of, as_of=as_of, first_due_date=payload.first_due_date
    )
    return Status(201, _detail(contract))


@router.get("/contracts/{contract_id}", response=ContractOut)
def contract_detail(request: HttpRequest, contract_id: int) -> dict:
    """The contract with its schedule (paid / due / overdue per installment), payments and their allocation, balances."""
    return _detail(selectors.contract_get(viewer=request.auth, pk=contract_id))


@router.post("/contracts/{contract_id}/payments", response={201: PaymentOut, 200: PaymentOut})
def payment_post_endpoint(request: HttpRequest, contract_id: int, payload: PaymentIn, idempotency_key: IdempotencyKey = None) -> Status:
    """Post a payment. The same `Idempotency-Key` (or the same bank reference) answers the payment already recorded (200)."""
    user = request.auth
    contract = selectors.contract_get(viewer=user, pk=contract_id)
    as_of = business_date(contract.branch)
    payment = payment_post(
        actor=user,
        contract=contract,
        amount=payload.amount,
        channel=payload.channel,
        value_date=payload.value_date or as_of,
        as_of=as_of,
        reference=payload.reference,
        idempotency_key=idempotency_key or "",
    )
    return Status(200 if payment.replayed else 201, _payment_out(payment))


@router.post("/payments/{payment_id}/reversal", response={201: ReversalOut})
def reversal_request_endpoint(request: HttpRequest, payment_id: int, payload: ReversalIn) -> Status:
    """Ask for a payment's reversal with the reason; the branch manager approves it (never the requester)."""
    payment = selectors.payment_get(viewer=request.auth, pk=payment_id)
    reversal = payment_reverse_request(actor=request.auth, payment=payment, reason=payload.reason)
    return Status(201, _reversal(reversal))


@router.post("/reversals/{reversal_id}/decision", response=ReversalOut)
def reversal_decide_endpoint(request: HttpRequest, reversal_id: int, payload: ReversalDecisionIn) -> dict:
    """Approve or reject a reversal request (maker-checker)."""
    reversal = selectors.reversal_get(viewer=request.auth, pk=reversal_id)
    as_of = business_date(reversal.contract.branch)
    decided = payment_reverse_decide(actor=request.auth, reversal=reversal, approve=payload.approve, as_of=as_of, note=payload.note)
    return _reversal(decided)


@router.post("/contracts/{contract_id}/late-fee-waivers", response={201: WaiverOut})
def waiver_endpoint(request: HttpRequest, contract_id: int, payload: WaiverIn) -> Status:
    """Waive unpaid late fees (branch manager), with the reason."""
    contract = selectors.contract_get(viewer=request.auth, pk=contract_id)
    waiver = late_fee_waive(
        actor=request.auth, contract=contract, amount=payload.amount, reason=payload.reason, as_of=business_date(contract.branch)
    )
    return Status(201, _waiver(waiver))


@router.post("/contracts/{contract_id}/settlement-quotes", response={201: SettlementQuoteOut})
def settlement_quote_endpoint(request: HttpRequest, contract_id: int) -> Status:
    """Quote an early settlement valid for the product's days: principal, interest to the date, late fees, fee."""
    contract = selectors.contract_get(viewer=request.auth, pk=contract_id)
    quote = settlement_quote_create(actor=request.auth, contract=contract, as_of=business_date(contract.branch))
    return Status(201, _quote(quote))


@router.get("/settlement-quotes/{quote_id}", response=SettlementQuoteOut)
def settlement_quote_detail(request: HttpRequest, quote_id: int) -> dict:
    return _quote(selectors.settlement_quote_get(viewer=request.auth, pk=quote_id))


@router.post("/settlement-quotes/{quote_id}/execute", response=PaymentOut)
def settlement_execute_endpoint(request: HttpRequest, quote_id: int, payload: ExecuteIn | None = None) -> dict:
    """Receive the quoted amount and close the contract as settled (a repeat answers the same payment)."""
    quote = selectors.settlement_quote_get(viewer=request.auth, pk=quote_id)
    as_of = business_date(quote.contract.branch)
    value_date = (payload.value_date if payload else None) or as_of
    payment = settlement_execute(actor=request.auth, quote=quote, value_date=value_date, as_of=as_of)
    return _payment_out(payment)


def _disbursement(d: Disbursement) -> dict[str, Any]:
    return {
        "id": d.pk,
        "contract_id": d.contract_id,
        "po_number": d.po_number,
        "dealer_name": d.dealer.name,
        "status": d.status,
        "version": d.version,
        "otr": money_str(from_minor(d.otr_sen)),
        "down_payment": money_str(from_minor(d.down_payment_sen)),
        "dealer_deduction": money_str(from_minor(d.dealer_deduction_sen)),
        "amount": money_str(d.amount),
        "prepared_by": d.prepared_by.username,
        "released_by": d.released_by.username if d.released_by_id else None,
        "bank_reference": d.bank_reference,
        "paid_on": d.paid_on,
    }


@router.post("/contracts/{contract_id}/disbursement", response={201: DisbursementOut})
def disbursement_prepare_endpoint(request: HttpRequest, contract_id: int, payload: DisbursementIn | None = None) -> Status:
    """Issue the purchase order and compute the payment to the dealer (Admin); a second person releases it."""
    contract = selectors.contract_get(viewer=request.auth, pk=contract_id)
    deduction = payload.dealer_deduction if payload else Decimal(0)
    return Status(201, _disbursement(disbursement_prepare(actor=request.auth, contract=contract, dealer_deduction=deduction)))


@router.get("/disbursements", response=list[DisbursementOut])
def disbursement_list(request: HttpRequest) -> list:
    """POs and disbursements: a dealer's portal sees its own dealer's only; staff their branch's."""
    return [_disbursement(d) for d in selectors.disbursement_rows(viewer=request.auth)]


@router.get("/disbursements/{disbursement_id}", response=DisbursementOut)
def disbursement_detail(request: HttpRequest, disbursement_id: int) -> dict:
    return _disbursement(selectors.disbursement_get(viewer=request.auth, pk=disbursement_id))


@router.post("/disbursements/{disbursement_id}/release", response=DisbursementOut)
def disbursement_release_endpoint(request: HttpRequest, disbursement_id: int, payload: ReleaseIn | None = None) -> dict:
    """Release the payment to the dealer (branch manager; never whoever prepared it)."""
    disbursement = selectors.disbursement_get(viewer=request.auth, pk=disbursement_id)
    version = payload.expected_version if payload else None
    return _disbursement(disbursement_release(actor=request.auth, disbursement=disbursement, expected_version=version))


@router.post("/disbursements/{disbursement_id}/paid", response=DisbursementOut)
def disbursement_paid_endpoint(request: HttpRequest, disbursement_id: int, payload: PaidIn) -> dict:
    """Record the bank transfer to the dealer with its reference."""
    disbursement = selectors.disbursement_get(viewer=request.auth, pk=disbursement_id)
    as_of = business_date(disbursement.contract.branch)
    done = disbursement_mark_paid(
        actor=request.auth, disbursement=disbursement, bank_reference=payload.bank_reference, paid_on=payload.paid_on or as_of, as_of=as_of
    )
    return _disbursement(done)


def _collateral(c: Any) -> dict[str, Any]:
    return {
        "contract_id": c.contract_id,
        "fiduciary_deadline": c.fiduciary_deadline,
        "deed_number": c.deed_number,
        "deed_date": c.deed_date,
        "certificate_number": c.certificate_number,
        "registered_on": c.registered_on,
        "bpkb_status": c.bpkb_status,
        "bpkb_due": c.bpkb_due,
        "bpkb_number": c.bpkb_number,
        "vault_location": c.vault_location,
    }


@router.post("/contracts/{contract_id}/fiduciary", response=CollateralOut)
def fiduciary_endpoint(request: HttpRequest, contract_id: int, payload: FiduciaryIn) -> dict:
    """Record the fiduciary deed and, once registered, its certificate (the 30-day deadline runs from the deed)."""
    contract = selectors.contract_get(viewer=request.auth, pk=contract_id)
    collateral = fiduciary_record(
        actor=request.auth,
        contract=contract,
        deed_number=payload.deed_number,
        deed_date=payload.deed_date,
        certificate_number=payload.certificate_number,
        registered_on=payload.registered_on,
        as_of=business_date(contract.branch),
    )
    return _collateral(collateral)


@router.post("/contracts/{contract_id}/bpkb", response=CollateralOut)
def bpkb_endpoint(request: HttpRequest, contract_id: int, payload: BpkbIn) -> dict:
    """Move the BPKB: received from the dealer into the vault, borrowed, returned, released after payoff."""
    contract = selectors.contract_get(viewer=request.auth, pk=contract_id)
    as_of = business_date(contract.branch)
    collateral = bpkb_move(
        actor=request.auth,
        contract=contract,
        action=payload.action,
        on=payload.on or as_of,
        as_of=as_of,
        note=payload.note,
        bpkb_number=payload.bpkb_number,
        vault_location=payload.vault_location,
    )
    return _collateral(collateral)


@router.get("/fiduciary-deadlines", response=list[FiduciaryDueOut])
def fiduciary_deadlines_endpoint(request: HttpRequest) -> list:
    """Fiduciaries not yet registered: missed, warned (within the branch's warning days) or open, nearest first."""
    user = request.auth
    as_of = business_date(user.branch) if user.branch_id else dt.date.today()
    rows = selectors.fiduciary_deadlines(viewer=user, as_of=as_of)
    return [
        {
            "contract_id": r.collateral.contract_id,
            "contract_number": r.contract_number,
            "deadline": r.deadline,
            "days_left": r.days_left,
            "state": r.state,
        }
        for r in rows
    ]


@router.get("/bpkb-late", response=list[LateBpkbsOut])
def bpkb_late_endpoint(request: HttpRequest) -> list:
    """BPKBs dealers still owe past their due date, per dealer (aging)."""
    user = request.auth
    as_of = business_date(user.branch) if user.branch_id else dt.date.today()
    return [vars(row) for row in selectors.bpkb_late_by_dealer(viewer=user, as_of=as_of)]


def _import_out(record: PaymentImport) -> dict:
    return {
        "id": record.pk,
        "bank": record.bank,
        "file_name": record.file_name,
        "status": record.status,
        "rows_total": record.rows_total,
        "rows_done": record.rows_done,
        "report": record.report if record.status == ImportStatus.DONE else None,
        "created_at": record.created_at,
        "finished_at": record.finished_at,
    }


@router.post("/payment-imports", response={200: PaymentImportOut, 202: PaymentImportOut})
def payment_import_endpoint(request: HttpRequest, bank: Form[str], file: File[UploadedFile]) -> Status:
    """Import a bank statement (multipart: bank, file; CSV or .xlsx). A small file is posted at once (200, with
    its report: good rows post, bad rows are reported by line); a big one goes to the worker (202: follow
    `GET /payment-imports/{id}` for its progress and report)."""
    user = request.auth
    if file.size and file.size > MAX_STATEMENT_BYTES:
        raise DomainError("file_too_large", _("The file is too large."), field="file")
    as_of = business_date(user.branch) if user.branch_id else dt.date.today()
    record = payment_import_start(actor=user, bank=bank, name=file.name or "statement.csv", content=file.read(), as_of=as_of)
    return Status(200 if record.status == ImportStatus.DONE else 202, _import_out(record))


@router.get("/payment-imports/{import_id}", response=PaymentImportOut)
def payment_import_detail(request: HttpRequest, import_id: int) -> dict:
    """A statement import's progress and, once done, its report."""
    return _import_out(selectors.payment_import_get(viewer=request.auth, pk=import_id))


@router.get("/unmatched-payments", response=list[UnmatchedOut])
def unmatched_list(request: HttpRequest) -> list:
    """The review queue: statement rows that named no contract, imported in your branch."""
    return [
        {
            "id": row.pk,
            "bank": row.bank,
            "reference": row.reference,
            "line": row.line,
            "account": row.account,
            "amount": money_str(from_minor(row.amount_sen)),
            "value_date": row.value_date,
        }
        for row in selectors.unmatched_rows(viewer=request.auth)
    ]


@router.post("/unmatched-payments/{unmatched_id}/match", response={201: PaymentOut})
def unmatched_match(request: HttpRequest, unmatched_id: int, payload: MatchIn) -> Status:
    """Post a queued row to the contract it belongs to (the same reference never posts twice)."""
    user = request.auth
    row = selectors.unmatched_get(viewer=user, pk=unmatched_id)
    contract = selectors.contract_get(viewer=user, pk=payload.contract_id)
    payment = unmatched_resolve(actor=user, unmatched=row, contract=contract, as_of=business_date(contract.branch))
    return Status(201, _payment_out(payment))
