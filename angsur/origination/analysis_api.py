"""API of the analysis: the CMO's pre-check, the analysis with its counter-offers, start it, the SLIK entry,
correct the existing loans.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from angsur.errors import DomainError, PermissionDenied
from angsur.org.clock import branch_today
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.origination import selectors
from angsur.origination.answers_api import _bureau, _detail, _money, _state
from angsur.origination.inputs_api import ExpectedVersion, Money, OptionalVersion, _version
from angsur.origination.order_api import ObligationIn
from angsur.origination.schemas import AnalysisOut, ApplicationOut, BureauCheckStepOut, PreCheckOut
from angsur.origination.services import analysis_start, bureau_check_record, obligations_correct
from angsur.origination.visibility import Part, sees
from angsur.schemas import InputSchema

router = Router()


class BureauCheckIn(InputSchema):
    enquiry_date: dt.date
    consent_given: bool
    worst_collectibility: int | None = Field(None, description="Worst SLIK collectibility (Kol 1–5), empty when no history")
    outstanding: Money = Decimal(0)
    note: str = Field("", max_length=2000)


class ObligationsCorrectionIn(InputSchema):
    obligations: list[ObligationIn] = Field(default_factory=list, max_length=20)
    reason: str = Field(..., max_length=500, description="Why the loans are corrected (e.g. the SLIK result shows them)")
    expected_version: ExpectedVersion = None


@router.get("/applications/{application_id}/precheck", response=PreCheckOut, operation_id="angsur_origination_api_application_precheck")
def application_precheck(request: HttpRequest, application_id: int) -> dict:
    """The CMO's pre-check of an order: the DSR and the policy rules the analysis applies, without the bureau; missing documents."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    if not sees(user, Part.PRECHECK):
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    return {**_state(app), **selectors.application_precheck(app, as_of=branch_today(user)).as_dict()}


@router.get(
    "/applications/{application_id}/analysis",
    response=AnalysisOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_application_analysis",
)
def application_analysis(request: HttpRequest, application_id: int) -> dict:
    """DSR, policy rules, score, required authority level, and the counter-offers that would fit the DSR ceiling."""
    user = request.auth
    require(user, Capability.CREDIT_DECIDE)
    app = selectors.application_get(viewer=user, pk=application_id)
    as_of = branch_today(user)
    analysis = selectors.application_analysis(app, as_of=as_of)
    body: dict[str, Any] = {
        **_state(app),
        "as_of": as_of,
        **analysis.as_dict(),
        "policy_passed": analysis.policy_passed,
        "notes": [str(n) for n in analysis.notes],
        "counter_offers": [],
        "counter_offers_error": None,
    }
    body["bureau"] = _bureau(analysis.bureau) if analysis.bureau else None
    survey = analysis.survey
    body["survey"] = (
        None
        if survey is None
        else {
            "id": survey.pk,
            "completed_at": survey.completed_at,
            "recommendation": survey.recommendation,
            "recommendation_reason": survey.recommendation_reason,
            "verified_income": _money(survey.verified_income_sen),
        }
    )
    try:
        offers = selectors.analysis_counter_offers(app, analysis, as_of=as_of)
        body["counter_offers"] = [o.as_dict() for o in offers]
    except DomainError as error:
        body["counter_offers_error"] = error.as_dict()
    return body


@router.post(
    "/applications/{application_id}/analysis-start",
    response=ApplicationOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_analysis_start_endpoint",
)
def analysis_start_endpoint(request: HttpRequest, application_id: int, payload: OptionalVersion = None) -> dict:
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    analysis_start(actor=user, application=app, expected_version=_version(payload))
    return _detail(user, app.pk)


@router.post(
    "/applications/{application_id}/bureau-checks",
    response={201: BureauCheckStepOut},
    exclude_unset=True,
    operation_id="angsur_origination_api_bureau_check_endpoint",
)
def bureau_check_endpoint(request: HttpRequest, application_id: int, payload: BureauCheckIn) -> Status:
    """Enter a SLIK result (only with the applicant's consent)."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    check = bureau_check_record(
        actor=user,
        application=app,
        enquiry_date=payload.enquiry_date,
        consent_given=payload.consent_given,
        worst_collectibility=payload.worst_collectibility,
        outstanding=payload.outstanding,
        note=payload.note,
        as_of=branch_today(user),
    )
    return Status(201, {**_bureau(check), "application": _state(app)})


@router.post(
    "/applications/{application_id}/obligations",
    response=ApplicationOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_obligations_correct_endpoint",
)
def obligations_correct_endpoint(request: HttpRequest, application_id: int, payload: ObligationsCorrectionIn) -> dict:
    """A decider corrects the applicant's existing loans while the application is analysed (audited; the version moves on)."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    obligations_correct(
        actor=user,
        application=app,
        obligations=tuple((o.lender, o.monthly_installment) for o in payload.obligations),
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _detail(user, app.pk)
