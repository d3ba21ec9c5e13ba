"""Approve with conditions at phone width (issue 15, item 4): the CMO sees the approval's conditions on their
phone, marks the guarantor's signature fulfilled, and the application becomes bookable; axe on each page."""

import pytest

from angsur.devdata.factories import DEMO_PASSWORD, make_credit_config, make_user
from angsur.org.roles import Role
from angsur.origination.models import Condition
from angsur.origination.selectors import booking_blockers
from angsur.origination.services import ConditionData, analysis_start, bureau_check_record, conditions_accept, decision_record
from tests.browser.a11y import assert_accessible
from tests.origination.conftest import AS_OF, INFORMANTS, SURVEY_DATA, photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cmo_fulfils_a_condition_on_the_phone(phone, login, products, branch_a, cmo_a, dealer_a):
    from django.utils import timezone

    from angsur.devdata.factories import make_application
    from angsur.origination.services import survey_assign, survey_complete, survey_photo_add

    make_credit_config()
    analyst = make_user(Role.CREDIT_ANALYST, branch_a, username="ca.phone")
    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=AS_OF)
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    survey_photo_add(actor=cmo_a, survey=survey, uploaded=photo(), taken_at=timezone.now(), latitude=None, longitude=None)
    survey_complete(actor=cmo_a, survey=survey, data={**SURVEY_DATA}, informants=INFORMANTS)
    app = analysis_start(actor=analyst, application=app)
    bureau_check_record(actor=analyst, application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    decision_record(
        actor=analyst,
        application=app,
        outcome="approve_conditions",
        reason_codes=["guarantor_needed"],
        rationale="Perlu penjamin keluarga.",
        as_of=AS_OF,
        conditions=[ConditionData("guarantor", "kakak kandung, dengan KTP")],
    )
    app.refresh_from_db()
    app = conditions_accept(actor=cmo_a, application=app, as_of=AS_OF)
    assert booking_blockers(app)

    login(phone, cmo_a.username, DEMO_PASSWORD)
    phone.goto(f"/applications/{app.pk}/")
    condition = Condition.objects.get(application=app)
    assert "kakak kandung" in phone.inner_text("[data-testid=conditions]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    assert_accessible(phone)
    phone.fill(f"#cond-note-{condition.pk}", "Penjamin tanda tangan di kantor")
    phone.click(f"[data-testid=condition-resolve-{condition.pk}] button[type=submit]")
    phone.wait_for_selector("[data-testid=conditions] .badge[data-status=fulfilled], [data-testid=conditions] .badge.ok")
    condition.refresh_from_db()
    assert condition.status == "fulfilled" and condition.resolved_by_id == cmo_a.pk
    assert booking_blockers(app) == []
    assert_accessible(phone)
