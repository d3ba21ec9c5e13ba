"""Products' worklist: a CMO's prospects (saved quotes) to follow up, on the home page and GET /api/worklist.

Registered in the one registry (org/worklists.py) by ProductsConfig.ready; the rows are the quote list's.
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability, Role
from angsur.org.scoping import user_can
from angsur.org.worklists import Worklist
from angsur.products import selectors

# Due within this many days (or overdue): the prospects a CMO should call today or soon.
FOLLOW_UP_HORIZON_DAYS = 3


def prospects_due(user: Any, today: dt.date) -> list[Any]:
    """The user's prospects whose follow-up date is past, today or within the horizon, soonest first."""
    horizon = today + dt.timedelta(days=FOLLOW_UP_HORIZON_DAYS)
    # in SQL on the (created_by, follow_up_on) index: a CMO's book of quotes is never read whole
    due = selectors.quote_list(viewer=user).filter(follow_up_on__isnull=False, follow_up_on__lte=horizon)
    return list(due.order_by("follow_up_on", "-created_at", "-id")[:50])


PROSPECTS = Worklist(
    "prospects",
    _("Prospects to follow up"),
    "quotes",
    lambda user: user.role == Role.CMO and user_can(user, Capability.QUOTE_VIEW),
    prospects_due,
    empty=_("No follow-up due: set a follow-up date on a saved quote."),
    order=12,
)

WORKLISTS = (PROSPECTS,)
