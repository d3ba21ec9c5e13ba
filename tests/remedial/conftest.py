import datetime as dt

import pytest

from angsur.devdata.factories import make_credit_config, make_user
from angsur.devdata.seed_contracts import booked_contract
from angsur.org.roles import Role

SIGNED = dt.date(2026, 11, 2)


@pytest.fixture
def people(branch_a, branch_b):
    return {
        "adm": make_user(Role.ADMIN, branch_a, username="adm.a"),
        "fo": make_user(Role.FRONT_OFFICE, branch_a, username="fo.a"),
        "bm": make_user(Role.BRANCH_MANAGER, branch_a, username="bm.r"),
        "coll": make_user(Role.COLLECTOR, branch_a, username="coll.a"),
        "coll2": make_user(Role.COLLECTOR, branch_a, username="coll2.a"),
        "rem": make_user(Role.REMEDIAL, branch_a, username="rem.a"),
        "coll_b": make_user(Role.COLLECTOR, branch_b, username="coll.b"),
        "bm_b": make_user(Role.BRANCH_MANAGER, branch_b, username="bm.rb"),
        "rem_b": make_user(Role.REMEDIAL, branch_b, username="rem.b"),
    }


def assign_case(contract, collector, *, stage="field"):
    """The contract's collection case, assigned to the collector (rows made directly: collection's nightly run opens
    cases from the end-of-day's snapshots, a whole end-of-day away)."""
    from angsur.collection.models import CollectionCase

    return CollectionCase.objects.create(
        contract=contract,
        branch_id=contract.branch_id,
        cmo_id=contract.cmo_id,
        stage=stage,
        assignee=collector,
        business_date=contract.signing_date,
        opened_on=contract.signing_date,
    )


@pytest.fixture
def contract(products, people, cmo_a, dealer_a):
    """A contract of branch A whose collection case is assigned to the collector coll.a."""
    make_credit_config()
    booked = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED, admin=people["adm"])
    assign_case(booked, people["coll"])
    return booked


@pytest.fixture
def late_day(contract):
    """Ten days after the first installment fell due (nothing paid): the contract is 10 days late."""
    return contract.first_due_date + dt.timedelta(days=10)
