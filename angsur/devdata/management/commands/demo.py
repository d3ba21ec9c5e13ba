"""`angsur demo`: migrate, seed the demo company, print the logins, serve on 127.0.0.1:8000."""

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from angsur.devdata.seed import DEMO_DATE, DEMO_PASSWORD, demo_logins, is_seeded, seed_demo
from angsur.devdata.seed_nights import seed_nights
from angsur.devdata.seed_performance import seed_incentive_month, seed_performance
from angsur.web.dbstats import sqlite_analyze


class Command(BaseCommand):
    help = "Migrate, seed the demo company (idempotent) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Drop all data and seed again.")
        parser.add_argument("--no-serve", action="store_true", help="Seed and exit.")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000).")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a task worker beside the server (the end-of-day screen then only queues)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        if is_seeded():
            self.stdout.write("Demo data already present (use --reset to rebuild).")
        else:
            self.stdout.write("Seeding the demo company…")
            seed_demo()
            seed_performance(DEMO_DATE)  # before the nights: each month-end close gives the dealers their tier
            self.stdout.write("Closing the demo's nights (end-of-day, collection, performance)…")
            seed_nights(DEMO_DATE)
            seed_incentive_month(DEMO_DATE)  # the last closed month's statements read its end-of-day
            sqlite_analyze()  # planner statistics for the seeded tables (no-op on PostgreSQL)
        self._print_logins()
        if not options["no_serve"]:
            worker = None if options["no_worker"] or _tasks_immediate() else self._start_worker()
            self.stdout.write(self.style.SUCCESS(f"Serving angsur on http://{options['addrport']}/ (Ctrl+C to stop)"))
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a terminated demo stops its worker too (finally)
            try:
                call_command("runserver", options["addrport"], use_reloader=False)
            finally:
                if worker is not None:
                    worker.terminate()
                    worker.wait(timeout=10)

    def _start_worker(self) -> subprocess.Popen:
        """A task worker for both queues beside the server, as in production (the end-of-day, large imports)."""
        self.stdout.write("Starting a task worker (queues default, eod)…")
        command = [sys.executable, "-m", "angsur.cli", "db_worker", "--queue-name", "default,eod", "--no-reload", "-v", "0"]
        return subprocess.Popen(command, preexec_fn=_die_with_parent if sys.platform == "linux" else None)  # noqa: S603 - our own command

    def _reset(self) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) != ":memory:":
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
        else:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("Database reset.")

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for row in demo_logins():
            note = f"  {row.note}" if row.note else ""
            self.stdout.write(f"  {row.username:<22} {row.role:<22} {row.branch:<4}{note}")
        self.stdout.write("")


def _tasks_immediate() -> bool:
    return all(b.get("BACKEND", "").endswith("ImmediateBackend") for b in settings.TASKS.values())


def _die_with_parent() -> None:
    """Linux: the worker gets SIGTERM when the demo's process ends, however it ends (prctl PR_SET_PDEATHSIG)."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
