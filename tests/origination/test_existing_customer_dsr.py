"""An existing customer's open contracts count in the DSR of a new order, in any branch (issue 15, item 2).

Before: the analysis summed only the loans typed on the order; the installment of the customer's own
angsur contract was not counted, so a second motorcycle passed a DSR it breaks.
"""

import datetime as dt

import pytest

from angsur.devdata.factories import make_application, make_credit_config, make_user, party_data
from angsur.devdata.seed_contracts import booked_contract
from angsur.org.roles import Role
from angsur.origination.selectors import application_analysis

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2026, 11, 2)


@pytest.fixture
def held(products, branch_a, cmo_a, dealer_a):
    make_credit_config()
    admin = make_user(Role.ADMIN, branch_a, username="adm.x")
    return booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED, admin=admin)


def test_the_installment_of_an_open_contract_counts_in_another_branchs_dsr(held, cmo_b, dealer_b):
    # the contract's holder (party_data's default person) orders again at another branch's dealer;
    # someone else orders the same terms there
    new = make_application(actor=cmo_b, dealer=dealer_b, as_of=SIGNED, applicant=party_data())
    other = make_application(
        actor=cmo_b, dealer=dealer_b, as_of=SIGNED, applicant=party_data(name="Andi Wijaya", serial=2, phone="0813-1111-2222")
    )
    assert new.applicant_nik == held.customer_nik != other.applicant_nik

    analysis = application_analysis(new, as_of=SIGNED)
    baseline = application_analysis(other, as_of=SIGNED)

    assert [c.contract_number for c in analysis.own_contracts] == [held.number]
    assert analysis.existing_installments == baseline.existing_installments + held.installment
    assert analysis.dsr_ratio > baseline.dsr_ratio
    assert any(held.number in note for note in analysis.notes)
    assert analysis.as_dict()["own_contracts"][0]["monthly_installment"] == str(held.installment)


def test_the_contract_booked_from_the_application_is_not_its_own_debt(held):
    analysis = application_analysis(held.application, as_of=SIGNED)
    assert analysis.own_contracts == []
