"""Evaluate knock-out and policy rules on an application, every rule explained."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from angsur.finance.policy import pct_shown_down, pct_shown_up
from angsur.finance.schedule import add_months
from angsur.scoring import errors
from angsur.scoring.errors import PolicyError

# Rule codes, in evaluation order. Stable: the Django layer translates by code.
AGE_AT_APPLICATION = "age_at_application"
AGE_AT_MATURITY = "age_at_maturity"
MIN_DP = "min_dp"
DSR_CEILING = "dsr_ceiling"
RESIDENCE_LENGTH = "residence_length"
EMPLOYMENT_LENGTH = "employment_length"
NEGATIVE_LIST = "negative_list"
BUREAU_KOL = "bureau_kol"
BUREAU_ENQUIRY_FRESH = "bureau_enquiry_fresh"
BUREAU_CONSENT = "bureau_consent"

RULE_CODES: tuple[str, ...] = (
    AGE_AT_APPLICATION,
    AGE_AT_MATURITY,
    MIN_DP,
    DSR_CEILING,
    RESIDENCE_LENGTH,
    EMPLOYMENT_LENGTH,
    NEGATIVE_LIST,
    BUREAU_KOL,
    BUREAU_ENQUIRY_FRESH,
    BUREAU_CONSENT,
)

# Rules backed by law or regulation: always knock-out, never configurable as soft.
#   min_dp: POJK 35/POJK.05/2018 Pasal 20 (minimum DP tier).
#   bureau_consent: SLIK may be queried only with the debtor's consent.
#   negative_list: APU-PPT screening against designated lists (POJK 8/2023).
#   age_at_application: legal capacity, 21 or married (KUHPerdata Pasal 330 and 1330).
REGULATORY_RULES: frozenset[str] = frozenset({MIN_DP, BUREAU_CONSENT, NEGATIVE_LIST, AGE_AT_APPLICATION})

MARITAL_STATUSES: frozenset[str] = frozenset({"single", "married", "divorced", "widowed"})
EMPLOYMENT_TYPES: frozenset[str] = frozenset({"employee", "self_employed", "other"})

# SLIK collectibility classes run from 1 (Lancar) to 5 (Macet).
KOL_MIN, KOL_MAX = 1, 5


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """Hold the credit policy limits; defaults are common practice (domain primer §3-5)."""

    # Practice: at least 21, or married at application (KUHPerdata Pasal 330: marriage
    # confers majority and is not lost on divorce or widowhood).
    min_age_at_application: int = 21
    adult_by_marriage_statuses: frozenset[str] = frozenset({"married", "divorced", "widowed"})
    # Practice: at most 55 (employee) / 60 (self-employed) at maturity; "other" defaults
    # to the stricter employee limit.
    max_age_at_maturity_employee: int = 55
    max_age_at_maturity_self_employed: int = 60
    max_age_at_maturity_other: int = 55
    # Practice: DSR ≤ 33 % ("one third of income").
    max_dsr_pct: Decimal = Decimal("33")
    min_residence_months: int = 12
    min_employment_months: int = 12
    # Practice: applicants in SLIK Kol 3-5 are commonly rejected.
    bureau_reject_from_kol: int = 3
    bureau_enquiry_max_age_days: int = 30
    require_bureau_consent: bool = True
    # A bureau enquiry that finds no credit history (a first-time buyer, common for motorcycles) is
    # its own outcome: it passes by default and is noted; a company may make it a knock-out.
    no_bureau_record_passes: bool = True
    # Failed soft rules are deviations an authority may approve; all others knock out.
    soft_rules: frozenset[str] = frozenset({RESIDENCE_LENGTH, EMPLOYMENT_LENGTH, BUREAU_ENQUIRY_FRESH})

    def __post_init__(self) -> None:
        """Validate the limits and normalise set-like fields to frozensets."""
        for name in (
            "min_age_at_application",
            "max_age_at_maturity_employee",
            "max_age_at_maturity_self_employed",
            "max_age_at_maturity_other",
            "min_residence_months",
            "min_employment_months",
            "bureau_enquiry_max_age_days",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                _config_error(name, "must be a whole number of zero or more")
        dsr = self.max_dsr_pct
        if isinstance(dsr, bool) or not isinstance(dsr, Decimal | int) or not Decimal(dsr).is_finite():
            _config_error("max_dsr_pct", "must be a Decimal")
        if not Decimal(0) < Decimal(dsr) <= Decimal(100):
            _config_error("max_dsr_pct", "must be above 0 and at most 100")
        object.__setattr__(self, "max_dsr_pct", Decimal(dsr))
        kol = self.bureau_reject_from_kol
        if isinstance(kol, bool) or not isinstance(kol, int) or not KOL_MIN < kol <= KOL_MAX:
            _config_error("bureau_reject_from_kol", "must be a collectibility class from 2 to 5")
        for name in ("require_bureau_consent", "no_bureau_record_passes"):
            if not isinstance(getattr(self, name), bool):
                _config_error(name, "must be true or false")
        soft = frozenset(self.soft_rules)
        if unknown := soft - frozenset(RULE_CODES):
            _config_error("soft_rules", f"unknown rules {sorted(unknown)}")
        if regulatory := soft & REGULATORY_RULES:
            _config_error("soft_rules", f"regulatory rules {sorted(regulatory)} must stay knock-out")
        statuses = frozenset(self.adult_by_marriage_statuses)
        if unknown := statuses - MARITAL_STATUSES:
            _config_error("adult_by_marriage_statuses", f"unknown statuses {sorted(unknown)}")
        object.__setattr__(self, "soft_rules", soft)
        object.__setattr__(self, "adult_by_marriage_statuses", statuses)

    def max_age_at_maturity(self, employment_type: str) -> int:
        """Return the maximum age at maturity for an employment type."""
        return {
            "employee": self.max_age_at_maturity_employee,
            "self_employed": self.max_age_at_maturity_self_employed,
        }.get(employment_type, self.max_age_at_maturity_other)


def _config_error(name: str, reason: str) -> NoReturn:
    raise PolicyError(errors.POLICY_CONFIG_INVALID, {"field": name, "reason": f"{name} {reason}"})


def _input_error(name: str, reason: str) -> NoReturn:
    raise PolicyError(errors.POLICY_INPUT_INVALID, {"field": name, "reason": reason})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class PolicyInput:
    """Hold the application facts the policy rules judge."""

    as_of: date
    birth_date: date
    marital_status: str
    employment_type: str
    tenor_months: int
    dp_pct: Decimal
    min_dp_pct: Decimal
    dsr_pct: Decimal
    residence_months: int
    employment_months: int
    negative_list_hits: tuple[str, ...] = ()
    bureau_kol: int | None = None
    bureau_enquiry_date: date | None = None
    bureau_consent: bool = False
    # The bureau was asked and has no record of the applicant (then bureau_kol is None).
    bureau_no_record: bool = False

    def __post_init__(self) -> None:
        """Validate the facts; a bad input is an error, not a failed rule."""
        for name in ("as_of", "birth_date"):
            if not isinstance(getattr(self, name), date):
                _input_error(name, "must be a date")
        if self.birth_date > self.as_of:
            _input_error("birth_date", "lies after the application date")
        if self.marital_status not in MARITAL_STATUSES:
            _input_error("marital_status", f"must be one of {sorted(MARITAL_STATUSES)}")
        if self.employment_type not in EMPLOYMENT_TYPES:
            _input_error("employment_type", f"must be one of {sorted(EMPLOYMENT_TYPES)}")
        if not _is_int(self.tenor_months) or self.tenor_months <= 0:
            _input_error("tenor_months", "must be a whole number of months above zero")
        for name in ("dp_pct", "min_dp_pct", "dsr_pct"):
            value = getattr(self, name)
            # Ratios are Decimal (or int), never float.
            if isinstance(value, bool) or not isinstance(value, Decimal | int) or not Decimal(value).is_finite() or value < 0:
                _input_error(name, "must be a Decimal of zero or more")
            object.__setattr__(self, name, Decimal(value))
        for name in ("residence_months", "employment_months"):
            value = getattr(self, name)
            if not _is_int(value) or value < 0:
                _input_error(name, "must be a whole number of months of zero or more")
        hits = self.negative_list_hits
        if isinstance(hits, str) or not all(isinstance(hit, str) for hit in hits):
            _input_error("negative_list_hits", "must be a sequence of list codes")
        object.__setattr__(self, "negative_list_hits", tuple(hits))
        if self.bureau_kol is not None and (not _is_int(self.bureau_kol) or not KOL_MIN <= self.bureau_kol <= KOL_MAX):
            _input_error("bureau_kol", "must be a collectibility class from 1 to 5")
        if self.bureau_enquiry_date is not None:
            if not isinstance(self.bureau_enquiry_date, date):
                _input_error("bureau_enquiry_date", "must be a date")
            if self.bureau_enquiry_date > self.as_of:
                _input_error("bureau_enquiry_date", "lies after the application date")
        for name in ("bureau_consent", "bureau_no_record"):
            if not isinstance(getattr(self, name), bool):
                _input_error(name, "must be true or false")
        if self.bureau_no_record and self.bureau_kol is not None:
            _input_error("bureau_no_record", "cannot go with a collectibility class")


@dataclass(frozen=True, slots=True)
class RuleResult:
    """Report one rule: passed or not, knock-out or soft, and the numbers behind it."""

    code: str
    passed: bool
    knock_out: bool
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""


def age_in_years(birth_date: date, on: date) -> int:
    """Return the completed years of age on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _result(code: str, passed: bool, cfg: PolicyConfig, message: str, **params: Any) -> RuleResult:
    return RuleResult(code=code, passed=passed, knock_out=code not in cfg.soft_rules, params=params, message=message)


def _age_at_application(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    age = age_in_years(inp.birth_date, inp.as_of)
    by_marriage = inp.marital_status in cfg.adult_by_marriage_statuses
    passed = age >= cfg.min_age_at_application or by_marriage
    limit = cfg.min_age_at_application
    if passed:
        message = f"Age {age} at application; the minimum is {limit} unless married."
    else:
        message = f"Age {age} at application is below the minimum of {limit} and the applicant has never married."
    return _result(
        AGE_AT_APPLICATION,
        passed,
        cfg,
        message,
        actual=age,
        limit=limit,
        op=">=",
        marital_status=inp.marital_status,
        adult_by_marriage=by_marriage,
    )


def _age_at_maturity(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    maturity = add_months(inp.as_of, inp.tenor_months)
    age = age_in_years(inp.birth_date, maturity)
    limit = cfg.max_age_at_maturity(inp.employment_type)
    passed = age <= limit
    verb = "is within" if passed else "exceeds"
    message = f"Age {age} at maturity ({maturity.isoformat()}) {verb} the maximum of {limit} for {inp.employment_type}."
    return _result(
        AGE_AT_MATURITY,
        passed,
        cfg,
        message,
        actual=age,
        limit=limit,
        op="<=",
        maturity_date=maturity.isoformat(),
        employment_type=inp.employment_type,
    )


def _min_dp(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    # POJK 35/POJK.05/2018 Pasal 20: the DP may not fall below the tier in force. dp_pct comes
    # from finance.policy.dp_pct (rounded down at 34 digits), so this compares exactly.
    passed = inp.dp_pct >= inp.min_dp_pct
    verb = "meets" if passed else "is below"
    shown = pct_shown_down(inp.dp_pct)
    message = f"Down payment {shown}% {verb} the minimum of {inp.min_dp_pct}%."
    return _result(MIN_DP, passed, cfg, message, actual=str(shown), limit=str(inp.min_dp_pct), op=">=")


def _dsr_ceiling(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    # dsr_pct comes from finance.policy.dsr (rounded up at 34 digits), so this compares exactly.
    passed = inp.dsr_pct <= cfg.max_dsr_pct
    verb = "is within" if passed else "exceeds"
    shown = pct_shown_up(inp.dsr_pct)
    message = f"DSR {shown}% {verb} the ceiling of {cfg.max_dsr_pct}%."
    return _result(DSR_CEILING, passed, cfg, message, actual=str(shown), limit=str(cfg.max_dsr_pct), op="<=")


def _months_rule(code: str, what: str, actual: int, limit: int, cfg: PolicyConfig) -> RuleResult:
    passed = actual >= limit
    verb = "meets" if passed else "is below"
    message = f"{what} of {actual} months {verb} the minimum of {limit} months."
    return _result(code, passed, cfg, message, actual=actual, limit=limit, op=">=")


def _negative_list(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    hits = inp.negative_list_hits
    passed = not hits
    message = "No negative list hit." if passed else f"Found on {len(hits)} negative list(s): {', '.join(hits)}."
    return _result(NEGATIVE_LIST, passed, cfg, message, actual=len(hits), limit=0, op="<=", hits=list(hits))


def _bureau_kol(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    limit = cfg.bureau_reject_from_kol
    if inp.bureau_kol is None and inp.bureau_no_record:
        passed = cfg.no_bureau_record_passes
        verb = "passes" if passed else "is refused"
        message = f"The credit bureau (SLIK) has no credit history for the applicant: a first credit, which {verb} by policy."
        return _result(BUREAU_KOL, passed, cfg, message, actual=None, limit=limit, op="<", missing=False, no_record=True)
    if inp.bureau_kol is None:
        message = "No credit bureau (SLIK) result is on file."
        return _result(BUREAU_KOL, False, cfg, message, actual=None, limit=limit, op="<", missing=True)
    passed = inp.bureau_kol < limit
    if passed:
        message = f"Worst bureau collectibility Kol {inp.bureau_kol}; Kol {limit} or worse is rejected."
    else:
        message = f"Worst bureau collectibility Kol {inp.bureau_kol} is Kol {limit} or worse."
    return _result(BUREAU_KOL, passed, cfg, message, actual=inp.bureau_kol, limit=limit, op="<", missing=False)


def _bureau_enquiry_fresh(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    limit = cfg.bureau_enquiry_max_age_days
    if inp.bureau_enquiry_date is None:
        message = "No credit bureau (SLIK) enquiry date is on file."
        return _result(BUREAU_ENQUIRY_FRESH, False, cfg, message, actual=None, limit=limit, op="<=", missing=True)
    days = (inp.as_of - inp.bureau_enquiry_date).days
    passed = days <= limit
    verb = "is within" if passed else "is older than"
    message = f"The bureau enquiry of {inp.bureau_enquiry_date.isoformat()} is {days} days old and {verb} the {limit}-day limit."
    return _result(
        BUREAU_ENQUIRY_FRESH,
        passed,
        cfg,
        message,
        actual=days,
        limit=limit,
        op="<=",
        missing=False,
        enquiry_date=inp.bureau_enquiry_date.isoformat(),
    )


def _bureau_consent(inp: PolicyInput, cfg: PolicyConfig) -> RuleResult:
    # SLIK may be queried only with the debtor's consent (domain primer §4).
    required = cfg.require_bureau_consent
    passed = inp.bureau_consent or not required
    if inp.bureau_consent:
        message = "The applicant consented to the credit bureau enquiry."
    elif passed:
        message = "No bureau consent on file; the policy does not require it."
    else:
        message = "The applicant has not consented to the credit bureau enquiry."
    return _result(BUREAU_CONSENT, passed, cfg, message, actual=inp.bureau_consent, limit=required, op="==")


def evaluate_policy(inp: PolicyInput, cfg: PolicyConfig | None = None) -> tuple[RuleResult, ...]:
    """Evaluate every policy rule (no short-circuit) and return the results in RULE_CODES order."""
    cfg = cfg if cfg is not None else PolicyConfig()
    return (
        _age_at_application(inp, cfg),
        _age_at_maturity(inp, cfg),
        _min_dp(inp, cfg),
        _dsr_ceiling(inp, cfg),
        _months_rule(RESIDENCE_LENGTH, "Residence", inp.residence_months, cfg.min_residence_months, cfg),
        _months_rule(EMPLOYMENT_LENGTH, "Employment", inp.employment_months, cfg.min_employment_months, cfg),
        _negative_list(inp, cfg),
        _bureau_kol(inp, cfg),
        _bureau_enquiry_fresh(inp, cfg),
        _bureau_consent(inp, cfg),
    )


def all_passed(results: tuple[RuleResult, ...]) -> bool:
    """Return True when every rule passed."""
    return all(result.passed for result in results)


def failed(results: tuple[RuleResult, ...]) -> tuple[RuleResult, ...]:
    """Return the failed rules, knock-out and soft."""
    return tuple(result for result in results if not result.passed)


def knocked_out(results: tuple[RuleResult, ...]) -> tuple[RuleResult, ...]:
    """Return the failed knock-out rules (reasons to reject)."""
    return tuple(result for result in results if not result.passed and result.knock_out)
