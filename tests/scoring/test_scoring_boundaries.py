"""Boundaries of the scoring core: limits the policy allows, refusals pinned whole, every rule's explanation.

A rule's result is what the analyst and (privacy-filtered) the dealer read: its code, whether it passed,
whether it knocks out, the figures behind it and the sentence that explains it. Each is pinned here.
"""

from datetime import date
from decimal import Decimal

import pytest

from angsur.scoring import (
    DEFAULT_SCORECARD,
    AffordabilityError,
    IdentityError,
    PolicyConfig,
    PolicyError,
    ScoringError,
    disposable_income_per_dependent,
    evaluate_policy,
    mask_nik,
    mask_phone,
    parse_nik,
    validate_kk,
)
from angsur.scoring.errors import format_message
from tests.scoring.test_policy import AS_OF, make

D = Decimal


def _rules(inp, cfg=None):
    return [(r.code, r.passed, r.knock_out, r.params, r.message) for r in evaluate_policy(inp, cfg)]


# --- Every rule explained, passing ----------------------------------------------------------------------------


def test_a_clean_application_passes_every_rule_with_its_figures_and_sentence():
    # Given a married employee of 35, DP 20 % on a 20 % minimum, DSR 30 %, two years at home and at work,
    # Kol 1 from a 14-day-old enquiry, consent given
    assert _rules(make()) == [
        (
            "age_at_application",
            True,
            True,
            {"actual": 35, "limit": 21, "op": ">=", "marital_status": "married", "adult_by_marriage": True},
            "Age 35 at application; the minimum is 21 unless married.",
        ),
        (
            "age_at_maturity",
            True,
            True,
            {"actual": 37, "limit": 55, "op": "<=", "maturity_date": "2028-03-15", "employment_type": "employee"},
            "Age 37 at maturity (2028-03-15) is within the maximum of 55 for employee.",
        ),
        ("min_dp", True, True, {"actual": "20.00", "limit": "20", "op": ">="}, "Down payment 20.00% meets the minimum of 20%."),
        ("dsr_ceiling", True, True, {"actual": "30.00", "limit": "33", "op": "<="}, "DSR 30.00% is within the ceiling of 33%."),
        (
            "residence_length",
            True,
            False,
            {"actual": 24, "limit": 12, "op": ">="},
            "Residence of 24 months meets the minimum of 12 months.",
        ),
        (
            "employment_length",
            True,
            False,
            {"actual": 24, "limit": 12, "op": ">="},
            "Employment of 24 months meets the minimum of 12 months.",
        ),
        ("negative_list", True, True, {"actual": 0, "limit": 0, "op": "<=", "hits": []}, "No negative list hit."),
        (
            "bureau_kol",
            True,
            True,
            {"actual": 1, "limit": 3, "op": "<", "missing": False},
            "Worst bureau collectibility Kol 1; Kol 3 or worse is rejected.",
        ),
        (
            "bureau_enquiry_fresh",
            True,
            False,
            {"actual": 14, "limit": 30, "op": "<=", "missing": False, "enquiry_date": "2026-03-01"},
            "The bureau enquiry of 2026-03-01 is 14 days old and is within the 30-day limit.",
        ),
        (
            "bureau_consent",
            True,
            True,
            {"actual": True, "limit": True, "op": "=="},
            "The applicant consented to the credit bureau enquiry.",
        ),
    ]


def test_an_application_failing_every_rule_it_can_says_why_for_each():
    # Given a single 20-year-old, DP 9.999 % on a 10 % minimum, DSR 33.001 %, 11 months at home, none at work,
    # two negative-list hits, Kol 3, an enquiry 31 days old and no consent
    inp = make(
        birth_date=date(2006, 1, 1),
        marital_status="single",
        employment_type="other",
        tenor_months=60,
        dp_pct=D("9.999"),
        min_dp_pct=D(10),
        dsr_pct=D("33.001"),
        residence_months=11,
        employment_months=0,
        negative_list_hits=("dttot", "internal"),
        bureau_kol=3,
        bureau_enquiry_date=date(2026, 2, 12),
        bureau_consent=False,
    )

    # Then the DP is shown rounded down and the DSR rounded up, so neither looks within its limit
    assert _rules(inp) == [
        (
            "age_at_application",
            False,
            True,
            {"actual": 20, "limit": 21, "op": ">=", "marital_status": "single", "adult_by_marriage": False},
            "Age 20 at application is below the minimum of 21 and the applicant has never married.",
        ),
        (
            "age_at_maturity",
            True,
            True,
            {"actual": 25, "limit": 55, "op": "<=", "maturity_date": "2031-03-15", "employment_type": "other"},
            "Age 25 at maturity (2031-03-15) is within the maximum of 55 for other.",
        ),
        ("min_dp", False, True, {"actual": "9.99", "limit": "10", "op": ">="}, "Down payment 9.99% is below the minimum of 10%."),
        ("dsr_ceiling", False, True, {"actual": "33.01", "limit": "33", "op": "<="}, "DSR 33.01% exceeds the ceiling of 33%."),
        (
            "residence_length",
            False,
            False,
            {"actual": 11, "limit": 12, "op": ">="},
            "Residence of 11 months is below the minimum of 12 months.",
        ),
        (
            "employment_length",
            False,
            False,
            {"actual": 0, "limit": 12, "op": ">="},
            "Employment of 0 months is below the minimum of 12 months.",
        ),
        (
            "negative_list",
            False,
            True,
            {"actual": 2, "limit": 0, "op": "<=", "hits": ["dttot", "internal"]},
            "Found on 2 negative list(s): dttot, internal.",
        ),
        (
            "bureau_kol",
            False,
            True,
            {"actual": 3, "limit": 3, "op": "<", "missing": False},
            "Worst bureau collectibility Kol 3 is Kol 3 or worse.",
        ),
        (
            "bureau_enquiry_fresh",
            False,
            False,
            {"actual": 31, "limit": 30, "op": "<=", "missing": False, "enquiry_date": "2026-02-12"},
            "The bureau enquiry of 2026-02-12 is 31 days old and is older than the 30-day limit.",
        ),
        (
            "bureau_consent",
            False,
            True,
            {"actual": False, "limit": True, "op": "=="},
            "The applicant has not consented to the credit bureau enquiry.",
        ),
    ]


def test_missing_bureau_data_fails_its_rules_and_consent_not_required_passes():
    inp = make(bureau_kol=None, bureau_enquiry_date=None, bureau_consent=False)

    assert _rules(inp, PolicyConfig(require_bureau_consent=False))[7:] == [
        ("bureau_kol", False, True, {"actual": None, "limit": 3, "op": "<", "missing": True}, "No credit bureau (SLIK) result is on file."),
        (
            "bureau_enquiry_fresh",
            False,
            False,
            {"actual": None, "limit": 30, "op": "<=", "missing": True},
            "No credit bureau (SLIK) enquiry date is on file.",
        ),
        (
            "bureau_consent",
            True,
            True,
            {"actual": False, "limit": False, "op": "=="},
            "No bureau consent on file; the policy does not require it.",
        ),
    ]


def test_a_self_employed_applicant_may_be_60_at_maturity():
    # Born 20 June 1968: 59 at maturity on 15 March 2028 (24 months), within 60, beyond the employee's 55.
    inp = make(birth_date=date(1968, 6, 20), employment_type="self_employed")
    result = evaluate_policy(inp)[1]
    assert (result.passed, result.params["actual"], result.params["limit"]) == (True, 59, 60)
    assert evaluate_policy(make(birth_date=date(1968, 6, 20)))[1].passed is False


# --- 6. Boundaries a policy may configure ----------------------------------------------------------------------


def test_age_at_maturity_beyond_the_limit_says_it_exceeds_it():
    # Born 20 June 1968: 59 at maturity; an employee may be 55 at most, "other" is configured separately.
    cfg = PolicyConfig(max_age_at_maturity_other=60)
    result = evaluate_policy(make(birth_date=date(1968, 6, 20)), cfg)[1]
    assert (result.passed, result.message) == (False, "Age 59 at maturity (2028-03-15) exceeds the maximum of 55 for employee.")
    assert evaluate_policy(make(birth_date=date(1968, 6, 20), employment_type="other"), cfg)[1].passed


def test_a_foreign_phone_names_its_country_code():
    from angsur.scoring import normalize_phone

    assert _identity_refusal(normalize_phone, "+65 6123 4567") == ("phone_not_indonesian", {"country_code": 65})


def test_a_configuration_of_zero_months_accepts_a_first_day_at_home_and_at_work():
    cfg = PolicyConfig(min_residence_months=0, min_employment_months=0, bureau_enquiry_max_age_days=0, min_age_at_application=0)
    results = evaluate_policy(make(residence_months=0, employment_months=0, bureau_enquiry_date=AS_OF), cfg)
    assert [r.passed for r in results[4:6]] == [True, True]
    assert results[8].passed and results[8].params["actual"] == 0


def test_reject_from_kol_5_only_lets_kol_4_pass():
    cfg = PolicyConfig(bureau_reject_from_kol=5)
    assert evaluate_policy(make(bureau_kol=4), cfg)[7].passed
    assert not evaluate_policy(make(bureau_kol=5), cfg)[7].passed
    assert not evaluate_policy(make(bureau_kol=2), PolicyConfig(bureau_reject_from_kol=2))[7].passed


def test_a_dsr_ceiling_may_be_anything_above_0_up_to_100():
    assert PolicyConfig(max_dsr_pct=D(100)).max_dsr_pct == 100
    assert PolicyConfig(max_dsr_pct=D("0.01")).max_dsr_pct == D("0.01")
    assert PolicyConfig(max_dsr_pct=40).max_dsr_pct == D(40)


def _config_refusal(**kwargs):
    with pytest.raises(PolicyError) as caught:
        PolicyConfig(**kwargs)
    assert caught.value.code == "policy_config_invalid"
    assert caught.value.message == f"The credit policy configuration is invalid: {caught.value.params['reason']}"
    return caught.value.params


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({"min_residence_months": -1}, "min_residence_months", "must be a whole number of zero or more"),
        ({"min_employment_months": 1.0}, "min_employment_months", "must be a whole number of zero or more"),
        ({"min_age_at_application": True}, "min_age_at_application", "must be a whole number of zero or more"),
        ({"bureau_enquiry_max_age_days": -1}, "bureau_enquiry_max_age_days", "must be a whole number of zero or more"),
        ({"max_dsr_pct": 33.0}, "max_dsr_pct", "must be a Decimal"),
        ({"max_dsr_pct": True}, "max_dsr_pct", "must be a Decimal"),
        ({"max_dsr_pct": D("NaN")}, "max_dsr_pct", "must be a Decimal"),
        ({"max_dsr_pct": D(0)}, "max_dsr_pct", "must be above 0 and at most 100"),
        ({"max_dsr_pct": D("100.01")}, "max_dsr_pct", "must be above 0 and at most 100"),
        ({"bureau_reject_from_kol": 1}, "bureau_reject_from_kol", "must be a collectibility class from 2 to 5"),
        ({"bureau_reject_from_kol": 6}, "bureau_reject_from_kol", "must be a collectibility class from 2 to 5"),
        ({"bureau_reject_from_kol": True}, "bureau_reject_from_kol", "must be a collectibility class from 2 to 5"),
        ({"bureau_reject_from_kol": 3.0}, "bureau_reject_from_kol", "must be a collectibility class from 2 to 5"),
        ({"require_bureau_consent": 1}, "require_bureau_consent", "must be true or false"),
        ({"soft_rules": {"residence_length", "nap"}}, "soft_rules", "unknown rules ['nap']"),
        ({"soft_rules": {"min_dp", "bureau_consent"}}, "soft_rules", "regulatory rules ['bureau_consent', 'min_dp'] must stay knock-out"),
        ({"adult_by_marriage_statuses": {"married", "engaged"}}, "adult_by_marriage_statuses", "unknown statuses ['engaged']"),
    ],
)
def test_a_bad_policy_configuration_is_refused_naming_the_setting(kwargs, field, reason):
    assert _config_refusal(**kwargs) == {"field": field, "reason": f"{field} {reason}"}


def _input_refusal(**overrides):
    with pytest.raises(PolicyError) as caught:
        make(**overrides)
    assert caught.value.code == "policy_input_invalid"
    return caught.value.params


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"as_of": "2026-03-15"}, "as_of", "must be a date"),
        ({"birth_date": None}, "birth_date", "must be a date"),
        ({"birth_date": date(2026, 3, 16)}, "birth_date", "lies after the application date"),
        ({"marital_status": "engaged"}, "marital_status", "must be one of ['divorced', 'married', 'single', 'widowed']"),
        ({"employment_type": "student"}, "employment_type", "must be one of ['employee', 'other', 'self_employed']"),
        ({"tenor_months": 0}, "tenor_months", "must be a whole number of months above zero"),
        ({"tenor_months": True}, "tenor_months", "must be a whole number of months above zero"),
        ({"dp_pct": 20.0}, "dp_pct", "must be a Decimal of zero or more"),
        ({"min_dp_pct": D(-1)}, "min_dp_pct", "must be a Decimal of zero or more"),
        ({"dsr_pct": D("Infinity")}, "dsr_pct", "must be a Decimal of zero or more"),
        ({"dsr_pct": False}, "dsr_pct", "must be a Decimal of zero or more"),
        ({"residence_months": -1}, "residence_months", "must be a whole number of months of zero or more"),
        ({"employment_months": 1.5}, "employment_months", "must be a whole number of months of zero or more"),
        ({"negative_list_hits": "dttot"}, "negative_list_hits", "must be a sequence of list codes"),
        ({"negative_list_hits": ("dttot", 7)}, "negative_list_hits", "must be a sequence of list codes"),
        ({"bureau_kol": 0}, "bureau_kol", "must be a collectibility class from 1 to 5"),
        ({"bureau_kol": 6}, "bureau_kol", "must be a collectibility class from 1 to 5"),
        ({"bureau_kol": True}, "bureau_kol", "must be a collectibility class from 1 to 5"),
        ({"bureau_enquiry_date": "2026-03-01"}, "bureau_enquiry_date", "must be a date"),
        ({"bureau_enquiry_date": date(2026, 3, 16)}, "bureau_enquiry_date", "lies after the application date"),
        ({"bureau_consent": "yes"}, "bureau_consent", "must be true or false"),
    ],
)
def test_a_bad_policy_input_is_refused_naming_the_fact(overrides, field, reason):
    assert _input_refusal(**overrides) == {"field": field, "reason": reason}


def test_policy_input_limits_that_are_allowed():
    # Born on the application day, Kol 1 and Kol 5, an enquiry on the day itself, ratios of zero, ints as ratios.
    inp = make(birth_date=AS_OF, bureau_kol=5, bureau_enquiry_date=AS_OF, dp_pct=0, min_dp_pct=D(0), dsr_pct=D(0), tenor_months=1)
    assert (inp.dp_pct, type(inp.dp_pct)) == (D(0), Decimal)
    assert make(bureau_kol=1).bureau_kol == 1
    assert make(negative_list_hits=["a"]).negative_list_hits == ("a",)


# --- Affordability ---------------------------------------------------------------------------------------------


def _affordability_refusal(**overrides):
    args = {"income": D(1000), "expenses": D(0), "installments": D(0), "dependents": 0} | overrides
    with pytest.raises(AffordabilityError) as caught:
        disposable_income_per_dependent(**args)
    return caught.value.code, caught.value.params


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"income": 1.5}, ("amount_invalid", {"field": "income"})),
        ({"income": True}, ("amount_invalid", {"field": "income"})),
        ({"income": D("NaN")}, ("amount_invalid", {"field": "income"})),
        ({"expenses": D(-1)}, ("amount_negative", {"field": "expenses", "amount": "-1"})),
        ({"expenses": "5"}, ("amount_invalid", {"field": "expenses"})),
        ({"installments": "100"}, ("amount_invalid", {"field": "installments"})),
        ({"installments": 100.0}, ("amount_invalid", {"field": "installments"})),
        ({"installments": [D(1), D(-2)]}, ("amount_negative", {"field": "installments", "amount": "-2"})),
        ({"installments": D(-2)}, ("amount_negative", {"field": "installments", "amount": "-2"})),
        ({"dependents": -1}, ("dependents_invalid", {"dependents": "-1"})),
        ({"dependents": True}, ("dependents_invalid", {"dependents": "True"})),
    ],
)
def test_affordability_refusals_name_the_amount(overrides, expected):
    assert _affordability_refusal(**overrides) == expected


def test_disposable_income_adds_every_installment_and_takes_ints():
    # (10,000 - 1,000 - (500 + 300 + 200)) / (1 + 1) = 4,000
    assert disposable_income_per_dependent(income=10_000, expenses=1_000, installments=[500, D(300), 200], dependents=1) == 4_000
    assert disposable_income_per_dependent(income=10_000, expenses=0, installments=(), dependents=0) == 10_000


def test_disposable_income_rounds_half_up_once_at_full_precision():
    # 0.99…9 (28 nines) shared by two is 0.499…95, below half a rupiah: rounded once it is 0; divided at
    # Python's default 28 digits it would first become 0.5 and then round up to 1.
    assert disposable_income_per_dependent(income=D("0." + "9" * 28), expenses=0, installments=0, dependents=1) == 0
    assert disposable_income_per_dependent(income=D("2.5"), expenses=0, installments=0, dependents=0) == 3


# --- 7. Masking ------------------------------------------------------------------------------------------------


def test_a_value_no_longer_than_what_is_kept_is_masked_whole():
    # A NIK keeps 6 + 4 digits and a phone "+62" + 3 + 4: a 10-character value would show entirely.
    assert mask_nik("3175091201") == "*" * 10
    assert mask_nik("31750912011") == "317509*2011"
    assert mask_phone("+628123456") == "*" * 10
    assert mask_phone("+6281234567") == "+62812*4567"


def test_masking_a_missing_value_shows_nothing():
    assert mask_nik(None) == ""  # type: ignore[arg-type]


# --- Identity ---------------------------------------------------------------------------------------------------


def _identity_refusal(call, *args, **kwargs):
    with pytest.raises(IdentityError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.params


def test_identity_refusals_carry_their_figures():
    assert _identity_refusal(parse_nik, "31750912019000", as_of=AS_OF) == ("nik_format", {"length": 14})
    assert _identity_refusal(parse_nik, None, as_of=AS_OF) == ("nik_format", {"length": 0})
    assert _identity_refusal(parse_nik, "9975091201900001", as_of=AS_OF) == ("nik_region", {"region_code": "997509", "province_code": "99"})
    assert _identity_refusal(parse_nik, "3175091201900001", as_of=AS_OF, province_codes={"32"}) == (
        "nik_region",
        {"region_code": "317509", "province_code": "31"},
    )
    assert _identity_refusal(validate_kk, "31750912") == ("kk_format", {"length": 8})
    from angsur.scoring import check_nik_against_declared

    assert _identity_refusal(check_nik_against_declared, "3175091201900001", birth_date=date(1990, 1, 12), sex="L", as_of=AS_OF) == (
        "sex_invalid",
        {"sex": "L"},
    )


def test_a_birth_on_the_application_day_is_this_century():
    assert parse_nik("3175091503260001", as_of=date(2026, 3, 15)).birth_date == date(2026, 3, 15)


def test_a_29_february_seen_from_2100_is_2000_since_2100_is_no_leap_year():
    # 29/02/00 from 1 March 2100: 2100-02-29 does not exist, 2000-02-29 does (2000 is a leap year, 2100 not).
    assert parse_nik("3175092902000001", as_of=date(2100, 3, 1)).birth_date == date(2000, 2, 29)
    # And a date that exists in 2100 is 2100 itself.
    assert parse_nik("3175090101000001", as_of=date(2100, 3, 1)).birth_date == date(2100, 1, 1)


# --- Errors ------------------------------------------------------------------------------------------------------


def test_an_unknown_code_is_its_own_message():
    assert format_message("no_such_code", {}) == "no_such_code"
    assert ScoringError("no_such_code").message == "no_such_code"
    assert str(ScoringError("nik_format")) == "The NIK must be exactly 16 digits."
    assert ScoringError("nik_format", message="custom").message == "custom"
    assert repr(IdentityError("nik_format", {"length": 3})) == "IdentityError('nik_format', {'length': 3})"


def test_an_error_keeps_a_custom_message_through_pickling():
    import pickle

    error = IdentityError("nik_format", {"length": 3}, message="Nomor NIK harus 16 digit.")
    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (type(clone), clone.code, clone.params, clone.message) == (
        IdentityError,
        "nik_format",
        {"length": 3},
        "Nomor NIK harus 16 digit.",
    )


def test_the_demo_scorecard_is_the_documented_one():
    # Base 300 plus each attribute's fewest points, a missing value included: age 0 (missing), DSR -20,
    # ownership 10 (missing), stay 10, employment 10, type 0 (missing), dependents 10, DP 0 (missing),
    # Kol 3-5 -60, vehicle 0 (missing).
    assert DEFAULT_SCORECARD.min_score == 300 + 0 - 20 + 10 + 10 + 10 + 0 + 10 + 0 - 60 + 0
    assert DEFAULT_SCORECARD.max_score == 300 + 50 + 70 + 60 + 50 + 50 + 45 + 40 + 60 + 60 + 35
