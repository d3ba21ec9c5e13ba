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
    return [q for q in selectors.prospect_list(viewer=user, limit=200) if q.follow_up_on and q.follow_up_on <= horizon][:50]


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
