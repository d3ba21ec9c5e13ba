"""What each role's home page shows: the worklists of the one registry (org/worklists.py), and tiles."""

from typing import Any

from angsur.audit.selectors import audit_event_list
from angsur.dealers.selectors import dealer_list, dealer_of
from angsur.org.clock import branch_today
from angsur.org.roles import Capability, Role
from angsur.org.scoping import user_can
from angsur.org.worklists import collect
from angsur.origination.quote_selectors import quote_list


def home_context(user: Any) -> dict[str, Any]:
    """Data for the user's home page."""
    context: dict[str, Any] = {"role": user.role, "role_label": user.role_label}
    if user_can(user, Capability.DEALER_VIEW):
        context["dealers"] = list(dealer_list(viewer=user)[:8])
    if user.role == Role.DEALER:
        context["my_dealer"] = dealer_of(user)
    if user_can(user, Capability.AUDIT_VIEW):
        context["recent_events"] = list(audit_event_list(viewer=user)[:10])
    # The same registry feeds GET /api/worklist: a role sees the same lists on screen and through the API.
    context["worklists"] = collect(user, branch_today(user))
    if user_can(user, Capability.QUOTE_VIEW) or user_can(user, Capability.QUOTE_CREATE):
        context["recent_quotes"] = list(quote_list(viewer=user)[:8])
    return context
