"""In the browser at 390 px (issue 11, "done when"): after an end-of-day, a CMO sees a due-soon reminder and an
overdue young contract on their home page, logs a call with a promise to pay, is refused a call at 21.00 debtor
time; on a later end-of-day the case goes to a field collector by rule, who records a visit with the phone's
GPS position.

The real end-of-day runs (servicing.eod.eod_run) and calls the nightly collection run as its after-close hook.
Its dates are past (a day is closed once it has ended everywhere); the clock of contacts is injected
(angsur.collection.clock.now), never the wall clock.
"""

import datetime as dt

import pytest

from angsur.collection import clock
from angsur.collection.models import CollectionCase, CollectorProfile, Contact
from angsur.devdata.factories import make_credit_config, make_user
from angsur.devdata.seed_contracts import booked_contract
from angsur.org.roles import Role
from angsur.servicing.eod import eod_run
from angsur.servicing.services import payment_post
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The product is paid in advance (ADDM): the first installment is due at signing.
LATE_SIGNED = dt.date(2026, 10, 19)  # nothing paid: 10 days late on the first night, 31 on the second
SOON_SIGNED = dt.date(2026, 9, 30)  # first installment paid at signing; the second due 30 October
NIGHT_1 = dt.date(2026, 10, 29)
NIGHT_2 = dt.date(2026, 11, 19)
TEN_AM_WIB = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)
NINE_PM_WIB = dt.datetime(2026, 12, 4, 14, 0, tzinfo=dt.UTC)
SATURDAY_TEN_AM_WIB = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)
DEBTOR_HOME = {"latitude": -6.1953, "longitude": 106.8827, "accuracy": 15}


@pytest.fixture
def now(monkeypatch):
    """Set the server's clock for contacts: now.at = <aware datetime>."""

    class Clock:
        at = TEN_AM_WIB

    monkeypatch.setattr(clock, "now", lambda: Clock.at)
    return Clock


def test_cmo_reminds_promises_is_refused_at_night_and_a_collector_visits(phone, now, products, branch_a, cmo_a, dealer_a, tmp_path):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.coll.walk")
    collector = make_user(Role.COLLECTOR, branch_a, username="coll.walk")
    CollectorProfile.objects.create(user=collector, branch=branch_a, stage="field", areas="Rawamangun")
    cashier = make_user(Role.FRONT_OFFICE, branch_a, username="fo.coll.walk")
    late = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=LATE_SIGNED, admin=admin)
    due_soon = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SOON_SIGNED, admin=admin)
    payment_post(
        actor=cashier, contract=due_soon, amount=due_soon.installment, channel="counter", value_date=SOON_SIGNED, as_of=SOON_SIGNED
    )

    # The end-of-day of NIGHT_1 (the branch's business date moves to 30 October), with collection's nightly run
    eod_run(NIGHT_1, actor=admin)
    late_case = CollectionCase.objects.get(contract=late)
    assert late_case.dpd == 10

    # The CMO's home at 390 px: the reminder and the overdue young contract
    page = phone
    sign_in_as(page, cmo_a)
    page.wait_for_selector("[data-testid=collection_due_soon]")
    assert due_soon.number in page.inner_text("[data-testid=collection_due_soon]")
    overdue = page.inner_text("[data-testid=collection_overdue]")
    assert late.number in overdue and "10" in overdue
    page.screenshot(path=str(tmp_path / "cmo-home.png"), full_page=True)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # ... opens the overdue one: a WhatsApp reminder link, and logs a call with a promise to pay
    page.click(f"[data-testid=collection_overdue] a:has-text('{late.number}')")
    page.wait_for_selector("[data-testid=case-title]")
    assert page.get_attribute("[data-testid=whatsapp-reminder]", "href").startswith("https://wa.me/62")
    page.select_option("select[name=channel]", "call")
    page.select_option("select[name=result_code]", "promise")
    page.fill("#id_promise_on", "2026-10-31")
    page.fill("#id_promise_amount", "1.118.000")
    page.fill("#id_note", "Gajian besok, bayar lewat VA")
    page.click("[data-testid=log-contact]")
    page.wait_for_selector("[data-testid=promise-status]")
    assert Contact.objects.filter(case=late_case).count() == 1
    promise = Contact.objects.get(case=late_case).promise
    assert (promise.promised_on, promise.amount_sen) == (dt.date(2026, 10, 31), 111_800_000)
    page.screenshot(path=str(tmp_path / "cmo-case.png"), full_page=True)
    assert_accessible(page)  # axe-core (WCAG 2.1 AA) and the hand checks at 390 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # At 21.00 WIB (the debtor's time) a call is refused: the page says why, and a call sent anyway is refused
    now.at = NINE_PM_WIB
    page.reload()
    refusal = page.inner_text("[data-testid=contact-refusal]")
    assert "21:00 WIB" in refusal and "POJK 22/2023" in refusal
    page.select_option("select[name=channel]", "call")
    page.select_option("select[name=result_code]", "no_answer")
    page.click("[data-testid=log-contact]")
    page.wait_for_selector("[data-contact-status]:has-text('POJK 22/2023')")
    assert Contact.objects.filter(case=late_case).count() == 1

    # A later end-of-day: the promise was not kept and the contract is 31 days late -> a field collector of the area
    now.at = SATURDAY_TEN_AM_WIB
    eod_run(NIGHT_2, actor=admin)
    late_case.refresh_from_db()
    assert (late_case.dpd, late_case.broken_promises, late_case.stage, late_case.assignee) == (31, 1, "field", collector)

    # The CMO still sees where it went
    page.goto("/")
    assert late.number in page.inner_text("[data-testid=collection_handed_over]")

    # The collector, on their phone with GPS, sees the case and records a visit
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(DEBTOR_HOME)
    sign_in_as(page, collector)
    assert late.number in page.inner_text("[data-testid=collection_assigned]")
    page.click(f"[data-testid=collection_assigned] a:has-text('{late.number}')")
    page.wait_for_selector("[data-testid=case-title]")
    assert page.input_value("select[name=channel]") == "visit"
    page.wait_for_selector("[data-gps-status]:has-text('-6.1953')")
    page.select_option("select[name=result_code]", "not_home")
    page.fill("#id_note", "Rumah kosong, titip pesan ke tetangga")
    # ... without signal in the lane: the visit waits in the phone's outbox, nothing is recorded yet
    page.context.set_offline(True)
    page.click("[data-testid=log-contact]")
    page.wait_for_selector("[data-contact-status]:has-text('Belum terkirim')")
    assert not Contact.objects.filter(case=late_case, channel="visit").exists()
    # ... and it is sent, once, when the signal comes back
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=contacts] :text('Rumah kosong')", timeout=45000)
    visit = Contact.objects.get(case=late_case, channel="visit")  # exactly one
    assert (str(visit.latitude), str(visit.longitude), visit.actor) == ("-6.195300", "106.882700", collector)
    assert visit.gps_taken_at is not None and visit.device_captured_at is not None and visit.client_key
    page.screenshot(path=str(tmp_path / "collector-visit.png"), full_page=True)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
