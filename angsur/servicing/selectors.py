"""Reads for servicing: contracts in the viewer's scope, a contract's position, and the DSR's existing installments."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angsur.errors import NotFound
from angsur.finance.money import from_minor
from angsur.finance.servicing import Ledger
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, scope_to_branch
from angsur.servicing.ledger import contract_ledger
from angsur.servicing.models import Contract, Disbursement, Payment, PaymentImport, Reversal, SettlementQuote, UnmatchedPayment
from angsur.servicing.workflow import ContractStatus, ReversalStatus

OPEN_STATUSES = (ContractStatus.ACTIVE,)


def contract_scope(*, viewer: Any) -> QuerySet[Contract]:
    """Contracts the viewer may see: a CMO their own, others their branch (head office every branch)."""
    require(viewer, Capability.CONTRACT_VIEW)
    qs = scope_to_branch(Contract.objects.all(), viewer)
    if viewer.role == Role.CMO:
        qs = qs.filter(cmo=viewer)
    return qs


def contract_rows(*, viewer: Any, status: str = "", limit: int = 50) -> list[Contract]:
    """The viewer's contracts for a list, newest first; an unknown status filters nothing."""
    qs = contract_scope(viewer=viewer).select_related("branch", "cmo")
    if status in ContractStatus.values:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def contract_get(*, viewer: Any, pk: Any) -> Contract:
    contract = contract_scope(viewer=viewer).select_related("branch", "dealer", "cmo", "product", "application").filter(pk=pk).first()
    if contract is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return contract


def contract_by_number(*, viewer: Any, number: str) -> Contract:
    """A contract of the viewer's scope by its number or virtual account."""
    qs = contract_scope(viewer=viewer).select_related("branch")
    contract = qs.filter(number=number).first() or qs.filter(va_number=number).first() if number else None
    if contract is None:
        raise NotFound("not_found", _("No contract with this number in your branch."))
    return contract


def payment_get(*, viewer: Any, pk: Any) -> Payment:
    payment = Payment.objects.filter(pk=pk, contract__in=contract_scope(viewer=viewer)).select_related("contract", "received_by").first()
    if payment is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return payment


def reversal_get(*, viewer: Any, pk: Any) -> Reversal:
    reversal = Reversal.objects.filter(pk=pk, contract__in=contract_scope(viewer=viewer)).select_related("contract", "payment").first()
    if reversal is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return reversal


def settlement_quote_get(*, viewer: Any, pk: Any) -> SettlementQuote:
    in_scope = contract_scope(viewer=viewer)
    quote = SettlementQuote.objects.filter(pk=pk, contract__in=in_scope).select_related("contract", "contract__branch").first()
    if quote is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return quote


def disbursement_scope(*, viewer: Any) -> QuerySet[Disbursement]:
    """POs and disbursements the viewer may see: a dealer user its own dealer's only, staff their contracts'."""
    from angsur.dealers.selectors import dealer_of

    if getattr(viewer, "role", None) == Role.DEALER:
        dealer = dealer_of(viewer)
        return Disbursement.objects.filter(dealer=dealer) if dealer is not None else Disbursement.objects.none()
    return Disbursement.objects.filter(contract__in=contract_scope(viewer=viewer))


def disbursement_rows(*, viewer: Any, limit: int = 100) -> list[Disbursement]:
    require(viewer, Capability.PURCHASE_ORDER_VIEW)
    return list(
        disbursement_scope(viewer=viewer).select_related("contract", "dealer", "prepared_by", "released_by").order_by("-id")[:limit]
    )


def disbursement_get(*, viewer: Any, pk: Any) -> Disbursement:
    disbursement = disbursement_scope(viewer=viewer).select_related("contract", "contract__branch", "dealer").filter(pk=pk).first()
    if disbursement is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return disbursement


def contract_for_application(application_id: int) -> Contract | None:
    return Contract.objects.filter(application_id=application_id).first()


INSTALLMENT_STATE_LABELS = {
    "paid": gettext_lazy("Paid"),
    "overdue": gettext_lazy("Overdue"),
    "due": gettext_lazy("Due"),
    "partly_paid": gettext_lazy("Partly paid"),
    "upcoming": gettext_lazy("Upcoming"),
}


@dataclass(frozen=True)
class InstallmentView:
    no: int
    due_date: dt.date
    amount: Decimal
    principal: Decimal
    interest: Decimal
    paid: Decimal
    unpaid: Decimal
    late_fee: Decimal
    late_fee_unpaid: Decimal
    state: str
    paid_on: dt.date | None

    @property
    def state_label(self) -> str:
        return str(INSTALLMENT_STATE_LABELS[self.state])


@dataclass(frozen=True)
class AllocationView:
    installment_no: int | None
    component: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentView:
    payment: Payment
    reversed: bool
    reversal_pending: Reversal | None
    allocations: list[AllocationView]


@dataclass(frozen=True)
class ContractPosition:
    contract: Contract
    as_of: dt.date
    ledger: Ledger
    installments: list[InstallmentView]
    payments: list[PaymentView]
    reversals: list[Reversal]

    @property
    def overdue(self) -> Decimal:
        return self.ledger.overdue

    @property
    def days_past_due(self) -> int:
        return self.ledger.days_past_due()


def _state(position: Any, as_of: dt.date) -> str:
    if position.unpaid == 0:
        return "paid"
    if position.due_date < as_of:
        return "overdue"
    if position.due_date == as_of:
        return "due"
    if position.principal_paid + position.interest_paid > 0:
        return "partly_paid"
    return "upcoming"


def contract_position(contract: Contract, *, as_of: dt.date) -> ContractPosition:
    """The contract replayed to as_of: each installment paid / due / overdue, each payment and its allocation."""
    ledger = contract_ledger(contract, as_of=as_of)
    installments = [
        InstallmentView(
            no=p.no,
            due_date=p.due_date,
            amount=p.amount,
            principal=p.principal,
            interest=p.interest,
            paid=p.principal_paid + p.interest_paid,
            unpaid=p.unpaid,
            late_fee=p.late_fee,
            late_fee_unpaid=p.late_fee_unpaid,
            state=_state(p, as_of),
            paid_on=p.paid_on,
        )
        for p in ledger.installments
    ]
    by_payment: dict[str, list[AllocationView]] = {}
    for line in ledger.allocations:
        by_payment.setdefault(line.payment_ref, []).append(AllocationView(line.installment_no, line.component, line.amount))
    reversals = list(contract.reversals.select_related("requested_by", "decided_by").all())
    approved = {r.payment_id for r in reversals if r.status == ReversalStatus.APPROVED}
    pending = {r.payment_id: r for r in reversals if r.status == ReversalStatus.REQUESTED}
    payments = [
        PaymentView(p, p.pk in approved, pending.get(p.pk), by_payment.get(str(p.pk), []))
        for p in contract.payments.select_related("received_by").order_by("value_date", "id")
    ]
    return ContractPosition(contract, as_of, ledger, installments, payments, reversals)


@dataclass(frozen=True)
class ExistingInstallment:
    """An open contract of the company counted in a new application's DSR."""

    contract_number: str
    monthly_installment: Decimal
    outstanding: Decimal


def active_installments_for_nik(nik: str) -> list[ExistingInstallment]:
    """The company's open contracts of this NIK, across branches, with their monthly installment and outstanding."""
    rows = (
        Contract.objects.filter(customer_nik=nik, status__in=OPEN_STATUSES)
        .order_by("signing_date", "id")
        .values_list("number", "installment_sen", "outstanding_sen")
    )
    return [ExistingInstallment(number, from_minor(installment), from_minor(outstanding)) for number, installment, outstanding in rows]


def reversals_waiting(*, viewer: Any) -> QuerySet[Reversal]:
    """Reversal requests of the viewer's branch waiting for a checker."""
    return Reversal.objects.filter(contract__in=contract_scope(viewer=viewer), status=ReversalStatus.REQUESTED).select_related(
        "contract", "payment", "requested_by"
    )


def books_to_make(*, viewer: Any) -> QuerySet:
    """Approved applications of the viewer's branch not yet booked, the longest waiting first.

    NOT EXISTS, not a LEFT JOIN … IS NULL: PostgreSQL plans the anti-join with a sound estimate and walks the
    (status, decided_at) indexes in order until it has a page, where the outer join was estimated at one
    row and sorted every approved application of the book (bench/pages.py: 420 ms at head office, 200,000
    applications, 90,000 of them approved and not booked).
    """
    from angsur.origination.models import Application
    from angsur.origination.workflow import Status

    booked = Contract.objects.filter(application_id=OuterRef("pk"))
    qs = scope_to_branch(Application.objects.filter(~Exists(booked), status=Status.APPROVED), viewer)
    return qs.order_by("decided_at", "id")


@dataclass(frozen=True)
class FiduciaryDue:
    collateral: Any
    contract_number: str
    deadline: dt.date
    days_left: int
    state: str  # "missed", "warn", "open"


def fiduciary_deadlines(*, viewer: Any, as_of: dt.date) -> list[FiduciaryDue]:
    """Fiduciaries not yet registered in the viewer's scope, the nearest deadline first: missed, warned or open.

    PP 21/2015 Pasal 4: registration within 30 days of the deed; warned `fiduciary_warning_days` before.
    """
    from angsur.servicing.models import BranchServicingConfig, Collateral

    warn_days = dict(BranchServicingConfig.objects.values_list("branch_id", "fiduciary_warning_days"))
    rows = (
        Collateral.objects.filter(contract__in=contract_scope(viewer=viewer), registered_on__isnull=True)
        .exclude(contract__status=ContractStatus.SETTLED)
        .select_related("contract")
        .order_by("fiduciary_deadline", "id")
    )
    result = []
    for collateral in rows:
        days_left = (collateral.fiduciary_deadline - as_of).days
        state = "missed" if days_left < 0 else "warn" if days_left <= warn_days.get(collateral.branch_id, 7) else "open"
        result.append(FiduciaryDue(collateral, collateral.contract.number, collateral.fiduciary_deadline, days_left, state))
    return result


@dataclass(frozen=True)
class LateBpkbs:
    dealer_name: str
    count: int
    oldest_days_late: int
    contracts: list[str]


def bpkb_late_by_dealer(*, viewer: Any, as_of: dt.date) -> list[LateBpkbs]:
    """BPKBs the dealers still owe after their due date, per dealer, the longest late first (an aging list)."""
    from angsur.servicing.models import BpkbStatus, Collateral

    rows = (
        Collateral.objects.filter(contract__in=contract_scope(viewer=viewer), bpkb_status=BpkbStatus.EXPECTED, bpkb_due__lt=as_of)
        .select_related("dealer", "contract")
        .order_by("bpkb_due", "id")
    )
    by_dealer: dict[str, list[Any]] = {}
    for collateral in rows:
        by_dealer.setdefault(collateral.dealer.name, []).append(collateral)
    result = [
        LateBpkbs(name, len(items), (as_of - items[0].bpkb_due).days, [c.contract.number for c in items])
        for name, items in by_dealer.items()
    ]
    return sorted(result, key=lambda row: -row.oldest_days_late)


def unmatched_scope(*, viewer: Any) -> QuerySet[UnmatchedPayment]:
    """Statement rows that named no contract, imported in the viewer's branch (head office: all), oldest first."""
    require(viewer, Capability.PAYMENT_POST)
    qs = UnmatchedPayment.objects.filter(resolved_payment__isnull=True).order_by("created_at", "id")
    if viewer.is_head_office:
        return qs
    return qs.filter(imported_by__branch_id=viewer.branch_id)


def unmatched_rows(*, viewer: Any, limit: int = 200) -> list[UnmatchedPayment]:
    return list(unmatched_scope(viewer=viewer)[:limit])


def unmatched_get(*, viewer: Any, pk: Any) -> UnmatchedPayment:
    row = unmatched_scope(viewer=viewer).filter(pk=pk).first()
    if row is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return row


def payment_import_scope(*, viewer: Any) -> QuerySet[PaymentImport]:
    """Statement imports of the viewer's branch (head office: all), newest first; the file itself is not read."""
    require(viewer, Capability.PAYMENT_POST)
    qs = PaymentImport.objects.defer("content").select_related("imported_by").order_by("-created_at", "-id")
    if viewer.is_head_office:
        return qs
    return qs.filter(branch_id=viewer.branch_id)


def payment_imports_recent(*, viewer: Any, limit: int = 20) -> list[PaymentImport]:
    return list(payment_import_scope(viewer=viewer)[:limit])


def payment_import_get(*, viewer: Any, pk: Any) -> PaymentImport:
    record = payment_import_scope(viewer=viewer).filter(pk=pk).first()
    if record is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return record
