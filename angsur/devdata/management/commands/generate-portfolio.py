"""`angsur generate-portfolio --contracts N --seed S [--as-of YYYY-MM-DD] [--months M]`: a synthetic portfolio."""

import datetime as dt
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.devdata.portfolio import PortfolioError, generate_portfolio


class Command(BaseCommand):
    help = "Generate a synthetic portfolio: orders, decisions, contracts, schedules, payments (deterministic for a seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contracts", required=True, help="How many contracts to book (a whole number > 0)")
        parser.add_argument("--seed", default="1", help="Random seed: the same seed gives the same portfolio (default 1)")
        parser.add_argument("--as-of", dest="as_of", default="", help="The day the history runs to, YYYY-MM-DD (default: today)")
        parser.add_argument("--months", default="24", help="Booking months before as-of (default 24)")
        parser.add_argument("--quiet", action="store_true", help="No progress bar")

    def handle(self, *args, contracts: str, seed: str, as_of: str, months: str, quiet: bool, **options) -> None:
        count = _whole(contracts, _("--contracts must be a whole number greater than zero."))
        seed_value = _whole(seed, _("--seed must be a whole number."), positive=False)
        month_count = _whole(months, _("--months must be a whole number from 1 to 120."))
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(_("--as-of must be a date written YYYY-MM-DD.")) from None
        else:
            day = timezone.localdate()
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            filled = 30 * done // total if total else 30
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {_('contracts')} {rate:,.0f}/s")
            sys.stderr.flush()

        try:
            summary = generate_portfolio(contracts=count, seed=seed_value, as_of=day, months=month_count, progress=progress)
        except PortfolioError as error:
            raise CommandError(str(error)) from None
        if not quiet:
            sys.stderr.write("\n")
        self.stdout.write(
            _(
                "%(contracts)s contracts (%(applications)s orders: %(rejected)s rejected, %(cancelled)s cancelled), "
                "%(installments)s installments, %(payments)s payments, %(allocations)s allocations in %(seconds).1f s"
            )
            % {
                "contracts": summary.contracts,
                "applications": summary.applications,
                "rejected": summary.rejected,
                "cancelled": summary.cancelled,
                "installments": summary.installments,
                "payments": summary.payments,
                "allocations": summary.allocations,
                "seconds": summary.seconds,
            }
        )
        shares = ", ".join(f"{name} {count_ / summary.contracts:.1%}" for name, count_ in sorted(summary.behaviours.items()))
        self.stdout.write(shares)
        self.stdout.write(", ".join(f"{name} {n}" for name, n in sorted(summary.statuses.items())))


def _whole(text: str, message: str, *, positive: bool = True) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise CommandError(message) from None
    if positive and value <= 0:
        raise CommandError(message)
    return value
