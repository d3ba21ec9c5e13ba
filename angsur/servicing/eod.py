"""End-of-day (issue 11): the nightly delinquency picture of every contract, as daily ContractDay rows.

A run closes one business date for the whole company:

1. ``eod_run`` (or the ``angsur eod`` command) opens the date's ``EodRun`` and splits the contracts into
   ``EodChunk`` id ranges; a date on or before the last closed one is refused without ``rerun=True``
   (``eod_date_closed``), and a second run of a date whose run is alive is refused (``eod_running``).
2. Workers claim pending chunks (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so threads,
   processes and machines share a run; SQLite has one writer) and compute each chunk with ONE
   set-based statement (``WITH … INSERT INTO contractday SELECT …``) in ONE transaction with the
   chunk's mark: a killed worker leaves its chunk pending, and running the date again gives exactly
   the same rows (a re-run of a closed date deletes the chunk's rows in the same transaction first).
3. When no chunk is left the run closes: status closed, the branches' business date moves to the next
   day (``org.services.business_date_advance``), audit ``eod.close``; then the after-close hooks that
   other apps registered (``register_after_close``) run, each in its own transaction; a hook that
   raises is logged and recorded on the run (``hooks``) and can be run again (``eod_hooks_run``); it
   never touches the snapshot.

Exactness on any date (a re-run of a past date included). The stored position of an installment
(paid amounts, ``paid_on``, late fee) is the finance core's replay of every money row known now; the
statement takes the position *as of the date* from it:

- paid as of the date = paid now − what was allocated with a value date after the date (allocations
  carry their value date; the index ``allocation_value_date_contract`` finds those), so a payment after
  the date never makes an earlier date look paid: DPD, overdue, outstanding principal and the next due
  installment are exact;
- the late fee of an installment paid in full by the date is final and is the stored one; of an
  installment unpaid at the date it is accrued to the date by sen-days (``finance.delinquency``):
  amount × days since due + grace, less each payment × the days it was early, read from the
  allocations of the few partly paid overdue installments only; late fees paid are added back like
  payments. All of it equals ``finance.servicing.replay(as_of=date)`` (tests/servicing/test_eod_exact.py).
- Two limits, both documented where they are used: waivers count by their value date up to the total
  the replay applied (a waiver the replay cut short because a payment was later back-dated before it
  counts in full on the dates between); and the late-fee product sen-days × rate must stay below
  9.2·10¹⁸ (an installment of Rp10 billion five years late at 0.5 %/day): PostgreSQL raises on
  overflow, SQLite would turn it into a float.

Contracts in a day's picture: signed on or before the date and not closed by it (``closed_on`` empty or
after the date), whatever their status today, so a re-run of a past date sees the contracts then open.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import Conflict, DomainError
from angsur.finance.delinquency import COLLECTIBILITY, DEFAULT_BUCKETS, FPD_DAYS, PREMATURE_MONTHS, Band, check_bands
from angsur.finance.errors import FinanceError
from angsur.org.clock import calendar_date
from angsur.org.models import Branch
from angsur.org.services import business_date_advance
from angsur.servicing.models import (
    Allocation,
    Contract,
    ContractDay,
    DelinquencyBucket,
    EodChunk,
    EodChunkStatus,
    EodRun,
    EodStatus,
    Installment,
    LateFeeWaiver,
)
from angsur.workflow.engine import batch, durable

log = logging.getLogger("angsur.eod")

DEFAULT_CHUNK_SIZE = 20_000
# A run's driver renews its lease after every chunk; a lease older than this belongs to a dead process.
LEASE_SECONDS = 300

Progress = Callable[[int, int], None]
Hook = Callable[..., None]


# --- after-close hooks ---------------------------------------------------------------------------------

_hooks: dict[str, Hook] = {}


def hook_name(fn: Hook) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register_after_close(fn: Hook, *, name: str | None = None) -> Hook:
    """Run ``fn(business_date=date, actor=actor)`` after every run closes (each in its own transaction).

    Register once per process (an AppConfig.ready); usable as a decorator. Hooks must be idempotent for
    a date: a re-run of the date, or ``eod_hooks_run`` after a failure, calls them again.
    """
    _hooks[name or hook_name(fn)] = fn
    return fn


def unregister_after_close(name: str) -> None:
    _hooks.pop(name, None)


def after_close_hooks() -> dict[str, Hook]:
    return dict(_hooks)


# --- the rules of a run ----------------------------------------------------------------------------------


def _parameters() -> dict[str, Any]:
    """The configuration a run computes with, stored on the run so every chunk uses the same."""
    # No bucket configured: the default of domain.md §3 (B0 current ... B6 over 180).
    bands = [Band(b.code, b.min_dpd, b.max_dpd) for b in DelinquencyBucket.objects.order_by("min_dpd")] or list(DEFAULT_BUCKETS)
    try:
        bands = list(check_bands(bands))
    except FinanceError as error:
        raise DomainError(
            "eod_buckets_invalid", _("The delinquency buckets do not cover every day once: %(error)s") % {"error": error}
        ) from None
    return {
        "buckets": [[b.code, b.min_dpd, b.max_dpd] for b in bands],
        "fpd_days": FPD_DAYS,
        "premature_months": PREMATURE_MONTHS,
    }


# --- the statement ---------------------------------------------------------------------------------------

_T = {
    "contract": Contract._meta.db_table,
    "installment": Installment._meta.db_table,
    "allocation": Allocation._meta.db_table,
    "waiver": LateFeeWaiver._meta.db_table,
    "day": ContractDay._meta.db_table,
}

# Dialect pieces: day numbers (integers) for date arithmetic, the calendar-month index, the signing month.
_DIALECTS = {
    "postgresql": {
        "day": "({col} - DATE '1970-01-01')",
        "greatest": "GREATEST",
        "least": "LEAST",
        "bigint": "BIGINT",
        "month_index": "(CAST(EXTRACT(YEAR FROM {col}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {col}) AS INTEGER))",
        "month_start": "CAST(DATE_TRUNC('month', {col}) AS DATE)",
        "epoch": date(1970, 1, 1).toordinal(),
        "value_date_index": "",
    },
    "sqlite": {
        "day": "CAST(julianday({col}) AS INTEGER)",
        "greatest": "MAX",
        "least": "MIN",
        "bigint": "INTEGER",
        "month_index": "(CAST(strftime('%%Y', {col}) AS INTEGER) * 12 + CAST(strftime('%%m', {col}) AS INTEGER))",
        "month_start": "date({col}, 'start of month')",
        # julianday('0001-01-01') is 1721425.5: the integer part of a date's julian day is its ordinal + 1721424.
        "epoch": -1_721_424,
        # Without it SQLite walks every allocation of the range by contract (statistics or not); few are after the date.
        "value_date_index": "INDEXED BY allocation_value_date_contract",
    },
}

# Next due installment's unpaid amount packed with its distance in days: the smallest packed value is the
# earliest unpaid installment after the date (amounts stay below 10^13 sen, Rp100 billion).
_PACK = 10_000_000_000_000


def _band_case(expr: str, bands: list[list[Any]], *, as_int: bool) -> str:
    parts = []
    for code, low, high in bands:
        value = str(int(code)) if as_int else "'" + str(code).replace("'", "''") + "'"
        if high is None:
            parts.append(f"WHEN {expr} >= {int(low)} THEN {value}")
        else:
            parts.append(f"WHEN {expr} BETWEEN {int(low)} AND {int(high)} THEN {value}")
    return "CASE " + " ".join(parts) + " END"


def chunk_sql(vendor: str, parameters: dict[str, Any]) -> str:
    """The statement that writes one chunk's ContractDay rows (params: d, dday, dmonth, lo, hi)."""
    dialect = _DIALECTS["postgresql" if vendor == "postgresql" else "sqlite"]

    def day(col: str) -> str:
        return dialect["day"].format(col=col)

    greatest, least, bigint = dialect["greatest"], dialect["least"], dialect["bigint"]
    fpd_days = int(parameters["fpd_days"])
    premature_months = int(parameters["premature_months"])
    bucket_case = _band_case("dpd", parameters["buckets"], as_int=False)
    kol_case = _band_case("dpd", [[b.code, b.min_dpd, b.max_dpd] for b in COLLECTIBILITY], as_int=True)
    fee_of = "((CASE WHEN cap_u IS NULL OR ({s}) * rate_u < amount * cap_u THEN ({s}) * rate_u ELSE amount * cap_u END) / 100000000) * 100"
    t = _T
    early = (
        f"i.amount * (%(dday)s - i.start_day) - (SELECT CAST(COALESCE(SUM(a.amount_sen * (%(dday)s - "  # noqa: S608
        f"{greatest}({day('a.value_date')}, i.start_day))), 0) AS {bigint}) FROM {t['allocation']} a "
        f"WHERE a.installment_id = i.id AND a.component IN ('principal', 'interest') AND a.value_date < %(d)s)"
    )
    # Only model table names, integers and bucket codes (quotes doubled) are formatted in; values are parameters.
    return f"""
WITH c AS (
    SELECT id, branch_id, dealer_id, cmo_id, product_id, signing_date, late_fee_grace_days AS grace,
           CAST(ROUND(late_fee_pct_per_day * 10000) AS {bigint}) AS rate_u,
           CAST(ROUND(late_fee_cap_pct * 10000) AS {bigint}) AS cap_u
    FROM {t["contract"]}
    WHERE id BETWEEN %(lo)s AND %(hi)s AND signing_date <= %(d)s AND (closed_on IS NULL OR closed_on > %(d)s)
),
later AS (
    -- allocated with a value date after the date: added back, so the date sees only what was paid by then
    SELECT installment_id,
           CAST(SUM(CASE WHEN component IN ('principal', 'interest') THEN amount_sen ELSE 0 END) AS {bigint}) AS pi,
           CAST(SUM(CASE WHEN component = 'principal' THEN amount_sen ELSE 0 END) AS {bigint}) AS p,
           CAST(SUM(CASE WHEN component = 'late_fee' THEN amount_sen ELSE 0 END) AS {bigint}) AS lf
    FROM {t["allocation"]} {dialect["value_date_index"]}
    WHERE value_date > %(d)s AND contract_id BETWEEN %(lo)s AND %(hi)s AND installment_id IS NOT NULL
    GROUP BY installment_id
),
i AS (
    SELECT i.id, i.contract_id, i.no, i.due_date, i.paid_on, c.rate_u, c.cap_u,
           {day("i.due_date")} AS due_day, {day("i.due_date")} + c.grace AS start_day,
           i.principal_sen + i.interest_sen AS amount,
           i.principal_sen - i.principal_paid_sen + COALESCE(l.p, 0) AS principal_unpaid,
           i.principal_sen + i.interest_sen - i.principal_paid_sen - i.interest_paid_sen + COALESCE(l.pi, 0) AS unpaid,
           i.late_fee_sen, i.late_fee_paid_sen - COALESCE(l.lf, 0) AS late_fee_paid, i.late_fee_waived_sen
    FROM {t["installment"]} i
    JOIN c ON c.id = i.contract_id
    LEFT JOIN later l ON l.installment_id = i.id
    WHERE i.contract_id BETWEEN %(lo)s AND %(hi)s
      -- an installment paid in full by the date without a late fee counts for nothing (no DPD, no fee,
      -- nothing outstanding, nothing allocated after the date); the first one always counts (first-payment default)
      AND (i.paid_on IS NULL OR i.paid_on > %(d)s OR i.late_fee_sen > 0 OR i.no = 1 OR l.installment_id IS NOT NULL)
),
f AS (
    SELECT i.*,
           CASE WHEN i.unpaid <= 0 THEN i.late_fee_sen
                WHEN i.start_day >= %(dday)s THEN 0
                WHEN i.unpaid = i.amount THEN {fee_of.format(s="i.amount * (%(dday)s - i.start_day)")}
                -- partly paid and overdue at the date (few): each payment counts for the days it came before the date,
                -- read from its allocations only here (integers: PostgreSQL's SUM of bigint is numeric)
                ELSE {fee_of.format(s=early)}
           END AS fee
    FROM i
),
g AS (
    SELECT contract_id,
           MIN(CASE WHEN unpaid > 0 THEN due_date END) AS oldest_unpaid,
           SUM(CASE WHEN due_date <= %(d)s AND unpaid > 0 THEN 1 ELSE 0 END) AS overdue_n,
           SUM(CASE WHEN due_date <= %(d)s AND unpaid > 0 THEN unpaid ELSE 0 END) AS overdue_sen,
           SUM(principal_unpaid) AS principal_out,
           SUM(fee) - SUM(late_fee_paid) AS fee_net,
           SUM(late_fee_waived_sen) AS waived_total,
           MIN(CASE WHEN due_date > %(d)s AND unpaid > 0 THEN due_date END) AS next_due,
           MIN(CASE WHEN due_date > %(d)s AND unpaid > 0
                    THEN CAST(due_day - %(dday)s AS {bigint}) * {_PACK} + unpaid END) AS next_packed,
           MAX(CASE WHEN no = 1 AND due_day + {fpd_days} <= %(dday)s
                     AND (paid_on IS NULL OR {day("paid_on")} > due_day + {fpd_days}) THEN 1 ELSE 0 END) AS fpd
    FROM f GROUP BY contract_id
),
w AS (
    SELECT contract_id, SUM(amount_sen) AS waived
    FROM {t["waiver"]}
    WHERE contract_id BETWEEN %(lo)s AND %(hi)s AND value_date <= %(d)s
    GROUP BY contract_id
),
r AS (
    SELECT c.id AS contract_id, c.branch_id, c.dealer_id, c.cmo_id, c.product_id,
           {dialect["month_start"].format(col="c.signing_date")} AS booked_month,
           CASE WHEN g.oldest_unpaid IS NULL OR g.oldest_unpaid >= %(d)s THEN 0
                ELSE %(dday)s - {day("g.oldest_unpaid")} END AS dpd,
           {greatest}(0, %(dmonth)s - {dialect["month_index"].format(col="c.signing_date")}) AS mob,
           g.fpd, g.overdue_n, g.overdue_sen, g.principal_out, g.next_due, g.next_packed,
           {greatest}(0, g.fee_net - {least}(g.waived_total, COALESCE(w.waived, 0))) AS late_fee
    FROM c JOIN g ON g.contract_id = c.id LEFT JOIN w ON w.contract_id = c.id
)
INSERT INTO {t["day"]} (
    business_date, contract_id, branch_id, dealer_id, cmo_id, product_id, booked_month, status, dpd, bucket,
    collectibility, mob, premature, fpd, overdue_installments, overdue_sen, late_fee_sen, outstanding_principal_sen,
    next_due_date, next_due_sen
)
SELECT %(d)s, contract_id, branch_id, dealer_id, cmo_id, product_id, booked_month, 'active', dpd, {bucket_case},
       {kol_case}, mob, mob <= {premature_months}, fpd = 1, overdue_n, overdue_sen, late_fee, principal_out,
       next_due, COALESCE(next_packed %% {_PACK}, 0)
FROM r
"""  # noqa: S608


def _params(business_date: date, lo: int, hi: int) -> dict[str, Any]:
    dialect = _DIALECTS["postgresql" if connection.vendor == "postgresql" else "sqlite"]
    return {
        "d": business_date,
        "dday": business_date.toordinal() - dialect["epoch"],
        "dmonth": business_date.year * 12 + business_date.month,
        "lo": lo,
        "hi": hi,
    }


def chunk_compute(run: EodRun, chunk: EodChunk) -> int:
    """Write the chunk's ContractDay rows (inside the caller's transaction); return how many."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner cannot see through the CTEs and over-estimates the rows a hundredfold: it then JIT-
            # compiles the statement (2 s of a 3 s chunk, measured) and spills its aggregates to disk.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        if run.runs > 1:
            cursor.execute(
                f"DELETE FROM {_T['day']} WHERE business_date = %s AND contract_id BETWEEN %s AND %s",  # noqa: S608
                [run.business_date, chunk.lo_id, chunk.hi_id],
            )
        cursor.execute(chunk_sql(connection.vendor, run.parameters), _params(run.business_date, chunk.lo_id, chunk.hi_id))
        if connection.vendor == "sqlite":
            # Python's sqlite3 reports no rowcount for a statement that starts with WITH.
            cursor.execute("SELECT changes()")
            return cursor.fetchone()[0]
        return max(cursor.rowcount, 0)


# --- opening a run ---------------------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def _chunk_bounds(chunk_size: int) -> list[tuple[int, int]]:
    """Contract-id ranges of about chunk_size contracts each, covering every contract id."""
    top = Contract.objects.aggregate(top=Max("id"))["top"]
    if top is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {_T['contract']}) s WHERE (n - 1) %% %s = 0 ORDER BY id",  # noqa: S608
            [chunk_size],
        )
        starts = [row[0] for row in cursor.fetchall()]
    starts[0] = 0
    return [(lo, (starts[k + 1] - 1) if k + 1 < len(starts) else top) for k, lo in enumerate(starts)]


def _last_closed() -> date | None:
    return EodRun.objects.filter(status=EodStatus.CLOSED).aggregate(last=Max("business_date"))["last"]


def _lease_fresh(run: EodRun) -> bool:
    return run.heartbeat_at is not None and run.heartbeat_at > timezone.now() - timedelta(seconds=LEASE_SECONDS)


def _check_date_ended(business_date: date) -> None:
    # org.business_date_advance: a branch's business date never passes its calendar date, so a day is
    # closed only once the next one has begun in every branch (WIT is the first, WIB the last).
    for branch in Branch.objects.all():
        if business_date >= calendar_date(branch):
            raise DomainError(
                "eod_date_not_ended",
                _("%(date)s has not ended yet in %(branch)s: run the end-of-day after midnight local time.")
                % {"date": business_date.isoformat(), "branch": branch.code},
                field="business_date",
            )


def eod_open(
    business_date: date,
    *,
    actor: Any | None = None,
    rerun: bool = False,
    chunk_size: int | None = None,
    owner: str = "",
    lease: bool = True,
) -> EodRun:
    """Open (or resume, or re-open with ``rerun``) the run of a date and take its lease; audited ``eod.run``.

    ``lease=False`` (runs handed to the task queue): no process drives the run, the queue's workers share
    its chunks; starting the date again then joins them instead of being refused.
    """
    if chunk_size is not None and not 1 <= chunk_size <= 1_000_000:
        raise DomainError("eod_chunk_size", _("The chunk size is between 1 and 1,000,000 contracts."), field="chunk_size")
    _check_date_ended(business_date)
    owner = owner or f"{worker_name()}:{uuid.uuid4().hex[:8]}"
    with durable():
        last = _last_closed()
        run = EodRun.objects.select_for_update().filter(business_date=business_date).first()
        closed = run is not None and run.status == EodStatus.CLOSED
        if not rerun and (closed or (last is not None and business_date <= last)):
            raise Conflict(
                "eod_date_closed",
                _("The end-of-day of %(date)s is on or before the last closed date (%(last)s): re-run it explicitly.")
                % {"date": business_date.isoformat(), "last": (last or business_date).isoformat()},
            )
        earlier = EodRun.objects.filter(business_date__lt=business_date).exclude(status=EodStatus.CLOSED).order_by("business_date").first()
        if earlier is not None:
            # Days close in order: a later date would move the branches past a day whose picture is incomplete.
            raise Conflict(
                "eod_earlier_open",
                _("The end-of-day of %(earlier)s is not closed (%(status)s): finish it before %(date)s.")
                % {"earlier": earlier.business_date.isoformat(), "status": earlier.get_status_display(), "date": business_date.isoformat()},
            )
        if run is not None and run.status == EodStatus.RUNNING and _lease_fresh(run):
            raise Conflict(
                "eod_running",
                _("The end-of-day of %(date)s is already running (%(owner)s): wait for it to finish.")
                % {"date": business_date.isoformat(), "owner": run.owner},
            )
        before = None
        if run is None:
            run = EodRun(business_date=business_date, started_by=actor if getattr(actor, "pk", None) else None)
            action = "open"
        else:
            before = {"status": run.status, "runs": run.runs}
            action = "rerun" if closed else "resume"
        if run.pk is None or closed:
            run.chunk_size = chunk_size or run.chunk_size or DEFAULT_CHUNK_SIZE
            run.parameters = _parameters()
            if closed:
                run.runs += 1
                run.finished_at = None
        run.status = EodStatus.RUNNING
        run.owner = owner if lease else "queue"
        run.heartbeat_at = timezone.now() if lease else None
        run.error = ""
        if run.pk is not None:
            run.version += 1
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:
            # Another process opened the same date a moment ago.
            raise Conflict(
                "eod_running",
                _("The end-of-day of %(date)s is already running: wait for it to finish.") % {"date": business_date.isoformat()},
            ) from None
        if action != "resume":
            run.chunks.all().delete()
            bounds = _chunk_bounds(run.chunk_size)
            EodChunk.objects.bulk_create(EodChunk(run=run, lo_id=lo, hi_id=hi) for lo, hi in bounds)
            run.chunks_total = len(bounds)
            run.contracts = 0
            run.save(update_fields=["chunks_total", "contracts"])
        audit_record(
            actor=actor,
            action="eod.run",
            obj=run,
            before=before,
            after={"business_date": business_date.isoformat(), "mode": action, "chunks": run.chunks_total, "runs": run.runs},
        )
    return run


# --- working chunks --------------------------------------------------------------------------------------


def chunk_claim_and_compute(run_id: int, *, worker: str = "") -> EodChunk | None:
    """Claim one pending chunk of the run, compute it and mark it done, all in one transaction; None when none is left."""
    with transaction.atomic():
        run = EodRun.objects.get(pk=run_id)
        if run.status != EodStatus.RUNNING:
            return None
        pending = EodChunk.objects.filter(run_id=run_id, status=EodChunkStatus.PENDING).order_by("lo_id")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        chunk = pending.first()
        if chunk is None:
            return None
        chunk.rows = chunk_compute(run, chunk)
        chunk.status = EodChunkStatus.DONE
        chunk.worker = (worker or worker_name())[:80]
        chunk.done_at = timezone.now()
        chunk.save(update_fields=["rows", "status", "worker", "done_at"])
    return chunk


def chunks_left(run_id: int) -> int:
    return EodChunk.objects.filter(run_id=run_id, status=EodChunkStatus.PENDING).count()


def chunks_done(run_id: int) -> int:
    return EodChunk.objects.filter(run_id=run_id, status=EodChunkStatus.DONE).count()


def _heartbeat(run_id: int, owner: str) -> None:
    EodRun.objects.filter(pk=run_id, owner=owner, status=EodStatus.RUNNING).update(heartbeat_at=timezone.now())


def eod_work(run_id: int, *, progress: Progress | None = None, owner: str = "", worker: str = "") -> int:
    """Compute chunks of the run until none is left; return how many this worker did."""
    done = 0
    total = EodRun.objects.values_list("chunks_total", flat=True).get(pk=run_id)
    while chunk_claim_and_compute(run_id, worker=worker) is not None:
        done += 1
        if owner:
            _heartbeat(run_id, owner)
        if progress is not None:
            progress(chunks_done(run_id), total)
    return done


def _work_in_threads(run_id: int, workers: int, progress: Progress | None, owner: str) -> None:
    errors: list[BaseException] = []
    lock = threading.Lock()

    def report(done: int, total: int) -> None:
        if progress is not None:
            with lock:
                progress(done, total)

    def work(index: int) -> None:
        try:
            eod_work(run_id, progress=report, owner=owner, worker=f"{worker_name()}#{index}")
        except BaseException as error:  # handed to the caller below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(k,), name=f"eod-{k}") for k in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# --- closing ---------------------------------------------------------------------------------------------


def eod_close(run_id: int, *, actor: Any | None = None) -> bool:
    """Close the run when no chunk is left: status, count, branches' business date, audit ``eod.close``.

    Returns False when chunks are still pending or the run was already closed (idempotent: the last
    worker of a queue and the driver may both call it).
    """
    with transaction.atomic():
        run = EodRun.objects.select_for_update().get(pk=run_id)
        if run.status != EodStatus.RUNNING or chunks_left(run_id):
            return False
        run.contracts = EodChunk.objects.filter(run_id=run_id).aggregate(n=Sum("rows"))["n"] or 0
        run.status = EodStatus.CLOSED
        run.finished_at = timezone.now()
        run.owner = ""
        run.heartbeat_at = None
        run.hooks = {}
        run.version += 1
        run.save()
        next_day = run.business_date + timedelta(days=1)
        advanced = []
        for branch in Branch.objects.order_by("pk"):
            if branch.business_date is not None and branch.business_date >= next_day:
                continue  # a re-run of an earlier date: the branch's books are already further on
            business_date_advance(actor=actor, branch=branch, to=next_day)
            advanced.append(branch.code)
        seconds = (run.finished_at - run.started_at).total_seconds()
        audit_record(
            actor=actor,
            action="eod.close",
            obj=run,
            after={
                "business_date": run.business_date.isoformat(),
                "contracts": run.contracts,
                "chunks": run.chunks_total,
                "runs": run.runs,
                "branches_advanced": advanced,
                "seconds": round(seconds, 1),
            },
        )
    return True


def eod_hooks_run(business_date: date, *, actor: Any | None = None, only_failed: bool = False) -> dict[str, str]:
    """Call the after-close hooks of a closed date, each in its own transaction; record and return outcomes."""
    run = EodRun.objects.filter(business_date=business_date).first()
    if run is None or run.status != EodStatus.CLOSED:
        raise Conflict("eod_not_closed", _("The end-of-day of %(date)s is not closed.") % {"date": business_date.isoformat()})
    outcomes = dict(run.hooks or {})
    for name, fn in after_close_hooks().items():
        if only_failed and outcomes.get(name) == "ok":
            continue
        try:
            # batch(): the hook's own transaction, in which the services it calls compose (no durable clash).
            with batch():
                fn(business_date=business_date, actor=actor)
            outcomes[name] = "ok"
        except Exception as error:  # a hook never breaks the snapshot: log it, keep it on the run, run it again later
            log.exception("end-of-day hook %s failed for %s", name, business_date)
            outcomes[name] = f"{type(error).__name__}: {error}"[:500]
    with transaction.atomic():
        EodRun.objects.filter(pk=run.pk).update(hooks=outcomes)
        failed = sorted(name for name, outcome in outcomes.items() if outcome != "ok")
        audit_record(actor=actor, action="eod.hooks", obj=run, after={"business_date": business_date.isoformat(), "failed": failed})
    return outcomes


def _fail(run_id: int, owner: str, error: BaseException, actor: Any | None) -> None:
    with transaction.atomic():
        run = EodRun.objects.select_for_update().get(pk=run_id)
        if run.status != EodStatus.RUNNING:
            return
        run.status = EodStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.owner = ""
        run.heartbeat_at = None
        run.version += 1
        run.save(update_fields=["status", "error", "owner", "heartbeat_at", "version"])
        audit_record(actor=actor, action="eod.fail", obj=run, after={"business_date": run.business_date.isoformat(), "error": run.error})


# --- the whole run ---------------------------------------------------------------------------------------


def eod_run(
    business_date: date,
    *,
    actor: Any | None = None,
    rerun: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
    chunk_size: int | None = None,
) -> EodRun:
    """Run the end-of-day of a business date to its close (and its after-close hooks); return the run.

    ``workers`` > 1 computes chunks in that many threads, each with its own database connection
    (PostgreSQL; SQLite has one writer, so one). A run that raises is marked failed and resumes where
    it stopped when run again.
    """
    if workers < 1 or workers > 32:
        raise DomainError("eod_workers", _("Between 1 and 32 workers."), field="workers")
    if connection.vendor != "postgresql":
        workers = 1
    owner = f"{worker_name()}:{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    run = eod_open(business_date, actor=actor, rerun=rerun, chunk_size=chunk_size, owner=owner)
    try:
        if progress is not None:
            progress(chunks_done(run.pk), run.chunks_total)
        if workers == 1:
            eod_work(run.pk, progress=progress, owner=owner)
        else:
            _work_in_threads(run.pk, workers, progress, owner)
    except BaseException as error:
        _fail(run.pk, owner, error, actor)
        raise
    if not eod_close(run.pk, actor=actor):
        # Another driver's worker may still hold a chunk: wait for it rather than close half a date.
        while chunks_left(run.pk):
            time.sleep(0.5)
        eod_close(run.pk, actor=actor)
    run.refresh_from_db()
    if run.status == EodStatus.CLOSED and _hooks:
        eod_hooks_run(business_date, actor=actor)
        run.refresh_from_db()
    log.info("end-of-day %s closed: %s contracts in %.1f s", business_date, run.contracts, time.monotonic() - started)
    return run
