"""Read the audit trail, scoped to what the viewer may see."""

import datetime as dt

from django.db import connection
from django.db.models import QuerySet

from angsur.audit.models import AuditEvent
from angsur.org.scoping import scope_to_branch

# Object types that were renamed when their model moved to another app. The trail is append-only, so rows
# written before a move keep the former name; a filter on the current name finds both.
FORMER_OBJECT_TYPES: dict[str, tuple[str, ...]] = {
    f"origination.{model}": (f"products.{model}",)
    for model in ("savedquote", "creditpolicy", "authorityrule", "scorecardconfig", "documentrequirement", "serviceleveltarget")
}


def audit_event_list(
    *,
    viewer,
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events the viewer may see, newest first, filtered."""
    qs = scope_to_branch(AuditEvent.objects.select_related("actor", "branch"), viewer, branch_field="branch")
    if object_type:
        former = FORMER_OBJECT_TYPES.get(object_type)
        qs = qs.filter(object_type__in=(object_type, *former)) if former else qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor_username__iexact=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs.order_by("-occurred_at", "-id")


def audit_object_types() -> list[str]:
    """Distinct object types present in the trail.

    A loose index scan (one index probe per type) instead of SELECT DISTINCT over the whole trail:
    0.5 ms instead of 132-222 ms on PostgreSQL at 1.67 million events (bench/pages.py).
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = (
        f"WITH RECURSIVE t(v) AS (SELECT MIN(object_type) FROM {table} "  # noqa: S608 - the model's own table name
        f"UNION ALL SELECT (SELECT MIN(object_type) FROM {table} WHERE object_type > t.v) FROM t WHERE t.v IS NOT NULL) "
        "SELECT v FROM t WHERE v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]
