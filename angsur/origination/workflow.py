"""The application workflow, declared once: states, and which action moves which state where.

Every transition is performed by one service in origination/services.py, which checks it here.
Draw it with ``angsur workflow_graph`` (prints Graphviz dot).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")  # captured at the dealer, not yet submitted
    SUBMITTED = "submitted", _("Submitted")  # submitted by CMO or dealer; waits for a survey assignment
    SURVEY_ASSIGNED = "survey_assigned", _("Survey assigned")  # a surveyor has a scheduled visit
    SURVEYED = "surveyed", _("Surveyed")  # survey completed with the CMO's recommendation
    IN_ANALYSIS = "in_analysis", _("In analysis")  # a credit analyst has taken it
    ESCALATED = "escalated", _("Escalated")  # beyond the decider's authority; waits for the next level
    APPROVED = "approved", _("Approved")  # ready for booking
    APPROVED_WITH_CONDITIONS = "approved_conditions", _("Approved with conditions")  # workable with the counter-offer
    REJECTED = "rejected", _("Rejected")  # may be appealed once by the supervisor
    APPEALED = "appealed", _("Appealed")  # the supervisor's appeal waits at the next level
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the CMO/dealer or the customer


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    ASSIGN_SURVEY = "assign_survey", _("Assign survey")
    COMPLETE_SURVEY = "complete_survey", _("Complete survey")
    START_ANALYSIS = "start_analysis", _("Start analysis")
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_conditions", _("Approve with conditions")
    REJECT = "reject", _("Reject")
    ESCALATE = "escalate", _("Escalate")
    APPEAL = "appeal", _("Appeal")
    ACCEPT_CONDITIONS = "accept_conditions", _("Accept conditions")
    CANCEL = "cancel", _("Cancel")


S, A = Status, Action
DECIDABLE = (S.IN_ANALYSIS, S.ESCALATED, S.APPEALED)

TRANSITIONS: dict[str, dict[str, str]] = {
    A.SUBMIT: {S.DRAFT: S.SUBMITTED},
    A.ASSIGN_SURVEY: {S.SUBMITTED: S.SURVEY_ASSIGNED, S.SURVEY_ASSIGNED: S.SURVEY_ASSIGNED},
    A.COMPLETE_SURVEY: {S.SURVEY_ASSIGNED: S.SURVEYED},
    A.START_ANALYSIS: {S.SURVEYED: S.IN_ANALYSIS},
    A.APPROVE: {state: S.APPROVED for state in DECIDABLE},
    A.APPROVE_WITH_CONDITIONS: {state: S.APPROVED_WITH_CONDITIONS for state in DECIDABLE},
    A.REJECT: {state: S.REJECTED for state in DECIDABLE},
    A.ESCALATE: {S.IN_ANALYSIS: S.ESCALATED, S.ESCALATED: S.ESCALATED},
    A.APPEAL: {S.REJECTED: S.APPEALED},
    A.ACCEPT_CONDITIONS: {S.APPROVED_WITH_CONDITIONS: S.APPROVED},
    A.CANCEL: {
        state: S.CANCELLED for state in (S.DRAFT, S.SUBMITTED, S.SURVEY_ASSIGNED, S.SURVEYED, S.APPROVED_WITH_CONDITIONS, S.APPROVED)
    },
}

OPEN_STATES = frozenset(
    {S.DRAFT, S.SUBMITTED, S.SURVEY_ASSIGNED, S.SURVEYED, S.IN_ANALYSIS, S.ESCALATED, S.APPEALED, S.APPROVED_WITH_CONDITIONS}
)
DECIDED_STATES = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.REJECTED})


def next_status(action: str, current: str) -> str | None:
    """The state an action leads to from the current one, or None if not allowed."""
    return TRANSITIONS.get(action, {}).get(current)


def allowed_actions(current: str) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if current in moves]


def as_dot() -> str:
    """The workflow as a Graphviz digraph."""
    lines = ["digraph application {", "  rankdir=LR;"]
    for action, moves in TRANSITIONS.items():
        for source, target in moves.items():
            lines.append(f'  "{source}" -> "{target}" [label="{action}"];')
    lines.append("}")
    return "\n".join(lines)
