"""API of surveys: assign the visit, the draft form, photos from the device, complete it (idempotent retries)."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Router, Status, UploadedFile
from pydantic import Field

from angsur.errors import DomainError
from angsur.origination import selectors
from angsur.origination.answers_api import _photo, _state, _survey, _user
from angsur.origination.inputs_api import ExpectedVersion, Latitude, Longitude, Money, _aware, _coord
from angsur.origination.models import Survey
from angsur.origination.schemas import PhotoOut, SurveyDraftOut, SurveyStepOut
from angsur.origination.services import InformantData, survey_assign, survey_complete, survey_photo_add, survey_save_draft
from angsur.schemas import BoundedDateTime, InputSchema

router = Router()

MAX_INFORMANTS = 10


class SurveyAssignIn(InputSchema):
    surveyor_id: int
    scheduled_for: dt.datetime = Field(..., description="Visit time; without an offset it is read in the branch's time zone")
    expected_version: ExpectedVersion = None


class InformantIn(InputSchema):
    name: str = Field("", max_length=120)
    relation: str = Field("", max_length=60)
    confirms_residence: bool = False
    answer: str = Field("", max_length=2000)


class SurveyFieldsIn(InputSchema):
    """The survey form (every field optional in a draft)."""

    residence_ownership: Literal["own", "family", "rent", "official", ""] | None = None
    residence_months: int | None = Field(None, ge=0, le=1200)
    house_type: str | None = Field(None, max_length=40)
    house_condition: str | None = Field(None, max_length=40)
    road_access: str | None = Field(None, max_length=40)
    employer_verified: bool | None = None
    employment_verification: str | None = Field(None, max_length=200)
    employment_months: int | None = Field(None, ge=0, le=1200)
    dependents: int | None = Field(None, ge=0, le=50)
    verified_income: Money | None = None
    household_income: Money | None = None
    household_expense: Money | None = None
    recommendation: str | None = Field(None, description="recommend | not_recommend")
    recommendation_reason: str | None = Field(None, max_length=2000)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    gps_missing_reason: str | None = Field(None, max_length=200, description="required to complete without latitude/longitude")


class SurveyDraftIn(SurveyFieldsIn):
    informants: list[InformantIn] | None = Field(None, max_length=MAX_INFORMANTS)


class SurveyCompleteIn(SurveyFieldsIn):
    informants: list[InformantIn] = Field(default_factory=list, max_length=MAX_INFORMANTS)
    expected_version: ExpectedVersion = None
    gps_taken_at: BoundedDateTime | None = Field(None, description="when the GPS fix was taken (the device's fix time)")
    device_captured_at: BoundedDateTime | None = Field(None, description="the device's clock when the survey was completed on it")


# The device's outbox sends survey submissions and photos again after a lost answer: the key makes that safe.
OutboxKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        max_length=64,
        description="A unique string per submission or photo (e.g. a UUID): sent again, it answers what it recorded the first time",
    ),
]


def _survey_data(payload: SurveyFieldsIn) -> dict[str, Any]:
    data = payload.model_dump(include=set(SurveyFieldsIn.model_fields), exclude_none=True)
    for key in ("latitude", "longitude"):
        if key in data:
            data[key] = _coord(data[key])
    return data


def _survey_get(viewer: Any, pk: int) -> Survey:
    """A survey of an application in the viewer's scope; dealer users never see surveys."""
    return selectors.survey_for_staff(viewer=viewer, pk=pk)


def _draft_out(survey: Survey) -> dict[str, Any]:
    draft = dict(survey.draft)
    informants: list[dict[str, str]] = []
    for n in range(MAX_INFORMANTS):
        keys = {f: f"informant_{n}_{f}" for f in ("name", "relation", "confirms_residence", "answer")}
        if not any(k in draft for k in keys.values()):
            continue
        informants.append({f: draft.pop(k, "") for f, k in keys.items()})
    return {
        "id": survey.pk,
        "application_id": survey.application_id,
        "status": survey.status,
        "surveyor": _user(survey.surveyor),
        "scheduled_for": survey.scheduled_for,
        "application_version": survey.application.version,
        "draft": draft,
        "informants": informants,
        "photos": [_photo(p) for p in survey.photos.all()],
    }


@router.post(
    "/applications/{application_id}/survey-assignment",
    response={201: SurveyStepOut},
    exclude_unset=True,
    operation_id="angsur_origination_api_survey_assign_endpoint",
)
def survey_assign_endpoint(request: HttpRequest, application_id: int, payload: SurveyAssignIn) -> Status:
    """Give the survey to marketing staff of the application's branch (a CMO may take their own order's survey)."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    surveyor = selectors.surveyor_of_branch(app, payload.surveyor_id)
    if surveyor is None:
        raise DomainError("surveyor_invalid", _("The surveyor must be marketing staff of the application's branch."), field="surveyor_id")
    survey = survey_assign(
        actor=user,
        application=app,
        surveyor=surveyor,
        scheduled_for=_aware(payload.scheduled_for, user),
        expected_version=payload.expected_version,
    )
    app.refresh_from_db(fields=["status", "version"])
    return Status(201, {**_survey(survey), "application": _state(app)})


@router.get("/surveys/{survey_id}/draft", response=SurveyDraftOut, exclude_unset=True, operation_id="angsur_origination_api_survey_draft")
def survey_draft(request: HttpRequest, survey_id: int) -> dict:
    """The survey form as saved so far, with its photos."""
    return _draft_out(_survey_get(request.auth, survey_id))


@router.put(
    "/surveys/{survey_id}/draft", response=SurveyDraftOut, exclude_unset=True, operation_id="angsur_origination_api_survey_draft_save"
)
def survey_draft_save(request: HttpRequest, survey_id: int, payload: SurveyDraftIn) -> dict:
    """Save part of the survey form (fields sent replace the saved ones; the rest stays)."""
    user = request.auth
    survey = _survey_get(user, survey_id)
    data: dict[str, Any] = _survey_data(payload)
    for n, informant in enumerate(payload.informants or []):
        data.update({f"informant_{n}_{k}": v for k, v in informant.model_dump().items()})
    survey_save_draft(actor=user, survey=survey, data=data)
    return _draft_out(_survey_get(user, survey_id))


@router.post(
    "/surveys/{survey_id}/photos",
    response={201: PhotoOut, 200: PhotoOut},
    exclude_unset=True,
    operation_id="angsur_origination_api_survey_photo_endpoint",
)
def survey_photo_endpoint(
    request: HttpRequest,
    survey_id: int,
    file: File[UploadedFile],
    taken_at: Form[BoundedDateTime],
    latitude: Form[Latitude | None] = None,
    longitude: Form[Longitude | None] = None,
    caption: Form[str] = "",
    idempotency_key: OutboxKey = None,
) -> Status:
    """A photo taken in the browser (multipart: file, latitude, longitude, taken_at ISO 8601, caption).

    With an `Idempotency-Key` header a photo sent again answers 200 with the photo stored the first time.
    """
    user = request.auth
    survey = _survey_get(user, survey_id)
    photo = survey_photo_add(
        actor=user,
        survey=survey,
        uploaded=file,
        taken_at=_aware(taken_at, user),
        latitude=_coord(latitude),
        longitude=_coord(longitude),
        caption=caption,
        client_key=idempotency_key or "",
    )
    return Status(200 if photo.replayed else 201, _photo(photo))


@router.post(
    "/surveys/{survey_id}/complete",
    response=SurveyStepOut,
    exclude_unset=True,
    operation_id="angsur_origination_api_survey_complete_endpoint",
)
def survey_complete_endpoint(request: HttpRequest, survey_id: int, payload: SurveyCompleteIn, idempotency_key: OutboxKey = None) -> dict:
    """Complete the survey (at least two neighbour checks and one photo); the application becomes 'surveyed'.

    Without latitude/longitude, `gps_missing_reason` is required. With an `Idempotency-Key` header the same
    submission sent again answers the completed survey instead of a 409; another submission of a completed
    survey is a 409.
    """
    user = request.auth
    survey = _survey_get(user, survey_id)
    informants = [InformantData(**i.model_dump()) for i in payload.informants]
    survey_complete(
        actor=user,
        survey=survey,
        data=_survey_data(payload),
        informants=informants,
        expected_version=payload.expected_version,
        submit_key=idempotency_key or "",
        gps_taken_at=_aware(payload.gps_taken_at, user) if payload.gps_taken_at else None,
        device_captured_at=_aware(payload.device_captured_at, user) if payload.device_captured_at else None,
    )
    survey = _survey_get(user, survey_id)
    return {**_survey(survey), "application": _state(survey.application)}
