"""Reads for the organisation."""

from django.db.models import QuerySet

from angsur.org.models import Branch


def branch_list(*, viewer) -> QuerySet[Branch]:
    """Branches the viewer may see."""
    qs = Branch.objects.select_related("company").filter(is_active=True)
    if viewer.is_head_office:
        return qs
    return qs.filter(pk=viewer.branch_id) if viewer.branch_id else qs.none()
