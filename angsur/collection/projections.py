"""Cases, contacts and promises as the API answers them (one projection for the API and the device's outbox)."""

from typing import Any

from angsur.collection.models import CollectionCase, Contact, Promise
from angsur.finance.money import from_minor, money_str


def _money(sen: int) -> str:
    return money_str(from_minor(sen))


def _name(user: Any) -> str | None:
    return user.username if user is not None else None


def promise_out(p: Promise) -> dict[str, Any]:
    return {
        "id": p.pk,
        "promised_on": p.promised_on,
        "amount": _money(p.amount_sen),
        "status": p.status,
        "paid": _money(p.paid_sen),
        "made_on": p.made_on,
        "resolved_on": p.resolved_on,
    }


def contact_out(c: Contact) -> dict[str, Any]:
    promise = getattr(c, "promise", None)  # the reverse one-to-one: None when the contact promised nothing
    return {
        "id": c.pk,
        "case_id": c.case_id,
        "channel": c.channel,
        "result_code": c.result.code,
        "result_label": c.result.label,
        "note": c.note,
        "actor": c.actor.username,
        "stage": c.stage,
        "contacted_at": c.contacted_at,
        "debtor_local_time": c.debtor_local_time,
        "with_consent": c.with_consent_id is not None,
        "latitude": None if c.latitude is None else str(c.latitude),
        "longitude": None if c.longitude is None else str(c.longitude),
        "gps_taken_at": c.gps_taken_at,
        "gps_missing_reason": c.gps_missing_reason,
        "device_captured_at": c.device_captured_at,
        "received_at": c.received_at,
        "promise": promise_out(promise) if promise is not None else None,
        "replayed": c.replayed,
    }


def case_row_out(case: CollectionCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "contract_id": case.contract_id,
        "contract_number": case.contract.number,
        "customer_name": case.contract.customer_name,
        "branch_code": case.branch.code,
        "cmo": case.cmo.username,
        "stage": case.stage,
        "assignee": _name(case.assignee),
        "priority": case.priority,
        "broken_promises": case.broken_promises,
        "dpd": case.dpd,
        "bucket": case.bucket,
        "mob": case.mob,
        "premature": case.premature,
        "overdue": _money(case.overdue_sen),
        "late_fee": _money(case.late_fee_sen),
        "next_due_date": case.next_due_date,
        "next_due": _money(case.next_due_sen),
        "business_date": case.business_date,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "handed_over_on": case.handed_over_on,
        "version": case.version,
    }


def event_out(e: Any) -> dict[str, Any]:
    return {
        "action": e.action,
        "business_date": e.business_date,
        "from_stage": e.from_stage,
        "to_stage": e.to_stage,
        "assignee": _name(e.assignee),
        "actor": _name(e.actor),
        "note": e.note,
        "created_at": e.created_at,
    }
