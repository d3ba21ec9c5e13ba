"""SQLite planner statistics: PRAGMA optimize after a connection's first request, then once per interval."""

import pytest
from django.db import connection, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from angsur.org.models import Company
from angsur.web import dbstats

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its statistics by autovacuum")


def _view(request):
    Company.objects.exists()
    return HttpResponse("ok")


def _optimizes(middleware, times: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        for _ in range(times):
            middleware(RequestFactory().get("/"))
    return sum("PRAGMA optimize" in q["sql"] for q in queries.captured_queries)


def test_optimize_runs_once_per_interval_and_after_a_reconnect(transactional_db, settings, monkeypatch):
    settings.ANGSUR_SQLITE_OPTIMIZE_SECONDS = 60
    # Earlier requests of this process may have optimized the same connection: start afresh.
    vars(connections["default"]).pop("angsur_optimized", None)
    now = [1000.0]
    monkeypatch.setattr(dbstats.time, "monotonic", lambda: now[0])
    middleware = dbstats.SQLiteOptimizeMiddleware(_view)
    assert _optimizes(middleware, 5) == 1
    now[0] += 59
    assert _optimizes(middleware, 3) == 0
    now[0] += 2
    assert _optimizes(middleware, 3) == 1
    # A reconnect (the test database in memory is never really closed, so mark the last run as
    # another DB-API connection's): the new connection is optimized after its first request.
    connection.angsur_optimized = (object(), now[0])
    assert _optimizes(middleware, 3) == 1


def test_optimize_never_runs_inside_a_transaction(db):
    # A request inside a transaction (ATOMIC_REQUESTS, or a test) leaves the statistics alone.
    assert _optimizes(dbstats.SQLiteOptimizeMiddleware(_view), 2) == 0


def test_migrate_leaves_planner_statistics(transactional_db):
    # When `angsur migrate` runs (our command, which wraps Django's)
    from django.core.management import call_command, get_commands

    assert get_commands()["migrate"] == "angsur.web"
    with CaptureQueriesContext(connection) as queries:
        call_command("migrate", verbosity=0)
    # Then it gathered statistics at the end, so the first minute does not run without them
    assert queries.captured_queries[-1]["sql"] == "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone()[0] == 1
