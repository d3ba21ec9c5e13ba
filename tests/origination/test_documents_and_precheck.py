"""Required documents before a decision, and the CMO's pre-check of their own order (issue 15, item 6).

Before: an application was approved with none of the product's documents attached, and the CMO saw
neither the DSR nor the policy results of their order until the analyst decided (the seeds: the CMO
computes the DSR before the analyst sees the order).
"""

from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import attach_required_documents
from angsur.errors import DomainError, PermissionDenied
from angsur.origination.selectors import DECIDER_ONLY_RULES, application_analysis, application_precheck
from angsur.origination.services import analysis_start, bureau_check_record, decision_record
from tests.origination.conftest import AS_OF

pytestmark = pytest.mark.django_db


def _ready(app, staff):
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    return app


def _approve(app, actor, **kwargs):
    return decision_record(
        actor=actor, application=app, outcome="approve", reason_codes=["good_profile"], rationale="Layak.", as_of=AS_OF, **kwargs
    )


def test_an_approval_waits_for_the_required_documents(surveyed, staff):
    app = _ready(surveyed(documents=False), staff)
    with pytest.raises(DomainError) as refused:
        _approve(app, staff["ca"])
    assert refused.value.code == "documents_missing" and "e-KTP" in refused.value.message


def test_a_rejection_does_not_wait_for_documents(surveyed, staff):
    app = _ready(surveyed(documents=False), staff)
    decision = decision_record(
        actor=staff["ca"], application=app, outcome="reject", reason_codes=["documents_incomplete"], rationale="Tidak lengkap.", as_of=AS_OF
    )
    assert decision.outcome == "reject"


def test_an_analyst_may_not_override_the_documents_but_a_chief_analyst_may_and_it_is_recorded(surveyed, staff, cmo_a):
    app = _ready(surveyed(documents=False), staff)
    attach_required_documents(actor=cmo_a, application=app, missing_ok=("payslip",))
    with pytest.raises(PermissionDenied):
        _approve(app, staff["ca"], documents_override="Slip gaji menyusul")
    decision = _approve(app, staff["cca"], documents_override="Wiraswasta: rekening koran menggantikan slip gaji")
    assert decision.documents_override_reason == "Wiraswasta: rekening koran menggantikan slip gaji"
    assert decision.missing_documents == ["Slip gaji"] or decision.missing_documents == ["Payslip"]
    event = AuditEvent.objects.filter(action="application.approve", object_id=str(app.pk)).get()
    assert event.after["documents_override"].startswith("Wiraswasta")


def test_the_override_level_is_configurable(surveyed, staff, settings):
    settings.ANGSUR_DOCUMENT_OVERRIDE_LEVEL = 1
    app = _ready(surveyed(documents=False), staff)
    assert _approve(app, staff["ca"], documents_override="Dokumen asli sudah dilihat di dealer").outcome == "approve"


def test_with_the_documents_no_override_is_needed_or_stored(surveyed, staff):
    app = _ready(surveyed(), staff)
    decision = _approve(app, staff["ca"], documents_override="tidak perlu")
    assert (decision.documents_override_reason, decision.missing_documents) == ("", [])


def test_the_precheck_is_the_analysis_without_the_bureau(surveyed, staff):
    app = _ready(surveyed(data={"verified_income": Decimal("3000000")}, income=Decimal("3000000")), staff)
    analysis = application_analysis(app, as_of=AS_OF)
    precheck = application_precheck(app, as_of=AS_OF)
    assert precheck.dsr_ratio == analysis.dsr_ratio and precheck.dsr_fits is analysis.dsr_fits is False
    assert {r.code for r in precheck.rules} == {r.code for r in analysis.policy} - DECIDER_ONLY_RULES
    assert not {r.code for r in precheck.rules} & DECIDER_ONLY_RULES
    assert precheck.passes is False


def test_the_cmo_sees_the_precheck_of_their_draft_and_the_dealer_does_not(new_application, cmo_a, dealer_user_a, api, web):
    app = new_application(submit=False, documents=False)
    body = api(cmo_a).get(f"/api/applications/{app.pk}/precheck").json()
    assert body["income_verified"] is False and Decimal(body["income"]) == Decimal("6000000")
    assert Decimal(body["dsr_pct"]) > 0 and body["max_dsr_pct"] in {"33", "33.00", "33.0000"}
    assert "e-KTP" in body["missing_documents"] and body["passes"] is False
    assert not {r["code"] for r in body["rules"]} & DECIDER_ONLY_RULES

    page = web(cmo_a).get(f"/applications/{app.pk}/").content.decode()
    assert 'data-testid="precheck"' in page and 'data-testid="precheck-dsr"' in page

    assert api(dealer_user_a).get(f"/api/applications/{app.pk}/precheck").status_code == 403
    assert 'data-testid="precheck"' not in web(dealer_user_a).get(f"/applications/{app.pk}/").content.decode()
