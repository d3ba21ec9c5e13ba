"""Template helpers of the performance screens, and the order context beside an application."""

from typing import Any

from django import template

from angsur.org.clock import business_date
from angsur.performance import reports, selectors

register = template.Library()


@register.filter
def scorecard_rows(card: Any) -> list:
    return reports.scorecard_rows(card)


@register.filter
def figure(value: Any) -> str:
    return reports.shown(value)


@register.filter
def reason_lines(card: Any, for_dealer: bool) -> list:
    return selectors.reason_lines(card.reasons, for_dealer=bool(for_dealer))


@register.inclusion_tag("performance/_order_context.html")
def order_context(application: Any, user: Any) -> dict[str, Any]:
    """The dealer's and the CMO's track record beside an escalated, appealed or appealable application
    (staff with the right only; nothing for a dealer or a CMO)."""
    context = selectors.order_context(viewer=user, application=application, as_of=business_date(application.branch))
    return {"ctx": context, "mobs": selectors.SCORECARD_MOBS}


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def achievement(figures: Any, measure: str) -> Any:
    return figures.achievement(measure)
