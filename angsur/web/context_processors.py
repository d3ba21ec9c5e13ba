"""Template context every page needs: the user's role, branch and menu."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from angsur.org.roles import Capability
from angsur.org.scoping import user_can

# (url name, label, capability): shown when the user has the capability, or any of a tuple of them (None: everyone).
MENU: list[tuple[str, Any, Capability | tuple[Capability, ...] | None]] = [
    ("home", _("Home"), None),
    ("quote_new", _("Quote"), Capability.QUOTE_CREATE),
    ("quote_list", _("Prospects"), Capability.QUOTE_VIEW),
    ("application_list", _("Applications"), Capability.APPLICATION_VIEW),
    ("contract_list", _("Contracts"), Capability.CONTRACT_VIEW),
    ("payment_imports", _("Statement import"), Capability.PAYMENT_POST),
    ("purchase_orders", _("Purchase orders"), Capability.PURCHASE_ORDER_VIEW),
    ("collection_cases", _("Collection"), Capability.COLLECTION_VIEW),
    ("collection_views", _("Collection views"), Capability.COLLECTION_ASSIGN),
    ("field_cash", _("Field cash"), Capability.COLLECTION_CASH),
    ("receipt_booklets", _("Receipt booklets"), Capability.COLLECTION_ASSIGN),
    ("cash_deposits", _("Collector deposits"), Capability.CASH_DEPOSIT_RECEIVE),
    ("field_cash_reconciliation", _("Reconciliation"), Capability.CASH_DEPOSIT_RECEIVE),
    ("field_cash_exceptions", _("Missing or late deposits"), Capability.CASH_DEPOSIT_RECEIVE),
    ("remedial_home", _("Remedial"), (Capability.WARNING_LETTER, Capability.REPOSSESSION)),
    ("eod_overview", _("End of day"), Capability.EOD_RUN),
    ("performance_dashboard", _("Performance"), Capability.PERFORMANCE_VIEW),
    ("performance_dealers", _("Dealer scorecards"), Capability.PERFORMANCE_VIEW),
    ("performance_incentives", _("Incentives"), (Capability.TARGET_MANAGE, Capability.INCENTIVE_APPROVE, Capability.QUOTE_CREATE)),
    ("performance_targets", pgettext_lazy("menu", "CMO targets"), Capability.TARGET_MANAGE),
    ("performance_repeat_orders", _("Repeat orders"), Capability.QUOTE_CREATE),
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
        needed = capability if isinstance(capability, tuple) else (capability,)
        if capability is None or any(user_can(user, c) for c in needed):
            menu.append({"url": reverse(name), "label": label, "name": name})
    if user.is_staff:
        menu.append({"url": reverse("admin:index"), "label": _("Configuration"), "name": "admin"})
    return {"menu": menu}
