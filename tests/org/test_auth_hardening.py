"""Issue 17: every login path is counted and audited, guessing slows the guesser down, tokens expire.

Given / when / then, through the real login form, the API and the services.
"""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import DEMO_PASSWORD
from angsur.errors import DomainError
from angsur.org.models import ApiToken, User
from angsur.org.services import api_token_authenticate, api_token_create, login_authenticate

NEW_PASSWORD = "Kuda-Lari-Kencang-2026"  # a test password that passes the validators


@pytest.fixture(autouse=True)
def _login_limits(settings):
    # The production defaults, written out so the tests read on their own.
    settings.ANGSUR_LOGIN_MAX_FAILURES = 5
    settings.ANGSUR_LOGIN_LOCKOUT_MINUTES = 15
    settings.ANGSUR_LOGIN_LOCK_MIN_ADDRESSES = 3
    settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = 10
    settings.ANGSUR_LOGIN_THROTTLE_SECONDS = 30
    settings.ANGSUR_LOGIN_FAILURE_WINDOW_MINUTES = 60
    settings.ANGSUR_LOGIN_TRUST_FORWARDED_FOR = False
    settings.ANGSUR_API_TOKEN_DAYS = 30


def _client(address: str = "10.0.0.1", **extra) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


def _api_login(client: Client, username: str, password: str):
    return client.post("/api/auth/token", {"username": username, "password": password}, content_type="application/json")


def _is_app_login_returning_to(url: str, next_url: str) -> bool:
    parts = urlsplit(url)
    return parts.path == "/login/" and parse_qs(parts.query) == {"next": [next_url]}


def _lock_by_guesses_from_several_addresses(user: User) -> None:
    for address in ("10.1.0.1", "10.2.0.1", "10.3.0.1", "10.4.0.1", "10.5.0.1"):
        _api_login(_client(address), user.username, "not-the-password")
    user.refresh_from_db()
    assert user.locked_until is not None


# --- 1. the admin site logs in through the app's counted, audited login ------------------------------


def test_the_admin_login_page_sends_to_the_apps_login(db):
    response = _client().get("/config/login/", {"next": "/config/"})
    assert response.status_code == 302
    assert _is_app_login_returning_to(response["Location"], "/config/")


def test_the_admin_login_form_does_not_log_in_a_locked_head_office_account(ho_admin):
    _lock_by_guesses_from_several_addresses(ho_admin)
    client = _client("10.9.0.1")
    client.post("/config/login/?next=/config/", {"username": ho_admin.username, "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/config/").status_code == 302


def test_an_admin_login_goes_through_the_app_and_is_audited(ho_admin):
    client = _client()
    first = client.get("/config/", follow=True)
    assert _is_app_login_returning_to(first.redirect_chain[-1][0], "/config/")
    response = client.post("/login/?next=/config/", {"username": ho_admin.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/config/"
    assert client.get("/config/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=ho_admin).exists()


def test_djangos_authenticate_refuses_a_locked_account_on_any_path(cmo_a):
    _lock_by_guesses_from_several_addresses(cmo_a)
    assert authenticate(None, username=cmo_a.username, password=DEMO_PASSWORD) is None


def test_a_lock_does_not_end_a_session_opened_before_it(web, cmo_a):
    client = web(cmo_a)
    _lock_by_guesses_from_several_addresses(cmo_a)
    assert client.get("/").status_code == 200


# --- 2. guessing from one address slows that address down; only many addresses lock ---------------


def test_failures_from_one_address_slow_it_down_and_never_lock_the_account(settings, cmo_a):
    settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = 6
    guesser = _client("10.0.0.66")
    for _ in range(6):
        assert _api_login(guesser, cmo_a.username, "not-the-password").status_code == 401
    refused = _api_login(guesser, cmo_a.username, DEMO_PASSWORD)
    assert refused.status_code == 429 and refused.json()["code"] == "login_throttled"
    cmo_a.refresh_from_db()
    assert cmo_a.locked_until is None
    assert _api_login(_client("10.0.0.7"), cmo_a.username, DEMO_PASSWORD).status_code == 201


def test_the_throttle_refuses_any_username_from_that_address(settings, cmo_a, bm_a):
    settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = 3
    guesser = _client("10.0.0.66")
    for _ in range(3):
        _api_login(guesser, "nobody-at-all", "whatever-123")
    assert _api_login(guesser, bm_a.username, DEMO_PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="auth.login_throttled").exists()


def test_the_delay_grows_with_each_further_failure_and_then_ends(settings, cmo_a):
    settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = 3
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.66")
    start = timezone.now()

    def attempt(at: dt.datetime, password: str = "not-the-password") -> str:  # noqa: S107 - a wrong guess
        try:
            login_authenticate(username=cmo_a.username, password=password, request=request, now=at)
        except DomainError as error:
            return error.code
        return "ok"

    assert [attempt(start) for _ in range(3)] == ["invalid_credentials"] * 3
    assert attempt(start + dt.timedelta(seconds=29)) == "login_throttled"  # 30 s after the third
    assert attempt(start + dt.timedelta(seconds=31)) == "invalid_credentials"  # the fourth failure...
    assert attempt(start + dt.timedelta(seconds=31 + 59)) == "login_throttled"  # ...doubles the delay
    assert attempt(start + dt.timedelta(seconds=31 + 61), DEMO_PASSWORD) == "ok"


def test_failures_from_several_addresses_lock_the_account(settings, cmo_a):
    for number in range(5):
        _api_login(_client(f"10.0.{number % 3}.1"), cmo_a.username, "not-the-password")
    cmo_a.refresh_from_db()
    assert cmo_a.locked_until is not None
    assert AuditEvent.objects.filter(action="auth.account_locked", object_id=str(cmo_a.pk)).exists()
    assert _api_login(_client("10.0.9.1"), cmo_a.username, DEMO_PASSWORD).status_code == 401


def test_unknown_wrong_password_and_locked_accounts_get_the_same_answer(cmo_a, bm_a):
    _lock_by_guesses_from_several_addresses(bm_a)
    answers = [
        _api_login(_client("10.7.0.1"), "nobody-at-all", "whatever-123"),
        _api_login(_client("10.7.0.2"), cmo_a.username, "not-the-password"),
        _api_login(_client("10.7.0.3"), bm_a.username, DEMO_PASSWORD),
    ]
    assert {(a.status_code, a.content) for a in answers} == {(answers[0].status_code, answers[0].content)}
    assert answers[0].status_code == 401 and answers[0].json()["code"] == "invalid_credentials"


def test_the_web_form_answers_a_locked_account_like_a_wrong_password(cmo_a, bm_a):
    _lock_by_guesses_from_several_addresses(bm_a)
    wrong = _client("10.7.0.1").post("/login/", {"username": cmo_a.username, "password": "not-the-password"})
    locked = _client("10.7.0.2").post("/login/", {"username": bm_a.username, "password": DEMO_PASSWORD})
    assert wrong.status_code == locked.status_code == 400
    message = "Nama pengguna atau kata sandi salah"
    assert message in wrong.content.decode() and message in locked.content.decode()
    assert "terkunci sampai" not in locked.content.decode()


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(settings, cmo_a):
    # One client sending a new X-Forwarded-For each time is still one address: no lock.
    for number in range(5):
        _api_login(_client("10.0.0.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"), cmo_a.username, "not-the-password")
    cmo_a.refresh_from_db()
    assert cmo_a.locked_until is None


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_counts(settings, cmo_a):
    settings.ANGSUR_LOGIN_TRUST_FORWARDED_FOR = True
    settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = 3
    # The proxy appends the address it saw; anything to its left was sent by the client.
    for spoofed in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        _api_login(_client("127.0.0.1", HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.9"), cmo_a.username, "bad-password")
    assert _api_login(_client("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"), cmo_a.username, DEMO_PASSWORD).status_code == 429
    assert _api_login(_client("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10"), cmo_a.username, DEMO_PASSWORD).status_code == 201


def test_ipv6_addresses_count_per_64_block(settings, cmo_a):
    settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = 3
    for host in (1, 2, 3):
        _api_login(_client(f"2001:db8:1:2::{host}"), cmo_a.username, "bad-password")
    assert _api_login(_client("2001:db8:1:2::99"), cmo_a.username, DEMO_PASSWORD).status_code == 429


def test_a_successful_login_forgives_the_typos_made_from_that_address(settings, cmo_a):
    settings.ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = 3
    office = _client("10.0.0.5")
    for _ in range(2):
        _api_login(office, cmo_a.username, "typo-password")
    assert _api_login(office, cmo_a.username, DEMO_PASSWORD).status_code == 201
    _api_login(office, cmo_a.username, "typo-password")
    assert _api_login(office, cmo_a.username, DEMO_PASSWORD).status_code == 201


def test_head_office_unlocks_an_account_through_the_api(api, ho_admin, cmo_a):
    _lock_by_guesses_from_several_addresses(cmo_a)
    response = api(ho_admin).post(f"/api/users/{cmo_a.pk}/unlock")
    assert response.status_code == 200 and response.json()["locked_until"] is None
    assert AuditEvent.objects.filter(action="org.user_unlock", object_id=str(cmo_a.pk), actor=ho_admin).exists()
    assert _api_login(_client("10.0.9.1"), cmo_a.username, DEMO_PASSWORD).status_code == 201


def test_a_branch_manager_may_not_unlock(api, bm_a, cmo_a):
    _lock_by_guesses_from_several_addresses(cmo_a)
    response = api(bm_a).post(f"/api/users/{cmo_a.pk}/unlock")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    cmo_a.refresh_from_db()
    assert cmo_a.locked_until is not None


def test_head_office_unlocks_accounts_from_the_configuration_screen(web, ho_admin, cmo_a):
    _lock_by_guesses_from_several_addresses(cmo_a)
    response = web(ho_admin).post("/config/org/user/", {"action": "unlock_accounts", "_selected_action": [cmo_a.pk]})
    assert response.status_code == 302
    cmo_a.refresh_from_db()
    assert cmo_a.locked_until is None
    assert AuditEvent.objects.filter(action="org.user_unlock", object_id=str(cmo_a.pk), actor=ho_admin).exists()


# --- 3. API tokens expire, die with a password change or deactivation, and can be listed and revoked


def test_a_token_stops_working_when_it_expires_even_if_cached(cmo_a):
    token, raw = api_token_create(user=cmo_a)
    assert token.expires_at == pytest.approx(token.created_at + dt.timedelta(days=30), abs=dt.timedelta(seconds=5))
    assert api_token_authenticate(raw) is not None  # now cached
    assert api_token_authenticate(raw, now=token.expires_at + dt.timedelta(seconds=1)) is None


def test_the_api_refuses_an_expired_token(settings, cmo_a):
    settings.ANGSUR_API_TOKEN_DAYS = 0
    _token, raw = api_token_create(user=cmo_a)
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me")
    assert response.status_code == 401


def test_the_token_answer_says_when_it_expires(cmo_a):
    body = _api_login(_client(), cmo_a.username, DEMO_PASSWORD).json()
    expires_at = ApiToken.objects.get(prefix=body["prefix"]).expires_at
    assert abs(dt.datetime.fromisoformat(body["expires_at"]) - expires_at) < dt.timedelta(milliseconds=1)  # JSON keeps ms


def test_a_password_change_revokes_the_users_tokens(cmo_a, ho_admin):
    from angsur.org.services import user_password_set

    token, raw = api_token_create(user=cmo_a)
    assert api_token_authenticate(raw) is not None
    user_password_set(actor=ho_admin, user=cmo_a, password=NEW_PASSWORD)
    assert api_token_authenticate(raw) is None
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="org.user_password_set", object_id=str(cmo_a.pk)).exists()


def test_a_password_changed_outside_the_services_also_ends_the_tokens(cmo_a):
    _token, raw = api_token_create(user=cmo_a)
    assert api_token_authenticate(raw) is not None
    cmo_a.set_password(NEW_PASSWORD)  # e.g. `angsur changepassword`
    cmo_a.save()
    assert api_token_authenticate(raw) is None


def test_a_password_change_in_the_configuration_screen_revokes_tokens_and_is_audited(web, ho_admin, cmo_a):
    token, raw = api_token_create(user=cmo_a)
    response = web(ho_admin).post(f"/config/org/user/{cmo_a.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(raw) is None
    assert AuditEvent.objects.filter(action="org.user_password_set", object_id=str(cmo_a.pk), actor=ho_admin).exists()


def test_deactivation_revokes_the_users_tokens(cmo_a, ho_admin):
    from angsur.org.services import user_deactivate

    token, raw = api_token_create(user=cmo_a)
    user_deactivate(actor=ho_admin, user=cmo_a)
    token.refresh_from_db()
    assert token.revoked_at is not None
    cmo_a.is_active = True  # reactivating the account does not bring the old tokens back
    cmo_a.save()
    assert api_token_authenticate(raw) is None


def test_deactivation_in_the_configuration_screen_revokes_tokens(web, ho_admin, cmo_a):
    token, _raw = api_token_create(user=cmo_a)
    client = web(ho_admin)
    data = {
        "username": cmo_a.username,
        "first_name": cmo_a.first_name,
        "last_name": cmo_a.last_name,
        "email": cmo_a.email,
        "date_joined_0": timezone.localtime(cmo_a.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(cmo_a.date_joined).strftime("%H:%M:%S"),
        "role": cmo_a.role,
        "branch": cmo_a.branch_id,
        "phone": "",
        # is_active left out: unchecked
    }
    response = client.post(f"/config/org/user/{cmo_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_user_lists_and_revokes_their_own_tokens(cmo_a, cmo_b):
    _first, first_raw = api_token_create(user=cmo_a, name="phone")
    second, second_raw = api_token_create(user=cmo_a, name="tablet")
    api_token_create(user=cmo_b, name="not mine")
    client = Client(headers={"Authorization": f"Bearer {first_raw}"})
    listed = client.get("/api/auth/tokens").json()
    assert {t["name"] for t in listed} == {"phone", "tablet"}
    assert {"id", "name", "prefix", "created_at", "last_used_at", "expires_at"} <= set(listed[0])
    assert client.delete(f"/api/auth/tokens/{second.pk}").status_code == 204
    assert Client(headers={"Authorization": f"Bearer {second_raw}"}).get("/api/me").status_code == 401
    assert {t["name"] for t in client.get("/api/auth/tokens").json()} == {"phone"}
    assert AuditEvent.objects.filter(action="auth.token_revoke", object_id=str(second.pk)).exists()


def test_a_user_cannot_revoke_someone_elses_token(cmo_a, cmo_b):
    _mine, raw = api_token_create(user=cmo_a)
    theirs, theirs_raw = api_token_create(user=cmo_b)
    response = Client(headers={"Authorization": f"Bearer {raw}"}).delete(f"/api/auth/tokens/{theirs.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api_token_authenticate(theirs_raw) is not None


def test_revoking_the_token_in_use_ends_it_at_once(cmo_a):
    token, raw = api_token_create(user=cmo_a)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/me").status_code == 200
    assert client.delete(f"/api/auth/tokens/{token.pk}").status_code == 204
    assert client.get("/api/me").status_code == 401


def test_the_token_endpoints_declare_their_answers(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "200" in paths["/api/auth/tokens"]["get"]["responses"]
    assert "204" in paths["/api/auth/tokens/{token_id}"]["delete"]["responses"]
    assert "201" in paths["/api/auth/token"]["post"]["responses"]
    assert "200" in paths["/api/users/{user_id}/unlock"]["post"]["responses"]
