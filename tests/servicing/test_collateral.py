"""Fiduciary registration within 30 days of the deed (PP 21/2015 Pasal 4) and BPKB custody."""

import datetime as dt

import pytest

from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.servicing.models import BpkbMovement
from angsur.servicing.selectors import bpkb_late_by_dealer, fiduciary_deadlines
from angsur.servicing.services import bpkb_move, fiduciary_record
from tests.servicing.conftest import SIGNED


def test_booking_opens_the_fiduciary_deadline_and_the_bpkb_due_date(contract):
    assert contract.collateral.fiduciary_deadline == SIGNED + dt.timedelta(days=30)
    assert contract.collateral.bpkb_due == SIGNED + dt.timedelta(days=90)
    assert contract.collateral.bpkb_status == "expected"


def test_the_deadline_is_warned_before_and_listed_when_missed(contract, people):
    deadline = contract.collateral.fiduciary_deadline
    assert fiduciary_deadlines(viewer=people["adm"], as_of=SIGNED)[0].state == "open"
    assert fiduciary_deadlines(viewer=people["adm"], as_of=deadline - dt.timedelta(days=5))[0].state == "warn"
    missed = fiduciary_deadlines(viewer=people["adm"], as_of=deadline + dt.timedelta(days=1))
    assert [(m.contract_number, m.state) for m in missed] == [(contract.number, "missed")]
    # once registered it leaves the list; the deadline runs from the deed
    day = SIGNED + dt.timedelta(days=3)
    collateral = fiduciary_record(
        actor=people["adm"],
        contract=contract,
        deed_number="AKTA-1",
        deed_date=day,
        certificate_number="W10.001",
        registered_on=day,
        as_of=day,
    )
    assert collateral.fiduciary_deadline == day + dt.timedelta(days=30)
    assert fiduciary_deadlines(viewer=people["adm"], as_of=deadline + dt.timedelta(days=1)) == []


def test_a_registration_needs_its_certificate_and_authority(contract, people):
    with pytest.raises(DomainError):
        fiduciary_record(actor=people["adm"], contract=contract, deed_number="A", deed_date=SIGNED, registered_on=SIGNED, as_of=SIGNED)
    with pytest.raises(PermissionDenied):
        fiduciary_record(actor=people["fo"], contract=contract, deed_number="A", deed_date=SIGNED, as_of=SIGNED)


def test_bpkb_received_borrowed_returned_and_released_only_after_payoff(contract, people):
    adm = people["adm"]
    with pytest.raises(DomainError):
        bpkb_move(actor=adm, contract=contract, action="receive", on=SIGNED, as_of=SIGNED)
    bpkb_move(actor=adm, contract=contract, action="receive", on=SIGNED, as_of=SIGNED, bpkb_number="P-123", vault_location="Lemari A-3")
    with pytest.raises(DomainError):
        bpkb_move(actor=adm, contract=contract, action="borrow", on=SIGNED, as_of=SIGNED)
    bpkb_move(actor=adm, contract=contract, action="borrow", on=SIGNED, as_of=SIGNED, note="Perpanjangan pajak oleh konsumen")
    with pytest.raises(Conflict):
        bpkb_move(actor=adm, contract=contract, action="release", on=SIGNED, as_of=SIGNED)
    bpkb_move(actor=adm, contract=contract, action="return", on=SIGNED, as_of=SIGNED)
    with pytest.raises(Conflict) as info:
        bpkb_move(actor=adm, contract=contract, action="release", on=SIGNED, as_of=SIGNED)
    assert info.value.code == "not_paid_off"
    from angsur.servicing.services import settlement_execute, settlement_quote_create

    quote = settlement_quote_create(actor=people["fo"], contract=contract, as_of=SIGNED)
    settlement_execute(actor=people["fo"], quote=quote, value_date=SIGNED, as_of=SIGNED)
    contract.refresh_from_db()
    assert bpkb_move(actor=adm, contract=contract, action="release", on=SIGNED, as_of=SIGNED).bpkb_status == "released"
    assert list(BpkbMovement.objects.values_list("action", flat=True)) == ["receive", "borrow", "return", "release"]


def test_late_bpkbs_are_aged_per_dealer(contract, people):
    due = contract.collateral.bpkb_due
    assert bpkb_late_by_dealer(viewer=people["adm"], as_of=due) == []
    [row] = bpkb_late_by_dealer(viewer=people["adm"], as_of=due + dt.timedelta(days=10))
    assert (row.dealer_name, row.count, row.oldest_days_late, row.contracts) == (contract.dealer.name, 1, 10, [contract.number])
    assert bpkb_late_by_dealer(viewer=people["bm_b"], as_of=due + dt.timedelta(days=10)) == []


def test_the_api_and_the_overview_page(api, web, contract, people):
    body = {"deed_number": "AKTA-9", "deed_date": SIGNED.isoformat()}
    response = api(people["adm"]).post(f"/api/contracts/{contract.pk}/fiduciary", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["deed_number"] == "AKTA-9"
    response = api(people["adm"]).post(
        f"/api/contracts/{contract.pk}/bpkb",
        {"action": "receive", "bpkb_number": "P-1", "vault_location": "A1"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["bpkb_status"] == "stored"
    assert (
        api(people["fo"])
        .post(f"/api/contracts/{contract.pk}/bpkb", {"action": "borrow", "note": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert api(people["adm"]).get("/api/fiduciary-deadlines").status_code == 200
    assert api(people["adm"]).get("/api/bpkb-late").json() == []
    page = web(people["adm"]).get("/collateral/")
    assert page.status_code == 200 and contract.number.encode() in page.content
    assert web(people["fo"]).get("/collateral/").status_code == 403
