"""Conditions of an approval: the customer accepts the counter-offer (re-priced on its terms), a condition is
fulfilled or waived.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import Conflict, DomainError
from angsur.finance.money import to_minor
from angsur.org.models import User
from angsur.org.roles import Capability
from angsur.org.scoping import user_can
from angsur.origination.decision_services import TERMS_CONDITIONS
from angsur.origination.models import Application, Condition, ConditionStatus, DecisionOutcome
from angsur.origination.transition_services import _lock, _require_decider, _require_owner_or_branch_marketing, _transition
from angsur.origination.workflow import Action, Status
from angsur.products.services import quote_price
from angsur.workflow.engine import lock, service


@service
def conditions_accept(*, actor: User, application: Application, as_of: dt.date, expected_version: int | None = None) -> Application:
    """The customer takes the counter-offer: re-price the application on its terms; it becomes approved."""
    app = _lock(application, expected_version, action=Action.ACCEPT_CONDITIONS, actor=actor)
    decision = app.decisions.filter(outcome=DecisionOutcome.APPROVE_WITH_CONDITIONS).order_by("-created_at", "-id").first()
    if decision is None:
        raise Conflict("invalid_transition", _("There is no counter-offer to accept."))
    if not decision.counter_offer:
        # Conditions without new terms (a guarantor, a document): accepting them keeps the priced quote;
        # each stays open until it is fulfilled (booking waits for them).
        _transition(app, Action.ACCEPT_CONDITIONS, actor=actor, fields=[], extra={"terms_unchanged": True})
        return app
    Condition.objects.filter(decision=decision, kind__in=TERMS_CONDITIONS, status=ConditionStatus.OPEN).update(
        status=ConditionStatus.FULFILLED,
        resolved_by=actor,
        resolved_at=timezone.now(),
        resolution_note=_("The customer accepted the counter-offer."),
    )
    offer = decision.counter_offer
    priced = quote_price(
        product=app.product,
        branch_id=app.branch_id,
        as_of=as_of,
        otr=app.otr,
        down_payment=Decimal(offer["down_payment"]),
        tenor_months=int(offer["tenor_months"]),
        vehicle_year=app.vehicle_year,
    )
    q = priced.quote
    before = {"down_payment_sen": app.down_payment_sen, "tenor_months": app.tenor_months, "installment_sen": app.installment_sen}
    app.down_payment_sen, app.tenor_months = to_minor(Decimal(offer["down_payment"])), int(offer["tenor_months"])
    app.installment_sen, app.financed_principal_sen = to_minor(q.installment), to_minor(q.financed_principal)
    app.tdp_sen, app.quote_result, app.rate_card_id, app.priced_on = to_minor(q.tdp.total), q.as_dict(), priced.rate_card_id, as_of
    fields = [
        "down_payment_sen",
        "tenor_months",
        "installment_sen",
        "financed_principal_sen",
        "tdp_sen",
        "quote_result",
        "rate_card",
        "priced_on",
    ]
    _transition(
        app,
        Action.ACCEPT_CONDITIONS,
        actor=actor,
        fields=fields,
        extra={"before_terms": before, "down_payment_sen": app.down_payment_sen, "tenor_months": app.tenor_months},
    )
    return app


CONDITION_RESOLUTIONS = frozenset({ConditionStatus.FULFILLED, ConditionStatus.WAIVED})


@service
def condition_resolve(*, actor: User, condition: Condition, resolution: str, note: str = "") -> Condition:
    """Mark an approval's condition fulfilled (the order's CMO or branch marketing, or a decider) or waived (a decider).

    Terms conditions (DP, tenor) are fulfilled by accepting the counter-offer, not here. A waiver needs
    the reason in the note. The application row is locked first, so two people resolving at once
    cannot both change the same condition.
    """
    if resolution not in CONDITION_RESOLUTIONS:
        raise DomainError("invalid_resolution", _("A condition is either fulfilled or waived."), field="resolution")
    app = lock(Application, condition.application_id)
    if resolution == ConditionStatus.WAIVED:
        _require_decider(actor, app)
        if not note.strip():
            raise DomainError("waiver_reason_required", _("Write why the condition is waived."), field="note")
    elif not user_can(actor, Capability.CREDIT_DECIDE):
        _require_owner_or_branch_marketing(actor, app)
    else:
        _require_decider(actor, app)
    row = Condition.objects.select_for_update().get(pk=condition.pk)
    if row.status != ConditionStatus.OPEN:
        raise Conflict("condition_resolved", _("This condition is already %(status)s.") % {"status": row.get_status_display()})
    if row.kind in TERMS_CONDITIONS and resolution == ConditionStatus.FULFILLED and app.status == Status.APPROVED_WITH_CONDITIONS:
        raise Conflict("accept_counter_offer", _("New terms are fulfilled by accepting the counter-offer."))
    if app.status not in {Status.APPROVED_WITH_CONDITIONS, Status.APPROVED}:
        raise Conflict("invalid_transition", _("Conditions can be resolved only on an approved application."))
    row.status, row.resolved_by, row.resolved_at, row.resolution_note = resolution, actor, timezone.now(), note.strip()[:300]
    row.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    audit_record(
        actor=actor,
        action=f"application.condition_{'fulfil' if resolution == ConditionStatus.FULFILLED else 'waive'}",
        obj=app,
        before={"condition": row.pk, "status": ConditionStatus.OPEN},
        after={"condition": row.pk, "kind": row.kind, "status": resolution, "note": row.resolution_note},
    )
    return row
