"""A CMO at phone width quotes three tenors, saves the quote and downloads the PDF."""

import pytest

from angsur.devdata.factories import DEMO_PASSWORD
from tests.browser.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cmo_quotes_three_tenors_and_downloads_the_pdf(phone, cmo_a, dealer_a, products, tmp_path, login):
    login(phone, cmo_a.username, DEMO_PASSWORD)
    phone.goto("/quotes/new/")
    phone.select_option("#id_product", "OJK17")
    phone.select_option("#id_dealer", str(dealer_a.pk))
    phone.fill("#id_vehicle_brand", "Honda")
    phone.fill("#id_vehicle_model", "Vario 125")
    phone.fill("#id_vehicle_year", "2026")
    phone.fill("#id_otr", "15.000.000")
    phone.fill("#id_down_payment", "3.000.000")
    phone.fill("#id_tenor_months", "12")
    phone.click("button[name=calculate]")
    phone.wait_for_selector("[data-testid=tenor-comparison]")
    assert phone.inner_text("[data-testid=installment]") == "Rp1.170.000"
    rows = phone.locator("[data-testid=tenor-comparison] tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(3)] == ["12", "24", "36"]
    # the page fits the phone: no horizontal scrolling of the whole document
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert_accessible(phone)
    phone.screenshot(path=str(tmp_path / "quote-phone.png"), full_page=True)

    # a DP below the minimum is refused with the reason, without losing what was typed
    phone.fill("#id_down_payment", "1.000.000")
    phone.click("button[name=calculate]")
    phone.wait_for_selector("[data-testid=quote-errors]")
    assert "20" in phone.inner_text("[data-testid=quote-errors]")
    assert phone.input_value("#id_otr") == "15.000.000"

    phone.fill("#id_down_payment", "3.000.000")
    phone.click("summary")
    phone.fill("#id_prospect_name", "Budi Santoso")
    phone.fill("#id_prospect_phone", "0812-3456-7890")
    phone.click("button[name=save]")
    phone.wait_for_selector("[data-testid=quote-title]")
    assert "Budi Santoso" in phone.inner_text("[data-testid=quote-title]")
    with phone.expect_download() as download_info:
        phone.click("[data-testid=quote-pdf]")
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def test_a_refused_first_quote_keeps_the_form_in_debug_mode(phone, cmo_a, products, login, settings):
    """`angsur demo` runs with DEBUG on. A refused quote answers 400 with the reasons, and htmx must
    swap them in under the form: django-htmx's debug helper would replace the whole page with them."""
    settings.DEBUG = True
    login(phone, cmo_a.username, DEMO_PASSWORD)
    phone.goto("/quotes/new/")
    phone.select_option("#id_product", "OJK17")
    phone.fill("#id_vehicle_year", "2026")
    phone.fill("#id_otr", "15.000.000")
    phone.fill("#id_down_payment", "1.000.000")
    phone.fill("#id_tenor_months", "12")
    phone.click("button[name=calculate]")
    phone.wait_for_selector("[data-testid=quote-errors]")
    assert "20 %" in phone.inner_text("[data-testid=quote-errors]")
    assert phone.input_value("#id_otr") == "15.000.000"
    assert phone.locator("nav").count() >= 1


def test_cmo_follows_up_a_prospect_and_opens_the_prefilled_order(phone, cmo_a, products, tmp_path, login):
    """Issue 15 item 10 at 390 px: the prospects are cards; the follow-up is set in place; one tap to the order."""
    import datetime as dt
    from decimal import Decimal

    from angsur.org.clock import branch_today
    from angsur.origination.quote_services import quote_save

    saved = quote_save(
        actor=cmo_a,
        product=products["NMC"],
        as_of=branch_today(cmo_a),
        otr=Decimal("29450000"),
        down_payment=Decimal("5000000"),
        tenor_months=12,
        vehicle_year=2026,
        vehicle_condition="new",
        prospect_name="Siti Aminah",
        prospect_phone="+6281234567890",
        vehicle_brand="Yamaha",
        vehicle_model="Aerox 155",
    )
    login(phone, cmo_a.username, DEMO_PASSWORD)
    phone.goto("/quotes/new/")
    phone.click("[data-testid=prospects-link]")
    phone.wait_for_selector("[data-testid=prospect]")
    assert "Siti Aminah" in phone.inner_text("[data-testid=prospect]")
    phone.click("[data-testid=prospect] summary")
    day = branch_today(cmo_a) + dt.timedelta(days=2)
    phone.fill(f"#follow_up_on_{saved.pk}", day.isoformat())
    phone.fill(f"#follow_up_note_{saved.pk}", "telepon setelah gajian")
    phone.click(f"[data-testid=follow-up-save-{saved.pk}]")
    phone.wait_for_selector("[data-testid=follow-up-note]")
    assert phone.inner_text("[data-testid=follow-up-note]") == "telepon setelah gajian"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert_accessible(phone)
    phone.screenshot(path=str(tmp_path / "prospects-phone.png"), full_page=True)

    phone.click(f"[data-testid=create-order-{saved.pk}]")
    phone.wait_for_url(f"**/applications/new/?quote={saved.pk}")
    assert "Siti Aminah" in phone.content()
    assert_accessible(phone)  # the prefilled order form

    # the saved quote discloses what is financed on top of OTR − DP, and the all-in rate beside the contractual one
    phone.goto(f"/quotes/{saved.pk}/")
    assert phone.locator("[data-testid=financed-items]").count() == 1
    assert "%" in phone.inner_text("[data-testid=all-in-rate]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert_accessible(phone)
    phone.screenshot(path=str(tmp_path / "quote-detail-phone.png"), full_page=True)
