"""API: the audit trail (Branch Manager and head office)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from angsur.audit.selectors import audit_event_list
from angsur.org.roles import Capability
from angsur.org.scoping import require

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor_username: str
    actor_role: str
    branch_id: int | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any | None
    after: Any | None
    request_id: str


class AuditFilter(Schema):
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 100
    offset: int = 0


@router.get("/audit-events", response=list[AuditEventOut])
def audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> list:
    require(request.auth, Capability.AUDIT_VIEW)
    data = filters.dict()
    limit = max(1, min(data.pop("limit"), 500))
    offset = max(0, data.pop("offset"))
    return list(audit_event_list(viewer=request.auth, **data)[offset : offset + limit])
