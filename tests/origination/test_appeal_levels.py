"""An appeal goes above whoever rejected; above the branch manager, to head office (issue 17 item 6).

The appeal used to go to min(level + 1, 3): a branch manager's rejection was appealed back to the
branch manager, who then decided the appeal against their own rejection.
"""

import pytest

from angsur.devdata.factories import make_user
from angsur.errors import Conflict, PermissionDenied
from angsur.org.roles import Role
from angsur.origination.services import analysis_start, appeal_file, bureau_check_record, decision_record
from angsur.origination.workflow import HEAD_OFFICE_LEVEL, Action, Status, allowed_actions
from tests.origination.conftest import AS_OF

ARGUMENT = "Konsumen lama dengan riwayat bayar baik di dealer ini."
DECIDING = {Action.APPROVE, Action.APPROVE_WITH_CONDITIONS, Action.REJECT}


@pytest.fixture
def ho_credit(head_office):
    """Head office's credit staff: a chief credit analyst posted at the head-office branch."""
    return make_user(Role.CHIEF_CREDIT_ANALYST, head_office, username="cca.ho")


def _rejected_by(app, decider):
    bureau_check_record(actor=decider, application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    decision_record(actor=decider, application=app, outcome="reject", reason_codes=["character"], rationale="Cek lingkungan.", as_of=AS_OF)
    app.refresh_from_db()
    return app


@pytest.fixture
def rejected_by_the_branch_manager(surveyed, staff):
    app = analysis_start(actor=staff["ca"], application=surveyed())
    return _rejected_by(app, staff["bm"])


def test_branch_managers_rejection_is_appealed_to_head_office_and_the_manager_may_not_decide_it(
    rejected_by_the_branch_manager, staff, ho_credit, api
):
    # given a rejection by the branch manager, the top of the branch chain
    app = rejected_by_the_branch_manager

    # when the supervisor appeals
    appeal = appeal_file(actor=staff["ms"], application=app, argument=ARGUMENT)
    app.refresh_from_db()

    # then the appeal waits at head office, and the branch manager is offered nothing and refused
    assert appeal.to_level == app.decision_level == HEAD_OFFICE_LEVEL
    assert not DECIDING & set(allowed_actions(app, staff["bm"]))
    with pytest.raises(PermissionDenied) as info:
        decision_record(actor=staff["bm"], application=app, outcome="approve", reason_codes=["good_profile"], rationale="x", as_of=AS_OF)
    assert info.value.code == "decided_before"
    # and head office's credit staff may decide it, as the API offers
    offered = set(api(ho_credit).get(f"/api/applications/{app.pk}").json()["allowed_actions"])
    assert offered >= DECIDING
    decision = decision_record(
        actor=ho_credit, application=app, outcome="approve", reason_codes=["good_profile"], rationale="Banding diterima.", as_of=AS_OF
    )
    assert decision.on_appeal and decision.application.status == Status.APPROVED
    # and the trail records the level it was decided at: head office's, not the chief analyst role's
    assert decision.level == HEAD_OFFICE_LEVEL


def test_whoever_decided_before_may_not_decide_the_appeal(surveyed, staff):
    # given an analyst's escalation and the chief analyst's rejection
    app = analysis_start(actor=staff["ca"], application=surveyed())
    decision_record(actor=staff["ca"], application=app, outcome="escalate", reason_codes=["other"], rationale="Naik.", as_of=AS_OF)
    app = _rejected_by(app, staff["cca"])
    appeal = appeal_file(actor=staff["ms"], application=app, argument=ARGUMENT)
    app.refresh_from_db()

    # then the appeal goes above the chief analyst, and neither earlier decider may decide it
    assert appeal.to_level == 3
    for earlier in (staff["ca"], staff["cca"]):
        assert not DECIDING & set(allowed_actions(app, earlier))
    assert Action.REJECT in allowed_actions(app, staff["bm"])


def test_head_office_administrator_is_not_a_credit_decider(rejected_by_the_branch_manager, staff, ho_credit, ho_admin):
    app = rejected_by_the_branch_manager
    appeal_file(actor=staff["ms"], application=app, argument=ARGUMENT)
    app.refresh_from_db()
    assert not DECIDING & set(allowed_actions(app, ho_admin))


def test_no_appeal_above_the_branch_manager_without_head_office_credit_staff(rejected_by_the_branch_manager, staff):
    app = rejected_by_the_branch_manager
    assert Action.APPEAL not in allowed_actions(app, staff["ms"])
    with pytest.raises(Conflict) as info:
        appeal_file(actor=staff["ms"], application=app, argument=ARGUMENT)
    assert info.value.code == "no_appeal_decider"


def test_head_office_staff_do_not_decide_applications_that_are_not_appealed_to_them(surveyed, staff, ho_credit):
    app = analysis_start(actor=staff["ca"], application=surveyed())
    assert not DECIDING & set(allowed_actions(app, ho_credit))


def test_an_appeal_sent_to_head_office_waits_in_head_office_credit_staffs_worklists(rejected_by_the_branch_manager, staff, ho_credit, api):
    # Given the supervisor's appeal against the branch manager's rejection (head-office level)
    app = rejected_by_the_branch_manager
    appeal_file(actor=staff["ms"], application=app, argument=ARGUMENT)

    # Then head office's credit staff find it in their queue and among the escalations waiting for them
    work = api(ho_credit).get("/api/worklist").json()
    assert app.pk in [row["id"] for row in work["queue"]]
    assert app.pk in [row["id"] for row in work["escalations"]]
    # and the branch's own deciders no longer have it waiting for them
    assert app.pk not in [row["id"] for row in api(staff["bm"]).get("/api/worklist").json()["queue"]]
