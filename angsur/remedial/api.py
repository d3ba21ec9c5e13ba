"""API: receipt booklets, field receipts, cash deposits and their reconciliation; warning letters; repossession.

Thin endpoints: records through the scoped selectors (404 outside the viewer's scope), one service, one
declared schema. The day is the business date of the branch concerned.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from angsur.errors import DomainError
from angsur.finance.money import from_minor, money_str
from angsur.org.clock import business_date
from angsur.remedial import selectors, services
from angsur.remedial.models import CashDeposit, DefaultEvidence, FieldReceipt, ReceiptBooklet, RepossessionTask, WarningLetter
from angsur.remedial.schemas import (
    BlockersOut,
    BookletOut,
    DepositExceptionOut,
    DepositOut,
    EvidenceOut,
    LetterOut,
    ReceiptOut,
    ReconciliationOut,
    RepossessionOut,
)
from angsur.schemas import InputSchema

router = Router(tags=["remedial"])

Money = Annotated[Decimal, Field(decimal_places=2, max_digits=17, gt=0)]
MoneyOrZero = Annotated[Decimal, Field(decimal_places=2, max_digits=17, ge=0)]
ReceiptNumber = Annotated[int, Field(ge=1, le=10**12)]


class BookletIn(InputSchema):
    collector_id: int
    first_number: ReceiptNumber
    last_number: ReceiptNumber


class ReceiptIn(InputSchema):
    number: ReceiptNumber
    amount: Money
    contract_id: int | None = Field(None, description="The contract, or give its number")
    contract_number: str = Field("", max_length=40, description="The contract's number or virtual account")


class SpoilIn(InputSchema):
    number: ReceiptNumber
    reason: str = Field(..., min_length=1, max_length=300)


class DepositIn(InputSchema):
    collector_id: int
    receipt_ids: list[int] = Field(..., min_length=1, max_length=500)
    counted: MoneyOrZero
    note: str = Field("", max_length=300)


class LetterIn(InputSchema):
    level: Literal[1, 2, 3]


class SendIn(InputSchema):
    channel: Literal["hand", "registered_mail", "courier", "email"]
    sent_on: dt.date | None = Field(None, description="Defaults to the branch's business date")
    expected_version: Annotated[int | None, Field(ge=1)] = None


class ReasonIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=300)


class EvidenceIn(InputSchema):
    kind: Literal["acknowledgement", "court_order"]
    dated: dt.date
    document: str = Field(..., min_length=1, max_length=120)
    note: str = Field("", max_length=300)


class RepossessionIn(InputSchema):
    officer_id: int


class SecureIn(InputSchema):
    place: str = Field(..., min_length=1, max_length=200)
    condition: str = Field(..., min_length=1, max_length=500)
    costs: MoneyOrZero = Decimal(0)
    secured_on: dt.date | None = None


class FinishIn(InputSchema):
    action: Literal["close", "cancel"]
    note: str = Field(..., min_length=1, max_length=500)


# --- projections -------------------------------------------------------------------------------------


def _money(sen: int) -> str:
    return money_str(from_minor(sen))


def _booklet(b: ReceiptBooklet) -> dict[str, Any]:
    return {
        "id": b.pk,
        "collector": b.collector.username,
        "branch_code": b.branch.code,
        "first_number": b.first_number,
        "last_number": b.last_number,
        "used": selectors.booklet_used(b),
        "assigned_on": b.assigned_on,
    }


def _receipt(r: FieldReceipt) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.display_number,
        "status": r.status,
        "collector": r.collector.username,
        "contract_id": r.contract_id,
        "contract_number": r.contract.number if r.contract_id else None,
        "amount": _money(r.amount_sen),
        "issued_on": r.issued_on,
        "deposit_due": r.deposit_due,
        "payment_id": r.payment_id,
        "deposit_id": r.deposit_id,
        "reason": r.reason,
        "replayed": r.replayed,
    }


def _deposit(d: CashDeposit) -> dict[str, Any]:
    return {
        "id": d.pk,
        "number": d.number,
        "collector": d.collector.username,
        "received_by": d.received_by.username,
        "received_on": d.received_on,
        "expected": _money(d.expected_sen),
        "counted": _money(d.counted_sen),
        "difference": _money(d.difference_sen),
        "late_receipts": d.late_receipts,
        "receipts": selectors.deposit_receipt_numbers(d),
    }


def _line(line: selectors.CollectorLine) -> dict[str, Any]:
    return {
        "collector": line.collector.username if line.collector else "",
        "issued_count": line.issued_count,
        "issued": money_str(line.issued),
        "deposited": money_str(line.deposited),
        "counted": money_str(line.counted),
        "cash_difference": money_str(line.cash_difference),
        "posted": money_str(line.posted),
        "posting_difference": money_str(line.posting_difference),
        "missing": money_str(line.missing),
        "pending": money_str(line.pending),
        "late_count": line.late_count,
        "spoiled_count": line.spoiled_count,
        "matched": line.matched,
    }


def _letter(letter: WarningLetter) -> dict[str, Any]:
    return {
        "id": letter.pk,
        "contract_id": letter.contract_id,
        "contract_number": letter.contract.number,
        "level": letter.level,
        "number": letter.number,
        "status": letter.status,
        "version": letter.version,
        "figures_on": letter.figures_on,
        "figures_source": letter.figures_source,
        "days_past_due": letter.days_past_due,
        "outstanding_principal": _money(letter.principal_sen),
        "interest": _money(letter.interest_sen),
        "overdue": _money(letter.overdue_sen),
        "late_fees": _money(letter.late_fee_sen),
        "sent_on": letter.sent_on,
        "channel": letter.channel,
    }


def _evidence(e: DefaultEvidence) -> dict[str, Any]:
    return {"id": e.pk, "contract_id": e.contract_id, "kind": e.kind, "dated": e.dated, "document": e.document, "note": e.note}


def _task(t: RepossessionTask) -> dict[str, Any]:
    return {
        "id": t.pk,
        "number": t.number,
        "contract_id": t.contract_id,
        "contract_number": t.contract.number,
        "status": t.status,
        "version": t.version,
        "officer": t.officer.username,
        "opened_on": t.opened_on,
        "warning_letter": t.warning_letter.number,
        "certificate_number": t.certificate_number,
        "secured_on": t.secured_on,
        "place": t.place,
        "unit_condition": t.unit_condition,
        "owed_on": t.owed_on,
        "days_past_due": t.days_past_due,
        "principal": _money(t.principal_sen),
        "interest": _money(t.interest_sen),
        "late_fees": _money(t.late_fee_sen),
        "costs": _money(t.costs_sen),
        "total": _money(t.total_sen),
        "outcome_note": t.outcome_note,
    }


def _today(user: Any) -> dt.date:
    if user.branch_id is None:
        raise DomainError("branch_required", _("Choose a branch first: this is a branch's work."))
    return business_date(user.branch)


# --- field cash --------------------------------------------------------------------------------------


@router.get("/receipt-booklets", response=list[BookletOut])
def booklet_list(request: HttpRequest) -> list:
    """Booklets: a collector their own; the cashier and branch manager their branch's."""
    return [_booklet(b) for b in selectors.booklet_rows(viewer=request.auth)]


@router.post("/receipt-booklets", response={201: BookletOut})
def booklet_assign_endpoint(request: HttpRequest, payload: BookletIn) -> Status:
    """Hand a numbered range to a collector (branch manager); a range overlapping another booklet is refused (409)."""
    collector = selectors.staff_get(viewer=request.auth, pk=payload.collector_id)
    booklet = services.booklet_assign(
        actor=request.auth,
        collector=collector,
        first_number=payload.first_number,
        last_number=payload.last_number,
        as_of=business_date(collector.branch),
    )
    return Status(201, _booklet(booklet))


@router.get("/field-receipts", response=list[ReceiptOut])
def receipt_list(request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None) -> list:
    return [_receipt(r) for r in selectors.receipt_rows(viewer=request.auth, date_from=date_from, date_to=date_to)]


@router.post("/field-receipts", response={201: ReceiptOut, 200: ReceiptOut})
def receipt_issue_endpoint(request: HttpRequest, payload: ReceiptIn) -> Status:
    """Record cash taken against a receipt of the collector's booklet; the payment is posted at once.

    The same receipt again (same number, contract, amount) answers 200 with it; the number used for
    anything else answers 409 `receipt_number_used`.
    """
    user = request.auth
    contract = selectors.contract_for_cash(viewer=user, pk=payload.contract_id, number=payload.contract_number)
    receipt = services.receipt_issue(
        actor=user, contract=contract, number=payload.number, amount=payload.amount, as_of=business_date(contract.branch)
    )
    return Status(200 if receipt.replayed else 201, _receipt(receipt))


@router.post("/field-receipts/spoiled", response={201: ReceiptOut})
def receipt_spoil_endpoint(request: HttpRequest, payload: SpoilIn) -> Status:
    """Record a receipt of one's booklet as spoiled, with the reason (its number is never used)."""
    receipt = services.receipt_spoil(actor=request.auth, number=payload.number, reason=payload.reason, as_of=_today(request.auth))
    return Status(201, _receipt(receipt))


@router.get("/field-receipts/{receipt_id}", response=ReceiptOut)
def receipt_detail(request: HttpRequest, receipt_id: int) -> dict:
    return _receipt(selectors.receipt_get(viewer=request.auth, pk=receipt_id))


@router.get("/cash-deposits", response=list[DepositOut])
def deposit_list(request: HttpRequest) -> list:
    return [_deposit(d) for d in selectors.deposit_rows(viewer=request.auth)]


@router.post("/cash-deposits", response={201: DepositOut})
def deposit_receive_endpoint(request: HttpRequest, payload: DepositIn) -> Status:
    """The cashier receives a collector's cash against their receipts (another collector's receipt: 403)."""
    collector = selectors.staff_get(viewer=request.auth, pk=payload.collector_id)
    deposit = services.deposit_receive(
        actor=request.auth,
        collector=collector,
        receipt_ids=payload.receipt_ids,
        counted=payload.counted,
        as_of=business_date(collector.branch),
        note=payload.note,
    )
    return Status(201, _deposit(deposit))


@router.get("/cash-deposits/{deposit_id}", response=DepositOut)
def deposit_detail(request: HttpRequest, deposit_id: int) -> dict:
    return _deposit(selectors.deposit_get(viewer=request.auth, pk=deposit_id))


@router.get("/field-cash/reconciliation", response=ReconciliationOut)
def reconciliation_endpoint(request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict:
    """Receipts issued in the period per collector: issued vs deposited (counted) vs posted, and the differences."""
    as_of = _today(request.auth)
    date_to = date_to or as_of
    date_from = date_from or date_to
    if date_from > date_to or (date_to - date_from).days > 92:
        raise DomainError("period_invalid", _("The period runs from an earlier to a later date, at most 92 days."))
    rec = selectors.reconciliation(viewer=request.auth, date_from=date_from, date_to=date_to, as_of=as_of)
    return {
        "date_from": rec.date_from,
        "date_to": rec.date_to,
        "as_of": rec.as_of,
        "collectors": [_line(line) for line in rec.collectors],
        "totals": _line(rec.totals),
        "receipts": [
            {
                "receipt_id": line.receipt.pk,
                "number": line.receipt.display_number,
                "collector": line.receipt.collector.username,
                "state": line.state,
                "amount": _money(line.receipt.amount_sen),
                "posted": line.posted,
                "reversed": line.reversed,
            }
            for line in rec.receipts
        ],
    }


@router.get("/field-cash/exceptions", response=list[DepositExceptionOut])
def exceptions_endpoint(request: HttpRequest) -> list:
    """The branch manager's list: cash not deposited by its working day, deposited late, or counted short/over."""
    return [
        {
            "kind": e.kind,
            "collector": e.collector.username,
            "receipt_number": e.receipt.display_number if e.receipt else None,
            "deposit_number": e.deposit.number if e.deposit else None,
            "amount": money_str(e.amount),
            "days_late": e.days_late,
        }
        for e in selectors.deposit_exceptions(viewer=request.auth, as_of=_today(request.auth))
    ]


# --- warning letters ---------------------------------------------------------------------------------


@router.get("/warning-letters", response=list[LetterOut])
def letter_list(request: HttpRequest) -> list:
    return [_letter(letter) for letter in selectors.letter_rows(viewer=request.auth)]


@router.post("/contracts/{contract_id}/warning-letters", response={201: LetterOut})
def letter_create_endpoint(request: HttpRequest, contract_id: int, payload: LetterIn) -> Status:
    """Draft SP1/SP2/SP3 with the figures of the day (SP2 only after SP1 was sent, SP3 after SP2 and the gap: 409)."""
    contract = selectors.remedial_contract(viewer=request.auth, pk=contract_id)
    letter = services.warning_letter_create(
        actor=request.auth, contract=contract, level=payload.level, as_of=business_date(contract.branch)
    )
    return Status(201, _letter(letter))


@router.get("/warning-letters/{letter_id}", response=LetterOut)
def letter_detail(request: HttpRequest, letter_id: int) -> dict:
    return _letter(selectors.letter_get(viewer=request.auth, pk=letter_id))


@router.post("/warning-letters/{letter_id}/send", response=LetterOut)
def letter_send_endpoint(request: HttpRequest, letter_id: int, payload: SendIn) -> dict:
    """Record the letter as sent (date, channel): it never changes afterwards."""
    letter = selectors.letter_get(viewer=request.auth, pk=letter_id)
    as_of = business_date(letter.contract.branch)
    sent = services.warning_letter_send(
        actor=request.auth,
        letter=letter,
        sent_on=payload.sent_on or as_of,
        channel=payload.channel,
        as_of=as_of,
        expected_version=payload.expected_version,
    )
    return _letter(sent)


@router.post("/warning-letters/{letter_id}/cancel", response=LetterOut)
def letter_cancel_endpoint(request: HttpRequest, letter_id: int, payload: ReasonIn) -> dict:
    letter = selectors.letter_get(viewer=request.auth, pk=letter_id)
    return _letter(services.warning_letter_cancel(actor=request.auth, letter=letter, reason=payload.reason))


# --- default evidence and repossession ---------------------------------------------------------------


@router.post("/contracts/{contract_id}/default-evidence", response={201: EvidenceOut})
def evidence_endpoint(request: HttpRequest, contract_id: int, payload: EvidenceIn) -> Status:
    """Record the debtor's acknowledgement of default or a court order (date, document)."""
    contract = selectors.remedial_contract(viewer=request.auth, pk=contract_id)
    evidence = services.default_evidence_record(
        actor=request.auth,
        contract=contract,
        kind=payload.kind,
        dated=payload.dated,
        document=payload.document,
        note=payload.note,
        as_of=business_date(contract.branch),
    )
    return Status(201, _evidence(evidence))


@router.get("/contracts/{contract_id}/repossession-blockers", response=BlockersOut)
def blockers_endpoint(request: HttpRequest, contract_id: int) -> dict:
    """What POJK 22/2023 Pasal 64 still misses before a repossession task may be opened (empty: none)."""
    contract = selectors.remedial_contract(viewer=request.auth, pk=contract_id)
    return {"contract_id": contract.pk, "missing": [str(m) for m in selectors.repossession_blockers(contract)]}


@router.post("/contracts/{contract_id}/repossessions", response={201: RepossessionOut})
def repossession_create_endpoint(request: HttpRequest, contract_id: int, payload: RepossessionIn) -> Status:
    """Open a repossession task; without its preconditions 409 `repossession_preconditions` naming what is missing."""
    contract = selectors.remedial_contract(viewer=request.auth, pk=contract_id)
    officer = selectors.staff_get(viewer=request.auth, pk=payload.officer_id)
    task = services.repossession_create(actor=request.auth, contract=contract, officer=officer, as_of=business_date(contract.branch))
    return Status(201, _task(task))


@router.get("/repossessions", response=list[RepossessionOut])
def repossession_list(request: HttpRequest) -> list:
    return [_task(t) for t in selectors.repossession_rows(viewer=request.auth)]


@router.get("/repossessions/{task_id}", response=RepossessionOut)
def repossession_detail(request: HttpRequest, task_id: int) -> dict:
    return _task(selectors.repossession_get(viewer=request.auth, pk=task_id))


@router.post("/repossessions/{task_id}/secure", response=RepossessionOut)
def repossession_secure_endpoint(request: HttpRequest, task_id: int, payload: SecureIn) -> dict:
    """The unit is secured: place, condition, costs; the breakdown of what is owed is taken for that day."""
    task = selectors.repossession_get(viewer=request.auth, pk=task_id)
    as_of = business_date(task.contract.branch)
    done = services.repossession_secure(
        actor=request.auth,
        task=task,
        secured_on=payload.secured_on or as_of,
        place=payload.place,
        condition=payload.condition,
        costs=payload.costs,
        as_of=as_of,
    )
    return _task(done)


@router.post("/repossessions/{task_id}/finish", response=RepossessionOut)
def repossession_finish_endpoint(request: HttpRequest, task_id: int, payload: FinishIn) -> dict:
    """Close a secured task or cancel an open/secured one, with a note."""
    task = selectors.repossession_get(viewer=request.auth, pk=task_id)
    return _task(services.repossession_finish(actor=request.auth, task=task, action=payload.action, note=payload.note))
