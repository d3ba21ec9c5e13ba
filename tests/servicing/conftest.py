import datetime as dt

import pytest

from angsur.devdata.factories import make_credit_config, make_user
from angsur.devdata.seed_contracts import approved_application, booked_contract
from angsur.org.roles import Role

SIGNED = dt.date(2026, 11, 2)


@pytest.fixture
def credit(products):
    make_credit_config()
    return products


@pytest.fixture
def people(branch_a, branch_b):
    return {
        "adm": make_user(Role.ADMIN, branch_a, username="adm.a"),
        "fo": make_user(Role.FRONT_OFFICE, branch_a, username="fo.a"),
        "fo2": make_user(Role.FRONT_OFFICE, branch_a, username="fo2.a"),
        "bm": make_user(Role.BRANCH_MANAGER, branch_a, username="bm.s"),
        "ca": make_user(Role.CREDIT_ANALYST, branch_a, username="ca.s"),
        "fo_b": make_user(Role.FRONT_OFFICE, branch_b, username="fo.b"),
        "bm_b": make_user(Role.BRANCH_MANAGER, branch_b, username="bm.b"),
    }


@pytest.fixture
def approved(credit, people, cmo_a, dealer_a):
    def factory(**kwargs):
        return approved_application(cmo=cmo_a, dealer=dealer_a, as_of=SIGNED, **kwargs)

    return factory


@pytest.fixture
def contract(credit, people, cmo_a, dealer_a):
    return booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED, admin=people["adm"])
