"""Shared fixtures: two branches, users per role, API clients. Data is made through the real services."""

import importlib

import pytest
from django.core.cache import cache
from django.test import Client

from angsur import caching
from angsur.devdata.factories import DEMO_PASSWORD, make_branch, make_company, make_dealer, make_dealer_user, make_products, make_user
from angsur.org.models import BranchTimeZone
from angsur.org.roles import Role
from angsur.org.services import api_token_create


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    # Argon2 is the production hasher (asserted in tests/org); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded files of a test run never land in the project's var/private.
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    # Database ids repeat between tests (each rolls back): start every test with empty caches.
    cache.clear()
    caching.clear()


# Data migrations that seed rows (configuration defaults). A transactional test's flush empties their tables
# for every transactional test after it (pytest-django runs those last), so each gets them again, by the
# migration's own function. A new data migration that seeds rows joins this list.
DATA_MIGRATIONS = ["angsur.collection.migrations.0002_defaults"]


@pytest.fixture(autouse=True)
def _migration_data(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for name in DATA_MIGRATIONS:
        importlib.import_module(name).forwards(apps, None)


@pytest.fixture
def company(db):
    return make_company()


@pytest.fixture
def branch_a(company):
    return make_branch("JKT", company=company, name="Jakarta Timur", time_zone=BranchTimeZone.WIB)


@pytest.fixture
def branch_b(company):
    return make_branch("MKS", company=company, name="Makassar", time_zone=BranchTimeZone.WITA)


@pytest.fixture
def head_office(company):
    return make_branch("HO", company=company, name="Kantor Pusat", is_head_office=True)


@pytest.fixture
def make_role_user(branch_a):
    def factory(role: str = Role.CMO, branch=None, username: str | None = None):
        return make_user(role, branch or (None if role == Role.HO_ADMIN else branch_a), username=username)

    return factory


@pytest.fixture
def cmo_a(branch_a):
    return make_user(Role.CMO, branch_a, username="cmo.a")


@pytest.fixture
def cmo_b(branch_b):
    return make_user(Role.CMO, branch_b, username="cmo.b")


@pytest.fixture
def bm_a(branch_a):
    return make_user(Role.BRANCH_MANAGER, branch_a, username="bm.a")


@pytest.fixture
def ho_admin(head_office):
    return make_user(Role.HO_ADMIN, None, username="admin.ho")


@pytest.fixture
def dealer_a(branch_a):
    return make_dealer(branch_a, code="JKT-HON1", name="Honda Jaya Jakarta", brand="Honda")


@pytest.fixture
def dealer_a2(branch_a):
    return make_dealer(branch_a, code="JKT-YAM1", name="Yamaha Sentosa Jakarta", brand="Yamaha")


@pytest.fixture
def dealer_b(branch_b):
    return make_dealer(branch_b, code="MKS-HON1", name="Honda Makassar", brand="Honda")


@pytest.fixture
def dealer_user_a(dealer_a):
    return make_dealer_user(dealer_a, username="dealer.a")


@pytest.fixture
def products(db):
    return make_products()


def login_client(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def token_client(user) -> Client:
    _token, raw = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def web(request):
    """web(user) → a Django test client logged in through the real login form."""
    return login_client


@pytest.fixture
def api(request):
    """api(user) → a Django test client carrying a bearer token."""
    return token_client
