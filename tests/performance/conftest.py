"""A small hand-built portfolio whose every figure can be counted by hand (see PORTFOLIO below).

Rows are made directly (applications, contracts, end-of-day snapshots): the figures read those tables and
nothing else, and walking 10 orders through the whole flow would test origination, not the figures.

Branch A (JKT): dealers D1 (dealer_a) and D2 (dealer_a2); CMOs cmo_a and cmo_a2. Branch B: dealer_b, cmo_b.

Orders submitted in November 2026 (submitted 09:00 on the 2nd, decided after the hours shown):
    D1: approved 24 h, approved with conditions 48 h, rejected 12 h (dsr_too_high, character), in analysis
    D2: approved 10 h, rejected 20 h (dsr_too_high)
    B : approved 5 h

Contracts (financed principal), booked month, CMO, dealer:
    c1 20 M Jan D1 cmo_a   c2 10 M Jan D1 cmo_a   c3 10 M Jan D1 cmo_a   c4 10 M Jan D1 cmo_a
    c5 10 M Jan D2 cmo_a2  c6 10 M Jan D2 cmo_a2  c7 10 M Feb D1 cmo_a   c8 10 M Apr D1 cmo_a
    c9 10 M Apr D1 cmo_a   b1 10 M Jan dealer_b cmo_b

Snapshots (DPD / bucket / Kol, FPD flag):
    31 Mar (Jan cohort MOB 2):  c1 0 B0, c2 10 B1, c3 25 B1, c4 0 B0, c5 40 B2, c6 0 B0
    30 Apr (MOB 3; c7 MOB 2; c8, c9 MOB 0):
                                c1 0 B0, c2 0 B0, c3 55 B2 FPD, c4 30 B1, c5 70 B3 FPD, c6 0 B0, c7 0, c8 0, c9 0,
                                b1 90 B3 FPD
    31 Jul (MOB 6; c7 MOB 5; c8, c9 MOB 3):
                                c1 0, c2 0, c3 150 B5 Kol 4, c4 0, c5 100 B4 Kol 3, c6 0, c7 0, c8 0, c9 0
    Outstanding principal at 31 Jul: c1 15 M, c3 8 M, c5 8 M, the others 7 M.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.origination.models import Application, Decision, DecisionReason
from angsur.performance.services import origination_cells_backfill, portfolio_cells_backfill
from angsur.products.models import Product, RateCard
from angsur.servicing.models import Contract, ContractDay

M = 100_000_000  # Rp1.000.000 in sen


def bucket_of(dpd: int) -> str:
    for code, top in (("B0", 0), ("B1", 30), ("B2", 60), ("B3", 90), ("B4", 120), ("B5", 180)):
        if dpd <= top:
            return code
    return "B6"


def kol_of(dpd: int) -> int:
    return 1 if dpd == 0 else 2 if dpd <= 90 else 3 if dpd <= 120 else 4 if dpd <= 180 else 5


class Builder:
    def __init__(self):
        self.serial = 0
        self.product = Product.objects.get(code="NMC")
        self.card = RateCard.objects.filter(product=self.product).first()

    def application(self, *, dealer, cmo, status="approved", submitted=None, hours=None, nik=None, reasons=()):
        self.serial += 1
        n = self.serial
        submitted = submitted or dt.datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_default_timezone())
        decided = submitted + dt.timedelta(hours=hours) if hours is not None else None
        app = Application.objects.create(
            number=f"T{n:05d}",
            branch_id=dealer.branch_id,
            dealer=dealer,
            cmo=cmo,
            created_by=cmo,
            status=status,
            vehicle_kind="motorcycle",
            vehicle_brand=dealer.brand,
            vehicle_model="Vario 125",
            vehicle_year=2026,
            vehicle_condition="new",
            product=self.product,
            rate_card=self.card,
            priced_on=dt.date(2026, 1, 2),
            otr_sen=25 * M,
            down_payment_sen=5 * M,
            tenor_months=24,
            installment_sen=M,
            financed_principal_sen=20 * M,
            tdp_sen=6 * M,
            min_dp_pct=Decimal("20"),
            quote_result={},
            applicant_name=f"Pemohon {n}",
            applicant_name_key=f"pemohon {n}",
            applicant_nik=nik or f"3175090101{n:06d}",
            applicant_phone=f"+62813000{n:05d}",
            submitted_at=submitted,
            decided_at=decided,
        )
        if reasons:
            decision = Decision.objects.create(
                application=app, decided_by=cmo, role="credit_analyst", level=1, outcome="reject", rationale="-"
            )
            for code in reasons:
                DecisionReason.objects.create(
                    decision=decision,
                    application=app,
                    branch_id=app.branch_id,
                    dealer=dealer,
                    cmo=cmo,
                    outcome="reject",
                    code=code,
                    decided_at=decided,
                )
        return app

    def contract(self, *, dealer, cmo, signed: dt.date, principal_sen: int, status="active", closed_on=None, nik=None):
        app = self.application(
            dealer=dealer, cmo=cmo, submitted=dt.datetime(signed.year, signed.month, 1, 9, tzinfo=dt.UTC), hours=1, nik=nik
        )
        return Contract.objects.create(
            number=f"K/{app.number}",
            application=app,
            branch_id=dealer.branch_id,
            dealer=dealer,
            product=self.product,
            cmo=cmo,
            booked_by=cmo,
            customer_name=app.applicant_name,
            customer_nik=app.applicant_nik,
            vehicle="Honda Vario 125",
            signing_date=signed,
            first_due_date=signed + dt.timedelta(days=30),
            va_number=f"888{app.pk:09d}",
            timing="addb",
            tenor_months=24,
            otr_sen=principal_sen + 5 * M,
            down_payment_sen=5 * M,
            financed_principal_sen=principal_sen,
            installment_sen=M,
            total_interest_sen=4 * M,
            effective_rate_annual=Decimal("0.3"),
            late_fee_pct_per_day=Decimal("0.5"),
            status=status,
            closed_on=closed_on,
            outstanding_sen=principal_sen,
        )

    def day(self, contract, on: dt.date, *, dpd=0, fpd=False, outstanding_sen=None, mob=None):
        booked = contract.signing_date.replace(day=1)
        mob = mob if mob is not None else (on.year - booked.year) * 12 + on.month - booked.month
        return ContractDay.objects.create(
            business_date=on,
            contract=contract,
            branch_id=contract.branch_id,
            dealer_id=contract.dealer_id,
            cmo_id=contract.cmo_id,
            product_id=contract.product_id,
            booked_month=booked,
            status=contract.status,
            dpd=dpd,
            bucket=bucket_of(dpd),
            collectibility=kol_of(dpd),
            mob=mob,
            premature=mob <= 12,
            fpd=fpd,
            outstanding_principal_sen=outstanding_sen if outstanding_sen is not None else contract.financed_principal_sen,
        )


@dataclass
class Portfolio:
    b: Builder
    c: dict
    cmo_a2: object
    cmo_b2: object


MAR, APR, JUL = dt.date(2026, 3, 31), dt.date(2026, 4, 30), dt.date(2026, 7, 31)


@pytest.fixture
def portfolio(products, branch_a, branch_b, cmo_a, cmo_b, dealer_a, dealer_a2, dealer_b):
    b = Builder()
    cmo_a2 = make_user(Role.CMO, branch_a, username="cmo.a2")
    # Orders of November 2026
    b.application(dealer=dealer_a, cmo=cmo_a, status="approved", hours=24)
    b.application(dealer=dealer_a, cmo=cmo_a, status="approved_conditions", hours=48)
    b.application(dealer=dealer_a, cmo=cmo_a, status="rejected", hours=12, reasons=("dsr_too_high", "character"))
    b.application(dealer=dealer_a, cmo=cmo_a, status="in_analysis")
    b.application(dealer=dealer_a2, cmo=cmo_a2, status="approved", hours=10)
    b.application(dealer=dealer_a2, cmo=cmo_a2, status="rejected", hours=20, reasons=("dsr_too_high",))
    b.application(dealer=dealer_b, cmo=cmo_b, status="approved", hours=5)
    jan, feb, apr = dt.date(2026, 1, 15), dt.date(2026, 2, 10), dt.date(2026, 4, 10)
    c = {
        "c1": b.contract(dealer=dealer_a, cmo=cmo_a, signed=jan, principal_sen=20 * M),
        "c2": b.contract(dealer=dealer_a, cmo=cmo_a, signed=jan, principal_sen=10 * M),
        "c3": b.contract(dealer=dealer_a, cmo=cmo_a, signed=jan, principal_sen=10 * M),
        "c4": b.contract(dealer=dealer_a, cmo=cmo_a, signed=jan, principal_sen=10 * M),
        "c5": b.contract(dealer=dealer_a2, cmo=cmo_a2, signed=jan, principal_sen=10 * M),
        "c6": b.contract(dealer=dealer_a2, cmo=cmo_a2, signed=jan, principal_sen=10 * M),
        "c7": b.contract(dealer=dealer_a, cmo=cmo_a, signed=feb, principal_sen=10 * M),
        "c8": b.contract(dealer=dealer_a, cmo=cmo_a, signed=apr, principal_sen=10 * M),
        "c9": b.contract(dealer=dealer_a, cmo=cmo_a, signed=apr, principal_sen=10 * M),
        "b1": b.contract(dealer=dealer_b, cmo=cmo_b, signed=jan, principal_sen=10 * M),
    }
    for name, dpd in (("c1", 0), ("c2", 10), ("c3", 25), ("c4", 0), ("c5", 40), ("c6", 0)):
        b.day(c[name], MAR, dpd=dpd)
    for name, dpd, fpd in (
        ("c1", 0, False),
        ("c2", 0, False),
        ("c3", 55, True),
        ("c4", 30, False),
        ("c5", 70, True),
        ("c6", 0, False),
        ("c7", 0, False),
        ("c8", 0, False),
        ("c9", 0, False),
        ("b1", 90, True),
    ):
        b.day(c[name], APR, dpd=dpd, fpd=fpd)
    outstanding = {"c1": 15 * M, "c3": 8 * M, "c5": 8 * M}
    for name, dpd, fpd in (
        ("c1", 0, False),
        ("c2", 0, False),
        ("c3", 150, True),
        ("c4", 0, False),
        ("c5", 100, True),
        ("c6", 0, False),
        ("c7", 0, False),
        ("c8", 0, False),
        ("c9", 0, False),
    ):
        b.day(c[name], JUL, dpd=dpd, fpd=fpd, outstanding_sen=outstanding.get(name, 7 * M))
    portfolio_cells_backfill()
    # The orders' cells, as the close of JUL leaves them (the dashboards read orders as of the last close)
    origination_cells_backfill(as_of=JUL)
    return Portfolio(b=b, c=c, cmo_a2=cmo_a2, cmo_b2=None)
