"""Writes of the end-of-day started by a person (screen, API, command): a run handed to the task queue, and the
retention of the daily snapshots (``angsur eod-prune``)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import DomainError
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.servicing.models import Contract, ContractDay, EodRun
from angsur.servicing.tasks import eod_enqueue
from angsur.workflow.engine import durable


def eod_start(*, actor: Any, business_date: dt.date, rerun: bool = False) -> EodRun:
    """Start the end-of-day of a date on the ``eod`` queue (the workers compute it); audited ``eod.run``.

    The same rules as the command: a closed date needs ``rerun``, a date still running is refused, a
    date that has not ended in every branch is refused.
    """
    require(actor, Capability.EOD_RUN)
    if not isinstance(business_date, dt.date):
        raise DomainError("date_invalid", _("Enter a valid date."), field="business_date")
    return eod_enqueue(business_date, actor=actor, rerun=rerun)


# --- retention of the daily snapshots ------------------------------------------------------------------

# The fewest days of daily snapshots a prune may keep. What reads ContractDay: the collection nightly and
# the remedial pages read the day just closed (or the latest snapshot); the end-of-day computes DPD, FPD
# and MOB from the installments, never from earlier snapshots; performance's monthly cells and roll rates
# read each month's last close (kept whatever its age); the contract page shows the last 30 closes and
# GET /api/contracts/{id}/days up to 400 days; a re-run of a recent date or of its after-close hooks
# (``angsur eod --rerun``, ``--hooks``) reads its own day. Three months and a few days keep every day of
# the current quarter for those re-runs and for looking into a case (an FPD is judged 30 days after the
# first due date, a roll over three month-ends). Performance's repeat-order rule reads the worst DPD of
# *every* snapshot (``max_dpd_ever``): before a row goes, its DPD is folded into ``Contract.dpd_peak_pruned``.
MIN_KEEP_DAYS = 95
# Rows deleted per statement (one short transaction each): locks and WAL stay small on a 365M-row table.
PRUNE_CHUNK_ROWS = 50_000

PruneProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class PrunedMonth:
    """One calendar month's share of a prune: the dates whose rows go, and the last close, which stays."""

    month: dt.date  # the first day of the month
    dates: list[dt.date]
    rows: int
    kept: dt.date | None  # the month's last close (None: it is on or after the cut-off, kept anyway)


@dataclass(frozen=True)
class PruneReport:
    as_of: dt.date  # the last closed business date the age is counted from
    keep_days: int
    cutoff: dt.date  # snapshots before this date go, except each month's last close
    months: list[PrunedMonth]
    dry_run: bool

    @property
    def rows(self) -> int:
        return sum(month.rows for month in self.months)

    @property
    def dates(self) -> list[dt.date]:
        return [day for month in self.months for day in month.dates]

    @property
    def month_ends_kept(self) -> list[dt.date]:
        return [month.kept for month in self.months if month.kept is not None]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _snapshot_dates_before(cutoff: dt.date) -> list[dt.date]:
    """The business dates with snapshots before the cut-off, oldest first.

    One index seek per date (on the index that starts with business_date), never a scan of the rows.
    """
    dates: list[dt.date] = []
    qs = ContractDay.objects.filter(business_date__lt=cutoff)
    day = qs.aggregate(first=Min("business_date"))["first"]
    while day is not None:
        dates.append(day)
        day = qs.filter(business_date__gt=day).aggregate(first=Min("business_date"))["first"]
    return dates


def _last_close_of_month(month: dt.date) -> dt.date | None:
    return ContractDay.objects.filter(business_date__gte=month, business_date__lt=_next_month(month)).aggregate(last=Max("business_date"))[
        "last"
    ]


def _count_rows(day: dt.date) -> int:
    return ContractDay.objects.filter(business_date=day).count()


def _delete_rows(day: dt.date, chunk_size: int) -> int:
    """Delete a date's snapshots by id range, one short statement per chunk; return how many went."""
    bounds = ContractDay.objects.filter(business_date=day).aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return 0
    table = ContractDay._meta.db_table
    contracts = Contract._meta.db_table
    deleted = 0
    for lo in range(bounds["lo"], bounds["hi"] + 1, chunk_size):
        with transaction.atomic(), connection.cursor() as cursor:
            # Fold the rows' DPD into their contracts' pruned peak first (same transaction), so "worst DPD ever"
            # survives the delete. UPDATE … FROM: PostgreSQL, and SQLite since 3.33. Only contracts with a new peak.
            cursor.execute(
                f"UPDATE {contracts} SET dpd_peak_pruned = d.dpd FROM {table} d "  # noqa: S608 (the models' table names)
                f"WHERE d.business_date = %s AND d.id BETWEEN %s AND %s AND d.contract_id = {contracts}.id "
                f"AND d.dpd > {contracts}.dpd_peak_pruned",
                [day, lo, lo + chunk_size - 1],
            )
            cursor.execute(
                f"DELETE FROM {table} WHERE business_date = %s AND id BETWEEN %s AND %s",  # noqa: S608 (the model's table name)
                [day, lo, lo + chunk_size - 1],
            )
            deleted += max(cursor.rowcount, 0)
    return deleted


def contract_days_prune(
    *,
    actor: Any | None,
    as_of: dt.date,
    keep_days: int,
    before: dt.date | None = None,
    dry_run: bool = False,
    chunk_size: int = PRUNE_CHUNK_ROWS,
    progress: PruneProgress | None = None,
) -> PruneReport:
    """Delete the daily snapshots older than ``keep_days`` before ``as_of``, except each month's last close.

    ``as_of`` is the last closed business date (the clock never decides what goes); ``before`` moves the
    cut-off earlier, never later (a first prune of a large table, a year at a time). Performance's cells
    and roll rates read each month's last close (``performance.services.portfolio_cells_refresh``), so
    that date stays for every month, whatever its age. Set-based: per date, one DELETE per id range of
    ``chunk_size`` rows, each its own short transaction; a prune stopped half-way leaves whole chunks
    deleted and the next run finishes. Idempotent; audited once (``eod.prune``) unless ``dry_run``.
    """
    if actor is not None:
        require(actor, Capability.EOD_RUN)
    if keep_days < MIN_KEEP_DAYS:
        raise DomainError(
            "eod_keep_days_too_few",
            _("Keep at least %(minimum)s days of end-of-day snapshots (asked: %(days)s): the recent daily history is still read.")
            % {"minimum": MIN_KEEP_DAYS, "days": keep_days},
            field="keep_days",
        )
    if not 1 <= chunk_size <= 1_000_000:
        raise DomainError("eod_chunk_size", _("The chunk size is between 1 and 1,000,000 contracts."), field="chunk_size")
    cutoff = as_of - dt.timedelta(days=keep_days)
    if before is not None:
        cutoff = min(cutoff, before)

    by_month: dict[dt.date, list[dt.date]] = {}
    for day in _snapshot_dates_before(cutoff):
        by_month.setdefault(_month_start(day), []).append(day)
    plan: list[tuple[dt.date, list[dt.date], dt.date | None]] = []
    for month, days in by_month.items():
        # Only the cut-off's month can have a later close (on or after the cut-off); earlier months end before it.
        last = _last_close_of_month(month) if month == _month_start(cutoff) else days[-1]
        kept = last if last in days else None
        plan.append((month, [day for day in days if day != kept], kept))

    total = sum(len(days) for _month, days, _kept in plan)
    done = 0
    months: list[PrunedMonth] = []
    for month, days, kept in plan:
        rows = 0
        for day in days:
            rows += _count_rows(day) if dry_run else _delete_rows(day, chunk_size)
            done += 1
            if progress is not None:
                progress(done, total)
        months.append(PrunedMonth(month=month, dates=days, rows=rows, kept=kept))
    report = PruneReport(as_of=as_of, keep_days=keep_days, cutoff=cutoff, months=months, dry_run=dry_run)
    if not dry_run:
        with durable():
            audit_record(
                actor=actor,
                action="eod.prune",
                object_type=ContractDay._meta.label_lower,
                object_repr=f"< {cutoff.isoformat()}",
                after={
                    "as_of": as_of.isoformat(),
                    "keep_days": keep_days,
                    "cutoff": cutoff.isoformat(),
                    "dates": len(report.dates),
                    "first": report.dates[0].isoformat() if report.dates else None,
                    "last": report.dates[-1].isoformat() if report.dates else None,
                    "rows": report.rows,
                    "month_ends_kept": [day.isoformat() for day in report.month_ends_kept],
                },
            )
    return report
