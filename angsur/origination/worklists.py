"""Origination's worklists, registered in the one registry (org/worklists.py) when the app is ready."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability, Role
from angsur.org.scoping import user_can
from angsur.org.worklists import Worklist
from angsur.origination import quote_selectors, selectors
from angsur.origination.workflow import decider_level


def _can(capability: str):
    return lambda user: user_can(user, capability)


def _originator(user) -> bool:
    # Marketing staff who own orders (the dealer's portal has its own list).
    return user_can(user, Capability.ORDER_CREATE) and user.role != Role.DEALER


# Due within this many days (or overdue): the prospects a CMO should call today or soon.
FOLLOW_UP_HORIZON_DAYS = 3


def prospects_due(user: Any, today: dt.date) -> list[Any]:
    """The user's prospects (saved quotes) whose follow-up date is past, today or within the horizon, soonest first."""
    horizon = today + dt.timedelta(days=FOLLOW_UP_HORIZON_DAYS)
    # in SQL on the (created_by, follow_up_on) index: a CMO's book of quotes is never read whole
    due = quote_selectors.quote_list(viewer=user).filter(follow_up_on__isnull=False, follow_up_on__lte=horizon)
    return list(due.order_by("follow_up_on", "-created_at", "-id")[:50])


WORKLISTS = (
    Worklist(
        "prospects",
        _("Prospects to follow up"),
        "quotes",
        lambda user: user.role == Role.CMO and user_can(user, Capability.QUOTE_VIEW),
        prospects_due,
        empty=_("No follow-up due: set a follow-up date on a saved quote."),
        order=12,
    ),
    Worklist(
        "surveys_due",
        _("Surveys due today"),
        "surveys",
        _can(Capability.SURVEY_DO),
        lambda user, today: selectors.surveys_due(viewer=user, today=today),
        empty=_("No surveys due."),
        order=10,
    ),
    Worklist(
        "open_orders",
        _("My orders in progress"),
        "applications",
        _originator,
        lambda user, today: selectors.own_open_orders(viewer=user),
        empty=_("No open orders."),
        order=20,
    ),
    Worklist(
        "queue",
        _("Analysis queue (fast-track dealers first, then oldest)"),
        "applications",
        _can(Capability.CREDIT_DECIDE),
        lambda user, today: selectors.analyst_queue(viewer=user, limit=30),
        empty=_("Nothing waiting."),
        order=30,
    ),
    Worklist(
        "escalations",
        _("Escalations waiting for you"),
        "applications",
        lambda user: decider_level(user) >= 2,
        lambda user, today: selectors.escalations_waiting(viewer=user),
        empty=_("None."),
        order=40,
    ),
    Worklist(
        "appealable",
        _("Rejections you may appeal"),
        "applications",
        _can(Capability.APPEAL),
        lambda user, today: selectors.appealable(viewer=user),
        empty=_("None."),
        order=50,
    ),
    Worklist(
        "to_assign",
        _("Orders waiting for a survey assignment"),
        "applications",
        _can(Capability.SURVEY_ASSIGN),
        lambda user, today: selectors.waiting_for_survey_assignment(viewer=user),
        empty=_("None."),
        order=60,
    ),
    Worklist(
        "recent_decisions",
        _("Recent decisions"),
        "applications",
        _originator,
        lambda user, today: selectors.own_recent_decisions(viewer=user),
        empty=_("No decision yet."),
        order=70,
    ),
    Worklist(
        "orders",
        _("Your orders"),
        "applications",
        lambda user: user.role == Role.DEALER,
        lambda user, today: selectors.dealer_orders(viewer=user, limit=30),
        empty=_("No orders yet."),
        order=80,
    ),
    Worklist(
        "recent",
        _("Latest applications"),
        "applications",
        _can(Capability.APPLICATION_VIEW),
        lambda user, today: selectors.recent_applications(viewer=user),
        empty=_("No applications yet."),
        order=90,
        fallback=True,
    ),
)
