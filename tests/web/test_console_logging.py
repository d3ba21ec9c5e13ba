"""The demo console (issue 15, item 17): each warning once, and no "Bad Request" line for an ordinary answer."""

import logging

import pytest


def test_django_records_go_out_once_through_the_root_handler():
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate is True


@pytest.mark.django_db
def test_a_validation_answer_is_not_logged_as_a_warning(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.post("/api/quotes", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not [r for r in caplog.records if r.name == "django.request"]
    assert not logging.getLogger("django.request").isEnabledFor(logging.WARNING)
