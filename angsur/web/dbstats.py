"""Keep SQLite's planner statistics current (PostgreSQL's autovacuum does this by itself).

Django never runs ANALYZE, so an SQLite file has no sqlite_stat1 and the planner assumes every
indexed equality matches ~10 rows: it then reads a whole branch through branch_id instead of
the NIK index (measured: 140 ms instead of 1 ms at 200,000 applications, bench/origination_queue.py).
SQLite recommends `PRAGMA optimize` before closing a connection, or periodically on long-lived ones;
it analyses only tables that were queried without statistics (microseconds otherwise; about 0.4 s once
on a 200k-row table). Connections live for DJANGO_CONN_MAX_AGE, so it runs after the first request
of each connection and then at most every ANGSUR_SQLITE_OPTIMIZE_SECONDS, not on every API call.
"""

import contextlib
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse


class SQLiteOptimizeMiddleware:
    """Run PRAGMA optimize on SQLite connections after a request, at most once per interval per connection.

    A connection is optimized after the first request that finds it open, then again after
    ANGSUR_SQLITE_OPTIMIZE_SECONDS (default 60; SQLite suggests "periodically" for long-lived
    connections). No-op on other databases.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.interval = float(getattr(settings, "ANGSUR_SQLITE_OPTIMIZE_SECONDS", 60))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        now = time.monotonic()
        for conn in connections.all(initialized_only=True):
            # No analysis_limit: a sampled ANALYZE caps estimates at ~1,000 rows and brings the bad plan back.
            if conn.vendor != "sqlite" or conn.connection is None or conn.in_atomic_block:
                continue
            # Keyed by the DB-API connection, so a reconnect is optimized after its first request.
            done = getattr(conn, "angsur_optimized", None)
            if done is not None and done[0] is conn.connection and now - done[1] < self.interval:
                continue
            with contextlib.suppress(DatabaseError), conn.cursor() as cursor:
                cursor.execute("PRAGMA optimize")
            conn.angsur_optimized = (conn.connection, now)
        return response


def sqlite_analyze(using: str = "default") -> bool:
    """Gather SQLite's planner statistics now (ANALYZE); a no-op on other databases. True if it ran.

    Run after `migrate` and after seeding: a fresh file otherwise runs its first minute without
    statistics (searches 121–137 ms instead of ~11 ms at 200,000 applications).
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
