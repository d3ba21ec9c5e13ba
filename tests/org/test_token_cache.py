"""Bearer tokens are cached, and any change that matters reaches the next request at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from angsur.org.roles import Role
from angsur.org.services import api_token_authenticate, api_token_create, api_token_revoke


def _token(user):
    return api_token_create(user=user)


def test_a_token_is_looked_up_once(cmo_a):
    _, raw = _token(cmo_a)
    assert api_token_authenticate(raw).pk == cmo_a.pk
    with CaptureQueriesContext(connection) as queries:
        user = api_token_authenticate(raw)
    assert user.pk == cmo_a.pk and user.branch.code == cmo_a.branch.code
    assert len(queries) == 0


def test_each_request_gets_its_own_copy(cmo_a):
    _, raw = _token(cmo_a)
    first, second = api_token_authenticate(raw), api_token_authenticate(raw)
    assert first is not second
    first.role = Role.BRANCH_MANAGER
    first._state.fields_cache["branch"] = None  # a request replacing a related object
    again = api_token_authenticate(raw)
    assert again.role == Role.CMO
    assert again.branch is not None and again.branch.code == cmo_a.branch.code
    assert again._state is not first._state and not again._state.adding


def test_a_revoked_token_stops_working_at_once(cmo_a):
    token, raw = _token(cmo_a)
    assert api_token_authenticate(raw) is not None
    api_token_revoke(actor=cmo_a, token=token)
    assert api_token_authenticate(raw) is None


def test_a_deactivated_user_or_a_new_role_is_seen_at_once(cmo_a):
    _, raw = _token(cmo_a)
    api_token_authenticate(raw)
    cmo_a.role = Role.MARKETING_SUPERVISOR
    cmo_a.save()
    assert api_token_authenticate(raw).role == Role.MARKETING_SUPERVISOR
    cmo_a.is_active = False
    cmo_a.save()
    assert api_token_authenticate(raw) is None


def test_a_branch_moving_time_zone_is_seen_at_once(cmo_a):
    _, raw = _token(cmo_a)
    api_token_authenticate(raw)
    branch = cmo_a.branch
    branch.time_zone = "Asia/Jayapura"
    branch.save()
    assert api_token_authenticate(raw).branch.time_zone == "Asia/Jayapura"


def test_login_bookkeeping_does_not_empty_the_cache(cmo_a, cmo_b):
    _, raw = _token(cmo_a)
    api_token_authenticate(raw)
    cmo_b.save(update_fields=["last_login"])  # every web login does this
    with CaptureQueriesContext(connection) as queries:
        api_token_authenticate(raw)
    assert len(queries) == 0


def test_the_api_refuses_a_revoked_token(cmo_a, client):
    token, raw = _token(cmo_a)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/me", **headers).status_code == 200
    api_token_revoke(actor=cmo_a, token=token)
    response = client.get("/api/me", **headers)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
