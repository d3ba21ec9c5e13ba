"""Template filters over a priced quote's stored JSON (finance.quote.Quote.as_dict)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def cash_advanced(result: dict[str, Any]) -> Decimal | None:
    """The OTR less the down payment: the financed principal without its capitalised items."""
    try:
        items = sum((Decimal(item["amount"]) for item in result.get("financed_items") or ()), Decimal(0))
        return Decimal(result["financed_principal"]) - items
    except (KeyError, TypeError, InvalidOperation):
        return None
