"""`angsur incentive-run --month YYYY-MM --user USERNAME [--branch CODE]`: compute a month's incentive statements."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from angsur.errors import DomainError
from angsur.org.models import Branch, User
from angsur.performance.services import incentive_run


class Command(BaseCommand):
    help = "Compute the month's incentive statement of every CMO (each branch, or one); a second run recomputes what is not approved."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--user", required=True, help="Who runs it (a branch manager, or head office for every branch)")
        parser.add_argument("--branch", help="A branch code (default: the user's branch; head office: every branch)")

    def handle(self, *args, month, user, branch, **options) -> None:
        try:
            first = dt.date.fromisoformat(month + "-01")
        except ValueError:
            raise CommandError("--month: YYYY-MM") from None
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"Unknown user: {user}")
        branches = Branch.objects.filter(is_head_office=False, is_active=True).order_by("code")
        if branch:
            branches = branches.filter(code=branch)
        elif not actor.is_head_office:
            branches = branches.filter(pk=actor.branch_id)
        for b in branches:
            started = time.perf_counter()
            try:
                run = incentive_run(actor=actor, branch=b, month=first)
            except DomainError as error:
                raise CommandError(f"{b.code}: {error.message}") from None
            self.stdout.write(
                f"{b.code} {first:%Y-%m}: {run.statements.count()} statements (run {run.runs}) in {time.perf_counter() - started:.1f} s"
            )
