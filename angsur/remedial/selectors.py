"""Reads for remedial: booklets, receipts, deposits and their reconciliation; letters; repossession; what is owed.

Scope: a collector sees their own booklets and receipts; the branch's cashier, branch manager and remedial
staff see their branch; head office sees every branch. Contracts are read through servicing's scope.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from angsur.errors import NotFound
from angsur.finance.money import from_minor
from angsur.org.roles import Capability
from angsur.org.scoping import require, scope_to_branch, user_can
from angsur.remedial.models import (
    CashDeposit,
    DefaultEvidence,
    FieldReceipt,
    ReceiptBooklet,
    ReceiptStatus,
    RemedialPolicy,
    RepossessionTask,
    WarningLetter,
)
from angsur.remedial.workflow import LetterStatus
from angsur.servicing.ledger import contract_ledger
from angsur.servicing.models import Collateral, Contract, ContractDay, ReversalStatus
from angsur.servicing.selectors import contract_scope

_NOT_FOUND = "The record was not found or is outside your branch."


def policy_of(branch_id: int) -> RemedialPolicy:
    """The branch's remedial settings (the defaults when it has none)."""
    return RemedialPolicy.objects.filter(branch_id=branch_id).first() or RemedialPolicy(branch_id=branch_id)


# --- what is owed ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    """What a contract owes on a date: from the latest end-of-day snapshot, else the ledger replayed to it."""

    as_of: dt.date
    source: str  # "eod" (a ContractDay) or "ledger"
    days_past_due: int
    principal: Decimal  # outstanding principal
    interest: Decimal  # interest of the installments due and unpaid
    overdue: Decimal  # principal + interest of the installments due and unpaid
    late_fees: Decimal  # late fees unpaid

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.late_fees


def owed_on(contract: Contract, *, as_of: dt.date) -> Owed:
    """The figures for a letter or a repossession on a date; the late fees are always the finance core's."""
    day = ContractDay.objects.filter(contract=contract, business_date__lte=as_of).order_by("-business_date").first()
    on = day.business_date if day is not None else as_of
    ledger = contract_ledger(contract, as_of=on)
    interest = sum((i.interest_unpaid for i in ledger.installments if i.due_date <= on), Decimal(0))
    if day is not None:
        return Owed(
            on,
            "eod",
            day.dpd,
            from_minor(day.outstanding_principal_sen),
            interest,
            from_minor(day.overdue_sen),
            from_minor(day.late_fee_sen),
        )
    return Owed(on, "ledger", ledger.days_past_due(), ledger.principal_unpaid, interest, ledger.overdue, ledger.late_fee_unpaid)


# --- booklets and receipts ---------------------------------------------------------------------------


def _cash_scope(qs: QuerySet, viewer: Any, *, collector_field: str = "collector") -> QuerySet:
    """A collector their own; the cashier, branch manager and remedial staff their branch; head office all."""
    if user_can(viewer, Capability.CASH_DEPOSIT_RECEIVE) or user_can(viewer, Capability.COLLECTION_ASSIGN):
        return scope_to_branch(qs, viewer)
    if user_can(viewer, Capability.COLLECTION_CASH):
        return scope_to_branch(qs, viewer).filter(**{collector_field: viewer})
    require(viewer, Capability.CASH_DEPOSIT_RECEIVE)
    return qs.none()


def booklet_rows(*, viewer: Any) -> list[ReceiptBooklet]:
    return list(_cash_scope(ReceiptBooklet.objects.select_related("collector", "branch"), viewer).order_by("first_number"))


def booklet_get(*, viewer: Any, pk: Any) -> ReceiptBooklet:
    booklet = _cash_scope(ReceiptBooklet.objects.select_related("collector"), viewer).filter(pk=pk).first()
    if booklet is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return booklet


def booklet_used(booklet: ReceiptBooklet) -> int:
    return booklet.receipts.count()


def next_free_number(*, collector: Any) -> int | None:
    """The lowest unused number of the collector's booklets (what the phone proposes), or None."""
    used = set(FieldReceipt.objects.filter(collector=collector).values_list("number", flat=True))
    for booklet in ReceiptBooklet.objects.filter(collector=collector).order_by("first_number"):
        for number in range(booklet.first_number, booklet.last_number + 1):
            if number not in used:
                return number
    return None


def receipt_scope(*, viewer: Any) -> QuerySet[FieldReceipt]:
    return _cash_scope(FieldReceipt.objects.all(), viewer)


def receipt_rows(*, viewer: Any, date_from: dt.date | None = None, date_to: dt.date | None = None, limit: int = 200) -> list[FieldReceipt]:
    qs = receipt_scope(viewer=viewer).select_related("contract", "collector", "deposit", "payment")
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    return list(qs.order_by("-issued_on", "-number")[:limit])


def receipt_get(*, viewer: Any, pk: Any) -> FieldReceipt:
    receipt = (
        receipt_scope(viewer=viewer).select_related("contract", "contract__branch", "collector", "payment", "deposit").filter(pk=pk).first()
    )
    if receipt is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return receipt


def undeposited(*, viewer: Any) -> dict[Any, list[FieldReceipt]]:
    """Issued receipts not yet deposited, by collector (what the cashier expects)."""
    rows = (
        receipt_scope(viewer=viewer)
        .filter(status=ReceiptStatus.ISSUED, deposit__isnull=True)
        .select_related("collector", "contract")
        .order_by("collector__username", "number")
    )
    result: dict[Any, list[FieldReceipt]] = {}
    for receipt in rows:
        result.setdefault(receipt.collector, []).append(receipt)
    return result


def deposit_scope(*, viewer: Any) -> QuerySet[CashDeposit]:
    return _cash_scope(CashDeposit.objects.all(), viewer)


def deposit_rows(*, viewer: Any, limit: int = 100) -> list[CashDeposit]:
    return list(deposit_scope(viewer=viewer).select_related("collector", "received_by").order_by("-received_on", "-id")[:limit])


def deposit_get(*, viewer: Any, pk: Any) -> CashDeposit:
    deposit = deposit_scope(viewer=viewer).select_related("collector", "received_by").filter(pk=pk).first()
    if deposit is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return deposit


def collectors_of_branch(*, viewer: Any) -> list[Any]:
    """Users of the viewer's branch who take cash in the field (for the booklet and deposit forms)."""
    from angsur.org.models import User
    from angsur.org.roles import ROLE_CAPABILITIES

    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.COLLECTION_CASH in caps and role != "ho_admin"]
    return list(scope_to_branch(User.objects.filter(role__in=roles, is_active=True), viewer).order_by("username"))


# --- reconciliation ----------------------------------------------------------------------------------


@dataclass
class CollectorLine:
    """One collector's receipts of the period: issued vs deposited vs posted, and the differences."""

    collector: Any
    issued_count: int = 0
    issued: Decimal = Decimal(0)
    deposited: Decimal = Decimal(0)  # receipts' amounts that reached a deposit
    counted: Decimal = Decimal(0)  # cash the cashier counted for those deposits
    posted: Decimal = Decimal(0)  # receipts whose payment stands (not reversed)
    spoiled_count: int = 0
    missing: Decimal = Decimal(0)  # issued, not deposited, past their due working day
    pending: Decimal = Decimal(0)  # issued, not deposited, still within their working day
    late_count: int = 0

    @property
    def cash_difference(self) -> Decimal:
        return self.counted - self.deposited

    @property
    def posting_difference(self) -> Decimal:
        return self.issued - self.posted

    @property
    def not_deposited(self) -> Decimal:
        return self.missing + self.pending

    @property
    def matched(self) -> bool:
        return not (self.cash_difference or self.posting_difference or self.missing or self.pending or self.late_count)


@dataclass
class ReceiptLine:
    receipt: FieldReceipt
    state: str  # "deposited", "late", "missing", "pending", "spoiled"
    posted: bool
    reversed: bool


@dataclass
class Reconciliation:
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    collectors: list[CollectorLine] = field(default_factory=list)
    receipts: list[ReceiptLine] = field(default_factory=list)
    deposits: list[CashDeposit] = field(default_factory=list)

    @property
    def totals(self) -> CollectorLine:
        total = CollectorLine(collector=None)
        for line in self.collectors:
            for name in ("issued_count", "issued", "deposited", "counted", "posted", "spoiled_count", "missing", "pending", "late_count"):
                setattr(total, name, getattr(total, name) + getattr(line, name))
        return total


def _receipt_state(receipt: FieldReceipt, as_of: dt.date) -> str:
    if receipt.status == ReceiptStatus.SPOILED:
        return "spoiled"
    if receipt.deposit_id is not None:
        return "late" if receipt.deposit.received_on > receipt.deposit_due else "deposited"
    return "missing" if as_of > receipt.deposit_due else "pending"


def reconciliation(*, viewer: Any, date_from: dt.date, date_to: dt.date, as_of: dt.date) -> Reconciliation:
    """The receipts issued in the period, per collector: issued vs deposited (and counted) vs posted."""
    require_any_cash(viewer)
    receipts = list(
        receipt_scope(viewer=viewer)
        .filter(issued_on__gte=date_from, issued_on__lte=date_to)
        .select_related("collector", "contract", "deposit")
        .order_by("collector__username", "number")
    )
    reversed_payments = set(
        FieldReceipt.objects.filter(pk__in=[r.pk for r in receipts], payment__reversals__status=ReversalStatus.APPROVED).values_list(
            "payment_id", flat=True
        )
    )
    result = Reconciliation(date_from, date_to, as_of)
    by_collector: dict[int, CollectorLine] = {}
    deposits: dict[int, CashDeposit] = {}
    for receipt in receipts:
        line = by_collector.setdefault(receipt.collector_id, CollectorLine(receipt.collector))
        state = _receipt_state(receipt, as_of)
        is_reversed = receipt.payment_id in reversed_payments
        posted = receipt.status == ReceiptStatus.ISSUED and receipt.payment_id is not None and not is_reversed
        result.receipts.append(ReceiptLine(receipt, state, posted, is_reversed))
        if state == "spoiled":
            line.spoiled_count += 1
            continue
        line.issued_count += 1
        line.issued += receipt.amount
        if posted:
            line.posted += receipt.amount
        if receipt.deposit_id is not None:
            line.deposited += receipt.amount
            deposits[receipt.deposit_id] = receipt.deposit
        if state == "missing":
            line.missing += receipt.amount
        elif state == "pending":
            line.pending += receipt.amount
        elif state == "late":
            line.late_count += 1
    # A deposit's counted cash belongs to the collector line of its receipts (a deposit is one collector's).
    for deposit in deposits.values():
        by_collector[deposit.collector_id].counted += from_minor(deposit.counted_sen)
    # A deposit spanning receipts outside the period counts its whole cash: compare with all its receipts.
    outside = FieldReceipt.objects.filter(deposit_id__in=list(deposits)).exclude(pk__in=[r.pk for r in receipts])
    for receipt in outside.select_related("deposit"):
        by_collector[receipt.deposit.collector_id].deposited += receipt.amount
    result.collectors = sorted(by_collector.values(), key=lambda line: line.collector.username)
    result.deposits = sorted(deposits.values(), key=lambda d: (d.received_on, d.pk))
    return result


def require_any_cash(viewer: Any) -> None:
    if not (user_can(viewer, Capability.CASH_DEPOSIT_RECEIVE) or user_can(viewer, Capability.COLLECTION_CASH)):
        require(viewer, Capability.CASH_DEPOSIT_RECEIVE)


@dataclass(frozen=True)
class DepositException:
    """A receipt whose cash is missing (not deposited after its working day) or came late, or a deposit short or over."""

    kind: str  # "missing", "late", "difference"
    collector: Any
    receipt: FieldReceipt | None
    deposit: CashDeposit | None
    amount: Decimal
    days_late: int


def deposit_exceptions(*, viewer: Any, as_of: dt.date, since: dt.date | None = None) -> list[DepositException]:
    """The branch manager's list: missing deposits first (the oldest first), then late ones and cash differences."""
    require(viewer, Capability.CASH_DEPOSIT_RECEIVE)
    since = since or as_of - dt.timedelta(days=31)
    receipts = receipt_scope(viewer=viewer).filter(status=ReceiptStatus.ISSUED).select_related("collector", "contract", "deposit")
    missing = receipts.filter(deposit__isnull=True, deposit_due__lt=as_of).order_by("deposit_due", "number")
    late = receipts.filter(deposit__isnull=False, deposit__received_on__gte=since).order_by("deposit_due", "number")
    result = [DepositException("missing", r.collector, r, None, r.amount, (as_of - r.deposit_due).days) for r in missing]
    result += [
        DepositException("late", r.collector, r, r.deposit, r.amount, (r.deposit.received_on - r.deposit_due).days)
        for r in late
        if r.deposit.received_on > r.deposit_due
    ]
    for deposit in deposit_scope(viewer=viewer).filter(received_on__gte=since).select_related("collector").order_by("received_on"):
        if deposit.difference_sen:
            result.append(DepositException("difference", deposit.collector, None, deposit, from_minor(deposit.difference_sen), 0))
    return result


# --- warning letters, evidence, repossession ---------------------------------------------------------


def remedial_contract(*, viewer: Any, pk: Any) -> Contract:
    """A contract of the viewer's scope, for the warning-letter and repossession pages."""
    if not (user_can(viewer, Capability.WARNING_LETTER) or user_can(viewer, Capability.REPOSSESSION)):
        require(viewer, Capability.WARNING_LETTER)
    contract = contract_scope(viewer=viewer).select_related("branch", "cmo", "dealer").filter(pk=pk).first()
    if contract is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return contract


def _remedial_scope(qs: QuerySet, viewer: Any) -> QuerySet:
    if not (user_can(viewer, Capability.WARNING_LETTER) or user_can(viewer, Capability.REPOSSESSION)):
        require(viewer, Capability.WARNING_LETTER)
    return qs.filter(contract__in=contract_scope(viewer=viewer))


def letter_rows(*, viewer: Any, contract: Contract | None = None, limit: int = 200) -> list[WarningLetter]:
    qs = _remedial_scope(WarningLetter.objects.select_related("contract"), viewer)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return list(qs.order_by("-created_at", "-id")[:limit])


def letter_get(*, viewer: Any, pk: Any) -> WarningLetter:
    letter = _remedial_scope(WarningLetter.objects.select_related("contract", "contract__branch", "branch"), viewer).filter(pk=pk).first()
    if letter is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return letter


def sent_letter(contract: Contract, level: int) -> WarningLetter | None:
    return WarningLetter.objects.filter(contract=contract, level=level, status=LetterStatus.SENT).order_by("-sent_on").first()


def latest_sent_letter(contract: Contract) -> WarningLetter | None:
    return WarningLetter.objects.filter(contract=contract, status=LetterStatus.SENT).order_by("-level", "-sent_on").first()


def evidence_rows(*, contract: Contract) -> list[DefaultEvidence]:
    return list(DefaultEvidence.objects.filter(contract=contract).select_related("recorded_by").order_by("-dated", "-id"))


def collateral_of(contract: Contract) -> Collateral | None:
    return Collateral.objects.filter(contract=contract).first()


def repossession_rows(*, viewer: Any, contract: Contract | None = None, limit: int = 200) -> list[RepossessionTask]:
    qs = _remedial_scope(RepossessionTask.objects.select_related("contract", "officer"), viewer)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return list(qs.order_by("-opened_on", "-id")[:limit])


def repossession_get(*, viewer: Any, pk: Any) -> RepossessionTask:
    qs = RepossessionTask.objects.select_related("contract", "contract__branch", "officer", "warning_letter", "evidence", "branch")
    task = _remedial_scope(qs, viewer).filter(pk=pk).first()
    if task is None:
        raise NotFound("not_found", _(_NOT_FOUND))
    return task


def remedial_officers(*, viewer: Any) -> list[Any]:
    """Users of the viewer's branch who may carry out a repossession."""
    from angsur.org.models import User
    from angsur.org.roles import ROLE_CAPABILITIES

    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.REPOSSESSION in caps and role != "ho_admin"]
    return list(scope_to_branch(User.objects.filter(role__in=roles, is_active=True), viewer).order_by("username"))


def open_work(*, viewer: Any) -> dict[str, list]:
    """The remedial overview: letters in draft and open repossession tasks of the viewer's scope."""
    return {
        "letters": list(
            _remedial_scope(WarningLetter.objects.select_related("contract"), viewer)
            .filter(Q(status=LetterStatus.DRAFT))
            .order_by("-id")[:100]
        ),
        "sent": list(
            _remedial_scope(WarningLetter.objects.select_related("contract"), viewer)
            .filter(status=LetterStatus.SENT)
            .order_by("-sent_on")[:100]
        ),
        "repossessions": list(
            _remedial_scope(RepossessionTask.objects.select_related("contract", "officer"), viewer)
            .filter(status__in=["open", "secured"])
            .order_by("-opened_on")[:100]
        ),
    }


def staff_get(*, viewer: Any, pk: Any) -> Any:
    """A user of the viewer's branch (head office: any branch), e.g. the collector of a booklet or a deposit."""
    from angsur.org.models import User

    user = scope_to_branch(User.objects.filter(is_active=True), viewer).filter(pk=pk).first()
    if user is None:
        raise NotFound("not_found", _("No such user in your branch."))
    return user


def contract_for_cash(*, viewer: Any, pk: Any = None, number: str = "") -> Contract:
    """The contract a collector takes cash for: by id, or by its number or virtual account (servicing's scope)."""
    from angsur.servicing.selectors import contract_by_number, contract_get

    if pk:
        return contract_get(viewer=viewer, pk=pk)
    return contract_by_number(viewer=viewer, number=number.strip())


def repossession_blockers(contract: Contract) -> list[str]:
    """What POJK 22/2023 Pasal 64 still misses for this contract (empty: a task may be opened)."""
    missing = []
    if latest_sent_letter(contract) is None:
        missing.append(_("no warning letter was sent"))
    collateral = collateral_of(contract)
    if collateral is None or not collateral.certificate_number or collateral.registered_on is None:
        missing.append(_("the fiduciary certificate is not held (not registered)"))
    if not evidence_rows(contract=contract):
        missing.append(_("default is neither acknowledged by the debtor nor established by a court order"))
    return missing


def deposit_receipt_numbers(deposit: CashDeposit) -> list[str]:
    return [r.display_number for r in deposit.receipts.order_by("number")]


def assigned_contract_numbers(*, viewer: Any) -> list[str]:
    """The contracts whose collection case is assigned to the collector (what the receipt form offers)."""
    from angsur.collection.selectors import case_list

    if not user_can(viewer, Capability.COLLECTION_VIEW):
        return []
    return [case.contract.number for case in case_list(viewer=viewer)]
