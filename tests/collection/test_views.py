"""The collection screens: the CMO's home lists, the case page, a contact from the form and from the outbox, views and Excel."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from angsur.collection import clock
from angsur.collection import views as collection_views
from angsur.collection.models import CollectionCase, CollectorProfile, Contact
from angsur.collection.services import collection_nightly
from tests.collection.conftest import WORKING_HOUR, snapshot

D1 = dt.date(2026, 12, 1)


@pytest.fixture
def case(contract, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: WORKING_HOUR)
    snapshot(contract, D1, dpd=5, mob=2)
    collection_nightly(business_date=D1)
    return CollectionCase.objects.get(contract=contract)


def test_the_cmo_home_lists_the_overdue_young_contract(case, cmo_a, web):
    page = web(cmo_a).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="collection_overdue"' in html and case.contract.number in html
    assert f"/collection/cases/{case.pk}/" in html


def test_the_case_page_offers_the_contact_form_the_whatsapp_link_and_the_gps(case, cmo_a, web):
    page = web(cmo_a).get(f"/collection/cases/{case.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="log-contact"' in html and "https://wa.me/62" in html
    assert "geolocation=(self)" in page.headers["Permissions-Policy"]


def test_a_contact_from_the_outbox_is_answered_in_json_and_recorded_once(case, cmo_a, web, monkeypatch):
    # The promise date is judged against the branch's day: pinned, so the test does not depend on the wall clock
    # (after 17.00 UTC on 5 December the branch's calendar day in WIB was already the 6th).
    monkeypatch.setattr(collection_views, "business_date", lambda branch: D1)
    client = web(cmo_a)
    body = {"channel": "call", "result_code": "promise", "promise_on": "2026-12-05", "promise_amount": "500.000", "client_key": "abc"}
    headers = {"X-Angsur-Outbox": "1", "Idempotency-Key": "abc"}
    first = client.post(f"/collection/cases/{case.pk}/contact/", body, headers=headers)
    again = client.post(f"/collection/cases/{case.pk}/contact/", body, headers=headers)
    assert (first.status_code, first.json()["status"], first.json()["replayed"]) == (200, "accepted", False)
    assert again.json()["replayed"] is True
    assert Contact.objects.count() == 1
    assert Contact.objects.get().promise.amount_sen == 50_000_000


def test_a_refused_contact_from_the_form_shows_the_reason(case, cmo_a, web, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC))  # Sunday 10.00 WIB
    page = web(cmo_a).post(f"/collection/cases/{case.pk}/contact/", {"channel": "call", "result_code": "no_answer"})
    assert page.status_code == 400
    assert "Minggu" in page.content.decode() or "Sunday" in page.content.decode()
    assert Contact.objects.count() == 0


def test_a_hand_over_without_a_reason_from_the_page_is_refused(case, cmo_a, web):
    client = web(cmo_a)
    page = client.post(f"/collection/cases/{case.pk}/hand-over/", {"to_stage": "desk", "reason": ""}, follow=True)
    assert CollectionCase.objects.get(pk=case.pk).stage == "cmo"
    assert "alasan" in page.content.decode().lower() or "reason" in page.content.decode().lower()


def test_the_branch_manager_assigns_from_the_page(case, bm_a, web, staff):
    CollectorProfile.objects.create(user=staff["coll"], branch=case.branch, stage="desk", areas="Cakung")
    client = web(bm_a)
    client.post(f"/collection/cases/{case.pk}/hand-over/", {"to_stage": "desk", "reason": "Tidak bisa dihubungi"})
    case.refresh_from_db()
    assert (case.stage, case.assignee) == ("desk", staff["coll"])


def test_the_views_page_and_the_excel_export(case, bm_a, web):
    client = web(bm_a)
    assert client.get("/collection/views/?group=cmo").status_code == 200
    response = client.get("/collection/views.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    rows = list(book.worksheets[2].iter_rows(values_only=True))
    assert rows[3][1] == 1  # one account in the branch


def test_the_views_count_fpd_visits_today_and_the_promise_kept_rate(credit, staff, cmo_a, dealer_a, branch_a, bm_a, monkeypatch):
    from decimal import Decimal

    from angsur.collection.models import Promise
    from angsur.collection.selectors import collection_view
    from angsur.collection.services import ContactData, contact_log
    from angsur.devdata.seed_contracts import booked_contract

    monkeypatch.setattr(clock, "now", lambda: WORKING_HOUR)
    first = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=dt.date(2026, 11, 2), admin=staff["adm"])
    second = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=dt.date(2026, 11, 2), admin=staff["adm"])
    snapshot(first, D1, dpd=35, mob=2, fpd=True)
    snapshot(second, D1, dpd=3, mob=2)
    CollectorProfile.objects.create(user=staff["coll"], branch=branch_a, stage="field")
    collection_nightly(business_date=D1)
    field_case = CollectionCase.objects.get(contract=first)
    cmo_case = CollectionCase.objects.get(contract=second)
    # a visit today by the collector; two promises to the CMO, one kept and one broken
    visit = ContactData(channel="visit", result_code="not_home", latitude=Decimal("-6.2"), longitude=Decimal("106.9"))
    contact_log(actor=staff["coll"], case=field_case, data=visit, at=WORKING_HOUR, as_of=D1)
    for status in ("kept", "broken"):
        data = ContactData(channel="call", result_code="promise", promise_on=D1, promise_amount=Decimal(1000))
        contact = contact_log(actor=cmo_a, case=cmo_case, data=data, at=WORKING_HOUR, as_of=D1)
        Promise.objects.filter(contact=contact).update(status=status)

    as_of = WORKING_HOUR.date()
    by_cmo = collection_view(viewer=bm_a, group="cmo", as_of=as_of)
    [row] = by_cmo.rows
    assert (row.key, row.accounts, row.fpd, row.promises_kept, row.promises_broken, row.promise_kept_rate) == (cmo_a.pk, 2, 1, 1, 1, 50)
    assert row.buckets["B2"][0] == 1 and row.buckets["B1"][0] == 1
    # per collector: whoever works cases (the CMO too, for the promises they took)
    by_collector = {r.key: r for r in collection_view(viewer=bm_a, group="collector", as_of=as_of).rows}
    row = by_collector[staff["coll"].pk]
    assert (row.accounts, row.visits_today, row.promise_kept_rate) == (1, 1, None)
    assert (by_collector[cmo_a.pk].promises_kept, by_collector[cmo_a.pk].accounts) == (1, 0)
    # the collector sees only their own line; another branch's manager sees nothing
    assert [r.key for r in collection_view(viewer=staff["coll"], group="collector", as_of=as_of).rows] == [staff["coll"].pk]
    assert [r.key for r in collection_view(viewer=cmo_a, group="cmo", as_of=as_of).rows] == [cmo_a.pk]
    assert collection_view(viewer=staff["bm_b"], group="branch", as_of=as_of).rows == []


def test_the_case_list_page_shows_only_the_viewers_cases(case, cmo_a, web, branch_a, staff):
    from angsur.devdata.factories import make_user
    from angsur.org.roles import Role

    assert case.contract.number in web(cmo_a).get("/collection/").content.decode()
    other = make_user(Role.CMO, branch_a, username="cmo.list.other")
    assert case.contract.number not in web(other).get("/collection/").content.decode()
    assert case.contract.number not in web(staff["coll"]).get("/collection/").content.decode()
    assert case.contract.number not in web(staff["bm_b"]).get("/collection/").content.decode()
