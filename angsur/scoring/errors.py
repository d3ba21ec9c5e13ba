"""Define the error types of the scoring core and their stable codes."""

from collections.abc import Mapping
from typing import Any

# Stable codes: the Django layer translates by code, so never rename one.
# identity
NIK_FORMAT = "nik_format"
NIK_REGION = "nik_region"
NIK_BIRTH_DATE = "nik_birth_date"
NIK_BIRTH_DATE_MISMATCH = "nik_birth_date_mismatch"
NIK_SEX_MISMATCH = "nik_sex_mismatch"
KK_FORMAT = "kk_format"
PHONE_INVALID = "phone_invalid"
PHONE_NOT_INDONESIAN = "phone_not_indonesian"
PHONE_NOT_MOBILE = "phone_not_mobile"
SEX_INVALID = "sex_invalid"
# affordability
INCOME_NOT_POSITIVE = "income_not_positive"
AMOUNT_INVALID = "amount_invalid"
AMOUNT_NEGATIVE = "amount_negative"
DEPENDENTS_INVALID = "dependents_invalid"
# policy
POLICY_CONFIG_INVALID = "policy_config_invalid"
POLICY_INPUT_INVALID = "policy_input_invalid"
# scorecard
SCORECARD_INVALID = "scorecard_invalid"
SCORE_VALUE_INVALID = "score_value_invalid"

# English default messages; placeholders are keys of the error's params.
MESSAGES: dict[str, str] = {
    NIK_FORMAT: "The NIK must be exactly 16 digits.",
    NIK_REGION: "The NIK region code {region_code} is not a known Indonesian region.",
    NIK_BIRTH_DATE: "The NIK birth date digits {date_digits} are not a real date.",
    NIK_BIRTH_DATE_MISMATCH: "The declared birth date {declared} differs from the NIK's {from_nik}.",
    NIK_SEX_MISMATCH: "The declared sex {declared} differs from the NIK's {from_nik}.",
    KK_FORMAT: "The family card (KK) number must be exactly 16 digits.",
    PHONE_INVALID: "The phone number {raw} is not a valid phone number.",
    PHONE_NOT_INDONESIAN: "The phone number {raw} is not an Indonesian (+62) number.",
    PHONE_NOT_MOBILE: "The phone number {raw} is not an Indonesian mobile number.",
    SEX_INVALID: "The sex must be M or F.",
    INCOME_NOT_POSITIVE: "The verified income must be greater than zero.",
    AMOUNT_INVALID: "The amount {field} must be a finite decimal number.",
    AMOUNT_NEGATIVE: "The amount {field} must not be negative.",
    DEPENDENTS_INVALID: "The number of dependents must be a whole number of zero or more.",
    POLICY_CONFIG_INVALID: "The credit policy configuration is invalid: {reason}",
    POLICY_INPUT_INVALID: "The policy input {field} is invalid: {reason}",
    SCORECARD_INVALID: "The scorecard is invalid: {reason}",
    SCORE_VALUE_INVALID: "The value {value} of attribute {attribute} cannot be scored.",
}

ERROR_CODES: frozenset[str] = frozenset(MESSAGES)


def format_message(code: str, params: Mapping[str, Any]) -> str:
    """Return the English default message for code filled with params."""
    template = MESSAGES.get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class ScoringError(Exception):
    """Report a scoring-core rule violation with a stable code and params."""

    code: str
    params: dict[str, Any]
    message: str

    def __init__(self, code: str, params: Mapping[str, Any] | None = None, *, message: str | None = None) -> None:
        """Build the error and its English default message."""
        self.code = code
        self.params = dict(params or {})
        self.message = message if message is not None else format_message(code, self.params)
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with params and message intact."""
        return (_rebuild, (type(self), self.code, self.params, self.message))

    def __repr__(self) -> str:
        """Show code and params."""
        return f"{type(self).__name__}({self.code!r}, {self.params!r})"


def _rebuild(cls: type[ScoringError], code: str, params: dict[str, Any], message: str) -> ScoringError:
    return cls(code, params, message=message)


class IdentityError(ScoringError):
    """Report an invalid NIK, KK or phone number."""


class AffordabilityError(ScoringError):
    """Report an affordability input that cannot be computed."""


class PolicyError(ScoringError):
    """Report an invalid policy configuration or input (not a failed rule)."""


class ScorecardError(ScoringError):
    """Report an invalid scorecard or an unscorable value."""
