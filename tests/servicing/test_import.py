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
