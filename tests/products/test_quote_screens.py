"""The CMO's quote screen and the quote sheet PDF."""

import datetime as dt
from decimal import Decimal

from angsur.devdata.factories import make_rate_card
from angsur.org.clock import branch_today
from angsur.origination.models import SavedQuote

FORM = {
    "product": "OJK17",
    "vehicle_year": "2026",
    "vehicle_condition": "new",
    "otr": "15.000.000",
    "down_payment": "3.000.000",
    "tenor_months": "12",
    "calculate": "1",
}


def test_calculate_shows_installment_tdp_and_every_tenor(web, cmo_a, products):
    response = web(cmo_a).post("/quotes/new/", FORM)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rp1.170.000" in body
    assert 'data-testid="tenor-comparison"' in body
    comparison = response.context["comparison"]
    assert [tenor for tenor, _p, _e in comparison] == [12, 24, 36]


def test_the_result_names_the_rate_card_it_was_priced_on(web, cmo_a, products):
    client = web(cmo_a)
    client.cookies["django_language"] = "en"  # the language switch's choice (the browser's language is not followed)
    response = client.post("/quotes/new/", FORM)
    body = response.content.decode()
    assert response.context["priced"].terms.rate_card_effective_from.isoformat() == "2026-01-01"
    assert "rate card in force from 01 Jan 2026" in " ".join(body.split())


def test_a_branch_card_is_named_with_its_branch(web, cmo_a, products):
    make_rate_card(
        products["OJK17"],
        branch=cmo_a.branch,
        effective_from=branch_today(cmo_a) - dt.timedelta(days=1),
        timing="addb",
        insurance_kind="none",
        lines=[(12, 0, 99, "15", "0")],
    )
    response = web(cmo_a).post("/quotes/new/", FORM)
    assert response.context["priced"].terms.rate_card_branch_name == cmo_a.branch.name
    assert f"({cmo_a.branch.name})" in response.content.decode()


def test_dp_as_a_percentage(web, cmo_a, products):
    response = web(cmo_a).post("/quotes/new/", {**FORM, "down_payment": "", "down_payment_pct": "20"})
    assert response.context["priced"].quote.tdp.down_payment == Decimal("3000000")


def test_dp_below_minimum_is_refused_with_the_reason(web, cmo_a, products):
    response = web(cmo_a).post("/quotes/new/", {**FORM, "down_payment": "1.000.000"})
    assert response.status_code == 400
    assert "minimum" in response.content.decode().lower() or "minimal" in response.content.decode().lower()


def test_nonsense_amount_is_refused_naming_the_field(web, cmo_a, products):
    response = web(cmo_a).post("/quotes/new/", {**FORM, "otr": "lima juta"})
    assert response.status_code == 400
    assert "15.000.000" in response.content.decode()  # the hint shows the expected format


def test_htmx_request_gets_only_the_result_fragment(web, cmo_a, products):
    response = web(cmo_a).post("/quotes/new/", FORM, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="quote-result">')
    assert "<html" not in body


def test_save_requires_the_prospect_name_then_saves_and_downloads_pdf(web, cmo_a, products):
    client = web(cmo_a)
    refused = client.post("/quotes/new/", {**FORM, "save": "1"})
    assert refused.status_code == 400
    assert not SavedQuote.objects.exists()
    saved = client.post("/quotes/new/", {**FORM, "save": "1", "prospect_name": "Budi Santoso"})
    quote = SavedQuote.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/quotes/{quote.pk}/"
    detail = client.get(saved["Location"]).content.decode()
    assert "Budi Santoso" in detail and "Rp1.170.000" in detail
    pdf = client.get(f"/quotes/{quote.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_collector_cannot_open_the_quote_screen(web, make_role_user, products):
    assert web(make_role_user("collector")).get("/quotes/new/").status_code == 403
