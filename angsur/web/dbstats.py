"""Keep SQLite's planner statistics current (PostgreSQL's autovacuum does this by itself).

Django never runs ANALYZE, so an SQLite file has no sqlite_stat1 and the planner assumes every
indexed equality matches ~10 rows: it then reads a whole branch through branch_id instead of
the NIK index (measured: 140 ms instead of 1 ms at 200,000 applications, bench/origination_queue.py).
SQLite recommends `PRAGMA optimize` before closing a connection; it analyses only tables that were
queried without statistics (microseconds otherwise; about 0.4 s once on a 200k-row table).
"""

import contextlib
from collections.abc import Callable

from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse


class SQLiteOptimizeMiddleware:
    """Run PRAGMA optimize on SQLite connections after each request (no-op on other databases)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for conn in connections.all(initialized_only=True):
            # No analysis_limit: a sampled ANALYZE caps estimates at ~1,000 rows and brings the bad plan back.
            if conn.vendor == "sqlite" and conn.connection is not None and not conn.in_atomic_block:
                with contextlib.suppress(DatabaseError), conn.cursor() as cursor:
                    cursor.execute("PRAGMA optimize")
        return response
