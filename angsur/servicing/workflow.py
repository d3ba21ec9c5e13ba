"""The contract and reversal workflows, declared once (drawn by ``angsur workflow-graph``).

A contract is active from booking until its schedule is paid (paid off) or an early settlement is
executed (settled); an approved reversal of a payment reopens a paid-off contract. A reversal request
waits for a second person with the authority (maker-checker), who approves or rejects it.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability
from angsur.workflow.engine import Refusal, Transition, Workflow, forbidden


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")  # booked; installments are being paid
    PAID_OFF = "paid_off", _("Paid off")  # every installment and late fee paid; the BPKB goes back
    SETTLED = "settled", _("Settled early")  # closed by an executed early settlement


class ContractAction(models.TextChoices):
    PAY_OFF = "pay_off", _("Pay off")
    REOPEN = "reopen", _("Reopen")
    SETTLE = "settle", _("Settle early")


class ReversalStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")  # waits for a second person's approval
    APPROVED = "approved", _("Approved")  # the payment no longer counts
    REJECTED = "rejected", _("Rejected")  # the payment stands


class DisbursementStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")  # PO issued, amount to the dealer computed; waits for release by a second person
    RELEASED = "released", _("Released")  # approved for payment; waits for the bank transfer
    PAID = "paid", _("Transferred")  # transferred to the dealer, with the bank's reference


class DisbursementAction(models.TextChoices):
    RELEASE = "release", _("Release")
    MARK_PAID = "mark_paid", _("Mark paid")


class ReversalAction(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


def same_branch(obj: Any, actor: Any) -> Refusal | None:
    if actor.is_head_office or actor.branch_id == obj.branch_id:
        return None
    return forbidden("permission_denied", gettext("Your role is not allowed to do this."))


def not_the_maker(reversal: Any, actor: Any) -> Refusal | None:
    """Maker-checker: whoever requested a reversal, or took the payment, does not approve it."""
    if actor.pk in {reversal.requested_by_id, reversal.payment.received_by_id}:
        return forbidden("maker_checker", gettext("You requested this reversal or took the payment: someone else must approve it."))
    return None


def not_the_preparer(disbursement: Any, actor: Any) -> Refusal | None:
    """Maker-checker: whoever prepared a disbursement does not release it."""
    if actor.pk == disbursement.prepared_by_id:
        return forbidden("maker_checker", gettext("You prepared this disbursement: someone else must release it."))
    return None


C, CA = ContractStatus, ContractAction

CONTRACT = Workflow(
    name="contract",
    invalid_message=_("This step is not possible while the contract is '%(status)s'."),
    state_label=lambda status: str(ContractStatus(status).label),
    transitions=[
        # Taken by the payment that pays the last rupiah (whoever posted it).
        Transition(CA.PAY_OFF, {C.ACTIVE: C.PAID_OFF}, Capability.PAYMENT_POST, (same_branch,)),
        # Taken by the approval of a reversal that leaves something unpaid.
        Transition(CA.REOPEN, {C.PAID_OFF: C.ACTIVE}, Capability.PAYMENT_REVERSE_APPROVE, (same_branch,)),
        Transition(CA.SETTLE, {C.ACTIVE: C.SETTLED}, Capability.SETTLEMENT_EXECUTE, (same_branch,)),
    ],
)

R, RA = ReversalStatus, ReversalAction

REVERSAL = Workflow(
    name="reversal",
    invalid_message=_("This reversal is already '%(status)s'."),
    state_label=lambda status: str(ReversalStatus(status).label),
    transitions=[
        Transition(RA.APPROVE, {R.REQUESTED: R.APPROVED}, Capability.PAYMENT_REVERSE_APPROVE, (same_branch, not_the_maker)),
        Transition(RA.REJECT, {R.REQUESTED: R.REJECTED}, Capability.PAYMENT_REVERSE_APPROVE, (same_branch, not_the_maker)),
    ],
)

D, DA = DisbursementStatus, DisbursementAction

DISBURSEMENT = Workflow(
    name="disbursement",
    invalid_message=_("This disbursement is already '%(status)s'."),
    state_label=lambda status: str(DisbursementStatus(status).label),
    transitions=[
        Transition(DA.RELEASE, {D.PREPARED: D.RELEASED}, Capability.DISBURSEMENT_RELEASE, (same_branch, not_the_preparer)),
        Transition(DA.MARK_PAID, {D.RELEASED: D.PAID}, Capability.DISBURSEMENT_PREPARE, (same_branch,)),
    ],
)
