"""The application workflow through its services: order → survey → analysis → decision → appeal."""

import datetime as dt
from decimal import ROUND_CEILING, Decimal

import pytest
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_application, make_dealer_user, party_data
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.origination.models import FlagKind, NegativeListEntry
from angsur.origination.rule_labels import rule_title
from angsur.origination.selectors import application_analysis, dealer_notice
from angsur.origination.services import (
    analysis_start,
    appeal_file,
    application_submit,
    bureau_check_record,
    conditions_accept,
    decision_record,
    survey_assign,
)
from angsur.origination.workflow import Status
from tests.origination.conftest import AS_OF


def test_order_is_created_priced_and_submitted(new_application, cmo_a):
    app = new_application()
    assert app.status == Status.SUBMITTED
    assert app.number.startswith("APP-JKT-")
    assert app.cmo == cmo_a
    assert app.installment_sen == int(Decimal(app.quote_result["installment"]) * 100)
    assert app.applicant_phone == "+6281234567890"
    assert AuditEvent.objects.filter(object_id=str(app.pk), action="application.submit").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"nik": "12345"}, "nik_format"),
        ({"sex": "F"}, "nik_sex_mismatch"),
        ({"birth_date": dt.date(1991, 1, 12)}, "nik_birth_date_mismatch"),
        ({"phone": "12"}, "phone_invalid"),
    ],
)
def test_bad_identity_is_refused_and_nothing_is_saved(new_application, change, code):
    from dataclasses import replace

    from angsur.origination.models import Application

    applicant = replace(party_data(), **change)
    with pytest.raises(DomainError) as info:
        new_application(applicant=applicant)
    assert info.value.code.startswith(code.split("_mismatch")[0])
    assert Application.objects.count() == 0


def test_zero_income_is_refused(new_application):
    with pytest.raises(DomainError) as info:
        new_application(income=Decimal(0))
    assert info.value.code == "income_not_positive"


def test_duplicate_and_negative_list_are_flagged(new_application):
    first = new_application(frame_number="MH1JM1234")
    NegativeListEntry.objects.create(phone="+6281234567890", reason="Penipuan 2024")
    second = new_application(frame_number="MH1JM1234")
    kinds = set(second.flags.values_list("kind", flat=True))
    assert {FlagKind.DUPLICATE_NIK, FlagKind.DUPLICATE_FRAME, FlagKind.NEGATIVE_PHONE} <= kinds
    assert second.flags.filter(other_application=first).exists()


def test_transition_from_the_wrong_state_is_refused(new_application, cmo_a):
    app = new_application()
    with pytest.raises(Conflict) as info:
        application_submit(actor=cmo_a, application=app)
    assert info.value.code == "invalid_transition"


def test_survey_needs_two_informants_a_photo_and_a_reason(new_application, cmo_a):
    from angsur.origination.services import survey_complete
    from tests.origination.conftest import INFORMANTS, SURVEY_DATA

    app = new_application()
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    with pytest.raises(DomainError) as too_few:
        survey_complete(actor=cmo_a, survey=survey, data=SURVEY_DATA, informants=INFORMANTS[:1])
    assert too_few.value.code == "informants_required"
    with pytest.raises(DomainError) as info:
        survey_complete(actor=cmo_a, survey=survey, data=SURVEY_DATA, informants=INFORMANTS)
    assert info.value.code == "photo_required"


def test_survey_records_distance_from_the_declared_address(surveyed):
    app = surveyed()
    assert app.status == Status.SURVEYED
    survey = app.surveys.get()
    assert 40 < survey.distance_from_address_m < 100


def test_analysis_computes_dsr_policy_and_score(surveyed):
    app = surveyed()
    analysis = application_analysis(app, as_of=AS_OF)
    expected = (app.installment * 100 / Decimal("6000000")).quantize(Decimal("0.01"), rounding=ROUND_CEILING)  # shown rounded up
    assert analysis.dsr_pct == expected
    assert {r.code for r in analysis.policy} >= {"dsr_ceiling", "age_at_maturity", "bureau_kol"}
    assert analysis.score.total == analysis.score.base_points + sum(line.points for line in analysis.score.lines)
    assert analysis.grade in "ABCDE"


def test_maker_checker_refuses_the_cmo_and_the_surveyor(surveyed, cmo_a, staff):
    app = surveyed()
    from angsur.origination.workflow import independent

    assert independent(app, cmo_a).code == "maker_checker"
    assert independent(app, staff["ca"]) is None
    analysis_start(actor=staff["ca"], application=app)


def test_two_analysts_deciding_at_once_the_second_gets_a_conflict(surveyed, staff):
    app = surveyed()
    app = analysis_start(actor=staff["ca"], application=app)
    seen = app.version
    decision_record(
        actor=staff["ca"],
        application=app,
        outcome="reject",
        reason_codes=["other"],
        rationale="Tidak layak",
        as_of=AS_OF,
        expected_version=seen,
    )
    with pytest.raises(Conflict) as info:
        decision_record(
            actor=staff["ca2"],
            application=app,
            outcome="approve",
            reason_codes=["good_profile"],
            rationale="OK",
            as_of=AS_OF,
            expected_version=seen,
        )
    assert info.value.code == "stale_version"


def with_bureau(app, analyst, kol=1):
    bureau_check_record(actor=analyst, application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=kol, as_of=AS_OF)
    return app


def test_approval_needs_the_knock_out_rules_to_pass(surveyed, staff):
    app = analysis_start(actor=staff["ca"], application=surveyed())
    with pytest.raises(DomainError) as info:
        decision_record(actor=staff["ca"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="OK", as_of=AS_OF)
    assert info.value.code == "policy_knock_out"
    # the rule is named as people read it, never by its code
    assert "bureau_kol" not in info.value.message and str(rule_title("bureau_kol")) in info.value.message
    with_bureau(app, staff["ca"], kol=1)
    decision = decision_record(
        actor=staff["ca"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="OK", as_of=AS_OF
    )
    assert decision.analysis["grade"] in "ABC"


def test_bad_bureau_result_blocks_approval(surveyed, staff):
    app = with_bureau(analysis_start(actor=staff["ca"], application=surveyed()), staff["ca"], kol=4)
    with pytest.raises(DomainError, match="SLIK"):
        decision_record(actor=staff["ca"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="OK", as_of=AS_OF)


def test_conditional_approval_carries_a_counter_offer_that_fits_the_dsr(surveyed, staff, cmo_a):
    # income 3 M: the 24-month installment (1,118,000) breaks the 33 % ceiling
    app = surveyed(data={"verified_income": Decimal("3000000")}, income=Decimal("3000000"))
    app = with_bureau(analysis_start(actor=staff["ca"], application=app), staff["ca"])
    decision = decision_record(
        actor=staff["ca"],
        application=app,
        outcome="approve_conditions",
        reason_codes=["dsr_too_high"],
        rationale="DSR di atas batas; DP dinaikkan.",
        as_of=AS_OF,
        counter_offer_kind="dp",
    )
    offer = decision.counter_offer
    assert Decimal(offer["down_payment"]) > app.down_payment
    assert Decimal(offer["dsr_pct"]) <= Decimal("33")
    app.refresh_from_db()
    notice = dealer_notice(app)
    assert notice["counter_offer"]["down_payment"] == offer["down_payment"]
    assert "3000000" not in str(notice) and "dsr" not in str(notice).lower().replace("dsr_too_high", "")
    accepted = conditions_accept(actor=cmo_a, application=app, as_of=AS_OF)
    assert accepted.status == Status.APPROVED
    assert accepted.down_payment == Decimal(offer["down_payment"])


def test_escalation_then_rejection_then_appeal_decided_one_level_up(surveyed, staff):
    app = surveyed()
    app = analysis_start(actor=staff["ca"], application=app)
    decision_record(
        actor=staff["ca"], application=app, outcome="escalate", reason_codes=["other"], rationale="Perlu level atas", as_of=AS_OF
    )
    app.refresh_from_db()
    assert app.status == Status.ESCALATED and app.decision_level == 2
    with pytest.raises(PermissionDenied):
        decision_record(actor=staff["ca2"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="x", as_of=AS_OF)
    decision_record(
        actor=staff["cca"], application=app, outcome="reject", reason_codes=["character"], rationale="Cek lingkungan negatif", as_of=AS_OF
    )
    app.refresh_from_db()
    assert app.status == Status.REJECTED
    appeal = appeal_file(actor=staff["ms"], application=app, argument="Konsumen lama dengan riwayat bayar baik di dealer ini.")
    assert appeal.to_level == 3
    with pytest.raises(Conflict):
        appeal_file(actor=staff["ms"], application=app, argument="Banding kedua tidak boleh dilakukan sama sekali.")
    with pytest.raises(PermissionDenied):
        decision_record(actor=staff["cca"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="x", as_of=AS_OF)
    with_bureau(app, staff["bm"])
    decision = decision_record(
        actor=staff["bm"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="Banding diterima", as_of=AS_OF
    )
    assert decision.on_appeal
    trail = list(AuditEvent.objects.filter(object_id=str(app.pk), object_type="origination.application").values_list("action", flat=True))
    for step in (
        "application.create",
        "application.submit",
        "application.assign_survey",
        "application.complete_survey",
        "application.start_analysis",
        "application.escalate",
        "application.reject",
        "application.appeal",
        "application.approve",
    ):
        assert step in trail


def test_analyst_cannot_approve_beyond_authority(surveyed, staff):
    app = surveyed(
        product_code="NCAR",
        otr=Decimal("250000000"),
        down_payment=Decimal("60000000"),
        tenor_months=36,
        income=Decimal("30000000"),
        data={"verified_income": Decimal("30000000")},
    )
    app = with_bureau(analysis_start(actor=staff["ca"], application=app), staff["ca"])
    with pytest.raises(PermissionDenied) as info:
        decision_record(actor=staff["ca"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="OK", as_of=AS_OF)
    assert info.value.code == "beyond_authority"


def test_dealer_user_orders_go_to_the_covering_cmo(credit, dealer_a, cmo_a):
    from angsur.dealers.services import dealer_coverage_set

    dealer_user = make_dealer_user(dealer_a, username="dealer.portal")
    dealer_coverage_set(actor=None, dealer=dealer_a, user=cmo_a, is_primary=True)
    app = make_application(actor=dealer_user, dealer=dealer_a, as_of=AS_OF)
    assert app.cmo == cmo_a and app.created_by == dealer_user


def test_dealer_user_cannot_order_for_another_dealer(credit, dealer_a, dealer_a2):
    dealer_user = make_dealer_user(dealer_a, username="dealer.portal")
    with pytest.raises(PermissionDenied):
        make_application(actor=dealer_user, dealer=dealer_a2, as_of=AS_OF)


def test_survey_assignment_from_the_wrong_role_is_refused(new_application, make_role_user):
    app = new_application()
    collector = make_role_user("collector")
    with pytest.raises(PermissionDenied):
        survey_assign(actor=collector, application=app, surveyor=collector, scheduled_for=timezone.now())


def test_without_a_scorecard_the_analysis_fails_closed(surveyed, staff):
    # Given no scorecard configured for the date (the demo card is never a silent fallback)
    from angsur.origination.models import ScorecardConfig

    app = with_bureau(analysis_start(actor=staff["ca"], application=surveyed()), staff["ca"])
    ScorecardConfig.objects.all().delete()

    # When the analysis runs, then it says so, grades nothing and nobody may approve
    analysis = application_analysis(app, as_of=AS_OF)
    assert analysis.score is None and analysis.grade == "" and analysis.required_level is None
    assert any("scorecard" in note.lower() for note in analysis.notes)
    with pytest.raises(DomainError) as info:
        decision_record(actor=staff["bm"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="OK", as_of=AS_OF)
    assert info.value.code == "no_scorecard"


def test_a_first_time_buyer_without_credit_history_is_approved_by_the_analyst(surveyed, staff):
    # Given a SLIK enquiry, with consent, that found no credit history (entered without a Kol)
    app = analysis_start(actor=staff["ca"], application=surveyed())
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=None, as_of=AS_OF)

    # Then the bureau rule passes and says why, and the analyst may approve (no branch-manager exception)
    rule = next(r for r in application_analysis(app, as_of=AS_OF).policy if r.code == "bureau_kol")
    assert rule.passed and rule.params["no_record"]
    decision = decision_record(
        actor=staff["ca"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="OK", as_of=AS_OF
    )
    assert decision.level == 1


def test_an_existing_customer_is_flagged_in_any_branch_with_the_exposure(surveyed, staff, cmo_b, dealer_b, credit):
    # Given an applicant approved at a Jakarta dealer
    first = with_bureau(analysis_start(actor=staff["ca"], application=surveyed()), staff["ca"])
    decision_record(actor=staff["ca"], application=first, outcome="approve", reason_codes=["good_profile"], rationale="OK", as_of=AS_OF)
    first.refresh_from_db()
    assert first.status == Status.APPROVED

    # When the same NIK orders again at a Makassar dealer
    second = make_application(actor=cmo_b, dealer=dealer_b, as_of=AS_OF)

    # Then the analyst sees an existing customer, with the approved order and its exposure
    flag = second.flags.get(kind=FlagKind.EXISTING_CUSTOMER)
    assert flag.other_application_id == first.pk and first.number in flag.detail and "Rp" in flag.detail
