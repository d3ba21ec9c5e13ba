"""The deterministic demo company (fixed random seed, Faker id_ID)."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from faker import Faker

from angsur.devdata.factories import (
    DEMO_PASSWORD,
    ROLE_PREFIX,
    make_branch,
    make_company,
    make_credit_config,
    make_dealer,
    make_dealer_user,
    make_products,
    make_rate_card,
    make_user,
)
from angsur.devdata.seed_applications import seed_applications
from angsur.devdata.seed_contracts import DEMO_BOOK, seed_contracts
from angsur.org.models import Branch, BranchTimeZone, Company, User
from angsur.org.roles import Role
from angsur.origination.models import SavedQuote
from angsur.origination.quote_services import quote_save
from angsur.products.models import VehicleKind
from angsur.workflow.engine import batch

SEED = 20261126
DEMO_DATE = dt.date(2026, 11, 2)
# The demo's synthetic portfolio (devdata/portfolio.py) beside the hand-made walk-through records: a year
# of bookings with their orders, payments and arrears, so turnaround, approval rate and delinquency look
# like a real branch's.
DEMO_PORTFOLIO_CONTRACTS = 150
DEMO_PORTFOLIO_MONTHS = 12
COMPANY_CODE = "AMF"

BRANCHES = [
    ("HO", "Kantor Pusat Jakarta", BranchTimeZone.WIB, True, "Jl. Jend. Sudirman Kav. 52, Jakarta Selatan"),
    ("JKT", "Jakarta Timur", BranchTimeZone.WIB, False, "Jl. Raya Bekasi KM 18, Pulogadung, Jakarta Timur"),
    ("MKS", "Makassar", BranchTimeZone.WITA, False, "Jl. Urip Sumoharjo No. 120, Makassar"),
    ("JYP", "Jayapura", BranchTimeZone.WIT, False, "Jl. Ahmad Yani No. 15, Jayapura"),
]

DEALERS = {
    "JKT": [
        ("Honda", VehicleKind.MOTORCYCLE),
        ("Yamaha", VehicleKind.MOTORCYCLE),
        ("Toyota", VehicleKind.CAR),
        ("Daihatsu", VehicleKind.CAR),
    ],
    "MKS": [
        ("Honda", VehicleKind.MOTORCYCLE),
        ("Suzuki", VehicleKind.MOTORCYCLE),
        ("Toyota", VehicleKind.CAR),
        ("Mitsubishi", VehicleKind.CAR),
    ],
    "JYP": [
        ("Yamaha", VehicleKind.MOTORCYCLE),
        ("Honda", VehicleKind.MOTORCYCLE),
        ("Suzuki", VehicleKind.CAR),
        ("Daihatsu", VehicleKind.CAR),
    ],
}
CITY = {"JKT": "Jakarta Timur", "MKS": "Makassar", "JYP": "Jayapura"}
BANKS = ["BCA", "Bank Mandiri", "BRI", "BNI", "Bank Papua", "Bank Sulselbar"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    branch: str
    note: str = ""


def is_seeded() -> bool:
    return Company.objects.filter(code=COMPANY_CODE).exists() and User.objects.filter(username="admin.ho").exists()


@batch()
def seed_demo(*, portfolio: int = DEMO_PORTFOLIO_CONTRACTS) -> None:
    """Create the demo company, idempotently (existing records are kept); `portfolio` synthetic contracts on top."""
    fake = Faker("id_ID")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    company = make_company(COMPANY_CODE, "PT Angsur Multifinance (Demo)")
    branches = {}
    for code, name, tz, is_ho, address in BRANCHES:
        branches[code] = make_branch(code, company=company, name=name, time_zone=tz, is_head_office=is_ho)
        if not branches[code].address:
            branches[code].address = address
            branches[code].save(update_fields=["address"])
    make_user(Role.HO_ADMIN, None, username="admin.ho", first_name="Administrator", last_name="Kantor Pusat")
    for code, branch in branches.items():
        if branch.is_head_office:
            continue
        for role, prefix in ROLE_PREFIX.items():
            make_user(role, branch, username=f"{prefix}.{code.lower()}", first_name=fake.first_name(), last_name=fake.last_name())
    products = make_products()
    # Makassar publishes its own motorcycle price list with its dealers: a branch rate card overrides the company one.
    make_rate_card(
        products["NMC"],
        branch=branches["MKS"],
        effective_from=dt.date(2026, 6, 1),
        timing="addm",
        min_dp_pct="15",
        max_age=10,
        lines=[(12, 0, 1, "16.5", "2.2"), (18, 0, 1, "17", "3.1"), (24, 0, 1, "17.5", "3.9"), (36, 0, 1, "18.5", "5.2")],
        fees=[("admin", "fixed", 450_000, "0", False), ("fiduciary", "fixed", 100_000, "0", True)],
    )
    for code, brands in DEALERS.items():
        branch = branches[code]
        for index, (brand, kind) in enumerate(brands, start=1):
            dealer_code = f"{code}-{brand[:3].upper()}{index}"
            dealer = make_dealer(
                branch,
                code=dealer_code,
                name=f"{brand} {fake.last_name()} {CITY[code]}",
                brand=brand,
                vehicle_kind=kind,
                address=fake.street_address(),
                city=CITY[code],
                phone=f"08{rng.randint(1100000000, 1399999999)}",
                contact_name=fake.name(),
                bank_name=rng.choice(BANKS),
                bank_account_number=str(rng.randint(10**9, 10**10 - 1)),
                bank_account_name=f"PT {brand} {fake.last_name()}",
            )
            make_dealer_user(dealer)
        main = branch.dealers.filter(brand="Honda", parent__isnull=True).order_by("code").first()
        sub = make_dealer(
            branch,
            code=f"{code}-SUB1",
            name=f"Honda {fake.last_name()} (sub-dealer)",
            brand="Honda",
            vehicle_kind=VehicleKind.MOTORCYCLE,
            parent=main,
            city=CITY[code],
            contact_name=fake.name(),
        )
        make_dealer_user(sub)
    _seed_quotes(fake, rng)
    make_credit_config()
    seed_applications(as_of=DEMO_DATE)
    seed_contracts(as_of=DEMO_DATE)  # booked contracts with months of payments: on time, late, partly paid, settled, reversed
    seed_portfolio(contracts=portfolio)


def seed_portfolio(*, contracts: int = DEMO_PORTFOLIO_CONTRACTS) -> None:
    """Book the demo's synthetic portfolio once (a demo that has it keeps it)."""
    from angsur.devdata.portfolio import generate_portfolio
    from angsur.servicing.models import Contract

    hand_made = len(DEMO_BOOK) * Branch.objects.filter(is_head_office=False).count()
    if contracts <= 0 or Contract.objects.count() > hand_made:
        return
    generate_portfolio(contracts=contracts, seed=SEED, as_of=DEMO_DATE, months=DEMO_PORTFOLIO_MONTHS)


def _seed_quotes(fake: Faker, rng: random.Random) -> None:
    if SavedQuote.objects.exists():
        return
    from angsur.products.models import Product

    as_of = DEMO_DATE
    motor, car = Product.objects.get(code="NMC"), Product.objects.get(code="NCAR")
    for cmo in User.objects.filter(role=Role.CMO).select_related("branch").order_by("username"):
        dealers = list(cmo.branch.dealers.order_by("code"))
        for n in range(3):
            dealer = dealers[n % len(dealers)]
            is_car = dealer.vehicle_kind == VehicleKind.CAR
            otr = (
                Decimal(rng.choice([185, 215, 245, 289]) * 1_000_000)
                if is_car
                else Decimal(rng.choice([17_500, 19_850, 23_400, 29_900]) * 1_000)
            )
            dp = (otr * Decimal(rng.choice([20, 25, 30])) / 100).quantize(Decimal("1000"))
            quote_save(
                actor=cmo,
                product=car if is_car else motor,
                as_of=as_of,
                otr=otr,
                down_payment=dp,
                tenor_months=rng.choice([12, 24, 36]),
                vehicle_year=2026,
                vehicle_condition="new",
                prospect_name=fake.name(),
                prospect_phone=f"08{rng.randint(1100000000, 1399999999)}",
                vehicle_brand=dealer.brand,
                vehicle_model="",
                dealer=dealer,
            )


def demo_logins() -> list[DemoLogin]:
    rows = [DemoLogin("admin.ho", Role.HO_ADMIN, "HO")]
    for user in (
        User.objects.filter(username__contains=".")
        .exclude(username="admin.ho")
        .select_related("branch")
        .order_by("branch__code", "role", "username")
    ):
        note = user.dealer_link.dealer.name if user.role == Role.DEALER and hasattr(user, "dealer_link") else ""
        rows.append(DemoLogin(user.username, user.role, user.branch.code if user.branch else "", note))
    return rows


__all__ = ["DEMO_PASSWORD", "demo_logins", "is_seeded", "seed_demo"]
