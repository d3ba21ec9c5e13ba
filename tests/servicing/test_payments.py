"""Payments, reversals (maker-checker), late-fee waivers and early settlement through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.servicing.models import Allocation, Payment, ReversalStatus
from angsur.servicing.selectors import active_installments_for_nik, contract_position
from angsur.servicing.services import (
    late_fee_waive,
    payment_post,
    payment_reverse_decide,
    payment_reverse_request,
    settlement_execute,
    settlement_quote_create,
)
from angsur.servicing.workflow import ContractStatus


def _pay(contract, actor, amount, day, **kwargs):
    kwargs.setdefault("channel", "counter")
    return payment_post(actor=actor, contract=contract, amount=Decimal(amount), value_date=day, as_of=day, **kwargs)


def test_a_counter_payment_gets_a_receipt_and_pays_the_first_installment(contract, people):
    first = contract.installments.get(no=1)
    payment = _pay(contract, people["fo"], first.amount_sen // 100, first.due_date)
    assert payment.receipt_number.startswith(f"KW/JKT/{first.due_date.year}/")
    first.refresh_from_db()
    assert first.unpaid_sen == 0 and first.paid_on == first.due_date
    assert sum(a.amount_sen for a in Allocation.objects.filter(payment=payment)) == payment.amount_sen
    assert AuditEvent.objects.filter(action="payment.post", object_id=str(payment.pk)).exists()


def test_the_same_idempotency_key_records_one_payment(contract, people):
    day = contract.first_due_date
    one = _pay(contract, people["fo"], 100000, day, idempotency_key="tap-1")
    two = _pay(contract, people["fo"], 100000, day, idempotency_key="tap-1")
    assert one.pk == two.pk and two.replayed
    assert Payment.objects.filter(contract=contract).count() == 1


def test_a_reused_key_for_another_amount_is_refused(contract, people):
    day = contract.first_due_date
    _pay(contract, people["fo"], 100000, day, idempotency_key="tap-2")
    with pytest.raises(Conflict):
        _pay(contract, people["fo"], 200000, day, idempotency_key="tap-2")


@pytest.mark.parametrize("amount", ["0", "-5", "0.001", "1000000000000"])
def test_absurd_amounts_are_refused(contract, people, amount):
    with pytest.raises(DomainError):
        _pay(contract, people["fo"], amount, contract.first_due_date)
    assert not Payment.objects.exists()


def test_more_than_everything_owed_is_refused_with_the_figure(contract, people):
    with pytest.raises(DomainError) as info:
        _pay(contract, people["fo"], 99_000_000, contract.first_due_date)
    assert info.value.code == "amount_exceeds_owed"


def test_a_transfer_needs_its_reference_and_posts_once(contract, people):
    day = contract.first_due_date
    with pytest.raises(DomainError):
        _pay(contract, people["adm"], 100000, day, channel="transfer")
    one = _pay(contract, people["adm"], 100000, day, channel="transfer", reference="BCA-778", bank="BCA")
    two = _pay(contract, people["adm"], 100000, day, channel="transfer", reference="BCA-778", bank="BCA")
    assert one.pk == two.pk and one.receipt_number is None


def test_roles_without_authority_cannot_post(contract, people, cmo_a):
    with pytest.raises(PermissionDenied):
        _pay(contract, cmo_a, 100000, contract.first_due_date)
    with pytest.raises(PermissionDenied):
        _pay(contract, people["fo_b"], 100000, contract.first_due_date)


def test_an_overpayment_is_held_as_advance_on_the_next_installment(contract, people):
    first, second = contract.installments.get(no=1), contract.installments.get(no=2)
    _pay(contract, people["fo"], first.amount_sen // 100 + 300000, first.due_date)
    position = contract_position(contract, as_of=first.due_date)
    assert position.installments[0].state == "paid"
    assert position.installments[1].paid == Decimal(300000)
    assert position.ledger.advance == Decimal(300000)
    assert position.installments[1].state == "partly_paid"
    assert second.due_date > first.due_date


def test_a_late_payment_pays_the_late_fee_first(contract, people):
    first = contract.installments.get(no=1)
    late = first.due_date + dt.timedelta(days=10)
    position = contract_position(contract, as_of=late)
    fee = position.installments[0].late_fee
    assert fee == (Decimal(first.amount_sen) / 100 * Decimal("0.005") * 10).quantize(Decimal(1), rounding="ROUND_FLOOR")
    payment = _pay(contract, people["fo"], first.amount_sen // 100, late)
    components = list(Allocation.objects.filter(payment=payment).values_list("component", flat=True))
    assert components[0] == "late_fee"
    assert contract_position(contract, as_of=late).installments[0].unpaid == fee


def test_a_reversal_needs_a_second_person_and_then_the_payment_no_longer_counts(contract, people):
    first = contract.installments.get(no=1)
    payment = _pay(contract, people["fo"], first.amount_sen // 100, first.due_date)
    reversal = payment_reverse_request(actor=people["fo"], payment=payment, reason="Salah kontrak")
    # the maker cannot approve, nor a role without authority, nor another branch's manager
    for actor in (people["fo"], people["fo2"], people["bm_b"]):
        with pytest.raises(PermissionDenied):
            payment_reverse_decide(actor=actor, reversal=reversal, approve=True, as_of=first.due_date)
    payment_reverse_decide(actor=people["bm"], reversal=reversal, approve=True, as_of=first.due_date)
    reversal.refresh_from_db()
    assert reversal.status == ReversalStatus.APPROVED and reversal.decided_by == people["bm"]
    first.refresh_from_db()
    assert first.principal_paid_sen == 0 and first.interest_paid_sen == 0
    assert not Allocation.objects.filter(payment=payment).exists()
    assert Payment.objects.filter(pk=payment.pk).exists()  # the row stays; it just no longer counts
    assert AuditEvent.objects.filter(action="reversal.approve").exists()
    with pytest.raises(Conflict):
        payment_reverse_request(actor=people["fo"], payment=payment, reason="lagi")


def test_a_rejected_reversal_leaves_the_payment_and_may_be_asked_again(contract, people):
    first = contract.installments.get(no=1)
    payment = _pay(contract, people["fo"], 100000, first.due_date)
    reversal = payment_reverse_request(actor=people["adm"], payment=payment, reason="Ragu")
    payment_reverse_decide(actor=people["bm"], reversal=reversal, approve=False, as_of=first.due_date)
    assert Allocation.objects.filter(payment=payment).exists()
    again = payment_reverse_request(actor=people["adm"], payment=payment, reason="Ternyata benar salah")
    assert again.status == ReversalStatus.REQUESTED


def test_waiving_late_fees_needs_authority_and_cannot_exceed_them(contract, people):
    first = contract.installments.get(no=1)
    late = first.due_date + dt.timedelta(days=10)
    fee = contract_position(contract, as_of=late).ledger.late_fee_unpaid
    with pytest.raises(PermissionDenied):
        late_fee_waive(actor=people["fo"], contract=contract, amount=fee, reason="x", as_of=late)
    with pytest.raises(DomainError):
        late_fee_waive(actor=people["bm"], contract=contract, amount=fee + 1, reason="x", as_of=late)
    late_fee_waive(actor=people["bm"], contract=contract, amount=fee, reason="Musibah banjir", as_of=late)
    assert contract_position(contract, as_of=late).ledger.late_fee_unpaid == 0
    assert AuditEvent.objects.filter(action="late_fee.waive").exists()


def test_paying_every_installment_pays_the_contract_off(contract, people):
    for row in contract.installments.order_by("no"):
        _pay(contract, people["fo"], row.amount_sen // 100, row.due_date)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAID_OFF and contract.outstanding_sen == 0
    with pytest.raises(Conflict) as info:
        _pay(contract, people["fo"], 1000, contract.installments.last().due_date)
    assert info.value.code == "contract_closed"


def test_reversing_the_last_payment_reopens_a_paid_off_contract(contract, people):
    rows = list(contract.installments.order_by("no"))
    payments = [_pay(contract, people["fo"], row.amount_sen // 100, row.due_date) for row in rows]
    reversal = payment_reverse_request(actor=people["fo"], payment=payments[-1], reason="Cek kosong")
    payment_reverse_decide(actor=people["bm"], reversal=reversal, approve=True, as_of=rows[-1].due_date)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE and contract.outstanding_sen == rows[-1].amount_sen


def test_an_early_settlement_closes_the_contract_at_zero(contract, people):
    rows = list(contract.installments.order_by("no"))
    for row in rows[:3]:
        _pay(contract, people["fo"], row.amount_sen // 100, row.due_date)
    day = rows[3].due_date - dt.timedelta(days=10)
    quote = settlement_quote_create(actor=people["fo"], contract=contract, as_of=day)
    assert quote.valid_until == day + dt.timedelta(days=7)
    assert quote.principal_sen == sum(r.principal_sen for r in rows[3:])
    assert quote.total_sen == quote.principal_sen + quote.interest_sen + quote.late_fee_sen + quote.fee_sen
    payment = settlement_execute(actor=people["fo"], quote=quote, value_date=day, as_of=day)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SETTLED and contract.outstanding_sen == 0
    assert payment.amount_sen == quote.total_sen
    assert sum(a.amount_sen for a in Allocation.objects.filter(payment=payment)) == quote.total_sen
    again = settlement_execute(actor=people["fo"], quote=quote, value_date=day, as_of=day)
    assert again.pk == payment.pk


def test_a_settlement_quote_goes_stale_when_a_payment_arrives(contract, people):
    day = contract.first_due_date
    quote = settlement_quote_create(actor=people["fo"], contract=contract, as_of=day)
    _pay(contract, people["fo"], 100000, day)
    with pytest.raises(Conflict) as info:
        settlement_execute(actor=people["fo"], quote=quote, value_date=day, as_of=day)
    assert info.value.code == "quote_stale"


def test_an_expired_settlement_quote_is_refused(contract, people):
    day = contract.first_due_date
    quote = settlement_quote_create(actor=people["fo"], contract=contract, as_of=day)
    late = quote.valid_until + dt.timedelta(days=1)
    with pytest.raises(Conflict) as info:
        settlement_execute(actor=people["fo"], quote=quote, value_date=late, as_of=late)
    assert info.value.code == "quote_expired"


def test_active_installments_for_nik_lists_open_contracts_across_branches(contract, people):
    rows = active_installments_for_nik(contract.customer_nik)
    assert [(r.contract_number, r.monthly_installment) for r in rows] == [(contract.number, contract.installment)]
    assert rows[0].outstanding == contract.outstanding
    assert active_installments_for_nik("3175090000000000") == []
