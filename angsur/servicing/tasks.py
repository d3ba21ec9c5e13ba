"""Background tasks of servicing: the end-of-day's chunks on the ``eod`` queue (django-tasks-db).

``eod_enqueue`` opens a date's run and enqueues one ``eod_chunks_task`` per wanted worker; every
``angsur db_worker --queue-name eod`` process that picks one claims chunks (FOR UPDATE SKIP LOCKED) until
none is left, so several processes or machines share the run. The task that finds the last chunk done
closes the run and calls the after-close hooks. PostgreSQL: SQLite has one writer, so enqueue one task.
"""

import logging
from datetime import date
from typing import Any

from django.tasks import task

from angsur.servicing import eod
from angsur.servicing.models import EodRun

log = logging.getLogger("angsur.eod")


@task(queue_name="eod")
def eod_chunks_task(run_id: int) -> int:
    """Compute chunks of the run until none is left; close it if this worker finished it. Returns the chunks done."""
    done = eod.eod_work(run_id)
    if eod.eod_close(run_id):
        run = EodRun.objects.get(pk=run_id)
        eod.eod_hooks_run(run.business_date)
    return done


def eod_enqueue(
    business_date: date, *, actor: Any | None = None, rerun: bool = False, chunk_size: int | None = None, tasks: int = 1
) -> EodRun:
    """Open the date's run for the queue and enqueue ``tasks`` chunk tasks (at most one per chunk)."""
    run = eod.eod_open(business_date, actor=actor, rerun=rerun, chunk_size=chunk_size, lease=False)
    # At least one task, even with no chunk left: that task closes the run.
    wanted = max(1, min(tasks, eod.chunks_left(run.pk)))
    for _ in range(wanted):
        eod_chunks_task.enqueue(run.pk)
    run.refresh_from_db()
    log.info("end-of-day %s: %s task(s) enqueued on the eod queue (%s)", business_date, wanted, run.status)
    return run


__all__ = ["eod_chunks_task", "eod_enqueue"]
