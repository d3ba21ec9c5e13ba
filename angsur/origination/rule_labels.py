"""Policy-rule results in the reader's language (the scoring core speaks English and codes)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

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


# The scorecard's labels are configuration (origination.ScorecardConfig), written in the card. The demo card of
# the scoring core (scoring.DEFAULT_SCORECARD) is written in English; its labels are listed here so that the
# catalogue carries them, and score_label shows them in the reader's language. A company's own card, written in
# its own words, is shown as written. tests/origination/test_score_labels.py keeps this list equal to the card's.
# xgettext would read "% a" and "% o" as format directives: these are plain text.
SCORE_LABELS = (
    gettext_noop("Age at application (years)"),
    gettext_noop("under 21"),
    gettext_noop("56 and over"),
    gettext_noop("Debt service ratio (%)"),
    gettext_noop("under 20%"),
    gettext_noop("20% to under 25%"),
    gettext_noop("25% to under 30%"),
    gettext_noop("30% to 33%"),
    gettext_noop("over 33% to under 40%"),
    # xgettext: no-python-format
    gettext_noop("40% and over"),
    gettext_noop("Residence ownership"),
    gettext_noop("own home"),
    gettext_noop("family home"),
    gettext_noop("official housing (rumah dinas)"),
    gettext_noop("rented / boarding (kontrak / kos)"),
    gettext_noop("Length of stay (months)"),
    gettext_noop("under 1 year"),
    gettext_noop("1–2 years"),
    gettext_noop("2–5 years"),
    gettext_noop("5 years and over"),
    gettext_noop("Length of employment / business (months)"),
    gettext_noop("Employment type"),
    gettext_noop("employee (karyawan)"),
    gettext_noop("self-employed (wiraswasta)"),
    gettext_noop("other"),
    gettext_noop("Dependents (tanggungan)"),
    gettext_noop("none"),
    gettext_noop("5 and more"),
    # xgettext: no-python-format
    gettext_noop("Down payment (% of OTR)"),
    gettext_noop("under 15%"),
    # xgettext: no-python-format
    gettext_noop("30% and over"),
    gettext_noop("Worst SLIK collectibility"),
    gettext_noop("Vehicle"),
    gettext_noop("motorcycle"),
    gettext_noop("car"),
)


def score_label(text: str) -> str:
    """A scorecard attribute's or bin's label in the reader's language when the catalogue knows it (the demo
    card's), otherwise as the card writes it; numbers, ranges and SLIK's terms ("21–24", "Kol 1 (lancar)") need none."""
    return _(text) if text else text
