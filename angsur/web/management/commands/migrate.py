"""`angsur migrate`: Django's migrate, then SQLite's planner statistics (see angsur/web/dbstats.py)."""

from typing import Any

from django.core.management.commands.migrate import Command as MigrateCommand

from angsur.web.dbstats import sqlite_analyze


class Command(MigrateCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        sqlite_analyze(options["database"])
