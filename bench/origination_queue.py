"""Time the analyst's queue, application search and the CMO worklist over a large seeded book.

Issue target: with 200,000 applications seeded, the analyst's queue and a search by NIK or name
answer in under 300 ms at p95, on SQLite and on PostgreSQL, with a bounded number of queries.

Run with::

    uv run python bench/origination_queue.py                      # fresh SQLite file under bench/out/
    uv run python bench/origination_queue.py --database-url postgres://angsur:angsur@127.0.0.1:5432/angsur_bench --flush

What it does:

1. migrates the database named by ``--database-url`` (default: a fresh ``bench/out/origination_queue.sqlite3``);
2. creates the organisation through the real factories (two branches, dealers, CMOs, an analyst, the
   product catalogue and credit configuration) and ONE real application through ``make_application``;
3. copies that template set-based: ``--count`` applications in total, with their applicant ``Party`` and,
   past the survey step, their ``Survey`` row, written with ``bulk_create`` in chunks of 5,000
   (names from Faker ``id_ID`` with a fixed seed, unique NIKs and phones, statuses spread across the
   workflow, submissions spread over 90 days, split across two branches);
4. on PostgreSQL runs ``ANALYZE`` (autovacuum would soon do the same after a bulk load); on SQLite it does not,
   because nothing in Django ever runs it: production SQLite plans without statistics (``--analyze yes|no``
   overrides; ``no`` on SQLite also drops statistics left by an earlier run; ``keep`` leaves them as they are).
   Then, on a fresh connection
   as a newly started server process would have, it times every case ``--repeat`` times after a warm-up,
   each repetition with a different input, through the real selectors and a real analyst / CMO;
5. prints a table (p50 / p95 / max in ms, ratio to a primary-key ``exists()`` baseline, SQL queries per
   call) and writes JSON to ``bench/out/``; ``--explain`` adds the query plans of every case (EXPLAIN
   QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL), which are always printed for a case
   whose p95 is over the target.

``--reuse`` keeps a database seeded by an earlier run (same ``--count``) and only measures.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_SQLITE = OUT / "origination_queue.sqlite3"
TARGET_P95_MS = 300.0
CHUNK = 5_000
BRANCHES = (
    ("JKT", "Jakarta Timur", "WIB", ("317501", "317502", "317503", "317504", "317505", "317506", "317507", "317508")),
    ("MKS", "Makassar", "WITA", ("737101", "737102", "737103", "737104", "737105", "737106", "737107", "737108")),
)
DEALERS_PER_BRANCH = 4
CMOS_PER_BRANCH = 50  # 200,000 applications → 2,000 per CMO over 90 days (a real CMO books a few hundred: a heavy case)
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "823", "852", "853", "857", "858", "877", "878", "895", "896", "897")

# Share of the book in each state: most of a 90-day book is decided; the analyst's queue is a few percent.
STATUS_WEIGHTS = {
    "draft": 3.0,
    "submitted": 4.0,
    "survey_assigned": 5.0,
    "surveyed": 4.0,
    "in_analysis": 3.0,
    "escalated": 1.5,
    "approved": 45.0,
    "approved_conditions": 5.0,
    "rejected": 22.0,
    "appealed": 0.5,
    "cancelled": 7.0,
}
OPEN = {"draft", "submitted", "survey_assigned", "surveyed", "in_analysis", "escalated", "appealed"}
DECIDED = {"approved", "approved_conditions", "rejected", "appealed"}
PAST_SURVEY = {"surveyed", "in_analysis", "escalated", "approved", "approved_conditions", "rejected", "appealed"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help=f"DATABASE_URL (default: a fresh SQLite file {DEFAULT_SQLITE})")
    parser.add_argument("--count", type=int, default=200_000, help="applications to seed (default 200000)")
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per case (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls per case first (default 20)")
    parser.add_argument("--cmos-per-branch", type=int, default=CMOS_PER_BRANCH, help=f"CMOs per branch (default {CMOS_PER_BRANCH})")
    parser.add_argument("--seed", type=int, default=20261126, help="random / Faker seed")
    parser.add_argument("--reuse", action="store_true", help="measure a database seeded by an earlier run; do not seed")
    parser.add_argument("--flush", action="store_true", help="flush a non-default database before seeding (it must be empty otherwise)")
    parser.add_argument(
        "--analyze",
        choices=("auto", "yes", "no", "keep"),
        default="auto",
        help="planner statistics: auto = ANALYZE on PostgreSQL only (default); no on SQLite drops sqlite_stat1; "
        "keep = neither (whatever the database has)",
    )
    parser.add_argument("--explain", action="store_true", help="print the query plan of every case")
    parser.add_argument("--json", default="", help="JSON output path (default: bench/out/origination_queue-<vendor>-<count>.json)")
    return parser.parse_args(argv)


def setup_django(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "angsur.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_DEBUG", "false")  # production-like: no query log outside CaptureQueriesContext
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --------------------------------------------------------------------------------------------- seeding


@contextlib.contextmanager
def explicit_timestamps(model: Any, *names: str) -> Iterator[None]:
    """Let bulk_create keep the created_at / updated_at we give it (auto_now(_add) would stamp every row 'now')."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def make_org(cmos_per_branch: int) -> dict[str, Any]:
    """Branches, dealers, CMOs, an analyst and the catalogue, through the real factories and services."""
    from django.conf import settings

    from angsur.devdata.factories import make_branch, make_company, make_credit_config, make_dealer, make_products, make_user
    from angsur.org.roles import Role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench-only users: skip Argon2's cost
    company = make_company()
    make_products()
    make_credit_config()
    org: dict[str, Any] = {"branches": {}, "dealers": {}, "cmos": {}}
    for code, name, tz, _regions in BRANCHES:
        branch = make_branch(code, company=company, name=name, time_zone=tz)
        org["branches"][code] = branch
        org["dealers"][code] = [
            make_dealer(branch, code=f"{code}-D{i + 1}", name=f"{brand} Motor {name} {i + 1}", brand=brand)
            for i, brand in enumerate(("Honda", "Yamaha", "Suzuki", "Honda")[:DEALERS_PER_BRANCH])
        ]
        org["cmos"][code] = [make_user(Role.CMO, branch, username=f"cmo.{code.lower()}.{i + 1}") for i in range(cmos_per_branch)]
    org["analyst"] = make_user(Role.CREDIT_ANALYST, org["branches"]["JKT"], username="ca.jkt.bench")
    org["supervisor"] = make_user(Role.MARKETING_SUPERVISOR, org["branches"]["JKT"], username="ms.jkt.bench")
    return org


def load_org() -> dict[str, Any]:
    from angsur.dealers.models import Dealer
    from angsur.org.models import Branch, User

    org: dict[str, Any] = {"branches": {}, "dealers": {}, "cmos": {}}
    for code, *_rest in BRANCHES:
        org["branches"][code] = Branch.objects.get(code=code)
        org["dealers"][code] = list(Dealer.objects.filter(code__startswith=f"{code}-D").order_by("code"))
        org["cmos"][code] = list(User.objects.select_related("branch").filter(username__startswith=f"cmo.{code.lower()}.").order_by("pk"))
    # with the branch, as the API's token authentication loads a user
    org["analyst"] = User.objects.select_related("branch").get(username="ca.jkt.bench")
    org["supervisor"] = User.objects.select_related("branch").get(username="ms.jkt.bench")
    return org


class RowMaker:
    """Varied, internally consistent applicant data (NIK matches birth date and sex; phones are valid mobiles)."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.niks: set[str] = set()
        self.phones: set[str] = set()
        self.addresses = [f"{self.fake.street_address()}, {self.fake.city()}" for _ in range(2_000)]
        self.employers = [self.fake.company() for _ in range(500)]

    def nik(self, regions: tuple[str, ...], birth: dt.date, sex: str) -> str:
        day = birth.day + (40 if sex == "F" else 0)
        while True:
            value = f"{self.rng.choice(regions)}{day:02d}{birth.month:02d}{birth.year % 100:02d}{self.rng.randint(1, 9999):04d}"
            if value not in self.niks:
                self.niks.add(value)
                return value

    def phone(self) -> str:
        while True:
            value = f"+62{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(0, 99_999_999):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def person(self, regions: tuple[str, ...]) -> dict[str, Any]:
        rng = self.rng
        sex = rng.choice("MF")
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 43))
        name = self.fake.name_male() if sex == "M" else self.fake.name_female()
        return {
            "full_name": name[:120],
            "nik": self.nik(regions, birth, sex),
            "birth_date": birth,
            "sex": sex,
            "phone": self.phone(),
            "birth_place": self.fake.city(),
            "ktp_address": rng.choice(self.addresses),
            "employer_name": rng.choice(self.employers),
            "marital_status": rng.choice(("single", "married", "married", "married", "divorced")),
            "income_sen": rng.randrange(3_000_000, 25_000_000, 250_000) * 100,
        }


def timeline(rng: random.Random, status: str, now: dt.datetime) -> dict[str, Any]:
    """Timestamps and authority level consistent with the state (open work is mostly recent); nothing lies in the future."""
    days = rng.uniform(0, 10) if status in OPEN and rng.random() < 0.8 else rng.uniform(0, 90)
    submitted = now - dt.timedelta(days=days)
    hours = dt.timedelta(hours=1)
    t: dict[str, Any] = {
        "created_at": submitted - rng.uniform(0.1, 3) * hours,
        "submitted_at": submitted,
        "survey_assigned_at": None,
        "surveyed_at": None,
        "analysis_started_at": None,
        "decided_at": None,
        "decision_level": 1,
        "appeal_count": 0,
    }
    if status == "draft":
        t["submitted_at"] = None
        return t
    reached = status if status != "cancelled" else rng.choice(("submitted", "survey_assigned", "surveyed", "approved"))
    last = "submitted_at"
    if reached != "submitted":
        t["survey_assigned_at"], last = submitted + rng.uniform(1, 8) * hours, "survey_assigned_at"
    if reached in PAST_SURVEY:
        t["surveyed_at"], last = t["survey_assigned_at"] + rng.uniform(4, 36) * hours, "surveyed_at"
    if reached in PAST_SURVEY - {"surveyed"}:
        t["analysis_started_at"], last = t["surveyed_at"] + rng.uniform(0.5, 12) * hours, "analysis_started_at"
    if reached in DECIDED:
        t["decided_at"], last = t["analysis_started_at"] + rng.uniform(0.5, 24) * hours, "decided_at"
    if t[last] > now:  # shift the whole history back rather than clamping (clamping would make many equal timestamps)
        shift = t[last] - now + rng.uniform(0.05, 6) * hours
        t.update({k: v - shift for k, v in t.items() if isinstance(v, dt.datetime)})
    if status == "escalated":
        t["decision_level"] = rng.choice((2, 2, 3))
    if status == "appealed":
        t["decision_level"], t["appeal_count"] = 2, 1
    t["reached"] = reached
    return t


def seed(org: dict[str, Any], count: int, seed_value: int) -> dict[str, Any]:
    """One real application through the services, then count - 1 copies set-based."""
    from django.db import transaction
    from django.utils import timezone

    from angsur.devdata.factories import make_application, party_data
    from angsur.origination.models import Application, Party, PartyRole, Survey, SurveyStatus

    started = time.perf_counter()
    jkt_cmo, jkt_dealer = org["cmos"]["JKT"][0], org["dealers"]["JKT"][0]
    template = make_application(
        actor=jkt_cmo, dealer=jkt_dealer, as_of=timezone.localdate(), applicant=party_data(name="Budi Santoso", phone="0812-3456-7890")
    )
    template_party = template.parties.get(role=PartyRole.APPLICANT)
    skip = {
        "id",
        "number",
        "branch_id",
        "dealer_id",
        "cmo_id",
        "created_by_id",
        "status",
        "applicant_name",
        "applicant_name_key",
        "applicant_nik",
        "applicant_phone",
        "frame_number",
        "engine_number",
        "vehicle_brand",
    }
    # the lower-cased search key the service writes next to the name (when the model has one)
    name_key = getattr(Application, "name_key", None) if any(f.name == "applicant_name_key" for f in Application._meta.fields) else None
    base = {f.attname: getattr(template, f.attname) for f in Application._meta.concrete_fields if f.attname not in skip}
    party_base = {
        f.attname: getattr(template_party, f.attname) for f in Party._meta.concrete_fields if f.attname not in {"id", "application_id"}
    }

    maker = RowMaker(seed_value)
    rng = maker.rng
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    now = timezone.now()
    next_number = template.pk + 1
    made = Counter({"applications": 1, "parties": 1, "surveys": 0})
    remaining = count - 1
    with explicit_timestamps(Application, "created_at", "updated_at"):
        while remaining > 0:
            size = min(CHUNK, remaining)
            apps, people, plans = [], [], []
            for _ in range(size):
                code, _name, _tz, regions = BRANCHES[rng.randrange(len(BRANCHES))]
                dealer, cmo = rng.choice(org["dealers"][code]), rng.choice(org["cmos"][code])
                status = rng.choices(statuses, weights)[0]
                t = timeline(rng, status, now)
                reached = t.pop("reached", status)
                person = maker.person(regions)
                apps.append(
                    Application(
                        **{
                            **base,
                            **t,
                            "number": f"APP-{code}-{next_number:07d}",
                            "branch_id": dealer.branch_id,
                            "dealer_id": dealer.pk,
                            "cmo_id": cmo.pk,
                            "created_by_id": cmo.pk,
                            "status": status,
                            "vehicle_brand": dealer.brand,
                            "applicant_name": person["full_name"],
                            "applicant_nik": person["nik"],
                            "applicant_phone": person["phone"],
                            "frame_number": f"MH1JM{next_number:012d}",
                            "engine_number": f"JM{next_number:010d}",
                            "updated_at": t["decided_at"] or t["submitted_at"] or t["created_at"],
                            **({"applicant_name_key": name_key(person["full_name"])} if name_key else {}),
                        }
                    )
                )
                people.append(person)
                # 1 in 10 surveys is done by another CMO of the branch (the CMO scope's "surveys given to me")
                surveyor = cmo if rng.random() < 0.9 else rng.choice(org["cmos"][code])
                plans.append((reached, surveyor, t))
                next_number += 1
            with transaction.atomic():
                Application.objects.bulk_create(apps, batch_size=1_000)
                Party.objects.bulk_create(
                    [
                        Party(
                            **{
                                **party_base,
                                "application_id": app.pk,
                                "role": PartyRole.APPLICANT,
                                "full_name": p["full_name"],
                                "nik": p["nik"],
                                "birth_date": p["birth_date"],
                                "sex": p["sex"],
                                "phone": p["phone"],
                                "birth_place": p["birth_place"],
                                "ktp_address": p["ktp_address"],
                                "employer_name": p["employer_name"],
                                "marital_status": p["marital_status"],
                                "monthly_income_sen": p["income_sen"],
                            }
                        )
                        for app, p in zip(apps, people, strict=True)
                    ],
                    batch_size=1_000,
                )
                surveys = []
                for app, (reached, surveyor, t) in zip(apps, plans, strict=True):
                    if t["survey_assigned_at"] is None:
                        continue
                    done = reached in PAST_SURVEY
                    scheduled = (
                        t["surveyed_at"] - dt.timedelta(hours=rng.uniform(0.2, 3))
                        if done
                        else t["survey_assigned_at"] + dt.timedelta(hours=rng.uniform(2, 30))
                    )
                    surveys.append(
                        Survey(
                            application_id=app.pk,
                            surveyor_id=surveyor.pk,
                            assigned_by_id=app.cmo_id,
                            scheduled_for=scheduled,
                            status=SurveyStatus.COMPLETED if done else rng.choice((SurveyStatus.SCHEDULED, SurveyStatus.DRAFT)),
                            completed_at=t["surveyed_at"] if done else None,
                            verified_income_sen=app.declared_income_sen if done else 0,
                            recommendation="recommend" if done else "",
                        )
                    )
                Survey.objects.bulk_create(surveys, batch_size=1_000)
            made.update(applications=size, parties=size, surveys=len(surveys))
            remaining -= size
            if made["applications"] % 25_000 < CHUNK or remaining == 0:
                print(f"  seeded {made['applications']:>9,} / {count:,} applications ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"  seeded in {time.perf_counter() - started:.1f} s: {dict(made)}")
    return dict(made)


def planner_statistics(mode: str) -> bool:
    """ANALYZE (or, on SQLite with mode "no", drop the statistics); return whether the planner has statistics."""
    from django.db import connection

    if mode == "keep":
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                return bool(cursor.fetchone()[0])
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'origination_application'")
            return bool(cursor.fetchone()[0])
    wanted = connection.vendor == "postgresql" if mode == "auto" else mode == "yes"
    with connection.cursor() as cursor:
        if wanted:
            t0 = time.perf_counter()
            cursor.execute("ANALYZE")
            print(f"  ANALYZE in {time.perf_counter() - t0:.1f} s")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("DROP TABLE sqlite_stat1")
                print("  dropped sqlite_stat1 (planner without statistics)")
    return wanted


# --------------------------------------------------------------------------------------------- measuring


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.4999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def phone_query(e164: str) -> str:
    """+6281234567890 → 0812-3456-7890, as typed by staff."""
    national = "0" + e164[3:]
    return f"{national[:4]}-{national[4:8]}-{national[8:]}"


def search_inputs(rng: random.Random, branch_id: int, n: int) -> dict[str, list[str]]:
    """Existing NIKs, phones and name prefixes of the analyst's branch, one per repetition."""
    from angsur.origination.models import Application
    from angsur.scoring import normalize_phone

    bounds = Application.objects.filter(branch_id=branch_id).order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    rows: list[tuple[str, str, str]] = []
    while len(rows) < n:
        pks = [rng.randint(low, high) for _ in range(n * 3)]
        rows += list(
            Application.objects.filter(pk__in=pks, branch_id=branch_id).values_list("applicant_nik", "applicant_phone", "applicant_name")
        )
    rows = rows[:n]
    phones = [phone_query(phone) for _nik, phone, _name in rows]
    assert all(normalize_phone(q) == p for q, (_n, p, _m) in zip(phones, rows, strict=True)), "phone queries must normalise as stored"
    prefixes = []
    for _nik, _phone, name in rows:
        word = next((w for w in name.replace(",", " ").split() if len(w) >= 3 and "." not in w), name[:4])
        prefixes.append(word[:6].lower() if rng.random() < 0.5 else word)  # half typed in lower case
    return {"nik": [r[0] for r in rows], "phone": phones, "name": prefixes}


def capture(fn: Callable[[], Any]) -> tuple[Any, list[tuple[str, Any]]]:
    """Run fn and return its result and the (sql, params) it executed, as sent to the driver."""
    from django.db import connection

    executed: list[tuple[str, Any]] = []

    def record(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = fn()
    return result, executed


def explain(sql: str, params: Any) -> str:
    """The plan of the statement with its parameters bound, as executed: SQLite may plan `LIKE ?` differently from a literal."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)
    return "\n".join(r[0] for r in rows)


def touch(rows: list[Any]) -> int:
    """Read what a list page shows, so a deferred field or an unselected relation would show up as extra queries."""
    for app in rows:
        _ = (
            app.number,
            app.get_status_display(),
            app.applicant_name,
            app.applicant_nik,
            app.applicant_phone,
            app.submitted_at,
            app.installment,
            app.tenor_months,
            app.dealer.name,
        )
    return len(rows)


def build_cases(org: dict[str, Any], inputs: dict[str, list[str]], pks: list[int]) -> list[tuple[str, Callable[[int], int]]]:
    from django.utils import timezone

    from angsur.org.worklists import collect
    from angsur.origination.models import Application
    from angsur.origination.selectors import analyst_queue, application_search

    analyst, supervisor, cmos = org["analyst"], org["supervisor"], org["cmos"]["JKT"]
    today = timezone.localdate()

    def read(lists: list) -> int:
        rows = 0
        for spec, items in lists:
            if spec.kind == "surveys":
                for survey in items:
                    _ = (survey.application.number, survey.application.applicant_name, survey.scheduled_for)
                rows += len(items)
            else:
                rows += touch(items)
        return rows

    # The registry's lists (org/worklists.py), as the home page and GET /api/worklist read them.
    def worklist(i: int) -> int:
        return read(collect(cmos[i % len(cmos)], today))

    def supervision(_i: int) -> int:
        return read(collect(supervisor, today))

    return [
        ("baseline: pk exists()", lambda i: int(Application.objects.filter(pk=pks[i]).exists())),
        ("analyst_queue[:100]", lambda _i: touch(list(analyst_queue(viewer=analyst, limit=100)))),
        ("search NIK (exact)", lambda i: touch(list(application_search(viewer=analyst, query=inputs["nik"][i])))),
        ("search phone", lambda i: touch(list(application_search(viewer=analyst, query=inputs["phone"][i])))),
        ("search name prefix", lambda i: touch(list(application_search(viewer=analyst, query=inputs["name"][i])))),
        ("CMO worklists", worklist),
        ("supervisor worklists", supervision),
    ]


def measure(cases: list[tuple[str, Callable[[int], int]]], repeat: int, warmup: int, show_plans: bool) -> list[dict[str, Any]]:
    from django.db import connection

    results = []
    for name, fn in cases:
        for i in range(warmup):
            fn(i % repeat)
        query_counts, plans = [], []
        for i in (0, repeat // 2, repeat - 1):  # three different inputs: the count must not depend on the input
            _rows, sqls = capture(lambda i=i, fn=fn: fn(i))
            query_counts.append(len(sqls))
        plans = [{"sql": sql, "params": [str(p) for p in params or ()], "plan": explain(sql, params)} for sql, params in sqls]
        timings, row_counts = [], []
        for i in range(repeat):
            t0 = time.perf_counter_ns()
            rows = fn(i)
            timings.append((time.perf_counter_ns() - t0) / 1e6)
            row_counts.append(rows)
        ordered = sorted(timings)
        results.append(
            {
                "case": name,
                "n": repeat,
                "p50_ms": statistics.median(ordered),
                "p95_ms": percentile(ordered, 95),
                "max_ms": ordered[-1],
                "mean_ms": statistics.fmean(ordered),
                "queries_per_call": max(query_counts),
                "queries_seen": query_counts,
                "rows_per_call": statistics.median(row_counts),
                "plans": plans,
            }
        )
        print(f"  {name:<24} p95 {results[-1]['p95_ms']:8.2f} ms  ({max(query_counts)} queries)", flush=True)
        if show_plans or results[-1]["p95_ms"] > TARGET_P95_MS:
            for p in plans:
                plan = p["plan"].replace("\n", "\n      ")
                print(f"\n    SQL: {p['sql'][:600]}\n    PARAMS: {p['params']}\n    PLAN ({connection.vendor}):\n      {plan}")
            print()
    base = results[0]
    for r in results:
        r["p50_ratio"] = r["p50_ms"] / base["p50_ms"]
        r["p95_ratio"] = r["p95_ms"] / base["p95_ms"]
        r["within_target"] = r["p95_ms"] <= TARGET_P95_MS
    return results


def describe_db() -> dict[str, Any]:
    from django.db import connection

    from angsur.origination.models import Application, Party, Survey

    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "applications": Application.objects.count(),
        "parties": Party.objects.count(),
        "surveys": Survey.objects.count(),
        "by_status": dict(_status_counts()),
    }


def _status_counts() -> list[tuple[str, int]]:
    from django.db.models import Count

    from angsur.origination.models import Application

    return sorted(Application.objects.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def print_table(results: list[dict[str, Any]], info: dict[str, Any]) -> None:
    print(
        f"\n{info['vendor']} {info['version']}: {info['applications']:,} applications, {info['surveys']:,} surveys; "
        f"analyst queue (branch JKT, level 1) = {info['queue_size']:,} rows; a JKT CMO owns ~{info['cmo_book']:,}; "
        f"target p95 ≤ {TARGET_P95_MS:.0f} ms"
    )
    before, after = info["load_average_before"], info["load_average_after"]
    print(
        f"planner statistics: {'ANALYZE' if info['planner_statistics'] else 'none'}; "
        f"machine load average (1 min) {before[0]:.1f} before, {after[0]:.1f} after, on {os.cpu_count()} CPUs"
    )
    head = f"{'case':<24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 ×base':>10} {'p95 ×base':>10} {'queries':>8} {'rows':>6}  target"
    print(head)
    print("-" * len(head))
    for r in results:
        ok = "ok" if r["within_target"] else "OVER"
        print(
            f"{r['case']:<24} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {r['max_ms']:8.2f} {r['p50_ratio']:10.1f} {r['p95_ratio']:10.1f}"
            f" {r['queries_per_call']:8d} {r['rows_per_call']:6.0f}  {ok}"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{DEFAULT_SQLITE}"
    if not args.database_url and not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_SQLITE}{suffix}").unlink(missing_ok=True)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connections
    from django.db.models import Q

    from angsur.origination.models import Application
    from angsur.origination.workflow import Status

    call_command("migrate", interactive=False, verbosity=0)
    existing = Application.objects.count()
    if args.reuse:
        if existing < args.count:
            sys.exit(f"--reuse: the database holds {existing:,} applications, fewer than --count {args.count:,}")
        org, seeded = load_org(), {"applications": existing, "reused": True}
    else:
        if existing and args.flush:
            call_command("flush", interactive=False, verbosity=0)
        elif existing:
            sys.exit(f"the database already holds {existing:,} applications: pass --flush to empty it or --reuse to measure it")
        print(f"seeding {args.count:,} applications into {url.split('@')[-1]} …")
        org = make_org(args.cmos_per_branch)
        seeded = seed(org, args.count, args.seed)
    analyzed = planner_statistics(args.analyze)
    connections.close_all()  # measure on a fresh connection, as a newly started server process would

    rng = random.Random(args.seed + 1)
    analyst = org["analyst"]
    inputs = search_inputs(rng, analyst.branch_id, args.repeat)
    low = Application.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Application.objects.order_by("-pk").values_list("pk", flat=True).first()
    pks = [rng.randint(low, high) for _ in range(args.repeat)]
    info = describe_db()
    info["planner_statistics"] = analyzed
    waiting = Q(status__in=[Status.SURVEYED, Status.IN_ANALYSIS]) | Q(status__in=[Status.ESCALATED, Status.APPEALED], decision_level__lte=1)
    info["queue_size"] = Application.objects.filter(waiting, branch_id=analyst.branch_id).count()
    info["cmo_book"] = Application.objects.filter(cmo=org["cmos"]["JKT"][0]).count()
    print(f"\nmeasuring {args.repeat} calls per case after {args.warmup} warm-up calls …")
    info["load_average_before"] = os.getloadavg()
    results = measure(build_cases(org, inputs, pks), args.repeat, args.warmup, args.explain)
    info["load_average_after"] = os.getloadavg()
    print_table(results, info)

    path = Path(args.json) if args.json else OUT / f"origination_queue-{info['vendor']}-{args.count}.json"
    payload = {
        "benchmark": "origination_queue",
        "target_p95_ms": TARGET_P95_MS,
        "count": args.count,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "analyzed": analyzed,
        "seeded": seeded,
        "database": info,
        "python": platform.python_version(),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "results": results,
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0 if all(r["within_target"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
