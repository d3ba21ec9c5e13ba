"""The collection case's workflow, declared once (drawn by ``angsur workflow-graph``).

A case starts with the contract's CMO (months 1-12 are theirs to keep current) and moves forward only:
to desk collection, to field collectors, to remedial, by the nightly hand-over rules (no actor) or on
request with a reason (the CMO for their own case, a branch manager for any of the branch). It closes
when the contract is current again and nothing is due soon, and reopens with the CMO when it falls due.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability
from angsur.workflow.engine import Refusal, Transition, Workflow, forbidden


class CaseStage(models.TextChoices):
    CMO = "cmo", _("CMO")  # the originating CMO reminds and collects (premature, months 1-12)
    DESK = "desk", _("Desk collection")  # calls and messages from the branch
    FIELD = "field", _("Field collection")  # visits by a field collector of the debtor's area
    REMEDIAL = "remedial", _("Remedial")  # warning letters, repossession (the remedial app)
    CLOSED = "closed", _("Closed")  # current again and nothing due soon


class CaseAction(models.TextChoices):
    TO_DESK = "to_desk", _("Hand over to desk collection")
    TO_FIELD = "to_field", _("Hand over to field collection")
    TO_REMEDIAL = "to_remedial", _("Hand over to remedial")
    ASSIGN = "assign", _("Assign")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")


S, A = CaseStage, CaseAction

# The target stage of each hand-over action.
HANDOVER_ACTIONS = {S.DESK: A.TO_DESK, S.FIELD: A.TO_FIELD, S.REMEDIAL: A.TO_REMEDIAL}


def in_branch(case: Any, actor: Any) -> Refusal | None:
    if actor.is_head_office or actor.branch_id == case.branch_id:
        return None
    return forbidden("permission_denied", gettext("Your role is not allowed to do this."))


def own_case(case: Any, actor: Any) -> Refusal | None:
    """The CMO may hand over their own case while it is theirs (with a reason)."""
    from angsur.org.scoping import user_can

    if user_can(actor, Capability.COLLECTION_WORK) and case.stage == S.CMO and case.cmo_id == actor.pk:
        return None
    return forbidden("permission_denied", gettext("Only the case's CMO or a branch manager may hand this case over."))


CASE = Workflow(
    name="collection_case",
    status_field="stage",
    invalid_message=_("This step is not possible while the case is at stage '%(status)s'."),
    state_label=lambda stage: str(CaseStage(stage).label),
    transitions=[
        Transition(A.TO_DESK, {S.CMO: S.DESK}, Capability.COLLECTION_ASSIGN, (in_branch,), also_allowed=own_case),
        Transition(A.TO_FIELD, {S.CMO: S.FIELD, S.DESK: S.FIELD}, Capability.COLLECTION_ASSIGN, (in_branch,), also_allowed=own_case),
        Transition(
            A.TO_REMEDIAL,
            {S.CMO: S.REMEDIAL, S.DESK: S.REMEDIAL, S.FIELD: S.REMEDIAL},
            Capability.COLLECTION_ASSIGN,
            (in_branch,),
            also_allowed=own_case,
        ),
        Transition(A.ASSIGN, {S.DESK: S.DESK, S.FIELD: S.FIELD, S.REMEDIAL: S.REMEDIAL}, Capability.COLLECTION_ASSIGN, (in_branch,)),
        # Taken by the nightly run only (no actor): the contract is current and nothing is due soon.
        Transition(A.CLOSE, {S.CMO: S.CLOSED, S.DESK: S.CLOSED, S.FIELD: S.CLOSED, S.REMEDIAL: S.CLOSED}, Capability.EOD_RUN),
        Transition(A.REOPEN, {S.CLOSED: S.CMO}, Capability.EOD_RUN),
    ],
)

OPEN_STAGES = (S.CMO, S.DESK, S.FIELD, S.REMEDIAL)
