"""Demo applications in every workflow state, made only through the origination services.

Deterministic (fixed random seed, Faker id_ID seeded) and idempotent (nothing happens once any
application exists). Called at the end of seed_demo(), inside its transaction: it needs the demo
branches JKT, MKS and JYP with their staff (cmo.jkt, ms.jkt, ca.jkt, cca.jkt, …), dealers and dealer
users and the products; the credit configuration (policy, authority matrix, scorecard) is ensured here
with the idempotent make_credit_config().

Each branch gets about a dozen orders spread over the workflow: draft, submitted, a survey due today,
surveyed (with small generated JPEG photos), in analysis, escalated, approved, approved with
conditions (counter-offer), rejected, appealed, cancelled, and orders keyed in by the dealer user.
Jakarta carries a duplicate-NIK flag (the customer tried two dealers), Makassar a negative-list hit.
Deciders respect maker-checker: the analyst decides, escalations and appeals go to the chief analyst,
appeals are filed by the marketing supervisor.
"""

import datetime as dt
import io
import random
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker import Faker

from angsur.dealers.models import Dealer, VehicleKind
from angsur.dealers.services import dealer_coverage_set
from angsur.devdata.factories import attach_required_documents, make_credit_config, nik_for
from angsur.org.models import Branch, User
from angsur.org.roles import Role
from angsur.origination.models import Application, MaritalStatus, NegativeListEntry
from angsur.origination.services import (
    HouseholdData,
    InformantData,
    PartyData,
    VehicleData,
    analysis_start,
    appeal_file,
    application_cancel,
    application_create,
    bureau_check_record,
    conditions_accept,
    decision_record,
    survey_assign,
    survey_complete,
    survey_photo_add,
)
from angsur.origination.workflow import Status
from angsur.products.models import Product
from angsur.scoring import normalize_phone
from angsur.scoring.errors import ScoringError
from angsur.workflow.engine import batch

SEED = 20261102
BRANCH_CODES = ("JKT", "MKS", "JYP")
CITY = {"JKT": "Jakarta Timur", "MKS": "Makassar", "JYP": "Jayapura"}
# NIK region codes (province, regency/city, district) around each branch.
REGIONS = {
    "JKT": ("317509", "317502", "317504", "317506", "327504"),
    "MKS": ("737101", "737104", "737110", "730601"),
    "JYP": ("947101", "947103", "947105", "940301"),
}
# The declared address lies around the branch's city centre.
CENTRE = {
    "JKT": (Decimal("-6.225000"), Decimal("106.900000")),
    "MKS": (Decimal("-5.147700"), Decimal("119.432700")),
    "JYP": (Decimal("-2.533700"), Decimal("140.718100")),
}
MOBILE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0856", "0878", "0877", "0896", "0838")
MODELS = {
    "Honda": ("BeAT", "Vario 125", "Scoopy", "PCX 160"),
    "Yamaha": ("NMAX", "Aerox 155", "Gear 125", "Fazzio"),
    "Suzuki": ("Nex II", "Address FI", "Satria F150"),
    "Toyota": ("Avanza 1.5 G", "Rush S", "Veloz Q", "Innova Zenix"),
    "Daihatsu": ("Xenia 1.3 R", "Terios X", "Sigra 1.2 R", "Rocky 1.0 X"),
    "Mitsubishi": ("Xpander Ultimate", "Xpander Cross", "L300"),
}
CAR_MODELS_SUZUKI = ("Ertiga GX", "XL7 Alpha", "Carry Pick Up")
COLOURS = ("Hitam", "Putih", "Merah", "Abu-abu", "Biru", "Silver")
POSITIONS = ("Staf Administrasi", "Guru SD", "Perawat", "Teknisi", "Kasir", "Supervisor Produksi", "Sopir", "Staf Gudang", "Bidan")
BUSINESSES = ("Toko Kelontong", "Warung Makan", "Bengkel Motor", "Usaha Laundry", "Toko Bangunan", "Kios Pulsa")
HOUSE_TYPES = ("Rumah permanen", "Rumah semi permanen", "Rumah kopel", "Ruko")
HOUSE_CONDITIONS = ("Baik, terawat", "Cukup", "Baik")
ROADS = ("Mobil bisa masuk", "Gang, hanya motor", "Jalan utama")
RELATIONS = ("Ketua RT", "Tetangga", "Pemilik warung", "Ketua RW", "Satpam kompleks")
ANSWERS = (
    "Benar tinggal di sini bersama keluarga, orangnya baik.",
    "Kenal sejak lama, tidak pernah ada masalah dengan warga.",
    "Sering terlihat berangkat kerja pagi, rumahnya milik sendiri.",
    "Keluarganya aktif di kegiatan RT, pembayaran iuran lancar.",
)


@dataclass(frozen=True)
class Plan:
    """One demo order: where it ends in the workflow and the deal it carries."""

    state: str
    product: str  # NMC, UMC or NCAR
    creator: str = "cmo"  # cmo or dealer
    note: str = ""  # special case: duplicate_nik, negative_list, accept_conditions, escalate_approve, appeal_approved
    sex: str = "M"
    employment_type: str = "employee"


def _plans(code: str) -> list[Plan]:
    """About a dozen orders per branch spread over every state, with a branch-specific special case or two."""
    plans = [
        Plan(Status.DRAFT, "NMC", sex="F"),
        Plan(Status.SUBMITTED, "UMC"),
        Plan(Status.SURVEY_ASSIGNED, "NMC", sex="F"),
        Plan(Status.SURVEYED, "NMC", employment_type="self_employed"),
        Plan(Status.IN_ANALYSIS, "UMC", sex="F"),
        Plan(Status.ESCALATED, "NCAR", employment_type="self_employed"),
        Plan(Status.APPROVED, "NMC"),
        Plan(Status.APPROVED_WITH_CONDITIONS, "NMC", sex="F"),
        Plan(Status.REJECTED, "UMC"),
        Plan(Status.APPEALED, "NMC", employment_type="self_employed"),
        Plan(Status.CANCELLED, "NCAR", sex="F"),
    ]
    if code == "JKT":
        # the customer of the submitted order tries a second dealer: the portal order is flagged (same NIK)
        plans += [
            Plan(Status.SUBMITTED, "NMC", creator="dealer", note="duplicate_nik"),
            Plan(Status.APPROVED, "NCAR", note="escalate_approve"),
        ]
    elif code == "MKS":
        plans += [
            Plan(Status.REJECTED, "NMC", note="negative_list", sex="F"),
            Plan(Status.DRAFT, "NMC", creator="dealer"),
            Plan(Status.APPROVED, "NMC", note="accept_conditions"),
        ]
    else:
        plans += [
            Plan(Status.SURVEY_ASSIGNED, "NMC", creator="dealer", sex="F"),
            Plan(Status.APPROVED, "UMC", note="appeal_approved", employment_type="self_employed"),
        ]
    return plans


class _Seeder:
    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.rng = random.Random(SEED)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(SEED)
        self.serial = 100
        self.phones: set[str] = set()
        self.products = {p.code: p for p in Product.objects.filter(code__in=["NMC", "UMC", "NCAR"])}

    # ------------------------------------------------------------------------------------------ people and deals

    def phone(self) -> str:
        while True:
            raw = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(10_000_000, 99_999_999)}"
            try:
                e164 = normalize_phone(raw, mobile_only=True)
            except ScoringError:
                continue
            if e164 not in self.phones:
                self.phones.add(e164)
                return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"

    def person(self, code: str, *, sex: str, employment_type: str, income: Decimal, married: bool) -> PartyData:
        fake, rng = self.fake, self.rng
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        last = fake.last_name_female() if sex == "F" else fake.last_name_male()
        birth = dt.date(rng.randint(1978, 1999), rng.randint(1, 12), rng.randint(1, 28))
        self.serial += 1
        address = f"{fake.street_address()}, {CITY[code]}"
        if employment_type == "self_employed":
            employer, position = f"{rng.choice(BUSINESSES)} {last}", "Pemilik usaha"
        else:
            employer, position = fake.company(), rng.choice(POSITIONS)
        return PartyData(
            full_name=f"{first} {last}",
            nik=nik_for(birth, sex, region=rng.choice(REGIONS[code]), serial=self.serial),
            birth_place=CITY[code] if rng.random() < 0.7 else fake.city_name(),
            birth_date=birth,
            sex=sex,
            marital_status=MaritalStatus.MARRIED if married else MaritalStatus.SINGLE,
            phone=self.phone(),
            ktp_address=address,
            mother_maiden_name=fake.first_name_female(),
            employment_type=employment_type,
            employer_name=employer[:120],
            position=position,
            employment_months=rng.choice([14, 24, 36, 48, 60, 96]),
            monthly_income=income,
        )

    def spouse_of(self, code: str, applicant: PartyData) -> PartyData:
        sex = "M" if applicant.sex == "F" else "F"
        spouse = self.person(code, sex=sex, employment_type="other", income=Decimal(0), married=True)
        return replace(spouse, ktp_address=applicant.ktp_address, employer_name="", position="", employment_months=0)

    def deal(self, product: str, dealer: Dealer) -> tuple[VehicleData, Decimal, Decimal, int, Decimal]:
        """Vehicle, OTR, down payment, tenor and a declared income that fits the deal."""
        rng = self.rng
        brand = dealer.brand
        models = CAR_MODELS_SUZUKI if brand == "Suzuki" and product == "NCAR" else MODELS.get(brand, ("Standar",))
        model = rng.choice(models)
        frame = f"MH{rng.choice('1234')}{''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ0123456789') for _ in range(14))}"
        engine = f"{brand[:2].upper()}{rng.randint(10, 99)}E{rng.randint(1_000_000, 9_999_999)}"
        if product == "NCAR":
            otr = Decimal(rng.choice([189_500_000, 215_000_000, 245_700_000, 268_000_000, 312_000_000]))
            dp_pct, tenor, year, condition = rng.choice([25, 30, 35]), rng.choice([36, 48, 60]), self.as_of.year, "new"
            income = Decimal(rng.choice([28, 32, 38, 45])) * 1_000_000
        elif product == "UMC":
            otr = Decimal(rng.choice([9_800_000, 12_500_000, 14_750_000, 17_900_000]))
            dp_pct, tenor, year, condition = rng.choice([25, 30, 35]), rng.choice([12, 18, 24]), rng.randint(2019, 2023), "used"
            income = Decimal(rng.choice([4_500_000, 5_200_000, 6_000_000, 7_500_000]))
        else:
            otr = Decimal(rng.choice([18_950_000, 23_400_000, 27_650_000, 33_900_000]))
            dp_pct, tenor, year, condition = rng.choice([15, 20, 25, 30]), rng.choice([12, 18, 24, 36]), self.as_of.year, "new"
            income = Decimal(rng.choice([5_000_000, 6_500_000, 8_000_000, 11_000_000]))
        dp = (otr * dp_pct / 100 / 100_000).to_integral_value(ROUND_CEILING) * 100_000
        vehicle = VehicleData(
            kind=dealer.vehicle_kind,
            brand=brand,
            model=model,
            year=year,
            condition=condition,
            colour=rng.choice(COLOURS),
            frame_number=frame,
            engine_number=engine,
        )
        return vehicle, otr, dp, tenor, income

    # ------------------------------------------------------------------------------------------ the workflow

    def photo(self, name: str) -> SimpleUploadedFile:
        """A tiny but valid JPEG: a house on a plot, in a colour of its own."""
        from PIL import Image, ImageDraw

        rng = self.rng
        wall = (rng.randint(150, 240), rng.randint(120, 220), rng.randint(80, 200))
        image = Image.new("RGB", (160, 120), (135, 190, 230))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 90, 160, 120), fill=(90, 150, 70))
        draw.rectangle((40, 55, 120, 100), fill=wall)
        draw.polygon([(32, 58), (80, 22), (128, 58)], fill=(150, 50, 40))
        draw.rectangle((72, 72, 88, 100), fill=(90, 60, 40))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=60)
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    def survey(
        self,
        app: Application,
        staff: dict[str, User],
        *,
        assign_by: User,
        recommend: bool = True,
        verified_income: Decimal | None = None,
        visit: dt.datetime,
    ) -> None:
        rng, fake = self.rng, self.fake
        cmo = staff["cmo"]
        survey = survey_assign(actor=assign_by, application=app, surveyor=cmo, scheduled_for=visit)
        lat = app.address_latitude + Decimal(rng.randint(-60, 60)) / 100_000
        lon = app.address_longitude + Decimal(rng.randint(-60, 60)) / 100_000
        captions = ["Tampak depan rumah", "Ruang tamu bersama pemohon"][: rng.randint(1, 2)]
        now = timezone.now()
        for index, caption in enumerate(captions):
            survey_photo_add(
                actor=cmo,
                survey=survey,
                uploaded=self.photo(f"survei-{app.number.lower()}-{index + 1}.jpg"),
                taken_at=now - dt.timedelta(minutes=10 - index),
                latitude=lat.quantize(Decimal("0.000001")),
                longitude=lon.quantize(Decimal("0.000001")),
                caption=caption,
            )
        applicant = app.parties.get(role="applicant")
        income = verified_income if verified_income is not None else app.declared_income
        data = {
            "residence_ownership": app.residence_ownership or "own",
            "residence_months": app.residence_months,
            "house_type": rng.choice(HOUSE_TYPES),
            "house_condition": rng.choice(HOUSE_CONDITIONS),
            "road_access": rng.choice(ROADS),
            "employer_verified": recommend,
            "employment_verification": (
                f"Telepon HRD {applicant.employer_name}"
                if applicant.employment_type == "employee"
                else f"Kunjungan ke {applicant.employer_name}, cek nota penjualan"
            )
            if recommend
            else "Tempat kerja tidak dapat dihubungi",
            "employment_months": applicant.employment_months,
            "dependents": app.dependents,
            "verified_income": income,
            "household_income": Decimal(0),
            "household_expense": app.household_expense,
            "recommendation": "recommend" if recommend else "not_recommend",
            "recommendation_reason": (
                "Rumah sesuai alamat, pekerjaan terverifikasi, tetangga mengenal baik."
                if recommend
                else "Penghasilan tidak dapat dibuktikan, tetangga ragu pemohon tinggal di alamat ini."
            ),
            "latitude": lat.quantize(Decimal("0.000001")),
            "longitude": lon.quantize(Decimal("0.000001")),
        }
        informants = [InformantData(fake.name()[:120], rng.choice(RELATIONS), recommend or n == 0, rng.choice(ANSWERS)) for n in range(2)]
        survey_complete(actor=cmo, survey=survey, data=data, informants=informants)

    def bureau(self, app: Application, analyst: User, *, kol: int | None = 1, note: str = "") -> None:
        outstanding = Decimal(0) if kol in (None, 1) else Decimal(self.rng.choice([4_500_000, 12_300_000]))
        bureau_check_record(
            actor=analyst,
            application=app,
            enquiry_date=self.as_of - dt.timedelta(days=self.rng.randint(0, 5)),
            consent_given=True,
            worst_collectibility=kol,
            outstanding=outstanding,
            note=note
            or (
                "Tidak ada fasilitas kredit aktif."
                if kol is None
                else "Fasilitas kredit lancar."
                if kol == 1
                else "Tunggakan kartu kredit lebih dari 90 hari."
            ),
            as_of=self.as_of,
        )

    @staticmethod
    def income_for(app: Application, dsr_pct: int) -> Decimal:
        """The verified income that puts the DSR (with existing installments) at about the percentage, rounded up to Rp100,000."""
        existing = sum((o.monthly_installment for o in app.obligations.all()), Decimal(0))
        return ((app.installment + existing) * 100 / dsr_pct / 100_000).to_integral_value(ROUND_CEILING) * 100_000

    def run_branch(self, branch: Branch) -> None:
        code = branch.code
        staff = {prefix: User.objects.get(username=f"{prefix}.{code.lower()}") for prefix in ("cmo", "ms", "ca", "cca")}
        dealers = list(Dealer.objects.filter(branch=branch, is_active=True).order_by("code"))
        for dealer in dealers:
            dealer_coverage_set(actor=None, dealer=dealer, user=staff["cmo"], is_primary=True)
        motor = [d for d in dealers if d.vehicle_kind == VehicleKind.MOTORCYCLE]
        cars = [d for d in dealers if d.vehicle_kind == VehicleKind.CAR]
        tz = ZoneInfo(branch.time_zone)
        remembered: dict[str, PartyData] = {}
        remembered_dealer = motor[0]
        for index, plan in enumerate(_plans(code)):
            choices = cars if plan.product == "NCAR" else motor
            if plan.note == "duplicate_nik":  # the same customer at another dealer
                choices = [d for d in motor if d.pk != remembered_dealer.pk] or motor
            dealer = self.rng.choice(choices)
            vehicle, otr, dp, tenor, income = self.deal(plan.product, dealer)
            applicant = self.person(
                code, sex=plan.sex, employment_type=plan.employment_type, income=income, married=self.rng.random() < 0.65
            )
            if plan.note == "duplicate_nik":
                applicant = replace(remembered["submitted"], phone=self.phone(), monthly_income=income)
            married = applicant.marital_status == MaritalStatus.MARRIED
            if plan.note == "negative_list":
                NegativeListEntry.objects.get_or_create(
                    nik=applicant.nik, defaults={"reason": "Pemalsuan dokumen pada pengajuan 2025 (cabang Makassar)"}
                )
            spouse = self.spouse_of(code, applicant) if married and self.rng.random() < 0.5 and plan.note != "duplicate_nik" else None
            lat0, lon0 = CENTRE[code]
            household = HouseholdData(
                declared_income=income,
                household_expense=(income * Decimal(self.rng.choice([30, 35, 40])) / 100).quantize(Decimal("1000")),
                dependents=self.rng.randint(0, 3) if married else self.rng.randint(0, 1),
                residence_ownership=self.rng.choice(["own", "own", "family", "rent"]),
                residence_months=self.rng.choice([18, 36, 60, 120]),
                address_latitude=(lat0 + Decimal(self.rng.randint(-3000, 3000)) / 100_000).quantize(Decimal("0.000001")),
                address_longitude=(lon0 + Decimal(self.rng.randint(-3000, 3000)) / 100_000).quantize(Decimal("0.000001")),
                obligations=(("Kartu kredit BCA", Decimal(450_000)),) if self.rng.random() < 0.2 else (),
            )
            actor = staff["cmo"]
            if plan.creator == "dealer":  # keyed in on the dealer portal (falls back to the CMO if the dealer has no login)
                portal = User.objects.filter(role=Role.DEALER, is_active=True, dealer_link__dealer=dealer).order_by("username")
                actor = portal.first() or actor
            app = application_create(
                actor=actor,
                dealer=dealer,
                product=self.products[plan.product],
                as_of=self.as_of,
                vehicle=vehicle,
                otr=otr,
                down_payment=dp,
                tenor_months=tenor,
                applicant=applicant,
                household=household,
                spouse=spouse,
                submit=plan.state != Status.DRAFT,
            )
            if plan.state != Status.DRAFT:
                # the checklist is complete before a decision (origination.services._check_documents)
                attach_required_documents(actor=actor, application=app)
            if plan.state == Status.SUBMITTED and plan.creator == "cmo":
                remembered["submitted"], remembered_dealer = applicant, dealer
            visit = dt.datetime.combine(self.as_of, dt.time(9 + index % 8, 0), tzinfo=tz)
            self.advance(app, plan, staff, visit=visit)

    def advance(self, app: Application, plan: Plan, staff: dict[str, User], *, visit: dt.datetime) -> None:
        """Drive the order to its planned state through the services."""
        state, note, as_of = plan.state, plan.note, self.as_of
        ca, cca, ms, cmo = staff["ca"], staff["cca"], staff["ms"], staff["cmo"]
        if state in (Status.DRAFT, Status.SUBMITTED):
            return
        if state == Status.CANCELLED:
            application_cancel(actor=cmo, application=app, reason="Konsumen membatalkan: membeli tunai di dealer lain.")
            return
        if state == Status.SURVEY_ASSIGNED:
            # the supervisor assigns; the CMO takes the dealer's portal orders himself
            survey_assign(actor=cmo if plan.creator == "dealer" else ms, application=app, surveyor=cmo, scheduled_for=visit)
            return
        conditional = state == Status.APPROVED_WITH_CONDITIONS or note == "accept_conditions"
        appealed = state == Status.APPEALED or note == "appeal_approved"
        self.survey(
            app,
            staff,
            assign_by=ms if plan.product == "NCAR" else cmo,
            recommend=not appealed,
            verified_income=self.income_for(app, 42 if conditional else 24),
            visit=visit - dt.timedelta(days=1),
        )
        if state == Status.SURVEYED:
            return
        app = analysis_start(actor=ca, application=app)
        self.bureau(app, ca, kol=4 if state == Status.REJECTED and note != "negative_list" else 1)
        if state == Status.IN_ANALYSIS:
            return
        if state == Status.ESCALATED or note == "escalate_approve":
            decision_record(
                actor=ca,
                application=app,
                outcome="escalate",
                reason_codes=["other"],
                as_of=as_of,
                rationale="Pokok hutang di atas batas wewenang analis; diteruskan ke Kepala Analis Kredit.",
            )
            if note == "escalate_approve":
                decision_record(
                    actor=cca,
                    application=app,
                    outcome="approve",
                    reason_codes=["good_profile"],
                    as_of=as_of,
                    rationale="Penghasilan stabil, DSR wajar, SLIK lancar. Disetujui pada level 2.",
                )
        elif conditional:
            decision_record(
                actor=ca,
                application=app,
                outcome="approve_conditions",
                reason_codes=["dsr_too_high"],
                as_of=as_of,
                rationale="DSR di atas batas 33%; disetujui dengan syarat sesuai penawaran balik.",
            )
            if note == "accept_conditions":
                conditions_accept(actor=cmo, application=app, as_of=as_of)
        elif note == "negative_list":
            decision_record(
                actor=ca,
                application=app,
                outcome="reject",
                reason_codes=["negative_list", "data_inconsistent"],
                as_of=as_of,
                rationale="NIK pemohon tercantum di daftar negatif perusahaan (pemalsuan dokumen).",
            )
        elif state == Status.REJECTED:
            decision_record(
                actor=ca,
                application=app,
                outcome="reject",
                reason_codes=["bureau_collectibility"],
                as_of=as_of,
                rationale="SLIK menunjukkan kolektibilitas 4 (diragukan) pada kartu kredit; tidak sesuai kebijakan.",
            )
        elif appealed:
            decision_record(
                actor=ca,
                application=app,
                outcome="reject",
                reason_codes=["employment_unverified", "character"],
                as_of=as_of,
                rationale="Usaha pemohon tidak dapat diverifikasi dan cek lingkungan kurang mendukung.",
            )
            appeal_file(
                actor=ms,
                application=app,
                argument="Usaha pemohon sudah berjalan empat tahun; nota penjualan dan foto toko "
                "terlampir. Tetangga yang ragu baru pindah ke lingkungan itu.",
            )
            if note == "appeal_approved":
                decision_record(
                    actor=cca,
                    application=app,
                    outcome="approve",
                    reason_codes=["good_profile"],
                    as_of=as_of,
                    rationale="Banding diterima: nota penjualan dan foto toko membuktikan usaha berjalan.",
                )
        else:
            decision_record(
                actor=ca,
                application=app,
                outcome="approve",
                reason_codes=["good_profile"],
                as_of=as_of,
                rationale="Profil sesuai kebijakan: pekerjaan terverifikasi, SLIK lancar, DSR di bawah batas.",
            )


@batch()
def seed_applications(as_of: dt.date) -> None:
    """Seed demo applications in every workflow state (once: nothing happens if any application exists)."""
    if Application.objects.exists():
        return
    # Deciding needs the credit policy, authority matrix and scorecard; seed_demo() does not set them up (idempotent).
    make_credit_config()
    seeder = _Seeder(as_of)
    for code in BRANCH_CODES:
        seeder.run_branch(Branch.objects.get(code=code))


__all__ = ["seed_applications"]
