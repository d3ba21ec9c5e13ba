"""The remedial API: field cash, letters and repossession, with their refusals as JSON (never a 500)."""

import datetime as dt

import pytest

from angsur.remedial.models import FieldReceipt
from angsur.servicing.models import Payment
from angsur.servicing.services import fiduciary_record

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 2)


@pytest.fixture
def on_monday(branch_a):
    branch_a.business_date = MON
    branch_a.save(update_fields=["business_date"])
    return MON


def test_field_cash_through_the_api(api, people, contract, on_monday, branch_a):
    bm, coll, fo = api(people["bm"]), api(people["coll"]), api(people["fo"])
    # The branch manager assigns a booklet; an overlapping one is refused with 409
    response = bm.post(
        "/api/receipt-booklets",
        {"collector_id": people["coll"].pk, "first_number": 100, "last_number": 149},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    response = bm.post(
        "/api/receipt-booklets",
        {"collector_id": people["coll2"].pk, "first_number": 140, "last_number": 160},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "range_overlaps"
    # The collector issues receipt 100 by contract number; a retry answers 200 with the same receipt
    body = {"number": 100, "amount": "250000", "contract_number": contract.number}
    first = coll.post("/api/field-receipts", body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["deposit_due"] == "2026-11-03"
    again = coll.post("/api/field-receipts", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"] and again.json()["replayed"]
    # ... the same number for another amount is refused
    used = coll.post("/api/field-receipts", {**body, "amount": "1000"}, content_type="application/json")
    assert used.status_code == 409 and used.json()["code"] == "receipt_number_used"
    assert Payment.objects.count() == 1
    # A number outside the booklet
    outside = coll.post("/api/field-receipts", {**body, "number": 999}, content_type="application/json")
    assert outside.status_code == 400 and outside.json()["code"] == "receipt_not_in_booklet"
    # The next working day the cashier receives the cash
    branch_a.business_date = MON + dt.timedelta(days=1)
    branch_a.save(update_fields=["business_date"])
    deposit = fo.post(
        "/api/cash-deposits",
        {"collector_id": people["coll"].pk, "receipt_ids": [first.json()["id"]], "counted": "250000"},
        content_type="application/json",
    )
    assert deposit.status_code == 201, deposit.content
    assert deposit.json()["difference"] == "0" and deposit.json()["receipts"] == ["0000100"]
    rec = bm.get("/api/field-cash/reconciliation", {"date_from": "2026-11-02", "date_to": "2026-11-03"}).json()
    assert rec["totals"]["matched"] and rec["totals"]["issued"] == "250000" and rec["totals"]["posted"] == "250000"
    assert bm.get("/api/field-cash/exceptions").json() == []
    # The collector may not receive deposits nor see the reconciliation of others
    assert (
        coll.post(
            "/api/cash-deposits", {"collector_id": people["coll"].pk, "receipt_ids": [1], "counted": "1"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_deposit_of_another_collectors_receipt_answers_403(api, people, contract, on_monday):
    from angsur.remedial.services import booklet_assign, receipt_issue

    booklet_assign(actor=people["bm"], collector=people["coll"], first_number=1, last_number=10, as_of=MON)
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1, amount=1000, as_of=MON)
    response = api(people["fo"]).post(
        "/api/cash-deposits",
        {"collector_id": people["coll2"].pk, "receipt_ids": [receipt.pk], "counted": "1000"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "receipt_of_another_collector"
    assert FieldReceipt.objects.get().deposit_id is None


def test_letters_and_repossession_through_the_api(api, people, contract, branch_a):
    late = contract.first_due_date + dt.timedelta(days=10)
    branch_a.business_date = late
    branch_a.save(update_fields=["business_date"])
    rem = api(people["rem"])
    sp2 = rem.post(f"/api/contracts/{contract.pk}/warning-letters", {"level": 2}, content_type="application/json")
    assert sp2.status_code == 409 and sp2.json()["code"] == "previous_letter_missing"
    sp1 = rem.post(f"/api/contracts/{contract.pk}/warning-letters", {"level": 1}, content_type="application/json")
    assert sp1.status_code == 201 and sp1.json()["days_past_due"] == 10
    sent = rem.post(f"/api/warning-letters/{sp1.json()['id']}/send", {"channel": "registered_mail"}, content_type="application/json")
    assert sent.status_code == 200 and sent.json()["status"] == "sent" and sent.json()["sent_on"] == late.isoformat()
    refused = rem.post(f"/api/contracts/{contract.pk}/repossessions", {"officer_id": people["rem"].pk}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "repossession_preconditions"
    assert len(rem.get(f"/api/contracts/{contract.pk}/repossession-blockers").json()["missing"]) == 2
    fiduciary_record(
        actor=people["adm"],
        contract=contract,
        deed_number="A1",
        deed_date=contract.signing_date,
        certificate_number="W10-1",
        registered_on=contract.signing_date,
        as_of=contract.signing_date,
    )
    evidence = rem.post(
        f"/api/contracts/{contract.pk}/default-evidence",
        {"kind": "acknowledgement", "dated": late.isoformat(), "document": "SPW-1"},
        content_type="application/json",
    )
    assert evidence.status_code == 201
    task = rem.post(f"/api/contracts/{contract.pk}/repossessions", {"officer_id": people["rem"].pk}, content_type="application/json")
    assert task.status_code == 201, task.content
    secured = rem.post(
        f"/api/repossessions/{task.json()['id']}/secure",
        {"place": "Rumah debitur", "condition": "Baik", "costs": "150000"},
        content_type="application/json",
    )
    assert secured.status_code == 200 and secured.json()["status"] == "secured" and secured.json()["costs"] == "150000"
    # A collector has no letters or repossessions
    assert (
        api(people["coll"]).post(f"/api/contracts/{contract.pk}/warning-letters", {"level": 1}, content_type="application/json").status_code
        == 403
    )
