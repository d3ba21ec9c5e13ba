"""The audit screen at scale: object types by a loose index scan, and a capped count."""

import pytest
from django.db import transaction

from angsur.audit.models import AuditEvent
from angsur.audit.selectors import audit_object_types
from angsur.audit.services import audit_record
from angsur.audit.views import CappedPaginator

pytestmark = pytest.mark.django_db


def _events(types: list[str], branch=None) -> None:
    with transaction.atomic():
        for i, object_type in enumerate(types):
            audit_record(actor=None, action="test.event", object_type=object_type, object_id=str(i), object_repr="x", branch=branch)


def test_object_types_are_the_distinct_types_of_the_trail(company):
    _events(["org.user", "origination.application", "org.user", "products.savedquote", "origination.application"])
    expected = sorted(AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct())
    assert sorted(audit_object_types()) == expected
    assert {"org.user", "origination.application", "products.savedquote"} <= set(expected)


def test_the_count_stops_at_the_cap(company, monkeypatch):
    _events(["org.user"] * 7)
    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    paginator = CappedPaginator(AuditEvent.objects.all(), 2)
    assert paginator.count == 6 and paginator.capped
    monkeypatch.setattr(CappedPaginator, "CAP", 100)
    assert not CappedPaginator(AuditEvent.objects.all(), 2).capped


def test_the_audit_page_says_when_the_trail_is_longer_than_the_cap(company, bm_a, web, monkeypatch):
    _events(["org.user"] * 7, branch=bm_a.branch)
    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    page = web(bm_a).get("/audit/").content.decode()
    assert "persempit filternya" in page  # "Page 1 of many (over 10,000 events: narrow the filter)"
