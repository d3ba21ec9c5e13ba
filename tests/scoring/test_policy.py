"""Tests for the knock-out and policy rules, each at its boundary."""

import dataclasses
import json
from datetime import date
from decimal import Decimal

import pytest

from angsur.finance import add_months
from angsur.scoring import (
    RULE_CODES,
    PolicyConfig,
    PolicyError,
    PolicyInput,
    age_in_years,
    all_passed,
    evaluate_policy,
    failed,
    knocked_out,
)

AS_OF = date(2026, 3, 15)
CFG = PolicyConfig()


def make(**overrides) -> PolicyInput:
    base = {
        "as_of": AS_OF,
        "birth_date": date(1990, 6, 20),
        "marital_status": "married",
        "employment_type": "employee",
        "tenor_months": 24,
        "dp_pct": Decimal("20"),
        "min_dp_pct": Decimal("20"),
        "dsr_pct": Decimal("30.00"),
        "residence_months": 24,
        "employment_months": 24,
        "negative_list_hits": (),
        "bureau_kol": 1,
        "bureau_enquiry_date": date(2026, 3, 1),
        "bureau_consent": True,
    }
    return PolicyInput(**(base | overrides))


def rule(inp: PolicyInput, code: str, cfg: PolicyConfig = CFG):
    return next(r for r in evaluate_policy(inp, cfg) if r.code == code)


def test_clean_application_passes_every_rule_in_order():
    results = evaluate_policy(make())
    assert tuple(r.code for r in results) == RULE_CODES
    assert all_passed(results)
    assert failed(results) == () == knocked_out(results)
    assert all(r.message for r in results)
    json.dumps([r.params for r in results])  # params are JSON-safe for the decision record


def test_default_config_uses_practice_defaults():
    assert evaluate_policy(make()) == evaluate_policy(make(), PolicyConfig())
    assert (CFG.min_age_at_application, CFG.max_age_at_maturity_employee, CFG.max_age_at_maturity_self_employed) == (21, 55, 60)
    assert CFG.max_dsr_pct == Decimal("33")


# --- age at application: 21, or (ever) married ---


@pytest.mark.parametrize(
    ("birth", "status", "passed", "age"),
    [
        (date(2005, 3, 15), "single", True, 21),  # 21st birthday today
        (date(2005, 3, 16), "single", False, 20),  # 21 tomorrow
        (date(2005, 3, 16), "married", True, 20),
        (date(2005, 3, 16), "divorced", True, 20),
        (date(2005, 3, 16), "widowed", True, 20),
    ],
)
def test_age_at_application(birth, status, passed, age):
    result = rule(make(birth_date=birth, marital_status=status, tenor_months=12), "age_at_application")
    assert result.passed is passed
    assert result.knock_out
    assert (result.params["actual"], result.params["limit"]) == (age, 21)


def test_age_at_application_marriage_exemption_is_configurable():
    cfg = PolicyConfig(adult_by_marriage_statuses=frozenset({"married"}))
    assert not rule(make(birth_date=date(2005, 3, 16), marital_status="divorced"), "age_at_application", cfg).passed


# --- age at maturity: 55 employee, 60 self-employed ---


@pytest.mark.parametrize(
    ("birth", "employment", "passed", "age", "limit"),
    [
        (date(1972, 3, 16), "employee", True, 55, 55),  # turns 56 the day after maturity
        (date(1972, 3, 15), "employee", False, 56, 55),  # turns 56 on maturity day
        (date(1972, 3, 15), "self_employed", True, 56, 60),
        (date(1967, 3, 16), "self_employed", True, 60, 60),
        (date(1967, 3, 15), "self_employed", False, 61, 60),
        (date(1972, 3, 15), "other", False, 56, 55),
    ],
)
def test_age_at_maturity(birth, employment, passed, age, limit):
    result = rule(make(birth_date=birth, employment_type=employment, tenor_months=24), "age_at_maturity")
    assert result.passed is passed
    assert result.params["actual"] == age
    assert result.params["limit"] == limit
    assert result.params["maturity_date"] == "2028-03-15"


def test_maturity_date_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 13) == date(2027, 2, 28)
    assert add_months(date(2027, 3, 31), 11) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 2) == date(2027, 1, 30)


def test_age_in_years_leap_birthday():
    assert age_in_years(date(2000, 2, 29), date(2021, 2, 28)) == 20
    assert age_in_years(date(2000, 2, 29), date(2021, 3, 1)) == 21


# --- min DP (POJK 35/2018 Pasal 20) ---


@pytest.mark.parametrize(("dp", "passed"), [(Decimal("20"), True), (Decimal("20.00"), True), (Decimal("19.99"), False)])
def test_min_dp(dp, passed):
    result = rule(make(dp_pct=dp, min_dp_pct=Decimal("20")), "min_dp")
    assert result.passed is passed
    assert result.knock_out
    assert result.params["limit"] == "20"
    assert Decimal(result.params["actual"]) == dp


# --- DSR ceiling ---


@pytest.mark.parametrize(
    ("dsr", "passed", "shown"),
    [
        (Decimal("33.00"), True, "33.00"),
        (Decimal("33.01"), False, "33.01"),
        (Decimal("41.20"), False, "41.20"),
        # 3,300,400 / 10,000,000: compared unrounded, shown rounded up (never as a passing 33.00).
        (Decimal("33.004"), False, "33.01"),
    ],
)
def test_dsr_ceiling(dsr, passed, shown):
    result = rule(make(dsr_pct=dsr), "dsr_ceiling")
    assert result.passed is passed
    assert result.params["actual"] == shown
    assert result.params["limit"] == "33"


def test_dsr_params_match_brief_example():
    result = rule(make(dsr_pct=Decimal("41.20")), "dsr_ceiling")
    assert {k: result.params[k] for k in ("actual", "limit")} == {"actual": "41.20", "limit": "33"}
    assert "41.20" in result.message


# --- residence and employment length (soft by default) ---


@pytest.mark.parametrize("code,field", [("residence_length", "residence_months"), ("employment_length", "employment_months")])
@pytest.mark.parametrize(("months", "passed"), [(12, True), (11, False), (0, False)])
def test_months_rules(code, field, months, passed):
    result = rule(make(**{field: months}), code)
    assert result.passed is passed
    assert result.knock_out is False
    assert (result.params["actual"], result.params["limit"]) == (months, 12)


def test_soft_rules_are_configurable():
    cfg = PolicyConfig(soft_rules=frozenset())
    assert rule(make(residence_months=0), "residence_length", cfg).knock_out is True
    cfg = PolicyConfig(soft_rules=frozenset({"dsr_ceiling"}))
    assert rule(make(dsr_pct=Decimal(50)), "dsr_ceiling", cfg).knock_out is False


# --- negative list ---


def test_negative_list():
    assert rule(make(negative_list_hits=()), "negative_list").passed
    result = rule(make(negative_list_hits=("internal_blacklist", "dttot")), "negative_list")
    assert not result.passed
    assert result.knock_out
    assert result.params["hits"] == ["internal_blacklist", "dttot"]
    assert result.params["actual"] == 2


# --- bureau (SLIK) ---


@pytest.mark.parametrize(("kol", "passed"), [(1, True), (2, True), (3, False), (5, False)])
def test_bureau_kol(kol, passed):
    result = rule(make(bureau_kol=kol), "bureau_kol")
    assert result.passed is passed
    assert result.params == {"actual": kol, "limit": 3, "op": "<", "missing": False}


def test_bureau_kol_missing_fails():
    result = rule(make(bureau_kol=None), "bureau_kol")
    assert not result.passed
    assert result.params["missing"] is True


def test_bureau_kol_threshold_configurable():
    assert rule(make(bureau_kol=3), "bureau_kol", PolicyConfig(bureau_reject_from_kol=4)).passed


@pytest.mark.parametrize(("enquiry", "passed", "days"), [(date(2026, 2, 13), True, 30), (date(2026, 2, 12), False, 31), (AS_OF, True, 0)])
def test_bureau_enquiry_fresh(enquiry, passed, days):
    result = rule(make(bureau_enquiry_date=enquiry), "bureau_enquiry_fresh")
    assert result.passed is passed
    assert (result.params["actual"], result.params["limit"]) == (days, 30)
    assert result.knock_out is False


def test_bureau_enquiry_missing_fails():
    result = rule(make(bureau_enquiry_date=None), "bureau_enquiry_fresh")
    assert not result.passed
    assert result.params["missing"] is True


def test_bureau_consent():
    assert rule(make(bureau_consent=True), "bureau_consent").passed
    refused = rule(make(bureau_consent=False), "bureau_consent")
    assert not refused.passed and refused.knock_out
    assert rule(make(bureau_consent=False), "bureau_consent", PolicyConfig(require_bureau_consent=False)).passed


def test_every_failure_reported_no_short_circuit():
    inp = make(
        birth_date=date(2006, 1, 1),
        marital_status="single",
        tenor_months=60,
        dp_pct=Decimal(5),
        dsr_pct=Decimal(50),
        residence_months=1,
        employment_months=1,
        negative_list_hits=("dttot",),
        bureau_kol=None,
        bureau_enquiry_date=None,
        bureau_consent=False,
    )
    results = evaluate_policy(inp)
    assert [r.code for r in failed(results)] == [c for c in RULE_CODES if c != "age_at_maturity"]
    assert {r.code for r in knocked_out(results)} == {
        "age_at_application",
        "min_dp",
        "dsr_ceiling",
        "negative_list",
        "bureau_kol",
        "bureau_consent",
    }
    assert not all_passed(results)
    json.dumps([r.params for r in results])


# --- refused configuration and input ---


@pytest.mark.parametrize(
    "kwargs",
    [
        {"soft_rules": frozenset({"min_dp"})},
        {"soft_rules": frozenset({"bureau_consent"})},
        {"soft_rules": frozenset({"no_such_rule"})},
        {"bureau_reject_from_kol": 1},
        {"bureau_reject_from_kol": 6},
        {"max_dsr_pct": Decimal(0)},
        {"max_dsr_pct": 33.0},
        {"min_residence_months": -1},
        {"adult_by_marriage_statuses": frozenset({"engaged"})},
        {"require_bureau_consent": "yes"},
    ],
)
def test_invalid_config_refused(kwargs):
    with pytest.raises(PolicyError) as exc:
        PolicyConfig(**kwargs)
    assert exc.value.code == "policy_config_invalid"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"birth_date": date(2026, 3, 16)}, "birth_date"),
        ({"marital_status": "kawin"}, "marital_status"),
        ({"employment_type": "pns"}, "employment_type"),
        ({"tenor_months": 0}, "tenor_months"),
        ({"dsr_pct": 30.5}, "dsr_pct"),
        ({"dp_pct": Decimal(-1)}, "dp_pct"),
        ({"residence_months": -1}, "residence_months"),
        ({"bureau_kol": 6}, "bureau_kol"),
        ({"bureau_kol": 0}, "bureau_kol"),
        ({"bureau_enquiry_date": date(2026, 3, 16)}, "bureau_enquiry_date"),
        ({"negative_list_hits": "dttot"}, "negative_list_hits"),
        ({"bureau_consent": None}, "bureau_consent"),
    ],
)
def test_invalid_input_refused(kwargs, field):
    with pytest.raises(PolicyError) as exc:
        make(**kwargs)
    assert exc.value.code == "policy_input_invalid"
    assert exc.value.params["field"] == field


def test_input_normalises_list_hits_and_int_ratios():
    inp = make(negative_list_hits=["dttot"], dp_pct=20)
    assert inp.negative_list_hits == ("dttot",)
    assert inp.dp_pct == Decimal(20) and isinstance(inp.dp_pct, Decimal)
    with pytest.raises(dataclasses.FrozenInstanceError):
        inp.dp_pct = Decimal(1)


# --- "no credit history" is a bureau result (issue 15, item 1) ---


def test_no_credit_history_passes_the_bureau_rule_by_default_and_says_so():
    result = rule(make(bureau_kol=None, bureau_no_record=True), "bureau_kol")
    assert result.passed is True and result.knock_out
    assert result.params["no_record"] is True and result.params["missing"] is False
    assert "no credit history" in result.message


def test_a_company_may_refuse_no_credit_history():
    result = rule(make(bureau_kol=None, bureau_no_record=True), "bureau_kol", PolicyConfig(no_bureau_record_passes=False))
    assert result.passed is False and result.params["no_record"] is True


def test_a_result_not_entered_still_fails_as_not_entered():
    result = rule(make(bureau_kol=None), "bureau_kol")
    assert result.passed is False and result.params["missing"] is True


def test_no_record_cannot_go_with_a_collectibility_class():
    with pytest.raises(PolicyError):
        make(bureau_kol=1, bureau_no_record=True)
