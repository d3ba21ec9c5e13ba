"""In the browser: Admin books an approved application and issues the PO, the branch manager releases the
disbursement and Admin records its transfer; Front Office takes a counter payment and prints the
receipt, asks for its reversal, the branch manager approves it, Front Office quotes and executes an early
settlement; the CMO sees the contract on a phone (390 px)."""

import pytest
from django.utils import timezone

from angsur.devdata.factories import make_credit_config, make_user
from angsur.devdata.seed_contracts import approved_application
from angsur.org.roles import Role
from angsur.servicing.models import Contract, Payment, Reversal
from tests.browser.conftest import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_book_pay_reverse_and_settle_in_the_browser(desktop, phone, products, branch_a, cmo_a, dealer_a, tmp_path):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.browser")
    cashier = make_user(Role.FRONT_OFFICE, branch_a, username="fo.browser")
    manager = make_user(Role.BRANCH_MANAGER, branch_a, username="bm.browser")
    app = approved_application(cmo=cmo_a, dealer=dealer_a, as_of=timezone.localdate())
    page = desktop

    # Admin books it from the booking page
    sign_in_as(page, admin)
    page.goto(f"/contracts/book/{app.pk}/")
    page.click("[data-testid=book]")
    page.wait_for_selector("[data-testid=contract-title]")
    contract = Contract.objects.get(application=app)
    assert contract.number in page.inner_text("[data-testid=contract-title]")
    # ... issues the purchase order to the dealer (PDF); the branch manager releases it; Admin records the transfer
    page.click("[data-testid=issue-po]")
    page.wait_for_selector("[data-testid=po-pdf]")
    with page.expect_download() as download:
        page.click("[data-testid=po-pdf]")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert page.query_selector("[data-testid=release-disbursement]") is None  # not by whoever prepared it
    sign_in_as(page, manager)
    page.goto(f"/contracts/{contract.pk}/")
    page.click("[data-testid=release-disbursement]")
    page.wait_for_selector("[data-testid=disbursement-status]:has-text('Dicairkan')")
    sign_in_as(page, admin)
    page.goto(f"/contracts/{contract.pk}/")
    page.fill("input[name=bank_reference]", "BCA-TRX-778")
    page.click("[data-testid=mark-paid]")
    page.wait_for_selector("[data-testid=disbursement-status]:has-text('Ditransfer')")

    # Front office takes a counter payment (a double click records it once) and downloads the receipt
    sign_in_as(page, cashier)
    page.goto(f"/contracts/{contract.pk}/")
    page.fill("#id_amount", "500.000")
    page.dblclick("[data-testid=post-payment]")
    page.wait_for_selector("[data-testid=receipt-link]")
    assert Payment.objects.count() == 1
    with page.expect_download() as download:
        page.click("[data-testid=receipt-link]")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # ... asks for its reversal, which the branch manager approves
    page.click("[data-testid=open-reversal]")
    page.fill("input[name=reason]", "Salah kontrak")
    page.click("[data-testid=request-reversal]")
    page.wait_for_selector("text=Pembatalan diajukan")
    sign_in_as(page, manager)
    page.goto(f"/contracts/{contract.pk}/")
    page.click("[data-testid=approve-reversal]")
    page.wait_for_selector("text=Dibatalkan")
    assert Reversal.objects.get().status == "approved"

    # Front office quotes an early settlement (PDF) and executes it
    sign_in_as(page, cashier)
    page.goto(f"/contracts/{contract.pk}/")
    page.click("[data-testid=quote-settlement]")
    page.wait_for_selector("[data-testid=settlement-quote]")
    with page.expect_download() as download:
        page.click("[data-testid=settlement-pdf]")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.click("[data-testid=execute-settlement]")
    page.wait_for_selector("[data-testid=contract-status]:has-text('Lunas dipercepat')")
    contract.refresh_from_db()
    assert contract.status == "settled" and contract.outstanding_sen == 0

    page.close()  # one browser at a time on the live server's in-memory SQLite

    # The CMO sees their contract on the phone, without sideways scrolling
    sign_in_as(phone, cmo_a)
    phone.goto("/contracts/")
    phone.click(f"a:has-text('{contract.number}')")
    phone.wait_for_selector("[data-testid=schedule]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(tmp_path / "contract-phone.png"), full_page=True)
