"""The remedial screens: the collector's receipt on the phone, the cashier's deposit, the reconciliation and its
Excel, the manager's list, the remedial page with letters and repossession, the PDFs."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from angsur.remedial.models import CashDeposit, FieldReceipt, RepossessionTask, WarningLetter
from angsur.remedial.services import booklet_assign, receipt_issue
from angsur.servicing.models import Payment
from angsur.servicing.services import fiduciary_record

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 2)


def _on(branch, day):
    branch.business_date = day
    branch.save(update_fields=["business_date"])


def test_collector_writes_a_receipt_and_the_cashier_receives_it(web, people, contract, branch_a):
    _on(branch_a, MON)
    booklet_assign(actor=people["bm"], collector=people["coll"], first_number=700, last_number=720, as_of=MON)
    coll = web(people["coll"])
    page = coll.get("/field-cash/")
    assert page.status_code == 200 and b'value="700"' in page.content  # the next free number is proposed
    assert f'<option value="{contract.number}">'.encode() in page.content  # the cases assigned to the collector
    response = coll.post("/field-cash/", {"contract_number": contract.number, "number": "700", "amount": "450.000"}, follow=True)
    assert b"0000700" in response.content
    receipt = FieldReceipt.objects.get()
    assert receipt.amount_sen == 45_000_000 and Payment.objects.get().channel == "field"
    # The same number again: refused with the message, nothing more recorded
    response = coll.post("/field-cash/", {"contract_number": contract.number, "number": "700", "amount": "1.000"}, follow=True)
    assert b"tidak pernah dipakai dua kali" in response.content or b"never used twice" in response.content
    assert FieldReceipt.objects.count() == 1
    pdf = coll.get(f"/field-cash/receipts/{receipt.pk}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A spoiled receipt
    coll.post("/field-cash/spoil/", {"number": "701", "reason": "Sobek"})
    assert FieldReceipt.objects.get(number=701).status == "spoiled"
    # The next day the cashier receives the cash
    _on(branch_a, MON + dt.timedelta(days=1))
    fo = web(people["fo"])
    assert b"0000700" in fo.get("/field-cash/deposits/").content
    fo.post("/field-cash/deposits/receive/", {"collector": people["coll"].pk, "receipts": [receipt.pk], "counted": "450.000"})
    assert CashDeposit.objects.get().difference_sen == 0
    bm = web(people["bm"])
    page = bm.get("/field-cash/reconciliation/", {"date_from": "2026-11-02", "date_to": "2026-11-03"})
    assert b'data-testid="matched"' in page.content
    xlsx = bm.get("/field-cash/reconciliation.xlsx", {"date_from": "2026-11-02", "date_to": "2026-11-03"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Kuitansi"]["A2"].value == "0000700" and book["Ringkasan"]["M3"].value == "ya"
    assert b'data-testid="no-exceptions"' in bm.get("/field-cash/exceptions/").content


def test_a_missing_deposit_is_on_the_managers_list(web, people, contract, branch_a):
    booklet_assign(actor=people["bm"], collector=people["coll"], first_number=1, last_number=5, as_of=MON)
    receipt_issue(actor=people["coll"], contract=contract, number=1, amount=1000, as_of=MON)
    _on(branch_a, MON + dt.timedelta(days=2))
    page = web(people["bm"]).get("/field-cash/exceptions/")
    assert b'data-testid="exception-missing"' in page.content and b"0000001" in page.content


def test_screens_refuse_roles_without_the_capability(web, people):
    assert web(people["fo"]).get("/field-cash/").status_code == 403
    assert web(people["coll"]).get("/field-cash/deposits/").status_code == 403
    assert web(people["coll"]).get("/field-cash/booklets/").status_code == 403
    assert web(people["coll"]).get("/field-cash/exceptions/").status_code == 403
    assert web(people["fo"]).get("/remedial/").status_code == 403


def test_booklet_assignment_screen(web, people, branch_a):
    _on(branch_a, MON)
    bm = web(people["bm"])
    bm.post("/field-cash/booklets/", {"collector": people["coll"].pk, "first_number": "10", "last_number": "20"})
    response = bm.post("/field-cash/booklets/", {"collector": people["coll2"].pk, "first_number": "15", "last_number": "30"}, follow=True)
    assert b"coll.a" in response.content and response.status_code == 200
    assert b"0000010-0000020" in bm.get("/field-cash/booklets/").content


def test_remedial_page_letters_and_repossession(web, people, contract, branch_a):
    late = contract.first_due_date + dt.timedelta(days=10)
    _on(branch_a, late)
    rem = web(people["rem"])
    assert b'data-testid="dpd">10<' in rem.get(f"/remedial/contracts/{contract.pk}/").content
    page = rem.post(f"/remedial/contracts/{contract.pk}/letters/", {"level": "2"}, follow=True)
    assert b"SP1" in page.content and not WarningLetter.objects.exists()
    rem.post(f"/remedial/contracts/{contract.pk}/letters/", {"level": "1"})
    letter = WarningLetter.objects.get()
    pdf = rem.get(f"/remedial/letters/{letter.pk}/letter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    rem.post(f"/remedial/letters/{letter.pk}/send/", {"channel": "hand", "sent_on": late.isoformat()})
    assert WarningLetter.objects.get().status == "sent"
    page = rem.get(f"/remedial/contracts/{contract.pk}/")
    assert b'data-testid="blockers"' in page.content
    fiduciary_record(
        actor=people["adm"],
        contract=contract,
        deed_number="A",
        deed_date=contract.signing_date,
        certificate_number="W10-9",
        registered_on=contract.signing_date,
        as_of=contract.signing_date,
    )
    rem.post(f"/remedial/contracts/{contract.pk}/evidence/", {"kind": "court_order", "dated": late.isoformat(), "document": "PN-1"})
    rem.post(f"/remedial/contracts/{contract.pk}/repossession/", {"officer": people["rem"].pk})
    task = RepossessionTask.objects.get()
    rem.post(
        f"/remedial/repossessions/{task.pk}/secure/",
        {"secured_on": late.isoformat(), "place": "Pool cabang", "condition": "Baik", "costs": "200.000"},
    )
    task.refresh_from_db()
    assert task.status == "secured" and task.costs_sen == 20_000_000
    pdf = rem.get(f"/remedial/repossessions/{task.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert rem.get("/remedial/").status_code == 200


def test_the_receipt_and_the_letter_spell_the_amount_in_indonesian(people, contract, monkeypatch):
    from django.template.loader import render_to_string

    from angsur.remedial import documents

    booklet_assign(actor=people["bm"], collector=people["coll"], first_number=1, last_number=5, as_of=MON)
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=1, amount=1_170_000, as_of=MON)
    rendered = {}
    monkeypatch.setattr(documents, "render_pdf", lambda name, context: rendered.setdefault(name, render_to_string(name, context)).encode())
    documents.field_receipt_pdf(receipt)
    html = rendered["remedial/pdf_receipt.html"]
    assert "Satu juta seratus tujuh puluh ribu rupiah" in html and "0000001" in html and "Kuitansi" in html


def test_the_phones_outbox_gets_json_and_a_resent_receipt_is_recorded_once(web, people, contract, branch_a):
    _on(branch_a, MON)
    booklet_assign(actor=people["bm"], collector=people["coll"], first_number=800, last_number=810, as_of=MON)
    coll = web(people["coll"])
    body = {"contract_number": contract.number, "number": "800", "amount": "125.000", "client_key": "receipt-800"}
    first = coll.post("/field-cash/", body, headers={"X-Angsur-Outbox": "1"})
    assert first.status_code == 201 and first.json()["status"] == "accepted" and not first.json()["replayed"]
    again = coll.post("/field-cash/", body, headers={"X-Angsur-Outbox": "1"})
    assert again.status_code == 200 and again.json()["replayed"]
    assert FieldReceipt.objects.count() == 1 and Payment.objects.count() == 1
    conflict = coll.post("/field-cash/", {**body, "amount": "1.000"}, headers={"X-Angsur-Outbox": "1"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "receipt_number_used"
    invalid = coll.post("/field-cash/", {**body, "amount": "abc"}, headers={"X-Angsur-Outbox": "1"})
    assert invalid.status_code == 400 and "amount" in invalid.json()["errors"]
