"""Factories for demo data and tests: every record is made through the real services."""

import datetime as dt
from decimal import Decimal
from itertools import count

from django.conf import settings
from django.contrib.auth.hashers import make_password

from angsur.caching import invalidate
from angsur.dealers.models import Dealer
from angsur.dealers.services import dealer_create, dealer_user_link
from angsur.org.models import Branch, BranchTimeZone, Company, User
from angsur.org.roles import Role
from angsur.org.services import branch_create, company_create, user_create
from angsur.products.models import (
    CompanyNpf,
    FeeBasis,
    FeeCode,
    InsuranceKind,
    MinDpTier,
    Product,
    ProductKind,
    RateCard,
    RateCardFee,
    RateCardLine,
    VehicleKind,
)

DEMO_PASSWORD = "demo-angsur"  # noqa: S105 - the published demo password
_seq = count(1)

# Username prefix per role, as printed in the README's demo logins.
ROLE_PREFIX = {
    Role.CMO: "cmo",
    Role.MARKETING_SUPERVISOR: "ms",
    Role.MARKETING_HEAD: "mh",
    Role.CREDIT_ANALYST: "ca",
    Role.CHIEF_CREDIT_ANALYST: "cca",
    Role.BRANCH_MANAGER: "bm",
    Role.ADMIN: "adm",
    Role.FRONT_OFFICE: "fo",
    Role.COLLECTOR: "coll",
    Role.REMEDIAL: "rem",
}


def make_company(code: str = "AMF", name: str = "PT Angsur Multifinance") -> Company:
    existing = Company.objects.filter(code=code).first()
    return existing or company_create(actor=None, code=code, name=name)


def make_branch(
    code: str | None = None,
    *,
    company: Company | None = None,
    name: str = "",
    time_zone: str = BranchTimeZone.WIB,
    is_head_office: bool = False,
) -> Branch:
    code = code or f"B{next(_seq):02d}"
    existing = Branch.objects.filter(code=code).first()
    if existing:
        return existing
    return branch_create(
        actor=None,
        company=company or make_company(),
        code=code,
        name=name or f"Cabang {code}",
        time_zone=time_zone,
        is_head_office=is_head_office,
    )


# Argon2 is slow on purpose (~0.3 s a hash): demo and test users share one hash per password and
# hasher instead of hashing the same password once per user.
_PASSWORD_HASHES: dict[tuple[str, str], str] = {}


def _password_hash(raw: str) -> str:
    key = (raw, settings.PASSWORD_HASHERS[0])
    if key not in _PASSWORD_HASHES:
        _PASSWORD_HASHES[key] = make_password(raw)
    return _PASSWORD_HASHES[key]


def make_user(
    role: str,
    branch: Branch | None = None,
    *,
    username: str | None = None,
    password: str = DEMO_PASSWORD,
    first_name: str = "",
    last_name: str = "",
) -> User:
    if role != Role.HO_ADMIN and branch is None:
        branch = make_branch()
    username = username or f"{ROLE_PREFIX.get(role, role)}.{(branch.code if branch else 'ho').lower()}.{next(_seq)}"
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return user_create(
        actor=None,
        username=username,
        password=password,
        password_hash=_password_hash(password),
        role=role,
        branch=branch,
        first_name=first_name or role.replace("_", " ").title(),
        last_name=last_name,
    )


def make_dealer(
    branch: Branch | None = None,
    *,
    code: str | None = None,
    name: str = "",
    brand: str = "Honda",
    vehicle_kind: str = VehicleKind.MOTORCYCLE,
    **fields: object,
) -> Dealer:
    branch = branch or make_branch()
    code = code or f"D{next(_seq):04d}"
    existing = Dealer.objects.filter(code=code).first()
    if existing:
        return existing
    return dealer_create(
        actor=None, branch=branch, code=code, name=name or f"Dealer {code}", brand=brand, vehicle_kind=vehicle_kind, **fields
    )


def make_dealer_user(dealer: Dealer, *, username: str | None = None, password: str = DEMO_PASSWORD) -> User:
    user = make_user(
        Role.DEALER,
        dealer.branch,
        username=username or f"dealer.{dealer.code.lower()}",
        password=password,
        first_name=dealer.contact_name or "Staf",
        last_name=dealer.name[:30],
    )
    dealer_user_link(actor=None, user=user, dealer=dealer)
    return user


def make_rate_card(
    product: Product,
    *,
    effective_from: dt.date,
    timing: str,
    rate_kind: str = "flat",
    min_dp_pct: str = "20",
    lines: list[tuple[int, int, int, str, str]],
    fees: list[tuple] = (),  # (code, basis, rupiah, pct, financed[, tenor_months])
    branch: Branch | None = None,
    insurance_kind: str = InsuranceKind.TLO,
    max_age: int = 15,
    rounding_unit: int = 1000,
    life_pct: str = "0",
) -> RateCard:
    card, created = RateCard.objects.get_or_create(
        product=product,
        branch=branch,
        effective_from=effective_from,
        defaults={
            "timing": timing,
            "rate_kind": rate_kind,
            "min_dp_pct": Decimal(min_dp_pct),
            "insurance_kind": insurance_kind,
            "max_vehicle_age_at_maturity": max_age,
            "rounding_unit": rounding_unit,
            "life_insurance_pct": Decimal(life_pct),
        },
    )
    if created:
        RateCardLine.objects.bulk_create(
            RateCardLine(
                rate_card=card, tenor_months=t, vehicle_age_from=a0, vehicle_age_to=a1, rate_pct=Decimal(r), insurance_pct=Decimal(i)
            )
            for t, a0, a1, r, i in lines
        )
        RateCardFee.objects.bulk_create(
            RateCardFee(
                rate_card=card,
                code=c,
                basis=b,
                amount_sen=amt * 100,
                pct=Decimal(p),
                financed=fin,
                tenor_months=tenor[0] if tenor else None,
            )
            for c, b, amt, p, fin, *tenor in fees
        )
        invalidate("pricing")  # bulk_create sends no post_save
    return card


def make_policy_tables(effective_from: dt.date = dt.date(2019, 1, 1), npf_pct: str = "2.35") -> None:
    """POJK 35/POJK.05/2018 Pasal 20 minimum-DP tiers (kept as a table: sources disagree on the worst tiers)."""
    if not MinDpTier.objects.exists():
        rows = [("1", "0"), ("3", "10"), ("5", "15"), ("100", "20")]
        MinDpTier.objects.bulk_create(
            MinDpTier(vehicle_kind=kind, npf_max_pct=Decimal(n), min_dp_pct=Decimal(d), effective_from=effective_from)
            for kind in (VehicleKind.MOTORCYCLE, VehicleKind.CAR)
            for n, d in rows
        )
        invalidate("pricing")  # bulk_create sends no post_save
    CompanyNpf.objects.get_or_create(effective_from=effective_from, defaults={"npf_pct": Decimal(npf_pct), "is_sound": True})


def make_products(effective_from: dt.date = dt.date(2026, 1, 1)) -> dict[str, Product]:
    """The demo catalogue: realistic rate cards for each product kind."""
    make_policy_tables()
    specs = [
        ("OJK17", "Simulasi OJK (17% flat)", ProductKind.NEW_MOTORCYCLE, VehicleKind.MOTORCYCLE),
        ("NMC", "Motor Baru", ProductKind.NEW_MOTORCYCLE, VehicleKind.MOTORCYCLE),
        ("UMC", "Motor Bekas", ProductKind.USED_MOTORCYCLE, VehicleKind.MOTORCYCLE),
        ("NCAR", "Mobil Baru", ProductKind.NEW_CAR, VehicleKind.CAR),
        ("UCAR", "Mobil Bekas", ProductKind.USED_CAR, VehicleKind.CAR),
        ("MPB", "Multiguna Jaminan BPKB", ProductKind.MULTIPURPOSE, VehicleKind.CAR),
    ]
    products = {}
    for code, name, kind, vkind in specs:
        products[code], _ = Product.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "vehicle_kind": vkind})
    # domain.md §3: OJK literacy example — OTR 15,000,000, DP 3,000,000, 17 % flat, 12 months → 1,170,000.
    make_rate_card(
        products["OJK17"],
        effective_from=effective_from,
        timing="addb",
        min_dp_pct="20",
        insurance_kind=InsuranceKind.NONE,
        lines=[(t, 0, 99, "17", "0") for t in (12, 24, 36)],
    )
    make_rate_card(
        products["NMC"],
        effective_from=effective_from,
        timing="addm",
        min_dp_pct="15",
        max_age=10,
        lines=[
            (12, 0, 1, "17", "2.2"),
            (18, 0, 1, "17.5", "3.1"),
            (24, 0, 1, "18", "3.9"),
            (30, 0, 1, "18.5", "4.6"),
            (36, 0, 1, "19", "5.2"),
        ],
        fees=[(FeeCode.ADMIN, FeeBasis.FIXED, 500_000, "0", False), (FeeCode.FIDUCIARY, FeeBasis.FIXED, 100_000, "0", True)],
    )
    make_rate_card(
        products["UMC"],
        effective_from=effective_from,
        timing="addb",
        min_dp_pct="25",
        max_age=12,
        lines=[
            (t, a0, a1, r, i)
            for t, r0, i in ((12, 22, "2.6"), (18, 23, "3.6"), (24, 24, "4.5"), (36, 26, "6.0"))
            for a0, a1, r in ((0, 5, str(r0)), (6, 9, str(r0 + 3)))
        ],
        fees=[(FeeCode.ADMIN, FeeBasis.FIXED, 750_000, "0", False), (FeeCode.FIDUCIARY, FeeBasis.FIXED, 100_000, "0", True)],
    )
    make_rate_card(
        products["NCAR"],
        effective_from=effective_from,
        timing="addb",
        min_dp_pct="20",
        insurance_kind=InsuranceKind.ALL_RISK,
        max_age=10,
        lines=[
            (12, 0, 1, "8.5", "2.9"),
            (24, 0, 1, "9", "5.4"),
            (36, 0, 1, "9.5", "7.6"),
            (48, 0, 1, "10.5", "9.5"),
            (60, 0, 1, "11", "11.2"),
        ],
        fees=[
            (FeeCode.ADMIN, FeeBasis.FIXED, 2_500_000, "0", False),
            (FeeCode.PROVISION, FeeBasis.PRINCIPAL, 0, "1", True),
            (FeeCode.FIDUCIARY, FeeBasis.FIXED, 250_000, "0", True),
        ],
        life_pct="0.5",
    )
    make_rate_card(
        products["UCAR"],
        effective_from=effective_from,
        timing="addb",
        min_dp_pct="25",
        max_age=15,
        lines=[
            (t, a0, a1, r, i)
            for t, r0, i in ((12, 12, "2.1"), (24, 13, "3.9"), (36, 14, "5.5"), (48, 15, "6.9"))
            for a0, a1, r in ((0, 5, str(r0)), (6, 10, str(r0 + 2)))
        ],
        fees=[(FeeCode.ADMIN, FeeBasis.FIXED, 3_000_000, "0", False), (FeeCode.PROVISION, FeeBasis.PRINCIPAL, 0, "1.5", True)],
    )
    make_rate_card(
        products["MPB"],
        effective_from=effective_from,
        timing="addb",
        rate_kind="effective",
        min_dp_pct="30",
        max_age=15,
        insurance_kind=InsuranceKind.TLO,
        lines=[(t, 0, 12, r, i) for t, r, i in ((12, "22", "1.4"), (24, "23", "2.6"), (36, "24", "3.6"))],
        fees=[(FeeCode.ADMIN, FeeBasis.FIXED, 1_500_000, "0", True), (FeeCode.PROVISION, FeeBasis.PRINCIPAL, 0, "2", True)],
    )
    return products


def make_credit_config(effective_from: dt.date = dt.date(2019, 1, 1)) -> None:
    """Credit policy, authority matrix, scorecard, document checklist and service-level targets."""
    from angsur.origination.models import (
        AuthorityRule,
        CreditPolicy,
        DocumentKind,
        DocumentRequirement,
        ScorecardConfig,
        ServiceLevelTarget,
    )
    from angsur.scoring import DEFAULT_SCORECARD, scorecard_to_dict

    CreditPolicy.objects.get_or_create(effective_from=effective_from)
    if not AuthorityRule.objects.exists():
        AuthorityRule.objects.bulk_create(
            [
                AuthorityRule(role=Role.CREDIT_ANALYST, level=1, max_financed_sen=50_000_000 * 100, worst_grade="C"),
                AuthorityRule(role=Role.CHIEF_CREDIT_ANALYST, level=2, max_financed_sen=250_000_000 * 100, worst_grade="D"),
                AuthorityRule(role=Role.MARKETING_HEAD, level=2, max_financed_sen=150_000_000 * 100, worst_grade="C"),
                AuthorityRule(role=Role.BRANCH_MANAGER, level=3, max_financed_sen=1_000_000_000 * 100, worst_grade="E"),
            ]
        )
    ScorecardConfig.objects.get_or_create(
        code=DEFAULT_SCORECARD.code, effective_from=effective_from, defaults={"definition": scorecard_to_dict(DEFAULT_SCORECARD)}
    )
    ServiceLevelTarget.objects.get_or_create(branch=None)
    for product in Product.objects.all():
        kinds = [DocumentKind.EKTP, DocumentKind.KK, DocumentKind.PBB_OR_ELECTRICITY, DocumentKind.APPLICANT_PHOTO]
        kinds.append(DocumentKind.BPKB if product.kind == ProductKind.MULTIPURPOSE else DocumentKind.PAYSLIP)
        for kind in kinds:
            DocumentRequirement.objects.get_or_create(product=product, kind=kind)


def nik_for(birth_date: dt.date, sex: str = "M", region: str = "317509", serial: int = 1) -> str:
    """A well-formed NIK: region, DDMMYY (day + 40 for women), serial."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def party_data(
    *,
    name: str = "Budi Santoso",
    birth_date: dt.date = dt.date(1990, 1, 12),
    sex: str = "M",
    serial: int = 1,
    phone: str = "0812-3456-7890",
    income: Decimal = Decimal("6000000"),
    employment_months: int = 36,
    marital_status: str = "married",
    employment_type: str = "employee",
):
    from angsur.origination.services import PartyData

    return PartyData(
        full_name=name,
        nik=nik_for(birth_date, sex, serial=serial),
        birth_place="Jakarta",
        birth_date=birth_date,
        sex=sex,
        marital_status=marital_status,
        phone=phone,
        ktp_address="Jl. Pemuda No. 10, Rawamangun, Jakarta Timur",
        mother_maiden_name="Siti",
        employment_type=employment_type,
        employer_name="PT Maju Jaya",
        position="Staf",
        employment_months=employment_months,
        monthly_income=income,
    )


def make_application(
    *,
    actor: User,
    dealer: Dealer,
    product_code: str = "NMC",
    as_of: dt.date = dt.date(2026, 11, 2),
    otr: Decimal = Decimal("23400000"),
    down_payment: Decimal = Decimal("4700000"),
    tenor_months: int = 24,
    income: Decimal = Decimal("6000000"),
    submit: bool = True,
    applicant=None,
    existing: Decimal = Decimal(0),
    frame_number: str = "",
    latitude: Decimal | None = Decimal("-6.200000"),
    longitude: Decimal | None = Decimal("106.900000"),
    documents: bool = True,
):
    """An order through the real service; with ``documents`` the product's required documents attached."""
    from angsur.origination.services import HouseholdData, VehicleData, application_create

    product = Product.objects.get(code=product_code)
    app = application_create(
        actor=actor,
        dealer=dealer,
        product=product,
        as_of=as_of,
        vehicle=VehicleData(
            kind=product.vehicle_kind,
            brand=dealer.brand,
            model="Vario 125",
            year=as_of.year,
            condition="new",
            colour="Hitam",
            frame_number=frame_number,
        ),
        otr=otr,
        down_payment=down_payment,
        tenor_months=tenor_months,
        applicant=applicant or party_data(income=income),
        household=HouseholdData(
            declared_income=income,
            household_expense=Decimal("2000000"),
            dependents=2,
            residence_ownership="own",
            residence_months=48,
            address_latitude=latitude,
            address_longitude=longitude,
            obligations=(("Bank BRI", existing),) if existing else (),
        ),
        submit=submit,
    )
    if documents:
        attach_required_documents(actor=actor, application=app)
    return app


# A minimal PDF: uploads are recognised by their first bytes (origination/uploads.py).
PLACEHOLDER_PDF = b"%PDF-1.4\n% angsur demo document\n%%EOF\n"


def attach_required_documents(*, actor: User, application, missing_ok: tuple[str, ...] = ()) -> None:
    """Upload a placeholder PDF for each of the product's required documents (demo and test data)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from angsur.origination.models import DocumentRequirement
    from angsur.origination.services import document_upload

    kinds = DocumentRequirement.objects.filter(product_id=application.product_id, required=True).values_list("kind", flat=True)
    for kind in kinds:
        if kind not in missing_ok:
            upload = SimpleUploadedFile(f"{kind}.pdf", PLACEHOLDER_PDF, content_type="application/pdf")
            document_upload(actor=actor, application=application, kind=kind, uploaded=upload)
