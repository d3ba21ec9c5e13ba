"""Time the performance screens and the monthly incentive run on the synthetic portfolio.

Issue 12 targets (PostgreSQL, 2 cores, 1,000,000 contracts): a branch dashboard renders in under 1 s and the
monthly incentive run finishes in under 60 s.

Run with::

    uv run python bench/performance.py --contracts 10000                      # SQLite file under bench/out/
    uv run python bench/performance.py --contracts 100000 --database-url postgres://angsur:angsur@127.0.0.1:5432/performance_bench_100k
    uv run python bench/performance.py --contracts 1000000 --clone 10 --database-url postgres://…/performance_bench_1m

What it does:

1. migrates the database; when it holds no contracts, generates the synthetic portfolio
   (``angsur.devdata.portfolio.generate_portfolio``, seed 1, 24 booking months to ``--as-of``);
2. runs the real end-of-day (``servicing.eod.eod_run``) for the last ``--months`` month-ends up to ``--as-of``
   (skipped for a date already closed) with performance's after-close hook, which fills the month's
   portfolio cells and roll cells; the hook's time per month-end is reported on its own;
3. times, for the branch with the most contracts, what a Branch Manager's browser asks for: the dashboard page
   (every chart over 12 months: funnel, approval, bookings, buckets, Kol, vintage, roll rates, NPF) through
   Django's test client as that user, the dealer ranking, one dealer's scorecard and the CMO leaderboard;
   best of ``--repeat`` and the median;
4. times the monthly incentive run of the last month for every branch (``services.incentive_run``, the same
   as ``angsur incentive-run``), run twice (the second recomputes the drafts: idempotent);
5. with ``--cell-history N``, copies the newest month's cells to N earlier months (the volume of a book with
   N + ``--months`` month-ends; the figures themselves are not meaningful) and times the screens again;
6. prints a table and writes JSON to ``bench/out/performance-<vendor>-<contracts>.json``.
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


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    ends, month = [], as_of.replace(day=1)
    while len(ends) < months:
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if end <= as_of:
            ends.append(end)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return sorted(ends)


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--as-of", default="2026-11-30")
    parser.add_argument("--months", type=int, default=3, help="Month-ends to close with the end-of-day (default 3)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cell-history",
        type=int,
        default=0,
        help="After the timings, copy the newest month's cells to this many earlier months (volume only: a steady-state "
        "book has 12-24 month-ends of cells, the bench closes --months) and time the screens again",
    )
    parser.add_argument(
        "--clone",
        type=int,
        default=1,
        help="PostgreSQL: copy the generated contracts (schedules, payments) this many times in all, set-based "
        "(bench/eod.py's clone), and close the month-ends again: 1,000,000 contracts from 100,000 generated "
        "when generating them all takes too long on a shared machine (the applications are not copied)",
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{OUT / f'performance-{args.contracts}.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "angsur.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from angsur.devdata.factories import make_user
    from angsur.devdata.portfolio import generate_portfolio
    from angsur.org import services as org_services
    from angsur.org.models import Branch, User
    from angsur.org.roles import Role
    from angsur.performance import services as perf_services
    from angsur.performance.models import IncentiveScheme, IncentiveStatement, IncentiveTier, PortfolioCell
    from angsur.servicing import eod
    from angsur.servicing.models import Contract

    as_of = dt.date.fromisoformat(args.as_of)
    eod.calendar_date = lambda branch: dt.date(2199, 1, 1)  # the bench closes past dates whatever today is
    org_services.calendar_date = lambda branch: dt.date(2199, 1, 1)
    # Only performance's hook: the others' are theirs to measure. Its time is taken apart from the run's.
    eod._hooks.clear()
    hook_times: dict[str, float] = {}

    def timed_hook(*, business_date, actor=None):
        started = time.perf_counter()
        perf_services.after_close(business_date=business_date, actor=actor)
        hook_times[business_date.isoformat()] = time.perf_counter() - started

    eod.register_after_close(timed_hook, name="performance.bench")

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    results: dict = {"vendor": vendor, "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    if not Contract.objects.exists():
        started = time.monotonic()
        summary = generate_portfolio(contracts=args.contracts // max(args.clone, 1), seed=args.seed, as_of=as_of, months=24)
        results["generate_s"] = round(time.monotonic() - started, 1)
        print(f"generated {summary.contracts:,} contracts in {results['generate_s']} s", flush=True)
    if args.clone > 1 and Contract.objects.count() * args.clone <= args.contracts:
        from bench.eod import clone

        before = Contract.objects.count()
        started = time.monotonic()
        clone(args.clone)
        results["clone_s"] = round(time.monotonic() - started, 1)
        print(f"cloned {before:,} to {Contract.objects.count():,} contracts in {results['clone_s']} s", flush=True)
        # The snapshots and cells of the smaller book go: the month-ends are closed again over the copies.
        with connection.cursor() as cursor:
            for table in ("performance_portfoliocell", "performance_rollcell", "servicing_contractday"):
                cursor.execute(f"TRUNCATE {table}")
        eod.EodRun.objects.all().delete()
    results["contracts"] = Contract.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    eod_times = {}
    for day in month_ends(as_of, args.months):
        if eod.EodRun.objects.filter(business_date=day, status="closed").exists():
            if not PortfolioCell.objects.filter(snapshot_date=day).exists():
                timed_hook(business_date=day)
            continue
        started = time.perf_counter()
        eod.eod_run(day, rerun=True, workers=2 if vendor == "postgresql" else 1)
        eod_times[day.isoformat()] = round(time.perf_counter() - started, 2)
        print(f"  eod {day}: {eod_times[day.isoformat()]} s, cells hook {hook_times.get(day.isoformat(), 0):.2f} s", flush=True)
    results["eod_s"] = eod_times
    results["cells_hook_s"] = {k: round(v, 2) for k, v in hook_times.items()}
    results["cells_rows"] = PortfolioCell.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    branch = Branch.objects.filter(
        pk__in=Contract.objects.values("branch_id").annotate(n=Count("id")).order_by("-n").values("branch_id")[:1]
    ).get()
    results["branch"] = branch.code
    results["branch_contracts"] = Contract.objects.filter(branch=branch).count()
    manager = User.objects.filter(branch=branch, role=Role.BRANCH_MANAGER, is_active=True).first() or make_user(
        Role.BRANCH_MANAGER, branch, username=f"bm.bench.{branch.code.lower()}"
    )
    client = Client()
    client.force_login(manager)
    last = as_of.replace(day=1)
    period = f"from={(last - dt.timedelta(days=330)).strftime('%Y-%m')}&to={last:%Y-%m}"
    dealer_id = Contract.objects.filter(branch=branch).values_list("dealer_id", flat=True).first()

    def page(url: str):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    screens = {
        "dashboard": f"/performance/?{period}",
        "dealer_ranking": f"/performance/dealers/?{period}",
        "dealer_scorecard": f"/performance/dealers/{dealer_id}/?{period}",
        "cmo_leaderboard": f"/performance/cmos/?month={last:%Y-%m}",
        "vintage_xlsx": f"/performance/export/vintage.xlsx?{period}",
    }
    results["screens_s"] = {}
    for name, url in screens.items():
        times = timed(page(url), args.repeat)
        results["screens_s"][name] = {"best": round(min(times), 3), "median": round(statistics.median(times), 3)}
        print(f"  {name}: best {min(times):.3f} s, median {statistics.median(times):.3f} s", flush=True)

    if args.cell_history:
        newest = PortfolioCell.objects.order_by("-month").values_list("month", flat=True).first()
        with connection.cursor() as cursor:
            for k in range(1, args.cell_history + 1):
                month = (newest - dt.timedelta(days=28 * k)).replace(day=1)
                if PortfolioCell.objects.filter(month=month).exists():
                    continue
                cursor.execute(
                    "INSERT INTO performance_portfoliocell (month, snapshot_date, branch_id, dealer_id, cmo_id, product_id, "
                    "booked_month, mob, bucket, collectibility, contracts, dpd30, fpd, outstanding_principal_sen, "
                    "dpd30_principal_sen, overdue_sen) SELECT %s, snapshot_date, branch_id, dealer_id, cmo_id, product_id, "
                    "booked_month, mob - %s, bucket, collectibility, contracts, dpd30, fpd, outstanding_principal_sen, "
                    "dpd30_principal_sen, overdue_sen FROM performance_portfoliocell WHERE month = %s AND mob >= %s",
                    [month, k, newest, k],
                )
            cursor.execute("ANALYZE performance_portfoliocell")
        results["cells_rows_with_history"] = PortfolioCell.objects.count()
        results["screens_with_history_s"] = {}
        for name, url in screens.items():
            times = timed(page(url), args.repeat)
            results["screens_with_history_s"][name] = {"best": round(min(times), 3), "median": round(statistics.median(times), 3)}
            print(f"  {name} ({results['cells_rows_with_history']:,} cells): best {min(times):.3f} s", flush=True)

    if not IncentiveScheme.objects.exists():
        scheme = IncentiveScheme.objects.create(
            effective_from=dt.date(2000, 1, 1),
            base_kind="per_unit",
            base_per_unit_sen=100_000_00,
            fpd_weight=1,
            dpd30_weight=1,
            quality_floor="0.5",
            clawback_pct=50,
            created_by=manager,
        )
        for threshold, multiplier in (("0", "0.5"), ("80", "1"), ("100", "1.2")):
            IncentiveTier.objects.create(scheme=scheme, min_achievement_pct=threshold, multiplier=multiplier)
    head = User.objects.filter(role=Role.HO_ADMIN, is_active=True).first() or make_user(Role.HO_ADMIN, None, username="ho.bench")
    runs = []
    for attempt in range(2):
        started = time.perf_counter()
        for b in Branch.objects.filter(is_head_office=False).order_by("code"):
            perf_services.incentive_run(actor=head, branch=b, month=last)
        runs.append(round(time.perf_counter() - started, 2))
        print(f"  incentive run {last:%Y-%m}, every branch (run {attempt + 1}): {runs[-1]} s", flush=True)
    results["incentive_run_s"] = runs
    results["statements"] = IncentiveStatement.objects.filter(month=last).count()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["load"] = os.getloadavg()
    path = OUT / f"performance-{vendor}-{results['contracts']}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(json.dumps(results, indent=2, default=str))
    print(f"  -> {path}")


if __name__ == "__main__":
    main()
