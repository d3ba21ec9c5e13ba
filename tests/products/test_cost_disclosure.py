"""Cost disclosure in every quote (issue 15, items 7 and 8): the financed items and the all-in effective rate
on the screen, the quote sheet, the API answers and `angsur quote --json`."""

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from angsur.origination.models import SavedQuote
from angsur.origination.quote_services import quote_save

AS_OF = dt.date(2026, 11, 26)
# NMC: ADDM, 17 % flat over 12 months, the fiduciary fee (Rp100,000) and a TLO premium of 2.2 % of the OTR
# financed, the admin fee (Rp500,000) paid up front.
NMC = {"product": "NMC", "otr": "23400000", "down_payment": "4700000", "tenor_months": 12, "vehicle_year": 2026}
NMC_ITEMS = [{"name": "fiduciary", "amount": "100000"}, {"name": "insurance_tlo", "amount": "514800"}]


def test_api_product_quote_lists_the_financed_items_and_the_all_in_rate(api, cmo_a, products):
    body = api(cmo_a).post("/api/quotes", NMC, content_type="application/json").json()
    assert body["financed_items"] == NMC_ITEMS
    assert Decimal(body["financed_principal"]) == Decimal("23400000") - Decimal("4700000") + Decimal("614800")
    assert Decimal(body["all_in_effective_rate_annual"]) > Decimal(body["effective_rate_annual"])
    assert "admin" not in {item["name"] for item in body["financed_items"]}  # paid up front: in the TDP
    assert body["tdp"]["fees"] == {"admin": "500000"}


def test_api_free_quote_has_no_financed_items_and_equal_rates(api, cmo_a):
    body = (
        api(cmo_a)
        .post(
            "/api/quotes",
            {"otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "flat_rate": "17"},
            content_type="application/json",
        )
        .json()
    )
    assert body["installment"] == "1170000"
    assert body["financed_items"] == []
    assert body["all_in_effective_rate_annual"] == body["effective_rate_annual"]


def test_a_saved_quote_keeps_its_financed_items_in_the_api_detail(api, cmo_a, products):
    client = api(cmo_a)
    created = client.post("/api/quotes", {**NMC, "save": True, "prospect_name": "Sari"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["financed_items"] == NMC_ITEMS
    detail = client.get(f"/api/quotes/{created.json()['id']}").json()
    assert detail["financed_items"] == NMC_ITEMS
    assert detail["all_in_effective_rate_annual"] == created.json()["all_in_effective_rate_annual"]


def test_a_quote_saved_before_the_disclosure_still_answers(api, cmo_a, products):
    saved = quote_save(
        actor=cmo_a,
        product=products["NMC"],
        as_of=AS_OF,
        otr=Decimal("23400000"),
        down_payment=Decimal("4700000"),
        tenor_months=12,
        vehicle_year=2026,
        vehicle_condition="new",
        prospect_name="Lama",
    )
    old = {k: v for k, v in saved.result.items() if k not in {"financed_items", "all_in_effective_rate_annual"}}
    SavedQuote.objects.filter(pk=saved.pk).update(result=old)
    response = api(cmo_a).get(f"/api/quotes/{saved.pk}")
    assert response.status_code == 200
    assert response.json()["financed_items"] == [] and response.json()["all_in_effective_rate_annual"] is None


def test_the_quote_screen_shows_the_breakdown_and_the_all_in_rate(web, cmo_a, products):
    form = {**NMC, "vehicle_condition": "new", "otr": "23.400.000", "down_payment": "4.700.000", "calculate": "1"}
    response = web(cmo_a).post("/quotes/new/", form)
    assert response.status_code == 200
    body = " ".join(response.content.decode().split())
    assert 'data-testid="financed-items"' in body
    assert "Biaya fidusia" in body or "Fiduciary fee" in body
    assert "Rp514.800" in body and "Rp18.700.000" in body  # the TLO premium; the OTR less the DP
    assert 'data-testid="all-in-rate"' in body


def test_the_quote_sheet_lists_the_financed_items_and_the_all_in_rate(cmo_a, products):
    saved = quote_save(
        actor=cmo_a,
        product=products["NMC"],
        as_of=AS_OF,
        otr=Decimal("23400000"),
        down_payment=Decimal("4700000"),
        tenor_months=12,
        vehicle_year=2026,
        vehicle_condition="new",
        prospect_name="Sari",
    )
    with translation.override("en"):
        html = render_to_string("origination/quote_sheet.html", {"quote": saved, "result": saved.result, "user": cmo_a})
    text = " ".join(html.split())
    assert "Financed items" in text and "All-in effective rate p.a." in text
    assert "Rp514.800" in text and "Rp100.000" in text and "Rp18.700.000" in text


def test_cli_json_carries_the_financed_items_and_the_all_in_rate():
    result = subprocess.run(
        [sys.executable, "-m", "angsur.cli", "quote", "--otr", "15000000", "--dp", "3000000", "--tenor", "12"]
        + ["--flat-rate", "17", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["installment"] == "1170000"
    assert body["financed_items"] == []
    assert body["all_in_effective_rate_annual"] == body["effective_rate_annual"]


def test_cli_json_of_a_product_lists_its_financed_items(products, capsys):
    call_command("quote", "--product", "NMC", "--otr", "23400000", "--dp", "4700000", "--tenor", "12", "--as-of", "2026-11-26", "--json")
    body = json.loads(capsys.readouterr().out)
    assert body["financed_items"] == NMC_ITEMS
    assert Decimal(body["all_in_effective_rate_annual"]) > Decimal(body["effective_rate_annual"])
