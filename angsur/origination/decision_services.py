"""Decisions: approve, approve with conditions (a counter-offer and/or other conditions), reject, escalate;
the one appeal against a rejection.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.formatting import format_rupiah
from angsur.org.models import User
from angsur.org.roles import MAX_DECISION_LEVEL
from angsur.origination.models import Appeal, Application, Condition, ConditionKind, Decision, DecisionOutcome, DecisionReason
from angsur.origination.reasons import ReasonCode, contradicted_reasons
from angsur.origination.rule_labels import rule_title
from angsur.origination.selectors import analysis_counter_offers, application_analysis, covers
from angsur.origination.transition_services import _lock, _transition
from angsur.origination.workflow import Action, Status, appeal_level, decider_level
from angsur.products.selectors import pricing_terms
from angsur.products.services import counter_offer_at
from angsur.workflow.engine import service

OUTCOME_ACTION = {
    DecisionOutcome.APPROVE: Action.APPROVE,
    DecisionOutcome.APPROVE_WITH_CONDITIONS: Action.APPROVE_WITH_CONDITIONS,
    DecisionOutcome.REJECT: Action.REJECT,
    DecisionOutcome.ESCALATE: Action.ESCALATE,
}

# Knock-outs a counter-offer (more DP, another tenor) repairs, so a conditional approval may carry them.
CURABLE_BY_COUNTER_OFFER = frozenset({"dsr_ceiling", "min_dp"})

# Conditions met by new terms: fulfilled when the customer accepts the counter-offer.
TERMS_CONDITIONS = frozenset({ConditionKind.DOWN_PAYMENT, ConditionKind.TENOR})

# Conditions whose kind alone does not say what is needed.
CONDITIONS_NEEDING_DETAIL = frozenset({ConditionKind.DOCUMENTS, ConditionKind.OTHER})

MAX_CONDITIONS = 10


def _tenor_offer(app: Application, analysis: Any, *, tenor_months: int, as_of: dt.date) -> dict[str, Any]:
    """A counter-offer at another tenor chosen by the decider (e.g. shorter than asked), same DP, checked like the engine's."""
    if tenor_months == app.tenor_months:
        raise DomainError("same_tenor", _("Choose a tenor other than the one asked for."), field="counter_offer_tenor")
    offer = counter_offer_at(
        terms=pricing_terms(product=app.product, branch_id=app.branch_id, as_of=as_of),
        as_of=as_of,
        kind="tenor",
        otr=app.otr,
        down_payment=app.down_payment,
        tenor_months=tenor_months,
        vehicle_year=app.vehicle_year,
        income=analysis.income,
        existing_installments=analysis.existing_installments,
        max_dsr_pct=analysis.policy_config.max_dsr_pct,
    )
    if offer is None:
        raise DomainError(
            "tenor_offer_dsr", _("At %(tenor)d months the DSR is above the limit.") % {"tenor": tenor_months}, field="counter_offer_tenor"
        )
    return offer.as_dict()


APPROVALS = frozenset({DecisionOutcome.APPROVE, DecisionOutcome.APPROVE_WITH_CONDITIONS})


def _check_documents(missing: list[str], *, override: str, level: int) -> None:
    """An approval needs the product's required documents; an authorised decider may override, saying why."""
    if not missing:
        return
    names = ", ".join(missing)
    if not override.strip():
        raise DomainError(
            "documents_missing",
            _("Required documents are missing (%(documents)s): attach them, or approve with a documents override and its reason.")
            % {"documents": names},
            field="documents_override",
        )
    needed = settings.ANGSUR_DOCUMENT_OVERRIDE_LEVEL
    if level < needed:
        raise PermissionDenied(
            "documents_override_level",
            _("Approving without the required documents (%(documents)s) needs a decider of level %(level)d or above.")
            % {"documents": names, "level": needed},
        )


@dataclass(frozen=True)
class ConditionData:
    """One condition of an approval as the decider states it (kind, and what exactly is needed)."""

    kind: str
    detail: str = ""


def _clean_conditions(outcome: str, conditions: list[ConditionData]) -> list[ConditionData]:
    if conditions and outcome != DecisionOutcome.APPROVE_WITH_CONDITIONS:
        raise DomainError("conditions_not_allowed", _("Conditions go with an approval with conditions only."), field="conditions")
    if len(conditions) > MAX_CONDITIONS:
        raise DomainError("too_many_conditions", _("At most %(n)d conditions.") % {"n": MAX_CONDITIONS}, field="conditions")
    cleaned: list[ConditionData] = []
    for condition in conditions:
        if condition.kind not in ConditionKind.values:
            raise DomainError("invalid_condition", _("Unknown condition."), field="conditions")
        if condition.kind in TERMS_CONDITIONS:
            # New terms are priced by the quote engine (a counter-offer), not written as free text.
            raise DomainError(
                "terms_condition_by_offer", _("A new DP or tenor is set by the counter-offer, not as a condition."), field="conditions"
            )
        detail = " ".join(str(condition.detail).split())
        if len(detail) > 300:
            raise DomainError("condition_detail_too_long", _("A condition's detail is at most 300 characters."), field="conditions")
        if condition.kind in CONDITIONS_NEEDING_DETAIL and not detail:
            raise DomainError(
                "condition_detail_required",
                _("Say what is needed for the condition “%(condition)s”.") % {"condition": ConditionKind(condition.kind).label},
                field="conditions",
            )
        cleaned.append(ConditionData(condition.kind, detail))
    return cleaned


@service
def decision_record(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reason_codes: list[str],
    rationale: str,
    as_of: dt.date,
    counter_offer_kind: str | None = None,
    counter_offer_tenor: int | None = None,
    conditions: list[ConditionData] | None = None,
    reasons_override: bool = False,
    documents_override: str = "",
    expected_version: int | None = None,
) -> Decision:
    """Record a decision: approve, approve with conditions (a counter-offer and/or other conditions), reject, or escalate.

    A reason that the analysis contradicts (``reasons.contradicted_reasons``: "DSR too high" while the DSR
    passed) is refused unless the decider overrides it explicitly (``reasons_override``), which is recorded.
    """
    if outcome not in DecisionOutcome.values:
        raise DomainError("invalid_outcome", _("Unknown decision."), field="outcome")
    action = OUTCOME_ACTION[outcome]
    # The table checks the decider: capability, branch, maker-checker, required level, top of the chain.
    app = _lock(application, expected_version, action=action, actor=actor)
    level = decider_level(actor)
    if not rationale.strip():
        raise DomainError("rationale_required", _("Write the rationale for the decision."), field="rationale")
    unknown = [code for code in reason_codes if code not in ReasonCode.values]
    if not reason_codes or unknown:
        raise DomainError("reason_codes_required", _("Choose at least one valid reason code."), field="reason_codes")
    wanted = _clean_conditions(outcome, list(conditions or []))
    if counter_offer_tenor is not None and outcome != DecisionOutcome.APPROVE_WITH_CONDITIONS:
        raise DomainError("conditions_not_allowed", _("Conditions go with an approval with conditions only."), field="counter_offer_tenor")
    analysis = application_analysis(app, as_of=as_of)
    snapshot = analysis.as_dict()  # checked against, and stored with the decision
    contradicted = contradicted_reasons(reason_codes, snapshot["policy"])
    if contradicted and not reasons_override:
        raise DomainError(
            "reason_contradicts_analysis",
            _(
                "The analysis does not support the reason %(reasons)s (its rule passed). Remove it, or confirm the "
                "override and explain it in the rationale."
            )
            % {"reasons": ", ".join(f"“{ReasonCode(code).label}”" for code in contradicted)},
            field="reason_codes",
        )
    on_appeal = app.status == Status.APPEALED
    offer = None
    if outcome == DecisionOutcome.ESCALATE:
        app.decision_level = max(app.decision_level, level) + 1
    else:
        if outcome in {DecisionOutcome.APPROVE, DecisionOutcome.APPROVE_WITH_CONDITIONS}:
            if analysis.score is None:
                raise DomainError(
                    "no_scorecard", _("No scorecard is configured for this date: the application cannot be approved."), field="outcome"
                )
            failing = {r.code for r in analysis.policy if r.knock_out and not r.passed}
            if outcome == DecisionOutcome.APPROVE_WITH_CONDITIONS:
                failing -= CURABLE_BY_COUNTER_OFFER
            if failing and level < MAX_DECISION_LEVEL:
                raise DomainError(
                    "policy_knock_out",
                    _("A knock-out rule fails (%(rules)s): only the branch manager may approve as an exception.")
                    % {"rules": ", ".join(sorted(rule_title(code) for code in failing))},
                    field="outcome",
                )
            if not covers(role=actor.role, financed_sen=app.financed_principal_sen, grade=analysis.grade, product_id=app.product_id):
                raise PermissionDenied("beyond_authority", _("The amount or risk grade is beyond your authority: escalate it."))
            _check_documents(analysis.missing_documents, override=documents_override, level=level)
        if outcome == DecisionOutcome.APPROVE_WITH_CONDITIONS:
            offers = analysis_counter_offers(app, analysis, as_of=as_of)
            chosen = [o for o in offers if counter_offer_kind in (None, o.kind)]
            dsr_fits = analysis.dsr_fits
            if counter_offer_tenor is not None:
                offer = _tenor_offer(app, analysis, tenor_months=counter_offer_tenor, as_of=as_of)
            elif chosen:
                offer = chosen[0].as_dict()
            elif not dsr_fits or counter_offer_kind:
                raise DomainError(
                    "no_counter_offer", _("No DP or tenor within the product brings the DSR within the limit."), field="counter_offer_kind"
                )
            elif not wanted:
                # The terms already fit: the approval needs conditions of another kind (a guarantor, documents).
                raise DomainError(
                    "conditions_required",
                    _("The terms already fit the policy: name the conditions of the approval (a guarantor, documents, …)."),
                    field="conditions",
                )
        app.decided_at = timezone.now()
    decision = Decision.objects.create(
        application=app,
        decided_by=actor,
        role=actor.role,
        level=level,
        outcome=outcome,
        reason_codes=reason_codes,
        rationale=rationale.strip(),
        counter_offer=offer,
        analysis=snapshot,
        on_appeal=on_appeal,
        reasons_override=bool(contradicted),
        documents_override_reason=documents_override.strip()[:300] if analysis.missing_documents and outcome in APPROVALS else "",
        missing_documents=analysis.missing_documents if outcome in APPROVALS else [],
    )
    if offer is not None:
        kind = ConditionKind.DOWN_PAYMENT if offer["kind"] == "dp" else ConditionKind.TENOR
        terms = _("DP %(dp)s, %(tenor)s months, installment %(installment)s") % {
            "dp": format_rupiah(Decimal(offer["down_payment"])),
            "tenor": offer["tenor_months"],
            "installment": format_rupiah(Decimal(offer["installment"])),
        }
        wanted = [ConditionData(kind, terms), *wanted]
    Condition.objects.bulk_create(Condition(application=app, decision=decision, kind=c.kind, detail=c.detail) for c in wanted)
    DecisionReason.objects.bulk_create(
        DecisionReason(
            decision=decision,
            application=app,
            branch_id=app.branch_id,
            dealer_id=app.dealer_id,
            cmo_id=app.cmo_id,
            outcome=outcome,
            code=code,
            decided_at=decision.created_at,
        )
        for code in dict.fromkeys(reason_codes)
    )
    _transition(
        app,
        action,
        actor=actor,
        fields=["decision_level", "decided_at"],
        extra={
            "decision": decision.pk,
            "outcome": outcome,
            "reason_codes": reason_codes,
            "level": level,
            "counter_offer": offer,
            "rationale": decision.rationale[:500],
            **({"conditions": [{"kind": c.kind, "detail": c.detail} for c in wanted]} if wanted else {}),
            **({"reasons_override": contradicted} if contradicted else {}),
            **(
                {"documents_override": decision.documents_override_reason, "missing_documents": decision.missing_documents}
                if decision.documents_override_reason
                else {}
            ),
        },
    )
    return decision


@service
def appeal_file(*, actor: User, application: Application, argument: str, expected_version: int | None = None) -> Appeal:
    """The CMO's supervisor appeals a rejection once, with a written argument; the level above the rejecter decides.

    Above the branch manager (the top of the branch chain) the appeal goes to head office's credit
    staff (workflow.HEAD_OFFICE_LEVEL); whoever decided the application never decides its appeal.
    """
    # The table checks the capability, the branch, the state, the one-appeal guard and that someone can decide it.
    app = _lock(application, expected_version, action=Action.APPEAL, actor=actor)
    if len(argument.strip()) < 20:
        raise DomainError("argument_required", _("Write the argument for the appeal (at least 20 characters)."), field="argument")
    rejection = app.decisions.filter(outcome=DecisionOutcome.REJECT).order_by("-created_at", "-id").first()
    if rejection is None:
        raise Conflict("invalid_transition", _("Only a rejected application can be appealed."))
    to_level = appeal_level(app)
    appeal = Appeal.objects.create(
        application=app, appellant=actor, argument=argument.strip(), rejected_decision=rejection, to_level=to_level
    )
    app.appeal_count += 1
    app.decision_level = to_level
    _transition(
        app,
        Action.APPEAL,
        actor=actor,
        fields=["appeal_count", "decision_level"],
        extra={"appeal": appeal.pk, "to_level": to_level, "argument": appeal.argument[:500]},
    )
    return appeal
