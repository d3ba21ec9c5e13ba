"""Booking: only an approved application, once, with the schedule the quote core priced."""

import datetime as dt

import pytest

from angsur.audit.models import AuditEvent
from angsur.errors import Conflict, PermissionDenied
from angsur.finance.servicing import virtual_account_valid
from angsur.servicing.models import Contract
from angsur.servicing.services import contract_book
from angsur.servicing.workflow import ContractStatus
from tests.servicing.conftest import SIGNED


def test_an_approved_application_is_booked_with_the_priced_schedule(approved, people):
    app = approved()
    contract = contract_book(actor=people["adm"], application=app, signing_date=SIGNED, as_of=SIGNED)
    assert contract.status == ContractStatus.ACTIVE
    assert contract.number == f"JKT/{SIGNED.year}/00001"
    assert virtual_account_valid(contract.va_number)
    assert contract.cmo_id == app.cmo_id
    rows = list(contract.installments.order_by("no"))
    stored = app.quote_result["schedule"]
    assert len(rows) == app.tenor_months == len(stored)
    # the very schedule the quote showed: same amounts and split, line by line
    for row, line in zip(rows, stored, strict=True):
        assert row.principal_sen == int(line["principal"]) * 100
        assert row.interest_sen == int(line["interest"]) * 100
    assert sum(r.principal_sen for r in rows) == app.financed_principal_sen
    assert contract.installment_sen == app.installment_sen
    assert AuditEvent.objects.filter(action="contract.book", object_id=str(contract.pk)).count() == 1


def test_contract_numbers_run_per_branch_and_virtual_accounts_differ(approved, people):
    first = contract_book(actor=people["adm"], application=approved(), signing_date=SIGNED, as_of=SIGNED)
    second = contract_book(actor=people["adm"], application=approved(), signing_date=SIGNED, as_of=SIGNED)
    assert (first.number, second.number) == (f"JKT/{SIGNED.year}/00001", f"JKT/{SIGNED.year}/00002")
    assert first.va_number != second.va_number


def test_an_application_is_booked_once(approved, people):
    app = approved()
    contract_book(actor=people["adm"], application=app, signing_date=SIGNED, as_of=SIGNED)
    with pytest.raises(Conflict) as info:
        contract_book(actor=people["adm"], application=app, signing_date=SIGNED, as_of=SIGNED)
    assert info.value.code == "already_booked"
    assert Contract.objects.count() == 1


def test_an_application_not_approved_is_not_booked(credit, people, cmo_a, dealer_a):
    from angsur.devdata.factories import make_application

    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=SIGNED)
    with pytest.raises(Conflict) as info:
        contract_book(actor=people["adm"], application=app, signing_date=SIGNED, as_of=SIGNED)
    assert info.value.code == "not_bookable"
    assert "approved" in info.value.message or "disetujui" in info.value.message
    assert not Contract.objects.exists()


def test_only_admin_books_and_only_in_its_branch(approved, people, branch_b):
    from angsur.devdata.factories import make_user
    from angsur.org.roles import Role

    app = approved()
    with pytest.raises(PermissionDenied):
        contract_book(actor=people["fo"], application=app, signing_date=SIGNED, as_of=SIGNED)
    other_admin = make_user(Role.ADMIN, branch_b, username="adm.b")
    with pytest.raises(PermissionDenied):
        contract_book(actor=other_admin, application=app, signing_date=SIGNED, as_of=SIGNED)
    assert not Contract.objects.exists()


def test_signing_in_the_future_is_refused(approved, people):
    from angsur.errors import DomainError

    with pytest.raises(DomainError) as info:
        contract_book(actor=people["adm"], application=approved(), signing_date=SIGNED + dt.timedelta(days=1), as_of=SIGNED)
    assert info.value.code == "signing_date_future"
