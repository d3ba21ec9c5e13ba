"""Template context every page needs: the user's role, branch and menu."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from angsur.org.roles import Capability
from angsur.org.scoping import user_can
from angsur.performance.selectors import may_open_performance, may_see_repeat_orders, may_see_statements

Rule = Capability | tuple[Capability, ...] | Callable[[Any], bool] | None


def branch_work(*capabilities: Capability) -> Callable[[Any], bool]:
    """A screen of one branch's day (its business date, its cash): needs one of the capabilities and a branch of one's own."""

    def rule(user: Any) -> bool:
        return user.branch_id is not None and any(user_can(user, c) for c in capabilities)

    return rule


# (url name, label, rule): shown when the user has the capability, or any of a tuple of them, or when the
# page's own predicate says it opens for them (None: everyone). tests/web/test_menu.py opens every entry as every role.
MENU: list[tuple[str, Any, Rule]] = [
    ("home", _("Home"), None),
    ("quote_new", _("Quote"), Capability.QUOTE_CREATE),
    ("quote_list", _("Prospects"), Capability.QUOTE_VIEW),
    ("application_list", _("Applications"), Capability.APPLICATION_VIEW),
    ("contract_list", _("Contracts"), Capability.CONTRACT_VIEW),
    ("payment_imports", _("Statement import"), Capability.PAYMENT_POST),
    ("purchase_orders", _("Purchase orders"), Capability.PURCHASE_ORDER_VIEW),
    ("collection_cases", _("Collection"), Capability.COLLECTION_VIEW),
    ("collection_views", _("Collection views"), Capability.COLLECTION_VIEW),
    ("field_cash", _("Field cash"), branch_work(Capability.COLLECTION_CASH)),
    ("receipt_booklets", _("Receipt booklets"), Capability.COLLECTION_ASSIGN),
    ("cash_deposits", _("Collector deposits"), branch_work(Capability.CASH_DEPOSIT_RECEIVE)),
    ("field_cash_reconciliation", _("Reconciliation"), branch_work(Capability.CASH_DEPOSIT_RECEIVE, Capability.COLLECTION_CASH)),
    ("field_cash_exceptions", _("Missing or late deposits"), branch_work(Capability.CASH_DEPOSIT_RECEIVE)),
    ("remedial_home", _("Remedial"), (Capability.WARNING_LETTER, Capability.REPOSSESSION)),
    ("eod_overview", _("End of day"), Capability.EOD_RUN),
    ("performance_dashboard", _("Performance"), may_open_performance),
    ("performance_dealers", _("Dealer scorecards"), Capability.PERFORMANCE_VIEW),
    ("performance_incentives", _("Incentives"), may_see_statements),
    ("performance_targets", pgettext_lazy("menu", "CMO targets"), Capability.TARGET_MANAGE),
    ("performance_repeat_orders", _("Repeat orders"), may_see_repeat_orders),
    ("dealer_list", _("Dealers"), Capability.DEALER_VIEW),
    ("product_list", _("Products"), Capability.PRODUCT_VIEW),
    ("audit_list", _("Audit trail"), Capability.AUDIT_VIEW),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    menu = []
    for name, label, rule in MENU:
        if _shown(user, rule):
            menu.append({"url": reverse(name), "label": label, "name": name})
    if user.is_staff:
        menu.append({"url": reverse("admin:index"), "label": _("Configuration"), "name": "admin"})
    return {"menu": menu}


def _shown(user: Any, rule: Rule) -> bool:
    if rule is None:
        return True
    if isinstance(rule, tuple):
        return any(user_can(user, c) for c in rule)
    if isinstance(rule, Capability):
        return user_can(user, rule)
    return rule(user)
