"""The application workflow, declared once: states, actions, and who may move which state where.

The table (``APPLICATION``) carries each action's moves, the capability it needs, the checks on
the actor for this record (ownership, branch, maker-checker, authority level) and the guards on the
record (one appeal only). Screens and API offer ``allowed_actions(app, actor)``; every transition
is performed by one service in origination/services.py through the same table, so nothing is
offered that the service then refuses for its state or role. Draw it with ``angsur workflow-graph``.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from angsur.dealers.selectors import dealer_of
from angsur.org.roles import DECISION_LEVEL, MAX_DECISION_LEVEL, Capability, Role
from angsur.workflow.engine import Refusal, Transition, Workflow, forbidden


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

OPEN_STATES = frozenset(
    {S.DRAFT, S.SUBMITTED, S.SURVEY_ASSIGNED, S.SURVEYED, S.IN_ANALYSIS, S.ESCALATED, S.APPEALED, S.APPROVED_WITH_CONDITIONS}
)
DECIDED_STATES = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.REJECTED})


def _not_allowed() -> Refusal:
    return forbidden("permission_denied", gettext("Your role is not allowed to do this."))


# --- checks on the actor for this application ------------------------------------------------


def owner_or_branch_marketing(app: Any, actor: Any) -> Refusal | None:
    """The dealer of the order, the owning CMO, or the branch's marketing staff (head office anywhere)."""
    if actor.role == Role.DEALER:
        own = dealer_of(actor)
        return None if own is not None and own.pk == app.dealer_id else _not_allowed()
    if actor.branch_id != app.branch_id and not actor.is_head_office:
        return _not_allowed()
    if actor.role == Role.CMO and app.cmo_id != actor.pk:
        return forbidden("not_your_order", gettext("Only the CMO who owns this order can do this."))
    return None


def same_branch(app: Any, actor: Any) -> Refusal | None:
    return None if actor.branch_id == app.branch_id else _not_allowed()


def owning_cmo(app: Any, actor: Any) -> Refusal | None:
    """The CMO who owns the order may schedule their own survey without the assigning capability."""
    return None if actor.role == Role.CMO and actor.pk == app.cmo_id else _not_allowed()


def assigned_surveyor(app: Any, actor: Any) -> Refusal | None:
    from angsur.origination.models import SurveyStatus

    open_surveys = app.surveys.filter(status__in=[SurveyStatus.SCHEDULED, SurveyStatus.DRAFT])
    if open_surveys.filter(surveyor_id=actor.pk).exists():
        return None
    return forbidden("not_your_survey", gettext("Only the assigned surveyor can fill in this survey."))


def independent(app: Any, actor: Any) -> Refusal | None:
    """Maker-checker: nobody decides an application they created, own, surveyed or appealed."""
    involved = {app.created_by_id, app.cmo_id}
    involved |= set(app.surveys.values_list("surveyor_id", flat=True))
    involved |= set(app.appeals.values_list("appellant_id", flat=True))
    if actor.pk in involved:
        return forbidden("maker_checker", gettext("You created, own, surveyed or appealed this application: someone else must decide it."))
    return None


# An appeal against a decision at the top of the branch chain (the branch manager's) goes to head office.
HEAD_OFFICE_LEVEL = MAX_DECISION_LEVEL + 1


def is_head_office_decider(actor: Any) -> bool:
    """Head office's credit staff: a deciding role (analyst up to manager) posted at a head-office branch.

    The head-office administrator (Role.HO_ADMIN) is not one: it configures the authority matrix and
    the credit policy, and whoever sets the rules does not also decide under them (maker-checker).
    """
    return bool(DECISION_LEVEL.get(actor.role)) and actor.branch_id is not None and actor.is_head_office


def decider_level(actor: Any) -> int:
    """The actor's credit authority level: the role's, or HEAD_OFFICE_LEVEL for head office's credit staff."""
    return HEAD_OFFICE_LEVEL if is_head_office_decider(actor) else DECISION_LEVEL.get(actor.role, 0)


def decider_branch(app: Any, actor: Any) -> Refusal | None:
    """The application's branch decides it; an appeal sent above the branch is decided by head office."""
    if app.status == Status.APPEALED and app.decision_level >= HEAD_OFFICE_LEVEL and is_head_office_decider(actor):
        return None
    return same_branch(app, actor)


def not_a_decider_of_the_appealed(app: Any, actor: Any) -> Refusal | None:
    """Whoever decided this application (the rejection, or a step before it) does not decide its appeal."""
    if app.status == Status.APPEALED and app.decisions.filter(decided_by_id=actor.pk).exists():
        return forbidden("decided_before", gettext("You decided this application before: its appeal is decided by someone above you."))
    return None


def at_required_level(app: Any, actor: Any) -> Refusal | None:
    if decider_level(actor) < app.decision_level:
        return forbidden("below_required_level", gettext("This application waits for a decision at a higher level."))
    return None


def below_top_of_chain(app: Any, actor: Any) -> Refusal | None:
    if decider_level(actor) >= MAX_DECISION_LEVEL:
        return forbidden("top_of_chain", gettext("The branch manager is the last level: decide the application."))
    return None


# --- guards on the application ---------------------------------------------------------------


def one_appeal_only(app: Any) -> Refusal | None:
    if app.appeal_count >= 1:
        return Refusal("appeal_used", gettext("This application has already been appealed once."))
    return None


def appeal_level(app: Any) -> int | None:
    """The level an appeal of the application goes to: above whoever rejected it (None: no rejection)."""
    from angsur.origination.models import DecisionOutcome

    rejection = app.decisions.filter(outcome=DecisionOutcome.REJECT).order_by("-created_at", "-id").first()
    return None if rejection is None else min(rejection.level + 1, HEAD_OFFICE_LEVEL)


def someone_to_decide_the_appeal(app: Any) -> Refusal | None:
    """An appeal above the branch needs head office's credit staff: without any, it would wait for nobody."""
    if app.status != Status.REJECTED or (appeal_level(app) or 0) < HEAD_OFFICE_LEVEL:
        return None
    from angsur.org.models import User

    deciders = User.objects.filter(is_active=True, role__in=list(DECISION_LEVEL), branch__is_head_office=True)
    if not deciders.exists():
        return Refusal(
            "no_appeal_decider",
            gettext("The branch manager rejected this application and head office has no credit staff to decide an appeal."),
        )
    return None


ORDER = (owner_or_branch_marketing,)
DECIDER = (same_branch, independent)
DECIDE = (decider_branch, independent, not_a_decider_of_the_appealed, at_required_level)

APPLICATION = Workflow(
    name="application",
    invalid_message=_("This step is not possible while the application is '%(status)s'."),
    state_label=lambda status: str(Status(status).label),
    transitions=[
        Transition(A.SUBMIT, {S.DRAFT: S.SUBMITTED}, Capability.ORDER_CREATE, ORDER),
        Transition(
            A.ASSIGN_SURVEY,
            {S.SUBMITTED: S.SURVEY_ASSIGNED, S.SURVEY_ASSIGNED: S.SURVEY_ASSIGNED},
            Capability.SURVEY_ASSIGN,
            (same_branch,),
            also_allowed=owning_cmo,
        ),
        Transition(A.COMPLETE_SURVEY, {S.SURVEY_ASSIGNED: S.SURVEYED}, Capability.SURVEY_DO, (assigned_surveyor,)),
        Transition(A.START_ANALYSIS, {S.SURVEYED: S.IN_ANALYSIS}, Capability.CREDIT_DECIDE, DECIDER),
        Transition(A.APPROVE, {state: S.APPROVED for state in DECIDABLE}, Capability.CREDIT_DECIDE, DECIDE),
        Transition(A.APPROVE_WITH_CONDITIONS, {state: S.APPROVED_WITH_CONDITIONS for state in DECIDABLE}, Capability.CREDIT_DECIDE, DECIDE),
        Transition(A.REJECT, {state: S.REJECTED for state in DECIDABLE}, Capability.CREDIT_DECIDE, DECIDE),
        Transition(
            A.ESCALATE,
            {S.IN_ANALYSIS: S.ESCALATED, S.ESCALATED: S.ESCALATED},
            Capability.CREDIT_DECIDE,
            (*DECIDE, below_top_of_chain),
        ),
        Transition(
            A.APPEAL, {S.REJECTED: S.APPEALED}, Capability.APPEAL, (same_branch,), guards=(one_appeal_only, someone_to_decide_the_appeal)
        ),
        Transition(A.ACCEPT_CONDITIONS, {S.APPROVED_WITH_CONDITIONS: S.APPROVED}, Capability.ORDER_CREATE, ORDER),
        Transition(
            A.CANCEL,
            {state: S.CANCELLED for state in (S.DRAFT, S.SUBMITTED, S.SURVEY_ASSIGNED, S.SURVEYED, S.APPROVED_WITH_CONDITIONS, S.APPROVED)},
            Capability.ORDER_CREATE,
            ORDER,
        ),
    ],
)


def next_status(action: str, current: str) -> str | None:
    """The state an action leads to from the current one, or None if not allowed."""
    return APPLICATION.next_status(action, current)


def allowed_actions(app: Any, actor: Any | None = None) -> list[str]:
    """The actions the actor may take on the application now (state, role, actor checks and guards)."""
    return APPLICATION.allowed_actions(app, actor)


def as_dot() -> str:
    """The workflow as a Graphviz digraph."""
    return APPLICATION.as_dot()
