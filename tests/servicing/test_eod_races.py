"""End-of-day under concurrency (PostgreSQL: SQLite runs one writer at a time)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from angsur.errors import Conflict
from angsur.org import services as org_services
from angsur.servicing import eod
from angsur.servicing.models import ContractDay, EodChunk, EodRun

from .test_eod_runs import DAY, _rows, book  # noqa: F401 - the fixture of five contracts

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race of concurrent transactions: PostgreSQL only"),
]


@pytest.fixture(autouse=True)
def _calendar_far_ahead(monkeypatch):
    monkeypatch.setattr(eod, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    monkeypatch.setattr(org_services, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    monkeypatch.setattr(eod, "_hooks", {})


def _race(calls):
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls), timeout=10)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_runs_of_the_same_date_at_once_one_runs_the_other_is_refused(book):  # noqa: F811
    # When two processes start the end-of-day of DAY at the same moment
    results = _race([lambda: eod.eod_run(DAY, chunk_size=1)] * 2)
    # Then one closes it and the other is refused (running, or already closed if it came second)
    runs = [r for r in results if isinstance(r, EodRun)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(runs) == 1 and len(refused) == 1, results
    assert refused[0].code in {"eod_running", "eod_date_closed"}
    assert EodRun.objects.get().status == "closed"
    assert ContractDay.objects.filter(business_date=DAY).count() == 5


def test_two_workers_share_the_chunks_and_give_the_rows_of_one(book):  # noqa: F811
    # Given the rows of a one-worker run
    eod.eod_run(DAY, chunk_size=1)
    one = _rows(DAY)
    # When the date is re-run with two workers
    run = eod.eod_run(DAY, rerun=True, workers=2, chunk_size=1)
    # Then each chunk was done once, by one of two workers, and the rows are the same
    assert run.status == "closed" and run.contracts == 5
    workers = set(EodChunk.objects.filter(run=run).values_list("worker", flat=True))
    assert 1 <= len(workers) <= 2
    assert _rows(DAY) == one
