"""Surveys: assign the visit, save the form as it is filled in, add the photos, complete it (idempotent
retries from the device's outbox).
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.finance.money import to_minor
from angsur.org.models import User
from angsur.org.roles import Capability
from angsur.org.scoping import require, user_can
from angsur.origination.files import removes_stored_files_on_error, surveys_discard_open, upload_store
from angsur.origination.models import Application, Informant, Recommendation, Survey, SurveyPhoto, SurveyStatus
from angsur.origination.selectors import distance_m
from angsur.origination.transition_services import _lock, _transition
from angsur.origination.workflow import APPLICATION, Action
from angsur.workflow.engine import service


@service
def survey_assign(
    *, actor: User, application: Application, surveyor: User, scheduled_for: dt.datetime, expected_version: int | None = None
) -> Survey:
    """Give the survey to a CMO (or surveyor) of the branch with a scheduled visit."""
    app = _lock(application, expected_version, action=Action.ASSIGN_SURVEY, actor=actor)
    if not user_can(actor, Capability.SURVEY_ASSIGN) and surveyor.pk != actor.pk:
        # A CMO without the assigning capability schedules only their own survey (the table lets them assign).
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    if surveyor.branch_id != app.branch_id or Capability.SURVEY_DO not in _caps(surveyor):
        raise DomainError("surveyor_invalid", _("The surveyor must be marketing staff of the application's branch."), field="surveyor")
    surveys_discard_open(actor=actor, application=app)
    survey = Survey.objects.create(application=app, surveyor=surveyor, assigned_by=actor, scheduled_for=scheduled_for)
    app.survey_assigned_at = timezone.now()
    _transition(
        app,
        Action.ASSIGN_SURVEY,
        actor=actor,
        fields=["survey_assigned_at"],
        extra={"surveyor": surveyor.username, "scheduled_for": scheduled_for.isoformat()},
    )
    return survey


def _caps(user: User) -> frozenset[str]:
    from angsur.org.roles import ROLE_CAPABILITIES

    return ROLE_CAPABILITIES.get(user.role, frozenset())


# The informant fields a draft may hold: the form's informant_1/2_*, the API's informant_<0-9>_*.
_DRAFT_INFORMANT_KEY = re.compile(r"^informant_\d_(name|relation|confirms|confirms_residence|answer)$")

SURVEY_FIELDS = {
    "residence_ownership": str,
    "residence_months": int,
    "house_type": str,
    "house_condition": str,
    "road_access": str,
    "employer_verified": bool,
    "employment_verification": str,
    "employment_months": int,
    "dependents": int,
    "verified_income": Decimal,
    "household_income": Decimal,
    "household_expense": Decimal,
    "recommendation": str,
    "recommendation_reason": str,
    "latitude": Decimal,
    "longitude": Decimal,
}


def _survey_for(actor: User, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().select_related("application").get(pk=survey.pk)
    if survey.surveyor_id != actor.pk:
        raise PermissionDenied("not_your_survey", _("Only the assigned surveyor can fill in this survey."))
    if survey.status == SurveyStatus.COMPLETED:
        raise Conflict("survey_completed", _("This survey is already completed."))
    return survey


@service
def survey_save_draft(*, actor: User, survey: Survey, data: dict[str, Any]) -> Survey:
    """Save the survey form as it is being filled in (survives a lost connection)."""
    require(actor, Capability.SURVEY_DO)
    survey = _survey_for(actor, survey)
    clean = {k: str(v)[:2000] for k, v in data.items() if k in SURVEY_FIELDS or _DRAFT_INFORMANT_KEY.match(k)}
    survey.draft = {**survey.draft, **clean}
    survey.status = SurveyStatus.DRAFT
    survey.save(update_fields=["draft", "status"])
    return survey


@removes_stored_files_on_error
@service
def survey_photo_add(
    *,
    actor: User,
    survey: Survey,
    uploaded: Any,
    taken_at: dt.datetime,
    latitude: Decimal | None,
    longitude: Decimal | None,
    caption: str = "",
    client_key: str = "",
) -> SurveyPhoto:
    """Attach a photo taken in the browser, with the GPS position and time.

    `client_key` is the idempotency key of the device's outbox: a photo sent again with the same key (its
    answer was lost with the signal) answers the photo already stored, with `replayed` set, and stores nothing.
    """
    require(actor, Capability.SURVEY_DO)
    client_key = client_key.strip()[:64]
    if client_key:
        stored_photo = _photo_for_key(actor, survey, client_key)
        if stored_photo is not None:
            return stored_photo
    survey = _survey_for(actor, survey)
    if client_key:
        # a retry that overtook the first send waited on the survey's row lock: it finds the photo now
        stored_photo = _photo_for_key(actor, survey, client_key)
        if stored_photo is not None:
            return stored_photo
    stored = upload_store(uploaded, folder="surveys", images_only=True)
    photo = SurveyPhoto.objects.create(
        survey=survey,
        file=stored.name,
        caption=caption[:120],
        latitude=latitude,
        longitude=longitude,
        taken_at=taken_at,
        content_type=stored.content_type,
        size=stored.size,
        client_key=client_key,
    )
    audit_record(
        actor=actor,
        action="survey.photo_add",
        obj=survey.application,
        after={
            "photo": photo.pk,
            "sha256": stored.sha256,
            "latitude": str(latitude),
            "longitude": str(longitude),
            "taken_at": taken_at.isoformat(),
            "client_key": client_key,
        },
    )
    photo.replayed = False
    return photo


def _photo_for_key(actor: User, survey: Survey, client_key: str) -> SurveyPhoto | None:
    """The photo this surveyor already sent with this outbox key, marked as a replay."""
    photo = SurveyPhoto.objects.filter(survey_id=survey.pk, survey__surveyor=actor, client_key=client_key).first()
    if photo is not None:
        photo.replayed = True
    return photo


@dataclass(frozen=True)
class InformantData:
    name: str
    relation: str
    confirms_residence: bool
    answer: str


@service
def survey_complete(
    *,
    actor: User,
    survey: Survey,
    data: dict[str, Any],
    informants: list[InformantData],
    expected_version: int | None = None,
    submit_key: str = "",
    gps_taken_at: dt.datetime | None = None,
    device_captured_at: dt.datetime | None = None,
) -> Survey:
    """Complete the survey with the CMO's recommendation; the application moves to 'surveyed'.

    `submit_key` is the idempotency key of the device's outbox: the same submission sent again (its answer
    was lost with the signal) answers the completed survey with `replayed` set and records nothing twice.
    Another submission of a completed survey, or of a survey reassigned or cancelled meanwhile, is a 409.
    `gps_taken_at` (the GPS fix's time) and `device_captured_at` (the phone's clock when the CMO tapped
    Complete) are kept beside the server's `received_at`: a survey captured offline shows when it was done.
    Without a GPS position the CMO must say why (`gps_missing_reason`).
    """
    require(actor, Capability.SURVEY_DO)
    submit_key = submit_key.strip()[:64]
    replay = _survey_for_key(actor, survey, submit_key)
    if replay is not None:
        return replay
    # Parent first: the application, then its survey (the engine's lock order).
    try:
        app = _lock(survey.application, expected_version)
    except Conflict:
        # the first send of this key may have completed the survey while this retry waited for the lock
        replay = _survey_for_key(actor, survey, submit_key)
        if replay is not None:
            return replay
        raise
    # the same, without a version to compare: the first send completed it while this one waited
    replay = _survey_for_key(actor, survey, submit_key)
    if replay is not None:
        return replay
    survey = _survey_for(actor, survey)
    APPLICATION.check(app, Action.COMPLETE_SURVEY, actor)
    gps_missing_reason = str(data.get("gps_missing_reason") or "").strip()[:200]
    if (data.get("latitude") is None or data.get("longitude") is None) and not gps_missing_reason:
        raise DomainError(
            "gps_reason_required",
            _("There is no GPS position: say why (for example, GPS permission was refused) to complete the survey without it."),
            field="gps_missing_reason",
        )
    valid = [i for i in informants if i.name.strip() and i.answer.strip()]
    if len(valid) < 2:
        raise DomainError("informants_required", _("Record at least two neighbour checks (name and what they said)."), field="informants")
    if data.get("recommendation") not in Recommendation.values:
        raise DomainError("recommendation_required", _("Choose a recommendation."), field="recommendation")
    if not str(data.get("recommendation_reason", "")).strip():
        raise DomainError("reason_required", _("Write the reason for your recommendation."), field="recommendation_reason")
    income = Decimal(data.get("verified_income") or 0)
    if income <= 0:
        raise DomainError("income_not_positive", _("Verified income must be greater than zero."), field="verified_income")
    for key in ("household_income", "household_expense"):
        if Decimal(data.get(key) or 0) < 0:
            raise DomainError("amount_negative", _("Amounts cannot be negative."), field=key)
    if not survey.photos.exists():
        raise DomainError("photo_required", _("Take at least one photo of the residence."), field="photos")
    for key in (
        "residence_ownership",
        "house_type",
        "house_condition",
        "road_access",
        "employment_verification",
        "recommendation",
        "recommendation_reason",
    ):
        setattr(survey, key, str(data.get(key, "")).strip()[: Survey._meta.get_field(key).max_length or 2000])
    for key in ("residence_months", "employment_months", "dependents"):
        setattr(survey, key, max(0, int(data.get(key) or 0)))
    survey.employer_verified = bool(data.get("employer_verified"))
    survey.verified_income_sen = to_minor(income)
    survey.household_income_sen = to_minor(Decimal(data.get("household_income") or 0))
    survey.household_expense_sen = to_minor(Decimal(data.get("household_expense") or 0))
    survey.latitude, survey.longitude = data.get("latitude"), data.get("longitude")
    if survey.latitude is not None and survey.longitude is not None and app.address_latitude is not None:
        survey.distance_from_address_m = distance_m(survey.latitude, survey.longitude, app.address_latitude, app.address_longitude)
    survey.gps_missing_reason = "" if survey.latitude is not None and survey.longitude is not None else gps_missing_reason
    survey.gps_taken_at = gps_taken_at if survey.latitude is not None else None
    survey.device_captured_at = device_captured_at
    survey.status = SurveyStatus.COMPLETED
    survey.completed_at = survey.received_at = timezone.now()
    survey.submit_key = submit_key
    survey.save()
    Informant.objects.bulk_create(
        Informant(
            survey=survey,
            name=i.name.strip()[:120],
            relation=i.relation.strip()[:60],
            confirms_residence=i.confirms_residence,
            answer=i.answer.strip()[:2000],
        )
        for i in valid
    )
    app.surveyed_at = survey.completed_at
    _transition(
        app,
        Action.COMPLETE_SURVEY,
        actor=actor,
        fields=["surveyed_at"],
        extra={
            "recommendation": survey.recommendation,
            "verified_income": str(income),
            "distance_m": survey.distance_from_address_m,
            "gps_missing_reason": survey.gps_missing_reason,
            "gps_taken_at": survey.gps_taken_at.isoformat() if survey.gps_taken_at else None,
            "device_captured_at": device_captured_at.isoformat() if device_captured_at else None,
            "submit_key": submit_key,
        },
    )
    survey.replayed = False
    return survey


def _survey_for_key(actor: User, survey: Survey, submit_key: str) -> Survey | None:
    """The survey this surveyor already completed with this outbox key, marked as a replay."""
    if not submit_key:
        return None
    done = (
        Survey.objects.select_related("application")
        .filter(pk=survey.pk, surveyor=actor, status=SurveyStatus.COMPLETED, submit_key=submit_key)
        .first()
    )
    if done is not None:
        done.replayed = True
    return done
