"""`angsur eod-prune [--keep-days N] [--before YYYY-MM-DD] [--dry-run]`: delete old daily end-of-day snapshots."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.servicing.eod_selectors import eod_last_closed
from angsur.servicing.eod_services import MIN_KEEP_DAYS, PRUNE_CHUNK_ROWS, contract_days_prune
from angsur.servicing.management.commands._options import command_actor, command_date


class Command(BaseCommand):
    help = (
        "Retention of the end-of-day snapshots (ContractDay): delete the days older than --keep-days before the last "
        "closed business date, except each month's last close, which performance's monthly figures read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep-days",
            dest="keep_days",
            type=int,
            default=None,
            help=f"Days of daily snapshots kept (default: ANGSUR_EOD_KEEP_DAYS, {settings.ANGSUR_EOD_KEEP_DAYS}; at least {MIN_KEEP_DAYS})",
        )
        parser.add_argument("--before", help="Only delete snapshots before this date (YYYY-MM-DD): moves the cut-off earlier, never later")
        parser.add_argument("--dry-run", dest="dry_run", action="store_true", help="Count what would be deleted, delete nothing")
        parser.add_argument("--chunk-size", dest="chunk_size", type=int, default=PRUNE_CHUNK_ROWS, help="Rows per DELETE statement")
        parser.add_argument("--user", help="Username recorded in the audit trail as the one who ran it (default: the system)")
        parser.add_argument("--quiet", action="store_true", help="No progress bar")

    def handle(self, *args, keep_days, before, dry_run, chunk_size, user, quiet, **options) -> None:
        actor = command_actor(user)
        before_date = command_date(before)
        as_of = eod_last_closed()
        if as_of is None:
            self.stdout.write(_("No end-of-day has run yet."))
            return

        def progress(done: int, total: int) -> None:
            if not quiet:
                filled = 30 * done // total if total else 30
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
                sys.stderr.flush()

        try:
            report = contract_days_prune(
                actor=actor,
                as_of=as_of,
                keep_days=settings.ANGSUR_EOD_KEEP_DAYS if keep_days is None else keep_days,
                before=before_date,
                dry_run=dry_run,
                chunk_size=chunk_size,
                progress=progress,
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        if not quiet and report.dates:
            sys.stderr.write("\n")
        self.stdout.write(
            _("Last closed business date %(as_of)s, keeping %(days)s days: snapshots before %(cutoff)s go, except each month's last close.")
            % {"as_of": report.as_of.isoformat(), "days": report.keep_days, "cutoff": report.cutoff.isoformat()}
        )
        for month in report.months:
            if not month.dates:
                continue  # a month pruned before: only its last close is left
            line = (
                _("%(month)s: %(dates)s dates, %(rows)s rows would be deleted")
                if dry_run
                else _("%(month)s: %(dates)s dates, %(rows)s rows deleted")
            ) % {"month": month.month.strftime("%Y-%m"), "dates": len(month.dates), "rows": month.rows}
            if month.kept is not None:
                line += " · " + _("kept %(date)s") % {"date": month.kept.isoformat()}
            self.stdout.write(line)
        totals = {"rows": report.rows, "dates": len(report.dates), "kept": len(report.month_ends_kept)}
        if dry_run:
            self.stdout.write(_("Dry run: %(rows)s rows of %(dates)s dates would be deleted; nothing was deleted.") % totals)
        else:
            self.stdout.write(_("%(rows)s rows of %(dates)s dates deleted; %(kept)s month-ends before the cut-off kept.") % totals)
