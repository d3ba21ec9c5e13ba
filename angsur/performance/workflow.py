"""The incentive statement's workflow, declared once: the branch manager approves a CMO's month, or sends it back."""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability
from angsur.performance.models import StatementStatus
from angsur.workflow.engine import Refusal, Transition, Workflow, forbidden


class StatementAction(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Send back")


def same_branch(statement: Any, actor: Any) -> Refusal | None:
    if actor.is_head_office or actor.branch_id == statement.branch_id:
        return None
    return forbidden("permission_denied", gettext("Your role is not allowed to do this."))


def not_own_statement(statement: Any, actor: Any) -> Refusal | None:
    """Maker-checker: nobody approves their own incentive."""
    if actor.pk == statement.cmo_id:
        return forbidden("maker_checker", gettext("You cannot approve your own incentive."))
    return None


S, A = StatementStatus, StatementAction

INCENTIVE_STATEMENT = Workflow(
    name="incentive_statement",
    invalid_message=_("This incentive statement is already '%(status)s'."),
    state_label=lambda status: str(StatementStatus(status).label),
    transitions=[
        Transition(A.APPROVE, {S.DRAFT: S.APPROVED}, Capability.INCENTIVE_APPROVE, (same_branch, not_own_statement)),
        Transition(A.REJECT, {S.DRAFT: S.REJECTED}, Capability.INCENTIVE_APPROVE, (same_branch, not_own_statement)),
    ],
)
