"""API of collection: cases (scoped: a CMO their own, a collector theirs, staff their branch), contacts with
promises (idempotent, refused outside the conduct hours), hand-over, assignment, consent, the views.

Thin endpoints: the case is resolved through the scoped selector (404 outside the viewer's scope), one
service is called, one declared schema answered. The moment of a contact is the server's (collection.clock).
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Status

from angsur.collection import clock, selectors
from angsur.collection.projections import case_row_out, contact_out, event_out, promise_out
from angsur.collection.schemas import (
    AssignIn,
    CaseOut,
    CaseRowOut,
    CollectionViewOut,
    ConsentIn,
    ConsentOut,
    ContactIn,
    ContactOut,
    HandOverIn,
    ResultCodeOut,
)
from angsur.collection.services import (
    ContactData,
    case_assign,
    case_hand_over,
    consent_record,
    contact_log,
    contact_time_refusal,
    window_message,
)
from angsur.finance.money import money_str
from angsur.org.clock import branch_today, business_date
from angsur.org.roles import Capability
from angsur.org.scoping import require

router = Router(tags=["collection"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        max_length=64,
        description="A unique string per contact (a UUID): sent again, it answers the contact recorded the first time",
    ),
]


def _case_detail(case: Any, user: Any) -> dict[str, Any]:
    page = selectors.case_page(case, viewer=user)
    window, consent = contact_time_refusal(case, at=clock.now())
    allowed = window.allowed or consent is not None
    return {
        **case_row_out(case),
        "allowed_actions": page.actions,
        "whatsapp_url": selectors.whatsapp_link(case, sender=user) or None,
        "contact_allowed_now": allowed,
        "contact_refusal": None if allowed else window_message(window),
        "contacts": [contact_out(c) for c in page.contacts],
        "promises": [promise_out(p) for p in page.promises],
        "events": [event_out(e) for e in page.events],
    }


@router.get("/collection/cases", response=list[CaseRowOut])
def case_list_endpoint(request: HttpRequest, stage: str = "") -> list[dict[str, Any]]:
    """Open cases in the caller's scope (or of one stage: cmo, desk, field, remedial, closed), priority and DPD first."""
    return [case_row_out(c) for c in selectors.case_list(viewer=request.auth, stage=stage)]


@router.get("/collection/cases/{case_id}", response=CaseOut)
def case_detail_endpoint(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """A case with its contacts, promises, history, the actions open to the caller and the WhatsApp reminder link."""
    user = request.auth
    return _case_detail(selectors.case_get(viewer=user, pk=case_id), user)


@router.post("/collection/cases/{case_id}/contacts", response={201: ContactOut, 200: ContactOut})
def contact_log_endpoint(request: HttpRequest, case_id: int, payload: ContactIn, idempotency_key: IdempotencyKey = None) -> Status:
    """Log a contact (call, WhatsApp, visit) with its result and an optional promise to pay.

    Refused (400 `outside_contact_hours`) outside Monday-Saturday 08.00-20.00 in the debtor's time zone and on
    holidays, unless the debtor's consent is recorded. The same `Idempotency-Key` answers the contact already
    recorded (200).
    """
    user = request.auth
    case = selectors.case_get(viewer=user, pk=case_id)
    contact = contact_log(
        actor=user,
        case=case,
        data=ContactData(**payload.model_dump()),
        at=clock.now(),
        as_of=business_date(case.branch),
        client_key=idempotency_key or "",
    )
    return Status(200 if contact.replayed else 201, contact_out(contact))


@router.post("/collection/cases/{case_id}/hand-over", response=CaseOut)
def hand_over_endpoint(request: HttpRequest, case_id: int, payload: HandOverIn) -> dict[str, Any]:
    """Hand the case on to desk, field or remedial with a reason (the CMO their own case; a branch manager any)."""
    user = request.auth
    case = selectors.case_get(viewer=user, pk=case_id)
    case_hand_over(
        actor=user,
        case=case,
        to_stage=payload.to_stage,
        reason=payload.reason,
        as_of=business_date(case.branch),
        expected_version=payload.expected_version,
    )
    return _case_detail(selectors.case_get(viewer=user, pk=case_id), user)


@router.post("/collection/cases/{case_id}/assignment", response=CaseOut)
def assign_endpoint(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    """Give a handed-over case to a collector of its branch; a third party only with a valid certification."""
    user = request.auth
    require(user, Capability.COLLECTION_ASSIGN)
    case = selectors.case_get(viewer=user, pk=case_id)
    assignee = selectors.assignee_get(viewer=user, pk=payload.assignee_id)
    case_assign(actor=user, case=case, assignee=assignee, as_of=business_date(case.branch), expected_version=payload.expected_version)
    return _case_detail(selectors.case_get(viewer=user, pk=case_id), user)


@router.post("/collection/cases/{case_id}/consents", response={201: ConsentOut})
def consent_endpoint(request: HttpRequest, case_id: int, payload: ConsentIn) -> Status:
    """Record the debtor's consent to be contacted outside the hours (POJK 22/2023 Pasal 62), until a date."""
    user = request.auth
    case = selectors.case_get(viewer=user, pk=case_id)
    consent = consent_record(actor=user, case=case, note=payload.note, valid_until=payload.valid_until, as_of=business_date(case.branch))
    body = {
        "id": consent.pk,
        "contract_id": consent.contract_id,
        "note": consent.note,
        "valid_until": consent.valid_until,
        "recorded_by": user.username,
        "recorded_at": consent.recorded_at,
    }
    return Status(201, body)


@router.get("/collection/result-codes", response=list[ResultCodeOut])
def result_codes_endpoint(request: HttpRequest) -> list[dict[str, Any]]:
    """The contact result codes in use (configuration)."""
    require(request.auth, Capability.COLLECTION_VIEW)
    return [{"code": r.code, "label": r.label, "needs_promise": r.needs_promise} for r in selectors.result_codes()]


@router.get("/collection/views", response=CollectionViewOut)
def views_endpoint(request: HttpRequest, group: str = "branch", as_of: Query[dt.date | None] = None) -> dict[str, Any]:
    """Per CMO, collector or branch: accounts and amounts by bucket, first-payment defaults, today's visits, promise-kept rate."""
    user = request.auth
    day = as_of or branch_today(user)
    view = selectors.collection_view(viewer=user, group=group, as_of=day)
    rows = []
    for r in view.rows:
        rate = r.promise_kept_rate
        rows.append(
            {
                "id": r.key,
                "name": r.name,
                "accounts": r.accounts,
                "outstanding": money_str(r.outstanding),
                "overdue": money_str(r.overdue),
                "fpd": r.fpd,
                "visits_today": r.visits_today,
                "promises_kept": r.promises_kept,
                "promises_broken": r.promises_broken,
                "promise_kept_rate": None if rate is None else str(rate),
                "buckets": [{"bucket": b, "accounts": n, "amount": money_str(a)} for b, (n, a) in sorted(r.buckets.items())],
            }
        )
    return {"group": view.group, "business_date": view.business_date, "as_of": day, "rows": rows}
