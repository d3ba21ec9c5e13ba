"""The synthetic portfolio: deterministic, realistic, and true to the servicing invariant."""

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from angsur.devdata.factories import make_credit_config
from angsur.devdata.portfolio import (
    BEHAVIOURS,
    EARLY_SETTLEMENT,
    FIRST_PAYMENT_DEFAULT,
    ON_TIME,
    PortfolioError,
    generate_portfolio,
)
from angsur.finance.money import to_minor
from angsur.org.models import Branch
from angsur.origination.models import Application, DecisionReason
from angsur.origination.workflow import Status
from angsur.products.services import quote_price
from angsur.servicing.ledger import contract_events, contract_ledger
from angsur.servicing.models import Allocation, Contract, Installment, Payment
from angsur.servicing.workflow import ContractStatus

AS_OF = dt.date(2026, 11, 2)


@pytest.fixture
def company_ready(company, branch_a, branch_b, products):
    """Two branches (WIB, WITA) and the product catalogue, as the demo has them."""
    make_credit_config()
    return company


def _fingerprint() -> tuple:
    contracts = list(
        Contract.objects.order_by("id").values_list(
            "number", "signing_date", "status", "outstanding_sen", "paid_sen", "dealer__code", "cmo__username", "customer_name"
        )
    )
    payments = list(Payment.objects.order_by("id").values_list("contract__number", "amount_sen", "value_date", "channel", "created_at"))
    applications = list(Application.objects.order_by("id").values_list("number", "status", "created_at", "decided_at", "otr_sen"))
    installments = list(Installment.objects.order_by("id").values_list("due_date", "principal_sen", "late_fee_sen", "paid_on"))
    return contracts, payments, applications, installments


def test_the_same_seed_gives_the_same_rows(company_ready):
    # Given a company, when the same portfolio is generated twice from the same state (the first rolled back)
    runs = []
    for _ in range(2):
        with transaction.atomic():
            generate_portfolio(contracts=120, seed=42, as_of=AS_OF, months=12)
            runs.append(_fingerprint())
            transaction.set_rollback(True)
    # Then every row is the same
    assert runs[0] == runs[1]
    assert len(runs[0][0]) == 120 and runs[0][1]
    # And another seed gives another portfolio
    with transaction.atomic():
        generate_portfolio(contracts=120, seed=43, as_of=AS_OF, months=12)
        assert _fingerprint() != runs[0]
        transaction.set_rollback(True)


def test_behaviours_statuses_and_orders_are_a_realistic_mix(company_ready):
    summary = generate_portfolio(contracts=1500, seed=5, as_of=AS_OF, months=24)
    shares = {name: summary.behaviours[name] / summary.contracts for name in BEHAVIOURS}
    assert 0.60 <= shares[ON_TIME] <= 0.85
    assert 0.005 <= shares[FIRST_PAYMENT_DEFAULT] <= 0.08
    assert 0.005 <= shares[EARLY_SETTLEMENT] <= 0.06
    assert all(shares[name] > 0 for name in BEHAVIOURS)
    assert Contract.objects.count() == 1500
    # Older contracts are paid off or settled, the rest active: only the contract statuses there are.
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert statuses == {ContractStatus.ACTIVE, ContractStatus.PAID_OFF, ContractStatus.SETTLED}
    assert not Contract.objects.filter(status=ContractStatus.ACTIVE, closed_on__isnull=False).exists()
    assert not Contract.objects.exclude(status=ContractStatus.ACTIVE).filter(closed_on__isnull=True).exists()
    # Orders around them: refused (with reasons stored as rows) and withdrawn, so the approval rate is real.
    rejected = Application.objects.filter(status=Status.REJECTED).count()
    cancelled = Application.objects.filter(status=Status.CANCELLED).count()
    approved = Application.objects.filter(status=Status.APPROVED).count()
    assert approved == 1500 and 0.15 <= rejected / (approved + rejected + cancelled) <= 0.40 and cancelled > 0
    assert DecisionReason.objects.filter(outcome="reject").values("application").distinct().count() == rejected
    assert DecisionReason.objects.filter(outcome="reject", code="dsr_too_high").exists()
    # No payment after as_of, none before signing.
    assert not Payment.objects.filter(value_date__gt=AS_OF).exists()
    assert not any(v < s for v, s in Payment.objects.values_list("value_date", "contract__signing_date"))
    # Some contracts are delinquent at as_of: an installment due over 30 days ago still unpaid.
    overdue = Installment.objects.filter(due_date__lt=AS_OF - dt.timedelta(days=30), paid_on__isnull=True)
    late_contracts = overdue.values("contract").distinct().count()
    assert 0.02 <= late_contracts / 1500 <= 0.20


def _position(contract: Contract) -> tuple:
    rows = list(contract.installments.order_by("no"))
    stored = [
        (
            r.principal_paid_sen,
            r.interest_paid_sen,
            r.interest_rebated_sen,
            r.late_fee_sen,
            r.late_fee_paid_sen,
            r.late_fee_waived_sen,
            r.paid_on,
        )
        for r in rows
    ]
    allocations = list(
        Allocation.objects.filter(contract=contract)
        .order_by("id")
        .values_list("payment_id", "installment__no", "component", "amount_sen", "value_date")
    )
    return stored, allocations, (contract.outstanding_sen, contract.paid_sen, contract.unapplied_sen)


def _replayed(contract: Contract) -> tuple:
    """The position the servicing code derives from the contract's rows (as _rederive does after each posting)."""
    events = contract_events(contract)
    latest = max([contract.signing_date, *[e.value_date for e in events]])
    ledger = contract_ledger(contract, as_of=latest, events=events)
    positions = [
        (
            to_minor(p.principal_paid),
            to_minor(p.interest_paid),
            to_minor(p.interest_rebated),
            to_minor(p.late_fee),
            to_minor(p.late_fee_paid),
            to_minor(p.late_fee_waived),
            p.paid_on,
        )
        for p in ledger.installments
    ]
    allocations = [(int(a.payment_ref), a.installment_no, a.component, to_minor(a.amount), a.value_date) for a in ledger.allocations]
    totals = (to_minor(ledger.outstanding), sum(to_minor(a.amount) for a in ledger.allocations), to_minor(ledger.unapplied))
    status = ContractStatus.SETTLED if ledger.settled_on else (ContractStatus.PAID_OFF if ledger.closed else ContractStatus.ACTIVE)
    return positions, allocations, totals, status


def test_stored_positions_equal_a_fresh_replay(company_ready):
    generate_portfolio(contracts=600, seed=11, as_of=AS_OF, months=24)
    contracts = list(Contract.objects.order_by("id"))
    # Every kind of history in the sample: settled, paid off, delinquent, first payment default.
    sample = random.Random(1).sample(contracts, 150)
    sample += [c for c in contracts if c.status != ContractStatus.ACTIVE][:30]
    sample += [c for c in contracts if c.paid_sen == 0][:10]
    for contract in sample:
        stored, allocations, totals = _position(contract)
        positions, wanted, replayed_totals, status = _replayed(contract)
        assert stored == positions, contract.number
        assert allocations == wanted, contract.number
        assert totals == replayed_totals, contract.number
        assert contract.status == status, contract.number


def test_schedule_is_what_booking_prices_on_the_signing_date(company_ready):
    generate_portfolio(contracts=80, seed=3, as_of=AS_OF, months=24)
    for contract in Contract.objects.select_related("application", "product")[:25]:
        app = contract.application
        priced = quote_price(
            as_of=contract.signing_date,
            card_date=AS_OF,
            product=contract.product,
            branch_id=contract.branch_id,
            otr=app.otr,
            down_payment=app.down_payment,
            tenor_months=app.tenor_months,
            vehicle_year=app.vehicle_year,
            enforce_min_dp=False,
        )
        lines = [(to_minor(line.principal), to_minor(line.interest), line.due_date) for line in priced.quote.schedule]
        stored = list(contract.installments.order_by("no").values_list("principal_sen", "interest_sen", "due_date"))
        assert stored == lines, contract.number
        assert contract.installment_sen == to_minor(priced.quote.installment)
        assert contract.first_due_date == lines[0][2]


def test_dealers_and_cmos_differ_in_quality(company_ready):
    generate_portfolio(contracts=1500, seed=8, as_of=AS_OF, months=24)
    bad_by_dealer: dict = defaultdict(lambda: [0, 0])
    bad_by_cmo: dict = defaultdict(lambda: [0, 0])
    overdue = set(
        Installment.objects.filter(due_date__lt=AS_OF - dt.timedelta(days=5), paid_on__isnull=True, principal_paid_sen=0)
        .values_list("contract_id", flat=True)
        .distinct()
    )
    late_fee_payers = set(Installment.objects.filter(late_fee_sen__gt=0).values_list("contract_id", flat=True).distinct())
    for contract_id, dealer, cmo in Contract.objects.values_list("id", "dealer_id", "cmo_id"):
        bad = contract_id in overdue or contract_id in late_fee_payers
        for table, key in ((bad_by_dealer, dealer), (bad_by_cmo, cmo)):
            table[key][0] += bad
            table[key][1] += 1
    dealer_rates = [bad / n for bad, n in bad_by_dealer.values() if n >= 40]
    cmo_rates = [bad / n for bad, n in bad_by_cmo.values() if n >= 40]
    assert len(dealer_rates) >= 4 and len(cmo_rates) >= 3
    assert max(dealer_rates) - min(dealer_rates) >= 0.08
    assert max(dealer_rates) >= 1.5 * min(dealer_rates)
    assert max(cmo_rates) - min(cmo_rates) >= 0.05


def _local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def test_timestamps_fall_in_working_hours_of_the_branch_zone(company_ready):
    generate_portfolio(contracts=300, seed=9, as_of=AS_OF, months=12)
    zones = dict(Branch.objects.values_list("id", "time_zone"))
    assert len({zones[b] for b in Contract.objects.values_list("branch_id", flat=True).distinct()}) == 2
    stamps = []
    for branch, *moments in Application.objects.values_list("branch_id", "created_at", "submitted_at", "surveyed_at", "decided_at"):
        stamps += [(zones[branch], m) for m in moments if m is not None]
    stamps += [(zones[b], m) for b, m in Contract.objects.values_list("branch_id", "created_at")]
    stamps += [(zones[b], m) for b, m in Payment.objects.values_list("branch_id", "created_at")]
    assert len(stamps) > 1000
    for zone, moment in stamps:
        local = _local(moment, zone)
        assert local.weekday() < 6, (zone, moment)
        assert 8 <= local.hour < 17, (zone, moment, local)
    # The decision comes after the order, the booking after the decision.
    for created, decided, booked in Contract.objects.values_list("application__created_at", "application__decided_at", "created_at"):
        assert created <= decided <= booked


def test_bad_input_is_refused_with_a_message(db):
    for bad in (0, -5, True, 2.5):
        with pytest.raises(PortfolioError):
            generate_portfolio(contracts=bad, seed=1, as_of=AS_OF)
    with pytest.raises(PortfolioError):
        generate_portfolio(contracts=10, seed=1, as_of=AS_OF, months=0)
    for args, text in (
        (["--contracts", "0"], "--contracts"),
        (["--contracts", "abc"], "--contracts"),
        (["--contracts", "5", "--as-of", "2026-13-45"], "--as-of"),
        (["--contracts", "5", "--months", "x"], "--months"),
        (["--contracts", "5", "--seed", "x"], "--seed"),
    ):
        with pytest.raises(CommandError, match=text):
            call_command("generate-portfolio", *args, "--quiet")
    assert not Contract.objects.exists()


def test_command_generates_and_reports(company_ready, capsys):
    call_command("generate-portfolio", "--contracts", "40", "--seed", "2", "--as-of", "2026-11-02", "--months", "6", "--quiet")
    out = capsys.readouterr().out
    assert "40" in out and Contract.objects.count() == 40
    # Contract numbers and receipts continue the branches' sequences: a booking afterwards gets a fresh number.
    assert Contract.objects.values("number").distinct().count() == 40


def test_reuses_an_existing_company_and_makes_what_is_missing(db):
    # Given an empty database, the generator makes branches in the three time zones, staff, dealers, products
    summary = generate_portfolio(contracts=30, seed=1, as_of=AS_OF, months=3)
    assert summary.contracts == 30 and summary.branches >= 3
    assert {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"} <= set(Branch.objects.values_list("time_zone", flat=True))
    # When run again, it reuses them and adds contracts
    generate_portfolio(contracts=10, seed=2, as_of=AS_OF, months=3)
    assert Contract.objects.count() == 40 and Branch.objects.count() == summary.branches


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY path: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_postgresql_copy_writes_a_consistent_portfolio(company_ready):
    generate_portfolio(contracts=200, seed=21, as_of=AS_OF, months=12)
    assert Contract.objects.count() == 200
    for contract in random.Random(2).sample(list(Contract.objects.all()), 40):
        stored, allocations, totals = _position(contract)
        positions, wanted, replayed_totals, _status = _replayed(contract)
        assert (stored, allocations, totals) == (positions, wanted, replayed_totals)
    # The id sequences follow the ids we wrote: the next row saved through the ORM gets a fresh id.
    contract = Contract.objects.order_by("-id").first()
    payment = Payment.objects.order_by("-id").first()
    extra = Allocation.objects.create(contract=contract, payment=payment, component="probe", amount_sen=1, value_date=AS_OF)
    assert extra.pk > Allocation.objects.exclude(pk=extra.pk).order_by("-id").first().pk
    assert Decimal(contract.late_fee_pct_per_day) > 0
