"""The menu offers a screen exactly to the roles the screen opens for.

Every role logs in, reads its menu from the home page and opens each entry: nothing it is offered may
answer 403 or 404. And each screen it is *not* offered is checked the other way for the entries whose
rule is a predicate (the pages that a role check rather than one capability guards): it must not open.
"""

import re

import pytest
from django.urls import reverse

from angsur.org.models import User
from angsur.org.roles import Role
from angsur.web.context_processors import MENU
from tests.conftest import login_client

pytestmark = pytest.mark.django_db

STAFF_ROLES = [role for role in Role.values if role != Role.DEALER]


def _menu_of(client) -> dict[str, str]:
    html = client.get("/").content.decode()
    nav = html[html.find("<nav") : html.find("</nav>")]
    urls = set(re.findall(r'href="([^"#?]+)"', nav))
    return {name: url for name, url in ((n, _url(n)) for n, _label, _rule in MENU) if url in urls}


def _url(name: str) -> str:
    return reverse(name)


def _opens(client, url: str) -> bool:
    response = client.get(url, follow=True)
    return response.status_code == 200


@pytest.fixture
def user_of(make_role_user, head_office, dealer_user_a):
    def factory(role: str) -> User:
        if role == Role.DEALER:
            return dealer_user_a
        return make_role_user(role, username=f"menu.{role}")

    return factory


@pytest.mark.parametrize("role", [*STAFF_ROLES, Role.DEALER])
def test_every_entry_a_role_is_offered_opens(role, user_of):
    client = login_client(user_of(role))
    menu = _menu_of(client)
    assert "home" in menu
    closed = [url for url in menu.values() if not _opens(client, url)]
    assert closed == [], f"{role} is offered {closed} but they do not open"


@pytest.mark.parametrize("role", [*STAFF_ROLES, Role.DEALER])
def test_a_screen_kept_off_the_menu_does_not_open_for_the_role(role, user_of):
    client = login_client(user_of(role))
    menu = _menu_of(client)
    for name, _label, rule in MENU:
        if callable(rule) and not isinstance(rule, str) and name not in menu:
            response = client.get(_url(name))
            assert response.status_code in (403, 404), f"{role}: {name} answers {response.status_code} though it is not offered"


def test_the_cmo_finds_their_own_performance_and_incentives_not_targets(user_of):
    menu = _menu_of(login_client(user_of(Role.CMO)))
    assert {"performance_dashboard", "performance_incentives", "performance_repeat_orders"} <= set(menu)
    assert "performance_targets" not in menu


def test_a_dealer_user_and_a_front_office_are_not_offered_incentives_or_repeat_orders(user_of):
    for role in (Role.DEALER, Role.FRONT_OFFICE, Role.CREDIT_ANALYST):
        menu = _menu_of(login_client(user_of(role)))
        assert "performance_incentives" not in menu and "performance_repeat_orders" not in menu, role
