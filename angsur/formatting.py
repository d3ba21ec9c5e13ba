"""Format money and figures for people, in the user's language: Rp1.500.000, 12,5, 17,00 %.

Below every app (errors, forms and templates all use it). Both languages use Indonesia's number
conventions (CLDR id_ID and en_ID: "." groups, "," decimals).
"""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django.utils.translation import get_language

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


def format_figure(value: object, max_digits: int = 4) -> str:
    """Format a figure in the user's locale without trailing zeros ("15.0000" → 15, "12.50" → 12,5)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(number, format="#,##0." + "#" * max_digits, locale=_locale())


def format_percent(value: object, digits: int = 2) -> str:
    """Format a percent figure with a fixed number of decimals (17 → 17,00 %)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)  # a placeholder ("–") passes through rather than failing the page
    pattern = "#,##0." + "0" * int(digits)
    return format_decimal(number, format=pattern, locale=_locale()) + " %"
