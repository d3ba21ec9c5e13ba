"""API of an approval's conditions: fulfil or waive one; the customer accepts the counter-offer."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from angsur.org.clock import branch_today
from angsur.origination import selectors
from angsur.origination.answers_api import _detail
from angsur.origination.inputs_api import OptionalVersion, _version
from angsur.origination.schemas import ApplicationOut, ConditionOut
from angsur.origination.services import condition_resolve, conditions_accept
from angsur.schemas import InputSchema

router = Router()


class ConditionResolveIn(InputSchema):
    resolution: Literal["fulfilled", "waived"]
    note: str = Field("", max_length=300, description="Required to waive")


@router.post(
    "/applications/{application_id}/conditions/{condition_id}",
    response=ConditionOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_condition_resolve_endpoint",
)
def condition_resolve_endpoint(request: HttpRequest, application_id: int, condition_id: int, payload: ConditionResolveIn) -> dict:
    """Mark a condition of the approval fulfilled (the order's CMO, branch marketing or a decider) or waived (a decider, with a reason)."""
    user = request.auth
    condition = selectors.condition_get(viewer=user, application_id=application_id, pk=condition_id)
    condition_resolve(actor=user, condition=condition, resolution=payload.resolution, note=payload.note)
    return next(row for row in selectors.condition_rows(condition.application) if row["id"] == condition.pk)


@router.post(
    "/applications/{application_id}/accept-conditions",
    response=ApplicationOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_conditions_accept_endpoint",
)
def conditions_accept_endpoint(request: HttpRequest, application_id: int, payload: OptionalVersion = None) -> dict:
    """The customer takes the counter-offer: the application is re-priced on its terms and approved."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    conditions_accept(actor=user, application=app, as_of=branch_today(user), expected_version=_version(payload))
    return _detail(user, app.pk)
