"""Define the single error type of the money core and its stable codes."""

from collections.abc import Mapping
from typing import Any

# Stable error codes. The Django layer translates by code, so never rename one.
AMOUNT_INVALID = "amount_invalid"
AMOUNT_NOT_POSITIVE = "amount_not_positive"
AMOUNT_NEGATIVE = "amount_negative"
FRACTIONAL_SEN = "fractional_sen"
DP_NOT_BELOW_OTR = "dp_not_below_otr"
DP_BELOW_MINIMUM = "dp_below_minimum"
TENOR_NOT_POSITIVE = "tenor_not_positive"
TENOR_NOT_ALLOWED = "tenor_not_allowed"
TENOR_TOO_SHORT = "tenor_too_short"
RATE_OUT_OF_RANGE = "rate_out_of_range"
RATE_KIND_INVALID = "rate_kind_invalid"
TIMING_INVALID = "timing_invalid"
RESIDUE_INVALID = "residue_invalid"
ROUNDING_UNIT_NOT_POSITIVE = "rounding_unit_not_positive"
ROUNDING_DIRECTION_INVALID = "rounding_direction_invalid"
FEE_BASIS_INVALID = "fee_basis_invalid"
FEE_CODE_INVALID = "fee_code_invalid"
FEE_CODE_DUPLICATE = "fee_code_duplicate"
FIRST_DUE_DATE_INVALID = "first_due_date_invalid"
INTEREST_NEGATIVE = "interest_negative"
INSTALLMENT_NOT_POSITIVE = "installment_not_positive"
PRINCIPAL_TOO_SMALL = "principal_too_small"
CASHFLOWS_INVALID = "cashflows_invalid"
IRR_NOT_CONVERGED = "irr_not_converged"
SCHEDULE_LENGTH_MISMATCH = "schedule_length_mismatch"
PERCENT_OUT_OF_RANGE = "percent_out_of_range"
STEP_NOT_POSITIVE = "step_not_positive"
MIN_DP_TIER_MISSING = "min_dp_tier_missing"
VEHICLE_TOO_OLD = "vehicle_too_old"
INCOME_NOT_POSITIVE = "income_not_positive"
AMOUNT_TOO_LARGE = "amount_too_large"
TENOR_TOO_LONG = "tenor_too_long"
ROUNDING_UNIT_OUT_OF_RANGE = "rounding_unit_out_of_range"

# English default messages; placeholders are keys of FinanceError.params.
MESSAGES: dict[str, str] = {
    AMOUNT_INVALID: "The amount must be a finite decimal number.",
    AMOUNT_NOT_POSITIVE: "The amount must be greater than zero.",
    AMOUNT_NEGATIVE: "The amount must not be negative.",
    FRACTIONAL_SEN: "The amount {amount} has a fraction of a sen.",
    DP_NOT_BELOW_OTR: "The down payment must be lower than the OTR price.",
    DP_BELOW_MINIMUM: "The down payment must be at least {required_pct}% of the OTR price (Rp{required_amount}).",
    TENOR_NOT_POSITIVE: "The tenor must be a whole number of months greater than zero.",
    TENOR_NOT_ALLOWED: "A tenor of {tenor} months is not offered (allowed: {allowed}).",
    TENOR_TOO_SHORT: "The tenor must be at least {minimum} months for this payment timing.",
    RATE_OUT_OF_RANGE: "The rate {rate} is outside the allowed range ({minimum} to {maximum}).",
    RATE_KIND_INVALID: "The rate kind must be flat or effective.",
    TIMING_INVALID: "The payment timing must be ADDB or ADDM.",
    RESIDUE_INVALID: "The rounding residue must go to interest or the last installment.",
    ROUNDING_UNIT_NOT_POSITIVE: "The rounding unit must be greater than zero.",
    ROUNDING_DIRECTION_INVALID: "The rounding direction must be up, down, half_up (nearest) or half_even.",
    FEE_BASIS_INVALID: "The fee {code} must be based on fixed, otr or principal.",
    FEE_CODE_INVALID: "Every fee needs a non-empty code.",
    FEE_CODE_DUPLICATE: "The fee {code} is listed more than once.",
    FIRST_DUE_DATE_INVALID: "The first due date does not fit the payment timing.",
    INTEREST_NEGATIVE: "The installments do not repay the financed principal.",
    INSTALLMENT_NOT_POSITIVE: "The rounding leaves no positive last installment.",
    PRINCIPAL_TOO_SMALL: "The financed amount is too small: the installment paid at signing already repays it.",
    CASHFLOWS_INVALID: "No effective rate exists for these installments.",
    IRR_NOT_CONVERGED: "The effective rate could not be solved.",
    SCHEDULE_LENGTH_MISMATCH: "There must be exactly one due date per installment.",
    PERCENT_OUT_OF_RANGE: "The percentage must be between 0 and 100.",
    STEP_NOT_POSITIVE: "The step must be greater than zero.",
    MIN_DP_TIER_MISSING: "No minimum down payment tier covers this vehicle class and NPF.",
    VEHICLE_TOO_OLD: "The vehicle would be {age_at_maturity} years old at maturity; the maximum is {max_age}.",
    INCOME_NOT_POSITIVE: "The verified income must be greater than zero.",
    AMOUNT_TOO_LARGE: "The amount {amount} is above the maximum of {maximum_amount}.",
    TENOR_TOO_LONG: "The tenor of {tenor} months is above the maximum of {maximum} months.",
    ROUNDING_UNIT_OUT_OF_RANGE: "The rounding unit {unit} must be a whole number of rupiah from {minimum} to {maximum}.",
}

ERROR_CODES: frozenset[str] = frozenset(MESSAGES)


class FinanceError(Exception):
    """Report a money-core rule violation with a stable code."""

    code: str
    field: str | None
    params: dict[str, Any]
    message: str

    def __init__(
        self,
        code: str,
        *,
        field: str | None = None,
        params: Mapping[str, Any] | None = None,
        message: str | None = None,
    ) -> None:
        """Build the error and its English default message."""
        self.code = code
        self.field = field
        self.params = dict(params or {})
        if message is None:
            template = MESSAGES.get(code, code)
            try:
                message = template.format(**self.params)
            except (KeyError, IndexError, ValueError):
                message = template
        self.message = message
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the keyword-only arguments intact."""
        return (_rebuild_error, (self.code, self.field, self.params, self.message))

    def __repr__(self) -> str:
        """Show code, field and params."""
        return f"FinanceError({self.code!r}, field={self.field!r}, params={self.params!r})"


def _rebuild_error(code: str, field: str | None, params: dict[str, Any], message: str) -> FinanceError:
    return FinanceError(code, field=field, params=params, message=message)
