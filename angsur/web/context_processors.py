"""Template context every page needs: the user's role, branch and menu."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability
from angsur.org.scoping import user_can

MENU = [
    ("home", _("Home"), None),
    ("quote_new", _("Quote"), Capability.QUOTE_CREATE),
    ("quote_list", _("Prospects"), Capability.QUOTE_VIEW),
    ("application_list", _("Applications"), Capability.APPLICATION_VIEW),
    ("contract_list", _("Contracts"), Capability.CONTRACT_VIEW),
    ("payment_imports", _("Statement import"), Capability.PAYMENT_POST),
    ("purchase_orders", _("Purchase orders"), Capability.PURCHASE_ORDER_VIEW),
    ("dealer_list", _("Dealers"), Capability.DEALER_VIEW),
    ("product_list", _("Products"), Capability.PRODUCT_VIEW),
    ("audit_list", _("Audit trail"), Capability.AUDIT_VIEW),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    menu = []
    for name, label, capability in MENU:
        if capability is None or user_can(user, capability):
            menu.append({"url": reverse(name), "label": label, "name": name})
    if user.is_staff:
        menu.append({"url": reverse("admin:index"), "label": _("Configuration"), "name": "admin"})
    return {"menu": menu}
