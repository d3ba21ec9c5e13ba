"""Remedial documents: the field receipt, the warning letter and the repossession report (PDF, in Indonesian:
they go to the customer), and the branch's field-cash reconciliation (Excel)."""

import io

from django.utils import translation

from angsur.documents.pdf import render_pdf
from angsur.finance.money import from_minor
from angsur.remedial.models import FieldReceipt, RepossessionTask, WarningLetter
from angsur.remedial.selectors import Reconciliation
from angsur.servicing.documents import terbilang


def field_receipt_pdf(receipt: FieldReceipt) -> bytes:
    """The collector's receipt (kwitansi lapangan) with its booklet number and the amount in words."""
    context = {"receipt": receipt, "contract": receipt.contract, "branch": receipt.contract.branch, "words": terbilang(receipt.amount)}
    with translation.override("id"):
        return render_pdf("remedial/pdf_receipt.html", context)


def warning_letter_pdf(letter: WarningLetter) -> bytes:
    """SP1/SP2/SP3: days late, outstanding principal, interest and penalties as of the letter's figures date."""
    total = from_minor(letter.overdue_sen + letter.late_fee_sen)
    context = {
        "letter": letter,
        "contract": letter.contract,
        "branch": letter.contract.branch,
        "principal": from_minor(letter.principal_sen),
        "interest": from_minor(letter.interest_sen),
        "overdue": from_minor(letter.overdue_sen),
        "late_fees": from_minor(letter.late_fee_sen),
        "total": total,
        "words": terbilang(total),
    }
    with translation.override("id"):
        return render_pdf("remedial/pdf_warning_letter.html", context)


def repossession_report_pdf(task: RepossessionTask) -> bytes:
    """The berita acara (unit, place, officer, condition) and the written breakdown of what is owed."""
    total = from_minor(task.total_sen)
    context = {
        "task": task,
        "contract": task.contract,
        "branch": task.contract.branch,
        "principal": from_minor(task.principal_sen),
        "interest": from_minor(task.interest_sen),
        "late_fees": from_minor(task.late_fee_sen),
        "costs": from_minor(task.costs_sen),
        "total": total,
        "words": terbilang(total),
    }
    with translation.override("id"):
        return render_pdf("remedial/pdf_repossession.html", context)


def reconciliation_xlsx(rec: Reconciliation) -> bytes:
    """The reconciliation as a workbook: one sheet per collector summary, one per receipt (amounts as numbers)."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "Ringkasan"
    summary.append(["Periode", rec.date_from.isoformat(), rec.date_to.isoformat(), "Per tanggal", rec.as_of.isoformat()])
    summary.append(
        [
            "Kolektor",
            "Kuitansi",
            "Diterbitkan",
            "Disetor (kuitansi)",
            "Uang dihitung",
            "Selisih kas",
            "Diposting",
            "Selisih posting",
            "Belum disetor (lewat batas)",
            "Belum disetor (masih dalam batas)",
            "Setoran terlambat",
            "Kuitansi rusak",
            "Cocok",
        ]
    )
    for line in [*rec.collectors, rec.totals]:
        summary.append(
            [
                line.collector.username if line.collector else "TOTAL",
                line.issued_count,
                line.issued,
                line.deposited,
                line.counted,
                line.cash_difference,
                line.posted,
                line.posting_difference,
                line.missing,
                line.pending,
                line.late_count,
                line.spoiled_count,
                "ya" if line.matched else "tidak",
            ]
        )
    sheet = book.create_sheet("Kuitansi")
    sheet.append(
        [
            "Nomor",
            "Tanggal",
            "Kolektor",
            "Kontrak",
            "Jumlah",
            "Batas setor",
            "Setoran",
            "Tanggal setor",
            "Status",
            "Diposting",
            "Dibatalkan",
            "Alasan",
        ]
    )
    for line in rec.receipts:
        receipt = line.receipt
        sheet.append(
            [
                receipt.display_number,
                receipt.issued_on,
                receipt.collector.username,
                receipt.contract.number if receipt.contract_id else "",
                receipt.amount,
                receipt.deposit_due,
                receipt.deposit.number if receipt.deposit_id else "",
                receipt.deposit.received_on if receipt.deposit_id else None,
                line.state,
                "ya" if line.posted else "tidak",
                "ya" if line.reversed else "tidak",
                receipt.reason,
            ]
        )
    for ws in (summary, sheet):
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "as_tuple"):
                    cell.number_format = "#,##0"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
