"""Time the bank statement import: N payment rows matched and posted with allocation.

Issue 10 target: 100,000 rows in under 60 s on SQLite and on PostgreSQL on the 2-core machine, peak memory
under 500 MB; reported with the ratio to a bare bulk insert of the same rows in the same run.

Run with::

    uv run python bench/import_payments.py --rows 100000 --contracts 10000
    uv run python bench/import_payments.py --database-url postgres://angsur:angsur@127.0.0.1:5432/angsur_bench --rows 100000

What it does:

1. migrates the database (default: a fresh ``bench/out/import_payments.sqlite3``); makes the organisation
   through the real factories and books ONE contract through the real services (survey, bureau check,
   approval, ``contract_book``);
2. copies that contract set-based (application, contract, installments; new numbers and virtual accounts)
   to ``--contracts`` contracts;
3. writes a CSV statement: for each contract, its first ``rows / contracts`` installments paid on their
   due dates, matched by virtual account;
4. times ``statement_import`` (the same code as ``angsur import-payments``) over the file, and, as the
   baseline, a bare ``bulk_create`` of the same number of payment rows (no matching, no allocation) in the
   same run; prints rows/s, the ratio and the peak memory (ru_maxrss) as JSON.
"""

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sqlite = OUT / "import_payments.sqlite3"
    if not args.database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "angsur.settings"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{sqlite}"
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)

    from angsur.devdata.factories import make_branch, make_company, make_credit_config, make_dealer, make_products, make_user
    from angsur.devdata.seed_contracts import booked_contract
    from angsur.finance.servicing import virtual_account_number
    from angsur.org.roles import Role
    from angsur.origination.models import Application
    from angsur.servicing.imports import statement_import
    from angsur.servicing.models import Contract, Installment, Payment

    signed = dt.date(2026, 1, 5)
    company = make_company()
    branch = make_branch("JKT", company=company, name="Jakarta Timur")
    make_products()
    make_credit_config()
    cmo = make_user(Role.CMO, branch, username="cmo.bench")
    admin = make_user(Role.ADMIN, branch, username="adm.bench")
    dealer = make_dealer(branch, code="JKT-HON1", name="Honda Bench", brand="Honda")
    template = booked_contract(cmo=cmo, dealer=dealer, signing_date=signed, admin=admin)
    template_app = template.application
    lines = list(template.installments.order_by("no"))

    started = time.perf_counter()
    app_fields = [f for f in Application._meta.concrete_fields if not f.primary_key]
    contract_fields = [f for f in Contract._meta.concrete_fields if not f.primary_key]
    for start in range(1, args.contracts, 2_000):
        stop = min(args.contracts, start + 2_000)
        apps = Application.objects.bulk_create(
            Application(**{**{f.attname: getattr(template_app, f.attname) for f in app_fields}, "number": f"APP-B-{i:07d}"})
            for i in range(start, stop)
        )
        if connection.vendor == "sqlite" and apps and apps[0].pk is None:
            raise SystemExit("bulk_create returned no ids (SQLite older than 3.35)")
        contracts = Contract.objects.bulk_create(
            Contract(
                **{
                    **{f.attname: getattr(template, f.attname) for f in contract_fields},
                    "application_id": app.pk,
                    "number": f"JKT/B/{i:07d}",
                    "va_number": virtual_account_number("88810", 900_000_000 + i),
                }
            )
            for i, app in zip(range(start, stop), apps, strict=True)
        )
        Installment.objects.bulk_create(
            Installment(
                contract_id=contract.pk,
                no=line.no,
                due_date=line.due_date,
                principal_sen=line.principal_sen,
                interest_sen=line.interest_sen,
            )
            for contract in contracts
            for line in lines
        )
    setup_seconds = time.perf_counter() - started

    per_contract = max(1, min(len(lines), args.rows // args.contracts))
    contracts = list(Contract.objects.order_by("id").values_list("va_number", flat=True))
    rows = []
    for va in contracts:
        for line in lines[:per_contract]:
            if len(rows) >= args.rows:
                break
            rows.append(f"{line.due_date.isoformat()},{line.amount_sen // 100},REF-{va}-{line.no},{va}")
    content = ("date,amount,reference,account\n" + "\n".join(rows) + "\n").encode()
    as_of = max(line.due_date for line in lines[:per_contract])

    # the baseline: a bare bulk insert of as many payment rows (no matching, no allocation, no audit)
    first = Contract.objects.order_by("id").first()
    started = time.perf_counter()
    for start in range(0, len(rows), 5_000):
        Payment.objects.bulk_create(
            Payment(
                contract_id=first.pk,
                branch_id=branch.pk,
                channel="import",
                amount_sen=100,
                value_date=signed,
                dedup_key=f"baseline:{i}",
                received_by_id=admin.pk,
            )
            for i in range(start, min(len(rows), start + 5_000))
        )
    baseline = time.perf_counter() - started
    Payment.objects.filter(dedup_key__startswith="baseline:")._raw_delete(Payment.objects.db)

    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    report = statement_import(actor=admin, content=content, name="bench.csv", bank="BENCH", as_of=as_of)
    if os.environ.get("BENCH_PROFILE"):
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    seconds = time.perf_counter() - started
    result = {
        "database": connection.vendor,
        "rows": len(rows),
        "contracts": args.contracts,
        "posted": report.posted,
        "errors": len(report.errors),
        "first_errors": report.errors[:3],
        "seconds": round(seconds, 2),
        "rows_per_second": round(len(rows) / seconds, 1),
        "baseline_bulk_insert_seconds": round(baseline, 3),
        "ratio_to_bulk_insert": round(seconds / baseline, 1),
        "setup_seconds": round(setup_seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))
    (OUT / f"import_payments_{connection.vendor}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
