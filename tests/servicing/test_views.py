"""The servicing screens: booking page, contract page, counter payment with receipt, reversal, waiver, settlement."""

import datetime as dt
import re

import pytest

from angsur.servicing.documents import terbilang
from angsur.servicing.models import Contract, Payment, Reversal
from angsur.servicing.workflow import ContractStatus
from tests.servicing.conftest import SIGNED


def test_terbilang_spells_the_amount_in_indonesian():
    from decimal import Decimal

    assert terbilang(Decimal("1170000")) == "Satu juta seratus tujuh puluh ribu rupiah"
    assert terbilang(Decimal("1500.50")) == "Seribu lima ratus rupiah lima puluh sen"


def test_admin_books_from_the_booking_page(web, approved, people):
    app = approved()
    client = web(people["adm"])
    page = client.get(f"/contracts/book/{app.pk}/")
    assert page.status_code == 200 and b'data-testid="book-form"' in page.content
    response = client.post(f"/contracts/book/{app.pk}/", {"signing_date": SIGNED.isoformat()})
    contract = Contract.objects.get(application=app)
    assert response.status_code == 302 and response["Location"] == f"/contracts/{contract.pk}/"
    # a second visit goes to the contract, never books twice
    assert client.get(f"/contracts/book/{app.pk}/")["Location"] == f"/contracts/{contract.pk}/"


def test_the_booking_page_shows_why_an_application_cannot_be_booked(web, credit, people, cmo_a, dealer_a):
    from angsur.devdata.factories import make_application

    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=SIGNED)
    page = web(people["adm"]).get(f"/contracts/book/{app.pk}/")
    assert b'data-testid="booking-blockers"' in page.content and b'data-testid="book-form"' not in page.content
    assert web(people["adm"]).post(f"/contracts/book/{app.pk}/", {"signing_date": SIGNED.isoformat()}).status_code == 200
    assert not Contract.objects.exists()


def test_front_office_posts_a_counter_payment_and_prints_the_receipt(web, contract, people):
    client = web(people["fo"])
    page = client.get(f"/contracts/{contract.pk}/")
    assert page.status_code == 200 and b'data-testid="payment-form"' in page.content
    key = re.search(rb'name="idempotency_key" value="(\w+)"', page.content).group(1).decode()
    first = contract.installments.get(no=1)
    body = {
        "amount": f"{first.amount_sen // 100:,}".replace(",", "."),
        "channel": "counter",
        "value_date": first.due_date.isoformat(),
        "idempotency_key": key,
    }
    client.post(f"/contracts/{contract.pk}/pay/", body)
    client.post(f"/contracts/{contract.pk}/pay/", body)  # a double tap
    payment = Payment.objects.get()
    pdf = client.get(f"/payments/{payment.pk}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get(f"/contracts/{contract.pk}/")
    assert payment.receipt_number.encode() in page.content and b'data-state="paid"' in page.content


def test_bad_amount_on_the_form_is_a_message_not_a_500(web, contract, people):
    client = web(people["fo"])
    response = client.post(
        f"/contracts/{contract.pk}/pay/", {"amount": "-5", "channel": "counter", "value_date": SIGNED.isoformat()}, follow=True
    )
    assert response.status_code == 200 and not Payment.objects.exists()


def test_reversal_request_and_approval_on_the_page(web, contract, people):
    from decimal import Decimal

    from angsur.servicing.services import payment_post

    first = contract.installments.get(no=1)
    payment = payment_post(
        actor=people["fo"],
        contract=contract,
        amount=Decimal(first.amount_sen // 100),
        channel="counter",
        value_date=first.due_date,
        as_of=first.due_date,
    )
    web(people["fo"]).post(f"/payments/{payment.pk}/reverse/", {"reason": "Salah kontrak"})
    reversal = Reversal.objects.get()
    page = web(people["bm"]).get(f"/contracts/{contract.pk}/")
    assert b'data-testid="approve-reversal"' in page.content
    web(people["bm"]).post(f"/reversals/{reversal.pk}/decide/", {"approve": "1"})
    reversal.refresh_from_db()
    assert reversal.status == "approved"


def test_settlement_quote_pdf_and_execution_on_the_page(web, contract, people):
    client = web(people["fo"])
    client.post(f"/contracts/{contract.pk}/settlement-quote/")
    quote = contract.settlement_quotes.get()
    pdf = client.get(f"/settlement-quotes/{quote.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post(f"/settlement-quotes/{quote.pk}/execute/")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SETTLED


def test_a_cmo_sees_their_own_contracts_only(web, contract, cmo_a, branch_a):
    from angsur.devdata.factories import make_user
    from angsur.org.roles import Role

    assert contract.number.encode() in web(cmo_a).get("/contracts/").content
    other = make_user(Role.CMO, branch_a, username="cmo.other")
    assert contract.number.encode() not in web(other).get("/contracts/").content
    assert web(other).get(f"/contracts/{contract.pk}/").status_code == 404


def test_the_books_to_make_list_holds_approved_applications_not_yet_booked(approved, people):
    from angsur.servicing.worklists import BOOKS_TO_MAKE

    app = approved()
    assert BOOKS_TO_MAKE.applies(people["adm"]) and not BOOKS_TO_MAKE.applies(people["fo"])
    assert [a.pk for a in BOOKS_TO_MAKE.fetch(people["adm"], SIGNED)] == [app.pk]
    assert BOOKS_TO_MAKE.fetch(people["bm_b"], SIGNED) == []
    from angsur.servicing.services import contract_book

    contract_book(actor=people["adm"], application=app, signing_date=SIGNED, as_of=SIGNED)
    assert BOOKS_TO_MAKE.fetch(people["adm"], SIGNED) == []


def test_admin_finds_approved_applications_to_book_on_the_home_page(web, approved, people):
    app = approved()
    home = web(people["adm"]).get("/")
    assert b'data-testid="books_to_make"' in home.content and app.number.encode() in home.content
    from angsur.servicing.services import contract_book

    contract_book(actor=people["adm"], application=app, signing_date=SIGNED, as_of=SIGNED)
    assert app.number.encode() not in web(people["adm"]).get("/").content


def test_admin_finds_approved_applications_to_book_in_the_worklist_api(api, approved, people):
    app = approved()
    rows = api(people["adm"]).get("/api/worklist").json()["books_to_make"]
    assert [row["id"] for row in rows] == [app.pk]


def test_the_demo_seed_books_contracts_with_history(credit, people, cmo_a, dealer_a):
    from angsur.devdata.seed_contracts import seed_contracts
    from angsur.servicing.selectors import contract_position

    seed_contracts(as_of=SIGNED)
    contracts = {c.signing_date: c for c in Contract.objects.all()}
    assert len(contracts) == 5
    statuses = sorted(c.status for c in contracts.values())
    assert statuses.count("settled") == 1 and statuses.count("active") == 4
    assert Reversal.objects.filter(status="approved").count() == 1
    later = SIGNED + dt.timedelta(days=5)
    late = [c for c in contracts.values() if contract_position(c, as_of=later).days_past_due > 0]
    assert len(late) >= 2  # the late and the partly paid customers are in arrears
    seed_contracts(as_of=SIGNED)  # idempotent
    assert Contract.objects.count() == 5


@pytest.mark.django_db(transaction=True)  # no test transaction around it: Django checks durability only then
def test_the_demo_contracts_compose_inside_one_batch(credit, people, cmo_a, dealer_a):
    """The demo seed may run in one outer transaction (workflow.engine.batch): servicing's services join it."""
    from angsur.devdata.seed_contracts import seed_contracts
    from angsur.workflow.engine import batch

    with batch():
        seed_contracts(as_of=SIGNED)
    assert Contract.objects.count() == 5


def test_the_installment_card_pdf(web, contract, people, cmo_a):
    from decimal import Decimal

    from angsur.servicing.services import payment_post

    first = contract.installments.get(no=1)
    payment_post(
        actor=people["fo"],
        contract=contract,
        amount=Decimal(first.amount_sen // 100),
        channel="counter",
        value_date=first.due_date,
        as_of=first.due_date,
    )
    for viewer in (people["fo"], cmo_a):
        pdf = web(viewer).get(f"/contracts/{contract.pk}/statement.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert web(people["fo_b"]).get(f"/contracts/{contract.pk}/statement.pdf").status_code == 404


@pytest.mark.parametrize(("role", "linked"), [("adm", True), ("fo", False)])
def test_the_contract_page_links_its_application_only_for_a_role_that_may_open_it(web, contract, people, role, linked):
    # The front office (like collectors and remedial staff) sees contracts, not the applications behind them:
    # a link would lead it to a 403.
    client = web(people[role])
    page = client.get(f"/contracts/{contract.pk}/")
    number = contract.application.number.encode()
    assert page.status_code == 200 and number in page.content
    assert (f'href="/applications/{contract.application_id}/"'.encode() in page.content) is linked
    assert client.get(f"/applications/{contract.application_id}/").status_code == (200 if linked else 403)
