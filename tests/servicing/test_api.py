"""The servicing API: booking, payments with an idempotency key, reversal with approval, waiver, settlement."""

import datetime as dt

from angsur.servicing.models import Payment
from tests.servicing.conftest import SIGNED


def _json(response, status):
    assert response.status_code == status, response.content[:600]
    return response.json()


def test_the_api_books_pays_reverses_and_settles(api, approved, people, cmo_a):
    app = approved()
    admin, fo, bm = api(people["adm"]), api(people["fo"]), api(people["bm"])
    # book
    contract = _json(
        admin.post("/api/contracts", {"application_id": app.pk, "signing_date": SIGNED.isoformat()}, content_type="application/json"), 201
    )
    assert contract["status"] == "active" and len(contract["installments"]) == app.tenor_months
    assert _json(admin.post("/api/contracts", {"application_id": app.pk}, content_type="application/json"), 409)["code"] == "already_booked"
    cid = contract["id"]
    first = contract["installments"][0]
    # pay at the counter, twice with the same key: one payment
    body = {"amount": first["amount"], "value_date": first["due_date"]}
    paid = _json(fo.post(f"/api/contracts/{cid}/payments", body, content_type="application/json", headers={"Idempotency-Key": "k1"}), 201)
    again = _json(fo.post(f"/api/contracts/{cid}/payments", body, content_type="application/json", headers={"Idempotency-Key": "k1"}), 200)
    assert paid["id"] == again["id"] and paid["receipt_number"]
    assert sum(int(a["amount"]) for a in paid["allocations"]) == int(first["amount"])
    assert Payment.objects.count() == 1
    # bad input answers 400 with a code, never a 500
    for bad in ({"amount": "-1"}, {"amount": "0"}, {"amount": "1.001"}, {"amount": "abc"}):
        assert fo.post(f"/api/contracts/{cid}/payments", bad, content_type="application/json").status_code == 400
    # the CMO sees the contract but may not post
    assert api(cmo_a).get(f"/api/contracts/{cid}").status_code == 200
    assert api(cmo_a).post(f"/api/contracts/{cid}/payments", body, content_type="application/json").status_code == 403
    # reversal: requested by front office, refused to the requester, approved by the branch manager
    reversal = _json(fo.post(f"/api/payments/{paid['id']}/reversal", {"reason": "Salah input"}, content_type="application/json"), 201)
    assert fo.post(f"/api/reversals/{reversal['id']}/decision", {"approve": True}, content_type="application/json").status_code == 403
    decided = _json(bm.post(f"/api/reversals/{reversal['id']}/decision", {"approve": True}, content_type="application/json"), 200)
    assert decided["status"] == "approved"
    detail = _json(fo.get(f"/api/contracts/{cid}"), 200)
    assert detail["payments"][0]["reversed"] and detail["installments"][0]["paid"] == "0"
    # settlement quote and execution
    quote = _json(fo.post(f"/api/contracts/{cid}/settlement-quotes", content_type="application/json"), 201)
    assert int(quote["total"]) == sum(int(quote[k]) for k in ("principal", "interest", "late_fees", "fee"))
    assert _json(fo.get(f"/api/settlement-quotes/{quote['id']}"), 200)["number"] == quote["number"]
    executed = _json(fo.post(f"/api/settlement-quotes/{quote['id']}/execute", {}, content_type="application/json"), 200)
    assert executed["kind"] == "settlement" and executed["amount"] == quote["total"]
    closed = _json(fo.get(f"/api/contracts/{cid}"), 200)
    assert closed["status"] == "settled" and closed["balances"]["outstanding"] == "0"
    assert fo.post(f"/api/contracts/{cid}/payments", body, content_type="application/json").status_code == 409


def test_booking_an_unapproved_application_answers_409(api, credit, people, cmo_a, dealer_a):
    from angsur.devdata.factories import make_application

    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=SIGNED)
    response = api(people["adm"]).post("/api/contracts", {"application_id": app.pk}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_bookable"


def test_the_list_is_scoped_to_the_branch_and_the_cmo(api, contract, people, cmo_b):
    ids = [row["id"] for row in api(people["fo"]).get("/api/contracts").json()]
    assert ids == [contract.pk]
    assert api(people["fo_b"]).get("/api/contracts").json() == []
    assert api(people["fo_b"]).get(f"/api/contracts/{contract.pk}").status_code == 404


def test_a_waiver_through_the_api(api, contract, people):
    late = dt.date.today()
    response = api(people["bm"]).post(
        f"/api/contracts/{contract.pk}/late-fee-waivers", {"amount": "1000", "reason": "x"}, content_type="application/json"
    )
    # the first installment (due a month after signing) is late by now, so there is a fee to waive
    assert late > contract.first_due_date
    assert response.status_code == 201, response.content
