"""Field cash: booklets, receipts posted at issue, deposits by the next working day, reconciliation, the manager's list."""

import datetime as dt
from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.errors import DomainError
from angsur.remedial import selectors
from angsur.remedial.models import CashDeposit, FieldReceipt, RemedialError
from angsur.remedial.services import booklet_assign, deposit_receive, receipt_issue, receipt_spoil
from angsur.servicing.models import Channel, Payment
from angsur.servicing.services import payment_reverse_decide, payment_reverse_request

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 2)  # a Monday, the contract's signing date
TUE = dt.date(2026, 11, 3)
WED = dt.date(2026, 11, 4)


@pytest.fixture
def booklet(people):
    return booklet_assign(actor=people["bm"], collector=people["coll"], first_number=1001, last_number=1050, as_of=MON)


def _refused(call, code):
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == code, error.value.message
    return error.value


# --- booklets ----------------------------------------------------------------------------------------


def test_branch_manager_assigns_a_booklet_and_it_is_audited(booklet, people):
    assert (booklet.collector, booklet.size) == (people["coll"], 50)
    assert AuditEvent.objects.filter(action="receipt_booklet.assign", object_id=str(booklet.pk)).exists()


def test_a_range_overlapping_another_booklet_of_the_company_is_refused(booklet, people):
    error = _refused(
        lambda: booklet_assign(actor=people["bm_b"], collector=people["coll_b"], first_number=1040, last_number=1100, as_of=MON),
        "range_overlaps",
    )
    assert "coll.a" in error.message


def test_a_booklet_goes_only_to_a_collector_and_only_by_a_manager(people):
    _refused(
        lambda: booklet_assign(actor=people["bm"], collector=people["fo"], first_number=1, last_number=5, as_of=MON), "not_a_collector"
    )
    _refused(
        lambda: booklet_assign(actor=people["fo"], collector=people["coll"], first_number=1, last_number=5, as_of=MON), "permission_denied"
    )
    _refused(
        lambda: booklet_assign(actor=people["bm"], collector=people["coll_b"], first_number=1, last_number=5, as_of=MON),
        "permission_denied",
    )
    _refused(
        lambda: booklet_assign(actor=people["bm"], collector=people["coll"], first_number=9, last_number=5, as_of=MON), "range_invalid"
    )


# --- receipts ----------------------------------------------------------------------------------------


def test_a_receipt_posts_the_payment_at_once_with_the_receipt_number_as_its_key(booklet, contract, people):
    # Given a collector with a booklet, when they take Rp500.000 against receipt 1001
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(500000), as_of=MON)
    # Then the payment is posted to the contract through the field channel, keyed by the receipt number
    payment = Payment.objects.get()
    assert receipt.payment == payment and payment.channel == Channel.FIELD and payment.amount_sen == 50_000_000
    assert payment.dedup_key == f"key:field-receipt:{booklet.company_id}:1001"
    # ... the cash is due at the branch the next working day, and the issue is audited
    assert receipt.deposit_due == TUE
    assert AuditEvent.objects.filter(action="field_receipt.issue").count() == 1
    assert AuditEvent.objects.filter(action="payment.post").count() == 1


def test_the_same_receipt_sent_again_records_it_once(booklet, contract, people):
    first = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(500000), as_of=MON)
    again = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(500000), as_of=MON)
    assert again.pk == first.pk and again.replayed
    assert Payment.objects.count() == 1


def test_a_receipt_number_used_twice_is_refused(booklet, contract, people):
    receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(500000), as_of=MON)
    error = _refused(
        lambda: receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(300000), as_of=MON),
        "receipt_number_used",
    )
    assert "0001001" in error.message
    assert Payment.objects.count() == 1


def test_a_receipt_outside_ones_booklet_is_refused(booklet, contract, people):
    booklet_assign(actor=people["bm"], collector=people["coll2"], first_number=2001, last_number=2010, as_of=MON)
    _refused(
        lambda: receipt_issue(actor=people["coll"], contract=contract, number=2001, amount=Decimal(1000), as_of=MON), "receipt_not_yours"
    )
    _refused(
        lambda: receipt_issue(actor=people["coll"], contract=contract, number=9999, amount=Decimal(1000), as_of=MON),
        "receipt_not_in_booklet",
    )
    assert not FieldReceipt.objects.exists() and not Payment.objects.exists()


def test_a_receipt_for_a_contract_whose_case_is_not_assigned_to_the_collector_is_refused(contract, people):
    booklet_assign(actor=people["bm"], collector=people["coll2"], first_number=2001, last_number=2010, as_of=MON)
    error = _refused(
        lambda: receipt_issue(actor=people["coll2"], contract=contract, number=2001, amount=Decimal(1000), as_of=MON),
        "contract_not_assigned",
    )
    assert contract.number in error.message
    assert not Payment.objects.exists()


def test_a_receipt_for_a_contract_of_another_branch_is_refused(contract, people):
    booklet_assign(actor=people["bm_b"], collector=people["coll_b"], first_number=5001, last_number=5010, as_of=MON)
    _refused(
        lambda: receipt_issue(actor=people["coll_b"], contract=contract, number=5001, amount=Decimal(1000), as_of=MON), "permission_denied"
    )


def test_a_refused_payment_leaves_no_receipt(booklet, contract, people):
    _refused(
        lambda: receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(10**10), as_of=MON),
        "amount_exceeds_owed",
    )
    assert not FieldReceipt.objects.exists()
    _refused(
        lambda: receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(0), as_of=MON), "amount_not_positive"
    )


def test_only_collectors_take_cash(booklet, contract, people):
    _refused(
        lambda: receipt_issue(actor=people["fo"], contract=contract, number=1001, amount=Decimal(1000), as_of=MON), "permission_denied"
    )


def test_a_spoiled_receipt_is_kept_with_its_reason_and_its_number_never_used(booklet, contract, people):
    spoiled = receipt_spoil(actor=people["coll"], number=1002, reason="Sobek", as_of=MON)
    assert spoiled.status == "spoiled" and spoiled.reason == "Sobek"
    _refused(lambda: receipt_spoil(actor=people["coll"], number=1003, reason=" ", as_of=MON), "reason_required")
    _refused(
        lambda: receipt_issue(actor=people["coll"], contract=contract, number=1002, amount=Decimal(1000), as_of=MON), "receipt_number_used"
    )
    with pytest.raises(RemedialError):
        spoiled.delete()
    with pytest.raises(RemedialError):
        FieldReceipt.objects.all().delete()


def test_the_phone_proposes_the_next_free_number(booklet, contract, people):
    receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(1000), as_of=MON)
    receipt_spoil(actor=people["coll"], number=1002, reason="Salah tulis", as_of=MON)
    assert selectors.next_free_number(collector=people["coll"]) == 1003


# --- deposits and reconciliation ---------------------------------------------------------------------


def test_a_deposit_on_the_next_working_day_reconciles_as_matched(booklet, contract, people):
    # Given two receipts taken on Monday
    r1 = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(300000), as_of=MON)
    r2 = receipt_issue(actor=people["coll"], contract=contract, number=1002, amount=Decimal(200000), as_of=MON)
    # When the cashier receives their cash on Tuesday, counted in full
    deposit = deposit_receive(actor=people["fo"], collector=people["coll"], receipt_ids=[r1.pk, r2.pk], counted=Decimal(500000), as_of=TUE)
    # Then the deposit is recorded, audited, not late, and the reconciliation is matched
    assert (deposit.expected_sen, deposit.counted_sen, deposit.difference_sen, deposit.late_receipts) == (50_000_000, 50_000_000, 0, 0)
    assert AuditEvent.objects.filter(action="cash_deposit.receive", object_id=str(deposit.pk)).exists()
    rec = selectors.reconciliation(viewer=people["bm"], date_from=MON, date_to=MON, as_of=TUE)
    [line] = rec.collectors
    assert (line.issued, line.deposited, line.counted, line.posted) == (Decimal(500000),) * 4
    assert line.matched
    assert selectors.deposit_exceptions(viewer=people["bm"], as_of=WED) == []


def test_a_missing_deposit_shows_on_the_managers_list_the_day_after_it_was_due(booklet, contract, people):
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(300000), as_of=MON)
    # On Tuesday (the due day) it is pending, not yet missing
    assert selectors.deposit_exceptions(viewer=people["bm"], as_of=TUE) == []
    # On Wednesday it is missing
    [exception] = selectors.deposit_exceptions(viewer=people["bm"], as_of=WED)
    assert (exception.kind, exception.receipt, exception.days_late) == ("missing", receipt, 1)
    line = selectors.reconciliation(viewer=people["bm"], date_from=MON, date_to=MON, as_of=WED).collectors[0]
    assert line.missing == Decimal(300000) and not line.matched


def test_a_late_or_short_deposit_shows_on_the_list(booklet, contract, people):
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(300000), as_of=MON)
    deposit = deposit_receive(actor=people["fo"], collector=people["coll"], receipt_ids=[receipt.pk], counted=Decimal(250000), as_of=WED)
    assert deposit.late_receipts == 1 and deposit.difference_sen == -5_000_000
    kinds = {(e.kind, e.amount) for e in selectors.deposit_exceptions(viewer=people["bm"], as_of=WED)}
    assert kinds == {("late", Decimal(300000)), ("difference", Decimal(-50000))}
    line = selectors.reconciliation(viewer=people["fo"], date_from=MON, date_to=MON, as_of=WED).collectors[0]
    assert line.cash_difference == Decimal(-50000) and line.late_count == 1


def test_a_deposit_of_someone_elses_receipts_is_refused(booklet, contract, people):
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(300000), as_of=MON)
    error = _refused(
        lambda: deposit_receive(
            actor=people["fo"], collector=people["coll2"], receipt_ids=[receipt.pk], counted=Decimal(300000), as_of=TUE
        ),
        "receipt_of_another_collector",
    )
    assert "coll.a" in error.message
    assert not CashDeposit.objects.exists()


def test_a_receipt_is_deposited_once_and_only_by_the_cashier(booklet, contract, people):
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(300000), as_of=MON)
    deposit_receive(actor=people["fo"], collector=people["coll"], receipt_ids=[receipt.pk], counted=Decimal(300000), as_of=TUE)
    _refused(
        lambda: deposit_receive(actor=people["fo"], collector=people["coll"], receipt_ids=[receipt.pk], counted=Decimal(300000), as_of=TUE),
        "receipt_deposited",
    )
    _refused(
        lambda: deposit_receive(actor=people["coll"], collector=people["coll"], receipt_ids=[receipt.pk], counted=Decimal(1), as_of=TUE),
        "permission_denied",
    )
    _refused(
        lambda: deposit_receive(actor=people["fo"], collector=people["coll"], receipt_ids=[], counted=Decimal(1), as_of=TUE),
        "receipts_required",
    )


def test_a_reversed_receipt_payment_shows_as_a_posting_difference(booklet, contract, people):
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(300000), as_of=MON)
    reversal = payment_reverse_request(actor=people["fo"], payment=receipt.payment, reason="Salah kontrak")
    payment_reverse_decide(actor=people["bm"], reversal=reversal, approve=True, as_of=MON)
    line = selectors.reconciliation(viewer=people["bm"], date_from=MON, date_to=MON, as_of=MON).collectors[0]
    assert line.issued == Decimal(300000) and line.posted == 0 and line.posting_difference == Decimal(300000)


def test_a_collector_sees_only_their_own_receipts(booklet, contract, people):
    receipt_issue(actor=people["coll"], contract=contract, number=1001, amount=Decimal(1000), as_of=MON)
    assert len(selectors.receipt_rows(viewer=people["coll"])) == 1
    assert selectors.receipt_rows(viewer=people["coll2"]) == []
    assert len(selectors.receipt_rows(viewer=people["bm"])) == 1
    assert selectors.receipt_rows(viewer=people["bm_b"]) == []
