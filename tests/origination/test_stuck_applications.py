"""An application nobody could decide (issue 17 item 3).

A dealer could submit an existing loan with a negative installment; from then on the analysis, the
credit memo and every decision answered 500 (the one DSR refuses a negative amount) and cancel 409.
Now the edge refuses such a loan, the analysis reports a stored bad value as a note and fails the
DSR rule, and the analyst can correct the existing loans (audited) or decide.
"""

from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.origination.models import Application, Obligation
from angsur.origination.selectors import application_analysis
from angsur.origination.services import analysis_start, bureau_check_record, decision_record, obligations_correct
from angsur.origination.workflow import Status
from tests.origination.conftest import AS_OF
from tests.origination.test_api import order, post


def test_api_refuses_an_existing_loan_with_a_negative_or_zero_installment(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)
    for amount in ("-500000", "0"):
        body = order(dealer_a, household={"obligations": [{"lender": "Bank BRI", "monthly_installment": amount}]})
        response = post(client, "/api/applications", body)
        assert response.status_code == 400, response.content
    assert Application.objects.count() == 0


def test_service_refuses_a_negative_installment_as_the_last_guard(new_application):
    with pytest.raises(DomainError) as info:
        new_application(existing=Decimal("-500000"))
    assert (info.value.code, info.value.field) == ("installment_not_positive", "household.obligations.0.monthly_installment")
    assert Application.objects.count() == 0


@pytest.fixture
def stuck(surveyed, staff):
    """An application in analysis whose stored existing loan has a negative installment (entered before the edge refused it)."""
    app = surveyed(existing=Decimal("500000"))
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    Obligation.objects.filter(application=app).update(monthly_installment_sen=-50_000_000)
    app.refresh_from_db()
    return app


def test_analysis_reports_the_bad_value_and_fails_the_dsr_rule(stuck):
    analysis = application_analysis(stuck, as_of=AS_OF)

    assert analysis.dsr_ratio is None
    assert any("-500000" in str(note) for note in analysis.notes)
    dsr_rule = next(r for r in analysis.policy if r.code == "dsr_ceiling")
    assert not dsr_rule.passed
    # read conservatively: the sign is taken for a typo, the debt still counts
    assert analysis.existing_installments == Decimal("500000")


def test_analysis_api_and_credit_memo_answer(stuck, staff, api, web):
    analysis = api(staff["ca"]).get(f"/api/applications/{stuck.pk}/analysis")
    memo = web(staff["ca"]).get(f"/applications/{stuck.pk}/credit-memo.pdf")
    page = web(staff["ca"]).get(f"/applications/{stuck.pk}/")

    assert analysis.status_code == 200, analysis.content
    assert analysis.json()["dsr_pct"] is None and analysis.json()["notes"]
    assert memo.status_code == 200
    assert page.status_code == 200


def test_the_analyst_can_reject_it(stuck, staff):
    decision = decision_record(
        actor=staff["ca"],
        application=stuck,
        outcome="reject",
        reason_codes=["data_inconsistent"],
        rationale="Data pinjaman tidak konsisten.",
        as_of=AS_OF,
    )
    assert decision.application.status == Status.REJECTED


def test_the_analyst_corrects_the_existing_loans_with_an_audit_row(stuck, staff):
    # when the analyst replaces the loans from the SLIK result
    app = obligations_correct(
        actor=staff["ca"],
        application=stuck,
        obligations=(("Bank BRI", Decimal("500000")),),
        reason="Angsuran sesuai SLIK: Rp500.000.",
        expected_version=stuck.version,
    )

    # then the analysis computes again, the version moved on and the audit trail has before and after
    analysis = application_analysis(app, as_of=AS_OF)
    assert analysis.dsr_ratio is not None and not analysis.notes
    assert app.version == stuck.version + 1
    event = AuditEvent.objects.get(action="application.obligations_correct", object_id=str(app.pk))
    assert event.before["obligations"] == [{"lender": "Bank BRI", "monthly_installment_sen": -50_000_000}]
    assert event.after["obligations"] == [{"lender": "Bank BRI", "monthly_installment_sen": 50_000_000}]
    # and a decision taken on the figures read before the correction answers 409
    with pytest.raises(Conflict):
        decision_record(
            actor=staff["ca"],
            application=app,
            outcome="reject",
            reason_codes=["other"],
            rationale="x",
            as_of=AS_OF,
            expected_version=stuck.version,
        )


def test_only_an_independent_decider_corrects_the_loans(stuck, staff, cmo_a):
    with pytest.raises(PermissionDenied):
        obligations_correct(actor=cmo_a, application=stuck, obligations=(), reason="Tidak ada pinjaman.")
    with pytest.raises(DomainError) as info:
        obligations_correct(actor=staff["ca"], application=stuck, obligations=(("Bank", Decimal("-1")),), reason="x")
    assert info.value.code == "installment_not_positive"


def test_the_correction_is_reachable_through_the_api(stuck, staff, api):
    # Given a stuck application in analysis, when the analyst corrects its loans through the API
    client = api(staff["ca2"])
    body = {"obligations": [{"lender": "Bank Sejahtera", "monthly_installment": "450000"}], "reason": "SLIK: cicilan Rp450.000"}
    answer = client.post(f"/api/applications/{stuck.pk}/obligations", body, content_type="application/json")

    # Then the analysis answers with a DSR again, and a wrong role is refused
    assert answer.status_code == 200, answer.content
    assert client.get(f"/api/applications/{stuck.pk}/analysis").json()["dsr_pct"] is not None
    refused = api(staff["ms"]).post(f"/api/applications/{stuck.pk}/obligations", body, content_type="application/json")
    assert refused.status_code == 403
