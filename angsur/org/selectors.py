"""Reads for the organisation."""

import datetime as dt

from django.db.models import QuerySet

from angsur.org.models import ApiToken, Branch


def branch_list(*, viewer) -> QuerySet[Branch]:
    """Branches the viewer may see."""
    qs = Branch.objects.select_related("company").filter(is_active=True)
    if viewer.is_head_office:
        return qs
    return qs.filter(pk=viewer.branch_id) if viewer.branch_id else qs.none()


def api_token_list(*, viewer, now: dt.datetime) -> QuerySet[ApiToken]:
    """The viewer's own tokens that still work: not revoked, not expired, issued under the current password."""
    return ApiToken.objects.filter(
        user=viewer, revoked_at__isnull=True, expires_at__gt=now, password_fingerprint=viewer.password_fingerprint
    ).order_by("-created_at", "-pk")
