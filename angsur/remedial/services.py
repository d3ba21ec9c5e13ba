"""Writes for remedial: receipt booklets, field receipts, cash deposits, warning letters, default evidence, repossession.

**When field cash is posted.** A field receipt posts its payment to the contract (servicing's
``payment_post``, channel ``field``, dedup key = the receipt number) in the same transaction that
records the receipt: the customer holds a numbered receipt, so their debt is reduced that day (no late fee
for money they paid). The company's cash is at risk from then until the collector deposits it at the branch,
by the next working day; the reconciliation and the branch manager's list watch exactly that gap.

Each service is one durable transaction with its audit event; locks are taken in one order: the company
(booklet ranges), the booklet, then the contract (inside ``payment_post``).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.collection.selectors import FIELD_ROLES, case_for_contract
from angsur.errors import Conflict, DomainError, NotFound, PermissionDenied
from angsur.finance.errors import FinanceError
from angsur.finance.money import from_minor, to_minor
from angsur.org.models import Branch, Company, User
from angsur.org.roles import Capability
from angsur.org.scoping import require, user_can
from angsur.remedial import selectors
from angsur.remedial.calendar import next_working_day
from angsur.remedial.models import (
    CashDeposit,
    DefaultEvidence,
    EvidenceKind,
    FieldReceipt,
    LetterChannel,
    ReceiptBooklet,
    ReceiptStatus,
    RepossessionTask,
    WarningLetter,
)
from angsur.remedial.workflow import (
    REPOSSESSION,
    WARNING_LETTER,
    LetterAction,
    LetterStatus,
    RepossessionAction,
)
from angsur.servicing.models import Channel, Contract, NumberSequence
from angsur.servicing.services import payment_post
from angsur.servicing.workflow import ContractStatus
from angsur.workflow.engine import batch, durable, lock

MAX_AMOUNT = Decimal("100000000000")  # Rp100 billion: above it, an amount is a typing error
MAX_BOOKLET = 1000  # receipts in one booklet


def _same_branch(actor: User, branch_id: int) -> None:
    if not actor.is_head_office and actor.branch_id != branch_id:
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))


def _amount_sen(amount: Any, *, field: str = "amount", allow_zero: bool = False) -> int:
    if not isinstance(amount, Decimal | int) or isinstance(amount, bool) or not Decimal(amount).is_finite():
        raise DomainError("amount_invalid", _("Enter an amount in rupiah."), field=field)
    amount = Decimal(amount)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError("amount_not_positive", _("The amount must be greater than zero."), field=field)
    if amount > MAX_AMOUNT:
        raise DomainError("amount_too_large", _("The amount is too large."), field=field)
    try:
        return to_minor(amount)
    except FinanceError:
        raise DomainError("amount_invalid", _("The amount has a fraction of a sen."), field=field) from None


def _next_number(branch: Branch, kind: str, year: int) -> int:
    """The next running number of a branch, kind and year (servicing's sequence table, locked until commit)."""
    NumberSequence.objects.get_or_create(branch=branch, kind=kind, year=year)
    sequence = NumberSequence.objects.select_for_update().get(branch=branch, kind=kind, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


# --- receipt booklets --------------------------------------------------------------------------------


def booklet_assign(*, actor: User, collector: User, first_number: int, last_number: int, as_of: dt.date) -> ReceiptBooklet:
    """Hand a numbered range of receipts to a collector; it may not overlap any booklet of the company."""
    require(actor, Capability.COLLECTION_ASSIGN)
    if collector.branch_id is None or not user_can(collector, Capability.COLLECTION_CASH):
        raise DomainError("not_a_collector", _("Booklets go to collectors who take cash in the field."), field="collector")
    _same_branch(actor, collector.branch_id)
    if first_number < 1 or last_number < first_number:
        raise DomainError("range_invalid", _("The last number must be at least the first number."), field="last_number")
    if last_number - first_number + 1 > MAX_BOOKLET:
        raise DomainError("range_too_large", _("A booklet holds at most %(n)s receipts.") % {"n": MAX_BOOKLET}, field="last_number")
    company_id = collector.branch.company_id
    with durable():
        # One booklet range at a time per company: the company row is the lock.
        lock(Company, company_id)
        overlap = ReceiptBooklet.objects.filter(company_id=company_id, first_number__lte=last_number, last_number__gte=first_number).first()
        if overlap is not None:
            raise Conflict(
                "range_overlaps",
                _("Numbers %(first)s-%(last)s overlap booklet %(other)s of %(collector)s.")
                % {"first": first_number, "last": last_number, "other": overlap, "collector": overlap.collector.username},
            )
        booklet = ReceiptBooklet.objects.create(
            company_id=company_id,
            branch_id=collector.branch_id,
            collector=collector,
            first_number=first_number,
            last_number=last_number,
            assigned_by=actor,
            assigned_on=as_of,
        )
        audit_record(
            actor=actor,
            action="receipt_booklet.assign",
            obj=booklet,
            after={"collector": collector.username, "first_number": first_number, "last_number": last_number},
        )
    return booklet


def _booklet_for(*, collector: User, number: int) -> ReceiptBooklet:
    """The collector's booklet holding the number, or a refusal naming why it is not theirs."""
    company_id = collector.branch.company_id
    booklet = ReceiptBooklet.objects.filter(company_id=company_id, first_number__lte=number, last_number__gte=number).first()
    if booklet is None:
        raise DomainError("receipt_not_in_booklet", _("Receipt number %(n)s is in none of your booklets.") % {"n": number}, field="number")
    if booklet.collector_id != collector.pk:
        message = _("Receipt number %(n)s belongs to another collector's booklet: use a receipt from your own booklet.")
        raise PermissionDenied("receipt_not_yours", message % {"n": number})
    return booklet


def _used(receipt: FieldReceipt) -> Conflict:
    if receipt.status == ReceiptStatus.SPOILED:
        message = _("Receipt number %(n)s was recorded as spoiled on %(date)s: a number is never used twice.")
    else:
        message = _("Receipt number %(n)s was already issued on %(date)s: a number is never used twice.")
    return Conflict("receipt_number_used", message % {"n": receipt.display_number, "date": receipt.issued_on.strftime("%d-%m-%Y")})


# --- field receipts ----------------------------------------------------------------------------------


def receipt_issue(*, actor: User, contract: Contract, number: int, amount: Decimal, as_of: dt.date) -> FieldReceipt:
    """Record cash taken in the field against a numbered receipt of the collector's own booklet, and post it.

    The same receipt sent again (same number, contract and amount: a retry from the phone) answers the
    receipt already recorded (``replayed``); the number for anything else is refused.
    """
    require(actor, Capability.COLLECTION_CASH)
    _same_branch(actor, contract.branch_id)
    if actor.branch_id is None:
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    # A field collector takes cash only on the contracts whose collection case is assigned to them.
    if actor.role in FIELD_ROLES and case_for_contract(viewer=actor, contract_id=contract.pk) is None:
        raise PermissionDenied(
            "contract_not_assigned", _("The collection case of contract %(number)s is not assigned to you.") % {"number": contract.number}
        )
    amount_sen = _amount_sen(amount)
    with durable():
        booklet = _booklet_for(collector=actor, number=number)
        booklet = lock(ReceiptBooklet, booklet.pk)
        existing = FieldReceipt.objects.filter(company_id=booklet.company_id, number=number).first()
        if existing is not None:
            if existing.status == ReceiptStatus.ISSUED and existing.contract_id == contract.pk and existing.amount_sen == amount_sen:
                existing.replayed = True
                return existing
            raise _used(existing)
        if contract.status != ContractStatus.ACTIVE:
            raise Conflict(
                "contract_closed", _("The contract is %(status)s: it takes no more payments.") % {"status": contract.get_status_display()}
            )
        policy = selectors.policy_of(actor.branch_id)
        with batch():
            try:
                with transaction.atomic():
                    receipt = FieldReceipt.objects.create(
                        company_id=booklet.company_id,
                        booklet=booklet,
                        branch_id=contract.branch_id,
                        collector=actor,
                        number=number,
                        status=ReceiptStatus.ISSUED,
                        contract=contract,
                        amount_sen=amount_sen,
                        issued_on=as_of,
                        deposit_due=next_working_day(as_of, after=policy.deposit_working_days),
                    )
            except IntegrityError:
                raise Conflict("receipt_number_used", _("Receipt number %(n)s was already used.") % {"n": number}) from None
            payment = payment_post(
                actor=actor,
                contract=contract,
                amount=from_minor(amount_sen),
                channel=Channel.FIELD,
                value_date=as_of,
                as_of=as_of,
                reference=f"KL {receipt.display_number}",
                idempotency_key=f"field-receipt:{booklet.company_id}:{number}",
            )
            receipt.payment = payment
            receipt.save(update_fields=["payment"])
            audit_record(
                actor=actor,
                action="field_receipt.issue",
                obj=receipt,
                after={
                    "number": receipt.display_number,
                    "contract": contract.number,
                    "amount": str(from_minor(amount_sen)),
                    "issued_on": as_of.isoformat(),
                    "deposit_due": receipt.deposit_due.isoformat(),
                    "payment": payment.pk,
                },
            )
    receipt.replayed = False
    return receipt


def receipt_spoil(*, actor: User, number: int, reason: str, as_of: dt.date) -> FieldReceipt:
    """Record a receipt of one's booklet as spoiled (torn, miswritten, lost) with the reason: its number is never used."""
    require(actor, Capability.COLLECTION_CASH)
    if actor.branch_id is None:
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", _("Write why the receipt is spoiled."), field="reason")
    with durable():
        booklet = lock(ReceiptBooklet, _booklet_for(collector=actor, number=number).pk)
        existing = FieldReceipt.objects.filter(company_id=booklet.company_id, number=number).first()
        if existing is not None:
            raise _used(existing)
        receipt = FieldReceipt.objects.create(
            company_id=booklet.company_id,
            booklet=booklet,
            branch_id=booklet.branch_id,
            collector=actor,
            number=number,
            status=ReceiptStatus.SPOILED,
            issued_on=as_of,
            reason=reason[:300],
        )
        audit_record(
            actor=actor, action="field_receipt.spoil", obj=receipt, after={"number": receipt.display_number, "reason": receipt.reason}
        )
    return receipt


# --- cash deposits -----------------------------------------------------------------------------------


def deposit_receive(
    *, actor: User, collector: User, receipt_ids: list[int], counted: Decimal, as_of: dt.date, note: str = ""
) -> CashDeposit:
    """The cashier takes a collector's cash against their receipts, counts it and records the difference."""
    require(actor, Capability.CASH_DEPOSIT_RECEIVE)
    if collector.branch_id is None:
        raise DomainError("not_a_collector", _("Choose the collector who brings the cash."), field="collector")
    _same_branch(actor, collector.branch_id)
    if actor.pk == collector.pk:
        raise PermissionDenied("maker_checker", _("A collector's cash is received by someone else."))
    counted_sen = _amount_sen(counted, field="counted", allow_zero=True)
    ids = sorted(set(receipt_ids))
    if not ids:
        raise DomainError("receipts_required", _("Choose the receipts whose cash is deposited."), field="receipts")
    with durable():
        receipts = list(FieldReceipt.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("collector").order_by("pk"))
        if len(receipts) != len(ids):
            raise NotFound("not_found", _("The record was not found or is outside your branch."))
        for receipt in receipts:
            _same_branch(actor, receipt.branch_id)
            if receipt.collector_id != collector.pk:
                raise PermissionDenied(
                    "receipt_of_another_collector",
                    _("Receipt %(n)s was issued by %(other)s, not by %(collector)s: each collector deposits their own receipts.")
                    % {"n": receipt.display_number, "other": receipt.collector.username, "collector": collector.username},
                )
            if receipt.status != ReceiptStatus.ISSUED:
                raise Conflict("receipt_spoiled", _("Receipt %(n)s is spoiled: it carries no cash.") % {"n": receipt.display_number})
            if receipt.deposit_id is not None:
                raise Conflict("receipt_deposited", _("Receipt %(n)s was already deposited.") % {"n": receipt.display_number})
            if receipt.issued_on > as_of:
                raise DomainError("receipt_future", _("Receipt %(n)s is dated after today.") % {"n": receipt.display_number})
        expected_sen = sum(r.amount_sen for r in receipts)
        late = sum(1 for r in receipts if as_of > r.deposit_due)
        branch = collector.branch
        seq = _next_number(branch, "deposit", as_of.year)
        deposit = CashDeposit.objects.create(
            number=f"ST/{branch.code}/{as_of.year}/{seq:05d}",
            branch=branch,
            collector=collector,
            received_by=actor,
            received_on=as_of,
            expected_sen=expected_sen,
            counted_sen=counted_sen,
            late_receipts=late,
            note=note.strip()[:300],
        )
        FieldReceipt.objects.filter(pk__in=ids).update(deposit=deposit)
        audit_record(
            actor=actor,
            action="cash_deposit.receive",
            obj=deposit,
            after={
                "collector": collector.username,
                "receipts": [r.display_number for r in receipts],
                "expected": str(from_minor(expected_sen)),
                "counted": str(from_minor(counted_sen)),
                "difference": str(from_minor(counted_sen - expected_sen)),
                "late_receipts": late,
            },
        )
    return deposit


# --- warning letters ---------------------------------------------------------------------------------


def _letter_order_refusal(contract: Contract, level: int, on: dt.date) -> DomainError | None:
    """SP2 only after SP1 was sent, SP3 only after SP2, each at least the branch's gap after the previous one."""
    if level == 1:
        return None
    previous = selectors.sent_letter(contract, level - 1)
    if previous is None:
        return Conflict(
            "previous_letter_missing",
            _("SP%(level)s needs SP%(previous)s sent first.") % {"level": level, "previous": level - 1},
        )
    gap = selectors.policy_of(contract.branch_id).letter_min_gap_days
    earliest = previous.sent_on + dt.timedelta(days=gap)
    if on < earliest:
        return Conflict(
            "letter_too_soon",
            _("SP%(level)s may be sent from %(date)s, %(gap)s days after SP%(previous)s.")
            % {"level": level, "previous": level - 1, "gap": gap, "date": earliest.strftime("%d-%m-%Y")},
        )
    return None


def warning_letter_create(*, actor: User, contract: Contract, level: int, as_of: dt.date) -> WarningLetter:
    """Draft SP1, SP2 or SP3 with the figures of the date (days late, principal, interest, penalties)."""
    require(actor, Capability.WARNING_LETTER)
    _same_branch(actor, contract.branch_id)
    if level not in (1, 2, 3):
        raise DomainError("level_invalid", _("A warning letter is SP1, SP2 or SP3."), field="level")
    with durable():
        locked = lock(Contract, contract.pk)
        if locked.status != ContractStatus.ACTIVE:
            raise Conflict("contract_closed", _("The contract is %(status)s: no warning letter.") % {"status": locked.get_status_display()})
        refused = _letter_order_refusal(locked, level, as_of)
        if refused is not None:
            raise refused
        if WarningLetter.objects.filter(contract=locked, level=level, status__in=[LetterStatus.DRAFT, LetterStatus.SENT]).exists():
            raise Conflict("letter_exists", _("This contract already has an SP%(level)s.") % {"level": level})
        owed = selectors.owed_on(locked, as_of=as_of)
        if owed.days_past_due <= 0:
            raise Conflict("not_late", _("The contract is not late: no warning letter."))
        seq = _next_number(locked.branch, f"sp{level}", as_of.year)
        letter = WarningLetter.objects.create(
            contract=locked,
            branch_id=locked.branch_id,
            level=level,
            number=f"SP{level}/{locked.branch.code}/{as_of.year}/{seq:05d}",
            figures_on=owed.as_of,
            figures_source=owed.source,
            days_past_due=owed.days_past_due,
            principal_sen=to_minor(owed.principal),
            interest_sen=to_minor(owed.interest),
            overdue_sen=to_minor(owed.overdue),
            late_fee_sen=to_minor(owed.late_fees),
            drafted_on=as_of,
            drafted_by=actor,
        )
        audit_record(
            actor=actor,
            action="warning_letter.draft",
            obj=letter,
            after={
                "contract": locked.number,
                "level": level,
                "days_past_due": owed.days_past_due,
                "principal": str(owed.principal),
                "interest": str(owed.interest),
                "late_fees": str(owed.late_fees),
                "figures_on": owed.as_of.isoformat(),
                "source": owed.source,
            },
        )
    return letter


def warning_letter_send(
    *, actor: User, letter: WarningLetter, sent_on: dt.date, channel: str, as_of: dt.date, expected_version: int | None = None
) -> WarningLetter:
    """Record that the letter was sent (date and channel): from then on it never changes."""
    if channel not in LetterChannel.values:
        raise DomainError("channel_invalid", _("Choose how the letter was sent."), field="channel")
    if sent_on > as_of:
        raise DomainError("date_future", _("The date cannot be after today."), field="sent_on")
    if sent_on < letter.drafted_on:
        raise DomainError("date_early", _("A letter is sent on or after the day it was drafted."), field="sent_on")
    with durable():
        lock(Contract, letter.contract_id)
        locked = lock(WarningLetter, letter.pk, expected_version=expected_version)
        WARNING_LETTER.check(locked, LetterAction.SEND, actor)
        refused = _letter_order_refusal(locked.contract, locked.level, sent_on)
        if refused is not None:
            raise refused
        locked.sent_on = sent_on
        locked.channel = channel
        locked.sent_by = actor
        WARNING_LETTER.transition(
            locked,
            LetterAction.SEND,
            actor=actor,
            fields=["sent_on", "channel", "sent_by"],
            extra={"number": locked.number, "sent_on": sent_on.isoformat(), "channel": channel},
            checked=False,
        )
    return locked


def warning_letter_cancel(*, actor: User, letter: WarningLetter, reason: str) -> WarningLetter:
    """Cancel a draft (a sent letter stays as it was)."""
    if not reason.strip():
        raise DomainError("reason_required", _("Write the reason."), field="reason")
    with durable():
        locked = lock(WarningLetter, letter.pk)
        WARNING_LETTER.transition(locked, LetterAction.CANCEL, actor=actor, extra={"number": locked.number, "reason": reason.strip()[:300]})
    return locked


# --- default evidence and repossession ---------------------------------------------------------------


def default_evidence_record(
    *, actor: User, contract: Contract, kind: str, dated: dt.date, document: str, as_of: dt.date, note: str = ""
) -> DefaultEvidence:
    """Record the debtor's signed acknowledgement of default, or a court order, with its date and document."""
    require(actor, Capability.REPOSSESSION)
    _same_branch(actor, contract.branch_id)
    if kind not in EvidenceKind.values:
        raise DomainError("kind_invalid", _("Choose an acknowledgement or a court order."), field="kind")
    if not document.strip():
        raise DomainError("document_required", _("Enter the document's number or reference."), field="document")
    if dated > as_of:
        raise DomainError("date_future", _("The date cannot be after today."), field="dated")
    with durable():
        locked = lock(Contract, contract.pk)
        evidence = DefaultEvidence.objects.create(
            contract=locked,
            branch_id=locked.branch_id,
            kind=kind,
            dated=dated,
            document=document.strip()[:120],
            note=note.strip()[:300],
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="default_evidence.record",
            obj=evidence,
            after={"contract": locked.number, "kind": kind, "dated": dated.isoformat(), "document": evidence.document},
        )
    return evidence


def repossession_create(*, actor: User, contract: Contract, officer: User, as_of: dt.date) -> RepossessionTask:
    """Open a repossession task, only when a warning letter was sent, the certificate is held and default is established."""
    require(actor, Capability.REPOSSESSION)
    _same_branch(actor, contract.branch_id)
    if not user_can(officer, Capability.REPOSSESSION) or (not officer.is_head_office and officer.branch_id != contract.branch_id):
        raise DomainError("officer_invalid", _("The officer must be remedial staff of the contract's branch."), field="officer")
    with durable():
        locked = lock(Contract, contract.pk)
        if locked.status != ContractStatus.ACTIVE:
            raise Conflict(
                "contract_closed", _("The contract is %(status)s: nothing to repossess.") % {"status": locked.get_status_display()}
            )
        missing = selectors.repossession_blockers(locked)
        if missing:
            raise Conflict(
                "repossession_preconditions", _("A repossession cannot be opened: %(missing)s.") % {"missing": "; ".join(missing)}
            )
        if RepossessionTask.objects.filter(contract=locked, status__in=["open", "secured"]).exists():
            raise Conflict("repossession_exists", _("This contract already has an open repossession task."))
        owed = selectors.owed_on(locked, as_of=as_of)
        seq = _next_number(locked.branch, "repossession", as_of.year)
        task = RepossessionTask.objects.create(
            contract=locked,
            branch_id=locked.branch_id,
            number=f"TR/{locked.branch.code}/{as_of.year}/{seq:05d}",
            warning_letter=selectors.latest_sent_letter(locked),
            evidence=selectors.evidence_rows(contract=locked)[0],
            certificate_number=selectors.collateral_of(locked).certificate_number,
            officer=officer,
            opened_on=as_of,
            opened_by=actor,
            owed_on=owed.as_of,
            days_past_due=owed.days_past_due,
            principal_sen=to_minor(owed.principal),
            interest_sen=to_minor(owed.interest),
            late_fee_sen=to_minor(owed.late_fees),
        )
        audit_record(
            actor=actor,
            action="repossession.open",
            obj=task,
            after={
                "contract": locked.number,
                "officer": officer.username,
                "warning_letter": task.warning_letter.number,
                "evidence": f"{task.evidence.kind}: {task.evidence.document}",
                "certificate_number": task.certificate_number,
            },
        )
    return task


def repossession_secure(
    *, actor: User, task: RepossessionTask, secured_on: dt.date, place: str, condition: str, costs: Decimal, as_of: dt.date
) -> RepossessionTask:
    """The unit is in the company's hands: the berita acara (place, officer, condition) and what is owed that day."""
    if not place.strip() or not condition.strip():
        raise DomainError("report_incomplete", _("Write where the unit was secured and its condition."), field="place")
    if secured_on > as_of:
        raise DomainError("date_future", _("The date cannot be after today."), field="secured_on")
    if secured_on < task.opened_on:
        raise DomainError("date_early", _("The unit is secured on or after the task was opened."), field="secured_on")
    costs_sen = _amount_sen(costs, field="costs", allow_zero=True)
    with durable():
        contract = lock(Contract, task.contract_id)
        locked = lock(RepossessionTask, task.pk)
        REPOSSESSION.check(locked, RepossessionAction.SECURE, actor)
        owed = selectors.owed_on(contract, as_of=secured_on)
        locked.secured_on = secured_on
        locked.place = place.strip()[:200]
        locked.unit_condition = condition.strip()[:500]
        locked.costs_sen = costs_sen
        locked.owed_on = owed.as_of
        locked.days_past_due = owed.days_past_due
        locked.principal_sen = to_minor(owed.principal)
        locked.interest_sen = to_minor(owed.interest)
        locked.late_fee_sen = to_minor(owed.late_fees)
        fields = [
            "secured_on",
            "place",
            "unit_condition",
            "costs_sen",
            "owed_on",
            "days_past_due",
            "principal_sen",
            "interest_sen",
            "late_fee_sen",
        ]
        REPOSSESSION.transition(
            locked,
            RepossessionAction.SECURE,
            actor=actor,
            fields=fields,
            extra={"secured_on": secured_on.isoformat(), "place": locked.place, "condition": locked.unit_condition, "costs": str(costs)},
            checked=False,
        )
    return locked


def repossession_finish(*, actor: User, task: RepossessionTask, action: str, note: str) -> RepossessionTask:
    """Close a secured task, or cancel an open or secured one, with a note."""
    if action not in (RepossessionAction.CLOSE, RepossessionAction.CANCEL):
        raise DomainError("invalid_action", _("Unknown action."), field="action")
    if not note.strip():
        raise DomainError("reason_required", _("Write the reason."), field="note")
    with durable():
        locked = lock(RepossessionTask, task.pk)
        locked.outcome_note = note.strip()[:500]
        REPOSSESSION.transition(locked, action, actor=actor, fields=["outcome_note"], extra={"note": locked.outcome_note})
    return locked
