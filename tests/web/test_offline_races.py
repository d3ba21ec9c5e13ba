"""The outbox's retries racing the first send (issue 14), on PostgreSQL (CI runs it: .ci/run).

A phone whose answer was lost sends the same item again, sometimes while the first send is still being
recorded. With the same idempotency key, the second waits for the first's row lock and then answers what
the first recorded: one survey completion, one photo. SQLite runs its transactions one at a time (and its
in-memory test database is not shared between threads): skipped there.
"""

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_application, make_credit_config
from angsur.origination import services, survey_services
from angsur.origination.models import Survey, SurveyPhoto, SurveyStatus
from tests.origination.conftest import INFORMANTS, JPEG, SURVEY_DATA

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race of concurrent transactions: PostgreSQL only"),
]


def _race(calls):
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def survey(products, cmo_a, dealer_a):
    make_credit_config()
    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=dt.date.today())
    return services.survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())


def _photo(survey, cmo, key):
    return services.survey_photo_add(
        actor=cmo,
        survey=Survey.objects.get(pk=survey.pk),
        uploaded=SimpleUploadedFile("rumah.jpg", JPEG, content_type="image/jpeg"),
        taken_at=timezone.now(),
        latitude=None,
        longitude=None,
        client_key=key,
    )


def _both_past_the_first_look(monkeypatch, name):
    """Hold each send at `survey_services.<name>` (after its first look for the key) until the other is there too."""
    barrier = threading.Barrier(2, timeout=10)
    original = getattr(survey_services, name)

    def at_the_same_moment(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(survey_services, name, at_the_same_moment)  # where the survey services look it up


@pytest.mark.parametrize("with_version", [True, False])
def test_the_same_submission_twice_at_once_completes_once(survey, cmo_a, with_version, monkeypatch):
    _photo(survey, cmo_a, "")
    _both_past_the_first_look(monkeypatch, "_lock")
    version = survey.application.version if with_version else None

    def complete():
        return services.survey_complete(
            actor=cmo_a,
            survey=Survey.objects.get(pk=survey.pk),
            data=SURVEY_DATA,
            informants=INFORMANTS,
            expected_version=version,
            submit_key="same-key",
        )

    results = _race([complete, complete])
    assert all(isinstance(r, Survey) for r in results), results
    assert sorted(r.replayed for r in results) == [False, True]
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED and survey.informants.count() == 2
    assert AuditEvent.objects.filter(action="application.complete_survey").count() == 1


def test_the_same_photo_twice_at_once_is_stored_once(survey, cmo_a, monkeypatch):
    _both_past_the_first_look(monkeypatch, "_survey_for")
    results = _race([lambda: _photo(survey, cmo_a, "photo-key")] * 2)
    assert all(isinstance(r, SurveyPhoto) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert SurveyPhoto.objects.filter(survey=survey).count() == 1
