"""Absurd quote input answers 400 with a message, never 500 (issue 15, item 15); the CLI and the API share one
check of the terms' limits; a 0 % loan is exact; the rounding difference may go to the last installment; half-even."""

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from angsur.devdata.factories import make_rate_card
from angsur.errors import DomainError
from angsur.finance.quote import OTR_MAX, TENOR_MAX_MONTHS
from angsur.origination.models import SavedQuote
from angsur.products.models import RateCard
from angsur.products.services import quote_from_terms, quote_price

AS_OF = dt.date(2026, 11, 26)
FREE = {"otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "flat_rate": "17"}


def _post(api, user, body):
    return api(user).post("/api/quotes", body, content_type="application/json")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"otr": "1e34"}, "amount_too_large", "otr"),
        ({"otr": "100000000001"}, "amount_too_large", "otr"),
        ({"otr": "1e34", "down_payment": None, "down_payment_pct": "20"}, "amount_too_large", "otr"),
        ({"down_payment": "1e40"}, "amount_too_large", "down_payment"),
        ({"down_payment": "3000000.001"}, "fractional_sen", "down_payment"),
        ({"rounding": "1e-30"}, "rounding_unit_out_of_range", "rounding"),
        ({"rounding": "0.5"}, "rounding_unit_out_of_range", "rounding"),
        ({"rounding": "0"}, "rounding_unit_out_of_range", "rounding"),
        ({"rounding": "1e30"}, "rounding_unit_out_of_range", "rounding"),
        ({"tenor_months": 600}, "tenor_too_long", "tenor_months"),
        ({"tenor_months": 0}, "tenor_not_positive", "tenor_months"),
    ],
)
def test_absurd_free_terms_are_a_400_with_a_message(api, cmo_a, changes, code, field):
    body = {k: v for k, v in {**FREE, **changes}.items() if v is not None}
    response = _post(api, cmo_a, body)
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert response.json()["message"] and "%(" not in response.json()["message"]


def test_the_limit_is_named_in_indonesian(api, cmo_a):
    response = api(cmo_a).post("/api/quotes", {**FREE, "otr": "1e34"}, content_type="application/json", headers={"Accept-Language": "id"})
    assert response.json()["message"] == "OTR melebihi batas maksimum Rp100.000.000.000."


@pytest.mark.parametrize("otr", ["1e17", "99999999999999999999"])
def test_an_amount_beyond_the_database_range_is_refused_before_saving(api, cmo_a, products, otr):
    response = _post(
        api,
        cmo_a,
        {
            "product": "OJK17",
            "otr": otr,
            "down_payment_pct": "30",
            "tenor_months": 12,
            "vehicle_year": 2026,
            "save": True,
            "prospect_name": "X",
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "amount_too_large"
    assert not SavedQuote.objects.exists()


def test_a_fee_configured_beyond_the_storage_range_refuses_the_quote(products):
    card = RateCard.objects.get(product=products["NMC"])
    card.fees.filter(code="admin").update(amount_sen=9 * 10**18)  # paid up front: in the TDP
    with pytest.raises(DomainError) as info:
        quote_price(
            product=products["NMC"],
            branch_id=None,
            as_of=AS_OF,
            otr=Decimal(23_400_000),
            down_payment=Decimal(4_700_000),
            tenor_months=12,
            vehicle_year=2026,
        )
    assert info.value.code == "amount_too_large"


def test_the_product_route_has_the_same_limits(products):
    with pytest.raises(DomainError) as info:
        quote_price(
            product=products["OJK17"],
            branch_id=None,
            as_of=AS_OF,
            otr=OTR_MAX + 1,
            down_payment=Decimal(0),
            tenor_months=12,
            vehicle_year=2026,
        )
    assert info.value.code == "amount_too_large"


# --- the CLI shares the check ---------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "angsur.cli", "quote", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--tenor", "600"], "tenor_too_long"),
        (["--otr", "1e34"], "amount_too_large"),
        (["--rounding", "1e-30"], "rounding_unit_out_of_range"),
    ],
)
def test_the_cli_refuses_what_the_api_refuses(args, needle):
    base = {"--otr": "15000000", "--dp": "3000000", "--tenor": "12", "--flat-rate": "17"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = _cli(*[part for pair in base.items() for part in pair])
    assert result.returncode != 0
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_cli_and_api_share_the_tenor_limit():
    with pytest.raises(DomainError) as info:
        quote_from_terms(
            otr=Decimal(15_000_000), down_payment=Decimal(3_000_000), tenor_months=TENOR_MAX_MONTHS + 1, as_of=AS_OF, flat_rate=Decimal(17)
        )
    assert info.value.code == "tenor_too_long"
    quote = quote_from_terms(
        otr=Decimal(15_000_000), down_payment=Decimal(3_000_000), tenor_months=TENOR_MAX_MONTHS, as_of=AS_OF, flat_rate=Decimal(17)
    )
    assert quote.tenor_months == TENOR_MAX_MONTHS


# --- a 0 % loan is exact; the residue; half-even -----------------------------------------------------------


@pytest.mark.parametrize("residue", ["interest", "last_installment"])
def test_a_zero_percent_loan_creates_no_interest_from_rounding(api, cmo_a, residue):
    # 10,000,000 over 12 months at 0 %: 833,333.33 a month, rounded up to 834,000 would take Rp8,000 of interest.
    body = _post(api, cmo_a, {**FREE, "otr": "13000000", "flat_rate": "0", "residue": residue}).json()
    assert body["total_interest"] == "0" and body["total_payable"] == "10000000"
    assert body["installment"] == "834000" and body["last_installment"] == "826000"
    assert body["effective_rate_annual"] == "0.0000"


def test_the_rounding_difference_may_go_to_the_last_installment(api, cmo_a):
    # 10,100,000 at 17 % flat over 12 months: 984,750 a month, rounded up to 985,000.
    level = _post(api, cmo_a, {**FREE, "otr": "13100000"}).json()
    last = _post(api, cmo_a, {**FREE, "otr": "13100000", "residue": "last_installment"}).json()
    assert level["installment"] == level["last_installment"] == "985000"
    assert level["total_interest"] == "1720000"  # the rounding adds Rp3,000 to the interest
    assert last["installment"] == "985000" and last["last_installment"] == "982000"
    assert last["total_interest"] == "1717000"  # exactly the flat interest: the difference is in the last installment


def test_half_even_rounding_rounds_a_tie_to_the_even_unit(api, cmo_a):
    # 12,000,000 at 0 % over 24 months is 500,000 a month; 12,012,000 makes it 500,500: a tie at Rp1,000.
    tie = {**FREE, "otr": "15012000", "tenor_months": 24, "flat_rate": "0"}
    assert _post(api, cmo_a, {**tie, "rounding_direction": "half_even"}).json()["installment"] == "500000"
    assert _post(api, cmo_a, {**tie, "rounding_direction": "half_up"}).json()["installment"] == "501000"


def test_a_rate_card_may_round_half_even_and_refuses_a_unit_below_one_rupiah(products):
    card = make_rate_card(
        products["OJK17"],
        effective_from=dt.date(2026, 6, 1),
        timing="addb",
        insurance_kind="none",
        lines=[(24, 0, 99, "0", "0")],
    )
    card.rounding_direction = "half_even"
    card.save(update_fields=["rounding_direction"])
    priced = quote_price(
        product=products["OJK17"],
        branch_id=None,
        as_of=AS_OF,
        otr=Decimal(15_024_000),
        down_payment=Decimal(3_012_000),
        tenor_months=24,
        vehicle_year=2026,
    )
    assert priced.quote.installment == Decimal(500_000)
    assert priced.quote.total_interest == 0
    card.rounding_unit = 0
    with pytest.raises(ValidationError):
        card.full_clean()


def test_the_quote_help_names_the_limits():
    result = _cli("--help")
    assert result.returncode == 0, result.stderr
    assert f"1 to {TENOR_MAX_MONTHS}" in result.stdout and "half_even" in result.stdout and "--residue" in result.stdout


def test_the_web_form_refuses_an_absurd_otr_with_a_message(web, cmo_a, products):
    with translation.override("id"):
        response = web(cmo_a).post(
            "/quotes/new/",
            {
                "product": "OJK17",
                "vehicle_year": "2026",
                "vehicle_condition": "new",
                "otr": "1" + "0" * 34,
                "down_payment": "0",
                "tenor_months": "12",
            },
        )
    assert response.status_code == 400
