"""Statement import: CSV and Excel, matched by virtual account or contract number; bad rows by line; twice posts once."""

import io

import pytest
from django.core.management import call_command

from angsur.servicing.imports import parse_amount, statement_import
from angsur.servicing.models import BankColumnMapping, Payment, UnmatchedPayment
from tests.servicing.conftest import SIGNED


def _csv(rows: list[str], header: str = "date,amount,reference,account") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_good_rows_post_bad_rows_are_reported_by_line_and_the_same_file_twice_posts_once(contract, people):
    day = contract.first_due_date.isoformat()
    content = _csv(
        [
            f"{day},500000,BCA-1,{contract.va_number}",
            f"{day},abc,BCA-2,{contract.va_number}",
            f"{day},300000,BCA-3,{contract.number}",
            f"{day},-5,BCA-4,{contract.number}",
            f"31/02/2026,1000,BCA-5,{contract.number}",
            f"{day},1000,BCA-6,9999999999",
        ]
    )
    report = statement_import(actor=people["adm"], content=content, name="mutasi.csv", bank="BCA", as_of=contract.first_due_date)
    assert report.posted == 2 and report.unmatched == 1
    assert [line for line, _message in report.errors] == [3, 5, 6]
    assert Payment.objects.count() == 2 and UnmatchedPayment.objects.count() == 1
    again = statement_import(actor=people["adm"], content=content, name="mutasi.csv", bank="BCA", as_of=contract.first_due_date)
    assert again.posted == 0 and again.already_posted == 3
    assert Payment.objects.count() == 2


def test_rows_without_a_reference_still_post_once(contract, people):
    day = contract.first_due_date.isoformat()
    content = _csv([f"{day},1000,,{contract.va_number}", f"{day},1000,,{contract.va_number}"])
    first = statement_import(actor=people["adm"], content=content, name="m.csv", bank="BRI", as_of=contract.first_due_date)
    second = statement_import(actor=people["adm"], content=content, name="m.csv", bank="BRI", as_of=contract.first_due_date)
    assert first.posted == 2 and second.posted == 0 and Payment.objects.count() == 2


def test_an_excel_statement_with_the_banks_saved_column_names(contract, people):
    from openpyxl import Workbook

    BankColumnMapping.objects.create(
        bank="Mandiri", date_column="Tanggal", amount_column="Kredit", reference_column="No Ref", account_column="VA"
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Tanggal", "Keterangan", "Kredit", "No Ref", "VA"])
    sheet.append([contract.first_due_date, "Setoran", 250000, "MDR-9", contract.va_number])
    buffer = io.BytesIO()
    book.save(buffer)
    report = statement_import(
        actor=people["adm"], content=buffer.getvalue(), name="mutasi.xlsx", bank="Mandiri", as_of=contract.first_due_date
    )
    assert report.posted == 1 and not report.errors
    assert Payment.objects.get().reference == "MDR-9"


def test_a_payment_on_a_closed_contract_is_a_reported_line(contract, people):
    from angsur.servicing.services import settlement_execute, settlement_quote_create

    quote = settlement_quote_create(actor=people["fo"], contract=contract, as_of=SIGNED)
    settlement_execute(actor=people["fo"], quote=quote, value_date=SIGNED, as_of=SIGNED)
    content = _csv([f"{SIGNED.isoformat()},1000,X-1,{contract.va_number}"])
    report = statement_import(actor=people["adm"], content=content, name="m.csv", bank="BCA", as_of=SIGNED)
    assert report.errors and report.errors[0][0] == 2


@pytest.mark.parametrize(
    ("text", "amount"), [("1170000", "1170000"), ("1.170.000", "1170000"), ("1.170.000,50", "1170000.50"), ("1170000.00", "1170000.00")]
)
def test_amounts_as_banks_write_them(text, amount):
    from decimal import Decimal

    assert parse_amount(text) == Decimal(amount)


def test_the_command_reports_lines_and_totals(contract, people, tmp_path):
    day = contract.first_due_date.isoformat()
    path = tmp_path / "mutasi.csv"
    path.write_bytes(_csv([f"{day},1000,C-1,{contract.va_number}", f"{day},zzz,C-2,{contract.va_number}"]))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import-payments", str(path), "--bank", "BCA", "--user", people["adm"].username, "--quiet", stdout=out)
    text = out.getvalue()
    assert "3" in text.splitlines()[0] and "1" in text.splitlines()[-1]
    assert Payment.objects.count() == 1


def test_the_set_based_import_allocates_exactly_as_posting_one_by_one(contract, people, cmo_a, dealer_a):
    """The import replays each contract once with all its rows; the result equals posting them one at a time."""
    import datetime as dt
    from decimal import Decimal

    from angsur.devdata.seed_contracts import booked_contract
    from angsur.servicing.models import Allocation, Installment
    from angsur.servicing.services import payment_post

    twin = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED, admin=people["adm"])
    rows = list(contract.installments.order_by("no"))
    plan = [
        (rows[0].due_date + dt.timedelta(days=9), 700000),
        (rows[1].due_date, 1500000),
        (rows[2].due_date + dt.timedelta(days=3), 400000),
    ]
    as_of = plan[-1][0]
    content = _csv([f"{day.isoformat()},{amount},T-{i},{contract.va_number}" for i, (day, amount) in enumerate(plan)])
    report = statement_import(actor=people["adm"], content=content, name="m.csv", bank="BCA", as_of=as_of)
    assert report.posted == 3 and not report.errors
    for day, amount in plan:
        payment_post(
            actor=people["adm"],
            contract=twin,
            amount=Decimal(amount),
            channel="transfer",
            value_date=day,
            as_of=as_of,
            reference=f"{day}-{amount}",
        )

    def allocations(c):
        return [
            (a.installment.no if a.installment else None, a.component, a.amount_sen)
            for a in Allocation.objects.filter(contract=c).order_by("id")
        ]

    def positions(c):
        return list(
            Installment.objects.filter(contract=c)
            .order_by("no")
            .values_list("principal_paid_sen", "interest_paid_sen", "late_fee_sen", "late_fee_paid_sen", "paid_on")
        )

    assert allocations(contract) == allocations(twin)
    assert positions(contract) == positions(twin)
    contract.refresh_from_db()
    twin.refresh_from_db()
    assert (contract.outstanding_sen, contract.paid_sen) == (twin.outstanding_sen, twin.paid_sen)


def test_an_import_row_over_what_is_owed_is_refused_and_the_rest_posts(contract, people):
    day = contract.first_due_date.isoformat()
    content = _csv(
        [f"{day},1000,A-1,{contract.va_number}", f"{day},90000000,A-2,{contract.va_number}", f"{day},2000,A-3,{contract.va_number}"]
    )
    report = statement_import(actor=people["adm"], content=content, name="m.csv", bank="BCA", as_of=contract.first_due_date)
    assert report.posted == 2 and [line for line, _m in report.errors] == [3]


def test_the_api_imports_a_file_and_the_review_queue_posts_what_did_not_match(api, contract, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    day = contract.first_due_date.isoformat()
    content = _csv([f"{day},1000,Q-1,{contract.va_number}", f"{day},2000,Q-2,12345", f"{day},xyz,Q-3,{contract.va_number}"])
    client = api(people["adm"])
    response = client.post("/api/payment-imports", {"bank": "BCA", "file": SimpleUploadedFile("m.csv", content)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["rows_done"] == body["rows_total"] == 3
    report = body["report"]
    assert (report["posted"], report["unmatched"], [e["line"] for e in report["errors"]]) == (1, 1, [4])
    assert client.get(f"/api/payment-imports/{body['id']}").json()["report"] == report
    # another branch's staff do not see the import
    assert api(people["fo_b"]).get(f"/api/payment-imports/{body['id']}").status_code == 404
    queue = client.get("/api/unmatched-payments").json()
    assert [(row["reference"], row["amount"]) for row in queue] == [("Q-2", "2000")]
    # another branch's staff do not see the row
    assert api(people["fo_b"]).get("/api/unmatched-payments").json() == []
    matched = client.post(f"/api/unmatched-payments/{queue[0]['id']}/match", {"contract_id": contract.pk}, content_type="application/json")
    assert matched.status_code == 201 and matched.json()["amount"] == "2000"
    assert client.get("/api/unmatched-payments").json() == []
    # the same file again posts nothing new
    again = client.post("/api/payment-imports", {"bank": "BCA", "file": SimpleUploadedFile("m.csv", content)}).json()
    assert again["report"]["posted"] == 0 and Payment.objects.count() == 2


def test_the_review_queue_page_posts_a_row_to_the_contract_found(web, contract, people):
    day = contract.first_due_date.isoformat()
    statement_import(actor=people["adm"], content=_csv([f"{day},3000,R-1,999"]), name="m.csv", bank="BCA", as_of=contract.first_due_date)
    client = web(people["adm"])
    page = client.get("/payments/unmatched/")
    assert b'data-testid="unmatched-row"' in page.content
    row = UnmatchedPayment.objects.get()
    client.post(f"/payments/unmatched/{row.pk}/match/", {"contract_number": "nope"})
    assert not Payment.objects.exists()
    client.post(f"/payments/unmatched/{row.pk}/match/", {"contract_number": contract.number})
    assert Payment.objects.get().amount_sen == 300000
    assert b'data-testid="unmatched-row"' not in client.get("/payments/unmatched/").content
    assert web(people["fo_b"]).post(f"/payments/unmatched/{row.pk}/match/", {"contract_number": contract.number}).status_code == 404


def test_a_big_file_goes_to_the_worker_and_its_page_shows_the_progress_then_the_report(web, contract, people, monkeypatch, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from angsur.servicing import imports
    from angsur.servicing.models import ImportStatus, PaymentImport

    # Given a file bigger than what is posted while the person waits, and a queue that holds the task
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(imports, "INLINE_ROWS", 2)
    day = contract.first_due_date.isoformat()
    content = _csv([f"{day},1000,W-1,{contract.va_number}", f"{day},2000,W-2,{contract.va_number}", f"{day},3000,W-3,999"])
    client = web(people["adm"])
    # When Admin uploads it
    with _captured_on_commit():
        response = client.post("/payments/imports/", {"bank": "BCA", "file": SimpleUploadedFile("big.csv", content)})
    record = PaymentImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/payments/imports/{record.pk}/"
    # Then it waits for the worker: nothing is posted yet and the page says so, and asks again
    assert record.status == ImportStatus.QUEUED and record.rows_total == 3 and not Payment.objects.exists()
    page = client.get(f"/payments/imports/{record.pk}/").content.decode()
    assert 'data-testid="import-progress"' in page and "hx-trigger" in page
    # When the worker runs it
    imports.payment_import_task.call(record.pk)
    # Then the page shows the report, stops asking, and a second run of the task posts nothing again
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE and record.rows_done == 3
    page = client.get(f"/payments/imports/{record.pk}/").content.decode()
    assert 'data-testid="import-report"' in page and "hx-trigger" not in page
    assert Payment.objects.count() == 2 and UnmatchedPayment.objects.count() == 1
    imports.payment_import_task.call(record.pk)
    assert Payment.objects.count() == 2
    # and another branch does not see it
    assert web(people["fo_b"]).get(f"/payments/imports/{record.pk}/").status_code == 404


def test_an_unreadable_file_or_a_missing_bank_is_refused_with_a_message_and_nothing_is_recorded(web, api, contract, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from angsur.servicing.models import PaymentImport

    client = web(people["adm"])
    page = client.post("/payments/imports/", {"bank": "BCA", "file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert page.status_code == 200 and "tidak dapat dibaca" in page.content.decode().lower()
    page = client.post("/payments/imports/", {"bank": "", "file": SimpleUploadedFile("m.csv", _csv([]))})
    assert page.status_code == 200 and not PaymentImport.objects.exists()
    body = api(people["adm"]).post("/api/payment-imports", {"bank": "BCA", "file": SimpleUploadedFile("x.xlsx", b"nope")})
    assert body.status_code == 400 and body.json()["code"] == "file_unreadable"
    # someone who does not post payments may not import
    assert web(people["ca"]).get("/payments/imports/").status_code == 403


class _captured_on_commit:
    """Run on_commit callbacks when the block ends (the test runs inside a transaction)."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)
