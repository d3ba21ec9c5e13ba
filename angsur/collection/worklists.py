"""Collection's worklists in the one registry (org/worklists.py): the home page and GET /api/worklist read them.

Their rows are contracts (kind "contracts": number, customer, days past due, amount, link), a row shape the
home page and WorklistOut declare.
"""

from django.utils.translation import gettext_lazy as _

from angsur.collection import selectors
from angsur.org.roles import Capability, Role
from angsur.org.scoping import user_can
from angsur.org.worklists import Worklist


def _cmo(user) -> bool:
    return user.role == Role.CMO and user_can(user, Capability.COLLECTION_WORK)


def _collector(user) -> bool:
    return user.role in (Role.COLLECTOR, Role.REMEDIAL) and user_can(user, Capability.COLLECTION_WORK)


DUE_SOON = Worklist(
    "collection_due_soon",
    _("Installments due in the next 3 days"),
    "contracts",
    _cmo,
    lambda user, today: selectors.cmo_due_soon(viewer=user, today=today),
    empty=_("No installment of your young contracts is due in the next 3 days."),
    order=3,
)
OVERDUE = Worklist(
    "collection_overdue",
    _("Overdue young contracts"),
    "contracts",
    _cmo,
    lambda user, today: selectors.cmo_overdue(viewer=user),
    empty=_("None of your young contracts is overdue."),
    order=4,
)
BROKEN = Worklist(
    "collection_broken_promises",
    _("Broken promises to pay"),
    "contracts",
    lambda user: _cmo(user) or _collector(user),
    lambda user, today: selectors.broken_promises(viewer=user, today=today),
    empty=_("No broken promise."),
    order=5,
)
ASSIGNED = Worklist(
    "collection_assigned",
    _("Your collection cases"),
    "contracts",
    _collector,
    lambda user, today: selectors.assigned_cases(viewer=user),
    empty=_("No case is assigned to you."),
    order=6,
)
UNASSIGNED = Worklist(
    "collection_unassigned",
    _("Collection cases waiting for a collector"),
    "contracts",
    lambda user: user_can(user, Capability.COLLECTION_ASSIGN) and not user.is_head_office,
    lambda user, today: selectors.unassigned_cases(viewer=user),
    empty=_("Every handed-over case has a collector."),
    order=200,
)
HANDED_OVER = Worklist(
    "collection_handed_over",
    _("Your contracts with collectors"),
    "contracts",
    _cmo,
    lambda user, today: selectors.handed_over_by_cmo(viewer=user),
    empty=_("None of your contracts is with a collector."),
    order=210,
)

WORKLISTS: tuple[Worklist, ...] = (DUE_SOON, OVERDUE, BROKEN, ASSIGNED, UNASSIGNED, HANDED_OVER)
