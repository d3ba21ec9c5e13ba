"""Who sees which part of an application, declared once (origination/visibility.py) and kept by page, API and PDF.

Issue 17: the supervisor's page showed the SLIK result (the API hid it from that role); decision
rationales, which analysts fill with bureau details, reached CMO, Admin and Supervisor; a CMO saw
negative-list reasons and other branches' application numbers.
"""

import pytest

from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.origination.models import NegativeListEntry
from angsur.origination.services import analysis_start, bureau_check_record, decision_record
from angsur.origination.visibility import Part, Viewer, sees, viewer_of
from tests.origination.conftest import AS_OF

pytestmark = pytest.mark.django_db

RATIONALE = "SLIK: Kol 2 di Bank Sejahtera bulan Maret, kini lancar."
BUREAU_NOTE = "Catatan SLIK rahasia 7731"
NEGATIVE_REASON = "Penipuan leasing 2024"


@pytest.fixture
def decided(surveyed, new_application, staff):
    """A decided application with a SLIK result, a rationale and a negative-list flag pointing at another order."""
    first = new_application(frame_number="MH1JM77")
    NegativeListEntry.objects.create(phone="+6281234567890", reason=NEGATIVE_REASON)
    app = analysis_start(actor=staff["ca"], application=surveyed(frame_number="MH1JM77"))
    bureau_check_record(
        actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=2, note=BUREAU_NOTE, as_of=AS_OF
    )
    decision_record(actor=staff["ca"], application=app, outcome="reject", reason_codes=["character"], rationale=RATIONALE, as_of=AS_OF)
    app.refresh_from_db()
    return app, first


@pytest.fixture
def people(staff, cmo_a, branch_a):
    admin = make_user(Role.ADMIN, branch_a, username="adm.v")
    return {"cmo": cmo_a, "ms": staff["ms"], "admin": admin, "ca": staff["ca2"], "bm": staff["bm"]}


@pytest.mark.parametrize("name", ["cmo", "ms", "admin"])
def test_marketing_and_admin_see_the_order_not_the_bureau_the_rationale_or_the_flag_details(name, people, decided, web, api):
    app, first = decided
    user = people[name]
    assert viewer_of(user) == Viewer.STAFF

    page = web(user).get(f"/applications/{app.pk}/").content.decode()
    body = api(user).get(f"/api/applications/{app.pk}").json()

    for secret in (RATIONALE, BUREAU_NOTE, NEGATIVE_REASON, first.number):
        assert secret not in page, secret
        assert secret not in str(body), secret
    assert 'data-testid="dsr"' not in page and "bureau_checks" not in body
    # They still see that something is flagged, the outcome and its reasons, and whom to ask.
    assert {f["kind"] for f in body["flags"]} >= {"negative_phone", "duplicate_frame"}
    assert body["decisions"][0]["reason_codes"] == ["character"]
    assert 'data-testid="flags"' in page


@pytest.mark.parametrize("name", ["ca", "bm"])
def test_deciders_see_everything(name, people, decided, web, api):
    app, first = decided
    user = people[name]
    assert viewer_of(user) == Viewer.DECIDER

    page = web(user).get(f"/applications/{app.pk}/").content.decode()
    body = api(user).get(f"/api/applications/{app.pk}").json()

    assert RATIONALE in page and NEGATIVE_REASON in page and 'data-testid="dsr"' in page
    assert body["decisions"][0]["rationale"] == RATIONALE and body["bureau_checks"][0]["note"] == BUREAU_NOTE
    assert any(f["other_application_id"] == first.pk for f in body["flags"])


def test_the_pdfs_follow_the_same_declaration(people, decided, web):
    app, _first = decided
    for name, user in people.items():
        memo = web(user).get(f"/applications/{app.pk}/credit-memo.pdf")
        survey = web(user).get(f"/applications/{app.pk}/survey-report.pdf")
        assert (memo.status_code == 200) is sees(user, Part.ANALYSIS), name
        assert (survey.status_code == 200) is sees(user, Part.ORDER), name
