"""Documents: attach a checklist document to an application."""

from typing import Any

from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import Conflict, DomainError
from angsur.org.models import User
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.origination.files import removes_stored_files_on_error, upload_store
from angsur.origination.models import Application, Document
from angsur.origination.transition_services import _require_owner_or_branch_marketing
from angsur.origination.workflow import OPEN_STATES, Status
from angsur.workflow.engine import service


@removes_stored_files_on_error
@service
def document_upload(*, actor: User, application: Application, kind: str, uploaded: Any) -> Document:
    """Attach a checklist document (image or PDF, size-limited, stored outside the web root)."""
    from angsur.origination.models import DocumentKind

    require(actor, Capability.ORDER_CREATE)
    app = Application.objects.select_for_update().get(pk=application.pk)
    _require_owner_or_branch_marketing(actor, app)
    if kind not in DocumentKind.values:
        raise DomainError("invalid_document_kind", _("Unknown document type."), field="kind")
    if app.status not in OPEN_STATES | {Status.APPROVED}:
        raise Conflict("invalid_transition", _("Documents cannot be added once the application is rejected or cancelled."))
    stored = upload_store(uploaded, folder="applications")
    document = Document.objects.create(
        application=app,
        kind=kind,
        file=stored.name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="application.document_upload",
        obj=app,
        after={"document": document.pk, "kind": kind, "sha256": stored.sha256, "size": stored.size},
    )
    return document
