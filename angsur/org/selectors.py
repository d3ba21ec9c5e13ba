"""Reads for the organisation."""

from django.db.models import QuerySet

from angsur.org.models import Branch
from angsur.org.scoping import scope_to_branch


def branch_list(*, viewer) -> QuerySet[Branch]:  # noqa: ANN001
    """Branches the viewer may see."""
    qs = Branch.objects.select_related("company").filter(is_active=True)
    if viewer.is_head_office:
        return qs
    return qs.filter(pk=viewer.branch_id) if viewer.branch_id else qs.none()
