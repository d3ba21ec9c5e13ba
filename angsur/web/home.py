"""What each role's home page shows. Later modules add their worklists here."""

from typing import Any

from angsur.audit.selectors import audit_event_list
from angsur.dealers.selectors import dealer_list, dealer_of
from angsur.products.selectors import quote_list
from angsur.org.roles import Capability, Role
from angsur.org.scoping import user_can


def home_context(user: Any) -> dict[str, Any]:
    """Data for the user's home page."""
    context: dict[str, Any] = {"role": user.role, "role_label": user.role_label}
    if user_can(user, Capability.DEALER_VIEW):
        context["dealers"] = list(dealer_list(viewer=user)[:8])
    if user.role == Role.DEALER:
        context["my_dealer"] = dealer_of(user)
    if user_can(user, Capability.AUDIT_VIEW):
        context["recent_events"] = list(audit_event_list(viewer=user)[:10])
    if user_can(user, Capability.QUOTE_VIEW) or user_can(user, Capability.QUOTE_CREATE):
        context["recent_quotes"] = list(quote_list(viewer=user)[:8])
    return context
