"""End-of-day runs: closed dates, a second run, a run killed half-way, the close, the hooks, the command and the queue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from angsur.audit.models import AuditEvent
from angsur.devdata.seed_contracts import booked_contract
from angsur.errors import Conflict, DomainError
from angsur.org import services as org_services
from angsur.org.models import Branch
from angsur.servicing import eod
from angsur.servicing.models import ContractDay, EodChunk, EodRun
from angsur.servicing.services import payment_post
from angsur.servicing.tasks import eod_enqueue

SIGNED = dt.date(2026, 1, 5)
CALENDAR = dt.date(2030, 1, 1)


@pytest.fixture(autouse=True)
def _calendar_far_ahead(monkeypatch):
    # The wall clock is the outside world: every tested date has ended in every branch.
    monkeypatch.setattr(eod, "calendar_date", lambda branch: CALENDAR)
    monkeypatch.setattr(org_services, "calendar_date", lambda branch: CALENDAR)
    # Other apps' after-close hooks (collection, performance) are theirs to test: these tests register their own.
    monkeypatch.setattr(eod, "_hooks", {})


@pytest.fixture
def book(credit, people, cmo_a, dealer_a):
    """Five contracts, some paid on time, some late, one never: five chunks of one contract each."""
    contracts = []
    for k in range(5):
        contract = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED + dt.timedelta(days=k), admin=people["adm"])
        for no in range(k):
            row = contract.installments.get(no=no + 1)
            day = row.due_date + dt.timedelta(days=3 * k)
            payment_post(
                actor=people["fo"], contract=contract, amount=Decimal(row.amount_sen) / 100, channel="counter", value_date=day, as_of=day
            )
        contracts.append(contract)
    return contracts


def _rows(day: dt.date) -> list[tuple]:
    fields = [f.attname for f in ContractDay._meta.concrete_fields if f.attname != "id"]
    return sorted(ContractDay.objects.filter(business_date=day).values_list(*fields))


DAY = dt.date(2026, 6, 15)


def test_a_closed_date_is_refused_without_rerun_and_a_rerun_gives_the_same_rows(book):
    # Given the end-of-day of DAY closed
    run = eod.eod_run(DAY, chunk_size=1)
    assert run.status == "closed" and run.contracts == 5 and run.chunks_total == 5
    first = _rows(DAY)
    # When it is run again without the flag, or an earlier date is run
    for day in (DAY, DAY - dt.timedelta(days=1)):
        with pytest.raises(Conflict) as refused:
            eod.eod_run(day)
        # Then it is refused with a clear code
        assert refused.value.code == "eod_date_closed"
    # When it is re-run explicitly: the same rows, the run counted twice
    again = eod.eod_run(DAY, rerun=True, chunk_size=2)
    assert again.runs == 2 and again.status == "closed"
    assert _rows(DAY) == first


def test_a_run_killed_mid_way_and_run_again_gives_the_rows_of_a_clean_run(book):
    # Given a clean run of DAY's rows
    eod.eod_run(DAY, chunk_size=1)
    clean = _rows(DAY)
    # When a re-run is killed after its second chunk
    seen = []

    def kill_after_two(done, total):
        seen.append(done)
        if done == 2:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        eod.eod_run(DAY, rerun=True, chunk_size=1, progress=kill_after_two)
    run = EodRun.objects.get(business_date=DAY)
    # Then the run is failed with two chunks done and three pending
    assert run.status == "failed" and "killed" in run.error
    assert EodChunk.objects.filter(run=run, status="done").count() == 2
    # When the date is run again (no flag needed: it never closed this time), it resumes
    resumed = eod.eod_run(DAY)
    assert resumed.status == "closed" and resumed.contracts == 5
    assert EodChunk.objects.filter(run=run, status="done").count() == 5
    assert _rows(DAY) == clean


def test_a_first_run_killed_mid_way_resumes_to_the_same_rows(book):
    # Given a first run of a date killed after one chunk
    def kill(done, total):
        if done == 1:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        eod.eod_run(DAY, chunk_size=1, progress=kill)
    assert ContractDay.objects.filter(business_date=DAY).count() == 1
    # When it is run again, then once more as a clean re-run
    eod.eod_run(DAY)
    resumed = _rows(DAY)
    eod.eod_run(DAY, rerun=True, chunk_size=5)
    # Then both give the same five rows
    assert len(resumed) == 5 and _rows(DAY) == resumed


def test_a_second_run_of_a_date_while_the_first_is_alive_is_refused(book):
    # Given a run of DAY opened by a live process (its lease is fresh)
    eod.eod_open(DAY, chunk_size=1, owner="other-machine:1")
    # When another process starts the same date
    with pytest.raises(Conflict) as refused:
        eod.eod_run(DAY)
    # Then it is refused, naming the run
    assert refused.value.code == "eod_running"
    # When the first process died (its lease went stale), the date resumes
    EodRun.objects.filter(business_date=DAY).update(heartbeat_at=None)
    assert eod.eod_run(DAY).status == "closed"


def test_closing_advances_every_branch_and_is_audited(book, branch_b):
    # When the end-of-day of DAY closes
    run = eod.eod_run(DAY)
    # Then every branch's business date is the next day, and the run and close are in the audit trail
    assert set(Branch.objects.values_list("business_date", flat=True)) == {DAY + dt.timedelta(days=1)}
    actions = list(AuditEvent.objects.filter(object_id=str(run.pk), object_type="servicing.eodrun").values_list("action", flat=True))
    assert "eod.run" in actions and "eod.close" in actions
    assert AuditEvent.objects.filter(action="org.business_date_advance").count() == 2
    # And a re-run of an earlier date leaves the branches' dates where they are
    eod.eod_run(DAY - dt.timedelta(days=3), rerun=True)
    assert set(Branch.objects.values_list("business_date", flat=True)) == {DAY + dt.timedelta(days=1)}


def test_a_date_that_has_not_ended_is_refused(book, monkeypatch):
    monkeypatch.setattr(eod, "calendar_date", lambda branch: DAY)
    with pytest.raises(DomainError) as refused:
        eod.eod_run(DAY)
    assert refused.value.code == "eod_date_not_ended"
    assert not EodRun.objects.exists()


def test_after_close_hooks_run_in_order_and_a_failing_hook_never_touches_the_snapshot(book):
    calls = []

    def good(*, business_date, actor):
        calls.append(("good", business_date))

    def bad(*, business_date, actor):
        calls.append(("bad", business_date))
        ContractDay.objects.filter(business_date=business_date).delete()  # rolled back with its transaction
        raise ValueError("collector table missing")

    eod.register_after_close(good, name="test.good")
    eod.register_after_close(bad, name="test.bad")
    try:
        # When the run closes with a hook that raises
        run = eod.eod_run(DAY)
        # Then both ran, the failure is on the run, the snapshot is whole and the run closed
        assert calls == [("good", DAY), ("bad", DAY)]
        assert run.status == "closed"
        assert run.hooks == {"test.good": "ok", "test.bad": "ValueError: collector table missing"}
        assert ContractDay.objects.filter(business_date=DAY).count() == 5
        # When the failed hook is run again once fixed, only it runs
        eod.unregister_after_close("test.bad")
        eod.register_after_close(lambda **kwargs: calls.append(("fixed", kwargs["business_date"])), name="test.bad")
        outcomes = eod.eod_hooks_run(DAY, only_failed=True)
        assert outcomes == {"test.good": "ok", "test.bad": "ok"}
        assert calls[-1] == ("fixed", DAY) and len(calls) == 3
    finally:
        eod.unregister_after_close("test.good")
        eod.unregister_after_close("test.bad")


def test_the_command_runs_a_date_and_refuses_a_closed_one(book, capsys):
    call_command("eod", "--as-of", DAY.isoformat(), "--chunk-size", "2")
    assert "5" in capsys.readouterr().out
    assert ContractDay.objects.filter(business_date=DAY).count() == 5
    with pytest.raises(CommandError, match="eod_date_closed"):
        call_command("eod", "--as-of", DAY.isoformat(), "--quiet")
    with pytest.raises(CommandError):
        call_command("eod", "--as-of", "15-06-2026", "--quiet")
    # Without a date: the day after the last closed one
    call_command("eod", "--quiet")
    assert EodRun.objects.get(business_date=DAY + dt.timedelta(days=1)).status == "closed"
    # The hooks again without a date: the last closed date's (a failed hook is rerun there, not on an open date)
    capsys.readouterr()
    EodRun.objects.filter(business_date=DAY + dt.timedelta(days=1)).update(hooks={"test.rerun": "ValueError: down"})
    ran = []
    eod.register_after_close(lambda **kwargs: ran.append(kwargs["business_date"]), name="test.rerun")
    try:
        call_command("eod", "--hooks", "--quiet")
    finally:
        eod.unregister_after_close("test.rerun")
    assert ran == [DAY + dt.timedelta(days=1)]
    assert "test.rerun: ok" in capsys.readouterr().out


def test_the_queue_takes_the_chunks_and_closes_the_run(book, settings):
    # Given tasks that run at once (the worker's side, in this process)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "eod"]}}
    # When the date is handed to the queue as two tasks
    run = eod_enqueue(DAY, chunk_size=1, tasks=2)
    # Then the tasks computed every chunk and closed the run
    run.refresh_from_db()
    assert run.status == "closed" and run.contracts == 5
    assert ContractDay.objects.filter(business_date=DAY).count() == 5


# Transactional: the worker's close_old_connections() closes a connection it finds inside a transaction
# (the rolled-back test's), which on PostgreSQL is the test's own.
@pytest.mark.django_db(transaction=True)
def test_db_workers_of_the_eod_queue_take_the_enqueued_chunks(book, settings):
    # Given the database-backed queue (django-tasks-db), as in production
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "eod"]}}
    # When the date is handed to the queue, nothing is computed yet
    run = eod_enqueue(DAY, chunk_size=2, tasks=2)
    assert run.status == "running" and ContractDay.objects.filter(business_date=DAY).count() == 0
    # When a worker of the eod queue processes what is waiting
    call_command("db_worker", "--queue-name", "eod", "--batch", "--no-startup-delay", "--interval", "0")
    # Then the run is closed with every contract's row
    run.refresh_from_db()
    assert run.status == "closed" and ContractDay.objects.filter(business_date=DAY).count() == 5


def test_a_later_date_waits_for_an_earlier_run_that_did_not_close(book):
    # Given the run of DAY killed half-way
    def kill(done, total):
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        eod.eod_run(DAY, chunk_size=1, progress=kill)
    # When the next date is started, it is refused until DAY is finished
    with pytest.raises(Conflict) as refused:
        eod.eod_run(DAY + dt.timedelta(days=1))
    assert refused.value.code == "eod_earlier_open"
    eod.eod_run(DAY)
    assert eod.eod_run(DAY + dt.timedelta(days=1)).status == "closed"
