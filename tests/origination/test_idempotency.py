"""The same order sent twice creates one order (issue 17 item 9): an idempotency key per user.

A double tap on a phone, or a dealer system retrying after a lost answer, sent the order twice and
created two. With an `Idempotency-Key` header (API) or the order form's hidden key, the repeat answers
the order the first request created.
"""

import re

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.origination.models import Application
from tests.origination.test_api import order
from tests.origination.test_views import order as form_order

KEY = "6f1c0c1e-5b7a-4f0e-9d2c-1a2b3c4d5e6f"


def _post(client, body, key=KEY):
    return client.post("/api/applications", body, content_type="application/json", headers={"Idempotency-Key": key})


def test_a_repeated_key_answers_the_same_order_with_200(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)

    first = _post(client, order(dealer_a))
    second = _post(client, order(dealer_a))

    assert first.status_code == 201, first.content
    assert second.status_code == 200, second.content
    assert second.json()["id"] == first.json()["id"] and second.json()["number"] == first.json()["number"]
    assert Application.objects.count() == 1
    assert AuditEvent.objects.filter(action="application.create").count() == 1


def test_the_same_key_with_other_details_is_refused(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)
    first = _post(client, order(dealer_a))

    other = _post(client, order(dealer_a, tenor_months=12))

    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert first.json()["number"] in other.json()["message"]
    assert Application.objects.count() == 1


def test_keys_are_per_user_and_a_refused_order_does_not_use_its_key(api, credit, cmo_a, dealer_a, branch_a):
    other_cmo = make_user(Role.CMO, branch_a, username="cmo2.a")
    refused = _post(api(cmo_a), order(dealer_a, applicant={"nik": "12345"}))
    mine = _post(api(cmo_a), order(dealer_a))
    theirs = _post(api(other_cmo), order(dealer_a))

    assert refused.status_code == 400
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_without_a_key_each_request_creates_an_order(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)
    for _ in range(2):
        assert client.post("/api/applications", order(dealer_a), content_type="application/json").status_code == 201
    assert Application.objects.count() == 2


def test_the_order_form_carries_a_fresh_key(web, credit, cmo_a):
    client = web(cmo_a)
    pages = [client.get("/applications/new/").content.decode() for _ in range(2)]
    keys = [re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page) for page in pages]
    assert all(keys) and keys[0].group(1) != keys[1].group(1)


def test_a_double_tap_on_the_order_form_creates_one_order(web, credit, cmo_a, dealer_a):
    client = web(cmo_a)
    data = {**form_order(dealer_a), "idempotency_key": "a" * 32, "submit": "1"}

    first = client.post("/applications/new/", data)
    second = client.post("/applications/new/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1
