"""The collection API: scoping, contacts (idempotent, refused at forbidden hours), promises, hand-over, views."""

import datetime as dt
import urllib.parse

import pytest

from angsur.collection import clock
from angsur.collection.models import CollectionCase, CollectorProfile, Contact
from angsur.collection.services import collection_nightly
from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from tests.collection.conftest import WORKING_HOUR, snapshot

D1 = dt.date(2026, 12, 1)
# 21.00 WIB on a Friday: after hours in Jakarta.
NINE_PM_WIB = dt.datetime(2026, 12, 4, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def case(contract, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: WORKING_HOUR)
    snapshot(contract, D1, dpd=5, mob=2)
    collection_nightly(business_date=D1)
    return CollectionCase.objects.get(contract=contract)


@pytest.fixture
def business_day(monkeypatch):
    # The branch's business date (the end-of-day would have moved it): promises are judged from it.
    from angsur.collection import api as collection_api

    monkeypatch.setattr(collection_api, "business_date", lambda branch: D1)


def test_the_cmo_logs_a_call_with_a_promise_once_per_key(case, cmo_a, api, business_day):
    client = api(cmo_a)
    body = {"channel": "call", "result_code": "promise", "promise_on": "2026-12-03", "promise_amount": "500000", "note": "Gajian tgl 3"}
    first = client.post(
        f"/api/collection/cases/{case.pk}/contacts", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    assert first.status_code == 201, first.content
    assert first.json()["promise"]["amount"] == "500000"
    assert first.json()["debtor_local_time"] == "2026-12-04 10:00 WIB"
    again = client.post(
        f"/api/collection/cases/{case.pk}/contacts", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    assert (again.status_code, again.json()["id"], again.json()["replayed"]) == (200, first.json()["id"], True)
    assert Contact.objects.count() == 1


def test_a_call_at_nine_in_the_evening_debtor_time_is_refused_unless_consent_is_recorded(case, cmo_a, api, monkeypatch, business_day):
    monkeypatch.setattr(clock, "now", lambda: NINE_PM_WIB)
    client = api(cmo_a)
    body = {"channel": "call", "result_code": "no_answer"}
    refused = client.post(f"/api/collection/cases/{case.pk}/contacts", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "outside_contact_hours"
    assert "21:00 WIB" in refused.json()["message"]
    assert client.get(f"/api/collection/cases/{case.pk}").json()["contact_allowed_now"] is False
    # the debtor agrees to evening calls: recorded, then the call is allowed
    consent = client.post(
        f"/api/collection/cases/{case.pk}/consents",
        {"note": "Boleh ditelepon malam s/d 21.30", "valid_until": "2026-12-31"},
        content_type="application/json",
    )
    assert consent.status_code == 201, consent.content
    allowed = client.post(f"/api/collection/cases/{case.pk}/contacts", body, content_type="application/json")
    assert (allowed.status_code, allowed.json()["with_consent"]) == (201, True)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"promise_on": "2026-11-30", "promise_amount": "500000"}, "promise_in_past"),
        ({"promise_on": "2026-12-03", "promise_amount": "-5"}, "promise_amount"),
        ({"promise_on": "2026-12-03", "promise_amount": "0"}, "promise_amount"),
        ({"promise_on": "2026-12-03"}, "promise_incomplete"),
        ({}, "promise_required"),
    ],
)
def test_a_bad_promise_is_refused_with_a_message(case, cmo_a, api, body, code, business_day):
    response = api(cmo_a).post(
        f"/api/collection/cases/{case.pk}/contacts", {"channel": "call", "result_code": "promise", **body}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert Contact.objects.count() == 0


def test_a_contact_outside_the_users_scope_is_not_found(case, cmo_b, api, branch_a, staff):
    other_cmo = make_user(Role.CMO, branch_a, username="cmo.other")
    body = {"channel": "call", "result_code": "no_answer"}
    for user in (other_cmo, cmo_b, staff["coll"], staff["bm_b"]):
        response = api(user).post(f"/api/collection/cases/{case.pk}/contacts", body, content_type="application/json")
        assert response.status_code == 404, user.username
        assert api(user).get(f"/api/collection/cases/{case.pk}").status_code == 404
        assert case.pk not in [row["id"] for row in api(user).get("/api/collection/cases").json()]
    assert Contact.objects.count() == 0


def test_a_role_without_collection_gets_403(case, api, staff):
    analyst = make_user(Role.CREDIT_ANALYST, case.branch, username="ca.coll")
    assert api(analyst).get(f"/api/collection/cases/{case.pk}").status_code == 403


def test_a_hand_over_without_a_reason_is_refused_and_with_one_reaches_the_collector(case, cmo_a, api, staff, business_day):
    client = api(cmo_a)
    refused = client.post(
        f"/api/collection/cases/{case.pk}/hand-over", {"to_stage": "field", "reason": " "}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "reason_required")
    CollectorProfile.objects.create(user=staff["coll"], branch=case.branch, stage="field")
    done = client.post(
        f"/api/collection/cases/{case.pk}/hand-over",
        {"to_stage": "field", "reason": "Nasabah pindah, tidak bisa dihubungi"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert (done.json()["stage"], done.json()["assignee"]) == ("field", "coll.c")
    # the CMO keeps seeing the case; no more hand-over from them; the collector now sees it
    assert client.get(f"/api/collection/cases/{case.pk}").json()["allowed_actions"] == []
    assert api(staff["coll"]).get(f"/api/collection/cases/{case.pk}").status_code == 200
    # the CMO may no longer log contacts on it
    contact = client.post(
        f"/api/collection/cases/{case.pk}/contacts", {"channel": "call", "result_code": "no_answer"}, content_type="application/json"
    )
    assert (contact.status_code, contact.json()["code"]) == (403, "not_your_case")


def test_a_visit_records_where_and_when(case, api, staff, bm_a, business_day):
    CollectorProfile.objects.create(user=staff["coll"], branch=case.branch, stage="field")
    api(bm_a).post(
        f"/api/collection/cases/{case.pk}/hand-over", {"to_stage": "field", "reason": "Perlu kunjungan"}, content_type="application/json"
    )
    client = api(staff["coll"])
    no_gps = client.post(
        f"/api/collection/cases/{case.pk}/contacts", {"channel": "visit", "result_code": "not_home"}, content_type="application/json"
    )
    assert (no_gps.status_code, no_gps.json()["code"]) == (400, "gps_missing")
    body = {
        "channel": "visit",
        "result_code": "not_home",
        "latitude": "-6.200500",
        "longitude": "106.900400",
        "gps_taken_at": "2026-12-04T09:58:00+07:00",
        "device_captured_at": "2026-12-04T09:59:00+07:00",
    }
    visit = client.post(
        f"/api/collection/cases/{case.pk}/contacts", body, content_type="application/json", headers={"Idempotency-Key": "v-1"}
    )
    assert visit.status_code == 201, visit.content
    data = visit.json()
    assert (data["latitude"], data["longitude"], data["stage"]) == ("-6.200500", "106.900400", "field")
    assert dt.datetime.fromisoformat(data["gps_taken_at"]) == dt.datetime(2026, 12, 4, 2, 58, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(data["device_captured_at"]) == dt.datetime(2026, 12, 4, 2, 59, tzinfo=dt.UTC)
    assert data["received_at"]


def test_the_case_offers_a_whatsapp_reminder_in_indonesian(case, cmo_a, api):
    url = api(cmo_a).get(f"/api/collection/cases/{case.pk}").json()["whatsapp_url"]
    assert url.startswith("https://wa.me/62813")
    query = urllib.parse.urlsplit(url).query
    text = urllib.parse.parse_qs(query)["text"][0]
    assert text.startswith("Yth. Bapak/Ibu Budi Santoso, angsuran kontrak " + case.contract.number + " telah lewat jatuh tempo 5 hari")
    assert case.contract.va_number in text


def test_the_views_group_accounts_by_bucket(case, api, bm_a, cmo_a):
    body = api(bm_a).get("/api/collection/views", {"group": "cmo", "as_of": "2026-12-01"}).json()
    assert body["business_date"] == "2026-12-01"
    row = body["rows"][0]
    assert (row["id"], row["accounts"], row["buckets"][0]["bucket"]) == (cmo_a.pk, 1, "B1")


def test_the_worklist_api_shows_the_cmos_overdue_contract(case, cmo_a, api):
    body = api(cmo_a).get("/api/worklist").json()
    assert [row["number"] for row in body["collection_overdue"]] == [case.contract.number]
    assert body["collection_overdue"][0]["dpd"] == 5
