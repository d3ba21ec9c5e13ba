"""API of documents: attach a checklist document to an application."""

from django.http import HttpRequest
from ninja import File, Form, Router, Status, UploadedFile

from angsur.origination import selectors
from angsur.origination.answers_api import _document
from angsur.origination.schemas import DocumentOut
from angsur.origination.services import document_upload

router = Router()


@router.post(
    "/applications/{application_id}/documents",
    response={201: DocumentOut},
    exclude_unset=True,
    operation_id="angsur_origination_api_document_upload_endpoint",
)
def document_upload_endpoint(
    request: HttpRequest,
    application_id: int,
    kind: Form[str],
    file: File[UploadedFile],
) -> Status:
    """Attach a checklist document (multipart: kind, file). JPEG, PNG, WebP or PDF, checked by content."""
    user = request.auth
    app = selectors.application_get(viewer=user, pk=application_id)
    document = document_upload(actor=user, application=app, kind=kind, uploaded=file)
    return Status(201, _document(selectors.document_with_uploader(document.pk)))
