"""Time the end-of-day against a bare SQL statement computing the same days past due, at 10k/100k/1M contracts.

Issue 11 targets: with 1,000,000 active contracts and their installments, one end-of-day under 30 s on
PostgreSQL and under 60 s on SQLite (2 cores), within 1.5x a bare SQL statement computing the same DPD over
the same tables in the same run, peak memory under 500 MB.

Run with::

    uv run python bench/eod.py --contracts 10000                                  # SQLite file under bench/out/
    uv run python bench/eod.py --contracts 100000 --database-url postgres://angsur:angsur@127.0.0.1:5432/eod_bench_100k

What it does:

1. migrates the database; when it holds no contracts, generates the synthetic portfolio
   (``angsur.devdata.portfolio.generate_portfolio``, seed 1, 24 booking months to ``--as-of``);
   ``ANALYZE`` so both statements plan on statistics;
2. times the **baseline**: one statement writing each contract's DPD as of the date into a temporary table
   (``CREATE TEMP TABLE … AS SELECT contract_id, date − MIN(due_date of installments unpaid at the date)``,
   unpaid read from ``paid_on`` like the engine: the same tables, the same answer for DPD);
3. times the **end-of-day** of the same date (``eod_run``, re-run so it can repeat) with 1 worker and, on
   PostgreSQL, with 2 workers (threads, each its own connection, chunks claimed FOR UPDATE SKIP LOCKED);
   checks that its DPD equals the baseline's for every contract;
4. times the **floor**: the smallest daily snapshot the issue asks for, one row per open contract with its DPD
   alone (0 when current) written into a logged table keyed (contract, date), and on PostgreSQL the baseline
   again without parallel workers (a CREATE TABLE AS may run in parallel, an INSERT never does);
5. reports seconds, the ratio to the baseline (and to the floor), and the peak RSS of this process (the database server's own
   memory is not in it), as a table and as JSON in ``bench/out/eod-<vendor>-<contracts>.json``.

Repeat: ``--repeat`` times each (median reported); the baseline is measured before and after the end-of-day
and the median of those is used, so a load change on the shared machine shows as a spread.
"""

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--as-of", default="2026-11-30")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", default="1,2", help="Worker counts to time (PostgreSQL; SQLite runs 1)")
    parser.add_argument("--chunk-size", type=int, default=20_000)
    parser.add_argument(
        "--clone",
        type=int,
        default=1,
        help="PostgreSQL: copy the generated contracts with their installments and allocations this many times in all "
        "(new ids, numbers suffixed) when generating them all takes too long on a shared machine",
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{OUT / f'eod-{args.contracts}.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "angsur.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from angsur.devdata.portfolio import generate_portfolio
    from angsur.org import services as org_services
    from angsur.servicing import eod
    from angsur.servicing.models import Contract, ContractDay, Installment

    as_of = dt.date.fromisoformat(args.as_of)
    # The portfolio runs to as_of; the bench closes as_of itself, whatever today's date is.
    eod.calendar_date = lambda branch: dt.date(2199, 1, 1)
    org_services.calendar_date = lambda branch: dt.date(2199, 1, 1)

    # Time the end-of-day itself: the after-close hooks of other apps are theirs to measure.
    eod._hooks.clear()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    existing = Contract.objects.count()
    if existing == 0:
        started = time.monotonic()
        summary = generate_portfolio(contracts=args.contracts, seed=args.seed, as_of=as_of, months=24)
        print(
            f"generated {summary.contracts:,} contracts, {summary.installments:,} installments, "
            f"{summary.allocations:,} allocations in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    elif existing != args.contracts:
        print(f"the database holds {existing:,} contracts, not {args.contracts:,}", file=sys.stderr)
    if args.clone > 1 and Contract.objects.count() == existing_or(args.contracts, existing):
        started = time.monotonic()
        clone(args.clone)
        print(f"cloned to {Contract.objects.count():,} contracts in {time.monotonic() - started:.0f} s", flush=True)
    existing = Contract.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    active = Contract.objects.filter(signing_date__lte=as_of).exclude(closed_on__lte=as_of).count()
    installments = Installment.objects.count()
    print(f"{vendor}: {existing or args.contracts:,} contracts ({active:,} open on {as_of}), {installments:,} installments", flush=True)

    inst = Installment._meta.db_table
    dpd = "%s - MIN(due_date)" if vendor == "postgresql" else "CAST(julianday(%s) - julianday(MIN(due_date)) AS INTEGER)"
    baseline_sql = (
        f"CREATE TEMP TABLE eod_baseline AS SELECT contract_id, {dpd} AS dpd FROM {inst} "  # noqa: S608
        f"WHERE due_date <= %s AND (paid_on IS NULL OR paid_on > %s) GROUP BY contract_id"
    )

    def baseline() -> float:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS eod_baseline")
            started = time.perf_counter()
            cursor.execute(baseline_sql, [as_of, as_of, as_of])
            return time.perf_counter() - started

    # The floor: the smallest daily snapshot the issue asks for (a row per open contract and day, so that any past
    # day's portfolio can be reported): each open contract's DPD alone, 0 when current, written into a logged table
    # keyed (contract, date). No end-of-day that keeps a row per contract and day can be faster than this.
    contract = Contract._meta.db_table
    floor_sql = (
        f"INSERT INTO eod_floor SELECT c.id, %s, COALESCE(o.dpd, 0) FROM {contract} c "  # noqa: S608
        f"LEFT JOIN (SELECT contract_id, {dpd} AS dpd FROM {inst} WHERE due_date <= %s AND (paid_on IS NULL OR paid_on > %s) "
        f"GROUP BY contract_id) o ON o.contract_id = c.id "
        f"WHERE c.signing_date <= %s AND (c.closed_on IS NULL OR c.closed_on > %s)"
    )

    def floor() -> float:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS eod_floor")
            cursor.execute(
                "CREATE TABLE eod_floor (contract_id BIGINT NOT NULL, business_date DATE NOT NULL, dpd INTEGER NOT NULL, "
                "PRIMARY KEY (contract_id, business_date))"
            )
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(floor_sql, [as_of, as_of, as_of, as_of, as_of, as_of])
            elapsed = time.perf_counter() - started
            cursor.execute("DROP TABLE eod_floor")
            return elapsed

    def serial_baseline() -> float:
        """The baseline without parallel workers: PostgreSQL may run a CREATE TABLE AS in parallel, never an INSERT."""
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            try:
                return baseline()
            finally:
                cursor.execute("RESET max_parallel_workers_per_gather")

    def check() -> int:
        """Contracts whose end-of-day DPD differs from the baseline's (0 expected)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {ContractDay._meta.db_table} d LEFT JOIN eod_baseline b ON b.contract_id = d.contract_id "  # noqa: S608
                f"WHERE d.business_date = %s AND d.dpd <> COALESCE(b.dpd, 0)",
                [as_of],
            )
            return cursor.fetchone()[0]

    results: dict = {"vendor": vendor, "contracts": existing or args.contracts, "open": active, "installments": installments}
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()}
    base_times = [baseline() for _ in range(args.repeat)]
    worker_counts = [int(w) for w in args.workers.split(",")] if vendor == "postgresql" else [1]
    runs: dict[int, list[float]] = {}
    first = True
    for workers in worker_counts:
        runs[workers] = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            run = eod.eod_run(
                as_of,
                rerun=not first or eod.EodRun.objects.filter(business_date=as_of).exists(),
                workers=workers,
                chunk_size=args.chunk_size,
            )
            runs[workers].append(time.perf_counter() - started)
            first = False
            print(f"  eod {workers} worker(s): {runs[workers][-1]:.2f} s ({run.contracts:,} rows, runs={run.runs})", flush=True)
    base_times += [baseline() for _ in range(args.repeat)]
    mismatches = check()
    floor_times = [floor() for _ in range(args.repeat)]
    serial_times = [serial_baseline() for _ in range(args.repeat)] if vendor == "postgresql" else []
    base = statistics.median(base_times)
    least = statistics.median(floor_times)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["baseline_s"] = base_times
    results["eod_s"] = {str(k): v for k, v in runs.items()}
    results["floor_s"] = floor_times
    results["serial_baseline_s"] = serial_times
    results["dpd_mismatches"] = mismatches
    results["peak_rss_mb"] = round(peak_mb, 1)
    print(f"\n{vendor}, {results['contracts']:,} contracts, load {os.getloadavg()[0]:.1f}")
    print(f"  baseline DPD statement: median {base:.2f} s (runs: {', '.join(f'{t:.2f}' for t in base_times)})")
    if serial_times:
        serial = statistics.median(serial_times)
        print(f"  baseline without parallel workers: median {serial:.2f} s = {serial / base:.2f}x the baseline")
    print(f"  floor (a row per open contract and day, DPD only, keyed): median {least:.2f} s = {least / base:.2f}x the baseline")
    for workers, times in runs.items():
        median = statistics.median(times)
        print(
            f"  end-of-day, {workers} worker(s): median {median:.2f} s = {median / base:.2f}x the baseline, {median / least:.2f}x the floor"
        )
    print(f"  DPD differing from the baseline: {mismatches}; peak RSS of this process: {peak_mb:.0f} MB")
    path = OUT / f"eod-{vendor}-{results['contracts']}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"  -> {path}")


def existing_or(wanted: int, existing: int) -> int:
    return existing or wanted


def clone(times: int) -> None:
    """Copy every contract with its installments, allocations and waivers times - 1 more times, set-based (PostgreSQL).

    The copies keep the generated behaviour mix (the same schedules and payment histories) under new ids;
    contract numbers and virtual accounts get a suffix. To copy 25 million rows in minutes, the copied tables'
    foreign keys and secondary indexes are dropped first and the indexes built again after (the foreign keys
    stay dropped in this benchmark database: they check writes, and the end-of-day only reads these tables;
    the one-contract-per-application constraint could not hold anyway, a copy shares its application).
    """
    from django.db import connection

    from angsur.servicing.models import Allocation, Contract, Installment, LateFeeWaiver

    models = [Contract, Installment, Allocation, LateFeeWaiver]
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        offsets = {}
        for model in models:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            offsets[model] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT LIKE '%%_pkey'", [tables])
        indexes = cursor.fetchall()
        for table, name, _kind in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        for model in models:
            columns, values = [], []
            for field in model._meta.concrete_fields:
                column = field.column
                columns.append(column)
                target = field.related_model if field.is_relation else None
                if field.primary_key:
                    values.append(f"{column} + k * {offsets[model]}")
                elif target in offsets and target is not model:
                    values.append(f"{column} + k * {offsets[target]}")
                elif model is Contract and column in {"number", "va_number"}:
                    values.append(f"{column} || '-' || k")
                else:
                    values.append(column)
            table = model._meta.db_table
            started = time.monotonic()
            # One copy after the other, in id order: each copy's rows lie together on disk as generated ones do
            # (copies interleaved row by row put a chunk's installments on nine times as many pages).
            for k in range(1, times):
                select = ", ".join(values).replace(" k ", f" {k} ").replace("|| k", f"|| '{k}'")
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} "  # noqa: S608
                    f"WHERE id <= {offsets[model]} ORDER BY id"
                )
            print(f"  {table}: copied {times - 1} times in {time.monotonic() - started:.0f} s", flush=True)
        started = time.monotonic()
        for _name, definition in indexes:
            if "application_id" in definition and "UNIQUE" in definition:
                continue
            cursor.execute(definition)
        print(f"  {len(indexes)} indexes built again in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
