"""Safety net (issue 17): schemathesis generates requests from the OpenAPI document; no answer is a 5xx.

Every operation is called with generated (valid and invalid) parameters and bodies, authenticated as a
branch manager with a bearer token, over a branch with an order, a survey and a quote. Each answer must
not be a server error and must be one of the statuses the document declares for the route (item 15:
the document lists each route's error answers). Bounded examples keep it under a minute; it runs in CI
on SQLite and on PostgreSQL with the rest of the suite.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from angsur.devdata.factories import make_application, make_user
from angsur.org.roles import Role
from angsur.org.services import api_token_create
from angsur.origination.services import survey_assign

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def test_transaction_kept_open():
    """Requests go through the WSGI app, whose request signals would close the test's database connection
    after each one (PostgreSQL: the test's transaction with it); Django's test client turns them off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(test_transaction_kept_open, credit, branch_a, cmo_a, dealer_a):
    app = make_application(actor=cmo_a, dealer=dealer_a)
    survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    manager = make_user(Role.BRANCH_MANAGER, branch_a, username="fuzz.bm")
    _token, raw = api_token_create(user=manager)
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_no_generated_request_is_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, status_code_conformance])
