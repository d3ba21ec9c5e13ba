"""Quotes through the service, the API and the CLI: the OJK example, bad input, scoping, audit."""

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_rate_card
from angsur.errors import DomainError
from angsur.origination.models import SavedQuote
from angsur.origination.quote_services import quote_save
from angsur.products.models import RateCardFee
from angsur.products.services import quote_from_terms, quote_price

AS_OF = dt.date(2026, 11, 26)
OJK = {"otr": Decimal("15000000"), "down_payment": Decimal("3000000"), "tenor_months": 12, "vehicle_year": 2026}


def test_ojk_example_through_the_product(products):
    priced = quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **OJK)
    q = priced.quote
    assert q.financed_principal == Decimal("12000000")
    assert q.installment == Decimal("1170000")
    assert q.total_interest == Decimal("2040000")
    assert Decimal("30.0") < q.effective_rate_annual < Decimal("30.1")
    assert sum(line.principal for line in q.schedule) == q.financed_principal


def test_refuses_dp_below_the_product_minimum_with_the_reason(products):
    with pytest.raises(DomainError) as info:
        quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **{**OJK, "down_payment": Decimal("1000000")})
    assert info.value.code == "dp_below_minimum"
    assert "20" in info.value.message


def test_the_minimum_dp_reason_reads_as_a_person_writes_it(products):
    """The percent without trailing zeros, in the user's number format, next to the rupiah amount."""
    with pytest.raises(DomainError) as info, translation.override("id"):
        quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **{**OJK, "down_payment": Decimal("1000000")})
    assert "20 %" in info.value.message and "20.0000" not in info.value.message
    assert "Rp3.000.000" in info.value.message


def test_refuses_a_tenor_the_product_does_not_offer(products):
    with pytest.raises(DomainError) as info:
        quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **{**OJK, "tenor_months": 18})
    assert info.value.code == "tenor_not_allowed"
    assert info.value.field == "tenor_months"


def test_refuses_a_vehicle_too_old_at_maturity(products):
    with pytest.raises(DomainError) as info:
        quote_price(
            product=products["UCAR"],
            branch_id=None,
            as_of=AS_OF,
            otr=Decimal("150000000"),
            down_payment=Decimal("50000000"),
            tenor_months=48,
            vehicle_year=2014,
        )
    assert info.value.code == "vehicle_too_old"


def test_branch_rate_card_overrides_the_company_card(products, branch_a):
    make_rate_card(
        products["OJK17"],
        branch=branch_a,
        effective_from=dt.date(2026, 6, 1),
        timing="addb",
        min_dp_pct="20",
        insurance_kind="none",
        lines=[(12, 0, 99, "15", "0")],
    )
    branch_q = quote_price(product=products["OJK17"], branch_id=branch_a.pk, as_of=AS_OF, **OJK).quote
    company_q = quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **OJK).quote
    assert branch_q.installment == Decimal("1150000")  # 12,000,000 × (1 + 15 %) / 12
    assert company_q.installment == Decimal("1170000")


def test_rate_card_versions_follow_the_pricing_date(products):
    make_rate_card(
        products["OJK17"],
        effective_from=dt.date(2027, 1, 1),
        timing="addb",
        min_dp_pct="20",
        insurance_kind="none",
        lines=[(12, 0, 99, "18", "0")],
    )
    assert quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **OJK).quote.installment == Decimal("1170000")
    later = quote_price(product=products["OJK17"], branch_id=None, as_of=dt.date(2027, 1, 2), **OJK).quote
    assert later.installment == Decimal("1180000")


def test_booking_after_a_new_card_reprices_on_the_card_pinned_at_approval(products):
    # Given a card at 17 % in force at approval and a new card at 18 % from 1 January 2027
    make_rate_card(
        products["OJK17"],
        effective_from=dt.date(2027, 1, 1),
        timing="addb",
        min_dp_pct="20",
        insurance_kind="none",
        lines=[(12, 0, 99, "18", "0")],
    )
    signing = dt.date(2027, 1, 5)

    # When the contract is signed after the new card, priced on the card of the approval date
    pinned = quote_price(product=products["OJK17"], branch_id=None, as_of=signing, card_date=AS_OF, **OJK).quote

    # Then the installment is the approved one, and the schedule runs from the signing date
    assert pinned.installment == Decimal("1170000")
    assert pinned.schedule[0].due_date == dt.date(2027, 2, 5)
    assert quote_price(product=products["OJK17"], branch_id=None, as_of=signing, **OJK).quote.installment == Decimal("1180000")


def test_fees_reach_tdp_or_principal_as_configured(products):
    q = quote_price(
        product=products["NCAR"],
        branch_id=None,
        as_of=AS_OF,
        otr=Decimal("200000000"),
        down_payment=Decimal("40000000"),
        tenor_months=36,
        vehicle_year=2026,
    ).quote
    # admin 2,500,000 up front; provisi 1 % of 160,000,000, fiduciary 250,000, all-risk 7.6 % of OTR and
    # life 0.5 % of principal are financed.
    assert q.tdp.total == Decimal("40000000") + Decimal("2500000")
    assert q.financed_principal == Decimal("160000000") + Decimal("1600000") + Decimal("250000") + Decimal("15200000") + Decimal("800000")


def test_a_fee_may_apply_to_one_tenor_only(products):
    # Given a card whose admin fee is Rp500.000 on every tenor and a further Rp250.000 on 24 months only
    product = products["OJK17"]
    make_rate_card(
        product,
        effective_from=dt.date(2026, 6, 1),
        timing="addb",
        insurance_kind="none",
        lines=[(12, 0, 99, "17", "0"), (24, 0, 99, "17", "0")],
        fees=[("admin", "fixed", 500_000, "0", False), ("other", "fixed", 250_000, "0", False, 24)],
    )
    terms = {"otr": Decimal("15000000"), "down_payment": Decimal("3000000"), "vehicle_year": 2026}

    # When it prices 12 and 24 months, then only the 24-month quote carries the tenor's fee
    twelve = quote_price(product=product, branch_id=None, as_of=dt.date(2026, 6, 2), tenor_months=12, **terms).quote
    twenty_four = quote_price(product=product, branch_id=None, as_of=dt.date(2026, 6, 2), tenor_months=24, **terms).quote
    assert dict(twelve.tdp.fees) == {"admin": Decimal("500000")}
    assert dict(twenty_four.tdp.fees) == {"admin": Decimal("500000"), "other": Decimal("250000")}


def test_fees_are_typed_in_rupiah_in_the_configuration(products):
    # A fee typed "500.000" is Rp500.000 (it was taken as sen: Rp5.000, a hundred times smaller).
    from angsur.products.admin import RateCardFeeForm
    from angsur.products.models import RateCard

    card = RateCard.objects.filter(product=products["OJK17"]).first()
    form = RateCardFeeForm(data={"code": "admin", "basis": "fixed", "amount": "500.000", "pct": "0"}, instance=RateCardFee(rate_card=card))
    assert form.is_valid(), form.errors
    assert form.save().amount_sen == 50_000_000
    assert RateCardFeeForm(instance=RateCardFee.objects.get(pk=form.instance.pk)).initial["amount"] == Decimal("500000")


def test_addm_product_puts_the_first_installment_in_tdp(products):
    q = quote_price(
        product=products["NMC"],
        branch_id=None,
        as_of=AS_OF,
        otr=Decimal("20000000"),
        down_payment=Decimal("4000000"),
        tenor_months=12,
        vehicle_year=2026,
    ).quote
    assert q.tdp.first_installment == q.installment
    assert q.tdp.total == Decimal("4000000") + q.installment + Decimal("500000")


def test_saving_a_quote_is_audited_and_scoped(cmo_a, cmo_b, products, api):
    saved = quote_save(actor=cmo_a, product=products["OJK17"], as_of=AS_OF, vehicle_condition="new", prospect_name="Budi Santoso", **OJK)
    assert saved.installment_sen == 117_000_000
    assert AuditEvent.objects.filter(action="quote.save", object_id=str(saved.pk), actor=cmo_a).exists()
    assert api(cmo_a).get(f"/api/quotes/{saved.pk}").status_code == 200
    assert api(cmo_b).get(f"/api/quotes/{saved.pk}").status_code == 404


def test_a_cmo_sees_only_their_own_quotes(cmo_a, products, branch_a, web):
    from angsur.devdata.factories import make_user

    other = make_user("cmo", branch_a, username="cmo.other")
    saved = quote_save(actor=other, product=products["OJK17"], as_of=AS_OF, vehicle_condition="new", prospect_name="Sari", **OJK)
    assert web(cmo_a).get(f"/quotes/{saved.pk}/").status_code == 404


# --- API -------------------------------------------------------------------------------------------


def test_api_free_quote_returns_the_documented_fields(api, cmo_a):
    body = (
        api(cmo_a)
        .post(
            "/api/quotes",
            {
                "otr": "15000000",
                "down_payment": "3000000",
                "tenor_months": 12,
                "flat_rate": "17",
                "timing": "addb",
                "first_due_date": "2026-12-31",
            },
            content_type="application/json",
        )
        .json()
    )
    assert body["installment"] == "1170000" or Decimal(body["installment"]) == Decimal("1170000")
    assert Decimal(body["financed_principal"]) == Decimal("12000000")
    assert Decimal(body["total_interest"]) == Decimal("2040000")
    assert Decimal("30.0") < Decimal(body["effective_rate_annual"]) < Decimal("30.1")
    assert set(body["tdp"]) >= {"down_payment", "first_installment", "total"}
    assert [line["due_date"] for line in body["schedule"][:3]] == ["2026-12-31", "2027-01-31", "2027-02-28"]
    assert set(body["schedule"][0]) == {"no", "due_date", "installment", "principal", "interest", "balance"}
    assert isinstance(body["installment"], str)


def test_api_product_quote_and_save(api, cmo_a, products):
    client = api(cmo_a)
    body = client.post(
        "/api/quotes",
        {"product": "OJK17", "otr": "15000000", "down_payment_pct": "20", "tenor_months": 12, "vehicle_year": 2026},
        content_type="application/json",
    ).json()
    assert Decimal(body["installment"]) == Decimal("1170000")
    assert body["allowed_tenors"] == [12, 24, 36]
    response = client.post(
        "/api/quotes",
        {
            "product": "OJK17",
            "otr": "15000000",
            "down_payment": "3000000",
            "tenor_months": 12,
            "vehicle_year": 2026,
            "save": True,
            "prospect_name": "Budi",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert SavedQuote.objects.filter(pk=response.json()["id"], created_by=cmo_a).exists()


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"otr": "-5", "down_payment": "0", "tenor_months": 12, "flat_rate": "17"}, "amount_not_positive", "otr"),
        ({"otr": "15000000", "down_payment": "15000000", "tenor_months": 12, "flat_rate": "17"}, "dp_not_below_otr", "down_payment"),
        ({"otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "flat_rate": "140"}, "rate_out_of_range", "rate"),
        ({"otr": "15000000", "down_payment": "3000000", "tenor_months": 12}, "rate_required", "rate"),
        (
            {"product": "OJK17", "otr": "15000000", "down_payment": "3000000", "tenor_months": 18, "vehicle_year": 2026},
            "tenor_not_allowed",
            "tenor_months",
        ),
        (
            {"product": "NOPE", "otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "vehicle_year": 2026},
            "unknown_product",
            "product",
        ),
    ],
)
def test_api_bad_input_is_a_400_naming_the_field(api, cmo_a, products, payload, code, field):
    response = api(cmo_a).post("/api/quotes", payload, content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["field"] == field
    assert body["message"]


def test_api_nonsense_strings_are_a_400(api, cmo_a):
    response = api(cmo_a).post(
        "/api/quotes", {"otr": "lima belas juta", "down_payment": "x", "tenor_months": "dua belas"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_collector_may_not_quote(api, make_role_user):
    response = api(make_role_user("collector")).post(
        "/api/quotes", {"otr": "1", "down_payment": "0", "tenor_months": 1, "flat_rate": "1"}, content_type="application/json"
    )
    assert response.status_code == 403


# --- CLI -------------------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "angsur.cli", "quote", *args], capture_output=True, text=True, timeout=120)


def test_cli_help_lists_every_option():
    # An unescaped "%" in a help string made argparse crash on --help.
    result = _cli("--help")
    assert result.returncode == 0, result.stderr
    assert "Flat rate % per year" in result.stdout and "--product" in result.stdout


def test_cli_prints_the_ojk_example_as_json():
    result = _cli(
        "--otr",
        "15000000",
        "--dp",
        "3000000",
        "--tenor",
        "12",
        "--flat-rate",
        "17",
        "--timing",
        "addb",
        "--json",
        "--first-due",
        "2026-12-31",
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert Decimal(body["installment"]) == Decimal("1170000")
    assert len(body["schedule"]) == 12
    assert sum(Decimal(line["principal"]) for line in body["schedule"]) == Decimal("12000000")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--otr", "15000000", "--dp", "16000000", "--tenor", "12", "--flat-rate", "17"], "dp_not_below_otr"),
        (["--otr", "abc", "--dp", "0", "--tenor", "12", "--flat-rate", "17"], "otr"),
        (["--otr", "15000000", "--dp", "3000000", "--tenor", "12", "--flat-rate", "170"], "rate_out_of_range"),
        (["--otr", "15000000", "--dp", "3000000", "--tenor", "12", "--flat-rate", "17", "--first-due", "31-12-2026"], "YYYY-MM-DD"),
    ],
)
def test_cli_bad_input_exits_non_zero_with_a_message_on_stderr(args, needle):
    result = _cli(*args)
    assert result.returncode != 0
    assert needle in result.stderr
    assert result.stdout == ""


def test_cli_prices_a_product_in_process(products, capsys):
    call_command(
        "quote",
        "--product",
        "OJK17",
        "--otr",
        "15000000",
        "--dp",
        "3000000",
        "--tenor",
        "12",
        "--vehicle-year",
        "2026",
        "--as-of",
        "2026-11-26",
        "--json",
    )
    assert Decimal(json.loads(capsys.readouterr().out)["installment"]) == Decimal("1170000")
    with pytest.raises(CommandError, match="tenor_not_allowed"):
        call_command("quote", "--product", "OJK17", "--otr", "15000000", "--dp", "3000000", "--tenor", "18", "--as-of", "2026-11-26")


@pytest.mark.parametrize("timing", ["addb", "addm"])
def test_a_rupiah_financed_is_refused_with_a_minimum_financing_message(timing):
    # ADDB priced Rp1 financed over 12 months at 1,200,000 % a year; ADDM refused it as "too small".
    with pytest.raises(DomainError) as caught:
        quote_from_terms(
            otr=Decimal("15000000"), down_payment=Decimal("14999999"), tenor_months=12, as_of=AS_OF, flat_rate=Decimal("17"), timing=timing
        )
    assert caught.value.code == "financing_too_small" and caught.value.field == "down_payment"


def test_a_product_refuses_an_amount_financed_below_its_card_minimum(products):
    with pytest.raises(DomainError) as caught:
        quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **{**OJK, "down_payment": Decimal("14500000")})
    assert caught.value.code == "financing_too_small"
    # The OJK example (Rp12.000.000 financed) is unaffected.
    assert quote_price(product=products["OJK17"], branch_id=None, as_of=AS_OF, **OJK).quote.installment == Decimal("1170000")
