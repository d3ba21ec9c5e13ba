"""`angsur eod [--as-of YYYY-MM-DD] [--rerun] [--workers N] [--chunk-size N] [--enqueue] [--hooks]`: close a business date."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.servicing import eod
from angsur.servicing.eod_selectors import eod_last_closed, eod_next_date
from angsur.servicing.management.commands._options import command_actor, command_date
from angsur.servicing.tasks import eod_enqueue


class Command(BaseCommand):
    help = (
        "End-of-day: compute every contract's days past due, bucket, collectibility and late fees for a business date "
        "(default: the day after the last closed one), close it and move the branches' business date on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="The business date to close (YYYY-MM-DD); default: the next one")
        parser.add_argument("--rerun", action="store_true", help="Run a date again that is already closed (or before the last closed)")
        parser.add_argument("--workers", type=int, default=1, help="Chunks computed at once in this process (PostgreSQL)")
        parser.add_argument("--chunk-size", dest="chunk_size", type=int, default=None, help="Contracts per chunk (default 20000)")
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the chunks to the task queue (`angsur db_worker --queue-name eod`) and return"
        )
        parser.add_argument(
            "--hooks",
            action="store_true",
            help="Only run again the after-close hooks that failed for the date (default: the last closed one)",
        )
        parser.add_argument("--user", help="Username recorded in the audit trail as the one who ran it (default: the system)")
        parser.add_argument("--quiet", action="store_true", help="No progress bar")

    def handle(self, *args, as_of, rerun, workers, chunk_size, enqueue, hooks, user, quiet, **options) -> None:
        actor = command_actor(user)
        # Hooks run after a close, so without a date they are the last closed date's; a run closes the next one.
        business_date = command_date(as_of) or ((eod_last_closed() or eod_next_date()) if hooks else eod_next_date())
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            filled = 30 * done // total if total else 30
            elapsed = time.monotonic() - started
            sys.stderr.write(f"\r{business_date} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} chunks {elapsed:6.1f} s")
            sys.stderr.flush()

        try:
            if hooks:
                outcomes = eod.eod_hooks_run(business_date, actor=actor, only_failed=True)
                for name, outcome in sorted(outcomes.items()):
                    self.stdout.write(f"{name}: {outcome}")
                if any(outcome != "ok" for outcome in outcomes.values()):
                    raise SystemExit(1)
                return
            if enqueue:
                run = eod_enqueue(business_date, actor=actor, rerun=rerun, chunk_size=chunk_size, tasks=workers)
                self.stdout.write(
                    _("%(date)s: %(chunks)s chunks handed to the eod queue (%(status)s).")
                    % {"date": business_date, "chunks": run.chunks_total, "status": run.get_status_display()}
                )
                return
            run = eod.eod_run(business_date, actor=actor, rerun=rerun, workers=workers, progress=progress, chunk_size=chunk_size)
        except DomainError as error:
            if not quiet:
                sys.stderr.write("\n")
            raise CommandError(f"{error.code}: {error.message}") from None
        if not quiet:
            sys.stderr.write("\n")
        seconds = time.monotonic() - started
        self.stdout.write(
            _("%(date)s closed: %(contracts)s contracts in %(chunks)s chunks, %(seconds).1f s.")
            % {"date": business_date, "contracts": run.contracts, "chunks": run.chunks_total, "seconds": seconds}
        )
        failed = sorted(name for name, outcome in (run.hooks or {}).items() if outcome != "ok")
        if failed:
            self.stderr.write(_("After-close hooks failed (run again with --hooks): %(names)s") % {"names": ", ".join(failed)})
            raise SystemExit(2)
