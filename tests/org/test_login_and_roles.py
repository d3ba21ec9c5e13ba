"""Logins, lock-out, roles, and production settings."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import DEMO_PASSWORD, make_user
from angsur.org.models import User
from angsur.org.roles import ROLE_CAPABILITIES, Role


def test_production_hasher_is_argon2():
    # read the settings module itself: the test suite swaps in a fast hasher
    import angsur.settings

    assert angsur.settings.PASSWORD_HASHERS[0] == "angsur.org.hashers.OwaspArgon2PasswordHasher"
    assert django_settings.AUTH_USER_MODEL == "org.User"


def test_argon2_uses_owasp_parameters_and_upgrades_old_hashes_at_login(settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher, make_password

    settings.PASSWORD_HASHERS = ["angsur.org.hashers.OwaspArgon2PasswordHasher"]
    # Given a hash made at Django's defaults (~100 MB per check)
    old = Argon2PasswordHasher().encode("rahasia-123", Argon2PasswordHasher().salt())
    assert "m=102400" in old

    # When the password is checked, it is accepted and re-hashed at 19 MiB, 2 passes, 1 lane
    upgraded = []
    assert check_password("rahasia-123", old, setter=upgraded.append)
    new = make_password("rahasia-123")
    assert upgraded == ["rahasia-123"]
    assert "$m=19456,t=2,p=1$" in new and identify_hasher(new).algorithm == "argon2"


def test_wrong_password_is_refused_with_a_translated_message(cmo_a):
    response = Client().post("/login/", {"username": cmo_a.username, "password": "wrong-password"})
    assert response.status_code == 400
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed", object_id=str(cmo_a.pk)).exists()


def test_unknown_user_gets_the_same_message(db):
    response = Client().post("/login/", {"username": "nobody", "password": "whatever123"})
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_english_switch_translates_the_error(cmo_a):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.post("/login/", {"username": cmo_a.username, "password": "bad"})
    assert "Wrong username or password" in response.content.decode()


def test_account_locks_after_failures_from_several_addresses_and_refuses_even_the_right_password(settings, cmo_a):
    # Issue 17: failures from one address only slow that address down (tests/org/test_auth_hardening.py).
    settings.ANGSUR_LOGIN_MAX_FAILURES = 3
    settings.ANGSUR_LOGIN_LOCK_MIN_ADDRESSES = 3
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        Client(REMOTE_ADDR=address).post("/login/", {"username": cmo_a.username, "password": "bad-password"})
    cmo_a.refresh_from_db()
    assert cmo_a.locked_until is not None
    response = Client(REMOTE_ADDR="10.0.0.4").post("/login/", {"username": cmo_a.username, "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "terkunci" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.account_locked", object_id=str(cmo_a.pk)).exists()


def test_successful_login_resets_the_failure_counter(cmo_a):
    client = Client()
    client.post("/login/", {"username": cmo_a.username, "password": "bad-password"})
    assert User.objects.get(pk=cmo_a.pk).failed_login_count == 1
    assert client.post("/login/", {"username": cmo_a.username, "password": DEMO_PASSWORD}).status_code == 302
    assert User.objects.get(pk=cmo_a.pk).failed_login_count == 0


def test_api_token_login_counts_toward_lockout(settings, cmo_a):
    settings.ANGSUR_LOGIN_MAX_FAILURES = 2
    settings.ANGSUR_LOGIN_LOCK_MIN_ADDRESSES = 2
    for address in ("10.0.0.1", "10.0.0.2"):
        response = Client(REMOTE_ADDR=address).post(
            "/api/auth/token", {"username": cmo_a.username, "password": "bad"}, content_type="application/json"
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    response = Client(REMOTE_ADDR="10.0.0.3").post(
        "/api/auth/token", {"username": cmo_a.username, "password": DEMO_PASSWORD}, content_type="application/json"
    )
    # Issue 17: a locked account answers exactly like a wrong password (was 403 account_locked).
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize("role", [r for r in Role.values])
def test_every_role_has_a_home_page(web, branch_a, head_office, role):
    user = make_user(role, None if role == Role.HO_ADMIN else branch_a, username=f"u.{role}")
    if role == Role.DEALER:
        from angsur.dealers.services import dealer_user_link
        from angsur.devdata.factories import make_dealer

        dealer_user_link(actor=None, user=user, dealer=make_dealer(branch_a))
    response = web(user).get("/")
    assert response.status_code == 200
    assert str(Role(role).label) in response.content.decode() or role in response.content.decode()


def test_every_role_has_declared_capabilities():
    assert set(ROLE_CAPABILITIES) == set(Role.values)


def test_anonymous_user_is_sent_to_login(db):
    response = Client().get("/dealers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_check_deploy_passes_under_production_variables(tmp_path):
    # the browser tests allow async-unsafe calls in this process; a production check must not inherit that
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        "DJANGO_ALLOWED_HOSTS": "angsur.example.co.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "angsur.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
