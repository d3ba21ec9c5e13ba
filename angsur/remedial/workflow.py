"""The warning-letter and repossession workflows, declared once (drawn by ``angsur workflow-graph``).

A warning letter (SP1-SP3) is drafted with the figures of its date, then sent (date and channel) and
from then on never changes; a draft may be cancelled. A repossession task is opened only when the
preconditions of POJK 22/2023 Pasal 64 hold (see ``services.repossession_blockers``); the unit is
secured (berita acara: place, officer, condition), then the task is closed; an open or secured task may be
cancelled (the debtor paid, the unit was returned) with a reason.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability
from angsur.workflow.engine import Refusal, Transition, Workflow, forbidden


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # figures computed, not sent: may still be cancelled
    SENT = "sent", _("Sent")  # delivered on a date through a channel: immutable
    CANCELLED = "cancelled", _("Cancelled")  # a draft that was never sent


class LetterAction(models.TextChoices):
    SEND = "send", _("Send")
    CANCEL = "cancel", _("Cancel")


class RepossessionStatus(models.TextChoices):
    OPEN = "open", _("Open")  # preconditions met; the officer goes for the unit
    SECURED = "secured", _("Unit secured")  # the unit is in the company's hands; berita acara made
    CLOSED = "closed", _("Closed")  # done (sold, redeemed or otherwise concluded)
    CANCELLED = "cancelled", _("Cancelled")  # not carried out (paid, disputed: court route), with a reason


class RepossessionAction(models.TextChoices):
    SECURE = "secure", _("Unit secured")
    CLOSE = "close", _("Close")
    CANCEL = "cancel", _("Cancel")


def same_branch(obj: Any, actor: Any) -> Refusal | None:
    if actor.is_head_office or actor.branch_id == obj.branch_id:
        return None
    return forbidden("permission_denied", gettext("Your role is not allowed to do this."))


L, LA = LetterStatus, LetterAction

WARNING_LETTER = Workflow(
    name="warning_letter",
    invalid_message=_("This warning letter is already '%(status)s'."),
    state_label=lambda status: str(LetterStatus(status).label),
    transitions=[
        Transition(LA.SEND, {L.DRAFT: L.SENT}, Capability.WARNING_LETTER, (same_branch,)),
        Transition(LA.CANCEL, {L.DRAFT: L.CANCELLED}, Capability.WARNING_LETTER, (same_branch,)),
    ],
)

R, RA = RepossessionStatus, RepossessionAction

REPOSSESSION = Workflow(
    name="repossession",
    invalid_message=_("This repossession task is already '%(status)s'."),
    state_label=lambda status: str(RepossessionStatus(status).label),
    transitions=[
        Transition(RA.SECURE, {R.OPEN: R.SECURED}, Capability.REPOSSESSION, (same_branch,)),
        Transition(RA.CLOSE, {R.SECURED: R.CLOSED}, Capability.REPOSSESSION, (same_branch,)),
        Transition(RA.CANCEL, {R.OPEN: R.CANCELLED, R.SECURED: R.CANCELLED}, Capability.REPOSSESSION, (same_branch,)),
    ],
)
