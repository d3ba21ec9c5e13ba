"""Saved quotes as prospects (issue 15, item 10): the CMO's list by follow-up date, setting the follow-up on
the screen and through the API (scoped, audited), and one tap from a saved quote to the prefilled order."""

import datetime as dt
from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_user
from angsur.errors import DomainError, NotFound
from angsur.org.clock import branch_today
from angsur.org.roles import Role
from angsur.origination.models import SavedQuote
from angsur.origination.quote_services import quote_follow_up_set, quote_save


def _save(user, products, name: str, dealer=None) -> SavedQuote:
    return quote_save(
        actor=user,
        product=products["OJK17"],
        as_of=branch_today(user),
        otr=Decimal("15000000"),
        down_payment=Decimal("3000000"),
        tenor_months=12,
        vehicle_year=2026,
        vehicle_condition="new",
        prospect_name=name,
        prospect_phone="+6281234567890",
        vehicle_brand="Yamaha",
        vehicle_model="Aerox 155",
        dealer=dealer,
    )


@pytest.fixture
def three_prospects(cmo_a, products):
    today = branch_today(cmo_a)
    later, soon, none = _save(cmo_a, products, "Later"), _save(cmo_a, products, "Soon"), _save(cmo_a, products, "None")
    quote_follow_up_set(actor=cmo_a, quote_id=later.pk, follow_up_on=today + dt.timedelta(days=9), note="after payday", today=today)
    quote_follow_up_set(actor=cmo_a, quote_id=soon.pk, follow_up_on=today, note="", today=today)
    return soon, later, none


def test_the_cmo_sees_their_prospects_by_follow_up_date_as_cards(web, cmo_a, three_prospects):
    response = web(cmo_a).get("/quotes/")
    assert response.status_code == 200
    assert [q.prospect_name for q in response.context["prospects"]] == ["Soon", "Later", "None"]
    body = response.content.decode()
    assert body.count('data-testid="prospect"') == 3
    assert "after payday" in body
    assert "<table" not in body  # cards at phone width, not a cut table


def test_one_tap_from_a_saved_quote_to_the_prefilled_order(web, cmo_a, three_prospects):
    soon = three_prospects[0]
    client = web(cmo_a)
    listing = client.get("/quotes/").content.decode()
    link = f"/applications/new/?quote={soon.pk}"
    assert f'href="{link}"' in listing
    assert f'href="{link}"' in client.get(f"/quotes/{soon.pk}/").content.decode()
    order_form = client.get(link)
    assert order_form.status_code == 200
    assert "Soon" in order_form.content.decode()  # the prospect's name is carried into the order


def test_setting_the_follow_up_on_the_screen_is_audited(web, cmo_a, three_prospects):
    none = three_prospects[2]
    day = branch_today(cmo_a) + dt.timedelta(days=3)
    response = web(cmo_a).post(f"/quotes/{none.pk}/follow-up/", {"follow_up_on": day.isoformat(), "follow_up_note": "bawa brosur"})
    assert response.status_code == 302 and response["Location"] == f"/quotes/#prospect-{none.pk}"
    none.refresh_from_db()
    assert (none.follow_up_on, none.follow_up_note) == (day, "bawa brosur")
    event = AuditEvent.objects.filter(action="quote.follow_up", object_id=str(none.pk)).get()
    assert event.before == {"follow_up_on": None, "follow_up_note": ""}
    assert event.after == {"follow_up_on": day.isoformat(), "follow_up_note": "bawa brosur"}


def test_a_follow_up_in_the_past_is_refused_with_a_message_and_nothing_changes(web, cmo_a, three_prospects):
    later = three_prospects[1]
    yesterday = branch_today(cmo_a) - dt.timedelta(days=1)
    response = web(cmo_a).post(f"/quotes/{later.pk}/follow-up/", {"follow_up_on": yesterday.isoformat(), "follow_up_note": "x"})
    assert response.status_code == 400
    assert "tidak boleh" in response.content.decode() or "cannot be in the past" in response.content.decode()
    later.refresh_from_db()
    assert later.follow_up_note == "after payday"


def test_another_cmo_can_neither_see_nor_follow_up_the_quote(web, api, cmo_a, three_prospects, branch_a):
    other = make_user(Role.CMO, branch_a, username="cmo.other")
    soon = three_prospects[0]
    assert web(other).get("/quotes/").context["prospects"] == []
    assert web(other).post(f"/quotes/{soon.pk}/follow-up/", {"follow_up_on": ""}).status_code == 404
    assert api(other).post(f"/api/quotes/{soon.pk}/follow-up", {"follow_up_on": None}, content_type="application/json").status_code == 404
    with pytest.raises(NotFound):
        quote_follow_up_set(actor=other, quote_id=soon.pk, follow_up_on=None, today=branch_today(other))


def test_the_branch_manager_sees_the_branch_and_may_follow_up(api, cmo_a, bm_a, three_prospects, cmo_b, products):
    _save(cmo_b, products, "Makassar")
    rows = api(bm_a).get("/api/quotes").json()
    assert [row["prospect_name"] for row in rows] == ["Soon", "Later", "None"]
    answer = api(bm_a).post(
        f"/api/quotes/{rows[2]['id']}/follow-up", {"follow_up_on": None, "follow_up_note": "BM"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["follow_up_note"] == "BM"


def test_the_dealer_sees_and_follows_up_only_its_own_dealers_quotes(api, dealer_user_a, dealer_a2, cmo_a, products):
    own = _save(dealer_user_a, products, "Dealer's")
    _save(cmo_a, products, "Other dealer's", dealer=dealer_a2)
    client = api(dealer_user_a)
    assert [row["prospect_name"] for row in client.get("/api/quotes").json()] == ["Dealer's"]
    day = (branch_today(dealer_user_a) + dt.timedelta(days=1)).isoformat()
    answer = client.post(f"/api/quotes/{own.pk}/follow-up", {"follow_up_on": day}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["follow_up_on"] == day


def test_the_api_lists_the_follow_up_fields_in_follow_up_order(api, cmo_a, three_prospects):
    rows = api(cmo_a).get("/api/quotes").json()
    assert [row["prospect_name"] for row in rows] == ["Soon", "Later", "None"]
    assert rows[1]["follow_up_note"] == "after payday"
    assert rows[1]["follow_up_on"] == (branch_today(cmo_a) + dt.timedelta(days=9)).isoformat()
    assert rows[2]["follow_up_on"] is None
    assert rows[0]["installment"] == "1170000" and rows[0]["vehicle"] == "Yamaha Aerox 155 2026"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"follow_up_on": "2000-01-01"}, "follow_up_in_past"),
        ({"follow_up_on": "2199-01-01"}, "follow_up_too_far"),
        ({"follow_up_note": "x" * 201}, "invalid_input"),
    ],
)
def test_api_refuses_a_bad_follow_up_with_a_400(api, cmo_a, three_prospects, body, code):
    response = api(cmo_a).post(f"/api/quotes/{three_prospects[0].pk}/follow-up", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["message"]


def test_an_admin_may_read_but_not_follow_up(api, make_role_user, three_prospects):
    admin = make_role_user(Role.ADMIN)
    client = api(admin)
    assert len(client.get("/api/quotes").json()) == 3
    assert client.post(f"/api/quotes/{three_prospects[0].pk}/follow-up", {}, content_type="application/json").status_code == 403
    with pytest.raises(DomainError):
        quote_follow_up_set(actor=admin, quote_id=three_prospects[0].pk, follow_up_on=None, today=branch_today(admin))
