"""The survey endpoints the device's outbox sends to (issue 14): idempotent, answered in JSON, conflicts told.

A submission or a photo sent again with the same key (its answer was lost with the signal) answers success
with the same result and records nothing twice; a survey reassigned or an application cancelled meanwhile
answers a 409/410 the phone can show; the phone's GPS time and clock are kept beside the server's receipt.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_application, make_credit_config, make_user
from angsur.org.roles import Role
from angsur.origination.models import Informant, Survey, SurveyPhoto, SurveyStatus
from angsur.origination.services import application_cancel, survey_assign, survey_photo_add
from angsur.origination.workflow import Status
from tests.origination.conftest import JPEG

pytestmark = pytest.mark.django_db

OUTBOX = {"HTTP_X_ANGSUR_OUTBOX": "1"}

FORM = {
    "residence_ownership": "own",
    "residence_months": "48",
    "house_type": "Rumah permanen",
    "house_condition": "Baik",
    "road_access": "Gang, motor bisa masuk",
    "employer_verified": "on",
    "employment_verification": "Telepon HRD",
    "employment_months": "36",
    "dependents": "2",
    "verified_income": "6.000.000",
    "household_income": "0",
    "household_expense": "2.000.000",
    "recommendation": "recommend",
    "recommendation_reason": "Rumah sendiri, kerja tetap.",
    "latitude": "-6.200500",
    "longitude": "106.900400",
    "gps_taken_at": "2026-12-01T02:10:00Z",
    "device_captured_at": "2026-12-01T02:15:00Z",
    "informant_1_name": "Pak RT",
    "informant_1_relation": "Ketua RT",
    "informant_1_confirms": "on",
    "informant_1_answer": "Benar tinggal di sini.",
    "informant_2_name": "Ibu Wati",
    "informant_2_relation": "Tetangga",
    "informant_2_answer": "Kenal baik.",
}


def _jpeg(name: str = "rumah.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


@pytest.fixture
def survey(products, cmo_a, dealer_a):
    make_credit_config()
    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=dt.date.today())
    return survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())


@pytest.fixture
def cmo_client(cmo_a):
    client = Client()
    client.force_login(cmo_a)
    return client


def _with_photo(survey, cmo):
    survey_photo_add(actor=cmo, survey=survey, uploaded=_jpeg(), taken_at=timezone.now(), latitude=None, longitude=None)


def _complete(client, survey, **changes):
    data = {**FORM, "version": str(survey.application.version), "submit_key": "key-survey-1", **changes}
    return client.post(f"/surveys/{survey.pk}/", data, **OUTBOX)


def test_outbox_submission_is_answered_in_json_with_the_times_recorded(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    response = _complete(cmo_client, survey)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["replayed"] is False
    assert body["url"] == f"/applications/{survey.application_id}/"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED
    assert survey.submit_key == "key-survey-1"
    assert survey.gps_taken_at == dt.datetime(2026, 12, 1, 2, 10, tzinfo=dt.UTC)
    assert survey.device_captured_at == dt.datetime(2026, 12, 1, 2, 15, tzinfo=dt.UTC)
    assert survey.received_at is not None and abs(survey.received_at - timezone.now()) < dt.timedelta(minutes=1)
    assert survey.application.status == Status.SURVEYED


def test_the_same_submission_sent_again_answers_the_same_result_and_records_once(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    first = _complete(cmo_client, survey)
    events = AuditEvent.objects.filter(action="application.complete_survey").count()
    # the answer was lost with the signal: the outbox sends the same item (same key, the version it had) again
    again = _complete(cmo_client, survey)
    assert again.status_code == 200, again.content
    assert again.json()["replayed"] is True
    assert again.json()["url"] == first.json()["url"]
    assert Informant.objects.filter(survey=survey).count() == 2
    assert AuditEvent.objects.filter(action="application.complete_survey").count() == events == 1


def test_another_submission_of_a_completed_survey_is_a_conflict(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    _complete(cmo_client, survey)
    survey.application.refresh_from_db()
    other = _complete(cmo_client, survey, submit_key="another-device-key")
    assert other.status_code == 409
    assert other.json()["code"] in {"survey_completed", "stale_version"}
    assert other.json()["message"]


def test_a_survey_reassigned_meanwhile_answers_gone(cmo_client, survey, cmo_a, branch_a):
    _with_photo(survey, cmo_a)
    supervisor = make_user(Role.MARKETING_SUPERVISOR, branch_a, username="ms.offline")
    other_cmo = make_user(Role.CMO, branch_a, username="cmo.other")
    app = survey.application
    app.refresh_from_db()
    survey_assign(actor=supervisor, application=app, surveyor=other_cmo, scheduled_for=timezone.now())
    response = _complete(cmo_client, survey)
    assert response.status_code == 410
    assert response.json()["code"] == "survey_gone"
    photo = cmo_client.post(f"/surveys/{survey.pk}/photos/", {"file": _jpeg(), "client_key": "p1"}, **OUTBOX)
    assert photo.status_code == 410


def test_a_cancelled_application_answers_a_conflict(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    app = survey.application
    app.refresh_from_db()
    application_cancel(actor=cmo_a, application=app, reason="Pemohon membatalkan")
    app.refresh_from_db()
    response = _complete(cmo_client, survey, version=str(app.version))
    assert response.status_code == 409
    assert response.json()["message"]
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED


def test_without_gps_a_reason_is_required(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    response = _complete(cmo_client, survey, latitude="", longitude="", gps_taken_at="")
    assert response.status_code == 400
    assert response.json()["code"] == "gps_reason_required"
    assert response.json()["field"] == "gps_missing_reason"
    assert Survey.objects.get(pk=survey.pk).status != SurveyStatus.COMPLETED

    response = _complete(cmo_client, survey, latitude="", longitude="", gps_missing_reason="Izin GPS ditolak di HP")
    assert response.status_code == 200, response.content
    survey.refresh_from_db()
    assert survey.gps_missing_reason == "Izin GPS ditolak di HP"
    assert survey.latitude is None and survey.gps_taken_at is None
    assert survey.device_captured_at is not None


def test_a_plain_form_post_without_gps_shows_the_reason_field_with_the_message(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    data = {**FORM, "version": str(survey.application.version), "latitude": "", "longitude": ""}
    response = cmo_client.post(f"/surveys/{survey.pk}/", data)
    assert response.status_code == 400
    assert "Tidak ada posisi GPS" in response.content.decode()


def test_invalid_outbox_submission_answers_the_field_errors(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    response = _complete(cmo_client, survey, informant_2_answer="")
    assert response.status_code == 400
    assert "informant_2_answer" in response.json()["errors"]


def test_photo_sent_again_with_the_same_key_is_stored_once(cmo_client, survey):
    data = {"caption": "Depan rumah", "latitude": "-6.200100", "longitude": "106.900100", "taken_at": "2026-12-01T02:05:00Z"}
    first = cmo_client.post(f"/surveys/{survey.pk}/photos/", {**data, "file": _jpeg(), "client_key": "photo-key-1"}, **OUTBOX)
    assert first.status_code == 201, first.content
    again = cmo_client.post(f"/surveys/{survey.pk}/photos/", {**data, "file": _jpeg(), "client_key": "photo-key-1"}, **OUTBOX)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["replayed"] is True
    photos = SurveyPhoto.objects.filter(survey=survey)
    assert photos.count() == 1
    stored = photos.get()
    assert stored.taken_at == dt.datetime(2026, 12, 1, 2, 5, tzinfo=dt.UTC)
    assert stored.latitude == Decimal("-6.200100") and stored.client_key == "photo-key-1"
    assert AuditEvent.objects.filter(action="survey.photo_add").count() == 1


def test_a_photo_refused_by_content_answers_json(cmo_client, survey):
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = cmo_client.post(f"/surveys/{survey.pk}/photos/", {"file": bad, "client_key": "bad"}, **OUTBOX)
    assert response.status_code == 400
    assert response.json()["message"]


def test_survey_page_shows_the_device_and_server_times_once_completed(cmo_client, survey, cmo_a):
    _with_photo(survey, cmo_a)
    _complete(cmo_client, survey)
    page = cmo_client.get(f"/surveys/{survey.pk}/").content.decode()
    assert 'data-testid="survey-times"' in page
    assert "01 Des 2026" in page


# --- the same through the REST API (a field app of its own would call these) ------------------------------


def _api_body(survey, **changes):
    return {
        "residence_ownership": "own",
        "residence_months": 48,
        "house_type": "Rumah permanen",
        "house_condition": "Baik",
        "road_access": "Gang",
        "employer_verified": True,
        "employment_verification": "Telepon HRD",
        "employment_months": 36,
        "dependents": 2,
        "verified_income": "6000000",
        "household_income": "0",
        "household_expense": "2000000",
        "recommendation": "recommend",
        "recommendation_reason": "Rumah sendiri.",
        "latitude": "-6.200500",
        "longitude": "106.900400",
        "gps_taken_at": "2026-12-01T09:10:00+07:00",
        "device_captured_at": "2026-12-01T09:15:00+07:00",
        "informants": [
            {"name": "Pak RT", "relation": "Ketua RT", "confirms_residence": True, "answer": "Benar tinggal di sini."},
            {"name": "Ibu Wati", "relation": "Tetangga", "confirms_residence": True, "answer": "Kenal baik."},
        ],
        "expected_version": survey.application.version,
        **changes,
    }


def test_api_photo_and_completion_with_the_same_key_are_recorded_once(api, survey, cmo_a):
    client = api(cmo_a)
    photo = {"file": _jpeg(), "taken_at": "2026-12-01T09:05:00+07:00", "caption": "Depan"}
    first = client.post(f"/api/surveys/{survey.pk}/photos", photo, headers={"Idempotency-Key": "api-photo-1"})
    assert first.status_code == 201, first.content
    again = client.post(f"/api/surveys/{survey.pk}/photos", {**photo, "file": _jpeg()}, headers={"Idempotency-Key": "api-photo-1"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert SurveyPhoto.objects.filter(survey=survey).count() == 1

    url = f"/api/surveys/{survey.pk}/complete"
    body = _api_body(survey)
    done = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "api-survey-1"})
    assert done.status_code == 200, done.content
    answer = done.json()
    assert answer["gps_taken_at"].startswith("2026-12-01T") and answer["device_captured_at"] and answer["received_at"]
    replay = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "api-survey-1"})
    assert replay.status_code == 200 and replay.json()["id"] == answer["id"]
    assert AuditEvent.objects.filter(action="application.complete_survey").count() == 1
    other = client.post(url, _api_body(survey), content_type="application/json", headers={"Idempotency-Key": "api-survey-2"})
    assert other.status_code == 409


def test_api_completion_without_gps_needs_a_reason(api, survey, cmo_a):
    client = api(cmo_a)
    _with_photo(survey, cmo_a)
    url = f"/api/surveys/{survey.pk}/complete"
    refused = client.post(url, _api_body(survey, latitude=None, longitude=None), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "gps_reason_required"
    body = _api_body(survey, latitude=None, longitude=None, gps_missing_reason="Izin lokasi ditolak")
    done = client.post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["gps_missing_reason"] == "Izin lokasi ditolak" and done.json()["gps_taken_at"] is None
