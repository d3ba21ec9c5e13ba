"""Translate the finance core's error codes into the user's language."""

from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.finance import FinanceError
from angsur.formatting import format_figure, format_rupiah


def _messages() -> dict[str, str]:
    return {
        "amount_not_positive": _("%(field)s must be greater than zero."),
        "amount_negative": _("%(field)s cannot be negative."),
        "dp_not_below_otr": _("The down payment must be less than the OTR price."),
        "tenor_not_allowed": _("This product does not offer a tenor of %(tenor)s months."),
        "rate_out_of_range": _("The rate must be between 0 and 100 %%."),
        "dp_below_minimum": _("The down payment is below the minimum of %(required_pct)s %% (%(required_amount)s)."),
        "vehicle_too_old": _("The vehicle would be older than %(max_age)s years at the end of the tenor."),
        "income_not_positive": _("Verified income must be greater than zero."),
        "installment_not_positive": _("The rounding leaves no positive last installment; choose another rounding."),
        "fractional_sen": _("The amount has more than two decimals."),
        "rounding_unit_not_positive": _("The rounding unit must be greater than zero."),
        "rounding_direction_invalid": _("The rounding direction must be up, down, nearest or nearest-even."),
        "rounding_unit_out_of_range": _("The rounding unit must be a whole number of rupiah from %(minimum)s to %(maximum)s."),
        "amount_too_large": _("%(field)s is above the maximum of %(maximum_amount)s."),
        "tenor_too_long": _("The tenor must be at most %(maximum)s months."),
        "interest_negative": _("Rounded this way, the installments do not repay the financed amount; choose another rounding."),
        "residue_invalid": _("The rounding difference goes to the interest or to the last installment."),
        "principal_too_small": _("The financed amount is too small for this tenor."),
        "tenor_too_short": _("An ADDM contract needs at least two installments."),
        "tenor_not_positive": _("The tenor must be at least one month."),
        "timing_invalid": _("Payment timing must be addb or addm."),
        "first_due_date_invalid": _("The first due date cannot be before the contract date."),
        "percent_out_of_range": _("A percentage must be between 0 and 100."),
        "amount_invalid": _("%(field)s is not a valid amount."),
        "fee_basis_invalid": _("A fee has an unknown basis."),
        "fee_code_invalid": _("A fee has an invalid code."),
        "fee_code_duplicate": _("The same fee appears twice."),
    }


FIELD_LABELS = {
    "otr": "OTR",
    "down_payment": "DP",
    "tenor_months": "Tenor",
    "rate": "Rate",
    "installment": "Installment",
    "rounding": "Rounding",
}


def finance_error_to_domain(error: FinanceError) -> DomainError:
    """Map a FinanceError to a DomainError with a translated message naming the field."""
    params = dict(getattr(error, "params", {}) or {})
    params.setdefault("field", FIELD_LABELS.get(error.field or "", error.field or ""))
    if "required_amount" in params:
        params["required_amount"] = format_rupiah(params["required_amount"])
    for key in ("maximum_amount", "minimum", "maximum") if error.code in {"amount_too_large", "rounding_unit_out_of_range"} else ():
        if key in params:
            params[key] = format_rupiah(params[key])
    if "required_pct" in params:
        params["required_pct"] = format_figure(params["required_pct"])
    template = _messages().get(error.code)
    try:
        message = template % params if template else str(error)
    except (KeyError, TypeError, ValueError):
        message = template or str(error)
    return DomainError(error.code, message, field=error.field)
