"""Validate uploaded files at the edge: images (JPEG, PNG, WebP) and PDF only, size-limited, by content not name."""

import hashlib
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from angsur.errors import DomainError

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The real type of a file from its first bytes (None when not allowed)."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_upload(uploaded: Any, *, images_only: bool = False) -> tuple[str, int, str]:
    """Check size and type; return (content_type, size, sha256). Raises DomainError with a clear message."""
    limit = settings.ANGSUR_MAX_UPLOAD_BYTES
    size = getattr(uploaded, "size", None) or 0
    if size == 0:
        raise DomainError("upload_empty", _("The file is empty."), field="file")
    if size > limit:
        raise DomainError("upload_too_large", _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, field="file")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None or (images_only and not content_type.startswith("image/")):
        allowed = _("JPEG, PNG or WebP images") if images_only else _("JPEG, PNG or WebP images, or PDF")
        raise DomainError("upload_type", _("Only %(allowed)s are accepted.") % {"allowed": allowed}, field="file")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return content_type, size, digest.hexdigest()
