"""From an approved application to its contract (issue 10): Admin finds the booking page from the application,
and once booked, the application links to its contract."""

import datetime as dt

import pytest

from angsur.devdata.factories import make_credit_config, make_user
from angsur.devdata.seed_contracts import approved_application, booked_contract
from angsur.org.roles import Role

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2026, 11, 2)


def test_admin_books_from_the_application_and_it_links_to_the_contract(products, branch_a, cmo_a, dealer_a, web):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.link")
    app = approved_application(cmo=cmo_a, dealer=dealer_a, as_of=SIGNED)
    page = web(admin).get(f"/applications/{app.pk}/").content.decode()
    assert f"/contracts/book/{app.pk}/" in page
    assert f"/contracts/book/{app.pk}/" not in web(cmo_a).get(f"/applications/{app.pk}/").content.decode()

    contract = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED, admin=admin)
    page = web(admin).get(f"/applications/{contract.application_id}/").content.decode()
    assert f"/contracts/{contract.pk}/" in page and contract.number in page
