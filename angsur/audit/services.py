"""Write audit events. Call inside the transaction of the change being recorded."""

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from angsur.audit.context import current_client_request_id, current_request_id
from angsur.audit.models import AuditEvent


class AuditOutsideTransactionError(RuntimeError):
    """audit_record was called outside a transaction; the event could outlive a rolled-back change."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Return a JSON-ready dict of a model instance's concrete fields (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        data[field.name] = _jsonable(field.value_from_object(instance))
    return data


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    branch: Any | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one audit event in the current transaction."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if branch is None:
            branch = getattr(obj, "branch", None) if hasattr(obj, "branch_id") else None
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if branch is None and user is not None:
        branch = user.branch
    event = AuditEvent(
        occurred_at=at or timezone.now(),
        actor=user,
        actor_username=getattr(user, "username", "") if user else "",
        actor_role=getattr(user, "role", "") if user else "",
        branch=branch,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        request_id=current_request_id(),
        client_request_id=current_client_request_id(),
    )
    event.save(force_insert=True)
    return event


@transaction.atomic
def audit_record_standalone(**kwargs: Any) -> AuditEvent:
    """Record an event that is its own change (e.g. a failed login)."""
    return audit_record(**kwargs)
