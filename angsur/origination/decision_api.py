"""API of decisions: approve, approve with conditions, reject or escalate; the one appeal against a rejection."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from angsur.org.clock import branch_today
from angsur.origination import selectors
from angsur.origination.answers_api import _appeal, _decision, _state
from angsur.origination.inputs_api import ExpectedVersion
from angsur.origination.schemas import AppealStepOut, DecisionStepOut
from angsur.origination.services import ConditionData, appeal_file, decision_record
from angsur.schemas import InputSchema

router = Router()


class ConditionIn(InputSchema):
    kind: str = Field(..., description="guarantor | spouse_signature | documents | other (a new DP or tenor comes from the counter-offer)")
    detail: str = Field("", max_length=300, description="What exactly is needed; required for documents and other")


class DecisionIn(InputSchema):
    outcome: str = Field(..., description="approve | approve_conditions | reject | escalate")
    reason_codes: list[str] = Field(default_factory=list, max_length=20)
    rationale: str = Field("", max_length=5000)
    counter_offer_kind: Literal["dp", "tenor"] | None = None
    counter_offer_tenor: int | None = Field(None, ge=1, le=600, description="Another tenor, same DP (e.g. shorter than asked)")
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=10)
    reasons_override: bool = Field(False, description="Keep a reason the analysis contradicts (say why in the rationale)")
    documents_override: str = Field(
        "", max_length=300, description="Approve without the product's required documents: the reason (chief credit analyst and above)"
    )
    expected_version: ExpectedVersion = None


class AppealIn(InputSchema):
    argument: str = Field(..., max_length=5000)
    expected_version: ExpectedVersion = None


@router.post(
    "/applications/{application_id}/decisions",
    response={201: DecisionStepOut},
    exclude_unset=True,
    operation_id="angsur_origination_api_decision_endpoint",
)
def decision_endpoint(request: HttpRequest, application_id: int, payload: DecisionIn) -> Status:
    """Approve, approve with conditions (with a counter-offer), reject or escalate."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    decision = decision_record(
        actor=user,
        application=app,
        outcome=payload.outcome,
        reason_codes=payload.reason_codes,
        rationale=payload.rationale,
        as_of=branch_today(user),
        counter_offer_kind=payload.counter_offer_kind,
        counter_offer_tenor=payload.counter_offer_tenor,
        conditions=[ConditionData(c.kind, c.detail) for c in payload.conditions],
        reasons_override=payload.reasons_override,
        documents_override=payload.documents_override,
        expected_version=payload.expected_version,
    )
    app.refresh_from_db(fields=["status", "version"])
    return Status(201, {**_decision(decision, with_analysis=True), "application": _state(app)})


@router.post(
    "/applications/{application_id}/appeals",
    response={201: AppealStepOut},
    exclude_unset=True,
    operation_id="angsur_origination_api_appeal_endpoint",
)
def appeal_endpoint(request: HttpRequest, application_id: int, payload: AppealIn) -> Status:
    """The supervisor's one appeal against a rejection, decided one level up."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    appeal = appeal_file(actor=user, application=app, argument=payload.argument, expected_version=payload.expected_version)
    app.refresh_from_db(fields=["status", "version"])
    return Status(201, {**_appeal(appeal), "application": _state(app)})
