"""Template filters over angsur/formatting.py: ``{{ amount|rupiah }}`` → Rp1.500.000."""

from django import template

from angsur.formatting import format_percent, format_rupiah

register = template.Library()


@register.filter
def rupiah(value: object) -> str:
    return format_rupiah(value)


@register.filter
def sen_rupiah(value: object) -> str:
    """Format integer sen as rupiah (150000000 → Rp1.500.000): money as the database keeps it."""
    from angsur.finance.money import from_minor

    return format_rupiah(from_minor(int(value))) if value not in (None, "") else ""


@register.filter
def percent(value: object, digits: int = 2) -> str:
    """Format a percent figure (17 → 17,00 %)."""
    return format_percent(value, digits)


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
def score_label(text: str) -> str:
    """A scorecard label in the reader's language (the demo card's; a company's own as written)."""
    from angsur.origination.rule_labels import score_label as label

    return label(text)


@register.filter
def rule_detail(result: object) -> str:
    """Translated finding of a policy-rule result (an object or dict with code and params)."""
    from angsur.origination.rule_labels import rule_detail as detail

    code = getattr(result, "code", None) or (result.get("code") if isinstance(result, dict) else "")
    params = getattr(result, "params", None) or (result.get("params") if isinstance(result, dict) else {}) or {}
    return detail(code, params)


@register.filter
def reason_labels(codes: object) -> str:
    """Translated names of a decision's reason codes, comma-separated (never the internal codes)."""
    from angsur.origination.reasons import ReasonCode

    labels = []
    for code in codes or []:
        try:
            labels.append(str(ReasonCode(code).label))
        except ValueError:
            labels.append(str(code))
    return ", ".join(labels)


@register.filter
def role_label(code: object) -> str:
    """The translated name of a role code (never "credit_analyst" on a screen)."""
    from angsur.org.roles import Role

    try:
        return str(Role(code).label)
    except ValueError:
        return str(code)
