"""API: the audit trail (Branch Manager and head office)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from angsur.audit.selectors import audit_event_list
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.schemas import BoundedDate

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
    client_request_id: str


class AuditFilter(Schema):
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    action: str = ""
    date_from: BoundedDate | None = None
    date_to: BoundedDate | None = None
    limit: int = Field(100, ge=1, le=500)
    # PostgreSQL's OFFSET is a bigint: 2**63 was a 500. No trail is a billion events deep.
    offset: int = Field(0, ge=0, le=1_000_000_000)


@router.get("/audit-events", response=list[AuditEventOut])
def audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> list:
    require(request.auth, Capability.AUDIT_VIEW)
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    return list(audit_event_list(viewer=request.auth, **data)[offset : offset + limit])
