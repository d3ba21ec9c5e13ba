"""API of the worklist: the caller's worklists, from the one registry the home page also reads."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from angsur.finance.money import money_str
from angsur.org.clock import branch_today
from angsur.org.roles import Capability
from angsur.org.scoping import require, user_can
from angsur.org.worklists import collect
from angsur.origination.answers_api import _rows
from angsur.origination.models import Survey
from angsur.origination.quote_selectors import quote_row
from angsur.origination.schemas import WorklistOut

router = Router()


def _survey_due(s: Survey) -> dict[str, Any]:
    return {
        "id": s.pk,
        "status": s.status,
        "scheduled_for": s.scheduled_for,
        "application_id": s.application_id,
        "application_number": s.application.number,
        "applicant_name": s.application.applicant_name,
    }


def _contract_row(row: Any) -> dict[str, Any]:
    """A "contracts" worklist item (a dataclass the registering app builds: collection.selectors.ContractRow)."""
    return {
        "contract_id": row.contract_id,
        "case_id": row.case_id,
        "number": row.number,
        "customer": row.customer,
        "dpd": row.dpd,
        "amount": money_str(row.amount),
        "due_date": row.due_date,
        "url": row.url,
        "note": str(row.note),
    }


# How each kind of worklist item is answered; servicing and collection add their kinds here.
WORKLIST_ROWS = {
    "applications": _rows,
    "surveys": lambda items, user: [_survey_due(s) for s in items],
    "quotes": lambda items, user: [quote_row(q) for q in items],
    "contracts": lambda items, user: [_contract_row(r) for r in items],
}


@router.get("/worklist", response=WorklistOut, exclude_unset=True, operation_id="angsur_origination_api_worklist")
def worklist(request: HttpRequest) -> dict:
    """The caller's worklists, from the one registry the home page also reads (org/worklists.py)."""
    user = request.auth
    if not user_can(user, Capability.COLLECTION_VIEW):  # collectors have worklists but no applications
        require(user, Capability.APPLICATION_VIEW)
    body: dict[str, Any] = {"role": user.role}
    for spec, items in collect(user, branch_today(user)):
        body[spec.key] = WORKLIST_ROWS[spec.kind](items, user)
    return body
