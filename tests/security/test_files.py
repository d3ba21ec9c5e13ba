"""Issue 17 item 12: files stored by their real type, served as downloads, never left behind or deleted silently."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from angsur.audit.models import AuditEvent
from angsur.errors import DomainError
from angsur.origination.files import (
    StoredOutsideServiceError,
    attachment_response,
    download_name,
    removes_stored_files_on_error,
    surveys_discard_open,
    upload_store,
)
from angsur.origination.models import Document, Survey, SurveyPhoto
from angsur.origination.services import survey_assign, survey_photo_add, survey_save_draft
from tests.security.conftest import real_jpeg

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# lead: remove these markers once services.py/views.py call angsur.origination.files (see the report)


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@removes_stored_files_on_error
@transaction.atomic
def store_then(uploaded, *, fail: bool, images_only: bool = False):
    stored = upload_store(uploaded, folder="applications", images_only=images_only)
    if fail:
        raise RuntimeError("the insert failed")
    return stored


# --- storage by content type ------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["ktp.html", "ktp.svg", "../../ktp.pdf.exe", "ktp"])
def test_a_pdf_is_stored_under_a_server_name_with_the_pdf_extension(db, client_name):
    stored = store_then(SimpleUploadedFile(client_name, PDF), fail=False)
    assert re.fullmatch(r"applications/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored.name)
    assert stored.content_type == "application/pdf" and stored.original_name == Path(client_name).name
    assert default_storage.open(stored.name).read() == PDF


def test_an_image_is_stored_re_encoded_as_jpeg_whatever_its_name(db):
    stored = store_then(SimpleUploadedFile("rumah.html", real_jpeg()), fail=False, images_only=True)
    assert stored.name.endswith(".jpg") and stored.content_type == "image/jpeg"
    with Image.open(default_storage.open(stored.name)) as image:
        assert image.format == "JPEG"


def test_storing_outside_a_service_that_cleans_up_is_refused(db):
    with pytest.raises(StoredOutsideServiceError):
        upload_store(SimpleUploadedFile("k.pdf", PDF), folder="applications")


# --- failed uploads leave nothing -------------------------------------------------------------------------


def test_a_service_that_fails_after_storing_leaves_no_file(db):
    before = stored_files()
    with pytest.raises(RuntimeError):
        store_then(SimpleUploadedFile("k.pdf", PDF), fail=True)
    assert stored_files() == before


def test_a_refused_upload_stores_nothing(db):
    before = stored_files()
    with pytest.raises(DomainError) as refused:
        store_then(SimpleUploadedFile("k.pdf", b"<html>not a pdf</html>"), fail=False)
    assert refused.value.code == "upload_type"
    assert stored_files() == before


def test_a_document_upload_that_fails_in_its_transaction_leaves_no_file(api, new_application, cmo_a, monkeypatch):
    app = new_application()
    before = stored_files()

    def audit_fails(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("angsur.origination.document_services.audit_record", audit_fails)
    response = api(cmo_a).post(f"/api/applications/{app.pk}/documents", {"kind": "ektp", "file": SimpleUploadedFile("k.pdf", PDF)})
    assert response.status_code == 500
    assert stored_files() == before


def test_an_uploaded_document_is_stored_by_its_content_type_not_its_name(api, new_application, cmo_a):
    app = new_application()
    response = api(cmo_a).post(f"/api/applications/{app.pk}/documents", {"kind": "ektp", "file": SimpleUploadedFile("ktp.html", PDF)})
    assert response.status_code == 201
    assert Document.objects.get(pk=response.json()["id"]).file.name.endswith(".pdf")


# --- reassigning a survey ---------------------------------------------------------------------------------


def _survey_with_draft_and_photo(app, cmo):
    survey = survey_assign(actor=cmo, application=app, surveyor=cmo, scheduled_for=timezone.now())
    survey_save_draft(actor=cmo, survey=survey, data={"house_type": "Rumah permanen"})
    photo = survey_photo_add(
        actor=cmo,
        survey=survey,
        uploaded=SimpleUploadedFile("r.jpg", real_jpeg()),
        taken_at=timezone.now(),
        latitude=None,
        longitude=None,
    )
    return survey, photo


def test_discarding_an_open_survey_records_its_draft_and_photos_then_deletes_the_files_after_commit(
    new_application, cmo_a, staff, django_capture_on_commit_callbacks
):
    app = new_application()
    survey, photo = _survey_with_draft_and_photo(app, cmo_a)
    file_name = photo.file.name
    assert default_storage.exists(file_name)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        discarded = surveys_discard_open(actor=staff["ms"], application=app)
        assert default_storage.exists(file_name)  # nothing is removed before the commit

    assert discarded == [survey.pk]
    assert not Survey.objects.filter(pk=survey.pk).exists() and not SurveyPhoto.objects.filter(pk=photo.pk).exists()
    assert not default_storage.exists(file_name)
    event = AuditEvent.objects.get(action="survey.discard")
    assert event.actor_username == staff["ms"].username and event.object_id == str(app.pk)
    assert event.before["survey"] == survey.pk and event.before["draft"]["house_type"] == "Rumah permanen"
    [recorded] = event.before["photos"]
    assert recorded["file"] == file_name and re.fullmatch(r"[0-9a-f]{64}", recorded["sha256"])


def test_a_completed_survey_is_never_discarded(surveyed, staff):
    app = surveyed()
    with transaction.atomic():
        assert surveys_discard_open(actor=staff["ms"], application=app) == []
    assert app.surveys.count() == 1


def test_reassigning_a_survey_in_progress_is_on_the_record(api, new_application, cmo_a, staff):
    app = new_application()
    survey, _photo = _survey_with_draft_and_photo(app, cmo_a)
    other = staff["ms"]
    response = api(staff["ms"]).post(
        f"/api/applications/{app.pk}/survey-assignment",
        {"surveyor_id": other.pk, "scheduled_for": "2026-11-03T10:00:00+07:00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(action="survey.discard", object_id=str(app.pk)).get().before["survey"] == survey.pk


# --- the survey autosave ----------------------------------------------------------------------------------


def test_the_survey_autosave_keeps_only_the_forms_keys(web, new_application, cmo_a):
    app = new_application()
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    flood = {f"informant_{n}_x": "y" * 100 for n in range(900)}  # Django refuses over 1,000 fields
    web(cmo_a).post(f"/surveys/{survey.pk}/draft/", {**flood, "informant_1_name": "Pak RT", "house_type": "Kayu"})
    survey.refresh_from_db()
    assert survey.draft == {"informant_1_name": "Pak RT", "house_type": "Kayu"}


# --- serving ----------------------------------------------------------------------------------------------


def test_a_file_is_served_as_a_download_of_its_real_type(db):
    stored = store_then(SimpleUploadedFile("ktp.html", PDF), fail=False)
    response = attachment_response(default_storage.open(stored.name), content_type=stored.content_type, filename="ktp.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and 'filename="ktp.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("original", "content_type", "expected"),
    [("ktp.html", "application/pdf", "ktp.pdf"), ("rumah.png", "image/jpeg", "rumah.jpg"), ("", "image/jpeg", "dokumen.jpg")],
)
def test_a_download_is_named_by_its_real_type(original, content_type, expected):
    assert download_name(original, content_type, default_stem="dokumen") == expected


def test_the_document_view_serves_an_attachment(web, api, new_application, cmo_a):
    app = new_application()
    response = api(cmo_a).post(f"/api/applications/{app.pk}/documents", {"kind": "ektp", "file": SimpleUploadedFile("ktp.html", PDF)})
    served = web(cmo_a).get(f"/files/documents/{response.json()['id']}/")
    assert served["Content-Disposition"].startswith("attachment;") and 'filename="ktp.pdf"' in served["Content-Disposition"]
