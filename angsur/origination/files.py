"""Uploaded files of applications and surveys: stored by their real type, removed only on the record.

- `upload_store` validates an upload (uploads.py), re-encodes images once, and writes it under a name
  the server chose, with the extension of its real type: `surveys/2026/11/<uuid>.jpg`. The client's file
  name is kept only as data (a document's `original_name`), never as a path.
- A service that stores files is decorated with `removes_stored_files_on_error`: if it raises (its
  transaction rolled back), the files it wrote are deleted, so a refused or failed upload leaves nothing
  on disk. `upload_store` refuses to run outside such a service, as `audit_record` refuses to run outside
  a transaction.
- `surveys_discard_open` replaces the silent delete of a survey being reassigned: the draft and its
  photos are written to the audit trail first, and the photo files are deleted only after the commit.
- `attachment_response` serves a stored file as a download, typed by its real content type.
"""

import functools
import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from angsur.audit.services import audit_record
from angsur.origination.models import Application, Survey, SurveyPhoto, SurveyStatus
from angsur.origination.uploads import EXTENSIONS, PILLOW_FORMATS, normalise_image, validate_upload

# Names written by the service being run, for removal if it fails (None: no such service is running).
_stored_names: ContextVar[list[str] | None] = ContextVar("angsur_stored_names", default=None)


class StoredOutsideServiceError(RuntimeError):
    """upload_store ran outside a service decorated with removes_stored_files_on_error."""


@dataclass(frozen=True)
class StoredUpload:
    name: str  # the storage name, to assign to the FileField (`file=stored.name`)
    content_type: str  # the real type of what was stored
    size: int  # bytes stored
    sha256: str  # of the bytes stored
    original_name: str  # the client's file name, as data only (≤ 200 characters)


def removes_stored_files_on_error[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Delete the files a service stored when it raises. Put it above the service's @transaction.atomic."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        names: list[str] = []
        token = _stored_names.set(names)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for name in names:
                default_storage.delete(name)
            raise
        finally:
            _stored_names.reset(token)

    return run


def _chunks(content: Any) -> Iterator[bytes]:
    content.seek(0)
    yield from content.chunks()
    content.seek(0)


def upload_store(uploaded: Any, *, folder: str, images_only: bool = False) -> StoredUpload:
    """Validate an upload and store it (images re-encoded, downscaled once) under a server-chosen name."""
    names = _stored_names.get()
    if names is None:
        raise StoredOutsideServiceError(folder)
    content_type, _size, _digest = validate_upload(uploaded, images_only=images_only)
    content: Any = uploaded
    if content_type in PILLOW_FORMATS:
        content = normalise_image(uploaded, content_type)
        content_type = "image/jpeg"
    digest = hashlib.sha256()
    for chunk in _chunks(content):
        digest.update(chunk)
    day = timezone.localdate()
    name = f"{folder}/{day:%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS[content_type]}"
    stored = default_storage.save(name, content if isinstance(content, File) else File(content))
    names.append(stored)
    return StoredUpload(
        name=stored,
        content_type=content_type,
        size=default_storage.size(stored),
        sha256=digest.hexdigest(),
        original_name=str(getattr(uploaded, "name", "") or "upload")[:200],
    )


def _file_sha256(name: str) -> str | None:
    try:
        with default_storage.open(name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except OSError:
        return None


def _photo_record(photo: SurveyPhoto) -> dict[str, Any]:
    return {
        "photo": photo.pk,
        "file": photo.file.name,
        "sha256": _file_sha256(photo.file.name) if photo.file.name else None,
        "content_type": photo.content_type,
        "size": photo.size,
        "caption": photo.caption,
        "latitude": photo.latitude,
        "longitude": photo.longitude,
        "taken_at": photo.taken_at,
    }


def surveys_discard_open(*, actor: Any, application: Application) -> list[int]:
    """Discard the application's scheduled or in-progress surveys (before a reassignment), on the record.

    Each discarded survey gets an audit event `survey.discard` holding its surveyor, schedule, draft and
    every photo (file name, sha256, GPS, time); the rows are then deleted and the photo files removed
    after the commit (a rollback keeps both). Call inside the service's transaction, with the
    application locked. Returns the discarded surveys' ids.
    """
    surveys = list(
        Survey.objects.select_for_update()
        .filter(application=application, status__in=[SurveyStatus.SCHEDULED, SurveyStatus.DRAFT])
        .select_related("surveyor")
        .order_by("id")
    )
    file_names: list[str] = []
    for survey in surveys:
        photos = list(survey.photos.order_by("id"))
        audit_record(
            actor=actor,
            action="survey.discard",
            obj=application,
            before={
                "survey": survey.pk,
                "surveyor": survey.surveyor.username,
                "status": survey.status,
                "scheduled_for": survey.scheduled_for,
                "draft": survey.draft,
                "photos": [_photo_record(photo) for photo in photos],
            },
            after={"reason": "reassigned"},
        )
        file_names += [photo.file.name for photo in photos if photo.file.name]
    if surveys:
        Survey.objects.filter(pk__in=[s.pk for s in surveys]).delete()
        transaction.on_commit(functools.partial(_delete_files, file_names))
    return [s.pk for s in surveys]


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def download_name(original_name: str, content_type: str, *, default_stem: str) -> str:
    """A download's file name: the client's stem (if any) with the extension of the real type."""
    stem = PurePath(original_name or "").stem.strip()[:100] or default_stem
    return f"{stem}{EXTENSIONS.get(content_type, '')}"


def attachment_response(field_file: Any, *, content_type: str, filename: str) -> FileResponse:
    """Serve a stored file as a download (never rendered inline) of its real type, not sniffed, not cached."""
    response = FileResponse(field_file.open("rb"), content_type=content_type, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
