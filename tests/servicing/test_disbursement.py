"""Purchase order and disbursement to the dealer: Admin prepares, a second person releases, Admin records the transfer."""

from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_user
from angsur.devdata.seed_contracts import booked_contract
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.org.roles import Role
from angsur.servicing.services import disbursement_mark_paid, disbursement_prepare, disbursement_release
from tests.servicing.conftest import SIGNED


def test_admin_prepares_the_manager_releases_and_the_transfer_is_recorded(contract, people):
    disbursement = disbursement_prepare(actor=people["adm"], contract=contract, dealer_deduction=Decimal(250000))
    assert disbursement.po_number.startswith("PO/JKT/")
    assert disbursement.amount_sen == contract.otr_sen - contract.down_payment_sen - 25_000_000
    # maker-checker: the preparer cannot release; nor a role without the authority
    with pytest.raises(PermissionDenied):
        disbursement_release(actor=people["adm"], disbursement=disbursement)
    with pytest.raises(PermissionDenied):
        disbursement_release(actor=people["fo"], disbursement=disbursement)
    with pytest.raises(PermissionDenied):
        disbursement_release(actor=people["bm_b"], disbursement=disbursement)
    # not paid before it is released
    with pytest.raises(Conflict):
        disbursement_mark_paid(actor=people["adm"], disbursement=disbursement, bank_reference="TRX1", paid_on=SIGNED, as_of=SIGNED)
    released = disbursement_release(actor=people["bm"], disbursement=disbursement)
    assert released.status == "released" and released.released_by == people["bm"]
    with pytest.raises(DomainError):
        disbursement_mark_paid(actor=people["adm"], disbursement=released, bank_reference=" ", paid_on=SIGNED, as_of=SIGNED)
    paid = disbursement_mark_paid(actor=people["adm"], disbursement=released, bank_reference="BCA-TRX-1", paid_on=SIGNED, as_of=SIGNED)
    assert paid.status == "paid" and paid.bank_reference == "BCA-TRX-1"
    assert AuditEvent.objects.filter(action__startswith="disbursement.").count() == 3


def test_one_purchase_order_per_contract(contract, people):
    disbursement_prepare(actor=people["adm"], contract=contract)
    with pytest.raises(Conflict):
        disbursement_prepare(actor=people["adm"], contract=contract)


def test_a_deduction_above_the_amount_is_refused(contract, people):
    with pytest.raises(DomainError):
        disbursement_prepare(actor=people["adm"], contract=contract, dealer_deduction=Decimal(10**9))


def test_through_the_api_and_the_po_pdf(api, web, contract, people):
    created = api(people["adm"]).post(f"/api/contracts/{contract.pk}/disbursement", {}, content_type="application/json")
    assert created.status_code == 201, created.content
    did = created.json()["id"]
    assert api(people["adm"]).post(f"/api/disbursements/{did}/release", {}, content_type="application/json").status_code == 403
    released = api(people["bm"]).post(f"/api/disbursements/{did}/release", {}, content_type="application/json")
    assert released.status_code == 200 and released.json()["status"] == "released"
    paid = api(people["adm"]).post(
        f"/api/disbursements/{did}/paid", {"bank_reference": "X-1", "paid_on": SIGNED.isoformat()}, content_type="application/json"
    )
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    pdf = web(people["adm"]).get(f"/disbursements/{did}/po.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_dealer_sees_its_own_purchase_orders_only(api, web, contract, people, dealer_a, dealer_a2):
    from angsur.devdata.factories import make_dealer_user

    disbursement = disbursement_prepare(actor=people["adm"], contract=contract)
    own = make_dealer_user(dealer_a, username="dealer.own")
    other = make_dealer_user(dealer_a2, username="dealer.other")
    assert [row["po_number"] for row in api(own).get("/api/disbursements").json()] == [disbursement.po_number]
    assert api(own).get(f"/api/disbursements/{disbursement.pk}").status_code == 200
    assert web(own).get(f"/disbursements/{disbursement.pk}/po.pdf").status_code == 200
    assert api(other).get("/api/disbursements").json() == []
    assert api(other).get(f"/api/disbursements/{disbursement.pk}").status_code == 404
    # a dealer never releases its own payment
    assert api(own).post(f"/api/disbursements/{disbursement.pk}/release", {}, content_type="application/json").status_code == 403


def test_the_dealer_portal_lists_its_own_purchase_orders_and_what_it_was_paid(web, contract, people, dealer_b, branch_b, cmo_b):
    from angsur.devdata.factories import make_dealer_user

    # Given a PO issued to the contract's dealer and one to another branch's dealer
    own = disbursement_prepare(actor=people["adm"], contract=contract)
    other_contract = booked_contract(cmo=cmo_b, dealer=dealer_b, signing_date=SIGNED)
    other = disbursement_prepare(actor=make_user(Role.ADMIN, branch_b, username="adm.po.b"), contract=other_contract)
    # When the contract's dealer opens its purchase orders
    page = web(make_dealer_user(contract.dealer, username="dealer.po")).get("/purchase-orders/").content.decode()
    # Then it sees its own PO with the amount paid to it, never the other dealer's
    assert own.po_number in page and other.po_number not in page and 'data-testid="po-pdf-link"' in page
    # and staff without the capability (a credit analyst) are refused
    assert web(people["ca"]).get("/purchase-orders/").status_code == 403
    # while the branch manager sees the branch's
    assert own.po_number in web(people["bm"]).get("/purchase-orders/").content.decode()
