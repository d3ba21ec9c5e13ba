"""Retention of the daily snapshots (`angsur eod-prune`): old days go, each month's last close and the recent
days stay, a dry run deletes nothing, too short a retention is refused, a second prune finds nothing more."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from angsur.audit.models import AuditEvent
from angsur.devdata.seed_contracts import booked_contract
from angsur.errors import DomainError
from angsur.org import services as org_services
from angsur.performance.models import PortfolioCell, RollCell
from angsur.performance.services import portfolio_cells_backfill
from angsur.servicing import eod
from angsur.servicing.eod_services import MIN_KEEP_DAYS, contract_days_prune
from angsur.servicing.models import ContractDay

D = dt.date
# Closes from November 2026 to June 2027. January's last close is the 30th (the 31st never closed): that is
# its month-end for performance, which reads each month's latest close.
CLOSES = [
    D(2026, 11, 10), D(2026, 11, 20), D(2026, 11, 30),
    D(2026, 12, 10), D(2026, 12, 31),
    D(2027, 1, 15), D(2027, 1, 30),
    D(2027, 2, 10), D(2027, 2, 28),
    D(2027, 3, 10), D(2027, 3, 20), D(2027, 3, 31),
    D(2027, 4, 15), D(2027, 5, 15), D(2027, 6, 20), D(2027, 6, 30),
]  # fmt: skip
LAST = CLOSES[-1]
# 95 days before 30 June 2027: 27 March. March's last close (the 31st) is after the cut-off, kept anyway.
CUTOFF = D(2027, 3, 27)
MONTH_ENDS = [D(2026, 11, 30), D(2026, 12, 31), D(2027, 1, 30), D(2027, 2, 28)]
RECENT = [D(2027, 3, 31), D(2027, 4, 15), D(2027, 5, 15), D(2027, 6, 20), LAST]
OLD = [D(2026, 11, 10), D(2026, 11, 20), D(2026, 12, 10), D(2027, 1, 15), D(2027, 2, 10), D(2027, 3, 10), D(2027, 3, 20)]


@pytest.fixture(autouse=True)
def _calendar_far_ahead(monkeypatch):
    # The wall clock is the outside world: every tested date has ended in every branch.
    monkeypatch.setattr(eod, "calendar_date", lambda branch: D(2030, 1, 1))
    monkeypatch.setattr(org_services, "calendar_date", lambda branch: D(2030, 1, 1))
    monkeypatch.setattr(eod, "_hooks", {})


@pytest.fixture
def history(contract, cmo_a, dealer_a, people):
    """Two contracts (two rows a date) closed on every date of CLOSES."""
    booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=D(2026, 11, 3), admin=people["adm"])
    for day in CLOSES:
        eod.eod_run(day)
    assert ContractDay.objects.count() == 2 * len(CLOSES)
    return contract


def _dates() -> list[dt.date]:
    return sorted(set(ContractDay.objects.values_list("business_date", flat=True)))


def _prunes() -> int:
    return AuditEvent.objects.filter(action="eod.prune").count()


def test_old_days_go_and_month_ends_and_recent_days_stay(history):
    # When the snapshots older than 95 days before the last close are pruned, a row per statement
    report = contract_days_prune(actor=None, as_of=LAST, keep_days=95, chunk_size=1)
    # Then each month's last close before the cut-off and every day since it are left, nothing else
    assert report.cutoff == CUTOFF
    assert _dates() == MONTH_ENDS + RECENT
    assert report.dates == OLD and report.month_ends_kept == MONTH_ENDS
    assert report.rows == 2 * len(OLD)
    assert ContractDay.objects.filter(business_date__in=MONTH_ENDS + RECENT).count() == 2 * len(MONTH_ENDS + RECENT)
    # And one audit event says what went
    event = AuditEvent.objects.get(action="eod.prune")
    assert event.after["rows"] == report.rows and event.after["cutoff"] == "2027-03-27"
    assert event.after["month_ends_kept"] == [day.isoformat() for day in MONTH_ENDS]


def test_a_dry_run_deletes_nothing_and_counts_what_a_prune_deletes(history):
    before = ContractDay.objects.count()
    planned = contract_days_prune(actor=None, as_of=LAST, keep_days=95, dry_run=True)
    assert ContractDay.objects.count() == before and _prunes() == 0
    done = contract_days_prune(actor=None, as_of=LAST, keep_days=95)
    assert (planned.dates, planned.rows, planned.month_ends_kept) == (done.dates, done.rows, done.month_ends_kept)
    assert ContractDay.objects.count() == before - done.rows


def test_a_second_prune_finds_nothing_more(history):
    contract_days_prune(actor=None, as_of=LAST, keep_days=95)
    left = sorted(ContractDay.objects.values_list("contract_id", "business_date", "dpd", "bucket"))
    again = contract_days_prune(actor=None, as_of=LAST, keep_days=95)
    assert again.rows == 0 and again.dates == [] and again.month_ends_kept == MONTH_ENDS
    assert sorted(ContractDay.objects.values_list("contract_id", "business_date", "dpd", "bucket")) == left
    assert _prunes() == 2  # audited once per run, the empty one too


def test_fewer_days_than_the_minimum_are_refused(history):
    before = ContractDay.objects.count()
    with pytest.raises(DomainError) as refused:
        contract_days_prune(actor=None, as_of=LAST, keep_days=MIN_KEEP_DAYS - 1)
    assert refused.value.code == "eod_keep_days_too_few"
    # The command says it in the operator's language, and deletes nothing either
    with translation.override("id"), pytest.raises(CommandError, match="Simpan sedikitnya 95 hari"):
        call_command("eod-prune", "--keep-days", "30", "--quiet")
    assert ContractDay.objects.count() == before and _prunes() == 0


def test_before_moves_the_cutoff_earlier_never_later(history):
    # A first prune of a large table, a slice at a time: only what is before 1 January 2027 goes
    early = contract_days_prune(actor=None, as_of=LAST, keep_days=95, before=D(2027, 1, 1))
    assert early.cutoff == D(2027, 1, 1) and early.dates == [D(2026, 11, 10), D(2026, 11, 20), D(2026, 12, 10)]
    # A date after the retention's own cut-off does not keep fewer days
    late = contract_days_prune(actor=None, as_of=LAST, keep_days=95, before=D(2027, 6, 1))
    assert late.cutoff == CUTOFF and _dates() == MONTH_ENDS + RECENT


def test_the_staff_member_who_prunes_may_run_the_end_of_day(history, people):
    with pytest.raises(DomainError):
        contract_days_prune(actor=people["fo"], as_of=LAST, keep_days=95)
    contract_days_prune(actor=people["adm"], as_of=LAST, keep_days=95)
    assert AuditEvent.objects.get(action="eod.prune").actor == people["adm"]


def test_performance_rebuilds_the_same_monthly_cells_after_a_prune(history):
    # Given the monthly cells and roll rates built from the full daily history
    def cells():
        portfolio_cells_backfill()
        skip = {"id"}
        return (
            sorted(tuple(v for k, v in row.items() if k not in skip) for row in PortfolioCell.objects.values()),
            sorted(tuple(v for k, v in row.items() if k not in skip) for row in RollCell.objects.values()),
        )

    full = cells()
    assert full[0] and full[1]
    # When the old days are pruned, then the cells built again from what is left
    contract_days_prune(actor=None, as_of=LAST, keep_days=95)
    # Then they are the same: every month's last close is still there
    assert cells() == full


def test_the_command_prints_what_it_would_delete_and_what_it_deleted(history, settings):
    settings.ANGSUR_EOD_KEEP_DAYS = 95
    out = StringIO()
    with translation.override("en"):
        call_command("eod-prune", "--dry-run", "--quiet", stdout=out)
    text = out.getvalue()
    assert "snapshots before 2027-03-27 go" in text
    assert "2027-01: 1 dates, 2 rows would be deleted · kept 2027-01-30" in text
    assert "Dry run: 14 rows of 7 dates would be deleted; nothing was deleted." in text
    assert ContractDay.objects.filter(business_date__in=OLD).exists()
    out = StringIO()
    with translation.override("en"):
        call_command("eod-prune", "--user", "adm.a", "--quiet", stdout=out)
    assert "14 rows of 7 dates deleted; 4 month-ends before the cut-off kept." in out.getvalue()
    assert not ContractDay.objects.filter(business_date__in=OLD).exists()


def _worst_ever() -> dict[int, int]:
    """Each contract's worst DPD over the snapshots kept and those a prune folded into the contract."""
    from django.db.models import Max

    from angsur.servicing.models import Contract

    kept = dict(ContractDay.objects.values("contract_id").annotate(m=Max("dpd")).values_list("contract_id", "m"))
    return {pk: max(kept.get(pk, 0), peak) for pk, peak in Contract.objects.values_list("pk", "dpd_peak_pruned")}


@pytest.mark.parametrize("chunk_size", [1, 50_000])
def test_the_worst_dpd_ever_survives_a_prune(history, chunk_size):
    # Given two customers current at every close but for a mid-month peak on days that will be pruned
    first, second = sorted(set(ContractDay.objects.values_list("contract_id", flat=True)))
    ContractDay.objects.update(dpd=0)
    ContractDay.objects.filter(contract_id=first, business_date=D(2027, 1, 15)).update(dpd=45)
    ContractDay.objects.filter(contract_id=first, business_date=D(2026, 12, 10)).update(dpd=20)
    ContractDay.objects.filter(contract_id=second, business_date=D(2027, 3, 20)).update(dpd=9)
    before = _worst_ever()
    assert (before[first], before[second]) == (45, 9)
    # When the old days are pruned (the peak's day among them)
    contract_days_prune(actor=None, as_of=LAST, keep_days=95, chunk_size=chunk_size)
    assert not ContractDay.objects.filter(business_date=D(2027, 1, 15)).exists()
    # Then every contract's worst DPD ever is what it was, and a second prune changes nothing
    assert _worst_ever() == before
    contract_days_prune(actor=None, as_of=LAST, keep_days=95, chunk_size=chunk_size)
    assert _worst_ever() == before
