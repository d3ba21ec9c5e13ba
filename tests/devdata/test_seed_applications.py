"""Demo applications: every workflow state, made through the services, deterministic and idempotent."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from angsur.audit.models import AuditEvent
from angsur.devdata.seed import seed_demo
from angsur.devdata.seed_applications import seed_applications
from angsur.org.models import User
from angsur.org.roles import Role
from angsur.origination.models import (
    Appeal,
    Application,
    BureauCheck,
    Decision,
    DecisionOutcome,
    Flag,
    FlagKind,
    SurveyPhoto,
    SurveyStatus,
)
from angsur.origination.workflow import Status

AS_OF = dt.date(2026, 11, 2)
# the audit events an application in each state must show (besides create and submit)
STEP_OF = {
    Status.SURVEY_ASSIGNED: {"application.assign_survey"},
    Status.SURVEYED: {"application.assign_survey", "survey.photo_add", "application.complete_survey"},
    Status.IN_ANALYSIS: {"application.complete_survey", "application.start_analysis", "application.bureau_check"},
    Status.ESCALATED: {"application.start_analysis", "application.escalate"},
    Status.APPROVED_WITH_CONDITIONS: {"application.start_analysis", "application.approve_conditions"},
    Status.REJECTED: {"application.start_analysis", "application.reject"},
    Status.APPEALED: {"application.reject", "application.appeal"},
    Status.CANCELLED: {"application.cancel"},
}


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo(portfolio=0)  # the hand-made records only (the synthetic portfolio: tests/devdata/test_portfolio.py)
    started = time.monotonic()
    seed_applications(AS_OF)
    return time.monotonic() - started


def test_every_state_is_seeded_in_every_branch(seeded):
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    for code in ("JKT", "MKS", "JYP"):
        apps = Application.objects.filter(branch__code=code)
        # the demo's booked contracts (seed_contracts: five per branch) come on top of the states' orders
        assert 10 <= apps.filter(contract__isnull=True).count() <= 16
        assert apps.filter(contract__isnull=False).count() == 5
        states = set(apps.values_list("status", flat=True))
        assert states == set(Status.values)
        assert set(apps.values_list("product__code", flat=True)) == {"NMC", "UMC", "NCAR"}
        assert apps.filter(created_by__role=Role.DEALER).exists()
    assert len(set(Application.objects.values_list("declared_income_sen", flat=True))) >= 5
    assert seeded < 15


def test_seeded_records_are_consistent(seeded):
    # one duplicate NIK (customer at two dealers) and one negative-list hit
    duplicate = Flag.objects.get(kind=FlagKind.DUPLICATE_NIK)
    assert duplicate.application.applicant_nik == duplicate.other_application.applicant_nik
    assert duplicate.application.created_by.role == Role.DEALER
    negative = Flag.objects.get(kind=FlagKind.NEGATIVE_NIK).application
    assert negative.status == Status.REJECTED
    assert negative.decisions.get().reason_codes[0] == "negative_list"
    # surveys carry 1–2 real JPEG photos; the visits still to do are today's
    for photo in SurveyPhoto.objects.all():
        assert photo.content_type == "image/jpeg" and photo.file.open("rb").read(3) == b"\xff\xd8\xff"
    for app in Application.objects.filter(status=Status.SURVEYED):
        assert 1 <= app.surveys.get(status=SurveyStatus.COMPLETED).photos.count() <= 2
    for app in Application.objects.filter(status=Status.SURVEY_ASSIGNED):
        survey = app.surveys.get()
        assert survey.status == SurveyStatus.SCHEDULED
        assert survey.scheduled_for.astimezone(ZoneInfo(app.branch.time_zone)).date() == AS_OF
    # conditional approvals carry a counter-offer; appeals were filed by the supervisor and wait one level up
    for app in Application.objects.filter(status=Status.APPROVED_WITH_CONDITIONS):
        assert app.decisions.get(outcome=DecisionOutcome.APPROVE_WITH_CONDITIONS).counter_offer
    for app in Application.objects.filter(status=Status.APPEALED):
        assert app.appeals.get().appellant.role == Role.MARKETING_SUPERVISOR and app.decision_level == 2
    assert Appeal.objects.filter(application__status=Status.APPROVED).exists()
    # maker-checker: nobody decided an application they created, own, surveyed or appealed
    for decision in Decision.objects.select_related("application"):
        app = decision.application
        involved = {
            app.created_by_id,
            app.cmo_id,
            *app.surveys.values_list("surveyor_id", flat=True),
            *app.appeals.values_list("appellant_id", flat=True),
        }
        assert decision.decided_by_id not in involved
        assert decision.role in {Role.CREDIT_ANALYST, Role.CHIEF_CREDIT_ANALYST}
    assert BureauCheck.objects.filter(worst_collectibility=4).exists()
    # every dealer is covered by its branch's CMO as primary
    for cmo in User.objects.filter(role=Role.CMO, branch__code__in=["JKT", "MKS", "JYP"]):
        assert cmo.covered_dealers.filter(is_primary=True).count() == cmo.branch.dealers.count()


def test_seeded_steps_are_audited_and_a_second_run_adds_nothing(seeded):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    for step in (
        "dealer.coverage_set",
        "application.create",
        "application.submit",
        "application.assign_survey",
        "survey.photo_add",
        "application.complete_survey",
        "application.start_analysis",
        "application.bureau_check",
        "application.escalate",
        "application.approve",
        "application.approve_conditions",
        "application.accept_conditions",
        "application.reject",
        "application.appeal",
        "application.cancel",
    ):
        assert step in actions, step
    for app in Application.objects.exclude(status=Status.DRAFT):
        events = AuditEvent.objects.filter(object_type="origination.application", object_id=str(app.pk))
        trail = set(events.values_list("action", flat=True))
        assert {"application.create", "application.submit"} <= trail
        assert STEP_OF.get(app.status, set()) <= trail, (app.number, app.status, trail)
        if app.status == Status.APPROVED:
            assert trail & {"application.approve", "application.accept_conditions"}
    counts = (Application.objects.count(), Decision.objects.count(), AuditEvent.objects.count(), SurveyPhoto.objects.count())
    seed_applications(AS_OF)
    assert (Application.objects.count(), Decision.objects.count(), AuditEvent.objects.count(), SurveyPhoto.objects.count()) == counts


def test_seed_is_deterministic(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def run() -> list[tuple]:
        savepoint = transaction.savepoint_create()
        seed_demo(portfolio=0)
        seed_applications(AS_OF)
        rows = sorted(
            Application.objects.values_list(
                "applicant_nik",
                "applicant_name",
                "applicant_phone",
                "status",
                "otr_sen",
                "down_payment_sen",
                "tenor_months",
                "dealer__code",
            )
        )
        transaction.savepoint_rollback(savepoint)
        return rows

    first = run()
    assert Application.objects.count() == 0
    assert first == run()
