"""What each role's home page shows. Later modules add their worklists here."""

from typing import Any

from angsur.audit.selectors import audit_event_list
from angsur.dealers.selectors import dealer_list, dealer_of
from angsur.org.clock import branch_today
from angsur.org.roles import Capability, Role
from angsur.org.scoping import user_can
from angsur.origination.selectors import analyst_queue, cmo_worklist, dealer_orders, supervisor_worklist
from angsur.products.selectors import quote_list


def home_context(user: Any) -> dict[str, Any]:
    """Data for the user's home page."""
    context: dict[str, Any] = {"role": user.role, "role_label": user.role_label}
    if user_can(user, Capability.DEALER_VIEW):
        context["dealers"] = list(dealer_list(viewer=user)[:8])
    if user.role == Role.DEALER:
        context["my_dealer"] = dealer_of(user)
    if user_can(user, Capability.AUDIT_VIEW):
        context["recent_events"] = list(audit_event_list(viewer=user)[:10])
    today = branch_today(user)
    if user.role in {Role.CMO, Role.MARKETING_SUPERVISOR}:
        context["worklist"] = cmo_worklist(viewer=user, today=today)
    if user_can(user, Capability.CREDIT_DECIDE):
        context["queue"] = list(analyst_queue(viewer=user, limit=30))
    if user_can(user, Capability.SURVEY_ASSIGN) or user.role == Role.MARKETING_HEAD:
        context["supervision"] = supervisor_worklist(viewer=user)
    if user.role == Role.DEALER:
        context["dealer_orders"] = list(dealer_orders(viewer=user, limit=30))
    if user_can(user, Capability.QUOTE_VIEW) or user_can(user, Capability.QUOTE_CREATE):
        context["recent_quotes"] = list(quote_list(viewer=user)[:8])
    return context
