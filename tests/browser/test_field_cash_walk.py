"""In the browser at 390 px: a collector records a cash receipt for a contract on the phone; the next working day
the Front Office receives the deposit and the branch reconciliation shows it matched; a receipt whose cash never
came shows on the branch manager's list of missing deposits."""

import datetime as dt
from decimal import Decimal

import pytest

from angsur.devdata.factories import make_credit_config, make_user
from angsur.devdata.seed_contracts import booked_contract
from angsur.org.roles import Role
from angsur.remedial.models import CashDeposit, FieldReceipt
from angsur.remedial.services import booklet_assign, receipt_issue
from angsur.servicing.models import Payment
from tests.browser.a11y import accessibility_problems
from tests.browser.conftest import sign_in_as
from tests.remedial.conftest import assign_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MON = dt.date(2026, 11, 2)


def _on(branch, day):
    branch.business_date = day
    branch.save(update_fields=["business_date"])


def _fits(page):
    """No sideways scroll at 390 px, and axe plus the hand checks (tap targets, text size, contrast) pass."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways at 390 px"
    assert accessibility_problems(page) == []


def test_collector_receipt_deposit_reconciled_and_missing_deposit_listed(phone, products, branch_a, cmo_a, dealer_a, tmp_path):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.walk")
    collector = make_user(Role.COLLECTOR, branch_a, username="coll.walk")
    cashier = make_user(Role.FRONT_OFFICE, branch_a, username="fo.walk")
    manager = make_user(Role.BRANCH_MANAGER, branch_a, username="bm.walk")
    contract = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=MON, admin=admin)
    assign_case(contract, collector)
    booklet_assign(actor=manager, collector=collector, first_number=4001, last_number=4050, as_of=MON)
    _on(branch_a, MON)
    page = phone

    # Monday: the collector takes Rp350.000 at the customer's house and writes receipt 4001 on the phone
    sign_in_as(page, collector)
    page.goto("/field-cash/")
    page.wait_for_selector("[data-testid=receipt-form]")
    assert page.input_value("#id_number") == "4001"  # the next free number of the booklet
    page.fill("#id_contract_number", contract.number)
    page.fill("#id_amount", "350.000")
    page.click("[data-testid=issue-receipt]")
    # The form goes through the phone's outbox; once sent, the page shows the receipt among the cash to deposit
    page.wait_for_selector("[data-testid=to-deposit]:has-text('0004001')")
    page.wait_for_load_state("networkidle")
    _fits(page)
    page.screenshot(path=str(tmp_path / "field-cash-390.png"), full_page=True)
    receipt = FieldReceipt.objects.get(number=4001)
    assert Payment.objects.get(pk=receipt.payment_id).amount_sen == 35_000_000  # the customer's debt is reduced at once
    with page.expect_download() as download:
        page.click("[data-testid=receipt-pdf]")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # Tuesday (the next working day): the Front Office counts the cash and receives the deposit
    _on(branch_a, MON + dt.timedelta(days=1))
    sign_in_as(page, cashier)
    page.goto("/field-cash/deposits/")
    page.wait_for_selector("[data-testid=deposit-group]")
    page.fill("[data-testid=deposit-group] [data-testid=counted]", "350.000")
    page.click("[data-testid=receive-deposit]")
    page.wait_for_selector("[data-testid=nothing-to-receive]")
    deposit = CashDeposit.objects.get()
    assert (deposit.counted_sen, deposit.difference_sen) == (35_000_000, 0)
    _fits(page)

    # ... and the branch reconciliation shows the collector matched
    sign_in_as(page, manager)
    page.goto("/field-cash/reconciliation/?date_from=2026-11-02&date_to=2026-11-03")
    page.wait_for_selector("[data-testid=reconciliation-row] [data-testid=matched]")
    _fits(page)

    # A receipt of Tuesday whose cash never reaches the branch: on Thursday it is on the manager's list
    receipt_issue(actor=collector, contract=contract, number=4002, amount=Decimal(150000), as_of=MON + dt.timedelta(days=1))
    _on(branch_a, MON + dt.timedelta(days=3))
    page.goto("/field-cash/exceptions/")
    page.wait_for_selector("[data-testid=exception-missing]")
    row = page.inner_text("[data-testid=exception-missing]")
    assert "0004002" in row and "Belum disetor" in row
    _fits(page)
    page.screenshot(path=str(tmp_path / "exceptions-390.png"), full_page=True)


def test_remedial_officer_sends_sp1_and_sees_what_repossession_still_needs(phone, products, branch_a, cmo_a, dealer_a):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.walk2")
    officer = make_user(Role.REMEDIAL, branch_a, username="rem.walk")
    contract = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=MON, admin=admin)
    _on(branch_a, contract.first_due_date + dt.timedelta(days=10))
    page = phone
    sign_in_as(page, officer)
    page.goto("/remedial/")
    page.fill("input[name=contract]", contract.number)
    page.press("input[name=contract]", "Enter")
    page.wait_for_selector("[data-testid=remedial-title]")
    assert page.inner_text("[data-testid=dpd]") == "10"
    page.select_option("#id_level", "2")
    page.click("[data-testid=draft-letter]")
    page.wait_for_selector("text=SP1")  # SP2 refused: SP1 first
    page.select_option("#id_level", "1")
    page.click("[data-testid=draft-letter]")
    page.wait_for_selector("[data-testid=send-letter]")
    with page.expect_download() as download:
        page.click("[data-testid=letter-pdf]")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.click("[data-testid=send-letter]")
    page.wait_for_selector("[data-testid=letter-1] .badge[data-status=sent]")
    blockers = page.inner_text("[data-testid=blockers]")
    assert "sertifikat fidusia" in blockers and "surat peringatan" not in blockers
    _fits(page)


def test_a_receipt_written_without_signal_waits_in_the_outbox_and_is_recorded_once_back_online(phone, products, branch_a, cmo_a, dealer_a):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.walk3")
    collector = make_user(Role.COLLECTOR, branch_a, username="coll.walk3")
    manager = make_user(Role.BRANCH_MANAGER, branch_a, username="bm.walk3")
    contract = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=MON, admin=admin)
    assign_case(contract, collector)
    booklet_assign(actor=manager, collector=collector, first_number=6001, last_number=6010, as_of=MON)
    _on(branch_a, MON)
    page = phone
    sign_in_as(page, collector)
    page.goto("/field-cash/")
    page.wait_for_selector("[data-testid=receipt-form]")
    page.wait_for_function("() => !!window.AngsurOutbox")
    # In a kampung lane without signal the collector writes receipt 6001
    page.context.set_offline(True)
    page.fill("#id_contract_number", contract.number)
    page.fill("#id_amount", "200.000")
    page.click("[data-testid=issue-receipt]")
    page.wait_for_selector("[data-testid=outbox]:not([hidden])")
    assert not FieldReceipt.objects.exists()
    # Back in signal the outbox sends it: recorded once, posted once
    page.context.set_offline(False)
    page.evaluate("() => window.AngsurOutbox.flush()")
    page.wait_for_selector("[data-testid=to-deposit]:has-text('0006001')", timeout=40000)
    page.wait_for_load_state("networkidle")
    assert FieldReceipt.objects.filter(number=6001).count() == 1 and Payment.objects.count() == 1
