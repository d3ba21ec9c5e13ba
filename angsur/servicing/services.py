"""Writes for servicing: booking, payments, reversals, late-fee waivers, early settlement.

Each service is one durable transaction (``workflow.engine.durable()``, composable inside ``batch()``): it
locks the contract (``select_for_update``; a booking locks
the application), checks, writes its immutable money row, re-derives the contract's position from all
its rows through the finance core (``replay``), moves the contract's workflow when the position says so
(paid off, reopened, settled), and writes the audit row. Two cashiers posting to one contract at once
are serialised by the lock: the second sees the first's payment.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.finance.errors import FinanceError
from angsur.finance.money import from_minor, to_minor
from angsur.finance.servicing import UNAPPLIED, Ledger, contract_virtual_account, settlement_figure
from angsur.formatting import format_rupiah
from angsur.org.models import Branch, User
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.origination.models import Application
from angsur.origination.selectors import booking_blockers
from angsur.products.services import quote_price
from angsur.servicing.ledger import contract_events, contract_ledger, contract_schedule, policies_of
from angsur.servicing.models import (
    Allocation,
    BpkbMovement,
    BpkbStatus,
    BranchServicingConfig,
    Channel,
    Collateral,
    Contract,
    Disbursement,
    Installment,
    LateFeeWaiver,
    NumberSequence,
    Payment,
    PaymentKind,
    ProductServicingTerms,
    Reversal,
    SettlementQuote,
    UnmatchedPayment,
)
from angsur.servicing.workflow import (
    CONTRACT,
    DISBURSEMENT,
    REVERSAL,
    ContractAction,
    ContractStatus,
    DisbursementAction,
    ReversalAction,
    ReversalStatus,
)
from angsur.workflow.engine import durable, lock

# Late fee per day when a product has no servicing terms of its own (domain.md §3: practice).
DEFAULT_LATE_FEE_PCT = {"motorcycle": Decimal("0.5"), "car": Decimal("0.2")}
MAX_PAYMENT = Decimal("100000000000")  # Rp100 billion: above it, an amount is a typing error


def _same_branch(actor: User, branch_id: int) -> None:
    if not actor.is_head_office and actor.branch_id != branch_id:
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))


def _next_number(branch: Branch, kind: str, year: int) -> int:
    """Draw the next running number of a branch, kind and year (the sequence row is locked until commit)."""
    NumberSequence.objects.get_or_create(branch=branch, kind=kind, year=year)
    sequence = NumberSequence.objects.select_for_update().get(branch=branch, kind=kind, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _config(branch: Branch) -> BranchServicingConfig:
    config, _created = BranchServicingConfig.objects.get_or_create(branch=branch)
    return config


def _money(amount: Any, field: str = "amount") -> int:
    """Return a positive amount in sen; refuse zero, negative, fractions of a sen and absurd amounts."""
    if not isinstance(amount, Decimal | int) or isinstance(amount, bool) or not Decimal(amount).is_finite():
        raise DomainError("amount_invalid", _("Enter an amount in rupiah."), field=field)
    amount = Decimal(amount)
    if amount <= 0:
        raise DomainError("amount_not_positive", _("The amount must be greater than zero."), field=field)
    if amount > MAX_PAYMENT:
        raise DomainError("amount_too_large", _("The amount is too large."), field=field)
    try:
        return to_minor(amount)
    except FinanceError:
        raise DomainError("amount_invalid", _("The amount has a fraction of a sen."), field=field) from None


# --- booking -----------------------------------------------------------------------------------------


def contract_book(
    *, actor: User, application: Application, signing_date: dt.date, as_of: dt.date, first_due_date: dt.date | None = None
) -> Contract:
    """Book an approved application as a contract, with its schedule fixed by the same core that priced the quote."""
    require(actor, Capability.CONTRACT_BOOK)
    _same_branch(actor, application.branch_id)
    if signing_date > as_of:
        raise DomainError("signing_date_future", _("The signing date cannot be after today."), field="signing_date")
    with durable():
        app = lock(Application, application.pk)
        if Contract.objects.filter(application_id=app.pk).exists():
            raise Conflict("already_booked", _("This application is already booked as a contract."))
        blockers = booking_blockers(app)
        if blockers:
            raise Conflict("not_bookable", " ".join(str(b) for b in blockers))
        if signing_date < app.priced_on:
            message = _("The signing date cannot be before the application was priced.")
            raise DomainError("signing_date_early", message, field="signing_date")
        # Re-price on the rate card pinned at approval: the same finance core, the same terms.
        priced = quote_price(
            as_of=signing_date,
            card_date=app.priced_on,
            product=app.product,
            branch_id=app.branch_id,
            otr=app.otr,
            down_payment=app.down_payment,
            tenor_months=app.tenor_months,
            vehicle_year=app.vehicle_year,
            first_due_date=first_due_date,
            enforce_min_dp=False,
        )
        quote = priced.quote
        if to_minor(quote.installment) != app.installment_sen or to_minor(quote.financed_principal) != app.financed_principal_sen:
            raise Conflict(
                "terms_changed",
                _("The approved terms no longer price the same (installment %(now)s instead of %(approved)s): ask credit to re-approve.")
                % {"now": format_rupiah(quote.installment), "approved": format_rupiah(app.installment)},
            )
        branch = app.branch
        config = _config(branch)
        seq = _next_number(branch, "contract", signing_date.year)
        try:
            number = config.contract_number_pattern.format(branch=branch.code, year=signing_date.year, month=signing_date.month, seq=seq)
        except (KeyError, IndexError, ValueError):
            number = f"{branch.code}/{signing_date.year}/{seq:05d}"
        va_serial = _next_number(branch, "va", 0)
        va = contract_virtual_account(config.va_bank_prefix, branch.pk, va_serial)
        terms = ProductServicingTerms.objects.filter(product_id=app.product_id).first()
        late_pct = terms.late_fee_pct_per_day if terms else DEFAULT_LATE_FEE_PCT.get(app.product.vehicle_kind, Decimal("0.5"))
        contract = Contract.objects.create(
            number=number,
            application=app,
            branch=branch,
            dealer_id=app.dealer_id,
            product_id=app.product_id,
            cmo_id=app.cmo_id,
            booked_by=actor,
            customer_name=app.applicant_name,
            customer_nik=app.applicant_nik,
            vehicle=f"{app.vehicle_brand} {app.vehicle_model} {app.vehicle_year}",
            signing_date=signing_date,
            first_due_date=quote.schedule[0].due_date,
            va_number=va,
            timing=quote.timing.value,
            tenor_months=quote.tenor_months,
            otr_sen=app.otr_sen,
            down_payment_sen=app.down_payment_sen,
            financed_principal_sen=to_minor(quote.financed_principal),
            installment_sen=to_minor(quote.installment),
            total_interest_sen=to_minor(quote.total_interest),
            effective_rate_annual=quote.effective_rate_annual.quantize(Decimal("0.000001")),
            late_fee_pct_per_day=late_pct,
            late_fee_cap_pct=terms.late_fee_cap_pct if terms else None,
            late_fee_grace_days=terms.late_fee_grace_days if terms else 0,
            allocation_order=terms.allocation_order if terms else "fees_first",
            settlement_fee_basis=terms.settlement_fee_basis if terms else "principal_pct",
            settlement_fee_value=terms.settlement_fee_value if terms else Decimal("3"),
            settlement_quote_days=terms.settlement_quote_days if terms else 7,
            outstanding_sen=to_minor(quote.total_payable),
        )
        Installment.objects.bulk_create(
            Installment(
                contract=contract,
                no=line.no,
                due_date=line.due_date,
                principal_sen=to_minor(line.principal),
                interest_sen=to_minor(line.interest),
            )
            for line in quote.schedule
        )
        _collateral_for(contract)
        audit_record(
            actor=actor,
            action="contract.book",
            obj=contract,
            after={
                "number": number,
                "application": app.number,
                "signing_date": signing_date.isoformat(),
                "first_due_date": contract.first_due_date.isoformat(),
                "installment": str(quote.installment),
                "tenor_months": quote.tenor_months,
                "va_number": va,
                "rate_card_id": priced.terms.rate_card_id,
            },
        )
    return contract


# --- the position ------------------------------------------------------------------------------------


_POSITION_FIELDS = (
    "principal_paid_sen",
    "interest_paid_sen",
    "interest_rebated_sen",
    "late_fee_sen",
    "late_fee_paid_sen",
    "late_fee_waived_sen",
    "paid_on",
)


def _rederive(contract: Contract, as_of: dt.date) -> Ledger:
    """Replay the contract's rows and store the position: installments, allocations, totals, version + 1.

    Only what changed is written: the installments whose position moved, and the allocation rows after
    the longest unchanged prefix (a new payment usually appends; a reversal rewrites from its payment on).
    """
    schedule_rows = list(contract.installments.order_by("no"))
    events = contract_events(contract)
    latest = max([as_of, *[e.value_date for e in events]])
    ledger = contract_ledger(contract, as_of=latest, installments=schedule_rows, events=events)
    by_no = {row.no: row for row in schedule_rows}
    for row, position in zip(schedule_rows, ledger.installments, strict=True):
        new = {
            "principal_paid_sen": to_minor(position.principal_paid),
            "interest_paid_sen": to_minor(position.interest_paid),
            "interest_rebated_sen": to_minor(position.interest_rebated),
            "late_fee_sen": to_minor(position.late_fee),
            "late_fee_paid_sen": to_minor(position.late_fee_paid),
            "late_fee_waived_sen": to_minor(position.late_fee_waived),
            "paid_on": position.paid_on,
        }
        changed = {name: value for name, value in new.items() if getattr(row, name) != value}
        if changed:
            Installment.objects.filter(pk=row.pk).update(**changed)
            for name, value in changed.items():
                setattr(row, name, value)
    wanted = [
        (int(line.payment_ref), line.installment_no, line.component, to_minor(line.amount), line.value_date) for line in ledger.allocations
    ]
    stored = list(
        Allocation.objects.filter(contract=contract)
        .order_by("id")
        .values_list("id", "payment_id", "installment__no", "component", "amount_sen", "value_date")
    )
    keep = 0
    while keep < min(len(stored), len(wanted)) and stored[keep][1:] == wanted[keep]:
        keep += 1
    if keep < len(stored):
        Allocation.objects.filter(contract=contract, id__gte=stored[keep][0]).delete()
    Allocation.objects.bulk_create(
        Allocation(
            contract=contract,
            payment_id=payment_id,
            installment=by_no.get(number) if number is not None else None,
            component=component,
            amount_sen=amount_sen,
            value_date=value_date,
        )
        for payment_id, number, component, amount_sen, value_date in wanted[keep:]
    )
    contract.outstanding_sen = to_minor(ledger.outstanding)
    contract.paid_sen = sum(to_minor(a.amount) for a in ledger.allocations)
    contract.unapplied_sen = to_minor(ledger.unapplied)
    contract.version += 1
    contract.save(update_fields=["outstanding_sen", "paid_sen", "unapplied_sen", "version", "updated_at"])
    return ledger


def _follow_position(contract: Contract, ledger: Ledger, *, actor: User) -> None:
    """Move the contract's state where its position now is: paid off, or reopened by a reversal."""
    if contract.status == ContractStatus.ACTIVE and ledger.closed:
        contract.closed_on = max((p.paid_on for p in ledger.installments if p.paid_on), default=None)
        CONTRACT.transition(contract, ContractAction.PAY_OFF, actor=actor, fields=["closed_on"], checked=False)
    elif contract.status == ContractStatus.PAID_OFF and not ledger.closed:
        contract.closed_on = None
        CONTRACT.transition(contract, ContractAction.REOPEN, actor=actor, fields=["closed_on"], checked=False)


def _refuse_unless_active(contract: Contract) -> None:
    if contract.status != ContractStatus.ACTIVE:
        raise Conflict(
            "contract_closed",
            _("The contract is %(status)s: it takes no more payments.") % {"status": contract.get_status_display()},
        )


# --- payments ----------------------------------------------------------------------------------------


def payment_key(*, channel: str, reference: str = "", idempotency_key: str = "", bank: str = "") -> str:
    """The dedup key of a payment: its channel's reference (per bank), or the client's idempotency key."""
    if idempotency_key:
        return f"key:{idempotency_key}"[:160]
    if reference:
        return f"{channel}:{bank}:{reference}"[:160]
    return f"once:{uuid.uuid4().hex}"


def _existing(key: str, contract: Contract, amount_sen: int) -> Payment | None:
    existing = Payment.objects.filter(dedup_key=key).first()
    if existing is None:
        return None
    if existing.contract_id != contract.pk or existing.amount_sen != amount_sen:
        raise Conflict("idempotency_key_reused", _("This reference was already used for another payment."))
    existing.replayed = True
    return existing


def payment_post(
    *,
    actor: User,
    contract: Contract,
    amount: Decimal,
    channel: str,
    value_date: dt.date,
    as_of: dt.date,
    reference: str = "",
    idempotency_key: str = "",
    bank: str = "",
) -> Payment:
    """Record money received and allocate it; the same reference or idempotency key records it once."""
    require(actor, Capability.COLLECTION_CASH if channel == Channel.FIELD else Capability.PAYMENT_POST)  # field cash: remedial.services
    _same_branch(actor, contract.branch_id)
    if channel not in Channel.values:
        raise DomainError("channel_invalid", _("Unknown payment channel."), field="channel")
    amount_sen = _money(amount)
    if channel in {Channel.TRANSFER, Channel.VIRTUAL_ACCOUNT, Channel.IMPORT} and not reference and not idempotency_key:
        raise DomainError("reference_required", _("A transfer needs the bank's reference."), field="reference")
    key = payment_key(channel=channel, reference=reference, idempotency_key=idempotency_key, bank=bank)
    found = _existing(key, contract, amount_sen)
    if found is not None:
        return found
    with durable():
        locked = lock(Contract, contract.pk)
        found = _existing(key, locked, amount_sen)
        if found is not None:
            return found
        _refuse_unless_active(locked)
        if value_date > as_of:
            raise DomainError("value_date_future", _("The payment date cannot be after today."), field="value_date")
        if value_date < locked.signing_date:
            raise DomainError("value_date_early", _("The payment date cannot be before the contract was signed."), field="value_date")
        receipt = None
        if channel == Channel.COUNTER:
            seq = _next_number(locked.branch, "receipt", value_date.year)
            receipt = f"KW/{locked.branch.code}/{value_date.year}/{seq:06d}"
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    contract=locked,
                    branch_id=locked.branch_id,
                    channel=channel,
                    amount_sen=amount_sen,
                    value_date=value_date,
                    dedup_key=key,
                    reference=reference[:120],
                    receipt_number=receipt,
                    received_by=actor,
                )
        except IntegrityError:
            raise Conflict("idempotency_key_reused", _("This reference was already used for another payment.")) from None
        ledger = _rederive(locked, as_of)
        unapplied = sum((a.amount for a in ledger.allocations if a.payment_ref == str(payment.pk) and a.component == UNAPPLIED), Decimal(0))
        if unapplied:
            # More than everything owed: refused, and the whole posting rolls back with this error.
            owed = from_minor(amount_sen) - unapplied
            raise DomainError(
                "amount_exceeds_owed",
                _("The amount is more than everything owed on the contract (%(owed)s): for a payoff, quote an early settlement.")
                % {"owed": format_rupiah(owed)},
                field="amount",
            )
        audit_record(
            actor=actor,
            action="payment.post",
            obj=payment,
            branch=locked.branch,
            after={
                "contract": locked.number,
                "amount": str(payment.amount),
                "channel": channel,
                "value_date": value_date.isoformat(),
                "receipt_number": receipt,
                "reference": reference,
            },
        )
        _follow_position(locked, ledger, actor=actor)
    return payment


# --- reversals (maker-checker) -----------------------------------------------------------------------


def payment_reverse_request(*, actor: User, payment: Payment, reason: str) -> Reversal:
    """Ask for a payment to be reversed, with the reason; a second person with the authority approves it."""
    require(actor, Capability.PAYMENT_REVERSE_REQUEST)
    _same_branch(actor, payment.branch_id)
    if not reason.strip():
        raise DomainError("reason_required", _("Write the reason for the reversal."), field="reason")
    with durable():
        contract = lock(Contract, payment.contract_id)
        if payment.kind == PaymentKind.SETTLEMENT or contract.status == ContractStatus.SETTLED:
            raise Conflict("settled", _("A settled contract's payments cannot be reversed."))
        if Reversal.objects.filter(payment=payment, status__in=[ReversalStatus.REQUESTED, ReversalStatus.APPROVED]).exists():
            raise Conflict("reversal_exists", _("This payment already has a reversal requested or approved."))
        reversal = Reversal.objects.create(
            payment=payment, contract=contract, branch_id=contract.branch_id, reason=reason.strip()[:2000], requested_by=actor
        )
        audit_record(
            actor=actor,
            action="reversal.request",
            obj=reversal,
            branch=contract.branch,
            after={"payment": payment.pk, "amount": str(payment.amount), "contract": contract.number, "reason": reversal.reason},
        )
    return reversal


def payment_reverse_decide(*, actor: User, reversal: Reversal, approve: bool, as_of: dt.date, note: str = "") -> Reversal:
    """Approve (the payment leaves the ledger) or reject a reversal; never by whoever asked for it or took the payment."""
    action = ReversalAction.APPROVE if approve else ReversalAction.REJECT
    with durable():
        contract = lock(Contract, reversal.contract_id)
        locked = Reversal.objects.select_for_update(of=("self",)).select_related("payment").get(pk=reversal.pk)
        REVERSAL.check(locked, action, actor)
        if approve and contract.status == ContractStatus.SETTLED:
            raise Conflict("settled", _("A settled contract's payments cannot be reversed."))
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        REVERSAL.transition(
            locked,
            action,
            actor=actor,
            fields=["decided_by", "decided_at"],
            extra={"payment": locked.payment_id, "amount": str(locked.payment.amount), "note": note[:500]},
        )
        if approve:
            ledger = _rederive(contract, as_of)
            _follow_position(contract, ledger, actor=actor)
    return locked


# --- late-fee waivers --------------------------------------------------------------------------------


def late_fee_waive(*, actor: User, contract: Contract, amount: Decimal, reason: str, as_of: dt.date) -> LateFeeWaiver:
    """Forgive unpaid late fees (oldest first) with the authority to do so, and the reason."""
    require(actor, Capability.LATE_FEE_WAIVE)
    _same_branch(actor, contract.branch_id)
    amount_sen = _money(amount)
    if not reason.strip():
        raise DomainError("reason_required", _("Write the reason for the waiver."), field="reason")
    with durable():
        locked = lock(Contract, contract.pk)
        _refuse_unless_active(locked)
        unpaid = contract_ledger(locked, as_of=as_of).late_fee_unpaid
        if from_minor(amount_sen) > unpaid:
            raise DomainError(
                "waiver_exceeds_late_fees",
                _("Only %(unpaid)s of late fees is unpaid.") % {"unpaid": format_rupiah(unpaid)},
                field="amount",
            )
        waiver = LateFeeWaiver.objects.create(
            contract=locked, amount_sen=amount_sen, value_date=as_of, reason=reason.strip()[:2000], granted_by=actor
        )
        ledger = _rederive(locked, as_of)
        audit_record(
            actor=actor,
            action="late_fee.waive",
            obj=waiver,
            branch=locked.branch,
            after={"contract": locked.number, "amount": str(from_minor(amount_sen)), "reason": waiver.reason, "unpaid_before": str(unpaid)},
        )
        _follow_position(locked, ledger, actor=actor)
    return waiver


# --- early settlement --------------------------------------------------------------------------------


def settlement_quote_create(*, actor: User, contract: Contract, as_of: dt.date) -> SettlementQuote:
    """Quote what settles the contract, valid until a date (interest and late fees computed to that date)."""
    require(actor, Capability.SETTLEMENT_QUOTE)
    _same_branch(actor, contract.branch_id)
    with durable():
        locked = lock(Contract, contract.pk)
        _refuse_unless_active(locked)
        valid_until = as_of + dt.timedelta(days=locked.settlement_quote_days)
        late_fees, settlement, order = policies_of(locked)
        figure = settlement_figure(
            contract_schedule(locked),
            contract_events(locked),
            as_of=valid_until,
            late_fees=late_fees,
            settlement=settlement,
            order=order,
            start_date=locked.signing_date,
        )
        seq = _next_number(locked.branch, "settlement", as_of.year)
        quote = SettlementQuote.objects.create(
            contract=locked,
            number=f"PL/{locked.branch.code}/{as_of.year}/{seq:05d}",
            quoted_on=as_of,
            valid_until=valid_until,
            contract_version=locked.version,
            principal_sen=to_minor(figure.principal),
            interest_sen=to_minor(figure.interest),
            late_fee_sen=to_minor(figure.late_fees),
            fee_sen=to_minor(figure.fee),
            total_sen=to_minor(figure.total),
            interest_rebated_sen=to_minor(figure.interest_rebated),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="settlement.quote",
            obj=quote,
            branch=locked.branch,
            after={"contract": locked.number, "total": str(figure.total), "valid_until": valid_until.isoformat()},
        )
    return quote


def settlement_execute(*, actor: User, quote: SettlementQuote, value_date: dt.date, as_of: dt.date, idempotency_key: str = "") -> Payment:
    """Receive the quoted amount and close the contract as settled (its later interest is rebated)."""
    require(actor, Capability.SETTLEMENT_EXECUTE)
    _same_branch(actor, quote.contract.branch_id)
    with durable():
        contract = lock(Contract, quote.contract_id)
        locked = SettlementQuote.objects.select_for_update(of=("self",)).get(pk=quote.pk)
        if locked.payment_id is not None:
            payment = locked.payment
            payment.replayed = True
            return payment
        _refuse_unless_active(contract)
        if value_date > as_of:
            raise DomainError("value_date_future", _("The payment date cannot be after today."), field="value_date")
        if not locked.quoted_on <= value_date <= locked.valid_until:
            message = _("This settlement quote was valid until %(date)s: make a new one.") % {"date": locked.valid_until}
            raise Conflict("quote_expired", message)
        if locked.contract_version != contract.version:
            raise Conflict("quote_stale", _("The contract changed since this quote (a payment or waiver): make a new one."))
        seq = _next_number(contract.branch, "receipt", value_date.year)
        payment = Payment.objects.create(
            contract=contract,
            branch_id=contract.branch_id,
            kind=PaymentKind.SETTLEMENT,
            channel=Channel.COUNTER,
            amount_sen=locked.total_sen,
            value_date=value_date,
            dedup_key=payment_key(channel=Channel.COUNTER, idempotency_key=idempotency_key or f"settlement-{locked.pk}"),
            reference=locked.number,
            receipt_number=f"KW/{contract.branch.code}/{value_date.year}/{seq:06d}",
            received_by=actor,
        )
        locked.payment = payment
        locked.save(update_fields=["payment"])
        ledger = _rederive(contract, as_of)
        if ledger.settled_on is None or not ledger.closed:
            raise Conflict("settlement_short", _("The quoted amount no longer settles the contract: make a new quote."))
        contract.closed_on = value_date
        CONTRACT.transition(
            contract,
            ContractAction.SETTLE,
            actor=actor,
            fields=["closed_on"],
            extra={"quote": locked.number, "amount": str(payment.amount), "receipt_number": payment.receipt_number},
        )
    return payment


# --- purchase order and disbursement (maker-checker) -------------------------------------------------


def disbursement_prepare(*, actor: User, contract: Contract, dealer_deduction: Decimal = Decimal(0)) -> Disbursement:
    """Issue the purchase order to the dealer and compute what it is paid: OTR − DP − what the dealer keeps or owes."""
    require(actor, Capability.DISBURSEMENT_PREPARE)
    _same_branch(actor, contract.branch_id)
    deduction_sen = 0 if not dealer_deduction else _money(dealer_deduction, "dealer_deduction")
    with durable():
        locked = lock(Contract, contract.pk)
        if Disbursement.objects.filter(contract=locked).exists():
            raise Conflict("disbursement_exists", _("This contract already has its purchase order."))
        if locked.status == ContractStatus.SETTLED:
            raise Conflict(
                "contract_closed", _("The contract is %(status)s: it takes no more payments.") % {"status": locked.get_status_display()}
            )
        amount_sen = locked.otr_sen - locked.down_payment_sen - deduction_sen
        if amount_sen <= 0:
            raise DomainError("deduction_too_large", _("The deduction leaves nothing to pay the dealer."), field="dealer_deduction")
        seq = _next_number(locked.branch, "po", locked.signing_date.year)
        disbursement = Disbursement.objects.create(
            contract=locked,
            branch_id=locked.branch_id,
            dealer_id=locked.dealer_id,
            po_number=f"PO/{locked.branch.code}/{locked.signing_date.year}/{seq:05d}",
            otr_sen=locked.otr_sen,
            down_payment_sen=locked.down_payment_sen,
            dealer_deduction_sen=deduction_sen,
            amount_sen=amount_sen,
            prepared_by=actor,
        )
        audit_record(
            actor=actor,
            action="disbursement.prepare",
            obj=disbursement,
            branch=locked.branch,
            after={"contract": locked.number, "po_number": disbursement.po_number, "amount": str(disbursement.amount)},
        )
    return disbursement


def disbursement_release(*, actor: User, disbursement: Disbursement, expected_version: int | None = None) -> Disbursement:
    """Release the payment to the dealer: a second person with the authority, never the one who prepared it."""
    with durable():
        locked = lock(Disbursement, disbursement.pk, expected_version=expected_version)
        locked.released_by = actor
        locked.released_at = timezone.now()
        DISBURSEMENT.transition(locked, DisbursementAction.RELEASE, actor=actor, fields=["released_by", "released_at"])
    return locked


def disbursement_mark_paid(
    *, actor: User, disbursement: Disbursement, bank_reference: str, paid_on: dt.date, as_of: dt.date
) -> Disbursement:
    """Record the bank transfer to the dealer with its reference."""
    if not bank_reference.strip():
        raise DomainError("reference_required", _("A transfer needs the bank's reference."), field="bank_reference")
    if paid_on > as_of:
        raise DomainError("value_date_future", _("The payment date cannot be after today."), field="paid_on")
    with durable():
        locked = lock(Disbursement, disbursement.pk)
        locked.bank_reference = bank_reference.strip()[:60]
        locked.paid_on = paid_on
        DISBURSEMENT.transition(
            locked,
            DisbursementAction.MARK_PAID,
            actor=actor,
            fields=["bank_reference", "paid_on"],
            extra={"bank_reference": locked.bank_reference, "paid_on": paid_on.isoformat(), "amount": str(locked.amount)},
        )
    return locked


# --- fiduciary and BPKB custody ----------------------------------------------------------------------

FIDUCIARY_DAYS = 30  # PP 21/2015 Pasal 4: registration within 30 days of the fiduciary deed


def _collateral_for(contract: Contract) -> Collateral:
    """The contract's collateral record (made at booking; made here for a contract booked before it existed)."""
    config = _config(contract.branch)
    collateral, _created = Collateral.objects.get_or_create(
        contract=contract,
        defaults={
            "branch_id": contract.branch_id,
            "dealer_id": contract.dealer_id,
            "fiduciary_deadline": contract.signing_date + dt.timedelta(days=FIDUCIARY_DAYS),
            "bpkb_due": contract.signing_date + dt.timedelta(days=config.bpkb_due_days),
        },
    )
    return collateral


def fiduciary_record(
    *,
    actor: User,
    contract: Contract,
    deed_number: str,
    deed_date: dt.date,
    as_of: dt.date,
    certificate_number: str = "",
    registered_on: dt.date | None = None,
) -> Collateral:
    """Record the fiduciary deed (the 30-day deadline runs from it) and, once registered, the certificate."""
    require(actor, Capability.COLLATERAL_MANAGE)
    _same_branch(actor, contract.branch_id)
    if not deed_number.strip():
        raise DomainError("deed_number_required", _("Enter the fiduciary deed number."), field="deed_number")
    if deed_date > as_of or (registered_on is not None and registered_on > as_of):
        raise DomainError("date_future", _("The date cannot be after today."), field="deed_date")
    if registered_on is not None and (registered_on < deed_date or not certificate_number.strip()):
        raise DomainError(
            "registration_invalid",
            _("A registration needs the certificate number and a date on or after the deed."),
            field="certificate_number",
        )
    with durable():
        locked = lock(Contract, contract.pk)
        collateral = _collateral_for(locked)
        before = {"deed_number": collateral.deed_number, "certificate_number": collateral.certificate_number}
        collateral.deed_number = deed_number.strip()[:60]
        collateral.deed_date = deed_date
        collateral.fiduciary_deadline = deed_date + dt.timedelta(days=FIDUCIARY_DAYS)
        collateral.certificate_number = certificate_number.strip()[:60]
        collateral.registered_on = registered_on
        collateral.version += 1
        collateral.save()
        audit_record(
            actor=actor,
            action="fiduciary.record",
            obj=collateral,
            branch=locked.branch,
            before=before,
            after={
                "contract": locked.number,
                "deed_number": collateral.deed_number,
                "deed_date": deed_date.isoformat(),
                "certificate_number": collateral.certificate_number,
                "registered_on": registered_on.isoformat() if registered_on else None,
                "late": bool(registered_on and registered_on > collateral.fiduciary_deadline),
            },
        )
    return collateral


# Which BPKB moves are allowed from which state, and where they lead.
BPKB_MOVES = {
    "receive": ({BpkbStatus.EXPECTED}, BpkbStatus.STORED),
    "borrow": ({BpkbStatus.STORED}, BpkbStatus.BORROWED),
    "return": ({BpkbStatus.BORROWED}, BpkbStatus.STORED),
    "release": ({BpkbStatus.STORED}, BpkbStatus.RELEASED),
}


def bpkb_move(
    *,
    actor: User,
    contract: Contract,
    action: str,
    on: dt.date,
    as_of: dt.date,
    note: str = "",
    bpkb_number: str = "",
    vault_location: str = "",
) -> Collateral:
    """Receive a BPKB from the dealer into the vault, lend it out and take it back, or release it after payoff."""
    require(actor, Capability.COLLATERAL_MANAGE)
    _same_branch(actor, contract.branch_id)
    if action not in BPKB_MOVES:
        raise DomainError("invalid_action", _("Unknown action."), field="action")
    if on > as_of:
        raise DomainError("date_future", _("The date cannot be after today."), field="on")
    with durable():
        locked = lock(Contract, contract.pk)
        collateral = _collateral_for(locked)
        sources, target = BPKB_MOVES[action]
        if collateral.bpkb_status not in sources:
            raise Conflict(
                "invalid_transition",
                _("This step is not possible while the BPKB is '%(status)s'.") % {"status": collateral.get_bpkb_status_display()},
            )
        if action == "receive" and (not bpkb_number.strip() or not vault_location.strip()):
            raise DomainError("bpkb_details_required", _("Enter the BPKB number and where it is kept."), field="bpkb_number")
        if action == "borrow" and not note.strip():
            raise DomainError("reason_required", _("Write who borrows it and why."), field="note")
        if action == "release" and locked.status not in (ContractStatus.PAID_OFF, ContractStatus.SETTLED):
            raise Conflict("not_paid_off", _("The BPKB goes back to the customer only after the contract is paid off."))
        before = collateral.bpkb_status
        collateral.bpkb_status = target
        if action == "receive":
            collateral.bpkb_number = bpkb_number.strip()[:40]
            collateral.vault_location = vault_location.strip()[:60]
            collateral.bpkb_received_on = on
        collateral.version += 1
        collateral.save()
        BpkbMovement.objects.create(collateral=collateral, action=action, on=on, note=note.strip()[:200], by=actor)
        audit_record(
            actor=actor,
            action=f"bpkb.{action}",
            obj=collateral,
            branch=locked.branch,
            before={"bpkb_status": before},
            after={"bpkb_status": target, "contract": locked.number, "on": on.isoformat(), "note": note[:200]},
        )
    return collateral


def unmatched_resolve(*, actor: User, unmatched: UnmatchedPayment, contract: Contract, as_of: dt.date) -> Payment:
    """Post a statement row that named no contract to the contract a person found for it (from the review queue)."""
    if unmatched.resolved_payment_id is not None:
        raise Conflict("already_resolved", _("This row was already posted."))
    payment = payment_post(
        actor=actor,
        contract=contract,
        amount=from_minor(unmatched.amount_sen),
        channel=Channel.IMPORT,
        value_date=unmatched.value_date,
        as_of=as_of,
        reference=unmatched.reference,
        bank=unmatched.bank,
    )
    with durable():
        updated = UnmatchedPayment.objects.filter(pk=unmatched.pk, resolved_payment__isnull=True).update(resolved_payment=payment)
        if updated:
            audit_record(
                actor=actor,
                action="payment.unmatched_resolve",
                obj=unmatched,
                branch=contract.branch,
                after={"bank": unmatched.bank, "reference": unmatched.reference, "contract": contract.number, "payment": payment.pk},
            )
    return payment
