"""Collection fixtures: booked contracts (through the real services) and their end-of-day snapshots.

Until the end-of-day engine runs in these tests, `snapshot` writes the ContractDay row the engine would
write for a contract on a business date (days past due, bucket, MOB, amounts, next due installment).
"""

import datetime as dt

import pytest

from angsur.devdata.factories import make_credit_config, make_user
from angsur.devdata.seed_contracts import booked_contract
from angsur.org.roles import Role
from angsur.servicing.models import ContractDay

SIGNED = dt.date(2026, 11, 2)
# A Friday at 10.00 WIB: inside the contact hours everywhere in Indonesia.
WORKING_HOUR = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)


def bucket_of(dpd: int) -> str:
    for code, lo in (("B6", 181), ("B5", 121), ("B4", 91), ("B3", 61), ("B2", 31), ("B1", 1)):
        if dpd >= lo:
            return code
    return "B0"


def snapshot(contract, business_date, *, dpd=0, mob=1, next_due_date=None, overdue_sen=None, status="active", fpd=False):
    """The ContractDay row the end-of-day writes for this contract and date."""
    row, _created = ContractDay.objects.update_or_create(
        contract=contract,
        business_date=business_date,
        defaults={
            "branch_id": contract.branch_id,
            "dealer_id": contract.dealer_id,
            "cmo_id": contract.cmo_id,
            "product_id": contract.product_id,
            "booked_month": contract.signing_date.replace(day=1),
            "status": status,
            "dpd": dpd,
            "bucket": bucket_of(dpd),
            "collectibility": 1 if dpd == 0 else 2,
            "mob": mob,
            "premature": mob <= 12,
            "fpd": fpd,
            "overdue_installments": 1 if dpd else 0,
            "overdue_sen": contract.installment_sen if overdue_sen is None and dpd else (overdue_sen or 0),
            "late_fee_sen": 0,
            "outstanding_principal_sen": contract.financed_principal_sen,
            "next_due_date": next_due_date,
            "next_due_sen": contract.installment_sen if next_due_date else 0,
        },
    )
    return row


@pytest.fixture
def credit(products):
    make_credit_config()
    return products


@pytest.fixture
def staff(branch_a, branch_b):
    return {
        "adm": make_user(Role.ADMIN, branch_a, username="adm.c"),
        "fo": make_user(Role.FRONT_OFFICE, branch_a, username="fo.c"),
        "bm": make_user(Role.BRANCH_MANAGER, branch_a, username="bm.c"),
        "coll": make_user(Role.COLLECTOR, branch_a, username="coll.c"),
        "rem": make_user(Role.REMEDIAL, branch_a, username="rem.c"),
        "coll_b": make_user(Role.COLLECTOR, branch_b, username="coll.b"),
        "bm_b": make_user(Role.BRANCH_MANAGER, branch_b, username="bm.cb"),
    }


@pytest.fixture
def contract(credit, staff, cmo_a, dealer_a):
    return booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED, admin=staff["adm"])


@pytest.fixture
def contract_b(credit, staff, cmo_b, dealer_b):
    return booked_contract(cmo=cmo_b, dealer=dealer_b, signing_date=SIGNED, admin=make_user(Role.ADMIN, dealer_b.branch, username="adm.cb"))
