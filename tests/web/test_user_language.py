"""The language is kept per person, not per browser (issue 15, item 13).

Before: the choice lived in a cookie only, so on a shared phone the next user got the last user's
language, and a user's choice did not follow them to another device.
"""

import pytest
from django.test import Client

from angsur.devdata.factories import DEMO_PASSWORD, make_user
from angsur.org.roles import Role

pytestmark = pytest.mark.django_db


def _login(client: Client, user) -> None:
    assert client.post("/login/", {"username": user.username, "password": DEMO_PASSWORD}).status_code == 302


def test_a_persons_choice_follows_them_and_does_not_pass_to_the_next_user(branch_a):
    first = make_user(Role.CMO, branch_a, username="cmo.en")
    second = make_user(Role.CMO, branch_a, username="cmo.id")
    phone = Client()

    _login(phone, first)
    phone.post("/i18n/setlang/", {"language": "en", "next": "/"})
    first.refresh_from_db()
    assert first.language == "en"
    assert phone.get("/").headers["Content-Language"] == "en"
    phone.post("/logout/")

    # the colleague on the same phone gets the company's default, not the cookie the first one left
    _login(phone, second)
    assert phone.get("/").headers["Content-Language"] == "id"
    phone.post("/logout/")

    # and the first person's English follows them to another browser
    other_device = Client()
    _login(other_device, first)
    assert other_device.get("/").headers["Content-Language"] == "en"


def test_the_api_still_follows_accept_language(branch_a, api):
    user = make_user(Role.CMO, branch_a, username="cmo.api")
    user.language = "en"
    user.save(update_fields=["language"])
    response = api(user).get("/api/applications/999999", HTTP_ACCEPT_LANGUAGE="id")
    assert response.headers["Content-Language"] == "id"
