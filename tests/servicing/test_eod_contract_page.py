"""The contract page's end-of-day position (issue 11): the latest snapshot, a month of history, the links to
other apps' records of the contract, the same figures as GET /api/contracts/{id}/days, a bounded query count."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, translation

from angsur.collection.services import collection_nightly
from angsur.devdata.factories import make_user
from angsur.formatting import format_rupiah
from angsur.org import services as org_services
from angsur.org.roles import Role
from angsur.servicing import eod
from angsur.servicing.eod_selectors import PAGE_HISTORY_DAYS, contract_eod_position

# The contract of tests/servicing/conftest.py is signed on 2 November 2026 with its first installment due that
# day; nothing is ever paid, so by late January three installments are overdue: 82 days, B3, Kol 2, an FPD.
FIRST_CLOSE = dt.date(2026, 12, 20)
CLOSES = 35
LAST_CLOSE = FIRST_CLOSE + dt.timedelta(days=CLOSES - 1)
# The contract page of the branch's Admin, whatever the history's length: 15 before the end-of-day section,
# then one for the snapshots and one for the collection case (the remedial link needs none).
PAGE_QUERIES = 17


@pytest.fixture(autouse=True)
def _calendar_far_ahead(monkeypatch):
    # The wall clock is the outside world: every tested date has ended in every branch.
    monkeypatch.setattr(eod, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    monkeypatch.setattr(org_services, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    # The after-close hooks are their apps' to test; the collection nightly is called where a case is needed.
    monkeypatch.setattr(eod, "_hooks", {})


def _shown(value: dt.date | bool) -> str:
    """How the page (in Indonesian, the default language) writes a date or a flag."""
    with translation.override("id"):
        if isinstance(value, bool):
            return translation.gettext("yes" if value else "no")
        return dateformat.format(value, "d M Y")


def _close(first: dt.date, days: int) -> None:
    for k in range(days):
        eod.eod_run(first + dt.timedelta(days=k))


def _cell(page: bytes, testid: str) -> str:
    """The text of the element carrying data-testid, tags dropped, spaces collapsed."""
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</(dd|span|p|a)>', page.decode(), re.S)
    assert found, f"no {testid} on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _history(page: bytes) -> list[list[str]]:
    rows = re.findall(r'<tr data-testid="eod-day">(.*?)</tr>', page.decode(), re.S)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def test_the_page_shows_the_latest_close_and_the_last_thirty_newest_first(web, contract, cmo_a):
    # Given 35 closes, the first installment unpaid since 2 November
    _close(FIRST_CLOSE, CLOSES)
    # When its CMO opens the contract
    page = web(cmo_a).get(f"/contracts/{contract.pk}/")
    # Then the section shows the last close: date, days past due, bucket, Kol, MOB, premature, FPD
    assert page.status_code == 200
    latest = contract.days.get(business_date=LAST_CLOSE)
    assert (latest.dpd, latest.bucket, latest.fpd, latest.overdue_installments) == (82, "B3", True, 3)
    assert _cell(page.content, "eod-date") == _shown(LAST_CLOSE) == "23 Jan 2027"
    assert _cell(page.content, "eod-dpd") == "82"
    assert _cell(page.content, "eod-bucket") == "B3"
    assert _cell(page.content, "eod-kol") == "Kol 2"
    assert _cell(page.content, "eod-mob") == str(latest.mob)
    assert _cell(page.content, "eod-premature") == _shown(True) == "ya"
    assert _cell(page.content, "eod-fpd") == "ya"
    assert _cell(page.content, "eod-overdue") == format_rupiah(Decimal(latest.overdue_sen) / 100) + " 3 angsuran"
    assert latest.late_fee_sen > 0 and _cell(page.content, "eod-late-fee") == format_rupiah(Decimal(latest.late_fee_sen) / 100)
    # And a month of history, newest first: date, DPD, bucket, Kol
    history = _history(page.content)
    assert len(history) == PAGE_HISTORY_DAYS == 30
    assert history[0] == ["23/01/27", "82", "B3", "2"]
    assert history[-1][0] == (LAST_CLOSE - dt.timedelta(days=29)).strftime("%d/%m/%y")


def test_the_page_and_the_api_tell_the_same_story(web, api, contract, people):
    # Given 35 closes
    _close(FIRST_CLOSE, CLOSES)
    staff = people["adm"]
    # When the same person reads the page and GET /api/contracts/{id}/days
    page = web(staff).get(f"/contracts/{contract.pk}/").content
    days = api(staff).get(f"/api/contracts/{contract.pk}/days").json()
    # Then the latest day is the same in both ...
    last = days[-1]
    assert _shown(dt.date.fromisoformat(last["business_date"])) == _cell(page, "eod-date")
    assert str(last["dpd"]) == _cell(page, "eod-dpd")
    assert last["bucket"] == _cell(page, "eod-bucket")
    assert f"Kol {last['collectibility']}" == _cell(page, "eod-kol")
    assert str(last["mob"]) == _cell(page, "eod-mob")
    assert _shown(last["premature"]) == _cell(page, "eod-premature")
    assert _shown(last["fpd"]) == _cell(page, "eod-fpd")
    assert _cell(page, "eod-overdue").startswith(format_rupiah(Decimal(last["overdue"])))
    assert format_rupiah(Decimal(last["late_fee"])) == _cell(page, "eod-late-fee")
    # ... and the page's history is the API's last 30 days, newest first
    from_api = [
        [dt.date.fromisoformat(d["business_date"]).strftime("%d/%m/%y"), str(d["dpd"]), d["bucket"], str(d["collectibility"])]
        for d in reversed(days[-PAGE_HISTORY_DAYS:])
    ]
    assert _history(page) == from_api


def test_a_contract_no_close_has_included_yet_says_so(web, contract, cmo_a):
    page = web(cmo_a).get(f"/contracts/{contract.pk}/").content
    assert b'data-testid="eod-none"' in page and b'data-testid="eod-latest"' not in page


def test_the_collection_case_is_linked_for_those_who_may_open_it(web, contract, people, cmo_a, branch_a):
    # Given the last close opened the contract's collection case (with its CMO)
    _close(LAST_CLOSE, 1)
    collection_nightly(business_date=LAST_CLOSE)
    case = contract.collection_case
    url = f"/contracts/{contract.pk}/"
    # Then its CMO and the branch's Admin find the case from the contract page
    for viewer in (cmo_a, people["adm"]):
        page = web(viewer).get(url).content
        assert f'href="/collection/cases/{case.pk}/"'.encode() in page
        assert web(viewer).get(f"/collection/cases/{case.pk}/").status_code == 200
    # The front office (no collection view) and a collector the case is not assigned to do not
    collector = make_user(Role.COLLECTOR, branch_a, username="col.a")
    for viewer in (people["fo"], collector):
        page = web(viewer).get(url)
        assert page.status_code == 200 and b'data-testid="link-collection-case"' not in page.content


def test_the_remedial_page_is_linked_for_those_who_issue_letters(web, contract, people, cmo_a):
    url = f"/contracts/{contract.pk}/"
    assert f'href="/remedial/contracts/{contract.pk}/"'.encode() in web(people["bm"]).get(url).content
    assert b'data-testid="link-remedial"' not in web(cmo_a).get(url).content


def test_the_position_is_scoped_like_the_contract(contract, cmo_a, cmo_b, people):
    _close(LAST_CLOSE, 1)
    assert contract_eod_position(viewer=cmo_a, contract_id=contract.pk).latest.business_date == LAST_CLOSE
    # Another branch's staff get no picture of it (its page is a 404 for them)
    for outsider in (cmo_b, people["fo_b"]):
        position = contract_eod_position(viewer=outsider, contract_id=contract.pk)
        assert position.latest is None and position.history == []


def test_the_pages_query_count_does_not_grow_with_the_history(web, contract, people, django_assert_max_num_queries):
    client = web(people["adm"])
    url = f"/contracts/{contract.pk}/"
    # Given one close, and the collection case it opened
    _close(FIRST_CLOSE, 1)
    collection_nightly(business_date=FIRST_CLOSE)
    client.get(url)  # warm the per-process caches (configuration, translations)
    with CaptureQueriesContext(connection) as one_day:
        assert client.get(url).status_code == 200
    # When 34 more dates close
    _close(FIRST_CLOSE + dt.timedelta(days=1), CLOSES - 1)
    # Then the page reads as many times as with one day, and no more than the pinned count
    with django_assert_max_num_queries(PAGE_QUERIES), CaptureQueriesContext(connection) as month:
        page = client.get(url)
    assert len(_history(page.content)) == 30
    assert len(month) == len(one_day), [q["sql"][:120] for q in month.captured_queries]
