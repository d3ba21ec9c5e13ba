"""The server's side of the encrypted field work (issue 14, privacy on shared phones).

/device/key/ hands the signed-in user, and nobody else, the key that wraps their data key on their phones
(derived from SECRET_KEY, never stored, never cached); /device/unlock/ is the screen that opens the work
without signal: cached by the service worker, so it holds no personal data.
"""

import base64

import pytest
from django.test import Client, override_settings

from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.web.offline import device_wrapping_key

pytestmark = pytest.mark.django_db


def _key(response) -> bytes:
    return base64.b64decode(response.json()["key"])


def test_the_device_key_is_the_signed_in_users_own_and_never_cached(web, cmo_a, branch_a):
    # given two CMOs
    colleague = make_user(Role.CMO, branch_a, username="cmo.key2")
    # when each asks for their key
    mine, theirs = web(cmo_a).get("/device/key/"), web(colleague).get("/device/key/")
    # then each gets a 256-bit key of their own, the same at every call, not kept by any cache
    assert mine.status_code == 200 and mine["Content-Type"] == "application/json"
    assert "no-store" in mine["Cache-Control"]
    assert mine.json()["user"] == cmo_a.pk
    assert len(_key(mine)) == 32 and _key(mine) != _key(theirs)
    assert _key(web(cmo_a).get("/device/key/")) == _key(mine) == device_wrapping_key(user_pk=cmo_a.pk)
    assert mine.json()["previous"] == []


def test_without_a_session_there_is_no_device_key():
    response = Client().get("/device/key/")
    assert response.status_code == 401
    assert response.json()["code"] == "login_required"
    assert "key" not in response.json()


def test_the_device_key_is_read_only(web, cmo_a):
    assert web(cmo_a).post("/device/key/").status_code == 405


def test_a_rotated_secret_key_still_opens_what_the_previous_one_wrapped(web, cmo_a, settings):
    # given a key handed out under the old secret
    old_secret = settings.SECRET_KEY
    before = _key(web(cmo_a).get("/device/key/"))
    # when the secret is rotated, the old one kept as a fallback
    with override_settings(SECRET_KEY="a-new-secret-key-for-this-test-0123456789abcdef", SECRET_KEY_FALLBACKS=[old_secret]):
        answer = web(cmo_a).get("/device/key/").json()
    # then the new key differs, and the previous one is handed out beside it
    assert base64.b64decode(answer["key"]) != before
    assert [base64.b64decode(k) for k in answer["previous"]] == [before]


def test_the_unlock_screen_holds_no_personal_data_and_the_worker_keeps_it(web, cmo_a):
    page = web(cmo_a).get("/device/unlock/").content.decode()
    assert "data-device-unlock" in page and "Buka pekerjaan yang tersimpan di HP ini" in page
    assert cmo_a.username not in page and "data-device-user" not in page
    assert '"/device/unlock/"' in Client().get("/sw.js").content.decode()


def test_the_login_form_derives_the_phones_key_before_posting():
    assert "data-device-login" in Client().get("/login/").content.decode()
