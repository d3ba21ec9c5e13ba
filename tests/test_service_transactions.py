"""Outermost services run in their own durable transaction; batch() composes them on purpose (issue 9).

A caller that wraps a service in a longer transaction could roll it back after the service's
after-commit hooks (file removals, tasks) were promised: Django refuses a durable block inside
another one, and `batch()` is the one declared way to compose services (the demo seed).
"""

import pytest
from django.db import transaction

from angsur.workflow.engine import batch, durable, service


@service
def _step(log: list) -> str:
    log.append(transaction.get_connection().in_atomic_block)
    return "done"


@pytest.mark.django_db(transaction=True)
def test_a_service_refuses_to_run_inside_someone_elses_transaction():
    log: list = []
    assert _step(log) == "done" and log == [True]
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        _step(log)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic(), durable():
        pass


@pytest.mark.django_db(transaction=True)
def test_batch_composes_services_all_or_nothing():
    from angsur.audit.models import AuditEvent
    from angsur.audit.services import audit_record

    @service
    def record(n: int) -> None:
        audit_record(actor=None, action=f"test.batch.{n}", obj=None)

    with pytest.raises(LookupError), batch():
        record(1)
        record(2)
        raise LookupError("the third step fails")
    assert not AuditEvent.objects.filter(action__startswith="test.batch").exists()
    with batch():
        record(1)
        record(2)
    assert AuditEvent.objects.filter(action__startswith="test.batch").count() == 2
