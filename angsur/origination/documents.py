"""Printable origination documents: the survey report and the credit memo (memo analisa kredit), as PDF.

Both are internal documents carrying personal data (income, bureau result, survey notes: UU 27/2022 PDP),
so they are never produced for a dealer user and only inside the viewer's scope. Photos are embedded as
``data:`` URIs read from storage: the renderer fetches nothing from the network or the file system.
"""

import base64
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angsur.documents.pdf import render_pdf
from angsur.errors import NotFound, PermissionDenied
from angsur.finance.money import from_minor
from angsur.org.roles import Role
from angsur.origination.models import Application, DecisionOutcome, PartyRole, Survey, SurveyPhoto, SurveyStatus
from angsur.origination.reasons import ReasonCode
from angsur.origination.rule_labels import rule_title
from angsur.origination.selectors import application_analysis, application_get, distance_m, parties_by_role, service_levels
from angsur.origination.visibility import Part, Viewer, sees, viewer_of
from angsur.origination.workflow import Status
from angsur.scoring import age_in_years

SURVEY_REPORT_TEMPLATE = "origination/pdf_survey_report.html"
CREDIT_MEMO_TEMPLATE = "origination/pdf_credit_memo.html"

# Only these image types are embedded (what uploads.validate_upload lets through for photos).
EMBEDDABLE = frozenset({"image/jpeg", "image/png", "image/webp"})

PARAM_LABELS = {
    "actual": gettext_lazy("actual"),
    "limit": gettext_lazy("limit"),
    "marital_status": gettext_lazy("marital status"),
    "adult_by_marriage": gettext_lazy("adult by marriage"),
    "maturity_date": gettext_lazy("maturity date"),
    "employment_type": gettext_lazy("employment"),
    "hits": gettext_lazy("hits"),
    "missing": gettext_lazy("missing"),
    "enquiry_date": gettext_lazy("enquiry date"),
    "required": gettext_lazy("required"),
}
VEHICLE_CONDITIONS = {"new": gettext_lazy("New"), "used": gettext_lazy("Used")}
OFFER_KINDS = {"dp": gettext_lazy("Larger down payment, same tenor"), "tenor": gettext_lazy("Longer tenor, same down payment")}


def _scoped(application: Application, viewer: Any) -> Application:
    """The application as the viewer may see it; dealer users never get these documents (personal data)."""
    if getattr(viewer, "role", None) == Role.DEALER:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return application_get(viewer=viewer, pk=application.pk)


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _printed(viewer: Any) -> dict[str, Any]:
    return {"printed_at": timezone.now(), "printed_by": _user_name(viewer), "printed_by_role": _role_label(getattr(viewer, "role", ""))}


# ---------------------------------------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class PhotoView:
    caption: str
    data_uri: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    taken_at: dt.datetime
    distance_m: int | None


def _data_uri(photo: SurveyPhoto) -> str | None:
    """The photo as a base64 data: URI read from storage (None when the file is gone or not an image we embed)."""
    if photo.content_type not in EMBEDDABLE or not photo.file.name:
        return None
    try:
        with default_storage.open(photo.file.name, "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return f"data:{photo.content_type};base64,{base64.b64encode(content).decode('ascii')}"


def _photo_views(survey: Survey, app: Application) -> list[PhotoView]:
    rows = []
    for photo in survey.photos.order_by("taken_at", "id"):
        distance = None
        if None not in (photo.latitude, photo.longitude, app.address_latitude, app.address_longitude):
            distance = distance_m(photo.latitude, photo.longitude, app.address_latitude, app.address_longitude)
        rows.append(PhotoView(photo.caption, _data_uri(photo), photo.latitude, photo.longitude, photo.taken_at, distance))
    return rows


def _require_part(viewer: Any, part: Part) -> None:
    # Who reads which part is declared once (origination/visibility.py), for pages, API and PDFs.
    if not sees(viewer, part):
        if viewer_of(viewer) == Viewer.DEALER:  # a dealer is not told that internal documents exist
            raise NotFound("not_found", _("The record was not found or is outside your branch."))
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))


def survey_report_context(application: Application, *, viewer: Any) -> dict[str, Any]:
    """Everything the survey report shows (the latest completed survey, else the latest scheduled one)."""
    _require_part(viewer, Part.ORDER)
    app = _scoped(application, viewer)
    parties = parties_by_role(app)
    surveys = app.surveys.select_related("surveyor", "assigned_by")
    survey = surveys.filter(status=SurveyStatus.COMPLETED).order_by("-completed_at", "-id").first() or surveys.first()
    context: dict[str, Any] = {
        "app": app,
        "applicant": parties.get(PartyRole.APPLICANT),
        "spouse": parties.get(PartyRole.SPOUSE),
        "status_label": Status(app.status).label,
        "tz": app.branch.time_zone,
        "survey": survey,
        "completed": survey is not None and survey.status == SurveyStatus.COMPLETED,
        "informants": [],
        "photos": [],
        **_printed(viewer),
    }
    if survey is not None:
        context.update(
            surveyor=_user_name(survey.surveyor),
            assigned_by=_user_name(survey.assigned_by),
            informants=list(survey.informants.order_by("id")),
            photos=_photo_views(survey, app),
            verified_income=from_minor(survey.verified_income_sen),
            household_income=from_minor(survey.household_income_sen),
            household_expense=from_minor(survey.household_expense_sen),
        )
    return context


def survey_report_pdf(application: Application, *, viewer: Any) -> bytes:
    """The survey report: findings, neighbour checks, geotagged photos and the CMO's recommendation."""
    return render_pdf(SURVEY_REPORT_TEMPLATE, survey_report_context(application, viewer=viewer))


# ---------------------------------------------------------------------------------------------------------- memo


def _param_value(value: Any) -> str:
    """A rule parameter for people: yes/no, lists joined, decimal strings without trailing zeros ("15.0000" → "15")."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_param_value(item) for item in value)
    if isinstance(value, str | Decimal):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return str(value)
        return f"{number.normalize():f}" if number.is_finite() else str(value)
    return str(value)


def _params(params: dict[str, Any]) -> list[tuple[str, str]]:
    """Rule parameters as (label, value) pairs: actual and limit (with its operator) first, then the rest."""
    rows = []
    if "actual" in params or "limit" in params:
        rows.append((str(PARAM_LABELS["actual"]), _param_value(params.get("actual"))))
        rows.append((f"{PARAM_LABELS['limit']} ({params.get('op', '')})", _param_value(params.get("limit"))))
    for key, value in params.items():
        if key not in {"actual", "limit", "op"}:
            rows.append((str(PARAM_LABELS.get(key, key.replace("_", " "))), _param_value(value)))
    return rows


def _reason_labels(codes: list[str]) -> list[str]:
    return [str(ReasonCode(code).label) if code in ReasonCode.values else code for code in codes]


def _offer(offer: dict[str, Any] | None) -> dict[str, Any] | None:
    if not offer:
        return None
    return {**offer, "kind_label": OFFER_KINDS.get(offer.get("kind", ""), offer.get("kind", ""))}


def _trail(app: Application) -> list[dict[str, Any]]:
    """Decisions and appeals in time order: who, in which role and level, what, why."""
    outcomes = dict(DecisionOutcome.choices)
    rows = [
        {
            "kind": "decision",
            "at": d.created_at,
            "id": d.pk,
            "who": _user_name(d.decided_by),
            "role": _role_label(d.role),
            "level": d.level,
            "outcome": outcomes.get(d.outcome, d.outcome),
            "outcome_code": d.outcome,
            "reasons": _reason_labels(d.reason_codes),
            "rationale": d.rationale,
            "on_appeal": d.on_appeal,
            "counter_offer": _offer(d.counter_offer),
            "grade": (d.analysis or {}).get("grade"),
            "score": (d.analysis or {}).get("score"),
        }
        for d in app.decisions.select_related("decided_by").order_by("created_at", "id")
    ]
    rows += [
        {
            "kind": "appeal",
            "at": a.created_at,
            "id": a.pk,
            "who": _user_name(a.appellant),
            "role": _role_label(a.appellant.role),
            "level": a.to_level,
            "argument": a.argument,
            "against": a.rejected_decision_id,
        }
        for a in app.appeals.select_related("appellant").order_by("created_at", "id")
    ]
    return sorted(rows, key=lambda row: (row["at"], row["kind"] == "decision", row["id"]))


def credit_memo_context(application: Application, *, viewer: Any, as_of: dt.date) -> dict[str, Any]:
    """Everything the credit memo shows, with the analysis computed as of the given date."""
    _require_part(viewer, Part.ANALYSIS)
    app = _scoped(application, viewer)
    analysis = application_analysis(app, as_of=as_of)
    parties = parties_by_role(app)
    applicant = parties.get(PartyRole.APPLICANT)
    policy = [
        {
            "code": r.code,
            "label": rule_title(r.code),
            "passed": r.passed,
            "knock_out": r.knock_out,
            "params": _params(r.params),
        }
        for r in analysis.policy
    ]
    last_conditional = app.decisions.filter(outcome=DecisionOutcome.APPROVE_WITH_CONDITIONS).order_by("-created_at", "-id").first()
    bureau = analysis.bureau
    return {
        "app": app,
        "applicant": applicant,
        "spouse": parties.get(PartyRole.SPOUSE),
        "guarantor": parties.get(PartyRole.GUARANTOR),
        "age": age_in_years(applicant.birth_date, as_of) if applicant else None,
        "status_label": Status(app.status).label,
        "tz": app.branch.time_zone,
        "as_of": as_of,
        "analysis": analysis,
        "vehicle_condition": VEHICLE_CONDITIONS.get(app.vehicle_condition, app.vehicle_condition),
        "obligations": list(app.obligations.all()),
        "policy": policy,
        "policy_passed": analysis.policy_passed,
        "score": analysis.score,
        "bureau": bureau,
        "bureau_by": _user_name(bureau.entered_by) if bureau else "",
        "bureau_outstanding": from_minor(bureau.outstanding_sen) if bureau else None,
        "flags": [
            {"label": f.get_kind_display(), "detail": f.detail, "other": f.other_application.number if f.other_application else ""}
            for f in analysis.flags
        ],
        "counter_offer": _offer(last_conditional.counter_offer) if last_conditional else None,
        "conditions_accepted": last_conditional is not None and app.status == Status.APPROVED,
        "trail": _trail(app),
        "service_levels": service_levels(app),
        "quote": app.quote_result or {},
        "max_dsr_pct": analysis.policy_config.max_dsr_pct,
        **_printed(viewer),
    }


def credit_memo_pdf(application: Application, *, viewer: Any, as_of: dt.date) -> bytes:
    """The credit memo: applicant, vehicle, terms, affordability, policy, score, bureau, flags and the decision trail."""
    return render_pdf(CREDIT_MEMO_TEMPLATE, credit_memo_context(application, viewer=viewer, as_of=as_of))


__all__ = ["credit_memo_context", "credit_memo_pdf", "survey_report_context", "survey_report_pdf"]
