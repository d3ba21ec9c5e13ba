"""Approval conditions and reasons that agree with the analysis (issue 15, items 3 and 4).

Before: "approve with conditions" took only a DP or tenor counter-offer; a guarantor or a spouse's
signature lived in the free-text rationale and was tracked by nobody, so a conditional approval could
go on as if approved. An analyst could reject for "DSR too high" while the DSR passed, and the dealer
read "see the counter-offer" when there was none.
"""

from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.origination.models import Condition, DealerReasonWording
from angsur.origination.selectors import booking_blockers, dealer_notice
from angsur.origination.services import (
    ConditionData,
    analysis_start,
    bureau_check_record,
    condition_resolve,
    conditions_accept,
    decision_record,
)
from tests.origination.conftest import AS_OF

pytestmark = pytest.mark.django_db

LOW_INCOME = Decimal("3000000")  # the 24-month installment (1,118,000) breaks 33 % of it


def _in_analysis(surveyed, staff, *, income: Decimal | None = None):
    app = surveyed(data={"verified_income": income}, income=income) if income else surveyed()
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    return app


def _approve_with(app, staff, conditions, **kwargs):
    return decision_record(
        actor=staff["ca"],
        application=app,
        outcome="approve_conditions",
        reason_codes=kwargs.pop("reason_codes", ["guarantor_needed"]),
        rationale="Disetujui dengan syarat.",
        as_of=AS_OF,
        conditions=conditions,
        **kwargs,
    )


def test_a_guarantor_condition_is_tracked_and_blocks_booking_until_fulfilled(surveyed, staff, cmo_a):
    app = _in_analysis(surveyed, staff)
    decision = _approve_with(app, staff, [ConditionData("guarantor", "kakak kandung, dengan KTP")])
    app.refresh_from_db()
    assert decision.counter_offer is None  # the terms fit: no new terms, one condition
    (condition,) = Condition.objects.filter(application=app)
    assert (condition.kind, condition.status, condition.detail) == ("guarantor", "open", "kakak kandung, dengan KTP")

    app = conditions_accept(actor=cmo_a, application=app, as_of=AS_OF)
    assert app.status == "approved"
    blockers = booking_blockers(app)
    assert len(blockers) == 1 and "kakak kandung" in blockers[0]

    condition_resolve(actor=cmo_a, condition=condition, resolution="fulfilled", note="Penjamin tanda tangan 4 Des")
    condition.refresh_from_db()
    assert (condition.status, condition.resolved_by_id, condition.resolution_note) == ("fulfilled", cmo_a.pk, "Penjamin tanda tangan 4 Des")
    assert booking_blockers(app) == []
    assert AuditEvent.objects.filter(action="application.condition_fulfil", object_id=str(app.pk)).count() == 1


def test_booking_is_refused_before_approval(surveyed, staff):
    app = _in_analysis(surveyed, staff)
    assert booking_blockers(app) and "approved" not in app.status


def test_a_conditional_approval_names_its_conditions_when_the_terms_already_fit(surveyed, staff):
    app = _in_analysis(surveyed, staff)
    with pytest.raises(DomainError) as refused:
        _approve_with(app, staff, [])
    assert refused.value.code == "conditions_required"


@pytest.mark.parametrize("kind", ["down_payment", "tenor"])
def test_new_terms_come_from_the_counter_offer_not_free_text(surveyed, staff, kind):
    app = _in_analysis(surveyed, staff)
    with pytest.raises(DomainError) as refused:
        _approve_with(app, staff, [ConditionData(kind, "DP 5 juta")])
    assert refused.value.code == "terms_condition_by_offer"


@pytest.mark.parametrize("kind", ["documents", "other"])
def test_a_documents_or_other_condition_says_what_is_needed(surveyed, staff, kind):
    app = _in_analysis(surveyed, staff)
    with pytest.raises(DomainError) as refused:
        _approve_with(app, staff, [ConditionData(kind, "  ")])
    assert refused.value.code == "condition_detail_required"


def test_conditions_go_only_with_a_conditional_approval(surveyed, staff):
    app = _in_analysis(surveyed, staff)
    with pytest.raises(DomainError) as refused:
        decision_record(
            actor=staff["ca"],
            application=app,
            outcome="approve",
            reason_codes=["good_profile"],
            rationale="Layak.",
            as_of=AS_OF,
            conditions=[ConditionData("guarantor")],
        )
    assert refused.value.code == "conditions_not_allowed"
    assert not Condition.objects.exists()


def test_the_counter_offer_is_a_condition_fulfilled_when_the_customer_accepts(surveyed, staff, cmo_a):
    app = _in_analysis(surveyed, staff, income=LOW_INCOME)
    decision = _approve_with(app, staff, [ConditionData("spouse_signature")], reason_codes=["dsr_too_high"], counter_offer_kind="dp")
    assert decision.counter_offer["kind"] == "dp"
    rows = {c.kind: c for c in Condition.objects.filter(application=app)}
    assert set(rows) == {"down_payment", "spouse_signature"}
    assert decision.counter_offer["tenor_months"] == 24 and "24" in rows["down_payment"].detail

    app.refresh_from_db()
    conditions_accept(actor=cmo_a, application=app, as_of=AS_OF)
    rows = {c.kind: c.status for c in Condition.objects.filter(application=app)}
    assert rows == {"down_payment": "fulfilled", "spouse_signature": "open"}
    app.refresh_from_db()
    assert len(booking_blockers(app)) == 1


def test_a_shorter_tenor_than_asked_is_priced_and_becomes_the_terms(surveyed, staff, cmo_a):
    app = _in_analysis(surveyed, staff)
    decision = _approve_with(app, staff, [], reason_codes=["other"], counter_offer_tenor=12)
    assert (decision.counter_offer["kind"], decision.counter_offer["tenor_months"]) == ("tenor", 12)
    app.refresh_from_db()
    app = conditions_accept(actor=cmo_a, application=app, as_of=AS_OF)
    assert app.tenor_months == 12 and app.installment_sen == int(Decimal(decision.counter_offer["installment"]) * 100)
    assert booking_blockers(app) == []


def test_a_tenor_whose_dsr_breaks_the_ceiling_is_refused(surveyed, staff):
    app = _in_analysis(surveyed, staff, income=LOW_INCOME)
    with pytest.raises(DomainError) as refused:
        _approve_with(app, staff, [], reason_codes=["dsr_too_high"], counter_offer_tenor=12)
    assert refused.value.code == "tenor_offer_dsr"


def test_only_a_decider_waives_and_says_why(surveyed, staff, cmo_a):
    app = _in_analysis(surveyed, staff)
    _approve_with(app, staff, [ConditionData("documents", "slip gaji 3 bulan")])
    condition = Condition.objects.get(application=app)
    with pytest.raises(PermissionDenied):
        condition_resolve(actor=cmo_a, condition=condition, resolution="waived", note="Tidak perlu")
    with pytest.raises(DomainError) as refused:
        condition_resolve(actor=staff["cca"], condition=condition, resolution="waived", note=" ")
    assert refused.value.code == "waiver_reason_required"
    condition_resolve(actor=staff["cca"], condition=condition, resolution="waived", note="Rekening koran sudah cukup")
    with pytest.raises(Conflict):
        condition_resolve(actor=cmo_a, condition=condition, resolution="fulfilled")
    assert AuditEvent.objects.filter(action="application.condition_waive").count() == 1


def test_the_api_takes_conditions_and_resolves_them(surveyed, staff, api, cmo_a, dealer_user_a):
    app = _in_analysis(surveyed, staff)
    response = api(staff["ca"]).post(
        f"/api/applications/{app.pk}/decisions",
        {
            "outcome": "approve_conditions",
            "reason_codes": ["guarantor_needed"],
            "rationale": "Perlu penjamin.",
            "conditions": [{"kind": "guarantor", "detail": "orang tua"}, {"kind": "documents", "detail": "NPWP"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    detail = api(cmo_a).get(f"/api/applications/{app.pk}").json()
    assert [(c["kind"], c["status"]) for c in detail["conditions"]] == [("guarantor", "open"), ("documents", "open")]
    first = detail["conditions"][0]["id"]

    dealer_view = api(dealer_user_a).get(f"/api/applications/{app.pk}").json()
    assert [c["detail"] for c in dealer_view["notice"]["conditions"]] == ["orang tua", "NPWP"]

    bad = api(cmo_a).post(f"/api/applications/{app.pk}/conditions/{first}", {"resolution": "done"}, content_type="application/json")
    assert bad.status_code == 400  # the API answers validation errors with 400 and the field
    done = api(cmo_a).post(
        f"/api/applications/{app.pk}/conditions/{first}", {"resolution": "fulfilled", "note": "TTD"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "fulfilled"
    again = api(cmo_a).post(f"/api/applications/{app.pk}/conditions/{first}", {"resolution": "fulfilled"}, content_type="application/json")
    assert again.status_code == 409


def test_a_refused_decision_keeps_what_the_analyst_typed(surveyed, staff, web):
    app = _in_analysis(surveyed, staff)
    client = web(staff["ca"])
    rationale = "Pendapatan stabil, tetapi perlu penjamin keluarga."
    response = client.post(
        f"/applications/{app.pk}/decide/",
        {"outcome": "approve_conditions", "reason_codes": ["guarantor_needed"], "rationale": rationale, "version": app.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert rationale in page  # the textarea keeps it
    assert 'data-testid="decision-errors"' in page
    assert not Condition.objects.exists()


def test_a_page_decision_with_a_guarantor_condition(surveyed, staff, web):
    app = _in_analysis(surveyed, staff)
    response = web(staff["ca"]).post(
        f"/applications/{app.pk}/decide/",
        {
            "outcome": "approve_conditions",
            "reason_codes": ["guarantor_needed"],
            "rationale": "Perlu penjamin.",
            "condition_guarantor": "on",
            "condition_guarantor_detail": "ayah kandung",
            "version": app.version,
        },
    )
    assert response.status_code == 302
    assert list(Condition.objects.values_list("kind", "detail")) == [("guarantor", "ayah kandung")]


# --- item 3: the reasons agree with the analysis, and the dealer's words with the decision ---------------


def test_a_reason_the_analysis_contradicts_needs_an_explicit_override(surveyed, staff):
    app = _in_analysis(surveyed, staff)  # the DSR passes
    kwargs = {"actor": staff["ca"], "application": app, "outcome": "reject", "rationale": "Ditolak.", "as_of": AS_OF}
    with pytest.raises(DomainError) as refused:
        decision_record(reason_codes=["dsr_too_high"], **kwargs)
    assert refused.value.code == "reason_contradicts_analysis"
    decision = decision_record(reason_codes=["dsr_too_high"], reasons_override=True, **kwargs)
    assert decision.reasons_override is True
    event = AuditEvent.objects.filter(action="application.reject").latest("id")
    assert event.after["reasons_override"] == ["dsr_too_high"]


def test_a_reason_the_analysis_supports_needs_no_override(surveyed, staff):
    app = _in_analysis(surveyed, staff, income=LOW_INCOME)  # the DSR fails
    decision = decision_record(
        actor=staff["ca"], application=app, outcome="reject", reason_codes=["dsr_too_high"], rationale="DSR 37 %.", as_of=AS_OF
    )
    assert decision.reasons_override is False


def test_the_dealer_is_pointed_at_a_counter_offer_only_when_there_is_one(surveyed, staff):
    rejected = _in_analysis(surveyed, staff, income=LOW_INCOME)
    decision_record(actor=staff["ca"], application=rejected, outcome="reject", reason_codes=["dsr_too_high"], rationale="DSR.", as_of=AS_OF)
    rejected.refresh_from_db()
    (told,) = dealer_notice(rejected)["explanations"]
    assert "counter-offer" not in told["remedy"] and "penawaran" not in told["remedy"].lower()

    offered = _in_analysis(surveyed, staff, income=LOW_INCOME)
    _approve_with(offered, staff, [], reason_codes=["dsr_too_high"], counter_offer_kind="dp")
    offered.refresh_from_db()
    (told,) = dealer_notice(offered)["explanations"]
    assert "counter-offer" in told["remedy"] or "penawaran" in told["remedy"].lower()


def test_the_company_words_each_reason_for_dealers(surveyed, staff):
    DealerReasonWording.objects.create(
        code="dsr_too_high",
        reason="Angsuran terlalu berat untuk penghasilan konsumen.",
        remedy="Tambah DP atau perpanjang tenor.",
        remedy_with_counter_offer="Lihat penawaran kami di bawah.",
    )
    app = _in_analysis(surveyed, staff, income=LOW_INCOME)
    decision_record(actor=staff["ca"], application=app, outcome="reject", reason_codes=["dsr_too_high"], rationale="DSR.", as_of=AS_OF)
    app.refresh_from_db()
    told = {
        "code": "dsr_too_high",
        "reason": "Angsuran terlalu berat untuk penghasilan konsumen.",
        "remedy": "Tambah DP atau perpanjang tenor.",
    }
    assert dealer_notice(app)["explanations"] == [told]
