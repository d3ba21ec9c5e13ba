"""Warning letters SP1-SP3 (order, gap, figures, immutable once sent) and repossession (POJK 22/2023 Pasal 64)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import override

from angsur.audit.models import AuditEvent
from angsur.errors import DomainError
from angsur.remedial.models import RemedialError, RemedialPolicy
from angsur.remedial.selectors import owed_on
from angsur.remedial.services import (
    default_evidence_record,
    repossession_create,
    repossession_finish,
    repossession_secure,
    warning_letter_cancel,
    warning_letter_create,
    warning_letter_send,
)
from angsur.servicing.ledger import contract_ledger
from angsur.servicing.models import ContractDay
from angsur.servicing.services import fiduciary_record

pytestmark = pytest.mark.django_db


def _refused(call, code):
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == code, error.value.message
    return error.value


def _sent(people, contract, level, day):
    letter = warning_letter_create(actor=people["rem"], contract=contract, level=level, as_of=day)
    return warning_letter_send(actor=people["rem"], letter=letter, sent_on=day, channel="hand", as_of=day)


def test_sp1_states_days_late_principal_interest_and_penalties_from_the_ledger(contract, people, late_day):
    # Given a contract 10 days late and no end-of-day snapshot
    letter = warning_letter_create(actor=people["rem"], contract=contract, level=1, as_of=late_day)
    ledger = contract_ledger(contract, as_of=late_day)
    # Then the letter carries the finance core's figures for the date
    assert letter.figures_source == "ledger" and letter.days_past_due == 10
    assert letter.principal_sen == int(ledger.principal_unpaid * 100)
    assert letter.late_fee_sen == int(ledger.late_fee_unpaid * 100) > 0
    first = contract.installments.get(no=1)
    assert letter.interest_sen == first.interest_sen and letter.overdue_sen == first.amount_sen
    assert letter.number.startswith("SP1/JKT/")
    assert AuditEvent.objects.filter(action="warning_letter.draft", object_id=str(letter.pk)).exists()


def test_figures_come_from_the_latest_end_of_day_snapshot_when_there_is_one(contract, people, late_day):
    snapshot_day = late_day - dt.timedelta(days=2)
    ContractDay.objects.create(
        business_date=snapshot_day,
        contract=contract,
        branch_id=contract.branch_id,
        dealer_id=contract.dealer_id,
        cmo_id=contract.cmo_id,
        product_id=contract.product_id,
        booked_month=contract.signing_date.replace(day=1),
        status="active",
        dpd=8,
        bucket="B1",
        collectibility=2,
        mob=1,
        premature=True,
        fpd=False,
        overdue_sen=123_400,
        late_fee_sen=5_600,
        outstanding_principal_sen=9_999_900,
    )
    owed = owed_on(contract, as_of=late_day)
    assert (owed.source, owed.as_of, owed.days_past_due) == ("eod", snapshot_day, 8)
    assert (owed.principal, owed.overdue, owed.late_fees) == (Decimal("99999.00"), Decimal("1234.00"), Decimal("56.00"))


def test_a_contract_that_is_not_late_gets_no_letter(contract, people):
    _refused(lambda: warning_letter_create(actor=people["rem"], contract=contract, level=1, as_of=contract.signing_date), "not_late")


def test_sp2_before_sp1_is_refused(contract, people, late_day):
    error = _refused(
        lambda: warning_letter_create(actor=people["rem"], contract=contract, level=2, as_of=late_day), "previous_letter_missing"
    )
    assert "SP1" in error.message
    # A draft SP1 is not enough: it must have been sent
    warning_letter_create(actor=people["rem"], contract=contract, level=1, as_of=late_day)
    _refused(lambda: warning_letter_create(actor=people["rem"], contract=contract, level=2, as_of=late_day), "previous_letter_missing")


def test_sp3_needs_sp2_sent_and_the_configured_gap(contract, people, late_day, branch_a):
    RemedialPolicy.objects.create(branch=branch_a, letter_min_gap_days=5)
    _sent(people, contract, 1, late_day)
    _refused(
        lambda: warning_letter_create(actor=people["rem"], contract=contract, level=2, as_of=late_day + dt.timedelta(days=4)),
        "letter_too_soon",
    )
    sp2_day = late_day + dt.timedelta(days=5)
    _sent(people, contract, 2, sp2_day)
    _refused(
        lambda: warning_letter_create(actor=people["rem"], contract=contract, level=3, as_of=sp2_day + dt.timedelta(days=1)),
        "letter_too_soon",
    )
    sp3 = _sent(people, contract, 3, sp2_day + dt.timedelta(days=5))
    assert sp3.status == "sent" and sp3.level_label == "SP3"


def test_a_sent_letter_never_changes(contract, people, late_day):
    letter = _sent(people, contract, 1, late_day)
    assert (letter.sent_on, letter.channel, letter.sent_by) == (late_day, "hand", people["rem"])
    assert AuditEvent.objects.filter(action="warning_letter.send", object_id=str(letter.pk)).exists()
    _refused(
        lambda: warning_letter_send(actor=people["rem"], letter=letter, sent_on=late_day, channel="courier", as_of=late_day),
        "invalid_transition",
    )
    _refused(lambda: warning_letter_cancel(actor=people["rem"], letter=letter, reason="Batal"), "invalid_transition")
    stored = type(letter).objects.get(pk=letter.pk)
    stored.channel = "email"
    with pytest.raises(RemedialError):
        stored.save()
    _refused(lambda: warning_letter_create(actor=people["rem"], contract=contract, level=1, as_of=late_day), "letter_exists")


def test_letters_need_the_capability_and_the_branch(contract, people, late_day):
    _refused(lambda: warning_letter_create(actor=people["coll"], contract=contract, level=1, as_of=late_day), "permission_denied")
    _refused(lambda: warning_letter_create(actor=people["rem_b"], contract=contract, level=1, as_of=late_day), "permission_denied")
    letter = warning_letter_create(actor=people["rem"], contract=contract, level=1, as_of=late_day)
    _refused(
        lambda: warning_letter_send(actor=people["rem_b"], letter=letter, sent_on=late_day, channel="hand", as_of=late_day),
        "permission_denied",
    )
    _refused(
        lambda: warning_letter_send(actor=people["rem"], letter=letter, sent_on=late_day, channel="pigeon", as_of=late_day),
        "channel_invalid",
    )


# --- repossession ------------------------------------------------------------------------------------


def _register_certificate(people, contract):
    fiduciary_record(
        actor=people["adm"],
        contract=contract,
        deed_number="AKTA-1",
        deed_date=contract.signing_date,
        certificate_number="W10.00123.AH.05.01",
        registered_on=contract.signing_date + dt.timedelta(days=3),
        as_of=contract.signing_date + dt.timedelta(days=3),
    )


@override("en")
def test_a_repossession_without_its_preconditions_is_refused_naming_each_missing_one(contract, people, late_day):
    error = _refused(
        lambda: repossession_create(actor=people["rem"], contract=contract, officer=people["rem"], as_of=late_day),
        "repossession_preconditions",
    )
    for missing in ("warning letter", "fiduciary certificate", "acknowledged"):
        assert missing in error.message
    # With the letter and the certificate only, the missing acknowledgement / court order is still named
    _sent(people, contract, 1, late_day)
    _register_certificate(people, contract)
    error = _refused(
        lambda: repossession_create(actor=people["rem"], contract=contract, officer=people["rem"], as_of=late_day),
        "repossession_preconditions",
    )
    assert "acknowledged" in error.message and "warning letter" not in error.message and "certificate" not in error.message


def test_repossession_opens_secures_and_closes_with_the_report_figures(contract, people, late_day):
    # Given a sent SP1, the registered certificate and the debtor's acknowledgement
    _sent(people, contract, 1, late_day)
    _register_certificate(people, contract)
    default_evidence_record(
        actor=people["rem"], contract=contract, kind="acknowledgement", dated=late_day, document="SP-WANPRESTASI-01", as_of=late_day
    )
    # When the remedial officer opens the task
    task = repossession_create(actor=people["rem"], contract=contract, officer=people["rem"], as_of=late_day)
    assert task.status == "open" and task.certificate_number == "W10.00123.AH.05.01"
    _refused(
        lambda: repossession_create(actor=people["rem"], contract=contract, officer=people["rem"], as_of=late_day), "repossession_exists"
    )
    # ... secures the unit two days later with costs: the breakdown is of that day
    day = late_day + dt.timedelta(days=2)
    task = repossession_secure(
        actor=people["rem"],
        task=task,
        secured_on=day,
        place="Jl. Melati 3, Jakarta",
        condition="Baik, lecet kecil",
        costs=Decimal(350000),
        as_of=day,
    )
    ledger = contract_ledger(contract, as_of=day)
    assert task.status == "secured" and task.owed_on == day and task.days_past_due == 12
    assert task.late_fee_sen == int(ledger.late_fee_unpaid * 100) and task.costs_sen == 35_000_000
    assert task.total_sen == task.principal_sen + task.interest_sen + task.late_fee_sen + task.costs_sen
    task = repossession_finish(actor=people["rem"], task=task, action="close", note="Unit di gudang")
    assert task.status == "closed"
    actions = set(
        AuditEvent.objects.filter(object_id=str(task.pk), object_type="remedial.repossessiontask").values_list("action", flat=True)
    )
    assert actions == {"repossession.open", "repossession.secure", "repossession.close"}


def test_a_court_order_also_establishes_default(contract, people, late_day):
    _sent(people, contract, 1, late_day)
    _register_certificate(people, contract)
    default_evidence_record(
        actor=people["rem"], contract=contract, kind="court_order", dated=late_day, document="PN JKT 12/2026", as_of=late_day
    )
    task = repossession_create(actor=people["rem"], contract=contract, officer=people["rem"], as_of=late_day)
    assert task.evidence.kind == "court_order"
    _refused(lambda: repossession_finish(actor=people["rem"], task=task, action="close", note="x"), "invalid_transition")
    assert repossession_finish(actor=people["rem"], task=task, action="cancel", note="Dibayar").status == "cancelled"


def test_repossession_needs_the_capability(contract, people, late_day):
    _refused(
        lambda: default_evidence_record(
            actor=people["coll"], contract=contract, kind="court_order", dated=late_day, document="x", as_of=late_day
        ),
        "permission_denied",
    )
    _refused(
        lambda: repossession_create(actor=people["adm"], contract=contract, officer=people["rem"], as_of=late_day), "permission_denied"
    )
    _refused(lambda: repossession_create(actor=people["rem"], contract=contract, officer=people["coll"], as_of=late_day), "officer_invalid")
