"""Format money for people: ``{{ amount|rupiah }}`` → Rp1.500.000.

Both languages use Indonesia's number conventions (CLDR id_ID and en_ID: "." groups, "," decimals)."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils.translation import get_language

register = template.Library()

_LOCALES = {"id": "id_ID", "en": "en_ID"}


def _locale() -> str:
    return _LOCALES.get((get_language() or "id")[:2], "id_ID")


def format_rupiah(value: object) -> str:
    """Format a Decimal/int/str amount as rupiah without decimals (rounded half-up for display only)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_currency(amount, "IDR", locale=_locale(), format="¤#,##0", currency_digits=False)


@register.filter
def rupiah(value: object) -> str:
    return format_rupiah(value)


def format_figure(value: object, max_digits: int = 4) -> str:
    """Format a figure in the user's locale without trailing zeros ("15.0000" → 15, "12.50" → 12,5)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(number, format="#,##0." + "#" * max_digits, locale=_locale())


@register.filter
def percent(value: object, digits: int = 2) -> str:
    """Format a percent figure (17 → 17,00 %)."""
    if value is None or value == "":
        return ""
    pattern = "#,##0." + "0" * int(digits)
    return format_decimal(Decimal(str(value)), format=pattern, locale=_locale()) + " %"


@register.filter
def fee_label(code: str) -> str:
    """Human label for a fee code in a quote's TDP breakdown."""
    from django.utils.translation import gettext as _

    labels = {
        "admin": _("Admin fee"),
        "provision": _("Provision"),
        "fiduciary": _("Fiduciary fee"),
        "insurance_tlo": _("Insurance (TLO)"),
        "insurance_all_risk": _("Insurance (all risk)"),
        "life_insurance": _("Life insurance"),
        "other": _("Other fee"),
    }
    return labels.get(code, code)


@register.filter
def rule_title(code: str) -> str:
    """Translated name of a policy rule."""
    from angsur.origination.rule_labels import rule_title as title

    return title(code)


@register.filter
def rule_detail(result: object) -> str:
    """Translated finding of a policy-rule result (an object or dict with code and params)."""
    from angsur.origination.rule_labels import rule_detail as detail

    code = getattr(result, "code", None) or (result.get("code") if isinstance(result, dict) else "")
    params = getattr(result, "params", None) or (result.get("params") if isinstance(result, dict) else {}) or {}
    return detail(code, params)
