"""Time every page a user opens, as pages (HTTP through gunicorn, DEBUG off), at 20,000 and 200,000 applications.

Issue 13 target: every HTML page p95 < 300 ms and every PDF p95 < 1 s at 200,000 applications, on SQLite and
PostgreSQL, and no page growing faster than the square root of the book between 20k and 200k (p50 × ≤ √10).

Run with::

    uv run python bench/pages.py              # SQLite: bench/out/pages-20000.sqlite3 and pages-200000.sqlite3
    uv run python bench/pages.py --database-url postgres://angsur:angsur@127.0.0.1:5432/angsur_pages --flush
    uv run python bench/pages.py --reuse --stand-in-indexes      # measure again, with the proposed indexes

What it does:

1. for each size, in a subprocess, migrates its own scratch database (one per size, so that both sizes can be
   served side by side) and seeds the demo company through the real services (``seed_demo``: branches
   HO / JKT / MKS / JYP, one user per role and branch with the demo password, dealers and dealer users, products,
   credit configuration, saved quotes, a dozen applications per branch in every state, with surveys, photos,
   SLIK checks, decisions and appeals), plus ``--cmos-per-branch`` CMOs in JKT and MKS;
2. grows the book set-based to each ``--counts`` size: ``bench/origination_queue.py``'s ``seed`` copies one real
   application (``Application`` + applicant ``Party`` + ``Survey``), then ``enrich`` adds what a real branch has,
   per copy, with ``bulk_create``: a spouse for about half, informants (2–3) on every completed survey, a SLIK
   check once analysis started, the decision trail (reason codes, the analysis snapshot and counter-offer copied
   from the demo's real decisions; escalations at two levels), appeals, duplicate flags, saved quotes (one per two
   applications) and the audit events the services write (create, submit, assign, photos, complete, analysis,
   SLIK, decision, appeal, cancel, quote: ~8 per application, ``before`` / ``after`` copied from the real ones);
3. sets up planner statistics (``--analyze``, default ``yes``: statistics present, the steady state the server's
   ``PRAGMA optimize`` reaches within minutes), and, with ``--stand-in-indexes``,
   creates the indexes this benchmark proposes (raw SQL, a STAND-IN until their migration lands; without the flag
   they are dropped, so a ``--reuse`` run measures what the migrations give);
4. serves each size as production does, side by side: gunicorn (one sync worker each by default), ``DJANGO_ENV=production`` (DEBUG off,
   secure cookies, SSL redirect, HSTS) behind a TLS-terminating proxy (``DJANGO_BEHIND_PROXY=true``: the client
   sends ``X-Forwarded-Proto: https`` as the proxy would), persistent connections as configured;
5. logs in through ``POST /login/`` (CSRF token from the form) as one user per role of Jakarta Timur plus the
   dealer user and head office, on each server, and times, with ``http.client`` one request at a time, in rounds
   (``--repeat`` after ``--warmup``) over every page, each size in turn, so drift hits all alike: each home page,
   each list with its default filter, an application detail (decided, with survey, informants, decisions), the
   quote screen (GET, and the htmx POST that prices it), a saved quote and the PDFs (quote sheet, survey report,
   credit memo), and the servicing, end-of-day, collection, field-cash and performance pages (contract list and
   page, statement PDF, purchase orders, collateral, imports, collection cases and views, dashboards, scorecards,
   incentives, repeat orders) over ``--contracts`` synthetic contracts closed by one end-of-day; and two
   baselines in the same rounds: ``GET /api/health`` and a logged-in redirect
   (``GET /login/`` with a session → 302);
6. prints p50 / p95 per page and role, the ratio to the ``/api/health`` p50, the growth of the p50 from the smallest
   to the largest count, pass / fail per target, and for every page over its target the slowest SQL of one
   in-process request with its plan; writes JSON to ``bench/out/``. Exit status 1 when a target is missed.
"""

import argparse
import contextlib
import datetime as dt
import http.client
import json
import math
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import origination_queue as oq  # the seeding and statistics of bench/origination_queue.py

ROOT = oq.ROOT
OUT = oq.OUT
MEDIA = OUT / "pages-media"
HOST = "127.0.0.1"
PASSWORD = "demo-angsur"  # noqa: S105 - the published demo password
HTML_TARGET_MS = 300.0
PDF_TARGET_MS = 1000.0
CHUNK = 5_000

# The roles logged in (Jakarta Timur, the dealer user of its first dealer, head office).
LOGINS = {
    "cmo": "cmo.jkt",
    "supervisor": "ms.jkt",
    "marketing head": "mh.jkt",
    "analyst": "ca.jkt",
    "chief analyst": "cca.jkt",
    "branch manager": "bm.jkt",
    "admin": "adm.jkt",
    "front office": "fo.jkt",
    "collector": "coll.jkt",
    "dealer": "dealer.jkt-hon1",
    "head office": "admin.ho",
}

# Indexes this benchmark proposes (issue 13). STAND-IN: created with raw SQL only with --stand-in-indexes,
# until the lead's migration adds them as models.Index(...) (see bench/README.md).
STAND_IN_INDEXES = {
    # Application.Meta.indexes += [models.Index(fields=["branch", "created_at"])]: the default list of every
    # branch role (/applications/, newest first) and the "latest applications" fallback worklist.
    "bench_app_branch_created": "CREATE INDEX IF NOT EXISTS bench_app_branch_created ON origination_application (branch_id, created_at)",
    # Application.Meta.indexes += [models.Index(fields=["created_at"])]: head office's /applications/ (every branch,
    # newest first) would otherwise sort the whole book.
    "bench_app_created": "CREATE INDEX IF NOT EXISTS bench_app_created ON origination_application (created_at)",
    # Application.Meta.indexes += [models.Index(fields=["status", "submitted_at"]), models.Index(fields=["status", "decided_at"])]:
    # head office's worklists run over every branch (to assign, appealable, queue): without the branch in front,
    # (branch, status, …) cannot serve them and the whole status is sorted.
    "bench_app_status_submitted": "CREATE INDEX IF NOT EXISTS bench_app_status_submitted ON origination_application (status, submitted_at)",
    "bench_app_status_decided": "CREATE INDEX IF NOT EXISTS bench_app_status_decided ON origination_application (status, decided_at)",
    # SavedQuote.Meta.indexes += [models.Index(fields=["created_at"])]: head office's "recent quotes" on its home page.
    "bench_quote_created": "CREATE INDEX IF NOT EXISTS bench_quote_created ON products_savedquote (created_at)",
    # SavedQuote.Meta.indexes += [models.Index(fields=["dealer", "created_at"])]: the dealer portal's "recent quotes"
    # (its home page) sorted every quote of the dealer.
    "bench_quote_dealer_created": "CREATE INDEX IF NOT EXISTS bench_quote_dealer_created ON products_savedquote (dealer_id, created_at)",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL base URL: one database per size, <name>_<count> (default: fresh SQLite files bench/out/pages-<count>.sqlite3)",
    )
    parser.add_argument("--counts", default="20000,200000", help="book sizes to measure, ascending (default 20000,200000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed rounds over every page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers (default 1: the client sends one request at a time)")
    parser.add_argument("--cmos-per-branch", type=int, default=50, help="CMOs per branch, the demo's included (default 50)")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--reuse", action="store_true", help="measure the databases seeded by an earlier run (same --counts); do not seed")
    parser.add_argument("--flush", action="store_true", help="flush a non-default database before seeding")
    parser.add_argument(
        "--analyze",
        choices=("auto", "yes", "no", "keep"),
        default="yes",
        help="planner statistics before serving (as origination_queue.py); default yes: the steady state the server's "
        "PRAGMA optimize reaches after its first minutes (auto = none on SQLite: each table is analysed inside the first "
        "request that reads it, a spike of up to seconds)",
    )
    parser.add_argument(
        "--stand-in-indexes", action="store_true", help="create the proposed indexes with raw SQL (STAND-IN for a migration)"
    )
    parser.add_argument(
        "--contracts",
        type=int,
        default=0,
        help="besides the applications, a synthetic book of this many contracts (angsur generate-portfolio) closed by "
        "one end-of-day, so the servicing, collection and performance pages read a real book (default 0: the demo's)",
    )
    parser.add_argument("--only", default="", help="measure only pages whose name contains one of these comma-separated words")
    parser.add_argument("--explain", action="store_true", help="print the slowest SQL and plans of every page, not only those over target")
    parser.add_argument("--json", default="", help="JSON output (default bench/out/pages-<vendor>.json)")
    parser.add_argument("--prepare", type=int, default=0, help=argparse.SUPPRESS)  # internal: seed one size in a subprocess
    parser.add_argument("--meta", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------------------------- seeding


def ensure_demo(cmos_per_branch: int) -> dict[str, Any]:
    """The demo company through the real services, plus bench CMOs; the org dict origination_queue.seed expects."""
    from django.conf import settings

    from angsur.dealers.models import Dealer
    from angsur.devdata.factories import make_user
    from angsur.devdata.seed import is_seeded, seed_demo
    from angsur.org.models import Branch, User
    from angsur.org.roles import Role

    if not is_seeded():
        t0 = time.perf_counter()
        seed_demo()
        print(f"  demo company seeded in {time.perf_counter() - t0:.1f} s")
    org: dict[str, Any] = {"branches": {}, "dealers": {}, "cmos": {}}
    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench CMOs never log in
    try:
        for code, *_rest in oq.BRANCHES:
            branch = Branch.objects.get(code=code)
            org["branches"][code] = branch
            org["dealers"][code] = list(Dealer.objects.filter(branch=branch).order_by("code"))
            demo_cmo = User.objects.select_related("branch").get(username=f"cmo.{code.lower()}")
            extra = [make_user(Role.CMO, branch, username=f"cmo.{code.lower()}.b{i:02d}") for i in range(1, cmos_per_branch)]
            org["cmos"][code] = [demo_cmo, *extra]
    finally:
        settings.PASSWORD_HASHERS = hashers
    return org


def templates() -> dict[str, Any]:
    """Rows the demo made through the real services, whose JSON and text the copies reuse."""
    from angsur.audit.models import AuditEvent
    from angsur.origination.models import Decision, SavedQuote

    t: dict[str, Any] = {"decision": {}, "event": {}}
    for d in Decision.objects.order_by("id"):
        t["decision"].setdefault(d.outcome, d)
    for e in AuditEvent.objects.order_by("id"):
        t["event"].setdefault(e.action, e)
    t["quote"] = SavedQuote.objects.order_by("id").first()
    return t


def staff() -> dict[int, dict[str, Any]]:
    """Per branch id: the analyst, chief analyst and supervisor who decide and appeal the copies."""
    from angsur.org.models import User

    out: dict[int, dict[str, Any]] = {}
    for code, *_rest in oq.BRANCHES:
        users = {u.role: u for u in User.objects.filter(username__in=[f"{p}.{code.lower()}" for p in ("ca", "cca", "ms")])}
        branch_id = next(iter(users.values())).branch_id
        out[branch_id] = {
            "analyst": users["credit_analyst"],
            "chief": users["chief_credit_analyst"],
            "supervisor": users["marketing_supervisor"],
        }
    return out


INFORMANT_RELATIONS = ("Tetangga", "Ketua RT", "Ketua RW", "Pemilik warung", "Satpam kompleks")
INFORMANT_ANSWERS = (
    "Benar tinggal di sini sejak lama, dikenal baik oleh warga.",
    "Pemohon tinggal bersama keluarga, rumah milik sendiri.",
    "Sering terlihat berangkat kerja pagi hari.",
    "Tidak pernah ada masalah dengan tetangga.",
)


def enrich(first_pk: int, seed_value: int) -> Counter:
    """Add a real branch's rows to every application with pk ≥ first_pk, set-based, in chunks of CHUNK."""
    from django.db import transaction
    from django.utils import timezone

    from angsur.audit.models import AuditEvent
    from angsur.org.models import User
    from angsur.origination.models import (
        Appeal,
        Application,
        BureauCheck,
        Decision,
        Flag,
        FlagKind,
        Informant,
        Party,
        PartyRole,
        SavedQuote,
        Survey,
        SurveyStatus,
    )

    started = time.perf_counter()
    tpl, crew = templates(), staff()
    maker = oq.RowMaker(seed_value + 7)
    rng = maker.rng
    names = [maker.fake.name() for _ in range(3_000)]
    users = {u.pk: u for u in User.objects.filter(role="cmo")}
    for branch_staff in crew.values():
        users.update({u.pk: u for u in branch_staff.values()})
    regions = {code: r for code, _n, _tz, r in oq.BRANCHES}
    now = timezone.now()
    quote_tpl = tpl["quote"]
    quote_base = {
        f.attname: getattr(quote_tpl, f.attname)
        for f in SavedQuote._meta.concrete_fields
        if f.attname not in {"id", "branch_id", "created_by_id", "dealer_id", "created_at", "prospect_name", "prospect_phone"}
    }
    decision_outcome = {
        "approved": "approve",
        "approved_conditions": "approve_conditions",
        "rejected": "reject",
        "appealed": "reject",
    }
    made: Counter = Counter()
    fields = (
        "id",
        "number",
        "status",
        "branch_id",
        "dealer_id",
        "cmo_id",
        "applicant_name",
        "applicant_phone",
        "created_at",
        "submitted_at",
        "survey_assigned_at",
        "surveyed_at",
        "analysis_started_at",
        "decided_at",
        "decision_level",
    )
    last_pk = Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    hour = dt.timedelta(hours=1)

    def event(action: str, at: dt.datetime, actor: Any, app: dict[str, Any], branch_id: int, **over: Any) -> AuditEvent:
        base = tpl["event"].get(action)
        return AuditEvent(
            occurred_at=min(at, now),
            actor_id=actor.pk,
            actor_username=actor.username,
            actor_role=actor.role,
            branch_id=branch_id,
            action=action,
            object_type=over.get("object_type", "origination.application"),
            object_id=str(over.get("object_id", app["id"])),
            object_repr=(over["object_repr"] if "object_repr" in over else f"{app['number']} {app['applicant_name']}")[:200],
            before=base.before if base else None,
            after=base.after if base else None,
            request_id=uuid.UUID(int=rng.getrandbits(128)).hex,
        )

    with (
        oq.explicit_timestamps(Decision, "created_at"),
        oq.explicit_timestamps(Appeal, "created_at"),
        oq.explicit_timestamps(Flag, "created_at"),
        oq.explicit_timestamps(BureauCheck, "entered_at"),
        oq.explicit_timestamps(SavedQuote, "created_at"),
    ):
        for lo in range(first_pk, last_pk + 1, CHUNK):
            apps = list(Application.objects.filter(pk__gte=lo, pk__lt=lo + CHUNK).order_by("pk").values(*fields))
            if not apps:
                continue
            surveys = {
                s["application_id"]: s
                for s in Survey.objects.filter(application_id__gte=lo, application_id__lt=lo + CHUNK).values(
                    "id", "application_id", "status", "surveyor_id", "completed_at"
                )
            }
            spouses, informants, bureau, flags, quotes, events = [], [], [], [], [], []
            decisions: list[tuple[dict[str, Any], Decision]] = []
            for app in apps:
                code = app["number"].split("-")[1]
                branch_id, status = app["branch_id"], app["status"]
                cmo = users[app["cmo_id"]]
                team = crew[branch_id]
                if rng.random() < 0.5:
                    p = maker.person(regions[code])
                    spouses.append(
                        Party(
                            application_id=app["id"],
                            role=PartyRole.SPOUSE,
                            full_name=p["full_name"],
                            nik=p["nik"],
                            birth_place=p["birth_place"],
                            birth_date=p["birth_date"],
                            sex=p["sex"],
                            marital_status="married",
                            phone=p["phone"],
                            ktp_address=p["ktp_address"],
                            employer_name=p["employer_name"],
                            monthly_income_sen=p["income_sen"] if rng.random() < 0.4 else 0,
                        )
                    )
                events.append(event("application.create", app["created_at"], cmo, app, branch_id))
                if app["submitted_at"]:
                    events.append(event("application.submit", app["submitted_at"], cmo, app, branch_id))
                survey = surveys.get(app["id"])
                if app["survey_assigned_at"]:
                    assigner = team["supervisor"] if rng.random() < 0.5 else cmo
                    events.append(event("application.assign_survey", app["survey_assigned_at"], assigner, app, branch_id))
                if survey and survey["status"] == SurveyStatus.COMPLETED:
                    surveyor = users.get(survey["surveyor_id"], cmo)
                    done = survey["completed_at"] or app["surveyed_at"]
                    for k in range(rng.choice((2, 2, 3))):
                        informants.append(
                            Informant(
                                survey_id=survey["id"],
                                name=rng.choice(names),
                                relation=INFORMANT_RELATIONS[k % len(INFORMANT_RELATIONS)],
                                confirms_residence=rng.random() < 0.95,
                                answer=rng.choice(INFORMANT_ANSWERS),
                            )
                        )
                    for minutes in (25, 15):
                        events.append(event("survey.photo_add", done - dt.timedelta(minutes=minutes), surveyor, app, branch_id))
                    events.append(event("application.complete_survey", done, surveyor, app, branch_id))
                begun = app["analysis_started_at"]
                if begun:
                    events.append(event("application.start_analysis", begun, team["analyst"], app, branch_id))
                    if status != "in_analysis" or rng.random() < 0.5:
                        rejected = status in {"rejected", "appealed"}
                        kol = rng.choice((3, 4, 5)) if rejected and rng.random() < 0.3 else rng.choice((1, 1, 1, 2))
                        bureau.append(
                            BureauCheck(
                                application_id=app["id"],
                                enquiry_date=begun.date(),
                                consent_given=True,
                                worst_collectibility=kol,
                                outstanding_sen=rng.randrange(0, 20_000_000, 500_000) * 100,
                                note="",
                                entered_by_id=team["analyst"].pk,
                                entered_at=min(begun + dt.timedelta(minutes=20), now),
                            )
                        )
                        events.append(event("application.bureau_check", begun + dt.timedelta(minutes=20), team["analyst"], app, branch_id))
                    trail: list[tuple[str, int, Any, dt.datetime]] = []
                    if status == "escalated":
                        at = min(begun + 2 * hour, now)
                        trail.append(("escalate", 1, team["analyst"], at))
                        if app["decision_level"] >= 3:
                            trail.append(("escalate", 2, team["chief"], min(at + 3 * hour, now)))
                    elif status in decision_outcome and app["decided_at"]:
                        if status == "approved" and rng.random() < 0.15:
                            trail.append(("escalate", 1, team["analyst"], app["decided_at"] - 2 * hour))
                            trail.append(("approve", 2, team["chief"], app["decided_at"]))
                        else:
                            trail.append((decision_outcome[status], 1, team["analyst"], app["decided_at"]))
                    for outcome, level, who, at in trail:
                        t = tpl["decision"].get(outcome) or tpl["decision"]["approve"]
                        decisions.append(
                            (
                                app,
                                Decision(
                                    application_id=app["id"],
                                    decided_by_id=who.pk,
                                    role=who.role,
                                    level=level,
                                    outcome=outcome,
                                    reason_codes=t.reason_codes,
                                    rationale=t.rationale,
                                    counter_offer=t.counter_offer,
                                    analysis=t.analysis,
                                    on_appeal=False,
                                    created_at=at,
                                ),
                            )
                        )
                        action = {"approve": "application.approve", "approve_conditions": "application.approve_conditions"}.get(
                            outcome, f"application.{outcome}"
                        )
                        events.append(event(action, at, who, app, branch_id))
                if status == "cancelled":
                    last = max(v for k, v in app.items() if k.endswith("_at") and v is not None)
                    events.append(event("application.cancel", last + hour, cmo, app, branch_id))
                if rng.random() < 0.02 and len(apps) > 1:
                    other = rng.choice(apps)
                    if other["id"] != app["id"]:
                        kind = rng.choice((FlagKind.DUPLICATE_NIK, FlagKind.DUPLICATE_PHONE))
                        flags.append(
                            Flag(
                                application_id=app["id"],
                                kind=kind,
                                detail=other["number"],
                                other_application_id=other["id"],
                                created_at=app["created_at"],
                            )
                        )
                if rng.random() < 0.5:
                    quotes.append(
                        SavedQuote(
                            **quote_base,
                            branch_id=branch_id,
                            created_by_id=cmo.pk,
                            dealer_id=app["dealer_id"],
                            created_at=app["created_at"] - rng.uniform(0.5, 72) * hour,
                            prospect_name=app["applicant_name"],
                            prospect_phone=app["applicant_phone"],
                        )
                    )
            with transaction.atomic():
                Party.objects.bulk_create(spouses, batch_size=1_000)
                Informant.objects.bulk_create(informants, batch_size=1_000)
                BureauCheck.objects.bulk_create(bureau, batch_size=1_000)
                Flag.objects.bulk_create(flags, batch_size=1_000)
                Decision.objects.bulk_create([d for _a, d in decisions], batch_size=500)
                appeals = []
                for app, d in decisions:
                    if app["status"] == "appealed" and d.outcome == "reject":
                        team = crew[app["branch_id"]]
                        at = min(d.created_at + 2 * hour, now)
                        appeals.append(
                            Appeal(
                                application_id=app["id"],
                                appellant_id=team["supervisor"].pk,
                                rejected_decision_id=d.pk,
                                to_level=2,
                                argument="Pemohon melampirkan slip gaji terbaru; mohon ditinjau ulang.",
                                created_at=at,
                            )
                        )
                        events.append(event("application.appeal", at, team["supervisor"], app, app["branch_id"]))
                Appeal.objects.bulk_create(appeals, batch_size=1_000)
                SavedQuote.objects.bulk_create(quotes, batch_size=500)
                for q in quotes:
                    who = users[q.created_by_id]
                    events.append(
                        event(
                            "quote.save",
                            q.created_at,
                            who,
                            {"id": q.pk},
                            q.branch_id,
                            object_type="origination.savedquote",
                            object_id=q.pk,
                            object_repr=f"Quote {q.pk} {q.prospect_name}",
                        )
                    )
                AuditEvent.objects.bulk_create(events, batch_size=1_000)
            made.update(
                spouses=len(spouses),
                informants=len(informants),
                bureau_checks=len(bureau),
                flags=len(flags),
                decisions=len(decisions),
                appeals=len(appeals),
                quotes=len(quotes),
                audit_events=len(events),
            )
            if (lo - first_pk) // CHUNK % 5 == 4 or lo + CHUNK > last_pk:
                print(f"  enriched up to pk {min(lo + CHUNK - 1, last_pk):>9,} ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"  enriched in {time.perf_counter() - started:.1f} s: {dict(made)}")
    return made


def grow_to(count: int, org: dict[str, Any], seed_value: int) -> dict[str, Any]:
    """Add applications (origination_queue.seed) and their rows (enrich) until the book holds `count`."""
    from angsur.origination.models import Application

    existing = Application.objects.count()
    if existing >= count:
        return {"applications": existing, "added": 0}
    first = (Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    print(f"growing the book from {existing:,} to {count:,} applications …", flush=True)
    seeded = oq.seed(org, count - existing, seed_value + existing)
    enriched = enrich(first, seed_value + existing)
    return {"applications": count, "added": count - existing, **seeded, **dict(enriched)}


def stand_in_indexes(create: bool) -> list[str]:
    """STAND-IN for the migration the lead adds: create (or drop) the proposed indexes with raw SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        for name, sql in STAND_IN_INDEXES.items():
            cursor.execute(sql if create else f"DROP INDEX IF EXISTS {name}")
    return list(STAND_IN_INDEXES) if create else []


# --------------------------------------------------------------------------------------------- server and client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="angsur.settings",
        DJANGO_ENV="production",  # DEBUG off, secure cookies, SSL redirect, HSTS
        DJANGO_SECRET_KEY="bench-only-" + uuid.uuid4().hex + uuid.uuid4().hex,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_BEHIND_PROXY="true",  # the client sends X-Forwarded-Proto: https, as the TLS proxy does
        DATABASE_URL=database_url,
        ANGSUR_PRIVATE_MEDIA_ROOT=str(MEDIA),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def start_server(database_url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "angsur.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=server_env(database_url), cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}; see {log}")
        with contextlib.suppress(OSError):
            if Client(port).get("/api/health")[0] == 200:
                return proc
        time.sleep(0.2)
    stop_server(proc)
    sys.exit(f"gunicorn did not answer within 60 s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Client:
    """One browser: cookies, CSRF, the headers the TLS-terminating proxy adds. A new connection per request
    (gunicorn's sync worker closes it after each answer, as behind a proxy)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, float, dict[str, str]]:
        hdrs = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": HOST,
            "Accept-Language": "id",
            "User-Agent": "angsur-bench-pages",
        }
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
            hdrs["Origin"] = f"https://{HOST}:{self.port}"
            hdrs["Referer"] = f"https://{HOST}:{self.port}{path}"
        hdrs.update(headers or {})
        t0 = time.perf_counter_ns()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            response = conn.getresponse()
            payload = response.read()
        finally:
            conn.close()
        ms = (time.perf_counter_ns() - t0) / 1e6
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _eq, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, payload, ms, {k.lower(): v for k, v in response.getheaders()}

    def get(self, path: str) -> tuple[int, bytes, float, dict[str, str]]:
        return self.request("GET", path)

    def csrf(self, path: str) -> str:
        status, body, _ms, _h = self.get(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, no CSRF token")
        return match.group(1).decode()

    def login(self, username: str) -> None:
        token = self.csrf("/login/")
        status, _body, _ms, headers = self.request(
            "POST", "/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username}: {status} {headers.get('location', '')}")


# --------------------------------------------------------------------------------------------- pages


def book_contracts(wanted: int, seed_value: int) -> dict[str, Any]:
    """Top the book up to `wanted` contracts with the synthetic portfolio, then close yesterday's end-of-day."""
    from angsur.devdata.portfolio import generate_portfolio
    from angsur.servicing.eod import eod_run
    from angsur.servicing.models import Contract, EodRun

    have = Contract.objects.count()
    info: dict[str, Any] = {"before": have}
    yesterday = dt.date.today() - dt.timedelta(days=1)
    if wanted > have:
        t0 = time.perf_counter()
        generate_portfolio(contracts=wanted - have, seed=seed_value, as_of=yesterday)
        info["generated_seconds"] = round(time.perf_counter() - t0, 1)
    if Contract.objects.exists() and not EodRun.objects.filter(business_date=yesterday, status="closed").exists():
        t0 = time.perf_counter()
        eod_run(yesterday, rerun=EodRun.objects.filter(business_date__gte=yesterday).exists())
        info["eod_seconds"] = round(time.perf_counter() - t0, 1)
    info["after"] = Contract.objects.count()
    return info


def pick_records() -> dict[str, Any]:
    """The records the detail pages and PDFs open (chosen once; the demo's own are made by the real services)."""
    from angsur.dealers.models import Dealer
    from angsur.origination.models import Application, SavedQuote, SurveyStatus

    demo = Application.objects.filter(number__startswith="APP-JKT-", status="approved_conditions").order_by("pk").first()
    copy = (
        Application.objects.filter(branch__code="JKT", status="rejected", surveys__status=SurveyStatus.COMPLETED, decisions__isnull=False)
        .exclude(pk__lte=demo.pk + 100)
        .order_by("-pk")
        .first()
    )
    dealer = Dealer.objects.get(code="JKT-HON1")
    dealer_app = Application.objects.filter(dealer=dealer, status="rejected").order_by("-pk").first()
    quote = SavedQuote.objects.filter(created_by__username="cmo.jkt").order_by("pk").first()
    records = {"demo_app": demo.pk, "copied_app": copy.pk, "dealer_app": dealer_app.pk, "quote": quote.pk}
    from angsur.servicing.models import Contract

    contract = Contract.objects.filter(branch__code="JKT", cmo__username="cmo.jkt").order_by("pk").first()
    contract = contract or Contract.objects.filter(branch__code="JKT").order_by("pk").first()
    if contract is not None:
        records["contract"] = contract.pk
        records["dealer_id"] = contract.dealer_id
        records["cmo_id"] = contract.cmo_id
    try:
        from angsur.collection.models import CollectionCase

        case = CollectionCase.objects.filter(contract__branch__code="JKT").order_by("pk").first()
        if case is not None:
            records["case"] = case.pk
    except ImportError:
        pass
    return records


def page_cases(records: dict[str, Any], only: str) -> list[dict[str, Any]]:
    """(name, role, method, path, body, kind) for every page; kind 'html' / 'pdf' / 'baseline'."""
    from angsur.org.roles import ROLE_CAPABILITIES, Capability, Role

    roles = {
        "cmo": Role.CMO,
        "supervisor": Role.MARKETING_SUPERVISOR,
        "marketing head": Role.MARKETING_HEAD,
        "analyst": Role.CREDIT_ANALYST,
        "chief analyst": Role.CHIEF_CREDIT_ANALYST,
        "branch manager": Role.BRANCH_MANAGER,
        "admin": Role.ADMIN,
        "front office": Role.FRONT_OFFICE,
        "collector": Role.COLLECTOR,
        "dealer": Role.DEALER,
        "head office": Role.HO_ADMIN,
    }

    def can(who: str, cap: str) -> bool:
        return cap in ROLE_CAPABILITIES[roles[who]]

    cases: list[dict[str, Any]] = [
        {"page": "baseline: /api/health", "role": "-", "path": "/api/health", "kind": "baseline"},
        {"page": "baseline: logged-in redirect", "role": "analyst", "path": "/login/", "kind": "baseline", "status": 302},
    ]
    for who in LOGINS:
        cases.append({"page": "home", "role": who, "path": "/"})
    for who in LOGINS:
        if can(who, Capability.APPLICATION_VIEW):
            cases.append({"page": "/applications/", "role": who, "path": "/applications/"})
    for who in LOGINS:
        if can(who, Capability.DEALER_VIEW):
            cases.append({"page": "/dealers/", "role": who, "path": "/dealers/"})
    for who in LOGINS:
        if can(who, Capability.PRODUCT_VIEW):
            cases.append({"page": "/products/", "role": who, "path": "/products/"})
    for who in LOGINS:
        if can(who, Capability.AUDIT_VIEW):
            cases.append({"page": "/audit/", "role": who, "path": "/audit/"})
    demo, copy = records["demo_app"], records["copied_app"]
    for who in ("analyst", "cmo", "supervisor", "branch manager", "head office"):
        cases.append({"page": "application detail (demo)", "role": who, "path": f"/applications/{demo}/"})
    cases.append({"page": "application detail (copy)", "role": "analyst", "path": f"/applications/{copy}/"})
    cases.append({"page": "application detail (dealer)", "role": "dealer", "path": f"/applications/{records['dealer_app']}/"})
    cases.append({"page": "/quotes/new/ GET", "role": "cmo", "path": "/quotes/new/"})
    cases.append({"page": "/quotes/new/ POST (htmx)", "role": "cmo", "path": "/quotes/new/", "method": "POST", "htmx": True})
    cases.append({"page": "saved quote", "role": "cmo", "path": f"/quotes/{records['quote']}/"})
    cases.append({"page": "quote PDF", "role": "cmo", "path": f"/quotes/{records['quote']}/pdf/", "kind": "pdf"})
    cases.append({"page": "survey report PDF", "role": "analyst", "path": f"/applications/{demo}/survey-report.pdf", "kind": "pdf"})
    cases.append({"page": "credit memo PDF", "role": "analyst", "path": f"/applications/{demo}/credit-memo.pdf", "kind": "pdf"})
    cases.append({"page": "credit memo PDF (copy)", "role": "analyst", "path": f"/applications/{copy}/credit-memo.pdf", "kind": "pdf"})
    cases.extend(later_pages(records, can))
    for c in cases:
        c.setdefault("method", "GET")
        c.setdefault("kind", "html")
        c.setdefault("status", 200)
        c["key"] = f"{c['page']} [{c['role']}]"
    if only:
        words = [w.strip() for w in only.split(",") if w.strip()]
        cases = [c for c in cases if c["kind"] == "baseline" or any(w in c["key"] for w in words)]
    return cases


def later_pages(records: dict[str, Any], can: Callable[[str, str], bool]) -> list[dict[str, Any]]:
    """Servicing, end-of-day, collection, remedial and performance pages (issue 13: they join as they are built)."""
    from angsur.org.roles import Capability

    cases: list[dict[str, Any]] = []
    for who in LOGINS:
        if can(who, Capability.CONTRACT_VIEW):
            cases.append({"page": "/contracts/", "role": who, "path": "/contracts/"})
        if can(who, Capability.COLLECTION_VIEW):
            cases.append({"page": "/collection/", "role": who, "path": "/collection/"})
            cases.append({"page": "/collection/views/", "role": who, "path": "/collection/views/"})
        if can(who, Capability.PERFORMANCE_VIEW):
            cases.append({"page": "/performance/", "role": who, "path": "/performance/"})
            cases.append({"page": "/performance/dealers/", "role": who, "path": "/performance/dealers/"})
            cases.append({"page": "/performance/cmos/", "role": who, "path": "/performance/cmos/"})
        if can(who, Capability.PURCHASE_ORDER_VIEW):
            cases.append({"page": "/purchase-orders/", "role": who, "path": "/purchase-orders/"})
        if can(who, Capability.COLLATERAL_MANAGE):
            cases.append({"page": "/collateral/", "role": who, "path": "/collateral/"})
        if can(who, Capability.PAYMENT_POST):
            cases.append({"page": "/payments/imports/", "role": who, "path": "/payments/imports/"})
        if can(who, Capability.EOD_RUN):
            cases.append({"page": "/eod/", "role": who, "path": "/eod/"})
        # The field-cash screens are a branch's day (its business date): head office has none (menu: branch_work).
        if can(who, Capability.CASH_DEPOSIT_RECEIVE) and who != "head office":
            cases.append({"page": "/field-cash/reconciliation/", "role": who, "path": "/field-cash/reconciliation/"})
        if can(who, Capability.COLLECTION_CASH) and who != "head office":
            cases.append({"page": "/field-cash/", "role": who, "path": "/field-cash/"})
    cases.append({"page": "dealer scorecard (portal)", "role": "dealer", "path": "/performance/my-dealer/"})
    cases.append({"page": "repeat orders", "role": "cmo", "path": "/performance/repeat-orders/"})
    cases.append({"page": "incentives", "role": "branch manager", "path": "/performance/incentives/"})
    if "contract" in records:
        contract = records["contract"]
        for who in ("cmo", "front office", "admin", "branch manager"):
            cases.append({"page": "contract detail", "role": who, "path": f"/contracts/{contract}/"})
        statement = f"/contracts/{contract}/statement.pdf"
        cases.append({"page": "contract statement PDF", "role": "front office", "path": statement, "kind": "pdf"})
        cases.append({"page": "remedial page of a contract", "role": "branch manager", "path": f"/remedial/contracts/{contract}/"})
        cases.append({"page": "dealer scorecard", "role": "marketing head", "path": f"/performance/dealers/{records['dealer_id']}/"})
        cases.append({"page": "CMO performance", "role": "branch manager", "path": f"/performance/cmos/{records['cmo_id']}/"})
    if "case" in records:
        cases.append({"page": "collection case", "role": "branch manager", "path": f"/collection/cases/{records['case']}/"})
    return cases


QUOTE_POST = {
    "product": "NMC",
    "vehicle_brand": "Honda",
    "vehicle_model": "Vario 125",
    "vehicle_year": "2026",
    "vehicle_condition": "new",
    "otr": "23.400.000",
    "down_payment": "4.700.000",
    "down_payment_pct": "",
    "tenor_months": "24",
    "prospect_name": "",
    "prospect_phone": "",
    "dealer": "",
}


def measure(servers: dict[int, int], cases: dict[int, list[dict[str, Any]]], repeat: int, warmup: int) -> dict[int, list[dict[str, Any]]]:
    """Every page at every size in the same rounds: page by page, each size in turn (drift hits all sizes alike)."""
    counts = sorted(servers)
    clients: dict[tuple[int, str], Client] = {}
    for count, port in servers.items():
        for who in sorted({c["role"] for c in cases[count]} - {"-"}):
            client = Client(port)
            client.login(LOGINS[who])
            clients[count, who] = client
    anonymous = {count: Client(port) for count, port in servers.items()}
    timings: dict[tuple[int, str], list[float]] = {(n, c["key"]): [] for n in counts for c in cases[n]}
    sizes: dict[tuple[int, str], int] = {}
    tokens: dict[tuple[int, str], str] = {}
    for rnd in range(warmup + repeat):
        indexes = range(len(cases[counts[0]])) if rnd % 2 == 0 else reversed(range(len(cases[counts[0]])))
        for i in indexes:
            for count in counts if (rnd + i) % 2 == 0 else reversed(counts):
                c = cases[count][i]
                client = clients.get((count, c["role"]), anonymous[count])
                if c["method"] == "POST":
                    if (count, c["role"]) not in tokens:
                        tokens[count, c["role"]] = client.csrf(c["path"])
                    token = tokens[count, c["role"]]
                    headers = {"HX-Request": "true", "X-CSRFToken": token} if c.get("htmx") else {}
                    status, body, ms, hdrs = client.request("POST", c["path"], {**QUOTE_POST, "csrfmiddlewaretoken": token}, headers)
                else:
                    status, body, ms, hdrs = client.get(c["path"])
                if status != c["status"]:
                    raise RuntimeError(
                        f"{c['key']} at {count:,}: {c['method']} {c['path']}: HTTP {status} (expected {c['status']})\n{body[:400]!r}"
                    )
                if c["kind"] == "pdf" and not body.startswith(b"%PDF"):
                    raise RuntimeError(f"{c['key']}: not a PDF ({hdrs.get('content-type')})")
                if rnd >= warmup:
                    timings[count, c["key"]].append(ms)
                sizes[count, c["key"]] = len(body)
        if rnd == warmup - 1 or (rnd >= warmup and (rnd - warmup + 1) % 5 == 0):
            print(f"  round {rnd + 1}/{warmup + repeat}  (load average {os.getloadavg()[0]:.1f})", flush=True)
    out: dict[int, list[dict[str, Any]]] = {}
    for count in counts:
        rows = []
        for c in cases[count]:
            ordered = sorted(timings[count, c["key"]])
            rows.append(
                {
                    **{k: c[k] for k in ("key", "page", "role", "method", "path", "kind")},
                    "n": len(ordered),
                    "p50_ms": statistics.median(ordered),
                    "p95_ms": oq.percentile(ordered, 95),
                    "max_ms": ordered[-1],
                    "bytes": sizes[count, c["key"]],
                }
            )
        base = rows[0]["p50_ms"]
        for r in rows:
            r["p50_x_health"] = r["p50_ms"] / base
            target = {"html": HTML_TARGET_MS, "pdf": PDF_TARGET_MS}.get(r["kind"])
            r["target_ms"] = target
            r["within_target"] = target is None or r["p95_ms"] < target
        out[count] = rows
    return out


def profile(cases: list[dict[str, Any]], keys: set[str]) -> dict[str, Any]:
    """One in-process request per page (Django's test client, same database): the slowest SQL and its plan."""
    from django.db import connection
    from django.test import Client as DjangoClient

    from angsur.org.models import User

    found: dict[str, Any] = {}
    for c in cases:
        if c["key"] not in keys or c["role"] == "-":
            continue
        client = DjangoClient()
        client.force_login(User.objects.get(username=LOGINS[c["role"]]))
        executed: list[tuple[float, str, Any]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: dict, executed: list = executed) -> Any:
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                executed.append(((time.perf_counter() - t0) * 1000, sql, params))

        for _attempt in range(2):  # the second request is the one recorded (caches warm)
            executed.clear()
            t0 = time.perf_counter()
            with connection.execute_wrapper(record):
                if c["method"] == "POST":
                    client.get(c["path"])
                    client.post(c["path"], {**QUOTE_POST}, headers={"HX-Request": "true"} if c.get("htmx") else {})
                else:
                    client.get(c["path"])
            total = (time.perf_counter() - t0) * 1000
        slow = sorted(executed, key=lambda e: -e[0])[:4]
        found[c["key"]] = {
            "in_process_ms": total,
            "queries": len(executed),
            "sql_ms": sum(e[0] for e in executed),
            "slowest": [
                {"ms": ms, "sql": sql, "params": [str(p) for p in params or ()], "plan": oq.explain(sql, params)}
                for ms, sql, params in slow
            ],
        }
        f = found[c["key"]]
        print(f"\n  {c['key']}: in-process {f['in_process_ms']:.0f} ms, {f['queries']} queries, {f['sql_ms']:.0f} ms in SQL; slowest:")
        for s in f["slowest"][:3]:
            plan = s["plan"].replace("\n", "\n        ")
            print(f"    {s['ms']:7.1f} ms  {s['sql'][:500]}\n      params {s['params'][:8]}\n      PLAN:\n        {plan}")
    return found


# --------------------------------------------------------------------------------------------- report


def print_table(count: int, results: list[dict[str, Any]], info: dict[str, Any]) -> None:
    la0, la1 = info["load_before"][0], info["load_after"][0]
    print(
        f"\n{info['vendor']} {info['version']}: {count:,} applications ({info['rows']}); planner statistics "
        f"{'ANALYZE' if info['planner_statistics'] else 'none (the server runs PRAGMA optimize)'}; "
        f"stand-in indexes {info['stand_in_indexes'] or 'none'}; "
        f"load average {la0:.1f} before, {la1:.1f} after, {os.cpu_count()} CPUs"
    )
    head = f"{'page':<34} {'role':<15} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 ×health':>11} {'kB':>6}  target"
    print(head)
    print("-" * len(head))
    for r in results:
        verdict = "-" if r["target_ms"] is None else ("ok" if r["within_target"] else f"OVER {r['target_ms']:.0f}")
        print(
            f"{r['page']:<34} {r['role']:<15} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} {r['p50_x_health']:11.1f}"
            f" {r['bytes'] / 1024:6.1f}  {verdict}"
        )


def growth(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    small, large = runs[0], runs[-1]
    limit = math.sqrt(large["count"] / small["count"])
    by_key = {r["key"]: r for r in small["results"]}
    rows = []
    for r in large["results"]:
        s = by_key.get(r["key"])
        if s is None:
            continue
        g50, g95 = r["p50_ms"] / s["p50_ms"], r["p95_ms"] / s["p95_ms"]
        rows.append(
            {
                "key": r["key"],
                "page": r["page"],
                "role": r["role"],
                "kind": r["kind"],
                "small": s,
                "large": r,
                "growth_p50": g50,
                "growth_p95": g95,
                "limit": limit,
                "within": r["kind"] == "baseline" or g50 <= limit,
            }
        )
    print(
        f"\ngrowth {small['count']:,} → {large['count']:,} applications "
        f"(limit: p50 × ≤ √{large['count'] / small['count']:.0f} = {limit:.2f})"
    )
    head = f"{'page':<34} {'role':<15} {'p50':>7} {'p95':>7} → {'p50':>7} {'p95':>7} {'×p50':>6} {'×p95':>6}  p95 target  growth"
    print(head)
    print("-" * len(head))
    for g in rows:
        s, r = g["small"], g["large"]
        target = "-" if r["target_ms"] is None else ("ok" if r["within_target"] else "OVER")
        print(
            f"{g['page']:<34} {g['role']:<15} {s['p50_ms']:7.1f} {s['p95_ms']:7.1f} → {r['p50_ms']:7.1f} {r['p95_ms']:7.1f}"
            f" {g['growth_p50']:6.2f} {g['growth_p95']:6.2f}  {target:<10}  "
            f"{'-' if g['kind'] == 'baseline' else ('ok' if g['within'] else 'OVER')}"
        )
    return rows


def describe(count: int) -> dict[str, Any]:
    from django.db import connection

    from angsur.audit.models import AuditEvent
    from angsur.origination.models import Decision, Informant, Party, SavedQuote, Survey

    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    rows = {
        "parties": Party.objects.count(),
        "surveys": Survey.objects.count(),
        "informants": Informant.objects.count(),
        "decisions": Decision.objects.count(),
        "quotes": SavedQuote.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }
    return {
        "vendor": connection.vendor,
        "version": version,
        "count": count,
        "rows": ", ".join(f"{v:,} {k}" for k, v in rows.items()),
        "row_counts": rows,
    }


def database_for(base_url: str, count: int) -> str:
    """One database per size: bench/out/pages-<count>.sqlite3, or <name>_<count> next to the PostgreSQL database given."""
    if not base_url:
        return f"sqlite:///{OUT / f'pages-{count}.sqlite3'}"
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path.lstrip("/") if parts.netloc == "" and not parts.path.startswith("//") else parts.path)
        return f"sqlite:///{path.with_name(f'{path.stem}-{count}{path.suffix}')}"
    name = parts.path.lstrip("/")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_{count}"))


def ensure_pg_database(url: str) -> None:
    """CREATE DATABASE (the role needs CREATEDB) when the per-size database does not exist yet."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"  created database {name}")


def prepare(args: argparse.Namespace) -> int:
    """(Subprocess, one per size.) Migrate, seed to --prepare applications, statistics, stand-in indexes; write the meta."""
    count = args.prepare
    url = args.database_url
    os.environ["ANGSUR_PRIVATE_MEDIA_ROOT"] = str(MEDIA)
    oq.setup_django(url)
    from django.core.management import call_command

    from angsur.origination.models import Application

    call_command("migrate", interactive=False, verbosity=0)
    existing = Application.objects.count()
    if args.reuse:
        if existing < count:
            sys.exit(f"--reuse: {url.split('@')[-1]} holds {existing:,} applications, fewer than {count:,}")
        seeded: dict[str, Any] = {"reused": True, "applications": existing}
    else:
        if existing:
            if not args.flush:
                sys.exit(f"{url.split('@')[-1]} already holds {existing:,} applications: pass --flush to empty it or --reuse to measure it")
            call_command("flush", interactive=False, verbosity=0)
        t0 = time.perf_counter()
        org = ensure_demo(args.cmos_per_branch)
        seeded = grow_to(count, org, args.seed)
        seeded["seconds"] = round(time.perf_counter() - t0, 1)
    seeded["contracts"] = book_contracts(args.contracts, args.seed)
    # Indexes first, statistics after: on SQLite an index created after ANALYZE has no sqlite_stat1 row, the planner
    # then misjudges it (measured: supervisor home 30 → 440 ms at 200k) and PRAGMA optimize does not fix it.
    indexes = stand_in_indexes(args.stand_in_indexes)
    analyzed = oq.planner_statistics(args.analyze)
    info = describe(Application.objects.count())
    info.update(planner_statistics=analyzed, stand_in_indexes=indexes, records=pick_records(), seeded=seeded, database=url.split("@")[-1])
    Path(args.meta).write_text(json.dumps(info, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.prepare:
        return prepare(args)
    counts = sorted(int(c) for c in args.counts.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    MEDIA.mkdir(parents=True, exist_ok=True)
    urls = {count: database_for(args.database_url, count) for count in counts}
    infos: dict[int, dict[str, Any]] = {}
    for count, url in urls.items():
        print(f"preparing {count:,} applications in {url.split('@')[-1]} …", flush=True)
        if url.startswith("sqlite") and not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
        elif url.startswith("postgres"):
            ensure_pg_database(url)
        meta = OUT / f"pages-meta-{count}.json"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--prepare",
            str(count),
            "--database-url",
            url,
            "--meta",
            str(meta),
            "--analyze",
            args.analyze,
            "--cmos-per-branch",
            str(args.cmos_per_branch),
            "--seed",
            str(args.seed),
        ]
        cmd += [
            flag for flag, on in (("--reuse", args.reuse), ("--flush", args.flush), ("--stand-in-indexes", args.stand_in_indexes)) if on
        ]
        t0 = time.perf_counter()
        if subprocess.run(cmd, cwd=ROOT, check=False).returncode:
            sys.exit(f"preparing {count:,} failed")
        infos[count] = json.loads(meta.read_text())
        print(f"  ready in {time.perf_counter() - t0:.0f} s: {infos[count]['rows']}", flush=True)

    # In this process Django talks to the largest database (profiles of the pages over target).
    os.environ["ANGSUR_PRIVATE_MEDIA_ROOT"] = str(MEDIA)
    oq.setup_django(urls[counts[-1]])
    cases = {count: page_cases(infos[count]["records"], args.only) for count in counts}
    servers: dict[int, subprocess.Popen] = {}
    ports: dict[int, int] = {}
    try:
        for count in counts:
            ports[count] = free_port()
            servers[count] = start_server(urls[count], ports[count], args.workers, OUT / f"pages-gunicorn-{count}.log")
        print(
            f"\nmeasuring {len(cases[counts[-1]])} pages at {', '.join(f'{c:,}' for c in counts)} applications, interleaved: gunicorn "
            f"({args.workers} sync worker(s) per size, production settings behind a TLS proxy), "
            f"{args.warmup} warm-up + {args.repeat} timed rounds …",
            flush=True,
        )
        load_before = os.getloadavg()
        results = measure(ports, cases, args.repeat, args.warmup)
        load_after = os.getloadavg()
    finally:
        for proc in servers.values():
            stop_server(proc)
    runs = []
    for count in counts:
        info = {**infos[count], "load_before": load_before, "load_after": load_after}
        print_table(count, results[count], info)
        runs.append({"count": count, "info": info, "results": results[count]})
    growth_rows = growth(runs) if len(runs) > 1 else []
    final = runs[-1]
    over = {r["key"] for r in final["results"] if not r["within_target"]}
    over |= {g["key"] for g in growth_rows if not g["within"]}
    if args.explain:
        over |= {r["key"] for r in final["results"]}
    if over:
        print(f"\nslowest SQL of the pages over a target, one in-process request each at {final['count']:,} applications:")
        final["info"]["profiles"] = profile(cases[final["count"]], over)
    missed = [r["key"] for r in final["results"] if not r["within_target"]] + [
        g["key"] + " (growth)" for g in growth_rows if not g["within"]
    ]
    base = {r["key"]: r for r in final["results"]}
    print(
        f"\nbaselines at {final['count']:,}: /api/health p50 {base['baseline: /api/health [-]']['p50_ms']:.1f} ms, "
        f"logged-in redirect p50 {base['baseline: logged-in redirect [analyst]']['p50_ms']:.1f} ms; "
        f"load average {load_before[0]:.1f} → {load_after[0]:.1f}"
    )
    print("targets missed: " + ("; ".join(missed) if missed else "none"))
    path = Path(args.json) if args.json else OUT / f"pages-{final['info']['vendor']}.json"
    payload = {
        "benchmark": "pages",
        "targets": {
            "html_p95_ms": HTML_TARGET_MS,
            "pdf_p95_ms": PDF_TARGET_MS,
            "growth_p50_max": growth_rows[0]["limit"] if growth_rows else None,
        },
        "runs": runs,
        "growth": [{k: v for k, v in g.items() if k not in {"small", "large"}} for g in growth_rows],
        "missed": missed,
        "python": platform.python_version(),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
