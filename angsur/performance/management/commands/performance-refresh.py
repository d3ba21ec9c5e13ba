"""`angsur performance-refresh [--as-of YYYY-MM-DD]`: fill the monthly portfolio cells from the end-of-day snapshots
and the orders' cells from the applications, then recompute the dealers' tiers over the months up to the last
closed month-end."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from angsur.performance.selectors import month_end
from angsur.performance.services import (
    dealer_tiers_refresh,
    origination_cells_backfill,
    origination_cells_refresh,
    portfolio_cells_backfill,
    portfolio_cells_refresh,
)


class Command(BaseCommand):
    help = (
        "Fill the performance dashboards' monthly cells from the end-of-day snapshots: for one business date (--as-of), "
        "or for every month that has snapshots (its last business date). The end-of-day does this after each close."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="One business date (YYYY-MM-DD); default: every month")

    def handle(self, *args, as_of, **options) -> None:
        started = time.perf_counter()
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError("--as-of: YYYY-MM-DD") from None
            cells = portfolio_cells_refresh(business_date=day)
            orders = origination_cells_refresh(business_date=day)
            self.stdout.write(f"{day}: {cells} cells, {orders} order cells in {time.perf_counter() - started:.1f} s")
            return
        days = portfolio_cells_backfill()
        orders = origination_cells_backfill(as_of=days[-1] if days else timezone.localdate())
        self.stdout.write(
            f"{len(days)} months ({', '.join(d.isoformat() for d in days)}), {orders} order cells in {time.perf_counter() - started:.1f} s"
        )
        closed = [d for d in days if d == month_end(d)]
        if closed:
            changed = dealer_tiers_refresh(month=closed[-1])
            self.stdout.write(f"dealer tiers to {closed[-1]:%Y-%m}: {changed} dealers changed")
