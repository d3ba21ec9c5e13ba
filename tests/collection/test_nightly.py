"""The nightly collection run: cases from the end-of-day snapshot, promises judged, hand-over by rule."""

import datetime as dt
from decimal import Decimal

import pytest

from angsur.collection.models import CaseEvent, CollectionCase, CollectorProfile, HandoverRule, Promise, PromiseStatus
from angsur.collection.selectors import broken_promises
from angsur.collection.services import ContactData, case_assign, collection_nightly, contact_log
from angsur.devdata.factories import make_user
from angsur.errors import DomainError
from angsur.org.roles import Role
from angsur.servicing.services import payment_post
from tests.collection.conftest import WORKING_HOUR, snapshot

D1 = dt.date(2026, 12, 1)
D2 = dt.date(2026, 12, 2)


def test_a_contract_due_in_three_days_opens_a_case_with_its_cmo_and_a_later_one_does_not(contract, cmo_a):
    # given the end-of-day's picture: the next installment due in 3 days
    snapshot(contract, D1, next_due_date=D1 + dt.timedelta(days=3))
    # when the nightly run runs
    result = collection_nightly(business_date=D1)
    # then a case opens at the CMO stage with the snapshot's figures
    case = CollectionCase.objects.get(contract=contract)
    assert (result.opened, case.stage, case.cmo, case.dpd, case.next_due_sen) == (1, "cmo", cmo_a, 0, contract.installment_sen)
    # and a contract due in 4 days does not
    snapshot(contract, D2, next_due_date=D2 + dt.timedelta(days=4))
    assert collection_nightly(business_date=D2).closed == 1
    assert CollectionCase.objects.get(contract=contract).stage == "closed"


def test_the_same_date_run_twice_changes_nothing_more(contract):
    snapshot(contract, D1, dpd=5, mob=2)
    first = collection_nightly(business_date=D1)
    events = CaseEvent.objects.count()
    again = collection_nightly(business_date=D1)
    assert (first.opened, again.opened, again.reopened, again.closed, again.handed_over) == (1, 0, 0, 0, 0)
    assert CaseEvent.objects.count() == events
    assert CollectionCase.objects.get(contract=contract).dpd == 5


def test_a_cured_case_closes_and_reopens_with_the_cmo_when_late_again(contract):
    snapshot(contract, D1, dpd=3, mob=2)
    collection_nightly(business_date=D1)
    snapshot(contract, D2, dpd=0, mob=2, next_due_date=dt.date(2027, 1, 2))
    collection_nightly(business_date=D2)
    assert CollectionCase.objects.get(contract=contract).closed_on == D2
    d3 = dt.date(2027, 1, 3)
    snapshot(contract, d3, dpd=1, mob=3)
    assert collection_nightly(business_date=d3).reopened == 1
    case = CollectionCase.objects.get(contract=contract)
    assert (case.stage, case.dpd, case.closed_on) == ("cmo", 1, None)
    assert list(case.events.order_by("id").values_list("action", flat=True)) == ["opened", "closed", "reopened"]


def _promise(case, cmo, *, on, amount):
    return contact_log(
        actor=cmo,
        case=case,
        data=ContactData(channel="call", result_code="promise", promise_on=on, promise_amount=Decimal(amount)),
        at=WORKING_HOUR,
        as_of=D1,
    )


def test_a_promise_covered_by_payments_by_its_date_is_kept(contract, cmo_a, staff):
    snapshot(contract, D1, dpd=5, mob=2)
    collection_nightly(business_date=D1)
    case = CollectionCase.objects.get(contract=contract)
    _promise(case, cmo_a, on=D2, amount="500000")
    payment_post(actor=staff["fo"], contract=contract, amount=Decimal("500000"), channel="counter", value_date=D2, as_of=D2)
    snapshot(contract, D2, dpd=5, mob=2)
    result = collection_nightly(business_date=D2)
    promise = Promise.objects.get()
    assert (result.promises_kept, promise.status, promise.paid_sen, promise.resolved_on) == (1, PromiseStatus.KEPT, 50_000_000, D2)


def test_a_promise_not_paid_by_its_date_is_broken_and_raises_the_case(contract, cmo_a, staff):
    snapshot(contract, D1, dpd=5, mob=2)
    collection_nightly(business_date=D1)
    case = CollectionCase.objects.get(contract=contract)
    _promise(case, cmo_a, on=D2, amount="500000")
    # a smaller payment does not keep it
    payment_post(actor=staff["fo"], contract=contract, amount=Decimal("100000"), channel="counter", value_date=D2, as_of=D2)
    snapshot(contract, D1 + dt.timedelta(days=1), dpd=6, mob=2)
    collection_nightly(business_date=D2)
    case.refresh_from_db()
    assert Promise.objects.get().status == PromiseStatus.BROKEN
    assert (case.priority, case.broken_promises, case.stage) == (1, 1, "cmo")
    # and it is on the CMO's list of broken promises, not on another CMO's
    assert [row.case_id for row in broken_promises(viewer=cmo_a)] == [case.pk]
    assert broken_promises(viewer=make_user(Role.CMO, contract.branch, username="cmo.other.b")) == []
    # a second broken promise hands it to desk collection by the default rule (two broken promises)
    make_user(Role.COLLECTOR, contract.branch, username="desk.c")
    CollectorProfile.objects.create(user=staff["coll"], branch=contract.branch, stage="desk")
    _promise(case, cmo_a, on=dt.date(2026, 12, 3), amount="400000")
    d3 = dt.date(2026, 12, 3)
    snapshot(contract, d3, dpd=7, mob=2)
    collection_nightly(business_date=d3)
    case.refresh_from_db()
    assert (case.broken_promises, case.stage, case.assignee) == (2, "desk", staff["coll"])


def test_an_open_promise_before_its_date_stays_open(contract, cmo_a):
    snapshot(contract, D1, dpd=5, mob=2)
    collection_nightly(business_date=D1)
    _promise(CollectionCase.objects.get(contract=contract), cmo_a, on=dt.date(2026, 12, 10), amount="500000")
    snapshot(contract, D2, dpd=6, mob=2)
    collection_nightly(business_date=D2)
    assert Promise.objects.get().status == PromiseStatus.OPEN


def test_a_month_late_premature_case_goes_to_the_field_collector_of_the_debtors_area(contract, staff, branch_a):
    # given two field collectors: one for Rawamangun (the debtor's kelurahan), one for Cakung with fewer cases
    near = staff["coll"]
    far = make_user(Role.COLLECTOR, branch_a, username="coll.cakung")
    CollectorProfile.objects.create(user=near, branch=branch_a, stage="field", areas="Rawamangun, Pulo Gadung")
    CollectorProfile.objects.create(user=far, branch=branch_a, stage="field", areas="Cakung")
    snapshot(contract, D1, dpd=20, mob=2)
    collection_nightly(business_date=D1)
    assert CollectionCase.objects.get(contract=contract).stage == "cmo"
    # when it is 31 days late on a later night
    snapshot(contract, D2, dpd=31, mob=2)
    result = collection_nightly(business_date=D2)
    # then the rule hands it to field collection, to the collector of the area
    case = CollectionCase.objects.get(contract=contract)
    assert (result.handed_over, case.stage, case.assignee, case.handed_over_on) == (1, "field", near, D2)
    event = case.events.get(action="handed_over")
    assert (event.from_stage, event.to_stage, event.actor) == ("cmo", "field", None)


def test_without_an_area_match_the_collector_with_the_fewest_open_cases_gets_it(credit, staff, branch_a, cmo_a, dealer_a):
    from angsur.devdata.seed_contracts import booked_contract

    busy, free = staff["coll"], make_user(Role.COLLECTOR, branch_a, username="coll.free")
    CollectorProfile.objects.create(user=busy, branch=branch_a, stage="field")
    CollectorProfile.objects.create(user=free, branch=branch_a, stage="field")
    first = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=dt.date(2026, 11, 2), admin=staff["adm"])
    second = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=dt.date(2026, 11, 2), admin=staff["adm"])
    snapshot(first, D1, dpd=40, mob=2)
    snapshot(second, D1, dpd=35, mob=2)
    collection_nightly(business_date=D1)
    assignees = set(CollectionCase.objects.values_list("assignee__username", flat=True))
    assert assignees == {"coll.c", "coll.free"}


def test_an_uncertified_third_party_collector_gets_no_case_and_cannot_be_assigned(contract, staff, branch_a, bm_a):
    agency = staff["coll"]
    profile = CollectorProfile.objects.create(user=agency, branch=branch_a, stage="field", third_party=True, agency="PT Tagih")
    snapshot(contract, D1, dpd=40, mob=2)
    result = collection_nightly(business_date=D1)
    case = CollectionCase.objects.get(contract=contract)
    assert (case.stage, case.assignee, result.unassigned) == ("field", None, [case.pk])
    with pytest.raises(DomainError) as refused:
        case_assign(actor=bm_a, case=case, assignee=agency, as_of=D1)
    assert refused.value.code == "collector_not_certified"
    # with a certification valid on the day, the branch manager may assign it, and the next night would too
    profile.certificate_number = "SPPI-123"
    profile.certificate_valid_until = D1
    profile.save()
    case_assign(actor=bm_a, case=case, assignee=agency, as_of=D1)
    assert CollectionCase.objects.get(pk=case.pk).assignee == agency
    # an expired one is refused again
    profile.certificate_valid_until = D1 - dt.timedelta(days=1)
    profile.save()
    with pytest.raises(DomainError):
        case_assign(actor=bm_a, case=case, assignee=agency, as_of=D1)


def test_past_the_premature_months_a_late_case_goes_to_desk_collection(contract, staff):
    snapshot(contract, D1, dpd=2, mob=13)
    collection_nightly(business_date=D1)
    case = CollectionCase.objects.get(contract=contract)
    assert case.stage == "desk"


def test_rules_are_configuration(contract):
    HandoverRule.objects.all().delete()
    snapshot(contract, D1, dpd=200, mob=2)
    collection_nightly(business_date=D1)
    assert CollectionCase.objects.get(contract=contract).stage == "cmo"


def test_the_nightly_run_is_registered_after_the_end_of_day_closes():
    eod = pytest.importorskip("angsur.servicing.eod")
    if not hasattr(eod, "after_close_hooks"):
        pytest.skip("the end-of-day has no after-close hooks yet")
    assert collection_nightly in eod.after_close_hooks().values()
