"""How the origination API answers: an application (the dealer or the staff view, origination/schemas.py),
its list rows, and its records (parties, documents, surveys, decisions, appeals, flags, SLIK checks).

Privacy (UU 27/2022 PDP): lists mask NIK and phone; a dealer user only ever gets the dealer view of an
application (status, terms, the privacy-safe notice) and never income, bureau, survey or score data.
"""

from decimal import Decimal
from typing import Any

from angsur.finance.money import from_minor, money_str
from angsur.org.models import User
from angsur.org.roles import Role
from angsur.origination import selectors
from angsur.origination.models import Appeal, Application, Decision, Document, Flag, Survey, SurveyPhoto
from angsur.origination.visibility import Part, sees
from angsur.origination.workflow import Status as AppStatus
from angsur.origination.workflow import allowed_actions
from angsur.scoring import mask_nik, mask_phone


def _money(sen: int | None) -> str | None:
    return None if sen is None else money_str(from_minor(sen))


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.get_full_name() or user.username}


def _is_dealer(user: Any) -> bool:
    return user.role == Role.DEALER


def _label(status: str) -> str:
    return str(AppStatus(status).label) if status in AppStatus.values else status


def _state(app: Application) -> dict[str, Any]:
    return {"id": app.pk, "number": app.number, "status": app.status, "status_label": _label(app.status), "version": app.version}


def _row(app: Application, *, dealer_view: bool) -> dict[str, Any]:
    """A list row (fields of selectors.LIST_FIELDS only); NIK and phone masked, and absent for dealers."""
    row: dict[str, Any] = {
        "id": app.pk,
        "number": app.number,
        "status": app.status,
        "status_label": _label(app.status),
        "applicant_name": app.applicant_name,
        "tenor_months": app.tenor_months,
        "installment": _money(app.installment_sen),
        "created_at": app.created_at,
        "submitted_at": app.submitted_at,
    }
    if dealer_view:
        return row
    row.update(
        applicant_nik=mask_nik(app.applicant_nik),
        applicant_phone=mask_phone(app.applicant_phone),
        financed_principal=_money(app.financed_principal_sen),
        decision_level=app.decision_level,
        branch_id=app.branch_id,
        dealer_id=app.dealer_id,
        cmo_id=app.cmo_id,
    )
    if Application.dealer.field.is_cached(app):
        row["dealer_name"] = app.dealer.name
    if Application.cmo.field.is_cached(app):
        row["cmo_name"] = app.cmo.get_full_name() or app.cmo.username
    return row


def _rows(apps: Any, viewer: Any) -> list[dict[str, Any]]:
    dealer_view = _is_dealer(viewer)
    return [_row(app, dealer_view=dealer_view) for app in apps]


def _vehicle(app: Application) -> dict[str, Any]:
    return {
        "kind": app.vehicle_kind,
        "brand": app.vehicle_brand,
        "model": app.vehicle_model,
        "year": app.vehicle_year,
        "condition": app.vehicle_condition,
        "colour": app.vehicle_colour,
        "frame_number": app.frame_number,
        "engine_number": app.engine_number,
    }


def _timestamps(app: Application) -> dict[str, Any]:
    return {
        "created_at": app.created_at,
        "submitted_at": app.submitted_at,
        "survey_assigned_at": app.survey_assigned_at,
        "surveyed_at": app.surveyed_at,
        "analysis_started_at": app.analysis_started_at,
        "decided_at": app.decided_at,
        "updated_at": app.updated_at,
    }


def _dealer_detail(app: Application) -> dict[str, Any]:
    """The dealer view: whitelisted fields only (no income, bureau, survey, score, NIK or phone)."""
    return {
        **_state(app),
        "vehicle": _vehicle(app),
        "terms": {
            "otr": _money(app.otr_sen),
            "down_payment": _money(app.down_payment_sen),
            "tenor_months": app.tenor_months,
            "installment": _money(app.installment_sen),
            "tdp": _money(app.tdp_sen),
        },
        "applicant_name": app.applicant_name,
        # the order's own milestones only (internal steps such as survey or analysis are not the dealer's business)
        "created_at": app.created_at,
        "submitted_at": app.submitted_at,
        "decided_at": app.decided_at,
        "updated_at": app.updated_at,
        "notice": selectors.dealer_notice(app),
    }


def _party(p: Any) -> dict[str, Any]:
    return {
        "role": p.role,
        "full_name": p.full_name,
        "nik": p.nik,
        "kk_number": p.kk_number,
        "birth_place": p.birth_place,
        "birth_date": p.birth_date,
        "sex": p.sex,
        "marital_status": p.marital_status,
        "mother_maiden_name": p.mother_maiden_name,
        "phone": p.phone,
        "phone_alt": p.phone_alt,
        "ktp_address": p.ktp_address,
        "domicile_address": p.domicile_address,
        "employment_type": p.employment_type,
        "employer_name": p.employer_name,
        "position": p.position,
        "employment_months": p.employment_months,
        "monthly_income": _money(p.monthly_income_sen),
    }


def _document(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "kind_label": str(d.get_kind_display()),
        "original_name": d.original_name,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "uploaded_by": _user(d.uploaded_by),
        "uploaded_at": d.uploaded_at,
    }


def _photo(p: SurveyPhoto) -> dict[str, Any]:
    return {
        "id": p.pk,
        "caption": p.caption,
        "latitude": _dec(p.latitude),
        "longitude": _dec(p.longitude),
        "taken_at": p.taken_at,
        "content_type": p.content_type,
        "size": p.size,
    }


def _survey(s: Survey) -> dict[str, Any]:
    return {
        "id": s.pk,
        "application_id": s.application_id,
        "status": s.status,
        "surveyor": _user(s.surveyor),
        "assigned_by": _user(s.assigned_by),
        "scheduled_for": s.scheduled_for,
        "completed_at": s.completed_at,
        "residence_ownership": s.residence_ownership,
        "residence_months": s.residence_months,
        "house_type": s.house_type,
        "house_condition": s.house_condition,
        "road_access": s.road_access,
        "employer_verified": s.employer_verified,
        "employment_verification": s.employment_verification,
        "employment_months": s.employment_months,
        "dependents": s.dependents,
        "verified_income": _money(s.verified_income_sen),
        "household_income": _money(s.household_income_sen),
        "household_expense": _money(s.household_expense_sen),
        "recommendation": s.recommendation,
        "recommendation_reason": s.recommendation_reason,
        "latitude": _dec(s.latitude),
        "longitude": _dec(s.longitude),
        "distance_from_address_m": s.distance_from_address_m,
        "gps_missing_reason": s.gps_missing_reason,
        "gps_taken_at": s.gps_taken_at,
        "device_captured_at": s.device_captured_at,
        "received_at": s.received_at,
        "informants": [
            {"name": i.name, "relation": i.relation, "confirms_residence": i.confirms_residence, "answer": i.answer}
            for i in s.informants.all()
        ],
        "photos": [_photo(p) for p in s.photos.all()],
    }


def _decision(d: Decision, *, with_analysis: bool, with_rationale: bool = True) -> dict[str, Any]:
    body = {
        "id": d.pk,
        "outcome": d.outcome,
        "level": d.level,
        "role": d.role,
        "decided_by": _user(d.decided_by),
        "reason_codes": d.reason_codes,
        # Analysts write bureau findings in the rationale: deciders only (origination/visibility.py).
        "rationale": d.rationale if with_rationale else "",
        "counter_offer": d.counter_offer,
        "on_appeal": d.on_appeal,
        "reasons_override": d.reasons_override,
        "created_at": d.created_at,
    }
    if with_analysis:
        body["analysis"] = d.analysis
    return body


def _appeal(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "appellant": _user(a.appellant),
        "argument": a.argument,
        "rejected_decision_id": a.rejected_decision_id,
        "to_level": a.to_level,
        "created_at": a.created_at,
    }


def _flag(f: Flag, *, with_detail: bool = True) -> dict[str, Any]:
    # A negative-list reason or another branch's application number: deciders only; others see the kind.
    return {
        "kind": f.kind,
        "label": str(f.get_kind_display()),
        "detail": f.detail if with_detail else "",
        "other_application_id": f.other_application_id if with_detail else None,
        "created_at": f.created_at,
    }


def _staff_detail(app: Application, viewer: Any) -> dict[str, Any]:
    """The full application for staff: parties unmasked, trail, SLAs; bureau and analysis snapshots for deciders only."""
    credit = sees(viewer, Part.BUREAU)
    selectors.application_with_records(app)
    body: dict[str, Any] = {
        **_state(app),
        "allowed_actions": allowed_actions(app, viewer),
        "decision_level": app.decision_level,
        "appeal_count": app.appeal_count,
        "branch": {"id": app.branch_id, "code": app.branch.code, "name": app.branch.name},
        "dealer": {"id": app.dealer_id, "code": app.dealer.code, "name": app.dealer.name},
        "cmo": _user(app.cmo),
        "created_by": _user(app.created_by),
        "product": app.product.code,
        "vehicle": _vehicle(app),
        "terms": {
            "otr": _money(app.otr_sen),
            "down_payment": _money(app.down_payment_sen),
            "dp_pct": _dec(app.dp_pct),
            "min_dp_pct": _dec(app.min_dp_pct),
            "tenor_months": app.tenor_months,
            "installment": _money(app.installment_sen),
            "financed_principal": _money(app.financed_principal_sen),
            "tdp": _money(app.tdp_sen),
            "priced_on": app.priced_on,
            "rate_card_id": app.rate_card_id,
            "quote": app.quote_result,
        },
        "household": {
            "declared_income": _money(app.declared_income_sen),
            "declared_other_income": _money(app.declared_other_income_sen),
            "household_expense": _money(app.household_expense_sen),
            "dependents": app.dependents,
            "residence_ownership": app.residence_ownership,
            "residence_months": app.residence_months,
            "address_latitude": _dec(app.address_latitude),
            "address_longitude": _dec(app.address_longitude),
        },
        "applicant_name": app.applicant_name,
        "parties": [_party(p) for p in app.parties.all()],
        "obligations": [
            {"lender": o.lender, "monthly_installment": _money(o.monthly_installment_sen), "outstanding": _money(o.outstanding_sen)}
            for o in app.obligations.all()
        ],
        "documents": [_document(d) for d in app.documents.all()],
        "surveys": [_survey(s) for s in app.surveys.all()],
        "decisions": [
            _decision(d, with_analysis=sees(viewer, Part.ANALYSIS), with_rationale=sees(viewer, Part.RATIONALE))
            for d in app.decisions.all()
        ],
        "appeals": [_appeal(a) for a in app.appeals.all()],
        "flags": [_flag(f, with_detail=sees(viewer, Part.FLAG_DETAIL)) for f in app.flags.all()],
        "conditions": selectors.condition_rows(app),
        "service_levels": [
            {"label": str(s.label), "hours": s.hours, "target_hours": s.target, "over": s.over} for s in selectors.service_levels(app)
        ],
        **_timestamps(app),
    }
    if credit:
        body["bureau_checks"] = [_bureau(b) for b in selectors.bureau_checks(app)]
    return body


def _bureau(b: Any) -> dict[str, Any]:
    return {
        "id": b.pk,
        "enquiry_date": b.enquiry_date,
        "consent_given": b.consent_given,
        "worst_collectibility": b.worst_collectibility,
        "outstanding": _money(b.outstanding_sen),
        "note": b.note,
        "entered_by": _user(b.entered_by),
        "entered_at": b.entered_at,
    }


def _detail(viewer: Any, pk: int) -> dict[str, Any]:
    """Re-read through the scoped selector and answer the view the viewer is allowed."""
    app = selectors.application_get(viewer=viewer, pk=pk)
    return _dealer_detail(app) if _is_dealer(viewer) else _staff_detail(app, viewer)
