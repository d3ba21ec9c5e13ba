"""In the browser: Admin imports a bank statement file; the good row posts, the unknown one waits in the
review queue and is posted from there to the contract Admin finds."""

import pytest
from django.utils import timezone

from angsur.devdata.factories import DEMO_PASSWORD, make_credit_config, make_user
from angsur.devdata.seed_contracts import booked_contract
from angsur.org.roles import Role
from angsur.servicing.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_imports_a_statement_and_posts_the_unknown_row_from_the_queue(desktop, login, products, branch_a, cmo_a, dealer_a, tmp_path):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.import")
    signed = timezone.localdate().replace(day=1)
    contract = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=signed, admin=admin)
    day = timezone.localdate().isoformat()
    statement = tmp_path / "mutasi-bca.csv"
    statement.write_text(f"date,amount,reference,account\n{day},250000,TRX-1,{contract.va_number}\n{day},150000,TRX-2,0000000\n")
    page = desktop
    login(page, admin.username, DEMO_PASSWORD)

    # When Admin uploads the file from the menu's import page
    page.goto("/payments/imports/")
    page.fill("#import-bank", "BCA")
    page.set_input_files("#import-file", str(statement))
    page.click("[data-testid=import-submit]")

    # Then the report says one row posted and one waits to be matched
    page.wait_for_selector("[data-testid=import-report]")
    assert page.inner_text("[data-testid=import-posted]") == "1"
    assert page.inner_text("[data-testid=import-unmatched]") == "1"
    assert list(Payment.objects.values_list("amount_sen", flat=True)) == [25_000_000]

    # When Admin posts the waiting row to the contract from the review queue
    page.click("text=Pembayaran yang perlu dicocokkan")
    page.fill("[data-testid=unmatched-row] input[name=contract_number]", contract.number)
    page.click("[data-testid=match]")
    page.wait_for_selector("text=Tidak ada yang perlu dicocokkan")
    assert sorted(Payment.objects.values_list("amount_sen", flat=True)) == [15_000_000, 25_000_000]
