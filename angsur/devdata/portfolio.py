"""A synthetic portfolio: orders, decisions, contracts, schedules, payments and allocations at scale.

`generate_portfolio(contracts=N, seed=S, as_of=date)` books N contracts over the past `months` booking
months across branches (WIB, WITA, WIT), dealers and CMOs, with the rejected and cancelled orders around
them, and each contract's payment history up to `as_of`. Everything is deterministic for a seed.

How it stays true to the servicing invariant (servicing/models.py): every contract's schedule is the
finance core's schedule of the quote priced on the rate card (as booking does), and its installments'
paid amounts, late fees, paid dates, allocation rows and the contract's outstanding/paid/unapplied are
what `angsur.finance.servicing.replay` derives from its payment rows.

How it is fast: rows are written in bulk (PostgreSQL COPY, SQLite executemany) with ids assigned here,
batch by batch (memory stays bounded). Replaying a million contracts one by one would be too slow, so
replays are cached by *shape*: contracts with the same quote (product, rate card, OTR, DP, tenor) and
the same behaviour pattern (which installment each payment pays and how many days from its due date)
share one replay. A payment pays its installment and the late fee accrued on it, a few days either
side of the due date (never as late as the next one), so the replay's result depends on those day
offsets only, not on the calendar: a shape replayed once serves every signing date. The shape is
checked when it is built (every overdue installment is only ever accrued against its own payment);
a shape that fails the check is replayed per contract. Early settlements depend on the calendar (the
running period's interest is pro rata by days) and are replayed per contract.

Behaviour: each dealer and CMO has a hidden quality (a risk multiplier); each contract draws a
behaviour from the product of the two: on time (most), late by a few days, chronically late, first
payment default (never pays after signing), rolls to default after k payments, early settlement.
Timestamps fall on working days (Monday-Saturday, not national holidays) between 08.00 and 17.00 in
the branch's own time zone.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import random
import time
import zoneinfo
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED, Max
from django.utils.translation import gettext as _

from angsur.dealers.models import Dealer
from angsur.devdata.factories import make_branch, make_company, make_credit_config, make_dealer, make_products, make_user
from angsur.finance.money import from_minor, to_minor
from angsur.finance.schedule import add_months, due_dates
from angsur.finance.servicing import (
    UNAPPLIED,
    Ledger,
    ScheduledInstallment,
    Settlement,
    contract_virtual_account,
    late_fee_for,
    replay,
    settlement_figure,
)
from angsur.finance.servicing import (
    Payment as LedgerPayment,
)
from angsur.org.models import Branch, BranchTimeZone, User
from angsur.org.roles import Role
from angsur.origination.models import Application, Decision, DecisionOutcome, DecisionReason, Party
from angsur.origination.reasons import ReasonCode
from angsur.origination.workflow import Status
from angsur.products.models import Product, VehicleKind
from angsur.products.services import pricing_terms, quote_price
from angsur.servicing.ledger import policies_of
from angsur.servicing.models import (
    Allocation,
    BpkbStatus,
    BranchServicingConfig,
    Channel,
    Collateral,
    Contract,
    Installment,
    NumberSequence,
    Payment,
    PaymentKind,
    ProductServicingTerms,
    SettlementQuote,
)
from angsur.servicing.services import DEFAULT_LATE_FEE_PCT, FIDUCIARY_DAYS
from angsur.servicing.workflow import ContractStatus

# --- the behaviour model -------------------------------------------------------------------------------

ON_TIME = "on_time"  # pays every installment within a few days of its due date
LATE = "late"  # pays every installment a few days late (late fees)
CHRONIC_LATE = "chronic_late"  # pays every installment two to three weeks late
FIRST_PAYMENT_DEFAULT = "first_payment_default"  # never pays after signing
ROLL_TO_DEFAULT = "roll_to_default"  # pays k installments, then stops
EARLY_SETTLEMENT = "early_settlement"  # pays some installments, then settles early
BEHAVIOURS = (ON_TIME, LATE, CHRONIC_LATE, FIRST_PAYMENT_DEFAULT, ROLL_TO_DEFAULT, EARLY_SETTLEMENT)

# The shares at an average dealer and CMO (risk multiplier 1). The bad behaviours scale with the
# dealer's and the CMO's multipliers; on time takes what is left.
BASE_SHARES = {
    LATE: 0.11,
    CHRONIC_LATE: 0.05,
    FIRST_PAYMENT_DEFAULT: 0.025,
    ROLL_TO_DEFAULT: 0.04,
    EARLY_SETTLEMENT: 0.025,
}
RISK_SCALED = (LATE, CHRONIC_LATE, FIRST_PAYMENT_DEFAULT, ROLL_TO_DEFAULT)

# Day offsets from the due date, per behaviour: a few variants each, so that shapes repeat (the cache
# hits) while customers still differ. Offsets stay within [-5, 22]: a payment never reaches the next
# installment's due date (28 days away at least), which keeps a shape's replay calendar-free.
# An on-time payment (offset <= the grace days) accrues nothing, so every on-time customer of a quote
# shares one replay; rolls to default and first payment defaults are its first k (or no) payments.
OFFSET_RANGES = {ON_TIME: (-5, 0), LATE: (1, 9), CHRONIC_LATE: (12, 22)}
VARIANTS = 3
MAX_TENOR = 120

# Orders that do not become contracts: the share rejected grows with the dealer's risk.
BASE_REJECT = 0.22
BASE_CANCEL = 0.07
REJECT_REASONS = [
    (ReasonCode.DSR_TOO_HIGH, 34),
    (ReasonCode.BUREAU_COLLECTIBILITY, 24),
    (ReasonCode.RESIDENCE_UNVERIFIED, 10),
    (ReasonCode.EMPLOYMENT_UNVERIFIED, 10),
    (ReasonCode.CHARACTER, 8),
    (ReasonCode.DATA_INCONSISTENT, 6),
    (ReasonCode.DP_BELOW_MINIMUM, 4),
    (ReasonCode.DOCUMENTS_INCOMPLETE, 4),
]

# Vehicles and their on-the-road prices (Rp, Jabodetabek price lists of 2025-2026), by brand.
MOTORCYCLES = {
    "Honda": [
        ("BeAT CBS", 18_950_000),
        ("Scoopy", 22_900_000),
        ("Vario 125", 23_400_000),
        ("Vario 160", 28_600_000),
        ("PCX 160", 33_900_000),
        ("CB150R", 31_400_000),
    ],
    "Yamaha": [("Mio M3", 18_600_000), ("Fazzio", 22_500_000), ("Aerox 155", 28_400_000), ("NMAX 155", 31_900_000), ("Vixion", 29_800_000)],
    "Suzuki": [("Nex II", 18_500_000), ("Address", 20_700_000), ("Satria F150", 28_200_000)],
    "Kawasaki": [("W175", 33_500_000), ("KLX 150", 34_900_000)],
}
CARS = {
    "Toyota": [
        ("Agya 1.2 G", 170_000_000),
        ("Calya 1.2 G", 165_000_000),
        ("Avanza 1.3 E", 245_000_000),
        ("Rush 1.5 G", 285_000_000),
        ("Veloz 1.5 Q", 315_000_000),
    ],
    "Daihatsu": [("Ayla 1.0 X", 150_000_000), ("Sigra 1.2 X", 145_000_000), ("Xenia 1.3 R", 230_000_000), ("Terios X", 250_000_000)],
    "Mitsubishi": [("Xpander GLS", 280_000_000), ("Xpander Cross", 320_000_000), ("L300 Pick Up", 235_000_000)],
    "Suzuki": [("Ertiga GL", 245_000_000), ("Carry Pick Up", 160_000_000), ("XL7 Beta", 275_000_000)],
    "Honda": [("Brio Satya", 175_000_000), ("HR-V 1.5", 380_000_000)],
}
COLOURS = ["Hitam", "Putih", "Merah", "Abu-abu", "Biru", "Silver"]
TENOR_WEIGHTS = {12: 2, 18: 1, 24: 4, 36: 4, 48: 2, 60: 1}
TENORS_MOTORCYCLE = (12, 18, 24, 36)
TENORS_CAR = (24, 36, 48, 60)
USED_SHARE = 0.15

# Branches made when the database has none (the first three are the demo's: one per time zone).
BRANCHES = [
    ("JKT", "Jakarta Timur", BranchTimeZone.WIB),
    ("MKS", "Makassar", BranchTimeZone.WITA),
    ("JYP", "Jayapura", BranchTimeZone.WIT),
    ("BDG", "Bandung", BranchTimeZone.WIB),
    ("SBY", "Surabaya", BranchTimeZone.WIB),
    ("DPS", "Denpasar", BranchTimeZone.WITA),
    ("MDN", "Medan", BranchTimeZone.WIB),
    ("BPN", "Balikpapan", BranchTimeZone.WITA),
    ("SMG", "Semarang", BranchTimeZone.WIB),
    ("AMB", "Ambon", BranchTimeZone.WIT),
    ("PLB", "Palembang", BranchTimeZone.WIB),
    ("MDO", "Manado", BranchTimeZone.WITA),
]
REGION = {"JKT": "317509", "MKS": "737101", "JYP": "917101", "BDG": "327301", "SBY": "357801", "DPS": "517101"}
BANKS = ["BCA", "Bank Mandiri", "BRI", "BNI"]
# How customers pay: a virtual-account transfer, cash at the branch's counter, a bank transfer.
VA, COUNTER, TRANSFER = Channel.VIRTUAL_ACCOUNT.value, Channel.COUNTER.value, Channel.TRANSFER.value
CHANNEL_VA, CHANNEL_COUNTER, CHANNEL_TRANSFER = 55, 30, 15
CHANNEL_TOTAL = CHANNEL_VA + CHANNEL_COUNTER + CHANNEL_TRANSFER
SETTLEMENT_KIND = PaymentKind.SETTLEMENT.value

WORK_START_MIN, WORK_END_MIN = 8 * 60, 17 * 60  # 08.00-17.00 local time

BATCH = 5000  # contracts per transaction (per flush in a bulk load)
BULK_LOAD_FROM = 5_000  # contracts: from here PostgreSQL loads in one transaction with foreign keys re-added at the end


class PortfolioError(ValueError):
    """Bad input to the generator (shown to the user as is)."""


@dataclass
class PortfolioSummary:
    """What a run wrote, how the behaviours fell, and how long it took."""

    contracts: int = 0
    applications: int = 0
    rejected: int = 0
    cancelled: int = 0
    installments: int = 0
    payments: int = 0
    allocations: int = 0
    behaviours: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    replays: int = 0
    replay_cache_hits: int = 0
    seconds: float = 0.0
    branches: int = 0
    dealers: int = 0
    cmos: int = 0


# --- calendar -----------------------------------------------------------------------------------------


def _holidays(years: Iterable[int]) -> set[dt.date]:
    try:
        import holidays
    except ImportError:  # pragma: no cover - the package is a dependency
        return set()
    return set(holidays.country_holidays("ID", years=sorted(set(years))).keys())


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Monday-Saturday between start and end (inclusive), national holidays left out."""
    off = _holidays(range(start.year, end.year + 1))
    days, day = [], start
    while day <= end:
        if day.weekday() < 6 and day not in off:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class _Clock:
    """Timestamps for a branch: a working day and minutes after midnight, local, written as UTC text."""

    def __init__(self, zone: str, suffix: str):
        self.zone = zoneinfo.ZoneInfo(zone)
        self.suffix = suffix
        self._offsets: dict[dt.date, dt.timedelta] = {}

    def at(self, day: dt.date, minute: int, second: int = 0) -> str:
        known = self._offsets.get(day)
        if known is None:
            offset = dt.datetime.combine(day, dt.time(12), self.zone).utcoffset()
            known = self._offsets[day] = (offset, int(offset.total_seconds()) // 60, day.isoformat())
        offset, offset_minutes, iso = known
        utc_minute = minute - offset_minutes
        if utc_minute >= 0:  # the same calendar day in UTC (08.00 WIB is 01.00 UTC)
            return f"{iso} {utc_minute // 60:02d}:{utc_minute % 60:02d}:{second:02d}{self.suffix}"
        moment = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, second) - offset
        return f"{moment:%Y-%m-%d %H:%M:%S}{self.suffix}"


# --- writing rows ---------------------------------------------------------------------------------------


class _Table:
    """The columns a model's rows are written with: ours first, then constant defaults for the rest."""

    def __init__(self, model, columns: Sequence[str]):
        self.model = model
        self.name = model._meta.db_table
        self.columns = list(columns)
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in self.columns if c not in fields]
        if unknown:
            raise RuntimeError(f"{self.name}: no such columns {unknown}")
        extra = []
        for column, f in fields.items():
            if column in self.columns:
                continue
            if f.default is not NOT_PROVIDED:
                value = f.get_default()
                if isinstance(value, (dict, list)):
                    value = json.dumps(value)
                elif isinstance(value, bool):
                    pass
                elif value is not None and not isinstance(value, (int, str)):
                    value = str(value)
            elif f.null:
                value = None
            elif getattr(f, "blank", False) and f.get_internal_type() in {"CharField", "TextField"}:
                value = ""
            else:
                raise RuntimeError(f"{self.name}.{column} needs a value the generator does not give")
            extra.append((column, value))
        self.columns += [c for c, _v in extra]
        self.extra = tuple(v for _c, v in extra)


class _Writer:
    """Buffered bulk inserts: COPY on PostgreSQL, executemany on SQLite (ids come from us)."""

    def __init__(self):
        self.vendor = connection.vendor
        self.rows: dict[str, list[tuple]] = {}
        self.tables: dict[str, _Table] = {}
        self.order: list[str] = []

    def table(self, model, columns: Sequence[str]) -> _Table:
        table = _Table(model, columns)
        self.tables[table.name] = table
        self.rows[table.name] = []
        self.order.append(table.name)
        return table

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for name in self.order:
                rows = self.rows[name]
                if not rows:
                    continue
                table = self.tables[name]
                extra = table.extra
                columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
                if self.vendor == "postgresql":
                    raw = cursor.cursor
                    with raw.copy(f"COPY {connection.ops.quote_name(name)} ({columns}) FROM STDIN") as copy:
                        # COPY's text format built here: about five times faster than write_row's adapters.
                        tail = "\t" + "\t".join(_copy_text(v) for v in extra) if extra else ""
                        for start in range(0, len(rows), 20000):
                            part = rows[start : start + 20000]
                            if name in FAST_TABLES:
                                # Numbers, dates and codes only, NULL already as \N: str() of each value is its text.
                                text = "".join(["\t".join(map(str, row)) + tail + "\n" for row in part])
                            else:
                                text = "".join(["\t".join([_copy_text(v) for v in row]) + tail + "\n" for row in part])
                            copy.write(text)
                else:
                    marks = ", ".join(["%s"] * len(table.columns))
                    sql = f"INSERT INTO {connection.ops.quote_name(name)} ({columns}) VALUES ({marks})"  # noqa: S608 - table and column names come from the models
                    cursor.executemany(sql, [row + extra for row in rows] if extra else rows)
                rows.clear()


FAST_TABLES = {Installment._meta.db_table, Payment._meta.db_table, Allocation._meta.db_table}
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format (NULL as \\N; tabs, newlines and backslashes escaped)."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        return value.translate(_COPY_ESCAPES) if ("\\" in value or "\t" in value or "\n" in value or "\r" in value) else value
    return str(value)


def _next_ids(*models) -> dict:
    return {m: (m.objects.aggregate(top=Max("id"))["top"] or 0) + 1 for m in models}


def _drop_foreign_keys(models) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of the tables we load (PostgreSQL); return them to be re-added."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        dropped = cursor.fetchall()
        for name, table, _definition in dropped:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return dropped


def _restore_foreign_keys(dropped: list[tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for name, table, definition in dropped:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- the shapes: a quote and a behaviour pattern, replayed once ---------------------------------------


@dataclass(frozen=True)
class _Quote:
    """What booking would store for a priced quote, independent of the signing date."""

    key: tuple
    product_id: int
    rate_card_id: int
    vehicle_kind: str
    brand: str
    model: str
    age: int
    otr_sen: int
    dp_sen: int
    tenor: int
    timing: str
    installment_sen: int
    financed_sen: int
    total_interest_sen: int
    total_payable_sen: int
    tdp_sen: int
    effective_rate: str
    min_dp_pct: str
    lines: tuple  # (principal_sen, interest_sen) per installment
    schedule_amounts: tuple  # (amount_sen) per installment
    quote_json: str
    late_fee: tuple  # (pct per day, cap pct or None, grace days)
    allocation_order: str
    settlement_fee: tuple  # (basis, value)
    settlement_quote_days: int


@dataclass
class _Shape:
    """One replay, kept without calendar dates: payments and paid dates are payment indexes."""

    amounts: list[int]  # per payment (sen)
    kinds: list[str]
    installments: list[tuple]  # per installment: (pp, ip, ir, lf, lfp, lfw, paid_on payment index or -1)
    first_touch: list[int]  # per installment: the first payment allocating to it (or len(payments))
    last_touch: list[int]
    allocations: list[tuple]  # (payment index, installment no or 0, component, amount_sen), in ledger order
    alloc_end: list[int]  # allocations[: alloc_end[m]] are those of the first m payments
    cum_pi: list[int]  # principal + interest paid by the first m payments
    cum_paid: list[int]  # all allocations of the first m payments
    cum_unapplied: list[int]
    cum_fee_unpaid: list[int]  # late fees owed and not paid/waived after m payments (installments touched)
    settled: bool
    prefix_ok: bytearray  # 1 when the first m payments' position is the prefix of this replay


def _late_policy(quote: _Quote):
    stub = Contract(
        late_fee_pct_per_day=quote.late_fee[0],
        late_fee_cap_pct=quote.late_fee[1],
        late_fee_grace_days=quote.late_fee[2],
        settlement_fee_basis=quote.settlement_fee[0],
        settlement_fee_value=quote.settlement_fee[1],
        allocation_order=quote.allocation_order,
    )
    return policies_of(stub)  # the very terms booking copies and the ledger reads


def _schedule(quote: _Quote, dues: Sequence[dt.date]) -> tuple[ScheduledInstallment, ...]:
    return tuple(
        ScheduledInstallment(no, due, from_minor(p), from_minor(i))
        for no, (due, (p, i)) in enumerate(zip(dues, quote.lines, strict=True), start=1)
    )


def _shape_from_ledger(ledger: Ledger, amounts: list[int], kinds: list[str], dates: list[dt.date], tenor: int, grace: int, dues) -> _Shape:
    n = len(amounts)
    date_index: dict[dt.date, int] = {}
    for index, day in enumerate(dates):
        date_index.setdefault(day, index)
    first = [n] * tenor
    last = [-1] * tenor
    allocations = []
    alloc_end = [0] * (n + 1)
    for line in ledger.allocations:
        index = int(line.payment_ref)
        no = line.installment_no or 0
        amount = to_minor(line.amount)
        allocations.append((index, no, line.component, amount))
        alloc_end[index + 1] = len(allocations)
        if no:
            first[no - 1] = min(first[no - 1], index)
            last[no - 1] = max(last[no - 1], index)
    for m in range(1, n + 1):
        alloc_end[m] = max(alloc_end[m], alloc_end[m - 1])
    installments = []
    for position in ledger.installments:
        paid_on = date_index[position.paid_on] if position.paid_on is not None else -1
        if position.interest_rebated and ledger.settled_on is not None:
            # Rebated at the settlement: touched by it.
            settle = n - 1
            first[position.no - 1] = min(first[position.no - 1], settle)
            last[position.no - 1] = max(last[position.no - 1], settle)
        installments.append(
            (
                to_minor(position.principal_paid),
                to_minor(position.interest_paid),
                to_minor(position.interest_rebated),
                to_minor(position.late_fee),
                to_minor(position.late_fee_paid),
                to_minor(position.late_fee_waived),
                paid_on,
            )
        )
    cum_pi, cum_paid, cum_unapplied = [0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for m in range(1, n + 1):
        pi = paid = unapplied = 0
        for _index, _no, component, amount in allocations[alloc_end[m - 1] : alloc_end[m]]:
            paid += amount
            if component in ("principal", "interest"):
                pi += amount
            elif component == UNAPPLIED:
                unapplied += amount
        cum_pi[m] = cum_pi[m - 1] + pi
        cum_paid[m] = cum_paid[m - 1] + paid
        cum_unapplied[m] = cum_unapplied[m - 1] + unapplied
    # The position after m payments is this replay's prefix when each installment is either done with
    # (every payment touching it among the first m) or untouched and not yet overdue at the m-th date.
    prefix_ok = bytearray(n + 1)
    cum_fee_unpaid = [0] * (n + 1)
    for m in range(n + 1):
        ok, fee_unpaid = True, 0
        for j in range(tenor):
            if last[j] < m and last[j] >= 0:
                _pp, _ip, _ir, lf, lfp, lfw, _paid = installments[j]
                fee_unpaid += max(0, lf - lfp - lfw)
            elif first[j] >= m:
                if m and dues[j] + dt.timedelta(days=grace) < dates[m - 1]:
                    ok = False
            else:
                ok = False
        prefix_ok[m] = 1 if ok else 0
        cum_fee_unpaid[m] = fee_unpaid
    return _Shape(
        amounts,
        kinds,
        installments,
        first,
        last,
        allocations,
        alloc_end,
        cum_pi,
        cum_paid,
        cum_unapplied,
        cum_fee_unpaid,
        ledger.settled_on is not None,
        prefix_ok,
    )


def _calendar_free(shape: _Shape, dues: Sequence[dt.date], dates: Sequence[dt.date], paid_no: Sequence[int], grace: int) -> bool:
    """True when the replay depends on day offsets only: an overdue installment accrues only against its own payment."""
    n = len(dates)
    for j, position in enumerate(shape.installments):
        paid_on = position[6]
        start = dues[j] + dt.timedelta(days=grace)
        end = dates[paid_on] if paid_on >= 0 else (dates[-1] if n else dues[j])
        for index in range(n):
            if start < dates[index] <= end and paid_no[index] != j + 1:
                return False
        if paid_on < 0 and n and dates[-1] > start:
            return False
    return True


class _Shapes:
    """Replays by shape, kept in a bounded LRU (memory stays flat whatever the portfolio's size)."""

    def __init__(self, limit: int = 6000):
        self.cache: OrderedDict = OrderedDict()
        self.limit = limit
        self.hits = 0
        self.replays = 0

    def get(self, key, build: Callable[[], _Shape | None]):
        shape = self.cache.get(key)
        if shape is not None:
            self.hits += 1
            self.cache.move_to_end(key)
            return shape
        shape = build()
        self.replays += 1
        if shape is not None:
            self.cache[key] = shape
            if len(self.cache) > self.limit:
                self.cache.popitem(last=False)
        return shape


def _offsets(behaviour: str, variant: int, seed: int) -> tuple[int, ...]:
    low, high = OFFSET_RANGES[behaviour]
    rng = random.Random(f"{seed}:offsets:{behaviour}:{variant}")
    return tuple(rng.randint(low, high) if rng.random() < 0.7 else (low + high) // 2 for _ in range(MAX_TENOR))


# --- the generator -------------------------------------------------------------------------------------


@dataclass
class _Branch:
    branch: Branch
    clock: _Clock
    dealers: list  # (dealer, risk)
    dealer_weights: list
    cmos: list  # (user, risk)
    admin: User
    front_office: User
    analyst: User
    va_prefix: str
    number_pattern: str
    region: str
    terms: dict  # product code -> pricing terms


def _risk(rng: random.Random, spread: float) -> float:
    return min(3.0, max(0.35, math.exp(rng.gauss(0, spread))))


def _one(branch: Branch, role: str, username: str) -> User:
    user = User.objects.filter(branch=branch, role=role, is_active=True).order_by("id").first()
    return user or make_user(role, branch, username=username)


def _setup(*, contracts: int, seed: int, as_of: dt.date, months: int, suffix: str) -> tuple[list[_Branch], dict]:
    """The company, branches, staff, dealers and products the portfolio needs (made when missing)."""
    company = make_company()
    branches = list(Branch.objects.filter(is_head_office=False, is_active=True).order_by("code"))
    if not branches:
        wanted = min(len(BRANCHES), max(3, contracts // 5000))
        branches = [make_branch(code, company=company, name=name, time_zone=tz) for code, name, tz in BRANCHES[:wanted]]
    if not Product.objects.filter(code__in=["NMC", "NCAR"]).exists():
        make_products(effective_from=dt.date(min(as_of.year, (as_of - dt.timedelta(days=31 * months)).year), 1, 1))
        make_credit_config()
    products = {p.code: p for p in Product.objects.filter(code__in=["NMC", "UMC", "NCAR", "UCAR"])}
    per_branch_month = contracts / (len(branches) * max(1, months))
    cmo_count = min(150, max(3, math.ceil(per_branch_month / 18)))
    dealer_count = min(60, max(4, math.ceil(per_branch_month / 45)))
    out = []
    for branch in branches:
        code = branch.code.lower()
        cmos = list(User.objects.filter(branch=branch, role=Role.CMO, is_active=True).order_by("id"))
        for n in range(len(cmos) + 1, cmo_count + 1):
            cmos.append(make_user(Role.CMO, branch, username=f"cmo{n}.{code}"))
        collectors = User.objects.filter(branch=branch, role=Role.COLLECTOR, is_active=True).count()
        for n in range(collectors + 1, max(2, cmo_count // 5) + 1):
            make_user(Role.COLLECTOR, branch, username=f"coll{n}.{code}")
        dealers = list(Dealer.objects.filter(branch=branch, is_active=True).order_by("code"))
        kinds = {d.vehicle_kind for d in dealers}
        brands_m, brands_c = list(MOTORCYCLES), list(CARS)
        for n in range(len(dealers) + 1, dealer_count + 1):
            car = VehicleKind.CAR not in kinds if n == len(dealers) + 1 else n % 3 == 0
            kinds.add(VehicleKind.CAR if car else VehicleKind.MOTORCYCLE)
            brand = (brands_c if car else brands_m)[n % len(brands_c if car else brands_m)]
            dealers.append(
                make_dealer(
                    branch,
                    code=f"{branch.code}-G{n:03d}",
                    name=f"{brand} Motor {branch.name} {n}",
                    brand=brand,
                    vehicle_kind=VehicleKind.CAR if car else VehicleKind.MOTORCYCLE,
                    city=branch.name,
                )
            )
        # Hidden quality: a risk multiplier per dealer and CMO (1 = average), fixed by the seed and the code.
        dealer_risk = [(d, _risk(random.Random(f"{seed}:dealer:{d.code}"), 0.5)) for d in dealers]
        cmo_risk = [(u, _risk(random.Random(f"{seed}:cmo:{u.username}"), 0.4)) for u in cmos]
        weights = [random.Random(f"{seed}:volume:{d.code}").uniform(0.5, 2.0) for d in dealers]
        config, _created = BranchServicingConfig.objects.get_or_create(branch=branch)
        terms = {}
        for product_code, product in products.items():
            try:
                terms[product_code] = pricing_terms(product=product, branch_id=branch.pk, as_of=as_of)
            except Exception:  # noqa: S112 - a product without a rate card in force is not sold here
                continue
        out.append(
            _Branch(
                branch=branch,
                clock=_Clock(branch.time_zone, suffix),
                dealers=dealer_risk,
                dealer_weights=weights,
                cmos=cmo_risk,
                admin=_one(branch, Role.ADMIN, f"adm.{code}"),
                front_office=_one(branch, Role.FRONT_OFFICE, f"fo.{code}"),
                analyst=_one(branch, Role.CREDIT_ANALYST, f"ca.{code}"),
                va_prefix=config.va_bank_prefix,
                number_pattern=config.contract_number_pattern,
                region=REGION.get(branch.code, f"{31 + branch.pk % 60:02d}{71:02d}01"),
                terms=terms,
            )
        )
    return out, products


def _late_terms(product: Product) -> tuple:
    terms = ProductServicingTerms.objects.filter(product=product).first()
    if terms is None:
        pct = DEFAULT_LATE_FEE_PCT.get(product.vehicle_kind, Decimal("0.5"))
        return (pct, None, 0), "fees_first", ("principal_pct", Decimal("3")), 7
    return (
        (terms.late_fee_pct_per_day, terms.late_fee_cap_pct, terms.late_fee_grace_days),
        terms.allocation_order,
        (terms.settlement_fee_basis, terms.settlement_fee_value),
        terms.settlement_quote_days,
    )


class _Generator:
    def __init__(self, *, contracts: int, seed: int, as_of: dt.date, months: int, progress):
        self.total = contracts
        self.seed = seed
        self.as_of = as_of
        self.months = months
        self.progress = progress
        self.pg = connection.vendor == "postgresql"
        self.suffix = "+00" if self.pg else ""
        # NULL in the rows of the big tables (installments, payments, allocations), written as is by COPY.
        self.null = "\\N" if self.pg else None
        self.summary = PortfolioSummary()
        self.shapes = _Shapes()
        self.quotes: dict[tuple, _Quote | None] = {}
        self.dues: dict[tuple, tuple[dt.date, ...]] = {}
        self.iso: dict[dt.date, str] = {}
        self.sequences: dict[tuple, int] = {}
        self.offsets = {(b, v): _offsets(b, v, seed) for b in OFFSET_RANGES for v in range(VARIANTS)}
        self.late_terms: dict[int, tuple] = {}
        self.names = self._names()

    # -- small caches --

    def day(self, day: dt.date) -> str:
        text = self.iso.get(day)
        if text is None:
            text = self.iso[day] = day.isoformat()
        return text

    def _names(self):
        from faker import Faker

        fake = Faker("id_ID")
        fake.seed_instance(self.seed)
        first_m = sorted({fake.first_name_male() for _ in range(400)})
        first_f = sorted({fake.first_name_female() for _ in range(400)})
        last = sorted({fake.last_name() for _ in range(400)})
        streets = sorted({fake.street_name() for _ in range(200)})
        mothers = sorted({fake.first_name_female() for _ in range(200)})
        employers = sorted({fake.company() for _ in range(200)})
        return first_m, first_f, last, streets, mothers, employers

    def next_seq(self, branch: Branch, kind: str, year: int) -> int:
        key = (branch.pk, kind, year)
        if key not in self.sequences:
            row = NumberSequence.objects.filter(branch=branch, kind=kind, year=year).first()
            self.sequences[key] = row.last if row else 0
        self.sequences[key] += 1
        return self.sequences[key]

    def save_sequences(self) -> None:
        for (branch_id, kind, year), last in self.sequences.items():
            row, _created = NumberSequence.objects.get_or_create(branch_id=branch_id, kind=kind, year=year)
            if row.last < last:
                NumberSequence.objects.filter(pk=row.pk).update(last=last)

    def quote(self, b: _Branch, product_code: str, brand: str, model: str, otr: int, dp_pct: int, tenor: int, age: int) -> _Quote | None:
        terms = b.terms.get(product_code)
        if terms is None:
            return None
        key = (terms.rate_card_id, product_code, brand, model, otr, dp_pct, tenor, age)
        if key in self.quotes:
            return self.quotes[key]
        unit = 50_000 if otr < 100_000_000 else 1_000_000
        dp = (otr * dp_pct // 100) // unit * unit
        canonical = dt.date(self.as_of.year, 1, 10)
        try:
            priced = quote_price(
                as_of=canonical,
                terms=terms,
                otr=Decimal(otr),
                down_payment=Decimal(dp),
                tenor_months=tenor,
                vehicle_year=canonical.year - age,
                enforce_min_dp=False,
            )
        except Exception:
            self.quotes[key] = None
            return None
        q = priced.quote
        product = Product.objects.get(code=product_code) if product_code not in self._products else self._products[product_code]
        if product.pk not in self.late_terms:
            self.late_terms[product.pk] = _late_terms(product)
        late, order, settlement, quote_days = self.late_terms[product.pk]
        summary = {
            k: (str(v) if not isinstance(v, (int, str, bool, type(None), list, dict)) else v)
            for k, v in q.summary_dict().items()
            if not isinstance(v, (list, dict))
        }
        result = _Quote(
            key=key,
            product_id=product.pk,
            rate_card_id=priced.rate_card_id,
            vehicle_kind=product.vehicle_kind,
            brand=brand,
            model=model,
            age=age,
            otr_sen=otr * 100,
            dp_sen=dp * 100,
            tenor=tenor,
            timing=q.timing.value,
            installment_sen=to_minor(q.installment),
            financed_sen=to_minor(q.financed_principal),
            total_interest_sen=to_minor(q.total_interest),
            total_payable_sen=to_minor(q.total_payable),
            tdp_sen=to_minor(q.tdp.total),
            effective_rate=str(q.effective_rate_annual.quantize(Decimal("0.000001"))),
            min_dp_pct=str(priced.min_dp_pct),
            lines=tuple((to_minor(line.principal), to_minor(line.interest)) for line in q.schedule),
            schedule_amounts=tuple(to_minor(line.principal) + to_minor(line.interest) for line in q.schedule),
            quote_json=json.dumps(summary, sort_keys=True),
            late_fee=late,
            allocation_order=order,
            settlement_fee=settlement,
            settlement_quote_days=quote_days,
        )
        self.quotes[key] = result
        return result

    def posting_day(self, day: dt.date) -> dt.date:
        """The working day a payment is posted on: its value date, or the next working day (Sunday, holiday)."""
        index = bisect.bisect_left(self.posting_days, day)
        return self.posting_days[index] if index < len(self.posting_days) else day  # after as_of: never posted

    def due_dates_of(self, quote: _Quote, signing: dt.date) -> tuple[dt.date, ...]:
        """The due dates booking gives (finance.quote: ADDM from the signing date, ADDB a month later, on its day)."""
        key = (signing, quote.tenor, quote.timing)
        dues = self.dues.get(key)
        if dues is None:
            first = signing if quote.timing == "addm" else add_months(signing, 1)
            dues = self.dues[key] = due_dates(first, quote.tenor, anchor_day=signing.day)
        return dues

    # -- behaviour --

    def behaviour(self, rng: random.Random, risk: float) -> str:
        draw = rng.random()
        for name, share in BASE_SHARES.items():
            share = share * risk if name in RISK_SCALED else share
            if draw < share:
                return name
            draw -= share
        return ON_TIME

    def pattern(self, quote: _Quote, behaviour: str, variant: int) -> tuple[tuple[int, int], ...]:
        """(installment no, day offset from its due date) per payment over the whole tenor."""
        offsets = self.offsets[(behaviour, variant)]
        pays: list[tuple[int, int]] = []
        start = 1
        if quote.timing == "addm":
            pays.append((1, 0))  # paid at signing with the down payment (TDP)
            start = 2
        pays.extend((no, offsets[no - 1]) for no in range(start, quote.tenor + 1))
        return tuple(pays)

    def build_shape(self, quote: _Quote, pattern, dues, signing: dt.date, settle: tuple | None = None) -> tuple[_Shape, bool, list]:
        """Replay a pattern on the finance core; return the shape, whether it is calendar-free, and the payment dates."""
        late_fees, settlement_policy, order = _late_policy(quote)
        schedule = _schedule(quote, dues)
        dates = [dues[no - 1] + dt.timedelta(days=offset) for no, offset in pattern]
        amounts = []
        events = []
        for index, ((no, _offset), day) in enumerate(zip(pattern, dates, strict=True)):
            line = schedule[no - 1]
            fee = late_fee_for(line, line.amount, day, late_fees)
            amount = to_minor(line.amount + fee)
            amounts.append(amount)
            events.append(LedgerPayment(str(index), day, from_minor(amount)))
        kinds = [PaymentKind.INSTALLMENT.value] * len(events)
        paid_no = [no for no, _offset in pattern]
        if settle is not None:
            quoted_on, valid_until = settle
            figure = settlement_figure(
                schedule, events, as_of=valid_until, late_fees=late_fees, settlement=settlement_policy, order=order, start_date=signing
            )
            events.append(Settlement(str(len(events)), quoted_on, figure.total, valid_until))
            amounts.append(to_minor(figure.total))
            kinds.append(SETTLEMENT_KIND)
            dates.append(quoted_on)
            paid_no.append(0)
        as_of = dates[-1] if dates else signing
        ledger = replay(schedule, events, as_of=as_of, late_fees=late_fees, order=order, settlement=settlement_policy, start_date=signing)
        shape = _shape_from_ledger(ledger, amounts, kinds, dates, quote.tenor, late_fees.grace_days, dues)
        free = settle is None and _calendar_free(shape, dues, dates, paid_no, late_fees.grace_days)
        return shape, free, dates

    # -- one batch --

    def run(self) -> PortfolioSummary:
        started = time.monotonic()
        self.branches, self._products = _setup(
            contracts=self.total, seed=self.seed, as_of=self.as_of, months=self.months, suffix=self.suffix
        )
        s = self.summary
        s.branches = len(self.branches)
        s.dealers = sum(len(b.dealers) for b in self.branches)
        s.cmos = sum(len(b.cmos) for b in self.branches)
        first_month = add_months(self.as_of.replace(day=1), -(self.months - 1))
        self.calendar = working_days(first_month - dt.timedelta(days=45), self.as_of)
        self.posting_days = working_days(first_month - dt.timedelta(days=45), self.as_of + dt.timedelta(days=14))
        self.workset = set(self.posting_days)
        self.month_days = self._month_days(first_month)
        plan = self._signing_plan(first_month)
        self._tables()
        models = [Application, Party, Decision, DecisionReason, Contract, Installment, Payment, Allocation, SettlementQuote, Collateral]
        self.ids = {m._meta.db_table: i for m, i in _next_ids(*models).items()}
        if self.pg and self.total >= BULK_LOAD_FROM and not connection.in_atomic_block:
            # A large load on PostgreSQL: one transaction, foreign keys checked once at the end by one join
            # each (re-added) instead of row by row; killed half-way, nothing of it stays.
            with transaction.atomic():
                dropped = _drop_foreign_keys(models)
                self._batches(plan)
                _restore_foreign_keys(dropped)
                self.save_sequences()
        else:
            self._batches(plan)
            with transaction.atomic():
                self.save_sequences()
        _reset_sequences(models)
        s.replays, s.replay_cache_hits = self.shapes.replays, self.shapes.hits
        s.seconds = time.monotonic() - started
        return s

    def _batches(self, plan: list[int]) -> None:
        done = 0
        for batch_no, start in enumerate(range(0, self.total, BATCH)):
            chunk = plan[start : start + BATCH]
            rng = random.Random(f"{self.seed}:batch:{batch_no}")
            with transaction.atomic():
                for wd_index in chunk:
                    self.contract(rng, wd_index)
                self.writer.flush()
            done += len(chunk)
            if self.progress:
                self.progress(done, self.total)

    def _month_days(self, first_month: dt.date) -> list[list[int]]:
        """Per booking month, the indexes of its working days in the calendar."""
        months = []
        for offset in range(self.months):
            month = add_months(first_month, offset)
            months.append(
                [i for i, day in enumerate(self.calendar) if (day.year, day.month) == (month.year, month.month) and day <= self.as_of]
            )
        return months

    def _signing_plan(self, first_month: dt.date) -> list[int]:
        """Each contract's signing day (an index into the calendar), in booking order: volume grows month by month."""
        rng = random.Random(f"{self.seed}:plan")
        weights = []
        for offset, days in enumerate(self.month_days):
            month = add_months(first_month, offset).month
            season = 1.25 if month in (3, 4, 12) else (0.85 if month in (1, 2) else 1.0)  # Lebaran and year-end peaks
            weights.append((1 + 0.03 * offset) * season * (len(days) / 26 if days else 0))
        counts = [0] * self.months
        for month_index in rng.choices(range(self.months), weights=weights, k=self.total):
            counts[month_index] += 1
        plan = []
        for month_index, count in enumerate(counts):
            days = self.month_days[month_index]
            plan.extend(sorted(rng.choice(days) for _ in range(count)))
        return plan

    def _tables(self) -> None:
        w = self.writer = _Writer()
        self.t_app = w.table(
            Application,
            [
                "id", "number", "branch_id", "dealer_id", "cmo_id", "created_by_id", "status", "version", "decision_level",
                "appeal_count", "vehicle_kind", "vehicle_brand", "vehicle_model", "vehicle_year", "vehicle_condition",
                "vehicle_colour", "frame_number", "engine_number", "product_id", "rate_card_id", "priced_on", "otr_sen",
                "down_payment_sen", "tenor_months", "installment_sen", "financed_principal_sen", "tdp_sen", "min_dp_pct",
                "quote_result", "declared_income_sen", "declared_other_income_sen", "household_expense_sen", "dependents",
                "residence_ownership", "residence_months", "address_latitude", "address_longitude", "applicant_name",
                "applicant_name_key", "applicant_nik", "applicant_phone", "created_at", "submitted_at", "survey_assigned_at",
                "surveyed_at", "analysis_started_at", "decided_at", "updated_at",
            ],
        )  # fmt: skip
        self.t_party = w.table(
            Party,
            [
                "id", "application_id", "role", "full_name", "nik", "kk_number", "birth_place", "birth_date", "sex",
                "marital_status", "mother_maiden_name", "phone", "phone_alt", "ktp_address", "domicile_address",
                "employment_type", "employer_name", "position", "employment_months", "monthly_income_sen",
            ],
        )  # fmt: skip
        self.t_decision = w.table(
            Decision,
            [
                "id", "application_id", "decided_by_id", "role", "level", "outcome", "reason_codes", "rationale",
                "counter_offer", "analysis", "on_appeal", "reasons_override", "documents_override_reason",
                "missing_documents", "created_at",
            ],
        )  # fmt: skip
        self.t_reason = w.table(
            DecisionReason, ["id", "decision_id", "application_id", "branch_id", "dealer_id", "cmo_id", "outcome", "code", "decided_at"]
        )
        self.t_contract = w.table(
            Contract,
            [
                "id", "number", "application_id", "branch_id", "dealer_id", "product_id", "cmo_id", "booked_by_id", "status",
                "version", "customer_name", "customer_nik", "vehicle", "signing_date", "first_due_date", "va_number", "timing",
                "tenor_months", "otr_sen", "down_payment_sen", "financed_principal_sen", "installment_sen", "total_interest_sen",
                "effective_rate_annual", "late_fee_pct_per_day", "late_fee_cap_pct", "late_fee_grace_days", "allocation_order",
                "settlement_fee_basis", "settlement_fee_value", "settlement_quote_days", "outstanding_sen", "paid_sen",
                "unapplied_sen", "closed_on", "created_at", "updated_at",
            ],
        )  # fmt: skip
        self.t_installment = w.table(
            Installment,
            [
                "id", "contract_id", "no", "due_date", "principal_sen", "interest_sen", "principal_paid_sen", "interest_paid_sen",
                "interest_rebated_sen", "late_fee_sen", "late_fee_paid_sen", "late_fee_waived_sen", "paid_on",
            ],
        )  # fmt: skip
        self.t_payment = w.table(
            Payment,
            [
                "id",
                "contract_id",
                "branch_id",
                "kind",
                "channel",
                "amount_sen",
                "value_date",
                "dedup_key",
                "reference",
                "receipt_number",
                "received_by_id",
                "created_at",
            ],
        )
        self.t_quote = w.table(
            SettlementQuote,
            [
                "id", "contract_id", "number", "quoted_on", "valid_until", "contract_version", "principal_sen", "interest_sen",
                "late_fee_sen", "fee_sen", "total_sen", "interest_rebated_sen", "created_by_id", "created_at", "payment_id",
            ],
        )  # fmt: skip
        self.t_allocation = w.table(
            Allocation, ["id", "contract_id", "payment_id", "installment_id", "component", "amount_sen", "value_date"]
        )
        self.t_collateral = w.table(
            Collateral,
            [
                "id", "contract_id", "branch_id", "dealer_id", "fiduciary_deadline", "deed_number", "deed_date", "certificate_number",
                "registered_on", "bpkb_status", "bpkb_due", "bpkb_number", "bpkb_received_on", "vault_location", "version",
            ],
        )  # fmt: skip

    def new_id(self, table: _Table) -> int:
        value = self.ids[table.name]
        self.ids[table.name] = value + 1
        return value

    def emit(self, table: _Table, row: tuple) -> None:
        self.writer.rows[table.name].append(row)

    # -- one contract, with the orders around it --

    def contract(self, rng: random.Random, sign_index: int) -> None:
        s = self.summary
        b = rng.choice(self.branches)
        dealer, dealer_risk = rng.choices(b.dealers, weights=b.dealer_weights)[0]
        # Orders refused or withdrawn at the same dealer around the same time (they never become contracts).
        reject_p = min(0.6, BASE_REJECT * dealer_risk**0.7)
        while True:
            draw = rng.random()
            if draw < reject_p:
                self.order(rng, b, dealer, sign_index, Status.REJECTED)
            elif draw < reject_p + BASE_CANCEL:
                self.order(rng, b, dealer, sign_index, Status.CANCELLED)
            else:
                break
        cmo, cmo_risk = rng.choice(b.cmos)
        quote = None
        while quote is None:
            quote = self.pick_quote(rng, b, dealer)
        self.booked(rng, b, dealer, cmo, dealer_risk * cmo_risk, quote, sign_index)
        s.contracts += 1

    def pick_quote(self, rng: random.Random, b: _Branch, dealer: Dealer) -> _Quote | None:
        car = dealer.vehicle_kind == VehicleKind.CAR
        catalogue = CARS if car else MOTORCYCLES
        models = catalogue.get(dealer.brand) or catalogue[rng.choice(sorted(catalogue))]
        model, otr = rng.choice(models)
        used = rng.random() < USED_SHARE
        product_code = ("UCAR" if used else "NCAR") if car else ("UMC" if used else "NMC")
        age = rng.choice((3, 5)) if used else 0
        if used:
            otr = otr * (65 - 5 * age) // 100 // 100_000 * 100_000
        terms = b.terms.get(product_code)
        if terms is None:
            return None
        minimum = math.ceil(max(terms.product_min_dp_pct, terms.regulatory_min_dp_pct))
        dp_pct = minimum + rng.choice((0, 0, 5, 5, 10))
        tenors = [t for t in (TENORS_CAR if car else TENORS_MOTORCYCLE) if t <= (48 if used else 60)]
        tenor = rng.choices(tenors, weights=[TENOR_WEIGHTS[t] for t in tenors])[0]
        return self.quote(b, product_code, dealer.brand, model, otr, dp_pct, tenor, age)

    def person(self, rng: random.Random, b: _Branch, serial: int):
        first_m, first_f, last, streets, _mothers, _employers = self.names
        sex = "F" if rng.random() < 0.38 else "M"
        name = f"{rng.choice(first_f if sex == 'F' else first_m)} {rng.choice(last)}"
        birth = dt.date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
        day = birth.day + (40 if sex == "F" else 0)
        nik = f"{b.region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 10000:04d}"
        phone = f"+628{rng.choice((12, 13, 21, 52, 57, 77, 81, 95))}{rng.randint(10_000_000, 99_999_999)}"
        address = f"Jl. {rng.choice(streets)} No. {rng.randint(1, 150)}, {b.branch.name}"
        return sex, name, birth, nik, phone, address

    def times(self, rng: random.Random, b: _Branch, day_index: int, steps: Sequence[int]) -> list[str]:
        """Timestamps in order: steps are working days after day_index; times within 08.00-17.00 local."""
        out: list[str] = []
        last = len(self.calendar) - 1
        previous_index, previous_minute, previous_second = -1, WORK_START_MIN, 0
        for step in steps:
            index = max(previous_index, min(last, max(0, day_index + step)))
            low = previous_minute + 5 if index == previous_index else WORK_START_MIN
            if low > WORK_END_MIN - 1 and index < last:
                index, low = index + 1, WORK_START_MIN
            if low > WORK_END_MIN - 1:
                minute, second = previous_minute, previous_second  # the last day is full: the same moment
            else:
                minute, second = rng.randint(low, min(WORK_END_MIN - 1, low + 180)), rng.randint(0, 59)
            out.append(b.clock.at(self.calendar[index], minute, second))
            previous_index, previous_minute, previous_second = index, minute, second
        return out

    def application_row(
        self, rng, b: _Branch, dealer, cmo_id: int, quote: _Quote, status: str, stamps: list[str], priced_on: dt.date, decided: bool
    ):
        app_id = self.new_id(self.t_app)
        sex, name, birth, nik, phone, address = self.person(rng, b, app_id)
        dsr = rng.uniform(0.14, 0.34)
        income = max(3_000_000, int(quote.installment_sen / 100 / dsr) // 100_000 * 100_000)
        created, submitted, assigned, surveyed, analysis, decided_at = stamps[:6]
        vehicle_year = priced_on.year - quote.age
        kind_char = "C" if quote.vehicle_kind == VehicleKind.CAR else "M"
        self.emit(
            self.t_app,
            (
                app_id, f"APP-{b.branch.code}-{app_id:07d}", b.branch.pk, dealer.pk, cmo_id, cmo_id, status, 6 if decided else 4,
                1, 0, quote.vehicle_kind, quote.brand, quote.model, vehicle_year, "used" if quote.age else "new",
                rng.choice(COLOURS), f"MH{kind_char}{app_id:012d}", f"E{app_id:010d}", quote.product_id, quote.rate_card_id,
                self.day(priced_on), quote.otr_sen, quote.dp_sen, quote.tenor, quote.installment_sen, quote.financed_sen,
                quote.tdp_sen, quote.min_dp_pct, quote.quote_json, income * 100, 0, income * 100 * rng.randint(25, 45) // 100,
                rng.randint(0, 4), rng.choice(("own", "own", "family", "rent")), rng.randint(12, 240), None, None, name,
                " ".join(name.lower().split()), nik, phone, created, submitted, assigned if decided or status != Status.CANCELLED else None,
                surveyed if decided else None, analysis if decided else None, decided_at if decided else None, decided_at,
            ),
        )  # fmt: skip
        self.emit(
            self.t_party,
            (
                self.new_id(self.t_party), app_id, "applicant", name, nik, "", b.branch.name, self.day(birth), sex,
                rng.choice(("married", "married", "single")), rng.choice(self.names[4]), phone, "", address, "",
                rng.choice(("employee", "employee", "self_employed")), rng.choice(self.names[5]), "Staf",
                rng.randint(12, 180), income * 100,
            ),
        )  # fmt: skip
        return app_id

    def decision(
        self, b: _Branch, app_id: int, dealer_id: int, cmo_id: int, outcome: str, codes: list[str], decided_at: str, rationale: str
    ):
        decision_id = self.new_id(self.t_decision)
        self.emit(
            self.t_decision,
            (
                decision_id,
                app_id,
                b.analyst.pk,
                Role.CREDIT_ANALYST,
                1,
                outcome,
                json.dumps(codes),
                rationale,
                None,
                "{}",
                False,
                False,
                "",
                "[]",
                decided_at,
            ),
        )
        for code in codes:
            self.emit(
                self.t_reason, (self.new_id(self.t_reason), decision_id, app_id, b.branch.pk, dealer_id, cmo_id, outcome, code, decided_at)
            )

    def order(self, rng: random.Random, b: _Branch, dealer, sign_index: int, status: str) -> None:
        """An order that ends rejected (with its reasons as rows) or cancelled, near the given day."""
        s = self.summary
        quote = None
        while quote is None:
            quote = self.pick_quote(rng, b, dealer)
        cmo, _risk_unused = rng.choice(b.cmos)
        created_index = max(0, sign_index - rng.randint(2, 12))
        steps = [0, 0, 0, rng.choice((0, 1, 1, 2)), 0, rng.choice((0, 0, 1))]
        steps = [sum(steps[: i + 1]) for i in range(len(steps))]
        stamps = self.times(rng, b, created_index, steps)
        decided = status == Status.REJECTED
        app_id = self.application_row(rng, b, dealer, cmo.pk, quote, status, stamps, self.calendar[created_index], decided)
        if decided:
            codes = [rng.choices([c for c, _w in REJECT_REASONS], weights=[w for _c, w in REJECT_REASONS])[0]]
            if rng.random() < 0.25:
                second = rng.choices([c for c, _w in REJECT_REASONS], weights=[w for _c, w in REJECT_REASONS])[0]
                if second not in codes:
                    codes.append(second)
            self.decision(
                b, app_id, dealer.pk, cmo.pk, DecisionOutcome.REJECT, [str(c) for c in codes], stamps[5], "Tidak memenuhi kebijakan kredit."
            )
            s.rejected += 1
        else:
            s.cancelled += 1
        s.applications += 1

    def booked(self, rng: random.Random, b: _Branch, dealer, cmo: User, risk: float, quote: _Quote, sign_index: int) -> None:
        s = self.summary
        signing = self.calendar[sign_index]
        # The order: captured a few working days before signing, surveyed, analysed, approved.
        lead = rng.choice((1, 1, 2, 2, 3, 4, 6))
        created_index = max(0, sign_index - lead)
        survey_days = rng.choice((0, 1, 1, 1, 2)) if lead > 1 else 0
        decide_days = min(lead - survey_days, rng.choice((0, 0, 1)))
        steps = [0, 0, 0, survey_days, survey_days, survey_days + decide_days, sign_index - created_index]
        stamps = self.times(rng, b, created_index, steps)
        app_id = self.application_row(rng, b, dealer, cmo.pk, quote, Status.APPROVED, stamps, self.calendar[created_index], True)
        self.decision(
            b,
            app_id,
            dealer.pk,
            cmo.pk,
            DecisionOutcome.APPROVE,
            [ReasonCode.GOOD_PROFILE.value],
            stamps[5],
            "Layak: profil sesuai kebijakan.",
        )
        s.applications += 1

        contract_id = self.new_id(self.t_contract)
        year = signing.year
        seq = self.next_seq(b.branch, "contract", year)
        try:
            number = b.number_pattern.format(branch=b.branch.code, year=year, month=signing.month, seq=seq)
        except (KeyError, IndexError, ValueError):
            number = f"{b.branch.code}/{year}/{seq:05d}"
        va = contract_virtual_account(b.va_prefix, b.branch.pk, self.next_seq(b.branch, "va", 0))
        dues = self.due_dates_of(quote, signing)

        behaviour = self.behaviour(rng, risk)
        variant = rng.randrange(VARIANTS)
        at_signing = 1 if quote.timing == "addm" else 0  # ADDM: the first installment is paid with the DP
        settle = None
        stop = None  # payments made before the customer stops paying
        if behaviour == EARLY_SETTLEMENT:
            k = rng.randint(3, max(3, quote.tenor - 2))
            k = min(k, quote.tenor - 1 - at_signing)
            quoted_on = self.posting_day(dues[k + at_signing - 1] + dt.timedelta(days=rng.randint(3, 20)))
            pattern = self.pattern(quote, ON_TIME, variant)
            if quoted_on <= self.as_of:
                settle = (quoted_on, quoted_on + dt.timedelta(days=quote.settlement_quote_days))
                pattern = pattern[: k + at_signing]
        elif behaviour in (LATE, CHRONIC_LATE):
            pattern = self.pattern(quote, behaviour, variant)
        else:
            pattern = self.pattern(quote, ON_TIME, variant)
            if behaviour == FIRST_PAYMENT_DEFAULT:
                stop = at_signing
            elif behaviour == ROLL_TO_DEFAULT:
                stop = at_signing + rng.randint(1, min(11, max(1, quote.tenor - 2)))
        s.behaviours[behaviour] += 1

        if settle is not None:
            shape, _free, dates = self.build_shape(quote, pattern, dues, signing, settle)
            self.shapes.replays += 1
            m = len(dates)
        else:
            dates = [dues[no - 1] + dt.timedelta(days=offset) for no, offset in pattern]
            m = bisect.bisect_right(dates, self.as_of)
            if stop is not None:
                m = min(m, stop)
            grace = quote.late_fee[2]
            key = (quote.key, tuple((no, offset if offset > grace else 0) for no, offset in pattern))
            shape = self.shapes.get(key, lambda: self._calendar_free_shape(quote, pattern, dues, signing))
            if shape is None or not shape.prefix_ok[m]:
                # This calendar matters: replay exactly these m payments on these dates.
                shape, _free, dates = self.build_shape(quote, pattern[:m], dues, signing)
                self.shapes.replays += 1
                m = len(dates)

        self.emit_contract(rng, b, dealer, cmo, quote, app_id, contract_id, number, va, signing, dues, shape, dates, m, stamps[6])

    def _calendar_free_shape(self, quote, pattern, dues, signing) -> _Shape | None:
        shape, free, _dates = self.build_shape(quote, pattern, dues, signing)
        return shape if free else None

    def emit_contract(
        self,
        rng,
        b: _Branch,
        dealer,
        cmo,
        quote: _Quote,
        app_id,
        contract_id,
        number,
        va,
        signing,
        dues,
        shape: _Shape,
        dates,
        m,
        booked_at,
    ) -> None:
        s = self.summary
        day = self.day
        null = self.null
        random_ = rng.random
        workset = self.workset
        clock_at = b.clock.at
        at_signing = quote.timing == "addm"
        date_text = [day(d) for d in dates[:m]]
        # Installments: the prefix of the shape's replay after m payments.
        first_installment = self.ids[self.t_installment.name]
        self.ids[self.t_installment.name] = first_installment + quote.tenor
        paid_dates = []
        outstanding = fee_unpaid = 0
        rows = self.writer.rows[self.t_installment.name]
        for j, ((principal, interest), due) in enumerate(zip(quote.lines, dues, strict=True)):
            if shape.last_touch[j] >= 0 and shape.last_touch[j] < m:
                pp, ip, ir, lf, lfp, lfw, paid_on = shape.installments[j]
                paid = date_text[paid_on] if paid_on >= 0 else null
                if paid_on >= 0:
                    paid_dates.append(dates[paid_on])
                outstanding += principal + interest - pp - ip - ir
                fee_unpaid += max(0, lf - lfp - lfw)
                rows.append((first_installment + j, contract_id, j + 1, day(due), principal, interest, pp, ip, ir, lf, lfp, lfw, paid))
            else:
                outstanding += principal + interest
                rows.append((first_installment + j, contract_id, j + 1, day(due), principal, interest, 0, 0, 0, 0, 0, 0, null))
        s.installments += quote.tenor
        # Payments and their allocations.
        first_payment = self.ids[self.t_payment.name]
        self.ids[self.t_payment.name] = first_payment + m
        payments = self.writer.rows[self.t_payment.name]
        settlement_payment = None
        for index in range(m):
            payment_id = first_payment + index
            value_date = dates[index]
            kind = shape.kinds[index]
            draw = random_() * CHANNEL_TOTAL
            channel = VA if draw < CHANNEL_VA else (COUNTER if draw < CHANNEL_VA + CHANNEL_COUNTER else TRANSFER)
            if (index == 0 and at_signing) or kind == SETTLEMENT_KIND:
                channel = COUNTER
            posted_on = value_date if value_date in workset else self.posting_day(value_date)
            if posted_on != value_date and channel == COUNTER:
                channel = VA  # the branch is closed: the customer transferred
            minute = WORK_START_MIN + int(random_() * (WORK_END_MIN - WORK_START_MIN))
            created = clock_at(posted_on, minute, int(random_() * 60))
            if channel == COUNTER:
                receipt = f"KW/{b.branch.code}/{value_date.year}/{self.next_seq(b.branch, 'receipt', value_date.year):06d}"
                payments.append(
                    (
                        payment_id,
                        contract_id,
                        b.branch.pk,
                        kind,
                        channel,
                        shape.amounts[index],
                        date_text[index],
                        f"once:gen-{payment_id}",
                        "",
                        receipt,
                        b.front_office.pk,
                        created,
                    )
                )
            else:
                bank = BANKS[int(random_() * len(BANKS))] if channel == TRANSFER else ""
                text = date_text[index]
                reference = f"{'VA' if channel == VA else 'TRF'}{text[2:4]}{text[5:7]}{text[8:10]}{payment_id:09d}"
                payments.append(
                    (
                        payment_id,
                        contract_id,
                        b.branch.pk,
                        kind,
                        channel,
                        shape.amounts[index],
                        date_text[index],
                        f"{channel}:{bank}:{reference}",
                        reference,
                        null,
                        b.admin.pk,
                        created,
                    )
                )
            if kind == SETTLEMENT_KIND:
                settlement_payment = (payment_id, value_date, created)
        s.payments += m
        allocations = self.writer.rows[self.t_allocation.name]
        end = shape.alloc_end[m]
        first_allocation = self.ids[self.t_allocation.name]
        self.ids[self.t_allocation.name] = first_allocation + end
        for offset, (index, no, component, amount) in enumerate(shape.allocations[:end]):
            allocations.append(
                (
                    first_allocation + offset,
                    contract_id,
                    first_payment + index,
                    first_installment + no - 1 if no else null,
                    component,
                    amount,
                    date_text[index],
                )
            )
        s.allocations += end
        # The contract's position: what the replay says after these m payments.
        closed = outstanding == 0 and fee_unpaid == 0
        settled = shape.settled and m == len(shape.amounts)
        if settled:
            status, closed_on = ContractStatus.SETTLED, settlement_payment[1]
        elif closed:
            status, closed_on = ContractStatus.PAID_OFF, max(paid_dates)
        else:
            status, closed_on = ContractStatus.ACTIVE, None
        s.statuses[status] += 1
        late, order, settlement, quote_days = quote.late_fee, quote.allocation_order, quote.settlement_fee, quote.settlement_quote_days
        updated = booked_at if not m else f"{date_text[m - 1]} 10:00:00{self.suffix}"
        version = 1 + m + (1 if status != ContractStatus.ACTIVE else 0)
        self.emit(
            self.t_contract,
            (
                contract_id, number, app_id, b.branch.pk, dealer.pk, quote.product_id, cmo.pk, b.admin.pk, status, version,
                self._customer(app_id), self._nik(app_id), f"{quote.brand} {quote.model} {signing.year - quote.age}", day(signing),
                day(dues[0]), va, quote.timing, quote.tenor, quote.otr_sen, quote.dp_sen, quote.financed_sen, quote.installment_sen,
                quote.total_interest_sen, quote.effective_rate, str(late[0]), None if late[1] is None else str(late[1]), late[2],
                order, settlement[0], str(settlement[1]), quote_days, outstanding, shape.cum_paid[m], shape.cum_unapplied[m],
                day(closed_on) if closed_on else None, booked_at, updated,
            ),
        )  # fmt: skip
        if settlement_payment is not None:
            payment_id, quoted_on, created = settlement_payment
            figure_total = shape.amounts[m - 1]
            parts = Counter()
            for _index, _no, component, amount in shape.allocations[shape.alloc_end[m - 1] : end]:
                parts[component] += amount
            year = quoted_on.year
            self.emit(
                self.t_quote,
                (
                    self.new_id(self.t_quote), contract_id, f"PL/{b.branch.code}/{year}/{self.next_seq(b.branch, 'settlement', year):05d}",
                    day(quoted_on), day(quoted_on + dt.timedelta(days=quote_days)), version - 2, parts["principal"], parts["interest"],
                    parts["late_fee"], parts["settlement_fee"], figure_total, sum(i[2] for i in shape.installments),
                    b.front_office.pk, created, payment_id,
                ),
            )  # fmt: skip
        # The collateral: fiduciary registered within 30 days, the BPKB in the vault after the dealer hands it over.
        deed = signing + dt.timedelta(days=3)
        registered = signing + dt.timedelta(days=rng.randint(10, 28))
        received = signing + dt.timedelta(days=rng.randint(30, 85))
        bpkb_status, bpkb_received, vault = BpkbStatus.EXPECTED, None, ""
        if received <= self.as_of:
            bpkb_status, bpkb_received, vault = BpkbStatus.STORED, day(received), f"Lemari {rng.randint(1, 9)}-{rng.randint(1, 40):02d}"
        if closed_on is not None and closed_on + dt.timedelta(days=14) <= self.as_of and bpkb_received:
            bpkb_status = BpkbStatus.RELEASED
        self.emit(
            self.t_collateral,
            (
                self.new_id(self.t_collateral), contract_id, b.branch.pk, dealer.pk, day(signing + dt.timedelta(days=FIDUCIARY_DAYS)),
                f"AHU-{contract_id:08d}" if deed <= self.as_of else "", day(deed) if deed <= self.as_of else None,
                f"W{b.branch.pk:02d}.{contract_id:08d}.AH.05.01" if registered <= self.as_of else "",
                day(registered) if registered <= self.as_of else None, bpkb_status, day(signing + dt.timedelta(days=90)),
                f"BPKB-{contract_id:09d}" if bpkb_received else "", bpkb_received, vault, 1,
            ),
        )  # fmt: skip

    def _customer(self, app_id: int) -> str:
        return self.writer.rows[self.t_app.name][-1][37]

    def _nik(self, app_id: int) -> str:
        return self.writer.rows[self.t_app.name][-1][39]


def generate_portfolio(
    *, contracts: int, seed: int, as_of: dt.date, months: int = 24, progress: Callable[[int, int], None] | None = None
) -> PortfolioSummary:
    """Generate `contracts` booked contracts (and the orders around them) over the last `months` booking months to as_of."""
    if isinstance(contracts, bool) or not isinstance(contracts, int) or contracts <= 0:
        raise PortfolioError(_("The number of contracts must be a whole number greater than zero."))
    if contracts > 10_000_000:
        raise PortfolioError(_("At most 10,000,000 contracts."))
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        raise PortfolioError(_("Months must be a whole number from 1 to 120."))
    if not isinstance(as_of, dt.date) or not dt.date(2000, 1, 1) <= as_of <= dt.date(2199, 12, 31):
        raise PortfolioError(_("The as-of date must be a date between 2000-01-01 and 2199-12-31."))
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise PortfolioError(_("The seed must be a whole number."))
    return _Generator(contracts=contracts, seed=seed, as_of=as_of, months=months, progress=progress).run()
