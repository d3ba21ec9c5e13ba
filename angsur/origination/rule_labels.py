"""Policy-rule results in the reader's language (the scoring core speaks English and codes)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angsur.finance.policy import pct_shown_down, pct_shown_up
from angsur.formatting import format_percent

# Policy rules by code (scoring/policy.py keeps the codes stable; the Django layer names them).
RULE_TITLES = {
    "age_at_application": gettext_lazy("Age at application"),
    "age_at_maturity": gettext_lazy("Age at maturity"),
    "min_dp": gettext_lazy("Minimum down payment"),
    "dsr_ceiling": gettext_lazy("DSR ceiling"),
    "residence_length": gettext_lazy("Length of stay"),
    "employment_length": gettext_lazy("Length of employment"),
    "negative_list": gettext_lazy("Negative list"),
    "bureau_kol": gettext_lazy("Credit bureau (SLIK) collectibility"),
    "bureau_enquiry_fresh": gettext_lazy("Credit bureau enquiry age"),
    "bureau_consent": gettext_lazy("Credit bureau consent"),
}


def rule_title(code: str) -> str:
    """The name of a policy rule."""
    return str(RULE_TITLES.get(code, code))


def rule_detail(code: str, params: dict[str, Any]) -> str:
    """What the rule found against its limit, e.g. 'DSR 41.20 % (limit 33 %)'."""
    if params.get("missing"):
        return _("not entered")
    if params.get("no_record"):
        return _("no credit history (first credit)")
    actual, limit = params.get("actual"), params.get("limit")
    if code in PERCENT_RULES:
        # percents in the reader's locale ("41,21 %"), rounded away from passing (finance.policy: a DSR up
        # to its ceiling, a DP down to its floor), the limit without decimals when whole
        actual, limit = _percent_number(actual, PERCENT_RULES[code]), _percent_number(limit, None if _whole(limit) else pct_shown_up)
    formats = {
        "age_at_application": _("%(actual)s years (minimum %(limit)s, or married)"),
        "age_at_maturity": _("%(actual)s years (maximum %(limit)s)"),
        "min_dp": _("%(actual)s %% (minimum %(limit)s %%)"),
        "dsr_ceiling": _("%(actual)s %% (maximum %(limit)s %%)"),
        "residence_length": _("%(actual)s months (minimum %(limit)s)"),
        "employment_length": _("%(actual)s months (minimum %(limit)s)"),
        "negative_list": _("%(actual)s hit(s)"),
        "bureau_kol": _("Kol %(actual)s (rejected from Kol %(limit)s)"),
        "bureau_enquiry_fresh": _("%(actual)s days old (maximum %(limit)s)"),
        "bureau_consent": _("consent given") if actual else _("no consent"),
    }
    template = formats.get(code)
    if template is None:
        return ""
    try:
        return template % {"actual": actual, "limit": limit}
    except (TypeError, ValueError, KeyError):
        return template


PERCENT_RULES = {"min_dp": pct_shown_down, "dsr_ceiling": pct_shown_up}


def _whole(value: Any) -> bool:
    try:
        return Decimal(str(value)) == Decimal(str(value)).to_integral_value()
    except (ArithmeticError, ValueError, TypeError):
        return False


def _percent_number(value: Any, shown: Any) -> Any:
    """The number of a percent in the reader's locale, without the sign (the sentence carries it).

    ``shown`` rounds it to 0.01 % in the safe direction; None writes a whole number without decimals.
    """
    try:
        number = Decimal(str(value))
        return format_percent(shown(number) if shown else number, 2 if shown else 0).removesuffix(" %")
    except (ArithmeticError, ValueError, TypeError):
        return value
