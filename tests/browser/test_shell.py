"""Every role logs in and lands on its home; branch scoping holds in the browser."""

import pytest

from angsur.dealers.services import dealer_user_link
from angsur.devdata.factories import DEMO_PASSWORD, make_dealer, make_user
from angsur.org.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_TITLES = {
    Role.CMO: "Beranda CMO",
    Role.BRANCH_MANAGER: "Beranda kepala cabang",
    Role.HO_ADMIN: "Beranda kantor pusat",
    Role.DEALER: "Portal dealer",
    Role.CREDIT_ANALYST: "Beranda analis kredit",
    Role.COLLECTOR: "Beranda kolektor",
}


def test_each_role_logs_in_and_sees_its_home(desktop, branch_a, head_office, login):
    dealer = make_dealer(branch_a, code="JKT-HON1", name="Honda Jaya")
    for role in Role.values:
        user = make_user(role, None if role == Role.HO_ADMIN else branch_a, username=f"b.{role}")
        if role == Role.DEALER:
            dealer_user_link(actor=None, user=user, dealer=dealer)
        login(desktop, user.username, DEMO_PASSWORD)
        assert str(Role(role).label) in desktop.inner_text("[data-testid=who]")
        title = desktop.inner_text("[data-testid=home-title]")
        if role in HOME_TITLES:
            assert title == HOME_TITLES[role], (role, title)
        desktop.click("text=Keluar")
        desktop.wait_for_url("**/login/")


def test_cmo_of_branch_a_is_refused_a_record_of_branch_b(phone, cmo_a, dealer_a, dealer_b, login):
    login(phone, cmo_a.username, DEMO_PASSWORD)
    phone.goto(f"/dealers/{dealer_a.pk}/")
    assert phone.inner_text("[data-testid=dealer-name]") == dealer_a.name
    response = phone.goto(f"/dealers/{dealer_b.pk}/")
    assert response.status == 404
    assert dealer_b.name not in phone.content()
    assert "di luar cabang" in phone.inner_text("main")
    api = phone.request.get(f"/api/dealers/{dealer_b.pk}")
    assert api.status == 404
    assert api.json()["code"] == "not_found"


def test_wrong_password_shows_a_clear_message(phone, cmo_a):
    phone.goto("/login/")
    phone.fill("#id_username", cmo_a.username)
    phone.fill("#id_password", "salah-sekali")
    phone.click("button[type=submit]")
    assert "Nama pengguna atau kata sandi salah" in phone.inner_text("[data-testid=login-error]")
